"""What an import read and did, as data (to_dict / to_rows), and the Excel report under exports/."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema as S
from ..findings import CODES, SEVERITY_LABEL, Severity, render
from ..model import Record

NEW = "新規"
UPDATED = "更新"
UNCHANGED = "変更なし"
AMBIGUOUS = "要確認"
OUTCOMES = (NEW, UPDATED, UNCHANGED, AMBIGUOUS)

SHEET_IMPORTED = "取込対象"
SHEET_HIDDEN = "非表示のシート(取り込まず)"
SHEET_NO_HEADER = "見出し行なし(取り込まず)"
SHEET_NOT_SELECTED = "--sheet の指定外"
SHEET_EMPTY = "空のシート(取り込まず)"
SHEET_EXPORT_REPEAT = f"shigen の書き出しで『{S.EXPORT_ALL_SHEET}』と重なるシート(取り込まず)"


@dataclass(frozen=True, slots=True)
class ImportFinding:
    """One thing import noticed about a row, coded in :mod:`shigen.findings` (stage import).

    It unpacks and indexes as the ``(row, field, message)`` triple import warnings used to be."""

    row: int  # Excel row (0 = the whole file)
    field: str  # the column's header or the field's Japanese name
    message: str
    code: str
    hint: str = ""

    @classmethod
    def of(cls, row: int, field: str, code: str, /, **values: object) -> ImportFinding:
        message, hint = render(code, **values)
        return cls(row, field, message, code, hint)

    @property
    def severity(self) -> str:
        return str(CODES[self.code].severity)

    @property
    def title(self) -> str:
        return CODES[self.code].title

    def __iter__(self) -> Iterator[Any]:
        return iter((self.row, self.field, self.message))

    def __getitem__(self, index: int) -> Any:
        return (self.row, self.field, self.message)[index]

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "code": self.code, "severity": self.severity,
                "title": self.title, "message": self.message, "hint": self.hint}


@dataclass
class ColumnReport:
    letter: str
    header: str
    target: str  # field key or special target
    label: str  # Japanese description of the target
    evidence: str = ""  # why the mapper chose it (header and value evidence)
    score: float = 0.0
    runner_up: str = ""  # Japanese label of the second-best target when it came close

    def to_dict(self) -> dict[str, Any]:
        return {"column": self.letter, "header": self.header, "target": self.target, "label": self.label,
                "evidence": self.evidence, "score": self.score, "runner_up": self.runner_up}


@dataclass
class SheetReport:
    file: str
    sheet: str  # '' for CSV
    status: str = SHEET_IMPORTED
    hidden: bool = False
    header_rows: list[int] = field(default_factory=list)
    columns: list[ColumnReport] = field(default_factory=list)
    above: list[str] = field(default_factory=list)
    as_of: str = ""
    genre_from_sheet: str = ""
    district_from_sheet: str = ""
    rows_read: int = 0
    records: int = 0
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (row, reason, text)
    warnings: list[ImportFinding] = field(default_factory=list)  # (row, field/header, message) + code and hint
    normalised: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def place(self) -> str:
        return f"{self.file}:{self.sheet}" if self.sheet else self.file

    @property
    def unmapped(self) -> list[str]:
        return [c.header for c in self.columns if c.target == "unmapped"]

    def skipped_by_reason(self) -> Counter[str]:
        return Counter(reason for _, reason, _ in self.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file, "sheet": self.sheet, "status": self.status, "hidden": self.hidden,
            "header_rows": self.header_rows, "columns": [c.to_dict() for c in self.columns],
            "unmapped_columns": self.unmapped, "above_header": self.above, "as_of": self.as_of,
            "genre_from_sheet": self.genre_from_sheet, "district_from_sheet": self.district_from_sheet,
            "rows_read": self.rows_read, "records": self.records,
            "skipped": [{"row": r, "reason": why, "text": t} for r, why, t in self.skipped],
            "skipped_by_reason": dict(self.skipped_by_reason()),
            "warnings": [w.to_dict() for w in self.warnings],
            "values_normalised": self.normalised,
            "outcomes": {k: self.outcomes.get(k, 0) for k in OUTCOMES},
        }


@dataclass
class FileReport:
    path: Path
    kind: str = ""
    encoding: str = ""
    sheets: list[SheetReport] = field(default_factory=list)
    error: str = ""  # set when the file was skipped (--skip-bad)
    shigen_export: bool = False  # written by `shigen export`: read by the schema's headers, 全件 only

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "name": self.path.name, "kind": self.kind, "encoding": self.encoding,
                "error": self.error, "shigen_export": self.shigen_export, "sheets": [s.to_dict() for s in self.sheets]}


@dataclass(slots=True)  # slots: one per row read (200,000 in a prefecture's list)
class ReadRow:
    """One record read from a source, with what merge needs to know about it."""

    record: Record
    file: Path
    sheet: str
    shigen_id: str = ""  # an S00012-like value in the source's ID column (a hint, checked against the master)
    explicit: frozenset[str] = frozenset()  # keys whose values came from the source (one shared set per shape)
    report: SheetReport | None = None
    unmatched_genre: str = ""  # the source's category text when no catalogue genre fits it
    id_column: str = ""  # extra column holding ``shigen_id``
    listed_source: str = ""  # a 出典 column's value in the file (a shigen export): kept for new records


@dataclass
class ReadResult:
    """Everything read from the input files; nothing has been written."""

    files: list[FileReport] = field(default_factory=list)
    rows: list[ReadRow] = field(default_factory=list)
    unmatched_genres: Counter[str] = field(default_factory=Counter)
    extra_columns: list[str] = field(default_factory=list)  # foreign-ID columns to add to the master
    new_districts: list[tuple[str, str]] = field(default_factory=list)  # (district, where it came from) added to 地区

    @property
    def records(self) -> list[Record]:
        return [r.record for r in self.rows]

    @property
    def sheets(self) -> list[SheetReport]:
        return [s for f in self.files for s in f.sheets]

    @property
    def bad_files(self) -> list[FileReport]:
        return [f for f in self.files if f.error]

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [f.to_dict() for f in self.files],
            "records": len(self.rows),
            "unmatched_genres": dict(self.unmatched_genres),
            "new_districts": [{"district": d, "from": w} for d, w in self.new_districts],
        }


@dataclass(slots=True)  # slots: one per row read
class Outcome:
    row: ReadRow
    status: str  # NEW / UPDATED / UNCHANGED / AMBIGUOUS
    record_id: str = ""
    matched_by: str = ""  # "ID" / "出典" / "名称+電話" / "名称+住所"
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (header, old, new)
    candidates: list[str] = field(default_factory=list)
    reason: str = ""

    def to_row(self) -> tuple[str, ...]:
        rec = self.row.record
        changes = "\n".join(f"{h}: {o or '(空)'} → {n}" for h, o, n in self.changes)
        return (rec.get("source"), self.status, self.record_id, rec.get("name"), self.matched_by,
                changes or self.reason, "、".join(self.candidates))

    def to_dict(self) -> dict[str, Any]:
        rec = self.row.record
        return {"source": rec.get("source"), "status": self.status, "id": self.record_id, "name": rec.get("name"),
                "matched_by": self.matched_by, "changes": [{"field": h, "old": o, "new": n} for h, o, n in self.changes],
                "candidates": self.candidates, "reason": self.reason}


OUTCOME_HEADERS = ("出典", "結果", "ID", "名称", "一致の根拠", "変更内容・理由", "候補のID")


@dataclass
class ImportResult:
    read: ReadResult
    outcomes: list[Outcome] = field(default_factory=list)
    dry_run: bool = False
    report_path: Path | None = None
    backup_path: Path | None = None
    started: str = field(default_factory=lambda: dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S"))

    def counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)

    @property
    def changed(self) -> bool:
        c = self.counts()
        return bool(c.get(NEW) or c.get(UPDATED))

    @property
    def ambiguous(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == AMBIGUOUS]

    def to_dict(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "dry_run": self.dry_run,
            "counts": {k: counts.get(k, 0) for k in OUTCOMES},
            "report": str(self.report_path) if self.report_path else "",
            **self.read.to_dict(),
            "outcomes": [o.to_dict() for o in self.outcomes],
        }

    # --- rows for the terminal and the Excel report --------------------------------------------
    SUMMARY_HEADERS = ("ファイル", "シート", "状態", "見出し行", "読んだ行", "資源", "新規", "更新", "変更なし", "要確認",
                       "飛ばした行", "正規化した値", "警告", "ジャンル(シート名)", "地区(シート名)", "基準日(題名の日付)",
                       "見出しより上の行", "文字コード")

    def summary_rows(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for f in self.read.files:
            if f.error:
                rows.append((f.path.name, "", f"読めず: {f.error}", "", 0, 0, 0, 0, 0, 0, 0, 0, 0, "", "", "", "", ""))
                continue
            for s in f.sheets:
                skipped = "、".join(f"{k} {v}" for k, v in s.skipped_by_reason().items())
                rows.append((s.file, s.sheet or "(CSV)", s.status, "・".join(map(str, s.header_rows)), s.rows_read,
                             s.records, s.outcomes.get(NEW, 0), s.outcomes.get(UPDATED, 0),
                             s.outcomes.get(UNCHANGED, 0), s.outcomes.get(AMBIGUOUS, 0), skipped or 0,
                             s.normalised, len(s.warnings), s.genre_from_sheet, s.district_from_sheet,
                             _iso_date(s.as_of),
                             "\n".join(s.above), f.encoding))
        return rows

    COLUMN_HEADERS = ("ファイル", "シート", "列", "元の見出し", "取り込み先", "根拠", "次点")

    def column_rows(self) -> list[tuple[str, ...]]:
        return [(s.file, s.sheet, c.letter, c.header, c.label, c.evidence, c.runner_up)
                for s in self.read.sheets for c in s.columns]

    PROBLEM_HEADERS = ("ファイル", "シート", "行", "種類", "項目", "内容", "コード", "対処")

    def problem_rows(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for f in self.read.files:
            if f.error:
                rows.append((f.path.name, "", "", "読めないファイル", "", f.error))
        for s in self.read.sheets:
            if s.status != SHEET_IMPORTED:
                rows.append((s.file, s.sheet, "", "取り込まなかったシート", "", s.status))
            for r, reason, text in s.skipped:
                rows.append((s.file, s.sheet, r, "飛ばした行", reason, text))
            for w in s.warnings:  # 種類: 警告 / 情報 (the code's severity), as in the audit report
                rows.append((s.file, s.sheet, w.row, SEVERITY_LABEL[Severity(w.severity)], w.field, w.message, w.code,
                             w.hint))
        for o in self.ambiguous:
            rec = o.row.record
            rows.append((o.row.file.name, o.row.sheet, rec.row or "", "要確認(台帳と照合できず)", rec.get("name"),
                         f"{o.reason} 候補: {'、'.join(o.candidates)}"))
        for d, where in self.read.new_districts:
            rows.append(("", "", "", "地区を追加", S.header("district"),
                         f"『{d}』({where})を台帳のシート『{S.SHEET_DISTRICTS}』に加えました(第2層・町名は空欄)。町名を書き足してください"))
        for genre, n in self.read.unmatched_genres.items():
            rows.append(("", "", "", "ジャンルに当たらない分類", S.header("genre"), f"『{genre}』 {n} 件"))
        return rows


def _iso_date(text: str) -> dt.date | str:
    """基準日 as a date (a date cell in the report); text that is no ISO date stays as it is."""
    try:
        return dt.date.fromisoformat(text) if text else ""
    except ValueError:
        return text


# sheets whose rows are written straight into the sheet's XML (one per record read: 200,000 in a prefecture's list);
# xlsxwriter keeps an object per cell and costs about ten times as much per cell
STREAMED_SHEETS = ("取込結果", "列の対応", "飛ばした行と警告")
# long texts wrapped in narrower columns, so that the sheet prints legibly on A4 landscape: sheet → (columns, width)
WRAPPED_COLUMNS = {"飛ばした行と警告": ({5, 7}, 40)}
EXCEL_CELL_MAX = 32_767  # characters in one cell


def write_report(result: ImportResult, path: Path) -> Path:
    """The import report workbook: 概要 / 取込結果 / 列の対応 / 飛ばした行と警告, A4 landscape, header repeated on
    every printed page. xlsxwriter writes the workbook (styles, widths, print settings, 概要); the rows of the other
    sheets are then streamed into their XML (:func:`_stream_rows`)."""
    import os

    import xlsxwriter

    from ..xlsx_style import FONT_NAME, HEADER_FILL, HEADER_FONT_COLOR, fit_widths

    sheets: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]] = [
        ("概要", ImportResult.SUMMARY_HEADERS, result.summary_rows()),
        ("取込結果", OUTCOME_HEADERS, [o.to_row() for o in result.outcomes]),
        ("列の対応", ImportResult.COLUMN_HEADERS, result.column_rows()),
        ("飛ばした行と警告", ImportResult.PROBLEM_HEADERS, result.problem_rows()),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    tmp2 = path.with_name(f".{path.stem}.tmp2-{os.getpid()}{path.suffix}")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    streamed: dict[str, tuple[list[tuple[Any, ...]], dict[int, int]]] = {}
    try:
        head = wb.add_format({"bold": True, "font_name": FONT_NAME, "font_color": "#" + HEADER_FONT_COLOR,
                              "bg_color": "#" + HEADER_FILL, "align": "center", "valign": "vcenter",
                              "text_wrap": True, "border": 1, "border_color": "#BFBFBF"})
        body = wb.add_format({"font_name": FONT_NAME, "valign": "top"})
        wrap = wb.add_format({"font_name": FONT_NAME, "valign": "top", "text_wrap": True})
        date = wb.add_format({"font_name": FONT_NAME, "valign": "top", "align": "left", "num_format": "yyyy/mm/dd"})
        for index, (title, headers, rows) in enumerate(sheets, start=1):
            ws = wb.add_worksheet(title)
            narrow = title == "概要"  # many columns: narrower, wrapped, so that it prints legibly on A4
            widths = fit_widths([h[:6] for h in headers] if narrow else headers, rows, maximum=22 if narrow else 60)
            wrapped, wrapped_width = WRAPPED_COLUMNS.get(title, (set(), 0))
            widths = [min(w, wrapped_width) if c in wrapped else w for c, w in enumerate(widths)]
            for c, w in enumerate(widths):
                ws.set_column(c, c, w)
            ws.write_row(0, 0, headers, head)
            if title in STREAMED_SHEETS:
                streamed[f"xl/worksheets/sheet{index}.xml"] = (rows, {c: widths[c] for c in wrapped})
            else:
                for r, row in enumerate(rows, start=1):
                    for c, value in enumerate(row):
                        if value is None or value == "":
                            continue
                        if isinstance(value, str):
                            ws.write_string(r, c, value, wrap if narrow or "\n" in value else body)
                        elif isinstance(value, dt.date):  # a date cell shown 2027/04/01 (issue 13)
                            ws.write_datetime(r, c, value if isinstance(value, dt.datetime)
                                              else dt.datetime(value.year, value.month, value.day), date)
                        else:
                            ws.write(r, c, value, body)
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
            ws.set_landscape()
            ws.set_paper(9)  # A4
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(0)
            ws.center_horizontally()
            ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
            ws.set_footer("&C&P / &N")
        styles = (body._get_xf_index(), wrap._get_xf_index())  # the streamed cells' style numbers in styles.xml
        wb.close()
        _stream_rows(tmp, tmp2, streamed, *styles)
        tmp2.replace(path)
    finally:
        for t in (tmp, tmp2):
            if t.exists():
                t.unlink()
    return path


_XML_SPECIAL = re.compile(r"[&<>]")
_XML_ESCAPE = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ESCAPE_LIKE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # text that looks like Excel's _xHHHH_ escape is escaped itself
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_SPACE_AT_END = re.compile(r"^\s|\s$")
_SHEET_DATA_END = b"</sheetData>"
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


def _xml_text(text: str) -> str:
    """A string as the text of an inline-string cell, escaped the way Excel (and xlsxwriter) does."""
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    if _XML_SPECIAL.search(text):
        text = _XML_SPECIAL.sub(lambda m: _XML_ESCAPE[m.group()], text)
    return text


def _row_xml(r: int, row: tuple[Any, ...], letters: list[str], body: int, wrap: int, wrapped: dict[int, int]) -> str:
    """One row's XML; a row whose wrapped columns need several lines gets their height (Excel and LibreOffice do not
    grow a row for wrapped text by themselves when opening a file)."""
    cells = []
    lines = 1
    for c, value in enumerate(row):
        if value is None or value == "":
            continue
        ref = f"{letters[c]}{r}"
        if isinstance(value, str):
            value = value[:EXCEL_CELL_MAX]  # what Excel can hold (xlsxwriter cuts there too)
            style = wrap if c in wrapped or "\n" in value else body
            if c in wrapped:
                lines = max(lines, _lines(value, wrapped[c]))
            space = ' xml:space="preserve"' if _SPACE_AT_END.search(value) else ""
            cells.append(f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>')
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            cells.append(f'<c r="{ref}" s="{body}"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{ref}" s="{body}" t="inlineStr"><is><t>{_xml_text(str(value))}</t></is></c>')
    height = f' ht="{15 * lines}" customHeight="1"' if lines > 1 else ""
    return f'<row r="{r}"{height}>{"".join(cells)}</row>'


def _lines(text: str, width: int) -> int:
    """Printed lines of ``text`` wrapped in a column ``width`` characters wide (wide characters count 2)."""
    from ..xlsx_style import display_width

    usable = max(width - 1, 1)
    return sum(max(1, -(-display_width(line) // usable)) for line in text.split("\n"))


def _stream_rows(src: Path, dst: Path, streamed: dict[str, tuple[list[tuple[Any, ...]], dict[int, int]]], body: int,
                 wrap: int) -> None:
    """Copy the workbook ``src`` to ``dst``, writing each streamed sheet's rows (below its header row) into its XML."""
    import zipfile

    from .layout import column_letter

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename not in streamed:
                zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            rows, wrapped = streamed[info.filename]
            width = max((len(r) for r in rows), default=1)
            letters = [column_letter(c) for c in range(max(width, 1))]
            end = data.rindex(_SHEET_DATA_END)
            head = _DIMENSION.sub(f'<dimension ref="A1:{letters[-1]}{len(rows) + 1}"/>'.encode(), data[:end], count=1)
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(entry, "w", force_zip64=len(rows) > 100_000) as out:
                out.write(head)
                chunk: list[str] = []
                for r, row in enumerate(rows, start=2):
                    chunk.append(_row_xml(r, row, letters, body, wrap, wrapped))
                    if len(chunk) >= 2000:
                        out.write("".join(chunk).encode("utf-8"))
                        chunk.clear()
                out.write("".join(chunk).encode("utf-8"))
                out.write(data[end:])


