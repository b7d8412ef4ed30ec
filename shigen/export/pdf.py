"""The residents' booklet as PDF, typeset by Typst with an embedded Japanese font (Noto Sans CJK JP, SIL OFL 1.1).

Why Typst (measured on 210 cards of Japanese text, docs/export.md): it breaks Japanese lines by the kinsoku rules
(no line began with 、。」ー…; fpdf2 began 140 of 630 lines so), it was five times faster than fpdf2 (0.2 s against
1.2 s) and it lays out the contents page with real page numbers, keeps each card on one page
(``block(breakable: false)``) and embeds subsets of the fonts. reportlab reads TrueType outlines only, and the
open-licence Japanese fonts on PyPI are CFF OpenType.

The records go to the Typst template as JSON (``sys.inputs``), never as markup, so no value can be read as Typst
code. The fonts come from the ``noto-cjk-sans-jp-regular`` / ``-bold`` packages; system fonts are ignored so the
booklet looks the same on every PC.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .. import schema as S
from ..model import Catalogue, Record
from .columns import CARD_KEYS, CARD_LABELS, Getter
from .files import clean_cell
from .meta import STAFF_WARNING, Meta
from .select import Selection

FONT_FAMILY = "Noto Sans CJK JP"
BODY_PT = 13
NAME_PT = 17
PHONE_PT = 20
HEADING_PT = 22

TEMPLATE = r"""
#let data = json(bytes(sys.inputs.data))
#let accent = rgb("#1F4E78")
#let lines(s) = s.split("\n").join(linebreak())
#set document(title: data.title, author: data.author)
#set text(font: "FONT", size: BODY_PTpt, lang: "ja", region: "JP")
#set par(leading: 0.6em, justify: false)
#set page(
  paper: "a4",
  margin: (x: 18mm, top: 24mm, bottom: 22mm),
  header: context {
    if counter(page).get().first() > 1 {
      set text(size: 11pt)
      text(fill: luma(90))[#data.header]
      h(1fr)
      text(weight: "bold")[#data.stamp]
    }
  },
  footer: context {
    set text(size: 12pt)
    h(1fr)
    counter(page).display("1 / 1", both: true)
    h(1fr)
  },
)
#show heading.where(level: 1): it => {
  pagebreak(weak: true)
  block(below: 0.8em, text(size: HEADING_PTpt, weight: "bold", fill: accent, it.body))
}
#show outline.entry.where(level: 1): it => {
  set text(size: 15pt)
  block(above: 0.9em, it)
}

// --- cover -----------------------------------------------------------------------------------
#v(40mm)
#align(center)[
  #text(size: 22pt, weight: "bold", fill: accent)[#data.municipality]
  #v(6mm)
  #text(size: 34pt, weight: "bold")[#data.title]
  #v(6mm)
  #text(size: 18pt)[#data.edition]
  #v(2mm)
  #text(size: 16pt)[#data.stamp]
  #v(8mm)
  #for line in data.scope [#text(size: 14pt)[#line] \ ]
]
#v(10mm)
#block(stroke: 1.2pt + accent, inset: 12pt, width: 100%, breakable: false)[
  #text(size: 14pt, weight: "bold", fill: accent)[この冊子について] \
  #data.about
  #if data.contact != "" [
    #v(3mm)
    #text(size: 14pt, weight: "bold", fill: accent)[お問い合わせ先] \
    #text(size: 15pt, weight: "bold")[#data.contact]
  ]
]
#if data.warning != "" [
  #v(4mm)
  #text(weight: "bold", fill: rgb("#C00000"))[#data.warning]
]

// --- contents -------------------------------------------------------------------------------
#pagebreak()
#text(size: HEADING_PTpt, weight: "bold", fill: accent)[目次]
#v(4mm)
#if data.sections.len() == 0 [(掲載する資源がありません)] else [
  #outline(title: none, depth: 1)
]

