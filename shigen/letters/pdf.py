"""The letters as one PDF (``--format pdf``), typeset by Typst with the booklet's embedded Noto Sans CJK JP.

The same content as the Word file (:mod:`.content`): per provider a covering letter, then one sheet per service,
each on a new page. The letters go to the template as JSON (``sys.inputs``), never as markup, so no value can be
read as Typst code (the same way as :mod:`shigen.export.pdf`).
"""

from __future__ import annotations

from pathlib import Path

from .. import schema as S
from ..export.files import clean_cell
from ..export.pdf import FONT_FAMILY, typeset
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

TEMPLATE = r"""
#let data = json(bytes(sys.inputs.data))
#let accent = rgb("#1F4E78")
#let grey = luma(90)
#let lines(s) = s.split("\n").join(linebreak())
#set document(title: data.title, author: data.author)
#set text(font: "FONT", size: 10.5pt, lang: "ja", region: "JP")
#set par(leading: 0.55em, justify: false)
#set page(paper: "a4", margin: (x: 18mm, top: 16mm, bottom: 20mm),
  footer: [#set text(size: 8pt, fill: grey); #data.footer #h(1fr) 返信期限 #data.deadline])

#let cover(l) = {
  align(right)[No.#l.number　#data.day]
  if l.resend { align(right, text(size: 14pt, weight: "bold", fill: rgb("#C00000"))[【#data.resend_mark】]) }
  if l.fax_line != "" { text(weight: "bold")[#l.fax_line]; v(2mm) }
  block(below: 4mm)[
    #if l.postal != "" [〒#l.postal \ ]
    #if l.address != "" [#l.address \ ]
    #v(1mm)
    #text(size: 13pt, weight: "bold")[#l.name] \
    #text(size: 13pt)[#l.addressee]
  ]
  align(right)[
    #for (i, line) in data.sender.enumerate() [#if i == 0 [*#line*] else [#line] \ ]
  ]
  v(6mm)
  align(center, text(size: 15pt, weight: "bold")[#l.title])
  v(3mm)
  if l.resend_text != "" { par(text(weight: "bold")[#l.resend_text]); v(1mm) }
  for p in data.body { par[#p]; v(0.6mm) }
  if l.paused { par[#data.paused_text] }
  v(2mm)
  align(center)[記]
  v(1mm)
  [*1. ご確認いただきたいもの* \ ]
  for s in l.services [　#s \ ]
  v(1mm)
  [*2. ご返送の期限* \ 　#data.deadline \ ]
  v(1mm)
  [*3. ご返送の方法* \ 　#data.return_text \ 　変更がない場合も、掲載についてのご意向をお知らせいただくため、別紙をご返送ください。 \ ]
  v(1mm)
  [*4. お問い合わせ* \ 　#data.contact \ ]
  align(right)[以上]
}

#let sheet(l, j, s) = {
  grid(columns: (1fr, auto),
    text(size: 13pt, weight: "bold")[#text(fill: accent)[別紙#(j + 1)　]#s.name],
    text(size: 8pt, fill: grey)[ID #s.id])
  text(size: 8pt, fill: grey)[#l.name　#l.addressee　(No.#l.number)]
  v(1mm)
  text(size: 9.5pt)[いまお預かりしている内容です。変更や誤り、空欄で加えたいことがあれば、右の欄にご記入ください。]
  v(1mm)
  table(columns: (27mm, 78mm, 1fr), stroke: 0.5pt + luma(128), inset: (x: 4pt, y: 5.5pt),
    fill: (x, y) => if y == 0 { if x == 2 { rgb("#FFF2CC") } else { rgb("#D9E2F3") } } else if x == 0 { luma(242) },
    table.header([*項目*], [*いまの内容*], [*訂正・追加(変更がある場合のみ)*]),
    ..s.rows.map(r => (text(size: 9.5pt, weight: "bold")[#r.at(0)], text(size: 10pt, lines(r.at(1))), [])).flatten())
  v(2mm)
  block(stroke: 1pt + accent, inset: 8pt, width: 100%, breakable: false)[
    #text(size: 11pt, weight: "bold", fill: accent)[掲載についてのご意向] \
    #data.consent_question
    #for c in data.choices [ \ #text(size: 11pt, weight: "bold")[#data.box #c.at(0)]　#text(size: 9.5pt)[#c.at(1)]]
    #if s.paused [ \ #v(1mm) #data.paused_question \ #data.paused_choices]
    #v(3mm)
    ご記入日　　　　年　　月　　日　　　ご記入者名　＿＿＿＿＿＿＿＿＿＿＿＿＿＿
  ]
}

#for (i, l) in data.letters.enumerate() {
  if i > 0 { pagebreak() }
  cover(l)
  for (j, s) in l.sheets.enumerate() { pagebreak(); sheet(l, j, s) }
}
#if data.letters.len() == 0 [確認依頼を送る相手がいません。]
"""


