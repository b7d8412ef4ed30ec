"""Seventeen synthetic layouts modelled on real municipal practice (tests/import_fixtures.py LAYOUTS):
every expected record found, every expected field exact, nothing invented, extra columns as expected."""

from __future__ import annotations

import pytest
from builders import load, make_workspace
from import_fixtures import LAYOUTS

from shigen import schema as S
from shigen.importer import read_paths


@pytest.mark.parametrize("layout", LAYOUTS, ids=[f.build.__name__ for f in LAYOUTS])
def test_layout_imports_exactly(layout, tmp_path):
    ws = make_workspace(tmp_path / "ws", [], settings={S.SETTING_AREA_CODE: "0479"})
    folder = tmp_path / "in"
    folder.mkdir()
    result = read_paths([layout.build(folder)], load(ws), **layout.options)
    got = {r.get("source"): r for r in result.records}
    assert len(result.records) == len(layout.expected), sorted(got)
    for exp in layout.expected:
        rec = got[exp["source"]]
        diff = {k: (v, rec.get(k)) for k, v in exp.items() if rec.get(k) != v}
        assert not diff, (exp["source"], diff)
        invented = {k: v for k, v in rec.values.items() if v and k not in exp}
        assert not invented, (exp["source"], invented)
    for exp_extra, row in zip(layout.extra, result.rows, strict=False):
        assert {k: row.record.extra.get(k) for k in exp_extra} == exp_extra
    assert len(LAYOUTS) >= 15
