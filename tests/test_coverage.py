"""`shigen coverage`: district × genre counts with city-wide, area coverage, stale entries and gaps."""

from __future__ import annotations

import json

import openpyxl
import pytest
from builders import DISTRICTS, load, make_workspace, record

from shigen import schema as S
from shigen.coverage import GAP_NONE, GAP_STALE_ONLY, coverage
from shigen.model import District

AS_OF = "2027-04-01"
FRESH = "2026-10-01"  # within the 12-month cycle on AS_OF
OLD = "2025-01-15"  # past the cycle


def _catalogue_records() -> list[dict[str, str]]:
    return [
        # city-wide meal delivery: counts in every district
        record(name="みどり配食サービス", genre="配食・弁当", district="中央地区", area="市内全域", last_confirmed=FRESH),
        # located in 北, covering 南 by a town name (汐見): usable in 北 and 南
        record(name="北山お弁当の会", kana="きたやまおべんとうのかい", genre="配食・弁当", district="北地区",
               area="北地区、汐見", address="みどり野市北山2-1", last_confirmed=FRESH, category="インフォーマル"),
        # mobile shop in 東 only, stale: 東 is "stale only" for 移動販売
        record(name="とくし丸 東台便", kana="とくしまるひがしだいびん", genre="移動販売", district="東地区", area="東台、緑町",
               last_confirmed=OLD),
        # never confirmed counts as stale too
        record(name="朝日ヶ丘ふれあいサロン", kana="あさひがおかふれあいさろん", genre="サロン・交流の場", district="東地区",
               area="朝日ヶ丘", last_confirmed="", category="インフォーマル"),
        # closed and paused records are not counted anywhere
        record(name="閉店した移動スーパー", genre="移動販売", district="北地区", area="北地区", status=S.STATUS_CLOSED),
        record(name="休止中の送迎", genre="移送・外出支援", district="中央地区", area="市内全域", status=S.STATUS_PAUSED),
        # 南 has a fresh mobile shop: the nearest for 北's 移動販売 gap when 南 is declared its neighbour
        record(name="南浜移動販売", kana="みなみはまいどうはんばい", genre="移動販売", district="南地区", area="南浜、港町",
               last_confirmed=FRESH),
        record(name="中央ショッピング便", kana="ちゅうおうしょっぴんぐびん", genre="移動販売", district="中央地区",
               area="本町、栄町", last_confirmed=FRESH),
    ]


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path, _catalogue_records())


def test_city_wide_and_area_coverage_are_counted(ws):
    res = coverage(load(ws), as_of=__import__("datetime").date.fromisoformat(AS_OF))
    meal = "配食・弁当"
    assert res.cell("中央地区", meal).fresh == 1  # city-wide only
    assert res.cell("北地区", meal).fresh == 2  # city-wide + located there
    assert res.cell("南地区", meal).fresh == 2  # city-wide + covered via the town 汐見
    assert res.cell("東地区", meal).fresh == 1
    # the genre total counts each resource once, not once per district
    assert res.genre_totals[meal].fresh == 2
    assert res.district_totals["北地区"].fresh == 2


def test_stale_counted_apart_and_inactive_excluded(ws):
    import datetime as dt

    res = coverage(load(ws), as_of=dt.date.fromisoformat(AS_OF))
    mobile = res.cell("東地区", "移動販売")
    assert (mobile.fresh, mobile.stale, mobile.state) == (0, 1, "stale_only")
    salon = res.cell("東地区", "サロン・交流の場")
    assert (salon.fresh, salon.stale) == (0, 1)  # 未確認 counts as stale
    # 廃止 in 北 and 休止 city-wide transport are nowhere
    assert res.cell("北地区", "移動販売").total == 0
    assert all(res.cell(d, "移送・外出支援").total == 0 for d in res.districts)
    assert res.excluded_inactive == 2
    gaps = {(g.district, g.genre): g.kind for g in res.gaps}
    assert gaps[("東地区", "移動販売")] == GAP_STALE_ONLY
    assert gaps[("北地区", "移動販売")] == GAP_NONE
    assert ("北地区", "配食・弁当") not in gaps
    # with an as-of date before the cycle ran out, the old entry is fresh and the 東 cell is covered
    early = coverage(load(ws), as_of=dt.date(2025, 6, 1))
    assert early.cell("東地区", "移動販売").fresh == 1


