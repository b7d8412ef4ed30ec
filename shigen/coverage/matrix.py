"""Where resources are missing: a district × genre matrix of the 掲載中 resources usable in each district.

A resource counts in every district where it is usable (:func:`model.covered_districts`: located there,
named by its 対応エリア, or 市内全域). Records with status 休止/廃止 are left out. A record whose
最終確認日 is past the update cycle (期限切れ) or missing (未確認) is counted apart as *stale*, so a cell
is never shown as covered only because of outdated entries.

For each gap (a cell with no up-to-date resource) the nearest resources of the same genre in other
districts are listed: first the districts named in the optional 隣接地区 column of the 地区 sheet, then
districts that share many resources with the gap's district (a resource covering both is evidence they
are next to each other), then any other district.

The workbook of ``shigen coverage --format xlsx`` is written by :mod:`.workbook`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import schema as S
from ..errors import UsageError
from ..model import AreaIndex, Catalogue, District, Freshness, Record, freshness, is_city_wide, match_genre
from ..text import sort_key

NO_GENRE_COLUMN = "(ジャンルなし)"  # the matrix column of records with no ジャンル
GAP_NONE = "なし"
GAP_STALE_ONLY = "古い情報のみ"
NEAREST_PER_GAP = 3
STALE_STATES = (Freshness.STALE, Freshness.NEVER)


@dataclass
class Cell:
    fresh: int = 0
    stale: int = 0

    @property
    def total(self) -> int:
        return self.fresh + self.stale

    def count(self, stale: bool) -> None:
        """One more resource, current or outdated."""
        if stale:
            self.stale += 1
        else:
            self.fresh += 1

    @property
    def state(self) -> str:
        """'ok', 'stale_only' (only outdated entries) or 'gap' (nothing at all)."""
        if self.fresh:
            return "ok"
        return "stale_only" if self.stale else "gap"


@dataclass
class Nearby:
    """A resource of the gap's genre usable in another district."""

    record_id: str
    name: str
    district: str  # the (neighbouring) district where it is usable
    area: str
    phone: str
    last_confirmed: str
    stale: bool

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass
class Gap:
    district: str
    genre: str
    kind: str  # GAP_NONE / GAP_STALE_ONLY
    stale: int  # outdated entries in the cell
    nearby: list[Nearby] = field(default_factory=list)  # every 掲載中 resource (staff)
    nearby_public: list[Nearby] = field(default_factory=list)  # publishable only (export's select()): for 協議体

    def to_dict(self) -> dict[str, object]:
        return {"district": self.district, "genre": self.genre, "kind": self.kind, "stale": self.stale,
                "nearby": [n.to_dict() for n in self.nearby],
                "nearby_public": [n.to_dict() for n in self.nearby_public]}


@dataclass
class CoverageResult:
    as_of: dt.date
    cycle_months: int
    districts: list[str]
    genres: list[str]
    cells: dict[tuple[str, str], Cell]  # (district, genre)
    genre_totals: dict[str, Cell]  # distinct resources of the genre usable somewhere
    district_totals: dict[str, Cell]  # distinct resources usable in the district
    total: Cell
    non_insurance: dict[str, int]  # district → up-to-date 保険外サービス usable there
    non_insurance_total: int
    gaps: list[Gap]
    neighbours: dict[str, list[str]]  # district → other districts, nearest first
    neighbours_source: str  # '隣接地区' / '共通の資源' / 'なし'
    category: str = ""
    genre_filter: list[str] = field(default_factory=list)
    counted: int = 0  # 掲載中 records considered (after filters)
    excluded_inactive: int = 0  # 休止・廃止
    unplaced: list[str] = field(default_factory=list)  # IDs usable in no known district
    municipality: str = ""

    def cell(self, district: str, genre: str) -> Cell:
        return self.cells.get((district, genre), Cell())

    def share(self, district: str | None = None) -> float | None:
        """Share of 保険外サービス among the up-to-date resources usable in ``district`` (None = all)."""
        if district is None:
            total, part = self.total.fresh, self.non_insurance_total
        else:
            total, part = self.district_totals[district].fresh, self.non_insurance[district]
        return part / total if total else None

    def to_rows(self) -> list[list[object]]:
        """One row per genre: fresh counts per district, then the genre total (stale counts in to_dict)."""
        rows: list[list[object]] = []
        for g in self.genres:
            rows.append([g, *(self.cell(d, g).fresh for d in self.districts), self.genre_totals[g].fresh])
        rows.append(["合計", *(self.district_totals[d].fresh for d in self.districts), self.total.fresh])
        return rows

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "cycle_months": self.cycle_months,
            "category": self.category,
            "genre_filter": self.genre_filter,
            "districts": self.districts,
            "genres": self.genres,
            "cells": [{"district": d, "genre": g, "fresh": self.cell(d, g).fresh, "stale": self.cell(d, g).stale,
                       "state": self.cell(d, g).state} for g in self.genres for d in self.districts],
            "district_totals": {d: {"fresh": c.fresh, "stale": c.stale} for d, c in self.district_totals.items()},
            "genre_totals": {g: {"fresh": c.fresh, "stale": c.stale} for g, c in self.genre_totals.items()},
            "total": {"fresh": self.total.fresh, "stale": self.total.stale},
            "non_insurance_share": {d: self.share(d) for d in self.districts} | {"全体": self.share()},
            "gaps": [g.to_dict() for g in self.gaps],
            "neighbours": self.neighbours,
            "neighbours_source": self.neighbours_source,
            "counted": self.counted,
            "excluded_inactive": self.excluded_inactive,
            "unplaced": self.unplaced,
        }