def mapping_text(read: ReadResult) -> str:
    """The column mapping an import used, as a --mapping TOML file (one line per header, evidence as a comment)."""
    import json

    from .columns import target_label

    lines = ["# shigen import --save-mapping: 列の対応。直したい行の右側を台帳の項目名(例: \"名称\" \"備考\")か",
             "# 「取り込まない」に書き換えて、shigen import … --mapping このファイル で取り込み直してください。", "",
             "[columns]"]
    seen: set[str] = set()
    for sheet in read.sheets:
        if sheet.columns:
            lines.append(f"# {sheet.place}")
        for c in sheet.columns:
            if c.header in seen or c.header.startswith("(見出しなし"):
                continue
            seen.add(c.header)
            label = S.header(c.target) if c.target in S.FIELD_BY_KEY else target_label(c.target)
            comment = f"  # {c.evidence}" if c.evidence else ""
            if c.runner_up:
                comment += f"(次点: {c.runner_up})"
            lines.append(f"{json.dumps(c.header, ensure_ascii=False)} = {json.dumps(label, ensure_ascii=False)}{comment}")
    return "\n".join(lines) + "\n"


def write_mapping(read: ReadResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mapping_text(read), encoding="utf-8")
    return path


def report_name(now: dt.datetime | None = None) -> str:
    return f"取込報告_{(now or dt.datetime.now()).strftime('%Y%m%d-%H%M%S')}.xlsx"
