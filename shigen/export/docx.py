"""The Word booklet (python-docx + lxml): cover, table of contents, one chapter per genre, one card per resource.

Cards are 1-cell tables whose row may not split across pages. The body XML is built as text (python-docx's
table API takes ~6 s for 1,500 cards). Fonts: a Japanese UD font on every style, with the east-Asian font set
explicitly and the theme font attributes removed (theme fonts would override the names).

Memory: python-docx builds the skeleton (styles, page set-up, header/footer, cover, table of contents) with a
placeholder paragraph where the chapters go; the skeleton is saved to memory and copied into the final zip, with
``word/document.xml`` streamed: the text before the placeholder, then each chapter heading and card as it is made,
then the text after. Peak memory no longer grows with the number of cards (the whole body as one lxml tree took
8.5 GB at 200,000 records). :func:`_write_docx_tree` is the former one-tree way, kept for the regression test.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Catalogue, Record
from .columns import CARD_KEYS, CARD_LABELS, Getter
from .files import clean_cell
from .meta import STAFF_WARNING, Meta
from .select import Selection

if TYPE_CHECKING:  # python-docx is imported when a booklet is written, not when the CLI starts
    from docx.document import Document
    from docx.section import Section

FONT = "BIZ UDゴシック"
BODY_PT = 12
NAME_PT = 16
PHONE_PT = 18
HEADING_PT = 20
ACCENT = "1F4E78"
PAGE_W_MM, PAGE_H_MM = 210, 297
MARGIN_MM = 18
_TWIPS_PER_MM = 1440 / 25.4
TEXT_W = int((PAGE_W_MM - 2 * MARGIN_MM) * _TWIPS_PER_MM)  # usable width in twips
LABEL_W = 1760  # hanging indent for 「サービス内容」 etc. (6 full-width characters at 12 pt + gap)
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
TOC_INSTR = ' TOC \\o "1-1" \\h \\z \\u '
DOCUMENT_PART = "word/document.xml"
_CHUNK = 1 << 20  # characters of body XML gathered before one write to the zip
# XML 1.0 cannot hold these even as references (clean_cell already removes the C0 controls); lone surrogates
# cannot be encoded as UTF-8 at all
_XML_ILLEGAL = re.compile("[\ud800-\udfff\ufffe\uffff]")


# --- small XML builders (text in, WordprocessingML text out) -------------------------------
def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities (what ``xml.sax.saxutils.escape`` does, without importing urllib)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


# any character :func:`_t` must change (controls, line breaks, markup, what XML cannot hold): the rest is written as is
_PLAIN_NOT = re.compile("[\x00-\x1f\x7f&<>\ud800-\udfff\ufffe\uffff]")


def _t(text: str) -> str:
    if not _PLAIN_NOT.search(text):  # most texts: nothing to clean, escape or break
        return f'<w:t xml:space="preserve">{text}</w:t>'
    text = clean_cell(text)
    if _XML_ILLEGAL.search(text):
        text = _XML_ILLEGAL.sub("", text)
    lines = escape(text).split("\n")
    return "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)


def _run(text: str, *, bold: bool = False, size: float | None = None, color: str | None = None) -> str:
    rpr = ""
    if bold:
        rpr += "<w:b/><w:bCs/>"
    if color:
        rpr += f'<w:color w:val="{color}"/>'
    if size:
        half = int(size * 2)
        rpr += f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
    return f"<w:r>{f'<w:rPr>{rpr}</w:rPr>' if rpr else ''}{_t(text)}</w:r>"


def _p(runs: str = "", *, style: str | None = None, keep_next: bool = False, page_break: bool = False,
       shade: str | None = None, tabs: str = "", before: int | None = None, after: int | None = None,
       hanging: int | None = None, jc: str | None = None, keep_lines: bool = True) -> str:
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if keep_next:
        ppr += "<w:keepNext/>"
    if keep_lines:
        ppr += "<w:keepLines/>"
    if page_break:
        ppr += "<w:pageBreakBefore/>"
    if shade:
        ppr += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>'
    if tabs:
        ppr += f"<w:tabs>{tabs}</w:tabs>"
    if before is not None or after is not None:
        ppr += f'<w:spacing w:before="{before or 0}" w:after="{after or 0}"/>'
    if hanging:
        ppr += f'<w:ind w:left="{hanging}" w:hanging="{hanging}"/>'
    if jc:
        ppr += f'<w:jc w:val="{jc}"/>'
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{runs}</w:p>"


def _box(paragraphs: str, *, color: str = ACCENT, size: int = 12) -> str:
    """A bordered 1-cell table whose row never breaks across pages."""
    border = f'w:val="single" w:sz="{size}" w:space="0" w:color="{color}"'
    return (
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{TEXT_W}" w:type="dxa"/>'
        f"<w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>"
        '<w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>'
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="80" w:type="dxa"/><w:left w:w="170" w:type="dxa"/>'
        '<w:bottom w:w="100" w:type="dxa"/><w:right w:w="170" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
        f'</w:tblPr><w:tblGrid><w:gridCol w:w="{TEXT_W}"/></w:tblGrid>'
        '<w:tr><w:trPr><w:cantSplit/></w:trPr>'
        f'<w:tc><w:tcPr><w:tcW w:w="{TEXT_W}" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc></w:tr></w:tbl>'
    )


_SPACER = '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="200" w:lineRule="exact"/></w:pPr></w:p>'


def _field(instr: str, placeholder: str = "") -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instr)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{_t(placeholder)}</w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


# --- the parts of the booklet ------------------------------------------------------------------
def _cover(meta: Meta, sel: Selection) -> list[str]:
    out = [
        _p(_run(meta.municipality, size=22, bold=True, color=ACCENT), before=2600, after=240, jc="center"),
        _p(_run(meta.title, size=36, bold=True), after=360, jc="center"),
        _p(_run(f"{meta.fiscal_year}版", size=18), after=120, jc="center"),
        _p(_run(meta.stamp, size=16), after=720, jc="center"),
    ]
    if meta.districts:
        out.append(_p(_run(f"対象地区: {meta.district_text}", size=14), after=120, jc="center"))
    if meta.genres:
        out.append(_p(_run(f"ジャンル: {meta.genre_text}", size=14), after=120, jc="center"))
    out.append(_p(_run(f"掲載 {meta.total} 件", size=14), after=720, jc="center"))
    about = (f"この冊子は、{meta.municipality or '地域'}で暮らす方の生活を支えるサービスや集いの場を、ジャンルごとにまとめたものです。"
             f"掲載内容は{meta.stamp}のものです。変わっていることがありますので、ご利用の前に各連絡先へお問い合わせください。")
    if meta.districts:
        about += f"「{meta.district_text}」で利用できるもの(地区内にあるもの、地区まで来てくれるもの、市内全域が対象のもの)を載せています。"
    box = _p(_run("この冊子について", bold=True, size=14, color=ACCENT), after=80) + _p(_run(about, size=BODY_PT), after=80)
    if meta.contact:
        box += _p(_run("お問い合わせ先", bold=True, size=14, color=ACCENT), before=120, after=80)
        box += _p(_run(meta.contact, size=14, bold=True), after=40)
    out.append(_box(box))
    if not meta.public:
        out.append(_p(_run(STAFF_WARNING, bold=True, size=BODY_PT, color="C00000"), before=240))
    return out


def _toc(sel: Selection) -> list[str]:
    """A TOC field whose cached result is the written list of chapters (reads right before Word updates it)."""
    tab = f'<w:tab w:val="right" w:leader="dot" w:pos="{TEXT_W - 10}"/>'
    out = [_p(_run("目次", bold=True, size=HEADING_PT, color=ACCENT), page_break=True, after=240)]
    begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             f'<w:r><w:instrText xml:space="preserve">{escape(TOC_INSTR)}</w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    entries = [f"{i}. {s.genre}\t{len(s.records)} 件" for i, s in enumerate(sel.sections, start=1)] or ["(掲載する資源がありません)"]
    for i, entry in enumerate(entries):
        runs = (begin if i == 0 else "") + _run(entry, size=14) + (end if i == len(entries) - 1 else "")
        out.append(_p(runs, tabs=tab, after=120))
    return out


def _card(record: Record, public: bool, get: Getter | None = None) -> str:
    """One resource as a bordered box; ``get`` (Selection.value) leaves out what may not be printed."""
    if get is None:
        get = Record.get
    paras = [_p(_run(get(record, "name") or "(名称なし)", bold=True, size=NAME_PT), keep_next=True, shade="E3EAF3",
                after=80)]
    phones = [(label, get(record, key)) for label, key in (("電話", "phone"), ("携帯", "mobile")) if get(record, key)]
    if phones:
        runs = "".join(
            (_run("　　") if i else "") + _run(f"{label} ", bold=True, size=14) + _run(number, bold=True, size=PHONE_PT)
            for i, (label, number) in enumerate(phones))
        paras.append(_p(runs, keep_next=True, after=40))
    others = [(label, get(record, key)) for label, key in (("FAX", "fax"), ("メール", "email")) if get(record, key)]
    if others:
        paras.append(_p("".join((_run("　　") if i else "") + _run(f"{label} ", bold=True, size=BODY_PT)
                                + _run(v, size=BODY_PT) for i, (label, v) in enumerate(others)), keep_next=True, after=40))
    lines: list[tuple[str, str]] = []
    for key in CARD_KEYS:
        if key == "days_hours":
            value = "　".join(v for v in (get(record, "days"), get(record, "hours")) if v)
        elif key == "address":
            value = " ".join(v for v in (f"〒{get(record, 'postal_code')}" if get(record, "postal_code") else "",
                                         get(record, "address")) if v)
        else:
            value = get(record, key)
        if value:
            lines.append((CARD_LABELS.get(key) or S.header(key), value))
    if get(record, "url"):
        lines.append(("ホームページ", get(record, "url")))
    staff: list[tuple[str, str]] = []
    if not public:  # every other field, run together in one paragraph so the card stays short
        shown = {"name", "phone", "mobile", "fax", "email", "url", "days", "hours", "postal_code", *CARD_KEYS}
        staff = [(f.header, record.get(f.key)) for f in S.FIELDS if f.key not in shown and record.get(f.key)]
    tab = f'<w:tab w:val="left" w:pos="{LABEL_W}"/>'
    for i, (label, value) in enumerate(lines):
        paras.append(_p(_run(label, bold=True, size=BODY_PT, color=ACCENT) + "<w:r><w:tab/></w:r>"
                        + _run(value, size=BODY_PT), keep_next=i < len(lines) - 1 or bool(staff), tabs=tab,
                        hanging=LABEL_W, after=40))
    if staff:
        runs = "".join((_run(" / ", size=BODY_PT, color="808080") if i else "")
                       + _run(f"{label} ", bold=True, size=BODY_PT, color="595959") + _run(value, size=BODY_PT)
                       for i, (label, value) in enumerate(staff))
        paras.append(_p(runs, shade="F2F2F2", before=80, after=40))
    return _box("".join(paras)) + _SPACER


def _chapter(number: int, genre: str, description: str, records: list[Record], public: bool,
             get: Getter | None = None) -> Iterator[str]:
    yield _p(_run(f"{number}. {genre}"), style="Heading1", page_break=True, keep_next=True)
    note = f"{description}(掲載 {len(records)} 件)" if description else f"掲載 {len(records)} 件"
    yield _p(_run(note, size=BODY_PT, color="595959"), keep_next=True, after=200)
    for r in records:
        yield _card(r, public, get)


def _chapters(sel: Selection, public: bool) -> Iterator[str]:
    """The body after the table of contents, one piece (heading, note, card) at a time."""
    for i, s in enumerate(sel.sections, start=1):
        yield from _chapter(i, s.genre, s.description, s.records, public, sel.value)
    if not sel.sections:
        yield _p(_run("掲載する資源がありません。", size=BODY_PT), page_break=True)


# --- document set-up ---------------------------------------------------------------------------------
def _fonts(doc: Document) -> None:
    """Explicit Japanese UD font on the defaults and every style; theme fonts removed; ja-JP line breaking."""
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rfonts in styles.iter(qn("w:rFonts")):
        for attr in _THEME_ATTRS:
            rfonts.attrib.pop(qn(f"w:{attr}"), None)
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            rfonts.set(qn(f"w:{attr}"), FONT)
    sz = rpr.find(qn("w:sz"))
    sz.set(qn("w:val"), str(BODY_PT * 2))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(BODY_PT * 2))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "ja-JP")
    ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing = ppr.find(qn("w:spacing"))
    spacing.set(qn("w:after"), "80")
    spacing.set(qn("w:line"), "280")


def _styles(doc: Document) -> None:
    from docx.shared import Pt, RGBColor

    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    h1 = doc.styles["Heading 1"]
    h1.font.size = Pt(HEADING_PT)
    h1.font.bold = True
    h1.font.color.rgb = RGBColor.from_string(ACCENT)
    h1.paragraph_format.space_before = Pt(0)
    h1.paragraph_format.space_after = Pt(6)
    h1.paragraph_format.keep_with_next = True
    for name in ("Header", "Footer"):
        doc.styles[name].font.size = Pt(BODY_PT)


def header_texts(meta: Meta) -> tuple[str, str]:
    """The page header's left text (the booklet's name) and right text (「令和X年X月現在」)."""
    return meta.heading + ("・外部配布禁止" if not meta.public else ""), meta.stamp


def _header_footer(section: Section, label: str, stamp: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    clear = '<w:tab w:val="clear" w:pos="4680"/><w:tab w:val="clear" w:pos="9360"/>'  # the template's Letter stops
    right_tab = clear + f'<w:tab w:val="right" w:pos="{TEXT_W}"/>'
    centre_tab = clear + f'<w:tab w:val="center" w:pos="{TEXT_W // 2}"/>'
    header = section.header
    header.is_linked_to_previous = False
    hp = header.paragraphs[0]
    xml = _p(_run(label, size=BODY_PT, color="595959") + "<w:r><w:tab/></w:r>" + _run(stamp, bold=True, size=BODY_PT),
             tabs=right_tab, style="Header")
    hp._p.addnext(parse_xml(xml.replace("<w:p>", f"<w:p {nsdecls('w')}>", 1)))
    hp._p.getparent().remove(hp._p)
    footer = section.footer
    footer.is_linked_to_previous = False
    fp = footer.paragraphs[0]
    xml = _p("<w:r><w:tab/></w:r>" + _field("PAGE", "1") + _run(" / ") + _field("NUMPAGES", "1"),
             tabs=centre_tab, style="Footer")
    fp._p.addnext(parse_xml(xml.replace("<w:p>", f"<w:p {nsdecls('w')}>", 1)))
    fp._p.getparent().remove(fp._p)


def _update_fields_on_open(doc: Document) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = doc.settings.element
    el = settings.find(qn("w:updateFields"))
    if el is None:
        el = OxmlElement("w:updateFields")
        settings.append(el)
    el.set(qn("w:val"), "true")


def _skeleton(meta: Meta) -> Document:
    """The python-docx document without a body: fonts, styles, A4 page, header/footer, properties."""
    return _skeleton_with(*header_texts(meta), title=meta.title, author=author_of(meta))


def author_of(meta: Meta) -> str:
    return meta.municipality or "shigen"


def _skeleton_with(label: str, stamp: str, *, title: str, author: str) -> Document:
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    _fonts(doc)
    _styles(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    section.left_margin = section.right_margin = Mm(MARGIN_MM)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    section.header_distance = section.footer_distance = Mm(8)
    _header_footer(section, label, stamp)
    _update_fields_on_open(doc)
    doc.core_properties.title = title
    doc.core_properties.author = author
    doc.core_properties.language = "ja-JP"
    doc.core_properties.category = S.EXPORT_MARK
    return doc


def _insert(doc: Document, parts: list[str]) -> None:
    """Parse body XML pieces and put them before the section properties (the end of the body)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    fragment = parse_xml(f"<w:body {nsdecls('w')}>{''.join(parts)}</w:body>")
    sect_pr = doc.element.body.sectPr
    for child in list(fragment):
        sect_pr.addprevious(child)


