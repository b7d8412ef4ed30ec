"""`shigen letters`: grouping, the Word file, the consent block, privacy, the address list, follow-up."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import load, make_workspace, record
from hypothesis import given, settings
from hypothesis import strategies as st

from shigen import schema as S
from shigen.letters import follow_up, group_providers, states
from shigen.letters.content import CONSENT_QUESTION, LETTER_KEYS, PAUSED_QUESTION, TITLE
from shigen.letters.followup import fold
from shigen.model import Inquiry, Record
from shigen.update_book import LABEL_CONSENT, column_number

SENDER = {
    S.SETTING_LETTER_DEPT: "高齢者支援課",
    S.SETTING_LETTER_ADDRESS: "〒289-2595 みどり野市本町1-1",
    S.SETTING_LETTER_PHONE: "0479-62-0000",
    S.SETTING_LETTER_FAX: "0479-62-0001",
    S.SETTING_LETTER_DEADLINE: "2027-05-31",
}
# values of internal fields that must never be printed (unique, so a scan of the files finds any leak)
SECRETS = {"memo": "ヒミツメモ甲", "confirmed_by": "確認者乙", "source": "出典丙.xlsx"}


def providers_records() -> list[dict[str, str]]:
    return [
        # 株式会社みどり / 山田: two services, one letter
        record(name="みどり配食", kana="みどりはいしょく", operator="株式会社みどり", contact_person="山田 太郎",
               fax="0479-62-2222", **SECRETS),
        record(name="みどり見守り便", kana="みどりみまもり", genre="見守り・安否確認", operator="株式会社みどり",
               contact_person="山田 太郎", **SECRETS),
        # same operator, another contact: a letter of its own
        record(name="みどり移送", kana="みどりいそう", genre="移送・外出支援", operator="株式会社みどり",
               contact_person="佐藤 次郎", **SECRETS),
        # no address, a FAX: produced for FAX
        record(name="ひまわりサロン", kana="ひまわりさろん", genre="サロン・交流の場", operator="ひまわり会", address="",
               postal_code="", fax="0479-11-1111", status=S.STATUS_PAUSED, **SECRETS),
        # neither address nor FAX: still a letter, listed in the summary
        record(name="あおぞら移動販売", kana="あおぞら", genre="移動販売", operator="", address="", postal_code="",
               phone="090-1234-5678", **SECRETS),
        # 廃止: no letter
        record(name="閉じた店", kana="とじたみせ", operator="閉店商会", status=S.STATUS_CLOSED, **SECRETS),
    ]


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path, providers_records(), settings=SENDER)


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def all_text_parts(path: Path) -> dict[str, str]:
    """Every XML part of a .docx / .xlsx (body, headers, footers, properties, shared strings…)."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels"))}


def paragraphs(xml: str) -> list[str]:
    return ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)]


def run_letters(cli, *args: str):
    result = cli("letters", "--as-of", "2027-05-10", "--json", *args)
    assert result.exit_code == 0, result.stderr + result.stdout
    import json

    return json.loads(result.stdout)


# --- grouping ----------------------------------------------------------------------------------------
def test_grouping_by_operator_and_contact():
    recs = [Record(v, row=i) for i, v in enumerate(providers_records())]
    for i, r in enumerate(recs, start=1):
        r["id"] = f"S{i:05d}"
    groups = group_providers([r for r in recs if r.get("status") != S.STATUS_CLOSED], ["配食・弁当"])
    by_name = {(p.name, p.contact): p.ids for p in groups}
    assert by_name[("株式会社みどり", "山田 太郎")] == ["S00001", "S00002"]
    assert by_name[("株式会社みどり", "佐藤 次郎")] == ["S00003"]
    assert by_name[("あおぞら移動販売", "")] == ["S00005"]  # no operator: the service's own name
    assert sorted(sum(by_name.values(), [])) == ["S00001", "S00002", "S00003", "S00004", "S00005"]
    assert [p.number for p in groups] == list(range(1, len(groups) + 1))
    # full-width / spacing variants of the same operator and contact are one provider
    a = Record({"id": "S1", "name": "a", "operator": "株式会社 みどり", "contact_person": "山田　太郎"})
    b = Record({"id": "S2", "name": "b", "operator": "株式会社みどり", "contact_person": "山田 太郎"})
    assert len(group_providers([a, b], [])) == 1


