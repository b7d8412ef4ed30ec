"""The rules of `shigen collect`: what one returned row of an update workbook does to the master (no file I/O).

Each returned row is checked, then applied to the in-memory catalogue with ``Catalogue.set_value`` (so every
changed field lands in 履歴), and the master is saved once at the end. A row is **not applied** and is listed
as a finding when:

- its ID is unknown (not issued in that workbook, or no longer in the master) — ``unknown-id``;
- a grey (locked) いまの値 cell was changed — ``locked-edit``;
- 確認結果 is empty while something else was written, or is not one of the five choices — ``missing-result`` /
  ``invalid-result``;
- 確認日 is missing, unreadable, in the future, or more than a year before the sheet was made — ``missing-date`` /
  ``impossible-date``;
- 変更あり without any new value — ``no-new-value``; 変更なし / 連絡つかず with new values — ``values-without-change``;
- a new value is not one of a field's choices — ``invalid-value``; 確認結果 休止/廃止 and a different 状態 — ``contradiction``;
- 掲載同意の回答 (`shigen letters`) not one of its three answers, or given with 連絡つかず — ``invalid-consent``;
- the master record was edited (any editable field) after the workbook was made — ``conflict``, with the
  value at issue, the master's value and the value written in the sheet.

Placeholders kept: a 変更なし (or 変更あり) row whose record, once the row is applied, still holds a placeholder or an
invalid value in an editable field (the cells the workbook coloured, :func:`shigen.update_book.doubtful_fields`)
is applied — new values, 確認者 — but 最終確認日 does not move, and the row is reported as ``placeholder-kept``
(「要確認のまま」) in ``CollectResult.held``: the record must not look freshly verified while it still says 要確認.

Idempotence: before the conflict check, a row whose wanted result is already in the master (same values,
最終確認日 on or after its 確認日) counts as *already applied* and changes nothing. 最終確認日 never moves back.

A consent answer applied sets 掲載同意, 公開範囲 and 掲載同意日 and appends the 回答日 of an open 照会 (see
:mod:`shigen.letters.followup`).

Everything here works on a :class:`~shigen.model.Catalogue` in memory and the rows already read
(:mod:`shigen.update_book_read`); reading the books, saving the master and writing 回収状況.xlsx are
:mod:`shigen.collect` and :mod:`shigen.collect_progress`.

Why this file is over 400 lines (~520): each rule listed above is a few lines of :func:`_process_row`, the one
loop that checks and applies a row in order; they read best together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from . import schema as S
from .cells import cell_text
from .findings import CODES, SEVERITY_LABEL, render
from .model import Catalogue, Record
from .text import clean_text, clean_value, normalize_email, normalize_phone, normalize_postal, normalize_url, parse_date
from .update_book import (
    CLEAR_WORDS,
    CONTENT_KEYS,
    DOUBT_NOTE,
    LABEL_CONSENT,
    LABEL_DATE,
    RESULT_CHANGED,
    RESULT_CLOSED,
    RESULT_PAUSED,
    RESULT_UNCHANGED,
    RESULT_UNREACHABLE,
    RESULTS,
    SHOWN_KEYS,
)
from .update_book import doubtful_fields as _doubtful_fields
from .update_book_read import ReturnedBook, ReturnedRow, _blank

COMMAND = "collect"
NAME_LIKE_KEYS = ("name", "kana", "operator")  # proper names: no dash folding

# per-record states kept in 回収状況.xlsx
STATE_CONFIRMED = "確認済み"
STATE_CHANGED = "変更を反映"
STATE_CLOSED = "休止・廃止を反映"
STATE_UNREACHABLE = "連絡つかず"
STATE_PROBLEM = "要確認"
STATE_HELD = DOUBT_NOTE  # 要確認のまま: confirmed, but a placeholder / invalid value is left: 最終確認日 not moved
STATE_PENDING = "未回収"
STATE_CONSENT = "掲載同意のみ反映"  # only the consent answer of a 確認依頼 (content not confirmed yet)
DONE_STATES = (STATE_CONFIRMED, STATE_CHANGED, STATE_CLOSED)


@dataclass
class CollectFinding:
    """One row of a returned workbook not applied as written (or, ``placeholder-kept``, applied but not freshly
    confirmed). Its code, title, severity, message and hint come from the one catalogue, :mod:`shigen.findings`
    (stage ``collect``); where it is and the three values of a conflict are collect's own."""

    code: str
    message: str
    hint: str
    file: str
    row: int | None
    record_id: str = ""
    name: str = ""
    coordinator: str = ""
    field: str = ""  # Japanese header
    issued: str = ""  # value when the workbook was made
    master: str = ""  # value in the master now
    entered: str = ""  # value written in the workbook

    @classmethod
    def make(cls, code: str, file: str, row: int | None, record_id: str = "", name: str = "", coordinator: str = "",
             *, field: str = "", issued: str = "", master: str = "", entered: str = "",
             **values: object) -> CollectFinding:
        """A finding whose message and hint are the catalogue's templates filled with ``field`` and ``values``
        (value, detail, result, choices)."""
        message, hint = render(code, field=field, **values)
        return cls(code, message, hint, file, row, record_id, name, coordinator, field, issued, master, entered)

    @property
    def title(self) -> str:
        return CODES[self.code].title

    @property
    def severity(self) -> str:
        return str(CODES[self.code].severity)

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABEL[CODES[self.code].severity]

    HEADERS = ("重要度", "ファイル", "行", "ID", "名称", "担当者", "種類", "内容", "対処", "項目", "配布時の値", "台帳の今の値",
               "記入された値", "コード")

    def to_row(self) -> tuple[object, ...]:
        return (self.severity_label, self.file, self.row or "", self.record_id, self.name, self.coordinator, self.title,
                self.message, self.hint, self.field, self.issued, self.master, self.entered, self.code)

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "severity": self.severity, "title": self.title, "message": self.message,
                "hint": self.hint, "file": self.file, "row": self.row, "record_id": self.record_id, "name": self.name,
                "coordinator": self.coordinator, "field": self.field, "issued": self.issued, "master": self.master,
                "entered": self.entered}


