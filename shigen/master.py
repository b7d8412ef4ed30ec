"""Reading and writing the master catalogue workbook (workbooks/catalogue.xlsx).

Reads go through python-calamine (fast, read-only). Writes load the workbook with
openpyxl, change only shigen's own cells, write a temporary file beside the master
and atomically replace it, after a timestamped backup under ``.history/``. Columns
and sheets a user added by hand are left as they are.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import schema as S
from .errors import InputError, MasterBusyError, UsageError
from .model import (
    Assignment,
    Catalogue,
    Coordinator,
    District,
    Genre,
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


def join_list(items: tuple[str, ...] | list[str]) -> str:
    return "、".join(items)


def _split_words(text: str) -> tuple[str, ...]:
    """Like split_list but keeps ・ inside names (genre names contain it)."""
    text = clean_text(text)
    for sep in ("，", ",", "/", "／", "\n", ";", "；"):
        text = text.replace(sep, "、")
    return tuple(x.strip() for x in text.split("、") if x.strip())


def cell_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value).strip()


REQUIRED_LABEL_CONTACT = "連絡先"


def required_to_text(keys: tuple[str, ...]) -> str:
    return "、".join(REQUIRED_LABEL_CONTACT if k == "contact" else S.header(k) for k in keys)


def required_from_text(text: str) -> tuple[str, ...]:
    keys = []
    for label in _split_words(text):
        if label in (REQUIRED_LABEL_CONTACT, "連絡先（電話・携帯・メールのいずれか）"):
            keys.append("contact")
        elif label in S.FIELD_BY_HEADER:
            keys.append(S.FIELD_BY_HEADER[label].key)
    return tuple(keys)


# --- reading -----------------------------------------------------------------------
def _open_calamine(path: Path):  # type: ignore[no-untyped-def]
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


def _rows(wb, name: str) -> list[list[Any]]:  # type: ignore[no-untyped-def]
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


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause Python's cycle collector while building many acyclic objects (records, findings).

    Every full collection walks every live container; with 200,000 records (a dict each) the
    collections triggered by the allocations themselves cost seconds. Reference counting still
    frees everything; the collector is switched back on (if it was on) afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _memo_text(value: Any, dates: dict[Any, str]) -> str:
    """cell_text(value), remembered in ``dates`` when value is a date (exactly dt.date: never equal to a number)."""
    text = cell_text(value)
    if type(value) is dt.date:
        dates[value] = text
    return text


def load_catalogue(path: Path) -> Catalogue:
    """Read the master workbook into a Catalogue (fast: python-calamine)."""
    with no_gc():  # 200,000 rows and records: the collector's full passes over them cost more than building them
        return _load_catalogue(path)


def _load_catalogue(path: Path) -> Catalogue:
    wb = _open_calamine(path)
    if S.SHEET_RESOURCES not in wb.sheet_names:
        raise InputError(
            f"シート『{S.SHEET_RESOURCES}』がありません。",
            "shigen の台帳ではないか、シート名が変えられています。シート名を元に戻してください。",
            path=path,
        )
    cat = Catalogue(path=path)
    rows = _rows(wb, S.SHEET_RESOURCES)
    header = [cell_text(h) for h in rows[0]] if rows else []
    mapping: list[tuple[int, str]] = []
    extras: list[tuple[int, str]] = []
    for i, h in enumerate(header):
        if h in S.FIELD_BY_HEADER:
            mapping.append((i, S.FIELD_BY_HEADER[h].key))
        elif h:
            extras.append((i, h))
    if not any(k == "name" for _, k in mapping):
        raise InputError(
            f"シート『{S.SHEET_RESOURCES}』の1行目に見出し『名称』がありません。",
            "1行目の見出しを元に戻してください。",
            path=path,
            sheet=S.SHEET_RESOURCES,
        )
    cat.extra_columns = [h for _, h in extras]
    records = cat.records
    dates: dict[Any, str] = {}  # cell_text of each distinct date cell (dates repeat: 最終確認日, 更新日)
    for excel_row, row in enumerate(rows[1:], start=2):
        n = len(row)
        if row.count("") + row.count(None) == n:  # an empty row (every cell "" or None), counted in C
            continue
        # most cells are str: strip them inline, call cell_text only for dates and numbers (2× faster)
        values = {key: (v.strip() if type(v) is str else
                        (dates[v] if type(v) is dt.date and v in dates else _memo_text(v, dates)))
                  if i < n and (v := row[i]) != "" else ""
                  for i, key in mapping}
        extra = {h: row[i] for i, h in extras if i < n and row[i] not in ("", None)}
        records.append(Record(values, extra, excel_row))

    cat.districts = _read_districts(wb)
    cat.genres = _read_genres(wb)
    cat.coordinators = _read_coordinators(wb)
    cat.settings, cat.last_id = _read_settings(wb)
    cat.assignments = _read_assignments(wb)
    cat.inquiries = read_inquiries(wb)
    return cat


def _read_districts(wb) -> list[District]:  # type: ignore[no-untyped-def]
    header, body = _table(_rows(wb, S.SHEET_DISTRICTS))
    c_name, c_tier, c_towns, c_note, c_near = (_col(header, h) for h in S.DISTRICT_HEADERS)
    out = []
    for row in body:
        name = _get(row, c_name)
        if name:
            out.append(District(name, _get(row, c_tier) or S.TIER_2, split_list(_get(row, c_towns)), _get(row, c_note),
                                split_list(_get(row, c_near))))
    return out


def _read_genres(wb) -> list[Genre]:  # type: ignore[no-untyped-def]
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


def _read_coordinators(wb) -> list[Coordinator]:  # type: ignore[no-untyped-def]
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


def _read_settings(wb) -> tuple[Settings, int]:  # type: ignore[no-untyped-def]
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


def _read_assignments(wb) -> list[Assignment]:  # type: ignore[no-untyped-def]
    header, body = _table(_rows(wb, S.SHEET_ASSIGNMENTS))
    cols = [_col(header, h) for h in S.ASSIGNMENT_HEADERS]
    return [Assignment(*(_get(row, c) for c in cols)) for row in body]


def read_inquiries(wb) -> list[Inquiry]:  # type: ignore[no-untyped-def]
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
def excel_owner_files(path: Path) -> list[Path]:
    """Excel's owner file (~$name) that exists while the workbook is open in Excel."""
    candidates = {path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])}
    return [p for p in candidates if p.exists()]


