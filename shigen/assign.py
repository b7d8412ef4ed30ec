"""Planning the yearly refresh: who confirms which records (`shigen assign`).

Pure functions from a Catalogue to an :class:`AssignmentPlan`; nothing here writes files
(see :mod:`shigen.assign_run` and :mod:`shigen.update_book_write` for the workbooks) or prints.

How a plan is made:

1. **Which records** — every record that is not 廃止 (掲載中 and 休止), or with ``only_due`` those
   whose confirmation is overdue, due within :data:`shigen.model.DUE_SOON_DAYS` days, or never done.
2. **Units** — records that should stay in one hand: in district mode one unit per (district, genre),
   city-wide records (対応エリア 市内全域) forming their own group for the tier-1 coordinator(s), a
   district without any coordinator forming one unit for whoever has least to do; in genre mode one
   unit per genre (a genre larger than a fair share is cut by district). Each unit knows which
   coordinators may take it (its district's coordinators, the coordinators who list the genre, or all).
3. **Continuity** — a unit is split by last year's owner (from the 担当履歴 sheet) and each part goes
   back to that owner when they are still active and allowed to take it. Only within the same method: when
   last year's plan was made the other way (地区別 one year, ジャンル別 the next) its shares would only carry
   the old split into the new one, so nothing is kept and the plan says so; ``fresh`` ignores last year.
4. **The rest** — most constrained and largest units first, each to the least-loaded allowed coordinator.
5. **Balance** — while the busiest coordinator has more than 1.2 × the records of one who could take
   some of them, the smallest sufficient part moves over (whole units first, then a district or genre
   of it, then a few records). Parts kept for continuity move last. Every step makes the loads strictly
   more even, so the loop ends; what remains uneven is due to the constraints and is reported.

Ties are broken by the order of the コーディネーター sheet and by IDs, so the same input gives the same plan.

Why this file is long (~550 lines): the plan's steps above (records, units, balancing, carrying over last year's
owners) are one algorithm, with no I/O.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from . import schema as S
from .errors import UsageError
from .model import (
    Assignment,
    Catalogue,
    Coordinator,
    Freshness,
    Record,
    district_for_address,
    freshness,
    now_text,
    ordered,
)
from .model import (
    is_city_wide as _is_city_wide,
)

METHOD_DISTRICT = "district"
METHOD_GENRE = "genre"
METHODS = (METHOD_DISTRICT, METHOD_GENRE)
METHOD_LABELS = {METHOD_DISTRICT: "地区別", METHOD_GENRE: "ジャンル別"}
BALANCE_LIMIT = 1.2
NO_DISTRICT = "(地区未設定)"
DUE_STATES = (Freshness.STALE, Freshness.DUE_SOON, Freshness.NEVER)
_MAX_STEPS = 200_000


def fiscal_year(day: dt.date) -> str:
    """The Japanese fiscal year (年度, April–March) a day falls in: 2027-03-31 → "2026"."""
    return str(day.year if day.month >= 4 else day.year - 1)


# --- result types ---------------------------------------------------------------------
@dataclass
class Share:
    """What one coordinator confirms this year."""

    coordinator: str
    tier: str
    record_ids: list[str] = field(default_factory=list)
    genres: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)
    kept: int = 0  # records this coordinator also had last year

    @property
    def count(self) -> int:
        return len(self.record_ids)


@dataclass
class PlanNote:
    code: str
    message: str
    record_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "count": len(self.record_ids),
                "record_ids": list(self.record_ids)}


@dataclass
class AssignmentPlan:
    year: str
    method: str
    as_of: dt.date
    only_due: bool
    created: str
    shares: list[Share]
    notes: list[PlanNote]
    considered: int  # records that could be assigned (not 廃止, with an ID)
    skipped_fresh: int  # left out by --only-due
    previous_year: str = ""  # the year whose shares were kept ("" when none were)
    continuity: str = ""  # one sentence: whose shares were kept, or why none were

    @property
    def method_label(self) -> str:
        return METHOD_LABELS.get(self.method, self.method)

    @property
    def total(self) -> int:
        return sum(s.count for s in self.shares)

    def owner_of(self) -> dict[str, str]:
        return {rid: s.coordinator for s in self.shares for rid in s.record_ids}

    @property
    def ratio(self) -> float | None:
        """Largest load / smallest load (None when someone has nothing)."""
        loads = [s.count for s in self.shares]
        if not loads or min(loads) == 0:
            return None
        return max(loads) / min(loads)

    @property
    def balanced(self) -> bool:
        r = self.ratio
        return r is not None and r <= BALANCE_LIMIT + 1e-9

    @property
    def kept(self) -> int:
        return sum(s.kept for s in self.shares)

    def assignments(self) -> list[Assignment]:
        """The rows recorded in the master's 担当履歴 sheet."""
        label = self.method_label
        return [Assignment(self.year, rid, s.coordinator, label, self.created)
                for s in self.shares for rid in s.record_ids]

    HEADERS = ("氏名", "階層", "担当ジャンル", "担当地区", "件数", "割合", "昨年から継続")

    def to_rows(self) -> list[tuple[object, ...]]:
        total = self.total or 1
        return [(s.coordinator, s.tier, "、".join(s.genres), "、".join(s.districts), s.count,
                 f"{100 * s.count / total:.1f}%", s.kept) for s in self.shares]

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year, "method": self.method, "as_of": self.as_of.isoformat(), "only_due": self.only_due,
            "created": self.created, "previous_year": self.previous_year, "continuity": self.continuity,
            "considered": self.considered,
            "skipped_fresh": self.skipped_fresh, "total": self.total,
            "ratio": None if self.ratio is None else round(self.ratio, 3), "balanced": self.balanced,
            "kept": self.kept,
            "shares": [{"coordinator": s.coordinator, "tier": s.tier, "count": s.count, "kept": s.kept,
                        "genres": s.genres, "districts": s.districts, "record_ids": s.record_ids}
                       for s in self.shares],
            "notes": [n.to_dict() for n in self.notes],
        }


