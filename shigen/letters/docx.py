"""The letters as one printable Word file (A4 portrait): per provider a covering letter, then one sheet per service.

Each letter starts on a new page (``pageBreakBefore``), and so does each service sheet, so a letter is exactly
1 + (services) pages unless a service's texts are very long (estimated in :func:`content.service_pages`).
The body XML is built as text and streamed into ``word/document.xml`` (as the booklet does): 1,500 services
take well under a second.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..export.docx import ACCENT, _fonts, _p, _run, _t, escape, filled_parts
from ..export.files import clean_cell
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
# the file around the letters: made once by python-docx with marks where the sender's texts and the letters go
SKELETON = Path(__file__).with_name("skeleton.docx")
FOOTER_PART, CORE_PART = "word/footer1.xml", "docProps/core.xml"
FOOTER_LEFT_MARK, FOOTER_RIGHT_MARK, AUTHOR_MARK = "SHIGENFOOTERLEFT", "SHIGENFOOTERRIGHT", "SHIGENAUTHOR"
BODY_PLACEHOLDER = "<w:p><w:r><w:t>SHIGENLETTERSBODY</w:t></w:r></w:p>"


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
# The letters are made as UTF-8 bytes: the parts that repeat are encoded once, only the texts of each letter are
# encoded as they come (encoding the whole 34 MB body took longer than making it).
_MARK = "SHIGENTEXT"  # stands for the text while a paragraph's XML is built once (letters, digits: written as is)


def _tb(text: str) -> bytes:
    """:func:`_t` as UTF-8."""
    return _t(text).encode("utf-8")


def _around(xml: str) -> tuple[bytes, bytes]:
    """The XML (UTF-8) before and after the text of a paragraph built once with :data:`_MARK` as its text."""
    before, after = xml.split(_t(_MARK))
    return before.encode("utf-8"), after.encode("utf-8")


class _Para:
    """One kind of paragraph (its properties and run properties), built once; ``(text)`` gives its XML — the
    same as ``_p(_run(text, …), …)`` with those arguments, as UTF-8."""

    def __init__(self, *, size: float, bold: bool = False, color: str | None = None, jc: str | None = None,
                 before: int, after: int, page_break: bool = False) -> None:
        self.before, self.after = _around(_p(_run(_MARK, size=size, bold=bold, color=color), jc=jc, before=before,
                                             after=after, page_break=page_break))

    def __call__(self, text: str) -> bytes:
        return self.before + _tb(text) + self.after


def _address_block(p: Provider) -> bytes:
    parts = []
    if p.postal_code:
        parts.append(_ADDRESS_LINE(f"〒{p.postal_code}"))
    if p.address:
        parts.append(_ADDRESS_LINE(p.address))
    parts.append(_ADDRESS_NAME(p.name))
    parts.append(_ADDRESSEE(p.addressee))
    return b"".join(parts)


_ADDRESS_LINE = _Para(size=11, before=0, after=0)
_ADDRESS_NAME = _Para(size=13, bold=True, before=80, after=0)
_ADDRESSEE = _Para(size=13, before=0, after=0)


def _sender_block(s: Sender) -> str:
    lines = [(s.name, True)]
    if s.address:
        lines.append((s.address, False))
    lines.append((f"電話 {s.phone}" + (f"　FAX {s.fax}" if s.fax else ""), False))
    if s.person:
        lines.append((f"担当 {s.person}", False))
    return "".join(_p(_run(text, size=BODY_PT, bold=bold), before=0, after=0, jc="right") for text, bold in lines)


class _Cover:
    """The parts of a covering letter that are the same in every letter of a file, built once (1,438 letters:
    only the number, the addressee and the list of services are written for each)."""

    def __init__(self, s: Sender, *, day_text: str, resend: bool) -> None:
        self.day_text = day_text
        self.resend = resend
        self.top_first = _Para(size=BODY_PT, jc="right", before=0, after=120)
        self.top = _Para(size=BODY_PT, jc="right", before=0, after=120, page_break=True)
        self.mark = (_p(_run(f"【{RESEND_MARK}】", size=14, bold=True, color="C00000"), jc="right", before=0, after=0)
                     if resend else "").encode("utf-8")
        self.fax = _Para(size=BODY_PT, bold=True, before=0, after=120)
        title = (f"【{RESEND_MARK}】" if resend else "") + TITLE
        self.sender = (_p("", before=0, after=120) + _sender_block(s)
                       + _p(_run(title, size=15, bold=True), jc="center", before=360, after=240)).encode("utf-8")
        self.resend_text = _Para(size=BODY_PT, bold=True, before=0, after=120)
        self.body = "".join(_p(_run("　" + line, size=BODY_PT), before=0, after=100)
                            for line in s.body()).encode("utf-8")
        self.paused = _p(_run("　" + PAUSED_TEXT, size=BODY_PT), before=0, after=100).encode("utf-8")
        self.items = (_p(_run("記", size=BODY_PT), jc="center", before=160, after=120)
                      + _p(_run("1. ご確認いただきたいもの", size=BODY_PT, bold=True), before=0, after=40)).encode("utf-8")
        self.item = _Para(size=BODY_PT, before=0, after=0)
        who = f"{s.name}" + (f"(担当 {s.person})" if s.person else "")
        self.rest = "".join([
            _p(_run("2. ご返送の期限", size=BODY_PT, bold=True), before=120, after=40),
            _p(_run(f"　{s.deadline_text}", size=BODY_PT), before=0, after=0),
            _p(_run("3. ご返送の方法", size=BODY_PT, bold=True), before=120, after=40),
            _p(_run("　" + s.return_text(), size=BODY_PT), before=0, after=0),
            _p(_run("　変更がない場合も、掲載についてのご意向をお知らせいただくため、別紙をご返送ください。", size=BODY_PT),
               before=0, after=0),
            _p(_run("4. お問い合わせ", size=BODY_PT, bold=True), before=120, after=40),
            _p(_run(f"　{who}　電話 {s.phone}", size=BODY_PT), before=0, after=0),
            _p(_run("以上", size=BODY_PT), jc="right", before=120, after=0),
        ]).encode("utf-8")


def cover(p: Provider, s: Sender, *, day_text: str, pages: int, resend: bool, previous: str,
          first: bool, parts: _Cover | None = None) -> bytes:
    f = parts or _Cover(s, day_text=day_text, resend=resend)
    out = [(f.top_first if first else f.top)(f"No.{p.number}　{f.day_text}"), f.mark]
    if p.method == "FAX":
        out.append(f.fax(f"FAX {p.fax} 宛　送信枚数 {pages} 枚(この紙を含む)"))
    out.append(_address_block(p))
    out.append(f.sender)
    if f.resend:
        out.append(f.resend_text(RESEND_TEXT.replace("{前回}", previous or "前回")))
    out.append(f.body)
    if p.paused:
        out.append(f.paused)
    out.append(f.items)
    for i, r in enumerate(p.records, start=1):
        extra = "(休止中)" if r.get("status") == S.STATUS_PAUSED else ""
        out.append(f.item(f"　別紙{i}　{r.name or '(名称なし)'}{extra}"))
    out.append(f.rest)
    return b"".join(out)


# --- one sheet per service --------------------------------------------------------------------------
class _Sheet:
    """The parts of a service sheet that are the same on every sheet, built once per file (1,500 sheets: the
    labels, empty cells, the table's head and the consent block are copied, only the values, names and IDs are
    escaped each time, a value once per distinct text)."""

    def __init__(self, s: Sender) -> None:
        self.third = TEXT_W - sum(COLS)
        self.widths = [COLS[0], COLS[1], self.third]
        tab = f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
        self.heading = f'<w:p><w:pPr><w:pageBreakBefore/>{tab}<w:spacing w:before="0" w:after="40"/></w:pPr>'.encode()
        self.number = _around(_run(_MARK, size=13, bold=True, color=ACCENT))
        self.name = _around(_run(_MARK, size=13, bold=True))
        self.id = _around("<w:r><w:tab/></w:r>" + _run(_MARK, size=SMALL_PT, color=GREY))
        self.addressee = _Para(size=SMALL_PT, color=GREY, before=0, after=80)
        self.intro = _p(_run("いまお預かりしている内容です。変更や誤り、空欄で加えたいことがあれば、右の欄にご記入ください。",
                             size=9.5), before=0, after=60).encode("utf-8")
        head = [_cell(COLS[0], _cp("項目", bold=True), fill="D9E2F3"),
                _cell(COLS[1], _cp("いまの内容", bold=True), fill="D9E2F3"),
                _cell(self.third, _cp("訂正・追加(変更がある場合のみ)", bold=True), fill="FFF2CC")]
        # the table is written as its head, then (row start + value cell + row end) per field, then its end: the
        # same XML as _table(rows, widths, header=True)
        self.table_head = _table([head], self.widths, header=True).removesuffix("</w:tbl>").encode("utf-8")
        empty_fix = _cell(self.third, _sp(""))
        self.row_start = {k: ("<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                              + _cell(COLS[0], _sp(label(k), LABEL_STYLE), fill="F2F2F2")).encode("utf-8")
                          for k in LETTER_KEYS}
        self.row_end = (empty_fix + "</w:tr>").encode("utf-8")
        self.empty_value = _cell(COLS[1], _sp("")).encode("utf-8")
        self.values: dict[str, bytes] = {}  # value → its cell
        self.consent = {paused: _consent_block(paused, s).encode("utf-8") for paused in (False, True)}

    def value_cell(self, value: str) -> bytes:
        cell = self.values.get(value)
        if cell is None:
            cell = self.values[value] = (_cell(COLS[1], "".join(_sp(line) for line in value.split("\n"))).encode("utf-8")
                                         if value else self.empty_value)
        return cell


def service_sheet(p: Provider, record: Record, index: int, s: Sender, values: dict[str, str],
                  parts: _Sheet | None = None, addressee: bytes | None = None) -> bytes:
    """One service's sheet; ``addressee`` is its provider line when already made (the same on each of its sheets)."""
    f = parts or _Sheet(s)
    out = [f.heading, f.number[0], _tb(f"別紙{index}　"), f.number[1], f.name[0], _tb(record.name or "(名称なし)"),
           f.name[1], f.id[0], _tb(f"ID {record.id}"), f.id[1], b"</w:p>",
           addressee if addressee is not None else provider_line(p, f), f.intro, f.table_head]
    row_start, row_end, cell = f.row_start, f.row_end, f.value_cell
    for key in LETTER_KEYS:
        out += (row_start[key], cell(values.get(key, "")), row_end)
    out.append(b"</w:tbl>")
    out.append(f.consent[record.get("status") == S.STATUS_PAUSED])
    return b"".join(out)