def _text(value: str) -> str:
    return clean_cell(value).replace("\u0000", "")


def _sheet(record: Record, values: dict[str, str]) -> dict[str, object]:
    return {"id": record.id, "name": _text(record.name) or "(名称なし)",
            "paused": record.get("status") == S.STATUS_PAUSED,
            "rows": [[label(k), _text(values.get(k, ""))] for k in LETTER_KEYS]}


def letters_data(providers: list[Provider], s: Sender, values_of: dict[str, dict[str, str]],
                 pages_of: dict[int, int], *, day_text: str, resend: bool,
                 previous_of: dict[int, str]) -> dict[str, object]:
    sender = [s.name]
    if s.address:
        sender.append(s.address)
    sender.append(f"電話 {s.phone}" + (f"　FAX {s.fax}" if s.fax else ""))
    if s.person:
        sender.append(f"担当 {s.person}")
    letters = []
    for p in providers:
        services = [f"別紙{i}　{_text(r.name) or '(名称なし)'}" + ("(休止中)" if r.get("status") == S.STATUS_PAUSED else "")
                    for i, r in enumerate(p.records, start=1)]
        letters.append({
            "number": p.number, "postal": p.postal_code, "address": _text(p.address), "name": _text(p.name),
            "addressee": _text(p.addressee), "resend": resend,
            "fax_line": f"FAX {p.fax} 宛　送信枚数 {pages_of.get(p.number, 1)} 枚(この紙を含む)" if p.method == "FAX" else "",
            "title": (f"【{RESEND_MARK}】" if resend else "") + TITLE,
            "resend_text": RESEND_TEXT.replace("{前回}", previous_of.get(p.number) or "前回") if resend else "",
            "paused": bool(p.paused), "services": services,
            "sheets": [_sheet(r, values_of[r.id]) for r in p.records],
        })
    return {
        "title": TITLE, "author": s.name or "shigen", "day": day_text, "deadline": s.deadline_text,
        "footer": f"{s.name}　社会資源情報の確認" + ("(再送)" if resend else ""), "resend_mark": RESEND_MARK,
        "sender": [_text(x) for x in sender], "body": ["　" + _text(x) for x in s.body()],
        "paused_text": "　" + PAUSED_TEXT, "return_text": s.return_text(),
        "contact": f"{s.name}" + (f"(担当 {s.person})" if s.person else "") + f"　電話 {s.phone}",
        "consent_question": CONSENT_QUESTION, "box": BOX,
        "choices": [list(c) for c in consent_choices(s.municipality)],
        "paused_question": PAUSED_QUESTION, "paused_choices": "　".join(f"{BOX} {c}" for c in PAUSED_CHOICES),
        "letters": letters,
    }


def write_pdf(path: Path, providers: list[Provider], s: Sender, values_of: dict[str, dict[str, str]],
              pages_of: dict[int, int], *, day_text: str, resend: bool = False,
              previous_of: dict[int, str] | None = None) -> None:
    data = letters_data(providers, s, values_of, pages_of, day_text=day_text, resend=resend,
                        previous_of=previous_of or {})
    pdf = typeset(TEMPLATE.replace("FONT", FONT_FAMILY).encode("utf-8"), data)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        tmp.write_bytes(pdf)
        tmp.replace(path)
    finally:
        if tmp.exists():
            tmp.unlink()
