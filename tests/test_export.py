"""`shigen export`: what goes in, what never goes in, and how the files are built (read back, never compared)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import make_workspace, record
from docx import Document
from docx.oxml.ns import qn

from shigen import schema as S
from shigen.errors import UsageError
from shigen.export import ExportOptions, export
from shigen.master import load_catalogue
from shigen.model import District

AS_OF = "2027-04-01"
SECRETS = ("SECRET-MEMO-1", "SECRET-PERSON-1", "SECRET-SOURCE-1", "SECRET-CHECKER-1", "SECRET-EXTRA-1")
EXCLUDED = ("NONCONSENT未同意の店", "STAFFONLY関係者のみの会", "PAUSED休止中の食堂", "CLOSED廃止した商店", "REFUSED拒否の店")
STALE = "STALE古い情報の便利屋"
CENTRAL = ("中央配食センター", "市内全域タクシー", "本町まで来る移動販売")  # located / 市内全域 / covers a town
ELSEWHERE = ("南浜のサロン", "東台の体操クラブ")
FORMULAS = {"notes": '=HYPERLINK("http://evil.example","押して")', "fee": "+100円(材料費)", "apply": "-電話で",
            "target": "@どなたでも"}


def _secret_fields(n: int = 1) -> dict[str, str]:
    return {"memo": f"SECRET-MEMO-{n}", "contact_person": f"SECRET-PERSON-{n}", "source": f"SECRET-SOURCE-{n}",
            "confirmed_by": f"SECRET-CHECKER-{n}"}


def catalogue_records() -> list[dict[str, str]]:
    return [
        record(name="中央配食センター", kana="ちゅうおうはいしょくせんたー", district="中央地区", area="中央地区",
               url="https://midori-haisyoku.example.jp/", email="info@midori-haisyoku.example.jp", **_secret_fields()),
        record(name="株式会社 市内全域タクシー", kana="しないぜんいきたくしー", genre="移送・外出支援", district="北地区",
               area="市内全域", address="みどり野市北山2-1", phone="0479-70-2222", **FORMULAS),
        record(name="本町まで来る移動販売", kana="ほんまちまでくるいどうはんばい", genre="移動販売", district="北地区",
               area="北地区・本町", address="みどり野市松原5", phone="0479-70-3333", fax="0479-70-3334"),
        record(name="南浜のサロン", kana="みなみはまのさろん", genre="サロン・交流の場", district="南地区", area="南浜",
               address="みどり野市南浜1", phone="0479-80-1111"),
        record(name="東台の体操クラブ", kana="ひがしだいのたいそうくらぶ", genre="通いの場・体操教室", district="東地区",
               area="", address="みどり野市東台3", phone="0479-90-1111"),
        record(name="NONCONSENT未同意の店", consent="未"),
        record(name="REFUSED拒否の店", consent="拒否"),
        record(name="STAFFONLY関係者のみの会", visibility=S.VISIBILITY_STAFF),
        record(name="PAUSED休止中の食堂", status=S.STATUS_PAUSED),
        record(name="CLOSED廃止した商店", status=S.STATUS_CLOSED, visibility=S.VISIBILITY_STAFF),
        # cycle 12 months + 6 months grace: confirmed 2025-09-30 → due 2026-09-30 → left out after 2027-03-30
        record(name=STALE, kana="ふるいじょうほうのべんりや", genre="家事援助・生活支援", last_confirmed="2025-09-30"),
    ]


def add_extra_column(ws_root: Path, header: str, value: str) -> None:
    """A column the coordinator added by hand to 資源一覧 (kept by shigen, never in public exports)."""
    path = ws_root / "workbooks" / "catalogue.xlsx"
    wb = openpyxl.load_workbook(path)
    sheet = wb[S.SHEET_RESOURCES]
    col = sheet.max_column + 1
    sheet.cell(1, col, header)
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, col, value)
    wb.save(path)


@pytest.fixture
def ws(tmp_path):
    workspace = make_workspace(tmp_path, catalogue_records(),
                               settings={S.SETTING_CONTACT: "みどり野市社会福祉協議会 0479-00-1234"})
    add_extra_column(tmp_path, "独自メモ", "SECRET-EXTRA-1")
    return workspace


# --- reading files back ------------------------------------------------------------------------
def xlsx_texts(path: Path) -> list[str]:
    """Every cell value of every sheet, plus headers/footers and sheet names."""
    wb = openpyxl.load_workbook(path)
    out: list[str] = []
    for sheet in wb.worksheets:
        out.append(sheet.title)
        for row in sheet.iter_rows():
            out.extend(str(c.value) for c in row if c.value is not None)
            out.extend(c.hyperlink.target for c in row if c.hyperlink is not None and c.hyperlink.target)
        for hf in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter):
            out.extend(part.text for part in (hf.left, hf.center, hf.right) if part.text)
    return out


def zip_text(path: Path) -> str:
    """Raw text of every part of an Office file (belt and braces: nothing can hide in an unread part)."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(z.read(n).decode("utf-8", errors="replace") for n in z.namelist())


