"""What a site holds about each resource: the values that may be shown, and the precomputed search fields.

Public sites show only the schema's public fields; staff sites add the staff fields of :data:`STAFF_KEYS`
(公開範囲・掲載同意・出典) and never :data:`NEVER_KEYS` (内部メモ・先方担当者・確認者). User-added columns are never
written. Public values pass through :func:`shigen.export.select.public_value`, which blanks placeholders and invalid
phone numbers, as in every public export.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import schema as S
from ..export.select import public_value, public_values
from ..find import SEARCH_KEYS, is_free, parse_days
from ..model import AreaIndex, Catalogue, Record, freshness
from ..reading import suggest_for_name
from ..text import search_key

NEVER_KEYS: tuple[str, ...] = ("memo", "contact_person", "confirmed_by")
STAFF_KEYS: tuple[str, ...] = tuple(k for k in S.INTERNAL_KEYS if k not in NEVER_KEYS)
HIDDEN_KEYS: tuple[str, ...] = ("status",)
NO_NAME = "(名称未記入)"  # a link always has a text, even when the name is a placeholder held back  # every listed record is 掲載中: the field says nothing

# the order a resource page lists its fields (every public key once; checked in the tests)
PAGE_ORDER: tuple[str, ...] = (
    "kana", "genre", "category", "content", "target", "fee", "paid", "days", "hours", "closed_days", "area",
    "district", "postal_code", "address", "phone", "mobile", "fax", "email", "url", "apply", "payment", "operator",
    "notes", "last_confirmed", "updated_at", "id",
)


def shown_keys(public: bool) -> tuple[str, ...]:
    keys = tuple(k for k in PAGE_ORDER if k in S.PUBLIC_KEYS and k not in HIDDEN_KEYS)
    return keys if public else keys + STAFF_KEYS


def shown_value(record: Record, key: str, *, public: bool, area_code: str = "") -> str:
    """The value a page may show: for the public the export rule's :func:`public_value` (placeholders and invalid
    phone numbers blanked), for staff the value as written; 内部メモ・先方担当者・確認者 never."""
    if key in NEVER_KEYS:
        return ""
    if public:
        return public_value(record, key, area_code=area_code) if key in S.PUBLIC_KEYS else ""
    return record.get(key)


@dataclass
class Entry:
    """One resource as the site shows it."""

    record: Record
    values: dict[str, str]  # key → shown value (non-empty only), in page order
    districts: tuple[int, ...]  # indexes into the catalogue's districts: where it can be used
    days: int  # bit i = runs on day i (0 = 月 … 6 = 日, 7 = 祝); -1 = unknown
    free: bool
    key: str  # folded search text (text.search_key of the searched fields and the name's reading, joined by U+0001)
    page: str = ""  # file name under resource/
    freshness: str = ""  # staff sites: 確認済み / まもなく期限 / 期限切れ / 未確認

    @property
    def id(self) -> str:
        return self.values.get("id", "")

    @property
    def name(self) -> str:
        return self.values.get("name") or NO_NAME


_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


def page_name(record_id: str, index: int) -> str:
    """File name of a resource page (IDs are S00001…; anything else gets a numbered name)."""
    return f"{record_id}.html" if _SAFE_ID.fullmatch(record_id or "") else f"r{index:06d}.html"


def make_entries(cat: Catalogue, records: list[Record], *, public: bool, as_of: dt.date | None = None) -> list[Entry]:
    keys = ("name", *shown_keys(public))
    index = AreaIndex(cat.districts)
    position = {d.name: i for i, d in enumerate(cat.districts)}
    entries: list[Entry] = []
    area_code = cat.settings.area_code
    for i, r in enumerate(records, start=1):
        if public:  # (every shown key is public: the export rule, one call per record)
            values = {k: v for k, v in public_values(r, keys, area_code=area_code).items() if v}
        else:
            values = {k: v for k in keys if (v := shown_value(r, k, public=public, area_code=area_code))}
        covered = tuple(sorted(position[n] for n in index.covered(r) if n in position))
        info = parse_days(r.get("days"), r.get("closed_days"))
        days = -1 if info.days is None else sum(1 << d for d in info.days)
        # the searched fields, then the name's reading: ふりがな, else one suggested from the name (as `shigen find`
        # does for a query in kana; the internal ふりがな候補 column is never used here)
        read = values.get("kana") or (suggest_for_name(values["name"]) if values.get("name") else "")
        key = "\x01".join([*(search_key(values.get(k, "")) for k in SEARCH_KEYS), search_key(read)])
        fresh = "" if public or as_of is None else freshness(r, as_of, cat.settings.cycle_months).value
        entries.append(Entry(r, values, covered, days, is_free(r), key, page_name(r.id, i), fresh))
    return entries
