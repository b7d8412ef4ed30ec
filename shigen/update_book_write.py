"""Writing the update workbooks of `shigen assign` (one per coordinator) and 担当一覧.xlsx, with xlsxwriter.

The format (sheets, columns, answers, hidden metadata) is :mod:`shigen.update_book`; the cells are written through
:mod:`shigen.xlsx_write`'s fast path: the rows of 確認シート, 印刷用 and the hidden records sheet with ``emit_row``
(their XML made at once), everything else as xlsxwriter stores it.

Why this file is about 400 lines: the four sheets of a book (記入のしかた with its Japanese instructions,
確認シート with its formats and drop-downs, 印刷用, the hidden metadata) are one piece of layout; splitting it
would only spread one book's look over several files.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from . import schema as S
from .assign import METHOD_DISTRICT, NO_DISTRICT, AssignmentPlan, Share, is_city_wide
from .model import Catalogue, Record
from .update_book import (
    CONFIRM_METHODS,
    DATE_KEYS,
    DOUBT_NOTE,
    FORMAT_NAME,
    FORMAT_VERSION,
    GROUP_MARK,
    HEADER_ROWS,
    LABEL_CONSENT,
    LABEL_CURRENT,
    LABEL_DATE,
    LABEL_MEMO,
    LABEL_METHOD,
    LABEL_NEW,
    LABEL_RESULT,
    RESULTS,
    ROLE_CONSENT,
    ROLE_CURRENT,
    ROLE_DATE,
    ROLE_ID,
    ROLE_MEMO,
    ROLE_METHOD,
    ROLE_NEW,
    ROLE_RESULT,
    SHEET_HELP,
    SHEET_MAIN,
    SHEET_META,
    SHEET_META_RECORDS,
    SHEET_PRINT,
    Column,
    doubt_comment,
    doubtful_fields,
    hidden_texts,
    layout,
)
from .xlsx_style import FONT_NAME, wrapped_lines, xw_a4, xw_header_format
from .xlsx_write import Packing, emit_row
from .xlsx_write import atomic_close as _atomic_close
from .xlsx_write import new_workbook as _workbook
from .xlsx_write import tmp_path as _tmp


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
                      issued_at: str, master_time: str, doubts: dict[str, dict[str, str]] | None = None,
                      packer: Packing | None = None) -> None:
    """One coordinator's update workbook (see the module docstring). ``doubts``: :func:`doubtful_fields` of (at
    least) ``records``, worked out here when not given. ``packer``: :func:`shigen.xlsx_write.packing` (the file is
    then zipped and written by its thread, complete when that block ends)."""
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
    cur_fmt, id_fmt, cur_date_fmt = f["cur"], f["id"], f["cur_date"]
    cur_col = {key: c for c, key in cur_cols}
    cur_spec = [(c, key, key in DATE_KEYS) for c, key in cur_cols]
    for label, recs in groups:
        ws.merge_range(row, 0, row, last_col, f"{GROUP_MARK} {label}({len(recs)} 件)", f["group"])
        row += 1
        for r in recs:
            get = r.values.get
            rid = get("id", "")
            cells: list[tuple[int, Any, Any]] = [(0, rid, id_fmt)]
            cells.extend((c, day, cur_date_fmt) if is_date and (day := _day(v)) is not None  # a date cell, shown
                         else (c, v, cur_fmt)  # 2026/06/01 (issue 13); empty values are left out
                         for c, key, is_date in cur_spec if (v := get(key)))
            doubtful = doubts.get(rid)
            if doubtful:  # placeholders / invalid values: pointed out in colour, as text, with a comment
                by_col = {c: (c, v, fmt) for c, v, fmt in cells}
                for key, message in doubtful.items():
                    c = cur_col[key]
                    by_col[c] = (c, get(key, ""), f["cur_doubt"])
                    ws.write_comment(row, c, doubt_comment(message), {"x_scale": 2, "y_scale": 1.6})
                    if key in new_col:
                        by_col[new_col[key]] = (new_col[key], None, f["in_doubt"])  # a blank answer cell, marked
                cells = [by_col[c] for c in sorted(by_col)]
            emit_row(ws, row, cells)
            row_of[rid] = row + 1
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
    _atomic_close(wb, tmp, path, packer)


@functools.lru_cache(maxsize=4096)
def _day(text: str) -> dt.datetime | None:
    """The master's ISO date text as a datetime for a date cell; anything else (a placeholder …) stays text."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return dt.datetime(day.year, day.month, day.day)


