"""Readings: 五十音順 by ふりがな, else a SudachiPy suggestion; `shigen kana` stores suggestions, never overwrites."""

from __future__ import annotations

import json

import openpyxl
import pytest
from builders import load, make_workspace, record

from shigen import schema as S
from shigen.find import find
from shigen.model import Record, ordered
from shigen.reading import SUGGESTED_KEY, reading, suggest_for_name


@pytest.mark.parametrize("name, expected", [
    ("移動販売車", "いどうはんばいしゃ"),
    ("買い物支援", "かいものしえん"),
    ("弁当", "べんとう"),
    ("株式会社まるみ商店", "まるみしょうてん"),  # legal forms are no part of the reading
    ("大久保シルバー体操", "おおくぼしるばーたいそう"),  # kana kept as written, long vowel included
])
def test_suggested_readings(name, expected):
    assert suggest_for_name(name) == expected


def test_gojuon_order_uses_the_reading_when_furigana_is_empty():
    records = [Record({"id": "S1", "name": "さくら会", "kana": "さくらかい", "genre": "g"}),
               Record({"id": "S2", "name": "北山サロン", "genre": "g"}),  # きたやま: between あ and さ
               Record({"id": "S3", "name": "あおば会", "kana": "あおばかい", "genre": "g"}),
               Record({"id": "S4", "name": "和田の会", "genre": "g", SUGGESTED_KEY: "わだのかい"})]
    assert [r.id for r in ordered(records, ["g"])] == ["S3", "S2", "S1", "S4"]
    # a reading a person wrote wins over the suggestion
    assert reading(Record({"name": "北山", "kana": "ほくざん", SUGGESTED_KEY: "きたやま"})) == "ほくざん"


def _records():
    return [
        record(name="駅前弁当", kana="", genre="配食・弁当"),
        record(name="買い物代行てとて", kana="", genre="家事援助・生活支援", content="食料品の代行"),
        record(name="まごころ配食", kana="まごころはいしょく", genre="配食・弁当"),
        record(name="北山サロン", kana="", genre="サロン・交流の場", phone="0479-62-3333"),
    ]


def test_find_in_kana_finds_kanji_names(tmp_path):
    cat = load(make_workspace(tmp_path, _records()))
    assert "買い物代行てとて" in [h.record.name for h in find(cat, ["かいもの"]).hits]
    assert "駅前弁当" in [h.record.name for h in find(cat, ["べんとう"]).hits]
    assert "北山サロン" in [h.record.name for h in find(cat, ["きたやま"]).hits]
    assert "駅前弁当" not in [h.record.name for h in find(cat, ["きたやま"]).hits]


def test_kana_command_suggests_accepts_and_never_overwrites(cli, tmp_path):
    ws = make_workspace(tmp_path, _records())
    r = cli("kana", "--format", "json")
    assert r.exit_code == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    suggested = {d["name"]: d["reading"] for d in data["suggested"]}
    assert suggested["駅前弁当"] == "えきまえべんとう" and "まごころ配食" not in suggested
    cat = load(ws)
    by_name = {rec.name: rec for rec in cat.records}
    assert by_name["北山サロン"].get(SUGGESTED_KEY) == "きたやまさろん" and by_name["北山サロン"].get("kana") == ""
    assert by_name["まごころ配食"].get("kana") == "まごころはいしょく" and not by_name["まごころ配食"].get(SUGGESTED_KEY)
    wb = openpyxl.load_workbook(ws.catalogue)
    history = [[c.value for c in row] for row in wb[S.SHEET_HISTORY].iter_rows(min_row=2)]
    assert any(h[4] == S.header(SUGGESTED_KEY) and h[6] == "えきまえべんとう" for h in history)  # logged

    # the coordinator corrects one suggestion in Excel, then accepts
    sheet = wb[S.SHEET_RESOURCES]
    header = [c.value for c in sheet[1]]
    col_name, col_sugg = header.index("名称") + 1, header.index(S.header(SUGGESTED_KEY)) + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, col_name).value == "北山サロン":
            sheet.cell(row, col_sugg).value = "ほくざんさろん"
    wb.save(ws.catalogue)
    r = cli("kana", "--accept")
    assert r.exit_code == 0, r.stdout + r.stderr
    by_name = {rec.name: rec for rec in load(ws).records}
    assert by_name["北山サロン"].get("kana") == "ほくざんさろん" and not by_name["北山サロン"].get(SUGGESTED_KEY)
    assert by_name["まごころ配食"].get("kana") == "まごころはいしょく"
    again = json.loads(cli("kana", "--format", "json").stdout)
    assert not again["suggested"] and again["with_kana"] == 4  # nothing left to suggest


def test_public_exports_never_show_the_suggestion_column(cli, tmp_path):
    make_workspace(tmp_path, _records())
    assert cli("kana").exit_code == 0
    r = cli("export", "--format", "csv", "--as-of", "2027-04-01", "--output", str(tmp_path / "o.csv"))
    assert r.exit_code == 0
    text = (tmp_path / "o.csv").read_text(encoding="utf-8-sig")
    assert S.header(SUGGESTED_KEY) not in text and "えきまえべんとう" not in text
