"""New workbooks written with xlsxwriter: atomically (a temporary file renamed into place) and fast.

:func:`new_workbook` gives an ``xlsxwriter.Workbook`` whose sheets take a shorter path for the cells shigen writes
by the hundred thousand (text, numbers and dates with a format; blanks): the same XML, written with fewer Python
calls. Everything else (formats, merges, comments, validations, print setup, protection) is xlsxwriter's own code,
and any cell or sheet outside the fast path falls back to it. Two ways to hand over a row's cells:

- :func:`write_cells` stores them as xlsxwriter does and writes them at close: the file is byte for byte what
  plain xlsxwriter writes (``tests/test_xlsx_write.py`` compares every part of the package);
- :func:`emit_row` makes the row's ``<c>`` elements at once and keeps the text until close (one pass instead of
  two: the update books' rows, ~0.6 s of 3 at 20,000 records). Formats are then numbered by first use, so
  styles.xml lists them in another order; the tests compare the cells with each style spelled out
  (``tests/xlsx_canon.py``).

Relies on xlsxwriter internals (``Worksheet._write_rows``, ``table``, ``str_table``; written against 3.3):
the byte comparison test fails first if a new version changes them, and on any other release the workbooks are
written through xlsxwriter's public API (:func:`fast_path_fits`) until the fast path is checked against it.

The package itself is zipped by :func:`write_package` (deflate level :data:`ZIP_LEVEL`), in line or — through
:func:`packing` — by one background thread while the caller builds the next workbook (issue 18).

Where things are: text that needs no escaping (``_plain``, ``_all_plain``); the xlsxwriter subclasses, built on
first use (``_build_classes``: ``FastWorksheet`` — ``write_cells`` / ``emit_row`` take the cells, ``_write_rows``
writes them at close —, ``FastSharedStrings``, ``FastWorkbook._store_workbook``); the public helpers
(``write_cells``, ``emit_row``, ``new_workbook``); the zip and its thread (``write_package``, ``Packing``,
``atomic_close``).

Why this file is long (over 600 lines): the cell paths, the packaging and the packing thread all lean on the same
xlsxwriter internals; kept in one file, a new xlsxwriter version is checked against one place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

from .background import Background, ShortSwitching

# XML text that needs no escaping: no &, <, >, control characters, or a literal _xHHHH_ (xlsxwriter's escape),
# and no leading / trailing whitespace (that needs xml:space="preserve"). Strings like this are written as they are.
_PLAIN = re.compile(r"(?!\s)[^&<>\x00-\x08\x0b-\x1f\ufffe\uffff]*(?<!\s)\Z")
_NEEDS_ESCAPE = re.compile(r"_x[0-9a-fA-F]{4}_")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _plain(text: str) -> bool:
    """True when ``text`` goes into the XML exactly as it is (xlsxwriter would neither escape nor mark it):
    :data:`_PLAIN` without its regex in the common case (``str.isprintable`` rules out every control character
    and U+FFFE / U+FFFF; ``str.isspace`` is the regex's ``\\s``). ``tests/test_xlsx_write.py`` checks both agree."""
    if not text or "&" in text or "<" in text or ">" in text or text[0].isspace() or text[-1].isspace():
        return False
    if not text.isprintable() and _CONTROL.search(text) is not None:  # e.g. a line break or a tab: allowed
        return False
    return "_x" not in text or _NEEDS_ESCAPE.search(text) is None


_SST_CHUNK = 256  # shared strings looked at together by _all_plain


def _all_plain(texts: list[str]) -> bool:
    """``all(map(_plain, texts))`` with a few C-level passes over the texts joined by line breaks (a line break is
    plain and holds no ``&`` ``<`` ``>``, control character or hex digit, so nothing is found across two texts)."""
    joined = "\n".join(texts)
    return (all(texts) and "&" not in joined and "<" not in joined and ">" not in joined
            and list(map(str.strip, texts)) == texts  # no leading / trailing whitespace (strip's is the regex's \s)
            # no control character nor U+FFFE / U+FFFF: a printable text has none (isprintable is one C pass that
            # stops at the first other character — a line break, U+3000 —, the regex looks at those texts)
            and ("".join(texts).isprintable() or _CONTROL.search(joined) is None)
            and ("_x" not in joined or _NEEDS_ESCAPE.search(joined) is None))


def _classes() -> tuple[type, type]:
    """(Workbook subclass, Worksheet subclass), built on first use so that importing this module stays cheap
    (once, also when :func:`preload` runs in another thread)."""
    global _CLASSES
    if _CLASSES is None:
        with _CLASSES_LOCK:
            if _CLASSES is None:
                _CLASSES = _build_classes()
    return _CLASSES


def preload() -> None:
    """Import xlsxwriter and build the fast classes now: ``shigen assign`` does it in a thread while the master
    is parsed (issue 18)."""
    if use_fast_path():
        _classes()
    else:
        import xlsxwriter  # noqa: F401


def _build_classes() -> tuple[type, type]:
    from xlsxwriter.packager import Packager
    from xlsxwriter.sharedstrings import SharedStrings
    from xlsxwriter.utility import xl_col_to_name
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import (
        CellBlankTuple,
        CellDatetimeTuple,
        CellNumberTuple,
        CellStringTuple,
        RowInfo,
        Worksheet,
    )

    col_names: list[str] = [xl_col_to_name(c) for c in range(64)]

    def col_name(col: int) -> str:
        return col_names[col] if col < len(col_names) else xl_col_to_name(col)

    class FastWorksheet(Worksheet):
        """A worksheet whose common cells are stored and written with fewer calls (same XML)."""

        def write_string(self, *args: Any, **kwargs: Any) -> int:
            # the common case: (row, col, text[, format]) as numbers, text not near the 32,767-character limit;
            # anything else (A1 notation, keywords …) is xlsxwriter's own
            if kwargs or not 3 <= len(args) <= 4:
                return int(super().write_string(*args, **kwargs))
            row, col, string = args[:3]
            cell_format = args[3] if len(args) == 4 else None
            if type(row) is not int or type(col) is not int or type(string) is not str or len(string) > 16383:
                return int(super().write_string(*args))
            if self._check_dimensions(row, col):
                return -1
            if self.constant_memory:  # in-line text; the previous row is written out when a later one starts
                if row > self.previous_row:
                    self._write_single_row(row)
                self.table[row][col] = tuple.__new__(CellStringTuple, (string, cell_format))
                return 0
            self.table[row][col] = tuple.__new__(CellStringTuple, (self.str_table._get_shared_string_index(string),
                                                                   cell_format))
            return 0

        def write_cells(self, row: int, cells: list[tuple[int, Any, Any]]) -> None:
            """``write_string`` / ``write_datetime`` / ``write_number`` for each (column, value, format) of one
            row, in one call (text, ``datetime`` or numbers, each with a format). ``cells`` are in column order:
            the first and the last column set the sheet's dimensions."""
            if not cells or self._check_dimensions(row, cells[0][0]) or self._check_dimensions(row, cells[-1][0]):
                write_cells_slowly(self, row, cells)
                return
            inline = self.constant_memory  # text in-line; the previous row goes out when a later one starts
            if inline and row > self.previous_row:
                self._write_single_row(row)
            sst = self.str_table
            index_of = sst.string_table
            # date → serial number, shared by the sheets that count dates alike (1900 / 1904, time zone dropped)
            dates = _DATE_SERIALS.setdefault((self.date_1904, self.remove_timezone), {})
            target = self.table[row]
            new = tuple.__new__  # what the namedtuples' own __new__ does, without its Python-level call
            for col, value, fmt in cells:
                kind = type(value)
                if kind is str and len(value) <= 16383:
                    if inline:
                        target[col] = new(CellStringTuple, (value, fmt))
                        continue
                    i = index_of.get(value)
                    if i is None:
                        i = index_of[value] = sst.unique_count
                        sst.unique_count += 1
                    sst.count += 1
                    target[col] = new(CellStringTuple, (i, fmt))
                elif kind is int:
                    target[col] = new(CellNumberTuple, (value, fmt))
                elif kind is dt.datetime and fmt is not None and value.tzinfo is None:
                    number = dates.get(value)
                    if number is None:
                        number = dates[value] = self._convert_date_time(value)
                    target[col] = new(CellDatetimeTuple, (number, fmt))
                else:
                    write_cells_slowly(self, row, [(col, value, fmt)])

        def emit_row(self, row: int, cells: list[tuple[int, Any, Any]]) -> None:
            """One row's cells, as :meth:`write_cells` takes them, turned into their ``<c>`` elements at once and kept
            as text until close: one pass over the cells instead of two (store a tuple now, write it at close).

            Values: text, ``int`` / ``float``, ``datetime`` (with a format) and ``None`` (a blank cell with its
            format). A cell without a format takes the row's or the column's format as it is when this is called:
            formats of rows and columns go first (:meth:`set_row` / :meth:`set_column` refuse one afterwards).
            Formats are numbered by first use here (plain xlsxwriter numbers them at close), so styles.xml lists
            the same styles in another order; the cells, their values and their look are the same."""
            fused: dict[int, tuple[int, int, str]] | None = self.__dict__.get("_shigen_rows")
            if fused is None:  # row → (first column, last column, its <c> elements and </row>)
                fused = self.__dict__["_shigen_rows"] = {}
            if (not cells or self.constant_memory or row in self.table or row in fused
                    or self._check_dimensions(row, cells[0][0]) or self._check_dimensions(row, cells[-1][0])):
                self.write_cells(row, cells)  # the stored path handles (or refuses) all of these
                return
            names = col_names if cells[-1][0] < len(col_names) else [col_name(c) for c in range(cells[-1][0] + 1)]
            styles: dict[Any, str] = self.__dict__.setdefault("_shigen_styles", {})  # format → ' s="xf index"'
            sst = self.str_table
            index_of = sst.string_table
            dates = _DATE_SERIALS.setdefault((self.date_1904, self.remove_timezone), {})
            r = str(row + 1)
            parts: list[str] = []
            append = parts.append
            index = index_of.setdefault  # a new shared string takes the next index (unique_count == len(table))
            others = 0  # cells that are not text (every other cell counts once in the shared-string count)
            for col, value, fmt in cells:
                s = styles.get(fmt)  # never None for a format seen before (None itself is never a key)
                if s is None:
                    s = self._shigen_style(fmt, row, col)
                kind = type(value)
                if kind is str and len(value) <= 16383:
                    append(f'<c r="{names[col]}{r}"{s} t="s"><v>{index(value, len(index_of))}</v></c>')
                elif kind is int or kind is float:
                    others += 1
                    append(f'<c r="{names[col]}{r}"{s}><v>{value:.16G}</v></c>')
                elif kind is dt.datetime and fmt is not None and value.tzinfo is None:
                    others += 1
                    number = dates.get(value)
                    if number is None:
                        number = dates[value] = self._convert_date_time(value)
                    append(f'<c r="{names[col]}{r}"{s}><v>{number:.16G}</v></c>')
                elif value is None and fmt is not None:
                    others += 1
                    append(f'<c r="{names[col]}{r}"{s}/>')
                else:  # anything else (very long text, a date without a format …): the whole row the stored way
                    sst.unique_count = len(index_of)
                    self.write_cells(row, cells)
                    return
            sst.unique_count = len(index_of)
            sst.count += len(cells) - others
            append("</row>")  # (the row's end kept with its cells: no copy of the text at close)
            fused[row] = (cells[0][0], cells[-1][0], "".join(parts))

        def _shigen_style(self, fmt: Any, row: int, col: int) -> str:
            """The s attribute of a cell: its format, else the row's, else the column's (as _write_cell does)."""
            if fmt is not None:
                s = self._shigen_styles[fmt] = f' s="{fmt._get_xf_index()}"'
                return s
            info = self.row_info.get(row)
            if info is not None and info.row_format:
                return f' s="{info.row_format._get_xf_index()}"'
            column = self.col_info.get(col)
            if column is not None and column.column_format is not None:
                return f' s="{column.column_format._get_xf_index()}"'
            return ""

        def set_row(self, *args: Any, **kwargs: Any) -> Any:
            if len(args) == 2 and not kwargs:  # (row, height): what set_row_pixels stores, without its option checks
                row, height = args
                if type(row) is int and (type(height) is float or type(height) is int) and height > 0:
                    pixels = int(height * 4.0 / 3.0 + 0.5)
                    if pixels > 0:
                        if self._check_dimensions(row, self.dim_colmin if self.dim_colmin is not None else 0):
                            return -1
                        self.row_info[row] = RowInfo(pixels, None, False, 0, False)
                        self.row_sizes[row] = [pixels, False]
                        return 0
            if self.__dict__.get("_shigen_rows") and (len(args) > 2 and args[2] is not None or kwargs.get("cell_format")):
                raise ValueError("a row's format must be set before any row is written with emit_row")
            return super().set_row(*args, **kwargs)

        def set_column(self, *args: Any, **kwargs: Any) -> Any:
            if self.__dict__.get("_shigen_rows") and (len(args) > 3 and args[3] is not None
                                                      or kwargs.get("cell_format")):
                raise ValueError("a column's format must be set before any row is written with emit_row")
            return super().set_column(*args, **kwargs)

        def _calculate_spans(self) -> None:
            # the smallest and largest column with data or a comment in each block of 16 rows
            lo: dict[int, int] = {}
            hi: dict[int, int] = {}
            for row_num, (a, b, _) in self.__dict__.get("_shigen_rows", {}).items():
                block = row_num // 16
                if block not in lo or a < lo[block]:
                    lo[block] = a
                if block not in hi or b > hi[block]:
                    hi[block] = b
            for source in (self.table, self.comments):
                for row_num, cells in source.items():
                    if not cells:
                        continue
                    block = row_num // 16
                    a, b = min(cells), max(cells)
                    if block not in lo or a < lo[block]:
                        lo[block] = a
                    if block not in hi or b > hi[block]:
                        hi[block] = b
            self.row_spans = {block: f"{lo[block] + 1}:{hi[block] + 1}" for block in sorted(lo)}

        def _write_rows(self) -> None:
            if self.constant_memory:  # rows were written one at a time already
                super()._write_rows()
                return
            self._calculate_spans()
            table, row_info, comments, spans = self.table, self.row_info, self.comments, self.row_spans
            plain = self.excel_version != 2010  # rows without xlsxwriter's x14ac attribute
            write = self.fh.write
            default, original = self.default_row_height, self.original_row_height
            fused = self.__dict__.get("_shigen_rows", {})
            for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
                cells = table.get(row_num)
                info = row_info.get(row_num)
                emitted = fused.get(row_num)
                if emitted is not None and cells:
                    raise ValueError(f"row {row_num + 1} was written both with emit_row and cell by cell")
                if cells or emitted is not None:
                    if plain and (info is None or not (info.row_format or info.hidden or info.level
                                                       or info.collapsed)):
                        # xlsxwriter's _write_row for a row with at most a height: r, spans, ht, customHeight
                        height = default if info is None or info.height is None else info.height
                        span = spans.get(row_num // 16)
                        tag = f'<row r="{row_num + 1}"' + (f' spans="{span}"' if span else "")
                        if height != original or height != default:
                            tag += f' ht="{height * 0.75:.16g}" customHeight="1"'
                        write(tag + ">")
                    else:
                        self._write_row(row_num, spans.get(row_num // 16), info)
                    if emitted is not None:
                        write(emitted[2])
                    else:
                        self._write_row_cells(row_num, cells, info)
                elif info is not None or row_num in comments:
                    self._write_empty_row(row_num, spans.get(row_num // 16), info)

        def _write_single_row(self, current_row_num: int = 0) -> None:
            # constant_memory: the previous row goes to disk when a later one starts (no spans in this mode)
            row_num = self.previous_row
            self.previous_row: int = current_row_num
            cells = self.table.get(row_num)
            if cells:
                info = self.row_info.get(row_num)
                self._write_row(row_num, None, info)
                self._write_row_cells(row_num, cells, info)
            elif row_num in self.row_info or row_num in self.comments:
                self._write_empty_row(row_num, None, self.row_info[row_num])
            self.table.clear()

        def _write_row_cells(self, row_num: int, cells: dict[int, Any], info: Any) -> None:
            """The <c> elements of one row and its </row>, as xlsxwriter's _write_cell writes them."""
            write = self.fh.write
            names = col_names if max(cells) < len(col_names) else [col_name(c) for c in range(max(cells) + 1)]
            styles: dict[Any, str] = self.__dict__.setdefault("_shigen_styles", {})  # format → ' s="xf index"'
            col_info = self.col_info
            inline = self.constant_memory
            r = str(row_num + 1)
            row_style = f' s="{info.row_format._get_xf_index()}"' if info is not None and info.row_format else None

            def style(fmt: Any, col: int) -> str:
                """The cell's format, else the row's, else the column's, as xlsxwriter's _write_cell does."""
                if fmt:
                    s = styles[fmt] = f' s="{fmt._get_xf_index()}"'
                    return s
                if row_style is not None:
                    return row_style
                column = col_info.get(col)
                if column is not None and column.column_format is not None:
                    return f' s="{column.column_format._get_xf_index()}"'
                return ""

            parts: list[str] = []
            append = parts.append
            for col_num in sorted(cells):
                cell = cells[col_num]
                kind = type(cell)
                if kind is CellStringTuple:
                    fmt = cell[1]
                    s = styles.get(fmt) if fmt else None
                    if s is None:
                        s = style(fmt, col_num)
                    if not inline:
                        append(f'<c r="{names[col_num]}{r}"{s} t="s"><v>{cell[0]}</v></c>')
                        continue
                    text = cell[0]
                    if _plain(text):
                        append(f'<c r="{names[col_num]}{r}"{s} t="inlineStr"><is><t>{text}</t></is></c>')
                        continue
                elif kind is CellNumberTuple or kind is CellDatetimeTuple:
                    fmt = cell[1]
                    s = styles.get(fmt) if fmt else None
                    if s is None:
                        s = style(fmt, col_num)
                    append(f'<c r="{names[col_num]}{r}"{s}><v>{cell[0]:.16G}</v></c>')
                    continue
                elif kind is CellBlankTuple:
                    fmt = cell[0]
                    s = styles.get(fmt) if fmt else None
                    if s is None:
                        s = style(fmt, col_num)
                    append(f'<c r="{names[col_num]}{r}"{s}/>')
                    continue
                write("".join(parts))  # anything else (text that needs escaping inline, formulas …): xlsxwriter
                parts.clear()
                self._write_cell(row_num, col_num, cell)
            append("</row>")
            write("".join(parts))

    class FastSharedStrings(SharedStrings):
        def _write_sst_strings(self) -> None:
            write = self.fh.write
            slow = self._write_si
            strings = self.string_table.string_array
            for start in range(0, len(strings), _SST_CHUNK):
                chunk = strings[start:start + _SST_CHUNK]
                if _all_plain(chunk):  # the common case: one join for the whole chunk
                    write("<si><t>" + "</t></si><si><t>".join(chunk) + "</t></si>")
                    continue
                parts = []
                for string in chunk:
                    if _plain(string):
                        parts.append(f"<si><t>{string}</t></si>")
                    else:
                        write("".join(parts))
                        parts = []
                        slow(string)
                write("".join(parts))

    class FastPackager(Packager):
        def _write_shared_strings_file(self) -> None:
            sst = FastSharedStrings()
            sst.string_table = self.workbook.str_table
            if not self.workbook.str_table.count:
                return
            sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
            sst._assemble_xml_file()

    class FastWorkbook(Workbook):
        worksheet_class = FastWorksheet
        shigen_parts: list[tuple[str, bytes]] | None = None  # the package's parts, when close() left the zip to us
        shigen_defer = False  # set by atomic_close: close() puts the parts together, atomic_close zips them

        def _get_packager(self) -> Any:
            return FastPackager()

        def _prepare_sst_string_data(self) -> None:
            # xlsxwriter sorts the strings by index; every path (its own too) gives a new string the next index as
            # it enters the dict, so the dict's order is already that order
            table = self.str_table
            table.string_array = list(table.string_table)
            table.string_table = {}

        def _store_workbook(self) -> None:
            # xlsxwriter 3.3's _store_workbook up to the zip, then the parts deflated at ZIP_LEVEL (xlsxwriter's
            # own: zlib's default level 6, ~3 times the time for files ~15 % smaller), perhaps in another thread
            if not self.in_memory:  # constant_memory: parts are temporary files, xlsxwriter's own way
                super()._store_workbook()
                return
            packager = self._get_packager()
            if not self.worksheets():
                self.add_worksheet()
            if self.worksheet_meta.activesheet == 0:
                self.worksheets_objs[0].selected = 1
                self.worksheets_objs[0].hidden = 0
            for sheet in self.worksheets():
                if sheet.index == self.worksheet_meta.activesheet:
                    sheet.active = 1
            if self.vba_project:
                for sheet in self.worksheets():
                    if sheet.vba_codename is None:
                        sheet.set_vba_name()
            self._prepare_sst_string_data()
            self._prepare_vml()
            self._prepare_defined_names()
            self._prepare_drawings()
            self._add_chart_data()
            self._prepare_tables()
            self._prepare_metadata()
            packager._add_workbook(self)
            packager._set_tmpdir(self.tmpdir)
            packager._set_in_memory(True)
            files = packager._create_package()
            self.shigen_parts = [(name, data.getvalue() if binary else data.getvalue().encode("utf-8"))
                                 for data, name, binary in files]
            if not self.shigen_defer:
                write_package(self.filename, self.shigen_parts, self.allow_zip64)
                self.shigen_parts = None

    return FastWorkbook, FastWorksheet


_CLASSES: tuple[type, type] | None = None
_CLASSES_LOCK = threading.Lock()
_DATE_SERIALS: dict[tuple[bool, bool], dict[dt.datetime, float]] = {}


def write_cells_slowly(ws: Any, row: int, cells: list[tuple[int, Any, Any]]) -> None:
    """What ``FastWorksheet.write_cells`` does, through xlsxwriter's public methods (any worksheet)."""
    for col, value, fmt in cells:
        if value is None:
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            ws.write_string(row, col, value, fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, fmt)
        else:
            ws.write_number(row, col, value, fmt)


def write_cells(ws: Any, row: int, cells: list[tuple[int, Any, Any]]) -> None:
    """Write one row's (column, value, format) cells, in column order; the fast path on a workbook from
    :func:`new_workbook`, plain xlsxwriter calls otherwise."""
    fast = getattr(ws, "write_cells", None)
    if fast is not None:
        fast(row, cells)
    else:
        write_cells_slowly(ws, row, cells)


def emit_row(ws: Any, row: int, cells: list[tuple[int, Any, Any]]) -> None:
    """Like :func:`write_cells` (``None`` is a blank cell with its format), but on a workbook from
    :func:`new_workbook` the row's XML is made at once (``FastWorksheet.emit_row``: formats numbered by first
    use, so the styles part is not byte for byte plain xlsxwriter's); plain xlsxwriter calls otherwise."""
    fast = getattr(ws, "emit_row", None)
    if fast is not None:
        fast(row, cells)
    else:
        write_cells_slowly(ws, row, cells)


FAST = True  # tests set this to False to write the same workbook with plain xlsxwriter
FAST_FOR = "3.3."  # the xlsxwriter release whose internals the fast path is written and tested against


@functools.lru_cache(maxsize=1)
def fast_path_fits() -> bool:
    """The installed xlsxwriter is the release the fast path was written for (:data:`FAST_FOR`). With any other,
    workbooks are written through xlsxwriter's public API: slower, never wrong."""
    import xlsxwriter

    return str(getattr(xlsxwriter, "__version__", "")).startswith(FAST_FOR)


def use_fast_path() -> bool:
    """Workbooks are made with the fast classes (:data:`FAST`, on the xlsxwriter they were written for)."""
    return FAST and fast_path_fits()


def new_workbook(path: Path, *, constant_memory: bool = False, fast: bool | None = None) -> Any:
    """A new xlsxwriter workbook writing ``path``: text stays text (no formulas, URLs or numbers guessed from it).

    ``constant_memory``: each row goes to disk when the next one starts (for sheets written strictly row by row,
    like 回収状況.xlsx; a 200,000-row sheet otherwise costs hundreds of MB). ``fast=False`` gives plain
    xlsxwriter (the tests compare both); the default is :data:`FAST`, on the xlsxwriter it was written for."""
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
               "constant_memory": constant_memory,
               # the package's parts are put together in memory, not as temporary files (one per part): only
               # without constant_memory, whose point is not to hold a large sheet in memory
               "in_memory": not constant_memory}
    if use_fast_path() if fast is None else fast:
        return _classes()[0](str(path), options)
    import xlsxwriter

    return xlsxwriter.Workbook(str(path), options)


ZIP_LEVEL = 1
"""Deflate level of the packages written through the fast path. zlib's fastest level: at 20,000 records the 79
books of `shigen assign` took 1.4 s to compress at zipfile's default (6) and 0.4 s at 1; the files grow ~15 %."""


# write_package fills zipfile's bookkeeping (private attributes) itself: checked byte for byte against writestr on
# CPython 3.11, 3.12 and 3.13 (tests/test_xlsx_package.py); any other version zips through writestr (same bytes,
# slower) until someone checks it again
FAST_ZIP = (3, 11) <= sys.version_info[:2] <= (3, 13)


def write_package(filename: str | Path, parts: list[tuple[str, bytes]], allow_zip64: bool = False) -> None:
    """The xlsx (zip) of ``parts``, as xlsxwriter's in-memory packaging writes it (members dated 1980-01-01)
    but at :data:`ZIP_LEVEL`: the same bytes as ``zipfile``'s ``writestr`` of each part (:func:`_write_package_slowly`).

    Made to run in another thread beside Python work (:class:`Packing`): each time this thread lets go of the GIL
    (zlib, a file write) the other one takes it, and getting it back costs a switch. So each part is deflated by
    ONE call, ``zlib.compress`` in gzip form, whose trailer holds the part's CRC-32 (the raw deflate stream inside
    is what zipfile's compressor writes), the members are put together in memory by zipfile's own bookkeeping and
    the file is written by one call: ~20 switches a book instead of ~60 (issue 18: the 79 books of a 20,000-record
    assign waited ~0.4 s for them)."""
    import io
    import zipfile
    import zlib

    if not FAST_ZIP or any(len(data) * 1.05 > zipfile.ZIP64_LIMIT for _, data in parts):  # zipfile's own way
        _write_package_slowly(filename, parts, allow_zip64)
        return
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=allow_zip64) as z:
        out: Any = z  # zipfile's bookkeeping (private attributes), kept as writestr keeps it
        for name, data in parts:
            packed = zlib.compress(data, ZIP_LEVEL, 31)  # 10-byte header, raw deflate, CRC-32, size (gzip)
            if packed[:4] != b"\x1f\x8b\x08\x00":
                raise RuntimeError("zlib wrote an unexpected gzip header")
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = len(data)
            info.compress_size = len(packed) - 18
            info.CRC = int.from_bytes(packed[-8:-4], "little")
            info.external_attr = 0o600 << 16  # (what writestr gives a member: ?rw-------)
            info.header_offset = buffer.tell()
            out._writecheck(info)
            out._didModify = True
            buffer.write(info.FileHeader(False))
            buffer.write(memoryview(packed)[10:-8])
            out.filelist.append(info)
            out.NameToInfo[info.filename] = info
            out.start_dir = buffer.tell()
    with Path(filename).open("wb") as f:
        f.write(buffer.getbuffer())


def _write_package_slowly(filename: str | Path, parts: list[tuple[str, bytes]], allow_zip64: bool = False) -> None:
    """:func:`write_package` through ``zipfile``'s ``writestr`` (the tests compare both, byte for byte)."""
    import zipfile

    with zipfile.ZipFile(filename, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=allow_zip64) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=ZIP_LEVEL)


class Packing:
    """Finished workbooks compressed and written in ONE background thread while the next one is built.

    Use :func:`packing`. At most one workbook waits for the thread (memory stays that of about two books); an
    error of the thread is raised by the next :meth:`submit` or by :meth:`finish`. A thread, not a process:
    ``shigen assign`` must know every book is on disk before it records them (issue 11)."""

    def __init__(self) -> None:
        self._pending: Background | None = None

    def submit(self, job: Any) -> None:
        self.wait()
        self._pending = Background(job, name="shigen-zip")

    def wait(self) -> None:
        """Until the workbook handed over last is written (its error, if any, raised here)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        """The thread stopped (when the block failed already: its own error, if any, is not raised again)."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.join()


# While a packing() thread runs, the GIL switch interval is background.SWITCH_INTERVAL (ShortSwitching). The packer
# spends its time in zlib, without the GIL, but needs the GIL back after each call; the main thread, building the next
# workbook in Python, gives it up only when the interval has passed. At Python's default 5 ms the packer waited so long
# that the main thread then waited for it (79 books of a 20,000-record assign: write_plan 2.4–2.6 s of wall time for
# 2.0–2.1 s of main-thread CPU); at 1 ms, with write_package's fewer calls, the zip work overlaps (2.1–2.4 s), and the
# main thread's CPU time stays the same (issue 18).


@contextlib.contextmanager
def packing() -> Any:
    """``with packing() as p: … atomic_close(wb, tmp, path, p) …``: every workbook is written (or its error
    raised) when the block ends; on an error inside the block the thread still finishes before it propagates.
    Inside the block the GIL switch interval is :data:`shigen.background.SWITCH_INTERVAL` (set back afterwards)."""
    switching = ShortSwitching()
    p = Packing()
    try:
        yield p
        p.wait()
    finally:
        try:
            p.close()
        finally:
            switching.restore()


def tmp_path(path: Path) -> Path:
    """The hidden temporary file a workbook is written to before it replaces ``path``."""
    return path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")


def atomic_close(wb: Any, tmp: Path, path: Path, packer: Packing | None = None) -> None:
    """Finish ``wb`` (written to ``tmp``) and move it over ``path``; the temporary file never stays behind.

    With ``packer`` (:func:`packing`), a fast-path workbook's parts are put together here and zipped, written and
    moved into place by the packer's thread: ``path`` is there once the ``packing()`` block has ended."""
    fast = _CLASSES is not None and isinstance(wb, _CLASSES[0]) and bool(getattr(wb, "in_memory", False))
    if fast:
        wb.shigen_defer = True
    try:
        wb.close()
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _break_cycle(wb)
    if not fast:
        _replace(tmp, path)
        return
    parts, wb.shigen_parts = wb.shigen_parts, None
    allow_zip64 = wb.allow_zip64

    def job() -> None:
        try:
            write_package(tmp, parts, allow_zip64)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        _replace(tmp, path)

    if packer is None:
        job()
    else:
        packer.submit(job)


def _break_cycle(wb: Any) -> None:
    """Let a closed workbook be freed as soon as it is dropped. Each xlsxwriter sheet holds ``wb.add_format``
    (a bound method: sheet → workbook → sheet), so without this a whole book — some 12,000 objects for 256
    records — waits for Python's cycle collector, which then walks all of it (0.4 s over the 79 books of a
    20,000-record assign, issue 18). Nothing uses a workbook's sheets once it is closed."""
    for sheet in getattr(wb, "worksheets_objs", ()):
        if getattr(sheet, "workbook_add_format", None) is not None:
            sheet.workbook_add_format = None


def _replace(tmp: Path, path: Path) -> None:
    try:
        tmp.replace(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
