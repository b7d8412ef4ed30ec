"""Fast saving of the master: patch the xlsx (zip) at the XML level instead of openpyxl.

``master.save_catalogue`` calls :func:`write_patched` first. It writes a complete new
workbook to ``tmp`` by copying every zip member unchanged except

* the sheet 資源一覧: rewritten row by row (streamed, never held whole in memory).
  shigen's columns get the catalogue's values (inline strings, real dates); each cell
  keeps its style index ``s`` so a user's colours survive; cells of columns a user
  added are copied byte for byte unless the catalogue changed their value; row
  attributes (height, hidden…) are kept; the dimension and autofilter are updated;
* the sheets 履歴 / 担当履歴: new rows are inserted before ``</sheetData>``;
* the sheet 設定: the value of 最後に振ったID;
* xl/workbook.xml: the hidden defined name ``_xlnm._FilterDatabase``;
* xl/calcChain.xml (if any) is dropped (Excel rebuilds it; openpyxl drops it too).

Shared strings (xl/sharedStrings.xml) are left untouched, so every index in cells that
are copied stays valid. Anything unexpected raises :class:`Fallback` (or any other
exception) before ``tmp`` is complete, and the caller then uses the openpyxl path.

Why this file is long (~1,000 lines): the fast save is one streamed pass over the zip, and its parts (shared
strings, styles, row and cell XML, tables and autofilters, the appended sheets) must agree on the same byte-level
rules. The generic zip/XML plumbing could become its own module; what it shares with the openpyxl save is in
:mod:`shigen.cells`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from . import cells as shared_cells
from . import schema as S
from .cells import cell_text, escape_x, excel_value, join_list, place_records, required_to_text, unescape_x

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SETTING_LAST_ID = "最後に振ったID"
LAST_ID_NOTE = "IDを再利用しないための記録です。変更しないでください"
CHUNK = 1 << 20

# which path the last save_catalogue took ("fast" / "openpyxl") and why it fell back
last_path = ""
last_reason = ""


class Fallback(Exception):
    """The workbook has something the fast path does not handle: use openpyxl."""


class BackgroundWriter:
    """``write`` hands the bytes to a thread that writes them to ``sink`` (a zip member open for writing), in order.

    A zip member's ``write`` is zlib's deflate and crc32 and the file's write, which all release the GIL: the
    thread compresses one piece while the caller builds the XML of the next (issue 18: ~2.5 s of the save of a
    200,000-row import). At most ``depth`` pieces wait, so memory stays bounded. An error in the thread is raised
    again in the caller, by the next ``write`` or by ``close`` (the ``with`` block's end); the thread is always
    stopped before the block is left, so the member is never written to from two threads. While the thread runs the
    GIL switch interval is short (:class:`~shigen.background.ShortSwitching`: the thread gets the GIL back sooner
    after each deflate)."""

    def __init__(self, sink: IO[bytes], depth: int = 3) -> None:
        import queue

        from .background import Background, ShortSwitching

        self._sink = sink
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._closed = False
        self._thread = Background(self._run, name="shigen-deflate")
        self._switching = ShortSwitching()

    def _run(self) -> None:
        while True:
            data = self._queue.get()
            if data is None:
                return
            if self._error is None:  # after an error the rest is dropped (never blocking the caller)
                try:
                    self._sink.write(data)
                except BaseException as exc:  # raised again in the caller
                    self._error = exc

    def write(self, data: bytes) -> int:
        if self._error is not None:
            raise self._error
        self._queue.put(data)
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._queue.put(None)
                self._thread.join()
            finally:
                self._switching.restore()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is None:
            self.close()
            return
        with contextlib.suppress(BaseException):  # the caller's own error wins; the thread is stopped all the same
            self.close()


# --- small XML helpers ------------------------------------------------------------------
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ROW = re.compile(rb"\s*(<row\b([^>]*?)(?:/>|>(.*?)</row>))", re.S)
_CELL = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR_R = re.compile(rb"""\br\s*=\s*["']([^"']*)["']""")
_ATTR_S = re.compile(rb"""\bs\s*=\s*["']([^"']*)["']""")
_ATTR_T = re.compile(rb"""\bt\s*=\s*["']([^"']*)["']""")
_ATTR_SPANS = re.compile(rb"""\s+spans\s*=\s*["'][^"']*["']""")
_V = re.compile(rb"<v>(.*?)</v>", re.S)
_T = re.compile(rb"<t(?:\s[^>]*)?>(.*?)</t>|<t(?:\s[^>]*)?/>", re.S)
_RPH = re.compile(rb"<rPh\b.*?</rPh>", re.S)
_DIMENSION = re.compile(rb"<dimension\b[^>]*/>")
_AUTOFILTER_REF = re.compile(rb"""(<autoFilter\b[^>]*?\bref\s*=\s*["'])([^"']*)(["'])""")
_EPOCH = dt.date(1899, 12, 30)
_EPOCH_1904 = dt.date(1904, 1, 1)
_LEAP_BUG_END = dt.date(1900, 3, 1)  # Excel's serial 60 is the 1900-02-29 that never was


def date_serial(value: dt.date | dt.datetime, date1904: bool = False) -> float | int:
    """Excel's serial number of a date (1900 system with its leap-year bug, or the 1904 system)."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if date1904:
        days = (day - _EPOCH_1904).days
    else:
        days = (day - _EPOCH).days - (1 if day < _LEAP_BUG_END else 0)
    if isinstance(value, dt.datetime):
        t = value.time()
        frac = (t.hour * 3600 + t.minute * 60 + t.second) / 86400 + t.microsecond / 86400e6
        return days + frac if frac else days
    return days


def time_serial(value: dt.time) -> float:
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400 + value.microsecond / 86400e6


_NEEDS_ESC = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_ESC_OR_X = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]|_x")  # one scan for both


def _nothing_to_escape(text: str) -> bool:
    """True when ``text`` goes into ``<t>`` as it is, found by scans several times faster than the regex on long
    free text: no ``&<>``, CR or literal ``_x``, and printable apart from line breaks (so no control character,
    surrogate or U+FFFE/U+FFFF). True only when :data:`_NEEDS_ESC_OR_X` finds nothing (tested)."""
    return not ("&" in text or "<" in text or ">" in text or "\r" in text or "_x" in text) and (
        text.isprintable() or text.replace("\n", " ").isprintable())


def _text_xml(text: str) -> str:
    """A text's content of ``<t>``: Excel's _xHHHH_ escape kept literal, XML escaped (as ``cell_xml`` writes it)."""
    if _nothing_to_escape(text):
        return text
    if _NEEDS_ESC_OR_X.search(text) is None:
        return text
    if "_x" in text:
        text = escape_x(text)
    return _esc(text) if _NEEDS_ESC.search(text) else text


def _esc(text: str) -> str:
    text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _split_ref(ref: bytes) -> tuple[int, int]:
    """b'AB12' → (28, 12)."""
    col = 0
    i = 0
    for i, ch in enumerate(ref):  # noqa: B007
        if 65 <= ch <= 90:
            col = col * 26 + ch - 64
        elif 97 <= ch <= 122:
            col = col * 26 + ch - 96
        else:
            break
    else:
        raise Fallback("cell reference without a row")
    if col == 0:
        raise Fallback("cell reference without a column")
    return col, int(ref[i:])


def _attr(pattern: re.Pattern[bytes], attrs: bytes) -> bytes | None:
    m = pattern.search(attrs)
    return m.group(1) if m else None


def cell_xml(ref: str, value: Any, style: int | None, date_style: int | None = None, date1904: bool = False) -> str:
    """One ``<c>`` element for a Python value ('' / None → only the style, or nothing)."""
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            value = str(value)
        else:
            return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    if isinstance(value, dt.time):
        if date_style is None:
            raise Fallback("no time style")
        return f'<c r="{ref}" s="{date_style}"><v>{time_serial(value)!r}</v></c>'
    if isinstance(value, (dt.date, dt.datetime)):
        if date_style is None:
            raise Fallback("no date style")
        serial = date_serial(value, date1904)
        if serial < 1:
            raise Fallback("a date Excel cannot hold")
        return f'<c r="{ref}" s="{date_style}"><v>{serial!r}</v></c>'
    text = str(value)
    if len(text) > 32767:
        raise Fallback("text longer than a cell holds")  # refused earlier by master._check_limits
    text = _esc(escape_x(text))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