def docx_texts(path: Path) -> list[str]:
    doc = Document(str(path))
    out: list[str] = [p.text for p in doc.paragraphs]

    def cells(tables):  # type: ignore[no-untyped-def]
        for t in tables:
            for row in t.rows:
                for cell in row.cells:
                    out.append(cell.text)
                    out.extend(p.text for p in cell.paragraphs)
                    cells(cell.tables)

    cells(doc.tables)
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer,
                     section.even_page_header, section.even_page_footer):
            out.extend(p.text for p in part.paragraphs)
            cells(part.tables)
    return out


def assert_private_stays_private(texts: list[str], raw: str) -> None:
    blob = "\n".join(texts)
    for marker in (*SECRETS, *EXCLUDED, STALE):
        assert marker not in blob, marker
        assert marker not in raw, marker
    for f in S.FIELDS:
        if not f.public:
            assert f.header not in blob, f.header  # no internal column heading or label anywhere


def run_export(cli, *args: str):  # type: ignore[no-untyped-def]
    result = cli("export", "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


# --- district semantics and privacy, per format -------------------------------------------------------
def test_public_xlsx_for_a_district_holds_what_is_usable_there_and_nothing_private(cli, ws):
    result = run_export(cli, "--format", "xlsx", "--district", "中央地区")
    path = ws.exports / "社会資源一覧_中央地区_20270401.xlsx"
    assert path.exists()
    texts = xlsx_texts(path)
    blob = "\n".join(texts)
    for name in CENTRAL:
        assert name in blob, name
    for name in ELSEWHERE:
        assert name not in blob, name
    assert_private_stays_private(texts, zip_text(path))
    # the stale record is listed in the terminal, not printed in the file
    assert STALE in result.stdout
    assert "除きました" in result.stderr
    assert "掲載同意が『済』でない 2 件" in result.stdout  # says why the others are missing


def test_public_docx_scans_clean_in_paragraphs_cells_headers_and_footers(cli, ws):
    run_export(cli, "--format", "docx", "--district", "中央地区")
    path = ws.exports / "生活便利帳_中央地区_20270401.docx"
    texts = docx_texts(path)
    blob = "\n".join(texts)
    for name in CENTRAL:
        assert name in blob
    for name in ELSEWHERE:
        assert name not in blob
    assert_private_stays_private(texts, zip_text(path))


def test_public_csv_scans_clean(cli, ws):
    run_export(cli, "--format", "csv", "--district", "中央地区")
    path = ws.exports / "社会資源一覧_中央地区_20270401.csv"
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    cells = [c for row in rows for c in row]
    names = [r[rows[0].index("名称")] for r in rows[1:]]
    assert sorted(names) == sorted(n if n != "市内全域タクシー" else "株式会社 市内全域タクシー" for n in CENTRAL)
    assert_private_stays_private(cells, text)


def test_without_district_every_publishable_fresh_record_goes_in(cli, ws):
    run_export(cli, "--format", "csv")
    text = next(ws.exports.glob("*.csv")).read_bytes().decode("utf-8-sig")
    for name in (*CENTRAL, *ELSEWHERE):
        assert name in text
    assert_private_stays_private([text], text)


def test_staff_list_holds_every_active_record_with_every_field(cli, ws):
    run_export(cli, "--format", "xlsx", "--audience", "staff")
    path = ws.exports / "社会資源一覧_関係者用_20270401.xlsx"
    wb = openpyxl.load_workbook(path)
    all_sheet = wb["全件"]
    headers = [c.value for c in all_sheet[1]]
    for f in S.FIELDS:
        assert f.header in headers
    assert "独自メモ" in headers  # a column the coordinator added is kept for staff
    blob = "\n".join(xlsx_texts(path))
    for marker in (*SECRETS, "NONCONSENT未同意の店", "REFUSED拒否の店", "STAFFONLY関係者のみの会", STALE, *CENTRAL, *ELSEWHERE):
        assert marker in blob, marker
    for marker in ("PAUSED休止中の食堂", "CLOSED廃止した商店"):
        assert marker not in blob
    assert "外部配布禁止" in all_sheet.oddHeader.center.text


# --- Excel build ------------------------------------------------------------------------------------
def test_xlsx_formula_like_values_stay_text(cli, ws):
    run_export(cli, "--format", "xlsx")
    wb = openpyxl.load_workbook(next(ws.exports.glob("*.xlsx")))
    found = {}
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value in FORMULAS.values():
                    assert c.data_type == "s", (sheet.title, c.coordinate, c.value)
                    found[c.value] = True
    assert set(found) == set(FORMULAS.values())
    raw = zip_text(next(ws.exports.glob("*.xlsx")))
    assert "<f>" not in raw and "<f " not in raw  # no formula anywhere in the workbook


def test_xlsx_sheets_styles_and_print_setup(cli, ws):
    run_export(cli, "--format", "xlsx")
    wb = openpyxl.load_workbook(ws.exports / "社会資源一覧_20270401.xlsx")
    names = wb.sheetnames
    assert names[:2] == ["表紙", "全件"]
    assert names[2:] == ["配食・弁当", "移動販売", "移送・外出支援", "通いの場・体操教室", "サロン・交流の場"]  # ジャンル order
    cover = "\n".join(str(c.value) for row in wb["表紙"].iter_rows() for c in row if c.value)
    assert "令和9年4月現在" in cover and "みどり野市" in cover and "0479-00-1234" in cover
    for sheet in wb.worksheets[1:]:
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth in (None, 1)  # absent means 1 (ECMA-376 default)
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"
        assert sheet.freeze_panes == "B2"
        assert sheet.auto_filter.ref.startswith("A1:")
        footer = sheet.oddFooter
        assert footer.center.text == "&P / &N"
        assert footer.right.text == "令和9年4月現在"
        head = sheet["A1"]
        assert head.font.b and head.fill.fgColor.rgb.endswith("1F4E78")
        assert head.value == "名称"
        for cell in sheet[2]:
            assert cell.alignment.wrap_text
    # phone numbers are text, links are clickable
    sheet = wb["全件"]
    headers = [c.value for c in sheet[1]]
    phone_col = headers.index("電話番号") + 1
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row, phone_col)
        assert cell.data_type == "s" and cell.value.startswith("0479-")
    url_cell = sheet.cell(2, headers.index("URL") + 1)
    mail_cell = sheet.cell(2, headers.index("メール") + 1)
    assert url_cell.hyperlink.target == "https://midori-haisyoku.example.jp/"
    assert mail_cell.hyperlink.target == "mailto:info@midori-haisyoku.example.jp"
    # widths: Japanese text gets room, short columns stay narrow
    name_width = sheet.column_dimensions["A"].width
    id_col = openpyxl.utils.get_column_letter(headers.index("ID") + 1)
    assert name_width >= 18 > sheet.column_dimensions[id_col].width