# --- units ------------------------------------------------------------------------------
@dataclass
class _Unit:
    genre: str
    district: str
    ids: list[str]
    eligible: tuple[str, ...]
    part: int = 0
    previous: str = ""  # last year's owner, kept by continuity
    owner: str = ""

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.district, self.genre, self.part, self.ids[0] if self.ids else "")


# --- selection and history ------------------------------------------------------------
def select_records(cat: Catalogue, *, only_due: bool, as_of: dt.date) -> tuple[list[Record], int, int]:
    """(records to confirm, records that could be, records left out because they are fresh)."""
    candidates = [r for r in cat.records if r.id and r.get("status") != S.STATUS_CLOSED]
    if not only_due:
        return candidates, len(candidates), 0
    cycle = cat.settings.cycle_months
    due = [r for r in candidates if freshness(r, as_of, cycle) in DUE_STATES]
    return due, len(candidates), len(candidates) - len(due)


def _year_number(text: str) -> int | None:
    try:
        return int(str(text).strip())
    except ValueError:
        return None


def previous_owners(assignments: Iterable[Assignment], year: str) -> tuple[str, dict[str, str]]:
    """The latest earlier year in 担当履歴 and, per record ID, its owner that year (latest plan wins)."""
    last, owners, _ = previous_plan(assignments, year)
    return last, owners


def method_of(label: str) -> str:
    """METHOD_DISTRICT / METHOD_GENRE for a 担当履歴 『分け方』 cell (地区別, ジャンル別, district…); '' if unknown."""
    text = (label or "").strip().lower()
    for method, name in METHOD_LABELS.items():
        if text in (method, name.lower(), name.removesuffix("別").lower()):
            return method
    return ""


def previous_plan(assignments: Iterable[Assignment], year: str) -> tuple[str, dict[str, str], str]:
    """(latest earlier year in 担当履歴, record ID → owner that year, method of that year's latest plan).

    Owners come from every plan of that year, the latest winning per record; the method is the latest plan's."""
    target = _year_number(year)
    rows = [a for a in assignments if (n := _year_number(a.year)) is not None and (target is None or n < target)]
    if not rows:
        return "", {}, ""
    last = max(_year_number(a.year) or 0 for a in rows)
    owners: dict[str, str] = {}
    method = ""
    for a in sorted((a for a in rows if _year_number(a.year) == last), key=lambda a: a.created):
        owners[a.record_id] = a.coordinator
        method = a.method
    return str(last), owners, method_of(method)


