"""Small types of the catalogue and the domain rules shared by every command.

A record's values are text keyed by schema field key (dates as ISO text). The
settings sheets become District / Genre / Coordinator / Settings objects.

Why this file is long (~550 lines): the small types and the domain rules every command shares (freshness, district
of an address, coverage, genre matching, 五十音 order) are kept in one place so each rule exists once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from . import schema as S
from .text import address_key, address_keys, parse_date, search_key, sort_key


@dataclass
class Record:
    values: dict[str, str]
    extra: dict[str, object] = field(default_factory=dict)  # user-added columns, by header
    row: int | None = None  # Excel row in 資源一覧 (None for records not yet written)

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")

    def __setitem__(self, key: str, value: str) -> None:
        self.values[key] = value

    @property
    def id(self) -> str:
        return self.values.get("id", "")

    @property
    def name(self) -> str:
        return self.values.get("name", "")

    def date(self, key: str) -> dt.date | None:
        text = self.values.get(key, "")
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:  # typed by hand in Excel as text: 令和8年4月1日, R8.4.1, 2026/4/1…
            return parse_date(text)

    @property
    def is_active(self) -> bool:
        return (self.values.get("status") or S.STATUS_ACTIVE) == S.STATUS_ACTIVE

    @property
    def is_publishable(self) -> bool:
        """掲載中, 公開範囲 一般 and 掲載同意 済."""
        return (
            self.is_active
            and self.values.get("visibility") == S.VISIBILITY_PUBLIC
            and self.values.get("consent") == S.CONSENT_GIVEN
        )


@dataclass(frozen=True)
class District:
    name: str
    tier: str = S.TIER_2
    towns: tuple[str, ...] = ()
    note: str = ""
    neighbours: tuple[str, ...] = ()  # 隣接地区 (optional): where `shigen coverage` looks first for a gap

    @cached_property
    def short(self) -> str:
        """中央地区 → 中央 (for matching 対応エリア text that omits the suffix)."""
        return re.sub(r"(地区|地域|圏域|エリア)$", "", self.name) or self.name


@dataclass(frozen=True)
class Genre:
    name: str
    order: int = 0
    required: tuple[str, ...] = S.DEFAULT_REQUIRED + ("contact",)  # field keys, "contact" = any of CONTACT_KEYS
    synonyms: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Coordinator:
    name: str
    tier: str = S.TIER_2
    districts: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    active: bool = True
    note: str = ""


@dataclass
class Settings:
    values: dict[str, str] = field(default_factory=dict)

    @property
    def municipality(self) -> str:
        return self.values.get(S.SETTING_MUNICIPALITY, "")

    @property
    def cycle_months(self) -> int:
        try:
            return max(1, int(float(self.values.get(S.SETTING_CYCLE, "12") or 12)))
        except ValueError:
            return 12

    @property
    def area_code(self) -> str:
        return self.values.get(S.SETTING_AREA_CODE, "")

    @property
    def contact(self) -> str:
        return self.values.get(S.SETTING_CONTACT, "")

    @property
    def resend_days(self) -> int:
        """再送までの日数 (`shigen letters --reminder`), 21 when empty or unreadable."""
        try:
            return max(1, int(float(self.values.get(S.SETTING_LETTER_RESEND_DAYS, "21") or 21)))
        except ValueError:
            return 21

    @property
    def municipality_code(self) -> str:
        """設定『自治体コード』as written (shigen.lgcode.normalize reads it)."""
        return self.values.get(S.SETTING_MUNICIPALITY_CODE, "")

    @property
    def prefecture(self) -> str:
        return self.values.get(S.SETTING_PREFECTURE, "")

    @property
    def city(self) -> str:
        """設定『市区町村名』, else 自治体名."""
        return self.values.get(S.SETTING_CITY, "") or self.municipality


@dataclass
class HistoryEntry:
    when: str
    by: str
    command: str
    record_id: str
    field: str  # Japanese header
    old: str
    new: str
    source: str = ""

    def to_row(self) -> tuple[str, ...]:
        return (self.when, self.by, self.command, self.record_id, self.field, self.old, self.new, self.source)


@dataclass
class Assignment:
    year: str
    record_id: str
    coordinator: str
    method: str
    created: str

    def to_row(self) -> tuple[str, ...]:
        return (self.year, self.record_id, self.coordinator, self.method, self.created)


@dataclass
class Inquiry:
    """One row of the sheet 照会: a letter sent (照会日 set) or an answer received (回答日 set), or both."""

    record_id: str
    name: str = ""
    asked_on: str = ""  # 照会日 (ISO date)
    method: str = ""  # 照会方法: 郵送 / FAX / 手渡し
    answered_on: str = ""  # 回答日 (ISO date)
    resend: str = ""  # 再送: 「○」 on a reminder
    note: str = ""

    def to_row(self) -> tuple[str, ...]:
        return (self.record_id, self.name, self.asked_on, self.method, self.answered_on, self.resend, self.note)


@dataclass
class Catalogue:
    """The whole master workbook as data."""

    path: Path
    records: list[Record] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)  # user-added headers of 資源一覧, in order
    districts: list[District] = field(default_factory=list)
    genres: list[Genre] = field(default_factory=list)
    coordinators: list[Coordinator] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    last_id: int = 0
    new_history: list[HistoryEntry] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    new_assignments: list[Assignment] = field(default_factory=list)
    settings_changed: bool = False
    # set by a command that only appends (assign: 担当履歴 and 履歴) and never touched a record: the fast save then
    # copies 資源一覧 as it is instead of rewriting every row (20,000 records: most of assign's time)
    records_untouched: bool = False
    last_row: int = 0  # the last 資源一覧 row a record was read from: records added later go below it
    read_as: object = None  # master.Fingerprint of the file this was read from (a save refuses if it changed)
    inquiries: list[Inquiry] = field(default_factory=list)  # the sheet 照会, in order
    new_inquiries: list[Inquiry] = field(default_factory=list)  # appended by the next save
    # master.ResourceColumns the records were made from, kept only when the loading command asked for them
    # (master_transaction(keep_columns=True): assign's value checks read them instead of every record's dict)
    read_columns: Any = field(default=None, repr=False, compare=False)

    # --- lookups ---------------------------------------------------------------
    def by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.records if r.id}

    def genre_names(self) -> list[str]:
        return [g.name for g in sorted(self.genres, key=lambda g: g.order)]

    def genre(self, name: str) -> Genre | None:
        for g in self.genres:
            if g.name == name:
                return g
        return None

    def district(self, name: str) -> District | None:
        for d in self.districts:
            if d.name == name:
                return d
        return None

    def active_coordinators(self) -> list[Coordinator]:
        return [c for c in self.coordinators if c.active]

    def to_dataframe(self, *, public: bool = False) -> Any:  # a pandas.DataFrame (pandas is an optional extra)
        """The records as a pandas DataFrame with the Japanese headers (see shigen/frames.py)."""
        from .frames import to_dataframe

        return to_dataframe(self, public=public)

    # --- changes ---------------------------------------------------------------
    def new_id(self) -> str:
        """A fresh ID; IDs are never reused, even for records removed by hand."""
        highest = max([self.last_id, *(_id_number(r.id) for r in self.records)])
        self.last_id = highest + 1
        return format_id(self.last_id)

    def set_value(self, record: Record, key: str, value: str, *, command: str, by: str, source: str = "",
                  when: str | None = None) -> bool:
        """Change one field, logging it in 履歴. Returns False when the value is unchanged."""
        old = record.get(key)
        if old == value:
            return False
        record.values[key] = value
        self.new_history.append(HistoryEntry(when or now_text(), by, command, record.id, S.header(key), old, value,
                                             source))
        return True

    def add_record(self, values: dict[str, str], *, command: str, by: str, source: str = "") -> Record:
        values = dict(values)
        values["id"] = self.new_id()
        record = Record(values)
        self.records.append(record)
        self.new_history.append(HistoryEntry(now_text(), by, command, record.id, "(新規登録)", "",
                                             values.get("name", ""), source))
        return record


def format_id(number: int) -> str:
    return f"S{number:05d}"


def _id_number(text: str) -> int:
    m = re.fullmatch(r"S(\d+)", text or "")
    return int(m.group(1)) if m else 0


def now_text() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def today() -> dt.date:
    return dt.date.today()


# --- freshness ----------------------------------------------------------------------
class Freshness(StrEnum):
    FRESH = "確認済み"
    DUE_SOON = "まもなく期限"
    STALE = "期限切れ"
    NEVER = "未確認"


DUE_SOON_DAYS = 60


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(record: Record, cycle_months: int) -> dt.date | None:
    confirmed = record.date("last_confirmed")
    return add_months(confirmed, cycle_months) if confirmed else None


def freshness(record: Record, as_of: dt.date, cycle_months: int) -> Freshness:
    """The one rule every command shares. 期限 (due) = 最終確認日 + 更新周期; the confirmation holds through the due
    day itself: 期限切れ from the day after, まもなく期限 from DUE_SOON_DAYS before (the due day included)."""
    due = due_date(record, cycle_months)
    if due is None:
        return Freshness.NEVER
    if due < as_of:
        return Freshness.STALE
    if due <= as_of + dt.timedelta(days=DUE_SOON_DAYS):
        return Freshness.DUE_SOON
    return Freshness.FRESH


# --- where a record can be used ----------------------------------------------------
def is_city_wide(area: str) -> bool:
    """The 対応エリア names the whole municipality (市内全域, 全域 …): any of S.CITY_WIDE_WORDS in it, by one regex
    search (a messy catalogue holds thousands of distinct area texts; issue 18)."""
    return _CITY_WIDE.search(area) is not None if type(area) is str else any(w in area for w in S.CITY_WIDE_WORDS)


_CITY_WIDE = re.compile("|".join(map(re.escape, S.CITY_WIDE_WORDS)))


def covered_districts(record: Record, districts: Iterable[District]) -> set[str]:
    """Names of the districts where the record is usable: its own, those its 対応エリア names, or all."""
    districts = list(districts)
    area = record.get("area")
    if area and is_city_wide(area):
        return {d.name for d in districts}
    names = {record.get("district")} - {""}
    if area:
        for d in districts:
            if d.name in area or (len(d.short) >= 2 and d.short in area) or any(t and t in area for t in d.towns):
                names.add(d.name)
    return names


class AreaIndex:
    """:func:`covered_districts` for many records: the same answer, looked up instead of scanned.

    Scanning every district's name and towns for every record costs districts × towns per record (seconds for
    200,000 records in 270 districts); here each area text is cut into the few substring lengths that occur
    among the names and towns, and each piece is looked up once. Results are cached per (地区, 対応エリア).
    """

    def __init__(self, districts: Iterable[District]) -> None:
        self.districts = list(districts)
        self.all = frozenset(d.name for d in self.districts)
        self._token: dict[str, set[str]] = {}
        for d in self.districts:
            tokens = {d.name, *(t for t in d.towns if t)}
            if len(d.short) >= 2:
                tokens.add(d.short)
            for tok in tokens:
                self._token.setdefault(tok, set()).add(d.name)
        self._lengths = sorted({len(t) for t in self._token})
        self._cache: dict[tuple[str, str], frozenset[str]] = {}

    def covered(self, record: Record) -> frozenset[str]:
        key = (record.get("district"), record.get("area"))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._compute(*key)
        return found

    def _compute(self, district: str, area: str) -> frozenset[str]:
        if area and is_city_wide(area):
            return self.all
        names = {district} - {""}
        if area:
            token = self._token
            n = len(area)
            for i in range(n):
                for length in self._lengths:
                    if i + length > n:
                        break
                    hit = token.get(area[i:i + length])
                    if hit:
                        names |= hit
        return frozenset(names)


class TownIndex:
    """Which district an address lies in, from the 町名 of the 地区 sheet: the rule of :func:`district_for_address`.

    Towns and addresses are compared by :func:`~shigen.text.address_key` (width, kanji numerals and 丁目 folded:
    a town 「本町三丁目」 is found in 「本町3-5-2」 but not in 「本町31-2」). The longest town found wins. When no
    town holds a digit, each run of digits of an address is looked up as one 「0」: these skeletons repeat
    (「朝日市柿形町0-0」 for every 番地 of 柿形町), so each is searched once.
    """

    def __init__(self, districts: Iterable[District]) -> None:
        self.town_district: dict[str, str] = {}
        for d in districts:
            for town in d.towns:
                key = address_key(town) if town else ""
                if key and key not in self.town_district:
                    self.town_district[key] = d.name
        towns = sorted(self.town_district, key=len, reverse=True)
        self.without_digits = not any(_DIGIT_RUN.search(t) for t in towns)
        # a town ending in a digit (本町3) must not match the start of a longer number (本町31)
        alternatives = [re.escape(t) + (r"(?!\d)" if t[-1].isdigit() else "") for t in towns]
        self.pattern = re.compile("|".join(alternatives)) if towns else None
        self._cache: dict[str, str] = {}

    def districts_of(self, addresses: Iterable[str], keys: Sequence[str] | None = None) -> dict[str, str]:
        """:meth:`district` of many addresses at once (their keys made in one pass: :func:`address_keys`; or
        ``keys``, the caller's ``address_keys(addresses)`` of distinct addresses)."""
        if keys is not None:
            pairs = [(a, k) for a, k in zip(addresses, keys, strict=True) if a]
            distinct = [a for a, _ in pairs]
        else:
            distinct = [a for a in dict.fromkeys(addresses) if a]
        out = dict.fromkeys(distinct, "")
        if self.pattern is not None:
            for a, key in (pairs if keys is not None else zip(distinct, address_keys(distinct), strict=True)):
                out[a] = self._district_of_key(key)
        out[""] = ""
        return out

    def district(self, address: str) -> str:
        if self.pattern is None or not address:
            return ""
        return self._district_of_key(address_key(address))

    def _district_of_key(self, key: str) -> str:
        if self.without_digits:
            key = _DIGIT_RUN.sub("0", key)
        found = self._cache.get(key)
        if found is None:
            assert self.pattern is not None  # the caller returns early when no town is known
            best = ""
            for m in self.pattern.finditer(key):
                if len(m.group()) > len(best):
                    best = m.group()
            found = self.town_district.get(best, "")
            if len(self._cache) < 500_000:
                self._cache[key] = found
        return found


_DIGIT_RUN = re.compile(r"\d+")
_INDEXES: dict[int, tuple[object, list[District], TownIndex]] = {}


def town_index(districts: Iterable[District]) -> TownIndex:
    """The :class:`TownIndex` of a list of districts, built once per list (and again when the list changes)."""
    snapshot = list(districts)
    entry = _INDEXES.get(id(districts))
    if entry is not None and entry[0] is districts and entry[1] == snapshot:
        return entry[2]
    index = TownIndex(snapshot)
    if len(_INDEXES) > 16:
        _INDEXES.clear()
    _INDEXES[id(districts)] = (districts, snapshot, index)
    return index


def district_for_address(address: str, districts: Iterable[District]) -> str:
    """The district whose town (町名) appears in the address; the longest town name wins.

    The one rule import, audit, assign and fix share (:class:`TownIndex`).
    """
    if not address:
        return ""
    return town_index(districts).district(address)


_GENRE_PUNCT = re.compile(r"[()（）・/／、,，\[\]【】「」『』〈〉<>\-－ー―]")


@lru_cache(maxsize=8192)
def genre_key(text: str) -> str:
    """search_key without brackets and separators (「福祉用具（貸与・販売）」 = 「福祉用具貸与販売」)."""
    return _GENRE_PUNCT.sub("", search_key(text))


_SEED_SYNONYMS = {seed.name: seed.synonyms for seed in S.DEFAULT_GENRES}
_SERVICE_KEYS = sorted(((genre_key(k), v) for k, v in S.SERVICE_TYPES.items()), key=lambda kv: -len(kv[0]))
_SERVICE_EXACT = dict(_SERVICE_KEYS)


@lru_cache(maxsize=8192)
def service_type_of(label: str) -> tuple[str, str] | None:
    """(genre, 区分) of a 介護保険・障害福祉 service type named by ``label`` (whole, or every part of a list)."""
    key = genre_key(label)
    if not key:
        return None
    if key in _SERVICE_EXACT:
        return _SERVICE_EXACT[key]
    parts = [p for p in re.split(r"[、,，\n/／]|\s+", label) if p.strip()]
    if len(parts) > 1:
        found = [_SERVICE_EXACT.get(genre_key(p)) for p in parts]
        if all(found):
            return found[0]
    # 「介護老人福祉施設（特別養護老人ホーム）」: the name before the bracket
    head = re.split(r"[(（\n]", label, maxsplit=1)[0]
    if head != label and genre_key(head) in _SERVICE_EXACT:
        return _SERVICE_EXACT[genre_key(head)]
    return None


def _terms(genres: list[Genre]) -> list[tuple[str, str]]:
    """(key, genre name) for every name and synonym, the built-in table's included, longest first."""
    out: dict[str, str] = {}
    for g in genres:
        for s in (g.name, *g.synonyms, *_SEED_SYNONYMS.get(g.name, ())):
            k = genre_key(s)
            if k and k not in out:
                out[k] = g.name
    return sorted(out.items(), key=lambda kv: -len(kv[0]))


def match_genre(label: str, genres: Iterable[Genre]) -> str:
    """The catalogue genre a source category names; '' if none.

    Exact name or synonym first (the ジャンル sheet's 別名 and the built-in table for genres of the same
    name), then the 介護保険・障害福祉 service types (共同生活援助 → 障害福祉サービス), then the longest
    name or synonym contained in the label — never one inside a longer service name (生活援助 inside
    共同生活援助 does not make 家事援助・生活支援)."""
    if not label:
        return ""
    key = genre_key(label)
    if not key:
        return ""
    genres = list(genres)
    names = {g.name for g in genres}
    terms = _terms(genres)
    exact = dict(terms)
    if key in exact:
        return exact[key]
    service = service_type_of(label)
    if service and service[0] in names:
        return service[0]
    masked = key
    found_service = ""
    for sk, (genre, _) in _SERVICE_KEYS:
        if len(sk) >= 3 and sk in masked:
            if not found_service and genre in names:
                found_service = genre
            masked = masked.replace(sk, "\0")
    best, best_len = "", 0
    for tk, name in terms:
        if len(tk) >= 2 and tk in masked and len(tk) > best_len:
            best, best_len = name, len(tk)
            break  # terms are longest first
    return best or found_service


def ordered(records: Iterable[Record], genre_order: list[str]) -> list[Record]:
    """Genres in the ジャンル sheet's order, then 五十音順 by reading (:func:`reading.reading`: ふりがな, else
    ふりがな候補, else a reading suggested by SudachiPy; the name as written when none can be made)."""
    from .reading import reading

    rank = {g: i for i, g in enumerate(genre_order)}
    return sorted(records, key=lambda r: (rank.get(r.get("genre"), len(rank)), r.get("genre"),
                                          sort_key(reading(r), r.get("name")), r.id))

