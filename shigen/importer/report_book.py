"""The import report workbook (取込報告_….xlsx): 概要, 取込結果, シートの読み方, 列の対応, 飛ばした行と警告 — A4
landscape.

xlsxwriter writes the workbook's styles, widths, print settings and 概要; the rows of the long sheets (one per record
read: 200,000 in a prefecture's list) are then streamed into their sheet XML.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ..cells import escape_x
from ..xlsx_style import wrapped_lines
from .report import OUTCOME_HEADERS, ImportResult

# sheets whose rows are written straight into the sheet's XML (one per record read: 200,000 in a prefecture's list);
# xlsxwriter keeps an object per cell and costs about ten times as much per cell
STREAMED_SHEETS = ("取込結果", "列の対応", "飛ばした行と警告")
# long texts wrapped in narrower columns, so that the sheet prints legibly on A4 landscape: sheet → (columns, width)
WRAPPED_COLUMNS = {"飛ばした行と警告": ({5, 7}, 40)}
# one row per sheet read, many short columns: widths from the first 6 characters of each header, every cell wrapped
NARROW_SHEETS = ("概要", "シートの読み方")
EXCEL_CELL_MAX = 32_767  # characters in one cell
LINE_HEIGHT = 16  # points per line of a wrapped 11-point cell (游ゴシック needs 14.25; CJK fallback fonts up to 16)
ROW_PADDING = 3  # points above and below a wrapped cell's lines


def write_report(result: ImportResult, path: Path) -> Path:
    """The import report workbook: 概要 / 取込結果 / シートの読み方 / 列の対応 / 飛ばした行と警告, A4 landscape, header repeated on
    every printed page. xlsxwriter writes the workbook (styles, widths, print settings, 概要); the rows of the other
    sheets are then streamed into their XML (:func:`_stream_rows`)."""
    import os

    import xlsxwriter

    from ..xlsx_style import FONT_NAME, HEADER_FILL, HEADER_FONT_COLOR, fit_widths

    sheets: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]] = [
        ("概要", ImportResult.SUMMARY_HEADERS, result.summary_rows()),
        ("取込結果", OUTCOME_HEADERS, [o.to_row() for o in result.outcomes]),
        ("シートの読み方", ImportResult.READING_HEADERS, result.reading_rows()),
        ("列の対応", ImportResult.COLUMN_HEADERS, result.column_rows()),
        ("飛ばした行と警告", ImportResult.PROBLEM_HEADERS, result.problem_rows()),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    tmp2 = path.with_name(f".{path.stem}.tmp2-{os.getpid()}{path.suffix}")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    streamed: dict[str, tuple[list[tuple[Any, ...]], dict[int, int]]] = {}
    try:
        head = wb.add_format({"bold": True, "font_name": FONT_NAME, "font_color": "#" + HEADER_FONT_COLOR,
                              "bg_color": "#" + HEADER_FILL, "align": "center", "valign": "vcenter",
                              "text_wrap": True, "border": 1, "border_color": "#BFBFBF"})
        body = wb.add_format({"font_name": FONT_NAME, "valign": "top"})
        wrap = wb.add_format({"font_name": FONT_NAME, "valign": "top", "text_wrap": True})
        date = wb.add_format({"font_name": FONT_NAME, "valign": "top", "align": "left", "num_format": "yyyy/mm/dd"})
        for index, (title, headers, rows) in enumerate(sheets, start=1):
            ws = wb.add_worksheet(title)
            narrow = title in NARROW_SHEETS
            widths = fit_widths([h[:6] for h in headers] if narrow else headers, rows, maximum=30 if narrow else 60)
            wrapped, wrapped_width = WRAPPED_COLUMNS.get(title, (set(), 0))
            widths = [min(w, wrapped_width) if c in wrapped else w for c, w in enumerate(widths)]
            for c, w in enumerate(widths):
                ws.set_column(c, c, w)
            ws.write_row(0, 0, headers, head)
            if narrow:  # wrapped cells: a row as tall as its longest cell's lines (Excel does not grow it on open)
                _set_heights(ws, [headers, *rows], widths)
            if title in STREAMED_SHEETS:
                streamed[f"xl/worksheets/sheet{index}.xml"] = (rows, {c: widths[c] for c in wrapped})
            else:
                for r, row in enumerate(rows, start=1):
                    for c, value in enumerate(row):
                        if value is None or value == "":
                            continue
                        if isinstance(value, str):
                            ws.write_string(r, c, value, wrap if narrow or "\n" in value else body)
                        elif isinstance(value, dt.date):  # a date cell shown 2027/04/01 (issue 13)
                            ws.write_datetime(r, c, value if isinstance(value, dt.datetime)
                                              else dt.datetime(value.year, value.month, value.day), date)
                        else:
                            ws.write(r, c, value, body)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
            ws.set_landscape()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(0)
            ws.center_horizontally()
            ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
            ws.set_footer("&C&P / &N")
        styles = (body._get_xf_index(), wrap._get_xf_index())  # the streamed cells' style numbers in styles.xml
        wb.close()
        _stream_rows(tmp, tmp2, streamed, *styles)
        tmp2.replace(path)
    finally:
        for t in (tmp, tmp2):
            if t.exists():
                t.unlink()
    return path


def _set_heights(ws: Any, rows: list[tuple[Any, ...]], widths: list[int]) -> None:
    for r, row in enumerate(rows):
        lines = max((wrapped_lines(v, widths[c] - 1) for c, v in enumerate(row) if isinstance(v, str) and v),
                    default=1)
        if lines > 1:
            ws.set_row(r, LINE_HEIGHT * lines + ROW_PADDING)


_XML_SPECIAL = re.compile(r"[&<>]")
_XML_ESCAPE = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_SPACE_AT_END = re.compile(r"^\s|\s$")
_SHEET_DATA_END = b"</sheetData>"
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


_XML_ANY = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x")  # anything the steps below would change


def _xml_text(text: str) -> str:
    """A string as the text of an inline-string cell, escaped the way Excel (and xlsxwriter) does."""
    if not ("&" in text or "<" in text or ">" in text or "_x" in text) and (
            text.isprintable() or text.replace("\n", " ").isprintable()):
        # nothing to change, found by scans several times faster than _XML_ANY on long text: a printable text has no
        # control character or U+FFFE/U+FFFF (tests/test_import_report.py checks it against the regex)
        return text
    if _XML_ANY.search(text) is None:  # one scan instead of three
        return text
    text = escape_x(text)  # the one rule (cells.py): also right for overlapping _x0041_x0042_
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    if _XML_SPECIAL.search(text):
        text = _XML_SPECIAL.sub(lambda m: _XML_ESCAPE[m.group()], text)
    return text


def _edge_space(text: str) -> bool:
    """A space (any whitespace) at the start or the end: what _SPACE_AT_END finds, without a scan of the text."""
    return text[:1].isspace() or text[-1:].isspace()


def _row_xml(r: int, row: tuple[Any, ...], letters: list[str], body: int, wrap: int, wrapped: dict[int, int]) -> str:
    """One row's XML; a row whose wrapped columns need several lines gets their height (Excel and LibreOffice do not
    grow a row for wrapped text by themselves when opening a file)."""
    cells = []
    lines = 1
    for c, value in enumerate(row):
        if value is None or value == "":
            continue
        ref = f"{letters[c]}{r}"
        if isinstance(value, str):
            value = value[:EXCEL_CELL_MAX]  # what Excel can hold (xlsxwriter cuts there too)
            style = wrap if c in wrapped or "\n" in value else body
            if c in wrapped:
                lines = max(lines, wrapped_lines(value, wrapped[c] - 1))
            space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""  # _edge_space
            if "&" in value or "<" in value or ">" in value or "_x" in value or not value.isprintable():
                value = _xml_text(value)  # else nothing to change (_xml_text's own first check, inlined: 20,000 rows)
            cells.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{value}</t></is></c>')
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            cells.append(f'<c r="{ref}" s="{body}"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{ref}" s="{body}" t="inlineStr"><is><t>{_xml_text(str(value))}</t></is></c>')
    height = f' ht="{LINE_HEIGHT * lines + ROW_PADDING}" customHeight="1"' if lines > 1 else ""
    return f'<row r="{r}"{height}>{"".join(cells)}</row>'


class _RowWriter:
    """:func:`_row_xml` of a sheet's rows, the common row the quick way (issue 18: 20,000 rows of 取込結果).

    A row of texts only, none needing anything of :func:`_row_xml` (no line break, no space at either end, nothing to
    escape, not in a wrapped column, none too long), fills the fixed XML of its filled columns
    (:class:`shigen.xlsx_patch.RowShape`, as the save writes new records) with one ``join``; whether anything is needed
    is a few scans of the row's texts joined. Any other row is :func:`_row_xml`'s, which the XML is byte for byte
    (tests/test_import_report.py)."""

    def __init__(self, letters: list[str], body: int, wrap: int, wrapped: dict[int, int]) -> None:
        self.letters, self.body, self.wrap, self.wrapped = letters, body, wrap, wrapped
        self._shapes: dict[tuple[bool, ...], Any] = {}  # filled columns → their RowShape (None: cell by cell)

    def __call__(self, r: int, row: tuple[Any, ...]) -> str:
        try:
            joined = "".join(row)
        except TypeError:  # a value that is not a text (None, a number, a date)
            return _row_xml(r, row, self.letters, self.body, self.wrap, self.wrapped)
        if ("\n" in joined or "&" in joined or "<" in joined or ">" in joined or "_x" in joined
                or len(joined) > EXCEL_CELL_MAX or not joined.isprintable()):
            return _row_xml(r, row, self.letters, self.body, self.wrap, self.wrapped)
        filled = tuple(map(bool, row))  # (every value a text: filled = not empty)
        shape = self._shapes.get(filled, False)
        if shape is False:
            shape = self._shapes[filled] = self._shape(filled) if len(self._shapes) < 1024 else None
        if shape is None:
            return _row_xml(r, row, self.letters, self.body, self.wrap, self.wrapped)
        texts = shape.take(row)
        if tuple(map(str.strip, texts)) != texts:  # a space at an end: xml:space="preserve", cell by cell
            return _row_xml(r, row, self.letters, self.body, self.wrap, self.wrapped)
        return shape.fill(str(r), texts)

    def _shape(self, filled: tuple[bool, ...]) -> Any:
        import operator

        from ..xlsx_patch import RowShape

        cols = [c for c, f in enumerate(filled) if f]
        if not cols or any(c in self.wrapped for c in cols):
            return None
        parts: list[str] = []
        close = '">'
        for c in cols:
            parts += [close + '<c r="' + self.letters[c], "", f'" s="{self.body}" t="inlineStr"><is><t>', ""]
            close = "</t></is></c>"
        take = operator.itemgetter(*cols) if len(cols) > 1 else (lambda row, i=cols[0]: (row[i],))
        return RowShape(parts, take, (), close + "</row>")


def _stream_rows(src: Path, dst: Path, streamed: dict[str, tuple[list[tuple[Any, ...]], dict[int, int]]], body: int,
                 wrap: int) -> None:
    """Copy the workbook ``src`` to ``dst``, writing each streamed sheet's rows (below its header row) into its XML."""
    import zipfile

    from ..xlsx_patch import ZIP_LEVEL, BackgroundWriter
    from .layout import column_letter

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename not in streamed:
                zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            rows, wrapped = streamed[info.filename]
            width = max((len(r) for r in rows), default=1)
            letters = [column_letter(c) for c in range(max(width, 1))]
            end = data.rindex(_SHEET_DATA_END)
            head = _DIMENSION.sub(f'<dimension ref="A1:{letters[-1]}{len(rows) + 1}"/>'.encode(), data[:end], count=1)
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            # the rows deflated at the master's level (xlsx_patch.ZIP_LEVEL: 40 % of zlib's default time)
            setattr(entry, "compress_level" if hasattr(entry, "compress_level") else "_compresslevel", ZIP_LEVEL)
            with zout.open(entry, "w", force_zip64=len(rows) > 100_000) as member, \
                    BackgroundWriter(member) as out:  # deflated in a thread while the next rows are built
                out.write(head)
                chunk: list[str] = []
                row_xml = _RowWriter(letters, body, wrap, wrapped)
                for r, row in enumerate(rows, start=2):
                    chunk.append(row_xml(r, row))
                    if len(chunk) >= 2000:
                        out.write("".join(chunk).encode("utf-8"))
                        chunk.clear()
                out.write("".join(chunk).encode("utf-8"))
                out.write(data[end:])


def report_name(now: dt.datetime | None = None) -> str:
    return f"取込報告_{(now or dt.datetime.now()).strftime('%Y%m%d-%H%M%S')}.xlsx"
