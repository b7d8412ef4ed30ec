"""The result of an audit as data, and the Excel report a coordinator works through.

:class:`AuditResult` holds the findings and the summary (counts by code and severity,
freshness buckets, completeness per field); ``to_dict()`` is exactly what
``shigen audit --format json`` prints. :func:`write_xlsx` writes the workbook with xlsxwriter
(fast, constant memory): 概要, 指摘一覧 and a copy of the audited records with every offending
cell coloured by severity and its message as a cell comment. Comments are written for the first
:data:`MAX_COMMENTS` cells (colours always) and the copy holds the first :data:`MAX_COPY_ROWS`
records: beyond that a copy would take minutes to write and Excel slows down on it; 指摘一覧
always lists every finding, and 概要 says when a limit applied.

Why this file is a little over 400 lines: the result's data and its one workbook belong together (every count
概要 prints is a property of :class:`AuditResult`); splitting them would put the summary's wording in two places.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema as S
from ..model import Catalogue, Freshness, Record
from ..text import to_wareki
from ..xlsx_style import FONT_NAME, HEADER_FILL, HEADER_FONT_COLOR, SEVERITY_FILLS, display_width
from .findings import (
    CATALOGUE,
    CODES,
    PRINTED_COLUMNS,
    ROW_HEADERS,
    SEVERITIES,
    SEVERITY_LABEL,
    SEVERITY_RANK,
    Finding,
    FindingGroup,
    Severity,
)

MAX_COMMENTS = 5_000  # cell comments in the catalogue copy; beyond this, cells are only coloured
MAX_COPY_ROWS = 50_000  # records in the catalogue copy (指摘一覧 always lists every finding)
SHEET_SUMMARY = "概要"
SHEET_FINDINGS = "指摘一覧"


@dataclass
class FieldCompleteness:
    field: str  # Japanese header
    filled: int
    total: int

    @property
    def percent(self) -> float:
        return round(100.0 * self.filled / self.total, 1) if self.total else 100.0

    def to_dict(self) -> dict[str, object]:
        return {"field": self.field, "filled": self.filled, "total": self.total, "percent": self.percent}


@dataclass
class AuditResult:
    """``findings`` is every finding in report order. Groups of findings not made yet (``pending``) are made —
    and put in their places of ``order`` — when ``findings`` is first read; the counts, :meth:`top` and
    :meth:`fails` do not need them made."""

    as_of: dt.date
    cycle_months: int
    source: str  # the master or the files that were audited
    records: int  # records read
    audited: int  # records checked for freshness and required fields (all but 廃止)
    findings: list[Finding] = field(default_factory=list)  # (a property: see below the class)
    freshness: dict[str, int] = field(default_factory=dict)  # Freshness label → count
    completeness: list[FieldCompleteness] = field(default_factory=list)
    postal: str = ""  # the postal data used (its date), or how to install it
    pending: list[FindingGroup] = field(default_factory=list, repr=False, compare=False)
    order: Callable[[Finding], Any] | None = field(default=None, repr=False, compare=False)  # sort key of findings

    def _made(self) -> list[Finding]:
        made: list[Finding] = self.__dict__["_findings"]
        return made

    def _pending(self) -> list[FindingGroup]:
        return [g for g in self.__dict__.get("pending", ()) if g.indices]

    @property
    def total(self) -> int:
        """The number of findings (without making the pending ones)."""
        return len(self._made()) + sum(len(g.indices) for g in self._pending())

    def top(self, n: int) -> list[Finding]:
        """The first ``n`` findings of :attr:`findings`, making only those of the pending groups that are among
        them (the groups' keys are those of their findings, so the order is the same)."""
        made, groups = self._made(), self._pending()
        if not groups or n <= 0:
            return made[:n]
        assert self.order is not None  # pending groups come with the order that places them
        order = self.order
        first = made[:n]
        limit = SEVERITY_RANK[Severity(first[-1].severity)] if len(first) == n else None
        for g in groups:
            if limit is not None and SEVERITY_RANK[Severity(g.severity)] > limit:
                continue  # a group of a lower severity than the n-th finding made: none of it comes first
            first.extend(map(g.make, heapq.nsmallest(n, g.indices, key=g.key)))
        first.sort(key=order)
        return first[:n]

    @property
    def by_severity(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self._made())
        for g in self._pending():
            counts[g.severity] += len(g.indices)
        return {s.value: counts.get(s.value, 0) for s in SEVERITIES}

    @property
    def by_code(self) -> dict[str, int]:
        counts = Counter(f.code for f in self._made())
        for g in self._pending():
            counts[g.code] += len(g.indices)
        return {c.code: counts.get(c.code, 0) for c in CATALOGUE}

    def severity_label(self, code: str) -> str:
        """The severities the findings of ``code`` carry (「エラー・警告」), else the code's own."""
        present = {severity for c, severity in self._code_severities() if c == code}
        present.update(g.severity for g in self._pending() if g.code == code)
        if not present:
            return SEVERITY_LABEL[CODES[code].severity]
        return "・".join(SEVERITY_LABEL[s] for s in SEVERITIES if s.value in present)

    def _code_severities(self) -> set[tuple[str, str]]:
        """The distinct (code, severity) of the findings made: one pass over them, kept while they are unchanged
        (the summary asks for every code's severities; 200,000 findings × 18 codes was seconds)."""
        made = self._made()
        key = (id(made), len(made))
        cached = self.__dict__.get("_code_severities_cache")
        if cached is None or cached[0] != key:
            cached = (key, {(f.code, f.severity) for f in made})
            self.__dict__["_code_severities_cache"] = cached
        return cached[1]

    @property
    def records_with_findings(self) -> int:
        indices = {f.index for f in self._made() if f.index is not None}  # None: a finding about 設定
        for g in self._pending():
            indices.update(g.indices)
        return len(indices)

    def fails(self, fail_on: str) -> bool:
        """True when a finding at or above ``fail_on`` (error / warning / info) exists; never for 'never'."""
        if fail_on == "never":
            return False
        limit = SEVERITY_RANK[Severity(fail_on)]
        return (any(SEVERITY_RANK[Severity(f.severity)] <= limit for f in self._made())
                or any(SEVERITY_RANK[Severity(g.severity)] <= limit for g in self._pending()))

    def to_rows(self) -> list[tuple[object, ...]]:
        return [f.to_row() for f in self.findings]

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "cycle_months": self.cycle_months,
            "source": self.source,
            "records": self.records,
            "audited": self.audited,
            "summary": {
                "by_severity": self.by_severity,
                "by_code": self.by_code,
                "freshness": dict(self.freshness),
                "completeness": [c.to_dict() for c in self.completeness],
                "postal_data": self.postal,
            },
            "findings": [f.to_dict() for f in self.findings],
        }


