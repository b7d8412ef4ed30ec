"""Dates in the audit report, the import report and the update workbook are date cells shown yyyy/mm/dd
(issue 13, item 9) — not ISO text; a value that is no date (要確認 …) stays the text it is."""

from __future__ import annotations

import datetime as dt

import openpyxl
from builders import load, make_workspace, record

from shigen import schema as S
from shigen.update_book import column_number
from shigen.update_book_read import read_update_book

AS_OF = dt.date(2027, 4, 1)
DATE_FORMAT = "yyyy/mm/dd"


def _is_date_cell(cell, day: dt.date) -> bool:  # type: ignore[no-untyped-def]
    return isinstance(cell.value, dt.datetime) and cell.value.date() == day and cell.number_format == DATE_FORMAT


def _no_iso_text(ws) -> None:  # type: ignore[no-untyped-def]
    """No cell of the sheet holds a bare ISO date as text (messages may quote dates in their words)."""
    import re

    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    for row in ws.iter_rows():
        for cell in row:
            assert not (isinstance(cell.value, str) and iso.match(cell.value)), (ws.title, cell.coordinate, cell.value)


def test_audit_report_dates_are_date_cells(tmp_path, cli):
    recs = [record(name="期限切れの店", last_confirmed="2025-01-10"), record(name="確認済みの店", last_confirmed="2027-02-01"),
            record(name="日付が仮の店", last_confirmed="要確認")]
    ws = make_workspace(tmp_path, recs)
    result = cli("audit", "--as-of", AS_OF.isoformat(), "--format", "xlsx")
    assert result.exit_code in (0, 1), result.stderr
    wb = openpyxl.load_workbook(tmp_path / "exports" / "点検結果_20270401.xlsx")
    summary = wb["概要"]
    (day_row,) = [r for r in summary.iter_rows() if r[0].value == "点検日"]
    assert _is_date_cell(day_row[1], AS_OF)
    assert "令和9年4月1日" in str(day_row[2].value)

    copy = wb[S.SHEET_RESOURCES]
    headers = [c.value for c in copy[1]]
    col = headers.index(S.header("last_confirmed")) + 1
    cat = load(ws)
    by_name = {r.name: r for r in cat.records}
    assert _is_date_cell(copy.cell(by_name["期限切れの店"].row, col), dt.date(2025, 1, 10))  # coloured, still a date
    assert copy.cell(by_name["期限切れの店"].row, col).fill.fill_type == "solid"
    assert _is_date_cell(copy.cell(by_name["確認済みの店"].row, col), dt.date(2027, 2, 1))
    assert copy.cell(by_name["日付が仮の店"].row, col).value == "要確認"  # no date: the text as it is
    for key in ("updated_at",):
        cell = copy.cell(by_name["確認済みの店"].row, headers.index(S.header(key)) + 1)
        assert cell.value is None or isinstance(cell.value, dt.datetime)

    findings = wb["指摘一覧"]
    head = [c.value for c in findings[1]]
    stale = [r for r in findings.iter_rows(min_row=2) if r[head.index("名称")].value == "期限切れの店"
             and r[head.index("項目")].value == S.header("last_confirmed")]
    assert stale and all(_is_date_cell(r[head.index("現在の値")], dt.date(2025, 1, 10)) for r in stale)
    for sheet in wb:
        _no_iso_text(sheet)


def test_import_report_as_of_is_a_date_cell(tmp_path, cli):
    make_workspace(tmp_path / "ws", [])
    src = tmp_path / "一覧.xlsx"
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["社会資源一覧 令和8年4月1日現在"])
    sheet.append(["名称", "電話番号", "住所"])
    sheet.append(["みどり配食", "0479-62-1111", "みどり野市本町1-2"])
    wb.save(src)
    result = cli("-w", tmp_path / "ws", "import", src, "--by", "テスト")
    assert result.exit_code == 0, result.stderr
    (report,) = (tmp_path / "ws" / "exports").glob("取込報告_*.xlsx")
    reading = openpyxl.load_workbook(report)["シートの読み方"]
    head = [c.value for c in reading[1]]
    cell = reading.cell(2, head.index("題名の基準日") + 1)
    assert _is_date_cell(cell, dt.date(2026, 4, 1))


def test_update_book_current_dates_are_date_cells_and_come_back_unchanged(tmp_path, cli):
    recs = [record(name=f"店{i}", kana=f"みせ{i}", last_confirmed=f"2025-0{i + 1}-15") for i in range(3)]
    recs.append(record(name="日付が仮の店", kana="ひづけ", last_confirmed="未定"))
    ws = make_workspace(tmp_path, recs)
    result = cli("assign", "--by", "district", "--year", "2027", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.stderr
    (book,) = [p for p in (tmp_path / "exports" / "更新作業" / "2027").glob("*.xlsx") if p.stem != "担当一覧"]
    wb = openpyxl.load_workbook(book)
    sheet = wb["確認シート"]
    col = column_number("last_confirmed", "current")
    cat = load(ws)
    rows = {str(sheet.cell(r, 1).value): r for r in range(3, sheet.max_row + 1)}
    for rec in cat.records:
        cell = sheet.cell(rows[rec.id], col)
        if rec.name == "日付が仮の店":
            assert cell.value == "未定"
        else:
            assert _is_date_cell(cell, dt.date.fromisoformat(rec.get("last_confirmed"))), rec.name
            assert cell.protection.locked is not False  # いまの値 stays locked
    printed = wb["印刷用"]
    head = [c.value for c in printed[1]]
    pcol = head.index(S.header("last_confirmed")) + 1
    dates = [printed.cell(r, pcol) for r in range(2, printed.max_row + 1)
             if isinstance(printed.cell(r, pcol).value, dt.datetime)]
    assert len(dates) == 3 and all(c.number_format == DATE_FORMAT for c in dates)
    _no_iso_text(sheet)

    # returned untouched: the date cells read back as the master's dates (what collect compares)
    returned = {row.record_id: row for row in read_update_book(book).rows}
    for rec in cat.records:
        assert returned[rec.id].current["last_confirmed"] == rec.get("last_confirmed"), rec.name