@dataclass
class RecordOutcome:
    """What happened to one record in one returned workbook."""

    record_id: str
    coordinator: str
    file: str
    year: str
    state: str  # one of the STATE_* values
    result: str = ""
    date: str = ""
    method: str = ""
    memo: str = ""
    changed: list[str] = field(default_factory=list)  # Japanese headers of fields changed now
    already: bool = False  # found already applied (a second collect)
    collected_at: str = ""

    HEADERS = ("ID", "担当者", "状況", "確認結果", "確認日", "確認方法", "変更した項目", "メモ", "ファイル", "回収日時")

    def to_row(self) -> tuple[str, ...]:
        return (self.record_id, self.coordinator, self.state, self.result, self.date, self.method,
                "、".join(self.changed), self.memo, self.file, self.collected_at)


@dataclass
class FileSummary:
    path: Path
    coordinator: str
    year: str
    rows: int = 0
    applied: int = 0  # rows that changed the master now
    already: int = 0  # rows already in the master
    unreachable: int = 0
    rejected: int = 0
    pending: int = 0  # rows with nothing written yet

    HEADERS = ("ファイル", "担当者", "年度", "行数", "反映", "反映済み", "連絡つかず", "要確認", "未記入")

    def to_row(self) -> tuple[object, ...]:
        return (self.path.name, self.coordinator, self.year, self.rows, self.applied, self.already, self.unreachable,
                self.rejected, self.pending)