def provider_line(p: Provider, f: _Sheet) -> bytes:
    return f.addressee(f"{p.name}　{p.addressee}　(No.{p.number})")


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
def footer_texts(s: Sender, resend: bool) -> tuple[str, str]:
    """The footer's left and right texts (the sender and the deadline)."""
    return f"{s.name}　社会資源情報の確認" + ("(再送)" if resend else ""), f"返信期限 {s.deadline_text}"


def author_of(s: Sender) -> str:
    return s.name or "shigen"


def _skeleton(footer_left: str, footer_right: str, author: str) -> Document:
    """The file around the letters, made with python-docx (styles, fonts, A4 page, footer, properties)."""
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
    xml = _p(_run(footer_left, size=SMALL_PT, color=GREY) + "<w:r><w:tab/></w:r>"
             + _run(footer_right, size=SMALL_PT, color=GREY),
             tabs=clear + f'<w:tab w:val="right" w:pos="{TEXT_W}"/>', style="Footer")
    fp._p.addnext(parse_xml(xml.replace("<w:p>", f"<w:p {nsdecls('w')}>", 1)))
    fp._p.getparent().remove(fp._p)
    doc.core_properties.title = TITLE
    doc.core_properties.author = author
    doc.core_properties.language = "ja-JP"
    body = parse_xml(f"<w:body {nsdecls('w')}>{BODY_PLACEHOLDER}</w:body>")
    sect_pr = doc.element.body.sectPr
    for child in list(body):
        sect_pr.addprevious(child)
    for para in list(doc.element.body):  # python-docx's empty first paragraph
        if para.tag.endswith("}p") and not "".join(para.itertext()):
            doc.element.body.remove(para)
            break
    return doc


