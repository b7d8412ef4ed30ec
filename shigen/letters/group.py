"""Which records get a 確認依頼, and one provider (one letter) per 運営主体 + 先方担当者."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .. import schema as S
from ..errors import UsageError
from ..model import Catalogue, Coordinator, Record, freshness, ordered
from ..text import search_key
from .followup import METHOD_FAX, METHOD_HAND, METHOD_POST, InquiryState


@dataclass
class Provider:
    """The addressee of one letter: every service of one operator with one contact person."""

    key: tuple[str, str]
    name: str  # 運営主体, or the service's name when 運営主体 is empty
    contact: str  # 先方担当者 ('' → 「ご担当者」)
    records: list[Record]
    postal_code: str = ""
    address: str = ""
    fax: str = ""
    phone: str = ""
    number: int = 0  # 1-based position in the file (printed as the letter number)

    @property
    def method(self) -> str:
        """How the letter goes out: 郵送 (an address), else FAX, else 手渡し."""
        if self.address:
            return METHOD_POST
        if self.fax:
            return METHOD_FAX
        return METHOD_HAND

    @property
    def unreachable(self) -> bool:
        """Neither an address nor a FAX number: listed in the summary."""
        return not self.address and not self.fax

    @property
    def paused(self) -> list[Record]:
        return [r for r in self.records if r.get("status") == S.STATUS_PAUSED]

    @property
    def addressee(self) -> str:
        return f"{self.contact} 様" if self.contact else "ご担当者 様"

    @property
    def services(self) -> str:
        """The services' names when they differ from the provider's name (for the address list)."""
        names = [r.name for r in self.records if r.name and r.name != self.name]
        return "、".join(dict.fromkeys(names))

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.records]


def provider_key(record: Record) -> tuple[str, str]:
    """(運営主体 or 名称, 先方担当者), compared by their search key (width, kana and spaces folded)."""
    who = record.get("operator") or record.name
    return search_key(who), search_key(record.get("contact_person"))


def group_providers(records: list[Record], genre_order: list[str]) -> list[Provider]:
    """One Provider per key, in the order of their first service (genre order, then 五十音順)."""
    groups: dict[tuple[str, str], list[Record]] = {}
    for r in ordered(records, genre_order):
        groups.setdefault(provider_key(r), []).append(r)
    out = []
    for i, (key, recs) in enumerate(groups.items(), start=1):
        first = recs[0]
        with_address = next((r for r in recs if r.get("address")), None)
        p = Provider(key, first.get("operator") or first.name, first.get("contact_person"), recs, number=i)
        if with_address is not None:
            p.address = with_address.get("address")
            p.postal_code = with_address.get("postal_code")
        p.fax = next((r.get("fax") for r in recs if r.get("fax")), "")
        p.phone = next((r.get("phone") for r in recs if r.get("phone")), "")
        out.append(p)
    return out


# --- scope ------------------------------------------------------------------------------------
@dataclass
class Scope:
    records: list[Record]
    closed: int = 0  # 廃止 records left out
    coordinator: Coordinator | None = None
    plan_year: str = ""  # the 担当履歴 plan the coordinator's records came from ('' = their 担当地区/ジャンル)
    notes: list[str] = field(default_factory=list)


def coordinator_records(cat: Catalogue, name: str) -> tuple[Coordinator, set[str] | None, str]:
    """(coordinator, IDs of their share in the newest plan or None, plan year)."""
    from ..assign import _year_number, latest_plan  # (the module is large: imported when a coordinator is named)

    coord = next((c for c in cat.coordinators if c.name == name), None)
    if coord is None:
        names = "、".join(c.name for c in cat.coordinators) or "(台帳のシート『コーディネーター』が空です)"
        raise UsageError(f"コーディネーター『{name}』は台帳のシート『{S.SHEET_COORDINATORS}』にいません。",
                         f"次のどれかを指定してください: {names}")
    years = sorted({a.year for a in cat.assignments}, key=lambda y: (_year_number(y) or 0, y))
    for year in reversed(years):
        plan = latest_plan(cat.assignments, year)
        if plan:
            ids = {rid for rid, who in plan.items() if who == name}
            if ids:
                return coord, ids, year
            break  # the newest plan gave them nothing: fall back to their districts and genres
    return coord, None, ""


def select_scope(cat: Catalogue, *, as_of: dt.date, only_due: bool = False, districts: list[str] | None = None,
                 genres: list[str] | None = None, coordinator: str | None = None,
                 reminder_of: dict[str, InquiryState] | None = None, resend_days: int = 21) -> Scope:
    """The records that get a letter: never 廃止; narrowed by the options (all of them apply together).

    ``coordinator``: the records of their update workbook (their share of the newest plan in 担当履歴), or, when
    no plan gave them any, the records of their 担当地区 / 担当ジャンル. ``districts``: the records located there
    (地区). ``reminder_of`` (``--reminder``): only records asked more than ``resend_days`` days ago and not answered.
    """
    from ..export.select import resolve_districts, resolve_genres

    wanted_d = set(resolve_districts(cat, list(districts or [])))
    wanted_g = set(resolve_genres(cat, list(genres or [])))
    scope = Scope([])
    ids: set[str] | None = None
    if coordinator:
        coord, ids, year = coordinator_records(cat, coordinator)
        scope.coordinator, scope.plan_year = coord, year
        if ids is None:
            if not coord.districts and not coord.genres:
                raise UsageError(
                    f"『{coordinator}』さんの担当が分かりません(担当履歴にも、担当地区・担当ジャンルにもありません)。",
                    "先に `shigen assign` で分担を決めるか、シート『コーディネーター』に担当地区か担当ジャンルを入れてください。")
            scope.notes.append(f"担当履歴に『{coordinator}』さんの分担がないため、担当地区・担当ジャンルの資源にしました。")
    cycle = cat.settings.cycle_months
    if only_due:
        from ..assign import DUE_STATES
    for r in cat.records:
        if not r.id:
            continue
        if ids is not None and r.id not in ids:
            continue
        if ids is None and scope.coordinator is not None:
            c = scope.coordinator
            if not ((c.districts and r.get("district") in c.districts) or (c.genres and r.get("genre") in c.genres)):
                continue
        if wanted_d and r.get("district") not in wanted_d:
            continue
        if wanted_g and r.get("genre") not in wanted_g:
            continue
        if r.get("status") == S.STATUS_CLOSED:  # 廃止: no letter
            scope.closed += 1
            continue
        if only_due and freshness(r, as_of, cycle) not in DUE_STATES:
            continue
        if reminder_of is not None:
            st = reminder_of.get(r.id)
            if st is None or not st.overdue(as_of, resend_days, r):
                continue
        scope.records.append(r)
    return scope
