"""The client handout of ``shigen find --export``: an A4 portrait workbook of the publishable hits in large type.

It applies the export's one publication rule (export.select) to the hits, so nothing internal or not cleared for
publication is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..errors import UsageError
from ..model import Catalogue
from .search import FindResult

if TYPE_CHECKING:
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles import Font

HANDOUT_KEYS = ("name", "content", "phone", "mobile", "fax", "days", "hours", "closed_days", "fee", "paid", "area")
HANDOUT_LIMIT = 15
HANDOUT_PT = 12  # body text: older readers (issue 13)
HANDOUT_PHONE_PT = 14  # phone numbers, bold
HANDOUT_TITLE_PT = 16
# Columns (header, Excel width). Their sum stays inside A4 portrait at 100 % (measured with LibreOffice on the
# rendered PDF: a sheet 96 units wide came out at 80 %, so ≈ 77 units fit), so the 12 pt text is not shrunk and
# nothing is cut; long lists run on to further pages with the header repeated.
HANDOUT_COLUMNS = (("名称", 16), ("電話番号", 18), ("サービス内容・料金", 24), ("営業日・時間・地域", 16))
HANDOUT_PAGE_UNITS = 76  # usable width of A4 portrait between 0.4-inch margins at 100 %, in Excel column units


@dataclass
class HandoutResult:
    path: Path
    written: int
    left_out_private: int  # hits the public rule (export.select.select) leaves out: never written
    left_out_limit: int  # publishable hits beyond the limit


def _line_count(text: str, width: float, pt: float) -> int:
    """Printed lines of a wrapped cell of ``width`` column units at ``pt`` points (a unit holds ~1 narrow
    character of 11.5 pt)."""
    from ..xlsx_style import wrapped_lines

    return wrapped_lines(text or "", int(max(1.0, (width - 1) * 11.5 / pt)))


def _inline(font: Font) -> InlineFont:
    from openpyxl.cell.text import InlineFont

    return InlineFont(rFont=font.name, sz=font.size, b=font.b)


def write_handout(result: FindResult, path: Path, *, limit: int = HANDOUT_LIMIT,
                  catalogue: Catalogue | None = None) -> HandoutResult:
    """An A4 portrait handout of the publishable hits: the export's rule (select + public_value), large type."""
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.styles import Alignment, Border, Font, Side

    from ..export.select import select
    from ..master import atomic_save
    from ..text import wareki_month
    from ..xlsx_style import FONT_NAME, a4, set_widths, style_header_row, text_cell

    assert all(k in S.PUBLIC_KEYS for k in HANDOUT_KEYS)
    cat = catalogue or result.catalogue
    if cat is None:  # pragma: no cover - find() always sets it
        raise ValueError("write_handout needs the catalogue the search ran on")
    sel = select(cat, as_of=result.as_of, in_order=False)  # the one publication rule (hits keep their rank)
    allowed = {id(r) for r in sel.records}
    public = [h for h in result.hits if id(h.record) in allowed]
    private = len(result.hits) - len(public)
    if not public:
        raise UsageError("配布用に書き出せる資源がありません(該当なし、または一般向けの一覧に載る資源がありません)。",
                         "条件を変えて検索するか、台帳の公開範囲・掲載同意・最終確認日・連絡先を確認してください。")
    shown = public[:limit]
    value = sel.value  # placeholders and invalid phone numbers left empty

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ご案内"
    font = Font(name=FONT_NAME, size=HANDOUT_PT)
    name_font = Font(name=FONT_NAME, size=HANDOUT_PT, bold=True)
    phone_font = Font(name=FONT_NAME, size=HANDOUT_PHONE_PT, bold=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    headers = [h for h, _ in HANDOUT_COLUMNS]
    widths = [w for _, w in HANDOUT_COLUMNS]
    title = f"{result.municipality} 生活支援サービスのご案内".strip()
    text_cell(ws, 1, 1, title).font = Font(name=FONT_NAME, size=HANDOUT_TITLE_PT, bold=True)
    ws.row_dimensions[1].height = HANDOUT_TITLE_PT * 1.6
    text_cell(ws, 2, 1, f"{wareki_month(result.as_of)}現在").font = Font(name=FONT_NAME, size=HANDOUT_PT, bold=True)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(headers))
    condition = f"条件: {result.conditions()}"
    text_cell(ws, 3, 1, condition).font = font
    ws.cell(row=3, column=1).alignment = wrap
    ws.row_dimensions[3].height = 17.5 * _line_count(condition, sum(widths), HANDOUT_PT) + 3
    header_row = 4
    for c, h in enumerate(headers, start=1):
        text_cell(ws, header_row, c, h)
    style_header_row(ws, len(headers), row=header_row)
    for c in range(1, len(headers) + 1):
        ws.cell(row=header_row, column=c).font = Font(name=FONT_NAME, size=HANDOUT_PT, bold=True, color="FFFFFF")
    ws.row_dimensions[header_row].height = 22
    r = header_row
    for hit in shown:
        rec = hit.record
        r += 1
        numbers = [x for x in (value(rec, "phone"), value(rec, "mobile") and f"携帯 {value(rec, 'mobile')}") if x]
        fax = value(rec, "fax") and f"FAX {value(rec, 'fax')}"
        phone = "\n".join(numbers + ([fax] if fax else []))
        fee = value(rec, "fee") or value(rec, "paid")
        what = "\n".join(x for x in (value(rec, "content"), fee and f"料金: {fee}") if x)
        closed = value(rec, "closed_days")
        area = value(rec, "area")
        when = "\n".join(x for x in (value(rec, "days"), value(rec, "hours"), closed and f"休み: {closed}",
                                      area and f"地域: {area}") if x)
        cells = [(rec.name, name_font, HANDOUT_PT), (phone, phone_font, HANDOUT_PHONE_PT), (what, font, HANDOUT_PT),
                 (when, font, HANDOUT_PT)]
        lines = max(_line_count(v, w, pt) * pt / HANDOUT_PT for (v, _, pt), w in zip(cells, widths, strict=True))
        ws.row_dimensions[r].height = min(409, 17.5 * lines + 6)  # rows do not grow by themselves when printed
        for c, (v, f, _) in enumerate(cells, start=1):
            cell = text_cell(ws, r, c, v or None)
            cell.font = f
            if c == 2 and fax and numbers:  # the phone numbers large and bold, FAX in body size
                cell.value = CellRichText(TextBlock(_inline(phone_font), "\n".join(numbers) + "\n"),
                                          TextBlock(_inline(font), fax))
            cell.alignment = wrap
            cell.border = border
    r += 2
    foot = []
    if len(public) > len(shown):
        foot.append(f"ほかにも {len(public) - len(shown)} 件あります。")
    foot.append("内容は変わることがあります。ご利用の前に各事業所へお問い合わせください。")
    if result.contact:
        foot.append(f"問い合わせ先: {result.contact}")
    for line in foot:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))
        text_cell(ws, r, 1, line).font = font
        ws.cell(row=r, column=1).alignment = wrap
        ws.row_dimensions[r].height = 17.5 * _line_count(line, sum(widths), HANDOUT_PT) + 3
        r += 1
    set_widths(ws, widths)
    a4(ws, landscape=False, title_rows=f"{header_row}:{header_row}")  # one page wide, as many pages as needed
    ws.page_setup.scale = 100
    ws.oddFooter.right.text = f"{wareki_month(result.as_of)}現在"
    ws.print_area = f"A1:{chr(ord('A') + len(headers) - 1)}{r}"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_save(wb, path)
    return HandoutResult(path, len(shown), private, len(public) - len(shown))