# --- checking and applying one row ------------------------------------------------------------
def _norm(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _same_cells(current: dict[str, str], issued: dict[str, str]) -> bool:
    """Every いまの値 cell as it was issued, compared in C (the usual case: nobody touched the grey cells)."""
    keys = tuple(current)
    if not keys:
        return True
    try:
        get = _GETTERS[keys]
    except KeyError:
        get = _GETTERS.setdefault(keys, itemgetter(*keys) if len(keys) > 1 else (lambda d: (d[keys[0]],)))
    try:
        return bool(get(current) == get(issued))
    except KeyError:  # a column the issued values do not have (a book of another version): compare one by one
        return False


_GETTERS: dict[tuple[str, ...], Any] = {}


def _clean_new(key: str, text: str, area_code: str = "") -> str:
    """A new value as the master keeps it: (削除) → empty; phone numbers, postal codes, mail and URLs in their
    usual form when they can be read (left as written otherwise, for audit to point out)."""
    if text.strip() in CLEAR_WORDS:
        return ""
    if key in NAME_LIKE_KEYS:
        return clean_text(text)
    kind = S.FIELD_BY_KEY[key].kind
    if kind is S.Kind.PHONE:
        phone = normalize_phone(text, area_code)
        if not phone.valid:
            return clean_value(text)
        return f"{phone.number}（{phone.note}）" if phone.note else phone.number
    normalise = {S.Kind.POSTAL: normalize_postal, S.Kind.EMAIL: normalize_email, S.Kind.URL: normalize_url}.get(kind)
    if normalise:
        value, ok = normalise(text)
        return value if ok else clean_value(text)
    return clean_value(text)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, str):
        return parse_date(value.strip())
    return parse_date(value)


def _issue_date(book: ReturnedBook) -> dt.date | None:
    try:
        return dt.date.fromisoformat(book.meta.issued_at[:10])
    except ValueError:
        return None


@dataclass
class _RowContext:
    cat: Catalogue
    by_id: dict[str, Record]
    today: dt.date
    now: str
    findings: list[CollectFinding]
    outcomes: list[RecordOutcome]
    fields_changed: int = 0
    records_changed: set[str] = field(default_factory=set)
    held: list[CollectFinding] = field(default_factory=list)
    doubts: dict[str, dict[str, str]] = field(default_factory=dict)  # the book's records as they are in the master

    def doubts_after(self, rec: Record, wanted: dict[str, str]) -> dict[str, str]:
        """Editable fields of ``rec`` holding a placeholder / invalid value once ``wanted`` is applied."""
        left = {k: m for k, m in self.doubts.get(rec.id, {}).items() if k not in wanted}
        if any(wanted.values()):
            after = Record({**rec.values, **wanted})
            left.update({k: m for k, m in _doubtful_fields(self.cat, [after], self.today).get(rec.id, {}).items()
                         if k in wanted})
        return left
    inquiries: dict[str, Any] | None = None  # 照会 states (letters.followup), read when first needed


