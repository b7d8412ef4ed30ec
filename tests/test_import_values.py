"""Small rules of `shigen import`: labelled parts, phone splitting, dates, layout corner cases."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from builders import DISTRICTS, load, make_workspace

from shigen import schema as S
from shigen.create import default_genres
from shigen.importer import read_paths
from shigen.importer.columns import COMBINED_PHONE_FAX, FOREIGN_ID, ROW_NUMBER, match_header
from shigen.importer.reading import decode_bytes
from shigen.importer.values import Cell, Context, fast_phone, normalise, split_labelled
from shigen.text import normalize_phone


def _ctx(area_code: str = "") -> Context:
    return Context(default_genres(), list(DISTRICTS), area_code)


def _norm(*cells: tuple[str, str, object], area_code: str = "") -> dict[str, str]:
    return normalise([Cell(h, t, v) for h, t, v in cells], _ctx(area_code)).values


@pytest.mark.parametrize(("header", "target"), [
    ("事業所名", "name"), ("団体名", "name"), ("店舗・事業者名", "name"), ("名 称", "name"), ("TEL", "phone"),
    ("ＴＥＬ", "phone"), ("電話\n番号", "phone"), ("電話番号（日中）", "phone"), ("電話・FAX", COMBINED_PHONE_FAX),
    ("FAX番号", "fax"), ("携帯", "mobile"), ("利用できるエリア", "area"), ("対応地域", "area"), ("休み", "closed_days"),
    ("確認日", "last_confirmed"), ("更新日", "last_confirmed"), ("最終確認日", "last_confirmed"), ("名称_カナ", "kana"),
    ("所在地_連結表記", "address"), ("利用可能曜日", "days"), ("〒", "postal_code"), ("事業所番号", FOREIGN_ID),
    ("No.", ROW_NUMBER), ("支払\n方法", "payment"), ("料金(税込)", "fee"), ("ID", "id"),
])
def test_header_synonyms(header, target):
    from shigen.importer.columns import header_text

    assert match_header(header_text(header)) == target


def test_labelled_parts_move_to_their_fields():
    own, parts = split_labelled("お弁当の配達\n料金:800円\n定休日:日曜", "content")
    assert own == "お弁当の配達" and parts == [("fee", "800円"), ("closed_days", "日曜")]
    own, parts = split_labelled("【料金】\n1食600円\n2食1,100円\n【休み】土日", "content")
    assert own == "" and parts == [("fee", "1食600円\n2食1,100円"), ("closed_days", "土日")]
    own, parts = split_labelled("サービス内容:送迎", "content")  # its own label is only removed
    assert own == "送迎" and parts == []
    own, parts = split_labelled("所要時間:30分", "content")  # 時間 inside a word is not a label
    assert own == "所要時間:30分" and parts == []


def test_labelled_parts_inside_a_cell_fill_empty_fields_and_append_to_filled_ones():
    values = _norm(("名称", "name", "みどり配食"), ("内容", "content", "お弁当\n料金：600円\n休み：日曜"),
                   ("料金", "fee", "配達無料"))
    assert values["content"] == "お弁当" and values["closed_days"] == "日曜"
    assert values["fee"] == "配達無料\n600円"


@pytest.mark.parametrize(("cells", "expected"), [
    ([("電話", "phone", "0479-62-1111／090-1234-5678")], {"phone": "0479-62-1111", "mobile": "090-1234-5678"}),
    ([("電話", "phone", "090-1234-5678")], {"phone": "090-1234-5678"}),
    ([("電話", "phone", "TEL0479-62-1111 FAX0479-62-2222")], {"phone": "0479-62-1111", "fax": "0479-62-2222"}),
    ([("電話・FAX", COMBINED_PHONE_FAX, "0479-62-1111・0479-62-2222")], {"phone": "0479-62-1111", "fax": "0479-62-2222"}),
    ([("電話", "phone", "(0479)62-1111"), ("FAX", "fax", "同じ")], {"phone": "0479-62-1111", "fax": "0479-62-1111"}),
    ([("電話", "phone", "0120-123-456"), ("FAX", "fax", "なし")], {"phone": "0120-123-456"}),
    ([("電話", "phone", 479621111)], {"phone": "0479-62-1111"}),  # a number cell lost its leading zero
    ([("連絡先", "phone", "0479-62-1111(代表)")], {"phone": "0479-62-1111"}),
    ([("電話", "phone", "０９０‐１２３４‐５６７８")], {"phone": "090-1234-5678"}),
])
def test_phone_columns(cells, expected):
    values = _norm(("名称", "name", "x"), *cells)
    assert {k: values.get(k, "") for k in ("phone", "mobile", "fax") if values.get(k)} == expected


def test_number_without_area_code_uses_the_setting_only_when_set():
    assert _norm(("電話", "phone", "62-1111"), area_code="0479")["phone"] == "0479-62-1111"
    assert _norm(("電話", "phone", "62-1111"))["phone"] == "62-1111"


@pytest.mark.parametrize(("raw", "iso"), [
    (dt.date(2023, 4, 1), "2023-04-01"), (dt.datetime(2023, 4, 1), "2023-04-01"), ("2023/4/1", "2023-04-01"),
    ("令和5年4月1日", "2023-04-01"), ("R5.4.1", "2023-04-01"), ("H31.4.1", "2019-04-01"), ("令和元年5月1日", "2019-05-01"),
    (45017.0, "2023-04-01"), ("令和５年４月１日現在", "2023-04-01"),
])
def test_dates(raw, iso):
    assert _norm(("確認日", "last_confirmed", raw))["last_confirmed"] == iso


def test_names_keep_their_characters_but_width_is_folded():
    assert _norm(("名称", "name", "㈱髙橋　ﾍﾞﾝﾄｰ"))["name"] == "㈱髙橋 ベントー"
    assert _norm(("名称", "name", "ＡＢＣ配食ー１号店"))["name"] == "ABC配食ー1号店"  # dashes in names are not folded


def test_other_values():
    values = _norm(("住所", "address", "〒289-0001 みどり野市本町1－2－3"), ("有料", "paid", "有料"),
                   ("状態", "status", "休止中"), ("時間", "hours", "９：００〜１７：００"), ("URL", "url", "www.example.jp"))
    assert values["postal_code"] == "289-0001" and values["address"] == "みどり野市本町1-2-3"
    assert values["district"] == "中央地区"
    assert values["paid"] == "有償" and values["status"] == S.STATUS_PAUSED
    assert values["hours"] == "9:00～17:00" and values["url"] == "https://www.example.jp"


def test_fast_phone_agrees_with_the_library():
    numbers = [f"0479-6{i % 7}-{i:04d}" for i in range(0, 3000, 7)] + [
        "03-1234-5678", "03-1234-5679", "090-1234-5678", "0120-123-456", "050-1234-5678", "047-962-1111",
        "0479-62-111", "04-7962-1111"]
    for n in numbers:
        assert fast_phone(n) == normalize_phone(n), n


def test_csv_encodings():
    text = "名称,電話\n㈱髙橋,0479\n"
    assert decode_bytes(("\ufeff" + text).encode("utf-8"))[0] == text
    assert decode_bytes(text.encode("utf-8"))[0] == text
    assert decode_bytes(text.encode("cp932")) == (text, "Shift_JIS (cp932)")
    assert decode_bytes(text.encode("utf-16"))[0] == text


# --- layout corner cases ------------------------------------------------------------------------
def _xlsx(path, rows, merges=(), title="一覧"):  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def test_row_without_name_continues_the_record_above(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])
    path = _xlsx(tmp_path / "a.xlsx", [
        ["名称", "電話", "備考"],
        ["みどり配食", "0479-62-1111", "昼のみ"],
        [None, "090-1111-2222", None],
        [None, None, "土曜は休み"],
    ])
    result = read_paths([path], load(ws))
    assert len(result.records) == 1
    rec = result.records[0]
    assert rec.get("phone") == "0479-62-1111" and rec.get("mobile") == "090-1111-2222"
    assert rec.get("notes") == "昼のみ\n土曜は休み"
    assert len(result.sheets[0].warnings) == 2


def test_genre_alone_on_its_own_row_heads_the_rows_below(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])
    path = _xlsx(tmp_path / "a.xlsx", [
        ["ジャンル", "名称", "電話"],
        ["配食", None, None],
        [None, "みどり配食", "0479-62-1111"],
        ["移動販売", None, None],
        [None, "とくし丸", "0479-62-2222"],
    ])
    result = read_paths([path], load(ws))
    assert [(r.name, r.get("genre")) for r in result.records] == [("みどり配食", "配食・弁当"), ("とくし丸", "移動販売")]
    assert [why for _, why, _ in result.sheets[0].skipped] == ["区分の見出し行", "区分の見出し行"]


def test_column_without_header_is_kept_for_staff(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])
    path = _xlsx(tmp_path / "a.xlsx", [["名称", "電話", None], ["みどり配食", "0479-62-1111", "駐車場あり"]])
    result = read_paths([path], load(ws))
    assert result.records[0].get("notes") == ""  # never the public 備考
    assert result.records[0].extra == {"(見出しなし C列)": "駐車場あり"}
    assert result.sheets[0].unmapped == ["(見出しなし C列)"]


def test_group_cell_merged_down_over_several_records(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])
    path = _xlsx(tmp_path / "a.xlsx", [
        ["種別", "名称", "電話"],
        ["サロン", "ひまわりサロン", "0479-62-1111"],
        [None, "あさがおサロン", "0479-62-2222"],
        ["配食", "みどり配食", "0479-62-3333"],
    ], merges=["A2:A3"])
    result = read_paths([path], load(ws))
    assert [r.get("genre") for r in result.records] == ["サロン・交流の場", "サロン・交流の場", "配食・弁当"]


def test_table_starting_lower_and_right(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])
    rows = [[None] * 4 for _ in range(12)]
    rows[0][0] = "令和6年度 社会資源一覧"
    rows[10] = [None, "事業者名", "TEL", "対象地域"]
    rows.append([None, "みどり配食", "0479-62-1111", "市内全域"])
    path = _xlsx(tmp_path / "a.xlsx", rows)
    result = read_paths([path], load(ws))
    assert [r.get("source") for r in result.records] == ["a.xlsx:一覧:13"]
    assert result.sheets[0].header_rows == [11]


def test_address_and_phone_in_one_column():
    values = _norm(("住所・電話番号", "address", "みどり野市栄町2-2\nTEL 0479-62-1111 FAX 0479-62-1112"))
    assert values["address"] == "みどり野市栄町2-2"
    assert values["phone"] == "0479-62-1111" and values["fax"] == "0479-62-1112"


def test_open_data_address_parts_and_hours():
    from shigen.importer.columns import ADDRESS_PART, ADDRESS_PREFIX, HOURS_END

    values = _norm(("都道府県名", ADDRESS_PREFIX, "千葉県"), ("市区町村名", ADDRESS_PREFIX, "みどり野市"),
                   ("住所", "address", "北山1-1"), ("方書", ADDRESS_PART, "北山ビル3階"),
                   ("開始時間", "hours", dt.time(9, 0)), ("終了時間", HOURS_END, dt.time(17, 30)))
    assert values["address"] == "千葉県みどり野市北山1-1 北山ビル3階"
    assert values["hours"] == "9:00～17:30"
    assert values["district"] == "北地区"
    full = _norm(("都道府県名", ADDRESS_PREFIX, "千葉県"), ("住所", "address", "千葉県みどり野市北山1-1"))
    assert full["address"] == "千葉県みどり野市北山1-1"


def test_two_row_header_without_merged_cells_in_a_csv(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])
    path = tmp_path / "二段.csv"
    path.write_text("名称,住所,連絡先,\n,,電話,FAX\nみどり配食,みどり野市本町1-1,0479-62-1111,0479-62-1112\n",
                    encoding="utf-8")
    result = read_paths([path], load(ws))
    assert result.sheets[0].header_rows == [1, 2]
    rec = result.records[0]
    assert (rec.get("source"), rec.get("phone"), rec.get("fax")) == ("二段.csv:3", "0479-62-1111", "0479-62-1112")


# --- labelled parts: the anchored search finds what the pattern finds over the whole text (issue 18) ---------------
from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from shigen.importer import values as V  # noqa: E402

_PIECES = st.sampled_from(["料金", "利用料金", "定休日", "TEL", "電話", "E-mail", "利用できるエリア", "：", ":", "【", "】",
                           " ", "\u3000", "\n", "\t", "、", "。", "/", "■", "・", "円", "a", "時間", "間", "営業時間",
                           "対象", "対象者", "者", "HP", "●", "〇", "／", ",", "料", "金", "休日", "定休"])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
@example("■ 利用できるエリア ：市内全域\n料金：500円")
@example("営業：9時 利用料金 ： 800円、定休日:日曜")
@example("【料金】無料\n【 定休日 】\n日曜")
@example("a:b ・  電話番号：0479-62-1111")
@example("● \u3000営業時間 :9時、 対象者：● 対象 ：高齢者")
@example("料金料金: 定休日定休日：月 ■■料金:")
@example("・ 休日:土 /HP:x 時間 時間:")
def test_label_matches_equal_finditer(text: str) -> None:
    def sig(ms):  # type: ignore[no-untyped-def]
        return [(m.span(), m.groupdict()) for m in ms]

    assert sig(V._label_matches(text)) == sig(V._LABEL_RE.finditer(text))


# --- phones: the plain-number fast path gives what the general steps give (issue 18) -------------------------------
_PHONE_VALUES = st.sampled_from([
    "0479-62-1111", "0479-62-1112", "0463-22-2782", "090-1234-5678", "03-1234-5678", "0120-123-456", "0479-62-111",
    "0000-00-0000", "04-7962-1111", "0479-621-111", "0479－62－1111", "０４７９－６２－１１１１", "0479ー62ー1111", "TEL 0479-62-1111(代表)",
    "0479621111", "09012345678", "62-1111", "0479 62 1111", " 0479-62-1111", "0479-62-1111 ", "0479(62)1111",
    "+81 479-62-1111", "なし", "同上", "電話と同じ", "", "-", "―", "0479-62-1111(平日のみ)", "FAX 0479-62-1113",
    479621111, 479621111.0, None])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["phone", "mobile", "fax", COMBINED_PHONE_FAX]),
                       st.lists(_PHONE_VALUES, min_size=1, max_size=3), max_size=4),
       st.lists(st.tuples(st.sampled_from(["phone", "fax", "mobile"]), _PHONE_VALUES.filter(lambda v: isinstance(v, str))),
                max_size=2),
       st.sampled_from(["", "0479"]))
@example({"phone": ["0479-62-1111"], "fax": ["0479－62－1112"]}, [], "")
@example({"phone": ["090-1234-5678", "0479-62-1111"], "mobile": ["090-1234-5678"]}, [], "")
@example({"phone": ["0479-62-1111", "0479-62-1112", "0479-62-1113"]}, [], "0479")
@example({"phone": ["0479-62-111"]}, [], "")
@example({"phone": ["04-7962-1111"], "fax": ["0479-621-112"]}, [], "")
def test_plain_phone_fast_path_equals_the_general_steps(columns, labelled, area_code):
    cells = {key: [V.Cell(f"{key}{i}", key, v) for i, v in enumerate(vals)] for key, vals in columns.items()}
    labelled_cells = [(key, value, "備考") for key, value in labelled]
    ctx = Context([], [], area_code)

    def run() -> tuple[object, ...]:
        out = V.Normalised({})
        notes: list[str] = []
        V._assign_phones([(key, c.value, c.header) for key in V.TEXT_PHONE_KEYS for c in cells.get(key, [])],
                         labelled_cells, ctx, out, notes)
        return out.values, out.explicit, out.warnings, out.changed, notes

    fast = run()
    plain_cells = V._plain_phone_cells
    V._plain_phone_cells = lambda cells: None  # the general steps only
    try:
        general = run()
    finally:
        V._plain_phone_cells = plain_cells
    assert fast == general


_PREFIXES = st.sampled_from(["0479", "03", "090", "080", "070", "0120", "050", "0463", "04796", "0000", "011", "06",
                             "0570", "0800", "0990", "099", "0123", "01456"])


@settings(max_examples=500, deadline=None)
@given(_PREFIXES, st.text(alphabet="0123456789", min_size=4, max_size=9), st.sampled_from(["", "-", "mixed"]))
@example("0479", "621111", "-")
@example("090", "12345678", "")
@example("0479", "62111", "-")
def test_plain_phone_form_equals_normalize_phone(prefix, rest, dashes):
    """text.plain_phone_form is normalize_phone for a plain number (the same number, mobile flag; None exactly
    when normalize_phone says invalid or needs more than the grouping), on first sight and remembered."""
    from shigen import text as T

    digits = prefix + rest
    value = digits if dashes == "" else (
        f"{digits[:len(prefix)]}-{digits[len(prefix):-4]}-{digits[-4:]}" if dashes == "-" else
        f"{digits[:3]}-{digits[3:-4]}-{digits[-4:]}")
    for _ in range(2):  # the first call fills the remembered grouping; the second reads it
        form = T.plain_phone_form(value)
        phone = normalize_phone(value)
        if form is None:
            assert not (phone.valid and T._PLAIN_PHONE.fullmatch(value) and len(digits) >= 10)
        else:
            assert phone.valid and not phone.note and not phone.area_code_added
            assert form == (phone.number, phone.mobile)
