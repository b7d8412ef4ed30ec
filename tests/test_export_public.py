"""One publication rule for every public output: select() picks the records, public_value() blanks the fields.

The scan at the end reads back every cell / paragraph / line of every public output and fails if a placeholder
(要確認, ？, 未定, -, 不明 …) or an invalid phone number is printed anywhere.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from builders import load, make_workspace, record

from shigen import schema as S
from shigen.audit.checks import PLACEHOLDER_ANYWHERE, placeholder
from shigen.export.select import (
    PROBLEM_PHONE,
    PROBLEM_PLACEHOLDER,
    REASON_NO_CONTACT,
    field_problem,
    has_public_contact,
    public_value,
    public_values,
    select,
)
from shigen.model import Record
from shigen.text import find_phones, normalize_phone

AS_OF = "2027-04-01"
FORMATS = ("xlsx", "docx", "pdf", "csv")
BAD_PHONE = "0479-6"  # too short: not a phone number
NO_CONTACT = "連絡先が要確認の店"
WITH_HOLES = "穴のある配食"


def public_records() -> list[dict[str, str]]:
    return [
        record(name=WITH_HOLES, kana="あなのあるはいしょく", phone="要確認", mobile="090-1234-5678", fee="要確認",
               days="未定", hours="？", apply="-", notes="不明", fax=BAD_PHONE, closed_days="(未定)",
               content="お弁当を届けます(内容は要確認)"),
        record(name="きちんとした配食", kana="きちんとしたはいしょく", phone="0479-62-2222"),
        record(name=NO_CONTACT, kana="れんらくさきがようかくにんのみせ", phone="？", mobile=BAD_PHONE, email="不明"),
        record(name="電話だけ無効の店", kana="でんわだけむこうのみせ", phone="12-34", email="shop@example.jp"),
    ]


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path, public_records(), settings={S.SETTING_CONTACT: "みどり野市社会福祉協議会 0479-00-1234"})


# --- the contract ---------------------------------------------------------------------------------------
def test_public_value_blanks_placeholders_and_invalid_phones_only():
    r = Record({"phone": "要確認", "mobile": "090-1234-5678", "fax": BAD_PHONE, "fee": "1食 600円", "days": "月～金(要確認)",
                "hours": "？", "apply": "-", "notes": "不明", "closed_days": "【未定】", "content": "配食"})
    assert public_value(r, "phone") == "" and field_problem(r, "phone") == PROBLEM_PLACEHOLDER
    assert public_value(r, "fax") == "" and field_problem(r, "fax") == PROBLEM_PHONE
    assert public_value(r, "mobile") == "090-1234-5678"
    assert public_value(r, "fee") == "1食 600円" and public_value(r, "content") == "配食"
    for key in ("days", "hours", "apply", "notes", "closed_days"):
        assert public_value(r, key) == "", key
    assert has_public_contact(r)
    assert not has_public_contact(Record({"phone": "？", "email": "不明"}))
    assert has_public_contact(Record({}))  # no contact at all is the audit's missing-field, not judged here


def test_public_values_is_public_value_of_each_field():
    rows = [*public_records(), {"phone": "0479-62-1111", "fax": "03-1234-5678", "fee": "", "notes": "未定"}]
    for area_code in ("", "0479"):
        for values in rows:
            r = Record(dict(values))
            keys = [*S.PUBLIC_KEYS, "memo", "no_such_key"]
            assert public_values(r, keys, area_code=area_code) == {
                k: public_value(r, k, area_code=area_code) for k in keys}


def test_select_leaves_out_records_whose_only_contact_is_a_placeholder_and_counts_held_back_fields(ws):
    sel = select(load(ws), as_of=__import__("datetime").date.fromisoformat(AS_OF))
    names = [r.name for r in sel.records]
    assert NO_CONTACT not in names and [r.name for r in sel.no_contact] == [NO_CONTACT]
    assert sel.left_out[REASON_NO_CONTACT] == 1
    assert WITH_HOLES in names and "電話だけ無効の店" in names  # the e-mail is a usable contact
    counts = sel.held_back_counts()
    assert counts[S.header("phone")] == 2  # 要確認 + 12-34
    assert counts[S.header("fee")] == 1 and counts[S.header("fax")] == 1 and counts[S.header("content")] == 1
    held = {(h.name, h.key) for h in sel.held_back}
    assert (WITH_HOLES, "days") in held and (WITH_HOLES, "mobile") not in held
    staff = select(load(ws), audience="staff", as_of=sel.as_of)
    assert NO_CONTACT in [r.name for r in staff.records] and not staff.held_back
    hole = next(r for r in staff.records if r.name == WITH_HOLES)
    assert staff.value(hole, "phone") == "要確認" and sel.value(hole, "phone") == ""


# --- the scan of every public output ---------------------------------------------------------------------
def assert_nothing_unprintable(texts: list[str], where: str) -> None:
    """No text holds a placeholder (the audit's rule) and every phone-like number in it is a valid number."""
    assert texts, where
    for text in texts:
        for line in str(text).split("\n"):
            for piece in re.split(r"\t|:|：|　| {2,}", line):
                piece = piece.strip()
                assert not (piece and placeholder(piece)), f"{where}: placeholder printed: {piece!r} in {line!r}"
        assert not PLACEHOLDER_ANYWHERE.search(str(text)), f"{where}: {text!r}"
        for _label, number in find_phones(str(text)):
            assert normalize_phone(number).valid, f"{where}: invalid phone printed: {number!r} in {text!r}"
    blob = "\n".join(map(str, texts))
    assert BAD_PHONE + "\n" not in blob + "\n" and NO_CONTACT not in blob, where


def public_outputs(cli, ws, tmp_path) -> dict[str, list[str]]:
    from test_export import docx_texts, xlsx_texts

    out: dict[str, list[str]] = {}
    for fmt in FORMATS:
        result = cli("export", "--as-of", AS_OF, "--format", fmt, "--output", str(tmp_path / f"public.{fmt}"))
        assert result.exit_code == 0, result.stdout + result.stderr
    out["xlsx"] = xlsx_texts(tmp_path / "public.xlsx")
    out["docx"] = docx_texts(tmp_path / "public.docx")
    text = (tmp_path / "public.csv").read_text(encoding="utf-8-sig")
    out["csv"] = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    from pypdf import PdfReader

    out["pdf"] = [page.extract_text() for page in PdfReader(tmp_path / "public.pdf").pages]
    result = cli("find", "配食", "--as-of", AS_OF, "--export", str(tmp_path / "handout.xlsx"))
    assert result.exit_code == 0, result.stdout + result.stderr
    out["handout"] = xlsx_texts(tmp_path / "handout.xlsx")
    return out


def test_no_public_output_prints_a_placeholder_or_an_invalid_phone(cli, ws, tmp_path):
    outputs = public_outputs(cli, ws, tmp_path)
    for where, texts in outputs.items():
        assert_nothing_unprintable(texts, where)
        blob = "\n".join(texts)
        assert WITH_HOLES in blob, where  # the record is listed, only its unusable fields are left out
        assert "090-1234-5678" in blob, where


def test_export_summary_says_how_many_fields_were_held_back_and_where(cli, ws):
    import json

    result = cli("export", "--as-of", AS_OF, "--json")
    data = json.loads(result.stdout)
    assert data["held_back_counts"][S.header("phone")] == 2
    assert {"id": "S00003", "name": NO_CONTACT} in data["no_contact_left_out"]
    assert any(h["name"] == WITH_HOLES and h["field"] == S.header("fee") for h in data["held_back"])
    run = cli("export", "--as-of", AS_OF)
    text = run.stdout + run.stderr
    assert "空欄にしました" in text and f"{S.header('phone')} 2 件" in text and NO_CONTACT in text


def test_staff_list_shows_placeholders_highlighted(cli, ws, tmp_path):
    import openpyxl

    result = cli("export", "--as-of", AS_OF, "--audience", "staff", "--output", str(tmp_path / "staff.xlsx"))
    assert result.exit_code == 0, result.stdout
    wb = openpyxl.load_workbook(tmp_path / "staff.xlsx")
    sheet = wb["全件"]
    headers = [c.value for c in sheet[1]]
    col = headers.index(S.header("phone")) + 1
    flagged = {}
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row, col)
        flagged[cell.value] = cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type == "solid" else None
    assert flagged["要確認"] and flagged["12-34"]  # highlighted
    assert flagged["0479-62-2222"] is None