def _process_row(ctx: _RowContext, book: ReturnedBook, row: ReturnedRow, summary: FileSummary) -> None:
    fname = book.path.name
    coord = book.meta.coordinator
    rid = row.record_id
    rec = ctx.by_id.get(rid)
    issued = book.issued.get(rid)
    name = rec.name if rec else (issued.values.get("name", "") if issued else row.current.get("name", ""))

    def outcome(state: str, **kw: Any) -> RecordOutcome:
        o = RecordOutcome(rid, coord, fname, book.meta.year, state, row.result, kw.pop("date", ""), row.method, row.memo,
                    collected_at=ctx.now, **kw)
        ctx.outcomes.append(o)
        return o

    def reject(code: str, **kw: Any) -> None:
        ctx.findings.append(CollectFinding.make(code, fname, row.excel_row, rid, name, coord, **kw))

    summary.rows += 1
    if not rid or issued is None or rec is None:
        if not rid:
            detail = "ID のない行に記入があります。"
        elif issued is None:
            detail = f"ID {rid} はこのブックで配った資源ではありません。"
        else:
            detail = f"ID {rid} は台帳にありません(台帳から消された可能性があります)。"
        reject("unknown-id", detail=detail)
        summary.rejected += 1
        if rid and issued is not None:
            outcome(STATE_PROBLEM)
        return

    cur, was = row.current, issued.values  # a cell equal to the issued text is equal to it normalised (cur is)
    edited = [] if _same_cells(cur, was) else [
        k for k in SHOWN_KEYS if k in cur and cur[k] != was.get(k, "") and cur[k] != _norm(was.get(k, ""))]
    if edited:
        for k in edited:
            reject("locked-edit", field=S.header(k), issued=issued.values.get(k, ""), master=rec.get(k), entered=row.current[k])
        summary.rejected += 1
        outcome(STATE_PROBLEM)
        return

    if row.empty:
        summary.pending += 1
        outcome(STATE_PENDING)
        return
    if row.consent and (problem := _consent_problem(row)):
        reject("invalid-consent", detail=problem, field=LABEL_CONSENT, entered=row.consent)
        summary.rejected += 1
        outcome(STATE_PROBLEM)
        return
    result = row.result
    if not result:
        if row.consent and not row.new:
            _consent_only(ctx, book, row, rec, summary, outcome, reject)
            return
        if row.new or row.method or row.date_value not in (None, ""):
            reject("missing-result")
            summary.rejected += 1
            outcome(STATE_PROBLEM)
        else:  # only a memo
            summary.pending += 1
            outcome(STATE_PENDING)
        return
    if result not in RESULTS:
        reject("invalid-result", value=result, choices="・".join(RESULTS), entered=result)
        summary.rejected += 1
        outcome(STATE_PROBLEM)
        return

    day = None
    raw_date = row.date_value
    if raw_date not in (None, ""):
        day = _as_date(raw_date)
        issued_on = _issue_date(book)
        why = ""
        if day is None:
            why = "日付として読めません"
        elif day > ctx.today:
            why = f"今日({ctx.today.isoformat()})より後の日付です"
        elif issued_on and day < issued_on - dt.timedelta(days=366):
            why = f"このブックを作った日({issued_on.isoformat()})より1年以上前です"
        if why:
            reject("impossible-date", value=cell_text(raw_date), detail=why, field=LABEL_DATE,
                   entered=cell_text(raw_date))
            summary.rejected += 1
            outcome(STATE_PROBLEM)
            return
    elif result != RESULT_UNREACHABLE:
        reject("missing-date", field=LABEL_DATE)
        summary.rejected += 1
        outcome(STATE_PROBLEM)
        return

    wanted: dict[str, str] = {}
    for key, text in row.new.items():
        value = _clean_new(key, text, ctx.cat.settings.area_code)
        choices = S.FIELD_BY_KEY[key].choices
        if value and choices and value not in choices:
            reject("invalid-value", value=value, choices="・".join(choices), field=S.header(key), issued=issued.values.get(key, ""), master=rec.get(key), entered=value)
            summary.rejected += 1
            outcome(STATE_PROBLEM)
            return
        if value != _norm(issued.values.get(key, "")):
            wanted[key] = value
    new_status = wanted.pop("status", None)
    if result in (RESULT_PAUSED, RESULT_CLOSED):
        if new_status is not None and new_status != result:
            reject("contradiction", result=result, value=new_status, field=S.header("status"), entered=new_status)
            summary.rejected += 1
            outcome(STATE_PROBLEM)
            return
        wanted["status"] = result
    elif new_status is not None:
        wanted["status"] = new_status
    if result == RESULT_CHANGED and not wanted:
        reject("no-new-value")
        summary.rejected += 1
        outcome(STATE_PROBLEM)
        return
    if result in (RESULT_UNCHANGED, RESULT_UNREACHABLE) and wanted:
        fields = "、".join(S.header(k) for k in wanted)
        reject("values-without-change", result=result, field=fields)
        summary.rejected += 1
        outcome(STATE_PROBLEM)
        return
    if result == RESULT_UNREACHABLE:
        summary.unreachable += 1
        outcome(STATE_UNREACHABLE, date=day.isoformat() if day else "")
        return

    assert day is not None
    confirm = day.isoformat()
    state = (STATE_CLOSED if result in (RESULT_PAUSED, RESULT_CLOSED) else
             STATE_CHANGED if result == RESULT_CHANGED else STATE_CONFIRMED)
    current_lc = rec.date("last_confirmed")
    already = all(rec.get(k) == v for k, v in wanted.items()) and current_lc is not None and current_lc >= day
    if already:
        summary.already += 1
        _answered(ctx, book, row, rec, day)
        outcome(state, date=confirm, already=True)
        return
    # fields changed in the master since issue, unless to exactly what this row asks for
    moved = [k for k in CONTENT_KEYS
             if _norm(rec.get(k)) != _norm(issued.values.get(k, "")) and rec.get(k) != wanted.get(k)]
    if moved:
        for k in moved:
            entered = wanted.get(k, "(記入なし)" if result != RESULT_UNCHANGED else "(変更なし)")
            reject("conflict", field=S.header(k), issued=issued.values.get(k, ""), master=rec.get(k), entered=entered)
        summary.rejected += 1
        outcome(STATE_PROBLEM)
        return

    left = ctx.doubts_after(rec, wanted) if result in (RESULT_UNCHANGED, RESULT_CHANGED) else {}
    changed: list[str] = []
    for key, value in wanted.items():
        if ctx.cat.set_value(rec, key, value, command=COMMAND, by=coord, source=fname):
            changed.append(S.header(key))
    bookkeeping = 0
    if left:  # the record still says 要確認 somewhere: confirmed by this row, but not freshly verified
        fields = "、".join(S.header(k) for k in left)
        ctx.held.append(CollectFinding.make(
            "placeholder-kept", fname, row.excel_row, rid, name, coord, field=fields, value=next(iter(left.values())),
            master="、".join(rec.get(k) for k in left), entered=result))
        state = STATE_HELD
    elif current_lc is None or day > current_lc:
        bookkeeping += ctx.cat.set_value(rec, "last_confirmed", confirm, command=COMMAND, by=coord, source=fname)
    bookkeeping += ctx.cat.set_value(rec, "confirmed_by", coord, command=COMMAND, by=coord, source=fname)
    if changed or bookkeeping:
        ctx.cat.set_value(rec, "updated_at", ctx.today.isoformat(), command=COMMAND, by=coord, source=fname)
        ctx.records_changed.add(rid)
    ctx.fields_changed += len(changed)
    summary.applied += 1
    _answered(ctx, book, row, rec, day)
    outcome(state, date=confirm, changed=changed)