# --- workbook structure -------------------------------------------------------------------
def _sheet_parts(zin: zipfile.ZipFile) -> tuple[dict[str, str], list[str]]:
    """sheet name → zip member of its XML, and the sheet names in workbook order."""
    from lxml import etree

    wb = etree.fromstring(zin.read("xl/workbook.xml"))
    rels = etree.fromstring(zin.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{NS_PKG}}}Relationship")}
    parts: dict[str, str] = {}
    order: list[str] = []
    for sheet in wb.iter(f"{{{NS_MAIN}}}sheet"):
        name = sheet.get("name")
        target = targets.get(sheet.get(f"{{{NS_REL}}}id"))
        if not name or not target:
            raise Fallback("sheet without a part")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[name] = part
        order.append(name)
    return parts, order


def _shared_strings_part(zin: zipfile.ZipFile) -> str | None:
    from lxml import etree

    rels = etree.fromstring(zin.read("xl/_rels/workbook.xml.rels"))
    for r in rels.iter(f"{{{NS_PKG}}}Relationship"):
        if r.get("Type", "").endswith("/sharedStrings"):
            t = r.get("Target", "")
            return t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join("xl", t))
    return None


def _si_text(si: Any, t_tag: str, r_tag: str) -> str:
    """The text of one shared string (``<si>``): its ``<t>``, or its rich-text runs' ``<t>`` joined (phonetic
    ``<rPh>`` runs are not text)."""
    parts = []
    for child in si:
        if child.tag == t_tag:
            parts.append(child.text or "")
        elif child.tag == r_tag:
            parts.extend(t.text or "" for t in child.iter(t_tag))
    return "".join(parts)


def load_shared_strings(zin: zipfile.ZipFile, part: str | None, wanted: set[int] | None) -> dict[int, str]:
    """The shared strings with the given indices (all when ``wanted`` is None), phonetic runs left out."""
    from lxml import etree

    out: dict[int, str] = {}
    if part is None or (wanted is not None and not wanted) or part not in zin.namelist():
        return out
    top = max(wanted) if wanted is not None else None
    t_tag, r_tag, si_tag = f"{{{NS_MAIN}}}t", f"{{{NS_MAIN}}}r", f"{{{NS_MAIN}}}si"
    with zin.open(part) as fh:
        i = -1
        for _, si in etree.iterparse(fh, events=("end",), tag=si_tag):
            i += 1
            if wanted is None or i in wanted:
                out[i] = _si_text(si, t_tag, r_tag)
            si.clear()
            parent = si.getparent()
            while si.getprevious() is not None and parent is not None:
                del parent[0]
            if top is not None and i >= top:
                break
    return out


class Styles:
    """cellXfs of xl/styles.xml: which style indices show a date."""

    BUILTIN_DATES = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))

    def __init__(self, data: bytes | None) -> None:
        from lxml import etree

        self.data = data
        self.num_fmt: list[int] = []
        self.plain: list[bool] = []
        self.clones: dict[tuple[int, int | None], int] = {}  # (style, numFmtId) → its copy (added to cellXfs on write)
        codes: dict[int, str] = {}
        if data:
            root = etree.fromstring(data)
            for nf in root.iter(f"{{{NS_MAIN}}}numFmt"):
                codes[int(nf.get("numFmtId", "0"))] = nf.get("formatCode", "")
            xfs = root.find(f"{{{NS_MAIN}}}cellXfs")
            for xf in xfs if xfs is not None else []:
                self.num_fmt.append(int(xf.get("numFmtId", "0")))
                self.plain.append(all(xf.get(a, "0") == "0" for a in ("fontId", "fillId", "borderId"))
                                  and len(xf) == 0)
        self.date_ids = ({i for i in self.BUILTIN_DATES if i not in codes}
                         | {i for i, c in codes.items() if _is_date_code(c)})
        self.date_fmt = next((i for i, c in codes.items() if c.lower() in ("yyyy/mm/dd", "yyyy/m/d")), 14)

    def styled(self, style: int | None) -> bool:
        """A colour, font, border or alignment the user gave the cell."""
        return style is not None and 0 < style < len(self.plain) and not self.plain[style]

    def date_variant(self, style: int) -> int:
        """The same look as ``style`` but showing a date (like openpyxl setting a date number format)."""
        return self._clone(style, None)

    def general_variant(self, style: int) -> int:
        """The same look as ``style`` but showing a plain number (a number put into a date-formatted cell)."""
        return self._clone(style, 0)

    def _clone(self, style: int, fmt: int | None) -> int:
        if (style, fmt) not in self.clones:
            self.clones[(style, fmt)] = len(self.num_fmt) + len(self.clones)
        return self.clones[(style, fmt)]

    def patched(self) -> bytes:
        """xl/styles.xml with the date copies appended to cellXfs."""
        import copy

        from lxml import etree

        assert self.data is not None
        if not self.clones:
            return self.data
        root = etree.fromstring(self.data)
        xfs = root.find(f"{{{NS_MAIN}}}cellXfs")
        for (style, fmt), _ in sorted(self.clones.items(), key=lambda kv: kv[1]):
            xf = copy.deepcopy(xfs[style])
            xf.set("numFmtId", str(self.date_fmt if fmt is None else fmt))
            xf.set("applyNumberFormat", "1")
            xfs.append(xf)
        xfs.set("count", str(len(xfs)))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def is_date(self, style: int | None) -> bool:
        return style is not None and 0 <= style < len(self.num_fmt) and self.num_fmt[style] in self.date_ids

    def any_date(self) -> int | None:
        dates = [i for i in range(len(self.num_fmt)) if self.is_date(i)]
        plain = [i for i in dates if self.plain[i]]
        found = plain or dates
        return found[0] if found else None


