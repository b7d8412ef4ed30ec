"""`shigen assign` as a whole: plan, write the year's folder, record the plan in 担当履歴 — one safe transaction.

The plan is :mod:`shigen.assign` (pure); each coordinator's book is :mod:`shigen.update_book_write`. Here: which
file each book goes to, earlier versions moved aside, 担当一覧.xlsx, and the order that keeps 担当履歴 honest.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import schema as S
from . import update_book_write
from .assign import AssignmentPlan
from .background import Background
from .cyclegc import collector_per_batch
from .model import Catalogue, Record
from .update_book import OLD_FOLDER, RESERVED_NAMES, SUMMARY_NAME, book_path, doubtful_fields, plan_folder
from .workspace import Workspace, safe_filename
from .xlsx_style import xw_table_sheet
from .xlsx_write import Packing, atomic_close, new_workbook, packing, tmp_path


# --- the year's folder: one book per coordinator, 担当一覧.xlsx, earlier versions kept aside ------------------
@dataclass
class WrittenBooks:
    folder: Path
    summary: Path
    books: dict[str, Path]  # coordinator → workbook
    moved: list[Path] = field(default_factory=list)  # earlier versions kept under 以前の版/


def book_targets(plan: AssignmentPlan, folder: Path) -> dict[str, Path]:
    """Coordinator → workbook path; names that become the same file name (「A/B」「A_B」) get 「(2)」."""
    out: dict[str, Path] = {}
    used: set[str] = {n.lower() for n in RESERVED_NAMES}
    for s in plan.shares:
        if not s.record_ids:
            continue
        path = book_path(folder, s.coordinator)
        n = 2
        while path.name.lower() in used:
            path = folder / f"{safe_filename(s.coordinator)}({n}).xlsx"
            n += 1
        used.add(path.name.lower())
        out[s.coordinator] = path
    return out


def write_plan(cat: Catalogue, plan: AssignmentPlan, folder: Path, *, issued_at: str | None = None,
               master_time: str | None = None) -> WrittenBooks:
    """Write 担当一覧.xlsx and one update workbook per coordinator with records; earlier files are kept aside."""
    folder.mkdir(parents=True, exist_ok=True)
    targets = book_targets(plan, folder)
    summary = folder / SUMMARY_NAME
    moved = _move_aside([summary, *targets.values()], folder)
    by_id = cat.by_id()
    issued_at = issued_at or plan.created
    master_time = master_time if master_time is not None else mtime_text(cat.path)
    # audit's value checks once for every record handed out (a Context per book cost more than the checks)
    doubts = doubtful_fields(cat, (by_id[r] for s in plan.shares if s.coordinator in targets for r in s.record_ids),
                             plan.as_of, columns=_columns_of(cat))
    # each book is zipped and written by one thread while the next is built (zlib lets go of the GIL); every
    # file is on disk when the block ends, before anyone confirms the books (a thread, no process: issue 11)
    with packing() as packer, collector_per_batch() as book_done:  # cycles collected once per book
        for share in plan.shares:
            if share.coordinator in targets:
                update_book_write.write_update_book(targets[share.coordinator], cat, plan, share,
                                                    [by_id[r] for r in share.record_ids], issued_at=issued_at,
                                                    master_time=master_time, doubts=doubts, packer=packer)
                book_done()
        write_summary(summary, cat, plan, targets, packer=packer)
    return WrittenBooks(folder, summary, targets, moved)


def _columns_of(cat: Catalogue) -> Any:
    """The columns ``cat``'s records were read from (``master_transaction(keep_columns=True)``), or None when
    there are none or they no longer match the records one for one (then the checks read the records)."""
    columns = cat.read_columns
    if columns is None or len(columns) != len(cat.records):
        return None
    ids = columns.values.get("id")
    if ids is None or any(map(str.__ne__, ids, (r.id for r in cat.records))):
        return None
    return columns


def mtime_text(path: Path) -> str:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    except OSError:
        return ""


def _move_aside(paths: Iterable[Path], folder: Path) -> list[Path]:
    """Existing files (perhaps already being filled in) go to 以前の版/<time>/ instead of being overwritten."""
    existing = [p for p in paths if p.exists()]
    if not existing:
        return []
    target = folder / OLD_FOLDER / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target.mkdir(parents=True, exist_ok=True)
    moved = []
    for p in existing:
        dest = target / p.name
        shutil.move(str(p), str(dest))
        moved.append(dest)
    return moved


def write_summary(path: Path, cat: Catalogue, plan: AssignmentPlan, books: dict[str, Path],
                  packer: Packing | None = None) -> None:
    """担当一覧.xlsx: per coordinator (genres, districts, count, share, file) and every record with its owner.

    The title states the plan's --as-of date (the day freshness was judged on); 最終確認日 is a date cell."""
    from .text import to_wareki

    tmp = tmp_path(path)
    wb = new_workbook(tmp)
    header = [*AssignmentPlan.HEADERS, "ファイル"]
    rows = [(*row, books[s.coordinator].name if s.coordinator in books else "(割り当てなし)")
            for row, s in zip(plan.to_rows(), plan.shares, strict=True)]
    rows.append(("合計", "", "", "", plan.total, "100.0%" if plan.total else "", plan.kept, ""))
    ratio = "—" if plan.ratio is None else f"{plan.ratio:.2f}"
    title = (f"{plan.year}年度 更新作業の担当一覧({plan.method_label}、{to_wareki(plan.as_of)}時点、{plan.created} 作成、"
             f"最多÷最少 = {ratio}" + ("、期限の近い資源のみ" if plan.only_due else "") + ")")
    xw_table_sheet(wb, "担当者別", header, rows, widths=[14, 8, 40, 30, 8, 8, 12, 18], title=title, right=(5,),
                   at_once=True)
    by_id = cat.by_id()
    owner = plan.owner_of()
    rec_header = ["ID", S.header("name"), S.header("genre"), S.header("district"), S.header("area"),
                  S.header("last_confirmed"), "担当者"]
    rec_rows = []
    for s in plan.shares:
        for rid in s.record_ids:
            get = by_id[rid].values.get
            rec_rows.append((rid, get("name", ""), get("genre", ""), get("district", ""), get("area", ""),
                             _confirmed_cell(get("last_confirmed", "")), owner[rid]))
    xw_table_sheet(wb, "資源別", rec_header, rec_rows, widths=[8, 30, 18, 10, 18, 12, 14], at_once=True)
    notes = [("continuity", plan.continuity, plan.kept)] if plan.continuity else []  # kept or not, and why
    notes += [(n.code, n.message, len(n.record_ids)) for n in plan.notes]
    if notes:
        xw_table_sheet(wb, "お知らせ", ["種類", "内容", "件数"], notes, widths=[18, 90, 8], at_once=True)
    atomic_close(wb, tmp, path, packer)


