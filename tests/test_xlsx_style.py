"""The one width rule and wrapped-line counter of every writer (xlsx_style.text_width / wrapped_lines, issue 15)."""

from __future__ import annotations

import math
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from shigen.xlsx_style import display_width, text_width, wrapped_lines, xw_table_sheet

# text as it comes in catalogues: ASCII, kana (full and half width), kanji, JIS symbols, and anything else
_ALPHABET = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.sampled_from("あいうアイウｱｲｳﾞ漢字配食弁当〜～①※○×°αЖ　、。（）－−—😀𠮷"),
    st.characters(blacklist_categories=("Cs",)),
)
TEXT = st.text(_ALPHABET, max_size=60)
LINE = st.text(_ALPHABET.filter(lambda c: c != "\n"), max_size=60)
WIDTH = st.one_of(st.integers(min_value=-3, max_value=80), st.floats(min_value=0.5, max_value=80))


def test_widths_of_known_characters() -> None:
    assert text_width("abc 123") == 7
    assert text_width("配食サービス") == 12
    assert text_width("ﾃﾞｲｻｰﾋﾞｽ") == 8  # half-width kana are narrow
    assert text_width("ＡＢＣ１２３") == 12  # full-width ASCII is wide
    assert text_width("①※○×°") == 10  # JIS symbols are drawn full width by Japanese fonts
    assert text_width("9:00〜17:00") == 11  # 〜 (U+301C, not in cp932) is wide
    assert text_width("😀𠮷") == 4
    assert display_width("ab\n配食") == 4  # the longest line


@settings(max_examples=300, deadline=None)
@given(LINE)
def test_width_is_one_or_two_per_character(line: str) -> None:
    """Each character counts 1 or 2; ASCII and half-width kana 1; every East Asian wide/full-width character 2."""
    assert len(line) <= text_width(line) <= 2 * len(line)
    for c in line:
        w = text_width(c)
        if c.isascii() or 0xFF61 <= ord(c) <= 0xFF9F:
            assert w == 1, c
        elif unicodedata.east_asian_width(c) in "WF":
            assert w == 2, c
    assert text_width(line) == sum(text_width(c) for c in line)  # additive: no state between characters


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, WIDTH)
def test_more_text_never_gives_fewer_lines(a: str, b: str, width: float) -> None:
    assert wrapped_lines(a + b, width) >= wrapped_lines(a, width)
    assert wrapped_lines(b + a, width) >= wrapped_lines(a, width)


@settings(max_examples=300, deadline=None)
@given(TEXT, WIDTH)
def test_lines_bounds(text: str, width: float) -> None:
    per_line = max(1.0, width)
    parts = text.split("\n")
    n = wrapped_lines(text, width)
    assert n >= len(parts)  # every line break starts a line, an empty line is one line
    assert n == sum(wrapped_lines(p, width) for p in parts)
    for p in parts:
        # a line that fits is one line; otherwise as many as its width needs, never fewer
        if text_width(p) <= per_line:
            assert wrapped_lines(p, width) == 1
        else:
            assert wrapped_lines(p, width) == math.ceil(text_width(p) / per_line)


@settings(max_examples=200, deadline=None)
@given(LINE, st.integers(min_value=1, max_value=40))
def test_wider_columns_never_need_more_lines(line: str, width: int) -> None:
    assert wrapped_lines(line, width + 1) <= wrapped_lines(line, width)
    assert wrapped_lines(line, text_width(line)) == 1


def test_full_width_characters_count_double() -> None:
    assert wrapped_lines("あ" * 10, 20) == 1
    assert wrapped_lines("あ" * 10, 19) == 2
    assert wrapped_lines("a" * 20, 19) == 2
    assert wrapped_lines("ｱ" * 20, 20) == 1
    assert wrapped_lines("", 10) == 1
    assert wrapped_lines("\n\n", 10) == 3


class _Text(str):
    """A str that is not exactly a str: xw_table_sheet writes it through its general path."""


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(st.lists(st.one_of(st.none(), st.sampled_from(["", "短い", "a\nb\nc", "x" * 60, " 空白 ", "A&B",
                                                                        "とても長い名前の社会資源サービスセンター第二支所"]),
                                        st.text(max_size=40)), max_size=7), max_size=12),
       widths=st.one_of(st.none(), st.lists(st.integers(4, 30), min_size=5, max_size=5)), at_once=st.booleans())
def test_table_sheets_text_cells_take_a_short_path_with_the_same_result(tmp_path_factory, rows, widths, at_once):
    """Exact ``str`` values go through xw_table_sheet's short path (issue 18); a str subclass through the general
    one: the files are byte for byte the same."""
    import zipfile

    from shigen import xlsx_write

    tmp = tmp_path_factory.mktemp("table")
    parts = []
    for kind in (str, _Text):
        path = tmp / f"{kind.__name__}.xlsx"
        wb = xlsx_write.new_workbook(path)
        xw_table_sheet(wb, "表", ["a", "b", "c", "d", "e"], [[v if v is None else kind(v) for v in row] for row in rows],
                       widths=widths, title="題", right=(1,), at_once=at_once)
        wb.close()
        with zipfile.ZipFile(path) as z:
            parts.append({n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"})
    assert parts[0] == parts[1]


def test_table_sheets_right_aligned_cells_keep_a_gap_to_the_next_column(tmp_path) -> None:
    """Numbers and ``right`` columns are right-aligned one character in: printed, a count did not run into the text
    of the column beside it (担当一覧: 「0佐藤 花子.xlsx」)."""
    import openpyxl

    from shigen import xlsx_write

    path = tmp_path / "表.xlsx"
    wb = xlsx_write.new_workbook(path)
    xw_table_sheet(wb, "表", ["件数", "割合", "ファイル"], [[38, "25.2%", "佐藤 花子.xlsx"], [0, "0.0%", "鈴木.xlsx"]],
                   right=(1,), at_once=True)
    wb.close()
    sheet = openpyxl.load_workbook(path)["表"]
    for row in sheet.iter_rows(min_row=2):
        count, share, name = row
        assert isinstance(count.value, int)
        for cell in (count, share):
            assert cell.alignment.horizontal == "right" and cell.alignment.indent == 1
        assert name.alignment.horizontal in (None, "general", "left") and not name.alignment.indent