def _findings(self: AuditResult) -> list[Finding]:
    """Every finding, in report order (the pending groups made and put in their places on first reading)."""
    made: list[Finding] = self.__dict__["_findings"]
    groups = self._pending()
    if groups:
        assert self.order is not None
        made.extend(f for g in groups for f in map(g.make, g.indices))
        made.sort(key=self.order)  # stable: the findings made keep their order among equal keys, as before
        self.pending = []
    return made


def _set_findings(self: AuditResult, value: list[Finding]) -> None:
    self.__dict__["_findings"] = value
    self.__dict__["pending"] = []


# ``findings`` is a property so that reading it makes the pending groups; the dataclass's __init__, __eq__ and
# __repr__ go through it like any attribute (set after the class: a property in the class body would be taken
# for the field's default).
setattr(AuditResult, "findings", property(_findings, _set_findings))  # noqa: B010 - (not a plain attribute)


FRESHNESS_LABELS = {
    Freshness.FRESH: "周期内に確認済み",
    Freshness.DUE_SOON: "まもなく期限(60日以内)",
    Freshness.STALE: "期限切れ",
    Freshness.NEVER: "未確認(確認日なし)",
}


# --- the workbook ------------------------------------------------------------------------
class _Formats:
    def __init__(self, wb: Any) -> None:  # an xlsxwriter Workbook (no type stubs)
        base = {"font_name": FONT_NAME, "font_size": 10, "valign": "top"}
        self.base = wb.add_format(base)
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.header = wb.add_format({**base, "bold": True, "font_color": "#" + HEADER_FONT_COLOR,
                                     "bg_color": "#" + HEADER_FILL, "align": "center", "valign": "vcenter",
                                     "text_wrap": True, "border": 1, "border_color": "#BFBFBF"})
        self.title = wb.add_format({**base, "bold": True, "font_size": 14})
        self.section = wb.add_format({**base, "bold": True, "font_size": 11, "bottom": 1})
        self.number = wb.add_format({**base, "num_format": "#,##0"})
        self.centered = wb.add_format({**base, "align": "center"})  # 行: a right-aligned number abuts 項目 when printed
        self.percent = wb.add_format({**base, "num_format": "0.0\"%\""})
        self.note = wb.add_format({**base, "italic": True, "font_color": "#595959", "text_wrap": True})
        self.severity = {s.value: wb.add_format({**base, "bg_color": "#" + SEVERITY_FILLS[s.value]}) for s in SEVERITIES}
        self.severity_wrap = {s.value: wb.add_format({**base, "text_wrap": True, "bg_color": "#" + SEVERITY_FILLS[s.value]})
                              for s in SEVERITIES}
        # dates are date cells shown 2027/04/01 (issue 13); a value that is no date stays the text it is
        date = {**base, "num_format": DATE_FORMAT, "align": "left"}
        self.date = wb.add_format(date)
        self.severity_date = {s.value: wb.add_format({**date, "bg_color": "#" + SEVERITY_FILLS[s.value]})
                              for s in SEVERITIES}


