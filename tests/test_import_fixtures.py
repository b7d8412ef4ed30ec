"""`shigen import` reads messy municipal files: recall 100 %, no spurious records, ≥ 98 % of fields exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import load, make_workspace
from import_fixtures import FIXTURES, Fixture

from shigen import schema as S
from shigen.importer import read_paths


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path / "ws", [], settings={S.SETTING_AREA_CODE: "0479"})


def _read(fixture: Fixture, folder: Path, cat):  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True, exist_ok=True)
    path = fixture.build(folder)
    options = dict(fixture.options)
    if "mapping" in options:
        options["mapping"] = options["mapping"](folder)
    return read_paths([path], cat, **options)


def test_recall_and_field_accuracy_over_the_fixture_set(ws, tmp_path):
    cat = load(ws)
    expected_total = found = fields = exact = 0
    mismatches = []
    for i, fixture in enumerate(FIXTURES):
        result = _read(fixture, tmp_path / f"in{i}", cat)
        got = {r.get("source"): r for r in result.records}
        assert len(result.records) == len(fixture.expected), (
            f"{fixture.build.__name__}: {len(result.records)} 件(期待 {len(fixture.expected)} 件): {sorted(got)}")
        for exp in fixture.expected:
            expected_total += 1
            rec = got.get(exp["source"])
            if rec is None:
                mismatches.append((exp["source"], "missing"))
                continue
            found += 1
            for key, value in exp.items():
                fields += 1
                if rec.get(key) == value:
                    exact += 1
                else:
                    mismatches.append((exp["source"], key, value, rec.get(key)))
        for exp_extra, row in zip(fixture.extra, result.rows, strict=False):
            assert row.record.extra == exp_extra
    assert expected_total >= 24 and len(FIXTURES) >= 8 and fields > expected_total
    # the fixtures are written so that every record is found and every field matches exactly
    assert found == expected_total, mismatches
    assert exact == fields, mismatches


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.build.__name__ for f in FIXTURES])
def test_each_fixture_exactly(fixture, ws, tmp_path):
    result = _read(fixture, tmp_path / "in", load(ws))
    got = {r.get("source"): r for r in result.records}
    for exp in fixture.expected:
        rec = got[exp["source"]]
        diff = {k: (v, rec.get(k)) for k, v in exp.items() if rec.get(k) != v}
        assert not diff, (exp["source"], diff)
        assert rec.row == int(exp["source"].rsplit(":", 1)[1])
    # no field beyond the expected ones is filled (nothing invented)
    for exp in fixture.expected:
        rec = got[exp["source"]]
        invented = {k: v for k, v in rec.values.items() if v and k not in exp}
        assert not invented, (exp["source"], invented)


def test_layout_report_of_the_genre_workbook(ws, tmp_path):
    result = _read(FIXTURES[0], tmp_path / "in", load(ws))
    sheets = {s.sheet: s for s in result.sheets}
    assert sheets["目次"].status.startswith("見出し行なし")
    assert sheets["作業用"].hidden and sheets["作業用"].status.startswith("非表示")
    haisyoku = sheets["配食"]
    assert haisyoku.header_rows == [4, 5]
    assert haisyoku.as_of == "2023-04-01"
    assert haisyoku.genre_from_sheet == "配食・弁当"
    reasons = {(r, why) for r, why, _ in haisyoku.skipped}
    assert {(8, "空行"), (10, "合計・件数の行"), (11, "注記の行(※・注など)")} <= reasons
    columns = {c.header: c.target for c in haisyoku.columns}
    assert columns["連絡先/電話"] == "phone" and columns["連絡先/FAX"] == "fax"
    assert columns["支払方法"] == "payment" and columns["No."] == "row_number"
    assert haisyoku.normalised > 0
    warnings = [m for s in result.sheets for _, _, m in s.warnings]
    assert any("市外局番" in m for m in warnings)  # 62-7777 got the default area code and was flagged


def test_section_rows_and_repeated_header_are_skipped(ws, tmp_path):
    result = _read(FIXTURES[7], tmp_path / "in", load(ws))
    sheet = result.sheets[0]
    reasons = [why for _, why, _ in sheet.skipped]
    assert reasons.count("区分の見出し行") == 2
    assert "見出しの繰り返し" in reasons and "合計・件数の行" in reasons
    assert sheet.unmapped == ["独自メモ"]


def test_without_area_code_setting_the_number_is_kept_and_flagged(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])
    result = _read(FIXTURES[0], tmp_path / "in", load(ws))
    rec = next(r for r in result.records if r.name == "移動スーパーさかな屋")
    assert rec.get("phone") == "62-7777"
    assert any("62-7777" in m for s in result.sheets for _, _, m in s.warnings)


def test_unmatched_category_is_kept_and_reported(ws, tmp_path):
    result = _read(FIXTURES[2], tmp_path / "in", load(ws))
    assert result.unmatched_genres == {"生きがい・就労": 1}