def _is_date_code(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.', "", code)
    return bool(re.search(r"[dmyhsegGbBaA]", code.split(";")[0])) and "General" not in code


def _col_styles(head: bytes) -> dict[int, int]:
    out: dict[int, int] = {}
    for m in re.finditer(rb"<col\b([^>]*)/?>", head):
        attrs = m.group(1)
        lo = re.search(rb"""\bmin\s*=\s*["'](\d+)""", attrs)
        hi = re.search(rb"""\bmax\s*=\s*["'](\d+)""", attrs)
        st = re.search(rb"""\bstyle\s*=\s*["'](\d+)""", attrs)
        if lo and hi and st:
            for c in range(int(lo.group(1)), min(int(hi.group(1)), 16384) + 1):
                out[c] = int(st.group(1))
    return out


# --- streaming a sheet ----------------------------------------------------------------------
class SheetStream:
    """Splits a worksheet XML into head (before <sheetData>), raw <row> elements and tail."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.buf = b""
        self.pos = 0
        self.eof = False
        self.head = self._read_head()
        self.tail = b""

    def _more(self) -> bool:
        if self.eof:
            return False
        data = self.fh.read(CHUNK)
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + data
        self.pos = 0
        return True

    def _read_head(self) -> bytes:
        while True:
            m = re.search(rb"<sheetData\s*(/?)>", self.buf)
            if m:
                head = self.buf[:m.start()]
                if b"<sheetData" in head or b":sheetData" in head:
                    raise Fallback("unexpected sheetData")
                self.pos = m.end()
                self.empty = m.group(1) == b"/"
                return head
            if b":sheetData" in self.buf:
                raise Fallback("prefixed SpreadsheetML")
            if not self._more():
                raise Fallback("no sheetData")

    def rows(self) -> Iterator[tuple[bytes, bytes, bytes]]:
        """(row element, its attributes, its inner XML)."""
        if self.empty:
            self._finish(self.buf[self.pos:])
            return
        while True:
            m = _ROW.match(self.buf, self.pos)
            if m and (m.end() < len(self.buf) or self.eof):
                self.pos = m.end()
                yield m.group(1), m.group(2), m.group(3) or b""
                continue
            stripped = self.buf[self.pos:].lstrip()
            if stripped.startswith(b"</sheetData>"):
                self._finish(stripped[len(b"</sheetData>"):])
                return
            if not self._more():
                if m:
                    continue
                raise Fallback("unexpected content in sheetData")

    def _finish(self, rest: bytes) -> None:
        chunks = [rest]
        while True:
            data = self.fh.read(CHUNK)
            if not data:
                break
            chunks.append(data)
        self.tail = b"".join(chunks)


_COL_CACHE: dict[bytes, int] = {}
_CELL_FAST = re.compile(rb"""<c r=["']([A-Z]+)\d+["']([^>]*?)(?:/>|>(.*?)</c>)""", re.S)


def _col_index(letters: bytes) -> int:
    col = _COL_CACHE.get(letters)
    if col is None:
        col = 0
        for ch in letters:
            col = col * 26 + ch - 64
        _COL_CACHE[letters] = col
    return col


def _cells(inner: bytes) -> list[tuple[int, bytes, bytes, bytes]]:
    """(column, raw <c> element, attributes, inner XML) of one row."""
    out = [(_col_index(m.group(1)), m.group(0), m.group(2), m.group(3) or b"") for m in _CELL_FAST.finditer(inner)]
    if len(out) == inner.count(b"<c "):  # every cell starts with r= (Excel, openpyxl, xlsxwriter)
        return out
    out = []
    for m in _CELL.finditer(inner):
        attrs = m.group(1)
        ref = _attr(_ATTR_R, attrs)
        if ref is None:
            raise Fallback("cell without r")
        col, _ = _split_ref(ref)
        out.append((col, m.group(0), attrs, m.group(2) or b""))
    return out


def _cell_value(attrs: bytes, inner: bytes, sst: dict[int, str]) -> Any:
    t = _attr(_ATTR_T, attrs) or b"n"
    if t == b"inlineStr":
        inner = _RPH.sub(b"", inner)
        return unescape_x(html.unescape("".join((m.group(1) or b"").decode("utf-8") for m in _T.finditer(inner))))
    v = _V.search(inner)
    if v is None:
        return None
    text = html.unescape(v.group(1).decode("utf-8"))
    if t == b"s":
        idx = int(text)
        if idx not in sst:
            raise Fallback("shared string not loaded")
        return unescape_x(sst[idx])
    if t in (b"str", b"e", b"d"):
        return text
    if t == b"b":
        return text == "1"
    try:
        f = float(text)
    except ValueError:
        return text
    return int(f) if f.is_integer() else f


def _shared_indices(cells: list[tuple[int, bytes, bytes, bytes]], cols: set[int] | None = None) -> set[int]:
    out = set()
    for col, _, attrs, inner in cells:
        if (cols is None or col in cols) and _attr(_ATTR_T, attrs) == b"s":
            v = _V.search(inner)
            if v is not None:
                out.add(int(v.group(1)))
    return out


def _row_open(attrs: bytes, r: int) -> bytes:
    attrs = _ATTR_SPANS.sub(b"", attrs)
    if _attr(_ATTR_R, attrs) is None:
        attrs = f' r="{r}"'.encode() + attrs
    return b"<row" + attrs + b">"


def _same(old: Any, new: Any, date1904: bool = False) -> bool:
    if isinstance(new, str) or isinstance(old, str):
        return isinstance(new, str) and isinstance(old, str) and old == new
    if isinstance(new, bool) or isinstance(old, bool):
        return old is new
    if isinstance(new, (int, float)) and isinstance(old, (int, float)):
        return float(old) == float(new)
    if isinstance(new, (dt.date, dt.datetime)) and isinstance(old, (int, float)):
        return abs(date_serial(new, date1904) - float(old)) < 1e-6
    if isinstance(new, dt.time) and isinstance(old, (int, float)):
        return abs(time_serial(new) - float(old)) < 1e-6
    return False


# --- the sheets -----------------------------------------------------------------------------
class RowShape:
    """The fixed XML of a row with one set of filled cells (a new record's row, :meth:`ResourcesWriter._row_shape`;
    an appended row of texts, :func:`_plain_shape`; a row of the import report, ``report_book._RowWriter``): ``parts`` with the row number at every 4th place from 1 and the
    texts ``take`` picks from the row at every 4th from 3 (for a new record, a date replaced by its cell after the
    number first: ``dates`` = (position, column, key, letters)), then ``end``."""

    __slots__ = ("cells", "dates", "end", "parts", "take")

    def __init__(self, parts: list[str], take: Any, dates: tuple[tuple[int, int, str, str], ...], end: str) -> None:
        self.parts = parts
        self.take = take
        self.dates = dates
        self.end = end
        self.cells = len(parts) // 4

    def fill(self, rs: str, texts: Any) -> str:
        """The row numbered ``rs`` holding ``texts`` (one per cell, nothing in them to escape)."""
        parts = self.parts.copy()
        parts[1::4] = [rs] * self.cells
        parts[3::4] = texts
        return '<row r="' + rs + "".join(parts) + self.end  # parts[0] begins with '">'


class ResourcesWriter:
    def __init__(self, cat: Any, styles: Styles, date1904: bool = False) -> None:
        self.cat = cat
        self.styles = styles
        self.date1904 = date1904
        self.placed: dict[int, Any] = {}  # Excel row → record (cells.place_records), set before write()
        self._new_cell_pieces: dict[str, tuple[int, str, str | None]] | None = None
        self._new_dates: dict[tuple[int, str], str] = {}  # (column, ISO date) → its cell after the reference
        self._row_shapes: dict[tuple[str, ...], RowShape | None] = {}  # filled keys of a new row → its template

    def prepare(self, stream: SheetStream) -> None:
        """Reads row 1 (the header) and works out the columns."""
        self.stream = stream
        self.rows = stream.rows()
        first = next(self.rows, None)
        if first is None:
            raise Fallback("no header row")
        raw, attrs, inner = first
        r = _attr(_ATTR_R, attrs)
        if r is not None and int(r) != 1:
            raise Fallback("header is not row 1")
        self.header_attrs = attrs
        self.header_cells = _cells(inner)
        self.header_inner = inner
        self.sst_needed = _shared_indices(self.header_cells)
        self.col_styles = _col_styles(stream.head)

    def resolve(self, sst: dict[int, str]) -> None:

        header: dict[int, str] = {}
        for col, _, attrs, inner in self.header_cells:
            header[col] = cell_text(_cell_value(attrs, inner, sst))
        col_of: dict[str, int] = {}
        width = max((c for c, h in header.items() if h), default=0)
        for c in range(1, width + 1):
            h = header.get(c, "")
            if h in S.FIELD_BY_HEADER:
                col_of[S.FIELD_BY_HEADER[h].key] = c
            elif h:
                col_of["extra:" + h] = c
        if any(f.key not in col_of for f in S.FIELDS):
            raise Fallback("a schema column is missing")  # openpyxl re-adds it at the end
        self.new_header: list[tuple[int, str]] = []
        next_col = width + 1
        for h in self.cat.extra_columns:
            if "extra:" + h not in col_of:
                col_of["extra:" + h] = next_col
                self.new_header.append((next_col, h))
                next_col += 1
        self.width = next_col - 1
        self.key_cols = [(k, col_of[k]) for k in S.KEYS]
        self.id_col = col_of["id"]
        self.extra_cols = {k[6:]: c for k, c in col_of.items() if k.startswith("extra:")}
        self.extra_col_set = set(self.extra_cols.values())
        self.date_cols = {col_of[k] for k in S.DATE_KEYS}
        self.known_cols = {c for _, c in self.key_cols} | self.extra_col_set
        self.date_default = self.styles.any_date()
        self.letters = [""] + [col_letter(c) for c in range(1, max(self.width, 1) + 1)]

    def needs_all_strings(self) -> bool:
        return bool(self.extra_cols) and any(r.extra for r in self.cat.records if r.row is not None)

    def _date_style(self, style: int | None, col: int) -> int | None:
        if self.styles.is_date(style):
            return style
        if style is not None and self.styles.styled(style):
            return self.styles.date_variant(style)  # the user's colours stay, the cell shows a date
        cs = self.col_styles.get(col)
        if self.styles.is_date(cs):
            return cs
        return self.date_default

    def _record_cells(self, r: int, record: Any, existing: dict[int, tuple[bytes, bytes, bytes]],
                      keep_extras: bool, sst: dict[int, str]) -> dict[int, str | bytes]:
        out: dict[int, str | bytes] = {}
        values = record.values
        letters = self.letters
        date_cols = self.date_cols
        col_styles = self.col_styles
        style: int | None
        for key, c in self.key_cols:
            text = values.get(key, "")
            old = existing.get(c)
            if old is not None:
                st = _attr(_ATTR_S, old[1])
                style = int(st) if st is not None else None
                if b"<f" in old[2] and b"ref=" in old[2]:
                    raise Fallback("shared or array formula in a shigen column")
            elif not text:
                continue
            else:
                style = col_styles.get(c)
            if not text:
                out[c] = f'<c r="{letters[c]}{r}" s="{style}"/>' if style else ""
            elif c in date_cols:
                value = excel_value(key, text, self.date1904)
                if isinstance(value, dt.date):
                    out[c] = cell_xml(f"{letters[c]}{r}", value, style, self._date_style(style, c), self.date1904)
                else:
                    out[c] = cell_xml(f"{letters[c]}{r}", value, style)
            else:
                if len(text) > 32767:
                    raise Fallback("text longer than a cell holds")  # refused earlier by master._check_limits
                if "_x" in text:
                    text = escape_x(text)
                if _NEEDS_ESC.search(text):
                    text = _esc(text)
                s = f' s="{style}"' if style else ""
                out[c] = f'<c r="{letters[c]}{r}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
        if record.extra:
            self._extra_cells(r, record, existing, keep_extras, sst, out)
        return out

    def _extra_cells(self, r: int, record: Any, existing: dict[int, tuple[bytes, bytes, bytes]],
                     keep_extras: bool, sst: dict[int, str], out: dict[int, str | bytes]) -> None:
        """The cells of the record's extra columns (the values shigen keeps for columns it has no field for)."""
        style: int | None
        for h, value in record.extra.items():
            col = self.extra_cols.get(h)
            if col is None:
                continue
            old = existing.get(col)
            if old is not None:
                if keep_extras and _same(_cell_value(old[1], old[2], sst), value, self.date1904):
                    continue
                st = _attr(_ATTR_S, old[1])
                style = int(st) if st is not None else None
            else:
                style = self.col_styles.get(col)
            if old is not None and b"<f" in old[2] and b"ref=" in old[2]:
                raise Fallback("shared or array formula in an extra column")
            ref = f"{col_letter(col)}{r}"
            if isinstance(value, (dt.date, dt.datetime, dt.time)):
                out[col] = cell_xml(ref, value, style, self._date_style(style, col), self.date1904)
            elif isinstance(value, (int, float)) and not isinstance(value, bool) and style is not None \
                    and self.styles.is_date(style):
                out[col] = cell_xml(ref, value, self.styles.general_variant(style))  # a number, not a date
            else:
                out[col] = cell_xml(ref, value, style)

    def write(self, out: IO[bytes] | BackgroundWriter, sst: dict[int, str]) -> None:
        """Each record into its own row (``cells.place_records``: the row it was read from, new ones after
        the last); rows of records no longer in the catalogue are emptied in the table's columns."""

        placed = self.placed
        pending = sorted(placed)  # rows still to write, in order
        pi = 0
        out.write(b"<sheetData>")
        # header
        if self.new_header:
            head_cells: dict[int, str | bytes] = {c: rawc for c, rawc, _, _ in self.header_cells}
            for c, h in self.new_header:
                head_cells[c] = cell_xml(f"{col_letter(c)}1", h, None)
            inner = b"".join(v if isinstance(v, bytes) else v.encode("utf-8") for _, v in sorted(head_cells.items()))
        else:
            inner = self.header_inner
        out.write(_row_open(self.header_attrs, 1) + inner + b"</row>")
        prev = 1
        buf: list[bytes] = []
        id_col = self.id_col
        for _raw, attrs, inner in self.rows:
            ref = _attr(_ATTR_R, attrs)
            r = int(ref) if ref is not None else prev + 1
            if r <= prev:
                raise Fallback("rows out of order")
            while pi < len(pending) and pending[pi] < r:  # records whose row is not in the file yet
                buf.append(self._new_row(pending[pi], placed[pending[pi]], sst))
                pi += 1
            if pi < len(pending) and pending[pi] == r:
                pi += 1
            prev = r
            cells = _cells(inner)
            record = placed.get(r)
            if record is not None:
                existing = {c: (rawc, a, inn) for c, rawc, a, inn in cells}
                keep = record.row == r
                if keep and id_col in existing:
                    _, a, inn = existing[id_col]
                    t = _attr(_ATTR_T, a)
                    if t != b"s" or (v := _V.search(inn)) is not None and int(v.group(1)) in sst:
                        there = cell_text(_cell_value(a, inn, sst))
                        if there != record.id:
                            raise Fallback(f"row {r} holds ID {there!r}, not {record.id!r}")
                new = self._record_cells(r, record, existing, keep, sst)
                merged: dict[int, str | bytes] = {c: rawc for c, rawc, _, _ in cells}
                merged.update(new)
                record.row = r
            else:  # a blank row, or the row of a record no longer in the catalogue: values in the table's columns cleared
                merged = {}
                for c, rawc, a, inn in cells:
                    if c <= self.width and (b"<v" in inn or b"<is" in inn or b"<f" in inn):
                        st = _attr(_ATTR_S, a)
                        merged[c] = f'<c r="{col_letter(c)}{r}" s="{int(st)}"/>' if st is not None else ""
                    else:
                        merged[c] = rawc
            body = b"".join(v if isinstance(v, bytes) else v.encode("utf-8") for _, v in sorted(merged.items()))
            buf.append(_row_open(attrs, r) + body + b"</row>")
            if len(buf) >= 2000:
                out.write(b"".join(buf))
                buf.clear()
        while pi < len(pending):  # records below the last row (all of them on a first import): streamed too
            if pending[pi] > prev:
                buf.append(self._new_row(pending[pi], placed[pending[pi]], sst))
                if len(buf) >= 2000:
                    out.write(b"".join(buf))
                    buf.clear()
            pi += 1
        out.write(b"".join(buf))
        out.write(b"</sheetData>")

    def _new_row(self, r: int, record: Any, sst: dict[int, str]) -> bytes:
        """A record below the last row: what ``_record_cells`` writes with no cell there yet.

        Rows with the same fields (the keys of their values, in order, none empty) share one list of the row's fixed
        XML (:class:`RowShape`) into which the row number and the values are put by slice assignment, and one
        ``join``; whether any value needs escaping is one scan of them all. Rows with extra columns or an empty value,
        and a text needing escaping or too long, go cell by cell (:meth:`_new_row_general`): the XML is the same
        byte for byte (tests/test_xlsx_patch.py)."""
        values = record.values
        if record.extra:
            return self._new_row_general(r, record, sst)
        keys = tuple(values)
        shapes = self._row_shapes
        if keys in shapes:
            shape = shapes[keys]
        elif len(shapes) < 4096:  # a few dozen in a list of 200,000
            shape = shapes[keys] = self._row_shape(keys)
        else:
            shape = None
        if shape is None:
            return self._new_row_general(r, record, sst)
        texts = shape.take(values)
        try:
            joined = "".join(texts)
        except TypeError:  # a value that is not a text
            return self._new_row_general(r, record, sst)
        if "" in texts or len(joined) > 32767 or not _nothing_to_escape(joined):
            return self._new_row_general(r, record, sst)  # an empty value, escaping, a text too long: cell by cell
        rs = str(r)
        if shape.dates:
            texts = list(texts)
            for i, c, key, head in shape.dates:
                texts[i] = self._date_tail(c, key, texts[i], head, rs)
        record.row = r
        return shape.fill(rs, texts).encode("utf-8")

    def _row_shape(self, keys: tuple[str, ...]) -> RowShape | None:
        """The fixed XML of a new row whose fields are ``keys`` (None when none is a column of the table)."""
        import operator

        pieces = self._new_cell_pieces
        if pieces is None:
            pieces = self._new_cell_pieces = self._cell_pieces()
        cols = sorted((pieces[k][0], k) for k in keys if k in pieces)
        if not cols:
            return None
        # per cell [before the row number, row number, after it, value]: '<c r="B', 12, '" s="3" …<t …>', text
        # (the text's '</t></is></c>' begins the next cell's first part); a date's value is its cell after the number
        parts: list[str] = []
        dates: list[tuple[int, int, str, str]] = []
        close = '">'
        for i, (c, key) in enumerate(cols):
            _, head, mid = pieces[key]
            if mid is None:
                parts += [close + '<c r="' + head, "", "", ""]
                dates.append((i, c, key, head))
                close = ""
            else:
                parts += [close + head, "", mid, ""]
                close = "</t></is></c>"
        names = [k for _, k in cols]
        take = operator.itemgetter(*names) if len(names) > 1 else (lambda v, k=names[0]: (v[k],))
        return RowShape(parts, take, tuple(dates), close + "</row>")

    def _date_tail(self, c: int, key: str, text: str, head: str, rs: str) -> str:
        """A new row's date cell after '<c r="B12' (once per distinct date and column)."""
        tail = self._new_dates.get((c, text))
        if tail is None:
            value = excel_value(key, text, self.date1904)
            style = self.col_styles.get(c)
            if isinstance(value, dt.date):
                xml = cell_xml(f"{head}{rs}", value, style, self._date_style(style, c), self.date1904)
            else:
                xml = cell_xml(f"{head}{rs}", value, style)
            tail = xml[6 + len(head) + len(rs):]  # after '<c r="B12'
            if len(self._new_dates) < 10000:
                self._new_dates[(c, text)] = tail
        return tail

    def _new_row_general(self, r: int, record: Any, sst: dict[int, str]) -> bytes:
        """:meth:`_new_row` cell by cell (the text cells of the table's columns built from per-column pieces)."""
        pieces = self._new_cell_pieces
        if pieces is None:
            pieces = self._new_cell_pieces = self._cell_pieces()
        cells: list[tuple[int, str]] = []
        rs = str(r)
        for key, text in record.values.items():
            if not text:
                continue
            piece = pieces.get(key)
            if piece is None:  # not a field of the schema (the table has every one)
                continue
            c, head, mid = piece
            if mid is None:  # a date column: the cell after its reference, once per distinct date
                cells.append((c, f'<c r="{head}{rs}{self._date_tail(c, key, text, head, rs)}'))
                continue
            if len(text) > 32767:
                raise Fallback("text longer than a cell holds")  # refused earlier by master._check_limits
            cells.append((c, head + rs + mid + _text_xml(text) + "</t></is></c>"))
        if record.extra:
            extra: dict[int, str | bytes] = {}
            self._extra_cells(r, record, {}, False, sst, extra)
            cells.extend((c, v) for c, v in extra.items() if isinstance(v, str))
        cells.sort()
        record.row = r
        return (f'<row r="{r}">' + "".join([v for _, v in cells]) + "</row>").encode("utf-8")

    def _cell_pieces(self) -> dict[str, tuple[int, str, str | None]]:
        """key → (column, '<c r="B', '" s="3" t="inlineStr"><is><t xml:space="preserve">') for the text columns,
        (column, 'B', None) for the date columns."""
        out: dict[str, tuple[int, str, str | None]] = {}
        for key, c in self.key_cols:
            if c in self.date_cols:
                out[key] = (c, self.letters[c], None)
                continue
            style = self.col_styles.get(c)
            s = f' s="{style}"' if style else ""
            out[key] = (c, f'<c r="{self.letters[c]}', f'"{s} t="inlineStr"><is><t xml:space="preserve">')
        return out


def _scan_last_row(fh: IO[bytes]) -> int:
    """The highest row number of a worksheet, streamed (rows carry r=, as Excel and openpyxl write them)."""
    last = 0
    carry = b""
    pattern = re.compile(rb"<row\b[^>]*?\br\s*=\s*[\"'](\d+)")
    while True:
        data = fh.read(CHUNK)
        if not data:
            break
        buf = carry + data
        for m in pattern.finditer(buf):
            last = max(last, int(m.group(1)))
        carry = buf[-512:]
    return last


def _append_rows(stream: SheetStream, out: IO[bytes] | BackgroundWriter, rows: list[tuple[Any, ...]],
                 expected_last: int) -> None:
    """Copies the rows of an append-only sheet and adds ``rows`` after them."""
    out.write(b"<sheetData>")
    last = 0
    copied: list[bytes] = []
    for raw, attrs, _ in stream.rows():
        ref = _attr(_ATTR_R, attrs)
        last = int(ref) if ref is not None else last + 1
        copied.append(raw)
        if len(copied) >= 2000:  # in pieces, not one write per row (each write goes to the deflate thread)
            out.write(b"".join(copied))
            copied.clear()
    out.write(b"".join(copied))
    if last != expected_last:
        raise Fallback("rows without numbers")
    r = max(last, 1)  # openpyxl's max_row of an empty sheet is 1
    parts = []
    for row in rows:  # a text every row repeats (担当履歴's year, coordinator, method; 履歴's time, user) escaped once
        r += 1
        parts.append(_plain_row_xml(r, row))
        if len(parts) >= 5000:
            out.write("".join(parts).encode("utf-8"))
            parts.clear()
    out.write("".join(parts).encode("utf-8"))
    out.write(b"</sheetData>")


_LETTERS = [""] + [col_letter(c) for c in range(1, 65)]
_CELL_HEADS = [f'<c r="{x}' for x in _LETTERS]
_PLAIN_TAILS: dict[tuple[int, str], str] = {}  # (column, short text) → its cell after the row number


_PLAIN_SHAPES: dict[tuple[bool, ...], RowShape | None] = {}  # filled columns → fixed XML


def _plain_shape(filled: tuple[bool, ...]) -> RowShape | None:
    """The fixed XML of an appended row of texts whose filled columns are ``filled``."""
    import operator

    cols = [c for c, f in enumerate(filled, start=1) if f]
    if not cols or len(filled) >= 65:
        return None
    parts: list[str] = []
    close = '">'
    for c in cols:
        parts += [close + _CELL_HEADS[c], "", '" t="inlineStr"><is><t xml:space="preserve">', ""]
        close = "</t></is></c>"
    take = operator.itemgetter(*(c - 1 for c in cols)) if len(cols) > 1 else (lambda row, i=cols[0] - 1: (row[i],))
    return RowShape(parts, take, (), close + "</row>")


def _plain_row_xml(r: int, row: tuple[Any, ...]) -> str:
    """One appended row without styles: what ``cell_xml`` writes for each non-empty value.

    A row of texts with nothing to escape (the 20,000 履歴 rows of a first import) fills the fixed XML of its
    filled columns (:func:`_plain_shape`) in one ``join``; any other goes cell by cell (:func:`_plain_row_cells`)."""
    try:
        joined = "".join(row)
    except TypeError:  # a value that is not a text (None, a number, a date)
        return _plain_row_cells(r, row)
    filled = tuple(map(bool, row))
    if filled in _PLAIN_SHAPES:
        shape = _PLAIN_SHAPES[filled]
    elif len(_PLAIN_SHAPES) < 1024:
        shape = _PLAIN_SHAPES[filled] = _plain_shape(filled)
    else:
        shape = None
    if shape is None or len(joined) > 32767 or not _nothing_to_escape(joined):
        return _plain_row_cells(r, row)
    return shape.fill(str(r), shape.take(row))


def _plain_row_cells(r: int, row: tuple[Any, ...]) -> str:
    """:func:`_plain_row_xml` cell by cell (a text cell without anything to escape written directly)."""
    cells = []
    rs = str(r)
    for c, v in enumerate(row, start=1):
        if v is None or v == "":
            continue
        if type(v) is str and c < 65:
            tail = _PLAIN_TAILS.get((c, v))  # a value every row repeats (時刻, 実行者, コマンド): escaped once
            if tail is None:
                if len(v) > 32767:
                    cells.append(cell_xml(f"{col_letter(c)}{r}", v, None))  # refuses it
                    continue
                tail = '" t="inlineStr"><is><t xml:space="preserve">' + _text_xml(v) + "</t></is></c>"
                if len(v) <= 40 and len(_PLAIN_TAILS) < 4096:
                    _PLAIN_TAILS[(c, v)] = tail
            cells.append(_CELL_HEADS[c] + rs + tail)
        else:
            cells.append(cell_xml(f"{col_letter(c)}{r}", v, None))
    return f'<row r="{r}">' + "".join(cells) + "</row>"


def _dimension(head: bytes, last_row: int, width: int) -> bytes:
    m = _DIMENSION.search(head)
    if not m:
        return head
    old = re.search(rb"""ref\s*=\s*["']([^"']*)["']""", m.group(0))
    old_width = 1
    if old:
        end = old.group(1).split(b":")[-1]
        try:
            old_width = _split_ref(end)[0]
        except (Fallback, ValueError):
            old_width = 1
    ref = f"A1:{col_letter(max(width, old_width, 1))}{max(last_row, 1)}"
    return head[:m.start()] + f'<dimension ref="{ref}"/>'.encode() + head[m.end():]


_SI_OPEN = re.compile(rb"<si(?=[\s>/])")
_SI_CLOSE = re.compile(rb"</si\s*>")
_XML_DECL = re.compile(rb"""\A(?:\xef\xbb\xbf)?\s*(?:<\?xml\b[^>]*?\?>)?""")


_SST_HEAD = 4096  # bytes read first: the XML declaration and the <sst> tag
_SST_CHUNK = 1 << 20  # then the table in pieces of this size (the whole of it is 200 MB at 200,000 records)


def some_shared_strings(zin: zipfile.ZipFile, part: str | None, wanted: set[int]) -> dict[int, str]:
    """The few shared strings ``wanted`` (設定's keys, issue 18) without parsing the whole table: the ``<si>``
    elements are counted by their bytes, piece by piece, and only the wanted ones parsed — what
    ``load_shared_strings`` returns.

    設定 is saved after 資源一覧, so its strings sit at the end of a table of 21 MB for a 20,000-record master
    (0.3–0.45 s through lxml, ~0.1 s this way). Anything a byte count could miscount (a comment, CDATA, a
    processing instruction, a namespace prefix, another encoding) goes the ordinary way."""
    if part is None or not wanted or part not in zin.namelist():
        return {}
    first = min(wanted)
    with zin.open(part) as fh:
        buf = fh.read(_SST_HEAD)
        decl = _XML_DECL.match(buf)
        head_end = decl.end() if decl else 0
        declaration = buf[:head_end].lower()
        root = re.compile(rb"\s*<sst\b[^>]*>").match(buf, head_end)
        if (b"encoding" in declaration and not re.search(rb"""encoding\s*=\s*["']utf-?8["']""", declaration)
                or root is None or f'xmlns="{NS_MAIN}"'.encode() not in root.group(0).replace(b"'", b'"')):
            return load_shared_strings(zin, part, wanted)
        i, skip = 0, head_end  # <si> elements before ``buf``; bytes of buf the <? check skips (the declaration)
        while True:
            more = fh.read(_SST_CHUNK)
            if not more:
                found = _few_shared_strings(buf, i, wanted, skip)
                break
            if len(buf) <= 3:
                buf += more
                continue
            if b"<!" in buf or buf.find(b"<?", skip) >= 0 or b":si" in buf:
                found = None
                break
            safe = len(buf) - 3  # a match starting here or later is looked at again with the next piece
            start = None
            for m in _SI_OPEN.finditer(buf):
                if m.start() >= safe:
                    break
                if i == first:
                    start = m.start()
                    break
                i += 1
            if start is not None:  # the rest of the table from the first wanted string (設定's: a few KB)
                found = _few_shared_strings(buf[start:] + more + fh.read(), i, wanted, 0)
                break
            buf, skip = buf[safe:] + more, 0
    return found if found is not None else load_shared_strings(zin, part, wanted)


def _few_shared_strings(data: bytes, i0: int, wanted: set[int], skip: int) -> dict[int, str] | None:
    """The wanted strings of ``data`` whose first ``<si>`` is number ``i0`` (None: read it the ordinary way)."""
    from lxml import etree

    if b"<!" in data or data.find(b"<?", skip) >= 0 or b":si" in data:
        return None
    t_tag, r_tag = f"{{{NS_MAIN}}}t", f"{{{NS_MAIN}}}r"
    out: dict[int, str] = {}
    top = max(wanted)
    for i, m in enumerate(_SI_OPEN.finditer(data), start=i0):
        if i in wanted:
            gt = data.find(b">", m.end())
            end = gt + 1 if gt > 0 and data[gt - 1:gt] == b"/" else None  # <si/>
            if end is None and gt > 0:
                close = _SI_CLOSE.search(data, gt)
                end = close.end() if close else None
            if end is None:
                return None
            try:
                si = etree.fromstring(b'<sst xmlns="' + NS_MAIN.encode() + b'">' + data[m.start():end] + b"</sst>")[0]
            except etree.XMLSyntaxError:
                return None
            out[i] = _si_text(si, t_tag, r_tag)
        if i >= top:
            break
    return out


_SETTINGS_AHEAD: dict[tuple[Any, ...], tuple[Any, list[Any], dict[int, str]]] = {}  # read_settings_ahead's


def read_settings_ahead(path: Path) -> None:
    """Read the master's 設定 sheet and the shared strings it uses now, for the save's :func:`_settings_sheet`:
    ``shigen assign`` calls this in a thread while python-calamine parses the master (the 設定 strings sit at the
    end of the shared-string table, 0.1 s into it at 20,000 records, issue 18). Kept with the file's content hash:
    the save takes it only for the master it loaded (``cat.read_as``, which the save checks the file still is).
    Any error here is left for the save to meet."""
    import hashlib

    before = path.stat()
    digest = hashlib.sha256()  # (as master.fingerprint hashes the file)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    with zipfile.ZipFile(path) as zin:
        parts, _ = _sheet_parts(zin)
        part = parts.get(S.SHEET_SETTINGS)
        if part is None or part not in zin.namelist():
            return
        sst_part = _shared_strings_part(zin)
        read = _read_settings(zin.read(part), zin, sst_part)
    after = path.stat()
    _SETTINGS_AHEAD.clear()  # (one master at a time)
    if (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns):  # (not written meanwhile)
        _SETTINGS_AHEAD[(str(path), digest.hexdigest(), part, sst_part)] = read


def _read_settings(data: bytes, zin: zipfile.ZipFile, sst_part: str | None) -> tuple[Any, list[Any], dict[int, str]]:
    """設定's rows (the stream, each row with its cells) and the shared strings of its keys."""
    import io

    stream = SheetStream(io.BytesIO(data))
    rows = list(stream.rows())
    parsed = [(raw, attrs, _cells(inner)) for raw, attrs, inner in rows]
    wanted = set()
    for _, _, cells in parsed[1:]:
        wanted |= _shared_indices(cells, {1})
    return stream, parsed, some_shared_strings(zin, sst_part, wanted)


def _settings_sheet(data: bytes, zin: zipfile.ZipFile, sst_part: str | None, value: str,
                    read: tuple[Any, list[Any], dict[int, str]] | None = None) -> bytes:
    """設定: the value of 最後に振ったID (row added when missing), like master._write_setting_value. ``read``:
    :func:`_read_settings` of ``data``, done already (:func:`read_settings_ahead`)."""
    stream, parsed, sst = read if read is not None else _read_settings(data, zin, sst_part)

    out = [stream.head, b"<sheetData>"]
    found = False
    last = 0
    for i, (raw, attrs, cells) in enumerate(parsed):
        ref = _attr(_ATTR_R, attrs)
        r = int(ref) if ref is not None else last + 1
        last = r
        key = "" if i == 0 or found else next(
            (cell_text(_cell_value(a, inn, sst)) for c, _, a, inn in cells if c == 1), "")
        if key == SETTING_LAST_ID:
            found = True
            merged: dict[int, str | bytes] = {c: rawc for c, rawc, _, _ in cells}
            old = next((a for c, _, a, _ in cells if c == 2), None)
            st = _attr(_ATTR_S, old) if old is not None else None
            merged[2] = cell_xml(f"B{r}", value, int(st) if st is not None else None)
            body = b"".join(v if isinstance(v, bytes) else v.encode("utf-8") for _, v in sorted(merged.items()))
            out.append(_row_open(attrs, r) + body + b"</row>")
        else:
            out.append(raw)
    if not found:
        r = max(last, 1) + 1
        out.append((f'<row r="{r}">' + cell_xml(f"A{r}", SETTING_LAST_ID, None) + cell_xml(f"B{r}", value, None)
                    + cell_xml(f"C{r}", LAST_ID_NOTE, None) + "</row>").encode("utf-8"))
        last = r
    out.append(b"</sheetData>")
    out.append(stream.tail)
    out[0] = _dimension(stream.head, last, 3)
    return b"".join(out)


def rewrite_table_sheet(data: bytes, rows: list[tuple[Any, ...]]) -> bytes:
    """A settings sheet (地区, ジャンル, コーディネーター, 設定) with ``rows`` (header first) in its first columns,
    like master._rewrite: each cell keeps its style, columns to the right (the user's) are kept, rows past the
    new ones have those columns emptied."""
    import io

    width = max((len(r) for r in rows), default=0)
    stream = SheetStream(io.BytesIO(data))
    out = [b"<sheetData>"]
    last = 0
    for _raw, attrs, inner in stream.rows():
        ref = _attr(_ATTR_R, attrs)
        r = int(ref) if ref is not None else last + 1
        if r <= last:
            raise Fallback("rows out of order")
        for nr in range(last + 1, min(r, len(rows) + 1)):  # new rows before this one
            out.append(_settings_row(nr, rows[nr - 1]))
        last = r
        cells = _cells(inner)
        existing = {c: a for c, _, a, _ in cells}
        merged: dict[int, str | bytes] = {c: rawc for c, rawc, _, _ in cells if c > width}
        values = rows[r - 1] if r <= len(rows) else ()
        for c in range(1, width + 1):
            st = _attr(_ATTR_S, existing[c]) if c in existing else None
            v = values[c - 1] if c - 1 < len(values) else None
            merged[c] = cell_xml(f"{col_letter(c)}{r}", v, int(st) if st is not None else None)
        body = b"".join(v if isinstance(v, bytes) else v.encode("utf-8") for _, v in sorted(merged.items()))
        out.append(_row_open(attrs, r) + body + b"</row>")
    for nr in range(last + 1, len(rows) + 1):
        out.append(_settings_row(nr, rows[nr - 1]))
    out.append(b"</sheetData>")
    return _dimension(stream.head, max(last, len(rows), 1), width) + b"".join(out) + stream.tail


def _settings_row(r: int, values: tuple[Any, ...]) -> bytes:
    cells = "".join(cell_xml(f"{col_letter(c)}{r}", v, None) for c, v in enumerate(values, start=1))
    return f'<row r="{r}">{cells}</row>'.encode()


def _settings_rows(cat: Any) -> dict[str, list[tuple[Any, ...]]]:
    """The four settings sheets as master._write_settings_sheets writes them (設定 with 最後に振ったID)."""

    descriptions = {k: d for k, (_, d) in S.SETTING_DEFAULTS.items()}
    settings = [(k, v, descriptions.get(k, "")) for k, v in cat.settings.values.items()]
    settings.append((SETTING_LAST_ID, f"S{cat.last_id:05d}" if cat.last_id else "", LAST_ID_NOTE))
    return {
        S.SHEET_DISTRICTS: [S.DISTRICT_HEADERS, *((d.name, d.tier, join_list(list(d.towns)), d.note,
                                                  join_list(list(d.neighbours))) for d in cat.districts)],
        S.SHEET_GENRES: [S.GENRE_HEADERS, *((g.name, g.order, required_to_text(g.required), join_list(list(g.synonyms)),
                                            g.description) for g in cat.genres)],
        S.SHEET_COORDINATORS: [S.COORDINATOR_HEADERS, *((c.name, c.tier, join_list(list(c.districts)),
                                                        join_list(list(c.genres)), "○" if c.active else "×", c.note)
                                                       for c in cat.coordinators)],
        S.SHEET_SETTINGS: [S.SETTING_HEADERS, *settings],
    }


# --- the whole workbook -----------------------------------------------------------------------
def write_patched(cat: Any, path: Path, tmp: Path) -> None:
    """Write the patched copy of ``path`` to ``tmp`` (raises Fallback / anything on trouble)."""
    with zipfile.ZipFile(path) as zin:
        names = zin.namelist()
        parts, order = _sheet_parts(zin)
        for name in (S.SHEET_RESOURCES, S.SHEET_SETTINGS):
            if name not in parts or parts[name] not in names:
                raise Fallback(f"sheet {name} missing")
        history_rows = [h.to_row() for h in cat.new_history]
        assignment_rows = [a.to_row() for a in cat.new_assignments]
        appends: dict[str, tuple[str, list[tuple[Any, ...]]]] = {}
        inquiry_rows = [q.to_row() for q in getattr(cat, "new_inquiries", ())]
        for name, rows in ((S.SHEET_HISTORY, history_rows), (S.SHEET_ASSIGNMENTS, assignment_rows),
                           (S.SHEET_INQUIRIES, inquiry_rows)):
            if rows:
                if name not in parts or parts[name] not in names:
                    raise Fallback(f"sheet {name} missing")
                appends[parts[name]] = (name, rows)
        if len(set(parts.values())) != len(parts):
            raise Fallback("shared sheet parts")
        sst_part = _shared_strings_part(zin)
        styles = Styles(zin.read("xl/styles.xml") if "xl/styles.xml" in names else None)

        res_part = parts[S.SHEET_RESOURCES]
        settings_part = parts[S.SHEET_SETTINGS]
        rewritten: dict[str, bytes] = {}
        if cat.settings_changed:  # 地区 / ジャンル / コーディネーター / 設定 written whole, like the openpyxl path
            for name, rows in _settings_rows(cat).items():
                if name not in parts or parts[name] not in names:
                    raise Fallback(f"sheet {name} missing")
                rewritten[parts[name]] = rewrite_table_sheet(zin.read(parts[name]), rows)
            settings_xml = rewritten.pop(settings_part)
        else:
            loaded = getattr(getattr(cat, "read_as", None), "sha256", None)  # (the content the records came from)
            ahead = _SETTINGS_AHEAD.pop((str(path), loaded, settings_part, sst_part), None) if loaded else None
            settings_xml = _settings_sheet(zin.read(settings_part), zin, sst_part,
                                           f"S{cat.last_id:05d}" if cat.last_id else "", ahead)

        calc = [n for n in names if n.lower() == "xl/calcchain.xml"]

        def write_settings_or_history(zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
            """The parts both branches write alike (設定, the rewritten settings sheets, the appended sheets)."""
            name = info.filename
            if name == settings_part:
                zout.writestr(_clone(info), settings_xml)
            elif name in rewritten:
                zout.writestr(_clone(info), rewritten[name])
            elif name in appends:
                _write_append_part(zin, zout, info, *appends[name], path)
            else:
                return False
            return True

        if cat.records_untouched and not calc:  # only appends: 資源一覧 and everything else copied as they are
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
                for info in zin.infolist():
                    if not write_settings_or_history(zout, info):
                        copy_compressed(zin, zout, info)  # not inflated and deflated again (issue 18)
            return
        with zin.open(res_part) as res_fh:
            stream = SheetStream(res_fh)
            date1904 = bool(re.search(rb"""<workbookPr\b[^>]*\bdate1904\s*=\s*["'](?:1|true)["']""",
                                      zin.read("xl/workbook.xml")))
            writer = ResourcesWriter(cat, styles, date1904)
            writer.prepare(stream)
            sst = load_shared_strings(zin, sst_part, writer.sst_needed)
            writer.resolve(sst)
            if writer.needs_all_strings():
                sst = load_shared_strings(zin, sst_part, None)

            writer.placed = place_records(cat.records, None, cat.last_row)
            last = max(max(writer.placed, default=1), 2)
            ref = f"A1:{col_letter(max(writer.width, 1))}{last}"
            tables = _table_parts(zin, res_part)
            res_index = order.index(S.SHEET_RESOURCES)
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
                for info in zin.infolist():
                    name = info.filename
                    if name in calc:
                        continue
                    if name == res_part:
                        with zout.open(_clone(info), "w", force_zip64=True) as member, \
                                BackgroundWriter(member) as out:  # deflated in a thread while the rows are built
                            out.write(_dimension(stream.head, max(last, _dimension_rows(stream.head)), writer.width))
                            writer.write(out, sst)
                            tail = stream.tail
                            if not tables and _AUTOFILTER_REF.search(tail):
                                tail = _AUTOFILTER_REF.sub(lambda m: m.group(1) + ref.encode() + m.group(3), tail,
                                                           count=1)
                            out.write(tail)
                    elif write_settings_or_history(zout, info):
                        pass
                    elif name in tables:
                        zout.writestr(_clone(info), _patch_table(zin.read(name), last))
                    elif name == "xl/styles.xml":
                        continue  # written last: the sheet may add date styles
                    elif name == "xl/workbook.xml":
                        data = zin.read(name)
                        zout.writestr(_clone(info), data if tables else _patch_workbook(data, res_index, ref))
                    elif calc and name == "[Content_Types].xml":
                        zout.writestr(_clone(info), re.sub(rb"<Override\b[^>]*calcChain[^>]*/>", b"",
                                                           zin.read(name)))
                    elif calc and name == "xl/_rels/workbook.xml.rels":
                        zout.writestr(_clone(info), re.sub(rb"<Relationship\b[^>]*calcChain[^>]*/>", b"",
                                                           zin.read(name)))
                    else:
                        copy_compressed(zin, zout, info)  # shared strings, other sheets: not recompressed
                if "xl/styles.xml" in names:
                    zout.writestr(_clone(zin.getinfo("xl/styles.xml")), styles.patched())


# deflate level of every part written (zlib's default is 6): 3 costs 40 % of its time for a workbook about 13 % larger
# (a 20,000-row import: 0.37 → 0.16 s, 4.0 → 4.6 MB); Excel reads any level
ZIP_LEVEL = 3


def _clone(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    # Python 3.13 names it compress_level (_compresslevel stays as an alias); 3.11 and 3.12 only _compresslevel
    setattr(new, "compress_level" if hasattr(new, "compress_level") else "_compresslevel", ZIP_LEVEL)
    new.external_attr = info.external_attr
    return new


def copy_compressed(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one member of ``zin`` into ``zout`` as its compressed bytes, without inflating and deflating it again
    (the 20 MB 資源一覧 and shared strings of a 20,000-record master cost ~0.8 s to recompress, issue 18).

    Python's zipfile has no public call for this: the member's local header is written by ``ZipInfo.FileHeader``
    with the source's CRC and sizes (no data descriptor), its bytes copied in chunks, and the entry registered the
    way ``ZipFile.writestr`` registers one, so that ``close()`` writes the central directory."""
    import struct

    out: Any = zout  # zipfile's own bookkeeping (private attributes), kept as writestr keeps it
    if (info.flag_bits & 0x01 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            or out._writing or out.fp is None):  # encrypted / unusual members: the ordinary way
        zout.writestr(_clone(info), zin.read(info.filename))
        return
    fp = zin.fp
    assert fp is not None
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise Fallback(f"bad local header for {info.filename}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = info.compress_type
    new.external_attr = info.external_attr
    new.create_system = info.create_system
    new.flag_bits = info.flag_bits & 0x800  # only the UTF-8 name flag: sizes and CRC are in the local header
    new.CRC, new.compress_size, new.file_size = info.CRC, info.compress_size, info.file_size
    out._writecheck(new)
    out._didModify = True
    if out._seekable:
        out.fp.seek(out.start_dir)
    new.header_offset = out.fp.tell()
    out.fp.write(new.FileHeader(None))
    remaining = info.compress_size
    while remaining:
        chunk = fp.read(min(remaining, 1 << 20))
        if not chunk:
            raise Fallback(f"truncated member {info.filename}")
        out.fp.write(chunk)
        remaining -= len(chunk)
    out.filelist.append(new)
    out.NameToInfo[new.filename] = new
    out.start_dir = out.fp.tell()


def _dimension_rows(head: bytes) -> int:
    m = _DIMENSION.search(head)
    if not m:
        return 1
    old = re.search(rb"""ref\s*=\s*["']([^"']*)["']""", m.group(0))
    if not old:
        return 1
    try:
        return _split_ref(old.group(1).split(b":")[-1])[1]
    except (Fallback, ValueError):
        return 1


def _write_append_part(zin: zipfile.ZipFile, zout: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str,
                       rows: list[tuple[Any, ...]], path: Path) -> None:

    with zin.open(info) as fh:
        last = _scan_last_row(fh)
    shared_cells.check_append_room(sheet, last, len(rows), path)
    width = _filled_width(rows)
    with zin.open(info) as fh:
        stream = SheetStream(fh)
        with zout.open(_clone(info), "w", force_zip64=True) as member, BackgroundWriter(member) as out:
            out.write(_dimension(stream.head, max(last, 1) + len(rows), width))
            _append_rows(stream, out, rows, last)
            out.write(stream.tail)


def _filled_width(rows: list[tuple[Any, ...]]) -> int:
    """The last column any row fills (1-based; 0 for none). A row no longer than the width found so far cannot
    widen it and is not looked at (履歴's 200,000 rows of an import are all as long as the first)."""
    width = 0
    for row in rows:
        for c in range(len(row), width, -1):
            if row[c - 1] not in ("", None):
                width = c
                break
    return width


def _table_parts(zin: zipfile.ZipFile, sheet_part: str) -> set[str]:
    """The Excel tables (Insert → Table) on a sheet: their zip members."""
    folder, name = posixpath.split(sheet_part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in zin.namelist():
        return set()
    from lxml import etree

    out = set()
    for r in etree.fromstring(zin.read(rels)).iter(f"{{{NS_PKG}}}Relationship"):
        if r.get("Type", "").endswith("/table"):
            t = r.get("Target", "")
            out.add(t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(folder, t)))
    return {p for p in out if p in zin.namelist()}


_TABLE_REF = re.compile(rb"""(<(?:\w+:)?(?:table|autoFilter)\b[^>]*?\bref\s*=\s*["'])([A-Z]+)1:([A-Z]+)\d+(["'])""")


def _patch_table(data: bytes, last: int) -> bytes:
    """A table whose header is row 1 of 資源一覧 (and its filter) reaches down to the last record."""
    return _TABLE_REF.sub(lambda m: m.group(1) + m.group(2) + b"1:" + m.group(3) + str(last).encode() + m.group(4),
                          data)


def _patch_workbook(data: bytes, sheet_index: int, ref: str) -> bytes:
    """The hidden name _xlnm._FilterDatabase of 資源一覧 follows the autofilter."""
    if not ref:
        raise Fallback("workbook.xml before 資源一覧")
    start, end = ref.split(":")
    m_s = re.match(r"([A-Z]+)(\d+)", start)
    m_e = re.match(r"([A-Z]+)(\d+)", end)
    assert m_s and m_e
    abs_ref = f"${m_s.group(1)}${m_s.group(2)}:${m_e.group(1)}${m_e.group(2)}"

    def fix(m: re.Match[bytes]) -> bytes:
        attrs, body = m.group(1), m.group(2)
        if b"_xlnm._FilterDatabase" not in attrs or f'localSheetId="{sheet_index}"'.encode() not in attrs:
            return m.group(0)
        new_body = re.sub(rb"\$?[A-Z]{1,3}\$?\d+:\$?[A-Z]{1,3}\$?\d+$", abs_ref.encode(), body)
        return b"<definedName" + attrs + b">" + new_body + b"</definedName>"

    return re.sub(rb"<definedName\b([^>]*)>(.*?)</definedName>", fix, data, flags=re.S)