def resolve_genres(labels: list[str], cat: Catalogue) -> list[str]:
    """--genre values (names or synonyms) → catalogue genre names; unknown → UsageError."""
    out: list[str] = []
    for label in labels:
        for part in label.replace(",", "、").split("、"):
            part = part.strip()
            if not part:
                continue
            name = match_genre(part, cat.genres)
            if not name:
                raise UsageError(f"ジャンル『{part}』は台帳のシート『{S.SHEET_GENRES}』にありません。",
                                 "使えるジャンル: " + "、".join(cat.genre_names()))
            if name not in out:
                out.append(name)
    return out


def row_districts(cat: Catalogue) -> list[District]:
    """The districts shown as rows: the 第2層 areas (a 第1層 row standing for the whole city is left out)."""
    tier2 = [d for d in cat.districts if d.tier != S.TIER_1]
    return tier2 or list(cat.districts)


def coverage(cat: Catalogue, *, as_of: dt.date | None = None, genres: list[str] | None = None,
             category: str = "") -> CoverageResult:
    """Count, per district and genre, the 掲載中 resources usable there (up-to-date and stale apart)."""
    as_of = as_of or dt.date.today()
    cycle = cat.settings.cycle_months
    if category and category not in S.CATEGORY_CHOICES:
        raise UsageError(f"区分『{category}』はありません。", "使える区分: " + "、".join(S.CATEGORY_CHOICES))
    wanted = resolve_genres(genres or [], cat)
    districts = row_districts(cat)
    names = [d.name for d in districts]
    if not names:
        raise UsageError(f"台帳のシート『{S.SHEET_DISTRICTS}』に地区がありません。",
                         "地区名と町名を入れてから、もう一度実行してください。")

    active: list[Record] = []
    inactive = 0
    for r in cat.records:
        if not r.is_active:
            inactive += 1
            continue
        if category and r.get("category") != category:
            continue
        g = r.get("genre") or NO_GENRE_COLUMN
        if wanted and g not in wanted:
            continue
        active.append(r)

    if wanted:
        genre_list = list(wanted)
    else:
        genre_list = cat.genre_names()
        extra = sorted({r.get("genre") or NO_GENRE_COLUMN for r in active} - set(genre_list),
                       key=lambda g: (g == NO_GENRE_COLUMN, g))
        genre_list += extra

    cells: dict[tuple[str, str], Cell] = {(d, g): Cell() for d in names for g in genre_list}
    genre_totals = {g: Cell() for g in genre_list}
    district_totals = {d: Cell() for d in names}
    total = Cell()
    non_ins = dict.fromkeys(names, 0)
    non_ins_total = 0
    unplaced: list[str] = []
    shared: Counter[tuple[str, str]] = Counter()  # how many local resources two districts share
    # (genre, district) → resources usable there but not everywhere, for the gaps' "nearby" lists
    local: dict[tuple[str, str], list[tuple[Record, bool, frozenset[str]]]] = defaultdict(list)
    index = AreaIndex(districts)
    known = frozenset(names)
    everywhere = {g: Cell() for g in genre_list}  # usable in every district: added to each row at the end
    everywhere_non_ins = 0
    stale_cache: dict[str, bool] = {}
    for r in active:
        where = index.covered(r)
        if not where <= known:
            where = where & known
        if not where:
            unplaced.append(r.id)
            continue
        g = r.get("genre") or NO_GENRE_COLUMN
        confirmed = r.get("last_confirmed")
        stale = stale_cache.get(confirmed)
        if stale is None:
            stale = stale_cache[confirmed] = freshness(r, as_of, cycle) in STALE_STATES
        non_insurance = r.get("category") == S.CATEGORY_NON_INSURANCE
        gt = genre_totals[g]
        gt.count(stale)
        total.count(stale)
        if not stale and non_insurance:
            non_ins_total += 1
        if len(where) == len(names):  # city-wide (or covering every district): counted once per row below
            everywhere[g].count(stale)
            if not stale:
                everywhere_non_ins += non_insurance
            continue
        for d in where:
            cells[(d, g)].count(stale)
            district_totals[d].count(stale)
            if not stale and non_insurance:
                non_ins[d] += 1
            local[(g, d)].append((r, stale, where))  # candidates for the gaps' "nearby" lists
        if len(where) > 1 and not is_city_wide(r.get("area")):
            ordered_where = sorted(where)
            for i, a in enumerate(ordered_where):
                for b in ordered_where[i + 1:]:
                    shared[(a, b)] += 1
    ev_fresh = sum(c.fresh for c in everywhere.values())
    ev_stale = sum(c.stale for c in everywhere.values())
    for d in names:
        for g, ev in everywhere.items():
            if ev.fresh or ev.stale:
                c = cells[(d, g)]
                c.fresh += ev.fresh
                c.stale += ev.stale
        district_totals[d].fresh += ev_fresh
        district_totals[d].stale += ev_stale
        non_ins[d] += everywhere_non_ins

    from ..export.select import select

    publishable = select(cat, as_of=as_of, in_order=False)  # which records and values, not their order
    public_ids = {id(r) for r in publishable.records}
    neighbours, source = _neighbours(districts, shared)
    gaps = []
    sorted_keys: set[tuple[str, str]] = set()
    for g in genre_list:
        for d in names:
            c = cells[(d, g)]
            if c.fresh:
                continue
            gap = Gap(d, g, GAP_STALE_ONLY if c.stale else GAP_NONE, c.stale)
            gap.nearby = _nearest(d, g, local, neighbours[d], sorted_keys)
            gap.nearby_public = _nearest(d, g, local, neighbours[d], sorted_keys, public_ids, publishable.value)
            gaps.append(gap)

    return CoverageResult(
        as_of=as_of, cycle_months=cycle, districts=names, genres=genre_list, cells=cells,
        genre_totals=genre_totals, district_totals=district_totals, total=total, non_insurance=non_ins,
        non_insurance_total=non_ins_total, gaps=gaps, neighbours=neighbours, neighbours_source=source,
        category=category, genre_filter=wanted, counted=len(active), excluded_inactive=inactive, unplaced=unplaced,
        municipality=cat.settings.municipality,
    )


