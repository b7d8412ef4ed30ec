"""What an import read and did, as data: findings, sheets, outcomes, ``to_dict`` / ``to_rows``.

The Excel report under exports/ is written by :mod:`shigen.importer.report_book`; the --save-mapping file by
:func:`shigen.importer.columns.write_mapping`.
"""

from __future__ import annotations

import datetime as dt
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
        changes = "\n".join(f"{h}: {o or '(空)'} → {n}" for h, o, n in self.changes) if self.changes else ""
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
    # 概要: what came of each file and sheet, in few enough columns to print legibly on one A4 landscape width
    SUMMARY_HEADERS = ("ファイル", "シート", "状態", "読んだ行", "資源", "新規", "更新", "変更なし", "要確認", "飛ばした行",
                       "警告")

    def summary_rows(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for f in self.read.files:
            if f.error:
                rows.append((f.path.name, "", f"読めず: {f.error}", 0, 0, 0, 0, 0, 0, 0, 0))
                continue
            for s in f.sheets:
                rows.append((s.file, s.sheet or "(CSV)", s.status, s.rows_read, s.records, s.outcomes.get(NEW, 0),
                             s.outcomes.get(UPDATED, 0), s.outcomes.get(UNCHANGED, 0), s.outcomes.get(AMBIGUOUS, 0),
                             len(s.skipped), len(s.warnings)))
        return rows

    # シートの読み方: how each sheet was read (header rows, the lines above them, what the sheet's name and title gave)
    READING_HEADERS = ("ファイル", "シート", "見出し行", "見出しより上の行", "ジャンル(シート名)", "地区(シート名)",
                       "題名の基準日", "飛ばした行の内訳", "正規化した値", "文字コード")

    def reading_rows(self) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for f in self.read.files:
            if f.error:
                rows.append((f.path.name, "", "", "", "", "", "", "", 0, ""))
                continue
            for s in f.sheets:
                skipped = "、".join(f"{k} {v}" for k, v in s.skipped_by_reason().items())
                rows.append((s.file, s.sheet or "(CSV)", "・".join(map(str, s.header_rows)), "\n".join(s.above),
                             s.genre_from_sheet, s.district_from_sheet, _iso_date(s.as_of), skipped, s.normalised,
                             f.encoding))
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
