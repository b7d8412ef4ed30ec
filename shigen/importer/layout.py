"""Sheet grid → header, column plan and the body rows that hold resources.

Municipal lists put titles, 「令和5年4月1日現在」 and notes above the header; the header may span two rows
(連絡先 merged over 電話 / FAX); one business may span several rows (its 名称 cell merged downwards);
group columns are filled only on a group's first row; 〃 / 同上 mean "same as above"; spacer, ※ footnote,
total and section-heading rows sit between the records. This module finds all of that and hands back
the records' raw cells with their Excel rows, plus every skipped row and why.

Why this file is long (~520 lines): the layout quirks above are detected against each other (a title row vs. a
header, a section row vs. a record) and share the merged-cell index.
"""

from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass, field
from typing import Any

from ..model import District, Genre, match_genre
from ..text import clean_text, parse_date, search_key
from . import columns as C
from . import mapper as M
from .reading import SheetGrid
from .report import ImportFinding
from .values import is_ditto, match_district, raw_text

HEADER_SCAN_ROWS = 20
MAPPER_SAMPLE = 300  # body rows whose values the mapper looks at
GROUP_TARGETS = ("genre", "category", "district")
DATA_TARGETS_MIN = 2  # a header row names at least this many fields (one of them 名称), or 名称 alone

SKIP_BLANK = "空行"
SKIP_FOOTNOTE = "注記の行(※・注など)"
SKIP_TOTAL = "合計・件数の行"
SKIP_REPEAT_HEADER = "見出しの繰り返し"
SKIP_SECTION = "区分の見出し行"
SKIP_NO_NAME = "名称のない行"
SKIP_METADATA = "メタデータの行(#property など)"

_DECORATION = "■□◆◇●○◎★☆▼▽▲△◯〇【〈《<［["
_FOOTNOTE_START = re.compile(r"^(?:[※*＊]|注[\d１-９]?[)）:：.．\s]|\(注|（注|〔注|【注|出典[:：]|資料[:：]|作成[:：]|備考[:：]|問い?合わ?せ先?[:：])")
_TOTAL_WORDS = {"合計", "小計", "総計", "計", "総数", "件数", "合計件数", "以上", "計(件)", "合計(件)"}
_COUNT_RE = re.compile(r"^\d[\d,]*\s*(?:件|か所|箇所|ヶ所|カ所|団体|事業所)?$")
_TOTAL_RE = re.compile(r"^(?:合計|小計|総計|総数|計|全)\s*[:：]?\s*\d*\s*(?:件|か所|箇所|ヶ所|カ所|団体|事業所)?$|^以上\s*\d*\s*件?$")


@dataclass
class ColumnPlan:
    index: int  # 0-based column
    header: str  # as shown in the report (two-row headers as 「連絡先/電話」)
    target: str  # field key or a columns.* special target
    from_mapping: bool = False
    score: float = 0.0  # the mapper's confidence (header × value evidence)
    why: str = ""  # the evidence, in Japanese, for the report
    runner_up: str = ""  # second-best target when it came close
    label: str = ""  # label used in 備考 / extra columns (Japanese name of an English property)

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class BodyRecord:
    row: int  # 1-based Excel row of the record's first row
    last_row: int
    values: dict[int, Any]  # the record's non-blank cells by column (0-based), as read (see SheetLayout.slots)
    section_genre: str = ""
    section_district: str = ""


@dataclass
class SheetLayout:
    header_rows: list[int] = field(default_factory=list)  # 1-based
    columns: list[ColumnPlan] = field(default_factory=list)
    above: list[str] = field(default_factory=list)  # title / date / note lines above the header
    as_of: str = ""  # 「令和5年4月1日現在」 → ISO date
    records: list[BodyRecord] = field(default_factory=list)
    # the columns a record's values are read by: (column, header, target, label) — values.RowPlan of the sheet
    slots: list[tuple[int, str, str, str]] = field(default_factory=list)
    rows_read: int = 0  # body rows looked at (below the header)
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # (row, reason, text)
    warnings: list[ImportFinding] = field(default_factory=list)  # (row, header, message) + code
    sections: list[tuple[int, str]] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.columns)


