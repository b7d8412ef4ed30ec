"""shigen.xlsx_write's zip of a workbook (issue 18): the same bytes as zipfile's writestr, fewer GIL hand-overs."""

from __future__ import annotations

import sys
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shigen import background, xlsx_write

_NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20)
_DATA = st.one_of(st.binary(max_size=3000),
                  st.tuples(st.binary(max_size=50), st.integers(1, 20000)).map(lambda t: t[0] * t[1]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_NAME, _DATA), max_size=6, unique_by=lambda p: p[0]))
def test_a_package_is_byte_for_byte_what_zipfile_writes(tmp_path_factory, parts):
    """Each part deflated by one zlib call (gzip form: its trailer gives the CRC), the members put together by
    zipfile's bookkeeping: the file is the one zipfile's writestr writes — headers, CRCs, sizes, UTF-8 names,
    permissions, central directory — and it reads back."""
    tmp = tmp_path_factory.mktemp("zip")
    xlsx_write.write_package(tmp / "fast.xlsx", parts)
    xlsx_write._write_package_slowly(tmp / "plain.xlsx", parts)
    assert (tmp / "fast.xlsx").read_bytes() == (tmp / "plain.xlsx").read_bytes()
    with zipfile.ZipFile(tmp / "fast.xlsx") as z:
        assert z.testzip() is None
        assert [(i.filename, z.read(i)) for i in z.infolist()] == parts


def test_a_real_workbook_is_the_same_file_either_way(tmp_path, monkeypatch):
    """A workbook with sheets, shared strings and styles (xlsxwriter's parts), zipped both ways."""
    wb = xlsx_write.new_workbook(tmp_path / "a.xlsx")
    ws = wb.add_worksheet("一覧")
    for r in range(300):
        xlsx_write.emit_row(ws, r, [(0, f"名称{r}", None), (1, r, wb.add_format({"bold": True}))])
    wb.close()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        parts = [(i.filename, z.read(i)) for i in z.infolist()]
    xlsx_write._write_package_slowly(tmp_path / "b.xlsx", parts)
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_the_switch_interval_is_short_only_while_packing(tmp_path):
    """The packer gets the GIL back sooner while the books are made; the interval is set back afterwards, also
    when the block fails, and a shorter interval someone set is kept."""
    before = sys.getswitchinterval()
    with xlsx_write.packing():
        assert sys.getswitchinterval() == pytest.approx(min(before, background.SWITCH_INTERVAL), abs=2e-6)
    assert sys.getswitchinterval() == before
    with pytest.raises(RuntimeError, match="boom"), xlsx_write.packing():
        raise RuntimeError("boom")
    assert sys.getswitchinterval() == before
    sys.setswitchinterval(0.0002)
    mine = sys.getswitchinterval()
    try:
        with xlsx_write.packing():
            assert sys.getswitchinterval() == mine
    finally:
        sys.setswitchinterval(before)


def test_another_python_zips_through_writestr(tmp_path, monkeypatch):
    """zipfile's bookkeeping is filled by hand only on the Pythons it was checked on; elsewhere writestr does it
    (the same bytes). On a new CPython this test and the byte-for-byte one above are what to run first."""
    assert ((3, 11) <= sys.version_info[:2] <= (3, 13)) == xlsx_write.FAST_ZIP
    calls = []
    monkeypatch.setattr(xlsx_write, "_write_package_slowly", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(xlsx_write, "FAST_ZIP", False)
    xlsx_write.write_package(tmp_path / "a.xlsx", [("a.xml", b"<a/>")])
    assert len(calls) == 1 and not (tmp_path / "a.xlsx").exists()
    monkeypatch.setattr(xlsx_write, "FAST_ZIP", True)
    xlsx_write.write_package(tmp_path / "b.xlsx", [("a.xml", b"<a/>")])
    assert len(calls) == 1 and (tmp_path / "b.xlsx").exists()
