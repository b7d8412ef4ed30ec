"""The committed sample workspace (workbooks/) of the fictional みどり野市 is complete and loadable."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from shigen import schema as S
from shigen.master import load_settings_workbook
from shigen.model import district_for_address

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks"
SOURCES = SAMPLE / "引き継ぎ資料"
FILE_A = SOURCES / "社会資源ファイル_R5.xlsx"
FILE_B = SOURCES / "北地区_支えあいリスト.xlsx"
FILE_C = SOURCES / "生活支援サービス_Web出力.csv"


@pytest.fixture(scope="module")
def settings():
    return load_settings_workbook(SAMPLE / "設定.xlsx")


def test_settings_districts(settings):
    names = [d.name for d in settings.districts]
    assert names == ["中央地区", "北地区", "南地区", "東地区", "西地区"]
    assert all(d.tier == S.TIER_2 for d in settings.districts)
    towns = [t for d in settings.districts for t in d.towns]
    assert all(4 <= len(d.towns) <= 7 for d in settings.districts)
    assert len(towns) == len(set(towns)), "町名が地区をまたいで重複しています"
    assert not [(a, b) for a in towns for b in towns if a != b and a in b], "ほかの町名を含む町名があります"


def test_settings_coordinators_cover_every_district(settings):
    active = [c for c in settings.coordinators if c.active]
    assert len(active) >= 5
    assert [c for c in active if c.tier == S.TIER_1 and not c.districts]
    covered = {d for c in active if c.tier == S.TIER_2 for d in c.districts}
    assert covered == {d.name for d in settings.districts}
    retired = [c for c in settings.coordinators if not c.active]
    assert all(c.name not in {a.name for a in active} for c in retired)


def test_settings_values(settings):
    v = settings.settings.values
    assert v[S.SETTING_MUNICIPALITY] == "みどり野市"
    assert v[S.SETTING_CYCLE] == "12"
    assert v[S.SETTING_AREA_CODE] == "0479"
    assert "0479-" in v[S.SETTING_CONTACT]


def test_source_files_exist_and_csv_is_cp932():
    for path in (FILE_A, FILE_B, FILE_C):
        assert path.is_file(), path
    raw = FILE_C.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = list(csv.reader(raw.decode("cp932").splitlines()))
    assert rows[0][:3] == ["市区町村コード", "ID", "名称"]
    assert len(rows) - 1 >= 30
    assert len({r[1] for r in rows[1:]}) == len(rows) - 1  # the web system's IDs are unique


def test_genre_sheets_and_hidden_sheet():
    wb = load_workbook(FILE_A, read_only=False)
    try:
        states = {ws.title: ws.sheet_state for ws in wb.worksheets}
        assert states["作業用"] == "hidden"
        assert "目次" in states
        ws = wb["配食・弁当"]
        assert ws["A2"].value == "令和5年4月1日現在"
        assert ws["D4"].value == "連絡先" and ws["D5"].value == "電話" and ws["E5"].value == "FAX"
    finally:
        wb.close()


def test_addresses_resolve_to_one_district(settings):
    """Every address of the CSV names exactly one town, so 地区 can be derived from it."""
    rows = list(csv.DictReader(FILE_C.read_bytes().decode("cp932").splitlines()))
    towns = [t for d in settings.districts for t in d.towns]
    for row in rows:
        address = row["所在地_連結表記"]
        assert sum(t in address for t in towns) == 1, address
        assert district_for_address(address, settings.districts)