def _neighbours(districts: list[District], shared: Counter[tuple[str, str]]) -> tuple[dict[str, list[str]], str]:
    """District → the other districts, nearest first, and where that order came from."""
    names = [d.name for d in districts]
    pos = {n: i for i, n in enumerate(names)}
    out: dict[str, list[str]] = {}
    explicit = any(d.neighbours for d in districts)
    for d in districts:
        others = [n for n in names if n != d.name]
        declared = [n for n in d.neighbours if n in pos and n != d.name]
        # a neighbour named only on the other district's row is still a neighbour
        declared += [o.name for o in districts if d.name in o.neighbours and o.name not in declared and o.name != d.name]

        def score(n: str, _d: str = d.name) -> int:
            return shared[(min(_d, n), max(_d, n))]

        rest = sorted((n for n in others if n not in declared), key=lambda n: (-score(n), pos[n]))
        out[d.name] = declared + rest
    if explicit:
        return out, "隣接地区"
    return out, "共通の資源" if shared else "なし"


def _nearest(district: str, genre: str, local: dict[tuple[str, str], list[tuple[Record, bool, frozenset[str]]]],
             order: list[str], sorted_keys: set[tuple[str, str]], allowed: set[int] | None = None,
             value: Callable[[Record, str], str] | None = None) -> list[Nearby]:
    """Up to NEAREST_PER_GAP resources of ``genre`` usable in the nearest other districts, up-to-date first.

    With ``allowed`` (ids of the publishable records) only those are named, their fields through ``value``
    (Selection.value: placeholders and invalid phones left empty). Walks the neighbours nearest first, so the cost
    per gap does not grow with the catalogue.
    """
    get = value or Record.get
    picked: list[Nearby] = []
    seen: set[int] = set()
    for want_stale in (False, True):
        for n in order:
            entries = local.get((genre, n))
            if not entries:
                continue
            if (genre, n) not in sorted_keys:
                entries.sort(key=lambda e: (e[1], sort_key(e[0].get("kana"), e[0].name), e[0].id))
                sorted_keys.add((genre, n))
            for r, stale, where in entries:
                if stale != want_stale:
                    if stale:  # sorted fresh first: nothing more of this kind here
                        break
                    continue
                if district in where or id(r) in seen or (allowed is not None and id(r) not in allowed):
                    continue
                seen.add(id(r))
                picked.append(Nearby(r.id, r.name, n, get(r, "area"), get(r, "phone") or get(r, "mobile"),
                                     r.get("last_confirmed"), stale))
                if len(picked) >= NEAREST_PER_GAP:
                    return picked
    return picked
