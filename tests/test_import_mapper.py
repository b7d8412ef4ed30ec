"""The evidence-based column mapper, phone repairs, genre matching, formats and the CLI options of issue 12."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import load, make_workspace

from shigen import schema as S
from shigen.errors import InputError
from shigen.importer import mapper as M
from shigen.importer import read_paths
from shigen.importer.values import join_address, prepare_phone_text
from shigen.model import Genre, match_genre

GENRES = [Genre(s.name, i, synonyms=s.synonyms) for i, s in enumerate(S.DEFAULT_GENRES)]


def _targets(headers, columns):  # type: ignore[no-untyped-def]
    return {d.header: d.target for d in M.decide(headers, columns)}


# --- mapper --------------------------------------------------------------------------------------
def test_a_text_column_never_becomes_the_phone():
    got = _targets(["施設名", "問い合わせ先", "TEL"],
                   [["福祉会館", "公民館"], ["高齢者福祉課", "生涯学習課"], ["0479-62-1111", "0479-62-2222"]])
    assert got["TEL"] == "phone" and got["問い合わせ先"] != "phone"


def test_no_column_of_words_is_ever_a_phone_postal_or_url():
    rng = random.Random(12)
    for _ in range(60):  # random word columns under contact headers
        words = ["".join(rng.choice("あいうえお課係室センター") for _ in range(rng.randint(1, 8)))
                 for _ in range(rng.randint(1, 20))]
        for header in ("電話番号", "郵便番号", "URL", "FAX", "メール"):
            assert _targets(["名称", header], [["A"] * len(words), words])[header] not in (
                "phone", "postal_code", "url", "fax", "email"), (header, words)


def test_values_alone_name_a_column_without_header():
    got = _targets(["名称", "", "備考"], [["A", "B"], ["0479-62-1111", "0479-62-2222"], ["x", "y"]])
    assert got[""] == "phone"


def test_parenthesised_field_name_wins_and_runner_up_is_named():
    decisions = {d.header: d for d in M.decide(["名称", "特徴（対応エリアなど）"], [["A"], ["市内全域"]])}
    d = decisions["特徴（対応エリアなど）"]
    assert d.target == "area" and "括弧" in d.why and d.runner_up == "content"


def test_entity_groups_send_the_corporation_to_operator_and_labelled_notes():
    got = _targets(["申請者－名称", "申請者－電話番号", "事業所－名称", "事業所－電話番号"],
                   [["社会福祉法人 A会"], ["03-1111-2222"], ["ホームA"], ["03-3333-4444"]])
    assert got == {"申請者－名称": "operator", "申請者－電話番号": "org:phone", "事業所－名称": "name",
                   "事業所－電話番号": "phone"}


def test_second_name_column_is_not_joined_into_the_name():
    got = _targets(["団体名", "施設名"], [["管財課", "管財課", "管財課"], ["本館", "別館", "会館"]])
    assert got["施設名"] == "name" and got["団体名"] != "name"


def test_english_open_data_names_are_synonyms():
    got = _targets(["name", "postalCode", "telephone", "availableDay", "openingHours", "url"],
                   [["A"], ["289-0001"], ["0479-62-1111"], ["月火"], ["9:00～17:00"], ["https://a.jp/"]])
    assert got == {"name": "name", "postalCode": "postal_code", "telephone": "phone", "availableDay": "days",
                   "openingHours": "hours", "url": "url"}


def test_standard_dataset_column_names_are_recognised():
    got = _targets(["介護サービス事業所名称", "介護サービス事業所名称_カナ", "実施サービス", "方書", "法人の名称", "事業所番号",
                    "利用可能曜日"], [["A"], ["エー"], ["通所介護"], ["2階"], ["社会福祉法人 B"], ["1234567890"], ["月"]])
    assert got == {"介護サービス事業所名称": "name", "介護サービス事業所名称_カナ": "kana", "実施サービス": "genre",
                   "方書": "address_part", "法人の名称": "operator", "事業所番号": "foreign_id", "利用可能曜日": "days"}


@pytest.mark.parametrize(("parts", "joined"), [
    ([("東京都中央区", "所在地"), ("東京都中央区京橋2-6-7", "住所")], "東京都中央区京橋2-6-7"),
    ([("北海道札幌市中央区", "a"), ("中央区南一条西10", "b")], "北海道札幌市中央区南一条西10"),
    ([("千葉県", "1"), ("みどり野市", "2"), ("若葉1-1", "3"), ("会館2階", "方書")], "千葉県みどり野市若葉1-1 会館2階"),
    ([("静岡県湖西市", "Add1"), ("湖西市吉美3270", "Add2")], "静岡県湖西市吉美3270"),
])
def test_address_parts_joined_once(parts, joined):
    assert join_address(parts) == joined


# --- phones ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "is_number", "fixed", "said"), [
    ("8012345678", True, "08012345678", "先頭の 0"),
    ("479621111", False, "0479621111", "先頭の 0"),
    ("+81 3-1234-5678", False, "03-1234-5678", "+81"),
    ("0479(62)1111", False, "0479-62-1111", ""),
    ("12345", False, "12345", ""),  # not a valid number even with a 0: left alone
])
def test_phone_repairs_are_named(text, is_number, fixed, said):
    got, changes = prepare_phone_text(text, is_number)
    assert got == fixed
    assert (said in " ".join(changes)) if said else not [c for c in changes if "0 を補い" in c]


def test_every_phone_change_is_reported(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "電話番号"])
    wb.active.append(["A会", 8012345678])
    wb.active.append(["B店", "+81 479-62-2222"])
    wb.active.append(["C団体", "0479-62-3333、0479-62-3334"])
    wb.save(tmp_path / "a.xlsx")
    result = read_paths([tmp_path / "a.xlsx"], load(ws))
    msgs = [m for _, _, m in result.sheets[0].warnings]
    assert any("先頭の 0" in m and "080-1234-5678" in m for m in msgs)
    assert any("+81" in m for m in msgs)
    assert any("0479-62-3334" in m and "備考" in m for m in msgs)


# --- genres ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("label", "genre"), [
    ("共同生活援助", "障害福祉サービス"), ("生活援助", "家事援助・生活支援"), ("外出・移動", "移送・外出支援"),
    ("移動支援", "移送・外出支援"), ("タクシー", "移送・外出支援"), ("買物", "買い物支援"),
    ("家事・生活のお手伝い", "家事援助・生活支援"), ("通所介護、訪問介護", "介護保険サービス"),
    ("介護老人福祉施設（特別養護老人ホーム）", "介護保険サービス"), ("地域包括支援センター", "相談窓口"),
    ("移動販売車", "移動販売"), ("配食サービス（昼食）", "配食・弁当"), ("いきいきサロン", "サロン・交流の場"),
])
def test_genre_matching_prefers_the_most_specific_term(label, genre):
    assert match_genre(label, GENRES) == genre


def test_a_service_name_is_never_matched_inside_a_longer_one():
    without_disability = [g for g in GENRES if g.name != "障害福祉サービス"]
    assert match_genre("共同生活援助", without_disability) == ""  # reported as unmatched, never 家事援助
    assert match_genre("共同生活援助事業所", without_disability) == ""


# --- formats --------------------------------------------------------------------------------------
@pytest.fixture
def cat(tmp_path):
    return load(make_workspace(tmp_path / "ws", []))


def _one(tmp_path: Path, name: str, data: bytes, cat):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    return read_paths([path], cat)


def test_nul_bytes_are_stripped_and_reported(tmp_path, cat):
    result = _one(tmp_path, "nul.csv", "名称,電話番号\nみどり配食,0479-62-1111\x00\n".encode(), cat)
    assert result.records[0].get("phone") == "0479-62-1111"
    assert any("NUL" in m for _, _, m in result.sheets[0].warnings)


def test_iso_2022_jp_and_euc_jp(tmp_path, cat):
    text = "名称,サービス内容\nみどり配食,お弁当の配達\n"
    for name, enc in (("jis.csv", "iso2022_jp"), ("euc.csv", "euc_jp"), ("sjis.csv", "cp932")):
        result = _one(tmp_path, name, text.encode(enc), cat)
        assert [r.name for r in result.records] == ["みどり配食"], enc
        assert result.records[0].get("content") == "お弁当の配達"


def test_xlsx_saved_under_an_xls_name_and_a_csv_under_an_xlsx_name(tmp_path, cat):
    wb = openpyxl.Workbook()
    wb.active.append(["名称", "電話番号"])
    wb.active.append(["みどり配食", "0479-62-1111"])
    wb.save(tmp_path / "本当はxlsx.xls")
    assert read_paths([tmp_path / "本当はxlsx.xls"], cat).records[0].name == "みどり配食"
    result = _one(tmp_path, "本当はcsv.xlsx", "名称,電話番号\nみどり配食,0479-62-1111\n".encode(), cat)
    assert result.records[0].name == "みどり配食"


def test_ods_is_read(tmp_path, cat):
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               '<office:spreadsheet><table:table table:name="一覧">'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>名称</text:p></table:table-cell>'
               '<table:table-cell office:value-type="string"><text:p>電話番号</text:p></table:table-cell></table:table-row>'
               '<table:table-row><table:table-cell office:value-type="string"><text:p>みどり配食</text:p></table:table-cell>'
               '<table:table-cell office:value-type="string"><text:p>0479-62-1111</text:p></table:table-cell>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "libreoffice.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                    '<manifest:file-entry manifest:full-path="/" '
                    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                    '</manifest:manifest>')
    result = read_paths([path], cat)
    assert [(r.name, r.get("phone")) for r in result.records] == [("みどり配食", "0479-62-1111")]
    assert result.files[0].kind == "ods"


def test_zip_bomb_is_refused_before_reading(tmp_path, cat):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/sharedStrings.xml", "w") as f:  # 60 MB of one character compresses to ~60 KB
            chunk = b"a" * 1_000_000
            for _ in range(60):
                f.write(chunk)
    assert path.stat().st_size < 1_000_000
    with pytest.raises(InputError) as exc:
        read_paths([path], cat)
    assert "膨らむ" in exc.value.text


def test_one_newline_csv_is_empty(tmp_path, cat):
    with pytest.raises(InputError) as exc:
        _one(tmp_path, "空.csv", b"\n", cat)
    assert "空です" in exc.value.text


def test_a_file_type_shigen_cannot_read_exits_3(cli, tmp_path):
    make_workspace(tmp_path, [])
    (tmp_path / "一覧.pdf").write_bytes(b"%PDF-1.4 ...")
    result = cli("import", tmp_path / "一覧.pdf")
    assert result.exit_code == 3 and "表のファイルではありません" in result.stderr


def test_audit_skip_bad_with_nothing_readable_is_not_success(cli, tmp_path):
    make_workspace(tmp_path, [])
    (tmp_path / "壊れた.xlsx").write_bytes(b"PK\x03\x04garbage")
    result = cli("audit", tmp_path / "壊れた.xlsx", "--skip-bad")
    assert result.exit_code == 3 and "何も" in result.stderr and "いません" in result.stderr


# --- report, --save-mapping, audit --mapping, districts ----------------------------------------------
def test_save_mapping_round_trip_with_one_line_fixed(cli, tmp_path):
    ws = make_workspace(tmp_path, [])
    src = tmp_path / "一覧.csv"
    src.write_text("名称,連絡先,活動内容\nみどり配食,0479-62-1111,お弁当\n", encoding="utf-8")
    saved = tmp_path / "対応.toml"
    first = cli("import", src, "--dry-run", "--save-mapping", saved)
    assert first.exit_code == 0, first.stderr
    text = saved.read_text(encoding="utf-8")
    assert '"連絡先" = "電話番号"' in text and '"活動内容" = "サービス内容"' in text
    saved.write_text(text.replace('"活動内容" = "サービス内容"', '"活動内容" = "備考"'), encoding="utf-8")
    second = cli("import", src, "--mapping", saved, "--format", "json")
    assert second.exit_code == 0, second.stderr
    rec = load(ws).records[0]
    assert rec.get("notes") == "お弁当" and rec.get("content") == "" and rec.get("phone") == "0479-62-1111"
    audit = cli("audit", src, "--mapping", saved, "--format", "json")
    assert audit.exit_code in (0, 1), audit.stderr
    assert json.loads(audit.stdout)["records"] == 1


def test_refusal_lists_the_columns_seen_and_suggests_mapping(cli, tmp_path):
    make_workspace(tmp_path, [])
    src = tmp_path / "独自.csv"
    src.write_text("呼び名,ダイヤル\nみどり配食,0479-62-1111\n", encoding="utf-8")
    result = cli("import", src)
    assert result.exit_code == 3
    assert "呼び名" in result.stderr and "ダイヤル" in result.stderr and "--mapping" in result.stderr


def test_districts_from_sheet_names_and_option_are_added_to_a_fresh_workspace(cli, tmp_path):
    ws = make_workspace(tmp_path, [], districts=[])
    wb = openpyxl.Workbook()
    wb.active.title = "北部圏域"
    wb.active.append(["名称", "電話番号"])
    wb.active.append(["北のサロン", "0479-62-1111"])
    wb.save(tmp_path / "圏域.xlsx")
    csv = tmp_path / "南.csv"
    csv.write_text("名称,電話番号\n南のサロン,0479-62-2222\n", encoding="utf-8")
    assert cli("import", tmp_path / "圏域.xlsx").exit_code == 0
    result = cli("import", csv, "--district", "南部圏域", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["new_districts"] == [{"district": "南部圏域", "from": "--district"}]
    cat = load(ws)
    assert [(d.name, d.tier, d.towns) for d in cat.districts] == [("北部圏域", S.TIER_2, ()), ("南部圏域", S.TIER_2, ())]
    assert {r.name: r.get("district") for r in cat.records} == {"北のサロン": "北部圏域", "南のサロン": "南部圏域"}


def test_district_column_values_missing_from_the_sheet_are_added(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])  # 中央・北・南・東地区
    src = tmp_path / "a.csv"
    src.write_text("名称,地区,電話番号\nA会,北地区,0479-62-1111\nB会,西部,0479-62-2222\n", encoding="utf-8")
    cat = load(ws)
    result = read_paths([src], cat)
    assert {r.name: r.get("district") for r in result.records} == {"A会": "北地区", "B会": "西部"}
    assert [d for d, _ in result.new_districts] == ["西部"] and cat.district("西部") is not None


def test_a_contact_column_mixing_department_and_number_is_still_the_phone():
    got = _targets(["名称", "連絡先"], [["A", "B"], ["福祉課 0479-62-1111", "社協 0479-62-2222"]])
    assert got["連絡先"] == "phone"
