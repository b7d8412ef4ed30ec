"""The checks of `shigen audit`: one small function per kind of problem, each yielding findings.

Every check takes one record and the :class:`Context` (the catalogue's genres, districts and
settings, prepared once) and yields :class:`~shigen.audit.findings.Finding` objects. Duplicate
detection compares records with each other and lives in :mod:`shigen.audit.duplicates`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import schema as S
from ..model import Catalogue, Freshness, Genre, Record, due_date, freshness, match_genre
from ..text import Phone, normalize_email, normalize_phone, normalize_postal, normalize_url, parse_date
from .findings import CODES, Finding, Severity, render

# --- placeholders ----------------------------------------------------------------------
# A whole value that is one of these stands in for a value nobody knew.
PLACEHOLDER_WORDS = frozenset({
    "要確認", "確認中", "調査中", "調整中", "要調査", "未確認", "未定", "不明", "不詳", "後日", "後日確認", "後日記入", "未記入",
    "記入中", "問合せ中", "問い合わせ中", "検討中", "?", "??", "???", "？", "？？", "？？？", "-", "--", "---", "ー", "ーー",
    "―", "－", "‐", "−", "*", "**", "***", "＊", "＊＊", "※", "tbd", "TBD", "xxx", "XXX", "xx", "XX", "○○", "〇〇",
    "××", "…", "...", "・", "空欄",
})
# Markers that mean "not known yet" wherever they appear in a value (「月～金(要確認)」).
PLACEHOLDER_ANYWHERE = re.compile(r"要確認|要調査|確認中|調査中|調整中|問い?合わ?せ中|TBD|[?？]{2,}|[○〇●]{2,}|××")
_BRACKETS = "()（）[]［］【】「」『』<>＜＞ 　"
# Explicitly "none": a fine answer for FAX, but not a way to be contacted.
NONE_WORDS = frozenset({"なし", "無し", "無", "ない", "該当なし", "なし。"})
NOT_CHECKED_FOR_PLACEHOLDERS = frozenset({"id", "memo", "source"})  # 内部メモ may say 要確認: that is its job


def _find_placeholders(record: Record) -> tuple[str, ...]:
    found = []
    marked: set[str] = set()
    values = record.values
    joined = "\x1f".join(values.values())
    if PLACEHOLDER_ANYWHERE.search(joined):  # rare: find which values hold a marker
        marked = {key for key, value in values.items() if value and PLACEHOLDER_ANYWHERE.search(value)}
    for key, value in values.items():
        if not value or key in NOT_CHECKED_FOR_PLACEHOLDERS:
            continue
        if key in marked or (len(value) <= 8 and (value in PLACEHOLDER_WORDS
                                                  or value.strip(_BRACKETS) in PLACEHOLDER_WORDS)):
            found.append(key)
    return tuple(found)


def placeholder(value: str) -> bool:
    """True when ``value`` is a stand-in (要確認, ？, 未定, -, ＊…) rather than a value."""
    if not value:
        return False
    if len(value) <= 8:
        if value in PLACEHOLDER_WORDS:
            return True
        stripped = value.strip(_BRACKETS)
        if stripped != value and stripped in PLACEHOLDER_WORDS:
            return True
    return PLACEHOLDER_ANYWHERE.search(value) is not None


_HYPHENATED = re.compile(r"(0\d{1,4}-\d{1,4})-(\d{4})")
_EMAIL_FAST = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+")
_URL_FAST = re.compile(r"https?://[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+(/[^\s]*)?")
_POSTAL_FAST = re.compile(r"\d{3}-\d{4}")


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
    town_re: re.Pattern[str] | None = None
    town_district: dict[str, str] = field(default_factory=dict)
    _address_cache: dict[str, str] = field(default_factory=dict)
    _phone_cache: dict[str, Phone] = field(default_factory=dict)
    _shape_cache: dict[str, tuple[bool, bool, bool]] = field(default_factory=dict)
    _placeholder_record: Record | None = None
    _placeholder_keys: tuple[str, ...] = ()
    _freshness_record: Record | None = None
    _freshness: Freshness = Freshness.NEVER

    @classmethod
    def build(cls, cat: Catalogue, as_of: dt.date, locate: Locator | None = None) -> Context:
        town_district: dict[str, str] = {}
        for d in cat.districts:
            for town in d.towns:
                if town and town not in town_district:
                    town_district[town] = d.name
        towns = sorted(town_district, key=len, reverse=True)
        town_re = re.compile("|".join(re.escape(t) for t in towns)) if towns else None
        return cls(cat, as_of, locate or master_locator(cat), cat.settings.cycle_months, cat.settings.area_code,
                   {g.name: g for g in cat.genres}, frozenset(d.name for d in cat.districts), town_re, town_district)

    def finding(self, code: str, record: Record, key: str = "", value: str | None = None, *,
                field_label: str = "", related: str = "", severity: str = "", **fmt: object) -> Finding:
        header = S.header(key) if key else ""
        if value is None:
            value = record.get(key) if key else ""
        file, sheet, row = self.locate(record)
        message, hint = render(code, field=field_label or header, value=value, genre=record.get("genre"),
                               district=record.get("district"), **fmt)
        return Finding(code, severity or CODES[code].severity.value, record.id, record.name, record.get("genre"),
                       record.get("district"), sheet, row, header, value, message, hint, file, related)

    def phone(self, value: str) -> Phone:
        """normalize_phone with the catalogue's default area code, fast for numbers already well written.

        A Japanese number's validity and grouping depend on its leading digits only, so a value shaped
        like 0479-62-1111 is judged once per "0479-62" and the answer reused (checked against
        phonenumbers in tests/test_audit.py).
        """
        found = self._phone_cache.get(value)
        if found is not None:
            return found
        m = _HYPHENATED.fullmatch(value)
        if m:
            shape = self._shape_cache.get(m.group(1))
            if shape is None:
                found = normalize_phone(value, self.area_code)
                self._shape_cache[m.group(1)] = (found.valid, found.valid and found.number == value, found.mobile)
                return found
            valid, as_written, mobile = shape
            if not valid:
                return Phone(value, False)
            if as_written:
                return Phone(value, True, mobile)
        found = normalize_phone(value, self.area_code)
        if len(self._phone_cache) < 200_000:
            self._phone_cache[value] = found
        return found

    def phone_number(self, value: str) -> str:
        """The normalised number of a phone cell, '' when empty, a placeholder or not a valid number."""
        if not value or value in NONE_WORDS:
            return ""
        p = self.phone(value)
        return p.number if p.valid else ""

    def placeholder_keys(self, record: Record) -> tuple[str, ...]:
        """Keys of the record's fields that hold a placeholder (computed once per record)."""
        if record is not self._placeholder_record:
            self._placeholder_record = record
            self._placeholder_keys = _find_placeholders(record)
        return self._placeholder_keys

    def district_of_address(self, address: str) -> str:
        """The district whose town (町名) appears in the address; the longest town wins (as model.district_for_address)."""
        if self.town_re is None or not address:
            return ""
        cached = self._address_cache.get(address)
        if cached is not None:
            return cached
        best = ""
        for m in self.town_re.finditer(address):
            if len(m.group()) > len(best):
                best = m.group()
        result = self.town_district.get(best, "")
        if len(self._address_cache) < 500_000:
            self._address_cache[address] = result
        return result