# --- the Word file -------------------------------------------------------------------------------------
def test_one_letter_per_provider_each_on_new_pages(ws, cli):
    out = run_letters(cli)
    assert out["letters"] == 4 and out["records"] == 5 and out["closed_left_out"] == 1
    xml = document_xml(Path(out["document"]))
    paras = paragraphs(xml)
    assert sum(1 for p in paras if p == TITLE) == 4  # one covering letter per provider
    sheets = [p for p in paras if re.match(r"別紙\d+", p)]
    assert len(sheets) == 5  # one sheet per service (not the 廃止 one)
    assert "閉じた店" not in xml
    # every letter but the first and every service sheet start a new page
    assert xml.count("<w:pageBreakBefore/>") == (4 - 1) + 5
    # the cover lists its services, and every sheet carries its record ID (small)
    for rid in ("S00001", "S00002", "S00003", "S00004", "S00005"):
        assert f"ID {rid}" in xml
    size = re.search(r'<w:pgSz w:w="(\d+)" w:h="(\d+)"', xml)
    assert size and abs(int(size.group(1)) - 11906) <= 2 and abs(int(size.group(2)) - 16838) <= 2  # A4 portrait
    # the FAX-only letter says so, with its page count (cover + 1 sheet)
    assert any("FAX 0479-11-1111 宛" in p and "送信枚数 2 枚" in p for p in paras)
    # addressed to 先方担当者 where known, else ご担当者
    assert "山田 太郎 様" in paras and "佐藤 次郎 様" in paras and "ご担当者 様" in paras


def test_consent_block_on_every_sheet_and_paused_question(ws, cli):
    out = run_letters(cli)
    xml = document_xml(Path(out["document"]))
    body = xml.split("<w:body>")[1]
    chunks = body.split("<w:pageBreakBefore/>")  # pages: covering letters and service sheets
    sheets = [c for c in chunks if "別紙" in c and CONSENT_QUESTION in c]
    assert len(sheets) == 5
    for sheet in sheets:
        text = "".join(paragraphs(sheet))
        for answer in S.CONSENT_ANSWERS:
            assert f"□ {answer}" in text
        assert "ご記入日" in text and "ご記入者名" in text
        assert ("ひまわりサロン" in text) == (PAUSED_QUESTION in text)  # only the 休止 service asks about resuming
        # the table: every letter field's label, and the corrections column
        assert "訂正・追加" in text
    assert "休止中と伺っている" in xml


def test_no_internal_field_in_any_part(ws, cli):
    out = run_letters(cli)
    for path in (Path(out["document"]), Path(out["address_list"])):
        for name, text in all_text_parts(path).items():
            for key, secret in SECRETS.items():
                assert secret not in text, f"{key} leaked into {path.name}:{name}"
    # what the table shows is exactly the public fields chosen for letters
    assert all(S.FIELD_BY_KEY[k].public for k in LETTER_KEYS)
    assert not {"memo", "confirmed_by", "source", "visibility", "consent", "contact_person"} & set(LETTER_KEYS)


# --- the address list ----------------------------------------------------------------------------------
def test_address_list_for_mail_merge_and_fax(ws, cli):
    out = run_letters(cli)
    wb = openpyxl.load_workbook(out["address_list"])
    rows = list(wb["宛名一覧"].iter_rows(values_only=True))
    assert rows[0][:6] == ("No.", "郵便番号", "住所", "名称", "担当者", "敬称")  # headers on row 1: a merge source
    body = {r[3] + "/" + (r[4] or ""): r for r in rows[1:]}
    assert len(body) == 4
    yamada = body["株式会社みどり/山田 太郎"]
    base = record()
    assert yamada[1] == "〒" + base["postal_code"] and yamada[2] == base["address"] and yamada[5] == "様"
    assert yamada[6] == "郵送" and yamada[7] == 3  # cover + two sheets
    assert body["ひまわり会/ご担当者"][6] == "FAX" and "住所なし" in body["ひまわり会/ご担当者"][10]
    assert body["あおぞら移動販売/ご担当者"][6] == "手渡し"
    fax = list(wb["FAX送信"].iter_rows(values_only=True))
    assert fax[0][:2] == ("No.", "FAX番号")
    assert {(r[1], r[4]) for r in fax[1:]} == {("0479-62-2222", 3), ("0479-11-1111", 2)}
    nowhere = list(wb["送付先なし"].iter_rows(values_only=True))[1:]
    assert [r[1] for r in nowhere] == ["あおぞら移動販売"]
    assert [u["name"] for u in out["unreachable"]] == ["あおぞら移動販売"]
    assert [u["name"] for u in out["without_address"]] == ["ひまわり会"]


