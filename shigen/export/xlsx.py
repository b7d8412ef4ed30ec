"""The Excel list (xlsxwriter): a cover sheet, an all-records sheet and one sheet per genre.

Every value is written with ``write_string`` (never as a formula, so 「=…」「+…」「-…」「@…」 stay text);
phone numbers, postal codes and IDs stay text; URLs and e-mail addresses are clickable.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Catalogue, Record
from ..text import is_email
from ..xlsx_style import FONT_NAME, HEADER_FILL, HEADER_FONT_COLOR, display_width, text_width, wrapped_lines
from .columns import FRESHNESS_HEADER, Column, drop_empty, freshness_text, xlsx_columns
from .files import clean_cell
from .meta import STAFF_WARNING, Meta
from .select import Selection, problem_keys

if TYPE_CHECKING:  # xlsxwriter is imported when the list is written
    from xlsxwriter.worksheet import Worksheet as XlsxWorksheet

COVER_SHEET = S.EXPORT_REPEATING_SHEETS[0]
ALL_SHEET = S.EXPORT_ALL_SHEET
PRINT_SHEET = S.EXPORT_REPEATING_SHEETS[1]
# The staff print sheet: the columns a care manager reads on paper, at 10 pt on A4 landscape at 100 %.
# (key, width in Excel units). ジャンル is a heading row above its records instead of a column. The widths add up to
# 94 units, what LibreOffice fits between the margins of A4 landscape at 100 % (measured on the rendered PDF: a
# sheet 103 units wide came out at 93 %), so the 10 pt text prints at 10 pt.
PRINT_COLUMNS: tuple[tuple[str, int], ...] = (
    ("name", 16), ("area", 9), ("phone", 13), ("content", 22), ("fee", 10), ("days_hours", 10),
    ("last_confirmed", 9), ("status", 5),
)
PRINT_PT = 10
PRINT_PAGE_UNITS = 94  # A4 landscape between 0.4-inch margins at 100 %, in Excel column units (measured)
_URL_RE = re.compile(r"^https?://[^\s\"<>]+$", re.IGNORECASE)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
_MAX_URLS = 65000  # Excel holds at most 65,530 links per sheet
_MAX_URL_LEN = 2079
_CELL_MAX = 32767  # Excel's limit for the text of one cell
_WIDTH_SAMPLE = 800
_BORDER_COLOR = "#BFBFBF"
FLAG_FILL = "#FFE699"  # yellow, as the audit's warnings


def _hf(text: str, limit: int = 70) -> str:
    """Escape text for an Excel header/footer (& is a control character there; the whole is ≤ 255 characters)."""
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("&", "&&")


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name (≤ 31 characters, no []:*?/\\, no leading/trailing apostrophe)."""
    base = _SHEET_BAD.sub("・", name).replace("'", "’").strip() or "ジャンル"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