# --- answers to a 確認依頼 (`shigen letters`): 掲載同意 and 回答日 --------------------------------------
CONSENT_EFFECT = {  # answer → (掲載同意, 公開範囲)
    S.CONSENT_ANSWER_PUBLIC: (S.CONSENT_GIVEN, S.VISIBILITY_PUBLIC),
    S.CONSENT_ANSWER_STAFF: (S.CONSENT_GIVEN, S.VISIBILITY_STAFF),
    S.CONSENT_ANSWER_NONE: (S.CONSENT_REFUSED, S.VISIBILITY_STAFF),
}


def _consent_problem(row: ReturnedRow) -> str:
    """What is wrong with a row's 掲載同意の回答 (the detail of ``invalid-consent``), '' when nothing is."""
    if row.consent not in CONSENT_EFFECT:
        return f"『{LABEL_CONSENT}』の『{row.consent}』は選択肢({'・'.join(S.CONSENT_ANSWERS)})にありません。"
    if row.result == RESULT_UNREACHABLE:
        return f"確認結果が『{RESULT_UNREACHABLE}』なのに『{LABEL_CONSENT}』があります(どちらかを直してください)。"
    return ""


def _apply_consent(ctx: _RowContext, rec: Record, answer: str, day: dt.date, coord: str, fname: str) -> bool:
    """掲載同意, 公開範囲 and 掲載同意日 from the provider's answer (each change logged in 履歴)."""
    consent, visibility = CONSENT_EFFECT[answer]
    changed = ctx.cat.set_value(rec, "consent", consent, command=COMMAND, by=coord, source=fname)
    changed |= ctx.cat.set_value(rec, "visibility", visibility, command=COMMAND, by=coord, source=fname)
    if changed or not rec.get("consent_date"):
        changed |= ctx.cat.set_value(rec, "consent_date", day.isoformat(), command=COMMAND, by=coord, source=fname)
    if changed:
        ctx.records_changed.add(rec.id)
    return changed