def test_xlsx_order_is_genre_then_gojuon(cli, tmp_path):
    make_workspace(tmp_path, [
        record(name="わかば弁当", kana="わかばべんとう"),
        record(name="株式会社 あさひ配食", kana="かぶしきがいしゃ あさひはいしょく"),
        record(name="いろは移動販売", kana="いろはいどうはんばい", genre="移動販売"),
        record(name="かもめ食堂", kana=""),
        record(name="おかず便", kana="おかずびん", genre="配食・弁当"),
    ])
    run_export(cli, "--format", "xlsx")
    wb = openpyxl.load_workbook(tmp_path / "exports" / "社会資源一覧_20270401.xlsx")
    names = [c.value for c in wb["全件"]["A"][1:]]
    assert names == ["株式会社 あさひ配食", "おかず便", "かもめ食堂", "わかば弁当", "いろは移動販売"]
    assert [c.value for c in wb["配食・弁当"]["A"][1:]] == names[:4]


# --- Word build -------------------------------------------------------------------------------------
def test_docx_booklet_fonts_page_cards_toc(cli, ws):
    run_export(cli, "--format", "docx")
    path = ws.exports / "生活便利帳_20270401.docx"
    doc = Document(str(path))
    section = doc.sections[0]
    assert abs(section.page_width.mm - 210) < 1 and abs(section.page_height.mm - 297) < 1  # A4 portrait
    # fonts: an explicit east-Asian UD font, no theme fonts left to override it, Japanese line breaking
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = defaults.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "BIZ UDゴシック"
    assert rfonts.get(qn("w:ascii")) == "BIZ UDゴシック"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "ja-JP"
    assert int(defaults.find(qn("w:sz")).get(qn("w:val"))) >= 24
    for el in styles.iter(qn("w:rFonts")):
        assert not any(k.endswith("Theme") or k.endswith("theme") for k in el.attrib), el.attrib
    # every run states a size of at least 12 pt (or inherits the 12 pt default)
    body = doc.element.body
    for sz in body.iter(qn("w:sz")):
        assert int(sz.get(qn("w:val"))) >= 24
    # cards: bordered 1-cell tables whose row cannot split; name bold ≥ 14 pt, phone large and bold
    cards = [t for t in doc.tables if "電話" in t.rows[0].cells[0].text]
    assert len(cards) == 5
    for t in cards:
        tr = t.rows[0]._tr
        assert tr.trPr.find(qn("w:cantSplit")) is not None
        assert t._tbl.tblPr.find(qn("w:tblBorders")) is not None
        paras = t.rows[0].cells[0].paragraphs
        name_run = paras[0].runs[0]
        assert name_run.bold and name_run.font.size.pt >= 14
        assert paras[0].paragraph_format.keep_with_next
        phone_runs = [r for r in paras[1].runs if r.text.startswith("0479")]
        assert phone_runs and phone_runs[0].bold and phone_runs[0].font.size.pt >= 16
        labels = [p.runs[0].text for p in paras[2:] if p.runs]
        order = [x for x in ("対応エリア", "サービス内容", "料金", "営業日・時間", "定休日", "申込方法") if x in labels]
        assert order == [x for x in labels if x in order]
        assert len(order) >= 5
    # chapters: one per genre, in ジャンル order, each starting a page
    headings = [p for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert [h.text for h in headings] == ["1. 配食・弁当", "2. 移動販売", "3. 移送・外出支援", "4. 通いの場・体操教室",
                                         "5. サロン・交流の場"]
    assert all(h._p.pPr.find(qn("w:pageBreakBefore")) is not None for h in headings)
    # TOC field plus a written list; Word asked to update fields on open
    instr = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC") for i in instr)
    written = "\n".join(p.text for p in doc.paragraphs)
    assert "1. 配食・弁当" in written and "5. サロン・交流の場" in written
    assert doc.settings.element.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    # header: issue-date stamp on every page; footer: PAGE / NUMPAGES fields
    assert "令和9年4月現在" in section.header.paragraphs[0].text
    footer_instr = [t.text.strip() for t in section.footer._element.iter(qn("w:instrText"))]
    assert footer_instr == ["PAGE", "NUMPAGES"]
    assert not section.different_first_page_header_footer


# --- CSV build --------------------------------------------------------------------------------------
def test_csv_bom_open_data_columns_and_inert_formulas(cli, ws):
    run_export(cli, "--format", "csv")
    data = (ws.exports / "社会資源一覧_20270401.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    for name in ("名称", "名称_カナ", "所在地_連結表記", "電話番号", "FAX番号", "利用可能曜日", "URL", "備考"):
        assert name in header
    assert header[0] == "市区町村名"
    assert header.index("備考") < header.index("対応エリア")  # standard names first, then shigen's own
    by_name = {r[header.index("名称")]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    taxi = by_name["株式会社 市内全域タクシー"]
    assert taxi["名称_カナ"] == "シナイゼンイキタクシー"
    assert taxi["備考"] == "'" + FORMULAS["notes"]
    assert taxi["料金"] == "'" + FORMULAS["fee"]
    assert taxi["市区町村名"] == "みどり野市"
    assert data.count(b"\r\n") == len(rows)


def test_csv_cp932_replaces_and_reports(cli, tmp_path):
    make_workspace(tmp_path, [
        record(name="𠮷田の配食", hours="9:00〜17:00", notes="☎でどうぞ ①②"),
        record(name="髙橋商店", genre="移動販売"),
    ])
    result = run_export(cli, "--format", "csv", "--encoding", "cp932", "--json")
    report = json.loads(result.stdout)
    data = (tmp_path / "exports" / "社会資源一覧_20270401.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("cp932")
    assert "〓田の配食" in text and "髙橋商店" in text and "9:00～17:00" in text and "①②" in text
    replaced = {(r["id"], r["field"]): r["characters"] for r in report["replaced_characters"]}
    assert replaced == {("S00001", "名称"): "𠮷", ("S00001", "備考"): "☎"}
    plain = run_export(cli, "--format", "csv", "--encoding", "cp932")
    assert "〓" in plain.stderr and "𠮷" in plain.stdout


# --- files and options ---------------------------------------------------------------------------------
def test_file_names_are_deterministic_and_cannot_escape_exports(cli, tmp_path):
    districts = [District("../x", S.TIER_2, ("本町",)), District("CON", S.TIER_2, ("北山",)),
                 District("中央地区", S.TIER_2, ("栄町",))]
    make_workspace(tmp_path, [record(district="../x", area="本町")], districts=districts)
    run_export(cli, "--district", "../x")
    run_export(cli, "--district", "CON", "--format", "csv")
    files = sorted(p.name for p in (tmp_path / "exports").iterdir() if p.suffix in (".xlsx", ".csv"))
    assert files == ["社会資源一覧_CON_20270401.csv", "社会資源一覧___x_20270401.xlsx"]
    assert not (tmp_path / "x").exists() and not list(tmp_path.glob("*.xlsx"))
    for p in (tmp_path / "exports").iterdir():
        assert p.resolve().parent == (tmp_path / "exports").resolve()
    assert not list((tmp_path / "exports").glob(".*tmp*"))  # no temporary file left behind


def test_output_option(cli, ws, tmp_path):
    out = tmp_path / "配布"
    out.mkdir()
    run_export(cli, "--output", str(out))
    assert (out / "社会資源一覧_20270401.xlsx").exists()
    run_export(cli, "--format", "docx", "--output", str(out / "便利帳"))
    assert (out / "便利帳.docx").exists()
    bad = cli("export", "--format", "docx", "--output", str(out / "便利帳.xlsx"))
    assert bad.exit_code == 2 and ".docx" in bad.stderr


@pytest.mark.parametrize("args, words", [
    (("--district", "西地区"), ("西地区", "中央地区、北地区、南地区、東地区")),
    (("--genre", "宇宙旅行"), ("宇宙旅行", "配食・弁当")),
    (("--format", "html"), ("html", "xlsx", "pdf")),
    (("--audience", "everyone"), ("everyone", "staff")),
    (("--as-of", "そのうち"), ("そのうち",)),
    (("--encoding", "cp932"), ("--encoding",)),
])
def test_bad_options_are_usage_errors_in_japanese(cli, ws, args, words):
    result = cli("export", *args)
    assert result.exit_code == 2
    for w in words:
        assert w in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(ws.exports.glob("*.xlsx"))


def test_genre_option_takes_names_and_synonyms(cli, ws):
    result = run_export(cli, "--genre", "配食", "--genre", "移動販売", "--format", "csv", "--json")
    report = json.loads(result.stdout)
    assert report["genres"] == ["配食・弁当", "移動販売"]
    assert [g["genre"] for g in report["by_genre"]] == ["配食・弁当", "移動販売"]
    assert Path(report["path"]).name == "社会資源一覧_配食・弁当・移動販売_20270401.csv"


def test_json_report_equals_library_result(cli, ws, tmp_path):
    result = run_export(cli, "--district", "中央地区", "--json")
    shown = json.loads(result.stdout)
    import datetime as dt

    lib = export(load_catalogue(ws.catalogue), ws, ExportOptions(districts=("中央地区",), as_of=dt.date(2027, 4, 1),
                                                                 output=tmp_path / "lib.xlsx")).to_dict()
    for key in ("path",):
        shown.pop(key), lib.pop(key)
    assert shown == lib
    assert [r["name"] for r in shown["stale_left_out"]] == [STALE]
    assert shown["total"] == 3
    assert shown["not_public"] == {"公開範囲が『一般』でない": 1, "掲載同意が『済』でない": 2}


def test_empty_selection_still_writes_a_file_and_says_so(cli, tmp_path):
    make_workspace(tmp_path, [record(district="北地区", area="北地区")])
    result = run_export(cli, "--district", "南地区", "--format", "docx")
    assert "ありません" in result.stderr
    doc = Document(str(tmp_path / "exports" / "生活便利帳_南地区_20270401.docx"))
    assert any("掲載する資源がありません" in p.text for p in doc.paragraphs)


def test_staff_booklet_shows_internal_fields_and_warns(cli, ws):
    run_export(cli, "--format", "docx", "--audience", "staff")
    path = ws.exports / "生活便利帳_関係者用_20270401.docx"
    blob = "\n".join(docx_texts(path))
    for marker in ("SECRET-MEMO-1", "SECRET-PERSON-1", "NONCONSENT未同意の店", "STAFFONLY関係者のみの会"):
        assert marker in blob
    assert "PAUSED休止中の食堂" not in blob and "CLOSED廃止した商店" not in blob
    assert "外部配布禁止" in Document(str(path)).sections[0].header.paragraphs[0].text


def test_control_characters_are_removed_before_writing_xml():
    from shigen.export.files import clean_cell

    assert clean_cell("垂直タブ\x0bと\x1f制御\r\n文字\tタブ") == "垂直タブと制御\n文字\tタブ"


def test_long_titles_and_line_breaks_do_not_break_the_files(cli, tmp_path):
    make_workspace(tmp_path, [record(name="タブ\tと改行\nのある名前", content="制御文字を含む内容", notes="長い" * 16000)])
    title = "とても長い題名&" * 30
    run_export(cli, "--title", title)
    run_export(cli, "--format", "docx", "--title", title)
    wb = openpyxl.load_workbook(tmp_path / "exports" / "社会資源一覧_20270401.xlsx")
    sheet = wb["全件"]
    assert sheet["A2"].value == "タブ\tと改行\nのある名前"
    assert len(sheet.oddHeader.left.text) < 255
    contents = [c.value for c in sheet[2] if isinstance(c.value, str) and c.value.startswith("制御文字")]
    assert contents == ["制御文字を含む内容"]
    doc = Document(str(tmp_path / "exports" / "生活便利帳_20270401.docx"))
    assert any("制御文字を含む内容" in cell.text for t in doc.tables for row in t.rows for cell in row.cells)


@pytest.mark.parametrize("confirmed, cycle, stale", [
    ("2025-09-30", 12, True),  # due 2026-09-30, +6 months = 2027-03-30 < 2027-04-01
    ("2025-10-01", 12, False),  # due+6 months = 2027-04-01: not yet past
    ("2026-03-31", 6, True),  # due 2026-09-30 (6-month cycle) +6 months = 2027-03-30
    ("", 12, False),  # never confirmed: listed, and reported as unconfirmed instead
])
def test_stale_means_more_than_six_months_past_the_cycle(confirmed, cycle, stale):
    import datetime as dt

    from shigen.export.select import is_stale
    from shigen.model import Record

    assert is_stale(Record({"last_confirmed": confirmed}), dt.date(2027, 4, 1), cycle) is stale


def test_every_format_is_one_writer_entry_and_the_cli_offers_exactly_those():
    """The registry is the one list: FORMATS, the --format metavar and help, file suffixes and --encoding read it
    (the CLI adds one alias after them: card, the QR card of `site --card`)."""
    import typer.main

    from shigen.cli.app import app
    from shigen.export import FORMATS, WRITERS, ExportOptions, _writer_function, check_options

    assert FORMATS == tuple(WRITERS) == ("xlsx", "docx", "pdf", "csv", "opendata")
    command = typer.main.get_command(app).commands["export"]  # type: ignore[attr-defined]
    option = next(p for p in command.params if "--format" in p.opts)
    assert option.metavar == "|".join((*FORMATS, "card"))
    assert all(f"{fmt}(" in option.help for fmt in (*FORMATS, "card"))
    for fmt, writer in WRITERS.items():
        assert callable(_writer_function(writer)), fmt
        check_options(ExportOptions(format=fmt, encoding="cp932" if writer.encodings else "utf-8"))
        if not writer.encodings:
            with pytest.raises(UsageError):
                check_options(ExportOptions(format=fmt, encoding="cp932"))


def test_export_format_card_is_site_card(cli, ws, tmp_path):
    """`export --format card` is an alias of `site --card`: the same card sheet, the same options, the same checks."""
    url = "https://www.city.example.jp/kurashi/"
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    res = cli("export", "--format", "card", "--base-url", url, "--contact", "高齢福祉課 0479-62-0000", "--output", str(a))
    assert res.exit_code == 0, res.output
    assert cli("site", "--card", "--base-url", url, "--contact", "高齢福祉課 0479-62-0000", "--output", str(b)).exit_code == 0
    za, zb = zipfile.ZipFile(a), zipfile.ZipFile(b)
    assert za.namelist() == zb.namelist()
    for name in za.namelist():
        if name != "docProps/core.xml":
            assert za.read(name) == zb.read(name), name
    assert url in json.loads(cli("export", "--format", "card", "--base-url", url, "--output", str(a), "--json").output)["url"]
    res = cli("export", "--format", "card")  # no address for the QR code: one message, exit 2
    assert res.exit_code == 2 and "--base-url" in res.output
    res = cli("export", "--format", "card", "--base-url", url, "--district", "中央地区")
    assert res.exit_code == 2 and "--district" in res.output
    res = cli("export", "--base-url", url)  # the card's options belong to the card
    assert res.exit_code == 2 and "--format card" in res.output


def test_the_screen_lists_at_most_thirty_left_out_resources_and_json_has_them_all(cli, tmp_path):
    stale = [record(name=f"古い情報の店{i:02d}", kana=f"ふるいじょうほうのみせ{i:02d}", last_confirmed="2024-01-01")
             for i in range(35)]
    make_workspace(tmp_path, [record(), *stale])
    res = cli("export", "--as-of", AS_OF, "--output", str(tmp_path / "a.xlsx"))
    assert res.exit_code == 0, res.output
    shown = [f"古い情報の店{i:02d}" for i in range(35) if f"古い情報の店{i:02d}" in res.output]
    assert len(shown) == 30 and "ほか 5 件" in res.output
    data = json.loads(cli("export", "--as-of", AS_OF, "--output", str(tmp_path / "a.xlsx"), "--json").output)
    assert len(data["stale_left_out"]) == 35


@pytest.mark.parametrize("audience", ["public", "staff"])
def test_xlsx_list_is_the_same_bytes_as_plain_xlsxwriter(ws, tmp_path, monkeypatch, audience):
    """The list is written with shigen.xlsx_write's faster sheets: every part as plain xlsxwriter writes it (URLs,
    e-mail links, dates, formula-like text, blanks, flagged staff cells and the sheets' set-up included)."""
    import datetime as dt
    import re

    from shigen import xlsx_write

    dates = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>")
    out = []
    for fast in (True, False):
        monkeypatch.setattr(xlsx_write, "FAST", fast)
        path = tmp_path / f"{audience}-{fast}.xlsx"
        export(load_catalogue(ws.catalogue), ws, ExportOptions(audience=audience, as_of=dt.date(2027, 4, 1),
                                                               output=path))
        with zipfile.ZipFile(path) as z:
            out.append({n: dates.sub(b"", z.read(n)) if n == "docProps/core.xml" else z.read(n) for n in z.namelist()})
    assert list(out[0]) == list(out[1])
    assert out[0] == out[1]