// --- chapters -------------------------------------------------------------------------------
#let card(c) = block(breakable: false, stroke: 1.2pt + accent, inset: 0pt, width: 100%, below: 4mm, {
  block(fill: rgb("#E3EAF3"), inset: (x: 10pt, y: 7pt), width: 100%, below: 0pt,
        text(size: NAME_PTpt, weight: "bold")[#c.name])
  block(inset: (x: 10pt, top: 6pt, bottom: 8pt), width: 100%, {
    if c.phones.len() > 0 {
      block(below: 5pt, c.phones.map(p => [#text(size: 14pt, weight: "bold")[#p.at(0)] #text(size: PHONE_PTpt, weight: "bold")[#p.at(1)]]).join(h(2em)))
    }
    if c.others.len() > 0 {
      block(below: 5pt, c.others.map(p => [*#p.at(0)* #p.at(1)]).join(h(2em)))
    }
    if c.lines.len() > 0 {
      grid(columns: (7em, 1fr), column-gutter: 6pt, row-gutter: 0.6em,
           ..c.lines.map(l => (text(weight: "bold", fill: accent)[#l.at(0)], lines(l.at(1)))).flatten())
    }
    if c.staff != "" {
      block(above: 6pt, fill: luma(242), inset: 5pt, width: 100%, text(size: 11pt)[#c.staff])
    }
  })
})
#for s in data.sections [
  #heading(level: 1)[#s.title]
  #text(fill: luma(90))[#s.note]
  #v(3mm)
  #for c in s.cards { card(c) }
]
#if data.sections.len() == 0 [
  #pagebreak()
  掲載する資源がありません。
]
"""


def _template() -> bytes:
    text = TEMPLATE
    for key, value in (("FONT", FONT_FAMILY), ("BODY_PT", str(BODY_PT)), ("NAME_PT", str(NAME_PT)),
                       ("PHONE_PT", str(PHONE_PT)), ("HEADING_PT", str(HEADING_PT))):
        text = text.replace(key, value)
    return text.encode("utf-8")


def font_dirs() -> list[str]:
    """Folders of the bundled OFL fonts (regular and bold)."""
    import noto_cjk_sans_jp_bold
    import noto_cjk_sans_jp_regular

    return [str(Path(str(m.FONT_PATH)).parent) for m in (noto_cjk_sans_jp_regular, noto_cjk_sans_jp_bold)]


def _text(value: str) -> str:
    return clean_cell(value).replace("\u0000", "")


def card_data(record: Record, get: Getter, public: bool) -> dict[str, object]:
    """What the card shows, in the order of the Word booklet's card (public fields through ``get``)."""
    phones = [[label, _text(get(record, key))] for label, key in (("電話", "phone"), ("携帯", "mobile"))
              if get(record, key)]
    others = [[label, _text(get(record, key))] for label, key in (("FAX", "fax"), ("メール", "email")) if get(record, key)]
    lines: list[list[str]] = []
    for key in CARD_KEYS:
        if key == "days_hours":
            value = "　".join(v for v in (get(record, "days"), get(record, "hours")) if v)
        elif key == "address":
            postal = get(record, "postal_code")
            value = " ".join(v for v in (f"〒{postal}" if postal else "", get(record, "address")) if v)
        else:
            value = get(record, key)
        if value:
            lines.append([CARD_LABELS.get(key) or S.header(key), _text(value)])
    if get(record, "url"):
        lines.append(["ホームページ", _text(get(record, "url"))])
    staff = ""
    if not public:
        shown = {"name", "phone", "mobile", "fax", "email", "url", "days", "hours", "postal_code", *CARD_KEYS}
        staff = " / ".join(f"{f.header} {_text(record.get(f.key))}" for f in S.FIELDS
                           if f.key not in shown and record.get(f.key))
    return {"name": _text(get(record, "name")) or "(名称なし)", "phones": phones, "others": others, "lines": lines,
            "staff": staff}


def booklet_data(sel: Selection, meta: Meta) -> dict[str, object]:
    scope = []
    if meta.districts:
        scope.append(f"対象地区: {meta.district_text}")
    if meta.genres:
        scope.append(f"ジャンル: {meta.genre_text}")
    scope.append(f"掲載 {meta.total} 件")
    about = (f"この冊子は、{meta.municipality or '地域'}で暮らす方の生活を支えるサービスや集いの場を、ジャンルごとにまとめたものです。"
             f"掲載内容は{meta.stamp}のものです。変わっていることがありますので、ご利用の前に各連絡先へお問い合わせください。")
    if meta.districts:
        about += f"「{meta.district_text}」で利用できるもの(地区内にあるもの、地区まで来てくれるもの、市内全域が対象のもの)を載せています。"
    sections = []
    for i, s in enumerate(sel.sections, start=1):
        note = f"{s.description}(掲載 {len(s.records)} 件)" if s.description else f"掲載 {len(s.records)} 件"
        sections.append({"title": f"{i}. {s.genre}", "note": note,
                         "cards": [card_data(r, sel.value, meta.public) for r in s.records]})
    return {
        "title": _text(meta.title), "author": _text(meta.municipality or "shigen"), "municipality": _text(meta.municipality),
        "header": _text(meta.heading + ("・外部配布禁止" if not meta.public else "")), "stamp": meta.stamp,
        "edition": f"{meta.fiscal_year}版", "scope": scope, "about": about, "contact": _text(meta.contact),
        "warning": "" if meta.public else STAFF_WARNING, "sections": sections,
    }


def typeset(source: bytes, data: dict[str, object]) -> bytes:
    """A PDF from a Typst template (its text as bytes) and the data it reads (``sys.inputs.data``, JSON), set in
    the bundled fonts only, so the booklet and the letters look the same on every machine."""
    import typst

    # typst's stub ties the template and the font folders to one type (bytes or str or Path); the template is
    # given as its text (bytes: a str would be taken for a path) and the folders as paths
    compile_pdf: Callable[..., bytes] = typst.compile
    return compile_pdf(source, font_paths=font_dirs(), ignore_system_fonts=True,
                       sys_inputs={"data": json.dumps(data, ensure_ascii=False)})


def render_pdf(data: dict[str, object]) -> bytes:
    return typeset(_template(), data)


def write_pdf(path: Path, cat: Catalogue, sel: Selection, meta: Meta) -> None:
    path.write_bytes(render_pdf(booklet_data(sel, meta)))
