"""The per-coordinator update workbooks of `shigen assign`, 担当一覧.xlsx, and reading returned workbooks back.

An update workbook has four sheets:

- 『記入のしかた』 — what to do, in plain Japanese;
- 『確認シート』 — one row per record, grouped under a heading row per district (or genre): the ID and the
  current value of every public field (grey, locked by sheet protection without a password), each editable
  field followed by its own 『新しい値』 column (yellow, unlocked), and the columns 確認結果 (drop-down),
  確認日 (date), 確認方法 (drop-down), メモ, 掲載同意の回答 (drop-down: the answer to `shigen letters`);
- 『印刷用』 — a compact A4-landscape checklist to take on visits;
- two *very hidden* sheets (``_shigen``, ``_shigen_records``) with the year, coordinator, master path and time,
  the column layout, and per record ID a fingerprint and the exact values the sheet was made from, so
  `collect` can tell edits to locked cells and records changed in the master after the sheet was issued.

Written with xlsxwriter (new files, fast); read back with python-calamine (which sees the hidden sheets).

Why this file is long (~840 lines): the update book's format is written and read back here, so the columns, sheets
and drop-downs are defined once for both directions; ``run_assign`` and the worker that writes books in parallel are
still here too (a split into writer / reader / run is the next step, issue 15).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema as S
from .assign import METHOD_DISTRICT, NO_DISTRICT, AssignmentPlan, Share
from .cells import cell_text
from .errors import InputError, UsageError
from .model import Catalogue, Record, is_city_wide
from .workspace import Workspace, safe_filename
from .xlsx_style import FONT_NAME, display_width, xw_a4, xw_header_format, xw_table_sheet
from .xlsx_write import write_cells

FORMAT_NAME = "shigen-update-book"
FORMAT_VERSION = "1"
FOLDER = "更新作業"
SUMMARY_NAME = "担当一覧.xlsx"
RESERVED_NAMES = (SUMMARY_NAME, "回収状況.xlsx")  # files of their own in the year's folder (collect.PROGRESS_NAME)
RETURN_FOLDER = "返却"
OLD_FOLDER = "以前の版"
SHEET_HELP = "記入のしかた"
SHEET_MAIN = "確認シート"
SHEET_PRINT = "印刷用"
SHEET_META = "_shigen"
SHEET_META_RECORDS = "_shigen_records"

RESULT_UNCHANGED = "変更なし"
RESULT_CHANGED = "変更あり"
RESULT_PAUSED = "休止"
RESULT_CLOSED = "廃止"
RESULT_UNREACHABLE = "連絡つかず"
RESULTS = (RESULT_UNCHANGED, RESULT_CHANGED, RESULT_PAUSED, RESULT_CLOSED, RESULT_UNREACHABLE)
CONFIRM_METHODS = ("訪問", "電話", "書面", "メール")  # how a record was confirmed (not assign.METHODS)
CLEAR_WORDS = ("(削除)", "（削除）", "削除")

# public fields shown (all of them) and those with a 新しい値 column (not the ID, nor dates shigen sets itself)
SHOWN_KEYS: tuple[str, ...] = tuple(k for k in S.PUBLIC_KEYS if k != "id")
EDIT_KEYS: tuple[str, ...] = tuple(k for k in SHOWN_KEYS if k not in ("last_confirmed", "updated_at"))
# fields whose change in the master after issue makes a conflict (dates are bookkeeping, not content)
CONTENT_KEYS: tuple[str, ...] = EDIT_KEYS

ROLE_ID, ROLE_CURRENT, ROLE_NEW = "id", "current", "new"
ROLE_RESULT, ROLE_DATE, ROLE_METHOD, ROLE_MEMO = "result", "date", "method", "memo"
ROLE_CONSENT = "consent"  # the provider's answer to the consent question of `shigen letters`
LABEL_CURRENT, LABEL_NEW = "いまの値", "新しい値"
LABEL_RESULT, LABEL_DATE, LABEL_METHOD, LABEL_MEMO = "確認結果", "確認日", "確認方法", "メモ"
LABEL_CONSENT = "掲載同意の回答"
ROLE_LABELS = {ROLE_RESULT: LABEL_RESULT, ROLE_DATE: LABEL_DATE, ROLE_METHOD: LABEL_METHOD, ROLE_MEMO: LABEL_MEMO,
               ROLE_CONSENT: LABEL_CONSENT}
HEADER_ROWS = 2  # field name over いまの値 / 新しい値
GROUP_MARK = "■"


@dataclass(frozen=True)
class Column:
    key: str  # field key ("" for result/date/method/memo)
    role: str

    @property
    def top(self) -> str:
        return S.header(self.key) if self.key else ROLE_LABELS[self.role]

    @property
    def sub(self) -> str:
        if self.role == ROLE_CURRENT:
            return LABEL_CURRENT
        if self.role == ROLE_NEW:
            return LABEL_NEW
        return ""


def layout() -> list[Column]:
    """Column order of 『確認シート』: ID, 名称 (いま/新), the four answer columns, then every other field pair."""
    cols = [Column("id", ROLE_ID), Column("name", ROLE_CURRENT), Column("name", ROLE_NEW),
            Column("", ROLE_RESULT), Column("", ROLE_DATE), Column("", ROLE_METHOD), Column("", ROLE_MEMO),
            Column("", ROLE_CONSENT), Column("last_confirmed", ROLE_CURRENT)]
    for key in EDIT_KEYS:
        if key == "name":
            continue
        cols.append(Column(key, ROLE_CURRENT))
        cols.append(Column(key, ROLE_NEW))
    cols.append(Column("updated_at", ROLE_CURRENT))
    return cols


def issued_values(record: Record) -> dict[str, str]:
    return {k: record.get(k) for k in SHOWN_KEYS}


def fingerprint(values: dict[str, str]) -> str:
    """A short hash of a record's shown values: equal values, equal fingerprint."""
    return _fingerprint([values.get(k, "") for k in SHOWN_KEYS])


