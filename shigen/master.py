"""Reading and writing the master catalogue workbook (workbooks/catalogue.xlsx).

Reads go through python-calamine (fast, read-only). Writes load the workbook with
openpyxl, change only shigen's own cells, write a temporary file beside the master
and atomically replace it, after a timestamped backup under ``.history/``. Columns
and sheets a user added by hand are left as they are.

Why this file is long (~1,100 lines): it is the one owner of every write of the master — reading, the lock and
transaction, limits, backup, atomic replace, 履歴 and the openpyxl save — kept together so no other module can write
the master a different way. What both saves share lives in :mod:`shigen.cells`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, islice, repeat
from pathlib import Path
from typing import Any, Literal

from . import cells
from . import schema as S
from .cells import REQUIRED_LABEL_CONTACT, cell_text, escape_x, excel_value, join_list, place_records, required_to_text
from .cyclegc import no_gc
from .errors import (
    InputError,
    MasterBusyError,
    MasterChangedError,
    UsageError,
    WriteError,
    master_writes,
    os_error_text,
)
from .model import (
    Assignment,
    Catalogue,
    Coordinator,
    District,
    Genre,
    HistoryEntry,
    Inquiry,
    Record,
    Settings,
    _id_number,
)
from .text import clean_text

HISTORY_KEEP = 30
LOCK_STALE_SECONDS = 3600
SETTING_LAST_ID = "最後に振ったID"
_LIST_SEP = ("、", ",", "，", "・", "/", "／", "\n", ";", "；")


# --- small parsing helpers ---------------------------------------------------------
def split_list(text: str) -> tuple[str, ...]:
    """「北部、中央」 / 「北部,中央」 / lines → ('北部', '中央')."""
    text = clean_text(text)
    for sep in _LIST_SEP[1:]:
        text = text.replace(sep, _LIST_SEP[0])
    return tuple(x.strip() for x in text.split(_LIST_SEP[0]) if x.strip())


def _split_words(text: str) -> tuple[str, ...]:
    """Like split_list but keeps ・ inside names (genre names contain it)."""
    text = clean_text(text)
    for sep in ("，", ",", "/", "／", "\n", ";", "；"):
        text = text.replace(sep, "、")
    return tuple(x.strip() for x in text.split("、") if x.strip())


def required_from_text(text: str) -> tuple[str, ...]:
    keys = []
    for label in _split_words(text):
        if label in (REQUIRED_LABEL_CONTACT, "連絡先（電話・携帯・メールのいずれか）"):
            keys.append("contact")
        elif label in S.FIELD_BY_HEADER:
            keys.append(S.FIELD_BY_HEADER[label].key)
    return tuple(keys)


# --- reading -----------------------------------------------------------------------
def _open_calamine(path: Path) -> Any:  # a CalamineWorkbook (python-calamine ships no type stubs)
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise UsageError(
            f"台帳ファイル {path} がありません。",
            "先に `shigen init` で作業フォルダーを作るか、--workspace / --catalogue で場所を指定してください。",
        )
    try:
        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise InputError(
            "台帳ファイルを読めません(壊れているか、Excel 形式ではありません)。",
            "workbooks/.history/ にある直前のバックアップを catalogue.xlsx として戻してください。",
            path=path,
        ) from exc


def _rows(wb: Any, name: str) -> list[list[Any]]:
    if name not in wb.sheet_names:
        return []
    return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _table(rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    if not rows:
        return [], []
    header = [cell_text(h) for h in rows[0]]
    body = [r for r in rows[1:] if any(v not in ("", None) for v in r)]
    return header, body


def _col(header: list[str], name: str) -> int | None:
    return header.index(name) if name in header else None


def _get(row: list[Any], idx: int | None) -> str:
    if idx is None or idx >= len(row):
        return ""
    return cell_text(row[idx])


def load_catalogue(path: Path, *, keep_columns: bool = False) -> Catalogue:
    """Read the master workbook into a Catalogue (fast: python-calamine).

    The catalogue remembers the file it was read from (size, time, hash): a later save refuses to replace a
    master that changed meanwhile. Refuses a master whose ID column is gone or that holds one ID twice.
    ``keep_columns``: ``cat.read_columns`` is the :class:`ResourceColumns` the records were made from (their
    values until a record is changed; a few MB per 20,000 records, so only for the command that asked)."""
    cat, columns = _load(path)
    with no_gc():
        cat.records = columns.records()
    if keep_columns:
        cat.read_columns = columns
    return cat


def load_catalogue_columns(path: Path, *, while_opening: Callable[[], object] | None = None,
                           while_reading: Callable[[Catalogue], object] | None = None,
                           ) -> tuple[Catalogue, ResourceColumns]:
    """:func:`load_catalogue` for a command that only reads the records: the catalogue without its records
    (``records`` is empty; settings, districts, genres… are read) and 資源一覧 as columns (no dict per record).

    While calamine opens the workbook and parses 資源一覧 (it lets go of the GIL: 4–5 s of a 200,000-record
    master), a background thread runs ``while_opening()`` (work that needs nothing of the master: imports) and,
    once the settings sheets are read, ``while_reading(cat)`` (work that needs only the settings). What they
    return is ignored; what they raise is raised here. The same master is read either way."""
    return _load(path, while_opening, while_reading)


def _load(path: Path, while_opening: Callable[[], object] | None = None,
          while_reading: Callable[[Catalogue], object] | None = None) -> tuple[Catalogue, ResourceColumns]:
    for _ in range(3):
        before = fingerprint(path) if path.exists() else None
        with no_gc():  # 200,000 rows and records: the collector's full passes over them cost more than building them
            cat, columns = _load_catalogue(path, while_opening, while_reading)
        after = path.stat() if before is not None else None
        if before is None or after is None or (after.st_size, after.st_mtime_ns) == (before.size, before.mtime_ns):
            cat.read_as = before
            _check_ids(columns.values.get("id", []), columns.rows, path)
            return cat, columns
    raise MasterBusyError("台帳が読み込み中に書き換えられ続けています。",
                          "Excel などで保存中でないか確かめてから、もう一度実行してください(何も書き換えていません)。",
                          path=path)


def _check_ids(ids: Sequence[str], rows: Sequence[int], path: Path) -> None:
    distinct = set(ids)
    if len(distinct) - ("" in distinct) == len(ids) - ids.count(""):  # no ID twice (counted in C)
        return
    seen: dict[str, int] = {}
    dup: list[tuple[str, int, int]] = []
    for rid, row in zip(ids, rows, strict=False):
        if not rid:
            continue
        first = seen.setdefault(rid, row)
        if first != row:
            dup.append((rid, first, row))
    if dup:
        shown = "、".join(f"{rid}({a} 行目と {b} 行目)" for rid, a, b in dup[:5])
        more = f" ほか {len(dup) - 5} 件" if len(dup) > 5 else ""
        raise InputError(
            f"シート『{S.SHEET_RESOURCES}』で同じ ID が2行にあります: {shown}{more}。",
            "ID は資源ごとに1つです。行をコピーしたのなら、コピーした行の ID を消すか(同じ資源なら1行にまとめて)"
            "直してから、もう一度実行してください。",
            path=path, sheet=S.SHEET_RESOURCES)


class _Helper:
    """Runs ``while_opening()`` and then ``while_reading(cat)`` in a :class:`~shigen.background.Background` thread
    while this thread has calamine open the workbook and parse 資源一覧 (calamine lets go of the GIL; the workbook's
    memory stays with this thread, whose freed memory the later Python objects reuse). What the callbacks raise is
    raised here (:meth:`finish`), after the thread ended."""

    def __init__(self, while_opening: Callable[[], object] | None,
                 while_reading: Callable[[Catalogue], object] | None) -> None:
        import threading

        from .background import Background

        self._opening, self._reading = while_opening, while_reading
        self._cat: Catalogue | None = None
        self._ready = threading.Event()
        self._thread = Background(self._run, name="shigen-prepare")

    def _run(self) -> None:
        if self._opening is not None:
            self._opening()
        self._ready.wait()
        if self._reading is not None and self._cat is not None:
            self._reading(self._cat)

    def reading(self, cat: Catalogue) -> None:
        """The settings are read: ``while_reading(cat)`` may start (once ``while_opening`` is done)."""
        self._cat = cat
        self._ready.set()

    def finish(self, *, failed: bool = False) -> None:
        """Wait for the thread; raise what a callback raised (not when this thread failed already)."""
        self._ready.set()  # (when the read failed before the settings: the thread ends without while_reading)
        if failed:
            self._thread.join()
        else:
            self._thread.result()


def _load_catalogue(path: Path, while_opening: Callable[[], object] | None = None,
                    while_reading: Callable[[Catalogue], object] | None = None) -> tuple[Catalogue, ResourceColumns]:
    helper = _Helper(while_opening, while_reading) if while_opening or while_reading else None
    failed = True
    try:
        wb = _open_calamine(path)
        if S.SHEET_RESOURCES not in wb.sheet_names:
            raise InputError(
                f"シート『{S.SHEET_RESOURCES}』がありません。",
                "shigen の台帳ではないか、シート名が変えられています。シート名を元に戻してください。",
                path=path,
            )
        cat = _settings_catalogue(wb, path)
        cat.assignments = _read_assignments(wb)
        cat.inquiries = read_inquiries(wb)
        if helper is not None:
            helper.reading(cat)
        sheet = wb.get_sheet_by_name(S.SHEET_RESOURCES)
        failed = False
    finally:
        if helper is not None:
            helper.finish(failed=failed)
    # The sheet holds its own cells: calamine's shared strings (a fifth of a 200,000-record master's memory) are
    # let go before the rows become Python objects, which then reuse that memory (peak of a messy 200,000-record
    # audit 1.15 → 0.94 GB while reading)
    close = getattr(wb, "close", None)  # (python-calamine 0.9.1 has it)
    if close is not None:
        close()
    del wb
    columns = _read_resources(sheet, path)
    cat.extra_columns = list(columns.extra_columns)
    cat.last_row = columns.rows[-1] if columns.rows else 0
    return cat, columns


@dataclass
class ResourceColumns:
    """The sheet 資源一覧 read column by column: what :class:`~shigen.model.Record` objects are made of.

    ``values[key][i]`` is the text of field ``key`` of the i-th record (exactly ``records[i].values[key]`` of
    :func:`load_catalogue`); ``keys`` are the fields the sheet has, in sheet order; ``rows[i]`` is the record's
    Excel row; ``extra[i]`` its user-added cells (non-empty ones, by header), or None when the sheet has no
    user-added column. A command that only reads (audit) works on these without a dict per record."""

    keys: list[str]
    values: dict[str, list[str]]
    rows: list[int]
    extra_columns: list[str]
    extra: list[dict[str, Any]] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def record(self, index: int) -> Record:
        """The Record of row ``index`` (a new object each time)."""
        values = self.values
        return Record({k: values[k][index] for k in self.keys},
                      dict(self.extra[index]) if self.extra is not None else {}, self.rows[index])

    def records(self) -> list[Record]:
        """Every Record, as :func:`load_catalogue` makes them (one dict per record, built in C)."""
        keys, n = self.keys, len(self.rows)
        cols = [self.values[k] for k in keys]
        dicts = map(dict, map(zip, repeat(keys), zip(*cols, strict=True))) if cols else ({} for _ in range(n))
        extras = (dict(e) for e in self.extra) if self.extra is not None else ({} for _ in range(n))
        return list(map(Record, dicts, extras, self.rows))


_CHUNK = 8192  # rows of the first chunk taken from calamine: how each column is read is decided on them
_STEP = 256  # rows of every later chunk: the Python rows of one chunk are dropped after it is transposed, and a
# small chunk's cells are still in the processor's cache when they are transposed and cleaned (200,000 records:
# 3.7 → 2.7 s with later chunks of 256 rows instead of 8,192)
_DEDUPE_BELOW = 0.5  # a column whose first chunk has fewer distinct values than this share is deduplicated as read
_KNOWN = 16384  # texts of dates and numbers kept per column from chunk to chunk (beyond: worked out per chunk)
_FEW = 4096  # a deduplicated column of at most this many distinct cells: each cell's text looked up by the cell


def _read_resources(sheet: Any, path: Path) -> ResourceColumns:
    """資源一覧 (calamine's sheet) column by column (its rows a chunk at a time; each column cleaned in one pass).

    Cell rule (as every command reads the master): text is stripped, a date cell becomes its ISO text
    (:func:`cells.cell_text`), a number its text, an empty cell ''. Rows whose cells are all empty are skipped.
    Repeated values of a column (区分, ジャンル, 地区, dates…) are kept as one object each: 200,000 records
    would otherwise hold 200,000 copies of 「配食」."""
    rows_iter = iter(sheet.iter_rows())
    first = next(rows_iter, None)
    header = [cell_text(h) for h in first] if first is not None else []
    mapping: list[tuple[int, str]] = []
    extras: list[tuple[int, str]] = []
    for i, h in enumerate(header):
        if h in S.FIELD_BY_HEADER:
            mapping.append((i, S.FIELD_BY_HEADER[h].key))
        elif h:
            extras.append((i, h))
    width = len(header)
    used = sorted({i for i, _ in mapping} | {i for i, _ in extras})
    raw: dict[int, list[Any]] = {i: [] for i in used}
    id_index = next((i for i, k in mapping if k == "id"), None)
    texts = {i for i, _ in mapping}  # field columns: their cells become text here (extra columns keep the value)
    seen: dict[int, dict[str, str] | None] = {}  # column → its distinct texts (None: not deduplicated)
    cleaned: dict[int, tuple[dict[str, str], dict[str, str]]] = {}  # column of few values → (cell → text, seen)
    mixed: dict[int, dict[Any, str]] = {}  # column that held a date or a number → its texts of such cells so far
    row_numbers: list[int] = []
    excel_row = 2
    size = _CHUNK
    while chunk := list(islice(rows_iter, size)):
        size = _STEP
        if set(map(len, chunk)) != {width}:  # calamine's rows are as wide as the sheet; pad or cut if not
            chunk = [(list(r) + [""] * width)[:width] for r in chunk]
        numbers: Sequence[int] = range(excel_row, excel_row + len(chunk))
        excel_row += len(chunk)
        columns = list(zip(*chunk, strict=True)) if width else []
        # empty rows (every cell '', as calamine gives an empty cell): only a row without an ID can be one
        maybe = range(len(chunk)) if id_index is None else [j for j, v in enumerate(columns[id_index]) if v == ""]
        empty = {j for j in maybe if chunk[j].count("") == width}
        if empty:
            keep = [j not in empty for j in range(len(chunk))]
            chunk = list(compress(chunk, keep))
            numbers = list(compress(numbers, keep))
            columns = list(zip(*chunk, strict=True)) if chunk else []
        del chunk
        if not columns:
            continue
        row_numbers.extend(numbers)
        for i in used:
            values: Sequence[Any] = columns[i]
            if i in texts:
                if i in cleaned:  # a column of few values: cell → its text, one look-up per cell in C
                    text_of, texts_seen = cleaned[i]
                    try:
                        raw[i].extend(list(map(text_of.__getitem__, values)))
                        continue
                    except KeyError:  # a cell not seen before
                        new = set(values).difference(text_of)
                        if len(text_of) + len(new) <= _FEW and all(type(v) is str for v in new):  # (True == 1)
                            for v in new:
                                text = v.strip()
                                text_of[v] = texts_seen.setdefault(text, text)
                            raw[i].extend(list(map(text_of.__getitem__, values)))
                            continue
                        del cleaned[i]
                if i in mixed:  # (a column that held a date or a number: its texts of those cells kept)
                    values = _column_text(values, mixed[i])
                else:
                    try:
                        values = list(map(str.strip, values))  # every cell text (most columns): stripped in C
                    except TypeError:  # a date or a number among them
                        mixed[i] = {}
                        values = _column_text(values, mixed[i])
                if i not in seen:
                    seen[i] = {} if len(set(values)) < _DEDUPE_BELOW * len(values) else None
                same = seen[i]
                if same is not None:
                    values = list(map(same.setdefault, values, values))
                    if len(same) <= _FEW // 4 and i not in cleaned and all(type(v) is str for v in columns[i]):
                        cleaned[i] = (dict(zip(columns[i], values, strict=True)), same)
            raw[i].extend(values)
        del columns
    if not any(k == "id" for _, k in mapping) and row_numbers:
        raise InputError(
            f"シート『{S.SHEET_RESOURCES}』の1行目に見出し『ID』の列がありません(削除されたか、見出しが変えられています)。",
            "ID がないと資源を見分けられません。列を元に戻すか、workbooks/.history/ の直前のバックアップを"
            "catalogue.xlsx として戻してから、もう一度実行してください。",
            path=path,
            sheet=S.SHEET_RESOURCES,
        )
    if not any(k == "name" for _, k in mapping):
        raise InputError(
            f"シート『{S.SHEET_RESOURCES}』の1行目に見出し『名称』がありません。",
            "1行目の見出しを元に戻してください。",
            path=path,
            sheet=S.SHEET_RESOURCES,
        )
    fields: dict[str, list[str]] = {}
    for i, key in mapping:  # a field written twice: the later column wins, at the first one's place (as a dict)
        fields[key] = raw[i]
    extra: list[dict[str, Any]] | None = None
    if extras:
        extra = [{} for _ in row_numbers]
        for i, h in extras:
            for record_extra, v in zip(extra, raw[i], strict=True):
                if v not in ("", None):
                    record_extra[h] = v
    return ResourceColumns(list(fields), fields, row_numbers, [h for _, h in extras], extra)


def _column_text(column: Sequence[Any], known: dict[Any, str] | None = None) -> list[str]:
    """The text of each cell of a column (:func:`_read_resources`' rule) that holds dates or numbers: worked out
    once per distinct value (dates repeat: 最終確認日, 更新日), and — with ``known``, kept by the caller from chunk
    to chunk — once per column."""
    if bool in set(map(type, column)):  # True == 1 as a dict key, and their texts differ: one by one
        return [v.strip() if type(v) is str else cell_text(v) for v in column]
    # equal keys give equal texts (1 and 1.0 → '1'; a date never equals a datetime or a text)
    text_of = {} if known is None or len(known) > _KNOWN else known  # (a column of dates, not of 200,000 numbers)
    for v in set(column).difference(text_of):
        text_of[v] = v.strip() if type(v) is str else cell_text(v)
    return list(map(text_of.__getitem__, column))


def _read_districts(wb: Any) -> list[District]:
    header, body = _table(_rows(wb, S.SHEET_DISTRICTS))
    c_name, c_tier, c_towns, c_note, c_near = (_col(header, h) for h in S.DISTRICT_HEADERS)
    out = []
    for row in body:
        name = _get(row, c_name)
        if name:
            out.append(District(name, _get(row, c_tier) or S.TIER_2, split_list(_get(row, c_towns)), _get(row, c_note),
                                split_list(_get(row, c_near))))
    return out


def _read_genres(wb: Any) -> list[Genre]:
    header, body = _table(_rows(wb, S.SHEET_GENRES))
    c_name, c_order, c_req, c_syn, c_desc = (_col(header, h) for h in S.GENRE_HEADERS)
    out = []
    for i, row in enumerate(body):
        name = _get(row, c_name)
        if not name:
            continue
        try:
            order = int(float(_get(row, c_order) or i + 1))
        except ValueError:
            order = i + 1
        req_text = _get(row, c_req)
        required = required_from_text(req_text) if req_text else Genre(name).required
        out.append(Genre(name, order, required, _split_words(_get(row, c_syn)), _get(row, c_desc)))
    return out


def _read_coordinators(wb: Any) -> list[Coordinator]:
    header, body = _table(_rows(wb, S.SHEET_COORDINATORS))
    c_name, c_tier, c_dist, c_genre, c_active, c_note = (_col(header, h) for h in S.COORDINATOR_HEADERS)
    out = []
    for row in body:
        name = _get(row, c_name)
        if not name:
            continue
        active_text = _get(row, c_active)
        active = (not active_text) or active_text in S.ACTIVE_WORDS
        out.append(Coordinator(name, _get(row, c_tier) or S.TIER_2, split_list(_get(row, c_dist)),
                               _split_words(_get(row, c_genre)), active, _get(row, c_note)))
    return out


def _read_settings(wb: Any) -> tuple[Settings, int]:
    header, body = _table(_rows(wb, S.SHEET_SETTINGS))
    c_key, c_val = _col(header, S.SETTING_HEADERS[0]), _col(header, S.SETTING_HEADERS[1])
    values = {k: v for k, (v, _) in S.SETTING_DEFAULTS.items()}
    last_id = 0
    for row in body:
        key = _get(row, c_key)
        if key == SETTING_LAST_ID:
            last_id = _id_number(_get(row, c_val))
        elif key:
            values[key] = _get(row, c_val)
    return Settings(values), last_id


def _read_assignments(wb: Any) -> list[Assignment]:
    header, body = _table(_rows(wb, S.SHEET_ASSIGNMENTS))
    cols = [_col(header, h) for h in S.ASSIGNMENT_HEADERS]
    return [Assignment(*(_get(row, c) for c in cols)) for row in body]


def read_inquiries(wb: Any) -> list[Inquiry]:
    """The sheet 照会 (`shigen letters`), in order; empty when the master has none yet. 照会日 and 回答日 typed by
    hand in Excel (real dates or 2027/5/10, 令和9年5月10日 …) come back as ISO text."""
    from .text import parse_date

    header, body = _table(_rows(wb, S.SHEET_INQUIRIES))
    cols = [_col(header, h) for h in S.INQUIRY_HEADERS]
    out = []
    for row in body:
        values = [_get(row, c) for c in cols]
        if not values[0]:
            continue
        for i in (2, 4):  # 照会日, 回答日
            if values[i]:
                day = parse_date(values[i][:10]) or parse_date(values[i])
                values[i] = day.isoformat() if day else values[i]
        out.append(Inquiry(*values))
    return out


# --- locking, backup, atomic replace -------------------------------------------------
log = logging.getLogger("shigen")

written_masters = master_writes  # masters replaced by this process (errors.master_writes)


@dataclass(frozen=True)
class Fingerprint:
    """What the master looked like when a command read it: size, modification time and a content hash."""

    size: int
    mtime_ns: int
    sha256: str


def fingerprint(path: Path) -> Fingerprint | None:
    import hashlib

    try:
        st = path.stat()
        h = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except FileNotFoundError:
        return None
    return Fingerprint(st.st_size, st.st_mtime_ns, h.hexdigest())


def _office_owner(owner: Path) -> str:
    """Who has the workbook open, from Excel's ~$ file or LibreOffice's .~lock file (best effort)."""
    try:
        data = owner.read_bytes()[:512]
    except OSError:
        return ""
    if owner.name.startswith(".~lock."):  # LibreOffice: 「user,host,profile,date,…」
        fields = data.decode("utf-8", "replace").split(",")
        return fields[0].strip() if fields and fields[0].strip() else ""
    # Excel: a length byte then the user name (Latin-1), sometimes followed by UTF-16
    if data:
        n = data[0]
        name = data[1:1 + n].decode("latin-1", "replace").strip("\x00 ")
        return name if name.isprintable() else ""
    return ""


def excel_owner_files(path: Path) -> list[Path]:
    """The owner files that exist while the workbook is open: Excel's ``~$name`` and LibreOffice's ``.~lock.name#``."""
    candidates = {path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:]),
                  path.with_name(f".~lock.{path.name}#")}
    return sorted(p for p in candidates if p.exists())


