"""`shigen find`: normalised search, filters (district, genre, day, free), ranking and the client handout."""

from __future__ import annotations

import json

import openpyxl
import pytest
from builders import load, make_workspace, record

from shigen import schema as S
from shigen.find import HOLIDAY, find, parse_day_option, parse_days

SECRET_MEMO = "家族関係に注意・内部メモ"
SECRET_PERSON = "山本 太郎"


def _records() -> list[dict[str, str]]:
    return [
        # katakana name and content; searched with hiragana / half-width
        record(name="ハッピー弁当", kana="はっぴーべんとう", genre="配食・弁当", district="北地区", area="北地区",
               content="手作りのお弁当をお届けします", fee="1食 550円", paid="有償", days="月～金", closed_days="土日祝"),
        # city-wide, exact-name target
        record(name="まごころ配食", kana="まごころはいしょく", genre="配食・弁当", district="中央地区", area="市内全域",
               content="治療食にも対応", fee="1食 650円", days="毎日", closed_days=""),
        # free volunteer help, Saturday only on 2nd/4th weeks, text in full width
        record(name="ささえあい ＳＯＳ 北山", kana="ささえあいえすおーえすきたやま", genre="ボランティア", district="北地区",
               area="北山、上野", content="ゴミ出し・電球交換などの ちょっとした お手伝い", fee="無料", paid="無償",
               days="第2・第4土曜", closed_days="", category="インフォーマル"),
        # free by fee text only (有償・無償 blank)
        record(name="汐見いきいきサロン", kana="しおみいきいきさろん", genre="サロン・交流の場", district="南地区",
               area="汐見", content="お茶とおしゃべり、脳トレ", fee="参加費無料", paid="", days="毎週水曜",
               closed_days="", category="インフォーマル", notes="送迎あり(要予約)"),
        # closing days only: open on every other day
        record(name="みなと理容 訪問カット", kana="みなとりようほうもんかっと", genre="訪問理美容", district="南地区",
               area="南地区", content="ご自宅で散髪します", fee="3,000円", days="", closed_days="日曜定休"),
        # days unreadable
        record(name="東台よろず相談", kana="ひがしだいよろずそうだん", genre="相談窓口", district="東地区", area="東地区",
               content="なんでも相談", fee="無料", paid="無償", days="要相談", closed_days="不定休"),
        # staff-only record: searchable by staff, never in the handout
        record(name="北山 配食ボランティア", kana="きたやまはいしょくぼらんてぃあ", genre="配食・弁当", district="北地区",
               area="北地区", content="配食の手伝い", visibility=S.VISIBILITY_STAFF, memo=SECRET_MEMO,
               contact_person=SECRET_PERSON),
        # closed: never found
        record(name="廃業した弁当屋", genre="配食・弁当", district="北地区", area="北地区", status=S.STATUS_CLOSED),
    ]


@pytest.fixture
def cat(tmp_path):
    return load(make_workspace(tmp_path, _records()))


def names(result) -> list[str]:
    return [h.record.name for h in result.hits]


@pytest.mark.parametrize("query", ["はっぴー", "ハッピー", "ﾊｯﾋﾟｰ", "はっぴー 弁当", "ハッピー弁当", "ﾊｯﾋﾟｰﾍﾞﾝﾄｳ"])
def test_kana_width_and_spacing_are_folded(cat, query):
    assert "ハッピー弁当" in names(find(cat, [query]))


def test_full_width_and_spaces_in_the_record(cat):
    assert names(find(cat, ["sos"])) == ["ささえあい ＳＯＳ 北山"]
    assert names(find(cat, ["ささえあいSOS北山"])) == ["ささえあい ＳＯＳ 北山"]
    assert names(find(cat, ["ちょっとしたお手伝い"])) == ["ささえあい ＳＯＳ 北山"]  # content, spaces ignored


def test_searches_notes_target_and_fee_but_not_internal_fields(cat):
    assert names(find(cat, ["送迎"])) == ["汐見いきいきサロン"]  # 備考
    assert names(find(cat, ["550円"])) == ["ハッピー弁当"]  # 料金
    assert find(cat, ["家族関係"]).hits == []  # 内部メモ is not searched
    assert "廃業した弁当屋" not in names(find(cat, ["弁当"]))  # 廃止 never found


def test_several_terms_must_all_match(cat):
    assert names(find(cat, ["弁当", "手作り"])) == ["ハッピー弁当"]


