"""A short description of a catalogue's contents (`shigen status`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from . import schema as S
from .letters.followup import FollowUp, follow_up
from .model import Catalogue


@dataclass
class Summary:
    municipality: str
    total: int
    cycle_months: int
    by_status: list[tuple[str, int]] = field(default_factory=list)
    by_genre: list[tuple[str, int]] = field(default_factory=list)
    by_district: list[tuple[str, int]] = field(default_factory=list)
    districts: int = 0
    genres: int = 0
    coordinators: int = 0
    follow_up: FollowUp | None = None  # 照会 (`shigen letters`): asked / answered / overdue

    def to_dict(self) -> dict[str, object]:
        data = self.__dict__.copy()
        data["follow_up"] = self.follow_up.to_dict() if self.follow_up else None
        return data


def summarise(cat: Catalogue, as_of: dt.date | None = None) -> Summary:
    status = Counter((r.get("status") or S.STATUS_ACTIVE) for r in cat.records)
    active = [r for r in cat.records if r.is_active]
    genre = Counter(r.get("genre") or "(未分類)" for r in active)
    district = Counter(r.get("district") or "(地区なし)" for r in active)
    genre_order = cat.genre_names()
    district_order = [d.name for d in cat.districts]
    return Summary(
        municipality=cat.settings.municipality,
        total=len(cat.records),
        cycle_months=cat.settings.cycle_months,
        by_status=[(s, status[s]) for s in S.STATUS_CHOICES if status[s]],
        by_genre=sorted(genre.items(), key=lambda kv: (genre_order.index(kv[0]) if kv[0] in genre_order else 999)),
        by_district=sorted(district.items(),
                           key=lambda kv: (district_order.index(kv[0]) if kv[0] in district_order else 999)),
        districts=len(cat.districts),
        genres=len(cat.genres),
        coordinators=len(cat.active_coordinators()),
        follow_up=follow_up(cat, as_of) if cat.inquiries else None,
    )
