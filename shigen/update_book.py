"""The update workbook's format: what `shigen assign` writes and `shigen collect` reads back.

An update workbook (one per coordinator and year) has four sheets:

- 『記入のしかた』 — what to do, in plain Japanese;
- 『確認シート』 — one row per record, grouped under a heading row per district (or genre): the ID and the
  current value of every public field (grey, locked by sheet protection without a password), each editable
  field followed by its own 『新しい値』 column (yellow, unlocked), and the columns 確認結果 (drop-down),
  確認日 (date), 確認方法 (drop-down), メモ, 掲載同意の回答 (drop-down: the answer to `shigen letters`);
- 『印刷用』 — a compact A4-landscape checklist to take on visits;
- two *very hidden* sheets (``_shigen``, ``_shigen_records``) with the year, coordinator, master path and time,
  the column layout, and per record ID a fingerprint and the exact values the sheet was made from, so
  `collect` can tell edits to locked cells and records changed in the master after the sheet was issued.

This module holds what both directions share — sheet names, the column layout, the answers offered, the
fingerprint, the cells that still hold a placeholder — so each is defined once. The writer is
:mod:`shigen.update_book_write` (xlsxwriter), the reader :mod:`shigen.update_book_read` (python-calamine, which
sees the hidden sheets), and `shigen assign` as a whole is :mod:`shigen.assign_run`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress
from operator import itemgetter
from pathlib import Path
from typing import Any

from . import schema as S
from .model import Catalogue, Record
from .workspace import Workspace, safe_filename

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


def shown_values(record: Record) -> list[str]:
    """A record's value of each SHOWN_KEYS field, in that order: what its book shows, keeps in the hidden sheet
    and fingerprints."""
    values = record.values
    return [values.get(k, "") for k in SHOWN_KEYS]


# json.dumps(…, ensure_ascii=False) made once: dumps builds a new encoder on every call that has an option
JSON_TEXT = json.JSONEncoder(ensure_ascii=False)


def fingerprint(values: dict[str, str]) -> str:
    """A short hash of a record's shown values: equal values, equal fingerprint."""
    return _fingerprint([values.get(k, "") for k in SHOWN_KEYS])


def _fingerprint(shown: list[str]) -> str:
    """:func:`fingerprint` of the values in SHOWN_KEYS order."""
    return hashlib.sha256(json_strings(shown).encode("utf-8")).hexdigest()[:20]


# what JSON_TEXT escapes in a string: the quote, the backslash and the control characters
_JSON_ESCAPED = re.compile(r'["\\\x00-\x1f]')


def json_strings(values: list[str]) -> str:
    """``JSON_TEXT.encode(values)`` for a list of strings: joined directly when no value needs an escape (3 times
    faster than the encoder; issue 18: every record handed out is fingerprinted and stored as JSON)."""
    body = "".join(values)
    if _JSON_ESCAPED.search(body) is not None:
        return JSON_TEXT.encode(values)
    return '["' + '", "'.join(values) + '"]' if values else "[]"


def json_shown(shown: list[str]) -> str:
    """``JSON_TEXT.encode`` of the non-empty values of ``shown`` keyed by SHOWN_KEYS (the hidden sheet's values)."""
    if _JSON_ESCAPED.search("".join(shown)) is not None:
        return JSON_TEXT.encode({k: v for k, v in zip(SHOWN_KEYS, shown, strict=True) if v})
    pairs = [f'"{k}": "{v}"' for k, v in zip(SHOWN_KEYS, shown, strict=True) if v]
    return "{" + ", ".join(pairs) + "}"


_KEY_PREFIXES = [f'"{k}": "' for k in SHOWN_KEYS]  # json_shown's pairs up to the value
_NO_VALUES = [""] * len(SHOWN_KEYS)
_SHOWN_OF = itemgetter(*SHOWN_KEYS)  # (there are many SHOWN_KEYS: the getter returns a tuple)
_PAIR_STARTS = ['", ' + key for key in _KEY_PREFIXES]  # hidden_texts' pieces before each value
_SEPARATOR_QUOTES = 2 * (len(SHOWN_KEYS) - 1)  # the quotes of hidden_texts' '", "' separators
_JSON_ESCAPED_BUT_QUOTE = re.compile(r'[\\\x00-\x1f]')


