"""Reading a returned update workbook back (`shigen collect`), with python-calamine (which sees hidden sheets).

A file that is not an update workbook raises an InputError naming it before anything else is read. The format
is :mod:`shigen.update_book`.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cells import cell_text
from .errors import InputError, UsageError
from .update_book import (
    DATE_KEYS,
    FORMAT_NAME,
    GROUP_MARK,
    HEADER_ROWS,
    ROLE_CONSENT,
    ROLE_CURRENT,
    ROLE_DATE,
    ROLE_MEMO,
    ROLE_METHOD,
    ROLE_NEW,
    ROLE_RESULT,
    SHEET_MAIN,
    SHEET_META,
    SHEET_META_RECORDS,
    SHOWN_KEYS,
    Column,
)


# --- reading back ---------------------------------------------------------------------------
@dataclass
class BookMeta:
    year: str
    coordinator: str
    method: str
    issued_at: str
    master: str
    master_time: str
    columns: list[Column]
    header_rows: int


@dataclass
class IssuedRecord:
    record_id: str
    fingerprint: str
    values: dict[str, str]  # shown values at issue time


@dataclass
class ReturnedRow:
    excel_row: int
    record_id: str
    current: dict[str, str]  # the locked いまの値 cells as returned
    new: dict[str, str]  # non-empty 新しい値 cells
    result: str
    date_value: Any  # as read: date, datetime, number or text
    method: str
    memo: str
    consent: str = ""  # 掲載同意の回答 (one of schema.CONSENT_ANSWERS when valid)

    @property
    def empty(self) -> bool:
        return not (self.result or self.new or self.memo or self.method or self.consent
                    or not _blank(self.date_value))


@dataclass
class ReturnedBook:
    path: Path
    meta: BookMeta
    issued: dict[str, IssuedRecord]
    rows: list[ReturnedRow]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_NO_VALUES = dict.fromkeys(SHOWN_KEYS, "")  # a record's shown values when none is set (SHOWN_KEYS order)
_SHOWN = frozenset(SHOWN_KEYS)
MAX_UNPACKED = 400 * 1024 * 1024


def read_book_meta(path: Path) -> BookMeta:
    """Check that ``path`` is a readable update workbook and return its metadata, without reading its rows
    (cheap: lets `collect` refuse a wrong file before anything else, then read the books one at a time)."""
    return _open_book(path)[1]


def read_update_book(path: Path) -> ReturnedBook:
    """Read a returned update workbook; a file that is not one raises InputError naming it."""
    path = Path(path)
    wb, meta = _open_book(path)
    issued: dict[str, IssuedRecord] = {}
    for r in wb.get_sheet_by_name(SHEET_META_RECORDS).to_python()[1:]:
        if len(r) < 4 or not cell_text(r[0]):
            continue
        try:
            values = json.loads(cell_text(r[3]) or "{}")
        except ValueError:
            continue
        rid = cell_text(r[0])
        shown = {**_NO_VALUES, **values} if values.keys() <= _SHOWN else {k: values.get(k, "") for k in SHOWN_KEYS}
        issued[rid] = IssuedRecord(rid, cell_text(r[1]), shown)
    rows = _read_main(wb.get_sheet_by_name(SHEET_MAIN).to_python(skip_empty_area=False), meta.columns,
                      meta.header_rows, path)
    return ReturnedBook(path, meta, issued, rows)


def _open_book(path: Path) -> tuple[Any, BookMeta]:
    """(the calamine workbook, its metadata); InputError naming the file when it is not an update workbook."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    hint_not_book = "`shigen assign` が作った更新用ブック(exports/更新作業/<年度>/<氏名>.xlsx)を指定してください。"
    if not path.exists():
        raise UsageError("ファイルが見つかりません。", "ファイル名と場所を確かめてください。", path=path)
    try:
        with zipfile.ZipFile(path) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED:
                raise InputError("ファイルを展開すると大きすぎます。", hint_not_book, path=path)
        wb = CalamineWorkbook.from_path(str(path))
    except InputError:
        raise
    except Exception as exc:
        raise InputError("Excel ファイルとして読めません(壊れているか、.xlsx ではありません)。", hint_not_book,
                         path=path) from exc
    names = wb.sheet_names
    if SHEET_META not in names or SHEET_META_RECORDS not in names or SHEET_MAIN not in names:
        raise InputError("shigen の更新用ブックではありません(確認用の見えないシートがありません)。", hint_not_book, path=path)
    kv = {cell_text(r[0]): cell_text(r[1]) for r in wb.get_sheet_by_name(SHEET_META).to_python() if len(r) >= 2}
    if kv.get("format") != FORMAT_NAME:
        raise InputError("shigen の更新用ブックではありません。", hint_not_book, path=path)
    try:
        cols = [Column(k, role) for k, role in json.loads(kv.get("columns", "[]"))]
        header_rows = int(kv.get("header_rows") or HEADER_ROWS)
    except (ValueError, TypeError) as exc:
        raise InputError("更新用ブックの見えないシートが壊れています。", "assign で作り直したブックに記入し直してください。",
                         path=path) from exc
    meta = BookMeta(kv.get("year", ""), kv.get("coordinator", ""), kv.get("method", ""), kv.get("issued_at", ""),
                    kv.get("master", ""), kv.get("master_time", ""), cols, header_rows)
    return wb, meta


