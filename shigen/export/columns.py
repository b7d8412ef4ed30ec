"""Which fields an export shows, in which order, under which heading — derived from :mod:`shigen.schema`.

Public exports never include :data:`schema.INTERNAL_KEYS`; staff exports show every field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .. import schema as S
from ..model import Record, freshness
from ..text import to_katakana

# Excel list for readers (care managers, residents): what a reader needs, in reading order. Columns that are
# empty in every record of a sheet are left out, so that the sheet prints one page wide at a readable size.
# (運営主体・支払方法・区分・郵便番号・最終確認日 are in the CSV; here they would push the print below a readable size.)
PUBLIC_XLSX_KEYS: tuple[str, ...] = (
    "name", "genre", "area", "phone", "fax", "mobile", "email", "url", "address", "content", "target", "fee",
    "days", "hours", "closed_days", "apply", "notes", "id",
)
# Fields kept even when empty (the reader expects to see them).
ALWAYS_KEYS: tuple[str, ...] = ("name", "genre", "area", "phone", "content")

# Public data (csv): every public field except the record's workflow state.
PUBLIC_DATA_KEYS: tuple[str, ...] = tuple(k for k in S.PUBLIC_KEYS if k not in ("status", "updated_at"))

# Staff: every field in schema order.
STAFF_KEYS: tuple[str, ...] = S.KEYS

# The booklet card, after 名称 and 電話番号 (issue 6), plus 住所 and 備考 when present.
CARD_KEYS: tuple[str, ...] = ("area", "content", "fee", "days_hours", "closed_days", "apply", "address", "notes")
CARD_LABELS: dict[str, str] = {"days_hours": f"{S.header('days')}・時間"}

# 自治体標準オープンデータセット (介護サービス事業所一覧 and friends) column names, where shigen has the field.
OPEN_DATA_NAMES: dict[str, str] = {
    "id": "NO",
    "name": "名称",
    "kana": "名称_カナ",
    "genre": "サービス種別",
    "address": "所在地_連結表記",
    "phone": "電話番号",
    "fax": "FAX番号",
    "operator": "法人の名称",
    "days": "利用可能曜日",
    "hours": "利用可能時間特記事項",
    "url": "URL",
    "notes": "備考",
}
OPEN_DATA_MUNICIPALITY = "市区町村名"

# Staff only: a computed column telling whether the record is due for confirmation.
FRESHNESS_HEADER = S.EXPORT_COMPUTED_HEADERS[0]  # the importer recognises it (schema.EXPORT_COMPUTED_HEADERS)

for _k in (*PUBLIC_XLSX_KEYS, *PUBLIC_DATA_KEYS, *(k for k in CARD_KEYS if k in S.FIELD_BY_KEY)):
    if not S.FIELD_BY_KEY[_k].public:  # pragma: no cover - guards the lists above against schema changes
        raise AssertionError(f"internal field {_k} in a public column list")


Getter = Callable[[Record, str], str]


@dataclass(frozen=True)
class Column:
    key: str  # schema key, or "" for a computed / extra column
    header: str
    kind: S.Kind = S.Kind.TEXT
    max_width: int = 30
    extra: str = ""  # header of a user-added column of 資源一覧 (staff only)

    def value(self, record: Record, get: Getter | None = None) -> str:
        """The cell text; ``get`` (a Selection's :meth:`~.select.Selection.value`) blanks what may not be printed."""
        if self.key:
            return get(record, self.key) if get is not None else record.get(self.key)
        if self.extra:
            v = record.extra.get(self.extra)
            return "" if v is None else str(v)
        return ""


# Widest a column may grow (Excel character units; a Japanese character counts 2). Longer text wraps.
_MAX_WIDTH = {S.Kind.LONGTEXT: 30, S.Kind.PHONE: 13, S.Kind.DATE: 11, S.Kind.ID: 7, S.Kind.ENUM: 9,
              S.Kind.POSTAL: 9, S.Kind.EMAIL: 16, S.Kind.URL: 16}
_MAX_WIDTH_KEY = {"name": 20, "area": 12, "address": 16, "fee": 12, "apply": 14, "days": 9, "hours": 9,
                  "closed_days": 9, "genre": 20, "target": 10, "operator": 14, "notes": 16, "kana": 14,
                  "payment": 10, "district": 8, "source": 16, "memo": 20}


def column(key: str, header: str | None = None) -> Column:
    f = S.FIELD_BY_KEY[key]
    width = _MAX_WIDTH_KEY.get(key, _MAX_WIDTH.get(f.kind, 20))
    return Column(key, header or f.header, f.kind, width)


def xlsx_columns(public: bool, extra_columns: list[str] | tuple[str, ...] = ()) -> list[Column]:
    if public:
        return [column(k) for k in PUBLIC_XLSX_KEYS]
    cols = [column(k) for k in STAFF_KEYS]
    cols += [Column("", h, S.Kind.TEXT, 20, extra=h) for h in extra_columns]
    return cols


def drop_empty(columns: list[Column], records: list[Record], get: Getter | None = None) -> list[Column]:
    """Leave out optional columns that no record fills (public sheets only)."""
    filled = {c.header for c in columns if c.key in ALWAYS_KEYS or any(c.value(r, get) for r in records)}
    return [c for c in columns if c.header in filled]


def csv_columns(public: bool, extra_columns: list[str] | tuple[str, ...] = ()) -> list[Column]:
    """Open-data named columns first (in the standard's order), then shigen's own fields."""
    keys = PUBLIC_DATA_KEYS if public else STAFF_KEYS
    standard = [k for k in OPEN_DATA_NAMES if k in keys]
    own = [k for k in keys if k not in OPEN_DATA_NAMES]
    cols = [column(k, OPEN_DATA_NAMES[k]) for k in standard] + [column(k) for k in own]
    if not public:
        cols += [Column("", h, S.Kind.TEXT, extra=h) for h in extra_columns]
    return cols


def csv_value(col: Column, record: Record, get: Getter | None = None) -> str:
    value = col.value(record, get)
    if col.key == "kana":
        return to_katakana(value)  # 名称_カナ is written in katakana in the standard datasets
    return value


def freshness_text(record: Record, as_of: dt.date, cycle_months: int) -> str:
    return freshness(record, as_of, cycle_months).value