def continuity(assignments: Iterable[Assignment], year: str, method: str, *,
               fresh: bool = False) -> tuple[str, dict[str, str], str]:
    """(year kept, record ID → last year's owner, sentence for the plan) under the rule of step 3."""
    last, owners, last_method = previous_plan(assignments, year)
    label = METHOD_LABELS.get(method, method)
    if not last:
        return "", {}, "昨年度の割り当ての記録がないため、一から分けました。"
    if fresh:
        return "", {}, f"--fresh のため、昨年({last}年度)の担当は引き継がずに一から分けました。"
    if last_method and last_method != method:
        return "", {}, (f"昨年({last}年度)は{METHOD_LABELS[last_method]}で分けたため、{label}の今回は昨年の担当を"
                        "引き継いでいません(引き継ぐのは同じ分け方のときだけです)。")
    return last, owners, f"昨年({last}年度・{label})と同じ分け方のため、昨年の担当をできるだけ引き継ぎました(--fresh で一から分けられます)。"


def latest_plan(assignments: Iterable[Assignment], year: str) -> dict[str, str]:
    """Record ID → coordinator of the most recent plan recorded for ``year``."""
    rows = [a for a in assignments if a.year == year]
    if not rows:
        return {}
    newest = max(a.created for a in rows)
    return {a.record_id: a.coordinator for a in rows if a.created == newest}


# --- planning -----------------------------------------------------------------------------
@lru_cache(maxsize=1 << 16)
def is_city_wide(area: str) -> bool:
    """:func:`shigen.model.is_city_wide`, remembered per area text: the plan asks it twice per record and the book
    grouping once more (issue 18). A messy catalogue of 20,000 records holds ~6,300 distinct 対応エリア (a cache of
    4,096 kept missing)."""
    return _is_city_wide(area)


def plan_assignments(cat: Catalogue, *, method: str, year: str, as_of: dt.date | None = None,
                     only_due: bool = False, created: str | None = None, fresh: bool = False) -> AssignmentPlan:
    """Split the records to confirm among the active coordinators (see the module docstring)."""
    if method not in METHODS:
        raise UsageError(f"分け方『{method}』は使えません。", "--by district(地区別)か --by genre(ジャンル別)を指定してください。")
    as_of = as_of or dt.date.today()
    coordinators = cat.active_coordinators()
    if not coordinators:
        raise UsageError(
            "在籍中のコーディネーターがいません。",
            f"台帳のシート『{S.SHEET_COORDINATORS}』に氏名を入れ、『在籍』を ○ にしてから実行してください。",
            path=cat.path, sheet=S.SHEET_COORDINATORS,
        )
    names = [c.name for c in coordinators]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise UsageError(
            f"コーディネーターの氏名が重複しています: {'、'.join(dup)}。",
            "同じ氏名の方がいる場合は、区別できるよう氏名の後ろに所属などを付けてください。",
            path=cat.path, sheet=S.SHEET_COORDINATORS,
        )
    records, considered, skipped = select_records(cat, only_due=only_due, as_of=as_of)
    genre_order = cat.genre_names()
    records = ordered(records, genre_order)
    by_id = {r.id: r for r in records}
    prev_year, prev, continuity_text = continuity(cat.assignments, year, method, fresh=fresh)
    notes: list[PlanNote] = []

    if method == METHOD_DISTRICT:
        units, unit_notes = _district_units(cat, records, coordinators)
    else:
        units, unit_notes = _genre_units(cat, records, coordinators)
    notes.extend(unit_notes)

    index = {n: i for i, n in enumerate(names)}
    loads = dict.fromkeys(names, 0)
    units = _split_by_previous(units, prev)
    for u in sorted((u for u in units if u.previous), key=lambda u: u.key):
        u.owner = u.previous
        loads[u.owner] += u.size
    for u in sorted((u for u in units if not u.previous), key=lambda u: (len(u.eligible), -u.size, u.key)):
        u.owner = min(u.eligible, key=lambda n: (loads[n], index[n]))
        loads[u.owner] += u.size
    units = _rebalance(units, loads, index, by_id, prev)

    shares = _shares(units, coordinators, prev, by_id, genre_order)
    owner = {rid: s.coordinator for s in shares for rid in s.record_ids}
    notes.extend(_after_notes(notes, owner, prev, names, records))
    plan = AssignmentPlan(year, method, as_of, only_due, created or now_text(), shares, notes, considered, skipped,
                          prev_year, continuity_text)
    no_id = sum(1 for r in cat.records if not r.id and r.get("status") != S.STATUS_CLOSED)
    if no_id:
        plan.notes.append(PlanNote("no-id", f"ID のない資源が {no_id} 件あり、割り当てていません。"
                                            "台帳の『ID』を空欄にしないでください(shigen import で取り込むと ID が付きます)。"))
    if not records:
        plan.notes.append(PlanNote("no-records", "割り当てる資源がありません" + (
            "(--only-due: 期限が近い・過ぎた・未確認の資源がありません)。" if only_due else "。")))
    elif not plan.balanced:
        plan.notes.append(PlanNote("unbalanced", _imbalance_text(plan)))
    return plan


