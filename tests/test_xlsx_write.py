"""shigen.xlsx_write: the fast cell paths write what plain xlsxwriter writes (issue 18): byte for byte, or — rows
made at once by emit_row — the same cells and look with the styles numbered in another order."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import openpyxl
import pytest
from builders import load, make_workspace, record
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_assign import mixed_records
from xlsx_canon import canonical_parts

from shigen import xlsx_write
from shigen.assign import plan_assignments
from shigen.assign_run import write_plan
from shigen.update_book_read import read_update_book

AS_OF = dt.date(2027, 4, 1)
_DATES = re.compile(rb"<dcterms:(created|modified)[^<]*</dcterms:\w+>")


def _parts(path):
    """Every part of an xlsx package; the creation time stamp (the only thing that differs run to run) left out."""
    with zipfile.ZipFile(path) as z:
        return {name: _DATES.sub(b"", z.read(name)) if name == "docProps/core.xml" else z.read(name)
                for name in z.namelist()}


def _both(monkeypatch, write):
    """``write(folder)`` with the fast path and with plain xlsxwriter: {file name: parts} for each."""
    out = []
    for fast, folder in ((True, "fast"), (False, "plain")):
        monkeypatch.setattr(xlsx_write, "FAST", fast)
        paths = write(folder)
        out.append({p.name: _parts(p) for p in paths})
    return out


def _canonical_both(monkeypatch, write):
    """``write(folder)`` with the fast path and with plain xlsxwriter: {file name: canonical parts} for each."""
    out = []
    for fast, folder in ((True, "fast"), (False, "plain")):
        monkeypatch.setattr(xlsx_write, "FAST", fast)
        out.append({p.name: canonical_parts(p) for p in write(folder)})
    return out


def _string_cells(path):
    """(the shared-string table's count, the number of shared-string cells in the sheets)."""
    with zipfile.ZipFile(path) as z:
        sst = z.read("xl/sharedStrings.xml").decode()
        cells = sum(z.read(n).decode().count(' t="s"><v>') for n in z.namelist() if n.startswith("xl/worksheets/"))
    return int(re.search(r' count="(\d+)"', sst).group(1)), cells


def test_update_books_and_summary_show_what_plain_xlsxwriter_writes(tmp_path, monkeypatch):
    """Books: the rows of 確認シート, 印刷用 and the hidden sheet are made at once (``emit_row``), which numbers the
    formats in another order: every part is the same once styles and shared strings are un-numbered (xlsx_canon),
    and every cell reads back the same. The rest of each book is byte for byte plain xlsxwriter's."""
    tricky = [
        record(name="  前後に空白 ", phone="要確認", fax="0479-62-111", email="a@@b", memo="x"),
        record(name="A&B <株> \"引用\" _x0041_ と制御\x07文字", fee="月額 1,000円\n送料 300円", postal_code="1234"),
        record(name="長い説明", description="あ" * 20000, last_confirmed="2026-05-01"),  # beyond the fast limit
        record(name="日付なし", last_confirmed="令和8年5月", hours="9:00～17:00"),
    ]
    ws = make_workspace(tmp_path / "ws", [*mixed_records(40), *tricky])
    cat = load(ws)
    plan = plan_assignments(cat, method="district", year="2027", as_of=AS_OF, created="2027-04-01 09:00:00")

    def write(folder):
        written = write_plan(cat, plan, tmp_path / folder, issued_at="2027-04-01 09:00:00", master_time="t")
        return [written.summary, *written.books.values()]

    fast, plain = _canonical_both(monkeypatch, write)
    assert fast.keys() == plain.keys() and len(fast) == 5
    for name in fast:
        assert fast[name].keys() == plain[name].keys(), name
        for part in fast[name]:
            assert fast[name][part] == plain[name][part], (name, part)
    comments = [p for parts in fast.values() for p in parts if p.startswith("xl/comments")]
    assert comments  # the placeholders' comments were part of the comparison
    books = sorted((tmp_path / "fast").glob("*.xlsx"))
    for path in books:
        if path.name != "担当一覧.xlsx":
            plain_book = read_update_book(tmp_path / "plain" / path.name)
            fast_book = read_update_book(path)
            assert (fast_book.meta, fast_book.issued, fast_book.rows) == (plain_book.meta, plain_book.issued,
                                                                          plain_book.rows)
        count, cells = _string_cells(path)
        assert count == cells, path.name  # each shared-string cell counted once
    # the coloured placeholder cells (確認シート is sheet2) were compared with their look resolved
    assert any('FFF8CBAD' in parts.get("xl/worksheets/sheet2.xml", "") for parts in fast.values())


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_CELL = st.one_of(_TEXT, st.integers(-10**6, 10**6),
                  st.dates(dt.date(1990, 1, 1), dt.date(2090, 1, 1)).map(lambda d: dt.datetime(d.year, d.month, d.day)))


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.dictionaries(st.integers(0, 30), _CELL, max_size=6), max_size=8),
       heights=st.dictionaries(st.integers(0, 10), st.sampled_from([12, 18, 30]), max_size=3),
       column_format=st.booleans(), constant_memory=st.booleans())
