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
