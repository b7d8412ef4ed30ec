"""Which records go into an export, and in which order — the one publication rule of every public output.

Public outputs (the Excel list, the Word/PDF booklet, the CSV, the `find --export` handout, the web site, letters)
hold only publishable records (掲載中, 公開範囲 一般, 掲載同意 済) that are not stale by more than
:data:`STALE_GRACE_MONTHS` beyond the refresh cycle, and that can be contacted: a record whose every contact
(電話番号・携帯電話・メール) holds a placeholder or an invalid phone number is left out and listed. Inside a
listed record, :func:`public_value` blanks every field that holds a placeholder (要確認, ？, -, 不明, 未定, ＊ …:
the audit's rule, :func:`shigen.audit.checks.placeholder`) or an invalid phone number
(:func:`shigen.text.phone_digits`); :attr:`Selection.held_back` says which fields of which records were blanked.
Staff exports hold every 掲載中 record with every value as written (placeholders highlighted by the writers).
``--district D`` keeps every record usable in D (located there, or 対応エリア covers D, incl. 市内全域).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import schema as S
from ..audit.checks import NOT_CHECKED_FOR_PLACEHOLDERS, placeholder
from ..audit.checks import _find_placeholders as placeholder_keys  # the audit's fast per-record pass
from ..errors import UsageError
from ..model import Catalogue, Record, add_months, covered_districts, due_date, match_genre, ordered
from ..text import phone_digits

AUDIENCE_PUBLIC = "public"
AUDIENCE_STAFF = "staff"
AUDIENCES = (AUDIENCE_PUBLIC, AUDIENCE_STAFF)
STALE_GRACE_MONTHS = 6


@dataclass
class Section:
    """One genre's records, in order."""

    genre: str
    description: str
    records: list[Record]


PROBLEM_PLACEHOLDER = "仮の値"
PROBLEM_PHONE = "電話番号として無効"
REASON_NO_CONTACT = "連絡先が仮の値・無効な番号だけ"


@dataclass(frozen=True)
class HeldBack:
    """One field of a listed record left out of a public output (the cell left empty, the line left off the card)."""

    record_id: str
    name: str
    key: str
    value: str
    problem: str  # PROBLEM_PLACEHOLDER / PROBLEM_PHONE

    @property
    def header(self) -> str:
        return S.header(self.key)

    def to_row(self) -> tuple[str, str, str, str, str]:
        return (self.record_id, self.name, self.header, self.value, self.problem)


def held_back_counts(held: list[HeldBack]) -> dict[str, int]:
    """Field header → fields held back, in the order first met (the summary line of every public output)."""
    counts: dict[str, int] = {}
    for h in held:
        counts[h.header] = counts.get(h.header, 0) + 1
    return counts


def phone_ok(value: str, area_code: str = "") -> bool:
    """True when ``value`` is a valid phone number: :func:`shigen.text.phone_digits`, the one phone rule (a plain
    number is answered once per leading six digits and length there)."""
    return bool(phone_digits(value, area_code))


def field_problem(record: Record, key: str, *, area_code: str = "") -> str:
    """Why a field may not be printed for the public: PROBLEM_PLACEHOLDER, PROBLEM_PHONE or '' (printable)."""
    value = record.get(key)
    if not value:
        return ""
    return _value_problem(key, value, area_code)


@lru_cache(maxsize=1 << 16)
def _value_problem(key: str, value: str, area_code: str) -> str:
    """:func:`field_problem` of one value, answered once per distinct (field, value, 市外局番): values repeat
    (letters ask for every field of every record)."""
    if key not in NOT_CHECKED_FOR_PLACEHOLDERS and placeholder(value):
        return PROBLEM_PLACEHOLDER
    if key in S.PHONE_KEYS and not phone_ok(value, area_code):
        return PROBLEM_PHONE
    return ""


def public_value(record: Record, key: str, *, area_code: str = "") -> str:
    """The value a public output may print: '' for a placeholder or an invalid phone number, else the value."""
    value = record.get(key)
    if not value or field_problem(record, key, area_code=area_code):
        return ""
    return value


def public_values(record: Record, keys: Iterable[str], *, area_code: str = "") -> dict[str, str]:
    """Key → :func:`public_value` of each of ``keys`` (one call per record: the letters ask for every field)."""
    get = record.values.get
    out = {}
    for key in keys:
        value = get(key, "")
        out[key] = value if value and not _value_problem(key, value, area_code) else ""
    return out


def has_public_contact(record: Record, *, area_code: str = "") -> bool:
    """False when the record names a contact but every contact field is a placeholder or an invalid number.

    A record with no contact at all is not judged here (the audit reports it as a missing field)."""
    named = [k for k in S.CONTACT_KEYS if record.get(k)]
    return not named or any(public_value(record, k, area_code=area_code) for k in named)


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
    no_contact: list[Record] = field(default_factory=list)  # public: left out, every contact a placeholder/invalid
    held_back: list[HeldBack] = field(default_factory=list)  # public: fields of listed records left empty
    area_code: str = ""
    _blank: dict[int, frozenset[str]] = field(default_factory=dict, repr=False)  # id(listed record) → keys to blank

    @property
    def is_public(self) -> bool:
        return self.audience == AUDIENCE_PUBLIC

    def value(self, record: Record, key: str) -> str:
        """What this output prints for a field: :func:`public_value` for the public, the value as written for staff.

        The fields to blank were found once per listed record by :func:`select` (a lookup here, not the rule again)."""
        if not self.is_public:
            return record.get(key)
        blank = self._blank.get(id(record))
        if blank is None:  # not a listed record: judged here
            return public_value(record, key, area_code=self.area_code)
        return "" if key in blank else record.values.get(key, "")



    def held_back_counts(self) -> dict[str, int]:
        return held_back_counts(self.held_back)