def test_any_cells_come_out_as_plain_xlsxwriter_writes_them(tmp_path_factory, rows, heights, column_format,
                                                            constant_memory):
    """Shared strings, or in-line text row by row (constant_memory, as 回収状況.xlsx is written)."""
    tmp = tmp_path_factory.mktemp("cells")
    out = []
    for fast in (True, False):
        path = tmp / f"{fast}.xlsx"
        wb = xlsx_write.new_workbook(path, fast=fast, constant_memory=constant_memory)
        bold, date = wb.add_format({"bold": True}), wb.add_format({"num_format": "yyyy/mm/dd"})
        ws = wb.add_worksheet("表")
        if column_format:
            ws.set_column(2, 4, 12, wb.add_format({"italic": True}))
        for r, h in heights.items():
            ws.set_row(r, h, bold if r % 2 else None)
        for r, cells in enumerate(rows):
            items = [(c, v, (date if isinstance(v, dt.datetime) else bold if c % 3 == 0 else None))
                     for c, v in sorted(cells.items())]
            if r % 2:
                xlsx_write.write_cells(ws, r, items)
            else:  # one cell at a time, as xw_table_sheet writes
                xlsx_write.write_cells_slowly(ws, r, items)
            if r == 1:
                ws.write_comment(r, 7, "コメント")
                ws.write_blank(r, 9, None, bold)
        ws.write_string(len(rows) + 2, 1, "  末尾 ")
        wb.close()
        out.append(_parts(path))
    assert out[0] == out[1]


def test_progress_workbook_row_by_row_is_the_same_bytes_as_plain_xlsxwriter(tmp_path, monkeypatch):
    from shigen.collect_progress import ProgressRow, write_progress
    from shigen.collect_rules import CollectFinding, RecordOutcome

    rows = [ProgressRow("佐藤 花子", 10, 6, 2, 1, 1, 1, 2), ProgressRow("A&B <試し>", 3, 0, 0, 0, 0, 0, 3)]
    findings = [CollectFinding.make("invalid-result", "佐藤 花子.xlsx", 5, "S00001", "みどり配食", "佐藤 花子",
                                    value=" わからない", choices="変更なし・変更あり", entered=" わからない"),
                CollectFinding.make("conflict", "佐藤 花子.xlsx", 7, "S00002", "_x0041_ 配食\n二行目", "佐藤 花子",
                                    field="電話番号", issued="0479-62-1111", master="0479-70-0000", entered="")]
    states = {f"S{i:05d}": RecordOutcome(f"S{i:05d}", "佐藤 花子", "佐藤 花子.xlsx", "2027", "確認済み", "変更なし",
                                         "2027-05-10", "電話", "メモ" * i, ["電話番号"] if i % 2 else [])
              for i in range(1, 40)}

    def write(folder):
        path = tmp_path / folder / "回収状況.xlsx"
        write_progress(path, "2027", rows, findings, states, {}, "2027-06-30 10:00")
        return [path]

    fast, plain = _both(monkeypatch, write)
    assert fast == plain


TRICKY = ["a", " a", "a ", "a\n", "a\nb", "\n", "&", "a<b>c", '"引用"', "_x0041_", "_X00e9_", "x_xyz", "\u3000あ", "あ\u3000",
          "a\x07b", "\t", "a\tb", "\ufffe", "<r>rich</r>", "全角　空白", "x" * 16384, "𠮷野家"]


