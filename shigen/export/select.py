"""Which records go into an export, and in which order.

Public exports hold only publishable records (掲載中, 公開範囲 一般, 掲載同意 済) that are not stale by more
than :data:`STALE_GRACE_MONTHS` beyond the refresh cycle; staff exports hold every 掲載中 record.
``--district D`` keeps every record usable in D (located there, or 対応エリア covers D, incl. 市内全域).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import schema as S
from ..errors import UsageError
from ..model import Catalogue, Record, add_months, covered_districts, due_date, match_genre, ordered

AUDIENCE_PUBLIC = "public"
AUDIENCE_STAFF = "staff"
AUDIENCES = (AUDIENCE_PUBLIC, AUDIENCE_STAFF)
STALE_GRACE_MONTHS = 6
NO_GENRE = "(ジャンル未設定)"


@dataclass
class Section:
    """One genre's records, in order."""

    genre: str
    description: str
    records: list[Record]


@dataclass
class Selection:
    records: list[Record]  # ordered: genre order, then 五十音順
    audience: str
    as_of: dt.date
    districts: list[str] = field(default_factory=list)  # as asked (empty = all)
    genres: list[str] = field(default_factory=list)  # as asked, resolved to catalogue names (empty = all)
    stale: list[Record] = field(default_factory=list)  # publishable but left out: past cycle + 6 months
    unconfirmed: list[Record] = field(default_factory=list)  # included although 最終確認日 is empty
    sections: list[Section] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # reason → count (public: not 一般 / not 同意 / stale)

    @property
    def is_public(self) -> bool:
        return self.audience == AUDIENCE_PUBLIC


def resolve_districts(cat: Catalogue, names: list[str]) -> list[str]:
    valid = [d.name for d in cat.districts]
    out: list[str] = []
    for name in names:
        name = name.strip()
        if name not in valid:
            listed = "、".join(valid) if valid else "(台帳のシート『地区』が空です)"
            raise UsageError(f"地区『{name}』は台帳のシート『{S.SHEET_DISTRICTS}』にありません。",
                             f"次のどれかを指定してください: {listed}")
        if name not in out:
            out.append(name)
    return out


def resolve_genres(cat: Catalogue, names: list[str]) -> list[str]:
    """Catalogue genre names for the names asked (exact name, or a synonym of one genre)."""
    valid = cat.genre_names()
    out: list[str] = []
    for name in names:
        name = name.strip()
        found = name if name in valid else match_genre(name, cat.genres)
        if not found:
            listed = "、".join(valid) if valid else "(台帳のシート『ジャンル』が空です)"
            raise UsageError(f"ジャンル『{name}』は台帳のシート『{S.SHEET_GENRES}』にありません。",
                             f"次のどれかを指定してください: {listed}")
        if found not in out:
            out.append(found)
    return out


def is_stale(record: Record, as_of: dt.date, cycle_months: int) -> bool:
    """Past the refresh cycle by more than six months (records never confirmed are not stale here)."""
    due = due_date(record, cycle_months)
    return due is not None and add_months(due, STALE_GRACE_MONTHS) < as_of


def select(cat: Catalogue, *, audience: str = AUDIENCE_PUBLIC, districts: list[str] | None = None,
           genres: list[str] | None = None, as_of: dt.date | None = None) -> Selection:
    if audience not in AUDIENCES:
        raise UsageError(f"--audience『{audience}』は使えません。", "public(一般向け)か staff(関係者用)を指定してください。")
    as_of = as_of or dt.date.today()
    wanted_districts = resolve_districts(cat, list(districts or []))
    wanted_genres = resolve_genres(cat, list(genres or []))
    cycle = cat.settings.cycle_months
    public = audience == AUDIENCE_PUBLIC
    genre_set = set(wanted_genres)
    all_districts = cat.districts

    chosen: list[Record] = []
    stale: list[Record] = []
    unconfirmed: list[Record] = []
    left_out: dict[str, int] = {}
    for r in cat.records:
        if not r.is_active:
            continue
        if genre_set and r.get("genre") not in genre_set:
            continue
        if wanted_districts:
            usable = covered_districts(r, all_districts)
            if not any(d in usable for d in wanted_districts):
                continue
        if public and not r.is_publishable:
            for reason in _not_public_reasons(r):
                left_out[reason] = left_out.get(reason, 0) + 1
            continue
        if public and is_stale(r, as_of, cycle):
            stale.append(r)
            continue
        if not r.get("last_confirmed"):
            unconfirmed.append(r)
        chosen.append(r)

    order = cat.genre_names()
    records = ordered(chosen, order)
    selection = Selection(records, audience, as_of, wanted_districts, wanted_genres, ordered(stale, order),
                          ordered(unconfirmed, order))
    selection.sections = _sections(cat, records)
    selection.left_out = left_out
    return selection


REASON_VISIBILITY = f"{S.header('visibility')}が『{S.VISIBILITY_PUBLIC}』でない"
REASON_CONSENT = f"{S.header('consent')}が『{S.CONSENT_GIVEN}』でない"


def _not_public_reasons(record: Record) -> list[str]:
    reasons = []
    if record.get("visibility") != S.VISIBILITY_PUBLIC:
        reasons.append(REASON_VISIBILITY)
    if record.get("consent") != S.CONSENT_GIVEN:
        reasons.append(REASON_CONSENT)
    return reasons


def _sections(cat: Catalogue, records: list[Record]) -> list[Section]:
    sections: list[Section] = []
    current: Section | None = None
    for r in records:
        genre = r.get("genre") or NO_GENRE
        if current is None or current.genre != genre:
            g = cat.genre(genre)
            current = Section(genre, g.description if g else "", [])
            sections.append(current)
        current.records.append(r)
    return sections