_ROLE_WIDTHS = {ROLE_ID: 8, ROLE_RESULT: 11, ROLE_DATE: 12, ROLE_METHOD: 9, ROLE_MEMO: 24, ROLE_CONSENT: 17}


def _width(col: Column) -> int:
    if col.role in _ROLE_WIDTHS:
        return _ROLE_WIDTHS[col.role]
    base = S.FIELD_BY_KEY[col.key].width
    return max(10, min(base, 30 if col.role == ROLE_CURRENT else 24))


def _formats(wb: Any) -> dict[str, Any]:
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


def _validations(ws: Any, cols: list[Column], first: int, last: int) -> None:
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


def _consent_validation(ws: Any, c: int, first: int, last: int) -> None:
    """掲載同意の回答: the three answers of the letter's consent question (`shigen letters`)."""
    ws.data_validation(first, c, last, c, {
        "validate": "list", "source": list(S.CONSENT_ANSWERS),
        "input_title": LABEL_CONSENT, "input_message": "確認依頼で先方が選んだ答えを一覧から選んでください(回答がなければ空欄)。",
        "error_title": LABEL_CONSENT, "error_message": "一覧(" + "・".join(S.CONSENT_ANSWERS) + ")から選んでください。"})


CONSENT_HELP = ("※ 確認依頼(shigen letters)の掲載についての答えは『掲載同意の回答』に選び、回答を受けた日を『確認日』に"
                "(内容の確認がまだなら『確認結果』は空欄でかまいません)。")


def _help_sheet(wb: Any, f: dict[str, Any], cat: Catalogue, plan: AssignmentPlan, share: Share, count: int,
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


def _print_sheet(wb: Any, f: dict[str, Any], groups: list[tuple[str, list[Record]]], page_header: str,
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
    doubts = doubts or {}
    keys = [(c, k, k in DATE_KEYS, widths[c] - 1) for c, k in enumerate(PRINT_KEYS, start=1)]
    for label, recs in groups:
        ws.merge_range(row, 0, row, last, f"{GROUP_MARK} {label}({len(recs)} 件)", f["print_group"])
        row += 1
        for r in recs:
            get = r.values.get
            rid = get("id", "")
            cells: list[tuple[int, Any, Any]] = [(0, rid, print_fmt)]
            lines = 2  # room to write by hand
            doubtful = doubts.get(rid)
            for c, k, is_date, room in keys:
                v = get(k, "")
                if doubtful is not None and k in doubtful:  # on paper too, in words (a black-and-white printer
                    v = f"{v}【{DOUBT_NOTE}】"                 # drops the colour)
                    cells.append((c, v, doubt_fmt))
                    lines = max(lines, _lines(v, widths[c]))
                elif not v:
                    continue
                elif is_date and (day := _day(v)) is not None:
                    cells.append((c, day, date_fmt))
                else:
                    cells.append((c, v, print_fmt))
                    if len(v) > room or "\n" in v:  # else at most 2 lines (2 units a character at most)
                        lines = max(lines, _lines(v, widths[c]))
            emit_row(ws, row, cells)
            ws.set_row(row, 12.5 * min(lines, 8) + 3)
            row += 1
    ws.freeze_panes(1, 0)
    xw_a4(ws, landscape=True, fit_width=True, repeat_rows=(0, 0))
    ws.set_header(page_header)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped cell needs in a column ``width`` characters wide (one unit is the cell's padding)."""
    return wrapped_lines(text, width - 1)


def _height(text: str, width: int, line: float) -> float:
    return line * _lines(text, width) + 2


def _meta_sheets(wb: Any, cat: Catalogue, plan: AssignmentPlan, share: Share, records: list[Record],
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
    for i, r in enumerate(records, start=1):
        digest, values = hidden_texts(r)
        emit_row(recs, i, [(0, r.id, None), (1, digest, None), (2, row_of.get(r.id, 0), None), (3, values, None)])
    recs.very_hidden()