def build_skeleton(footer_left: str = FOOTER_LEFT_MARK, footer_right: str = FOOTER_RIGHT_MARK,
                   author: str = AUTHOR_MARK) -> bytes:
    """The skeleton as python-docx writes it; with the marks, the file shipped as :data:`SKELETON`
    (``python -c "from shigen.letters.docx import write_skeleton; write_skeleton()"`` after changing
    :func:`_skeleton`, the fonts or python-docx; tests/test_letters.py checks it is current)."""
    out = io.BytesIO()
    _skeleton(footer_left, footer_right, author).save(out)
    return out.getvalue()


def write_skeleton(path: Path = SKELETON) -> None:
    path.write_bytes(build_skeleton())


def skeleton_parts(s: Sender, resend: bool) -> Iterator[tuple[str, bytes]]:
    """(part name, content) of the shipped skeleton with this sender's footer and author: the same as
    :func:`build_skeleton` with them, without python-docx (its import and template: ~0.1 s of each run)."""
    left, right = footer_texts(s, resend)
    return filled_parts(SKELETON, {
        FOOTER_PART: [(_t(FOOTER_LEFT_MARK), _t(left)), (_t(FOOTER_RIGHT_MARK), _t(right))],
        CORE_PART: [(f">{AUTHOR_MARK}<", f">{escape(clean_cell(author_of(s)))}<")],  # (text as lxml writes it)
    })