# --- settings, options -------------------------------------------------------------------------------------
def test_missing_sender_settings_is_one_line_and_writes_nothing(tmp_path, cli):
    ws = make_workspace(tmp_path, providers_records(), settings={S.SETTING_LETTER_DEPT: "高齢者支援課"})
    before = ws.catalogue.read_bytes()
    result = cli("letters")
    assert result.exit_code == 2
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1
    for name in (S.SETTING_LETTER_ADDRESS, S.SETTING_LETTER_PHONE, S.SETTING_LETTER_DEADLINE):
        assert name in lines[0]
    assert S.SETTING_LETTER_DEPT + "、" not in lines[0]  # the row that is there is not named
    assert ws.catalogue.read_bytes() == before
    assert not (tmp_path / "exports" / "確認依頼").exists()


def test_deadline_as_days_and_cover_text_from_settings(tmp_path, cli):
    custom = {**SENDER, S.SETTING_LETTER_DEADLINE: "14", S.SETTING_LETTER_TEXT: "{自治体名}からのお願いです。{返信期限}までに。"}
    make_workspace(tmp_path, providers_records()[:1], settings=custom)
    out = run_letters(cli)
    text = "".join(paragraphs(document_xml(Path(out["document"]))))
    assert "みどり野市からのお願いです。令和9年5月24日までに。" in text  # 2027-05-10 + 14 days


def test_first_letters_refuse_a_past_deadline(ws, cli):
    result = cli("letters", "--as-of", "2027-06-01")
    assert result.exit_code == 2 and "返信期限" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_dry_run_writes_nothing(ws, cli):
    before = ws.catalogue.read_bytes()
    out = run_letters(cli, "--dry-run")
    assert out["letters"] == 4 and out["document"] is None
    assert ws.catalogue.read_bytes() == before


def test_district_genre_and_only_due(tmp_path, cli):
    recs = [record(name="古い店", kana="ふるい", operator="古", last_confirmed="2025-01-01"),
            record(name="新しい店", kana="あたらしい", operator="新", last_confirmed="2027-04-01"),
            record(name="北の店", kana="きた", operator="北", district="北地区", address="みどり野市北山1",
                   last_confirmed="2025-01-01"),
            record(name="未確認の店", kana="みかくにん", operator="未", last_confirmed="")]
    make_workspace(tmp_path, recs, settings=SENDER)
    due = run_letters(cli, "--only-due", "--dry-run")
    assert due["records"] == 3  # stale, and never confirmed; not the fresh one
    central = run_letters(cli, "--only-due", "--district", "中央地区", "--dry-run")
    assert central["records"] == 2
    genre = run_letters(cli, "--genre", "配食", "--dry-run")  # a synonym of 配食・弁当
    assert genre["records"] == 4
    bad = cli("letters", "--district", "どこか")
    assert bad.exit_code == 2 and "どこか" in bad.stderr


