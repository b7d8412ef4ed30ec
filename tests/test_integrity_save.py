"""Property tests of the master save (hypothesis): random masters a coordinator has worked on in Excel, random
shigen writes, both save paths; every record's values and user cells, by ID, are exactly what they should be.

A master here has: records written by shigen; a user column with text (formula-like, ``_xHHHH_``), numbers and
dates, coloured per record, with a row height per record; blank rows; rows sorted by hand; sometimes an Excel
table; sometimes the 1904 date system. Then shigen changes values, adds records and user values, and saves
(fast XML path or openpyxl). Invariants: by ID, values (calamine, as shigen reads them) are the expected ones;
colours and row heights travel with their record; openpyxl and calamine read the same values; the table and
the filter cover exactly the records."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from builders import make_workspace
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import PatternFill
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.worksheet.table import Table
from python_calamine import CalamineWorkbook

from shigen import schema as S
from shigen import xlsx_patch
from shigen.cells import escape_x, unescape_x
from shigen.master import load_catalogue, save_catalogue

USER_COL = "民生委員メモ"
EXAMPLES = int(os.environ.get("SHIGEN_PROPERTY_EXAMPLES", "8"))  # per save path; `make bench` runs more
FIELDS = ("name", "notes", "fee", "memo", "phone", "postal_code", "last_confirmed", "updated_at")
SPECIAL = ["=1+1", "=SUM(A1:A3)", "+81 3", "-5", "_x0041_", "_x005F_x0041_", "a_x000D_b", "001", "1", "TRUE",
           "2026-04-01", "令和8年4月1日", "㈱髙橋", "改行\nあり", "&<>\"'", "S00001"]
EARLY = [dt.date(1, 1, 1), dt.date(1899, 12, 30), dt.date(1899, 12, 31), dt.date(1900, 1, 1), dt.date(1900, 2, 28),
         dt.date(1900, 3, 1), dt.date(1903, 12, 31), dt.date(1904, 1, 1), dt.date(1904, 1, 2), dt.date(2026, 4, 1),
         dt.date(9999, 12, 31)]

plain_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
                     min_size=1, max_size=12).map(str.strip).filter(bool)
texts = st.one_of(st.sampled_from(SPECIAL), plain_text)
dates = st.one_of(st.sampled_from(EARLY), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
field_value = st.one_of(texts, dates.map(dt.date.isoformat), st.just(""))
user_value = st.one_of(texts, st.integers(-10**6, 10**9), st.floats(-1e9, 1e9, allow_nan=False).map(lambda f: round(f, 6)),
                       st.dates(dt.date(1904, 1, 2), dt.date(2100, 12, 31)))


@st.composite
def scenarios(draw):
    n = draw(st.integers(1, 5))
    records = [{k: draw(field_value) for k in draw(st.sets(st.sampled_from(FIELDS), max_size=4))} for _ in range(n)]
    for r in records:
        r["name"] = r.get("name") or draw(plain_text)
    user = [draw(st.one_of(st.none(), user_value)) for _ in range(n)]
    blanks = draw(st.lists(st.integers(0, n), max_size=3))  # blank rows before these positions
    order = draw(st.permutations(range(n)))  # hand-sorted
    table = draw(st.booleans())
    date1904 = draw(st.booleans())
    ops = draw(st.lists(st.one_of(
        st.tuples(st.just("set"), st.integers(0, 100), st.sampled_from(FIELDS), field_value),
        st.tuples(st.just("user"), st.integers(0, 100), user_value),
        st.tuples(st.just("add"), plain_text, st.one_of(st.none(), user_value)),
        st.tuples(st.just("remove"), st.integers(0, 100)),
    ), max_size=6))
    return records, user, blanks, order, table, date1904, ops


TEMPLATES: dict[bool, bytes] = {}  # an empty standard master, in the 1900 and the 1904 date system


@pytest.fixture(scope="module", autouse=True)
def templates(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("template"), [])
    TEMPLATES[False] = ws.catalogue.read_bytes()
    wb = openpyxl.load_workbook(ws.catalogue)
    wb.epoch = CALENDAR_MAC_1904
    wb.save(ws.catalogue)
    TEMPLATES[True] = ws.catalogue.read_bytes()


def colour(rid: str) -> str:
    n = int(rid[1:])
    return f"FF{(n * 37) % 256:02X}{(n * 91) % 256:02X}{(n * 53) % 256:02X}"


def height(rid: str) -> float:
    return 15.0 + int(rid[1:]) % 7 * 3


def norm(v):
    """One comparable form of a cell value from openpyxl or calamine."""
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date() if v.time() == dt.time() else v
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    return v


def build(root: Path, sc) -> tuple[Path, dict, dict]:
    """The master as a coordinator left it; returns (path, expected values by ID, expected user value by ID)."""
    records, user, blanks, order, table, date1904, _ = sc
    path = root / "workbooks" / "catalogue.xlsx"
    path.parent.mkdir(parents=True)
    path.write_bytes(TEMPLATES[date1904])
    cat = load_catalogue(path)
    for values in records:
        cat.add_record(dict(values), command="test", by="テスト")
    save_catalogue(cat)
    expected = {r.id: dict(r.values) for r in load_catalogue(path).records}
    # … then, in "Excel": a user column, colours and heights per record, blank rows, rows sorted by hand, a table
    wb = openpyxl.load_workbook(path)
    sheet = wb[S.SHEET_RESOURCES]
    width = sheet.max_column
    sheet.cell(1, width + 1, USER_COL)
    rows = []
    users = {}
    for r in range(2, sheet.max_row + 1):
        cells = [sheet.cell(r, c) for c in range(1, width + 1)]
        rid = cells[0].value
        u = user[r - 2]
        users[rid] = u
        rows.append((rid, [(c.value, c.number_format, c.data_type) for c in cells], u))
    for r in range(2, sheet.max_row + 1):
        for c in range(1, width + 2):
            sheet.cell(r, c).value = None
    layout = [rows[i] for i in order]
    for pos in sorted(blanks, reverse=True):
        layout.insert(pos, None)
    for i, item in enumerate(layout):
        r = i + 2
        if item is None:
            continue
        rid, cells, u = item
        for c, (v, fmt, t) in enumerate(cells, start=1):
            cell = sheet.cell(r, c)
            cell.value = v
            cell.number_format = fmt
            if t == "s":
                cell.data_type = "s"
        uc = sheet.cell(r, width + 1)
        uc.value = escape_x(u) if isinstance(u, str) else u  # what Excel stores for the text typed
        if isinstance(u, str):
            uc.data_type = "s"
        uc.fill = PatternFill("solid", fgColor=colour(rid))
        sheet.row_dimensions[r].height = height(rid)
    last = len(layout) + 1
    if table:
        sheet.auto_filter.ref = None
        from openpyxl.utils import get_column_letter

        sheet.add_table(Table(displayName="資源表", ref=f"A1:{get_column_letter(width + 1)}{max(last, 2)}"))
    wb.save(path)
    return path, expected, users


def apply_ops(path: Path, ops, expected: dict, users: dict):
    cat = load_catalogue(path)
    for op in ops:
        if op[0] == "set" and cat.records:
            rec = cat.records[op[1] % len(cat.records)]
            cat.set_value(rec, op[2], op[3], command="test", by="テスト")
            expected[rec.id][op[2]] = op[3]
        elif op[0] == "user" and cat.records:
            rec = cat.records[op[1] % len(cat.records)]
            rec.extra[USER_COL] = op[2]
            users[rec.id] = op[2]
        elif op[0] == "remove" and len(cat.records) > 1:  # a record taken out of the catalogue (merged away)
            rec = cat.records.pop(op[1] % len(cat.records))
            del expected[rec.id], users[rec.id]
        elif op[0] == "add":
            rec = cat.add_record({"name": op[1]}, command="test", by="テスト")
            expected[rec.id] = dict(rec.values)
            if op[2] is not None:
                rec.extra[USER_COL] = op[2]
            users[rec.id] = op[2]
    return cat


def check(path: Path, expected: dict, users: dict, table: bool, date1904: bool) -> None:
    cat = load_catalogue(path)  # calamine, as every command reads the master
    got = {r.id: r for r in cat.records}
    assert set(got) == set(expected)
    assert len(cat.records) == len(expected)  # one row per record: no record written twice, none lost
    for rid, values in expected.items():
        for key in S.KEYS:
            assert got[rid].get(key) == values.get(key, ""), (rid, key)
        assert norm(got[rid].extra.get(USER_COL)) == norm(users.get(rid)), (rid, USER_COL)
    assert cat.last_id >= max(int(r[1:]) for r in expected)
    # openpyxl reads the same values, and the user's colours and row heights are on their record's row
    wb = openpyxl.load_workbook(path)
    assert (wb.epoch.year == 1904) == date1904
    sheet = wb[S.SHEET_RESOURCES]
    header = [c.value for c in sheet[1]]
    ucol = header.index(USER_COL) + 1
    crows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(S.SHEET_RESOURCES).to_python(skip_empty_area=False)
    last = 1
    for r in range(2, sheet.max_row + 1):
        rid = sheet.cell(r, 1).value
        crow = crows[r - 1] if r - 1 < len(crows) else []
        for c in range(1, len(header) + 1):
            ov = sheet.cell(r, c).value
            ov = unescape_x(ov) if isinstance(ov, str) else ov  # openpyxl leaves _xHHHH_ of inline strings as is
            cv = crow[c - 1] if c - 1 < len(crow) else None
            assert norm(ov) == norm(cv), (r, header[c - 1], ov, cv)
            if isinstance(ov, str):
                assert sheet.cell(r, c).data_type == "s"  # text, never a formula
        if rid is None:
            continue
        last = r
        if rid in COLOURED:  # the user coloured this record's cell and set its row height: both stay with it
            fill = sheet.cell(r, ucol).fill
            assert fill.fill_type == "solid" and fill.fgColor.rgb == colour(rid), rid
            assert sheet.row_dimensions[r].height == height(rid), rid
    ref = (next(iter(sheet.tables.values())).ref if table else sheet.auto_filter.ref)
    assert ref and ref.startswith("A1:") and int("".join(ch for ch in ref.split(":")[1] if ch.isdigit())) == max(last, 2)
    if table:
        assert not sheet.auto_filter.ref  # no second filter over the table


COLOURED: set[str] = set()


@pytest.mark.parametrize("path_kind", ["fast", "openpyxl"])
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(sc=scenarios())
def test_every_record_keeps_its_values_and_user_cells_by_id(tmp_path_factory, monkeypatch, path_kind, sc):
    root = tmp_path_factory.mktemp("save")
    path, expected, users = build(root, sc)
    COLOURED.clear()
    COLOURED.update(users)  # records whose row the user coloured (new records have none)
    cat = apply_ops(path, sc[6], expected, users)
    with monkeypatch.context() as m:
        if path_kind == "openpyxl":
            def refuse(cat, path, tmp):
                raise xlsx_patch.Fallback("forced by the test")
            m.setattr(xlsx_patch, "write_patched", refuse)
        save_catalogue(cat)
    assert xlsx_patch.last_path == path_kind, xlsx_patch.last_reason
    check(path, expected, users, sc[4], sc[5])
    # a second save of the result keeps everything again (nothing drifts from save to save)
    again = load_catalogue(path)
    again.set_value(again.records[0], "fee", "再保存", command="test", by="テスト")
    expected[again.records[0].id]["fee"] = "再保存"
    save_catalogue(again)
    check(path, expected, users, sc[4], sc[5])
    shutil.rmtree(root, ignore_errors=True)