def test_gap_lists_nearest_resources_from_declared_neighbours(tmp_path):
    import datetime as dt

    districts = [District(d.name, d.tier, d.towns) for d in DISTRICTS]
    districts[1] = District("北地区", S.TIER_2, DISTRICTS[1].towns, neighbours=("南地区",))
    ws = make_workspace(tmp_path, _catalogue_records(), districts=districts)
    cat = load(ws)
    assert cat.district("北地区").neighbours == ("南地区",)  # read back from the 隣接地区 column
    res = coverage(cat, as_of=dt.date.fromisoformat(AS_OF))
    assert res.neighbours_source == "隣接地区"
    assert res.neighbours["南地区"][0] == "北地区"  # declared on 北's row only, still symmetric
    gap = next(g for g in res.gaps if (g.district, g.genre) == ("北地区", "移動販売"))
    assert [n.name for n in gap.nearby][0] == "南浜移動販売"
    assert gap.nearby[0].district == "南地区"
    # stale candidates come after up-to-date ones
    assert [n.stale for n in gap.nearby] == sorted(n.stale for n in gap.nearby)


def test_shared_resources_order_neighbours_without_the_column(ws):
    import datetime as dt

    res = coverage(load(ws), as_of=dt.date.fromisoformat(AS_OF))
    assert res.neighbours_source == "共通の資源"
    assert res.neighbours["北地区"][0] == "南地区"  # 北山お弁当の会 covers both


def test_category_and_genre_filters_and_share(ws):
    import datetime as dt

    day = dt.date.fromisoformat(AS_OF)
    res = coverage(load(ws), as_of=day)
    # 北: 2 fresh meal services, one of them インフォーマル → 50 % 保険外
    assert res.share("北地区") == pytest.approx(0.5)
    only = coverage(load(ws), as_of=day, category="保険外サービス")
    assert only.cell("北地区", "配食・弁当").fresh == 1
    g = coverage(load(ws), as_of=day, genres=["弁当"])  # a synonym
    assert g.genres == ["配食・弁当"]


def test_unknown_genre_is_a_usage_error(ws, cli):
    result = cli("coverage", "--genre", "宇宙旅行")
    assert result.exit_code == 2
    assert "宇宙旅行" in result.stderr and "配食・弁当" in result.stderr