def _fingerprint(shown: list[str]) -> str:
    """:func:`fingerprint` of the values in SHOWN_KEYS order."""
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]


# --- cells still holding a placeholder or an invalid value ----------------------------------------
DOUBT_NOTE = "要確認のまま"


def doubtful_fields(cat: Catalogue, records: Iterable[Record], as_of: dt.date | None = None) -> dict[str, dict[str, str]]:
    """Record ID → {field key: audit's message} for each editable field that holds a placeholder (要確認, ？, 未定,
    - …) or an invalid phone, FAX, mail, URL, postal code, date or choice: audit's own value checks, run on
    ``records`` only. The update workbook colours these cells; collect does not let 「変更なし」 over them move
    最終確認日 (docs/assign-collect.md)."""
    from .audit.checks import (
        Context,
        check_choices,
        check_dates,
        check_email,
        check_phones,
        check_placeholders,
        check_postal_code,
        check_url,
    )

    records = list(records)
    if not records:
        return {}
    # no districts: the value checks never look at them, and the town index is the costly part of a Context
    sub = Catalogue(path=cat.path, records=records, genres=cat.genres, settings=cat.settings)
    ctx = Context.build(sub, as_of or dt.date.today())
    key_of = {S.header(k): k for k in EDIT_KEYS}
    out: dict[str, dict[str, str]] = {}
    for check in (check_placeholders, check_phones, check_email, check_url, check_postal_code, check_dates,
                  check_choices):
        for f in check(ctx):
            key = key_of.get(f.field)
            if key and f.index is not None:
                out.setdefault(records[f.index].id, {}).setdefault(key, f.message)
    return out


def doubt_comment(message: str) -> str:
    """The comment on a coloured いまの値 cell."""
    return (f"{DOUBT_NOTE}: {message}\n確かめて、右の『新しい値』に正しい内容を入れてください。"
            "直さずに『変更なし』とすると、ほかの項目は確認済みになりますが、最終確認日は進みません。")


def plan_folder(ws: Workspace, year: str) -> Path:
    return ws.exports / FOLDER / safe_filename(year)


def book_path(folder: Path, coordinator: str) -> Path:
    return folder / f"{safe_filename(coordinator)}.xlsx"


# --- writing --------------------------------------------------------------------------------
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
    master_time = master_time if master_time is not None else _mtime_text(cat.path)
    # audit's value checks once for every record handed out (a Context per book cost more than the checks)
    doubts = doubtful_fields(cat, (by_id[r] for s in plan.shares if s.coordinator in targets for r in s.record_ids),
                             plan.as_of)
    for share in plan.shares:
        if share.coordinator in targets:
            write_update_book(targets[share.coordinator], cat, plan, share, [by_id[r] for r in share.record_ids],
                              issued_at=issued_at, master_time=master_time, doubts=doubts)
    write_summary(summary, cat, plan, targets)
    return WrittenBooks(folder, summary, targets, moved)


def _mtime_text(path: Path) -> str:
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


def _workbook(path: Path, *, constant_memory: bool = False):  # type: ignore[no-untyped-def]
    from .xlsx_write import new_workbook

    return new_workbook(path, constant_memory=constant_memory)


def _atomic_close(wb, tmp: Path, path: Path) -> None:  # type: ignore[no-untyped-def]
    from .xlsx_write import atomic_close

    atomic_close(wb, tmp, path)


def _tmp(path: Path) -> Path:
    from .xlsx_write import tmp_path

    return tmp_path(path)


def _group_of(record: Record, method: str) -> str:
    if method == METHOD_DISTRICT:
        if is_city_wide(record.get("area")):
            return S.CITY_WIDE
        return record.get("district") or NO_DISTRICT
    return record.get("genre") or S.NO_GENRE


