"""The follow-up of the 確認依頼 letters: the master's sheet 照会, folded into one state per record.

The sheet is appended to only (like 履歴): `shigen letters` adds a row per record it asks (照会日, 照会方法,
再送 「○」 on a reminder); `collect` adds a row with 回答日 when an answer comes back; a coordinator may also type
回答日 by hand into the row of a letter. Per record the state is

- *asked*: the latest 照会日;
- *answered*: a 回答日 on or after that 照会日 — or a 最終確認日 on or after it (confirmed by any other way:
  telephone, a visit, the master edited by hand, so no reminder goes to a provider who has already answered);
- *overdue*: asked, not answered, and the 照会日 more than 再送までの日数 (設定, default 21) days ago.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import Catalogue, Inquiry, Record

METHOD_POST = "郵送"
METHOD_FAX = "FAX"
METHOD_HAND = "手渡し"
RESEND_CELL = "○"  # 再送 column of 照会 on a reminder


@dataclass
class InquiryState:
    record_id: str
    asked_on: dt.date | None = None  # latest 照会日
    first_asked_on: dt.date | None = None
    method: str = ""  # 照会方法 of the latest letter
    times: int = 0  # letters sent (first + reminders)
    answered_on: dt.date | None = None  # latest 回答日 (any)

    def answered(self, record: Record | None = None) -> bool:
        if self.asked_on is None:
            return False
        if self.answered_on is not None and self.answered_on >= self.asked_on:
            return True
        confirmed = record.date("last_confirmed") if record is not None else None
        return confirmed is not None and confirmed >= self.asked_on

    def open(self, record: Record | None = None) -> bool:
        """Asked and not answered yet."""
        return self.asked_on is not None and not self.answered(record)

    def overdue(self, as_of: dt.date, days: int, record: Record | None = None) -> bool:
        assert days >= 0
        return self.open(record) and self.asked_on is not None and (as_of - self.asked_on).days > days


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def fold(inquiries: Iterable[Inquiry]) -> dict[str, InquiryState]:
    """Record ID → state, from the rows of 照会 (and any not yet saved) in order."""
    out: dict[str, InquiryState] = {}
    for q in inquiries:
        if not q.record_id:
            continue
        st = out.get(q.record_id)
        if st is None:
            st = out[q.record_id] = InquiryState(q.record_id)
        asked = _day(q.asked_on)
        if asked is not None:
            st.times += 1
            if st.first_asked_on is None or asked < st.first_asked_on:
                st.first_asked_on = asked
            if st.asked_on is None or asked >= st.asked_on:
                st.asked_on = asked
                st.method = q.method
        answered = _day(q.answered_on)
        if answered is not None and (st.answered_on is None or answered > st.answered_on):
            st.answered_on = answered
    return out


def states(cat: Catalogue) -> dict[str, InquiryState]:
    return fold([*cat.inquiries, *cat.new_inquiries])


def record_answer(cat: Catalogue, record: Record, day: dt.date, note: str,
                  known: dict[str, InquiryState] | None = None) -> bool:
    """Append a 回答日 row for ``record`` when it has an open 照会 (asked on or before ``day``, not answered).

    Returns True when a row was added. ``known`` (from :func:`states`) is kept up to date when given."""
    known = known if known is not None else states(cat)
    st = known.get(record.id)
    if st is None or st.asked_on is None or st.asked_on > day:
        return False
    if st.answered_on is not None and st.answered_on >= st.asked_on:
        return False
    cat.new_inquiries.append(Inquiry(record.id, record.name, "", "", day.isoformat(), "", note))
    st.answered_on = day
    return True


@dataclass
class FollowUp:
    """Counts for `shigen status`: records asked, answered, waiting, overdue; and the overdue ones."""

    as_of: dt.date
    days: int
    asked: int = 0
    answered: int = 0
    waiting: int = 0  # asked, not answered, not yet overdue
    overdue: int = 0
    resent: int = 0  # records asked more than once
    never: int = 0  # 掲載中・休止 records never asked
    overdue_records: list[tuple[str, str, str, int]] = field(default_factory=list)  # (ID, 名称, 照会日, 回数)

    HEADERS = ("照会済み", "回答あり", "回答待ち", "要再送", "再送済み", "未照会")

    def to_row(self) -> tuple[int, ...]:
        return (self.asked, self.answered, self.waiting, self.overdue, self.resent, self.never)

    def to_dict(self) -> dict[str, object]:
        return {"as_of": self.as_of.isoformat(), "resend_days": self.days, "asked": self.asked,
                "answered": self.answered, "waiting": self.waiting, "overdue": self.overdue, "resent": self.resent,
                "never": self.never,
                "overdue_records": [dict(zip(("id", "name", "asked_on", "times"), r, strict=True))
                                    for r in self.overdue_records]}


def follow_up(cat: Catalogue, as_of: dt.date | None = None) -> FollowUp:
    from .. import schema as S

    as_of = as_of or dt.date.today()
    days = cat.settings.resend_days
    known = states(cat)
    out = FollowUp(as_of, days)
    for r in cat.records:
        if r.get("status") == S.STATUS_CLOSED:
            continue
        st = known.get(r.id)
        if st is None or st.asked_on is None:
            out.never += 1
            continue
        out.asked += 1
        out.resent += st.times > 1
        if st.answered(r):
            out.answered += 1
        elif st.overdue(as_of, days, r):
            out.overdue += 1
            out.overdue_records.append((r.id, r.name, st.asked_on.isoformat(), st.times))
        else:
            out.waiting += 1
    out.overdue_records.sort(key=lambda t: (t[2], t[0]))
    return out


# --- 回収状況.xlsx (collect) ------------------------------------------------------------------------
PROGRESS_SHEET = "照会"  # the sheet of 回収状況.xlsx
PROGRESS_HEADERS = ("ID", "名称", "担当者", "照会日", "照会の回数", "回答日", "状況")
STATE_ANSWERED, STATE_WAITING, STATE_OVERDUE, STATE_NEVER = "回答あり", "回答待ち", "要再送", "未照会"


def progress_rows(cat: Catalogue, owners: dict[str, str], as_of: dt.date) -> tuple[str, list[tuple[str, ...]]]:
    """(title, rows) of the 照会 sheet of 回収状況.xlsx: the 照会 state of each record of the year's books."""
    known = states(cat)
    by_id = cat.by_id()
    days = cat.settings.resend_days
    counts = dict.fromkeys((STATE_ANSWERED, STATE_WAITING, STATE_OVERDUE, STATE_NEVER), 0)
    rows: list[tuple[str, ...]] = []
    for rid, who in sorted(owners.items(), key=lambda kv: (kv[1], kv[0])):
        record = by_id.get(rid)
        st = known.get(rid)
        if st is None or st.asked_on is None:
            state = STATE_NEVER
        elif st.answered(record):
            state = STATE_ANSWERED
        elif st.overdue(as_of, days, record):
            state = STATE_OVERDUE
        else:
            state = STATE_WAITING
        counts[state] += 1
        rows.append((rid, record.name if record else "", who, st.asked_on.isoformat() if st and st.asked_on else "",
                     str(st.times) if st and st.times else "", st.answered_on.isoformat() if st and st.answered_on else "",
                     state))
    title = (f"確認依頼(照会)の状況({as_of.isoformat()} 時点・再送までの日数 {days} 日): "
             + "・".join(f"{k} {v} 件" for k, v in counts.items()))
    return title, rows
