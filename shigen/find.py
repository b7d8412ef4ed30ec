"""Match a need to a service: free-text search over the catalogue with district, genre, day and fee filters.

Only 掲載中 records are searched. A query term is folded with :func:`text.search_key` and turned into a pattern
that accepts every spelling folding to it (full-/half-width, hiragana/katakana, upper/lower case, spaces between
any two characters), so the records themselves need no normalising. NFKC equivalences beyond width and kana
(㈱ for (株), ① for 1) are not matched. A record is kept when every query term appears in its name, ふりがな,
ジャンル (with the genre's synonyms), 運営主体, サービス内容, 備考, 対象者 or 料金.

Why this file is long (~650 lines): it holds the 営業日 day parser, the search and the A4 handout writer; the three
could be split (issue 15).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import schema as S
from .errors import UsageError
from .model import AreaIndex, Catalogue, District, Freshness, Record, freshness, match_genre
from .text import search_key, sort_key, to_hiragana

SEARCH_KEYS = ("name", "kana", "genre", "operator", "content", "notes", "target", "fee")
WEEKDAYS = "月火水木金土日"
HOLIDAY = 7  # 祝日 as a pseudo weekday
DAY_LABELS = (*WEEKDAYS, "祝")
ALL_WEEK = frozenset(range(7))


# --- days ------------------------------------------------------------------------------
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
    elif re.search(r"月\s*\d+\s*回", days_text or ""):
        note = re.search(r"月\s*\d+\s*回", days_text or "").group().replace(" ", "")  # type: ignore[union-attr]
    if d_every:
        days: set[int] | None = set(range(8))
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


# --- fee -------------------------------------------------------------------------------
_FREE_TEXT = re.compile(r"無料|無償|^0円|^0$|^なし$|不要|^参加費なし")


def is_free(record: Record) -> bool:
    """無償, or (有償・無償 blank) a 料金 text saying 無料. 有償 and 一部有償 are never free."""
    paid = record.get("paid")
    if paid == "無償":
        return True
    if paid:
        return False
    fee = search_key(record.get("fee"))
    return bool(fee) and bool(_FREE_TEXT.search(fee))


# --- search ------------------------------------------------------------------------------
@dataclass
class Hit:
    record: Record
    rank: tuple[int, ...]
    days: DayInfo
    free: bool
    stale: bool
    exact_name: bool
    genre_match: bool

    def to_dict(self) -> dict[str, object]:
        r = self.record
        return {
            "id": r.id, "name": r.name, "genre": r.get("genre"), "district": r.get("district"), "area": r.get("area"),
            "phone": r.get("phone"), "mobile": r.get("mobile"), "fee": r.get("fee"), "paid": r.get("paid"),
            "days": r.get("days"), "closed_days": r.get("closed_days"), "hours": r.get("hours"),
            "run_days": self.days.label(), "free": self.free, "stale": self.stale, "exact_name": self.exact_name,
            "genre_match": self.genre_match, "publishable": r.is_publishable,
            "last_confirmed": r.get("last_confirmed"),
        }


@dataclass
class FindResult:
    terms: list[str]
    district: str
    genre: str
    day: list[int]
    free_only: bool
    hits: list[Hit]
    searched: int  # 掲載中 records looked at
    unknown_day: int = 0  # records left out because their days could not be read
    as_of: dt.date = field(default_factory=dt.date.today)
    municipality: str = ""
    contact: str = ""
    catalogue: Catalogue | None = field(default=None, repr=False, compare=False)  # for the handout's select()
    unreadable_days: list[tuple[str, str, str]] = field(default_factory=list)  # (ID, 名称, 営業日 / 定休日) left out

    def unreadable_text(self, limit: int = 5) -> str:
        """「東台よろず相談(営業日『要相談』・定休日『不定休』)、…」 for the records left out by --day."""
        shown = [f"{name}({days})" for _, name, days in self.unreadable_days[:limit]]
        more = len(self.unreadable_days) - len(shown)
        return "、".join(shown) + (f" ほか {more} 件" if more > 0 else "")

    def conditions(self) -> str:
        parts = []
        if self.terms:
            parts.append("「" + " ".join(self.terms) + "」")
        if self.district:
            parts.append(f"{self.district}で使える")
        if self.genre:
            parts.append(self.genre)
        if self.day:
            parts.append("・".join(DAY_LABELS[d] for d in self.day) + "曜に営業" if HOLIDAY not in self.day
                         else "・".join(DAY_LABELS[d] for d in self.day) + "に営業")
        if self.free_only:
            parts.append("無料・無償")
        return "、".join(parts) or "すべて"

    def to_rows(self) -> list[list[str]]:
        return [[h.record.name, h.record.get("genre"), h.record.get("district"), h.record.get("area"),
                 phone_text(h.record), h.days.label(), h.record.get("fee")] for h in self.hits]

    def to_dict(self) -> dict[str, object]:
        return {"terms": self.terms, "district": self.district, "genre": self.genre,
                "day": [DAY_LABELS[d] for d in self.day], "free_only": self.free_only, "searched": self.searched,
                "unknown_day": self.unknown_day,
                "unreadable_days": [{"id": i, "name": n, "days": d} for i, n, d in self.unreadable_days],
                "count": len(self.hits), "hits": [h.to_dict() for h in self.hits]}


def phone_text(record: Record) -> str:
    return " / ".join(x for x in (record.get("phone"), record.get("mobile")) if x)


def resolve_district(label: str, districts: list[District]) -> District:
    """A district by name, or short name (北 → 北地区); unknown → UsageError."""
    key = search_key(label)
    for d in districts:
        if search_key(d.name) == key:
            return d
    for d in districts:
        if search_key(d.short) == key:
            return d
    raise UsageError(f"地区『{label}』は台帳のシート『{S.SHEET_DISTRICTS}』にありません。",
                     "使える地区: " + "、".join(d.name for d in districts))


def _variants() -> dict[str, list[str]]:
    """Folded character → the raw spellings that fold to it (full-width ASCII, half-width kana, katakana)."""
    out: dict[str, list[str]] = {}

    def add(folded: str, raw: str) -> None:
        if folded != raw and raw not in out.setdefault(folded, []):
            out[folded].append(raw)

    for code in range(0xFF01, 0xFFEF):  # full-width ASCII, half-width kana and symbols
        raw = chr(code)
        folded = unicodedata.normalize("NFKC", raw)
        if len(folded) == 1:
            add(to_hiragana(folded).lower(), raw)
    for code in range(0xFF66, 0xFF9E):  # half-width kana with (han)dakuten: ｶﾞ → ガ
        for mark in ("\uff9e", "\uff9f"):
            folded = unicodedata.normalize("NFKC", chr(code) + mark)
            if len(folded) == 1:
                add(to_hiragana(folded), chr(code) + mark)
    for code in range(ord("ァ"), ord("ヶ") + 1):
        add(to_hiragana(chr(code)), chr(code))
    add(" ", "\u3000")
    return out


_VARIANTS: dict[str, list[str]] | None = None


def _fold_pattern(key: str) -> re.Pattern[str]:
    """A pattern that finds a search key (see text.search_key) in raw text: any width, kana type, case, spacing.

    Searching raw text with a folded pattern avoids normalising every record (NFKC of 20,000 records
    alone took 0.3 s); the pattern is built once per query.
    """
    global _VARIANTS
    if _VARIANTS is None:
        _VARIANTS = _variants()
    parts = []
    for ch in key:
        raw = [ch, *_VARIANTS.get(ch, [])]
        singles = [re.escape(x) for x in raw if len(x) == 1]
        multi = [re.escape(x) for x in raw if len(x) > 1]
        alt = (f"[{''.join(singles)}]" if len(singles) > 1 else singles[0])
        parts.append(f"(?:{alt}|{'|'.join(multi)})" if multi else alt)
    return re.compile(r"\s*".join(parts), re.IGNORECASE)


def _matching(pattern: re.Pattern[str], starts: list[int], big: str) -> set[int]:
    """Indexes of the texts (joined in ``big``, each beginning at ``starts[i]``) the pattern finds."""
    found: set[int] = set()
    for m in pattern.finditer(big):
        found.add(bisect_right(starts, m.start()) - 1)
    return found


def _terms(words: list[str]) -> list[tuple[str, list[str]]]:
    """Each query argument → (its key with spaces removed, its space-separated parts' keys)."""
    out = []
    for w in words:
        if not w or not w.strip():
            continue
        parts = [search_key(p) for p in re.split(r"[\s\u3000]+", w.strip()) if p]
        out.append((search_key(w), parts))
    return out


def _kana_only(key: str) -> bool:
    return bool(key) and all("ぁ" <= c <= "ゖ" or c in "ー " for c in key)


def find(cat: Catalogue, words: list[str] | None = None, *, district: str = "", genre: str = "",
         day: list[str] | None = None, free: bool = False, as_of: dt.date | None = None) -> FindResult:
    """Search the 掲載中 records; the result holds every hit, best first."""
    as_of = as_of or dt.date.today()
    words = [w for w in (words or []) if w and w.strip()]
    d_obj = resolve_district(district, cat.districts) if district else None
    genre_name = ""
    if genre:
        genre_name = match_genre(genre, cat.genres)
        if not genre_name:
            raise UsageError(f"ジャンル『{genre}』は台帳のシート『{S.SHEET_GENRES}』にありません。",
                             "使えるジャンル: " + "、".join(cat.genre_names()))
    days_wanted = parse_day_option(day or [])
    terms = _terms(words)
    genre_keys = {g.name: [search_key(x) for x in (g.name, *g.synonyms)] for g in cat.genres}
    genre_rank = {g: i for i, g in enumerate(cat.genre_names())}
    cycle = cat.settings.cycle_months
    index = AreaIndex(cat.districts) if d_obj is not None else None

    candidates: list[tuple[Record, DayInfo | None]] = []
    searched = unknown_day = 0
    unreadable: list[tuple[str, str, str]] = []
    for r in cat.records:
        if not r.is_active:
            continue
        searched += 1
        rg = r.get("genre")
        if genre_name and rg != genre_name:
            continue
        if free and not is_free(r):
            continue
        if index is not None and d_obj.name not in index.covered(r):  # type: ignore[union-attr]
            continue
        info = parse_days(r.get("days"), r.get("closed_days")) if days_wanted else None
        if info is not None:
            if info.days is None:
                unknown_day += 1
                said = "・".join(f"{label}『{text}』" for label, text in (("営業日", r.get("days")),
                                                                          ("定休日", r.get("closed_days"))) if text)
                unreadable.append((r.id, r.name, said or "営業日・定休日が空欄"))
                continue
            if not all(d in info.days for d in days_wanted):
                continue
        candidates.append((r, info))

    # text: the query is folded into a pattern that tolerates width, kana type, case and spaces, and run over
    # all candidates joined in one string (one regex scan instead of normalising 20,000 records)
    matched: list[tuple[Record, DayInfo | None, bool, bool, bool]] = []
    if terms:
        texts = []
        # a term written in kana only also matches the reading of names and genres (かいもの → 買い物支援,
        # べんとう → 弁当): ふりがな, else ふりがな候補, else a reading suggested by SudachiPy (reading.py)
        by_reading = any(_kana_only(whole) for whole, _ in terms)
        if by_reading:
            from .reading import reading, suggest_reading

            for g in cat.genres:
                genre_keys[g.name] += [search_key(suggest_reading(x)) for x in (g.name, *g.synonyms)]
        for r, _ in candidates:
            v = r.values
            texts.append("\x00".join([v.get(k, "") for k in SEARCH_KEYS] + ([reading(r)] if by_reading else [])))
        starts, pos = [], 0
        for text in texts:
            starts.append(pos)
            pos += len(text) + 1
        big = "\x01".join(texts)
        per_term: list[tuple[str, set[int]]] = []
        for whole, parts in terms:
            hit = _matching(_fold_pattern(whole), starts, big) if whole else set()
            if len(parts) > 1:
                sets = [_matching(_fold_pattern(p), starts, big) for p in parts]
                hit |= set.intersection(*sets)
            per_term.append((whole, hit))
        genre_ok: dict[str, list[bool]] = {}
        joined = search_key(" ".join(words))
        for i, (r, info) in enumerate(candidates):
            rg = r.get("genre")
            g_keys = genre_keys.get(rg)
            if g_keys is None:
                g_keys = genre_keys[rg] = [search_key(rg)] if rg else []
            by_genre = genre_ok.get(rg)
            if by_genre is None:
                by_genre = genre_ok[rg] = [any(whole in gk or gk in whole for gk in g_keys if gk) for whole, _ in terms]
            if not all(i in hit or g for (_, hit), g in zip(per_term, by_genre, strict=True)):
                continue
            name_k = search_key(r.name)
            exact = any(whole == name_k for whole, _ in terms) or joined == name_k
            genre_hit = any(whole == gk or (len(whole) >= 2 and whole in gk) or (len(gk) >= 2 and gk in whole)
                            for whole, _ in terms for gk in g_keys if gk)
            read_k = search_key(reading(r)) if by_reading else ""
            name_hit = all(whole in name_k or (read_k and whole in read_k) for whole, _ in terms)
            matched.append((r, info, exact, genre_hit, name_hit))
    else:
        matched = [(r, info, False, bool(genre_name), True) for r, info in candidates]

    hits: list[Hit] = []
    stale_cache: dict[str, bool] = {}
    for r, info, exact, genre_hit, name_hit in matched:
        confirmed = r.get("last_confirmed")
        stale = stale_cache.get(confirmed)
        if stale is None:
            stale = freshness(r, as_of, cycle) in (Freshness.STALE, Freshness.NEVER)
            stale_cache[confirmed] = stale
        if info is None:
            info = parse_days(r.get("days"), r.get("closed_days"))
        rg = r.get("genre")
        rank = (0 if exact else 1, 0 if genre_hit else 1, 0 if name_hit else 1, 1 if stale else 0,
                genre_rank.get(rg, len(genre_rank)))
        hits.append(Hit(r, rank, info, is_free(r), stale, exact, genre_hit))
    hits.sort(key=lambda h: (h.rank, sort_key(h.record.get("kana"), h.record.name), h.record.id))
    return FindResult([w.strip() for w in words], d_obj.name if d_obj else "", genre_name, days_wanted, free, hits,
                      searched, unknown_day, as_of, cat.settings.municipality, cat.settings.contact, cat,
                      unreadable_days=unreadable)


# --- the client handout ----------------------------------------------------------------------
HANDOUT_KEYS = ("name", "content", "phone", "mobile", "fax", "days", "hours", "closed_days", "fee", "paid", "area")
HANDOUT_LIMIT = 15
HANDOUT_PT = 12  # body text: older readers (issue 13)
HANDOUT_PHONE_PT = 14  # phone numbers, bold
HANDOUT_TITLE_PT = 16
# Columns (header, Excel width). Their sum stays inside A4 portrait at 100 % (measured with LibreOffice on the
# rendered PDF: a sheet 96 units wide came out at 80 %, so ≈ 77 units fit), so the 12 pt text is not shrunk and
# nothing is cut; long lists run on to further pages with the header repeated.
HANDOUT_COLUMNS = (("名称", 16), ("電話番号", 18), ("サービス内容・料金", 24), ("営業日・時間・地域", 16))
HANDOUT_PAGE_UNITS = 76  # usable width of A4 portrait between 0.4-inch margins at 100 %, in Excel column units


@dataclass
class HandoutResult:
    path: Path
    written: int
    left_out_private: int  # hits the public rule (export.select.select) leaves out: never written
    left_out_limit: int  # publishable hits beyond the limit


def _line_count(text: str, width: float, pt: float) -> int:
    """Printed lines of a wrapped cell of ``width`` column units at ``pt`` points (a unit holds ~1 narrow
    character of 11.5 pt)."""
    from .xlsx_style import wrapped_lines

    return wrapped_lines(text or "", int(max(1.0, (width - 1) * 11.5 / pt)))


def _inline(font):  # type: ignore[no-untyped-def]
    from openpyxl.cell.text import InlineFont

    return InlineFont(rFont=font.name, sz=font.size, b=font.b)


def write_handout(result: FindResult, path: Path, *, limit: int = HANDOUT_LIMIT,
                  catalogue: Catalogue | None = None) -> HandoutResult:
    """An A4 portrait handout of the publishable hits: the export's rule (select + public_value), large type."""
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.styles import Alignment, Border, Font, Side

    from .export.select import select
    from .master import atomic_save
    from .text import wareki_month
    from .xlsx_style import FONT_NAME, a4, set_widths, style_header_row, text_cell

    assert all(k in S.PUBLIC_KEYS for k in HANDOUT_KEYS)
    cat = catalogue or result.catalogue
    if cat is None:  # pragma: no cover - find() always sets it
        raise ValueError("write_handout needs the catalogue the search ran on")
    sel = select(cat, as_of=result.as_of)  # the one publication rule of every public output
    allowed = {id(r) for r in sel.records}
    public = [h for h in result.hits if id(h.record) in allowed]
    private = len(result.hits) - len(public)
    if not public:
        raise UsageError("配布用に書き出せる資源がありません(該当なし、または一般向けの一覧に載る資源がありません)。",
                         "条件を変えて検索するか、台帳の公開範囲・掲載同意・最終確認日・連絡先を確認してください。")
    shown = public[:limit]
    value = sel.value  # placeholders and invalid phone numbers left empty

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "ご案内"
    font = Font(name=FONT_NAME, size=HANDOUT_PT)
    name_font = Font(name=FONT_NAME, size=HANDOUT_PT, bold=True)
    phone_font = Font(name=FONT_NAME, size=HANDOUT_PHONE_PT, bold=True)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    headers = [h for h, _ in HANDOUT_COLUMNS]
    widths = [w for _, w in HANDOUT_COLUMNS]
    title = f"{result.municipality} 生活支援サービスのご案内".strip()
    text_cell(ws, 1, 1, title).font = Font(name=FONT_NAME, size=HANDOUT_TITLE_PT, bold=True)
    ws.row_dimensions[1].height = HANDOUT_TITLE_PT * 1.6
    text_cell(ws, 2, 1, f"{wareki_month(result.as_of)}現在").font = Font(name=FONT_NAME, size=HANDOUT_PT, bold=True)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=len(headers))
    condition = f"条件: {result.conditions()}"
    text_cell(ws, 3, 1, condition).font = font
    ws.cell(row=3, column=1).alignment = wrap
    ws.row_dimensions[3].height = 17.5 * _line_count(condition, sum(widths), HANDOUT_PT) + 3
    header_row = 4
    for c, h in enumerate(headers, start=1):
        text_cell(ws, header_row, c, h)
    style_header_row(ws, len(headers), row=header_row)
    for c in range(1, len(headers) + 1):
        ws.cell(row=header_row, column=c).font = Font(name=FONT_NAME, size=HANDOUT_PT, bold=True, color="FFFFFF")
    ws.row_dimensions[header_row].height = 22
    r = header_row
    for h in shown:
        rec = h.record
        r += 1
        numbers = [x for x in (value(rec, "phone"), value(rec, "mobile") and f"携帯 {value(rec, 'mobile')}") if x]
        fax = value(rec, "fax") and f"FAX {value(rec, 'fax')}"
        phone = "\n".join(numbers + ([fax] if fax else []))
        fee = value(rec, "fee") or value(rec, "paid")
        what = "\n".join(x for x in (value(rec, "content"), fee and f"料金: {fee}") if x)
        closed = value(rec, "closed_days")
        area = value(rec, "area")
        when = "\n".join(x for x in (value(rec, "days"), value(rec, "hours"), closed and f"休み: {closed}",
                                      area and f"地域: {area}") if x)
        cells = [(rec.name, name_font, HANDOUT_PT), (phone, phone_font, HANDOUT_PHONE_PT), (what, font, HANDOUT_PT),
                 (when, font, HANDOUT_PT)]
        lines = max(_line_count(v, w, pt) * pt / HANDOUT_PT for (v, _, pt), w in zip(cells, widths, strict=True))
        ws.row_dimensions[r].height = min(409, 17.5 * lines + 6)  # rows do not grow by themselves when printed
        for c, (v, f, _) in enumerate(cells, start=1):
            cell = text_cell(ws, r, c, v or None)
            cell.font = f
            if c == 2 and fax and numbers:  # the phone numbers large and bold, FAX in body size
                cell.value = CellRichText(TextBlock(_inline(phone_font), "\n".join(numbers) + "\n"),
                                          TextBlock(_inline(font), fax))
            cell.alignment = wrap
            cell.border = border
    r += 2
    foot = []
    if len(public) > len(shown):
        foot.append(f"ほかにも {len(public) - len(shown)} 件あります。")
    foot.append("内容は変わることがあります。ご利用の前に各事業所へお問い合わせください。")
    if result.contact:
        foot.append(f"問い合わせ先: {result.contact}")
    for line in foot:
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))
        text_cell(ws, r, 1, line).font = font
        ws.cell(row=r, column=1).alignment = wrap
        ws.row_dimensions[r].height = 17.5 * _line_count(line, sum(widths), HANDOUT_PT) + 3
        r += 1
    set_widths(ws, widths)
    a4(ws, landscape=False, title_rows=f"{header_row}:{header_row}")  # one page wide, as many pages as needed
    ws.page_setup.scale = 100
    ws.oddFooter.right.text = f"{wareki_month(result.as_of)}現在"
    ws.print_area = f"A1:{chr(ord('A') + len(headers) - 1)}{r}"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_save(wb, path)
    return HandoutResult(path, len(shown), private, len(public) - len(shown))