def letter_parts(providers: list[Provider], s: Sender, values_of: dict[str, dict[str, str]],
                 pages_of: dict[int, int], *, day_text: str, resend: bool,
                 previous_of: dict[int, str]) -> Iterator[bytes]:
    """The body of the file, a letter or a sheet at a time (UTF-8)."""
    parts, letter = _Sheet(s), _Cover(s, day_text=day_text, resend=resend)
    for i, p in enumerate(providers):
        yield cover(p, s, day_text=day_text, pages=pages_of.get(p.number, 1), resend=resend,
                    previous=previous_of.get(p.number, ""), first=i == 0, parts=letter)
        line = provider_line(p, parts)
        for j, r in enumerate(p.records, start=1):
            yield service_sheet(p, r, j, s, values_of[r.id], parts, line)
    if not providers:
        yield _p(_run("確認依頼を送る相手がいません。", size=BODY_PT)).encode("utf-8")


def write_docx(path: Path, providers: list[Provider], s: Sender, values_of: dict[str, dict[str, str]],
               pages_of: dict[int, int], *, day_text: str, resend: bool = False,
               previous_of: dict[int, str] | None = None) -> None:
    """Write every letter into one .docx (to a temporary file beside ``path``, then renamed)."""
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    now = time.localtime()[:6]
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
            for name, data in skeleton_parts(s, resend):
                part = zipfile.ZipInfo(name, date_time=now)
                part.compress_type, part.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
                if name != DOCUMENT_PART:
                    zout.writestr(part, data, compresslevel=1)
                    continue
                xml = data.decode("utf-8")
                if xml.count(BODY_PLACEHOLDER) != 1:  # pragma: no cover - not the skeleton write_skeleton makes
                    raise RuntimeError(f"{DOCUMENT_PART}: placeholder paragraph not found once")
                head, tail = xml.split(BODY_PLACEHOLDER)
                parts = letter_parts(providers, s, values_of, pages_of, day_text=day_text, resend=resend,
                                     previous_of=previous_of or {})
                # the fastest level, as for the other parts (Python 3.13 names the attribute compress_level)
                setattr(part, "compress_level" if hasattr(part, "compress_level") else "_compresslevel", 1)
                # streamed: the body is never one string (its size is not known beforehand: past ~2 GB, some
                # 70,000 sheets, the zip needs its 64-bit sizes from the start)
                sheets = sum(len(p.records) for p in providers)
                with zout.open(part, "w", force_zip64=sheets > 50_000) as out:
                    out.write(head.encode("utf-8"))
                    for piece in parts:  # (a letter or a sheet: ~10 KB each)
                        out.write(piece)
                    out.write(tail.encode("utf-8"))
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()
