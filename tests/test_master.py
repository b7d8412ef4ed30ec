"""The master workbook: creation, round trips, safe writes, backups."""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
import pytest
from builders import load, make_workspace, record

from shigen import master
from shigen import schema as S
from shigen.create import init_workspace
from shigen.errors import InputError, MasterBusyError, UsageError, WriteError
from shigen.master import load_catalogue, save_catalogue
from shigen.workspace import Workspace


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_init_creates_exactly_the_sheets_and_columns(tmp_path):
    ws = Workspace.resolve(tmp_path)
    result = init_workspace(ws, municipality="みどり野市")
    assert result.catalogue == tmp_path / "workbooks" / "catalogue.xlsx"
    assert (tmp_path / "exports").is_dir()
    wb = openpyxl.load_workbook(result.catalogue)
    assert wb.sheetnames == ["資源一覧", "地区", "ジャンル", "コーディネーター", "設定", "履歴", "担当履歴", "照会"]
    header = [c.value for c in wb["資源一覧"][1]]
    assert header == [
        "ID", "名称", "ふりがな", "ジャンル", "区分", "運営主体", "地区", "対応エリア", "郵便番号", "住所", "電話番号",
        "携帯電話", "FAX", "メール", "URL", "サービス内容", "対象者", "料金", "有償・無償", "営業日", "営業時間", "定休日",
        "申込方法", "支払方法", "備考", "公開範囲", "掲載同意", "状態", "最終確認日", "確認者", "更新日", "先方担当者",
        "内部メモ", "出典", "掲載同意日", "ふりがな候補",
    ]
    sheet = wb["資源一覧"]
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["B"].width >= 20
    validated = {str(dv.sqref).split(":")[0] for dv in sheet.data_validations.dataValidation}
    # 区分, 有償・無償, 公開範囲, 掲載同意, 状態 (enums) and ジャンル, 地区 (lists from their sheets)
    assert {"E2", "S2", "Z2", "AA2", "AB2", "D2", "G2"} <= validated
    genres = [row[0] for row in wb["ジャンル"].iter_rows(min_row=2, values_only=True)]
    assert genres[:3] == ["家事援助・生活支援", "配食・弁当", "食料品・日用品の配達"]
    assert len(genres) == 19
    settings = {row[0]: row[1] for row in wb["設定"].iter_rows(min_row=2, values_only=True)}
    assert settings["自治体名"] == "みどり野市"
    assert settings["更新周期（月）"] == "12"
    assert [c.value for c in wb["履歴"][1]] == list(S.HISTORY_HEADERS)


def test_genre_synonyms_and_required_fields_round_trip(tmp_path):
    ws = Workspace.resolve(tmp_path)
    init_workspace(ws)
    cat = load_catalogue(ws.catalogue)
    meals = cat.genre("配食・弁当")
    assert meals is not None
    assert "宅配弁当" in meals.synonyms
    assert {"name", "genre", "contact", "area", "content", "fee"} <= set(meals.required)
    transport = cat.genre("移送・外出支援")
    assert transport is not None and {"デマンドタクシー", "通院バス"} <= set(transport.synonyms)


def test_round_trip_keeps_every_value(tmp_path):
    values = record(name="㈱髙橋商店 =SUM(A1)", notes="+81 という表記\n2行目", phone="0479-62-1111",
                    postal_code="289-0001", memo="内部の話", source="旧一覧.xlsx:配食:5", updated_at="2026-11-01")
    ws = make_workspace(tmp_path, [values])
    cat = load(ws)
    got = cat.records[0].values
    for key, value in values.items():
        assert got[key] == value, key
    assert got["id"] == "S00001"
    wb = openpyxl.load_workbook(ws.catalogue)
    sheet = wb["資源一覧"]
    col = {c.value: c.column for c in sheet[1]}
    assert sheet.cell(2, col["名称"]).data_type == "s"  # never a formula
    assert isinstance(sheet.cell(2, col["最終確認日"]).value, dt.datetime)  # a real Excel date
    assert sheet.cell(2, col["電話番号"]).value == "0479-62-1111"  # text, leading zero kept
    assert sheet.cell(2, col["電話番号"]).number_format == "@"