# --- follow-up -------------------------------------------------------------------------------------------
def fill_consent(book: Path, answers: dict[str, dict], out: Path) -> Path:
    wb = openpyxl.load_workbook(book)
    ws = wb["確認シート"]
    where = {str(ws.cell(r, 1).value): r for r in range(3, ws.max_row + 1)}
    for rid, a in answers.items():
        r = where[rid]
        for role in ("result", "date", "method", "consent"):
            if role in a:
                ws.cell(r, column_number("", role)).value = a[role]
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def test_update_book_has_the_consent_column(ws, cli):
    assert cli("assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01").exit_code == 0
    book = next((ws.exports / "更新作業" / "2027").glob("佐藤*.xlsx"))
    sheet = openpyxl.load_workbook(book)["確認シート"]
    c = column_number("", "consent")
    assert sheet.cell(1, c).value == LABEL_CONSENT
    lists = [dv for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    letter = openpyxl.utils.get_column_letter(c)
    consent_dv = [dv for dv in lists if str(dv.sqref).startswith(letter)]
    assert consent_dv and all(a in consent_dv[0].formula1 for a in S.CONSENT_ANSWERS)


def test_follow_up_round_trip_letters_book_collect_status_reminder(ws, cli):
    out = run_letters(cli)
    cat = load(ws)
    asked = {q.record_id for q in cat.inquiries if q.asked_on == "2027-05-10"}
    assert asked == {"S00001", "S00002", "S00003", "S00004", "S00005"}
    assert {q.method for q in cat.inquiries} == {"郵送", "FAX", "手渡し"}
    assert Path(out["document"]).name in {q.note for q in cat.inquiries}

    assert cli("assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01").exit_code == 0
    book = next((ws.exports / "更新作業" / "2027").glob("佐藤*.xlsx"))
    returned = fill_consent(book, {
        "S00001": {"result": "変更なし", "date": dt.date(2027, 5, 20), "consent": S.CONSENT_ANSWER_PUBLIC},
        "S00003": {"date": dt.date(2027, 5, 21), "consent": S.CONSENT_ANSWER_NONE},  # consent only
        "S00004": {"result": "変更なし", "date": dt.date(2027, 5, 22), "consent": S.CONSENT_ANSWER_STAFF},
    }, ws.root / "返却" / book.name)
    result = cli("collect", str(returned), "--as-of", "2027-05-25")
    assert result.exit_code == 0, result.stdout + result.stderr

    cat = load(ws)
    by_id = cat.by_id()
    assert (by_id["S00001"]["consent"], by_id["S00001"]["visibility"]) == (S.CONSENT_GIVEN, S.VISIBILITY_PUBLIC)
    assert by_id["S00001"]["consent_date"] == "2027-05-20"
    assert (by_id["S00003"]["consent"], by_id["S00003"]["visibility"]) == (S.CONSENT_REFUSED, S.VISIBILITY_STAFF)
    assert by_id["S00003"]["last_confirmed"] == "2026-06-01"  # consent only: the content is not confirmed
    assert (by_id["S00004"]["consent"], by_id["S00004"]["visibility"]) == (S.CONSENT_GIVEN, S.VISIBILITY_STAFF)
    wb = openpyxl.load_workbook(ws.catalogue, read_only=True)
    hist = [r for r in wb[S.SHEET_HISTORY].iter_rows(min_row=2, values_only=True) if r[2] == "collect"]
    wb.close()
    logged = {(r[3], r[4]) for r in hist}
    assert {("S00003", "掲載同意"), ("S00003", "公開範囲"), ("S00003", "掲載同意日"), ("S00004", "公開範囲")} <= logged
    answers = {q.record_id: q.answered_on for q in cat.inquiries if q.answered_on}
    assert answers == {"S00001": "2027-05-20", "S00003": "2027-05-21", "S00004": "2027-05-22"}
    progress = openpyxl.load_workbook(ws.exports / "更新作業" / "2027" / "回収状況.xlsx", read_only=True)["照会"]
    rows = list(progress.iter_rows(values_only=True))
    assert "回答あり 3 件" in rows[0][0] and "回答待ち 2 件" in rows[0][0]  # 2027-05-25: 15 days, not yet overdue
    assert {r[0]: r[6] for r in rows[2:]} == {"S00001": "回答あり", "S00002": "回答待ち", "S00003": "回答あり",
                                              "S00004": "回答あり", "S00005": "回答待ち"}

    f = follow_up(cat, dt.date(2027, 6, 10))
    assert (f.asked, f.answered, f.overdue, f.waiting) == (5, 3, 2, 0)
    assert [r[0] for r in f.overdue_records] == ["S00002", "S00005"]
    status = cli("status", "--as-of", "2027-06-10")
    assert status.exit_code == 0 and "要再送" in status.stdout and "S00002" in status.stdout

    # a second collect of the same book changes nothing (no new 照会 rows, no history)
    before = ws.catalogue.read_bytes()
    again = cli("collect", str(returned), "--as-of", "2027-05-25")
    assert again.exit_code == 0
    assert len(load(ws).inquiries) == len(cat.inquiries)
    assert ws.catalogue.read_bytes() == before

    # --reminder: only the unanswered, marked 再送
    early = cli("letters", "--reminder", "--as-of", "2027-05-25", "--json")
    assert early.exit_code == 0 and '"letters": 0' in early.stdout  # 15 days: not yet due for a reminder
    again = run_letters(cli, "--reminder", "--as-of", "2027-06-10")
    assert again["reminder"] and again["records"] == 2
    xml = document_xml(Path(again["document"]))
    assert "【再送】" + TITLE in "".join(paragraphs(xml)) and "令和9年5月10日付" in xml
    # the 返信期限 of 設定 (2027-05-31) has passed: the reminder asks for an answer within 14 days
    assert "令和9年6月24日までにご返送" in "".join(paragraphs(xml)) and "令和9年5月31日" not in xml
    assert "ID S00002" in xml and "ID S00005" in xml
    assert "ID S00001" not in xml and "ID S00003" not in xml and "ID S00004" not in xml
    assert "再送" in Path(again["document"]).name
    resent = [q for q in load(ws).inquiries if q.resend]
    assert sorted(q.record_id for q in resent) == ["S00002", "S00005"]
    assert follow_up(load(ws), dt.date(2027, 6, 11)).resent == 2


def test_invalid_consent_answer_is_a_finding_and_changes_nothing(ws, cli):
    run_letters(cli)
    assert cli("assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01").exit_code == 0
    book = next((ws.exports / "更新作業" / "2027").glob("佐藤*.xlsx"))
    returned = fill_consent(book, {"S00001": {"result": "変更なし", "date": dt.date(2027, 5, 20), "consent": "たぶん"},
                                   "S00002": {"result": "連絡つかず", "consent": S.CONSENT_ANSWER_PUBLIC}},
                            ws.root / "返却" / book.name)
    before = load(ws).by_id()["S00001"].values.copy()
    result = cli("collect", str(returned), "--as-of", "2027-05-25", "--format", "json")
    assert result.exit_code == 1
    assert [f["code"] for f in __import__("json").loads(result.stdout)["findings"]] == ["invalid-consent"] * 2
    cat = load(ws)
    assert cat.by_id()["S00001"].values == before
    assert not [q for q in cat.inquiries if q.answered_on]


def test_confirmed_by_other_means_counts_as_answered(ws, cli):
    run_letters(cli)
    cat = load(ws)
    r = cat.by_id()["S00002"]
    r["last_confirmed"] = "2027-05-15"  # confirmed by telephone, typed into the master
    st_ = states(cat)["S00002"]
    assert st_.answered(r) and not st_.overdue(dt.date(2027, 7, 1), 21, r)
    other = states(cat)["S00001"]
    assert other.overdue(dt.date(2027, 7, 1), 21, cat.by_id()["S00001"])  # not confirmed since: still overdue


def test_coordinator_scope_is_their_update_book(tmp_path, cli):
    recs = [record(name=f"中央の店{i}", kana=f"ちゅうおう{i}", operator=f"中央{i}", area="中央地区") for i in range(2)]
    recs += [record(name=f"北の店{i}", kana=f"きた{i}", operator=f"北{i}", district="北地区", area="北地区",
                    address=f"みどり野市北山{i}") for i in range(2)]
    ws = make_workspace(tmp_path, recs, settings=SENDER)
    assert cli("assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01").exit_code == 0
    book = next((ws.exports / "更新作業" / "2027").glob("鈴木*.xlsx"))
    in_book = {str(r[0]) for r in openpyxl.load_workbook(book, read_only=True)["確認シート"].iter_rows(
        min_row=3, values_only=True) if str(r[0] or "").startswith("S")}
    assert in_book == {"S00001", "S00002"}
    out = run_letters(cli, "--coordinator", "鈴木 一郎")
    xml = document_xml(Path(out["document"]))
    assert set(re.findall(r"ID (S\d{5})", xml)) == in_book  # exactly the records of their update workbook
    assert "担当 鈴木 一郎" in "".join(paragraphs(xml))
    assert "鈴木 一郎" in Path(out["document"]).name
    # no plan gives 田中 anything: their 担当地区 (南地区・東地区) decide, which hold no record here
    none = run_letters(cli, "--coordinator", "田中 健", "--dry-run")
    assert none["letters"] == 0 and any("担当地区" in n for n in none["notes"])
    unknown = cli("letters", "--coordinator", "だれか")
    assert unknown.exit_code == 2 and "だれか" in unknown.stderr


# --- the fold of 照会, as a property -------------------------------------------------------------------------
days = st.dates(min_value=dt.date(2027, 1, 1), max_value=dt.date(2027, 12, 31))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["S1", "S2"]), st.one_of(st.none(), days), st.one_of(st.none(), days)),
                max_size=12))