def _grouped(records: list[Record], method: str, cat: Catalogue) -> list[tuple[str, list[Record]]]:
    groups: dict[str, list[Record]] = {}
    for r in records:  # records arrive in genre / 五十音 order
        groups.setdefault(_group_of(r, method), []).append(r)
    if method == METHOD_DISTRICT:
        rank = {d.name: i for i, d in enumerate(cat.districts)}
        order = sorted(groups, key=lambda g: (g != S.CITY_WIDE, rank.get(g, len(rank)), g))
    else:
        grank = {g: i for i, g in enumerate(cat.genre_names())}
        order = sorted(groups, key=lambda g: (grank.get(g, len(grank)), g))
    return [(g, groups[g]) for g in order]


def write_update_book(path: Path, cat: Catalogue, plan: AssignmentPlan, share: Share, records: list[Record], *,
                      issued_at: str, master_time: str, doubts: dict[str, dict[str, str]] | None = None) -> None:
    """One coordinator's update workbook (see the module docstring). ``doubts``: :func:`doubtful_fields` of (at
    least) ``records``, worked out here when not given."""
    tmp = _tmp(path)
    wb = _workbook(tmp)
    f = _formats(wb)
    cols = layout()
    groups = _grouped(records, plan.method, cat)

    _help_sheet(wb, f, cat, plan, share, len(records), issued_at)
    ws = wb.add_worksheet(SHEET_MAIN)
    last_col = len(cols) - 1
    # header: field name on row 1 (merged over its pair), いまの値 / 新しい値 on row 2
    c = 0
    while c < len(cols):
        col = cols[c]
        if col.role == ROLE_CURRENT and c + 1 < len(cols) and cols[c + 1].key == col.key and cols[c + 1].role == ROLE_NEW:
            ws.merge_range(0, c, 0, c + 1, col.top, f["head"])
            ws.write_string(1, c, LABEL_CURRENT, f["head"])
            ws.write_string(1, c + 1, LABEL_NEW, f["head_new"])
            c += 2
            continue
        if col.role == ROLE_CURRENT:
            ws.write_string(0, c, col.top, f["head"])
            ws.write_string(1, c, LABEL_CURRENT, f["head"])
        else:
            fmt = f["head"] if col.role == ROLE_ID else f["head_new"]
            ws.merge_range(0, c, 1, c, col.top, fmt)
        c += 1
    ws.set_row(0, 22)
    ws.set_row(1, 18)
    for c, col in enumerate(cols):
        width = _width(col)
        if col.role == ROLE_ID:
            ws.set_column(c, c, width, f["id"])
        elif col.role == ROLE_CURRENT:
            ws.set_column(c, c, width, f["cur"])
        elif col.role == ROLE_DATE:
            ws.set_column(c, c, width, f["in_date"])
        else:
            ws.set_column(c, c, width, f["in"])

    cur_cols = [(c, col.key) for c, col in enumerate(cols) if col.role == ROLE_CURRENT]
    new_col = {col.key: c for c, col in enumerate(cols) if col.role == ROLE_NEW}
    if doubts is None:
        doubts = doubtful_fields(cat, records, plan.as_of)
    row = HEADER_ROWS
    first_data = row
    row_of: dict[str, int] = {}
    write_string = ws.write_string
    cur_fmt, id_fmt, cur_date_fmt = f["cur"], f["id"], f["cur_date"]
    for label, recs in groups:
        ws.merge_range(row, 0, row, last_col, f"{GROUP_MARK} {label}({len(recs)} 件)", f["group"])
        row += 1
        for r in recs:
            values = r.values
            cells: list[tuple[int, Any, Any]] = [(0, r.id, id_fmt)]
            for c, key in cur_cols:
                v = values.get(key, "")
                if not v:
                    continue
                if key in DATE_KEYS and (day := _day(v)) is not None:  # a date cell, shown 2026/06/01 (issue 13)
                    cells.append((c, day, cur_date_fmt))
                else:
                    cells.append((c, v, cur_fmt))
            write_cells(ws, row, cells)
            for key, message in doubts.get(r.id, {}).items():  # placeholders / invalid values: point them out
                c = cur_cols[[k for _, k in cur_cols].index(key)][0]
                write_string(row, c, values.get(key, ""), f["cur_doubt"])
                ws.write_comment(row, c, doubt_comment(message), {"x_scale": 2, "y_scale": 1.6})
                if key in new_col:
                    ws.write_blank(row, new_col[key], None, f["in_doubt"])
            row_of[r.id] = row + 1
            row += 1
    last_row = max(row - 1, first_data)
    _validations(ws, cols, first_data, last_row)
    ws.freeze_panes(HEADER_ROWS, 3)
    ws.autofilter(1, 0, last_row, last_col)
    # on paper: the ID, 名称 and answer columns (up to いまの最終確認日), one page wide, header on every page; every
    # field in full is the sheet 『印刷用』 (37 columns on A4 printed over 11 pages at 70 %, issue 13)
    xw_a4(ws, landscape=True, fit_width=True, repeat_rows=(0, HEADER_ROWS - 1))
    answers_end = next(c for c, col in enumerate(cols) if col.key == "last_confirmed")
    ws.print_area(0, 0, last_row, answers_end)
    ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True,
                    "select_locked_cells": True, "select_unlocked_cells": True})
    ws.activate()

    who = share.coordinator.replace("&", "&&")  # & starts a header code in Excel
    page_header = f"&L{plan.year}年度 社会資源の情報確認 ― {who} さん担当&R&A"
    ws.set_header(page_header)
    _print_sheet(wb, f, groups, page_header, doubts)
    _meta_sheets(wb, cat, plan, share, records, cols, row_of, issued_at, master_time)
    _atomic_close(wb, tmp, path)


