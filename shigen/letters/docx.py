"""The letters as one printable Word file (A4 portrait): per provider a covering letter, then one sheet per service.

Each letter starts on a new page (``pageBreakBefore``), and so does each service sheet, so a letter is exactly
1 + (services) pages unless a service's texts are very long (estimated in :func:`content.service_pages`).
The body XML is built as text and streamed into ``word/document.xml`` (as the booklet does): 1,500 services
take well under a second.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..export.docx import ACCENT, _fonts, _p, _run, _t
from ..model import Record
from .content import (
    BOX,
    CONSENT_QUESTION,
    LETTER_KEYS,
    PAUSED_CHOICES,
    PAUSED_QUESTION,
    PAUSED_TEXT,
    RESEND_MARK,
    RESEND_TEXT,
    TITLE,
    Sender,
    consent_choices,
    label,
)
from .group import Provider

if TYPE_CHECKING:  # python-docx is imported when the letters are written
    from docx.document import Document

PAGE_W_MM, PAGE_H_MM = 210, 297
MARGIN_MM = 18
_TW = 1440 / 25.4
TEXT_W = int((PAGE_W_MM - 2 * MARGIN_MM) * _TW)
COLS = (int(27 * _TW), int(78 * _TW))  # 項目, いまの内容; the corrections column takes the rest
BODY_PT = 10.5
TABLE_PT = 10
SMALL_PT = 8
DOCUMENT_PART = "word/document.xml"
GREY = "595959"


def _cell(width: int, paragraphs: str, *, fill: str | None = None) -> str:
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>{paragraphs or "<w:p/>"}</w:tc>'


def _cp(text: str, *, bold: bool = False, size: float = TABLE_PT, color: str | None = None, jc: str | None = None) -> str:
    """A compact paragraph inside a table cell."""
    return _p(_run(text, bold=bold, size=size, color=color), before=0, after=0, jc=jc, keep_lines=False)


CELL_STYLE, LABEL_STYLE = "ShigenCell", "ShigenLabel"  # paragraph styles of the table (short XML per cell)


def _sp(text: str, style: str = CELL_STYLE) -> str:
    """A paragraph in one of the table styles: the text alone, escaped."""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>' + (f"<w:r>{_t(text)}</w:r>" if text else "") + "</w:p>"


def _table(rows: list[list[str]], widths: list[int], *, header: bool = False, border: str = "808080") -> str:
    b = f'w:val="single" w:sz="4" w:space="0" w:color="{border}"'
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        "<w:tbl><w:tblPr>",
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>',
        f"<w:tblBorders><w:top {b}/><w:left {b}/><w:bottom {b}/><w:right {b}/><w:insideH {b}/><w:insideV {b}/>"
        "</w:tblBorders>",
        '<w:tblLayout w:type="fixed"/>',
        '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
        '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar>',
        f"</w:tblPr><w:tblGrid>{grid}</w:tblGrid>",
    ]
    for i, cells in enumerate(rows):
        trpr = "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header and i == 0 else "") + "</w:trPr>"
        out.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


# --- the covering letter ------------------------------------------------------------------------
def _address_block(p: Provider) -> str:
    parts = []
    if p.postal_code:
        parts.append(_p(_run(f"〒{p.postal_code}", size=11), before=0, after=0))
    if p.address:
        parts.append(_p(_run(p.address, size=11), before=0, after=0))
    parts.append(_p(_run(p.name, size=13, bold=True), before=80, after=0))
    parts.append(_p(_run(p.addressee, size=13), before=0, after=0))
    return "".join(parts)


def _sender_block(s: Sender) -> str:
    lines = [(s.name, True)]
    if s.address:
        lines.append((s.address, False))
    lines.append((f"電話 {s.phone}" + (f"　FAX {s.fax}" if s.fax else ""), False))
    if s.person:
        lines.append((f"担当 {s.person}", False))
    return "".join(_p(_run(text, size=BODY_PT, bold=bold), before=0, after=0, jc="right") for text, bold in lines)


def cover(p: Provider, s: Sender, *, day_text: str, pages: int, resend: bool, previous: str,
          first: bool) -> str:
    out = []
    top = f"No.{p.number}　{day_text}"
    out.append(_p(_run(top, size=BODY_PT), jc="right", page_break=not first, before=0, after=120))
    if resend:
        out.append(_p(_run(f"【{RESEND_MARK}】", size=14, bold=True, color="C00000"), jc="right", before=0, after=0))
    if p.method == "FAX":
        out.append(_p(_run(f"FAX {p.fax} 宛　送信枚数 {pages} 枚(この紙を含む)", size=BODY_PT, bold=True),
                      before=0, after=120))
    out.append(_address_block(p))
    out.append(_p("", before=0, after=120))
    out.append(_sender_block(s))
    title = (f"【{RESEND_MARK}】" if resend else "") + TITLE
    out.append(_p(_run(title, size=15, bold=True), jc="center", before=360, after=240))
    if resend:
        out.append(_p(_run(RESEND_TEXT.replace("{前回}", previous or "前回"), size=BODY_PT, bold=True),
                      before=0, after=120))
    for line in s.body():
        out.append(_p(_run("　" + line, size=BODY_PT), before=0, after=100))
    if p.paused:
        out.append(_p(_run("　" + PAUSED_TEXT, size=BODY_PT), before=0, after=100))
    out.append(_p(_run("記", size=BODY_PT), jc="center", before=160, after=120))
    out.append(_p(_run("1. ご確認いただきたいもの", size=BODY_PT, bold=True), before=0, after=40))
    for i, r in enumerate(p.records, start=1):
        extra = "(休止中)" if r.get("status") == S.STATUS_PAUSED else ""
        out.append(_p(_run(f"　別紙{i}　{r.name or '(名称なし)'}{extra}", size=BODY_PT), before=0, after=0))
    out.append(_p(_run("2. ご返送の期限", size=BODY_PT, bold=True), before=120, after=40))
    out.append(_p(_run(f"　{s.deadline_text}", size=BODY_PT), before=0, after=0))
    out.append(_p(_run("3. ご返送の方法", size=BODY_PT, bold=True), before=120, after=40))
    out.append(_p(_run("　" + s.return_text(), size=BODY_PT), before=0, after=0))
    out.append(_p(_run("　変更がない場合も、掲載についてのご意向をお知らせいただくため、別紙をご返送ください。", size=BODY_PT),
                  before=0, after=0))
    out.append(_p(_run("4. お問い合わせ", size=BODY_PT, bold=True), before=120, after=40))
    who = f"{s.name}" + (f"(担当 {s.person})" if s.person else "")
    out.append(_p(_run(f"　{who}　電話 {s.phone}", size=BODY_PT), before=0, after=0))
    out.append(_p(_run("以上", size=BODY_PT), jc="right", before=120, after=0))
    return "".join(out)


# --- one sheet per service --------------------------------------------------------------------------
class _Sheet:
    """The parts of a service sheet that are the same on every sheet, built once per file (1,500 sheets: the
    labels, empty cells and the consent block are copied, only the values and names are escaped each time)."""

    def __init__(self, s: Sender) -> None:
        self.third = TEXT_W - sum(COLS)
        self.widths = [COLS[0], COLS[1], self.third]
        self.tab = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
        self.intro = _p(_run("いまお預かりしている内容です。変更や誤り、空欄で加えたいことがあれば、右の欄にご記入ください。",
                             size=9.5), before=0, after=60)
        self.head = [_cell(COLS[0], _cp("項目", bold=True), fill="D9E2F3"),
                     _cell(COLS[1], _cp("いまの内容", bold=True), fill="D9E2F3"),
                     _cell(self.third, _cp("訂正・追加(変更がある場合のみ)", bold=True), fill="FFF2CC")]
        self.labels = {k: _cell(COLS[0], _sp(label(k), LABEL_STYLE), fill="F2F2F2") for k in LETTER_KEYS}
        self.empty_value = _cell(COLS[1], _sp(""))
        self.empty_fix = _cell(self.third, _sp(""))
        self.consent = {paused: _consent_block(paused, s) for paused in (False, True)}


def service_sheet(p: Provider, record: Record, index: int, s: Sender, values: dict[str, str],
                  parts: _Sheet | None = None) -> str:
    f = parts or _Sheet(s)
    out = []
    heading = _run(f"別紙{index}　", size=13, bold=True, color=ACCENT) + _run(record.name or "(名称なし)", size=13,
                                                                               bold=True)
    heading += "<w:r><w:tab/></w:r>" + _run(f"ID {record.id}", size=SMALL_PT, color=GREY)
    out.append(f'<w:p><w:pPr><w:pageBreakBefore/>{f.tab}<w:spacing w:before="0" w:after="40"/></w:pPr>{heading}</w:p>')
    out.append(_p(_run(f"{p.name}　{p.addressee}　(No.{p.number})", size=SMALL_PT, color=GREY), before=0, after=80))
    out.append(f.intro)
    rows = [f.head]
    for key in LETTER_KEYS:
        value = values.get(key, "")
        cell = _cell(COLS[1], "".join(_sp(line) for line in value.split("\n"))) if value else f.empty_value
        rows.append([f.labels[key], cell, f.empty_fix])
    out.append(_table(rows, f.widths, header=True))
    out.append(f.consent[record.get("status") == S.STATUS_PAUSED])
    return "".join(out)


def _consent_block(paused: bool, s: Sender) -> str:
    paras = [_p(_run("掲載についてのご意向", size=11, bold=True, color=ACCENT), before=0, after=40, keep_next=True),
             _p(_run(CONSENT_QUESTION, size=BODY_PT), before=0, after=40, keep_next=True)]
    for answer, explanation in consent_choices(s.municipality):
        paras.append(_p(_run(f"{BOX} {answer}", size=11, bold=True) + _run(f"　{explanation}", size=9.5),
                        before=20, after=20, keep_next=True))
    if paused:
        paras.append(_p(_run(PAUSED_QUESTION, size=BODY_PT), before=100, after=40, keep_next=True))
        paras.append(_p(_run("　".join(f"{BOX} {c}" for c in PAUSED_CHOICES), size=BODY_PT), before=0, after=20,
                        keep_next=True))
    paras.append(_p(_run("ご記入日　　　　年　　月　　日　　　ご記入者名　＿＿＿＿＿＿＿＿＿＿＿＿＿＿", size=BODY_PT),
                    before=160, after=0))
    border = 'w:val="single" w:sz="8" w:space="0" w:color="1F4E78"'
    return (
        '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="160" w:lineRule="exact"/></w:pPr></w:p>'
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{TEXT_W}" w:type="dxa"/>'
        f"<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/></w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="80" w:type="dxa"/><w:left w:w="160" w:type="dxa"/>'
        '<w:bottom w:w="100" w:type="dxa"/><w:right w:w="160" w:type="dxa"/></w:tblCellMar>'
        f'</w:tblPr><w:tblGrid><w:gridCol w:w="{TEXT_W}"/></w:tblGrid>'
        '<w:tr><w:trPr><w:cantSplit/></w:trPr>'
        f'<w:tc><w:tcPr><w:tcW w:w="{TEXT_W}" w:type="dxa"/></w:tcPr>{"".join(paras)}</w:tc></w:tr></w:tbl>'
    )


# --- the file -------------------------------------------------------------------------------------
def _skeleton(s: Sender, resend: bool) -> Document:
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Mm, Pt

    doc = Document()
    _fonts(doc)
    doc.styles["Normal"].font.size = Pt(BODY_PT)
    for name, size, bold in ((CELL_STYLE, TABLE_PT, False), (LABEL_STYLE, 9.5, True)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin, section.bottom_margin = Mm(16), Mm(16)
    section.header_distance = section.footer_distance = Mm(7)
    clear = '<w:tab w:val="clear" w:pos="4680"/><w:tab w:val="clear" w:pos="9360"/>'
    footer = section.footer
    footer.is_linked_to_previous = False
    fp = footer.paragraphs[0]
    text = f"{s.name}　社会資源情報の確認" + ("(再送)" if resend else "")
    xml = _p(_run(text, size=SMALL_PT, color=GREY) + "<w:r><w:tab/></w:r>"
             + _run(f"返信期限 {s.deadline_text}", size=SMALL_PT, color=GREY),
             tabs=clear + f'<w:tab w:val="right" w:pos="{TEXT_W}"/>', style="Footer")
    fp._p.addnext(parse_xml(xml.replace("<w:p>", f"<w:p {nsdecls('w')}>", 1)))
    fp._p.getparent().remove(fp._p)
    doc.core_properties.title = TITLE
    doc.core_properties.author = s.name or "shigen"
    doc.core_properties.language = "ja-JP"
    return doc


def letter_parts(providers: list[Provider], s: Sender, values_of: dict[str, dict[str, str]],
                 pages_of: dict[int, int], *, day_text: str, resend: bool,
                 previous_of: dict[int, str]) -> Iterator[str]:
    parts = _Sheet(s)
    for i, p in enumerate(providers):
        yield cover(p, s, day_text=day_text, pages=pages_of.get(p.number, 1), resend=resend,
                    previous=previous_of.get(p.number, ""), first=i == 0)
        for j, r in enumerate(p.records, start=1):
            yield service_sheet(p, r, j, s, values_of[r.id], parts)
    if not providers:
        yield _p(_run("確認依頼を送る相手がいません。", size=BODY_PT))


def write_docx(path: Path, providers: list[Provider], s: Sender, values_of: dict[str, dict[str, str]],
               pages_of: dict[int, int], *, day_text: str, resend: bool = False,
               previous_of: dict[int, str] | None = None) -> None:
    """Write every letter into one .docx (to a temporary file beside ``path``, then renamed)."""
    marker = f"SHIGEN-LETTERS-{uuid.uuid4().hex}"
    placeholder = f"<w:p><w:r><w:t>{marker}</w:t></w:r></w:p>"
    doc = _skeleton(s, resend)
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    body = parse_xml(f"<w:body {nsdecls('w')}>{placeholder}</w:body>")
    sect_pr = doc.element.body.sectPr
    for child in list(body):
        sect_pr.addprevious(child)
    for para in list(doc.element.body):  # python-docx's empty first paragraph
        if para.tag.endswith("}p") and not "".join(para.itertext()):
            doc.element.body.remove(para)
            break
    skeleton = io.BytesIO()
    doc.save(skeleton)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        with zipfile.ZipFile(skeleton) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for info in zin.infolist():
                if info.filename != DOCUMENT_PART:
                    zout.writestr(info, zin.read(info.filename), compresslevel=1)
                    continue
                xml = zin.read(info.filename).decode("utf-8")
                if xml.count(placeholder) != 1:  # pragma: no cover - python-docx changed how it writes XML
                    raise RuntimeError(f"{DOCUMENT_PART}: placeholder paragraph not found once")
                head, tail = xml.split(placeholder)
                parts = letter_parts(providers, s, values_of, pages_of, day_text=day_text, resend=resend,
                                     previous_of=previous_of or {})
                zout.writestr(info, head + "".join(parts) + tail, compresslevel=1)
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()

