"""`shigen import` end to end: matching rules, idempotence, --dry-run, bad files, --skip-bad, reports."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from builders import load, make_workspace, record
from import_fixtures import FIXTURES, district_sheets_xlsx, genre_sheets_xlsx, sections_xlsx

from shigen import schema as S

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SOURCES = ROOT / "workbooks" / "引き継ぎ資料"


def _write_xlsx(path: Path, rows: list[list[object]], title: str = "一覧") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _snapshot(ws) -> bytes:  # type: ignore[no-untyped-def]
    return ws.catalogue.read_bytes()


def _json(result) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(result.stdout)


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path, [], settings={S.SETTING_AREA_CODE: "0479"})


# --- whole runs ------------------------------------------------------------------------------
def test_import_all_fixtures_then_again_changes_nothing(cli, ws, tmp_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    for fixture in FIXTURES[:-1]:  # the last one needs --mapping
        fixture.build(folder)
    expected = sum(len(f.expected) for f in FIXTURES[:-1])
    first = cli("import", folder, "--by", "テスト", "--format", "json")
    assert first.exit_code == 0, first.stderr
    data = _json(first)
    assert data["counts"] == {"新規": expected, "更新": 0, "変更なし": 0, "要確認": 0}
    cat = load(ws)
    assert len(cat.records) == expected
    assert all(r.id.startswith("S") and r.get("updated_at") for r in cat.records)
    assert all(not r.get("consent") and not r.get("visibility") for r in cat.records
               if r.name not in ("ほっと弁当", "移動販売ふじ"))  # only these two have a 掲載同意 column
    history_before = len(list(openpyxl.load_workbook(ws.catalogue)[S.SHEET_HISTORY].values))
    before = _snapshot(ws)

    second = cli("import", folder, "--by", "テスト", "--format", "json")
    assert second.exit_code == 0, second.stderr
    assert _json(second)["counts"] == {"新規": 0, "更新": 0, "変更なし": expected, "要確認": 0}
    assert _snapshot(ws) == before  # the master was not even rewritten
    assert len(list(openpyxl.load_workbook(ws.catalogue)[S.SHEET_HISTORY].values)) == history_before
    reports = sorted((ws.exports).glob("取込報告_*.xlsx"))
    assert reports


def test_imported_values_round_trip_through_the_master(cli, ws, tmp_path):
    path = genre_sheets_xlsx(tmp_path)
    assert cli("import", path).exit_code == 0
    cat = load(ws)
    rec = next(r for r in cat.records if r.name == "㈱髙橋弁当")
    assert rec.get("source") == "社会資源ファイル.xlsx:配食:7"
    assert rec.get("phone") == "0479-62-2222" and rec.get("fax") == "0479-62-2223"
    assert rec.get("last_confirmed") == "2023-03-01"
    assert rec.get("status") == S.STATUS_ACTIVE
    # 更新日 is today for new records; nothing invented for consent/visibility
    assert rec.get("updated_at") and not rec.get("consent") and not rec.get("visibility")


def test_report_workbook_lists_sheets_columns_and_problems(cli, ws, tmp_path):
    path = genre_sheets_xlsx(tmp_path)
    result = cli("import", path)
    assert result.exit_code == 0
    assert "報告書" in result.stdout
    report = next(ws.exports.glob("取込報告_*.xlsx"))
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames == ["概要", "取込結果", "シートの読み方", "列の対応", "飛ばした行と警告"]
    summary = list(wb["概要"].values)
    assert summary[0][:3] == ("ファイル", "シート", "状態")
    by_sheet = {row[1]: row for row in summary[1:]}
    assert by_sheet["作業用"][2].startswith("非表示")  # hidden sheets are reported, not imported
    assert by_sheet["目次"][2].startswith("見出し行なし")
    head = summary[0]
    assert by_sheet["配食"][head.index("資源")] == 3  # records
    outcomes = list(wb["取込結果"].values)[1:]
    assert len(outcomes) == 5 and {row[1] for row in outcomes} == {"新規"}
    columns = list(wb["列の対応"].values)[1:]
    assert ("社会資源ファイル.xlsx", "配食", "D", "連絡先/電話", "電話番号") in [row[:5] for row in columns]
    evidence = {row[3]: row[5] for row in columns}
    assert "電話番号の形" in evidence["連絡先/電話"]  # the value evidence is named
    problems = list(wb["飛ばした行と警告"].values)[1:]
    assert any(row[3] == "飛ばした行" and row[4] == "合計・件数の行" for row in problems)
    # how each sheet was read has its own sheet, one row per sheet as in 概要; the skipped rows' count and reasons agree
    reading = list(wb["シートの読み方"].values)
    by_read = {row[1]: row for row in reading[1:]}
    assert set(by_read) == set(by_sheet)
    rhead = reading[0]
    skipped = [row for row in problems if row[1] == "配食" and row[3] == "飛ばした行"]
    assert by_sheet["配食"][head.index("飛ばした行")] == len(skipped) > 0
    assert "合計・件数の行" in by_read["配食"][rhead.index("飛ばした行の内訳")]
    assert by_read["配食"][rhead.index("見出し行")]  # the header row(s) found
    # 概要 stays narrow enough to print legibly on one A4 landscape width
    assert len(head) <= 11


def test_unmapped_column_is_kept_for_staff_and_reported(cli, ws, tmp_path):
    path = sections_xlsx(tmp_path)
    result = cli("import", path, "--format", "json")
    assert result.exit_code == 0
    data = _json(result)
    sheet = data["files"][0]["sheets"][0]
    assert sheet["unmapped_columns"] == ["独自メモ"]
    rec = next(r for r in load(ws).records if r.name == "ほっと弁当")
    assert rec.extra.get("独自メモ") == "鍵は裏口"  # an extra column of the master: staff only
    assert "鍵は裏口" not in rec.get("notes")  # never the public 備考


def test_hidden_sheet_can_be_chosen_with_sheet_option(cli, ws, tmp_path):
    path = genre_sheets_xlsx(tmp_path)
    result = cli("import", path, "--sheet", "作業用", "--format", "json")
    assert result.exit_code == 0, result.stderr
    names = [r.name for r in load(ws).records]
    assert names == ["連絡待ち 山田商店"]
    missing = cli("import", path, "--sheet", "ありません")
    assert missing.exit_code == 2 and "ありません" in missing.stderr


def test_genre_and_district_options(cli, ws, tmp_path):
    path = _write_xlsx(tmp_path / "list.xlsx", [["名称", "電話"], ["よろず屋", "0479-62-1234"]])
    assert cli("import", path, "--genre", "配食", "--district", "北").exit_code == 0
    rec = load(ws).records[0]
    assert rec.get("genre") == "配食・弁当" and rec.get("district") == "北地区"
    assert rec.get("category") == "保険外サービス"
    bad = cli("import", path, "--genre", "宇宙旅行")
    assert bad.exit_code == 2 and "宇宙旅行" in bad.stderr


def test_mapping_file_reads_unknown_headers(cli, ws, tmp_path):
    fixture = FIXTURES[-1]
    path = fixture.build(tmp_path)
    without = cli("import", path)
    assert without.exit_code == 3 and "独自形式.xlsx" in without.stderr
    mapping = fixture.options["mapping"](tmp_path)
    result = cli("import", path, "--mapping", mapping)
    assert result.exit_code == 0, result.stderr
    assert [r.name for r in load(ws).records] == ["八百屋のよしだ"]


def test_mapping_as_two_column_sheet(cli, ws, tmp_path):
    path = FIXTURES[-1].build(tmp_path)
    mapping = _write_xlsx(tmp_path / "対応表.xlsx", [["元の見出し", "台帳の項目"], ["お店の名前", "名称"],
                                                   ["でんわ", "電話番号"], ["何をしているか", "取り込まない"]])
    result = cli("import", path, "--mapping", mapping)
    assert result.exit_code == 0, result.stderr
    rec = load(ws).records[0]
    assert rec.name == "八百屋のよしだ" and rec.get("phone") == "0479-62-8080" and not rec.get("content")


# --- matching ----------------------------------------------------------------------------------
def test_matching_rules(cli, tmp_path):
    ws = make_workspace(tmp_path, [
        record(name="株式会社みどり配食", phone="0479-62-1111", address="みどり野市本町1-2-3", fee="1食600円"),  # S00001
        record(name="みどり野市社会福祉協議会 配食", phone="0479-62-0294", address="みどり野市本町1-1-1"),  # S00002
        record(name="ふれあいサロン", phone="0479-63-5555", address="みどり野市北山1-1"),  # S00003
        record(name="ふれあいサロン", phone="0479-63-5555", address="みどり野市北山2-2"),  # S00004
        record(name="古い名前の店", phone="0479-64-1000", address="みどり野市南浜1-1",
               source="前年度.xlsx:一覧:2"),  # S00005
        record(name="上野商店", phone="0479-63-7000", address="みどり野市上野1-1"),  # S00006
    ])
    before = {r.id: dict(r.values) for r in load(ws).records}
    src = tmp_path / "in"
    src.mkdir()
    _write_xlsx(src / "前年度.xlsx", [
        ["名称", "電話番号", "住所", "料金", "ID"],
        ["古い名前の店", "0479-64-2000", "みどり野市南浜9-9", "", ""],  # row 2: same 出典 + same name
        ["(株)みどり配食", "0479-62-1111", "", "1食650円", ""],  # name + phone → S00001
        ["社協 見守り", "0479-62-0294", "", "", ""],  # phone alone: a new record
        ["ふれあいサロン", "0479-63-5555", "", "", ""],  # two candidates: ambiguous
        ["上野商店 本店", "0479-63-7001", "", "", "S00006"],  # shigen ID + … nothing agrees: not by ID
        ["上野商店", "0479-63-7000", "", "月100円", "S00006"],  # ID and name agree
        ["社協 見守り", "0479-62-0294", "", "", ""],  # same run duplicate: never merged with the row above
    ])
    result = cli("import", src / "前年度.xlsx", "--format", "json", "--by", "テスト")
    assert result.exit_code == 1, result.stderr  # ambiguous rows need a person
    data = _json(result)
    outcomes = {o["source"]: o for o in data["outcomes"]}
    src_of = "前年度.xlsx:一覧:"
    assert outcomes[src_of + "2"]["status"] == "更新" and outcomes[src_of + "2"]["matched_by"] == "出典"
    assert outcomes[src_of + "2"]["id"] == "S00005"
    assert outcomes[src_of + "3"]["id"] == "S00001" and outcomes[src_of + "3"]["matched_by"] == "名称+電話"
    assert outcomes[src_of + "4"]["status"] == "新規"
    assert outcomes[src_of + "5"]["status"] == "要確認"
    assert sorted(outcomes[src_of + "5"]["candidates"]) == ["S00003", "S00004"]
    assert outcomes[src_of + "6"]["status"] == "新規"
    assert outcomes[src_of + "7"]["id"] == "S00006" and outcomes[src_of + "7"]["matched_by"] == "ID"
    assert outcomes[src_of + "8"]["status"] == "新規"
    assert outcomes[src_of + "8"]["id"] != outcomes[src_of + "4"]["id"]

    cat = load(ws)
    by_id = cat.by_id()
    assert by_id["S00001"].get("fee") == "1食650円"
    assert by_id["S00001"].name == "株式会社みどり配食"  # the master's spelling is kept for matched names
    assert by_id["S00005"].get("phone") == "0479-64-2000"
    assert by_id["S00002"].values == before["S00002"]  # shared phone alone changed nothing
    assert by_id["S00003"].values == before["S00003"] and by_id["S00004"].values == before["S00004"]
    assert by_id["S00006"].get("fee") == "月100円"
    new = [r for r in cat.records if r.id not in before]
    assert sorted(r.name for r in new) == ["上野商店 本店", "社協 見守り", "社協 見守り"]
    foreign = next(r for r in new if r.name == "上野商店 本店")
    assert foreign.id != "S00006" and foreign.extra.get("元のID") == "S00006"
    history = list(openpyxl.load_workbook(ws.catalogue)[S.SHEET_HISTORY].values)
    assert any(row[2] == "import" and row[3] == "S00001" and row[4] == "料金" for row in history)


def test_name_matching_needs_phone_or_address(cli, tmp_path):
    ws = make_workspace(tmp_path, [record(name="みどり配食", phone="0479-62-1111", address="みどり野市本町1-2-3")])
    path = _write_xlsx(tmp_path / "a.xlsx", [["名称", "電話", "住所"],
                                            ["みどり配食", "0479-62-9999", "みどり野市本町1-2-3"],
                                            ["みどり配食", "0479-62-8888", "みどり野市栄町5-5"]])
    data = _json(cli("import", path, "--format", "json"))
    statuses = [(o["status"], o["matched_by"]) for o in data["outcomes"]]
    assert statuses == [("更新", "名称+住所"), ("新規", "")]
    assert len(load(ws).records) == 2


# --- dry run and bad input ------------------------------------------------------------------------
def test_dry_run_writes_nothing(cli, ws, tmp_path):
    path = district_sheets_xlsx(tmp_path)
    before = _snapshot(ws)
    result = cli("import", path, "--dry-run", "--format", "json")
    assert result.exit_code == 0
    data = _json(result)
    assert data["dry_run"] and data["counts"]["新規"] == 6
    assert _snapshot(ws) == before
    assert not list(ws.exports.glob("取込報告_*"))
    table = cli("import", path, "--dry-run")
    assert "試し実行" in table.stdout and "新規 6 件" in table.stdout


def _bad_files(folder: Path) -> list[Path]:
    corrupt = folder / "壊れた.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    random = folder / "ランダム.xlsx"
    random.write_bytes(bytes(range(256)) * 4)
    encrypted = folder / "パスワード付き.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    fake_xls = folder / "偽物.xls"
    fake_xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 600)
    empty = folder / "空.csv"
    empty.write_bytes(b"")
    return [corrupt, random, encrypted, fake_xls, empty]


@pytest.mark.parametrize("index", range(5))
def test_bad_file_exit_3_and_master_untouched(cli, ws, tmp_path, index):
    good = genre_sheets_xlsx(tmp_path)
    bad = _bad_files(tmp_path)[index]
    before = _snapshot(ws)
    result = cli("import", good, bad)
    assert result.exit_code == 3, (bad.name, result.stdout, result.stderr)
    assert bad.name in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) <= 2
    assert _snapshot(ws) == before
    assert not list(ws.exports.glob("取込報告_*"))


def test_encrypted_file_message_says_password(cli, ws, tmp_path):
    bad = _bad_files(tmp_path)[2]
    result = cli("import", bad)
    assert result.exit_code == 3 and "パスワード" in result.stderr


def test_skip_bad_imports_the_rest_and_reports(cli, ws, tmp_path):
    good = genre_sheets_xlsx(tmp_path)
    bad = _bad_files(tmp_path)[0]
    result = cli("import", good, bad, "--skip-bad", "--format", "json")
    assert result.exit_code == 1  # ran, but something needs attention
    data = _json(result)
    errors = [f for f in data["files"] if f["error"]]
    assert [f["name"] for f in errors] == [bad.name]
    assert len(load(ws).records) == 5
    report = next(ws.exports.glob("取込報告_*.xlsx"))
    problems = list(openpyxl.load_workbook(report)["飛ばした行と警告"].values)
    assert any(row[0] == bad.name and row[3] == "読めないファイル" for row in problems)


def test_file_without_any_resource_table_is_refused(cli, ws, tmp_path):
    path = _write_xlsx(tmp_path / "メモ.xlsx", [["打ち合わせメモ"], ["来週までに電話する"]])
    before = _snapshot(ws)
    result = cli("import", path)
    assert result.exit_code == 3 and "メモ.xlsx" in result.stderr and "見出し" in result.stderr
    assert _snapshot(ws) == before


def test_missing_path_is_a_usage_error(cli, ws, tmp_path):
    result = cli("import", tmp_path / "ない.xlsx")
    assert result.exit_code == 2 and "ない.xlsx" in result.stderr


def test_japanese_help(cli):
    result = cli("import", "--help")
    assert result.exit_code == 0
    for option in ("--sheet", "--genre", "--district", "--mapping", "--dry-run", "--by", "--skip-bad"):
        assert option in result.stdout
    assert "取り込" in result.stdout


# --- the sample workspace -------------------------------------------------------------------------
def test_sample_workspace_imports_cleanly(cli, tmp_path):
    from shigen.create import init_workspace
    from shigen.workspace import Workspace

    ws = Workspace.resolve(tmp_path)
    init_workspace(ws, settings_from=ROOT / "workbooks" / "設定.xlsx")
    result = cli("import", SAMPLE_SOURCES, "--format", "json", "--by", "テスト")
    assert result.exit_code == 0, result.stderr
    data = _json(result)
    per_file: dict[str, int] = {}
    for f in data["files"]:
        per_file[f["name"]] = sum(s["records"] for s in f["sheets"])
    assert per_file == {"社会資源ファイル_R5.xlsx": 81, "北地区_支えあいリスト.xlsx": 35, "生活支援サービス_Web出力.csv": 35}
    assert data["counts"]["新規"] == 151
    cat = load(ws)
    assert len(cat.records) == 151
    names = [r.name for r in cat.records]
    assert not [n for n in names if n.startswith(("※", "合計", "【", "No")) or n in ("名称", "事業所名", "団体名")]
    assert all(r.get("source").count(":") in (1, 2) for r in cat.records)
    sheets = {(f["name"], s["sheet"]): s for f in data["files"] for s in f["sheets"]}
    assert sheets[("社会資源ファイル_R5.xlsx", "作業用")]["hidden"]
    assert sheets[("社会資源ファイル_R5.xlsx", "目次")]["records"] == 0
    merged = next(r for r in cat.records if r.name == "松原いきいき体操クラブ")
    assert merged.get("address").count("\n") == 1  # two venues, one record
    assert all(r.get("genre") for r in cat.records)
    # 掲載許可 ○ / × of file a become 済 / 拒否; the other files say nothing, so nothing is invented
    assert {r.get("consent") for r in cat.records} == {"", "済", "拒否"}
    assert not [r for r in cat.records if r.get("consent") and not r.get("source").startswith("社会資源ファイル_R5")]
    again = cli("import", SAMPLE_SOURCES, "--format", "json")
    assert _json(again)["counts"] == {"新規": 0, "更新": 0, "変更なし": 151, "要確認": 0}


def test_an_old_list_does_not_undo_newer_confirmations(cli, tmp_path):
    ws = make_workspace(tmp_path, [record(name="みどり配食", phone="0479-62-1111", fee="1食650円",
                                          last_confirmed="2026-06-01")])
    path = _write_xlsx(tmp_path / "古い一覧.xlsx", [["名称", "電話", "料金", "確認日"],
                                                 ["みどり配食", "0479-62-1111", "1食600円", "令和5年3月1日"]])
    data = _json(cli("import", path, "--format", "json"))
    outcome = data["outcomes"][0]
    assert outcome["status"] == "変更なし" and "新しい" in outcome["reason"]
    assert load(ws).records[0].get("fee") == "1食650円"
    newer = _write_xlsx(tmp_path / "新しい一覧.xlsx", [["名称", "電話", "料金", "確認日"],
                                                   ["みどり配食", "0479-62-1111", "1食700円", "2026/9/1"]])
    data = _json(cli("import", newer, "--format", "json"))
    assert data["outcomes"][0]["status"] == "更新"
    rec = load(ws).records[0]
    assert rec.get("fee") == "1食700円" and rec.get("last_confirmed") == "2026-09-01"


def test_same_name_without_phone_or_address_is_new_but_mentioned(cli, tmp_path):
    make_workspace(tmp_path, [record(name="ふれあいサロン", phone="0479-63-1111", address="みどり野市北山1-1")])
    path = _write_xlsx(tmp_path / "a.xlsx", [["名称", "電話"], ["ふれあいサロン", "0479-64-2222"]])
    data = _json(cli("import", path, "--format", "json"))
    outcome = data["outcomes"][0]
    assert outcome["status"] == "新規" and "S00001" in outcome["reason"]


def test_a_copy_of_the_master_imports_as_unchanged_and_elsewhere_keeps_its_origin(cli, tmp_path):
    import shutil

    ws = make_workspace(tmp_path / "a", [record(name="みどり配食", source="引き継ぎ.xlsx:配食:5",
                                                updated_at="2026-01-10")])
    copy = tmp_path / "台帳の写し.xlsx"
    shutil.copy(ws.catalogue, copy)
    data = _json(cli("--workspace", ws.root, "import", copy, "--format", "json"))
    assert data["counts"]["変更なし"] == 1 and data["outcomes"][0]["matched_by"] == "ID"
    assert load(ws).records[0].get("last_confirmed") == "2026-06-01"  # 更新日 is not read as a confirmation
    other = make_workspace(tmp_path / "b", [])
    data = _json(cli("--workspace", other.root, "import", copy, "--format", "json"))
    assert data["counts"]["新規"] == 1
    rec = load(other).records[0]
    assert rec.get("source") == "台帳の写し.xlsx:資源一覧:2"
    assert "元の出典: 引き継ぎ.xlsx:配食:5" in rec.get("notes")
    assert rec.extra.get("元のID") == "S00001"
