"""Import warnings are coded findings from the shared catalogue (shigen.findings, stage import; issue 15)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
from builders import load, make_workspace
from import_fixtures import FIXTURES

from shigen import schema as S
from shigen.findings import CODES, Stage, render, stage_codes
from shigen.importer import read_paths
from shigen.importer.report import ImportFinding

ROOT = Path(__file__).resolve().parent.parent
IMPORT_CODES = {c.code for c in stage_codes(Stage.IMPORT)}


def _messy_rows(folder: Path) -> Path:
    """One sheet that sets off many kinds of warning at once."""
    path = folder / "警告の多い一覧.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "一覧"
    ws.append(["名称", "種別", "住所", "電話番号", "FAX", "メール", "確認日", "郵便番号", "有償・無償"])
    ws.append(["あおば会", "配食", "みどり野市本町1-2", "62-7777", "＊", "aoba@", "いつか", "12", "たぶん"])
    ws.append(["みどり弁当", "〃", "＊", "+81 479-62-1111", "なし", "m@example.jp", "R5.4.1", "289-2511", "有償"])
    ws.append(["", "", "", "0479-62-2222", "", "", "", "", ""])  # continues みどり弁当
    ws.append(["ひかり商店", "宇宙旅行", "本?町3", "0479-62-3333 0479-62-4444", "", "h@example.jp", "", "289-2512", ""])
    ws.append(["さくら会", "", "", 479625555, "", "s@example.jp", "", "289-2513", ""])
    wb.save(path)
    return path


def test_every_warning_of_an_import_is_a_coded_finding_whose_text_is_the_catalogues(tmp_path):
    ws = make_workspace(tmp_path / "ws", [], settings={S.SETTING_AREA_CODE: "0479"})
    cat = load(ws)
    warnings: list[ImportFinding] = []
    sources = [_messy_rows(tmp_path)]
    for i, fixture in enumerate(FIXTURES):
        folder = tmp_path / f"in{i}"
        folder.mkdir()
        options = dict(fixture.options)
        if "mapping" in options:
            options["mapping"] = options["mapping"](folder)
        sources.append((fixture.build(folder), options))  # type: ignore[arg-type]
    for source in sources:
        path, options = source if isinstance(source, tuple) else (source, {})
        result = read_paths([path], cat, **options)
        warnings += [w for s in result.sheets for w in s.warnings]
    assert warnings
    for w in warnings:
        assert isinstance(w, ImportFinding)
        assert w.code in IMPORT_CODES, w
        assert CODES[w.code].stage == Stage.IMPORT
        assert w.hint == CODES[w.code].hint or w.hint  # every finding says what to do
        # the text is the catalogue's template, filled in: it fits the template with any values
        pattern = re.escape(CODES[w.code].message)
        pattern = re.sub(r"\\\{\w+\\\}", ".*", pattern)
        assert re.fullmatch(pattern, w.message, re.S), (w.code, w.message)
        row, field, message = w  # still the (row, field, message) triple
        assert (row, field, message) == (w[0], w[1], w[2]) == (w.row, w.field, w.message)
    seen = {w.code for w in warnings}
    assert {"phone-area-code-added", "placeholder-mark", "email-malformed", "date-unreadable", "postal-code-malformed",
            "choice-unknown", "phone-country-code", "row-continues-record", "genre-unmatched", "lost-character",
            "phone-moved-to-notes", "phone-leading-zero"} <= seen, sorted(IMPORT_CODES - seen)


def test_the_messages_read_as_before(tmp_path):
    """The wording users saw before the codes is kept (the message is rendered from the catalogue)."""
    assert render("phone-area-code-added", number="0479-62-7777")[0] == \
        "市外局番がないため設定の既定の市外局番を補いました(0479-62-7777)。確かめてください"
    assert render("placeholder-mark", value="＊", detail="そのまま残しました。")[0] == \
        "『＊』は値の代わりの印です(そのまま残しました。公開の一覧には載りません)"
    assert render("postal-code-from-address", postal="289-2511")[0] == \
        "郵便番号が空欄です。住所からは 〒289-2511 です(shigen fix で入れられます)。"
    assert render("file-nul-removed", count=3)[0] == "NUL 文字(\\0)が 3 個入っていたため取り除きました"


def test_every_import_code_is_used_by_the_importer_and_every_used_code_exists():
    text = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "shigen" / "importer").glob("*.py"))
    used = set(re.findall(r"""["']([a-z0-9]+(?:-[a-z0-9]+)+)["']""", text)) & set(CODES)
    assert used == IMPORT_CODES, (sorted(IMPORT_CODES - used), sorted(used - IMPORT_CODES))


def test_json_report_and_screen_carry_code_severity_and_hint(cli, tmp_path):
    ws = make_workspace(tmp_path, [], settings={S.SETTING_AREA_CODE: "0479"})
    (tmp_path / "in").mkdir()
    path = _messy_rows(tmp_path / "in")
    result = cli("import", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    warnings = [w for f in data["files"] for s in f["sheets"] for w in s["warnings"]]
    assert warnings and all(set(w) == {"row", "field", "code", "severity", "title", "message", "hint"}
                            for w in warnings)
    area = next(w for w in warnings if w["code"] == "phone-area-code-added")
    assert area["severity"] == "warning" and area["title"] == CODES["phone-area-code-added"].title
    assert area["row"] == 2 and area["field"] == "電話番号"

    report = next(ws.exports.glob("取込報告_*.xlsx"))
    rows = list(openpyxl.load_workbook(report)["飛ばした行と警告"].values)
    assert rows[0][-2:] == ("コード", "対処")
    coded = [r for r in rows[1:] if r[6]]
    assert {r[6] for r in coded} >= {"phone-area-code-added", "email-malformed"}
    assert all(r[3] in ("警告", "情報") and r[7] for r in coded)

    shown = cli("import", path, "--dry-run")
    assert "(phone-area-code-added)" in shown.stdout + shown.stderr
