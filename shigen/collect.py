"""`shigen collect` as a whole: read the returned update workbooks, apply them to the master, write 回収状況.xlsx.

One transaction (the master locked from reading to saving). Every file is first checked to be an update workbook
(its hidden metadata sheet only, :func:`shigen.update_book_read.read_book_meta`); the rows are then read and
applied one book at a time (:func:`shigen.collect_rules.collect_books` — the rules themselves), so only one
returned workbook is in memory at once; the master is saved once at the end, and each year's 回収状況.xlsx is
rewritten (:mod:`shigen.collect_progress`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .collect_progress import PROGRESS_NAME, ProgressRow, progress_for, read_progress, wareki, write_progress
from .collect_rules import STATE_PENDING, CollectFinding, FileSummary, RecordOutcome, collect_books
from .cyclegc import collector_per_batch
from .errors import EXIT_FINDINGS, EXIT_OK, UsageError
from .model import Catalogue
from .update_book import SUMMARY_NAME, plan_folder
from .update_book_read import BookMeta, ReturnedBook, read_book_meta, read_update_book
from .workspace import Workspace

__all__ = ["CollectResult", "CollectFinding", "RecordOutcome", "collect_books", "dumps", "expand_paths", "run_collect"]


@dataclass
class CollectResult:
    files: list[FileSummary]
    findings: list[CollectFinding]
    outcomes: list[RecordOutcome]
    progress: dict[str, list[ProgressRow]]  # year → rows
    fields_changed: int
    records_changed: int
    dry_run: bool
    progress_files: list[Path] = field(default_factory=list)
    backup: Path | None = None
    skipped: list[Path] = field(default_factory=list)  # 担当一覧.xlsx / 回収状況.xlsx given along
    held: list[CollectFinding] = field(default_factory=list)  # applied, but 最終確認日 kept: placeholders left (要確認のまま)

    @property
    def exit_code(self) -> int:
        return EXIT_FINDINGS if self.findings or self.held else EXIT_OK

    def to_dict(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run, "fields_changed": self.fields_changed, "records_changed": self.records_changed,
            "files": [dict(zip(("file", "coordinator", "year", "rows", "applied", "already", "unreachable", "rejected",
                                "pending"), f.to_row(), strict=True)) for f in self.files],
            "findings": [f.to_dict() for f in self.findings],
            "held": [f.to_dict() for f in self.held],
            "progress": {y: [p.to_dict() for p in rows] for y, rows in self.progress.items()},
            "progress_files": [str(p) for p in self.progress_files],
            "skipped": [str(p) for p in self.skipped],
        }


# --- the whole `shigen collect` ----------------------------------------------------------------
OWN_FILES = (SUMMARY_NAME, PROGRESS_NAME)  # shigen's own files beside the workbooks: never update workbooks


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(files to read, files passed over). A folder means every .xlsx in it (not Excel's ~$ owner files);
    担当一覧.xlsx and 回収状況.xlsx are passed over, so the whole year folder can be given."""
    out: list[Path] = []
    skipped: list[Path] = []
    for p in paths:
        p = Path(p)
        found = sorted(x for x in p.glob("*.xlsx") if not x.name.startswith(("~$", "."))) if p.is_dir() else [p]
        for x in found:
            (skipped if x.name in OWN_FILES else out).append(x)
    if not out:
        raise UsageError("回収する更新用ブックがありません。",
                         "返ってきたファイル(またはそれが入ったフォルダー)を指定してください。例: shigen collect 返却/")
    return list(dict.fromkeys(out)), skipped


def run_collect(ws: Workspace, paths: Sequence[Path], *, dry_run: bool = False,
                as_of: dt.date | None = None) -> CollectResult:
    from .master import master_transaction
    from .model import now_text

    with master_transaction(ws.catalogue, write=not dry_run) as cat:  # locked from reading to saving
        return _run_collect(ws, cat, paths, dry_run=dry_run, as_of=as_of, now=now_text())


def _run_collect(ws: Workspace, cat: Catalogue, paths: Sequence[Path], *, dry_run: bool, as_of: dt.date | None,
                 now: str) -> CollectResult:
    from .master import excel_owner_files, save_catalogue

    files, skipped = expand_paths(paths)
    # any file that is not an update workbook stops here (nothing written); the rows are read one book at a
    # time below, a book at a time being all that is held (a 200,000-record year is ~1 GB of rows otherwise)
    metas = [(p, read_book_meta(p)) for p in files]
    if not dry_run:
        from .errors import MasterBusyError

        if excel_owner_files(cat.path):
            raise MasterBusyError("台帳が Excel で開かれています。",
                                  "Excel で台帳を閉じてから、もう一度実行してください(何も書き換えていません)。", path=cat.path)
        for year in dict.fromkeys(m.year for _, m in metas):
            progress_path = plan_folder(ws, year) / PROGRESS_NAME
            if excel_owner_files(progress_path):
                raise MasterBusyError(f"{PROGRESS_NAME} が Excel で開かれています。",
                                      "閉じてから、もう一度実行してください(何も書き換えていません)。", path=progress_path)
    today = as_of or dt.date.today()
    # a book that turns out unreadable here raises before anything is saved: nothing written either
    held: list[CollectFinding] = []
    with collector_per_batch() as book_done:  # cycles collected once per book, the catalogue frozen
        summaries, findings, outcomes, nfields, nrecords = collect_books(cat, _one_by_one(files, book_done),
                                                                         today=today, now=now, held=held)
    backup = None
    if not dry_run and (cat.new_history or cat.new_inquiries):
        backup = save_catalogue(cat)

    years = list(dict.fromkeys(m.year for _, m in metas))
    progress: dict[str, list[ProgressRow]] = {}
    written: list[Path] = []
    by_id = cat.by_id()
    for year in years:
        path = plan_folder(ws, year) / PROGRESS_NAME
        states = read_progress(path)
        for o in outcomes:
            if o.year != year:
                continue
            if o.state == STATE_PENDING and o.record_id in states:
                continue  # a blank row never hides an earlier result
            states[o.record_id] = o
        coords = [m.coordinator for _, m in metas if m.year == year]
        progress[year] = progress_for(cat, year, states, coords)
        if not dry_run:
            year_findings = [f for f, y in _finding_years([*findings, *held], metas) if y == year]
            inquiries = None
            if cat.inquiries:
                from .letters.followup import progress_rows

                inquiries = progress_rows(cat, {rid: o.coordinator for rid, o in states.items()}, today)
            write_progress(path, year, progress[year], year_findings, states, by_id,
                           now if as_of is None else wareki(as_of), inquiries)  # --as-of stamps the sheet (issue 13)
            written.append(path)
    return CollectResult(summaries, findings, outcomes, progress, nfields, nrecords, dry_run, written, backup, skipped,
                         held)


def _one_by_one(files: list[Path], book_done: Callable[[], object]) -> Iterator[ReturnedBook]:
    """The returned books, read when the previous one has been applied (and let go)."""
    for path in files:
        yield read_update_book(path)
        book_done()


def _finding_years(findings: list[CollectFinding], metas: list[tuple[Path, BookMeta]]) -> list[tuple[CollectFinding, str]]:
    year_of = {p.name: m.year for p, m in metas}
    return [(f, year_of.get(f.file, "")) for f in findings]


def dumps(result: CollectResult) -> str:
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
