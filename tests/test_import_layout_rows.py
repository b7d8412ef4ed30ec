"""layout.read_layout's body loop, row by row (issue 18 made it one pass per row and moved the ditto pass onto the
cells a record has): spacer, repeated-header, total, footnote and continuation rows, ditto marks with and without a
value above, non-text cells, and a record whose cells a continuation row put out of column order."""

from __future__ import annotations

import datetime as dt

from shigen.importer.layout import (
    SKIP_BLANK,
    SKIP_FOOTNOTE,
    SKIP_NO_NAME,
    SKIP_REPEAT_HEADER,
    SKIP_TOTAL,
    read_layout,
)
from shigen.importer.reading import SheetGrid

HEADER = ["名称", "住所", "電話番号", "備考"]


def _layout(rows: list[list[object]], merged: list[tuple[int, int, int, int]] | None = None):  # type: ignore[no-untyped-def]
    return read_layout(SheetGrid("一覧", [HEADER, *rows], merged or []), genres=[], districts=[])


def _records(layout) -> list[tuple[int, list[tuple[int, object]]]]:  # type: ignore[no-untyped-def]
    return [(b.row, list(b.values.items())) for b in layout.records]


def test_each_kind_of_row_is_told_apart() -> None:
    layout = _layout([
        ["みどり会館", "みどり野市栄町1-1", "0479-62-1111", "送迎あり"],
        ["", " ", "\u3000", ""],  # spacer (spaces of both widths only)
        ["名称", "住所", "電話番号", "メモ"],  # the header again (3 of 4 cells)
        ["あおば食堂", "住所", "0479-62-5555", "メモ"],  # one cell equals its header (two are needed): a record
        ["", "合計", "12件", ""],  # a total in the second cell, no name
        ["合計 2件", "", "", ""],
        ["※ 休日は変わることがあります。", "", "", ""],
        ["※印の事業所", "みどり野市栄町2-2", "", ""],  # begins with ※ but has a name and an address: a record
        ["", "", "", "土曜も可"],  # continues the record above
    ])
    assert [(r, why) for r, why, _ in layout.skipped] == [
        (3, SKIP_BLANK), (4, SKIP_REPEAT_HEADER), (6, SKIP_TOTAL), (7, SKIP_TOTAL), (8, SKIP_FOOTNOTE)]
    assert _records(layout) == [
        (2, [(0, "みどり会館"), (1, "みどり野市栄町1-1"), (2, "0479-62-1111"), (3, "送迎あり")]),
        (5, [(0, "あおば食堂"), (1, "住所"), (2, "0479-62-5555"), (3, "メモ")]),
        (9, [(0, "※印の事業所"), (1, "みどり野市栄町2-2"), (3, "土曜も可")]),
    ]
    assert [(w.row, w.code) for w in layout.warnings] == [(10, "row-continues-record")]
    assert layout.rows_read == 9


def test_a_row_without_a_name_and_nothing_above_is_skipped() -> None:
    layout = _layout([["", "みどり野市栄町1-1", "0479-62-1111", ""], ["みどり会館", "", "", ""]])
    assert [(r, why) for r, why, _ in layout.skipped] == [(2, SKIP_NO_NAME)]
    assert _records(layout) == [(3, [(0, "みどり会館")])]


def test_ditto_marks_take_the_value_above_or_are_dropped_with_a_warning_in_column_order() -> None:
    layout = _layout([
        ["みどり会館", "みどり野市栄町12-1", "〃", "同上"],  # nothing above: each mark dropped, one warning a column
        ["あおば食堂", "みどり野市栄町2-2", "0479-62-2222", "送迎あり"],
        ["ひかり園", "〃", "0479-62-3333", " 〃 "],  # (a mark with spaces around it is one too)
        ["そら工房", "同上", "", "〃"],
    ])
    assert _records(layout) == [
        (2, [(0, "みどり会館"), (1, "みどり野市栄町12-1")]),
        (3, [(0, "あおば食堂"), (1, "みどり野市栄町2-2"), (2, "0479-62-2222"), (3, "送迎あり")]),
        (4, [(0, "ひかり園"), (1, "みどり野市栄町2-2"), (2, "0479-62-3333"), (3, "送迎あり")]),
        (5, [(0, "そら工房"), (1, "みどり野市栄町2-2"), (3, "送迎あり")]),
    ]
    assert [(w.row, w.field, w.code) for w in layout.warnings] == [
        (2, "電話番号", "ditto-without-value"), (2, "備考", "ditto-without-value")]


def test_a_record_a_continuation_row_added_to_keeps_its_cells_and_marks() -> None:
    """The continuation adds 住所 after 備考 (out of column order); the record's ditto is still resolved and the
    record below still copies from it."""
    layout = _layout([
        ["あおば食堂", "", "0479-62-2222", "送迎あり"],
        ["みどり会館", "", "〃", "〃"],
        ["", "みどり野市栄町1-1", "", ""],
        ["ひかり園", "〃", "", "〃"],
    ])
    assert _records(layout) == [
        (2, [(0, "あおば食堂"), (2, "0479-62-2222"), (3, "送迎あり")]),
        (3, [(0, "みどり会館"), (2, "0479-62-2222"), (3, "送迎あり"), (1, "みどり野市栄町1-1")]),
        (5, [(0, "ひかり園"), (1, "みどり野市栄町1-1"), (3, "送迎あり")]),
    ]
    assert [(w.row, w.code) for w in layout.warnings] == [(4, "row-continues-record")]


def test_cells_that_are_not_text_are_kept_as_read() -> None:
    layout = _layout([
        ["みどり会館", None, 479621111, dt.date(2024, 4, 1)],
        [12345, "みどり野市栄町1-1", 0.5, True],
    ])
    assert _records(layout) == [
        (2, [(0, "みどり会館"), (2, 479621111), (3, dt.date(2024, 4, 1))]),
        (3, [(0, 12345), (1, "みどり野市栄町1-1"), (2, 0.5), (3, True)]),
    ]


def test_a_group_cell_merged_down_fills_the_records_it_spans() -> None:
    layout = read_layout(SheetGrid("一覧", [
        ["地区", "名称", "電話番号"],
        ["北地区", "みどり会館", "0479-62-1111"],
        ["", "あおば食堂", "0479-62-2222"],
        ["南地区", "ひかり園", ""],
    ], [(1, 0, 2, 0)]), genres=[], districts=[])
    assert [(b.row, dict(b.values)) for b in layout.records] == [
        (2, {0: "北地区", 1: "みどり会館", 2: "0479-62-1111"}),
        (3, {0: "北地区", 1: "あおば食堂", 2: "0479-62-2222"}),
        (4, {0: "南地区", 1: "ひかり園"}),
    ]
