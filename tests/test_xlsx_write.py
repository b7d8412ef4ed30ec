"""shigen.xlsx_write: the fast cell path writes exactly what plain xlsxwriter writes (issue 18)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from builders import load, make_workspace, record
from hypothesis import given, settings
from hypothesis import strategies as st
from test_assign import mixed_records

from shigen import xlsx_write
from shigen.assign import plan_assignments
from shigen.assign_run import write_plan

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


def test_update_books_and_summary_are_the_same_bytes_as_plain_xlsxwriter(tmp_path, monkeypatch):
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

    fast, plain = _both(monkeypatch, write)
    assert fast.keys() == plain.keys() and len(fast) == 5
    for name in fast:
        assert fast[name].keys() == plain[name].keys(), name
        for part in fast[name]:
            assert fast[name][part] == plain[name][part], (name, part)
    comments = [p for parts in fast.values() for p in parts if p.startswith("xl/comments")]
    assert comments  # the placeholders' comments were part of the comparison


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