def refuse_if_open(path: Path, what: str = "台帳") -> None:
    """MasterBusyError when Excel or LibreOffice has ``path`` open (nothing has been written yet)."""
    owners = excel_owner_files(path)
    if not owners:
        return
    owner = owners[0]
    app = "LibreOffice" if owner.name.startswith(".~lock.") else "Excel"
    who = _office_owner(owner)
    by = f"({who} さん)" if who else ""
    raise MasterBusyError(
        f"{what}が {app} で開かれています{by}。",
        f"{app} で閉じてから、もう一度実行してください(何も書き換えていません)。"
        f"開いていないのに続く場合は、{app} が残した {owner.name} を削除してください。",
        path=path,
    )


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


_HELD: dict[str, int] = {}  # locks this process holds (resolved path → depth): save inside a transaction
LOCK_YOUNG_SECONDS = 30  # an unreadable lock younger than this is being written by its owner right now


def _host() -> str:
    import socket

    try:
        return socket.gethostname()
    except OSError:
        return ""


def _proc_start(pid: int) -> str:
    """The kernel's start time of a process (Linux /proc; '' elsewhere): tells a reused PID apart."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19] if ")" in stat else ""


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer (Windows: OpenProcess; never os.kill there)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # (mypy checks this branch only when it checks for Windows)
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _lock_info() -> dict[str, Any]:
    import sys

    pid = os.getpid()
    command = " ".join(Path(sys.argv[0]).name.split()[:1] + sys.argv[1:2]) if sys.argv else ""
    return {"pid": pid, "host": _host(), "started": dt.datetime.now().isoformat(timespec="seconds"),
            "proc_start": _proc_start(pid), "command": command}


def read_lock(lock: Path) -> dict[str, Any] | None:
    """The holder written in a lock file: pid, host, started (None when unreadable or in the old form)."""
    import json

    try:
        text = lock.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        info = json.loads(text)
    except ValueError:
        return None
    return info if isinstance(info, dict) and isinstance(info.get("pid"), int) else None


def _lock_age(lock: Path) -> float:
    try:
        return time.time() - lock.stat().st_mtime
    except OSError:
        return 0.0


def _stale(lock: Path, info: dict[str, Any] | None) -> bool:
    """A lock whose process is gone (this computer), or an unreadable one left long ago."""
    if info is None:  # empty (its writer died at once) or written by an older shigen ("pid time")
        try:
            empty = lock.stat().st_size == 0
        except OSError:
            return False
        return _lock_age(lock) > (LOCK_YOUNG_SECONDS if empty else LOCK_STALE_SECONDS)
    if info.get("host") != _host():
        return False  # another computer's process: honoured, named in the message
    pid = int(info["pid"])
    if pid == os.getpid():
        return str(_lock_path_key(lock)) not in _HELD  # our own PID from an earlier life of the PID
    if not pid_alive(pid):
        return True
    start = info.get("proc_start") or ""
    return bool(start) and bool(_proc_start(pid)) and _proc_start(pid) != start  # the PID was reused


def _lock_path_key(lock: Path) -> str:
    try:
        return str(lock.resolve())
    except OSError:
        return str(lock.absolute())


def _holder_text(info: dict[str, Any] | None) -> str:
    if not info:
        return ""
    parts = [f"PID {info.get('pid')}"]
    if info.get("host"):
        parts.append(f"コンピューター {info['host']}")
    if info.get("started"):
        parts.append(f"開始 {str(info['started']).replace('T', ' ')}")
    if info.get("command"):
        parts.append(f"コマンド {info['command']}")
    return "(" + "、".join(parts) + ")"


def _take_over(lock: Path, info: dict[str, Any] | None) -> bool:
    """Remove a stale lock, guarded so that two takers never both succeed. True when removed."""
    guard = lock.with_name(lock.name + ".takeover")
    try:
        gfd = os.open(guard, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        if _lock_age(guard) > LOCK_YOUNG_SECONDS:  # a taker died inside this block
            with contextlib.suppress(OSError):
                guard.unlink()
        return False
    try:
        os.close(gfd)
        now = read_lock(lock)
        if now != info or not _stale(lock, now):
            return False  # someone else took it over meanwhile
        lock.unlink()
    except FileNotFoundError:
        pass
    finally:
        with contextlib.suppress(OSError):
            guard.unlink()
    log.warning("前回の shigen%s は終了しています。残っていた書き込みロックを引き継ぎました。", _holder_text(info))
    return True


def _acquire(path: Path, lock: Path) -> None:
    import json

    mine = json.dumps(_lock_info(), ensure_ascii=False)
    for _ in range(5):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            info = read_lock(lock)
            if _stale(lock, info):
                _take_over(lock, info)
                continue
            _busy(path, lock, info)
        else:
            try:
                try:
                    os.write(fd, mine.encode("utf-8"))
                finally:
                    os.close(fd)
            except OSError:  # disk full: no half-written lock is left behind
                with contextlib.suppress(OSError):
                    lock.unlink()
                raise
            return
    _busy(path, lock, read_lock(lock))


def _busy(path: Path, lock: Path, info: dict[str, Any] | None) -> None:
    if info and info.get("host") and info.get("host") != _host():
        raise MasterBusyError(
            f"別のコンピューターの shigen が台帳を書き込み中です{_holder_text(info)}。",
            "そのコンピューターの処理が終わるのを待ってから、もう一度実行してください。"
            f"そのコンピューターで shigen が動いていないことが確かなときだけ、{lock.name} を削除してください。",
            path=path,
        )
    raise MasterBusyError(
        f"別の shigen コマンドが台帳を書き込み中です{_holder_text(info)}。",
        f"終わるのを待ってから、もう一度実行してください(何も書き換えていません)。"
        f"動いていないのに続く場合は {lock.name} を削除してください。",
        path=path,
    )


def _temp_files(path: Path) -> list[Path]:
    return list(path.parent.glob(f".{path.stem}.tmp-*{path.suffix}"))


def clean_dead_temp_files(folder: Path) -> None:
    """``.<name>.tmp-<pid>.xlsx`` files in ``folder`` whose process is gone (killed before its rename)."""
    for tmp in folder.glob(".*.tmp-*.xlsx"):
        m = re.search(r"\.tmp-(\d+)\.xlsx$", tmp.name)
        if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _clean_dead_temps(path: Path) -> None:
    """Temp files of runs that died before their replace (only called with the lock held: none is in use)."""
    own = f".{path.stem}.tmp-{os.getpid()}{path.suffix}"
    for tmp in _temp_files(path):
        if tmp.name != own:
            with contextlib.suppress(OSError):
                tmp.unlink()
                log.info("前回の途中で残った一時ファイル %s を削除しました。", tmp.name)


@contextlib.contextmanager
def master_lock(path: Path) -> Iterator[None]:
    """Refuse when Excel/LibreOffice has the master open or another shigen command holds it; else hold it.

    Re-entrant within one process: ``save_catalogue`` inside ``master_transaction`` keeps the same lock."""
    lock = _lock_path(path)
    key = _lock_path_key(lock)
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    refuse_if_open(path)
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        _acquire(path, lock)
    except OSError as exc:
        what, todo = os_error_text(exc)
        raise WriteError(f"台帳のロック {lock.name} を作れません({what})。", todo + "(何も書き換えていません)",
                         path=path) from exc
    _HELD[key] = 1
    try:
        _clean_dead_temps(path)
        yield
    finally:
        del _HELD[key]
        info = read_lock(lock)
        if info is None or (info.get("pid") == os.getpid() and info.get("host") == _host()):
            with contextlib.suppress(OSError):
                lock.unlink()


@contextlib.contextmanager
def master_transaction(path: Path, *, write: bool = True, keep_columns: bool = False) -> Iterator[Catalogue]:
    """One command's whole use of the master: lock, read, (change, save) — the lock is held throughout.

    With ``write=False`` (dry runs) the master is only read and no lock is taken. ``keep_columns``: see
    :func:`load_catalogue`."""
    if not write:
        yield load_catalogue(path, keep_columns=keep_columns)
        return
    with master_lock(path):
        yield load_catalogue(path, keep_columns=keep_columns)


def _verify_unchanged(cat: Catalogue, path: Path) -> None:
    """The master must still be the file ``cat`` was read from (an edit saved in Excel meanwhile is never lost)."""
    read_as = cat.read_as
    if not isinstance(read_as, Fingerprint):  # None: not read from a file
        return
    try:
        st = path.stat()
    except FileNotFoundError:
        raise MasterChangedError("台帳ファイルが、読み込んだあとで削除または移動されました。",
                                 "台帳を元の場所に戻してから、もう一度実行してください(何も書き換えていません)。",
                                 path=path) from None
    same = st.st_size == read_as.size and st.st_mtime_ns == read_as.mtime_ns
    if same:
        now = fingerprint(path)
        same = now is not None and now.sha256 == read_as.sha256
    if not same:
        raise MasterChangedError(
            "台帳が、このコマンドが読み込んだあとで書き換えられました(Excel で保存したなど)。",
            "その変更を守るため、何も書き換えていません。Excel を閉じてから、もう一度実行してください。",
            path=path)


def history_dir(path: Path) -> Path:
    return path.parent / ".history"


def backup(path: Path, keep: int | None = None, expected: Fingerprint | None = None) -> Path | None:
    """Copy the current master to .history/<stem>_<timestamp>.xlsx, check the copy, keep the newest ``keep`` (30).

    The copy is compared with the master byte for byte (size and SHA-256) and opened as a zip; a copy that fails
    is removed and the write refused (WriteError), so the newest backup is always a good one."""
    import zipfile

    keep = HISTORY_KEEP if keep is None else keep
    if not path.exists():
        return None
    folder = history_dir(path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}_{stamp}{path.suffix}"
    source = expected or fingerprint(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        _fsync(target)
        copy = fingerprint(target)
        ok = copy is not None and source is not None and (copy.size, copy.sha256) == (source.size, source.sha256)
        if ok:
            with zipfile.ZipFile(target) as z:
                ok = "xl/workbook.xml" in z.namelist()
    except (OSError, zipfile.BadZipFile) as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        if isinstance(exc, OSError):
            what, todo = os_error_text(exc)
        else:
            what, todo = "コピーが壊れていました", "ディスクの状態を確かめてから、もう一度実行してください。"
        raise WriteError(f"台帳のバックアップを {folder} に作れませんでした({what})。",
                         todo + "台帳は書き換えていません(元のまま)。", path=path) from exc
    if not ok:
        with contextlib.suppress(OSError):
            target.unlink()
        raise WriteError(f"台帳のバックアップを {folder} に作れませんでした(コピーが元と一致しません)。",
                         "ディスクの空きと状態を確かめてから、もう一度実行してください。台帳は書き換えていません(元のまま)。",
                         path=path)
    copies = sorted(folder.glob(f"{path.stem}_*{path.suffix}"))
    for old in copies[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def _fsync(path: Path) -> None:
    """Flush a written file to the disk (a power cut after the replace must not leave an empty master)."""
    with contextlib.suppress(OSError), path.open("rb+") as fh:
        os.fsync(fh.fileno())


def _replace(tmp: Path, path: Path) -> None:
    tmp.replace(path)  # atomic on Windows and POSIX alike


def atomic_save(workbook: Any, path: Path) -> None:
    """Save an openpyxl workbook to a temp file beside ``path`` and atomically replace it."""
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        workbook.save(tmp)
        _fsync(tmp)
        _replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


# --- writing -----------------------------------------------------------------------

CELL_LIMIT = 32_767  # Excel's characters per cell
SAVE_FIELD = "(保存方法)"  # the 履歴 row of each write: which path saved it
SAVE_COMMAND = "保存"


def save_catalogue(cat: Catalogue) -> Path | None:
    """Write every change of ``cat`` to its master safely. Returns the backup's path.

    Under the lock (re-entrant: a command's ``master_transaction`` already holds it): refuse when the master is
    not the file ``cat`` was read from; check Excel's limits; write a complete new workbook beside the master
    (fast XML path, else openpyxl); back up the current master (verified); re-check; atomically replace."""
    path = cat.path
    _check_limits(cat)
    with master_lock(path):
        _verify_unchanged(cat, path)
        replaced = False
        try:
            saved, how = _save_locked(cat, path)
            replaced = True
            written_masters.append(path)
            cat.read_as = fingerprint(path)
        except OSError as exc:
            what, todo = os_error_text(exc)
            state = ("台帳は保存済みです。" if replaced else "台帳は書き換えていません(元のまま)。")
            raise WriteError(f"{exc.filename or path} に書き込めませんでした({what})。", todo + state,
                             path=path, master_written=replaced) from exc
    log.debug("台帳を保存しました(%s)。", how)
    cat.assignments.extend(cat.new_assignments)
    cat.new_assignments.clear()
    cat.new_history.clear()
    _inquiries_saved(cat)
    cat.settings_changed = False
    cat.records_untouched = False  # a promise for one save only
    return saved


def _save_note(cat: Catalogue, how: str) -> HistoryEntry:
    from .model import now_text

    last = cat.new_history[-1] if cat.new_history else None
    command = last.command if last else ("assign" if cat.new_assignments else "")
    when = last.when if last else now_text()  # the same moment as the changes it saved
    # コマンド 「保存」 (rows of a command's changes stay countable by its name); 出典 names the command saved
    return HistoryEntry(when, last.by if last else "", SAVE_COMMAND, "", SAVE_FIELD, "", how, command)


def _save_locked(cat: Catalogue, path: Path) -> tuple[Path | None, str]:
    from . import xlsx_patch

    note = _save_note(cat, "高速保存")
    cat.new_history.append(note)
    try:
        saved = _save_fast(cat, path)
        if saved is not False:
            return saved, note.new
        note.new = f"openpyxl({xlsx_patch.last_reason})"[:200]
        log.debug("高速保存を使えませんでした: %s", xlsx_patch.last_reason)
        import openpyxl  # only the slow path needs it (with numpy it costs ~0.2 s to import)

        try:
            wb = openpyxl.load_workbook(path)
        except FileNotFoundError:
            raise UsageError(f"台帳ファイル {path} がありません。", "先に `shigen init` を実行してください。") from None
        except Exception as exc:
            raise InputError("台帳ファイルを開けません。", "Excel で開けるか確かめてください。", path=path) from exc
        _write_resources(wb, cat)
        if cat.settings_changed:
            _write_settings_sheets(wb, cat)
        _write_setting_value(wb, SETTING_LAST_ID, f"S{cat.last_id:05d}" if cat.last_id else "",
                             "IDを再利用しないための記録です。変更しないでください")
        _append(wb, S.SHEET_HISTORY, S.HISTORY_HEADERS, [h.to_row() for h in cat.new_history], path)
        _append(wb, S.SHEET_ASSIGNMENTS, S.ASSIGNMENT_HEADERS, [a.to_row() for a in cat.new_assignments], path)
        _append(wb, S.SHEET_INQUIRIES, S.INQUIRY_HEADERS, [q.to_row() for q in cat.new_inquiries], path)
        tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
        try:
            wb.save(tmp)
            wb.close()
            _fsync(tmp)
            saved = _backup_and_replace(cat, tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        return saved, note.new
    except BaseException:
        with contextlib.suppress(ValueError):
            cat.new_history.remove(note)
        raise


def _backup_and_replace(cat: Catalogue, tmp: Path, path: Path) -> Path | None:
    """The new version is complete in ``tmp``: back up the master (verified), re-check it, replace it."""
    _verify_unchanged(cat, path)
    saved = backup(path, expected=cat.read_as if isinstance(cat.read_as, Fingerprint) else None)
    _verify_unchanged(cat, path)
    _replace(tmp, path)
    return saved


def _check_limits(cat: Catalogue) -> None:
    """Refuse (before writing anything) what Excel cannot hold; warn when a sheet nears Excel's row limit."""
    half = CELL_LIMIT // 2
    for r in cat.records:
        if max(map(len, r.values.values()), default=0) <= half and not r.extra:
            continue  # the common case, checked in C
        for key, v in r.values.items():
            if len(v) > half and _excel_len(v) > CELL_LIMIT:
                raise InputError(
                    f"ID {r.id or '(なし)'}『{r.name}』の『{S.header(key)}』が {_excel_len(v):,} 文字あり、"
                    f"Excel の1つのセルに入る {CELL_LIMIT:,} 文字を超えています。",
                    "取り込む一覧の該当のセルを短くするか、分けてから、もう一度実行してください(何も書き換えていません)。",
                    path=cat.path, sheet=S.SHEET_RESOURCES)
        for h, cell in r.extra.items():
            if isinstance(cell, str) and len(cell) > half and _excel_len(cell) > CELL_LIMIT:
                raise InputError(
                    f"ID {r.id or '(なし)'}の列『{h}』が Excel の1つのセルに入る {CELL_LIMIT:,} 文字を超えています。",
                    "そのセルを短くしてから、もう一度実行してください(何も書き換えていません)。",
                    path=cat.path, sheet=S.SHEET_RESOURCES)
    rows = max((r.row or 0 for r in cat.records), default=1) + sum(1 for r in cat.records if not r.row)
    if rows > cells.ROW_LIMIT:
        raise InputError(
            f"シート『{S.SHEET_RESOURCES}』が Excel の上限 {cells.ROW_LIMIT:,} 行を超えてしまいます({rows:,} 行)。",
            "休止・廃止の資源を別のブックへ移すなどして行を減らしてから、もう一度実行してください(何も書き換えていません)。",
            path=cat.path, sheet=S.SHEET_RESOURCES)
    if rows > cells.ROW_LIMIT * cells.ROW_WARN:
        log.warning("シート『%s』が %s 行になりました。Excel の上限 %s 行に近づいています。", S.SHEET_RESOURCES,
                    f"{rows:,}", f"{cells.ROW_LIMIT:,}")


def _excel_len(text: str) -> int:
    """Characters as Excel counts them (UTF-16 code units: an emoji counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _inquiries_saved(cat: Catalogue) -> None:
    cat.inquiries.extend(cat.new_inquiries)
    cat.new_inquiries.clear()


def _save_fast(cat: Catalogue, path: Path) -> Path | None | Literal[False]:
    """The xlsx_patch fast path (XML-level). False when it does not apply: the caller then uses openpyxl."""
    from . import xlsx_patch
    from .errors import ShigenError

    xlsx_patch.last_path = "openpyxl"
    if not path.exists():
        xlsx_patch.last_reason = "no master yet"
        return False
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        xlsx_patch.write_patched(cat, path, tmp)
    except (ShigenError, OSError):
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    except Exception as exc:  # anything unexpected in the workbook: the openpyxl path does it (named in 履歴)
        xlsx_patch.last_reason = f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    xlsx_patch.last_path = "fast"
    xlsx_patch.last_reason = ""
    try:
        _fsync(tmp)
        saved = _backup_and_replace(cat, tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return saved


def _write_resources(wb: Any, cat: Catalogue) -> None:
    from openpyxl.utils import get_column_letter

    date1904 = getattr(wb, "epoch", None) is not None and wb.epoch.year == 1904
    ws = wb[S.SHEET_RESOURCES]
    header = [cell_text(c.value) for c in ws[1]] if ws.max_row >= 1 else []
    while header and not header[-1]:
        header.pop()
    col_of: dict[str, int] = {}
    for i, h in enumerate(header, start=1):
        if h in S.FIELD_BY_HEADER:
            col_of[S.FIELD_BY_HEADER[h].key] = i
        elif h:
            col_of["extra:" + h] = i
    next_col = len(header) + 1
    for f in S.FIELDS:  # a schema column the user deleted comes back at the end
        if f.key not in col_of:
            ws.cell(row=1, column=next_col, value=f.header)
            col_of[f.key] = next_col
            next_col += 1
    for h in cat.extra_columns:  # extra columns brought in by import
        if "extra:" + h not in col_of:
            ws.cell(row=1, column=next_col, value=h)
            col_of["extra:" + h] = next_col
            next_col += 1

    old_max = ws.max_row
    id_col = col_of["id"]
    id_at = {r: cell_text(ws.cell(row=r, column=id_col).value) for r in range(2, old_max + 1)}
    placed = place_records(cat.records, id_at, cat.last_row)
    date_cols = {col_of[k] for k in S.DATE_KEYS}
    text_cols = {col_of[k] for k in (*S.PHONE_KEYS, "postal_code", "id")}
    key_cols = [(k, col_of[k]) for k in S.KEYS]
    for r, record in placed.items():
        fresh = record.row != r
        for key, c in key_cols:
            value = excel_value(key, record.values.get(key, ""), date1904) or None
            if isinstance(value, str):
                value = escape_x(value)
            if value is None and r > old_max:
                continue  # nothing to clear in a new row; its empty cells take the column's format (set by init)
            cell = ws.cell(row=r, column=c)
            if cell.value != value or (isinstance(value, dt.date) and not isinstance(cell.value, dt.date)):
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text begins with
                if isinstance(value, dt.date) and not cell.is_date:
                    cell.number_format = "yyyy/mm/dd"
            if r > old_max:
                if c in date_cols:
                    cell.number_format = "yyyy/mm/dd"
                elif c in text_cols:
                    cell.number_format = "@"
        for h, value in record.extra.items():
            extra_col = col_of.get("extra:" + h)
            if extra_col is not None:
                cell = ws.cell(row=r, column=extra_col)
                if fresh or not _same_value(cell.value, value):
                    cell.value = escape_x(value) if isinstance(value, str) else value
                    if isinstance(value, str):
                        cell.data_type = "s"
                    elif isinstance(value, (int, float)) and not isinstance(value, bool) and cell.is_date:
                        cell.number_format = "General"  # a number put where a date was: shown as the number
        record.row = r
    cells = ws._cells  # only cells that exist (ws.cell would create one per blank position)
    for r in range(2, old_max + 1):  # rows of records no longer in the catalogue are cleared (styles stay)
        if r not in placed:
            for c in range(1, next_col):
                cell = cells.get((r, c))
                if cell is not None:
                    cell.value = None
    last = max(max(placed, default=1), 2)
    ref = f"A1:{get_column_letter(max(next_col - 1, 1))}{last}"
    if ws.tables:  # an Excel table (Insert → Table): its range follows the data; no second filter over it
        for table in ws.tables.values():
            start, _, end = table.ref.partition(":")
            if _row_of(start) == 1:
                table.ref = f"{start}:{re.sub(r'[0-9]+$', '', end or start)}{last}"
                if table.autoFilter is not None:
                    table.autoFilter.ref = table.ref
        ws.auto_filter.ref = None
    else:
        ws.auto_filter.ref = ref


def _row_of(ref: str) -> int:
    m = re.search(r"[0-9]+$", ref)
    return int(m.group(0)) if m else 0


def _same_value(old: Any, new: Any) -> bool:
    """A user cell as openpyxl reads it equals the value calamine read for it (types differ: datetime vs date)."""
    if isinstance(new, str):
        return isinstance(old, str) and old == escape_x(new)
    if isinstance(old, dt.datetime) and type(new) is dt.date:
        return old == dt.datetime.combine(new, dt.time())
    if isinstance(new, bool) or isinstance(old, bool):
        return old is new
    return type(old) is type(new) and old == new or (
        isinstance(old, (int, float)) and isinstance(new, (int, float)) and float(old) == float(new))


def _write_settings_sheets(wb: Any, cat: Catalogue) -> None:
    """Rewrite 地区 / ジャンル / コーディネーター / 設定 from the Catalogue (used by init and settings edits)."""
    _rewrite(wb, S.SHEET_DISTRICTS, S.DISTRICT_HEADERS,
             [(d.name, d.tier, join_list(list(d.towns)), d.note, join_list(list(d.neighbours))) for d in cat.districts])
    _rewrite(wb, S.SHEET_GENRES, S.GENRE_HEADERS,
             [(g.name, g.order, required_to_text(g.required), join_list(list(g.synonyms)), g.description)
              for g in cat.genres])
    _rewrite(wb, S.SHEET_COORDINATORS, S.COORDINATOR_HEADERS,
             [(c.name, c.tier, join_list(list(c.districts)), join_list(list(c.genres)), "○" if c.active else "×", c.note)
              for c in cat.coordinators])
    descriptions = {k: d for k, (_, d) in S.SETTING_DEFAULTS.items()}
    _rewrite(wb, S.SHEET_SETTINGS, S.SETTING_HEADERS,
             [(k, v, descriptions.get(k, "")) for k, v in cat.settings.values.items()])


def _rewrite(wb: Any, name: str, headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
    old_max = ws.max_row
    from .xlsx_style import text_cell  # 地区・ジャンル names like 「=DDE(…)」 stay text (issue 13)

    for c, h in enumerate(headers, start=1):
        text_cell(ws, 1, c, h)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            text_cell(ws, r, c, value if value != "" else None)
    for r in range(len(rows) + 2, old_max + 1):
        for c in range(1, len(headers) + 1):
            ws.cell(row=r, column=c).value = None


def _write_setting_value(wb: Any, key: str, value: str, description: str) -> None:
    ws = wb[S.SHEET_SETTINGS]
    for row in ws.iter_rows(min_row=2):
        if row and cell_text(row[0].value) == key:
            row[1].value = value
            return
    ws.append([key, value, description])


def _append(wb: Any, name: str, headers: tuple[str, ...], rows: list[tuple[str, ...]],
            path: Path | None = None) -> None:
    if not rows:
        return
    if name not in wb.sheetnames:
        ws = wb.create_sheet(name)
        ws.append(list(headers))
    ws = wb[name]
    r = ws.max_row  # computed once: ws.max_row / ws[row] scan every cell, which made appending O(n²)
    cells.check_append_room(name, r, len(rows), path)
    for row in rows:
        r += 1
        for c, v in enumerate(row, start=1):
            if v == "" or v is None:
                continue
            cell = ws.cell(row=r, column=c, value=escape_x(v) if isinstance(v, str) else v)
            if isinstance(v, str):
                cell.data_type = "s"


def load_settings_workbook(path: Path) -> Catalogue:
    """The settings sheets (地区, ジャンル, コーディネーター, 設定) of any workbook, e.g. last year's master."""
    wb = _open_calamine(path)
    known = {S.SHEET_DISTRICTS, S.SHEET_GENRES, S.SHEET_COORDINATORS, S.SHEET_SETTINGS}
    if not known & set(wb.sheet_names):
        raise InputError(
            "設定のシート(地区・ジャンル・コーディネーター・設定)が見つかりません。",
            "シート名を『地区』『ジャンル』『コーディネーター』『設定』にしてください。",
            path=path,
        )
    cat = _settings_catalogue(wb, path)
    cat.last_id = 0  # (the IDs of another workbook are not this master's)
    return cat


def _settings_catalogue(wb: Any, path: Path) -> Catalogue:
    """A Catalogue of ``path`` holding the settings sheets of ``wb`` (地区, ジャンル, コーディネーター, 設定 and the
    last ID given), read the one way for the master and for any settings workbook."""
    cat = Catalogue(path=path)
    cat.districts = _read_districts(wb)
    cat.genres = _read_genres(wb)
    cat.coordinators = _read_coordinators(wb)
    cat.settings, cat.last_id = _read_settings(wb)
    return cat
