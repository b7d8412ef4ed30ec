"""Match a need to a service: free-text search over the catalogue with district, genre, day and fee filters.

Only 掲載中 records are searched. A query term is folded with :func:`text.search_key` and turned into a pattern
that accepts every spelling folding to it (full-/half-width, hiragana/katakana, upper/lower case, spaces between
any two characters), so the records themselves need no normalising. NFKC equivalences beyond width and kana
(㈱ for (株), ① for 1) are not matched. A record is kept when every query term appears in its name, ふりがな,
ジャンル (with the genre's synonyms), 運営主体, サービス内容, 備考, 対象者 or 料金.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

from .. import schema as S
from ..errors import UsageError
from ..model import AreaIndex, Catalogue, District, Freshness, Record, freshness, match_genre
from ..text import search_key, sort_key, to_hiragana
from .days import DAY_LABELS, HOLIDAY, DayInfo, parse_day_option, parse_days

SEARCH_KEYS = ("name", "kana", "genre", "operator", "content", "notes", "target", "fee")


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
    wanted_district = d_obj.name if d_obj is not None else ""

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
        if index is not None and wanted_district not in index.covered(r):
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
            from ..reading import reading, suggest_reading

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