@lru_cache(maxsize=8192)
def _confirmed_cell(text: str) -> dt.date | str:
    """担当一覧's 最終確認日: a date cell when the text reads as a date (Record.date), else the text as it is —
    worked out once per distinct text."""
    return Record({"last_confirmed": text}).date("last_confirmed") or text


# --- the whole `shigen assign` ------------------------------------------------------------
@dataclass
class AssignResult:
    plan: AssignmentPlan
    written: WrittenBooks | None  # None with --dry-run
    replaced_year: bool  # the master already had a plan for this year (the new one is recorded after it)

    def to_dict(self) -> dict[str, object]:
        data = self.plan.to_dict()
        data["dry_run"] = self.written is None
        data["replaced_year"] = self.replaced_year
        if self.written:
            data["folder"] = str(self.written.folder)
            data["summary"] = str(self.written.summary)
            data["books"] = {k: str(v) for k, v in self.written.books.items()}
            data["moved"] = [str(p) for p in self.written.moved]
        return data


def run_assign(ws: Workspace, *, method: str, year: str, as_of: dt.date | None = None, only_due: bool = False,
               dry_run: bool = False, fresh: bool = False,
               warm_up: Sequence[Callable[[], object]] = ()) -> AssignResult:
    """Plan, write the workbooks, then record the plan in the master's 担当履歴 (one safe save).

    ``warm_up``: more one-time steps (the CLI's printing: rich's table and consoles) for the thread that imports
    what follows the load while the master is parsed; a step that fails is left for its real use to redo.

    One transaction: the master stays locked from reading to saving. The books are written first; 担当履歴
    records only the books confirmed written (each one exists and reopens), so a run that dies half way never
    leaves 担当履歴 naming a book nobody received. (The books used to be written by a second process beside the
    save; that cannot keep this order, and a child outliving a killed parent is worse than the seconds saved.)"""
    from .assign import plan_assignments
    from .master import clean_dead_temp_files, master_transaction, save_catalogue
    from .model import now_text

    # what the books and the save need, imported while python-calamine parses the master (issue 18)
    preloading = None if dry_run else Background(lambda: _preload(warm_up, ws.catalogue), name="shigen-preload")
    try:
        with master_transaction(ws.catalogue, write=not dry_run, keep_columns=not dry_run) as cat:
            if preloading is not None:
                preloading.result()  # an error of the thread is this command's error
            created = now_text()
            plan = plan_assignments(cat, method=method, year=year, as_of=as_of, only_due=only_due,
                                    created=created, fresh=fresh)
            replaced = any(a.year == year for a in cat.assignments)
            if dry_run or not plan.total:
                return AssignResult(plan, None, replaced)
            folder = plan_folder(ws, year)
            _refuse_open_files(cat.path, [folder / SUMMARY_NAME, *book_targets(plan, folder).values()])
            master_time = mtime_text(cat.path)
            if folder.is_dir():
                clean_dead_temp_files(folder)  # books of a run killed half way
            written = write_plan(cat, plan, folder, issued_at=created, master_time=master_time)
            confirmed = {name for name, path in written.books.items() if _book_ok(path)}
            cat.new_assignments.extend(a for a in plan.assignments() if a.coordinator in confirmed)
            cat.records_untouched = True  # planning and writing books never change a record
            save_catalogue(cat)
    finally:
        if preloading is not None:
            preloading.join()  # never left running, also when the load failed (its error is the one reported)
    return AssignResult(plan, written, replaced)


