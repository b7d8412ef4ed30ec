"""Shared look of every workbook shigen writes (openpyxl side): header style, widths, print setup."""

from __future__ import annotations

import codecs
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl and xlsxwriter are imported by the writers, when a file is written
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook as XlsxWorkbook
    from xlsxwriter.worksheet import Worksheet as XlsxWorksheet

HEADER_FILL = "1F4E78"
HEADER_FONT_COLOR = "FFFFFF"
FONT_NAME = "游ゴシック"
SEVERITY_FILLS = {"error": "F8CBAD", "warning": "FFE699", "info": "DDEBF7"}


# --- how wide text is on paper, and how many lines a wrapped cell takes: the one rule of every writer ----------
def _width_errors(exc: UnicodeError) -> tuple[str, int]:
    """cp932 holds no such character: kanji, kana and symbols beyond it (〜, −, emoji, 𠮷) are wide, others narrow."""
    assert isinstance(exc, UnicodeEncodeError)
    part = exc.object[exc.start:exc.end]
    return "".join("??" if ord(c) >= 0x1100 and not 0xFF61 <= ord(c) <= 0xFFDC else "?" for c in part), exc.end


codecs.register_error("shigen-width", _width_errors)


def text_width(line: str) -> int:
    """Width of one line of text in Excel character units, as a Japanese font (游ゴシック, MS ゴシック) draws it.

    A character counts 2 when Shift_JIS (cp932) holds it in two bytes — kanji, kana, full-width forms and the
    JIS symbols drawn full width (①, ※, ○, ×, °, Greek, Cyrillic) — and so does any character from U+1100 up that
    cp932 lacks (〜, −, emoji, rare kanji); ASCII and half-width kana (ｱ) count 1. Fast: one C-level encode.
    """
    if line.isascii():
        return len(line)
    return len(line.encode("cp932", "shigen-width"))


def display_width(text: object) -> int:
    """Width of the longest line of a text in Excel character units (:func:`text_width`)."""
    return max(map(text_width, str(text or "").split("\n")))


@lru_cache(maxsize=16384)
def wrapped_lines(text: str, width: float) -> int:
    """Printed lines of a wrapped cell ``width`` character units wide (at least 1, one more per line break).

    Each line takes ceil(:func:`text_width` / width) lines, at least one; a width below 1 counts as 1. Cached per
    distinct (text, width): writers ask for every cell, and list columns repeat their values.
    """
    per_line = max(1.0, width)
    if not text:
        return 1
    if "\n" not in text:  # (most texts: one line, without the generator)
        return max(1, math.ceil(text_width(text) / per_line))
    return sum(max(1, math.ceil(text_width(line) / per_line)) for line in text.split("\n"))


def fit_widths(header: Sequence[str], rows: Iterable[Sequence[object]], *, minimum: int = 6, maximum: int = 50,
               sample: int = 500) -> list[int]:
    """Column widths that fit the header and the first ``sample`` rows, within bounds."""
    widths = [display_width(h) + 2 for h in header]
    for i, row in enumerate(rows):
        if i >= sample:
            break
        for j, value in enumerate(row[: len(widths)]):
            widths[j] = max(widths[j], display_width(value) + 2)
    return [max(minimum, min(maximum, w)) for w in widths]