def test_fold_answered_iff_an_answer_on_or_after_the_last_letter(rows):
    inquiries = [Inquiry(rid, "", a.isoformat() if a else "", "郵送", b.isoformat() if b else "") for rid, a, b in rows]
    folded = fold(inquiries)
    for rid in {"S1", "S2"}:
        asked = [a for r, a, _ in rows if r == rid and a]
        answered = [b for r, _, b in rows if r == rid and b]
        state = folded.get(rid)
        if not asked:
            assert state is None or not state.answered()
            continue
        assert state is not None and state.asked_on == max(asked) and state.times == len(asked)
        assert state.answered() == bool(answered and max(answered) >= max(asked))


def test_pdf_has_the_same_letters_fonts_embedded_and_no_internal_field(ws, cli):
    from pypdf import PdfReader

    out = run_letters(cli, "--format", "pdf")
    path = Path(out["document"])
    assert path.suffix == ".pdf"
    reader = PdfReader(path)
    assert len(reader.pages) == out["pages"] == 4 + 5  # covers + one sheet per service (the page estimate holds)
    texts = [page.extract_text() for page in reader.pages]
    covers = [i for i, t in enumerate(texts) if TITLE in t.replace(" ", "").replace("\n", "")]
    assert len(covers) == 4
    whole = "".join(texts).replace(" ", "").replace("\n", "")
    for answer in S.CONSENT_ANSWERS:
        assert whole.count(answer) >= 5
    for rid in ("S00001", "S00002", "S00003", "S00004", "S00005"):
        assert f"ID{rid}" in whole
    for secret in SECRETS.values():
        assert secret not in whole
    fonts = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            f = font.get_object()
            descendants = f.get("/DescendantFonts")
            desc = descendants[0].get_object() if descendants else f
            descriptor = desc.get("/FontDescriptor")
            if descriptor is not None:
                d = descriptor.get_object()
                assert any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")), f.get("/BaseFont")
            fonts.add(str(f.get("/BaseFont")))
    assert any("NotoSansCJK" in name for name in fonts)