DATE_KEYS = frozenset(f.key for f in S.FIELDS if f.kind is S.Kind.DATE)


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> dt.datetime | None:
    """The master's ISO date text as a datetime for a date cell; anything else (a placeholder …) stays text."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day)


def _width(col: Column) -> int:
    if col.role == ROLE_ID:
        return 8
    if col.role == ROLE_RESULT:
        return 11
    if col.role == ROLE_DATE:
        return 12
    if col.role == ROLE_METHOD:
        return 9
    if col.role == ROLE_MEMO:
        return 24
    if col.role == ROLE_CONSENT:
        return 17
    base = S.FIELD_BY_KEY[col.key].width
    return max(10, min(base, 30 if col.role == ROLE_CURRENT else 24))


def _formats(wb) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    base = {"font_name": FONT_NAME, "font_size": 10, "valign": "top", "border": 1, "border_color": "#BFBFBF"}
    head_new = {"bg_color": "#FFF2CC", "font_color": "#000000", "bold": True, "font_name": FONT_NAME, "align": "center",
                    "valign": "vcenter", "text_wrap": True, "border": 1, "border_color": "#BFBFBF"}
    return {
        "head": xw_header_format(wb),
        "head_new": wb.add_format(head_new),
        "id": wb.add_format({**base, "bg_color": "#F2F2F2", "locked": True}),
        "cur": wb.add_format({**base, "bg_color": "#F2F2F2", "text_wrap": True, "locked": True}),
        "cur_date": wb.add_format({**base, "bg_color": "#F2F2F2", "locked": True, "align": "left",
                                   "num_format": "yyyy/mm/dd"}),
        "in": wb.add_format({**base, "bg_color": "#FFFDE7", "text_wrap": True, "locked": False, "num_format": "@"}),
        "cur_doubt": wb.add_format({**base, "bg_color": "#F8CBAD", "font_color": "#833C0B", "bold": True,
                                    "text_wrap": True, "locked": True}),
        "in_doubt": wb.add_format({**base, "bg_color": "#FCE4D6", "text_wrap": True, "locked": False, "num_format": "@",
                                   "border": 2, "border_color": "#C65911"}),
        "in_date": wb.add_format({**base, "bg_color": "#FFFDE7", "locked": False, "num_format": "yyyy/mm/dd"}),
        "group": wb.add_format({"font_name": FONT_NAME, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                                "border_color": "#BFBFBF", "locked": True}),
        "title": wb.add_format({"font_name": FONT_NAME, "bold": True, "font_size": 14}),
        "text": wb.add_format({"font_name": FONT_NAME, "font_size": 11, "text_wrap": True, "valign": "top"}),
        "bold": wb.add_format({"font_name": FONT_NAME, "font_size": 11, "bold": True}),
        "print": wb.add_format({"font_name": FONT_NAME, "font_size": 9, "text_wrap": True, "valign": "top",
                                "border": 1}),
        "print_date": wb.add_format({"font_name": FONT_NAME, "font_size": 9, "valign": "top", "border": 1,
                                     "align": "left", "num_format": "yyyy/mm/dd"}),
        "print_doubt": wb.add_format({"font_name": FONT_NAME, "font_size": 9, "text_wrap": True, "valign": "top",
                                      "border": 1, "bold": True, "bg_color": "#FCE4D6"}),
        "print_head": wb.add_format({"font_name": FONT_NAME, "font_size": 9, "bold": True, "bg_color": "#D9D9D9",
                                     "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}),
        "print_group": wb.add_format({"font_name": FONT_NAME, "font_size": 10, "bold": True, "bg_color": "#DDEBF7",
                                      "border": 1}),
    }


def _validations(ws, cols: list[Column], first: int, last: int) -> None:  # type: ignore[no-untyped-def]
    for c, col in enumerate(cols):
        if col.role == ROLE_RESULT:
            ws.data_validation(first, c, last, c, {
                "validate": "list", "source": list(RESULTS),
                "input_title": LABEL_RESULT, "input_message": "確かめた結果を一覧から選んでください。",
                "error_title": LABEL_RESULT, "error_message": "一覧(変更なし・変更あり・休止・廃止・連絡つかず)から選んでください。"})
        elif col.role == ROLE_DATE:
            ws.data_validation(first, c, last, c, {
                "validate": "date", "criteria": "between",
                "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2099, 12, 31),
                "input_title": LABEL_DATE, "input_message": "確かめた日を 2027/5/10 のように入れてください。",
                "error_title": LABEL_DATE, "error_message": "日付を 2027/5/10 のように入れてください。"})
        elif col.role == ROLE_METHOD:
            ws.data_validation(first, c, last, c, {
                "validate": "list", "source": list(CONFIRM_METHODS),
                "input_title": LABEL_METHOD, "input_message": "訪問・電話・書面・メールから選んでください。",
                "error_title": LABEL_METHOD, "error_message": "訪問・電話・書面・メールから選んでください。"})
        elif col.role == ROLE_CONSENT:
            _consent_validation(ws, c, first, last)
        elif col.role == ROLE_NEW and S.FIELD_BY_KEY[col.key].choices:
            choices = list(S.FIELD_BY_KEY[col.key].choices)
            ws.data_validation(first, c, last, c, {
                "validate": "list", "source": choices,
                "input_title": S.header(col.key), "input_message": "変わったときだけ、一覧から選んでください。",
                "error_title": S.header(col.key), "error_message": "一覧(" + "・".join(choices) + ")から選んでください。"})


def _consent_validation(ws, c: int, first: int, last: int) -> None:  # type: ignore[no-untyped-def]
    """掲載同意の回答: the three answers of the letter's consent question (`shigen letters`)."""
    ws.data_validation(first, c, last, c, {
        "validate": "list", "source": list(S.CONSENT_ANSWERS),
        "input_title": LABEL_CONSENT, "input_message": "確認依頼で先方が選んだ答えを一覧から選んでください(回答がなければ空欄)。",
        "error_title": LABEL_CONSENT, "error_message": "一覧(" + "・".join(S.CONSENT_ANSWERS) + ")から選んでください。"})


