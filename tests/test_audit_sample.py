"""`shigen audit` on the sample workspace (workbooks/): only the planted defects are errors.

The planted defects are listed in workbooks/README.md (わざと入れてある不備 and ファイルをまたいだ重複).
Everything else in the inherited files is messy but correct, so it must not produce an error finding.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks"
AS_OF = "2027-04-01"

PLANTED_ERRORS = {
    ("買い物代行サービス てとて", "invalid-phone", "電話番号"),  # 0479-62-310
    ("就労的活動 みどり野ワークス", "unknown-genre", "ジャンル"),  # 生きがい・就労
    ("磯辺なかよしサロン", "missing-field", "サービス内容"),
    ("みんなの食堂 ひがしだい", "missing-field", "サービス内容"),
}
PLANTED_PLACEHOLDERS = {
    ("ふるさと野菜直売会", "電話番号"), ("便利屋 ワンハンド", "料金"), ("手芸サロン きらり", "住所"),
    ("大久保おとな食堂", "料金"), ("磯辺なかよしサロン", "営業日"),
}
PLANTED_STALE = {"ごはん処 きたやま", "移動販売 とうだい商店", "朝日ヶ丘ふれあい送迎", "理容 さかえ",
                 "南浜ふれあい会 ゴミ出し支援", "ひまわり薬局 在宅訪問"}
DUPLICATE_PAIRS = [("まるみ商店",), ("北山たすけあいの会",), ("みどり野給食センター",), ("のりあい号",)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    if not (SAMPLE / "引き継ぎ資料").is_dir():
        pytest.fail("the sample workspace workbooks/引き継ぎ資料 is missing")
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE / "引き継ぎ資料", root / "引き継ぎ資料")
    return root


def _run(root: Path, *args: str):
    from typer.testing import CliRunner

    from shigen.cli import app

    return CliRunner().invoke(app, ["--workspace", str(root), *args])


def _check(data: dict) -> None:
    findings = data["findings"]
    errors = {(f["name"], f["code"], f["field"]) for f in findings if f["severity"] == "error"}
    assert errors == PLANTED_ERRORS
    placeholders = {(f["name"], f["field"]) for f in findings if f["code"] == "placeholder"}
    assert placeholders == PLANTED_PLACEHOLDERS
    stale = {f["name"] for f in findings if f["code"] == "stale"}
    assert stale >= PLANTED_STALE
    duplicates = [f for f in findings if f["code"] == "duplicate"]
    assert len(duplicates) == len(DUPLICATE_PAIRS)
    for (word,) in DUPLICATE_PAIRS:
        assert sum(word in f["name"] and word in f["message"] for f in duplicates) == 1, word
    # one provider, several services under one number: the 社協 (0479-62-0294) is not a duplicate
    assert not any("社会福祉協議会" in f["name"] for f in duplicates)


def test_audit_the_inherited_files_before_importing(sample):
    init = _run(sample, "init", "--settings", str(SAMPLE / "設定.xlsx"))
    assert init.exit_code == 0, init.stderr
    master = sample / "workbooks" / "catalogue.xlsx"
    before = master.read_bytes()
    result = _run(sample, "audit", str(sample / "引き継ぎ資料"), "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1, result.stderr  # the planted errors
    data = json.loads(result.stdout)
    assert data["records"] == 151
    _check(data)
    assert master.read_bytes() == before  # auditing files never writes the master
    tetote = next(f for f in data["findings"] if f["code"] == "invalid-phone")
    assert (tetote["file"], tetote["sheet"], tetote["row"]) == ("生活支援サービス_Web出力.csv", "", 30)
    kirari = next(f for f in data["findings"] if f["name"] == "手芸サロン きらり" and f["code"] == "placeholder")
    assert (kirari["file"], kirari["sheet"]) == ("北地区_支えあいリスト.xlsx", "北地区")

    xlsx = _run(sample, "audit", str(sample / "引き継ぎ資料"), "--as-of", AS_OF, "--format", "xlsx",
                "--fail-on", "never")
    assert xlsx.exit_code == 0, xlsx.stderr
    assert list((sample / "exports").glob("点検結果_引き継ぎ資料_*.xlsx"))


def test_audit_after_importing(sample):
    imported = _run(sample, "import", str(sample / "引き継ぎ資料"), "--by", "テスト")
    assert imported.exit_code == 0, imported.stderr
    result = _run(sample, "audit", "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    _check(data)
    assert all(f["sheet"] == "資源一覧" and f["record_id"] for f in data["findings"])