def test_inquiries_saved_on_both_save_paths_and_sheet_made_for_old_masters(ws, cli):
    from shigen import xlsx_patch

    run_letters(cli, "--genre", "配食・弁当")
    assert xlsx_patch.last_path == "fast"  # the 照会 sheet of a new master is appended to like 履歴
    first = [q.record_id for q in load(ws).inquiries]
    assert first == ["S00001"]
    # a master made before `letters` existed has no 照会 sheet: it is created, with its headers
    wb = openpyxl.load_workbook(ws.catalogue)
    del wb[S.SHEET_INQUIRIES]
    wb.save(ws.catalogue)
    run_letters(cli, "--genre", "移動販売", "--output", str(ws.root / "郵送用"))
    assert (ws.root / "郵送用").is_dir() and list((ws.root / "郵送用").glob("確認依頼_*.docx"))
    wb = openpyxl.load_workbook(ws.catalogue, read_only=True)
    rows = list(wb[S.SHEET_INQUIRIES].iter_rows(values_only=True))
    wb.close()
    assert rows[0] == S.INQUIRY_HEADERS
    assert [r[0] for r in rows[1:]] == ["S00005"] and rows[1][3] == "手渡し"


def test_output_must_be_a_folder(ws, cli):
    result = cli("letters", "--as-of", "2027-05-10", "--output", "手紙.docx")
    assert result.exit_code == 2 and "フォルダー" in result.stderr


def test_a_second_run_on_the_same_day_never_overwrites_the_first(ws, cli):
    first = run_letters(cli, "--genre", "配食・弁当")
    before = Path(first["document"]).read_bytes()
    second = run_letters(cli, "--genre", "配食・弁当")
    assert Path(second["document"]).name == Path(first["document"]).stem + "(2).docx"
    assert Path(second["address_list"]).name.endswith("(2).xlsx")
    assert Path(first["document"]).read_bytes() == before
    assert [q.note for q in load(ws).inquiries] == [Path(first["document"]).name, Path(second["document"]).name]