def is_closed(record: Record) -> bool:
    return record.get("status") == S.STATUS_CLOSED


# --- the checks ------------------------------------------------------------------------
def check_placeholders(record: Record, ctx: Context) -> Iterator[Finding]:
    for key in ctx.placeholder_keys(record):
        yield ctx.finding("placeholder", record, key)


def _usable(record: Record, key: str, ctx: Context) -> str:
    """The value when it should be validated: not empty and not a placeholder."""
    value = record.values.get(key, "")
    if not value or key in ctx.placeholder_keys(record):
        return ""
    return value


def check_phones(record: Record, ctx: Context) -> Iterator[Finding]:
    for key in S.PHONE_KEYS:
        value = _usable(record, key, ctx)
        if not value or value in NONE_WORDS:
            continue
        if not ctx.phone(value).valid:
            yield ctx.finding("invalid-fax" if key == "fax" else "invalid-phone", record, key, value)


def check_email(record: Record, ctx: Context) -> Iterator[Finding]:
    value = _usable(record, "email", ctx)
    if value and value not in NONE_WORDS and not _EMAIL_FAST.fullmatch(value) and not normalize_email(value)[1]:
        yield ctx.finding("invalid-email", record, "email", value)


def check_url(record: Record, ctx: Context) -> Iterator[Finding]:
    value = _usable(record, "url", ctx)
    if value and value not in NONE_WORDS and not _URL_FAST.fullmatch(value) and not normalize_url(value)[1]:
        yield ctx.finding("invalid-url", record, "url", value)


def check_postal_code(record: Record, ctx: Context) -> Iterator[Finding]:
    value = _usable(record, "postal_code", ctx)
    if value and not _POSTAL_FAST.fullmatch(value) and not normalize_postal(value)[1]:
        yield ctx.finding("invalid-postal-code", record, "postal_code", value)


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


def check_dates(record: Record, ctx: Context) -> Iterator[Finding]:
    for key in S.DATE_KEYS:
        value = _usable(record, key, ctx)
        if value:
            detail = _date_problem(value, ctx.as_of)
            if detail:
                yield ctx.finding("invalid-date", record, key, value, detail=detail)


def check_choices(record: Record, ctx: Context) -> Iterator[Finding]:
    for key in S.ENUM_KEYS:
        value = _usable(record, key, ctx)
        if value:
            choices = S.FIELD_BY_KEY[key].choices
            if value not in choices:
                yield ctx.finding("invalid-choice", record, key, value, detail="・".join(choices))


