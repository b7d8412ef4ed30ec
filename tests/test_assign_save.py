"""The save at the end of `shigen assign` (issue 18): members the save does not change are copied as their
compressed bytes, and the rows appended to 担当履歴 are the XML ``cell_xml`` writes, cell for cell."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from builders import load, make_workspace
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from test_assign import mixed_records

from shigen import xlsx_patch
from shigen.assign_run import run_assign
from shigen.model import Record

AS_OF = dt.date(2027, 4, 1)


def _raw_members(path):
    """Each member's compressed bytes as stored in the package (local header skipped), with its CRC."""
    out = {}
    with zipfile.ZipFile(path) as z, path.open("rb") as fh:
        for info in z.infolist():
            fh.seek(info.header_offset + 26)
            n, m = int.from_bytes(fh.read(2), "little"), int.from_bytes(fh.read(2), "little")
            fh.seek(info.header_offset + 30 + n + m)
            out[info.filename] = (info.CRC, info.compress_type, fh.read(info.compress_size))
    return out


def test_assign_copies_the_untouched_parts_of_the_master_without_recompressing(tmp_path):
    ws = make_workspace(tmp_path, mixed_records(30))
    # the master packed without compression (a valid xlsx): recompressing a member would show as ZIP_DEFLATED
    packed = ws.catalogue.read_bytes()
    with zipfile.ZipFile(io.BytesIO(packed)) as zin, zipfile.ZipFile(ws.catalogue, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
    before = _raw_members(ws.catalogue)
    assert {c for _, c, _ in before.values()} == {zipfile.ZIP_STORED}
    with zipfile.ZipFile(ws.catalogue) as z:
        parts = xlsx_patch._sheet_parts(z)[0]
    changed = {parts["担当履歴"], parts["履歴"], parts["設定"]}
    run_assign(ws, method="district", year="2027", as_of=AS_OF)
    assert xlsx_patch.last_path == "fast", xlsx_patch.last_reason
    after = _raw_members(ws.catalogue)
    assert list(after) == list(before)  # same members, same order
    untouched = [n for n in before if n not in changed]
    assert parts["資源一覧"] in untouched and "xl/styles.xml" in untouched
    for name in untouched:
        assert after[name] == before[name], name  # the very same compressed bytes
    with zipfile.ZipFile(ws.catalogue) as z:
        assert z.testzip() is None  # every CRC checks out
    cat = load(ws)
    assert len(cat.assignments) == 30 and len(cat.records) == 30
    assert CalamineWorkbook.from_path(str(ws.catalogue)).get_sheet_by_name("担当履歴").to_python()[1][1] == "S00001"


def test_copy_compressed_handles_stored_members_data_descriptors_and_utf8_names(tmp_path):
    # a package written to a stream that cannot seek: its members carry data descriptors (flag bit 3)
    class NoSeek(io.RawIOBase):
        def __init__(self):
            self.buf = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.buf += b
            return len(b)

    sink = NoSeek()
    members = {"a.xml": b"<a>" + "資源".encode() * 5000 + b"</a>", "資源/b.bin": bytes(range(256)) * 40, "empty": b""}
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            with z.open(name, "w") as out:
                out.write(data)
        z.writestr(zipfile.ZipInfo("stored.txt"), b"stored as it is")  # ZIP_STORED
    src = tmp_path / "src.zip"
    src.write_bytes(bytes(sink.buf))
    with zipfile.ZipFile(src) as zin:
        assert any(i.flag_bits & 0x08 for i in zin.infolist())
        dst = tmp_path / "dst.zip"
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            zout.writestr("first.xml", b"<x/>")  # copied members land after ordinary ones
            for info in zin.infolist():
                xlsx_patch.copy_compressed(zin, zout, info)
            zout.writestr("last.xml", b"<y/>")  # and ordinary ones after them
    with zipfile.ZipFile(dst) as z:
        assert z.testzip() is None
        assert z.namelist() == ["first.xml", *members, "stored.txt", "last.xml"]
        for name, data in members.items():
            assert z.read(name) == data
        assert z.getinfo("stored.txt").compress_type == zipfile.ZIP_STORED
        assert z.read("stored.txt") == b"stored as it is" and z.read("last.xml") == b"<y/>"


def _reference_rows(rows, last):
    """What _append_rows wrote before issue 18: ``cell_xml`` for every cell."""
    r = max(last, 1)
    out = []
    for row in rows:
        r += 1
        cells = [xlsx_patch.cell_xml(f"{xlsx_patch.col_letter(c)}{r}", v, None)
                 for c, v in enumerate(row, start=1) if v not in ("", None)]
        out.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    return "".join(out).encode("utf-8")


_VALUE = st.one_of(st.none(), st.just(""), st.sampled_from(["2027", "田中 花子", "地区", "A&B <c>", "_x0041_", " 空白 "]),
                   st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
                   st.integers(-10**6, 10**6))


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(_VALUE, max_size=6).map(tuple), max_size=12), existing=st.integers(0, 3))
def test_appended_rows_are_what_cell_xml_writes(rows, existing):
    head = b'<worksheet><sheetData>'
    body = b"".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
                    for r in range(1, existing + 1))
    stream = xlsx_patch.SheetStream(io.BytesIO(head + body + b"</sheetData></worksheet>"))
    out = io.BytesIO()
    xlsx_patch._append_rows(stream, out, rows, existing)
    assert out.getvalue() == b"<sheetData>" + body + _reference_rows(rows, existing) + b"</sheetData>"