def style_header_row(ws: Worksheet, ncols: int, row: int = 1) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    fill = PatternFill("solid", fgColor=HEADER_FILL)
    font = Font(name=FONT_NAME, bold=True, color=HEADER_FONT_COLOR)
    thin = Side(style="thin", color="BFBFBF")
    for col in range(1, ncols + 1):
        cell = ws.cell(row=row, column=col)
        cell.fill = fill
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(bottom=thin, right=thin)


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def a4(ws: Worksheet, *, landscape: bool = True, fit_width: bool = True, title_rows: str | None = "1:1") -> None:
    """A4 page setup: orientation, one page wide, header rows repeated, page x / y footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    # header/footer 0.25 in from the edge: 0.35 in of room for their text (at openpyxl's 0.5 the 12 pt footer of
    # the handout was clipped on paper)
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.oddFooter.center.text = "&P / &N"


def text_cell(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Write one cell (openpyxl): text always stays text — 「=DDE(…)」「+1」「@x」 never become formulas.

    Numbers, dates and None are written as they are. Every openpyxl writer of shigen writes its cells through
    this function (tests/test_coverage.py scans the files for formulas)."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


# --- xlsxwriter side: new workbooks written fast (update workbooks, large reports) -----------------
def xw_header_format(workbook: XlsxWorkbook) -> Format:
    """The shared header look (dark blue, white bold, centred, wrapped) as an xlsxwriter format."""
    return workbook.add_format({
        "bold": True, "font_name": FONT_NAME, "font_color": "#" + HEADER_FONT_COLOR, "bg_color": "#" + HEADER_FILL,
        "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1, "border_color": "#BFBFBF",
    })


def xw_a4(ws: XlsxWorksheet, *, landscape: bool = True, fit_width: bool = True,
          repeat_rows: tuple[int, int] | None = (0, 0)) -> None:
    """Like :func:`a4` for an xlsxwriter worksheet (rows are 0-based: ``(0, 1)`` repeats rows 1–2)."""
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if fit_width:
        ws.fit_to_pages(1, 0)
    if repeat_rows:
        ws.repeat_rows(*repeat_rows)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C&P / &N")


def xw_table_sheet(workbook: XlsxWorkbook, name: str, header: Sequence[str], rows: Sequence[Sequence[object]], *,
                   widths: Sequence[int] | None = None, landscape: bool = True, title: str | None = None,
                   right: Iterable[int] = (), at_once: bool = False) -> XlsxWorksheet:
    """A plain table sheet: optional title line, styled header, text cells, filter, frozen header, A4 print.

    Numbers and the columns in ``right`` (e.g. 「95%」 text) are right-aligned, one character in from the edge; dates become date cells shown
    yyyy/mm/dd; row heights follow wrapped text (Excel does this by itself, LibreOffice does not).
    ``at_once``: the rows go through ``xlsx_write.emit_row`` (faster; styles numbered by first use)."""
    ws = workbook.add_worksheet(name)
    head = xw_header_format(workbook)
    body = workbook.add_format({"font_name": FONT_NAME, "valign": "top", "text_wrap": True})
    # right-aligned cells keep one character's gap from the column to their right: printed, 「0」 and 「佐藤 花子.xlsx」
    # beside it ran together as 「0佐藤 花子.xlsx」
    body_right = workbook.add_format({"font_name": FONT_NAME, "valign": "top", "align": "right", "indent": 1})
    right = set(right)
    date_fmt = None
    widths = list(widths or fit_widths(header, rows))
    top = 0
    if title:
        ws.write_string(0, 0, title, workbook.add_format({"font_name": FONT_NAME, "bold": True, "font_size": 13}))
        top = 1
    for c, h in enumerate(header):
        ws.write_string(top, c, str(h), head)
    from .xlsx_write import emit_row, write_cells

    put_row = emit_row if at_once else write_cells

    text_format = [body_right if c in right else body for c in range(len(header))]
    wrap_at = [w - 1 for w in widths]
    for r, row in enumerate(rows, start=top + 1):
        lines = 1
        cells: list[tuple[int, object, object]] = []  # written in one call per row
        for c, value in enumerate(row):
            if type(value) is str and c < len(text_format):  # the common case, as the general one below does it
                if value:
                    cells.append((c, value, text_format[c]))
                    if c < len(wrap_at) and len(value) * 2 > wrap_at[c]:
                        lines = max(lines, wrapped_lines(value, wrap_at[c]))
                continue
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                cells.append((c, "○" if value else "", body))
            elif isinstance(value, dt.date):  # a real date cell, shown 2027/04/01 (issue 13)
                if date_fmt is None:
                    date_fmt = workbook.add_format({"font_name": FONT_NAME, "valign": "top", "align": "left",
                                                    "num_format": "yyyy/mm/dd"})
                day = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
                cells.append((c, day, date_fmt))
            elif isinstance(value, (int, float)):
                cells.append((c, value, body_right))
            else:
                text = str(value)
                cells.append((c, text, body_right if c in right else body))
                if c < len(widths) and len(text) * 2 > widths[c] - 1:
                    lines = max(lines, wrapped_lines(text, widths[c] - 1))
        put_row(ws, r, cells)
        if lines > 1:
            ws.set_row(r, 15 * min(lines, 8))
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    if header:
        ws.autofilter(top, 0, top + max(len(rows), 1), len(header) - 1)
    ws.freeze_panes(top + 1, 0)
    xw_a4(ws, landscape=landscape, repeat_rows=(top, top))
    return ws