def test_text_that_needs_escaping_or_marking_is_written_as_xlsxwriter_does(tmp_path, monkeypatch):
    def write(folder):
        paths = []
        for memory in (False, True):
            path = tmp_path / folder / f"{memory}.xlsx"
            path.parent.mkdir(exist_ok=True)
            wb = xlsx_write.new_workbook(path, constant_memory=memory)
            fmt = wb.add_format({"bold": True})
            ws = wb.add_worksheet()
            for r, text in enumerate(TRICKY):
                xlsx_write.write_cells(ws, r, [(0, text, fmt), (2, text, None)])
            wb.close()
            paths.append(path)
        return paths

    fast, plain = _both(monkeypatch, write)
    assert fast == plain


def test_write_string_keeps_xlsxwriters_other_forms(tmp_path, monkeypatch):
    """A1 notation and keywords still work (they take xlsxwriter's own path) and give the same file."""
    def write(folder):
        path = tmp_path / folder / "a1.xlsx"
        path.parent.mkdir()
        wb = xlsx_write.new_workbook(path)
        fmt = wb.add_format({"bold": True})
        ws = wb.add_worksheet()
        assert ws.write_string("A1", "x") == 0 and ws.write_string("B2", "y", fmt) == 0
        assert ws.write_string(row=3, col=3, string="w", cell_format=fmt) == 0 and ws.write_string(4, 4, "v") == 0
        assert ws.write_string(1_048_576, 0, "beyond the last row") == -1
        wb.close()
        return [path]

    fast, plain = _both(monkeypatch, write)
    assert fast == plain


def test_canonical_parts_ignore_only_the_numbering_of_styles(tmp_path):
    """The comparison above is not blind: the same cells, their formats numbered in another order (``emit_row``
    numbers them as rows are made, plain xlsxwriter at close) compare equal although styles.xml differs; one
    format property or one value changed does not."""
    def book(name, fast, colour="#FFF2CC", value="値"):
        path = tmp_path / f"{name}.xlsx"
        wb = xlsx_write.new_workbook(path, fast=fast)
        a, b = wb.add_format({"bold": True, "bg_color": colour}), wb.add_format({"italic": True})
        ws = wb.add_worksheet("表")
        xlsx_write.emit_row(ws, 5, [(0, value + "b", b)])  # made first: b is numbered first on the fast path
        xlsx_write.emit_row(ws, 0, [(0, value + "a", a), (2, 3, b)])
        wb.close()
        return path

    fast, plain = book("fast", True), book("plain", False)
    with zipfile.ZipFile(fast) as x, zipfile.ZipFile(plain) as y:
        assert x.read("xl/styles.xml") != y.read("xl/styles.xml")
        assert x.read("xl/worksheets/sheet1.xml") != y.read("xl/worksheets/sheet1.xml")
    assert canonical_parts(fast) == canonical_parts(plain)
    assert "FFFFF2CC" in canonical_parts(fast)["xl/worksheets/sheet1.xml"]  # the style is spelled out in the cell
    assert canonical_parts(book("colour", True, colour="#FFF2CD")) != canonical_parts(plain)
    assert canonical_parts(book("value", True, value="他")) != canonical_parts(plain)


_ROW_CELL = st.one_of(_TEXT, st.integers(-10**6, 10**6), st.floats(-1e9, 1e9, allow_nan=False), st.none(),
                      st.dates(dt.date(1990, 1, 1), dt.date(2090, 1, 1)).map(lambda d: dt.datetime(d.year, d.month,
                                                                                                    d.day)),
                      st.sampled_from(TRICKY))


@settings(max_examples=40, deadline=None)
@example(rows=[{3: None, 5: "a"}, {2: "b", 40: 1.5}], formats=["none", "fill"] * 4, heights={1: 18},
         column_format=True, merged=True)
@given(rows=st.lists(st.dictionaries(st.integers(0, 70), _ROW_CELL, max_size=6), max_size=8),
       formats=st.lists(st.sampled_from(["bold", "date", "none", "fill"]), min_size=8, max_size=8),
       heights=st.dictionaries(st.integers(0, 10), st.sampled_from([12, 18, 30]), max_size=3),
       column_format=st.booleans(), merged=st.booleans())