def check_genre(record: Record, ctx: Context) -> Iterator[Finding]:
    value = _usable(record, "genre", ctx)
    if value and value not in ctx.genres:
        guess = match_genre(value, ctx.genres.values())
        detail = f"『{guess}』のことでしょうか。" if guess else ""
        yield ctx.finding("unknown-genre", record, "genre", value, detail=detail)


def _known_district(value: str, ctx: Context) -> bool:
    return value in ctx.district_names or value in S.CITY_WIDE_WORDS


def check_district(record: Record, ctx: Context) -> Iterator[Finding]:
    if not ctx.district_names:
        return  # no 地区 sheet filled in yet: nothing to compare with
    value = _usable(record, "district", ctx)
    if value and not _known_district(value, ctx):
        guess = next((d.name for d in ctx.cat.districts if value in (d.short, d.name) or d.short in value), "")
        detail = f"『{guess}』のことでしょうか。" if guess else ""
        yield ctx.finding("unknown-district", record, "district", value, detail=detail)


def check_district_mismatch(record: Record, ctx: Context) -> Iterator[Finding]:
    district = record.get("district")
    if district not in ctx.district_names:
        return
    address = _usable(record, "address", ctx)
    located = ctx.district_of_address(address)
    if located and located != district:
        yield ctx.finding("district-mismatch", record, "district", address, detail=located)


def required_keys(record: Record, ctx: Context) -> tuple[str, ...]:
    genre = ctx.genres.get(record.get("genre"))
    keys = genre.required if genre is not None else Genre("").required
    if record.get("paid") in ("有償", "一部有償") and "fee" not in keys:
        keys = (*keys, "fee")
    return keys


CONTACT_LABEL = "連絡先(電話番号・携帯電話・メールのいずれか)"
# Without these a record cannot be used at all (error); other required fields make it incomplete (warning).
CORE_REQUIRED = frozenset({"name", "genre", "contact", "content"})


def check_missing_fields(record: Record, ctx: Context) -> Iterator[Finding]:
    if is_closed(record):
        return
    for key in required_keys(record, ctx):
        if key == "contact":
            if not any(record.get(k) and record.get(k) not in NONE_WORDS for k in S.CONTACT_KEYS):
                yield ctx.finding("missing-field", record, "phone", "", field_label=CONTACT_LABEL,
                                  severity=Severity.ERROR.value)
        elif key in S.FIELD_BY_KEY and not record.get(key):
            label = S.header(key)
            if key == "fee" and record.get("paid") in ("有償", "一部有償"):
                label = f"料金({record.get('paid')}のため必須)"
            severity = Severity.ERROR if key in CORE_REQUIRED else Severity.WARNING
            yield ctx.finding("missing-field", record, key, "", field_label=label, severity=severity.value)


def record_freshness(record: Record, ctx: Context) -> Freshness:
    """model.freshness — the rule every command shares — remembered for the record being checked."""
    if record is not ctx._freshness_record:
        ctx._freshness_record = record
        ctx._freshness = freshness(record, ctx.as_of, ctx.cycle_months)
    return ctx._freshness


def check_freshness(record: Record, ctx: Context) -> Iterator[Finding]:
    if is_closed(record):
        return
    value = record.get("last_confirmed")
    if value and ("last_confirmed" in ctx.placeholder_keys(record) or _date_problem(value, ctx.as_of)):
        return  # reported as placeholder / invalid-date
    state = record_freshness(record, ctx)
    if state is Freshness.NEVER:
        yield ctx.finding("never-confirmed", record, "last_confirmed", value)
        return
    due = due_date(record, ctx.cycle_months)
    if state is Freshness.STALE:
        yield ctx.finding("stale", record, "last_confirmed", value, cycle=ctx.cycle_months,
                          due=due.isoformat() if due else "")
    elif state is Freshness.DUE_SOON and due is not None:
        yield ctx.finding("due-soon", record, "last_confirmed", value, due=due.isoformat(),
                          days=(due - ctx.as_of).days)


def check_publication(record: Record, ctx: Context) -> Iterator[Finding]:
    if record.get("visibility") != S.VISIBILITY_PUBLIC:
        return
    status = record.get("status")
    if status in (S.STATUS_PAUSED, S.STATUS_CLOSED):
        yield ctx.finding("inactive-public", record, "visibility", status)
    elif record.is_active and record.get("consent") != S.CONSENT_GIVEN:
        yield ctx.finding("no-consent", record, "consent", record.get("consent") or "(空欄)")


RECORD_CHECKS: tuple[Callable[[Record, Context], Iterator[Finding]], ...] = (
    check_missing_fields,
    check_publication,
    check_phones,
    check_email,
    check_url,
    check_postal_code,
    check_dates,
    check_choices,
    check_genre,
    check_district,
    check_district_mismatch,
    check_freshness,
    check_placeholders,
)
