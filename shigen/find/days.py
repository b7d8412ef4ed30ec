"""The days a service runs, read from its 営業日 and 定休日 texts (「月～金」「平日」「日曜定休」「第2・第4火曜」).

A text is read only when every part of it is a day word, a time or a joiner (:func:`readable_days`); anything else
makes the days unknown rather than guessed. Used by ``shigen find --day``, the handout and the site's day filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import UsageError

WEEKDAYS = "月火水木金土日"
HOLIDAY = 7  # 祝日 as a pseudo weekday
DAY_LABELS = (*WEEKDAYS, "祝")
ALL_WEEK = frozenset(range(7))


_EVERY_DAY = re.compile(r"毎日|年中無休|無休|365日|全日|曜日を問わず|いつでも")
_CLOSED_WORDS = re.compile(r"定休|休み|休業|休館|休日|除く|以外|お休|休")
_NOISE = re.compile(
    r"第\s*\d+(?:\s*[・,、と]\s*第?\s*\d+)*|毎月|月\s*\d+\s*回|\d+\s*[か|ヶ|ケ|カ|箇]?月|\d+\s*日|月末|月初|日中|日程|日時|日帰り|料金|金額|代金|現金|"
    r"年末年始|お盆|\d+\s*[:：時]\s*\d*\s*分?|第\s*\d+|第[一二三四五]|隔週|毎週|毎|土地|水分|水道|火災|木造|日用品|"
    r"日替|当日|前日|翌日|本日|日常|日本|月額|月謝|月払|日額"
)
_RANGE = re.compile(rf"([{WEEKDAYS}])\s*(?:曜日?)?\s*(?:[～〜~\-－ー―−]|から)\s*([{WEEKDAYS}])")
_SEGMENT_SPLIT = re.compile(r"[、,，。/／\n()（）「」【】\[\]　 ]+")

# What a 営業日 / 定休日 text may consist of for its days to be read at all. Anything else (「ゴミの日の朝」,
# 「偶数月の第3日曜」, 「随時」, 「雨天」, 「祝日の場合は翌日」) makes the days unknown rather than guessed: a weekday
# character inside free text (日 in ゴミの日) is not a weekday. Longer words come first in the alternation.
_D = "0-9０-９"
_DAY_TOKEN = (
    r"年中無休|無休|365日|毎日|全日|曜日を問わず|いつでも|年末年始|お盆|夏季休暇|冬季休暇|"
    r"平日|週末|土日祝日?|土日|祝祭?日|祝|休日|定休日?|お休み|休み|休業|休館|を除く|除く|以外|休|なし|無し|"
    rf"第\s*[1-5１-５一二三四五]|毎週|隔週|毎月|月\s*[{_D}]+\s*回|週\s*[{_D}]+\s*回|"
    rf"午前|午後|朝|昼|夕方|夜|[{_D}]{{1,2}}\s*[:：時]\s*[{_D}]{{0,2}}\s*分?|"
    r"[月火水木金土日]\s*(?:曜日|曜)?|[～〜~\-－ー―−]|から|まで|"
    r"[・,，、。/／\s　:：]|および|及び|または|又は|と|や|のみ|だけ|は|を|も|の|に|が|です"
)
_DAYS_TEXT = re.compile(rf"(?:{_DAY_TOKEN})+")
# in the 定休日 column dates are closing days that are not weekdays (「1月1日～3日は休み」)
_CLOSED_TEXT = re.compile(rf"(?:[{_D}]{{1,2}}\s*月\s*[{_D}]{{1,2}}\s*日|[{_D}]{{1,2}}\s*日|[{_D}]{{1,2}}\s*月|{_DAY_TOKEN})+")
_BRACKETED = re.compile(r"[（(【\[「『]([^）)】\]」』]*)[）)】\]」』]")
_DAYISH = re.compile(r"[月火水木金土日祝休]")


def readable_days(text: str, *, closed: bool = False) -> bool:
    """True when every part of a 営業日 (or, ``closed``, 定休日) text is a day word, a time or a joiner, so that
    the days read from it can be trusted. A bracketed note without any day word (「(要予約)」「(北山・桜台)」)
    is a note and is passed over; one with day words (「(祝日除く)」) is read like the rest."""
    text = (text or "").strip()
    if not text:
        return True
    text = _BRACKETED.sub(lambda m: f" {m.group(1)} " if _DAYISH.search(m.group(1)) else " ", text)
    if not text.strip():
        return False  # only a note: no day named
    return (_CLOSED_TEXT if closed else _DAYS_TEXT).fullmatch(text.strip()) is not None


@dataclass(frozen=True)
class DayInfo:
    """The days a service runs, as read from 営業日 / 定休日. ``days`` is None when the text does not say."""

    days: frozenset[int] | None
    note: str = ""  # e.g. 第2・第4 (not every week)

    def label(self) -> str:
        if self.days is None:
            return "不明"
        if self.days >= ALL_WEEK:
            text = "毎日" if HOLIDAY in self.days else "月～日"
        else:
            text = _day_runs(sorted(d for d in self.days if d < 7))
            if HOLIDAY in self.days:
                text += "・祝" if text else "祝"
        return text + (f"({self.note})" if self.note else "")


def _day_runs(days: list[int]) -> str:
    """[0,1,2,3,4,6] → 月～金・日 (runs of three or more days become a range)."""
    parts, i = [], 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1] == days[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{WEEKDAYS[days[i]]}～{WEEKDAYS[days[j]]}")
        else:
            parts.extend(WEEKDAYS[d] for d in days[i:j + 1])
        i = j + 1
    return "・".join(parts)


def _weekdays_in(segment: str) -> tuple[set[int], bool]:
    """(weekday numbers, holiday flag) named in one piece of text."""
    days: set[int] = set()
    holiday = False
    s = segment
    if "平日" in s:
        days |= {0, 1, 2, 3, 4}
        s = s.replace("平日", "")
    if "祝" in s:
        holiday = True
        s = re.sub(r"祝祭?日?", "", s)
    if "週末" in s:
        days |= {5, 6}
        s = s.replace("週末", "")
    s = s.replace("曜日", "").replace("曜", "")
    s = _NOISE.sub(" ", s)
    for m in _RANGE.finditer(s):
        a, b = WEEKDAYS.index(m.group(1)), WEEKDAYS.index(m.group(2))
        i = a
        while True:
            days.add(i)
            if i == b:
                break
            i = (i + 1) % 7
    s = _RANGE.sub(" ", s)
    for ch in s:
        if ch in WEEKDAYS:
            days.add(WEEKDAYS.index(ch))
    return days, holiday


def _parse(text: str) -> tuple[set[int] | None, set[int], bool]:
    """(open days or None when none named, closed days, every-day flag) of a 営業日 / 定休日 text."""
    text = re.sub(r"\s+", " ", (text or "").strip())
    if not text:
        return None, set(), False
    every = bool(_EVERY_DAY.search(text))
    text = _EVERY_DAY.sub(" ", text)
    opened: set[int] = set()
    closed: set[int] = set()
    named_open = False
    # 「日曜定休」「土日祝を除く」「水曜休み」: the days in front of a closing word are closed
    for seg in _SEGMENT_SPLIT.split(text):
        if not seg:
            continue
        m = _CLOSED_WORDS.search(seg)
        if m:
            before, after = seg[: m.start()], seg[m.end():]
            days, hol = _weekdays_in(before)
            closed |= days | ({HOLIDAY} if hol else set())
            days, hol = _weekdays_in(after)
            if days or hol:
                opened |= days | ({HOLIDAY} if hol else set())
                named_open = True
        else:
            days, hol = _weekdays_in(seg)
            if days or hol:
                opened |= days | ({HOLIDAY} if hol else set())
                named_open = True
    return (opened if named_open else None), closed, every


@lru_cache(maxsize=4096)
def parse_days(days_text: str, closed_text: str = "") -> DayInfo:
    """営業日 「月～金」「平日」「土日祝」「毎週水曜」「第2・第4火曜」 and 定休日 「日曜定休」「日・祝」… → DayInfo.

    The 定休日 text names closed days (a leading 「定休日:」 is not needed). When only closed days are known,
    the service is taken to run on every other day. When neither text names a day (「不定休」, 「要相談」,
    empty), or either text holds words that are not about days (:func:`readable_days`), the days are unknown.
    """
    if not readable_days(days_text) or not readable_days(closed_text, closed=True):
        return DayInfo(None)
    d_open, d_closed, d_every = _parse(days_text)
    c_open, c_closed, c_every = _parse(closed_text)
    # in the 定休日 column every named day is a closed day, with or without 休み after it
    closed = d_closed | c_closed | (c_open or set())
    no_closing = bool(c_every) or bool(re.search(r"なし|無し|無休", closed_text or ""))
    # 「年末年始」「お盆」: closing is stated, on no weekday
    closing_stated = bool((closed_text or "").strip()) and not re.search(r"不定|要問|問い?合|相談|未定|不明|確認", closed_text)
    note = ""
    m = re.search(r"第\s*[\d一二三四五](?:\s*[・,、と及び]\s*第?\s*[\d一二三四五])*", days_text or "")
    if m:
        note = re.sub(r"\s+", "", m.group())
    elif re.search(r"隔週", days_text or ""):
        note = "隔週"
    elif per_month := re.search(r"月\s*\d+\s*回", days_text or ""):
        note = per_month.group().replace(" ", "")
    days: set[int]
    if d_every:
        days = set(range(8))
    elif d_open is not None:
        days = set(d_open)
    elif closed or no_closing or d_closed or closing_stated:
        days = set(range(7))  # closed days known: open on every other weekday (holidays only when said)
        if no_closing and not closed:
            days.add(HOLIDAY)
    else:
        return DayInfo(None)
    days -= closed
    return DayInfo(frozenset(days), note)


def parse_day_option(values: list[str]) -> list[int]:
    """--day values (土 / 土曜 / 土曜日 / 土日 / 平日 / 祝) → day numbers."""
    out: list[int] = []
    for value in values:
        text = re.sub(r"\s+", "", value or "")
        if not text:
            continue
        days, holiday = _weekdays_in(text)
        wanted = sorted(days) + ([HOLIDAY] if holiday else [])
        if not wanted:
            raise UsageError(f"--day の『{value}』は曜日として読めません。", "例: --day 土、--day 日、--day 平日、--day 祝")
        out += [d for d in wanted if d not in out]
    return out