def _lock_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def master_lock(path: Path) -> Iterator[None]:
    """Refuse when Excel has the master open or another shigen command is writing it."""
    if excel_owner_files(path):
        raise MasterBusyError(
            "台帳が Excel で開かれています。",
            "Excel で台帳を閉じてから、もう一度実行してください(何も書き換えていません)。",
            path=path,
        )
    lock = _lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    try:
        if lock.exists() and time.time() - lock.stat().st_mtime > LOCK_STALE_SECONDS:
            lock.unlink()  # left behind by a process that died long ago
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        raise MasterBusyError(
            "別の shigen コマンドが台帳を書き込み中です。",
            f"終わるのを待ってから実行してください。動いていないのに続く場合は {lock.name} を削除してください。",
            path=path,
        ) from None
    try:
        os.write(fd, f"{os.getpid()} {dt.datetime.now().isoformat()}".encode())
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()


def history_dir(path: Path) -> Path:
    return path.parent / ".history"


def backup(path: Path, keep: int | None = None) -> Path | None:
    """Copy the current master to .history/<stem>_<timestamp>.xlsx and keep the newest ``keep`` (30)."""
    keep = HISTORY_KEEP if keep is None else keep
    if not path.exists():
        return None
    folder = history_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}_{stamp}{path.suffix}"
    shutil.copy2(path, target)
    copies = sorted(folder.glob(f"{path.stem}_*{path.suffix}"))
    for old in copies[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def _replace(tmp: Path, path: Path) -> None:
    tmp.replace(path)  # atomic on Windows and POSIX alike


def atomic_save(workbook, path: Path) -> None:  # type: ignore[no-untyped-def]
    """Save an openpyxl workbook to a temp file beside ``path`` and atomically replace it."""
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        workbook.save(tmp)
        _replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


# --- writing -----------------------------------------------------------------------
def save_catalogue(cat: Catalogue) -> Path | None:
    """Write every change of ``cat`` to its master safely. Returns the backup's path."""
    import openpyxl

    path = cat.path
    with master_lock(path):
        saved = _save_fast(cat, path)
        if saved is not False:
            cat.assignments.extend(cat.new_assignments)
            cat.new_assignments.clear()
            cat.new_history.clear()
            _inquiries_saved(cat)
            return saved
        try:
            wb = openpyxl.load_workbook(path)
        except FileNotFoundError:
            raise UsageError(f"台帳ファイル {path} がありません。", "先に `shigen init` を実行してください。") from None
        except Exception as exc:
            raise InputError("台帳ファイルを開けません。", "Excel で開けるか確かめてください。", path=path) from exc
        saved = backup(path)
        _write_resources(wb, cat)
        if cat.settings_changed:
            _write_settings_sheets(wb, cat)
        _write_setting_value(wb, SETTING_LAST_ID, f"S{cat.last_id:05d}" if cat.last_id else "",
                             "IDを再利用しないための記録です。変更しないでください")
        _append(wb, S.SHEET_HISTORY, S.HISTORY_HEADERS, [h.to_row() for h in cat.new_history])
        _append(wb, S.SHEET_ASSIGNMENTS, S.ASSIGNMENT_HEADERS, [a.to_row() for a in cat.new_assignments])
        _append(wb, S.SHEET_INQUIRIES, S.INQUIRY_HEADERS, [q.to_row() for q in cat.new_inquiries])
        atomic_save(wb, path)
        wb.close()
    cat.assignments.extend(cat.new_assignments)
    cat.new_assignments.clear()
    cat.new_history.clear()
    _inquiries_saved(cat)
    cat.settings_changed = False
    return saved


def _inquiries_saved(cat: Catalogue) -> None:
    cat.inquiries.extend(cat.new_inquiries)
    cat.new_inquiries.clear()


def _save_fast(cat: Catalogue, path: Path) -> Path | None | bool:
    """The xlsx_patch fast path (XML-level). False when it does not apply: the caller then uses openpyxl."""
    from . import xlsx_patch

    xlsx_patch.last_path = "openpyxl"
    if not path.exists():
        return False
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        xlsx_patch.write_patched(cat, path, tmp)
    except Exception as exc:  # anything unexpected in the workbook: the openpyxl path below does it
        xlsx_patch.last_reason = f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    xlsx_patch.last_path = "fast"
    xlsx_patch.last_reason = ""
    try:
        saved = backup(path)
        _replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return saved


def excel_value(key: str, text: str) -> Any:
    """The value a master cell holds for a field: a real date for date fields with an ISO date, else the text."""
    if key in S.DATE_KEYS and text:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def _write_resources(wb, cat: Catalogue) -> None:  # type: ignore[no-untyped-def]
    from openpyxl.utils import get_column_letter

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
    date_cols = {col_of[k] for k in S.DATE_KEYS}
    text_cols = {col_of[k] for k in (*S.PHONE_KEYS, "postal_code", "id")}
    key_cols = [(k, col_of[k]) for k in S.KEYS]
    for i, record in enumerate(cat.records):
        r = i + 2
        for key, c in key_cols:
            value = excel_value(key, record.values.get(key, "")) or None
            if value is None and r > old_max:
                continue  # nothing to clear in a new row; its empty cells take the column's format (set by init)
            cell = ws.cell(row=r, column=c)
            if cell.value != value:
                cell.value = value
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"
            if r > old_max:
                if c in date_cols:
                    cell.number_format = "yyyy/mm/dd"
                elif c in text_cols:
                    cell.number_format = "@"
        for h, value in record.extra.items():
            c = col_of.get("extra:" + h)
            if c is not None:
                cell = ws.cell(row=r, column=c)
                if cell.value != value:
                    cell.value = value
        record.row = r
    last = len(cat.records) + 1
    for r in range(last + 1, old_max + 1):  # rows beyond the records (removed by hand) are cleared
        for c in range(1, next_col):
            ws.cell(row=r, column=c).value = None
    ws.auto_filter.ref = f"A1:{get_column_letter(max(next_col - 1, 1))}{max(last, 2)}"


def _write_settings_sheets(wb, cat: Catalogue) -> None:  # type: ignore[no-untyped-def]
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


def _rewrite(wb, name: str, headers: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:  # type: ignore[no-untyped-def]
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


def _write_setting_value(wb, key: str, value: str, description: str) -> None:  # type: ignore[no-untyped-def]
    ws = wb[S.SHEET_SETTINGS]
    for row in ws.iter_rows(min_row=2):
        if row and cell_text(row[0].value) == key:
            row[1].value = value
            return
    ws.append([key, value, description])


def _append(wb, name: str, headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:  # type: ignore[no-untyped-def]
    if not rows:
        return
    if name not in wb.sheetnames:
        ws = wb.create_sheet(name)
        ws.append(list(headers))
    ws = wb[name]
    r = ws.max_row  # computed once: ws.max_row / ws[row] scan every cell, which made appending O(n²)
    for row in rows:
        r += 1
        for c, v in enumerate(row, start=1):
            if v == "" or v is None:
                continue
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, str) and v.startswith("="):
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
    cat = Catalogue(path=path)
    cat.districts = _read_districts(wb)
    cat.genres = _read_genres(wb)
    cat.coordinators = _read_coordinators(wb)
    cat.settings, _ = _read_settings(wb)
    return cat
