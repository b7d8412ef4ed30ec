"""The CSV file: UTF-8 with BOM (Excel opens it), or cp932 for older office PCs.

Column names follow 自治体標準オープンデータセット where the field exists there, then shigen's own fields.
Characters cp932 cannot hold are replaced by 〓 and reported; look-alike characters that differ only between
Unicode and cp932 (〜 − ‖ ¢ £ ¬ — …) are mapped to their cp932 twins silently.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..model import Catalogue
from .columns import OPEN_DATA_MUNICIPALITY, csv_columns, csv_value
from .files import clean_cell
from .meta import Meta
from .select import Selection

ENCODINGS = ("utf-8", "cp932")
REPLACEMENT = "〓"
# Unicode code points that look like a cp932 character but encode differently (JIS X 0208 vs Windows mapping).
CP932_TWINS = str.maketrans({
    "\u301c": "\uff5e",  # 〜 WAVE DASH → ～
    "\u2212": "\uff0d",  # − MINUS SIGN → －
    "\u2016": "\u2225",  # ‖ → ∥
    "\u00a2": "\uffe0",  # ¢ → ￠
    "\u00a3": "\uffe1",  # £ → ￡
    "\u00ac": "\uffe2",  # ¬ → ￢
    "\u2014": "\u2015",  # — EM DASH → ―
    "\u00a0": " ",  # no-break space
    "\u2010": "-",  # ‐ HYPHEN
})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Replacement:
    record_id: str
    name: str
    field: str
    characters: str

    def to_row(self) -> tuple[str, str, str, str]:
        return (self.record_id, self.name, self.field, self.characters)


def inert(value: str) -> str:
    """Keep Excel from reading a cell as a formula when it opens the CSV (a leading ' is Excel's text mark)."""
    if value.startswith(_FORMULA_START) and value not in ("-", "--", "+"):
        return "'" + value
    return value


def to_cp932(value: str) -> tuple[str, str]:
    """(text cp932 can hold, characters that had to be replaced)."""
    value = value.translate(CP932_TWINS)
    try:
        value.encode("cp932")
        return value, ""
    except UnicodeEncodeError:
        pass
    out, bad = [], []
    for ch in value:
        try:
            ch.encode("cp932")
            out.append(ch)
        except UnicodeEncodeError:
            out.append(REPLACEMENT)
            if ch not in bad:
                bad.append(ch)
    return "".join(out), "".join(bad)


def write_csv(path: Path, cat: Catalogue, sel: Selection, meta: Meta, encoding: str = "utf-8") -> list[Replacement]:
    columns = csv_columns(meta.public, cat.extra_columns)
    cp932 = encoding == "cp932"
    replacements: list[Replacement] = []

    def fit(value: str, record_id: str = "", name: str = "", field: str = "") -> str:
        if cp932 and value:
            value, bad = to_cp932(value)
            if bad:
                replacements.append(Replacement(record_id, name, field, bad))
        return value

    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([fit(h, field="(見出し)") for h in (OPEN_DATA_MUNICIPALITY, *(c.header for c in columns))])
    municipality = fit(meta.municipality, field=OPEN_DATA_MUNICIPALITY)
    get = sel.value  # public: placeholders and invalid phone numbers left empty (select.public_value)
    for record in sel.records:
        row = [municipality]
        for col in columns:
            row.append(fit(inert(clean_cell(csv_value(col, record, get))), record.id, record.name, col.header))
        writer.writerow(row)
    text = buf.getvalue()
    data = text.encode("cp932") if cp932 else text.encode("utf-8-sig")
    path.write_bytes(data)
    return replacements
