"""Matching imported records against the master and applying them (in memory).

A source record matches a master record
1. by ID — only when the source's ID column holds a shigen ID that exists in the master *and* the name,
   a phone number or the address agrees (another system's ID that merely looks like ours is never trusted);
2. else by the same 出典 (file:sheet:row) with the same name;
3. else by the normalised name (株式会社/(株)/㈱, width, spaces folded) together with the same phone
   number or the same address. A shared phone number alone is never a match.
Several candidates at one step → reported as 要確認, never guessed. Rows of the same run are never merged
with each other: the index holds only the records that were in the master before the run, and a master
record claimed by one row is not given to another.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..cells import cell_text
from ..model import Catalogue, HistoryEntry, Record, _id_number, format_id, now_text, today
from ..text import address_key, name_key
from .reading import SourceFile, read_file
from .records import read_paths
from .report import AMBIGUOUS, NEW, UNCHANGED, UPDATED, ImportResult, Outcome, ReadResult, ReadRow

if TYPE_CHECKING:
    from ..workspace import Workspace

COMMAND = "import"
NEVER_OVERWRITTEN = {"id", "source", "updated_at"}


def _phones(record: Record) -> set[str]:
    return {v for v in (record.get("phone"), record.get("mobile")) if v}


class _Index:
    def __init__(self, records: list[Record]) -> None:
        self.by_id: dict[str, Record] = {}
        self.by_source: dict[str, list[Record]] = defaultdict(list)
        self.by_name: dict[str, list[Record]] = defaultdict(list)
        for r in records:
            if r.id:
                self.by_id[r.id] = r
            if r.get("source"):
                self.by_source[r.get("source")].append(r)
            key = name_key(r.name)
            if key:
                self.by_name[key].append(r)


def _agrees(a: Record, b: Record) -> bool:
    if name_key(a.name) and name_key(a.name) == name_key(b.name):
        return True
    if _phones(a) & _phones(b):
        return True
    return bool(a.get("address")) and address_key(a.get("address")) == address_key(b.get("address"))


def find_match(row: ReadRow, index: _Index) -> tuple[str, list[Record], str]:
    """(how, candidates, note): one candidate = a match; several = ambiguous; none = new."""
    rec = row.record
    note = ""
    if row.shigen_id:
        master = index.by_id.get(row.shigen_id)
        if master is not None and _agrees(rec, master):
            return "ID", [master], ""
        if master is not None:
            note = f"ID {row.shigen_id} は台帳の別の資源({master.name})のもののため、照合に使いませんでした。"
    if not index.by_source and not index.by_name:  # an empty master (the first import): nothing to match by name
        return "", [], note
    key = name_key(rec.name)
    source = rec.get("source")
    if source and source in index.by_source:
        same = [m for m in index.by_source[source] if name_key(m.name) == key]
        if same:
            return "出典", same, note
    if key and key in index.by_name:
        phones = _phones(rec)
        addr = address_key(rec.get("address")) if rec.get("address") else ""
        by_phone = [m for m in index.by_name[key] if phones & _phones(m)]
        by_addr = [m for m in index.by_name[key] if addr and address_key(m.get("address")) == addr]
        found = list({id(m): m for m in by_phone + by_addr}.values())
        if found:
            how = "名称+電話" if by_phone else "名称+住所"
            return how, found, note
        same_name = "、".join(m.id for m in index.by_name[key][:5])
        note = (note + f"台帳に同じ名称の資源({same_name})がありますが、電話番号も住所も違うため新しい資源として入れました。"
                "同じものなら audit の重複の知らせで確かめてください。")
    return "", [], note


def apply_import(read: ReadResult, cat: Catalogue, *, by: str) -> ImportResult:
    """Match every read record against the master and apply new / changed ones to ``cat`` (not saved)."""
    result = ImportResult(read)
    index = _Index(cat.records)
    claimed: dict[int, str] = {}  # id(master record) → source of the row that took it
    stamp = now_text()
    day = today().isoformat()
    next_number = max([cat.last_id, *(_id_number(r.id) for r in cat.records)])
    for h in read.extra_columns:
        if h not in cat.extra_columns and h not in S.FIELD_BY_HEADER:
            cat.extra_columns.append(h)
    for row in read.rows:
        rec = row.record
        source = rec.get("source")
        how, candidates, note = find_match(row, index)
        outcome: Outcome
        if len(candidates) > 1:
            outcome = Outcome(row, AMBIGUOUS, candidates=[m.id for m in candidates], matched_by=how,
                              reason=f"{how}が一致する資源が台帳に複数あります。どれに当たるか確かめてください。")
        elif len(candidates) == 1 and id(candidates[0]) in claimed:
            master = candidates[0]
            outcome = Outcome(row, AMBIGUOUS, candidates=[master.id], matched_by=how,
                              reason=f"同じ取り込みの別の行({claimed[id(master)]})がすでにこの資源に一致しています。"
                                     "重複していないか確かめてください。")
        elif len(candidates) == 1:
            master = candidates[0]
            claimed[id(master)] = source
            if _master_is_newer(master, rec):
                outcome = Outcome(row, UNCHANGED, master.id, how, reason=(
                    f"台帳の最終確認日({master.get('last_confirmed')})のほうが一覧の確認日({rec.get('last_confirmed')})"
                    "より新しいため、書き換えませんでした。"))
            else:
                changes = _update(cat, master, row, how, by=by, stamp=stamp, day=day)
                outcome = Outcome(row, UPDATED if changes else UNCHANGED, master.id, how, changes, reason=note)
        else:
            next_number += 1
            # the values without empty ones (a row read has none, nearly always: then copied whole, in C)
            values = dict(rec.values) if all(rec.values.values()) else {k: v for k, v in rec.values.items() if v}
            if row.listed_source and row.listed_source != source:
                values["notes"] = "\n".join(x for x in (values.get("notes"), f"元の出典: {row.listed_source}") if x)
            values["id"] = format_id(next_number)
            values["updated_at"] = day
            record = Record(values, dict(rec.extra))
            cat.records.append(record)
            cat.last_id = next_number
            cat.new_history.append(HistoryEntry(stamp, by, COMMAND, record.id, "(新規登録)", "", record.name, source))
            outcome = Outcome(row, NEW, record.id, reason=note)
        result.outcomes.append(outcome)
        if row.report is not None:
            row.report.outcomes[outcome.status] += 1
    return result


def _master_is_newer(master: Record, rec: Record) -> bool:
    """An old list imported again must not undo what was confirmed since (both dates known, master's later)."""
    mine, theirs = master.date("last_confirmed"), rec.date("last_confirmed")
    return bool(mine and theirs and mine > theirs)


def _update(cat: Catalogue, master: Record, row: ReadRow, how: str, *, by: str, stamp: str,
            day: str) -> list[tuple[str, str, str]]:
    rec = row.record
    source = rec.get("source")
    changes: list[tuple[str, str, str]] = []
    for key in S.KEYS:
        if key in NEVER_OVERWRITTEN or key not in row.explicit:
            continue
        new = rec.get(key)
        old = master.get(key)
        if not new or new == old:
            continue
        if old and ((key == "name" and name_key(new) == name_key(old))
                    or (key == "address" and address_key(new) == address_key(old))):
            continue  # only spelled differently (㈱ / 株式会社, 1丁目2番 / 1-2): the master's spelling stays
        cat.set_value(master, key, new, command=COMMAND, by=by, source=source, when=stamp)
        changes.append((S.header(key), old, new))
    if not master.get("source") and source:
        cat.set_value(master, "source", source, command=COMMAND, by=by, source=source, when=stamp)
        changes.append((S.header("source"), "", source))
    for h, value in rec.extra.items():
        if how == "ID" and h == row.id_column:
            continue  # the master's own ID needs no 元のID column
        old = cell_text(master.extra.get(h))
        if value and value != old:
            master.extra[h] = value
            changes.append((h, old, value if isinstance(value, str) else cell_text(value)))
    if changes:
        master.values["updated_at"] = day
    return changes


def import_paths(paths: list[Path], cat: Catalogue, *, by: str, sheet: str | None = None, genre: str | None = None,
                 district: str | None = None, mapping: Path | None = None, skip_bad: bool = False,
                 read: Callable[[Path], SourceFile] = read_file) -> ImportResult:
    """read_paths + apply_import: the catalogue is changed in memory, nothing is written."""
    result = read_paths(paths, cat, sheet=sheet, genre=genre, district=district, mapping=mapping, skip_bad=skip_bad,
                        read=read)
    return apply_import(result, cat, by=by)


class WarmUp:
    """The one-time work of an import that does not depend on the input (:func:`_warm_up_steps`), done in a thread
    while the command's own thread reads the first input file (issue 18).

    python-calamine releases the GIL while it parses a workbook (20,000 rows: ~0.3 s; 200,000: ~2.7 s), so the
    steps run meanwhile on the other core. :meth:`read` stands in for :func:`.reading.read_file`; once the first
    file is read the thread is told to stop and waited for (it finishes the step it is in), so nothing it fills is
    used while it is still being filled. A step not done by then is done when it is needed, as before; a step that
    fails is left to fail there, with the usual message. The file is read by the command's thread itself, so the
    values it makes come from that thread's allocator (made in a thread, the freed memory of python-calamine's
    copy stayed with that thread's malloc arena: +45 MB at 20,000 rows, +140 MB at 200,000)."""

    def __init__(self, steps: Sequence[Callable[[], object]]) -> None:
        import threading

        from ..background import Background

        self._steps = list(steps)
        self._stop = threading.Event()
        self._thread = Background(self._run, name="shigen-warm-up")

    def _run(self) -> None:
        for step in self._steps:
            if self._stop.is_set():
                return
            try:
                step()
            except Exception:  # only caches: the step is done again where it is needed, and fails there if it must
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def read(self, path: Path) -> SourceFile:
        try:
            return read_file(path)
        finally:
            self.stop()


# the warm-up only when the first file is at least this big: a smaller one is parsed before the first step is done
# (a 1,500-row list, 0.2 MB, in ~0.03 s), and the command would wait for the step instead
WARM_UP_FROM = 1_000_000


def _first_file_size(paths: list[Path]) -> int:
    try:
        return Path(paths[0]).stat().st_size if paths and Path(paths[0]).is_file() else 0
    except OSError:
        return 0


def _warm_up_steps(cat: Catalogue, *, writing: bool) -> list[Callable[[], object]]:
    """The one-time work of an import that does not depend on the input, most valuable first: the modules that read
    a sheet (.layout, .values, .mapper, .columns: ~15 ms), the postal data's city index and the catalogue's own city
    (~0.1 s), phonenumbers' metadata, the modules that save and report (lxml, which the save reads the workbook's
    structure with: ~0.05 s).
    Each only fills caches: the results are the same whether or not it ran first."""
    import importlib
    from functools import partial

    from ..text import normalize_phone

    def postal() -> None:
        from ..postal import postal_data

        data = postal_data()
        if data is not None:
            municipality = cat.settings.municipality
            data.split_address("", municipality)  # the index of every city
            if municipality:
                data.code_for_address(municipality, municipality)  # the towns of the catalogue's own city

    # the sheet's modules first: needed as soon as the file is read (records imports them only then)
    steps: list[Callable[[], object]] = [partial(importlib.import_module, "shigen.importer.layout"), postal,
                                         lambda: normalize_phone("0479-62-1111", cat.settings.area_code)]
    if writing:
        steps += [partial(importlib.import_module, m) for m in ("shigen.xlsx_patch", "lxml.etree", "xlsxwriter")]
    return steps


def run_import(workspace: Workspace, paths: list[Path], *, by: str, sheet: str | None = None,
               genre: str | None = None, district: str | None = None, mapping: Path | None = None,
               skip_bad: bool = False, dry_run: bool = False, report: bool = True,
               warm_up: Sequence[Callable[[], object]] = ()) -> ImportResult:
    """The whole command: load the master, read, match, save (unless dry-run) and write the report.

    With ``dry_run`` nothing at all is written — neither the master nor the report. While the first input file is
    read, a thread does the one-time work (:class:`WarmUp`); ``warm_up`` are more steps for it (the CLI's printing).
    """
    from ..cyclegc import no_gc
    from ..master import master_transaction, save_catalogue
    from .report_book import report_name, write_report

    # the cycle collector paused: reading builds millions of small acyclic objects (cells, records), and every full
    # collection their allocation triggers walks all of them (200,000 rows: tens of seconds)
    with no_gc():
        warm: WarmUp | None = None
        try:
            with master_transaction(workspace.catalogue, write=not dry_run) as cat:  # locked from reading to saving
                big = _first_file_size(paths) >= WARM_UP_FROM
                warm = WarmUp([*_warm_up_steps(cat, writing=not dry_run), *warm_up] if big else [])
                result = import_paths(paths, cat, by=by, sheet=sheet, genre=genre, district=district,
                                      mapping=mapping, skip_bad=skip_bad, read=warm.read)
                result.dry_run = dry_run
                if dry_run:
                    return result
                if result.changed:
                    result.backup_path = save_catalogue(cat)
            if report:
                result.report_path = write_report(result, workspace.export_path(report_name()))
        finally:
            if warm is not None:
                warm.stop()  # never left running after the command (an error before the first file was read)
            _age_objects()
    return result


def _age_objects() -> None:
    """Every object made while the collector was paused moved to its oldest generation, without a collection.

    They were all still in the youngest: the first allocation after ``no_gc`` would walk every one of them (and the
    middle generation's next collection again) — 0.2 s after a 20,000-row import, 1.8 s after 200,000. Garbage among
    them is still found by the next full collection."""
    import gc

    gc.freeze()  # into the permanent generation …
    gc.unfreeze()  # … and back into the oldest one
