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
       column_format=st.booleans())
def test_any_cells_come_out_as_plain_xlsxwriter_writes_them(tmp_path_factory, rows, heights, column_format):
    tmp = tmp_path_factory.mktemp("cells")
    out = []
    for fast in (True, False):
        path = tmp / f"{fast}.xlsx"
        wb = xlsx_write.new_workbook(path, fast=fast)
        bold, date = wb.add_format({"bold": True}), wb.add_format({"num_format": "yyyy/mm/dd"})
        ws = wb.add_worksheet("表")
        if column_format:
            ws.set_column(2, 4, 12, wb.add_format({"italic": True}))
        for r, h in heights.items():
            ws.set_row(r, h, bold if r % 2 else None)
        for r, cells in enumerate(rows):
            items = [(c, v, (date if isinstance(v, dt.datetime) else bold if c % 3 == 0 else None))
                     for c, v in sorted(cells.items())]
            xlsx_write.write_cells(ws, r, items)
            if r == 1:
                ws.write_comment(r, 7, "コメント")
                ws.write_blank(r, 9, None, bold)
        ws.write_string(len(rows) + 2, 1, "  末尾 ")
        wb.close()
        out.append(_parts(path))
    assert out[0] == out[1]