CONSENT_HELP = ("※ 確認依頼(shigen letters)の掲載についての答えは『掲載同意の回答』に選び、回答を受けた日を『確認日』に"
                "(内容の確認がまだなら『確認結果』は空欄でかまいません)。")


def _help_sheet(wb, f: dict[str, Any], cat: Catalogue, plan: AssignmentPlan, share: Share, count: int,  # type: ignore[no-untyped-def]
                issued_at: str) -> None:
    ws = wb.add_worksheet(SHEET_HELP)
    town = cat.settings.municipality
    lines: list[tuple[str, str]] = [
        ("title", f"{plan.year}年度 {town} 社会資源の情報確認 ― {share.coordinator} さん担当({count} 件)"),
        ("text", f"作成日時: {issued_at}  /  分け方: {plan.method_label}  /  担当: "
                 + "、".join(share.districts if plan.method == METHOD_DISTRICT else share.genres)),
        ("text", ""),
        ("bold", "■ 記入のしかた"),
        ("text", "1. シート『確認シート』の1行が1つの資源です。灰色の列(いまの値)は台帳の今の内容で、書き換えられません。"),
        ("text", "2. 事業所や団体に電話・訪問などで確かめ、『確認結果』を一覧から選んでください。\n"
                 "　　変更なし … 内容はそのまま正しい\n"
                 "　　変更あり … どこかが変わった(変わった項目の『新しい値』に記入)\n"
                 "　　休止 … 一時的に休んでいる\n"
                 "　　廃止 … やめた・なくなった\n"
                 "　　連絡つかず … 何度か連絡したがつながらない"),
        ("text", "3. 『確認日』に確かめた日(例: 2027/5/10)を、『確認方法』に 訪問・電話・書面・メール のどれかを入れてください。"),
        ("text", "4. 変わった項目だけ、その項目のすぐ右の黄色い列『新しい値』に新しい内容を入れてください。"
                 "変わらない項目は空欄のままにします。項目の内容を消したいときは『(削除)』と入れてください。"),
        ("text", "5. オレンジ色のセルは、いまの値が仮の値(要確認・？・未定など)や誤った値(電話番号の桁違いなど)のままの"
                 "ところです(理由はセルのコメント)。確かめて、その右の『新しい値』に正しい内容を入れてください。"
                 "直さずに『変更なし』とすると、ほかの項目は確認済みになりますが、最終確認日は進みません(『要確認のまま』と報告されます)。"),
        ("text", "6. 台帳に載せない連絡事項は『メモ』へどうぞ(回収のときの一覧に載ります)。"),
        ("text", CONSENT_HELP),
        ("text", "7. 新しい資源を見つけたときは、このシートには書かずに台帳の担当者へ知らせてください。"),
        ("text", "8. 行や列を足したり消したり、並べ替えたりしないでください(絞り込みは使えます)。"
                 "シートの保護にパスワードはありませんが、解除しないでください。"),
        ("text", "9. 書き終わったら、このファイルを台帳の担当者へ返してください(ファイル名は変えてもかまいません)。"
                 "途中までのものを返しても大丈夫です。空欄の行は『未確認』として扱います。"),
        ("text", ""),
        ("bold", "■ 印刷するとき"),
        ("text", "シート『印刷用』は A4 横の確認用紙です。訪問や電話のときに手書きでメモし、あとで『確認シート』に入力してください。"),
        ("text", ""),
        ("text", "このファイルには、台帳と照らし合わせるための見えないシートが入っています。消さないでください。"),
    ]
    width = 120
    ws.set_column(0, 0, width)
    for i, (style, text) in enumerate(lines):
        ws.write_string(i, 0, text, f[style])
        ws.set_row(i, 22 if style == "title" else _height(text, width, 17))
    xw_a4(ws, landscape=True, repeat_rows=None)