def test_staff_list_has_a_readable_print_sheet_and_the_full_sheet_prints_sensibly(cli, ws, tmp_path):
    import datetime as dt

    import openpyxl

    from shigen.export.xlsx import PRINT_COLUMNS, PRINT_PAGE_UNITS, PRINT_SHEET

    out = tmp_path / "staff.xlsx"
    assert cli("export", "--as-of", AS_OF, "--audience", "staff", "--output", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    sheet = wb[PRINT_SHEET]
    headers = [c.value for c in sheet[1]]
    assert headers == ["名称", "対応エリア", "電話番号", "サービス内容", "料金", "営業日・時間", "最終確認日", "状態"]
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    assert sheet.print_title_rows == "$1:$1"  # the header on every page
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (None, 1)  # 1 is the default
    assert sheet.page_setup.fitToHeight == 0
    assert round(sheet.column_dimensions["A"].width) == PRINT_COLUMNS[0][1] + 1  # xlsxwriter adds its ~0.7 padding
    assert sheet.max_column == len(headers) == len(PRINT_COLUMNS)
    assert sum(w for _, w in PRINT_COLUMNS) <= PRINT_PAGE_UNITS  # fits at 100 %: 10 pt is not shrunk below 9 pt
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.font.size >= 9 for c in cells)
    assert "配食・弁当" in [c.value for c in sheet["A"]]  # the genre as a heading row
    dates = [c for c in sheet["G"][1:] if c.value is not None]
    assert dates and all(isinstance(c.value, dt.datetime) and c.number_format == "yyyy/mm/dd" for c in dates)
    flagged = [c for c in sheet["C"][1:] if str(c.value).startswith("要確認")]
    assert flagged and flagged[0].fill.fill_type == "solid"  # placeholders highlighted on paper too
    full = wb["全件"]
    assert full.page_setup.scale == 85 and full.print_title_cols == "$A:$B"  # several pages wide, ID and 名称 on each
    assert full.print_title_rows == "$1:$1"