@dataclass(kw_only=True)
class Publication:
    """What one written list or site holds and what it left out: the part every export and the site report alike."""

    path: Path
    audience: str
    as_of: dt.date
    title: str
    districts: list[str]
    genres: list[str]
    by_genre: list[tuple[str, int]]
    stale: list[Record] = field(default_factory=list)
    unconfirmed: list[Record] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)  # public: reason → number of records not listed
    no_contact: list[Record] = field(default_factory=list)  # public: left out, every contact a placeholder/invalid
    held_back: list[HeldBack] = field(default_factory=list)  # public: fields left empty (placeholder, invalid phone)
    seconds: float = 0.0

    @staticmethod
    def of_selection(sel: Selection) -> dict[str, Any]:
        """The fields a Publication takes from the Selection it was written from (``Result(**of_selection(sel), …)``)."""
        return {"audience": sel.audience, "districts": sel.districts, "genres": sel.genres,
                "by_genre": [(sec.genre, len(sec.records)) for sec in sel.sections], "stale": sel.stale,
                "unconfirmed": sel.unconfirmed, "left_out": sel.left_out, "no_contact": sel.no_contact,
                "held_back": sel.held_back}

    @property
    def total(self) -> int:
        return sum(n for _, n in self.by_genre)

    def to_rows(self) -> list[tuple[str, int]]:
        return list(self.by_genre)

    def held_back_counts(self) -> dict[str, int]:
        return held_back_counts(self.held_back)


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
           genres: list[str] | None = None, as_of: dt.date | None = None, in_order: bool = True) -> Selection:
    """The records an output may list and the values it may print (the one publication rule).

    ``in_order=False`` is for callers that only ask *which* records and values (coverage's nearby lists, the
    find handout): the lists stay in catalogue order and there are no sections, so no 五十音順 reading (SudachiPy,
    ~0.1 s and ~80 MB to load) is needed. Which records and values are chosen is the same either way."""
    if audience not in AUDIENCES:
        raise UsageError(f"--audience『{audience}』は使えません。", "public(一般向け)か staff(関係者用)を指定してください。")
    as_of = as_of or dt.date.today()
    area_code = cat.settings.area_code
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
    no_contact: list[Record] = []
    held_back: list[HeldBack] = []
    blank: dict[int, frozenset[str]] = {}
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
        if public:
            problems = _problems(r, area_code)
            if problems and not has_public_contact(r, area_code=area_code):
                no_contact.append(r)
                left_out[REASON_NO_CONTACT] = left_out.get(REASON_NO_CONTACT, 0) + 1
                continue
            held_back += problems
            blank[id(r)] = frozenset(h.key for h in problems)
        if not r.get("last_confirmed"):
            unconfirmed.append(r)
        chosen.append(r)

    order = cat.genre_names()

    def arranged(records: list[Record]) -> list[Record]:
        return ordered(records, order) if in_order else records

    records = arranged(chosen)
    selection = Selection(records, audience, as_of, wanted_districts, wanted_genres, arranged(stale),
                          arranged(unconfirmed))
    selection.sections = _sections(cat, records) if in_order else []
    selection.left_out = left_out
    selection.no_contact = arranged(no_contact)
    selection.area_code = area_code
    selection._blank = blank
    selection.held_back = _in_order(held_back, records)
    return selection


_PUBLIC_SET = frozenset(S.PUBLIC_KEYS)


def _problems(record: Record, area_code: str) -> list[HeldBack]:
    """Every public field of ``record`` that :func:`public_value` blanks."""
    out = [HeldBack(record.id, record.name, key, record.get(key), PROBLEM_PLACEHOLDER)
           for key in placeholder_keys(record) if key in _PUBLIC_SET]
    done = {h.key for h in out}
    for key in S.PHONE_KEYS:
        value = record.get(key)
        if value and key not in done and not phone_ok(value, area_code):
            out.append(HeldBack(record.id, record.name, key, value, PROBLEM_PHONE))
    return out


def problem_keys(record: Record, *, area_code: str = "") -> dict[str, str]:
    """Public field key → problem, for every field :func:`public_value` blanks (staff lists highlight them)."""
    return {h.key: h.problem for h in _problems(record, area_code)}


def _in_order(held: list[HeldBack], records: list[Record]) -> list[HeldBack]:
    """Held-back fields in the order of the listed records (then schema order within a record)."""
    rank = {r.id: i for i, r in enumerate(records)}
    keys = {k: i for i, k in enumerate(S.KEYS)}
    return sorted(held, key=lambda h: (rank.get(h.record_id, len(rank)), keys.get(h.key, 0)))


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
        genre = r.get("genre") or S.NO_GENRE
        if current is None or current.genre != genre:
            g = cat.genre(genre)
            current = Section(genre, g.description if g else "", [])
            sections.append(current)
        current.records.append(r)
    return sections
