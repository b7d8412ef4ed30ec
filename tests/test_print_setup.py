"""Print set-up of workbooks people print: the update workbook's 確認シート fits the answers on readable pages."""

from __future__ import annotations

import openpyxl
from builders import make_workspace, record


def test_update_workbook_check_sheet_prints_the_answer_columns_one_page_wide(cli, tmp_path):
    make_workspace(tmp_path, [record(name=f"資源{i}", district="北地区", area="北地区") for i in range(5)])
    r = cli("assign", "--by", "district", "--year", "2027")
    assert r.exit_code == 0, r.stdout + r.stderr
    book = tmp_path / "exports" / "更新作業" / "2027" / "高橋 美穂.xlsx"
    sheet = openpyxl.load_workbook(book)["確認シート"]
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$1:$2"
    area = str(sheet.print_area)
    headers = [c.value for c in sheet[1]]
    last = headers.index("最終確認日") + 1
    from openpyxl.utils import get_column_letter

    assert area.endswith(f"${get_column_letter(last)}${sheet.max_row}"), area  # ID … 最終確認日, every row


def test_summary_and_progress_stamp_the_as_of_date_and_hold_date_cells(cli, tmp_path):
    import datetime as dt

    make_workspace(tmp_path, [record(name=f"資源{i}", district="北地区", area="北地区") for i in range(3)])
    assert cli("assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01").exit_code == 0
    folder = tmp_path / "exports" / "更新作業" / "2027"
    summary = openpyxl.load_workbook(folder / "担当一覧.xlsx")
    assert "令和9年4月1日時点" in summary["担当者別"]["A1"].value
    records = summary["資源別"]
    col = [c.value for c in records[1]].index("最終確認日") + 1
    days = [records.cell(row=r, column=col) for r in range(2, records.max_row + 1)]
    assert days and all(isinstance(c.value, dt.datetime) and c.number_format == "yyyy/mm/dd" for c in days)
    returned = tmp_path / "返却"
    returned.mkdir()
    import shutil

    shutil.copy(folder / "高橋 美穂.xlsx", returned / "高橋 美穂.xlsx")
    r = cli("collect", str(returned), "--as-of", "2027-06-30")
    assert r.exit_code in (0, 1), r.stdout + r.stderr
    progress = openpyxl.load_workbook(folder / "回収状況.xlsx")
    assert "令和9年6月30日 時点" in progress["進み具合"]["A1"].value


def test_district_and_genre_names_that_look_like_formulas_stay_text_in_the_master(tmp_path):
    from builders import DISTRICTS, load

    from shigen.master import save_catalogue
    from shigen.model import District, Genre

    ws = make_workspace(tmp_path, [record()], districts=[*DISTRICTS, District('=DDE("cmd";"/C calc";"A1")')])
    cat = load(ws)
    cat.genres.append(Genre("+配達", order=99))
    cat.settings_changed = True
    save_catalogue(cat)
    wb = openpyxl.load_workbook(ws.catalogue)
    cells = [c for name in ("地区", "ジャンル") for row in wb[name].iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert '=DDE("cmd";"/C calc";"A1")' in [d.name for d in load(ws).districts]