def _district_of(record: Record, cat: Catalogue) -> str:
    return record.get("district") or district_for_address(record.get("address"), cat.districts) or NO_DISTRICT


def _district_units(cat: Catalogue, records: list[Record],
                    coordinators: list[Coordinator]) -> tuple[list[_Unit], list[PlanNote]]:
    everyone = tuple(c.name for c in coordinators)
    tier1 = tuple(c.name for c in coordinators if c.tier == S.TIER_1)
    known = {d.name for d in cat.districts}
    owners_of: dict[str, list[str]] = defaultdict(list)
    for c in coordinators:
        for d in c.districts:
            owners_of[d].append(c.name)
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    vacant: dict[str, list[str]] = defaultdict(list)
    city_wide: list[str] = []
    for r in records:
        if is_city_wide(r.get("area")):
            groups[(S.CITY_WIDE, r.get("genre") or S.NO_GENRE)].append(r.id)
            city_wide.append(r.id)
            continue
        d = _district_of(r, cat)
        if owners_of.get(d):
            groups[(d, r.get("genre") or S.NO_GENRE)].append(r.id)
        else:
            vacant[d].append(r.id)
    notes: list[PlanNote] = []
    units: list[_Unit] = []
    for (d, g), ids in groups.items():
        eligible = (tier1 or everyone) if d == S.CITY_WIDE else tuple(owners_of[d])
        units.append(_Unit(g, d, ids, eligible))
    if city_wide and not tier1:
        notes.append(PlanNote("no-tier1", f"第1層のコーディネーターがいないため、市内全域の資源 {len(city_wide)} 件は"
                                          "件数の少ない人から順に割り当てました。", city_wide))
    for d, ids in sorted(vacant.items()):
        units.append(_Unit("", d, ids, everyone))  # one area in one hand; cut only when balance needs it
        if d == NO_DISTRICT:
            notes.append(PlanNote("no-district", f"地区が空欄で住所からも地区が分からない資源が {len(ids)} 件あります。"
                                                 "件数の少ない人に割り当てました(台帳の『地区』を埋めてください)。", ids))
        elif d not in known:
            notes.append(PlanNote("unknown-district", f"地区『{d}』は台帳のシート『{S.SHEET_DISTRICTS}』にありません"
                                                      f"({len(ids)} 件)。件数の少ない人に割り当てました。", ids))
        else:
            notes.append(PlanNote("vacant-district", f"{d}には担当のコーディネーターがいません。この地区の {len(ids)} 件は"
                                                     "件数の少ない人に割り当てました。", ids))
    return units, notes


def _genre_units(cat: Catalogue, records: list[Record],
                 coordinators: list[Coordinator]) -> tuple[list[_Unit], list[PlanNote]]:
    from .model import match_genre

    everyone = tuple(c.name for c in coordinators)
    notes: list[PlanNote] = []
    listed: dict[str, list[str]] = defaultdict(list)
    for c in coordinators:
        for label in c.genres:
            g = label if cat.genre(label) else match_genre(label, cat.genres)
            if not g:
                notes.append(PlanNote("unknown-genre", f"{c.name} さんの担当ジャンル『{label}』は台帳のシート"
                                                       f"『{S.SHEET_GENRES}』にありません。このジャンル指定は使いませんでした。"))
                continue
            if c.name not in listed[g]:
                listed[g].append(c.name)
    by_genre: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        by_genre[r.get("genre") or S.NO_GENRE].append(r)
    fair = len(records) / len(coordinators) if coordinators else 0
    units: list[_Unit] = []
    for g, rs in by_genre.items():
        owners = tuple(listed.get(g, ())) or everyone
        if len(owners) > 1 and (g in listed or len(rs) > fair * BALANCE_LIMIT):
            # shared by several listing coordinators, or too big for one share: cut by district
            by_d: dict[str, list[str]] = defaultdict(list)
            for r in rs:
                by_d[_district_of(r, cat)].append(r.id)
            units.extend(_Unit(g, d, ids, owners) for d, ids in by_d.items())
        else:
            units.append(_Unit(g, "", [r.id for r in rs], owners))
    return units, notes


