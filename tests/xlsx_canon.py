"""An xlsx package's parts in a form that does not depend on how styles and shared strings are numbered.

Two writers may number the same cell formats (styles.xml ``cellXfs`` and its fonts, fills, borders and number
formats) or the same shared strings in another order: ``shigen.xlsx_write.emit_row`` numbers formats when a row is
written, plain xlsxwriter when the file is closed. :func:`canonical_parts` replaces every style number in the
sheets (``s="N"`` of a cell or a row, ``style="N"`` of a column) by the full description of that style, every
shared-string index by the string's own XML, and lists styles.xml's styles and the shared strings sorted (without their reference count). Two files
with equal canonical parts show the same cells with the same values and the same look; anything else (a value, a
format property, a width, a comment, a validation, print setup) still has to be byte for byte the same.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

_DATES = re.compile(r"<dcterms:(created|modified)[^<]*</dcterms:\w+>")
_ELEMENTS = {name: re.compile(rf"<{name}\b[^>]*?(?:/>|>.*?</{name}>)", re.S) for name in ("font", "fill", "border", "xf")}
_BLOCK = {name: re.compile(rf"<{name}\b[^>]*?(?:/>|>.*?</{name}>)", re.S)
          for name in ("numFmts", "fonts", "fills", "borders", "cellXfs")}
_NUM_FMT = re.compile(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/>')
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_COUNT = re.compile(r' count="\d+"')
_SI = re.compile(r"<si>.*?</si>", re.S)
_CELL_STYLE = re.compile(r'(<c r="[A-Z]+\d+") s="(\d+)"')
_SHARED = re.compile(r'(<c r="[A-Z]+\d+"(?: s="[^"]*")? t="s"><v>)(\d+)(</v>)')
_ROW_STYLE = re.compile(r'(<row [^>]*?) s="(\d+)"')
_COL_STYLE = re.compile(r'(<col [^>]*?) style="(\d+)"')


def _styles(xml: str) -> tuple[list[str], str]:
    """(the full description of each cellXfs entry, styles.xml without the numbered lists)."""
    blocks = {name: (m.group(0) if (m := pattern.search(xml)) else "") for name, pattern in _BLOCK.items()}
    formats = dict(_NUM_FMT.findall(blocks["numFmts"]))
    lists = {name: _ELEMENTS[name].findall(blocks[name + "s"]) for name in ("font", "fill", "border")}
    described = []
    for xf in _ELEMENTS["xf"].findall(blocks["cellXfs"]):
        attrs = dict(_ATTR.findall(xf.split(">", 1)[0]))
        number = attrs.pop("numFmtId", "0")
        parts = [f"numFmt={formats.get(number, 'builtin ' + number)}"]
        for name in ("font", "fill", "border"):
            parts.append(f"{name}={lists[name][int(attrs.pop(name + 'Id', '0'))]}")
        parts += [f"{k}={v}" for k, v in sorted(attrs.items())]
        body = xf.split(">", 1)[1] if not xf.endswith("/>") else ""
        described.append("|".join(parts) + "|" + body)
    rest = xml
    for block in blocks.values():
        if block:
            rest = rest.replace(block, "")
    return described, rest


def canonical_parts(path: Path) -> dict[str, str]:
    """Every part of the package at ``path`` as text, with styles and shared strings un-numbered (see above);
    the creation and modification times of docProps/core.xml left out."""
    with zipfile.ZipFile(path) as z:
        raw = {name: z.read(name).decode("utf-8") for name in z.namelist()}
    styles, styles_rest = _styles(raw.get("xl/styles.xml", ""))
    strings = _SI.findall(raw.get("xl/sharedStrings.xml", ""))
    out: dict[str, str] = {}
    for name, text in raw.items():
        if name == "docProps/core.xml":
            text = _DATES.sub("", text)
        elif name == "xl/styles.xml":
            text = styles_rest + "\n" + "\n".join(sorted(styles))
        elif name == "xl/sharedStrings.xml":
            # count (references to the strings) left out: plain xlsxwriter counts a cell written over twice
            text = _COUNT.sub("", _SI.sub("", text)) + "\n" + "\n".join(sorted(strings))
        elif name.startswith("xl/worksheets/sheet"):
            text = _SHARED.sub(lambda m: m.group(1) + strings[int(m.group(2))] + m.group(3), text)
            text = _CELL_STYLE.sub(lambda m: f'{m.group(1)} s="{styles[int(m.group(2))]}"', text)
            text = _ROW_STYLE.sub(lambda m: f'{m.group(1)} s="{styles[int(m.group(2))]}"', text)
            text = _COL_STYLE.sub(lambda m: f'{m.group(1)} style="{styles[int(m.group(2))]}"', text)
        out[name] = text
    return out