class _Writer:
    def __init__(self, path: Path, cat: Catalogue, sel: Selection, meta: Meta) -> None:
        import xlsxwriter

        from .. import xlsx_write

        self.cat, self.sel, self.meta = cat, sel, meta
        # xlsxwriter's Workbook whose sheets store and write text cells with fewer calls (the same bytes:
        # shigen.xlsx_write; tests/test_export.py compares it with plain xlsxwriter)
        workbook = xlsx_write._classes()[0] if xlsx_write.use_fast_path() else xlsxwriter.Workbook
        self.wb = workbook(str(path), {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_format_properties": {"font_name": FONT_NAME, "font_size": 11},
        })
        wb = self.wb
        wb.set_properties({"title": meta.title, "author": meta.municipality or "shigen", "category": S.EXPORT_MARK,
                           "comments": f"{meta.stamp} {'一般向け' if meta.public else '関係者用'}"})
        base = {"font_name": FONT_NAME, "font_size": 11, "text_wrap": True, "valign": "top", "border": 1,
                "border_color": _BORDER_COLOR}
        self.f_header = wb.add_format({**base, "bold": True, "font_color": "#" + HEADER_FONT_COLOR,
                                       "bg_color": "#" + HEADER_FILL, "align": "center", "valign": "vcenter"})
        self.f_body = wb.add_format(base)
        self.f_name = wb.add_format({**base, "bold": True})
        self.f_phone = wb.add_format({**base, "num_format": "@"})
        self.f_link = wb.add_format({**base, "font_color": "#0563C1", "underline": 1})
        self.f_date = wb.add_format({**base, "num_format": "yyyy/mm/dd", "align": "left"})
        # staff lists: a value the public outputs leave out (placeholder, invalid phone) — fix it in the master
        self.f_flag = wb.add_format({**base, "bg_color": FLAG_FILL, "num_format": "@"})
        self.f_title = wb.add_format({"font_name": FONT_NAME, "font_size": 20, "bold": True})
        self.f_label = wb.add_format({"font_name": FONT_NAME, "bold": True, "valign": "top", "bg_color": "#DDEBF7",
                                      "border": 1, "border_color": _BORDER_COLOR})
        self.f_text = wb.add_format({"font_name": FONT_NAME, "text_wrap": True, "valign": "top", "border": 1,
                                     "border_color": _BORDER_COLOR})
        self.f_plain = wb.add_format({"font_name": FONT_NAME, "text_wrap": True, "valign": "top"})
        self.f_warn = wb.add_format({"font_name": FONT_NAME, "bold": True, "font_color": "#C00000", "text_wrap": True,
                                     "valign": "top"})
        self.f_section = wb.add_format({"font_name": FONT_NAME, "font_size": 13, "bold": True})
        self.f_count = wb.add_format({"font_name": FONT_NAME, "border": 1, "border_color": _BORDER_COLOR,
                                      "align": "right"})
        self.f_cover_link = wb.add_format({"font_name": FONT_NAME, "font_color": "#0563C1", "underline": 1,
                                           "border": 1, "border_color": _BORDER_COLOR})
        self.used: set[str] = set()
        self.columns = xlsx_columns(meta.public, cat.extra_columns)
        self.cycle = cat.settings.cycle_months

    # --- page setup shared by every sheet ---------------------------------------------------
    def _page(self, ws: XlsxWorksheet, sheet_title: str, *, repeat_header: bool) -> None:
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
        ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.7)
        ws.center_horizontally()
        if repeat_header:
            ws.repeat_rows(0)
        left = _hf(self.meta.heading)
        centre = "&C" + _hf("関係者用・外部配布禁止") if not self.meta.public else ""
        ws.set_header(f"&L{left}{centre}&R{_hf(sheet_title)}", {"margin": 0.3})
        ws.set_footer(f"&L{_hf(self.meta.municipality)}&C&P / &N&R{_hf(self.meta.stamp)}", {"margin": 0.3})

    # --- cover ---------------------------------------------------------------------------------
    def cover(self, sections: list[tuple[str, str, int]]) -> None:
        m = self.meta
        ws = self.wb.add_worksheet(COVER_SHEET)
        ws.set_column(0, 0, 20)
        ws.set_column(1, 1, 70)
        ws.set_column(2, 2, 12)
        ws.set_row(0, 34)
        ws.write_string(0, 0, clean_cell(m.heading), self.f_title)
        rows = [
            ("自治体", m.municipality or "(設定のシート『自治体名』が空です)"),
            ("発行", f"{m.fiscal_year}  {m.stamp}"),
            ("対象地区", m.district_text),
            ("ジャンル", m.genre_text),
            ("掲載件数", f"{m.total} 件"),
            ("問い合わせ先", m.contact or ""),
        ]
        r = 2
        for label, value in rows:
            ws.write_string(r, 0, label, self.f_label)
            ws.write_string(r, 1, clean_cell(value), self.f_text)
            r += 1
        r += 1
        if not m.public:
            ws.merge_range(r, 0, r, 2, STAFF_WARNING, self.f_warn)
            ws.set_row(r, 48)
            r += 2
        ws.write_string(r, 0, "ジャンル別の件数", self.f_section)
        r += 1
        ws.write_string(r, 0, "シート", self.f_header)
        ws.write_string(r, 1, "内容", self.f_header)
        ws.write_string(r, 2, "件数", self.f_header)
        r += 1
        for name, description, count in sections:
            ws.write_url(r, 0, f"internal:'{name}'!A1", self.f_cover_link, string=name)
            ws.write_string(r, 1, clean_cell(description), self.f_text)
            ws.write_number(r, 2, count, self.f_count)
            r += 1
        r += 1
        ws.write_string(r, 0, "使い方", self.f_section)
        r += 1
        district_note = (f"「{m.district_text}」で使える資源(その地区にあるもの、その地区に来てくれるもの、市内全域が対象のもの)を載せています。"
                         if m.districts else "すべての地区の資源を載せています。")
        how = [
            f"シート『{ALL_SHEET}』にすべての資源、ほかのシートにジャンルごとの資源があります(上の表のシート名をクリックすると移動します)。",
            district_note,
            "見出しの ▼ で絞り込みや並べ替えができます。並び順はジャンル順、その中は五十音順です。",
            ("印刷すると A4 横・1ページの幅に収まり、見出しがどのページにも付きます。" if m.public else
             f"紙に印刷するときはシート『{PRINT_SHEET}』を使ってください(A4 横・10 ポイント、見出しがどのページにも付きます)。"
             f"ほかのシートはすべての項目を画面で見るためのもので、印刷すると ID と名称の付いた数ページ幅になります。"),
            f"掲載内容は {m.stamp} のものです。利用の前に、電話で最新の内容を確かめてください。",
        ]
        if m.public:
            how.append("掲載は、事業者・団体から同意をいただいたものに限っています。")
        else:
            how.append("黄色のセルは仮の値(要確認・？・未定など)か無効な電話番号です。一般向けの一覧・冊子では空欄になります。台帳で直してください。")
        for line in how:
            ws.merge_range(r, 0, r, 2, "・" + line, self.f_plain)
            ws.set_row(r, 30 if display_width(line) > 100 else 17)
            r += 1
        self._page(ws, COVER_SHEET, repeat_header=False)
        ws.fit_to_pages(1, 1)
        ws.set_portrait()
        ws.activate()

    # --- widths and row heights, measured once over every record -------------------------------
    def measure(self, records: list[Record]) -> None:
        """Column widths from the header and (a sample of) the values; a row height per record for wrapped text.

        Excel and LibreOffice do not grow rows for wrapped text on their own when a file is opened, so the
        height is estimated here from the text width (a Japanese character counts 2) and the column width.
        """
        cols = self.columns
        widths = {c.header: text_width(c.header) + 3 for c in cols}
        if not self.meta.public:
            widths[FRESHNESS_HEADER] = 10
        caps = {c.header: c.max_width for c in cols}
        get = self.sel.value
        for record in records[:_WIDTH_SAMPLE]:
            for c in cols:
                value = c.value(record, get)
                if value:
                    w = display_width(value) + 2
                    if w > widths[c.header]:
                        widths[c.header] = w
        for c in cols:
            widths[c.header] = max(6, min(caps[c.header], widths[c.header]))
        self.widths = widths
        plan = [(c, widths[c.header] - 1.5) for c in cols]
        heights: dict[int, float] = {}
        cells: dict[int, list[str]] = {}
        for record in records:
            lines = 1
            row = []
            for c, per_line in plan:
                value = c.value(record, get)
                if value and (n := wrapped_lines(value, per_line)) > lines:
                    lines = n
                row.append(clean_cell(value)[:_CELL_MAX] if value else "")
            if lines > 1:
                heights[id(record)] = min(409.0, _LINE_PT * lines + 3)
            cells[id(record)] = row
        self.heights = heights
        self.cells = cells  # id(record) → the cell texts of self.columns: worked out once, written to two sheets

    # --- a list sheet --------------------------------------------------------------------------
    def list_sheet(self, name: str, records: list[Record], *, genre_column: bool = True) -> None:
        columns = [c for c in self.columns if genre_column or c.key != "genre"]
        staff = not self.meta.public
        get = self.sel.value  # public: placeholders and invalid phone numbers left empty (select.public_value)
        if not staff:
            columns = drop_empty(columns, records, get)
        ws = self.wb.add_worksheet(name)
        headers = [c.header for c in columns] + ([FRESHNESS_HEADER] if staff else [])
        for j, h in enumerate(headers):
            ws.write_string(0, j, h, self.f_header)
            ws.set_column(j, j, self.widths[h])
        ws.set_row(0, 24)
        urls = 0
        row = 0
        as_of = self.sel.as_of
        heights = self.heights
        write_string, write_blank, write_url, set_row = ws.write_string, ws.write_blank, ws.write_url, ws.set_row
        f_body, f_name, f_phone, f_link, f_date = self.f_body, self.f_name, self.f_phone, self.f_link, self.f_date
        position = {c.header: i for i, c in enumerate(self.columns)}
        plan = [(c, _cell_kind(c), position[c.header]) for c in columns]
        cells = self.cells
        area_code = self.sel.area_code
        f_flag = self.f_flag
        flags: dict[str, str] = {}
        for i, record in enumerate(records):
            row = i + 1
            height = heights.get(id(record))
            if height:
                set_row(row, height)
            if staff:
                flags = problem_keys(record, area_code=area_code)
            texts = cells[id(record)]
            for j, (col, kind, at) in enumerate(plan):
                value = texts[at]
                if flags and col.key in flags and value:
                    write_string(row, j, value, f_flag)
                elif not value:
                    write_blank(row, j, None, f_body)
                elif kind == "url" and urls < _MAX_URLS and len(value) <= _MAX_URL_LEN and _URL_RE.match(value):
                    write_url(row, j, value, f_link, string=value)
                    urls += 1
                elif kind == "email" and urls < _MAX_URLS and is_email(value):
                    write_url(row, j, "mailto:" + value, f_link, string=value)
                    urls += 1
                elif kind == "date" and (day := _date(value)) is not None:
                    ws.write_datetime(row, j, day, f_date)
                elif kind == "name":
                    write_string(row, j, value, f_name)
                elif kind == "text_fixed":
                    write_string(row, j, value, f_phone)
                else:
                    write_string(row, j, value, f_body)
            if staff:
                write_string(row, len(columns), freshness_text(record, as_of, self.cycle), f_body)
        ws.freeze_panes(1, 2 if staff else 1)
        ws.autofilter(0, 0, max(row, 1), len(headers) - 1)
        self._page(ws, name, repeat_header=True)
        if staff:  # every field is for the screen; on paper: several pages wide at 85 %, ID and 名称 on each
            ws.fit_to_pages(0, 0)
            ws.set_print_scale(85)
            ws.repeat_columns(0, 1)

    def print_sheet(self, records: list[Record]) -> None:
        """Staff only: the columns a care manager uses, readable on A4 landscape (10 pt, 100 %, header repeated)."""
        wb = self.wb
        ws = wb.add_worksheet(PRINT_SHEET)
        base = {"font_name": FONT_NAME, "font_size": PRINT_PT, "text_wrap": True, "valign": "top", "border": 1,
                "border_color": _BORDER_COLOR}
        f_head = wb.add_format({**base, "bold": True, "font_color": "#" + HEADER_FONT_COLOR, "bg_color": "#" + HEADER_FILL,
                                "align": "center", "valign": "vcenter"})
        f_body = wb.add_format(base)
        f_name = wb.add_format({**base, "bold": True})
        f_flag = wb.add_format({**base, "bg_color": FLAG_FILL})
        f_date = wb.add_format({**base, "num_format": "yyyy/mm/dd", "align": "left"})
        f_genre = wb.add_format({**base, "bold": True, "font_size": PRINT_PT + 1, "bg_color": "#DDEBF7"})
        heads = [f"{S.header('days')}・時間" if k == "days_hours" else S.header(k) for k, _ in PRINT_COLUMNS]
        for j, ((_, width), h) in enumerate(zip(PRINT_COLUMNS, heads, strict=True)):
            ws.write_string(0, j, h, f_head)
            ws.set_column(j, j, width)
        ws.set_row(0, 20)
        area_code = self.sel.area_code
        line_pt = PRINT_PT * 1.45
        i = 0
        genre = None
        for record in records:
            i += 1
            if record.get("genre") != genre:  # a heading row per genre (the list is in genre order)
                genre = record.get("genre")
                ws.merge_range(i, 0, i, len(PRINT_COLUMNS) - 1, clean_cell(genre or "(ジャンル未設定)"), f_genre)
                ws.set_row(i, 18)
                i += 1
            flags = problem_keys(record, area_code=area_code)
            lines = 1
            for j, (key, width) in enumerate(PRINT_COLUMNS):
                if key == "days_hours":
                    value = "\n".join(v for v in (record.get("days"), record.get("hours")) if v)
                    flagged = "days" in flags or "hours" in flags
                elif key == "phone":
                    value = "\n".join(v for v in (record.get("phone"), record.get("mobile") and "携帯 " + record.get("mobile"))
                                      if v)
                    flagged = "phone" in flags or "mobile" in flags
                else:
                    value = record.get(key)
                    flagged = key in flags
                value = clean_cell(value)[:_CELL_MAX]
                if not value:
                    ws.write_blank(i, j, None, f_body)
                    continue
                lines = max(lines, wrapped_lines(value, (width - 1) * 11 / PRINT_PT))
                day = _date(value) if key == "last_confirmed" else None
                if day is not None:
                    ws.write_datetime(i, j, day, f_date)
                else:
                    ws.write_string(i, j, value, f_flag if flagged else (f_name if key == "name" else f_body))
            ws.set_row(i, min(409.0, line_pt * min(lines, 12) + 3))
        ws.freeze_panes(1, 1)
        self._page(ws, PRINT_SHEET, repeat_header=True)  # one page wide: the widths fit at 100 %, so 10 pt stays 10 pt

    def close(self) -> None:
        self.wb.close()