def test_user_added_columns_and_sheets_survive_every_write(tmp_path):
    ws = make_workspace(tmp_path, [record(name="A"), record(name="B", phone="0479-62-2222")])
    wb = openpyxl.load_workbook(ws.catalogue)
    sheet = wb["資源一覧"]
    extra_col = sheet.max_column + 1
    sheet.cell(1, extra_col, "民生委員メモ")
    sheet.cell(2, extra_col, "A の近所")
    sheet.cell(3, extra_col, "B は移転予定")
    notes = wb.create_sheet("地図メモ")
    notes["A1"] = "北地区の地図は別紙"
    notes["B3"] = 42
    wb.save(ws.catalogue)

    cat = load(ws)
    assert cat.extra_columns == ["民生委員メモ"]
    assert cat.records[1].extra == {"民生委員メモ": "B は移転予定"}
    cat.set_value(cat.records[0], "fee", "1食 650円", command="test", by="テスト")
    cat.add_record(record(name="C", phone="0479-62-3333"), command="test", by="テスト")
    save_catalogue(cat)

    wb = openpyxl.load_workbook(ws.catalogue)
    assert "地図メモ" in wb.sheetnames
    assert wb["地図メモ"]["A1"].value == "北地区の地図は別紙"
    assert wb["地図メモ"]["B3"].value == 42
    sheet = wb["資源一覧"]
    col = {c.value: c.column for c in sheet[1]}
    assert sheet.cell(2, col["民生委員メモ"]).value == "A の近所"
    assert sheet.cell(3, col["民生委員メモ"]).value == "B は移転予定"
    again = load(ws)
    assert [r.name for r in again.records] == ["A", "B", "C"]
    assert again.records[0]["fee"] == "1食 650円"
    history = list(wb["履歴"].iter_rows(min_row=2, values_only=True))
    assert any(row[4] == "料金" and row[5] == "1食 600円" and row[6] == "1食 650円" for row in history)


def test_ids_are_never_reused(tmp_path):
    ws = make_workspace(tmp_path, [record(name="A"), record(name="B")])
    wb = openpyxl.load_workbook(ws.catalogue)
    wb["資源一覧"].delete_rows(3)  # someone deletes record S00002 by hand
    wb.save(ws.catalogue)
    cat = load(ws)
    new = cat.add_record(record(name="C"), command="test", by="テスト")
    assert new.id == "S00003"


def test_write_refused_while_excel_has_the_master_open(tmp_path):
    ws = make_workspace(tmp_path, [record()])
    before = digest(ws.catalogue)
    (ws.catalogue.parent / "~$catalogue.xlsx").write_bytes(b"owner")
    cat = load(ws)
    cat.set_value(cat.records[0], "fee", "無料", command="test", by="テスト")
    with pytest.raises(MasterBusyError) as info:
        save_catalogue(cat)
    assert "Excel で開かれています" in info.value.text
    assert "閉じて" in info.value.text
    assert digest(ws.catalogue) == before


def test_write_refused_while_another_shigen_writes(tmp_path):
    ws = make_workspace(tmp_path, [record()])
    before = digest(ws.catalogue)
    (ws.catalogue.parent / ".catalogue.xlsx.lock").write_text("123")
    cat = load(ws)
    cat.set_value(cat.records[0], "fee", "無料", command="test", by="テスト")
    with pytest.raises(MasterBusyError, match="書き込み中"):
        save_catalogue(cat)
    assert digest(ws.catalogue) == before


def test_crash_after_temp_file_is_written_leaves_master_intact(tmp_path, monkeypatch):
    ws = make_workspace(tmp_path, [record()])
    before = digest(ws.catalogue)
    cat = load(ws)
    cat.set_value(cat.records[0], "fee", "無料", command="test", by="テスト")

    def crash(tmp, path):
        assert tmp.exists() and tmp.stat().st_size > 0  # the new version was fully written
        raise OSError("simulated crash before the replace")

    monkeypatch.setattr(master, "_replace", crash)
    with pytest.raises(WriteError) as info:
        save_catalogue(cat)
    assert "台帳は書き換えていません" in info.value.text and not info.value.master_written
    assert digest(ws.catalogue) == before
    assert load(ws).records[0]["fee"] == "1食 600円"
    leftovers = [p.name for p in ws.catalogue.parent.iterdir() if p.name.startswith(".catalogue")]
    assert leftovers == []  # no temp file and no lock left behind


def test_history_keeps_thirty_by_default():
    assert master.HISTORY_KEEP == 30


