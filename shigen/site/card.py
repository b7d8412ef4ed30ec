"""The QR card: a Word sheet of ten business cards (91 × 55 mm, 2 × 5 on A4) with the site's QR code.

Word prints a table with fixed column widths and exact row heights at exactly that size, which is how the
business-card sheets sold in Japan (A4 10面, margins 11 mm top and 14 mm left/right) are filled in; the file stays
editable. The QR code (segno, from PyPI) encodes ``--base-url``; each card carries the site's title, a line saying
what it is for, the phone of the office in charge (設定『担当課』+『担当課の電話』, else 『問い合わせ先』, or
``--contact``) and the address.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..errors import UsageError
from ..export.docx import FONT
from ..export.files import replace, temp_path
from ..model import Catalogue
from ..workspace import Workspace
from ..xlsx_style import display_width
from .build import site_title

if TYPE_CHECKING:  # python-docx is imported when a card is written, not when the CLI starts
    from docx.document import Document
    from docx.table import Table, _Row
    from docx.text.paragraph import Paragraph

CARD_W_MM = 91
CARD_H_MM = 55
COLUMNS = 2
ROWS = 5
PAGE_W_MM = 210
PAGE_H_MM = 297
MARGIN_TOP_MM = (PAGE_H_MM - ROWS * CARD_H_MM) / 2  # 11 mm
MARGIN_SIDE_MM = (PAGE_W_MM - COLUMNS * CARD_W_MM) / 2  # 14 mm
MARGIN_BOTTOM_MM = 5  # less than 11: room for the paragraph Word keeps after a table, so no blank 2nd page
QR_MM = 27
PADDING_MM = 3
DEFAULT_NAME = "QRカード.docx"
LINE = "くらしを支えるサービスや集まりを、スマートフォンで探せます。"
TWIPS_PER_MM = 1440 / 25.4
TITLE_MAX_WIDTH = 48  # display width (full-width character = 2): two lines of the title
OFFICE_MAX_WIDTH = 36  # one line of the office at 9 pt
URL_MAX = 60  # one line of the address at 7.5 pt


def twips(mm: float) -> int:
    return round(mm * TWIPS_PER_MM)


@dataclass(frozen=True)
class CardOptions:
    base_url: str
    title: str | None = None
    contact: str | None = None
    output: Path | None = None


@dataclass
class CardResult:
    path: Path
    title: str
    url: str
    contact: str
    cards: int = COLUMNS * ROWS
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "title": self.title, "url": self.url, "contact": self.contact,
                "cards": self.cards, "card_mm": [CARD_W_MM, CARD_H_MM], "warnings": list(self.warnings)}


def qr_png(url: str) -> bytes:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=12, border=2)
    return buf.getvalue()


_TRAILING_PHONE = re.compile(r"^(.*?)[\s\u3000]*((?:TEL|Tel|電話)?[:：]?\s*\(?0[\d\-()\u2010-\u2015−－]{8,})$")


def split_contact(contact: str) -> tuple[str, str]:
    """「社会福祉協議会 地域福祉係 0479-62-0294」 → (office, phone): the phone gets a line of its own, in large type."""
    m = _TRAILING_PHONE.match(contact.strip())
    if not m:
        return contact.strip(), ""
    return m.group(1).strip(), m.group(2).strip()


def default_contact(cat: Catalogue) -> str:
    """設定『担当課』 and 『担当課の電話』 (the sender of `shigen letters`) when both are set, else 『問い合わせ先』."""
    values = cat.settings.values
    dept = (values.get(S.SETTING_LETTER_DEPT, "") or "").strip()
    phone = (values.get(S.SETTING_LETTER_PHONE, "") or "").strip()
    if dept and phone:
        return f"{dept} {phone}"
    return cat.settings.contact


def card_target(ws: Workspace, output: Path | None) -> Path:
    if not output:
        return ws.exports / DEFAULT_NAME
    path = Path(output)
    if path.is_dir():
        return path / DEFAULT_NAME
    if not path.suffix:
        return path.with_name(path.name + ".docx")
    if path.suffix.lower() != ".docx":
        raise UsageError(f"--output『{path.name}』は .docx ではありません。", "QR カードは Word(.docx)で書き出します。")
    return path


def write_card(cat: Catalogue, ws: Workspace, options: CardOptions) -> CardResult:
    url = (options.base_url or "").strip()
    if not url:
        raise UsageError("--card には --base-url が必要です(QR コードにするサイトのアドレス)。",
                         "例: shigen site --card --base-url https://www.city.example.jp/kurashi/")
    if not url.startswith(("https://", "http://")):
        raise UsageError(f"--base-url『{url}』は http:// か https:// で始まるアドレスではありません。",
                         "例: --base-url https://www.city.example.jp/kurashi/")
    title = site_title(cat, options.title, True)
    contact = (options.contact if options.contact is not None else default_contact(cat)).strip()
    path = card_target(ws, options.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        _document(title, url, contact).save(str(tmp))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    replace(tmp, path)
    warnings = []
    # what fits the planned 55 mm: a title of two lines, an office of one line, an address of one line
    if display_width(title) > TITLE_MAX_WIDTH:
        warnings.append(f"題名『{title}』が長いので、カードの下の方(アドレス)が切れるかもしれません。"
                        "--title で短い題名(全角 24 字まで)にするか、Word で確かめてください。")
    office, _ = split_contact(contact)
    if display_width(office) > OFFICE_MAX_WIDTH or len(url) > URL_MAX:
        warnings.append("問い合わせ先かアドレスが長いので、カードに収まらないかもしれません。Word で開いて確かめてください。")
    return CardResult(path, title, url, contact, warnings=warnings)


def _document(title: str, url: str, contact: str) -> Document:
    import docx
    from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    doc = docx.Document()
    _font(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin = section.right_margin = Mm(MARGIN_SIDE_MM)
    section.header_distance = section.footer_distance = Mm(0)
    png = qr_png(url)

    table = doc.add_table(rows=ROWS, cols=COLUMNS)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    # no side padding in the outer cells: Word and LibreOffice shift a table left by its cells' left margin
    # (older compatibility modes), which would move every card; the inner table is indented instead
    _fixed(table, [CARD_W_MM] * COLUMNS, cut_lines=True, padding=0, vpadding=PADDING_MM * 0.8)
    for row in table.rows:
        row.height = Mm(CARD_H_MM)
        row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
        _cant_split(row)
        for cell in row.cells:
            cell.width = Mm(CARD_W_MM)
            inner = cell.add_table(rows=1, cols=2)
            inner.autofit = False
            text_w = CARD_W_MM - 2 * PADDING_MM - QR_MM - 1
            _fixed(inner, [text_w, QR_MM + 1], cut_lines=False, padding=0, indent=PADDING_MM)
            left, right = inner.rows[0].cells
            left.width, right.width = Mm(text_w), Mm(QR_MM + 1)
            _para(left.paragraphs[0], title, size=12.5, bold=True, after=3)
            _para(left.add_paragraph(), LINE, size=9, after=4)
            if contact:
                _para(left.add_paragraph(), "問い合わせ先", size=8, after=0)
                office, phone = split_contact(contact)
                if office:
                    _para(left.add_paragraph(), office, size=9, bold=True, after=0)
                if phone:
                    _para(left.add_paragraph(), phone, size=12, bold=True, after=0)
            p = right.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            p.add_run().add_picture(io.BytesIO(png), width=Mm(QR_MM), height=Mm(QR_MM))
            # python-docx puts an empty paragraph after a nested table: the URL goes there (a second paragraph
            # with the template's 10 pt spacing pushed the URL out of the card's exact height)
            after = cell._tc[-1]
            url_p = cell.paragraphs[-1] if after.tag == qn("w:p") and not "".join(after.itertext()) else cell.add_paragraph()
            url_p.paragraph_format.left_indent = Mm(PADDING_MM)
            _para(url_p, url, size=7.5, after=0)
            url_p.paragraph_format.space_before = Pt(3)
            # a cell must end with a paragraph; the one python-docx made first holds the inner table's place
            first = cell.paragraphs[0]
            if not first.text and first._p is cell._tc.find(qn("w:p")):
                first._p.getparent().remove(first._p)
    last = doc.paragraphs[-1] if doc.paragraphs else doc.add_paragraph()
    _para(last, "", size=1, after=0)
    spacing = last._p.get_or_add_pPr().find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        last._p.get_or_add_pPr().append(spacing)
    spacing.set(qn("w:line"), "20")
    spacing.set(qn("w:lineRule"), "exact")
    doc.core_properties.title = title
    doc.core_properties.author = "shigen"
    return doc


def _font(doc: Document) -> None:
    from docx.oxml.ns import qn

    for rfonts in doc.styles.element.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            rfonts.attrib.pop(qn(f"w:{attr}"), None)
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            rfonts.set(qn(f"w:{attr}"), FONT)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    if spacing is not None:  # no paragraph spacing unless asked: every millimetre of a card is planned
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "ja-JP")


def _para(p: Paragraph, text: str, *, size: float, bold: bool = False, after: float = 0) -> None:
    from docx.shared import Pt

    p.paragraph_format.space_after = Pt(after)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = 1.1
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold


def _fixed(table: Table, widths_mm: list[float], *, cut_lines: bool, padding: float, vpadding: float = 0,
           indent: float = 0) -> None:
    """Fixed layout, the grid in w:tblGrid, cell margins, and thin grey cut lines (or none)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl = table._tbl
    tblPr = tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblPr.append(layout)
    tblW = tblPr.find(qn("w:tblW"))
    if tblW is None:
        tblW = OxmlElement("w:tblW")
        tblPr.append(tblW)
    tblW.set(qn("w:w"), str(sum(twips(w) for w in widths_mm)))
    tblW.set(qn("w:type"), "dxa")
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(twips(indent)))
    ind.set(qn("w:type"), "dxa")
    tblPr.append(ind)
    mar = OxmlElement("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        e = OxmlElement(f"w:{side}")
        e.set(qn("w:w"), str(twips(padding if side in ("left", "right") else vpadding)))
        e.set(qn("w:type"), "dxa")
        mar.append(e)
    tblPr.append(mar)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{side}")
        if cut_lines:
            e.set(qn("w:val"), "dotted")
            e.set(qn("w:sz"), "4")
            e.set(qn("w:color"), "A6A6A6")
        else:
            e.set(qn("w:val"), "nil")
        borders.append(e)
    tblPr.append(borders)
    style = tblPr.find(qn("w:tblStyle"))
    if style is not None:
        tblPr.remove(style)
    grid = tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(twips(w)))


def _cant_split(row: _Row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