DATE_FORMAT = "yyyy/mm/dd"
DATE_HEADERS = frozenset(f.header for f in S.FIELDS if f.kind is S.Kind.DATE)


def _as_datetime(value: object) -> dt.datetime | None:
    """A real date (or an ISO date text, as the master stores dates) → a datetime for xlsxwriter; else None."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str) and len(value) == 10:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return None
        return dt.datetime(day.year, day.month, day.day)
    return None


def _a4(ws: Any, *, landscape: bool) -> None:
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C&P / &N")


def _text(value: object) -> object:
    return "" if value is None else value


def write_xlsx(result: AuditResult, cat: Catalogue, path: Path, *, max_comments: int = MAX_COMMENTS,
               max_copy_rows: int = MAX_COPY_ROWS, keep_rows: bool = True) -> Path:
    """Write the audit report workbook to ``path`` (atomically: temp file, then replace).

    ``keep_rows``: put each record on its own row number of the master's 資源一覧 (so that 行 in
    指摘一覧 points at the same row of the copy); False for records read from other files.
    """
    import xlsxwriter

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    try:
        fmt = _Formats(wb)
        summary = wb.add_worksheet(SHEET_SUMMARY)
        findings_ws = wb.add_worksheet(SHEET_FINDINGS)
        copy_ws = wb.add_worksheet(S.SHEET_RESOURCES)
        comments = _write_copy(copy_ws, result, cat, fmt, max_comments, max_copy_rows, keep_rows)
        _write_findings(findings_ws, result, fmt)
        _write_summary(summary, result, cat, fmt, comments)
        summary.activate()
        wb.close()
        tmp.replace(path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return path


def _write_summary(ws: Any, result: AuditResult, cat: Catalogue, fmt: _Formats, comments: tuple[int, int, int]) -> None:
    ws.set_column(0, 0, 30, fmt.base)
    ws.set_column(1, 1, 22, fmt.base)
    ws.set_column(2, 3, 12, fmt.base)
    ws.set_column(4, 4, 70, fmt.wrap)
    municipality = cat.settings.municipality
    row = 0
    ws.write(row, 0, f"{municipality + ' ' if municipality else ''}社会資源台帳 点検結果", fmt.title)
    row += 2
    info = [
        ("点検日", result.as_of.isoformat()),
        ("点検したもの", result.source),
        ("更新周期", f"{result.cycle_months} か月"),
        ("郵便番号データ", result.postal),
        ("資源の件数", f"{result.records:,} 件(廃止を除く {result.audited:,} 件について確認期限と必須項目を点検)"),
        ("指摘のある資源", f"{result.records_with_findings:,} 件"),
        ("指摘の件数", f"{len(result.findings):,} 件"),
    ]
    for label, value in info:
        ws.write(row, 0, label, fmt.base)
        if label == "点検日":  # a date cell, the 和暦 beside it
            ws.write_datetime(row, 1, _as_datetime(result.as_of), fmt.date)
            ws.write_string(row, 2, f"({to_wareki(result.as_of)})", fmt.base)
        else:
            ws.write(row, 1, value, fmt.base)
        row += 1

    row += 1
    ws.write(row, 0, "重要度別の件数", fmt.section)
    row += 1
    for c, h in enumerate(("重要度", "件数")):
        ws.write(row, c, h, fmt.header)
    row += 1
    for sev, count in result.by_severity.items():
        ws.write(row, 0, SEVERITY_LABEL[Severity(sev)], fmt.severity[sev])
        ws.write_number(row, 1, count, fmt.number)
        row += 1

    row += 1
    ws.write(row, 0, "指摘の種類別の件数", fmt.section)
    row += 1
    for c, h in enumerate(("指摘", "コード", "重要度", "件数", "どういうときに出るか")):
        ws.write(row, c, h, fmt.header)
    row += 1
    for code, count in result.by_code.items():
        info_c = CODES[code]
        ws.write(row, 0, info_c.title, fmt.base)
        ws.write(row, 1, code, fmt.base)
        ws.write(row, 2, result.severity_label(code), fmt.severity[info_c.severity.value])
        ws.write_number(row, 3, count, fmt.number)
        ws.write(row, 4, info_c.description, fmt.wrap)
        _fit_height(ws, row, (info_c.description, 68))
        row += 1

    row += 1
    ws.write(row, 0, "確認状況(最終確認日、廃止を除く)", fmt.section)
    row += 1
    for c, h in enumerate(("区分", "件数", "割合")):
        ws.write(row, c, h, fmt.header)
    row += 1
    for label, count in result.freshness.items():
        ws.write(row, 0, label, fmt.base)
        ws.write_number(row, 1, count, fmt.number)
        ws.write_number(row, 2, round(100.0 * count / result.audited, 1) if result.audited else 0.0, fmt.percent)
        row += 1

    row += 1
    ws.write(row, 0, "項目ごとの記入率(廃止を除く。仮の値は未記入と数えます)", fmt.section)
    row += 1
    for c, h in enumerate(("項目", "記入あり", "対象件数", "記入率")):
        ws.write(row, c, h, fmt.header)
    row += 1
    for comp in result.completeness:
        ws.write(row, 0, comp.field, fmt.base)
        ws.write_number(row, 1, comp.filled, fmt.number)
        ws.write_number(row, 2, comp.total, fmt.number)
        ws.write_number(row, 3, comp.percent, fmt.percent)
        row += 1

    row += 1
    written, cells, copied = comments
    notes = [
        f"シート『{SHEET_FINDINGS}』に指摘を1行ずつ並べています(重要度→地区の順。見出しの▼で絞り込めます)。",
        f"シート『{S.SHEET_RESOURCES}』は点検した資源の写しです。指摘のあるセルを重要度の色で塗り、"
        "セルのコメントに内容を書いています。台帳そのものは書き換えていません。",
    ]
    if written < cells:
        notes.append(f"指摘のあるセルが多いため、コメントは最初の {written:,} セルだけに付けました"
                     f"(全 {cells:,} セル。色はすべてのセルに付いています)。内容は『{SHEET_FINDINGS}』で確かめてください。")
    if copied < len(cat.records):
        notes.append(f"資源が多いため、シート『{S.SHEET_RESOURCES}』の写しは最初の {copied:,} 件だけです"
                     f"(全 {len(cat.records):,} 件)。指摘はすべて『{SHEET_FINDINGS}』にあります。")
    for note in notes:
        ws.merge_range(row, 0, row, 4, note, fmt.note)
        ws.set_row(row, 30)
        row += 1
    _a4(ws, landscape=False)


FINDING_WIDTHS = (8, 16, 9, 24, 14, 10, 6, 14, 20, 36, 36, 22, 18, 18, 12)  # ROW_HEADERS' order
_WRAP_COLUMNS = {ROW_HEADERS.index("内容"), ROW_HEADERS.index("対処")}


def _write_findings(ws: Any, result: AuditResult, fmt: _Formats) -> None:
    for c, width in enumerate(FINDING_WIDTHS):
        ws.set_column(c, c, width, fmt.wrap if c in _WRAP_COLUMNS else fmt.base)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(result.findings), 1), len(ROW_HEADERS) - 1)
    ws.repeat_rows(0)
    _a4(ws, landscape=True)
    ws.print_area(0, 0, max(len(result.findings), 1), PRINTED_COLUMNS - 1)  # 重要度 … 対処: legible on A4 landscape
    ws.set_row(0, 20)
    for c, h in enumerate(ROW_HEADERS):
        ws.write_string(0, c, h, fmt.header)
    message_width = FINDING_WIDTHS[ROW_HEADERS.index("内容")]
    value_col = ROW_HEADERS.index("現在の値")
    for r, f in enumerate(result.findings, start=1):
        _fit_height(ws, r, (f.message, message_width), (f.hint, message_width))
        for c, value in enumerate(f.to_row()):
            if c == 0:
                ws.write_string(r, c, str(value), fmt.severity[f.severity])
            elif c == value_col and f.field in DATE_HEADERS and (day := _as_datetime(value)) is not None:
                ws.write_datetime(r, c, day, fmt.date)
            elif isinstance(value, int):
                ws.write_number(r, c, value, fmt.centered)
            elif value != "":
                ws.write_string(r, c, str(value), fmt.wrap if c in _WRAP_COLUMNS else fmt.base)


LINE_HEIGHT = 13.5  # points per line of 10-point text


def _fit_height(ws: Any, row: int, *texts: tuple[str, int]) -> None:
    """Set a row's height so that wrapped text shows whole (Excel does not grow rows written by a program)."""
    lines = 1
    for text, width in texts:
        lines = max(lines, -(-display_width(text) // max(width - 2, 1)))
    if lines > 1:
        ws.set_row(row, LINE_HEIGHT * min(lines, 8))


def _copy_rows(records: list[Record]) -> list[int]:
    """0-based sheet rows of the records: the master's own rows when they are usable, else 1, 2, 3…"""
    rows = [r.row for r in records if isinstance(r.row, int) and r.row >= 2]
    if len(rows) == len(records) and all(a < b for a, b in zip(rows, rows[1:], strict=False)):
        return [x - 1 for x in rows]
    return list(range(1, len(records) + 1))


def _write_copy(ws: Any, result: AuditResult, cat: Catalogue, fmt: _Formats, max_comments: int,
                max_rows: int, keep_rows: bool) -> tuple[int, int, int]:
    """The audited records with offending cells coloured; returns (comments written, cells with findings, records)."""
    headers = [*S.HEADERS, *cat.extra_columns]
    col_of = {h: i for i, h in enumerate(headers)}
    records = cat.records[:max_rows]
    cell_findings: dict[tuple[int, int], list[Finding]] = {}
    for f in result.findings:
        if f.index is None or f.index >= len(records):
            continue
        c = col_of.get(f.field, col_of[S.header("name")])
        cell_findings.setdefault((f.index, c), []).append(f)

    for i, fld in enumerate(S.FIELDS):
        ws.set_column(i, i, fld.width, fmt.base)
    for i, h in enumerate(cat.extra_columns, start=len(S.FIELDS)):
        ws.set_column(i, i, min(40, max(10, display_width(h) + 2)), fmt.base)
    ws.freeze_panes(1, 2)
    rows = _copy_rows(records) if keep_rows else list(range(1, len(records) + 1))
    last_row = rows[-1] if rows else 1
    ws.autofilter(0, 0, last_row, len(headers) - 1)
    ws.repeat_rows(0)
    _a4(ws, landscape=True)
    ws.set_row(0, 30)
    for c, h in enumerate(headers):
        ws.write_string(0, c, h, fmt.header)

    written = 0
    keys = S.KEYS
    n_keys = len(keys)
    date_cols = {i for i, fld in enumerate(S.FIELDS) if fld.kind is S.Kind.DATE}
    for index, (record, r) in enumerate(zip(records, rows, strict=True)):
        values = record.values
        for c in range(len(headers)):
            if c < n_keys:
                value: object = values.get(keys[c], "")
            else:
                value = record.extra.get(headers[c], "")
            found = cell_findings.get((index, c))
            dated = c in date_cols
            if found is None:
                if value not in ("", None):
                    _write_value(ws, r, c, value, None, fmt.date, dated)
                continue
            worst = min(found, key=lambda f: SEVERITY_RANK[Severity(f.severity)]).severity
            _write_value(ws, r, c, value, fmt.severity[worst], fmt.severity_date[worst], dated)
            if written < max_comments:
                text = "\n".join(f"【{SEVERITY_LABEL[Severity(f.severity)]}】{f.message}" for f in found)
                text += f"\n→ {found[0].hint}"
                ws.write_comment(r, c, text, {"author": "shigen audit", "x_scale": 3.2, "y_scale": 1.6,
                                              "font_name": FONT_NAME, "font_size": 9})
                written += 1
    return written, len(cell_findings), len(records)


def _write_value(ws: Any, r: int, c: int, value: object, cell_format: Any, date_format: Any,
                 date_column: bool = False) -> None:
    """A date → a date cell in ``date_format``; in a ``date_column`` an ISO date text too (anything else stays text)."""
    day = _as_datetime(value) if date_column or isinstance(value, dt.date) else None
    if day is not None:
        ws.write_datetime(r, c, day, date_format)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, cell_format)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, cell_format)
    else:
        ws.write_string(r, c, str(value), cell_format)