def _split_by_previous(units: list[_Unit], prev: dict[str, str]) -> list[_Unit]:
    """Cut each unit by last year's owner. Records new to the unit form their own part, which starts with the
    unit's majority owner (a genre's or area's new records follow its owner) but is the first to move."""
    out: list[_Unit] = []
    for u in units:
        owners = [prev.get(rid, "") for rid in u.ids]
        usable = [o for o in owners if o and o in u.eligible]
        if not usable:
            out.append(u)
            continue
        majority = sorted(Counter(usable).items(), key=lambda kv: (-kv[1], u.eligible.index(kv[0])))[0][0]
        parts: dict[tuple[str, bool], list[str]] = defaultdict(list)
        for rid, o in zip(u.ids, owners, strict=True):
            parts[(o, False) if o in u.eligible else (majority, True)].append(rid)
        for i, ((o, _new), ids) in enumerate(sorted(parts.items(), key=lambda kv: (u.eligible.index(kv[0][0]),
                                                                                   kv[0][1]))):
            out.append(_Unit(u.genre, u.district, ids, u.eligible, part=i, previous=o))
    return out


def _rebalance(units: list[_Unit], loads: dict[str, int], index: dict[str, int],
               by_id: dict[str, Record], prev: dict[str, str]) -> list[_Unit]:
    names = sorted(loads, key=lambda n: index[n])
    for _ in range(_MAX_STEPS):
        changed = False
        owned: dict[str, list[_Unit]] = defaultdict(list)  # each owner's units, in the order of ``units``
        for u in units:  # (one step changes nothing until a move, after which the next step starts)
            owned[u.owner].append(u)
        lightest = sorted(names, key=lambda n: (loads[n], index[n]))  # loads change only by a move, which ends the step
        for hi in sorted(names, key=lambda n: (-loads[n], index[n])):
            for lo in lightest:
                if lo == hi:
                    continue
                if loads[hi] <= BALANCE_LIMIT * loads[lo] or loads[hi] - loads[lo] < 2:
                    break
                if _move_some(units, hi, lo, loads, by_id, prev, owned[hi]):
                    changed = True
                    break
            if changed:
                break
        if not changed:
            break
    return units


def _move_some(units: list[_Unit], hi: str, lo: str, loads: dict[str, int], by_id: dict[str, Record],
               prev: dict[str, str], his: list[_Unit]) -> bool:
    """Move (or prepare to move, by cutting a unit) records from ``hi`` to ``lo``. False if nothing can move.
    ``his``: the units ``hi`` owns, in the order of ``units``.

    Parts holding none of ``hi``'s records of last year are moved (or cut) first, so continuity gives way
    only as far as balance needs."""
    candidates = [u for u in his if lo in u.eligible and u.size]
    if not candidates:
        return False
    gap = loads[hi] - loads[lo]
    need = math.ceil((loads[hi] - BALANCE_LIMIT * loads[lo]) / (1 + BALANCE_LIMIT))
    need = max(1, min(need, gap - 1))
    kept = {id(u): sum(1 for rid in u.ids if prev.get(rid) == hi) for u in candidates}

    def pref(u: _Unit) -> tuple[int, int, tuple[str, str, int, str]]:
        return (kept[id(u)], u.size, u.key)

    free = [u for u in candidates if kept[id(u)] == 0]
    for pool in (free, candidates):
        if not pool:
            continue
        fitting = [u for u in pool if need <= u.size < gap]
        if fitting:
            _give(min(fitting, key=pref), lo, loads)
            return True
        big = [u for u in pool if u.size >= gap]
        if big:
            _cut(units, min(big, key=pref), need, by_id)
            return True
        # every part of the pool is smaller than needed: the largest one helps most
        _give(max(pool, key=lambda u: (u.size, u.key)), lo, loads)
        return True
    return False


