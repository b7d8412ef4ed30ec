"""`shigen assign`: planning (both modes, continuity, balance, determinism, vacant districts) and the workbooks."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import openpyxl
import pytest
from builders import load, make_workspace, record

from shigen import schema as S
from shigen.assign import BALANCE_LIMIT, fiscal_year, plan_assignments, previous_owners
from shigen.master import save_catalogue
from shigen.model import Coordinator, District
from shigen.update_book import (
    SHEET_HELP,
    SHEET_MAIN,
    SHEET_META,
    SHEET_META_RECORDS,
    SHEET_PRINT,
    column_number,
)
from shigen.update_book_read import read_update_book

AS_OF = dt.date(2027, 4, 1)
GENRES = ["配食・弁当", "移動販売", "サロン・交流の場", "移送・外出支援", "見守り・安否確認", "訪問理美容"]
TOWNS = {"中央地区": "本町", "北地区": "北山", "南地区": "南浜", "東地区": "東台"}


def local(i: int, where: str, genre: str, **kw: str) -> dict[str, str]:
    """A record located in district ``where`` and usable only there."""
    values = {"name": f"{where[:1]}{genre[:2]}の店{i:03d}", "kana": f"てん{i:03d}", "genre": genre,
              "district": where, "area": where, "address": f"みどり野市{TOWNS.get(where, '本町')}{i}-1"}
    values.update(kw)
    return record(**values)


def mixed_records(n: int, districts=("中央地区", "北地区", "南地区", "東地区"), city_wide_every: int = 6):
    out = []
    for i in range(n):
        d = districts[(i * 7) % len(districts)]
        g = GENRES[(i * 5 + i // 3) % len(GENRES)]
        if city_wide_every and i % city_wide_every == 0:
            out.append(record(name=f"全域サービス{i:03d}", kana=f"ぜんいき{i:03d}", genre=g, district=d, area=S.CITY_WIDE))
        else:
            out.append(local(i, d, g))
    return out


def plan(ws, method, year="2027", **kw):
    return plan_assignments(load(ws), method=method, year=year, as_of=AS_OF, created="2027-04-01 09:00:00", **kw)


def record_plan(ws, p) -> None:
    cat = load(ws)
    cat.new_assignments.extend(p.assignments())
    save_catalogue(cat)


def share(p, name):
    return next(s for s in p.shares if s.coordinator == name)


# --- district mode -----------------------------------------------------------------------------
def test_district_mode_gives_each_area_to_its_coordinator_and_city_wide_to_tier1(tmp_path):
    ws = make_workspace(tmp_path, mixed_records(60))
    p = plan(ws, "district")
    cat = load(ws)
    by_id = cat.by_id()
    assert p.total == 60
    for rid, who in p.owner_of().items():
        r = by_id[rid]
        if r.get("area") == S.CITY_WIDE:
            assert who == "佐藤 花子"  # the tier-1 coordinator
        else:
            expected = {"中央地区": "鈴木 一郎", "北地区": "高橋 美穂", "南地区": "田中 健", "東地区": "田中 健"}
            assert who == expected[r.get("district")], (rid, r.get("district"), who)
    assert share(p, "田中 健").districts == ["南地区", "東地区"]
    assert share(p, "佐藤 花子").districts == [S.CITY_WIDE]


def test_district_with_several_coordinators_is_split_evenly_keeping_genres_together(tmp_path):
    coords = [Coordinator("佐藤 花子", S.TIER_1), Coordinator("鈴木 一郎", S.TIER_2, ("中央地区",)),
              Coordinator("山本 和子", S.TIER_2, ("中央地区",)), Coordinator("高橋 美穂", S.TIER_2, ("北地区", "南地区", "東地区"))]
    recs = [local(i, "中央地区", GENRES[i % 4]) for i in range(40)]  # four genres of 10
    ws = make_workspace(tmp_path, recs, coordinators=coords)
    p = plan(ws, "district")
    assert share(p, "鈴木 一郎").count == share(p, "山本 和子").count == 20
    by_id = load(ws).by_id()
    owners_per_genre = {g: {p.owner_of()[r] for r in p.owner_of() if by_id[r].get("genre") == g} for g in GENRES[:4]}
    assert all(len(o) == 1 for o in owners_per_genre.values()), owners_per_genre
    assert share(p, "佐藤 花子").count == 0 and share(p, "高橋 美穂").count == 0
    assert any(n.code == "unbalanced" for n in p.notes)  # two people have nothing: reported, not hidden


def test_district_split_cuts_a_genre_only_when_it_must(tmp_path):
    coords = [Coordinator("鈴木 一郎", S.TIER_2, ("中央地区",)), Coordinator("山本 和子", S.TIER_2, ("中央地区",))]
    recs = [local(i, "中央地区", "配食・弁当") for i in range(30)] + [local(100 + i, "中央地区", "移動販売") for i in range(4)]
    ws = make_workspace(tmp_path, recs, coordinators=coords)
    p = plan(ws, "district")
    counts = sorted(s.count for s in p.shares)
    assert counts[1] <= BALANCE_LIMIT * counts[0]
    by_id = load(ws).by_id()
    mobile = {p.owner_of()[r.id] for r in by_id.values() if r.get("genre") == "移動販売"}
    assert len(mobile) == 1  # the small genre stays in one hand


def test_vacant_district_is_reported_and_goes_to_the_least_loaded(tmp_path):
    coords = [Coordinator("佐藤 花子", S.TIER_1), Coordinator("鈴木 一郎", S.TIER_2, ("中央地区",)),
              Coordinator("高橋 美穂", S.TIER_2, ("北地区",)), Coordinator("田中 健", S.TIER_2, ("南地区",))]
    recs = ([local(i, "中央地区", "配食・弁当") for i in range(12)] + [local(20 + i, "北地区", "移動販売") for i in range(12)]
            + [local(40 + i, "南地区", "訪問理美容") for i in range(12)]
            + [local(60 + i, "東地区", GENRES[i % 3]) for i in range(9)]
            + [record(name=f"全域{i}", genre="見守り・安否確認", area=S.CITY_WIDE) for i in range(3)])
    ws = make_workspace(tmp_path, recs, coordinators=coords)
    p = plan(ws, "district")
    notes = [n for n in p.notes if n.code == "vacant-district"]
    assert len(notes) == 1 and "東地区" in notes[0].message and len(notes[0].record_ids) == 9
    east_owners = Counter(p.owner_of()[rid] for rid in notes[0].record_ids)
    assert east_owners == {"佐藤 花子": 9}  # 3 city-wide records: clearly the least loaded
    assert "佐藤 花子" in notes[0].message


def test_records_without_district_are_placed_by_address_or_reported(tmp_path):
    recs = [local(1, "北地区", "移動販売", district=""),  # 北山 in the address → 北地区
            local(2, "中央地区", "移動販売", district="", address="みどり野市のどこか")]
    ws = make_workspace(tmp_path, recs)
    p = plan(ws, "district")
    owner = p.owner_of()
    assert owner["S00001"] == "高橋 美穂"
    assert any(n.code == "no-district" and n.record_ids == ["S00002"] for n in p.notes)


# --- genre mode ----------------------------------------------------------------------------------
def test_genre_mode_listed_genres_stay_with_their_coordinator_and_the_rest_is_balanced(tmp_path):
    coords = [Coordinator("佐藤 花子", S.TIER_1, (), ("配食・弁当",)), Coordinator("鈴木 一郎", S.TIER_2),
              Coordinator("高橋 美穂", S.TIER_2), Coordinator("田中 健", S.TIER_2)]
    ws = make_workspace(tmp_path, mixed_records(120), coordinators=coords)
    p = plan(ws, "genre")
    by_id = load(ws).by_id()
    for rid, who in p.owner_of().items():
        if by_id[rid].get("genre") == "配食・弁当":
            assert who == "佐藤 花子"
    assert p.balanced, p.to_rows()
    loads = [s.count for s in p.shares]
    assert max(loads) <= BALANCE_LIMIT * min(loads)
    # whole genres where possible: most genres have one owner
    owners = Counter(len({p.owner_of()[r.id] for r in by_id.values() if r.get("genre") == g}) for g in GENRES)
    assert owners[1] >= 3


def test_genre_mode_splits_a_genre_too_large_for_one_share_by_district(tmp_path):
    coords = [Coordinator(f"担当 {c}", S.TIER_2) for c in "ABC"]
    recs = ([local(i, ("中央地区", "北地区", "南地区")[i % 3], "配食・弁当") for i in range(60)]
            + [local(100 + i, "東地区", "移動販売") for i in range(6)])
    ws = make_workspace(tmp_path, recs, coordinators=coords)
    p = plan(ws, "genre")
    assert p.balanced, p.to_rows()
    by_id = load(ws).by_id()
    meals = {p.owner_of()[r.id] for r in by_id.values() if r.get("genre") == "配食・弁当"}
    assert len(meals) == 3
    # the cut follows districts: each (genre, district) mostly in one hand
    per_district = Counter((r.get("district"), p.owner_of()[r.id]) for r in by_id.values() if r.get("genre") == "配食・弁当")
    assert len(per_district) <= 5


def test_balance_with_many_coordinators(tmp_path):
    coords = [Coordinator(f"担当 {i:02d}", S.TIER_2) for i in range(7)]
    ws = make_workspace(tmp_path, mixed_records(150), coordinators=coords)
    p = plan(ws, "genre")
    loads = [s.count for s in p.shares]
    assert sum(loads) == 150 and max(loads) <= BALANCE_LIMIT * min(loads), loads
    assert len(set(p.owner_of())) == 150  # every record exactly once


# --- continuity and determinism ---------------------------------------------------------------
def test_continuity_keeps_last_years_owner(tmp_path):
    ws = make_workspace(tmp_path, mixed_records(90))
    first = plan(ws, "genre", year="2026")
    record_plan(ws, first)
    cat = load(ws)
    year, prev = previous_owners(cat.assignments, "2027")
    assert year == "2026" and prev == first.owner_of()
    # rename the order of coordinators: without continuity the plan would change
    cat.coordinators = list(reversed(cat.coordinators))
    cat.settings_changed = True
    save_catalogue(cat)
    second = plan(ws, "genre", year="2027")
    assert second.owner_of() == first.owner_of()
    assert second.kept == 90 and second.previous_year == "2026"


def test_continuity_applies_only_within_the_same_method(tmp_path):
    """A by-district year followed by a by-genre year: the genre split is made afresh, and the plan says why."""
    ws = make_workspace(tmp_path, mixed_records(90))
    by_district = plan(ws, "district", year="2026")
    record_plan(ws, by_district)
    genre = plan(ws, "genre", year="2027")
    afresh = plan_assignments(load(ws), method="genre", year="2027", as_of=AS_OF, created="2027-04-01 09:00:00",
                              fresh=True)
    assert genre.previous_year == "" and genre.kept == 0
    assert "地区別で分けたため" in genre.continuity and "同じ分け方のときだけ" in genre.continuity
    assert genre.owner_of() == afresh.owner_of()  # exactly as if there were no history
    assert genre.to_dict()["continuity"] == genre.continuity
    # the same method the next year keeps last year's shares
    again = plan(ws, "district", year="2027")
    assert again.previous_year == "2026" and again.kept == 90 and "引き継ぎました" in again.continuity


def test_fresh_ignores_last_years_shares(tmp_path):
    ws = make_workspace(tmp_path, mixed_records(90))
    first = plan(ws, "genre", year="2026")
    record_plan(ws, first)
    cat = load(ws)
    cat.coordinators = list(reversed(cat.coordinators))  # without continuity the plan changes
    cat.settings_changed = True
    save_catalogue(cat)
    kept = plan(ws, "genre", year="2027")
    fresh = plan(ws, "genre", year="2027", fresh=True)
    assert kept.owner_of() == first.owner_of()
    assert fresh.kept == 0 and fresh.previous_year == "" and "--fresh" in fresh.continuity
    assert fresh.owner_of() != first.owner_of()


def test_assign_cli_says_the_continuity_rule_and_takes_japanese_by(tmp_path, cli):
    ws = make_workspace(tmp_path, mixed_records(30))
    record_plan(ws, plan(ws, "district", year="2026"))
    result = cli("assign", "--by", "ジャンル", "--year", "2027", "--as-of", "2027-04-01", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "ジャンル別" in result.stdout and "引き継いでいません" in result.stdout
    result = cli("assign", "--by", "地区", "--year", "2027", "--as-of", "2027-04-01", "--dry-run", "--fresh")
    assert result.exit_code == 0, result.stderr
    assert "--fresh" in result.stdout
    # written: 担当一覧.xlsx says it too
    result = cli("assign", "--by", "genre", "--year", "2027", "--as-of", "2027-04-01")
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(tmp_path / "exports" / "更新作業" / "2027" / "担当一覧.xlsx", read_only=True)
    said = [r[1] for r in wb["お知らせ"].iter_rows(values_only=True) if r[0] == "continuity"]
    wb.close()
    assert said and "地区別で分けたため" in said[0]


def test_continuity_gives_way_when_loads_would_differ_by_more_than_20_percent(tmp_path):
    coords = [Coordinator("甲", S.TIER_2), Coordinator("乙", S.TIER_2)]
    recs = [local(i, "中央地区", GENRES[i % 2]) for i in range(40)]
    ws = make_workspace(tmp_path, recs, coordinators=coords)
    first = plan(ws, "genre", year="2026")
    record_plan(ws, first)
    owner_of_meals = {first.owner_of()[f"S{i + 1:05d}"] for i in range(0, 40, 2)}
    assert len(owner_of_meals) == 1
    # 30 new records of the genre someone already owns: keeping everything would be 50 : 20
    cat = load(ws)
    for i in range(30):
        cat.add_record(local(200 + i, "北地区", "配食・弁当"), command="test", by="テスト")
    save_catalogue(cat)
    second = plan(ws, "genre", year="2027")
    loads = [s.count for s in second.shares]
    assert max(loads) <= BALANCE_LIMIT * min(loads), loads
    kept = sum(1 for rid, who in first.owner_of().items() if second.owner_of()[rid] == who)
    assert kept >= 35  # most of last year's records stay; mostly new ones moved
    assert second.kept == kept


def test_same_input_same_plan_whatever_the_row_order(tmp_path):
    ws = make_workspace(tmp_path, mixed_records(80))
    a = plan(ws, "genre").to_dict()
    b = plan(ws, "genre").to_dict()
    assert a == b
    cat = load(ws)
    cat.records.reverse()
    c = plan_assignments(cat, method="genre", year="2027", as_of=AS_OF, created="2027-04-01 09:00:00").to_dict()
    assert c["shares"] == a["shares"]
    d1 = plan(ws, "district").to_dict()
    d2 = plan_assignments(cat, method="district", year="2027", as_of=AS_OF, created="2027-04-01 09:00:00").to_dict()
    assert d1["shares"] == d2["shares"]


def test_only_due_takes_stale_due_soon_and_never_confirmed(tmp_path):
    recs = [local(1, "中央地区", "移動販売", last_confirmed="2026-09-01"),  # fresh on 2027-04-01 (due 2027-09-01)
            local(2, "中央地区", "移動販売", last_confirmed="2026-05-01"),  # due within 60 days
            local(3, "中央地区", "移動販売", last_confirmed="2025-01-01"),  # stale
            local(4, "中央地区", "移動販売", last_confirmed=""),  # never
            local(5, "中央地区", "移動販売", last_confirmed="2020-01-01", status=S.STATUS_CLOSED)]  # 廃止: never
    ws = make_workspace(tmp_path, recs)
    p = plan(ws, "district", only_due=True)
    assert sorted(p.owner_of()) == ["S00002", "S00003", "S00004"]
    assert p.skipped_fresh == 1 and p.considered == 4
    assert sorted(plan(ws, "district").owner_of()) == ["S00001", "S00002", "S00003", "S00004"]


def test_fiscal_year():
    assert fiscal_year(dt.date(2027, 3, 31)) == "2026"
    assert fiscal_year(dt.date(2027, 4, 1)) == "2027"


# --- the command and its workbooks ------------------------------------------------------------
def test_assign_command_writes_books_summary_and_records_the_plan(tmp_path, cli):
    ws = make_workspace(tmp_path, mixed_records(40))
    result = cli("assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01")
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "exports" / "更新作業" / "2027"
    names = sorted(p.name for p in folder.glob("*.xlsx"))
    assert names == sorted(["担当一覧.xlsx", "佐藤 花子.xlsx", "鈴木 一郎.xlsx", "高橋 美穂.xlsx", "田中 健.xlsx"])
    cat = load(ws)
    assert len(cat.assignments) == 40 and {a.year for a in cat.assignments} == {"2027"}
    assert {a.method for a in cat.assignments} == {"地区別"}

    summary = openpyxl.load_workbook(folder / "担当一覧.xlsx")
    rows = list(summary["担当者別"].iter_rows(min_row=3, values_only=True))
    counts = {r[0]: r[4] for r in rows if r[0] and r[0] != "合計"}
    assert sum(counts.values()) == 40 and set(counts) == {"佐藤 花子", "鈴木 一郎", "高橋 美穂", "田中 健"}
    assert len(list(summary["資源別"].iter_rows(min_row=2))) == 40


def test_update_book_layout_protection_and_hidden_metadata(tmp_path, cli):
    make_workspace(tmp_path, mixed_records(30))
    assert cli("assign", "--by", "district", "--year", "2027").exit_code == 0
    path = tmp_path / "exports" / "更新作業" / "2027" / "鈴木 一郎.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [SHEET_HELP, SHEET_MAIN, SHEET_PRINT, SHEET_META, SHEET_META_RECORDS]
    assert wb[SHEET_META].sheet_state == "veryHidden" and wb[SHEET_META_RECORDS].sheet_state == "veryHidden"
    ws = wb[SHEET_MAIN]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.freeze_panes == "D3"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.print_title_rows == "$1:$2"
    # header: field names over いまの値 / 新しい値
    c_phone = column_number("phone", "current")
    assert ws.cell(1, c_phone).value == "電話番号" and ws.cell(2, c_phone).value == "いまの値"
    assert ws.cell(2, c_phone + 1).value == "新しい値"
    # the first row after the header is a group heading, then records with locked current values
    assert ws.cell(3, 1).value.startswith("■ 中央地区")
    assert ws.cell(4, 1).value.startswith("S")
    assert ws.cell(4, c_phone).protection.locked
    # editable columns are unlocked as whole columns (Excel applies a column's style to its empty cells)
    from openpyxl.utils import get_column_letter
    assert not ws.column_dimensions[get_column_letter(c_phone + 1)].protection.locked
    assert not ws.column_dimensions[get_column_letter(column_number("", "result"))].protection.locked
    assert ws.column_dimensions[get_column_letter(c_phone)].protection.locked
    rules = {str(dv.sqref).split(":")[0][:1]: dv for dv in ws.data_validations.dataValidation}
    kinds = sorted(dv.type for dv in ws.data_validations.dataValidation)
    assert kinds.count("list") >= 4 and "date" in kinds  # 確認結果, 確認方法, 区分, 有償・無償, 状態 / 確認日
    result_rule = next(dv for dv in ws.data_validations.dataValidation if "変更なし" in (dv.formula1 or ""))
    assert "連絡つかず" in result_rule.formula1
    assert rules
    # metadata: year, coordinator, and per record a fingerprint and the values it was made from
    book = read_update_book(path)
    assert book.meta.year == "2027" and book.meta.coordinator == "鈴木 一郎"
    assert set(book.issued) == {r.record_id for r in book.rows}
    some = next(iter(book.issued.values()))
    assert some.values["phone"] == "0479-62-1111" and len(some.fingerprint) == 20
    help_text = "\n".join(str(c.value) for c in wb[SHEET_HELP]["A"] if c.value)
    assert "変更なし" in help_text and "新しい値" in help_text and "鈴木 一郎" in help_text
    meta = {r[0]: r[1] for r in wb[SHEET_META].iter_rows(values_only=True)}
    assert json.loads(meta["columns"])[0] == ["id", "id"]


def test_rerunning_assign_keeps_the_earlier_books(tmp_path, cli):
    make_workspace(tmp_path, mixed_records(20))
    assert cli("assign", "--by", "district", "--year", "2027").exit_code == 0
    again = cli("assign", "--by", "district", "--year", "2027")
    assert again.exit_code == 0
    old = list((tmp_path / "exports" / "更新作業" / "2027" / "以前の版").rglob("*.xlsx"))
    assert len(old) == 5
    assert "移しました" in again.stderr


def test_dry_run_writes_nothing(tmp_path, cli):
    ws = make_workspace(tmp_path, mixed_records(20))
    before = ws.catalogue.read_bytes()
    result = cli("assign", "--by", "genre", "--year", "2027", "--dry-run", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and data["total"] == 20
    assert ws.catalogue.read_bytes() == before
    assert not (tmp_path / "exports" / "更新作業").exists()


def test_json_output_equals_the_library_plan(tmp_path, cli):
    ws = make_workspace(tmp_path, mixed_records(25))
    result = cli("assign", "--by", "genre", "--year", "2027", "--as-of", "2027-04-01", "--dry-run", "--format", "json")
    data = json.loads(result.stdout)
    expected = plan(ws, "genre")
    assert data["shares"] == expected.to_dict()["shares"]


@pytest.mark.parametrize("args, text", [
    (("--by", "district", "--year", "27"), "西暦4桁"),
    (("--by", "area"), "area"),
])
def test_bad_options_are_usage_errors(tmp_path, cli, args, text):
    make_workspace(tmp_path, mixed_records(3))
    result = cli("assign", *args)
    assert result.exit_code == 2 and text in result.stderr


def test_no_active_coordinator_is_a_clear_error(tmp_path, cli):
    make_workspace(tmp_path, mixed_records(3), coordinators=[Coordinator("佐藤 花子", S.TIER_1, active=False)])
    result = cli("assign", "--by", "district")
    assert result.exit_code == 2
    assert "在籍中のコーディネーターがいません" in result.stderr and "Traceback" not in result.stderr


def test_districts_from_a_custom_list(tmp_path):
    districts = [District("第1圏域", S.TIER_2, ("山田",)), District("第2圏域", S.TIER_2, ("川口",))]
    coords = [Coordinator("一", S.TIER_2, ("第1圏域",)), Coordinator("二", S.TIER_2, ("第2圏域",))]
    recs = [local(i, "第1圏域" if i % 2 else "第2圏域", "移動販売") for i in range(10)]
    ws = make_workspace(tmp_path, recs, districts=districts, coordinators=coords)
    p = plan(ws, "district")
    assert share(p, "一").count == 5 and share(p, "二").count == 5 and p.balanced


def test_names_that_make_the_same_file_name_get_separate_books(tmp_path):
    from shigen.assign_run import book_targets

    coords = [Coordinator("山田/花子", S.TIER_2, ("中央地区",)), Coordinator("山田_花子", S.TIER_2, ("北地区",))]
    ws = make_workspace(tmp_path, [local(1, "中央地区", "移動販売"), local(2, "北地区", "移動販売")], coordinators=coords)
    targets = book_targets(plan(ws, "district"), tmp_path)
    assert sorted(p.name for p in targets.values()) == ["山田_花子(2).xlsx", "山田_花子.xlsx"]


def test_genre_mode_books_are_grouped_by_genre(tmp_path, cli):
    space = make_workspace(tmp_path, mixed_records(30), coordinators=[Coordinator("佐藤 花子", S.TIER_1)])
    assert cli("assign", "--by", "genre", "--year", "2027").exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "exports" / "更新作業" / "2027" / "佐藤 花子.xlsx")[SHEET_MAIN]
    headings = [str(ws.cell(r, 1).value) for r in range(3, ws.max_row + 1)
                if str(ws.cell(r, 1).value or "").startswith("■")]
    in_sheet_order = [g for g in load(space).genre_names() if g in GENRES]  # the ジャンル sheet's order
    assert [h.split("(")[0] for h in headings] == [f"■ {g}" for g in in_sheet_order]
    assert len(headings) == len(GENRES)
    # within a heading, every record has that genre
    c_genre = column_number("genre", "current")
    current = None
    for r in range(3, ws.max_row + 1):
        first = str(ws.cell(r, 1).value or "")
        if first.startswith("■"):
            current = first[2:].split("(")[0]
        elif first:
            assert ws.cell(r, c_genre).value == current


# --- the due-day rule (model.freshness, shared by audit, assign --only-due, export, coverage, find) ---------------
def test_the_due_day_itself_is_not_yet_stale():
    from shigen.model import Freshness, Record, freshness

    confirmed = Record({"last_confirmed": "2026-04-01"})  # 12-month cycle → due 2027-04-01
    assert freshness(confirmed, dt.date(2027, 3, 31), 12) is Freshness.DUE_SOON
    assert freshness(confirmed, dt.date(2027, 4, 1), 12) is Freshness.DUE_SOON  # the due day: still valid
    assert freshness(confirmed, dt.date(2027, 4, 2), 12) is Freshness.STALE  # the day after: stale
    assert freshness(confirmed, dt.date(2027, 1, 31), 12) is Freshness.DUE_SOON  # 60 days before
    assert freshness(confirmed, dt.date(2027, 1, 30), 12) is Freshness.FRESH
    month_end = Record({"last_confirmed": "2026-08-31"})  # 6 months → 2027-02-28 (no 30 February)
    assert freshness(month_end, dt.date(2027, 2, 28), 6) is Freshness.DUE_SOON
    assert freshness(month_end, dt.date(2027, 3, 1), 6) is Freshness.STALE
