"""The Word booklet streams its chapters into word/document.xml: the same document as the former one-tree way.

The "before" is produced in the test by ``shigen.export.docx._write_docx_tree`` (the python-docx/lxml tree of the
whole body, as the booklet was written before streaming); the "after" by ``write_docx``.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from builders import load, make_workspace, record
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from shigen import schema as S
from shigen.export.docx import DOCUMENT_PART, FONT, _write_docx_tree, write_docx
from shigen.export.meta import make_meta
from shigen.export.select import AUDIENCE_PUBLIC, AUDIENCE_STAFF, select

AS_OF = dt.date(2027, 4, 1)
GENRES = ("配食・弁当", "移動販売", "移送・外出支援", "サロン・交流の場", "通いの場・体操教室", "家事援助・生活支援")
SPECIAL = "田中&鈴木 <本店> \"特選\" 'お得' 弁当"
FORMULAS = {"notes": '=HYPERLINK("http://evil.example","押して")', "fee": "+100円(材料費)", "apply": "-電話で",
            "target": "@どなたでも"}
KANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめも"


def catalogue_records() -> list[dict[str, str]]:
    """About 30 records over six genres: Japanese text, XML specials, formula-like values, empty fields."""
    out = []
    for i in range(30):
        values: dict[str, str] = {
            "name": f"{KANA[i]}の里 サービス{i + 1}号",
            "kana": f"{KANA[i]}のさと さーびす{i + 1}",
            "genre": GENRES[i % len(GENRES)],
            "district": ("中央地区", "北地区", "南地区", "東地区")[i % 4],
            "memo": f"内部メモ{i}",
            "contact_person": f"先方{i}",
        }
        if i % 5 == 1:  # empty fields: no phone, no fee, no hours, no area
            values.update(phone="", fee="", hours="", area="", closed_days="")
        if i % 7 == 2:
            values.update(mobile="090-1234-5678", fax="0479-62-2222", email=f"shop{i}@example.jp",
                          url=f"https://example.jp/?a={i}&b=<{i}>")
        if i % 6 == 3:
            values.update(content=f"{SPECIAL}\n2行目は「改行」のあと\tタブ入り", days="火・木")
        if i % 8 == 4:
            values.update(FORMULAS)
        if i % 9 == 5:
            values.update(content="CONTROL")  # replaced after loading (the master cannot hold control characters)
        out.append(record(**values))
    out.append(record(name="関係者のみの会", kana="かんけいしゃのみのかい", visibility=S.VISIBILITY_STAFF))
    return out


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("ws")
    ws = make_workspace(root, catalogue_records(), settings={S.SETTING_CONTACT: "みどり野市社協 0479-00-1234 & 窓口"})
    cat = load(ws)
    for r in cat.records:
        if r.get("content") == "CONTROL":  # as a reader might hand them over from a messy source
            r.values["content"] = "制御文字\x0bを\x1fふくむ\r\n内容"
    return cat


def write_both(cat, tmp_path: Path, **kwargs):  # type: ignore[no-untyped-def]
    sel = select(cat, as_of=AS_OF, **kwargs)
    meta = make_meta(cat, sel, "docx", None)
    before, after = tmp_path / "before.docx", tmp_path / "after.docx"
    _write_docx_tree(before, cat, sel, meta)
    write_docx(after, cat, sel, meta)
    return sel, before, after


def body_sequence(path: Path) -> list[tuple[str, ...]]:
    """The body in order: ("p", style, text) for paragraphs, ("tbl", cell paragraph texts...) for tables."""
    doc = Document(str(path))
    out: list[tuple[str, ...]] = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            style = el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            text = "".join(t.text or "" for t in el.iter(qn("w:t")))
            out.append(("p", style.get(qn("w:val")) if style is not None else "", text))
        elif el.tag == qn("w:tbl"):
            out.append(("tbl", *("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in el.iter(qn("w:p")))))
    return out


def card_structure(path: Path) -> dict[str, object]:
    body = Document(str(path)).element.body
    tables = body.findall(qn("w:tbl"))
    return {
        "tables": len(tables),
        "cant_split": sum(1 for t in tables for _ in t.iter(qn("w:cantSplit"))),
        "keep_next": sum(1 for _ in body.iter(qn("w:keepNext"))),
        "keep_lines": sum(1 for _ in body.iter(qn("w:keepLines"))),
        "page_breaks": sum(1 for _ in body.iter(qn("w:pageBreakBefore"))),
        "bold": sum(1 for _ in body.iter(qn("w:b"))),
        "sizes": sorted(sz.get(qn("w:val")) for sz in body.iter(qn("w:sz"))),
        "shading": sorted(s.get(qn("w:fill")) for s in body.iter(qn("w:shd"))),
    }


def canonical(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return etree.tostring(etree.fromstring(z.read(part)), method="c14n")


@pytest.mark.parametrize("audience, chunk", [(AUDIENCE_PUBLIC, None), (AUDIENCE_STAFF, None), (AUDIENCE_PUBLIC, 700)])
def test_streamed_booklet_is_the_same_document_as_the_one_tree_booklet(catalogue, tmp_path, monkeypatch, audience,
                                                                       chunk):
    if chunk:  # many small writes to the zip instead of one
        monkeypatch.setattr("shigen.export.docx._CHUNK", chunk)
    sel, before, after = write_both(catalogue, tmp_path, audience=audience)
    assert len(sel.sections) == len(GENRES) and len(sel.records) >= 30
    # same parts, same order; every part but the body byte for byte; the body the same XML (canonical form)
    with zipfile.ZipFile(before) as zb, zipfile.ZipFile(after) as za:
        assert za.testzip() is None
        assert za.namelist() == zb.namelist()
        for name in zb.namelist():
            if name != DOCUMENT_PART:
                assert za.read(name) == zb.read(name), name
    assert canonical(after, DOCUMENT_PART) == canonical(before, DOCUMENT_PART)
    # read back with python-docx: the same paragraphs and tables, in the same order, with the same card structure
    sequence = body_sequence(after)
    assert sequence == body_sequence(before)
    assert card_structure(after) == card_structure(before)
    # and explicitly: one card per record (+ the cover's box), each row unsplittable
    structure = card_structure(after)
    assert structure["tables"] == len(sel.records) + 1
    assert structure["cant_split"] == len(sel.records) + 1
    assert structure["page_breaks"] == 1 + len(GENRES)  # 目次 + one per chapter
    headings = [text for kind, style, *rest in sequence if kind == "p" and style == "Heading1" for text in rest]
    assert headings == [f"{i}. {s.genre}" for i, s in enumerate(sel.sections, start=1)]
    names = [row[1] for row in sequence if row[0] == "tbl"][1:]
    assert names == [r.name for r in sel.records]


def test_streamed_booklet_keeps_special_characters_formulas_fonts_header_and_footer(catalogue, tmp_path):
    sel, _, after = write_both(catalogue, tmp_path)
    doc = Document(str(after))
    cells = "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)
    assert SPECIAL in cells
    assert "2行目は「改行」のあと\tタブ入り" in cells
    assert "https://example.jp/?a=2&b=<2>" in cells
    for key, value in FORMULAS.items():
        if key != "target":  # 対象者 is not on a card
            assert value in cells  # plain text, never a field
    assert "制御文字をふくむ\n内容" in cells
    instr = [t.text.strip() for t in doc.element.body.iter(qn("w:instrText"))]
    assert len(instr) == 1 and instr[0].startswith("TOC")
    # public: nothing internal
    assert "内部メモ" not in cells and "先方" not in cells and "関係者のみの会" not in cells
    # cards: name bold ≥ 14 pt keeps with next; rows never split; page set-up, fonts, header, footer as before
    cards = doc.tables[1:]
    for t in cards:
        assert t.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
        name = t.rows[0].cells[0].paragraphs[0]
        assert name.runs[0].bold and name.runs[0].font.size.pt >= 14 and name.paragraph_format.keep_with_next
    rfonts = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == FONT
    section = doc.sections[0]
    assert abs(section.page_width.mm - 210) < 1 and abs(section.page_height.mm - 297) < 1
    assert "令和9年4月現在" in section.header.paragraphs[0].text
    assert [t.text.strip() for t in section.footer._element.iter(qn("w:instrText"))] == ["PAGE", "NUMPAGES"]
    with zipfile.ZipFile(after) as z:
        assert b"SHIGEN-BODY-" not in z.read(DOCUMENT_PART)  # the placeholder is gone


def test_empty_selection_streams_the_same_booklet(catalogue, tmp_path):
    sel, before, after = write_both(catalogue, tmp_path, genres=["買い物支援"])
    assert not sel.sections
    assert canonical(after, DOCUMENT_PART) == canonical(before, DOCUMENT_PART)
    assert any("掲載する資源がありません" in p.text for p in Document(str(after)).paragraphs)


def test_characters_xml_cannot_hold_are_dropped(catalogue, tmp_path):
    """U+FFFE / U+FFFF and lone surrogates cannot be in an XML file: dropped, the booklet still opens."""
    rec = catalogue.records[0]
    saved = dict(rec.values)
    try:
        rec.values["content"] = "不正\ufffeな\uffff文字\ud800入り"
        sel = select(catalogue, as_of=AS_OF)
        path = tmp_path / "bad.docx"
        write_docx(path, catalogue, sel, make_meta(catalogue, sel, "docx", None))
    finally:
        rec.values.clear()
        rec.values.update(saved)
    cells = [cell.text for t in Document(str(path)).tables for row in t.rows for cell in row.cells]
    assert any("不正な文字入り" in c for c in cells)


# --- the text of a run: the plain-text shortcut writes what the full cleaning and escaping would -------------
def _t_reference(text: str) -> str:
    """_t as it was before the shortcut: clean, drop what XML cannot hold, escape, line breaks as <w:br/>."""
    import re
    from xml.sax.saxutils import escape

    from shigen.export.files import clean_cell

    text = re.sub("[\ud800-\udfff\ufffe\uffff]", "", clean_cell(text))
    return "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in escape(text).split("\n"))


@pytest.mark.parametrize("text", ["", "みどり野市 高齢者支援課", "A&B <c> d", "一行目\n二行目", "改行\r\nCR\rのみ",
                                  "タブ\tあり", "制御\x00\x07\x1b\x7f文字", "\ufffe\uffff", "\ud800孤立", "_x0041_",
                                  "☑ 〒289-2595 ０４７９"])
def test_run_text_shortcut_matches_the_full_path(text: str) -> None:
    from shigen.export.docx import _t

    assert _t(text) == _t_reference(text)


def test_run_text_shortcut_matches_the_full_path_on_any_text() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from shigen.export.docx import _t

    @given(st.text(alphabet=st.characters(codec=None, blacklist_categories=()), max_size=40))
    def check(text: str) -> None:
        assert _t(text) == _t_reference(text)

    check()


# --- the booklet's skeleton (styles, page, header / footer, properties) comes from a file shipped in the package --
def _zip_parts(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_the_shipped_booklet_skeleton_is_the_one_python_docx_makes() -> None:
    """After a change to the fonts, styles, header / footer or python-docx, this fails until write_skeleton() runs."""
    from shigen.export.docx import SKELETON, build_skeleton

    shipped = _zip_parts(SKELETON.read_bytes())
    assert list(shipped) == list(_zip_parts(build_skeleton()))
    assert shipped == _zip_parts(build_skeleton())


@pytest.mark.parametrize(("municipality", "title", "public"), [
    ("みどり野市", None, True),
    ("みどり野市", None, False),
    ("A&B <町>", "\"暮らし\" の 'てびき' > 版", True),
    ("", "", True),  # no municipality: the author is 「shigen」
    ("みどり野市", "くらしの\n便利帳😀", False),
])
def test_the_filled_in_booklet_skeleton_is_what_python_docx_makes(tmp_path, municipality, title, public) -> None:
    from shigen.export.docx import author_of, build_skeleton, header_texts, skeleton_parts

    ws = make_workspace(tmp_path, [record(name="配食")], settings={S.SETTING_MUNICIPALITY: municipality})
    cat = load(ws)
    sel = select(cat, audience=AUDIENCE_PUBLIC if public else AUDIENCE_STAFF, as_of=dt.date(2027, 4, 1))
    meta = make_meta(cat, sel, "docx", title)
    label, stamp = header_texts(meta)
    assert dict(skeleton_parts(meta)) == _zip_parts(build_skeleton(label, stamp, meta.title, author_of(meta)))