def _write_docx_tree(path: Path, cat: Catalogue, sel: Selection, meta: Meta) -> None:
    """The former way: the whole body parsed into python-docx's lxml tree (memory grows with the cards)."""
    doc = _skeleton(meta)
    _insert(doc, _cover(meta, sel) + _toc(sel) + list(_chapters(sel, meta.public)))
    doc.save(str(path))


# --- the file: the shipped skeleton, the body streamed into it -------------------------------------------
# made once by python-docx (:func:`build_skeleton`) with marks where the booklet's own texts and the body go
SKELETON = Path(__file__).with_name("booklet_skeleton.docx")
HEADER_PART, CORE_PART = "word/header1.xml", "docProps/core.xml"
LABEL_MARK, STAMP_MARK, TITLE_MARK, AUTHOR_MARK = "SHIGENHEADERLABEL", "SHIGENHEADERSTAMP", "SHIGENTITLE", "SHIGENAUTHOR"
BODY_PLACEHOLDER = "<w:p><w:r><w:t>SHIGENBOOKLETBODY</w:t></w:r></w:p>"


def build_skeleton(label: str = LABEL_MARK, stamp: str = STAMP_MARK, title: str = TITLE_MARK,
                   author: str = AUTHOR_MARK) -> bytes:
    """The booklet's skeleton as python-docx writes it, the body a placeholder paragraph; with the marks, the file
    shipped as :data:`SKELETON` (``python -c "from shigen.export.docx import write_skeleton; write_skeleton()"``
    after changing the fonts, styles, header / footer or python-docx; tests/test_export_docx_stream.py checks it)."""
    doc = _skeleton_with(label, stamp, title=title, author=author)
    _insert(doc, [BODY_PLACEHOLDER])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def write_skeleton(path: Path = SKELETON) -> None:
    path.write_bytes(build_skeleton())