def _read_main(data: list[list[Any]], cols: list[Column], header_rows: int, path: Path) -> list[ReturnedRow]:
    if len(data) >= header_rows:
        tops = [cell_text(v) for v in data[0]]
        for c, col in enumerate(cols):
            top = tops[c] if c < len(tops) else ""
            if top and top != col.top:
                raise InputError(
                    f"シート『{SHEET_MAIN}』の列の並びが変わっています({c + 1} 列目が『{top}』、本来は『{col.top}』)。",
                    "列を元の位置に戻すか、assign で作り直したブックに記入し直してください。", path=path, sheet=SHEET_MAIN)
    # いまの値 of text fields read in one pass per row; date fields (date cells) one by one
    current_cols = [(c, col.key) for c, col in enumerate(cols) if col.role == ROLE_CURRENT and col.key not in DATE_KEYS]
    current_dates = [(c, col.key) for c, col in enumerate(cols) if col.role == ROLE_CURRENT and col.key in DATE_KEYS]
    new_cols = [(c, col.key) for c, col in enumerate(cols) if col.role == ROLE_NEW]
    at = {col.role: c for c, col in enumerate(cols)}  # the answer columns (the last one of a role wins)
    c_result, c_date, c_method, c_memo, c_consent = (at.get(role) for role in (ROLE_RESULT, ROLE_DATE, ROLE_METHOD,
                                                                                 ROLE_MEMO, ROLE_CONSENT))
    current_keys = [key for _, key in current_cols]
    new_keys = [key for _, key in new_cols]
    width = len(cols)
    out = []
    for i, raw in enumerate(data[header_rows:], start=header_rows + 1):
        first = cell_text(raw[0]) if raw else ""
        if first.startswith(GROUP_MARK):
            continue
        if len(raw) < width:
            raw = [*raw, *[""] * (width - len(raw))]
        current = dict(zip(current_keys, _texts(raw, current_cols), strict=True))
        for c, key in current_dates:
            current[key] = _text(raw[c])
        new = {key: text for key, text in zip(new_keys, _texts(raw, new_cols), strict=True) if text}
        date_value = None if c_date is None or raw[c_date] == "" else raw[c_date]
        row = ReturnedRow(i, first.strip(), current, new, _answer(raw, c_result), date_value, _answer(raw, c_method),
                          "" if c_memo is None else _text(raw[c_memo]), _answer(raw, c_consent))
        if not row.record_id and row.empty and not any(current.values()):
            continue
        out.append(row)
    return out


def _texts(raw: list[Any], cols: list[tuple[int, str]]) -> list[str]:
    """:func:`_text` of the cells ``cols`` of a row: one C-level pass when they are all text (the usual case)."""
    values = [raw[c] for c, _ in cols]
    try:
        texts = list(map(str.strip, values))
    except TypeError:  # a date or a number among them
        return list(map(_text, values))
    return texts if "\r" not in "".join(texts) else list(map(_text, values))


def _text(value: Any) -> str:
    """``_norm(cell_text(value))``: a cell's text, line breaks as \\n, without the spaces around it."""
    if type(value) is str:
        return value.strip() if "\r" not in value else _norm(value)
    return _norm(cell_text(value))


def _answer(raw: list[Any], c: int | None) -> str:
    return "" if c is None else cell_text(raw[c]).strip()


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()