PRINT_KEYS = ("name", "genre", "address", "phone", "area", "days", "hours", "fee", "last_confirmed")


def _print_sheet(wb, f: dict[str, Any], groups: list[tuple[str, list[Record]]], page_header: str,  # type: ignore[no-untyped-def]
                 doubts: dict[str, dict[str, str]] | None = None) -> None:
    ws = wb.add_worksheet(SHEET_PRINT)
    head = ["ID", *(S.header(k) for k in PRINT_KEYS), LABEL_RESULT, LABEL_DATE, LABEL_MEMO]
    widths = [7, 22, 12, 22, 13, 14, 10, 10, 12, 10, 10, 9, 22]
    for c, h in enumerate(head):
        ws.write_string(0, c, h, f["print_head"])
        ws.set_column(c, c, widths[c], f["print"])  # the empty handwriting columns get their borders from here
    row = 1
    last = len(head) - 1
    print_fmt, doubt_fmt, date_fmt = f["print"], f["print_doubt"], f["print_date"]
    for label, recs in groups:
        ws.merge_range(row, 0, row, last, f"{GROUP_MARK} {label}({len(recs)} 件)", f["print_group"])
        row += 1
        for r in recs:
            values = r.values
            cells: list[tuple[int, Any, Any]] = [(0, r.id, print_fmt)]
            lines = 2  # room to write by hand
            doubtful = (doubts or {}).get(r.id, {})
            for c, k in enumerate(PRINT_KEYS, start=1):
                v = values.get(k, "")
                if k in doubtful:  # on paper too, in words (a black-and-white printer drops the colour)
                    v = f"{v}【{DOUBT_NOTE}】"
                    cells.append((c, v, doubt_fmt))
                    lines = max(lines, _lines(v, widths[c]))
                elif v and k in DATE_KEYS and (day := _day(v)) is not None:
                    cells.append((c, day, date_fmt))
                elif v:
                    cells.append((c, v, print_fmt))
                    lines = max(lines, _lines(v, widths[c]))
            write_cells(ws, row, cells)
            ws.set_row(row, 12.5 * min(lines, 8) + 3)
            row += 1
    ws.freeze_panes(1, 0)
    xw_a4(ws, landscape=True, fit_width=True, repeat_rows=(0, 0))
    ws.set_header(page_header)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped cell needs in a column ``width`` characters wide."""
    usable = max(1, width - 1)
    text = str(text)
    if text.isascii() and "\n" not in text:  # one line of narrow characters (phone numbers, times, dates)
        return max(1, -(-len(text) // usable))
    return _wide_lines(text, usable)


@functools.lru_cache(maxsize=8192)
def _wide_lines(text: str, usable: int) -> int:
    return sum(max(1, -(-display_width(part) // usable)) for part in text.split("\n"))


def _height(text: str, width: int, line: float) -> float:
    return line * _lines(text, width) + 2


def _meta_sheets(wb, cat: Catalogue, plan: AssignmentPlan, share: Share, records: list[Record],  # type: ignore[no-untyped-def]
                 cols: list[Column], row_of: dict[str, int], issued_at: str, master_time: str) -> None:
    meta = wb.add_worksheet(SHEET_META)
    items = [
        ("format", FORMAT_NAME), ("version", FORMAT_VERSION), ("year", plan.year), ("coordinator", share.coordinator),
        ("method", plan.method), ("issued_at", issued_at), ("master", str(cat.path)), ("master_time", master_time),
        ("count", str(len(records))), ("columns", json.dumps([[c.key, c.role] for c in cols])),
        ("header_rows", str(HEADER_ROWS)),
    ]
    for i, (k, v) in enumerate(items):
        meta.write_string(i, 0, k)
        meta.write_string(i, 1, v)
    meta.very_hidden()
    recs = wb.add_worksheet(SHEET_META_RECORDS)
    for c, h in enumerate(("id", "fingerprint", "row", "values")):
        recs.write_string(0, c, h)
    dumps = json.dumps
    for i, r in enumerate(records, start=1):
        rv = r.values
        shown = [rv.get(k, "") for k in SHOWN_KEYS]  # issued_values(r), in SHOWN_KEYS order
        write_cells(recs, i, [(0, r.id, None), (1, _fingerprint(shown), None), (2, row_of.get(r.id, 0), None),
                              (3, dumps({k: v for k, v in zip(SHOWN_KEYS, shown, strict=True) if v}, ensure_ascii=False), None)])
    recs.very_hidden()


def write_summary(path: Path, cat: Catalogue, plan: AssignmentPlan, books: dict[str, Path]) -> None:
    """担当一覧.xlsx: per coordinator (genres, districts, count, share, file) and every record with its owner.

    The title states the plan's --as-of date (the day freshness was judged on); 最終確認日 is a date cell."""
    from .text import to_wareki

    tmp = _tmp(path)
    wb = _workbook(tmp)
    header = [*AssignmentPlan.HEADERS, "ファイル"]
    rows = [(*row, books[s.coordinator].name if s.coordinator in books else "(割り当てなし)")
            for row, s in zip(plan.to_rows(), plan.shares, strict=True)]
    rows.append(("合計", "", "", "", plan.total, "100.0%" if plan.total else "", plan.kept, ""))
    ratio = "—" if plan.ratio is None else f"{plan.ratio:.2f}"
    title = (f"{plan.year}年度 更新作業の担当一覧({plan.method_label}、{to_wareki(plan.as_of)}時点、{plan.created} 作成、"
             f"最多÷最少 = {ratio}" + ("、期限の近い資源のみ" if plan.only_due else "") + ")")
    xw_table_sheet(wb, "担当者別", header, rows, widths=[14, 8, 40, 30, 8, 8, 12, 18], title=title, right=(5,))
    by_id = cat.by_id()
    owner = plan.owner_of()
    rec_header = ["ID", S.header("name"), S.header("genre"), S.header("district"), S.header("area"),
                  S.header("last_confirmed"), "担当者"]
    rec_rows = [(rid, by_id[rid].name, by_id[rid].get("genre"), by_id[rid].get("district"), by_id[rid].get("area"),
                 by_id[rid].date("last_confirmed") or by_id[rid].get("last_confirmed"), owner[rid])
                for s in plan.shares for rid in s.record_ids]
    xw_table_sheet(wb, "資源別", rec_header, rec_rows, widths=[8, 30, 18, 10, 18, 12, 14])
    notes = [("continuity", plan.continuity, plan.kept)] if plan.continuity else []  # kept or not, and why
    notes += [(n.code, n.message, len(n.record_ids)) for n in plan.notes]
    if notes:
        xw_table_sheet(wb, "お知らせ", ["種類", "内容", "件数"], notes, widths=[18, 90, 8])
    _atomic_close(wb, tmp, path)