def skeleton_parts(meta: Meta) -> Iterator[tuple[str, bytes]]:
    """(part name, content) of the shipped skeleton with this booklet's texts: the same as :func:`build_skeleton`
    with them, without python-docx (its import and template: ~0.07 s of each run)."""
    label, stamp = header_texts(meta)
    return filled_parts(SKELETON, {
        HEADER_PART: [(_t(LABEL_MARK), _t(label)), (_t(STAMP_MARK), _t(stamp))],
        CORE_PART: [(f">{TITLE_MARK}<", f">{escape(clean_cell(meta.title))}<"),  # (text as lxml writes it)
                    (f">{AUTHOR_MARK}<", f">{escape(clean_cell(author_of(meta)))}<")],
    })


def filled_parts(skeleton: Path, marks: dict[str, list[tuple[str, str]]]) -> Iterator[tuple[str, bytes]]:
    """(part name, content) of every part of the shipped ``skeleton``, the parts named in ``marks`` with each of
    their marks (found exactly once, in order) replaced by its text. Shared by the booklet and the letters
    (``shigen.letters.docx``)."""
    with zipfile.ZipFile(skeleton) as zin:
        for name in zin.namelist():
            data = zin.read(name)
            if name in marks:
                out, rest = [], data.decode("utf-8")
                for mark, text in marks[name]:
                    if rest.count(mark) != 1:  # pragma: no cover - the file is not the one write_skeleton makes
                        raise RuntimeError(f"{skeleton.name}: {mark} not found once")
                    before, rest = rest.split(mark)
                    out += [before, text]
                data = "".join([*out, rest]).encode("utf-8")
            yield name, data