def test_page_estimate_matches_the_typeset_pdf_for_long_texts(tmp_path, cli):
    """The FAX cover line and the FAX list give each letter's pages before printing: the estimate (a model of the
    page, fitted to Typst and to LibreOffice's layout of the Word file) must equal the pages Typst made."""
    from pypdf import PdfReader

    lengths = (0, 14, 30, 65, 150, 320)
    recs = [record(name=f"店{i}", kana=f"みせ{i}", operator=f"運営{i}", content="お弁当を届けます。" * n,
                   status=S.STATUS_PAUSED if i == 2 else S.STATUS_ACTIVE) for i, n in enumerate(lengths)]
    make_workspace(tmp_path, recs, settings=SENDER)
    out = run_letters(cli, "--format", "pdf")
    reader = PdfReader(out["document"])
    starts = [i for i, page in enumerate(reader.pages) if re.match(r"\s*No\.\d+", page.extract_text() or "")]
    actual = [b - a for a, b in zip(starts, [*starts[1:], len(reader.pages)], strict=True)]
    rows = list(openpyxl.load_workbook(out["address_list"])["宛名一覧"].iter_rows(min_row=2, values_only=True))
    assert actual == [r[7] for r in rows]
    assert max(actual) >= 4  # the long ones really are longer than cover + one sheet


def test_master_open_in_excel_stops_before_any_letter_is_written(ws, cli):
    owner = ws.catalogue.with_name("~$" + ws.catalogue.name)
    owner.write_bytes(b"x")
    before = ws.catalogue.read_bytes()
    result = cli("letters", "--as-of", "2027-05-10")
    assert result.exit_code == 3 and "Excel" in result.stderr
    assert not (ws.exports / "確認依頼").exists()  # nothing printed that the master would not record
    assert ws.catalogue.read_bytes() == before
    owner.unlink()
    assert run_letters(cli)["letters"] == 4


# --- the Word file's skeleton (styles, page, footer, properties) comes from a file shipped in the package --------
def _parts(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_the_shipped_skeleton_is_the_one_python_docx_makes() -> None:
    """After a change to _skeleton, the booklet's fonts or python-docx, this fails until write_skeleton() is run."""
    from shigen.letters.docx import SKELETON, build_skeleton

    shipped = _parts(SKELETON.read_bytes())
    assert list(shipped) == list(_parts(build_skeleton()))
    assert shipped == _parts(build_skeleton())


@pytest.mark.parametrize(("municipality", "department", "resend"), [
    ("みどり野市", "高齢者支援課", False),
    ("みどり野市", "高齢者支援課", True),
    ("A&B <町>", "\"福祉\" 'の' 課 > 係", False),
    ("", "", True),  # no name: the author is 「shigen」
    ("みどり野市", "高齢者支援課\n地域包括ケア係😀", False),
])
def test_the_filled_in_skeleton_is_what_python_docx_makes_for_the_sender(municipality: str, department: str,
                                                                          resend: bool) -> None:
    from shigen.letters.content import Sender
    from shigen.letters.docx import author_of, build_skeleton, footer_texts, skeleton_parts

    s = Sender(municipality, department, "〒289-2595 みどり野市本町1-1", "0479-62-0000", "", dt.date(2027, 5, 31), "")
    left, right = footer_texts(s, resend)
    assert dict(skeleton_parts(s, resend)) == _parts(build_skeleton(left, right, author_of(s)))


# --- pages of a service sheet: the short cut for a table that fits on one page agrees with the row-by-row count ---
_TEXTS = st.one_of(st.just(""), st.text(alphabet="あア漢字abc123 、。\n", max_size=400),
                   st.text(alphabet="配食サービス内容の説明", min_size=30, max_size=120))


@settings(max_examples=300, deadline=None)
@given(values=st.lists(_TEXTS, min_size=len(LETTER_KEYS), max_size=len(LETTER_KEYS)), paused=st.booleans(),
       fmt=st.sampled_from(["docx", "pdf"]))
def test_sheet_pages_short_cut_matches_the_row_by_row_count(values: list[str], paused: bool, fmt: str) -> None:
    from shigen.letters.content import LAYOUTS, PAUSED_MM, _pages_laid_out, service_pages

    value_of = dict(zip(LETTER_KEYS, values, strict=True))
    r = Record({"status": S.STATUS_PAUSED if paused else S.STATUS_ACTIVE})
    m = LAYOUTS[fmt]
    assert service_pages(r, value_of, fmt) == _pages_laid_out(value_of, m, m.consent + (PAUSED_MM if paused else 0))
