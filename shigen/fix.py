"""`shigen fix`: apply the audit's safe, mechanical corrections to the master in one reviewed step.

A correction is applied only when nobody needs to judge it: the value means the same before and after.

- ``tidy`` — width and spacing (全角英数字 → 半角, 半角カナ → 全角, spaces trimmed) in every field, and dash
  variants between digits (０４７９ー６２ → 0479-62, 9:00〜17:00 → 9:00～17:00) outside names and readings;
- ``phone-format`` — a valid number written another way → 0479-62-1111 (+81, brackets, no hyphens; a number
  without its area code gets 設定『既定の市外局番』); numbers with a note (（代表）) are left as written;
- ``postal-format`` — 〒2890001 → 289-0001;
- ``date-format`` — a date typed as text (令和8年4月1日, R8.4.1, 2026/4/1) → 2026-04-01 (month-only dates stay);
- ``postal-fill`` — an empty 郵便番号 filled from an address that exactly one code fits (Japan Post's data);
- ``kana-suggest`` — where ふりがな is empty, a reading from the morphological analyser (shigen.reading, SudachiPy)
  written into the column ふりがな候補 only: a person's ふりがな is never written or overwritten, and
  `shigen kana --accept` is the step that copies a checked suggestion into ふりがな.

What needs a person stays a suggestion (listed, never applied): the town a code belongs to when the address
is empty or names another town, another code for a mismatching address. A different phone number or a
merge of duplicates is never even suggested here: those stay audit findings.

:func:`plan_fixes` is pure; :func:`run_fix` loads the master, applies the plan with ``Catalogue.set_value``
(each change a 履歴 row: command and 出典 「fix」) and saves through ``master.save_catalogue`` inside one
``master.master_transaction`` (the master locked from reading to saving). Running it
twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import schema as S
from .model import Catalogue, Record
from .text import clean_text, clean_value, normalize_phone, normalize_postal, read_date

COMMAND = "fix"
SOURCE = "fix"
KIND_LABELS = {
    "tidy": "全角・半角・空白・ダッシュをそろえる",
    "phone-format": "電話番号の書き方をそろえる",
    "postal-format": "郵便番号の書き方をそろえる",
    "date-format": "日付の書き方をそろえる",
    "postal-fill": "住所から郵便番号を補う",
    "kana-suggest": "ふりがな候補を入れる(ふりがなは空欄のまま)",
}
SUGGESTION_LABELS = {
    "town-from-code": "郵便番号の町域(住所が空欄)",
    "postal-mismatch": "郵便番号と住所が合わない",
}
SKIPPED_KEYS = frozenset({"id", "source"})  # the ID is shigen's own; 出典 names files and rows as they were
NAME_KEYS = frozenset({"name", "kana", "kana_suggested"})  # width and spacing only: no dash folding inside names and readings
# a value that tidying could change: full-width ASCII/space, half-width kana, odd spaces or line breaks, dashes
_MAY_CHANGE = re.compile(r"[\uff01-\uff5e\u3000\uff61-\uff9f\r\u00a0\t]|  |^\s|\s$|\n\s|\s\n|[－−‐‑‒–—―ーｰ─━〜~∼]|\d\s+-|-\s+\d")


@dataclass
class Change:
    """One field of one record, changed by fix (or to be changed, in a dry run)."""

    record_id: str
    name: str
    row: int | None
    key: str
    old: str
    new: str
    kinds: tuple[str, ...]

    @property
    def field(self) -> str:
        return S.header(self.key)

    @property
    def reason(self) -> str:
        return "・".join(KIND_LABELS[k] for k in self.kinds)

    HEADERS = ("ID", "名称", "行", "項目", "変更前", "変更後", "内容")

    def to_row(self) -> tuple[object, ...]:
        return (self.record_id, self.name, self.row or "", self.field, self.old, self.new, self.reason)

    def to_dict(self) -> dict[str, object]:
        return {"record_id": self.record_id, "name": self.name, "row": self.row, "field": self.field, "key": self.key,
                "old": self.old, "new": self.new, "kinds": list(self.kinds)}


@dataclass
class Suggestion:
    """Something fix noticed but does not apply: a person decides."""

    record_id: str
    name: str
    row: int | None
    key: str
    current: str
    suggested: str
    kind: str
    note: str = ""

    HEADERS = ("ID", "名称", "行", "項目", "今の値", "候補", "理由")

    @property
    def field(self) -> str:
        return S.header(self.key)

    def to_row(self) -> tuple[object, ...]:
        return (self.record_id, self.name, self.row or "", self.field, self.current, self.suggested,
                SUGGESTION_LABELS[self.kind] + (f"({self.note})" if self.note else ""))

    def to_dict(self) -> dict[str, object]:
        return {"record_id": self.record_id, "name": self.name, "row": self.row, "field": self.field, "key": self.key,
                "current": self.current, "suggested": self.suggested, "kind": self.kind, "note": self.note}


@dataclass
class FixResult:
    changes: list[Change] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    dry_run: bool = False
    backup: Path | None = None
    postal: str = ""  # the postal data used, or how to install it

    @property
    def records_changed(self) -> int:
        return len({c.record_id for c in self.changes})

    def by_kind(self) -> dict[str, int]:
        counts = dict.fromkeys(KIND_LABELS, 0)
        for c in self.changes:
            for k in c.kinds:
                counts[k] += 1
        return counts

    def to_dict(self) -> dict[str, object]:
        return {"dry_run": self.dry_run, "records_changed": self.records_changed, "by_kind": self.by_kind(),
                "postal_data": self.postal, "backup": str(self.backup) if self.backup else None,
                "changes": [c.to_dict() for c in self.changes],
                "suggestions": [s.to_dict() for s in self.suggestions]}


# --- the rules, one value at a time ------------------------------------------------------
def tidy(key: str, value: str) -> str:
    """Width, spacing and (outside names) dash variants folded: the value means the same."""
    if not value or key in SKIPPED_KEYS or not _MAY_CHANGE.search(value):
        return value
    return clean_text(value) if key in NAME_KEYS else clean_value(value)


def phone_format(value: str, area_code: str) -> str:
    """The national form of a valid number written another way; the value itself when invalid or noted."""
    if not value:
        return value
    phone = normalize_phone(value, area_code)
    if not phone.valid or phone.note:
        return value
    return phone.number


def postal_format(value: str) -> str:
    text, ok = normalize_postal(value)
    return text if ok and value else value


def date_format(value: str) -> str:
    if not value or len(value) == 10 and value[4] == "-" and _is_iso(value):
        return value
    reading = read_date(value)
    if reading.day is None or reading.month_only:
        return value
    return reading.day.isoformat()


def _is_iso(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _field_rules(area_code: str) -> dict[str, list[tuple[str, Callable[[str], str]]]]:
    rules: dict[str, list[tuple[str, Callable[[str], str]]]] = {}
    for f in S.FIELDS:
        if f.key in SKIPPED_KEYS:
            continue
        chain: list[tuple[str, Callable[[str], str]]] = [("tidy", partial(tidy, f.key))]
        if f.kind is S.Kind.PHONE:
            chain.append(("phone-format", lambda v: phone_format(v, area_code)))
        elif f.kind is S.Kind.POSTAL:
            chain.append(("postal-format", postal_format))
        elif f.kind is S.Kind.DATE:
            chain.append(("date-format", date_format))
        rules[f.key] = chain
    return rules


def plan_fixes(cat: Catalogue, *, postal: object | None = None,
               readings: bool = True) -> tuple[list[Change], list[Suggestion]]:
    """Every safe correction of ``cat``'s records, and the suggestions that need a person. Changes nothing.

    ``postal`` is a :class:`shigen.postal.PostalData` (None: no postal filling or suggestions); ``readings``:
    suggest ふりがな候補 where ふりがな is empty (when SudachiPy is installed).
    """
    from .audit.checks import placeholder

    reading_of = _reading_suggester() if readings else None

    rules = _field_rules(cat.settings.area_code)
    results: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}  # (key, value) → (new, kinds)
    changes: list[Change] = []
    suggestions: list[Suggestion] = []
    municipality = cat.settings.municipality
    filled: dict[str, str] = {}
    for record in cat.records:
        new_values: dict[str, str] = {}
        for key, chain in rules.items():
            value = record.get(key)
            if not value:
                continue
            found = results.get((key, value))
            if found is None:
                new, kinds = value, []
                for kind, rule in chain:
                    after = rule(new)
                    if after != new:
                        kinds.append(kind)
                        new = after
                found = results[(key, value)] = (new, tuple(kinds))
            if found[0] != value:
                changes.append(Change(record.id, record.name, record.row, key, value, found[0], found[1]))
                new_values[key] = found[0]
        if postal is not None:
            _postal_plan(record, new_values, postal, municipality, filled, placeholder, changes, suggestions)
        if reading_of is not None and not record.get("kana") and not record.get(_SUGGESTED):
            name = new_values.get("name", record.name)
            suggestion = reading_of(name) if name and not placeholder(name) else ""
            if suggestion:
                changes.append(Change(record.id, record.name, record.row, _SUGGESTED, "", suggestion,
                                      ("kana-suggest",)))
    return changes, suggestions


_SUGGESTED = "kana_suggested"  # shigen.reading.SUGGESTED_KEY: the column ふりがな候補


def _reading_suggester() -> Callable[[str], str] | None:
    """A name → suggested ふりがな function (shigen.reading), None when no analyser is installed."""
    try:
        from . import reading
    except ImportError:
        return None
    if not reading.available() or reading.SUGGESTED_KEY not in S.FIELD_BY_KEY:
        return None

    def suggest(name: str) -> str:
        text = reading.suggest_for_name(name)
        return text if text and reading._is_kana(reading.sort_key(text, "")) else ""  # kanji left: no reading

    return suggest


def _postal_plan(record: Record, new_values: dict[str, str], postal: object, municipality: str,
                 filled: dict[str, str], placeholder: Callable[[str], bool], changes: list[Change],
                 suggestions: list[Suggestion]) -> None:
    from .postal import PostalData, check_address

    assert isinstance(postal, PostalData)
    code = new_values.get("postal_code", record.get("postal_code"))
    address = new_values.get("address", record.get("address"))
    if address and placeholder(address):
        address = ""
    if code and placeholder(code):
        return
    if not code:
        if not address:
            return
        found = filled.get(address)
        if found is None:
            found = filled[address] = postal.code_for_address(address, municipality)
        if found:
            changes.append(Change(record.id, record.name, record.row, "postal_code", "", f"{found[:3]}-{found[3:]}",
                                  ("postal-fill",)))
        return
    text, ok = normalize_postal(code)
    if not ok:
        return
    check = check_address(postal, text, address, municipality)
    if check.status != "ok" and check.status != "mismatch":
        return
    if not address:
        towns = [p for p in check.places if p.town]
        if len(towns) == 1 and not towns[0].office:
            suggestions.append(Suggestion(record.id, record.name, record.row, "address", "",
                                          f"{towns[0].city}{towns[0].town}", "town-from-code", text))
    elif check.status == "mismatch":
        better = postal.code_for_address(address, municipality)
        suggested = f"{better[:3]}-{better[3:]}" if better else ""
        suggestions.append(Suggestion(record.id, record.name, record.row, "postal_code", code, suggested,
                                      "postal-mismatch", f"{text} は {check.towns_text}"))


def apply_fixes(cat: Catalogue, changes: list[Change], *, by: str) -> int:
    """Apply ``changes`` to ``cat`` in memory, each logged in 履歴 (command and 出典 「fix」). Returns how many."""
    from .model import now_text

    records = cat.by_id()
    when = now_text()
    applied = 0
    for c in changes:
        record = records.get(c.record_id)
        if record is None or record.get(c.key) != c.old:
            continue  # changed since the plan was made: leave it
        applied += cat.set_value(record, c.key, c.new, command=COMMAND, by=by, source=SOURCE, when=when)
    return applied


def run_fix(catalogue_path: Path, *, by: str, dry_run: bool = False) -> FixResult:
    """The whole command: lock and load the master, plan, and (unless ``dry_run``) apply and save once."""
    from .audit import postal_summary
    from .errors import MasterBusyError
    from .master import excel_owner_files, master_transaction, save_catalogue
    from .postal import postal_data

    with master_transaction(catalogue_path, write=not dry_run) as cat:  # locked from reading to saving
        postal = postal_data()
        changes, suggestions = plan_fixes(cat, postal=postal)
        result = FixResult(changes, suggestions, dry_run, postal=postal_summary(postal))
        if dry_run or not changes:
            return result
        if excel_owner_files(cat.path):
            raise MasterBusyError("台帳が Excel で開かれています。",
                                  "Excel で台帳を閉じてから、もう一度実行してください(何も書き換えていません)。",
                                  path=cat.path)
        if apply_fixes(cat, changes, by=by):
            result.backup = save_catalogue(cat)
    return result
