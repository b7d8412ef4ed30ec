"""What `shigen assign` reads of the master while python-calamine parses it (issue 18): the save's 設定 sheet,
read ahead, gives the same master as reading it at the save, and is used only for the content it was read from."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile

from builders import load, make_workspace
from test_assign import mixed_records

from shigen import xlsx_patch
from shigen.assign_run import run_assign

AS_OF = dt.date(2027, 4, 1)


_TIME = re.compile(rb"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d)?")


def _members(path):
    """Every part of a package, clock times (履歴's, core.xml's) masked."""
    with zipfile.ZipFile(path) as z:
        return {name: _TIME.sub(b"T", z.read(name)) for name in z.namelist()}


def test_the_settings_read_ahead_save_the_same_master(tmp_path, monkeypatch):
    """assign with the 設定 sheet read in the preload thread and with it read at the save: every part of the
    saved master the same (its 設定, 担当履歴 and the rest), the books the same; the read is used once."""
    out = {}
    used = []
    real = xlsx_patch._settings_sheet

    def settings_sheet(data, zin, sst_part, value, read=None):
        used.append(read is not None)
        return real(data, zin, sst_part, value, read)

    monkeypatch.setattr(xlsx_patch, "_settings_sheet", settings_sheet)
    for ahead in (True, False):
        ws = make_workspace(tmp_path / str(ahead), mixed_records(25))
        if not ahead:
            monkeypatch.setattr(xlsx_patch, "read_settings_ahead", lambda path: None)
        run_assign(ws, method="district", year="2027", as_of=AS_OF)
        assert xlsx_patch.last_path == "fast", xlsx_patch.last_reason
        out[ahead] = _members(ws.catalogue)
        assert not xlsx_patch._SETTINGS_AHEAD  # taken by the save (or never kept)
    assert used == [True, False]
    assert out[True].keys() == out[False].keys()
    for name in out[True]:
        assert out[True][name] == out[False][name], name


def test_a_settings_read_of_other_content_is_not_used(tmp_path):
    """設定 read ahead from the master, then the file replaced by another (the user saved it meanwhile) before the
    records were loaded: the save of what was loaded reads its own 設定 again (the read is kept with its content
    hash), and writes the same master as without any read ahead."""
    ws = make_workspace(tmp_path / "a", mixed_records(10))
    other = make_workspace(tmp_path / "b", mixed_records(12))
    xlsx_patch.read_settings_ahead(ws.catalogue)
    assert len(xlsx_patch._SETTINGS_AHEAD) == 1
    shutil.copyfile(other.catalogue, ws.catalogue)
    cat = load(ws)
    assert cat.last_id == 12
    cat.records_untouched = True
    xlsx_patch.write_patched(cat, ws.catalogue, tmp_path / "out.xlsx")
    assert len(xlsx_patch._SETTINGS_AHEAD) == 1  # not taken: the content it was read from is not the one loaded
    xlsx_patch._SETTINGS_AHEAD.clear()
    xlsx_patch.write_patched(cat, ws.catalogue, tmp_path / "plain.xlsx")
    assert _members(tmp_path / "out.xlsx") == _members(tmp_path / "plain.xlsx")
    xlsx_patch.read_settings_ahead(ws.catalogue)  # read from the content loaded: taken
    xlsx_patch.write_patched(cat, ws.catalogue, tmp_path / "ahead.xlsx")
    assert not xlsx_patch._SETTINGS_AHEAD
    assert _members(tmp_path / "ahead.xlsx") == _members(tmp_path / "plain.xlsx")