def _answered(ctx: _RowContext, book: ReturnedBook, row: ReturnedRow, rec: Record, day: dt.date) -> bool:
    """An applied row: its consent answer (if any) and the 回答日 of an open 照会. True when the master changed."""
    from .letters.followup import record_answer, states

    changed = bool(row.consent) and _apply_consent(ctx, rec, row.consent, day, book.meta.coordinator, book.path.name)
    if ctx.inquiries is None:
        ctx.inquiries = states(ctx.cat)
    return record_answer(ctx.cat, rec, day, f"{COMMAND}: {book.path.name}", ctx.inquiries) or changed


def _consent_only(ctx: _RowContext, book: ReturnedBook, row: ReturnedRow, rec: Record, summary: FileSummary,
                  outcome: Any, reject: Any) -> None:
    """A row with only 掲載同意の回答 (and its 確認日): the consent is applied, the content is not confirmed."""
    day = _as_date(row.date_value) if not _blank(row.date_value) else None
    if day is None or day > ctx.today:
        text = cell_text(row.date_value) if not _blank(row.date_value) else ""
        if not text:  # the day the answer came is the 確認日 of a consent answer
            reject("missing-date", field=LABEL_DATE)
        else:
            why = "日付として読めません" if day is None else f"今日({ctx.today.isoformat()})より後の日付です"
            reject("impossible-date", value=text, detail=why, field=LABEL_DATE, entered=text)
        summary.rejected += 1
        outcome(STATE_PROBLEM)
        return
    if _answered(ctx, book, row, rec, day):
        summary.applied += 1
    else:
        summary.already += 1
    outcome(STATE_CONSENT, date=day.isoformat())


# --- all rows of all books ------------------------------------------------------------------------
def collect_books(cat: Catalogue, books: Iterable[ReturnedBook], *, today: dt.date,
                  now: str, held: list[CollectFinding] | None = None) -> tuple[list[FileSummary], list[CollectFinding], list[RecordOutcome],
                                                                       int, int]:
    """Check and apply every row of ``books`` to ``cat`` (in memory). Pure apart from ``cat``.

    ``books`` may be a generator: each book is let go once its rows are checked, so only one returned
    workbook (rows and the values it was made from) is in memory at a time."""
    ctx = _RowContext(cat, cat.by_id(), today, now, [], [], held=held if held is not None else [])
    summaries = []
    for book in books:
        summary = FileSummary(book.path, book.meta.coordinator, book.meta.year)
        # only rows that may confirm a record need it (an unfilled book costs nothing)
        ctx.doubts = _doubtful_fields(cat, (ctx.by_id[r.record_id] for r in book.rows if r.record_id in ctx.by_id
                                            and r.result in (RESULT_UNCHANGED, RESULT_CHANGED)), today)
        for row in book.rows:
            _process_row(ctx, book, row, summary)
        summaries.append(summary)
        del book  # not kept while the next one is read
    return summaries, ctx.findings, ctx.outcomes, ctx.fields_changed, len(ctx.records_changed)