def test_exports_mark_themselves_for_re_import(cli, ws, tmp_path):
    import openpyxl
    from docx import Document

    out = tmp_path / "staff.xlsx"
    assert cli("export", "--as-of", AS_OF, "--audience", "staff", "--output", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    assert wb.properties.category == S.EXPORT_MARK
    assert S.EXPORT_ALL_SHEET in wb.sheetnames and set(S.EXPORT_REPEATING_SHEETS) <= set(wb.sheetnames)
    headers = [c.value for c in wb[S.EXPORT_ALL_SHEET][1]]
    extra = [h for h in headers if h not in S.FIELD_BY_HEADER]
    assert extra == list(S.EXPORT_COMPUTED_HEADERS)  # every other column is a field the importer knows by name
    doc = tmp_path / "b.docx"
    assert cli("export", "--as-of", AS_OF, "--format", "docx", "--output", str(doc)).exit_code == 0
    assert Document(str(doc)).core_properties.category == S.EXPORT_MARK


def test_selection_value_is_public_value_for_every_listed_field(ws):
    import datetime as dt

    sel = select(load(ws), as_of=dt.date.fromisoformat(AS_OF))
    for r in sel.records:
        for key in S.PUBLIC_KEYS:
            assert sel.value(r, key) == public_value(r, key), (r.name, key)
    stranger = Record({"phone": "要確認", "fee": "500円"})  # not listed: judged on the spot by the same rule
    assert sel.value(stranger, "phone") == "" and sel.value(stranger, "fee") == "500円"


def test_docx_contents_update_on_open_and_no_staff_instruction_is_printed(cli, ws, tmp_path):
    import zipfile

    from test_export import docx_texts

    out = tmp_path / "b.docx"
    assert cli("export", "--as-of", AS_OF, "--format", "docx", "--output", str(out)).exit_code == 0
    settings = zipfile.ZipFile(out).read("word/settings.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings
    document = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "TOC \\o" in document  # the contents are a field Word fills with page numbers
    printed = "\n".join(docx_texts(out))
    for word in ("フィールド", "右クリック", "Word で開いて", "更新"):
        assert word not in printed, word


def test_select_without_order_chooses_the_same_records_and_values_and_reads_no_names(ws, monkeypatch):
    """coverage and the find handout ask only which records and values: select(in_order=False) gives the same
    answer without 五十音順 (no reading is suggested, so SudachiPy is not loaded)."""
    import datetime as dt

    import shigen.reading

    cat = load(ws)
    for r in cat.records:
        r.values["kana"] = ""  # every name would need a suggested reading to be sorted
    day = dt.date.fromisoformat(AS_OF)
    full = select(cat, as_of=day)

    def no_reading(record):  # type: ignore[no-untyped-def]
        raise AssertionError("a reading was asked for")

    monkeypatch.setattr(shigen.reading, "reading", no_reading)
    bare = select(cat, as_of=day, in_order=False)
    for a, b in ((full.records, bare.records), (full.stale, bare.stale), (full.no_contact, bare.no_contact),
                 (full.unconfirmed, bare.unconfirmed)):
        assert sorted(id(r) for r in a) == sorted(id(r) for r in b)
    assert sorted(full.held_back, key=repr) == sorted(bare.held_back, key=repr) and full.left_out == bare.left_out
    assert bare.records and not bare.sections
    for r in cat.records:
        for key in S.PUBLIC_KEYS:
            assert full.value(r, key) == bare.value(r, key), (r.name, key)
