"""What both saves of the master share — the openpyxl save (:mod:`.master`) and the fast save (:mod:`.xlsx_patch`):
the text a cell reads as, the value a field is written as, Excel's ``_xHHHH_`` escapes, the settings sheets' list
text, the row each record goes to, and Excel's row limit. It imports neither save, so neither imports the other."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

from . import schema as S
from .errors import InputError, ShigenError
from .model import Record

log = logging.getLogger("shigen")
ROW_LIMIT = 1_048_576  # Excel's rows per sheet
ROW_WARN = 0.8  # warn from this share of the limit on


def cell_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


EXCEL_FIRST_DATE = dt.date(1900, 1, 1)  # serial 1 of the 1900 date system
EXCEL_FIRST_DATE_1904 = dt.date(1904, 1, 2)  # serial 1 of the 1904 system (serial 0 reads back as a time)


def excel_value(key: str, text: str, date1904: bool = False) -> Any:
    """The value a master cell holds for a field: a real date for date fields with an ISO date, else the text.

    A date Excel cannot hold as a date (before 1900-01-01, or before 1904-01-02 in a 1904 workbook) stays text,
    so it reads back exactly as it was written."""
    if key in S.DATE_KEYS and text:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return text
        if day < (EXCEL_FIRST_DATE_1904 if date1904 else EXCEL_FIRST_DATE):
            return text
        return day
    return text


_X_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")  # every _ that would start an escape (they may overlap)


def escape_x(text: str) -> str:
    """Literal ``_x0041_`` text survives Excel's escape decoding (written ``_x005F_x0041_``; Excel reads ``_x0041_``)."""
    return _X_ESCAPE.sub("_x005F_", text) if "_x" in text else text


_X_CODE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape_x(text: str) -> str:
    """Excel's ``_xHHHH_`` escapes decoded, as Excel and calamine read them (``_x005F_`` is a literal ``_``)."""
    return _X_CODE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


# --- the settings sheets' lists ------------------------------------------------------
def join_list(items: tuple[str, ...] | list[str]) -> str:
    return "、".join(items)


REQUIRED_LABEL_CONTACT = "連絡先"


def required_to_text(keys: tuple[str, ...]) -> str:
    return "、".join(REQUIRED_LABEL_CONTACT if k == "contact" else S.header(k) for k in keys)


# --- rows: where each record goes, and room in an append-only sheet ---------------------
def place_records(records: list[Record], id_at: dict[int, str] | None, below: int = 0) -> dict[int, Record]:
    """Excel row → record for a save. Each record read from the master keeps its own row (the row it was read
    from, whose ID it must carry: ``id_at`` = ID text of each row in the file now); new records go after the last
    one and below row ``below`` (the last row a record was read from: the row of a record taken out keeps its
    user cells, which must not pass to a new record). Both save paths use this, so user cells, colours, comments
    and row heights stay with their record."""
    placed: dict[int, Record] = {}
    new: list[Record] = []
    for rec in records:
        r = rec.row
        if r is None or r < 2 or r in placed:
            new.append(rec)
            continue
        there = id_at.get(r, "") if id_at is not None else rec.id
        if there != rec.id:
            raise ShigenError(
                f"シート『{S.SHEET_RESOURCES}』の {r} 行目の ID({there or 'なし'})が、読み込んだ資源の ID"
                f"({rec.id or 'なし'})と一致しません。",
                "台帳の行を取り違えないよう、何も書き換えていません。もう一度実行してください。", path=None)
        placed[r] = rec
    nxt = max(max(placed, default=1), below) + 1
    for rec in new:
        placed[nxt] = rec
        nxt += 1
    return placed


def check_append_room(sheet: str, last_row: int, adding: int, path: Path | None) -> None:
    """An append-only sheet (履歴, 担当履歴) must stay within Excel's rows; warn well before."""
    total = max(last_row, 1) + adding
    if total > ROW_LIMIT:
        raise InputError(
            f"シート『{sheet}』が Excel の上限 {ROW_LIMIT:,} 行を超えてしまいます(いま {last_row:,} 行、追加 {adding:,} 行)。",
            f"古い行(見出しの下から、たとえば前年度までの行)を切り取って別のブック(例: {sheet}_保存分.xlsx)に貼り付けて保存し、"
            "台帳を保存してから、もう一度実行してください(何も書き換えていません)。",
            path=path, sheet=sheet)
    if total > ROW_LIMIT * ROW_WARN:
        log.warning("シート『%s』が %s 行になりました(上限 %s 行)。古い行を別のブックへ移してください"
                    "(docs/master.md「履歴が大きくなったら」)。", sheet, f"{total:,}", f"{ROW_LIMIT:,}")
