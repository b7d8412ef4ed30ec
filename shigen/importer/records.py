"""Files → normalised records (``read_paths``): every sheet of every input read, its columns mapped and its values
normalised, with a report per file, sheet and column. It never writes; :mod:`.merge` matches the result against the
master."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..errors import InputError, UsageError
from ..model import Catalogue, Record, match_genre, town_index
from .reading import SheetGrid, SourceFile, find_inputs, read_file
from .report import (
    SHEET_EMPTY,
    SHEET_EXPORT_REPEAT,
    SHEET_HIDDEN,
    SHEET_NO_HEADER,
    SHEET_NOT_SELECTED,
    ColumnReport,
    FileReport,
    ImportFinding,
    ReadResult,
    ReadRow,
    SheetReport,
)

# .layout, .values and .columns (with .mapper) are imported where they are first used, not with this module: an import
# reads its first file before it needs any of them, and meanwhile merge.WarmUp's thread imports them (issue 18: ~15 ms
# of the command's start off its own thread)
if TYPE_CHECKING:
    from . import columns as C
    from .values import Normalised

_TAKEN: set[str] = set()  # stands for a Normalised.explicit already turned into its shared frozenset (never added to)
GENERIC_SHEET_NAMES = {"sheet", "一覧", "リスト", "名簿", "台帳", "データ", "集計", "目次", "索引", "注意事項", "説明", "表紙"}


def _source_label(path: Path, sheet: str, row: int, is_csv: bool) -> str:
    return f"{path.name}:{row}" if is_csv else f"{path.name}:{sheet}:{row}"


def _first_row_texts(grid: SheetGrid) -> list[str]:
    """The cells of the first row with two or more values (what the user would call the columns)."""
    from . import columns as C

    for row in grid.rows[:20]:
        texts = [C.header_text(v) for v in row if v not in ("", None)]
        if len(texts) >= 2:
            return [t[:20] for t in texts if t]
    return []


def _sheet_genre(name: str, cat: Catalogue) -> str:
    key = name.strip().lower()
    if not key or any(key.startswith(g) for g in GENERIC_SHEET_NAMES):
        return ""
    return match_genre(name, cat.genres)


_DISTRICT_SHEET = re.compile(r"^(.{1,12}?)(地区|地域|圏域|エリア|包括|日常生活圏域)$")


def _add_district(name: str, cat: Catalogue, result: ReadResult, where: str) -> str:
    """A district named by the input but missing from the 地区 sheet: added (第2層, no towns) and reported."""
    from ..model import District
    from ..text import clean_text
    from .values import match_district

    name = clean_text(name).replace(" ", "")
    if not name or len(name) > 30:
        return ""
    found = match_district(name, cat.districts)
    if found:
        return found
    cat.districts.append(District(name, S.TIER_2))
    cat.settings_changed = True
    result.new_districts.append((name, where))
    return name


def _new_sheet_district(name: str, cat: Catalogue, result: ReadResult) -> str:
    """A sheet named like a district (北地区 / 中央圏域) that the 地区 sheet does not list yet."""
    key = name.strip()
    if not _DISTRICT_SHEET.match(key) or _sheet_genre(key, cat):
        return ""
    return _add_district(key, cat, result, f"シート名『{name}』")


def _sheet_district(name: str, cat: Catalogue) -> str:
    from .values import match_district

    found = match_district(name, cat.districts)
    if found:
        return found
    for d in cat.districts:
        if d.name in name:
            return d.name
    return ""


def read_paths(paths: list[Path], cat: Catalogue, *, sheet: str | None = None, genre: str | None = None,
               district: str | None = None, mapping: Path | None = None, skip_bad: bool = False,
               read: Callable[[Path], SourceFile] = read_file) -> ReadResult:
    """Read and normalise every resource in ``paths`` (files or folders). Writes nothing.

    A file that cannot be read, or in which no sheet holds a resource table, raises InputError
    naming it — unless ``skip_bad``, in which case it is recorded in the result and skipped. ``read`` reads one
    file (:func:`.reading.read_file`; ``run_import`` passes one that stops its warm-up thread once the first file is read).
    """
    option_genre = ""
    if genre:
        option_genre = match_genre(genre, cat.genres)
        if not option_genre:
            raise UsageError(f"--genre『{genre}』は台帳のジャンルにありません。",
                             f"台帳のシート『{S.SHEET_GENRES}』にあるジャンル名で指定してください"
                             f"(例: {'、'.join(cat.genre_names()[:4])})。")
    option_district = ""
    result = ReadResult()
    if district:
        from .values import match_district

        option_district = match_district(district, cat.districts)
        if not option_district:  # never dropped: added to the 地区 sheet (第2層, towns empty) and reported
            option_district = _add_district(district, cat, result, "--district")
            if not option_district:
                raise UsageError(f"--district『{district}』を地区名として読めません。", "地区名を指定してください。")
    mp = None
    if mapping:
        from . import columns as C

        mp = C.load_mapping(mapping)
    files = find_inputs(paths, exclude=[cat.path])
    if not files:
        raise UsageError("取り込める一覧ファイル(.xlsx .xlsm .xls .ods .csv .tsv .geojson)が見つかりません。",
                         "ファイルかフォルダーを指定してください。")
    sheet_seen = False
    extra_columns: list[str] = []
    for path in files:
        report = FileReport(path)
        try:
            source = read(path)
            report.kind, report.encoding = source.kind, source.encoding
            rows, seen = _read_source(source, report, cat, sheet=sheet, option_genre=option_genre,
                                      option_district=option_district, mapping=mp, result=result)
            sheet_seen = sheet_seen or seen
        except InputError as exc:
            if not skip_bad:
                raise
            report.error = exc.text
            report.sheets = []
            result.files.append(report)
            continue
        result.files.append(report)
        result.rows.extend(rows)
        for row in rows:
            for h in row.record.extra:
                if h not in extra_columns:
                    extra_columns.append(h)
            if row.unmatched_genre:
                result.unmatched_genres[row.unmatched_genre] += 1
    if skip_bad and result.files and all(f.error for f in result.files):  # nothing read is not a success
        raise InputError("どのファイルも読めなかったため、何も取り込んで(点検して)いません。",
                         " ".join(f.error for f in result.files)[:600])
    if sheet and not sheet_seen:
        raise UsageError(f"シート『{sheet}』がどのファイルにもありません。", "--sheet のシート名を確かめてください。")
    result.extra_columns = extra_columns
    return result


def _read_source(source: SourceFile, report: FileReport, cat: Catalogue, *, sheet: str | None, option_genre: str,
                 option_district: str, mapping: C.Mapping | None,
                 result: ReadResult | None = None) -> tuple[list[ReadRow], bool]:
    from . import columns as C
    from .layout import read_layout
    from .values import Context, RowPlan, district_from_address, is_placeholder, normalise_row

    result = result if result is not None else ReadResult()
    rows: list[ReadRow] = []
    seen_columns: list[str] = []
    any_table = False
    seen = False
    path = source.path
    # shigen's own export: its 全件 sheet holds every record once (the cover, 印刷用 and the genre sheets repeat
    # it) under the schema's headers; the columns shigen computed (確認状況) are dropped, not kept
    export_all = source.shigen_export and not source.is_csv and any(g.name == S.EXPORT_ALL_SHEET
                                                                    for g in source.sheets)
    if source.shigen_export:
        mapping = C.export_mapping(path, mapping)
        report.shigen_export = True
    postal_codes: dict[str, str] = {}  # address → the code Japan Post's data gives it ('' = none or ambiguous)
    explicit_sets: dict[frozenset[str], frozenset[str]] = {}
    for grid in source.sheets:
        sr = SheetReport(path.name, grid.name, hidden=grid.hidden)
        report.sheets.append(sr)
        if sheet is not None and not source.is_csv and grid.name != sheet:
            sr.status = SHEET_NOT_SELECTED
            continue
        if export_all and sheet is None and grid.name != S.EXPORT_ALL_SHEET:
            sr.status = SHEET_EXPORT_REPEAT
            continue
        seen = True
        if grid.hidden and sheet is None:
            sr.status = SHEET_HIDDEN
            continue
        if not any(any(v not in ("", None) for v in r) for r in grid.rows):
            sr.status = SHEET_EMPTY
            continue
        layout = read_layout(grid, genres=cat.genres, districts=cat.districts, mapping=mapping)
        if not layout.found:
            sr.status = SHEET_NO_HEADER
            seen_columns.extend(c for c in _first_row_texts(grid) if c not in seen_columns)
            continue
        any_table = True
        grid.rows = []  # read: the layout's records hold the cells still needed
        sr.header_rows = layout.header_rows
        sr.columns = [ColumnReport(p.letter, p.header, p.target, C.target_label(p.target), p.why, p.score,
                                   C.target_label(p.runner_up) if p.runner_up else "") for p in layout.columns]
        sr.above, sr.as_of = layout.above, layout.as_of
        sr.rows_read = layout.rows_read
        sr.skipped = layout.skipped
        sr.warnings = [ImportFinding.of(0, "ファイル", code, **values) for code, values in source.warnings] + \
            list(layout.warnings)
        if not source.is_csv:
            sr.genre_from_sheet = _sheet_genre(grid.name, cat)
            sr.district_from_sheet = _sheet_district(grid.name, cat) or _new_sheet_district(grid.name, cat, result)
        ctx = Context(cat.genres, cat.districts, cat.settings.area_code, sr.genre_from_sheet, sr.district_from_sheet,
                      option_genre, option_district,
                      genre_column=any(p.target == "genre" for p in layout.columns))
        # each body row is let go once normalised (its cells are no longer needed): a 200,000-row sheet never holds
        # its raw cells and its records at the same time in full
        plan = RowPlan(layout.slots)  # the sheet's columns worked out once for all its rows
        bodies = layout.records
        layout.records = []
        bodies.reverse()
        normalised: list[tuple[int, Normalised, frozenset[str]]] = []
        last_set: frozenset[str] | None = None  # (a copy of) the previous row's Normalised.explicit, and its shared one
        last_shared: frozenset[str] = frozenset()
        while bodies:
            body = bodies.pop()
            norm = normalise_row(plan, body.values, ctx, section_genre=body.section_genre,
                                 section_district=body.section_district, district_later=True)
            if norm.unmatched_district:
                added = _add_district(norm.unmatched_district, cat, result,
                                      f"{path.name}{':' + grid.name if grid.name else ''} {body.row}行目の列")
                if added:
                    norm.values["district"] = added
            if norm.explicit != last_set:  # (rows mostly name the same fields as the row before: one compare then)
                explicit = frozenset(norm.explicit | {"source"})
                last_set, last_shared = frozenset(norm.explicit), explicit_sets.setdefault(explicit, explicit)
            norm.explicit = _TAKEN  # the row's own set let go: the shared frozenset is kept instead
            normalised.append((body.row, norm, last_shared))
        # the columns that need every row at once: districts from the addresses (the towns of the 地区 sheet,
        # which the rows above only add districts without towns to) and the 郵便番号 the addresses determine
        districts = town_index(cat.districts).districts_of(
            n.values["address"] for _, n, _ in normalised if n.district_at >= 0)
        _postal_suggestions([n.values for _, n, _ in normalised], cat.settings.municipality, postal_codes,
                            is_placeholder)
        normalised.reverse()
        while normalised:
            row, norm, explicit = normalised.pop()
            if norm.district_at >= 0:
                district_from_address(norm, districts[norm.values["address"]])
            values = norm.values
            listed_source = values.get("source", "")
            values["source"] = _source_label(path, grid.name, row, source.is_csv)
            if not values.get("status"):
                values["status"] = S.STATUS_ACTIVE
            record = Record(values, dict(norm.extra), row)
            suggestion = _postal_suggestion(values, cat.settings.municipality, postal_codes, is_placeholder)
            if suggestion:
                sr.warnings.append(ImportFinding.of(row, S.header("postal_code"), "postal-code-from-address",
                                                    postal=f"{suggestion[:3]}-{suggestion[3:]}"))
            rows.append(ReadRow(record, path, grid.name, norm.shigen_id, explicit, sr,
                                norm.unmatched_genre, norm.id_column, listed_source))
            sr.records += 1
            sr.normalised += norm.changed
            if norm.warnings:
                sr.warnings.extend(ImportFinding(row, h, m, code, hint) for h, code, m, hint in norm.warnings)
        sr.warnings.sort(key=lambda w: w[0])
    if seen and not any_table:
        hidden = [s.sheet for s in report.sheets if s.status == SHEET_HIDDEN]
        hint = "見出し行(『名称』『事業所名』などの列名が並んだ行)が先頭20行以内にあるか確かめてください。"
        if seen_columns:
            hint += f"見えた列: {'、'.join(seen_columns[:12])}{' …' if len(seen_columns) > 12 else ''}。"
        hint += ("列名が台帳の項目と違うだけなら、--mapping で対応を指定できます"
                 "(例: 対応.toml に \"施設の呼び名\" = \"名称\" と書き、--mapping 対応.toml)。")
        if hidden:
            hint += f"非表示のシート({'、'.join(hidden)})は取り込みません。取り込むには --sheet でシート名を指定してください。"
        hint += "このファイルを除いて続けるには --skip-bad を付けてください。"
        raise InputError("資源の一覧(見出し行のある表)がどのシートにもありません。", hint, path=path)
    return rows, seen


def _postal_wanted(values: dict[str, str], is_placeholder: Callable[[str], bool]) -> bool:
    address = values.get("address", "")
    return bool(address) and not values.get("postal_code") and not is_placeholder(address)


def _postal_suggestions(rows: list[dict[str, str]], municipality: str, cache: dict[str, str],
                        is_placeholder: Callable[[str], bool]) -> None:
    """:func:`_postal_suggestion` of many rows: the addresses not yet in ``cache`` put in place_key form in one pass.
    ``is_placeholder``: :func:`.values.is_placeholder` (passed in, not imported per row: see the imports above)."""
    addresses = list(dict.fromkeys(v["address"] for v in rows
                                   if _postal_wanted(v, is_placeholder) and v["address"] not in cache))
    if not addresses:
        return
    from ..postal import place_keys, postal_data

    data = postal_data()
    if data is None:
        cache.update(dict.fromkeys(addresses, ""))
        return
    cache.update(zip(addresses, data.codes_for_keys(place_keys(addresses), municipality), strict=True))


def _postal_suggestion(values: dict[str, str], municipality: str, cache: dict[str, str],
                       is_placeholder: Callable[[str], bool]) -> str:
    """The 7 digits of a missing 郵便番号 that the address determines (Japan Post's data), '' if none: said (code
    ``postal-code-from-address``), not filled — `shigen fix` fills it. ``is_placeholder`` as for
    :func:`_postal_suggestions`."""
    address = values.get("address", "")
    if values.get("postal_code") or not address or is_placeholder(address):
        return ""
    if address not in cache:
        from ..postal import postal_data

        data = postal_data()
        cache[address] = data.code_for_address(address, municipality) if data is not None else ""
    return cache[address]