_LINE_PT = 16.0  # one wrapped line of 11 pt Japanese text, in points


def _cell_kind(col: Column) -> str:
    if col.key == "name":
        return "name"
    if col.kind is S.Kind.URL:
        return "url"
    if col.kind is S.Kind.EMAIL:
        return "email"
    if col.kind is S.Kind.DATE:
        return "date"
    if col.kind in (S.Kind.PHONE, S.Kind.POSTAL, S.Kind.ID):
        return "text_fixed"
    return "text"


def _date(text: str) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day)


def write_xlsx(path: Path, cat: Catalogue, sel: Selection, meta: Meta) -> None:
    w = _Writer(path, cat, sel, meta)
    # sheet names are fixed before writing so the cover can link to them
    w.used.update({COVER_SHEET.lower(), ALL_SHEET.lower(), PRINT_SHEET.lower()})
    names = [sheet_name(s.genre, w.used) for s in sel.sections]
    rows = [(ALL_SHEET, "すべての資源(ジャンル順・五十音順)", len(sel.records))]
    if not meta.public:
        rows.append((PRINT_SHEET, "印刷用: ケアマネジャーが使う列だけを A4 横・10 ポイントで", len(sel.records)))
    rows += [(n, s.description or s.genre, len(s.records)) for n, s in zip(names, sel.sections, strict=True)]
    w.cover(rows)
    w.measure(sel.records)
    w.list_sheet(ALL_SHEET, sel.records)
    if not meta.public:
        w.print_sheet(sel.records)
    for n, s in zip(names, sel.sections, strict=True):
        w.list_sheet(n, s.records, genre_column=False)
    w.close()
