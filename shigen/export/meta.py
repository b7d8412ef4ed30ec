"""What every export states about itself: title, municipality, issue date, selection, contact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model import Catalogue
from ..text import to_wareki, wareki_month
from . import WRITERS
from .select import Selection

TITLE_LIST = "社会資源一覧"
TITLE_BOOKLET = "生活便利帳"
TITLE_STAFF_SUFFIX = "(関係者用)"
ALL = "すべて"
STAFF_WARNING = "関係者用の資料です。内部の項目(公開範囲・掲載同意・確認者・先方担当者・内部メモ・出典)と、一般には公開しない資源を含みます。外部に配布しないでください。"


@dataclass(frozen=True)
class Meta:
    title: str
    municipality: str
    contact: str
    as_of: dt.date
    districts: tuple[str, ...]
    genres: tuple[str, ...]
    public: bool
    total: int

    @property
    def stamp(self) -> str:
        """「令和9年4月現在」."""
        return f"{wareki_month(self.as_of)}現在"

    @property
    def fiscal_year(self) -> str:
        """「令和9年度」 (the Japanese fiscal year starts in April)."""
        year = self.as_of.year if self.as_of.month >= 4 else self.as_of.year - 1
        text = to_wareki(dt.date(year, 4, 1))
        return text[: text.index("年")] + "年度"

    @property
    def district_text(self) -> str:
        return "・".join(self.districts) if self.districts else f"{ALL}の地区"

    @property
    def genre_text(self) -> str:
        return "・".join(self.genres) if self.genres else f"{ALL}のジャンル"

    @property
    def heading(self) -> str:
        """Title with the municipality in front (「みどり野市 社会資源一覧」)."""
        if self.municipality and not self.title.startswith(self.municipality):
            return f"{self.municipality} {self.title}"
        return self.title


def make_meta(cat: Catalogue, sel: Selection, fmt: str, title: str | None) -> Meta:
    if not title:
        base = TITLE_BOOKLET if WRITERS[fmt].booklet else TITLE_LIST
        if sel.districts:
            base = f"{base}({'・'.join(sel.districts)})"
        title = base if sel.is_public else base + TITLE_STAFF_SUFFIX
    return Meta(title, cat.settings.municipality, cat.settings.contact, sel.as_of, tuple(sel.districts),
                tuple(sel.genres), sel.is_public, len(sel.records))