def test_district_filter_includes_city_wide_and_covering(cat):
    north = names(find(cat, [], district="北地区"))
    assert "まごころ配食" in north  # 市内全域
    assert "ハッピー弁当" in north and "ささえあい ＳＯＳ 北山" in north
    assert "汐見いきいきサロン" not in north
    south = names(find(cat, [], district="南"))  # short name
    assert set(south) == {"まごころ配食", "汐見いきいきサロン", "みなと理容 訪問カット"}


def test_genre_filter_accepts_synonyms(cat):
    assert set(names(find(cat, [], genre="配食"))) == {"ハッピー弁当", "まごころ配食", "北山 配食ボランティア"}


def test_unknown_district_or_day_is_a_usage_error(tmp_path, cli):
    make_workspace(tmp_path / "w", _records())
    r = cli("--workspace", str(tmp_path / "w"), "find", "--district", "西地区")
    assert r.exit_code == 2 and "西地区" in r.stderr and "北地区" in r.stderr
    r = cli("--workspace", str(tmp_path / "w"), "find", "--day", "祭")
    assert r.exit_code == 2


@pytest.mark.parametrize(("days", "closed", "expected"), [
    ("月～金", "", {0, 1, 2, 3, 4}),
    ("平日", "", {0, 1, 2, 3, 4}),
    ("土日祝", "", {5, 6, HOLIDAY}),
    ("毎週水曜", "", {2}),
    ("第2・第4火曜", "", {1}),
    ("月・水・金 9:00～17:00", "", {0, 2, 4}),
    ("火曜日と木曜日", "", {1, 3}),
    ("月～土（日曜定休）", "", {0, 1, 2, 3, 4, 5}),
    ("月～金（祝日除く）", "", {0, 1, 2, 3, 4}),
    ("金～月", "", {4, 5, 6, 0}),
    ("", "日曜定休", {0, 1, 2, 3, 4, 5}),
    ("", "日・祝", {0, 1, 2, 3, 4, 5}),
    ("月～土", "日曜・祝日", {0, 1, 2, 3, 4, 5}),
    ("毎日", "", {0, 1, 2, 3, 4, 5, 6, HOLIDAY}),
    ("", "年中無休", {0, 1, 2, 3, 4, 5, 6, HOLIDAY}),
    ("土日祝を除く", "", {0, 1, 2, 3, 4}),
])
def test_day_parsing(days, closed, expected):
    assert parse_days(days, closed).days == frozenset(expected)


@pytest.mark.parametrize(("days", "closed"), [("", ""), ("要相談", "不定休"), ("毎月15日", "")])
def test_unreadable_days_are_unknown(days, closed):
    assert parse_days(days, closed).days is None


def test_day_option_parsing():
    assert parse_day_option(["土"]) == [5]
    assert parse_day_option(["土曜日"]) == [5]
    assert parse_day_option(["土日"]) == [5, 6]
    assert parse_day_option(["祝"]) == [HOLIDAY]


def test_day_filter(cat):
    sat = find(cat, [], day=["土"])
    # 北山 配食ボランティア has the builder's 月～土
    assert set(names(sat)) == {"まごころ配食", "ささえあい ＳＯＳ 北山", "みなと理容 訪問カット", "北山 配食ボランティア"}
    assert sat.unknown_day >= 1  # 東台よろず相談 (要相談 / 不定休) is left out and counted
    assert "ハッピー弁当" not in names(sat)  # 月～金, 土日祝 closed
    assert names(find(cat, [], day=["水"], district="南地区", genre="サロン")) == ["汐見いきいきサロン"]
    assert "みなと理容 訪問カット" not in names(find(cat, [], day=["日"]))


def test_free_filter(cat):
    free = set(names(find(cat, [], free=True)))
    assert free == {"ささえあい ＳＯＳ 北山", "汐見いきいきサロン", "東台よろず相談"}


def test_ranking_exact_name_then_genre(cat):
    res = find(cat, ["まごころ配食"])
    assert names(res)[0] == "まごころ配食" and res.hits[0].exact_name
    res = find(cat, ["配食"])
    # genre matches (配食・弁当) come first; ハッピー弁当 is found through its genre although its name lacks 配食
    assert "ハッピー弁当" in names(res)
    assert all(h.genre_match for h in res.hits)
    res = find(cat, ["北山"])
    # name containing the word beats a match in the area/content only
    assert names(res)[0] in ("ささえあい ＳＯＳ 北山", "北山 配食ボランティア")