def hidden_texts(record: Record) -> tuple[str, str]:
    """(:func:`fingerprint`, :func:`json_shown`) of a record — the hidden sheet's two texts — with one look for
    escapes instead of two (the same texts: ``test_the_hidden_sheets_json_is_what_the_json_encoder_writes``)."""
    values = record.values
    try:
        shown: Sequence[str] = _SHOWN_OF(values)  # a record read from the master has every column: one C call
    except KeyError:
        shown = list(map(values.get, SHOWN_KEYS, _NO_VALUES))
    inner = '", "'.join(shown)  # the fingerprint's JSON list without its brackets, when nothing needs an escape:
    # no quote but the separators' (counted in C), no backslash, no control character (a printable text has
    # none; one that is not — U+3000, a line break — is looked at by the regex)
    if (inner.count('"') != _SEPARATOR_QUOTES or "\\" in inner
            or not inner.isprintable() and _JSON_ESCAPED_BUT_QUOTE.search(inner) is not None):
        return _fingerprint(list(shown)), json_shown(list(shown))
    digest_of = hashlib.sha256(b'["')  # the fingerprint's JSON list, fed in three pieces (no copy of the text)
    digest_of.update(inner.encode("utf-8"))
    digest_of.update(b'"]')
    digest = digest_of.hexdigest()[:20]
    if not any(shown):
        return digest, "{}"
    # ', "key": "' and the value for each non-empty value, in one join (the first pair without its ', ')
    pairs = zip(compress(_PAIR_STARTS, shown), filter(None, shown), strict=True)
    return digest, "{" + "".join(chain.from_iterable(pairs))[3:] + '"}'


# --- cells still holding a placeholder or an invalid value ----------------------------------------
DOUBT_NOTE = "要確認のまま"


def doubtful_fields(cat: Catalogue, records: Iterable[Record], as_of: dt.date | None = None, *,
                    columns: Any = None) -> dict[str, dict[str, str]]:
    """Record ID → {field key: audit's message} for each editable field that holds a placeholder (要確認, ？, 未定,
    - …) or an invalid phone, FAX, mail, URL, postal code, date or choice: audit's own value checks, run on
    ``records`` only. The update workbook colours these cells; collect does not let 「変更なし」 over them move
    最終確認日 (docs/assign-collect.md).

    ``columns``: the :class:`shigen.master.ResourceColumns` every record of ``cat`` was made from, unchanged
    since (``cat.read_columns``): the checks then read those columns — all the master's records, the answer kept
    for ``records`` — instead of gathering every record's dict (issue 18). Same answer, keys in the same order."""
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
    if columns is not None:
        sub = Catalogue(path=cat.path, genres=cat.genres, settings=cat.settings)
        ctx = Context.build(sub, as_of or dt.date.today(), columns=columns)
        ids: Sequence[str] = columns.values.get("id") or [""] * len(columns)
        wanted: set[str] | None = {r.id for r in records}
    else:
        sub = Catalogue(path=cat.path, records=records, genres=cat.genres, settings=cat.settings)
        ctx = Context.build(sub, as_of or dt.date.today())
        ids, wanted = [r.id for r in records], None
    key_of = {S.header(k): k for k in EDIT_KEYS}
    out: dict[str, dict[str, str]] = {}
    for check in (check_placeholders, check_phones, check_email, check_url, check_postal_code, check_dates,
                  check_choices):
        for f in check(ctx):
            key = key_of.get(f.field)
            if key and f.index is not None:
                rid = ids[f.index]
                if wanted is None or rid in wanted:
                    out.setdefault(rid, {}).setdefault(key, f.message)
    return out


def doubt_comment(message: str) -> str:
    """The comment on a coloured いまの値 cell."""
    return (f"{DOUBT_NOTE}: {message}\n確かめて、右の『新しい値』に正しい内容を入れてください。"
            "直さずに『変更なし』とすると、ほかの項目は確認済みになりますが、最終確認日は進みません。")


def plan_folder(ws: Workspace, year: str) -> Path:
    return ws.exports / FOLDER / safe_filename(year)


def book_path(folder: Path, coordinator: str) -> Path:
    return folder / f"{safe_filename(coordinator)}.xlsx"


DATE_KEYS = frozenset(f.key for f in S.FIELDS if f.kind is S.Kind.DATE)


def column_number(key: str, role: str) -> int:
    """1-based column of a field's いまの値 / 新しい値 (or of 確認結果 etc. with key "") in 『確認シート』."""
    for i, col in enumerate(layout(), start=1):
        if col.key == key and col.role == role:
            return i
    raise KeyError((key, role))