def write_docx(path: Path, cat: Catalogue, sel: Selection, meta: Meta) -> None:
    """Write the booklet: the skeleton's parts copied, the cover, contents, chapters and cards streamed into
    ``word/document.xml``."""
    now = time.localtime()[:6]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in skeleton_parts(meta):
            part = zipfile.ZipInfo(name, date_time=now)
            part.compress_type, part.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            if name != DOCUMENT_PART:
                zout.writestr(part, data)
                continue
            xml = data.decode("utf-8")
            if xml.count(BODY_PLACEHOLDER) != 1:  # pragma: no cover - not the skeleton write_skeleton makes
                raise RuntimeError(f"{DOCUMENT_PART}: placeholder paragraph not found once")
            head, tail = xml.split(BODY_PLACEHOLDER)
            with zout.open(part, "w") as out:
                out.write(head.encode("utf-8"))
                buffer: list[str] = [*_cover(meta, sel), *_toc(sel)]
                size = 0
                for piece in _chapters(sel, meta.public):
                    buffer.append(piece)
                    size += len(piece)
                    if size >= _CHUNK:
                        out.write("".join(buffer).encode("utf-8"))
                        buffer, size = [], 0
                out.write("".join(buffer).encode("utf-8"))
                out.write(tail.encode("utf-8"))
