"""The workbook of ``shigen coverage --format xlsx``: the district × genre matrix as a heat-map, and the gaps with
the nearest resources (『不足の一覧』), public by default (export's select()) so it can go to the 協議体 as it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UsageError
from .matrix import GAP_NONE, CoverageResult

if TYPE_CHECKING:  # openpyxl is imported when the workbook is written
    from openpyxl.worksheet.worksheet import Worksheet

GAP_FILL = "F8CBAD"  # red-ish: no resource at all
STALE_FILL = "FFE699"  # yellow: only outdated entries
TOTAL_FILL = "D9E1F2"


AUDIENCES = ("public", "staff")


def write_coverage_xlsx(result: CoverageResult, path: Path, *, audience: str = "public") -> Path:
    """The matrix as a heat-map (colour scale on the up-to-date counts), gaps marked, plus a gap sheet.

    The gap sheet 『不足の一覧』 names, by default, only resources the public lists may name (export's select():
    公開範囲 一般, 掲載同意 済, not long stale, a usable contact), so the workbook can be handed to the 協議体 as it is;
    ``audience="staff"`` names every 掲載中 resource and marks the workbook 関係者用. Every cell goes through
    :func:`xlsx_style.text_cell`, so no genre or district name can become a formula."""
    import openpyxl
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from ..master import atomic_save
    from ..text import to_wareki
    from ..xlsx_style import FONT_NAME, a4, fit_widths, set_widths, style_header_row, text_cell

    if audience not in AUDIENCES:
        raise UsageError(f"--audience『{audience}』は使えません。", "public(既定・協議体などに配れる)か staff(関係者用)を指定してください。")
    staff = audience == "staff"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "地区別の資源数"
    font = Font(name=FONT_NAME)
    bold = Font(name=FONT_NAME, bold=True)
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    fills = {"gap": PatternFill("solid", fgColor=GAP_FILL), "stale_only": PatternFill("solid", fgColor=STALE_FILL),
             "total": PatternFill("solid", fgColor=TOTAL_FILL)}

    title = f"{result.municipality or ''} 地区別・ジャンル別の資源数({to_wareki(result.as_of)}現在)".strip()
    text_cell(ws, 1, 1, title).font = Font(name=FONT_NAME, bold=True, size=14)
    conditions = [f"掲載中の資源のうち、その地区で使えるもの(所在地・対応エリア・市内全域)を数えています。"
                  f"最終確認日から {result.cycle_months} か月を過ぎたもの・未確認のものは数に含めず、下の表に分けています。"]
    if result.category:
        conditions.append(f"区分: {result.category}のみ")
    if result.genre_filter:
        conditions.append("ジャンル: " + "、".join(result.genre_filter))
    text_cell(ws, 2, 1, " / ".join(conditions)).font = font
    text_cell(ws, 3, 1, "色: 数が多いほど濃い緑。赤 = 資源なし、黄 = 古い情報のものしかない。").font = font

    header_row = 5
    headers = ["ジャンル", *result.districts, "合計(実数)"]
    for c, h in enumerate(headers, start=1):
        text_cell(ws, header_row, c, h)
    style_header_row(ws, len(headers), row=header_row)
    ncol = len(headers)
    r = header_row
    for g in result.genres:
        r += 1
        text_cell(ws, r, 1, g).font = bold
        for c, d in enumerate(result.districts, start=2):
            cl = result.cell(d, g)
            if cl.state == "ok":
                cell = text_cell(ws, r, c, cl.fresh)
            elif cl.state == "stale_only":
                cell = text_cell(ws, r, c, f"0(古{cl.stale})")
                cell.fill = fills["stale_only"]
            else:
                cell = text_cell(ws, r, c, "0 なし")
                cell.fill = fills["gap"]
            cell.alignment = center
            cell.border = border
            cell.font = font
        t = text_cell(ws, r, ncol, result.genre_totals[g].fresh)
        t.fill, t.font, t.alignment, t.border = fills["total"], bold, center, border
    first_data, last_data = header_row + 1, r
    r += 1
    text_cell(ws, r, 1, "合計(実数)").font = bold
    for c, d in enumerate(result.districts, start=2):
        text_cell(ws, r, c, result.district_totals[d].fresh)
    text_cell(ws, r, ncol, result.total.fresh)
    r += 1
    text_cell(ws, r, 1, "うち保険外サービスの割合").font = bold
    for c, district in enumerate([*result.districts, None], start=2):
        share = result.share(district)
        cell = text_cell(ws, r, c, share if share is not None else "—")
        cell.number_format = "0%"
    for rr in (r - 1, r):
        for c in range(1, ncol + 1):
            cell = ws.cell(row=rr, column=c)
            cell.fill, cell.border, cell.alignment = fills["total"], border, center
            if c > 1:
                cell.font = bold
    if result.districts and last_data >= first_data:
        rng = f"B{first_data}:{get_column_letter(ncol - 1)}{last_data}"
        ws.conditional_formatting.add(rng, ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                                                          end_type="max", end_color="63BE7B"))

    # stale counts below, so nothing is hidden
    r += 2
    text_cell(ws, r, 1, "期限切れ・未確認の件数(上の数には含みません)").font = bold
    r += 1
    for c, h in enumerate(headers, start=1):
        text_cell(ws, r, c, h)
    style_header_row(ws, ncol, row=r)
    for g in result.genres:
        r += 1
        text_cell(ws, r, 1, g).font = font
        for c, d in enumerate(result.districts, start=2):
            cell = text_cell(ws, r, c, result.cell(d, g).stale)
            cell.alignment, cell.border, cell.font = center, border, font
        cell = text_cell(ws, r, ncol, result.genre_totals[g].stale)
        cell.alignment, cell.border, cell.font = center, border, font
    if result.unplaced:
        r += 2
        text_cell(ws, r, 1, f"地区が分からず数えていない資源: {len(result.unplaced)} 件(地区・対応エリアを確認してください)"
                            f" ID: {'、'.join(result.unplaced[:30])}{' …' if len(result.unplaced) > 30 else ''}").font = font
    set_widths(ws, [max(22, *(display_w(g) for g in result.genres))] + [max(10, display_w(d) + 2) for d in result.districts]
               + [12])
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    a4(ws, landscape=True, title_rows=f"{header_row}:{header_row}")
    _page_header(ws, title if not staff else title + "(関係者用)")

    gs = wb.create_sheet("不足の一覧")
    gap_headers = ["地区", "ジャンル", "状況", "近くの資源", "使える地区", "対応エリア", "電話番号", "最終確認日", "確認状況", "ID"]
    rows: list[list[object]] = []
    for gap in result.gaps:
        status = gap.kind if gap.kind == GAP_NONE else f"{gap.kind}({gap.stale}件)"
        nearby = gap.nearby if staff else gap.nearby_public
        if not nearby:
            none = ("(ほかの地区にもこのジャンルの資源なし)" if staff or not gap.nearby
                    else "(一般向けに載せられる近くの資源なし)")
            rows.append([gap.district, gap.genre, status, none, "", "", "", None, "", ""])
        for n in nearby:
            day = _date(n.last_confirmed)
            state = "未確認" if not n.last_confirmed else ("期限切れ・要確認" if n.stale else "")
            rows.append([gap.district, gap.genre, status, n.name, n.district, n.area, n.phone,
                         day if day else (n.last_confirmed or None), state, n.record_id])
    for c, h in enumerate(gap_headers, start=1):
        text_cell(gs, 1, c, h)
    top = Alignment(vertical="top", wrap_text=True)
    for i, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            cell = text_cell(gs, i, c, v)
            cell.font = font
            cell.alignment = top
            if isinstance(v, dt.date):
                cell.number_format = "yyyy/mm/dd"
        kind_cell = gs.cell(row=i, column=3)
        kind_cell.fill = fills["gap"] if str(kind_cell.value).startswith(GAP_NONE) else fills["stale_only"]
    style_header_row(gs, len(gap_headers))
    widths = fit_widths(gap_headers, [["" if v is None else (f"{v:%Y/%m/%d}" if isinstance(v, dt.date) else v)
                                       for v in row] for row in rows], maximum=40)
    set_widths(gs, widths)
    gs.freeze_panes = "A2"
    gs.auto_filter.ref = f"A1:{get_column_letter(len(gap_headers))}{max(2, len(rows) + 1)}"
    a4(gs, landscape=True)
    note = {"隣接地区": "近さはシート『地区』の『隣接地区』の順です。",
            "共通の資源": "『隣接地区』が空なので、同じ資源が両方を対応エリアにしている数が多い地区を近いとみなしています。",
            "なし": "『隣接地区』が空で手がかりがないため、地区の並び順で示しています。"}[result.neighbours_source]
    who = ("近くの資源は掲載中のすべての資源です(関係者用・外部配布禁止)。" if staff else
           "近くの資源は一般向けの一覧と同じ基準(公開範囲「一般」・掲載同意「済」)のものだけです。協議体などにそのまま配れます。")
    _page_header(gs, "不足(地区×ジャンル)と近くの資源" + ("(関係者用・外部配布禁止)" if staff else ""))
    text_cell(ws, 4, 1, "シート『不足の一覧』: 不足の欄ごとに近くの地区の資源。" + note + who).font = font

    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_save(wb, path)
    return path


def _page_header(ws: Worksheet, text: str) -> None:
    """A printed page header above the table: the top margin leaves room for it (no overlap with row 1)."""
    ws.oddHeader.left.text = text.replace("&", "&&")
    ws.oddHeader.left.size = 10
    ws.page_margins.header = 0.3
    ws.page_margins.top = 0.9  # inches: the header line (0.3 + its height) ends well above the first row


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def display_w(text: str) -> int:
    from ..xlsx_style import display_width

    return display_width(text) + 2