def test_a_book_failing_in_the_packing_thread_stops_assign_before_the_master_is_saved(tmp_path, monkeypatch):
    import errno
    import threading

    from shigen import xlsx_write

    ws = make_workspace(tmp_path, mixed_records(24))
    master_before = ws.catalogue.read_bytes()
    real = xlsx_write.write_package
    calls = []

    def disk_full_on_the_second(filename, parts, allow_zip64=False):
        calls.append(threading.current_thread().name)
        if len(calls) == 2:
            real(filename, parts[:2], allow_zip64)  # half a file on disk, then the error
            raise OSError(errno.ENOSPC, "No space left on device", str(filename))
        real(filename, parts, allow_zip64)

    monkeypatch.setattr(xlsx_write, "write_package", disk_full_on_the_second)
    try:
        run_assign(ws, method="district", year="2027", as_of=AS_OF)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    else:
        raise AssertionError("the packing thread's error was lost")
    assert all(name.startswith("shigen-zip") for name in calls)  # zipped by the packing thread
    assert not any(t.name.startswith("shigen-zip") for t in threading.enumerate())  # and that thread is gone
    assert ws.catalogue.read_bytes() == master_before  # 担当履歴 not saved
    folder = ws.root / "exports"
    assert not [p for p in folder.rglob("*") if ".tmp-" in p.name]  # no half-written temporary file left
    assert load(ws).assignments == []


def test_a_written_book_is_freed_without_the_cycle_collector(tmp_path):
    """xlsxwriter's sheet → workbook reference is cut after close: a book's objects go with reference counting
    instead of piling up for the cycle collector (issue 18: 0.4 s of collections at 20,000 records)."""
    import gc

    from shigen import update_book_write
    from shigen.assign import plan_assignments

    ws = make_workspace(tmp_path, mixed_records(24))
    cat = load(ws)
    plan = plan_assignments(cat, method="district", year="2027", as_of=AS_OF, created="2027-04-01 09:00:00")
    share = next(s for s in plan.shares if s.record_ids)
    by_id = cat.by_id()
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        update_book_write.write_update_book(tmp_path / "book.xlsx", cat, plan, share,
                                            [by_id[r] for r in share.record_ids], issued_at="2027-04-01 09:00:00",
                                            master_time="t")
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [o for o in gc.garbage if type(o).__module__.startswith(("xlsxwriter", "shigen.xlsx_write"))]
        assert not left, {type(o).__name__ for o in left}
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()
    assert (tmp_path / "book.xlsx").stat().st_size > 0


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=6)


def _esc(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SI = st.one_of(
    _TEXT.map(lambda t: f"<si><t>{_esc(t)}</t></si>"),
    _TEXT.map(lambda t: f'<si><t xml:space="preserve"> {_esc(t)} </t><rPh sb="0" eb="1"><t>ふり</t></rPh></si>'),
    st.lists(_TEXT, min_size=1, max_size=3).map(
        lambda ts: "<si>" + "".join(f'<r><rPr><sz val="11"/></rPr><t>{_esc(t)}</t></r>' for t in ts) + "</si>"),
    st.sampled_from(["<si/>", "<si />", "<si><t/></si>", "<si>\n<t>改行 &lt;si&gt; &amp;</t>\n</si >"]))


def _sst_zip(tmp_path, body):
    path = tmp_path / "sst.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", body)
    return path


@settings(max_examples=60, deadline=None)
@given(items=st.lists(_SI, max_size=20), picks=st.sets(st.integers(0, 25), min_size=1, max_size=6),
       odd=st.sampled_from(["", "<!-- <si><t>x</t></si> -->", "<![CDATA[x]]>", "<?pi <si>?>"]),
       chunk=st.sampled_from([1, 2, 3, 4, 7, 16, 61, 1 << 20]))
