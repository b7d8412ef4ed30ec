"""Small builders for test catalogues: a master workbook in tmp_path with records written out by hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shigen import schema as S
from shigen.create import init_workspace
from shigen.master import load_catalogue, save_catalogue
from shigen.model import Catalogue, Coordinator, District
from shigen.workspace import Workspace

DISTRICTS = [
    District("中央地区", S.TIER_2, ("本町", "栄町", "旭町", "駅前")),
    District("北地区", S.TIER_2, ("北山", "上野", "松原")),
    District("南地区", S.TIER_2, ("南浜", "汐見", "港町")),
    District("東地区", S.TIER_2, ("東台", "朝日ヶ丘", "緑町")),
]
COORDINATORS = [
    Coordinator("佐藤 花子", S.TIER_1, (), ()),
    Coordinator("鈴木 一郎", S.TIER_2, ("中央地区",), ()),
    Coordinator("高橋 美穂", S.TIER_2, ("北地区",), ()),
    Coordinator("田中 健", S.TIER_2, ("南地区", "東地区"), ()),
]


def record(**values: Any) -> dict[str, str]:
    """A complete, clean, public record; override any field by key."""
    base = {
        "name": "みどり配食サービス",
        "kana": "みどりはいしょくさーびす",
        "genre": "配食・弁当",
        "category": "保険外サービス",
        "district": "中央地区",
        "area": "市内全域",
        "address": "みどり野市本町1-2-3",
        "postal_code": "289-2500",  # a real code (旭市, 「以下に掲載がない場合」): no town to disagree with
        "phone": "0479-62-1111",
        "content": "昼食と夕食のお弁当を自宅へ届けます。",
        "fee": "1食 600円",
        "paid": "有償",
        "days": "月～土",
        "hours": "9:00～17:00",
        "closed_days": "日曜・祝日",
        "apply": "電話で申し込み",
        "visibility": S.VISIBILITY_PUBLIC,
        "consent": S.CONSENT_GIVEN,
        "status": S.STATUS_ACTIVE,
        "last_confirmed": "2026-06-01",
        "confirmed_by": "鈴木 一郎",
    }
    base.update({k: str(v) for k, v in values.items()})
    return base


def make_workspace(root: Path, records: list[dict[str, str]] | None = None, *,
                   districts: list[District] | None = None, coordinators: list[Coordinator] | None = None,
                   municipality: str = "みどり野市", settings: dict[str, str] | None = None) -> Workspace:
    """An initialised workspace whose master holds ``records`` (IDs assigned in order)."""
    ws = Workspace.resolve(root)
    init_workspace(ws, municipality=municipality)
    cat = load_catalogue(ws.catalogue)
    cat.districts = list(DISTRICTS if districts is None else districts)
    cat.coordinators = list(COORDINATORS if coordinators is None else coordinators)
    if settings:
        cat.settings.values.update(settings)
    cat.settings_changed = True
    for values in records or []:
        cat.add_record(values, command="test", by="テスト")
    save_catalogue(cat)
    return ws


def load(ws: Workspace) -> Catalogue:
    return load_catalogue(ws.catalogue)