def _preload(warm_up: Sequence[Callable[[], object]], master: Path | None = None) -> None:
    """The thread's work: :func:`_import_what_follows_the_load`, the save's reading of the master's 設定
    (``xlsx_patch.read_settings_ahead``: ~0.1 s at 20,000 records, done while the master is parsed), then the
    caller's ``warm_up`` steps. A step that fails is left for its real use to redo (and report)."""
    _import_what_follows_the_load()
    if master is not None:
        from .xlsx_patch import read_settings_ahead

        with contextlib.suppress(Exception):
            read_settings_ahead(master)
    for step in warm_up:
        with contextlib.suppress(Exception):  # (done again, with its real error, where it is needed)
            step()


def _import_what_follows_the_load() -> None:
    """xlsxwriter and the fast classes (the books), audit's value checks and phonenumbers (doubtful_fields), the
    save's xlsx_patch and lxml, and SudachiPy's dictionary (the plan's 五十音順 of names without ふりがな): ~0.15 s
    (more when the dictionary is not in the page cache) that cost no wall time in a thread while python-calamine,
    which lets go of the GIL, parses the master. The dictionary is loaded even when every record has its ふりがな
    (not known before the master is read): ~0.06 s of the other core and ~45 MB."""
    import lxml.etree  # noqa: F401
    import phonenumbers  # noqa: F401

    from . import reading, xlsx_patch, xlsx_write  # noqa: F401
    from .audit import checks  # noqa: F401

    xlsx_write.preload()
    reading.available()  # loads the tokenizer once (None when SudachiPy is missing)


def _book_ok(path: Path) -> bool:
    """A written update workbook is there and is a complete xlsx."""
    try:
        with zipfile.ZipFile(path) as z:
            return "xl/workbook.xml" in z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def _refuse_open_files(master: Path, books: list[Path]) -> None:
    """Stop before writing anything when Excel has the master or one of the workbooks open."""
    from .errors import MasterBusyError
    from .master import excel_owner_files

    if excel_owner_files(master):
        raise MasterBusyError("台帳が Excel で開かれています。",
                              "Excel で台帳を閉じてから、もう一度実行してください(何も書き換えていません)。", path=master)
    for p in books:
        if excel_owner_files(p):
            raise MasterBusyError("更新用ブックが Excel で開かれています。",
                                  "このファイルを閉じてから、もう一度実行してください(何も書き換えていません)。", path=p)