def test_the_few_shared_strings_of_the_settings_sheet_are_those_lxml_reads(tmp_path_factory, items, picks, odd, chunk):
    """設定's keys are looked up by counting ``<si>`` by their bytes, piece by piece (issue 18): the same strings as
    parsing the whole table, whatever the pieces' size, and tables a byte count could miscount (comment, CDATA,
    processing instruction) still agree."""
    tmp_path = tmp_path_factory.mktemp("sst")
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    body = (head + f'<sst xmlns="{_NS}" count="{len(items)}">' + "".join(items[:1]) + odd + "".join(items[1:])
            + "</sst>").encode("utf-8")
    with zipfile.ZipFile(_sst_zip(tmp_path, body)) as z:
        want = xlsx_patch.load_shared_strings(z, "xl/sharedStrings.xml", picks)
        sizes = xlsx_patch._SST_HEAD, xlsx_patch._SST_CHUNK
        xlsx_patch._SST_HEAD, xlsx_patch._SST_CHUNK = 160, chunk  # the declaration and <sst …>, then tiny pieces
        try:
            assert xlsx_patch.some_shared_strings(z, "xl/sharedStrings.xml", picks) == want
        finally:
            xlsx_patch._SST_HEAD, xlsx_patch._SST_CHUNK = sizes
        assert set(want) == {i for i in picks if i < len(items)}


def test_a_prefixed_shared_string_table_is_read_the_ordinary_way(tmp_path):
    body = (f'<x:sst xmlns:x="{_NS}"><x:si><x:t>ID</x:t></x:si><x:si><x:t>最後に振ったID</x:t></x:si></x:sst>'
            .encode())
    with zipfile.ZipFile(_sst_zip(tmp_path, body)) as z:
        assert xlsx_patch.some_shared_strings(z, "xl/sharedStrings.xml", {1}) == {1: "最後に振ったID"}


_SHOWN = st.lists(st.one_of(st.just(""), st.sampled_from(['a"b', "c\\d", "改行\n", "\t", "\x7f", "\u2028", "\u3000全角の空白", "資源"]),
                            st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6)),
                  min_size=0, max_size=30)


@settings(max_examples=200, deadline=None)
@given(values=_SHOWN)
def test_the_hidden_sheets_json_is_what_the_json_encoder_writes(values):
    """The fingerprint's JSON and the stored values are joined directly when nothing needs an escape (issue 18):
    the very text ``JSON_TEXT.encode`` writes, so fingerprints made before and after agree."""
    import json

    from shigen import update_book as ub

    assert ub.json_strings(values) == ub.JSON_TEXT.encode(values) == json.dumps(values, ensure_ascii=False)
    shown = (values + [""] * len(ub.SHOWN_KEYS))[:len(ub.SHOWN_KEYS)]
    expected = ub.JSON_TEXT.encode({k: v for k, v in zip(ub.SHOWN_KEYS, shown, strict=True) if v})
    assert ub.json_shown(shown) == expected
    assert json.loads(ub.json_shown(shown)) == {k: v for k, v in zip(ub.SHOWN_KEYS, shown, strict=True) if v}
    record = Record({k: v for k, v in zip(ub.SHOWN_KEYS, shown, strict=True) if v} | {"memo": "内部のメモ"})
    assert ub.hidden_texts(record) == (ub.fingerprint(record.values), expected)
    every = Record(dict(zip(ub.SHOWN_KEYS, shown, strict=True)))  # every key present, empty ones too (as read)
    assert ub.hidden_texts(every) == (ub.fingerprint(every.values), expected)


def test_the_imports_made_while_the_master_is_read_run_in_a_thread_whose_error_stops_assign(tmp_path, monkeypatch):
    """assign imports what follows the load in a thread while calamine parses the master (issue 18): that thread
    did run, is gone when assign returns, and an error in it stops assign before anything is written."""
    import threading

    from shigen import assign_run

    ws = make_workspace(tmp_path, mixed_records(24))
    ran_in = []
    real = assign_run._import_what_follows_the_load

    def recorded():
        ran_in.append(threading.current_thread().name)
        real()

    monkeypatch.setattr(assign_run, "_import_what_follows_the_load", recorded)
    run_assign(ws, method="district", year="2027", as_of=AS_OF)
    assert ran_in == ["shigen-preload"]
    assert not any(t.name == "shigen-preload" for t in threading.enumerate())
    assert len(load(ws).assignments) == 24

    ws2 = make_workspace(tmp_path / "two", mixed_records(24))
    master_before = ws2.catalogue.read_bytes()

    def broken():
        raise ImportError("no module named xlsxwriter")

    monkeypatch.setattr(assign_run, "_import_what_follows_the_load", broken)
    with pytest.raises(ImportError, match="xlsxwriter"):
        run_assign(ws2, method="district", year="2027", as_of=AS_OF)
    assert ws2.catalogue.read_bytes() == master_before
    assert not list((ws2.root / "exports").rglob("*.xlsx"))
    assert not any(t.name == "shigen-preload" for t in threading.enumerate())