def test_cli_table_and_json(ws, cli):
    result = cli("coverage", "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "配食・弁当" in result.stdout and "北地区" in result.stdout
    data = json.loads(cli("coverage", "--as-of", AS_OF, "--format", "json").stdout)
    cell = next(c for c in data["cells"] if c["district"] == "東地区" and c["genre"] == "移動販売")
    assert cell == {"district": "東地区", "genre": "移動販売", "fresh": 0, "stale": 1, "state": "stale_only"}


def test_xlsx_heat_map_gap_sheet_and_print_setup(ws, cli, tmp_path):
    out = tmp_path / "out" / "カバー状況.xlsx"
    result = cli("coverage", "--as-of", AS_OF, "--format", "xlsx", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    wb = openpyxl.load_workbook(out)
    ws_ = wb["地区別の資源数"]
    header_row = next(r for r in range(1, 10) if ws_.cell(row=r, column=1).value == "ジャンル")
    headers = [c.value for c in ws_[header_row]]
    assert headers[1:5] == ["中央地区", "北地区", "南地区", "東地区"]
    rows: dict[object, int] = {}
    for r in range(header_row + 1, header_row + 30):  # the first block (the stale block below repeats the genres)
        rows.setdefault(ws_.cell(row=r, column=1).value, r)
    meal = rows["配食・弁当"]
    assert [ws_.cell(row=meal, column=c).value for c in range(2, 7)] == [1, 2, 2, 1, 2]
    mobile = rows["移動販売"]
    gap_cell = ws_.cell(row=mobile, column=3)  # 北: nothing
    stale_cell = ws_.cell(row=mobile, column=5)  # 東: stale only
    assert "なし" in str(gap_cell.value) and gap_cell.fill.fgColor.rgb.endswith("F8CBAD")
    assert "古" in str(stale_cell.value) and stale_cell.fill.fgColor.rgb.endswith("FFE699")
    rules = [r for cf in ws_.conditional_formatting for r in cf.rules]
    assert any(r.type == "colorScale" for r in rules)
    assert ws_.page_setup.orientation == "landscape" and int(ws_.page_setup.paperSize) == 9  # A4
    gaps = wb["不足の一覧"]
    gap_rows = [[c.value for c in row] for row in gaps.iter_rows(min_row=2)]
    north = [r for r in gap_rows if r[0] == "北地区" and r[1] == "移動販売"]
    assert north and {r[3] for r in north} >= {"南浜移動販売"}
    assert gaps.page_setup.orientation == "landscape"


@pytest.mark.parametrize(("district", "area"), [
    ("中央地区", "市内全域"), ("北地区", "北地区、汐見"), ("東地区", "東台、緑町"), ("", "南浜・港町"), ("南地区", ""),
    ("", "北と東の一部"), ("西地区", "本町"), ("", "朝日ヶ丘周辺"), ("中央地区", "全域(離島を除く)"), ("", ""),
])
def test_area_index_agrees_with_covered_districts(district, area):
    from shigen.model import AreaIndex, Record, covered_districts

    rec = Record({"district": district, "area": area})
    assert AreaIndex(DISTRICTS).covered(rec) == covered_districts(rec, DISTRICTS)


def test_a_tier1_row_for_the_whole_city_is_not_a_column(tmp_path):
    import datetime as dt

    districts = [District("市全域", S.TIER_1, ()), *DISTRICTS]
    ws = make_workspace(tmp_path, _catalogue_records(), districts=districts)
    res = coverage(load(ws), as_of=dt.date.fromisoformat(AS_OF))
    assert res.districts == [d.name for d in DISTRICTS]
    assert res.cell("北地区", "配食・弁当").fresh == 2


def _gap_names(path) -> set[str]:
    wb = openpyxl.load_workbook(path)
    return {str(row[3].value) for row in wb["不足の一覧"].iter_rows(min_row=2)}


def test_gap_sheet_names_publishable_resources_only_unless_staff(tmp_path, cli):
    records = [
        *_catalogue_records(),
        # 北 has no 移動販売; these are in 南 (nearest) but may not be named to the 協議体
        record(name="拒否の移動販売", genre="移動販売", district="南地区", area="南浜", last_confirmed=FRESH, consent="拒否",
               phone="0479-80-9999"),
        record(name="関係者のみの移動販売", genre="移動販売", district="南地区", area="港町", last_confirmed=FRESH,
               visibility=S.VISIBILITY_STAFF),
        record(name="未同意の移動販売", genre="移動販売", district="南地区", area="汐見", last_confirmed=FRESH, consent="未"),
    ]
    make_workspace(tmp_path, records)
    public, staff = tmp_path / "public.xlsx", tmp_path / "staff.xlsx"
    assert cli("coverage", "--as-of", AS_OF, "--format", "xlsx", "--output", str(public)).exit_code == 0
    r = cli("coverage", "--as-of", AS_OF, "--format", "xlsx", "--audience", "staff", "--output", str(staff))
    assert r.exit_code == 0, r.stderr
    hidden = {"拒否の移動販売", "関係者のみの移動販売", "未同意の移動販売"}
    assert not hidden & _gap_names(public) and "南浜移動販売" in _gap_names(public)
    assert hidden & _gap_names(staff)
    wb = openpyxl.load_workbook(public)
    texts = [str(c.value) for s in wb for row in s.iter_rows() for c in row if c.value is not None]
    assert "0479-80-9999" not in "\n".join(texts)
    assert "協議体" in "\n".join(texts)  # the workbook says it may be handed on
    assert "関係者用" in openpyxl.load_workbook(staff)["不足の一覧"].oddHeader.left.text


def test_no_name_becomes_a_formula_and_dates_are_date_cells(tmp_path, cli):
    import datetime as dt

    evil_genre = '=DDE("cmd";"/C calc";"A1")'
    districts = [*DISTRICTS, District("+北地区2", S.TIER_2, ("奥山",))]
    records = [*_catalogue_records(), record(name="@奥山の会", genre=evil_genre, district="+北地区2", area="奥山",
                                             last_confirmed=FRESH)]
    make_workspace(tmp_path, records, districts=districts)
    out = tmp_path / "c.xlsx"
    for audience in ("public", "staff"):
        assert cli("coverage", "--as-of", AS_OF, "--format", "xlsx", "--audience", audience,
                   "--output", str(out)).exit_code == 0
        wb = openpyxl.load_workbook(out)
        cells = [c for s in wb for row in s.iter_rows() for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert any(c.value == evil_genre for c in cells) and any(c.value == "+北地区2" for c in cells)
        gaps = wb["不足の一覧"]
        col = [c.value for c in gaps[1]].index("最終確認日") + 1
        dates = [gaps.cell(row=r, column=col) for r in range(2, gaps.max_row + 1)
                 if gaps.cell(row=r, column=col).value]
        assert dates and all(isinstance(c.value, dt.datetime) and c.number_format == "yyyy/mm/dd" for c in dates)


def test_gap_sheet_page_header_leaves_room_above_the_table(ws, cli, tmp_path):
    out = tmp_path / "c.xlsx"
    assert cli("coverage", "--as-of", AS_OF, "--format", "xlsx", "--output", str(out)).exit_code == 0
    for sheet in openpyxl.load_workbook(out):
        assert sheet.oddHeader.left.text
        assert sheet.page_margins.top >= sheet.page_margins.header + 0.5  # the header line ends above row 1