# --- reading back ---------------------------------------------------------------------------
@dataclass
class BookMeta:
    year: str
    coordinator: str
    method: str
    issued_at: str
    master: str
    master_time: str
    columns: list[Column]
    header_rows: int


@dataclass
class IssuedRecord:
    record_id: str
    fingerprint: str
    values: dict[str, str]  # shown values at issue time


@dataclass
class ReturnedRow:
    excel_row: int
    record_id: str
    current: dict[str, str]  # the locked いまの値 cells as returned
    new: dict[str, str]  # non-empty 新しい値 cells
    result: str
    date_value: Any  # as read: date, datetime, number or text
    method: str
    memo: str
    consent: str = ""  # 掲載同意の回答 (one of schema.CONSENT_ANSWERS when valid)

    @property
    def empty(self) -> bool:
        return not (self.result or self.new or self.memo or self.method or self.consent
                    or not _blank(self.date_value))


@dataclass
class ReturnedBook:
    path: Path
    meta: BookMeta
    issued: dict[str, IssuedRecord]
    rows: list[ReturnedRow]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


MAX_UNPACKED = 400 * 1024 * 1024


def read_book_meta(path: Path) -> BookMeta:
    """Check that ``path`` is a readable update workbook and return its metadata, without reading its rows
    (cheap: lets `collect` refuse a wrong file before anything else, then read the books one at a time)."""
    return _open_book(path)[1]


def read_update_book(path: Path) -> ReturnedBook:
    """Read a returned update workbook; a file that is not one raises InputError naming it."""
    path = Path(path)
    wb, meta = _open_book(path)
    issued: dict[str, IssuedRecord] = {}
    for r in wb.get_sheet_by_name(SHEET_META_RECORDS).to_python()[1:]:
        if len(r) < 4 or not cell_text(r[0]):
            continue
        try:
            values = json.loads(cell_text(r[3]) or "{}")
        except ValueError:
            continue
        rid = cell_text(r[0])
        issued[rid] = IssuedRecord(rid, cell_text(r[1]), {k: values.get(k, "") for k in SHOWN_KEYS})
    rows = _read_main(wb.get_sheet_by_name(SHEET_MAIN).to_python(skip_empty_area=False), meta.columns,
                      meta.header_rows, path)
    return ReturnedBook(path, meta, issued, rows)


