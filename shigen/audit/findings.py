"""What `shigen audit` reports: the audit Finding record (the codes are in :mod:`shigen.findings`).

Checks build findings only through :func:`render`, so the wording of each code lives in the one
catalogue shared with import and collect.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from ..findings import (
    AUDIT_CODES,
    CODE_ORDER,
    CODES,
    SETTINGS_CODES,
    SEVERITIES,
    SEVERITY_LABEL,
    SEVERITY_RANK,
    TEMPLATE_FIELDS,
    Code,
    Severity,
    render,
)

CATALOGUE = AUDIT_CODES  # the codes audit reports (its summary lists each of them)

__all__ = [
    "CATALOGUE", "CODES", "CODE_ORDER", "FINDING_KEYS", "PRINTED_COLUMNS", "ROW_HEADERS", "SETTINGS_CODES", "SEVERITIES",
    "SEVERITY_LABEL", "SEVERITY_RANK", "TEMPLATE_FIELDS", "Code", "Finding", "FindingGroup", "Severity", "render",
]


@dataclass(slots=True)  # slots: 200,000 findings are created in one audit; slotted instances are cheaper to make
class Finding:
    """One problem in one record (and usually one field of it)."""

    code: str
    severity: str
    record_id: str
    name: str
    genre: str
    district: str
    sheet: str
    row: int | None
    field: str  # Japanese header of the field, "" for a record-level finding
    value: str
    message: str
    hint: str
    file: str = ""  # the workbook the row is in
    related: str = ""  # the other record of a duplicate pair (ID or 出典)
    index: int | None = dataclasses.field(default=None, repr=False, compare=False)  # record's position in the audit (not exported)

    @property
    def title(self) -> str:
        return CODES[self.code].title

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in FINDING_KEYS}

    def to_row(self) -> tuple[object, ...]:
        return (
            SEVERITY_LABEL[Severity(self.severity)], self.title, self.record_id, self.name, self.genre, self.district,
            self.row if self.row is not None else "", self.field, self.value, self.message, self.hint,
            self.related, self.code, self.file, self.sheet,
        )


# the columns of 指摘一覧: what a coordinator reads and prints first (PRINTED_COLUMNS of them fit A4 landscape), then
# the technical ones (the duplicate's partner, the finding's code, the file and sheet), kept for filtering and tools
ROW_HEADERS = ("重要度", "指摘", "ID", "名称", "ジャンル", "地区", "行", "項目", "現在の値", "内容", "対処",
               "関連", "コード", "ファイル", "シート")
PRINTED_COLUMNS = ROW_HEADERS.index("対処") + 1
FINDING_KEYS = tuple(f.name for f in fields(Finding) if f.name != "index")


@dataclass
class FindingGroup:
    """Findings of one code and severity not made yet (an audit of 200,000 records has 100,000 of 確認期限切れ):
    the records they are about, how to make the finding of one (``make(index)``) and its place in the order of
    the findings (``key(index)``, the key :attr:`AuditResult.order` gives the finding made). The screen needs
    only their number and the first few; JSON and Excel get every finding made (:attr:`AuditResult.findings`)."""

    code: str
    severity: str
    indices: list[int]
    make: Callable[[int], Finding]
    key: Callable[[int], tuple[Any, ...]]