def test_rows_made_at_once_show_what_plain_xlsxwriter_writes(tmp_path_factory, rows, formats, heights,
                                                             column_format, merged):
    """``emit_row``: any text, number, date or blank cells, with or without a cell / row / column format, beside
    rows written the stored way, comments and merges — the same cells and look as plain xlsxwriter's."""
    tmp = tmp_path_factory.mktemp("emit")
    out = []
    for fast in (True, False):
        path = tmp / f"{fast}.xlsx"
        wb = xlsx_write.new_workbook(path, fast=fast)
        fmt = {"bold": wb.add_format({"bold": True}), "date": wb.add_format({"num_format": "yyyy/mm/dd"}),
               "fill": wb.add_format({"bg_color": "#FCE4D6", "border": 2}), "none": None}
        ws = wb.add_worksheet("表")
        if column_format:
            ws.set_column(2, 40, 12, wb.add_format({"italic": True}))
        for r, h in heights.items():
            ws.set_row(r, h, fmt["bold"] if r % 2 else None)
        for r, cells in enumerate(rows):
            items = []
            for c, v in sorted(cells.items()):
                f = fmt["date"] if isinstance(v, dt.datetime) else fmt[formats[(r + c) % 8]]
                if v is None and f is None:
                    continue  # a blank without a format is no cell
                items.append((c, v, f))
            xlsx_write.emit_row(ws, r, items)
            if r == 1:
                ws.write_comment(r, 7, "コメント")
        if merged:
            ws.merge_range(len(rows) + 1, 0, len(rows) + 1, 3, "見出し", fmt["bold"])
        ws.write_string(len(rows) + 3, 1, "  末尾 ")
        ws.set_row(len(rows) + 3, 40)  # a height (no format) may still be set after rows were made
        wb.close()
        out.append(canonical_parts(path))
    assert out[0] == out[1]


def test_emit_row_refuses_what_would_change_rows_already_made(tmp_path):
    wb = xlsx_write.new_workbook(tmp_path / "x.xlsx")
    ws = wb.add_worksheet()
    bold = wb.add_format({"bold": True})
    xlsx_write.emit_row(ws, 0, [(0, "a", None)])
    with pytest.raises(ValueError, match="column's format"):
        ws.set_column(0, 0, 10, bold)
    with pytest.raises(ValueError, match="row's format"):
        ws.set_row(3, 20, bold)
    ws.set_column(0, 0, 10)  # widths and heights are fine
    ws.write_string(0, 1, "the same row, cell by cell")
    with pytest.raises(ValueError, match="row 1 was written both"):
        wb.close()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=20),
                 st.lists(st.sampled_from(TRICKY[:-3] + ["あ", "x", " ", "\n", "&", "_x00", "41_", "\u3000"]),
                          max_size=5).map("".join)))
def test_plain_text_is_what_the_regex_says(text):
    """``_plain`` without its regex in the common case agrees with the regex it replaces."""
    regex = bool(text) and xlsx_write._PLAIN.match(text) is not None and (
        "_x" not in text or xlsx_write._NEEDS_ESCAPE.search(text) is None)
    assert xlsx_write._plain(text) == regex


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
                          st.sampled_from(TRICKY[:-3] + ["あ", "x", "_x00", "41_", "\u3000", "a\nb", "_x0041_"])),
                max_size=6))
def test_texts_are_all_plain_exactly_when_each_one_is(texts):
    """The shared strings are looked at a chunk at a time (``_all_plain``): the same answer as one at a time."""
    assert xlsx_write._all_plain(texts) == all(map(xlsx_write._plain, texts))


def test_the_fast_path_runs_only_on_the_xlsxwriter_it_was_written_for(tmp_path, monkeypatch):
    """The fast path leans on xlsxwriter's internals: on the release it was written for it is used (and the tests
    above compare it with plain xlsxwriter — on a new release this fails first, to say: check it again); on any
    other release a user's workbooks are written through the public API, the same cells."""
    import xlsxwriter

    assert xlsx_write.fast_path_fits(), "a new xlsxwriter: check the fast path against it, then FAST_FOR"
    assert isinstance(xlsx_write.new_workbook(tmp_path / "a.xlsx"), xlsx_write._classes()[0])

    monkeypatch.setattr(xlsxwriter, "__version__", "3.4.0")
    xlsx_write.fast_path_fits.cache_clear()
    try:
        wb = xlsx_write.new_workbook(tmp_path / "b.xlsx")
        assert type(wb) is xlsxwriter.Workbook
        ws = wb.add_worksheet("一覧")
        xlsx_write.emit_row(ws, 0, [(0, "名称", None), (1, 12, None)])
        wb.close()
        rows = list(openpyxl.load_workbook(tmp_path / "b.xlsx")["一覧"].iter_rows(values_only=True))
        assert rows == [("名称", 12)]
    finally:
        xlsx_write.fast_path_fits.cache_clear()