def test_cli_json_equals_library(tmp_path, cli):
    ws = make_workspace(tmp_path / "w", _records())
    r = cli("--workspace", str(ws.root), "find", "弁当", "--district", "北地区", "--format", "json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert [h["name"] for h in data["hits"]] == names(find(load(ws), ["弁当"], district="北地区"))
    table = cli("--workspace", str(ws.root), "find", "弁当", "--district", "北地区")
    assert "0479-62-1111" in table.stdout  # phone numbers are shown


def test_export_handout_holds_no_internal_field(tmp_path, cli):
    ws = make_workspace(tmp_path / "w", _records())
    out = tmp_path / "案内 北地区.xlsx"
    r = cli("--workspace", str(ws.root), "find", "--district", "北地区", "--export", str(out))
    assert r.exit_code == 0, r.stderr
    wb = openpyxl.load_workbook(out)
    cells = [str(c.value) for sheet in wb for row in sheet.iter_rows() for c in row if c.value is not None]
    text = "\n".join(cells)
    for key in S.INTERNAL_KEYS:
        assert S.header(key) not in cells
    for secret in (SECRET_MEMO, SECRET_PERSON, "鈴木 一郎", S.VISIBILITY_STAFF, "北山 配食ボランティア"):
        assert secret not in text  # staff-only record and internal values never reach the handout
    assert "ハッピー弁当" in text and "まごころ配食" in text and "0479-62-1111" in text
    ws_ = wb.active
    assert ws_.page_setup.orientation == "portrait" and ws_.page_setup.paperSize == 9  # A4
    assert ws_.page_setup.fitToWidth == 1 and ws_.page_setup.fitToHeight == 0  # as many pages as needed
    assert "配布できない 1 件" in r.stdout


def test_handout_is_large_type_dated_and_fits_a4_portrait_at_full_size(tmp_path, cli):
    from shigen.find import HANDOUT_PAGE_UNITS

    ws = make_workspace(tmp_path / "w", _records())
    out = tmp_path / "案内.xlsx"
    r = cli("--workspace", str(ws.root), "find", "--export", str(out), "--as-of", "2027-04-01")
    assert r.exit_code == 0, r.stderr
    sheet = openpyxl.load_workbook(out).active
    values = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(c.value == "令和9年4月現在" for c in values)
    header = next(c.row for c in values if c.value == "電話番号")
    assert sheet.print_title_rows == f"${header}:${header}"  # the header repeats on every page
    for c in values:
        assert c.font.size >= 12, (c.coordinate, c.value, c.font.size)
    phones = [c for c in values if c.row > header and c.column == 2]
    assert phones and all(c.font.b and c.font.size >= 14 for c in phones)
    widths = sum(sheet.column_dimensions[x].width for x in "ABCD")
    assert widths <= HANDOUT_PAGE_UNITS  # printed at 100 %: nothing shrunk, nothing cut at the right edge
    assert sheet.page_setup.scale == 100
    m = sheet.page_margins  # the footer (page x / y, 「○年○月現在」) has room for a line of 12 pt: not clipped on paper
    assert (m.bottom - m.footer) * 72 >= 12 * 1.5 and (m.top - m.header) * 72 >= 12 * 1.5
    for c in values:  # every wrapped body cell has room for its lines (rows do not grow on paper by themselves)
        if c.row > header and c.value:
            lines = str(c.value).count("\n") + 1
            assert sheet.row_dimensions[c.row].height >= lines * c.font.size * 1.3, c.coordinate


def test_handout_and_export_pick_the_same_records_from_one_function(tmp_path, cli):
    from shigen.export.select import select
    from shigen.find import write_handout

    records = [*_records(), record(name="古い配食", kana="ふるいはいしょく", genre="配食・弁当", district="北地区", area="北地区",
                                   last_confirmed="2024-01-10"),
               record(name="連絡先が仮の配食", kana="れんらくさきがかりのはいしょく", genre="配食・弁当", district="北地区",
                      area="北地区", phone="要確認", fee="要確認")]
    cat = load(make_workspace(tmp_path / "w", records))
    import datetime as dt

    as_of = dt.date(2027, 4, 1)
    result = find(cat, [], as_of=as_of)
    assert {"古い配食", "連絡先が仮の配食", "北山 配食ボランティア"} <= set(names(result))  # find shows them to staff
    out = write_handout(result, tmp_path / "h.xlsx", limit=100)
    sheet = openpyxl.load_workbook(out.path).active
    printed = {c.value for c in sheet["A"] if c.value}
    expected = {r.name for r in select(cat, as_of=as_of).records}
    assert {n for n in names(result) if n in printed} == expected
    assert out.left_out_private == len(result.hits) - len(expected) == 3