def test_every_write_is_backed_up_and_old_copies_rotate(tmp_path, monkeypatch):
    monkeypatch.setattr(master, "HISTORY_KEEP", 3)
    ws = make_workspace(tmp_path, [record()])
    folder = ws.catalogue.parent / ".history"
    versions = []
    for i in range(5):
        cat = load(ws)
        cat.set_value(cat.records[0], "fee", f"{i}円", command="test", by="テスト")
        versions.append(digest(ws.catalogue))
        save_catalogue(cat)
    copies = sorted(folder.glob("catalogue_*.xlsx"))
    assert len(copies) == 3
    assert [digest(p) for p in copies] == versions[-3:]


def test_missing_master_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="shigen init"):
        load_catalogue(tmp_path / "workbooks" / "catalogue.xlsx")


def test_settings_workbook_is_copied_by_init(tmp_path):
    src = make_workspace(tmp_path / "last_year", [record()])
    ws = Workspace.resolve(tmp_path / "new")
    result = init_workspace(ws, settings_from=src.catalogue)
    assert result.districts == 4 and result.coordinators == 4
    cat = load(ws)
    assert [d.name for d in cat.districts] == ["中央地区", "北地区", "南地区", "東地区"]
    assert cat.district("北地区").towns == ("北山", "上野", "松原")
    assert cat.settings.municipality == "みどり野市"
    assert cat.records == []


def test_cells_read_as_text_by_one_rule_in_rows_and_columns(tmp_path):
    """Every cell of 資源一覧 becomes text by one rule (stripped; a date its ISO day; 1.0 → '1'; TRUE); empty rows
    are skipped; user-added columns keep their value; the columns the audit reads are the records' values."""
    ws = make_workspace(tmp_path, [record(name="みどり配食")])
    wb = openpyxl.load_workbook(ws.catalogue)
    sheet = wb[S.SHEET_RESOURCES]
    headers = [c.value for c in sheet[1]]
    col = {h: i + 1 for i, h in enumerate(headers)}
    sheet.cell(row=1, column=len(headers) + 1, value="独自の列")
    rows = [  # (名称, 区分, 最終確認日, 電話番号, 独自の列)
        ("  さくら食堂 ", "民間", dt.date(2026, 4, 1), 479621111.0, "メモ"),
        ("ひまわり", True, dt.datetime(2026, 5, 2), 12, None),
        ("あおば", "NPO", dt.datetime(2026, 5, 2, 9, 30), "0479-62-1111 ", 3.5),
    ]
    for n, values in enumerate(rows):
        r = 4 + 2 * n  # row 3, 5 and 7 are left empty
        sheet.cell(row=r, column=col["ID"], value=f"R{9000 + n}")
        for h, v in zip(("名称", "区分", "最終確認日", "電話番号", "独自の列"), values, strict=True):
            sheet.cell(row=r, column=col.get(h, len(headers) + 1), value=v)
    wb.save(ws.catalogue)

    cat = load_catalogue(ws.catalogue)
    got = [(r.row, r["name"], r["category"], r["last_confirmed"], r["phone"], r.extra) for r in cat.records[1:]]
    assert got == [
        (4, "さくら食堂", "民間", "2026-04-01", "479621111", {"独自の列": "メモ"}),
        (6, "ひまわり", "TRUE", "2026-05-02", "12", {}),
        (8, "あおば", "NPO", "2026-05-02 09:30:00", "0479-62-1111", {"独自の列": 3.5}),
    ]
    _, columns = master.load_catalogue_columns(ws.catalogue)
    assert columns.records() == cat.records
    assert [columns.record(i) for i in range(len(columns))] == cat.records
    assert columns.keys == list(cat.records[0].values)
    assert all(type(v) is str for r in cat.records for v in r.values.values())


@pytest.mark.parametrize(("chunk", "step", "few"), [(4, 4, 4096), (5, 5, 4096), (6, 6, 3), (7, 7, 1), (64, 64, 4096),
                                                    (8, 3, 4096), (4, 1, 4096), (6, 2, 3)])
