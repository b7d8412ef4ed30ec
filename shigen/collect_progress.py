"""回収状況: how far each coordinator's share of the year has come, and the workbook 回収状況.xlsx.

States per record come from this collect (:class:`shigen.collect_rules.RecordOutcome`) on top of those an earlier
collect saved in 回収状況.xlsx (sheet 資源別); records confirmed in the master directly count as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import schema as S
from .assign import latest_plan
from .cells import cell_text
from .collect_rules import (
    DONE_STATES,
    STATE_CHANGED,
    STATE_CLOSED,
    STATE_CONFIRMED,
    STATE_HELD,
    STATE_PENDING,
    STATE_PROBLEM,
    STATE_UNREACHABLE,
    CollectFinding,
    RecordOutcome,
)
from .model import Catalogue, Record

PROGRESS_NAME = "回収状況.xlsx"


@dataclass
class ProgressRow:
    coordinator: str
    assigned: int = 0
    confirmed: int = 0  # 変更なし + 変更あり + 休止・廃止, reflected in the master
    changed: int = 0
    closed: int = 0
    unreachable: int = 0
    problems: int = 0
    pending: int = 0  # not yet returned / not yet filled in

    HEADERS = ("担当者", "担当件数", "確認済み", "うち変更あり", "うち休止・廃止", "連絡つかず", "要確認", "未回収", "進み具合")

    @property
    def percent(self) -> str:
        return f"{100 * self.confirmed / self.assigned:.0f}%" if self.assigned else "—"

    def to_row(self) -> tuple[object, ...]:
        return (self.coordinator, self.assigned, self.confirmed, self.changed, self.closed, self.unreachable,
                self.problems, self.pending, self.percent)

    def to_dict(self) -> dict[str, object]:
        return dict(zip(("coordinator", "assigned", "confirmed", "changed", "closed", "unreachable", "problems",
                         "pending", "percent"), self.to_row(), strict=True))


# --- progress ------------------------------------------------------------------------------
def read_progress(path: Path) -> dict[str, RecordOutcome]:
    """Per-record states saved by an earlier collect (回収状況.xlsx, sheet 資源別); empty if none."""
    if not path.exists():
        return {}
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        rows = wb.get_sheet_by_name(SHEET_RECORDS).to_python()
    except Exception:  # an unreadable old progress file is rebuilt from this run and the master
        return {}
    if not rows:
        return {}
    header = [cell_text(h) for h in rows[0]]
    if list(header[: len(RecordOutcome.HEADERS)]) != list(RecordOutcome.HEADERS):
        return {}
    out = {}
    for r in rows[1:]:
        v = [cell_text(x) for x in r] + [""] * len(RecordOutcome.HEADERS)
        if not v[0]:
            continue
        out[v[0]] = RecordOutcome(v[0], v[1], v[8], "", v[2], v[3], v[4], v[5], v[7],
                            [x for x in v[6].split("、") if x], collected_at=v[9])
    return out


def progress_for(cat: Catalogue, year: str, states: dict[str, RecordOutcome],
                 coordinators: Sequence[str] = ()) -> list[ProgressRow]:
    """Per coordinator of the latest plan for ``year``: confirmed / changed / closed / unreachable / pending."""
    plan = latest_plan(cat.assignments, year)
    issued_on = max((a.created[:10] for a in cat.assignments if a.year == year), default="")
    by_id = cat.by_id()
    names = list(dict.fromkeys([*(c.name for c in cat.coordinators), *plan.values(), *coordinators]))
    rows = {n: ProgressRow(n) for n in names}
    ids = list(plan) or [o.record_id for o in states.values() if o.year in ("", year)]
    for rid in ids:
        who = plan.get(rid) or (states[rid].coordinator if rid in states else "")
        if not who:
            continue
        p = rows.setdefault(who, ProgressRow(who))
        p.assigned += 1
        o = states.get(rid)
        state = o.state if o else STATE_PENDING
        if state == STATE_PENDING and rid in by_id:  # confirmed outside collect (or progress file lost)
            rec = by_id[rid]
            if issued_on and rec.get("last_confirmed") >= issued_on and rec.get("confirmed_by") == who:
                state = STATE_CONFIRMED
        if state in DONE_STATES:
            p.confirmed += 1
            p.changed += state == STATE_CHANGED
            p.closed += state == STATE_CLOSED
        elif state == STATE_UNREACHABLE:
            p.unreachable += 1
        elif state in (STATE_PROBLEM, STATE_HELD):
            p.problems += 1
        else:
            p.pending += 1
    return [p for p in rows.values() if p.assigned]


SHEET_PROGRESS = "進み具合"
SHEET_FINDINGS = "要確認"
SHEET_RECORDS = "資源別"


def write_progress(path: Path, year: str, rows: list[ProgressRow], findings: list[CollectFinding],
                   states: dict[str, RecordOutcome], by_id: dict[str, Record], now: str,
                   inquiries: tuple[str, list[tuple[str, ...]]] | None = None) -> None:
    """回収状況.xlsx; ``now`` is the time stamp of the title (the --as-of date when one is given)."""
    from .xlsx_style import xw_table_sheet
    from .xlsx_write import atomic_close, new_workbook, tmp_path

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_path(path)
    wb = new_workbook(tmp, constant_memory=True)  # every sheet is written row by row (資源別: a row per record)
    total = ProgressRow("合計")
    for p in rows:
        for attr in ("assigned", "confirmed", "changed", "closed", "unreachable", "problems", "pending"):
            setattr(total, attr, getattr(total, attr) + getattr(p, attr))
    xw_table_sheet(wb, SHEET_PROGRESS, ProgressRow.HEADERS, [p.to_row() for p in [*rows, total]],
                   widths=[16, 10, 10, 12, 14, 11, 9, 9, 10], title=f"{year}年度 更新作業の回収状況({now} 時点)",
                   right=(8,))
    xw_table_sheet(wb, SHEET_FINDINGS, CollectFinding.HEADERS, [f.to_row() for f in findings] or [("", "(ありません)")],
                   widths=[7, 14, 5, 8, 20, 11, 16, 36, 30, 12, 14, 14, 14, 14],
                   title="反映しなかった行(直して返してもらうか、台帳を直接直してください)")
    ordered_states = sorted(states.values(), key=lambda o: (o.coordinator, o.record_id))
    xw_table_sheet(wb, SHEET_RECORDS, [*RecordOutcome.HEADERS, S.header("name")],
                   [(*o.to_row(), by_id[o.record_id].name if o.record_id in by_id else "") for o in ordered_states],
                   widths=[8, 14, 14, 10, 12, 9, 24, 30, 18, 18, 28])
    if inquiries is not None:  # `shigen letters`: asked / answered / overdue of this year's records
        from .letters.followup import PROGRESS_HEADERS, PROGRESS_SHEET

        title, inquiry_rows = inquiries
        xw_table_sheet(wb, PROGRESS_SHEET, PROGRESS_HEADERS, inquiry_rows or [("(照会はありません)",)],
                       widths=[8, 28, 14, 12, 10, 12, 12], title=title)
    atomic_close(wb, tmp, path)


def wareki(day: dt.date) -> str:
    from .text import to_wareki

    return to_wareki(day)