def _open_book(path: Path) -> tuple[Any, BookMeta]:
    """(the calamine workbook, its metadata); InputError naming the file when it is not an update workbook."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    hint_not_book = "`shigen assign` が作った更新用ブック(exports/更新作業/<年度>/<氏名>.xlsx)を指定してください。"
    if not path.exists():
        raise UsageError("ファイルが見つかりません。", "ファイル名と場所を確かめてください。", path=path)
    try:
        with zipfile.ZipFile(path) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED:
                raise InputError("ファイルを展開すると大きすぎます。", hint_not_book, path=path)
        wb = CalamineWorkbook.from_path(str(path))
    except InputError:
        raise
    except Exception as exc:
        raise InputError("Excel ファイルとして読めません(壊れているか、.xlsx ではありません)。", hint_not_book,
                         path=path) from exc
    names = wb.sheet_names
    if SHEET_META not in names or SHEET_META_RECORDS not in names or SHEET_MAIN not in names:
        raise InputError("shigen の更新用ブックではありません(確認用の見えないシートがありません)。", hint_not_book, path=path)
    kv = {cell_text(r[0]): cell_text(r[1]) for r in wb.get_sheet_by_name(SHEET_META).to_python() if len(r) >= 2}
    if kv.get("format") != FORMAT_NAME:
        raise InputError("shigen の更新用ブックではありません。", hint_not_book, path=path)
    try:
        cols = [Column(k, role) for k, role in json.loads(kv.get("columns", "[]"))]
        header_rows = int(kv.get("header_rows") or HEADER_ROWS)
    except (ValueError, TypeError) as exc:
        raise InputError("更新用ブックの見えないシートが壊れています。", "assign で作り直したブックに記入し直してください。",
                         path=path) from exc
    meta = BookMeta(kv.get("year", ""), kv.get("coordinator", ""), kv.get("method", ""), kv.get("issued_at", ""),
                    kv.get("master", ""), kv.get("master_time", ""), cols, header_rows)
    return wb, meta


def _read_main(data: list[list[Any]], cols: list[Column], header_rows: int, path: Path) -> list[ReturnedRow]:
    if len(data) >= header_rows:
        tops = [cell_text(v) for v in data[0]]
        for c, col in enumerate(cols):
            top = tops[c] if c < len(tops) else ""
            if top and top != col.top:
                raise InputError(
                    f"シート『{SHEET_MAIN}』の列の並びが変わっています({c + 1} 列目が『{top}』、本来は『{col.top}』)。",
                    "列を元の位置に戻すか、assign で作り直したブックに記入し直してください。", path=path, sheet=SHEET_MAIN)
    out = []
    for i, raw in enumerate(data[header_rows:], start=header_rows + 1):
        first = cell_text(raw[0]) if raw else ""
        if first.startswith(GROUP_MARK):
            continue
        n = len(raw)
        current: dict[str, str] = {}
        new: dict[str, str] = {}
        result = method = memo = consent = ""
        date_value: Any = None
        for c, col in enumerate(cols):
            v = raw[c] if c < n else ""
            if col.role == ROLE_CURRENT:
                current[col.key] = _norm(cell_text(v))
            elif col.role == ROLE_NEW:
                text = _norm(cell_text(v))
                if text:
                    new[col.key] = text
            elif col.role == ROLE_RESULT:
                result = cell_text(v).strip()
            elif col.role == ROLE_DATE:
                date_value = None if v == "" else v
            elif col.role == ROLE_METHOD:
                method = cell_text(v).strip()
            elif col.role == ROLE_MEMO:
                memo = _norm(cell_text(v))
            elif col.role == ROLE_CONSENT:
                consent = cell_text(v).strip()
        row = ReturnedRow(i, first.strip(), current, new, result, date_value, method, memo, consent)
        if not row.record_id and row.empty and not any(current.values()):
            continue
        out.append(row)
    return out


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


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
               dry_run: bool = False, fresh: bool = False) -> AssignResult:
    """Plan, write the workbooks, then record the plan in the master's 担当履歴 (one safe save).

    One transaction: the master stays locked from reading to saving. The books are written first; 担当履歴
    records only the books confirmed written (each one exists and reopens), so a run that dies half way never
    leaves 担当履歴 naming a book nobody received. (The books used to be written by a second process beside the
    save; that cannot keep this order, and a child outliving a killed parent is worse than the seconds saved.)"""
    from .assign import plan_assignments
    from .master import clean_dead_temp_files, master_transaction, save_catalogue
    from .model import now_text

    with master_transaction(ws.catalogue, write=not dry_run) as cat:
        created = now_text()
        plan = plan_assignments(cat, method=method, year=year, as_of=as_of, only_due=only_due, created=created,
                                fresh=fresh)
        replaced = any(a.year == year for a in cat.assignments)
        if dry_run or not plan.total:
            return AssignResult(plan, None, replaced)
        folder = plan_folder(ws, year)
        _refuse_open_files(cat.path, [folder / SUMMARY_NAME, *book_targets(plan, folder).values()])
        master_time = _mtime_text(cat.path)
        if folder.is_dir():
            clean_dead_temp_files(folder)  # books of a run killed half way
        written = write_plan(cat, plan, folder, issued_at=created, master_time=master_time)
        confirmed = {name for name, path in written.books.items() if _book_ok(path)}
        cat.new_assignments.extend(a for a in plan.assignments() if a.coordinator in confirmed)
        cat.records_untouched = True  # planning and writing books never change a record
        save_catalogue(cat)
    return AssignResult(plan, written, replaced)


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


def column_number(key: str, role: str) -> int:
    """1-based column of a field's いまの値 / 新しい値 (or of 確認結果 etc. with key "") in 『確認シート』."""
    for i, col in enumerate(layout(), start=1):
        if col.key == key and col.role == role:
            return i
    raise KeyError((key, role))