def test_cells_read_chunk_by_chunk_give_the_same_texts(tmp_path, monkeypatch, chunk, step, few):
    """A column of few values read a chunk at a time (each cell's text looked up by the cell after the first
    chunk) gives every cell the text of the one rule, also when later chunks bring new cells, spaces, dates,
    numbers or TRUE (True == 1 as a key), and whichever way the look-up falls back."""
    ws = make_workspace(tmp_path, [record(name="みどり配食")])
    wb = openpyxl.load_workbook(ws.catalogue)
    sheet = wb[S.SHEET_RESOURCES]
    col = {c.value: i + 1 for i, c in enumerate(sheet[1])}
    cells = ["民間"] * 9 + [" 民間", "NPO", "民間 ", "NPO", "社協", True, 1, 1.0, dt.date(2026, 4, 1), "民間", "",
             "TRUE", "1", 2.5, "NPO", "民間", False, 0, "　社協　", "社協", dt.datetime(2026, 4, 1), "民間"]
    for n, value in enumerate(cells):
        sheet.cell(row=3 + n, column=col["ID"], value=f"R{9000 + n}")
        sheet.cell(row=3 + n, column=col["名称"], value=f"資源{n}")
        sheet.cell(row=3 + n, column=col["区分"], value=value)
    wb.save(ws.catalogue)
    monkeypatch.setattr(master, "_CHUNK", chunk)
    monkeypatch.setattr(master, "_STEP", step)
    monkeypatch.setattr(master, "_FEW", few)
    _, columns = master.load_catalogue_columns(ws.catalogue)
    from shigen.cells import cell_text

    assert columns.values["category"][1:] == [cell_text(v) for v in cells]
    assert columns.values["name"][1:] == [f"資源{n}" for n in range(len(cells))]


def test_the_workbook_is_closed_before_the_resource_rows_are_read(tmp_path, monkeypatch):
    """calamine's workbook holds the shared strings (a fifth of a large master's memory): it is closed once
    資源一覧 and the settings sheets are taken from it, before the rows become Python objects."""
    ws = make_workspace(tmp_path, [record(name="みどり配食"), record(name="さくら食堂")])
    events: list[str] = []
    opened = master._open_calamine

    class Sheet:
        def __init__(self, sheet):
            self.sheet = sheet

        def iter_rows(self):
            events.append("rows")
            return self.sheet.iter_rows()

    class Book:
        def __init__(self, wb):
            self.wb = wb
            self.sheet_names = wb.sheet_names

        def get_sheet_by_name(self, name):
            events.append(f"sheet {name}")
            sheet = self.wb.get_sheet_by_name(name)
            return Sheet(sheet) if name == S.SHEET_RESOURCES else sheet

        def close(self):
            events.append("close")
            self.wb.close()

    monkeypatch.setattr(master, "_open_calamine", lambda path: Book(opened(path)))
    cat, columns = master.load_catalogue_columns(ws.catalogue)
    # the settings sheets first (this thread), then 資源一覧 (calamine's thread), then close, then the rows
    assert events[-3:] == [f"sheet {S.SHEET_RESOURCES}", "close", "rows"]
    assert f"sheet {S.SHEET_SETTINGS}" in events[:-3] and f"sheet {S.SHEET_RESOURCES}" not in events[:-3]
    assert [columns.values["name"][i] for i in range(len(columns))] == ["みどり配食", "さくら食堂"]
    assert cat.settings is not None and cat.genres


def test_the_callbacks_run_in_a_thread_while_the_resources_sheet_parses(tmp_path):
    """load_catalogue_columns runs while_opening and then while_reading (with the settings read) in another thread
    while calamine opens and parses the master here; the master read is the same, and what a callback raises is
    raised here (a broken master still gives its one message)."""
    import threading

    ws = make_workspace(tmp_path, [record(name="みどり配食"), record(name="さくら食堂")])
    plain_cat, plain = master.load_catalogue_columns(ws.catalogue)
    seen: list[object] = []
    cat, columns = master.load_catalogue_columns(
        ws.catalogue, while_opening=lambda: seen.append(threading.current_thread()),
        while_reading=lambda c: seen.append([g.name for g in c.genres]))
    assert seen[0] is not threading.current_thread() and seen[1] == [g.name for g in plain_cat.genres] and seen[1]
    assert columns == plain and cat.settings == plain_cat.settings and cat.districts == plain_cat.districts

    def fail(_cat):
        raise RuntimeError("warm-up failed")

    with pytest.raises(RuntimeError, match="warm-up failed"):
        master.load_catalogue_columns(ws.catalogue, while_reading=fail)
    with pytest.raises(RuntimeError, match="warm-up failed"):
        master.load_catalogue_columns(ws.catalogue, while_opening=lambda: fail(None))
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    reached: list[object] = []
    with pytest.raises(InputError, match="台帳ファイルを読めません"):  # the master's error, not the callback's
        master.load_catalogue_columns(tmp_path / "broken.xlsx", while_opening=lambda: fail(None),
                                      while_reading=reached.append)
    assert not reached  # no settings were read: while_reading never ran
