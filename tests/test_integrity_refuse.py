"""Detect and refuse, never guess: missing ID column, one ID twice, Excel's row and cell limits; dates and tables;
the standard master always takes the fast save, and a fallback says why."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import openpyxl
import pytest
from builders import load, make_workspace, record
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.table import Table
from python_calamine import CalamineWorkbook

from shigen import cells, master, xlsx_patch
from shigen import schema as S
from shigen.errors import InputError
from shigen.master import save_catalogue


def history_rows(path):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(S.SHEET_HISTORY).to_python()[1:]


def test_a_deleted_id_column_is_refused_not_guessed(tmp_path):
    ws = make_workspace(tmp_path, [record(), record(name="二件目")])
    wb = openpyxl.load_workbook(ws.catalogue)
    wb[S.SHEET_RESOURCES].delete_cols(1)
    wb.save(ws.catalogue)
    with pytest.raises(InputError, match="見出し『ID』の列がありません"):
        load(ws)


def test_one_id_on_two_rows_is_refused_with_both_rows(tmp_path, cli):
    ws = make_workspace(tmp_path, [record(), record(name="二件目"), record(name="三件目")])
    wb = openpyxl.load_workbook(ws.catalogue)
    wb[S.SHEET_RESOURCES]["A4"] = "S00001"  # a row copied in Excel
    wb.save(ws.catalogue)
    with pytest.raises(InputError) as info:
        load(ws)
    assert "S00001(2 行目と 4 行目)" in info.value.text
    result = cli("export", "--format", "csv")
    assert result.exit_code == 3 and "同じ ID" in result.output


def test_the_row_limit_is_refused_and_warned_about_well_before(tmp_path, monkeypatch, caplog):
    ws = make_workspace(tmp_path, [record(name=f"店{i}") for i in range(6)])
    monkeypatch.setattr(cells, "ROW_LIMIT", 9)
    monkeypatch.setattr(cells, "check_append_room", lambda *a: None)  # 履歴 has its own test below
    monkeypatch.setattr(logging.getLogger("shigen"), "propagate", True)
    cat = load(ws)
    with caplog.at_level(logging.WARNING, logger="shigen"):
        cat.add_record(record(name="七件目"), command="test", by="テスト")  # row 8 of 9: past 80 %
        save_catalogue(cat)
    assert any("上限" in r.getMessage() and S.SHEET_RESOURCES in r.getMessage() for r in caplog.records)
    before = ws.catalogue.read_bytes()
    cat = load(ws)
    for i in range(3):
        cat.add_record(record(name=f"追加{i}"), command="test", by="テスト")
    with pytest.raises(InputError, match="上限 9 行を超えて"):
        save_catalogue(cat)
    assert ws.catalogue.read_bytes() == before


@pytest.mark.parametrize("fast", [True, False])
def test_history_past_the_row_limit_is_refused_with_what_to_do(tmp_path, monkeypatch, fast):
    ws = make_workspace(tmp_path, [record()])
    monkeypatch.setattr(cells, "ROW_LIMIT", len(history_rows(ws.catalogue)) + 4)
    if not fast:
        monkeypatch.setattr(xlsx_patch, "write_patched", lambda *a: (_ for _ in ()).throw(xlsx_patch.Fallback("t")))
    cat = load(ws)
    for i in range(5):
        cat.set_value(cat.records[0], "fee", f"{i}円", command="test", by="テスト")
    before = ws.catalogue.read_bytes()
    with pytest.raises(InputError) as info:
        save_catalogue(cat)
    assert "『履歴』" in info.value.text and "別のブック" in info.value.text
    assert ws.catalogue.read_bytes() == before


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("date1904", [False, True])
def test_dates_round_trip_exactly_in_both_date_systems(tmp_path, monkeypatch, fast, date1904):
    ws = make_workspace(tmp_path, [record()])
    if date1904:
        wb = openpyxl.load_workbook(ws.catalogue)
        wb.epoch = CALENDAR_MAC_1904
        wb.save(ws.catalogue)
    if not fast:
        monkeypatch.setattr(xlsx_patch, "write_patched", lambda *a: (_ for _ in ()).throw(xlsx_patch.Fallback("t")))
    days = ["0001-01-01", "1899-12-30", "1899-12-31", "1900-01-01", "1900-02-28", "1900-03-01", "1904-01-01",
            "1904-01-02", "2026-04-01", "9999-12-31"]
    cat = load(ws)
    cat.records[0].extra["自分の日付"] = dt.date(2025, 4, 1)
    cat.extra_columns.append("自分の日付")
    for day in days:
        cat.add_record(record(name=day, last_confirmed=day, updated_at=day), command="test", by="テスト")
    save_catalogue(cat)
    for _ in range(3):  # and again: nothing drifts from save to save
        again = load(ws)
        got = {r.name: (r["last_confirmed"], r["updated_at"]) for r in again.records}
        assert all(got[d] == (d, d) for d in days), got
        assert again.records[0].extra["自分の日付"] == dt.date(2025, 4, 1)
        again.set_value(again.records[0], "fee", str(_), command="test", by="テスト")
        save_catalogue(again)
    # Excel sees real dates where it can hold them, text where it cannot
    sheet = openpyxl.load_workbook(ws.catalogue)[S.SHEET_RESOURCES]
    col = [c.value for c in sheet[1]].index("最終確認日") + 1
    cells = {sheet.cell(r, 2).value: sheet.cell(r, col).value for r in range(2, sheet.max_row + 1)}
    assert cells["2026-04-01"] == dt.datetime(2026, 4, 1)
    assert cells["1899-12-31"] == "1899-12-31" and cells["0001-01-01"] == "0001-01-01"
    assert cells["1900-03-01"] == (dt.datetime(1900, 3, 1) if not date1904 else "1900-03-01")


@pytest.mark.parametrize("fast", [True, False])
def test_an_excel_table_follows_the_records(tmp_path, monkeypatch, fast):
    ws = make_workspace(tmp_path, [record(name="一"), record(name="二")])
    wb = openpyxl.load_workbook(ws.catalogue)
    sheet = wb[S.SHEET_RESOURCES]
    sheet.auto_filter.ref = None
    last = openpyxl.utils.get_column_letter(sheet.max_column)
    sheet.add_table(Table(displayName="資源表", ref=f"A1:{last}3"))
    wb.save(ws.catalogue)
    if not fast:
        monkeypatch.setattr(xlsx_patch, "write_patched", lambda *a: (_ for _ in ()).throw(xlsx_patch.Fallback("t")))
    cat = load(ws)
    for i in range(3):
        cat.add_record(record(name=f"新{i}"), command="test", by="テスト")
    save_catalogue(cat)
    assert xlsx_patch.last_path == ("fast" if fast else "openpyxl")
    sheet = openpyxl.load_workbook(ws.catalogue)[S.SHEET_RESOURCES]
    assert [t.ref for t in sheet.tables.values()] == [f"A1:{last}6"]
    assert not sheet.auto_filter.ref  # no overlapping filter
    assert [r.name for r in load(ws).records] == ["一", "二", "新0", "新1", "新2"]


def test_the_standard_master_always_takes_the_fast_path_and_history_says_so(tmp_path, cli):
    """init → import → assign → collect → import again: every save of a master shigen made is the fast one."""
    from test_collect import fill, ids_in

    assert cli("init", "--municipality", "みどり野市").exit_code == 0
    csv = tmp_path / "in.csv"
    csv.write_text("名称,電話番号,地区\n" + "\n".join(f"店{i},0479-62-{i:04d},中央地区" for i in range(12)) + "\n",
                   encoding="utf-8-sig")
    assert cli("import", csv, "--by", "テスト").exit_code == 0
    ws_path = tmp_path / "workbooks" / "catalogue.xlsx"
    wb = openpyxl.load_workbook(ws_path)
    wb["コーディネーター"].append(["佐藤 花子", S.TIER_1, "", "", "○", ""])
    wb.save(ws_path)  # a coordinator added in Excel (saved by openpyxl, like a user's edit)
    result = cli("assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01")
    assert result.exit_code == 0, result.output
    book = tmp_path / "exports" / "更新作業" / "2027" / "佐藤 花子.xlsx"
    returned = fill(book, {rid: {"result": "変更なし", "date": "2027-05-01"} for rid in ids_in(book)[:3]})
    assert cli("collect", returned, "--as-of", "2027-06-01").exit_code == 0
    csv.write_text("名称,電話番号,料金\n店1,0479-62-0001,500円\n", encoding="utf-8-sig")
    assert cli("import", csv, "--by", "テスト").exit_code == 0
    saves = [row for row in history_rows(ws_path) if row[4] == master.SAVE_FIELD]
    assert [row[7] for row in saves] == ["import", "assign", "collect", "import"]  # 出典: the command saved
    assert all(row[6] == "高速保存" for row in saves), [row[6] for row in saves]


def test_a_fallback_is_named_in_history_and_shown_with_debug(tmp_path, cli, monkeypatch):
    make_workspace(tmp_path, [record()])

    def broken(cat, path, tmp):
        raise xlsx_patch.Fallback("something the fast path does not know")

    monkeypatch.setattr(xlsx_patch, "write_patched", broken)
    csv = tmp_path / "in.csv"
    csv.write_text("名称,電話番号\n新しい店,0479-99-0000\n", encoding="utf-8-sig")
    result = cli("--debug", "import", csv, "--by", "テスト")
    assert result.exit_code == 0, result.output
    assert "高速保存を使えませんでした" in result.output and "something the fast path does not know" in result.output
    quiet = cli("import", csv, "--by", "テスト")
    assert "高速保存を使えませんでした" not in quiet.output
    saves = [row for row in history_rows(tmp_path / "workbooks" / "catalogue.xlsx") if row[4] == master.SAVE_FIELD]
    assert saves[-1][6].startswith("openpyxl(") and "does not know" in saves[-1][6]


def test_a_backup_that_does_not_match_is_removed_and_the_write_refused(tmp_path, monkeypatch):
    import shutil

    from shigen.errors import WriteError

    ws = make_workspace(tmp_path, [record()])
    before = ws.catalogue.read_bytes()
    history = ws.catalogue.parent / ".history"
    earlier = set(history.iterdir())

    def short_copy(src, dst, **kw):
        Path(dst).write_bytes(Path(src).read_bytes()[:200])  # a copy cut short without an error

    monkeypatch.setattr(shutil, "copy2", short_copy)
    cat = load(ws)
    cat.set_value(cat.records[0], "fee", "無料", command="test", by="テスト")
    with pytest.raises(WriteError) as info:
        save_catalogue(cat)
    assert "バックアップ" in info.value.text and "書き換えていません" in info.value.text
    assert set(history.iterdir()) == earlier  # the broken copy is gone: the newest backup is still a good one
    assert ws.catalogue.read_bytes() == before


def test_a_failure_after_the_save_never_says_nothing_was_written(tmp_path, cli, monkeypatch):
    import errno

    from shigen.importer import report_book as report

    make_workspace(tmp_path, [record()])
    csv = tmp_path / "in.csv"
    csv.write_text("名称,電話番号\n新しい店,0479-99-0000\n", encoding="utf-8-sig")

    def full(*a, **kw):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "exports" / "取込報告.xlsx"))

    monkeypatch.setattr(report, "write_report", full)
    result = cli("import", csv, "--by", "テスト")
    assert result.exit_code == 3, result.output
    assert "保存済み" in result.output and "書き換えていません" not in result.output
    assert "新しい店" in {r.name for r in load(make_ws(tmp_path)).records}

    def boom(*a, **kw):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(report, "write_report", boom)
    csv.write_text("名称,電話番号\nもう一つの店,0479-99-0001\n", encoding="utf-8-sig")
    result = cli("import", csv, "--by", "テスト")
    assert result.exit_code == 4 and "保存済み" in result.output and "書き換えていません" not in result.output


def make_ws(root):
    from shigen.workspace import Workspace

    return Workspace.resolve(root)


def test_temp_files_of_a_killed_assign_are_removed_by_the_next(tmp_path):
    import subprocess
    import sys

    from test_assign import mixed_records

    from shigen.assign_run import run_assign

    ws = make_workspace(tmp_path, mixed_records(8))
    folder = tmp_path / "exports" / "更新作業" / "2027"
    folder.mkdir(parents=True)
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    dead = folder / f".佐藤 花子.tmp-{p.pid}.xlsx"
    dead.write_bytes(b"PK half")
    run_assign(ws, method="district", year="2027", as_of=dt.date(2027, 4, 1))
    assert not dead.exists()


@pytest.mark.parametrize(("where", "text", "refused"), [
    ("value", "あ" * 32_767, False),  # a full cell of characters that count once
    ("value", "😀" * 16_383, False),  # 32,766 as Excel counts them
    ("value", "😀" * 16_384, True),  # 32,768
    ("value", "a" * 40_000, True),
    ("extra", "a" * 32_767, False),
    ("extra", "😀" * 16_384, True),
])
def test_a_cell_excel_cannot_hold_is_refused_before_anything_is_written(tmp_path, where, text, refused):
    """master._check_limits: Excel's characters (UTF-16 units) per cell, for shigen's values and the extra columns,
    refused before anything is written, naming the record and the column."""
    ws = make_workspace(tmp_path, [record(name=f"店{i}") for i in range(30)])
    cat = load(ws)
    target = cat.records[17]
    if where == "value":
        target.values["notes"] = text
    else:
        target.extra["利用者の声"] = text
        cat.extra_columns.append("利用者の声")
    before = ws.catalogue.read_bytes()
    if not refused:
        master._check_limits(cat)
        return
    with pytest.raises(InputError) as info:
        save_catalogue(cat)
    assert f"ID {target.id}" in info.value.text and ("備考" if where == "value" else "利用者の声") in info.value.text
    assert ws.catalogue.read_bytes() == before