def _give(u: _Unit, to: str, loads: dict[str, int]) -> None:
    loads[u.owner] -= u.size
    loads[to] += u.size
    u.owner = to


def _cut(units: list[_Unit], u: _Unit, need: int, by_id: dict[str, Record]) -> None:
    """Cut a unit that is too big to move whole: by district, then by genre, then ``need`` records off its end."""
    for attr in ("district", "genre"):
        groups: dict[str, list[str]] = defaultdict(list)
        for rid in u.ids:
            r = by_id[rid]
            groups[(r.get(attr) or "") if attr == "genre" else (r.get("district") or NO_DISTRICT)].append(rid)
        if len(groups) > 1:
            units.remove(u)
            for i, (label, ids) in enumerate(sorted(groups.items())):
                units.append(_Unit(u.genre if attr == "district" else label,
                                   label if attr == "district" else u.district, ids, u.eligible,
                                   part=u.part * 100 + i, previous=u.previous, owner=u.owner))
            return
    head, tail = u.ids[: u.size - need], u.ids[u.size - need:]
    u.ids = head
    units.append(_Unit(u.genre, u.district, tail, u.eligible, part=u.part * 100 + 99, previous=u.previous,
                       owner=u.owner))


def _shares(units: list[_Unit], coordinators: list[Coordinator], prev: dict[str, str], by_id: dict[str, Record],
            genre_order: list[str]) -> list[Share]:
    ids_of: dict[str, list[str]] = defaultdict(list)
    for u in units:
        ids_of[u.owner].extend(u.ids)
    shares = []
    rank = {g: i for i, g in enumerate(genre_order)}
    # by_id holds the records in :func:`ordered` order already (a total order, IDs last): a share sorted by that
    # position is what ordered() would give it, without working out every sort key again
    position = {rid: i for i, rid in enumerate(by_id)}
    for c in coordinators:
        recs = [by_id[rid] for rid in sorted(ids_of.get(c.name, []), key=position.__getitem__)]
        ids = [r.id for r in recs]
        genres = sorted({r.get("genre") or S.NO_GENRE for r in recs}, key=lambda g: (rank.get(g, len(rank)), g))
        districts = sorted({(S.CITY_WIDE if is_city_wide(r.get("area")) and c.tier == S.TIER_1 else
                             r.get("district") or NO_DISTRICT) for r in recs})
        kept = sum(1 for rid in ids if prev.get(rid) == c.name)
        shares.append(Share(c.name, c.tier, ids, genres, districts, kept))
    return shares


def _after_notes(notes: list[PlanNote], owner: dict[str, str], prev: dict[str, str], names: list[str],
                 records: list[Record]) -> list[PlanNote]:
    out = []
    for n in notes:  # say who got the records of a vacant district
        if n.code in ("vacant-district", "no-district", "unknown-district", "no-tier1") and n.record_ids:
            who = Counter(owner[rid] for rid in n.record_ids if rid in owner)
            n.message += " 割り当て先: " + "、".join(f"{k} {v} 件" for k, v in sorted(who.items(), key=lambda kv: -kv[1]))
    gone = Counter(prev[r.id] for r in records if prev.get(r.id) and prev[r.id] not in names)
    for former, count in sorted(gone.items()):
        ids = [r.id for r in records if prev.get(r.id) == former]
        out.append(PlanNote("former-coordinator", f"昨年 {former} さんが担当した {count} 件は、在籍中のコーディネーターに"
                                                  "割り当て直しました。", ids))
    return out


def _imbalance_text(plan: AssignmentPlan) -> str:
    loads = sorted(plan.shares, key=lambda s: s.count)
    low, high = loads[0], loads[-1]
    ratio = "—" if plan.ratio is None else f"{plan.ratio:.2f} 倍"
    why = ("地区ごとの担当が決まっているため、地区の資源数の差がそのまま残っています。" if plan.method == METHOD_DISTRICT
           else "担当ジャンルが決まっているため、これ以上は均せません。")
    return (f"件数の差が {BALANCE_LIMIT} 倍を超えています(最多 {high.coordinator} {high.count} 件、"
            f"最少 {low.coordinator} {low.count} 件、{ratio})。{why}"
            "偏りをなくすには、シート『コーディネーター』の担当地区・担当ジャンルを見直してください。")