def column_letter(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _blank(v: Any) -> bool:
    return v is None or v == "" or (isinstance(v, str) and not v.strip())


class _Merges:
    """Merged ranges of a sheet, looked up by cell."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        self.h_top: dict[tuple[int, int], tuple[int, int, int, int]] = {}  # any merged cell → its range
        for rng in ranges:
            r0, c0, r1, c1 = rng
            if (r1 - r0 + 1) * (c1 - c0 + 1) > 200_000:  # a whole-column merge: ignore rather than blow up
                continue
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.h_top[(r, c)] = rng

    def range_of(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        return self.h_top.get((r, c))


def _cell(rows: list[list[Any]], r: int, c: int) -> Any:
    if r < len(rows):
        row = rows[r]
        if c < len(row):
            return row[c]
    return ""


# --- header ---------------------------------------------------------------------------------
def _header_cell(rows: list[list[Any]], merges: _Merges, r: int, c: int) -> str:
    """Header text of a cell; a horizontally merged header cell names every column it spans."""
    rng = merges.range_of(r, c)
    if rng and rng[0] == r and rng[1] != c:
        return C.header_text(_cell(rows, r, rng[1]))
    if rng and rng[0] != r:  # inside a vertical merge started above: the header is the top cell's
        return C.header_text(_cell(rows, rng[0], rng[1]))
    return C.header_text(_cell(rows, r, c))


def _target(text: str, mapping: C.Mapping | None) -> tuple[str, bool]:
    if not text:
        return "", False
    if mapping is not None:
        t = mapping.get(text)
        if t is not None:
            return t, True
    return C.match_header(text), False


_FIELDISH = set(C.S.KEYS) | {C.COMBINED_PHONE_FAX, C.HOURS_END, C.ADDRESS_PART}


def _score(texts: list[str], mapping: C.Mapping | None) -> tuple[int, bool]:
    fields = set()
    for t in texts:
        if not t or len(t) > 30:
            continue
        target, _ = _target(t, mapping)
        if target in _FIELDISH:
            fields.add("phone" if target == C.COMBINED_PHONE_FAX else target)
    return len(fields), "name" in fields


def find_header(grid: SheetGrid, mapping: C.Mapping | None = None) -> tuple[int, list[str], int] | None:
    """(first header row, column headers, number of header rows) — 0-based rows — or None."""
    rows = grid.rows
    width = grid.width
    if not rows or not width:
        return None
    merges = _Merges(grid.merged)
    best: tuple[int, int] | None = None  # (score, row)
    for r in range(min(HEADER_SCAN_ROWS, len(rows))):
        first = _quick_text(rows[r][0]) if rows[r] else ""
        if first.lower() == "#property":  # LinkData / 推奨データセット: the property row is the header
            return r, [_header_cell(rows, merges, r, c) for c in range(width)], 1
        if first.startswith("#"):
            continue
        texts = [_header_cell(rows, merges, r, c) for c in range(width)]
        score, has_name = _score(texts, mapping)
        if not has_name or (score < DATA_TARGETS_MIN and sum(1 for t in texts if t) > 1):
            continue
        if not _records_below(rows, r, texts, mapping):
            continue
        if best is None or score > best[0]:
            best = (score, r)
    if best is None:
        return None
    r = best[1]
    if r > 0 and any((rng := merges.range_of(r, c)) and rng[0] == r - 1 and rng[2] >= r for c in range(width)):
        r -= 1  # the chosen row continues a header started one row above (cells merged down into it)
    parents = [_header_cell(rows, merges, r, c) for c in range(width)]
    n_rows = 1
    if r + 1 < len(rows):
        children = []
        for c in range(width):
            rng = merges.range_of(r + 1, c)
            if rng and rng[0] <= r:  # vertical merge from the parent row: no child of its own
                children.append("")
            else:
                children.append(_header_cell(rows, merges, r + 1, c))
        if _is_subheader(parents, children, mapping):
            combined = []
            for c in range(width):
                p, ch = parents[c], children[c]
                if ch and ch != p:
                    combined.append(f"{p}/{ch}" if p else ch)
                else:
                    combined.append(p)
            parents = combined
            n_rows = 2
    return r, parents, n_rows


def _records_below(rows: list[list[Any]], r: int, texts: list[str], mapping: C.Mapping | None) -> bool:
    """The rows below a candidate header look like records: the name column is filled in at least half of
    the next non-blank rows (a title row that merely ends in 名称 heads a data dictionary, not a list)."""
    name_cols = [c for c, t in enumerate(texts) if t and _target(t, mapping)[0] == "name"]
    seen = filled = 0
    for row in rows[r + 1: r + 40]:
        if not any(not _blank(v) for v in row) or (row and _quick_text(row[0]).startswith("#")):
            continue
        seen += 1
        if any(c < len(row) and not _blank(row[c]) for c in name_cols):
            filled += 1
        if seen >= 12:
            break
    return seen == 0 or filled * 3 >= seen or filled >= 3


def _is_metadata_row(row: list[Any]) -> bool:
    """#object_type_xsd / #property_context rows of a LinkData file (below its #property header)."""
    return bool(row) and isinstance(row[0], str) and row[0].strip().startswith("#")


def _is_subheader(parents: list[str], children: list[str], mapping: C.Mapping | None) -> bool:
    mapped = unmapped = 0
    for c, child in enumerate(children):
        if not child:
            continue
        if len(child) > 20 or re.search(r"\d{2,}", child):
            return False  # data, not a header
        if _child_target(parents[c], child, mapping):
            mapped += 1
        else:
            unmapped += 1
    return mapped >= 1 and unmapped <= mapped // 2


def _child_target(parent: str, child: str, mapping: C.Mapping | None) -> str:
    for text in (f"{parent}/{child}" if parent else "", parent + child if parent else "", child):
        if not text:
            continue
        target, _ = _target(text, mapping)
        if target and target not in (C.UNMAPPED, C.ROW_NUMBER):
            return target
    return ""


def plan_columns(headers: list[str], body: list[list[Any]], mapping: C.Mapping | None) -> list[ColumnPlan]:
    """Each column's target, decided by :func:`mapper.decide` from the header and the values below it."""
    width = len(headers)
    columns: list[list[Any]] = [[] for _ in range(width)]
    for row in body[:MAPPER_SAMPLE]:
        for c in range(min(width, len(row))):
            v = row[c]
            if not _blank(v):
                columns[c].append(v)
    # a column with data further down but none in the sample still needs a plan: its first value below the sample
    # (only those columns looked at, and no further than their values: issue 18)
    missing = [c for c in range(width) if not columns[c]]
    for row in itertools.islice(body, MAPPER_SAMPLE, None):
        if not missing:
            break
        found = False
        for c in missing:
            if c < len(row) and not _blank(row[c]):
                columns[c].append(row[c])
                found = True
        if found:
            missing = [c for c in missing if not columns[c]]
    plans: list[ColumnPlan] = []
    for d in M.decide(headers, columns, mapping):
        header = d.header or f"(見出しなし {column_letter(d.index)}列)"
        plans.append(ColumnPlan(d.index, header, d.target, d.from_mapping, d.score, d.why, d.runner_up,
                                d.label if d.header else header))
    # 更新日 in an inherited list means "last confirmed"; beside a 最終確認日 column (a shigen export) it is
    # shigen's own 更新日, which import sets itself
    dated = [p for p in plans if p.target == "last_confirmed" and not p.from_mapping]
    if any(C.header_text(p.header) == C.S.header("last_confirmed") for p in dated):
        for p in plans:
            if C.header_text(p.header) == C.S.header("updated_at") and not p.from_mapping:
                p.target = "updated_at"
    return plans


# --- body -------------------------------------------------------------------------------------
def _text(v: Any) -> str:
    return clean_text(raw_text(v)) if not isinstance(v, str) else clean_text(v)


def _quick_text(v: Any) -> str:
    """Enough of a cell's text to tell spacer, note, total and heading rows apart (cheaper than clean_text)."""
    if isinstance(v, str):
        return v.strip().replace("\u3000", " ")
    return raw_text(v)


def _is_footnote(first: str, count: int) -> bool:
    if _FOOTNOTE_START.match(first):
        return True
    return count == 1 and ("。" in first and len(first) > 20)


_SPACES = re.compile(r"\s+")
_TOTAL_FIRST = "合小総計全以件"  # what a text _is_total takes begins with (or it is empty)


def _is_total(texts: list[str]) -> bool:
    for t in texts:
        if t[:1] not in _TOTAL_FIRST:
            continue
        k = _SPACES.sub("", t)
        if k in _TOTAL_WORDS or _TOTAL_RE.match(k):
            return True
    return False


def _section_label(text: str) -> str:
    return text.strip(_DECORATION + "】〉》>］] 　:：").strip()


def read_layout(grid: SheetGrid, *, genres: list[Genre], districts: list[District],
                mapping: C.Mapping | None = None) -> SheetLayout:
    """Find the header and the records of one sheet (see the module docstring)."""
    out = SheetLayout()
    found = find_header(grid, mapping)
    if found is None:
        return out
    r_head, headers, n_head = found
    rows = grid.rows
    merges = _Merges(grid.merged)
    start = r_head + n_head
    out.header_rows = [r_head + 1 + i for i in range(n_head)]
    for r in range(r_head):
        line = " ".join(_text(v) for v in rows[r] if not _blank(v))
        if line:
            out.above.append(line)
            if not out.as_of:
                m = re.search(r"((?:令和|平成|R|H)\s*(?:\d{1,2}|元)\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[/.\-年]\d{1,2}[/.\-月]\d{1,2}日?)", line)
                if m:
                    day = parse_date(m.group(1))
                    if day:
                        out.as_of = day.isoformat()
    while start < len(rows) and _is_metadata_row(rows[start]):
        out.skipped.append((start + 1, SKIP_METADATA, _quick_text(rows[start][0])))
        start += 1
    plans = plan_columns(headers, rows[start:], mapping)
    out.columns = plans
    cols = [p for p in plans if p.target not in (C.IGNORE, C.COMPUTED)]
    name_cols = [p.index for p in cols if p.target == "name"]
    group_idx = {p.index for p in cols if p.target in GROUP_TARGETS}
    header_texts = {p.index: p.header.split("/")[-1] for p in cols}

    # records spanning several rows: a 名称 cell merged downwards
    span: dict[int, int] = {}
    for r0, c0, r1, c1 in grid.merged:
        if r1 > r0 and r0 >= start and any(c0 <= c <= c1 for c in name_cols):
            span[r0] = max(span.get(r0, r0), r1)

    pending: list[tuple[int, int, dict[int, Any]]] = []  # (row0, row1, col → value)
    section_genre = section_district = ""
    sections: list[tuple[str, str]] = []
    r = start
    n = len(rows)
    col_index = [p.index for p in cols]
    has_merges = bool(merges.h_top)
    ascending = col_index == sorted(col_index)
    one_name = len(name_cols) == 1
    extended: set[int] = set()  # records (by their place in pending) a row below added cells to
    while r < n:
        end = span.get(r, r)
        row0 = r
        r = end + 1
        values: dict[int, Any] = {}
        copied: set[int] = set()  # cells filled from a group cell merged down from a record above
        if end == row0:  # the common case: one sheet row per record
            # one pass builds both the record's cells and ``texts`` (each own cell's _quick_text), the strip that
            # tells a blank cell done once (issue 18: a dict comprehension over the cells again cost ~10 % here)
            texts: dict[int, str] = {}
            row = rows[row0]
            width = len(row)
            for c in col_index:
                value = row[c] if c < width else ""
                if value.__class__ is str:
                    t = value.strip()
                    if t:
                        values[c] = value
                        texts[c] = t.replace("\u3000", " ")  # _quick_text inline
                        continue
                elif not _blank(value):
                    values[c] = value
                    texts[c] = _quick_text(value)
                    continue
                if has_merges:
                    rng = merges.range_of(row0, c)
                    if rng and rng[0] < row0 and rng[1] == c and rng[0] >= start:
                        value = _cell(rows, rng[0], rng[1])  # a group cell merged down over several records
                        copied.add(c)
                        if not _blank(value):
                            values[c] = value
        else:  # a record spanning several rows (its 名称 cell merged downwards): each column's parts joined
            for c in col_index:
                parts: list[Any] = []
                for k in range(row0, end + 1):
                    rng = merges.range_of(k, c)
                    if rng and rng[0] < k and rng[0] >= row0:
                        continue  # merged over the same record: already taken from its top row
                    v = _cell(rows, k, c)
                    if rng and rng[0] < row0 and rng[1] == c:
                        v = _cell(rows, rng[0], rng[1])
                        copied.add(c)
                    if not _blank(v) and v not in parts:
                        parts.append(v)
                joined: Any = parts[0] if len(parts) == 1 else "\n".join(_text(x) for x in parts)
                if not _blank(joined):
                    values[c] = joined
            texts = {c: _quick_text(v) for c, v in values.items() if c not in copied}
        out.rows_read += end - row0 + 1
        excel_row = row0 + 1
        if not texts:  # (texts has a key for each of the record's own cells)
            out.skipped.append((excel_row, SKIP_BLANK, ""))
            continue
        count = len(texts)
        # (a row's cells are read in column order: sorted already when the plan's columns are)
        ordered = list(texts.values()) if ascending else [texts[c] for c in sorted(texts)]
        first = ordered[0]
        name_text = texts.get(name_cols[0], "") if one_name else next((texts[c] for c in name_cols if c in texts), "")
        # the cells equal to their column's header, counted in C (every key of texts is a column of the plan)
        if sum(map(operator.eq, texts.values(), map(header_texts.__getitem__, texts))) >= max(2, count // 2):
            out.skipped.append((excel_row, SKIP_REPEAT_HEADER, " ".join(ordered)[:80]))
            continue
        # _is_total's own first test of its texts, here, spares the call for nearly every row
        if (first[:1] in _TOTAL_FIRST or count > 1 and ordered[1][:1] in _TOTAL_FIRST) and _is_total(ordered[:2]) \
                and (not name_text or _is_total([name_text]) or _COUNT_RE.match(name_text)):
            out.skipped.append((excel_row, SKIP_TOTAL, " ".join(ordered)[:80]))
            continue
        if (not name_text or count == 1) and _is_footnote(first, count):  # (a record with a name and more: not one)
            out.skipped.append((excel_row, SKIP_FOOTNOTE, " ".join(ordered)[:80]))
            continue
        if count == 1 and _is_section(grid, merges, row0, next(iter(texts)), first, name_cols, genres, districts,
                                      group_idx):
            label = _section_label(first)
            g = _genre_of_label(label, genres)
            d = match_district(label, districts) or _district_in(label, districts)
            if g:
                section_genre = g
            elif d:
                section_district, section_genre = d, ""
            out.skipped.append((excel_row, SKIP_SECTION, first))
            out.sections.append((excel_row, label))
            continue
        if not name_text:
            if pending:
                # a row without a name under a record: its text belongs to the record above
                p0, _, pvals = pending[-1]
                own = {c: v for c, v in values.items() if c not in copied} if copied else values
                for c, v in own.items():
                    t = _text(v)
                    if is_ditto(t):
                        continue
                    old = pvals.get(c)
                    pvals[c] = v if _blank(old) else f"{_text(old)}\n{t}"
                extended.add(len(pending) - 1)
                out.warnings.append(ImportFinding.of(excel_row, "名称", "row-continues-record", row=p0 + 1))
                continue
            out.skipped.append((excel_row, SKIP_NO_NAME, " ".join(ordered)[:80]))
            continue
        pending.append((row0, end, values))
        sections.append((section_genre, section_district))

    # ditto marks and group columns filled only on a group's first row
    group_cols = _group_columns(cols, pending)
    out.slots = [(p.index, p.header, p.target, p.label) for p in cols]
    previous: dict[int, Any] = {}
    last_section: tuple[str, str] | None = None
    col_plan = [(p.index, p.header, p.index in group_cols) for p in cols]
    header_of = {p.index: p.header for p in cols}
    ditto: dict[str, bool] = {}  # is_ditto of each short text seen (a long list repeats its short values)

    def is_mark(v: str) -> bool:
        mark = ditto.get(v)
        if mark is None:
            mark = is_ditto(v)
            if len(ditto) < 100_000:
                ditto[v] = mark
        return mark

    for i, ((row0, end, values), sec) in enumerate(zip(pending, sections, strict=True)):
        if sec != last_section:
            previous = {}
            last_section = sec
        if not group_cols and i not in extended:
            # nothing to fill from the row above, and the record's cells in the plan's column order (only a row
            # below adds cells out of it): the loop below, over the cells the record has rather than every column
            # of the plan (issue 18: most records have no short text, let alone a ditto mark)
            marked: list[int] | None = None
            for c, v in values.items():
                if isinstance(v, str) and len(v) <= 6 and is_mark(v):
                    marked = [c] if marked is None else [*marked, c]
            for c in marked or ():
                if c in previous:
                    values[c] = previous[c]
                else:
                    del values[c]
                    out.warnings.append(ImportFinding.of(row0 + 1, header_of[c], "ditto-without-value"))
            previous = values  # not changed after this row
            out.records.append(BodyRecord(row0 + 1, end + 1, values, sec[0], sec[1]))
            continue
        for c, header, grouped in col_plan:
            v = values.get(c)
            if v is None:
                if grouped and c in previous:
                    values[c] = previous[c]
            elif isinstance(v, str) and len(v) <= 6:
                if not is_mark(v):
                    continue
                if c in previous:
                    values[c] = previous[c]
                else:
                    del values[c]
                    out.warnings.append(ImportFinding.of(row0 + 1, header, "ditto-without-value"))
        previous = values  # not changed after this row
        out.records.append(BodyRecord(row0 + 1, end + 1, values, sec[0], sec[1]))
    return out


def _group_columns(cols: list[ColumnPlan], pending: list[tuple[int, int, dict[int, Any]]]) -> set[int]:
    """Genre / district / category columns written only on each group's first row."""
    out = set()
    for p in cols:
        if p.target not in GROUP_TARGETS:
            continue
        blanks = 0
        last = None
        repeats = 0
        seen = 0
        for _, _, values in pending:
            v = values.get(p.index)
            if v is None:
                blanks += 1
                continue
            t = _quick_text(v)
            if is_ditto(t):
                continue
            seen += 1
            if t == last:
                repeats += 1
                break  # a value written again on the next record: not a group column, whatever follows (issue 18)
            last = t
        if blanks and seen and repeats == 0:
            out.add(p.index)
    return out


def _is_section(grid: SheetGrid, merges: _Merges, r: int, c: int, text: str, name_cols: list[int],
                genres: list[Genre], districts: list[District], group_cols: set[int]) -> bool:
    """A row holding one short text that heads the rows below (■配食サービス / 【北地区】 / a genre alone).

    A single value in another column (a second phone number, a note) is not a heading: it continues the
    record above."""
    if len(text) > 40:
        return False
    if text[:1] in _DECORATION or text.endswith(("】", "〉", "》")):
        return True
    rng = merges.range_of(r, c)
    if rng and rng[3] - rng[1] >= 1 and rng[0] == rng[2]:
        return True
    if c in group_cols:
        return True  # a genre / district written alone on its own row heads the rows below
    label = _section_label(text)
    key = search_key(label)
    return any(search_key(g.name) == key or any(search_key(s) == key for s in g.synonyms) for g in genres) or bool(
        match_district(label, districts))


def _genre_of_label(label: str, genres: list[Genre]) -> str:
    return match_genre(label, genres)


def _district_in(label: str, districts: list[District]) -> str:
    for d in districts:
        if d.name in label:
            return d.name
    return ""
