"""`shigen audit` on the command line: exit codes, JSON equal to the library result, the Excel report."""

from __future__ import annotations

import json

import openpyxl
from builders import load, make_workspace
from test_audit import AS_OF, clean

from shigen import schema as S
from shigen.audit import audit_catalogue
from shigen.master import cell_text
from shigen.xlsx_style import SEVERITY_FILLS

CLEAN = [clean(i) for i in range(6)]
WITH_WARNINGS = [*CLEAN, clean(50, last_confirmed="2025-01-10"), clean(51, fee="要確認")]
WITH_ERRORS = [*WITH_WARNINGS, clean(52, phone="0479-62-111"), clean(53, consent="未"),
               clean(54, last_confirmed="2026-04-20"), clean(55, email="info@")]


def test_clean_catalogue_exits_0(cli, tmp_path):
    make_workspace(tmp_path, CLEAN)
    result = cli("audit", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.stderr
    assert "指摘はありません" in result.stdout
    assert cli("audit", "--as-of", AS_OF.isoformat(), "--fail-on", "info").exit_code == 0


def test_fail_on_thresholds(cli, tmp_path):
    make_workspace(tmp_path, WITH_WARNINGS)
    assert cli("audit", "--as-of", AS_OF.isoformat()).exit_code == 0  # default: error
    assert cli("audit", "--as-of", AS_OF.isoformat(), "--fail-on", "warning").exit_code == 1
    assert cli("audit", "--as-of", AS_OF.isoformat(), "--fail-on", "never").exit_code == 0


def test_errors_exit_1_and_table_shows_summary(cli, tmp_path):
    make_workspace(tmp_path, WITH_ERRORS)
    result = cli("audit", "--as-of", AS_OF.isoformat())
    assert result.exit_code == 1
    out = result.stdout
    for text in ("エラー 2 件", "警告 3 件", "情報 1 件", "invalid-phone", "no-consent", "stale", "placeholder",
                 "due-soon", "確認状況", "期限切れ", "主な指摘"):
        assert text in out, text
    assert cli("audit", "--as-of", AS_OF.isoformat(), "--fail-on", "never").exit_code == 0


def test_json_equals_library_result(cli, tmp_path):
    ws = make_workspace(tmp_path, WITH_ERRORS)
    result = cli("audit", "--as-of", AS_OF.isoformat(), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data == audit_catalogue(load(ws), as_of=AS_OF).to_dict()
    assert {f["code"] for f in data["findings"]} == {"invalid-phone", "invalid-email", "no-consent", "stale",
                                                     "placeholder", "due-soon"}
    out = tmp_path / "点検.json"
    result = cli("audit", "--as-of", AS_OF.isoformat(), "--format", "json", "--output", str(out), "--fail-on", "never")
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == data


def test_xlsx_report_content(cli, tmp_path):
    ws = make_workspace(tmp_path, WITH_ERRORS)
    before = ws.catalogue.read_bytes()
    result = cli("audit", "--as-of", AS_OF.isoformat(), "--format", "xlsx")
    assert result.exit_code == 1
    path = tmp_path / "exports" / "点検結果_20270401.xlsx"
    assert path.exists() and str(path.name) in result.stdout.replace("\n", "")
    assert ws.catalogue.read_bytes() == before  # the master is never written

    lib = audit_catalogue(load(ws), as_of=AS_OF)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["概要", "指摘一覧", S.SHEET_RESOURCES]

    summary = list(wb["概要"].iter_rows(values_only=True))
    labels = {row[0]: row for row in summary if row and row[0]}
    assert labels["エラー"][1] == 2 and labels["警告"][1] == 3 and labels["情報"][1] == 1
    assert labels["期限切れ"][1] == 1 and labels["電話番号の誤り"][3] == 1

    sheet = wb["指摘一覧"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:O{len(lib.findings) + 1}"
    head = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[head.index("コード")] for r in rows] == [f.code for f in lib.findings]
    # what a coordinator reads comes first and is what prints (legible on A4 landscape); the technical columns follow
    assert head[:3] == ["重要度", "指摘", "ID"] and head[-4:] == ["関連", "コード", "ファイル", "シート"]
    assert sheet.print_area == f"'指摘一覧'!$A$1:$K${len(lib.findings) + 1}" and head[10] == "対処"
    assert [r[0] for r in rows] == ["エラー", "エラー", "警告", "警告", "警告", "情報"]  # sorted by severity
    assert sheet["A2"].fill.fgColor.rgb.endswith(SEVERITY_FILLS["error"])
    row_col = head.index("行") + 1  # a number centred, not right-aligned against 項目 when printed
    numbers = [c for c in sheet.iter_cols(min_col=row_col, max_col=row_col, min_row=2) for c in c if c.value]
    assert numbers and all(isinstance(c.value, int) and c.alignment.horizontal == "center" for c in numbers)

    copy = wb[S.SHEET_RESOURCES]
    headers = [c.value for c in copy[1]]
    assert headers[: len(S.HEADERS)] == list(S.HEADERS)
    assert copy.freeze_panes == "C2" and copy.auto_filter.ref
    cat = load(ws)
    for f in lib.findings:
        record = cat.records[f.index]
        cell = copy.cell(row=record.row, column=headers.index(f.field) + 1)
        assert cell.comment is not None and f.message in cell.comment.text, (f.code, cell.coordinate)
        assert cell.fill.fgColor.rgb.endswith(SEVERITY_FILLS[f.severity])
        assert cell_text(cell.value) == record.get(S.FIELD_BY_HEADER[f.field].key)  # dates: date cells (issue 13)
    clean_row = cat.records[0].row
    assert all(c.comment is None and c.fill.fill_type is None for c in copy[clean_row])
    assert copy.cell(row=clean_row, column=2).value == cat.records[0].name


def test_xlsx_comments_are_capped_but_cells_still_coloured(tmp_path):
    from shigen.audit import write_xlsx

    ws = make_workspace(tmp_path, WITH_ERRORS)
    cat = load(ws)
    result = audit_catalogue(cat, as_of=AS_OF)
    path = write_xlsx(result, cat, tmp_path / "capped.xlsx", max_comments=2)
    wb = openpyxl.load_workbook(path)
    copy = wb[S.SHEET_RESOURCES]
    comments = [c for row in copy.iter_rows() for c in row if c.comment]
    coloured = [c for row in copy.iter_rows(min_row=2) for c in row if c.fill.fill_type == "solid"]
    assert len(comments) == 2 and len(coloured) == len(result.findings)
    notes = " ".join(str(r[0]) for r in wb["概要"].iter_rows(values_only=True) if r[0])
    assert "最初の 2 セルだけ" in notes


def test_usage_errors(cli, tmp_path):
    make_workspace(tmp_path, CLEAN)
    result = cli("audit", "--as-of", "2027-13-01")
    assert result.exit_code == 2 and "--as-of" in result.stderr
    assert cli("audit", "--as-of", "令和9年4月1日").exit_code == 0  # era dates are normal input
    result = cli("audit", "--output", "x.xlsx")
    assert result.exit_code == 2 and "--format xlsx" in result.stderr
    assert cli("audit", "--format", "csv").exit_code == 2


def test_missing_master_is_a_clear_error(cli):
    result = cli("audit")
    assert result.exit_code == 2
    assert "shigen init" in result.stderr and "Traceback" not in result.stderr


def test_help_is_japanese(cli):
    result = cli("audit", "--help")
    assert result.exit_code == 0
    assert "点検" in result.stdout and "--fail-on" in result.stdout


def test_xlsx_copy_is_capped_for_huge_catalogues(tmp_path):
    from shigen.audit import write_xlsx

    ws = make_workspace(tmp_path, WITH_ERRORS)
    cat = load(ws)
    result = audit_catalogue(cat, as_of=AS_OF)
    wb = openpyxl.load_workbook(write_xlsx(result, cat, tmp_path / "few.xlsx", max_copy_rows=3))
    copy = wb[S.SHEET_RESOURCES]
    assert copy.max_row == 4  # header + 3 records
    assert wb["指摘一覧"].max_row == len(result.findings) + 1  # every finding is still listed
    notes = " ".join(str(r[0]) for r in wb["概要"].iter_rows(values_only=True) if r[0])
    assert f"最初の 3 件だけです(全 {len(cat.records)} 件)" in notes


def _inherited_workbook(path):
    """A small inherited list as coordinators receive them: title rows, then a header on row 3."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "配食"
    ws.append(["みどり野市 配食サービス一覧"])
    ws.append(["令和5年4月1日現在"])
    ws.append(["事業所名", "電話", "住所", "利用できるエリア", "サービス内容", "料金", "営業日", "確認日"])
    ws.append(["さくら弁当", "0479-62-5001", "みどり野市本町2-1", "市内全域", "昼食の配達", "1食600円", "月～金",
               "2026/9/1"])
    ws.append(["ひまわり配食", "0479-62-500", "みどり野市栄町3-3", "市内全域", "夕食の配達", "要確認", "毎日",
               "2026/9/1"])
    wb.save(path)


def test_audit_a_file_before_importing(cli, tmp_path):
    ws = make_workspace(tmp_path, CLEAN)
    before = ws.catalogue.read_bytes()
    source = tmp_path / "引き継ぎ_配食.xlsx"
    _inherited_workbook(source)
    result = cli("audit", str(source), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["records"] == 2
    got = {(f["name"], f["code"], f["file"], f["sheet"], f["row"]) for f in data["findings"]}
    assert got == {("ひまわり配食", "invalid-phone", source.name, "配食", 5),
                   ("ひまわり配食", "placeholder", source.name, "配食", 5)}
    assert ws.catalogue.read_bytes() == before  # nothing imported

    result = cli("audit", str(source), "--as-of", AS_OF.isoformat(), "--format", "xlsx", "--fail-on", "never")
    assert result.exit_code == 0
    report = tmp_path / "exports" / "点検結果_引き継ぎ_配食_20270401.xlsx"
    copy = openpyxl.load_workbook(report)[S.SHEET_RESOURCES]
    headers = [c.value for c in copy[1]]
    phone = copy.cell(row=3, column=headers.index("電話番号") + 1)
    assert phone.value == "0479-62-500" and phone.comment is not None


def test_audit_skips_unreadable_files_only_when_asked(cli, tmp_path):
    make_workspace(tmp_path, CLEAN)
    folder = tmp_path / "資料"
    folder.mkdir()
    _inherited_workbook(folder / "配食.xlsx")
    (folder / "壊れた一覧.xlsx").write_bytes(b"not a workbook")
    result = cli("audit", str(folder), "--as-of", AS_OF.isoformat())
    assert result.exit_code == 3 and "壊れた一覧.xlsx" in result.stderr
    result = cli("audit", str(folder), "--as-of", AS_OF.isoformat(), "--skip-bad", "--fail-on", "never")
    assert result.exit_code == 0 and "壊れた一覧.xlsx" in result.stderr
    assert "資源 2 件" in result.stdout
