"""Per-field normalisation of one source row (raw cells by column target → catalogue values).

What happens to a row, in order:
1. cells are grouped by target field (two columns naming the same field are joined line by line);
2. labelled parts inside a cell move to their own field: 「…\\n料金：800円」「【料金】…」「定休日：日曜」;
3. every phone-like number found in phone columns (and labelled TEL/FAX parts elsewhere) is split into
   電話番号 / 携帯電話 / FAX and formatted nationally (0479-62-1111) with phonenumbers;
4. each field is normalised by its kind (dates → ISO, 〒 → NNN-NNNN, width and dashes folded …);
5. genre and district are resolved against the catalogue's ジャンル and 地区 sheets.

Names keep their characters (㈱, 髙): only width (full-width Latin/digits, half-width kana) and spacing
are tidied. Nothing is dropped: text that fits no field goes to 備考 with its column name.

Why this file is long (~870 lines): each field kind has its own normalisation, and the phone splitting (電話 / 携帯 /
FAX from one cell) and labelled parts need the whole row at once; the steps above are in file order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from .. import schema as S
from ..findings import render
from ..model import District, Genre, district_for_address, match_genre
from ..text import (
    Phone,
    clean_text,
    clean_value,
    find_phones,
    fold_dashes,
    normalize_email,
    normalize_phone,
    normalize_postal,
    normalize_url,
    parse_date,
    plain_phone_form,
    to_hiragana,
)
from . import columns as C
from .mapper import LATLON, NOTE_LABELLED, PHONE_EXTENSION

DITTO_MARKS = frozenset({"〃", "″", "同上", "〃〃", "同", "”", '"', "''", "々", "〃　", "同左"})
PLACEHOLDERS = frozenset({"-", "－", "―", "‐", "ー", "−", "―――", "--", "---", "…", "・"})
# marks written where a value is unknown or withheld: left empty and reported
PLACEHOLDER_MARKS = frozenset({"＊", "*", "**", "***", "＊＊", "ー", "―", "不明", "未定", "要確認", "?", "？", "??", "？？",
                               "調査中", "確認中", "未確認"})
NO_NUMBER_WORDS = frozenset({"なし", "無し", "無", "ない", "×", "✕", "未設置", "不明", "なし。", "無し。"})
SAME_AS_PHONE = re.compile(r"^(?:電話|TEL|Tel|tel|電話番号|上記|左記)?\s*(?:と|に)?\s*(?:同じ|同一|兼用|共通|同様)$|^同左$|^同上$")

# Labels inside a cell → field key. Order matters only for documentation; the regex takes the longest.
INLINE_LABELS: dict[str, str] = {
    "料金": "fee", "利用料": "fee", "利用料金": "fee", "費用": "fee", "参加費": "fee", "会費": "fee", "価格": "fee",
    "定休日": "closed_days", "休み": "closed_days", "休業日": "closed_days", "休日": "closed_days",
    "お休み": "closed_days", "休館日": "closed_days", "定休": "closed_days",
    "営業時間": "hours", "受付時間": "hours", "開催時間": "hours", "活動時間": "hours", "時間": "hours",
    "利用時間": "hours", "開館時間": "hours", "開所時間": "hours", "診療時間": "hours",
    "営業日": "days", "開館日": "days", "開所日": "days", "開催日": "days", "活動日": "days", "曜日": "days", "配達日": "days",
    "運行日": "days", "実施日": "days", "対象": "target", "対象者": "target", "利用対象": "target",
    "申込": "apply", "申込方法": "apply", "申し込み": "apply", "申込み": "apply", "申し込み方法": "apply",
    "予約": "apply", "支払": "payment", "支払方法": "payment", "支払い方法": "payment", "支払い": "payment",
    "対応エリア": "area", "エリア": "area", "配達エリア": "area", "対象エリア": "area", "対応地域": "area",
    "利用できるエリア": "area", "実施地域": "area",
    "TEL": "phone", "Tel": "phone", "tel": "phone", "電話": "phone", "電話番号": "phone",
    "FAX": "fax", "Fax": "fax", "fax": "fax", "携帯": "mobile", "携帯電話": "mobile",
    "メール": "email", "E-mail": "email", "Email": "email", "URL": "url", "HP": "url", "ホームページ": "url",
    "住所": "address", "所在地": "address", "内容": "content", "サービス内容": "content",
    "備考": "notes", "注意事項": "notes", "運営": "operator", "運営主体": "operator",
}
_LABEL_ALT = "|".join(re.escape(x) for x in sorted(INLINE_LABELS, key=len, reverse=True))
# 【料金】 anywhere; 「料金:」 at the start of a line or after a space / 、 / 。 / ／
_LABEL_RE = re.compile(
    rf"【\s*(?P<b>{_LABEL_ALT})\s*】[ \t\u3000]*|(?:(?<=^)|(?<=[\s、,。/／\n]))(?:[■●・◆◇□○〇]\s*)?(?P<c>{_LABEL_ALT})\s*[:：]\s*",
    re.MULTILINE,
)
# a label's last character → the lengths of the labels ending with it, ascending (金 → 2 料金, 4 利用料金)
_LABEL_LENGTHS_BY_LAST: dict[str, tuple[int, ...]] = {
    last: tuple(sorted({len(x) for x in INLINE_LABELS if x[-1] == last})) for last in {x[-1] for x in INLINE_LABELS}}
_BULLETS = "■●・◆◇□○〇"  # as in _LABEL_RE


def _label_matches(text: str) -> list[re.Match[str]]:
    """``list(_LABEL_RE.finditer(text))``, without running the pattern over the whole of a long text.

    Every match holds an anchor: a 【 where a bracketed label starts, or the colon after a label. A match starting
    before the first anchor ``a`` at or after the previous match is anchored at ``a`` (its part before the colon is a
    bullet, spaces and a label: no colon, no 【). So at a colon, a match can only start where a label ends just
    before it (spaces aside) or at a bullet before that label (spaces between): the pattern is tried at those few
    positions, in order, and the first that matches is what ``finditer`` finds (the look-behind sees the text before
    each position). A colon not preceded by a label cannot end a match.

    Speed (issue 18): each character's next place is searched for once (not again after every match), and the
    pattern is tried at the one or two places a label ends at the colon, not at every position a longest label,
    spaces and a bullet before it (about 12 tries, each a call into the regex engine: the 内容 of a messy
    20,000-row list, 「… 料金: 実費のみ」, went from 62 to ~25 ms)."""
    out: list[re.Match[str]] = []
    pos = 0
    n = len(text)
    bracket = colon = wide_colon = -1  # the next 【 / : / ： at or after pos (n: none left)
    while pos < n:
        if bracket < pos:
            bracket = text.find("【", pos)
            if bracket < 0:
                bracket = n
        if colon < pos:
            colon = text.find(":", pos)
            if colon < 0:
                colon = n
        if wide_colon < pos:
            wide_colon = text.find("：", pos)
            if wide_colon < 0:
                wide_colon = n
        a = bracket if bracket < colon else colon
        if wide_colon < a:
            a = wide_colon
        if a == n:
            break
        if text[a] == "【":
            starts = [a]
        else:
            j = a
            while j > pos and text[j - 1].isspace():
                j -= 1
            starts = []
            for length in _LABEL_LENGTHS_BY_LAST.get(text[j - 1], ()) if j > pos else ():  # ascending
                s = j - length
                if s < pos:
                    break
                if text[s:j] in INLINE_LABELS:
                    starts.append(s)
                    k = s
                    while k > pos and text[k - 1].isspace():
                        k -= 1
                    if k > pos and text[k - 1] in _BULLETS:
                        starts.append(k - 1)
            if len(starts) > 1:
                starts.sort()
        m = None
        for start in starts:
            m = _LABEL_RE.match(text, start)
            if m is not None:
                break
        if m is None:
            pos = a + 1
            continue
        out.append(m)
        pos = m.end()
    return out


# fields whose cells are searched for labelled parts
LABEL_SOURCES = frozenset({
    "operator", "area", "address", "content", "target", "fee", "days", "hours", "closed_days", "apply", "payment",
    "notes", "paid",
})
TRIVIAL_PHONE_NOTES = frozenset({"代表", "代", "代表番号", "番号"})
TEXT_PHONE_KEYS = ("phone", "mobile", "fax", C.COMBINED_PHONE_FAX)

PAID_WORDS = {
    "有償": "有償", "有料": "有償", "有": "有償", "無償": "無償", "無料": "無償", "無": "無償",
    "一部有償": "一部有償", "一部有料": "一部有償", "実費": "一部有償", "一部無料": "一部有償",
}
STATUS_WORDS = {
    "掲載中": S.STATUS_ACTIVE, "営業中": S.STATUS_ACTIVE, "活動中": S.STATUS_ACTIVE, "実施中": S.STATUS_ACTIVE,
    "運営中": S.STATUS_ACTIVE, "有効": S.STATUS_ACTIVE, "○": S.STATUS_ACTIVE, "〇": S.STATUS_ACTIVE,
    "休止": S.STATUS_PAUSED, "休止中": S.STATUS_PAUSED, "休業中": S.STATUS_PAUSED, "休業": S.STATUS_PAUSED,
    "活動休止": S.STATUS_PAUSED, "一時休止": S.STATUS_PAUSED,
    "廃止": S.STATUS_CLOSED, "閉鎖": S.STATUS_CLOSED, "終了": S.STATUS_CLOSED, "廃業": S.STATUS_CLOSED,
    "閉店": S.STATUS_CLOSED, "解散": S.STATUS_CLOSED, "活動終了": S.STATUS_CLOSED,
}
CONSENT_WORDS = {
    "済": "済", "同意済": "済", "同意済み": "済", "同意": "済", "あり": "済", "有": "済", "○": "済", "〇": "済", "可": "済",
    "許可": "済", "承諾": "済", "はい": "済", "未": "未", "未確認": "未", "なし": "未", "無": "未", "": "",
    "拒否": "拒否", "不可": "拒否", "×": "拒否", "掲載不可": "拒否", "いいえ": "拒否",
}
VISIBILITY_WORDS = {
    "一般": S.VISIBILITY_PUBLIC, "公開": S.VISIBILITY_PUBLIC, "可": S.VISIBILITY_PUBLIC, "○": S.VISIBILITY_PUBLIC,
    "〇": S.VISIBILITY_PUBLIC, "一般公開": S.VISIBILITY_PUBLIC, "関係者のみ": S.VISIBILITY_STAFF,
    "関係者": S.VISIBILITY_STAFF, "非公開": S.VISIBILITY_STAFF, "内部": S.VISIBILITY_STAFF,
    "職員のみ": S.VISIBILITY_STAFF, "×": S.VISIBILITY_STAFF, "不可": S.VISIBILITY_STAFF,
}
CHOICE_WORDS = {"paid": PAID_WORDS, "status": STATUS_WORDS, "consent": CONSENT_WORDS, "visibility": VISIBILITY_WORDS}
CATEGORY_WORDS = {
    "保険外": "保険外サービス", "介護保険外": "保険外サービス", "保険外サービス": "保険外サービス",
    "介護保険": "介護保険サービス", "介護保険サービス": "介護保険サービス", "障害福祉": "障害福祉サービス",
    "障害福祉サービス": "障害福祉サービス", "インフォーマル": "インフォーマル", "公的": "公的サービス",
    "公的サービス": "公的サービス", "行政": "公的サービス", "その他": "その他",
}
GENRE_CATEGORY = {seed.name: seed.category for seed in S.DEFAULT_GENRES}


_PHONE_LABEL_RE = re.compile(r"(?i)(TEL|FAX|電話番号|電話|携帯|ファックス|ファクス|☎|℡)\s*[:：.]?")
_SEPARATORS_RE = re.compile(r"[\s/／・,、:：()（）]+")
_DIGITS_ONLY_RE = re.compile(r"[\d\s\-]*")
_PHONEISH_RE = re.compile(r"0\d{1,4}\D{0,2}\d{1,4}\D{0,2}\d{3,4}")
_LEADING_ZERO_TIME_RE = re.compile(r"(?<![\d:])0(\d):(\d\d)")
def fast_phone(text: str, area_code: str = "") -> Phone:
    """:func:`shigen.text.normalize_phone` (the one phone rule; it reuses the grouping of a number prefix itself)."""
    return normalize_phone(text, area_code)


@dataclass
class Context:
    """What a row needs besides its cells: the catalogue's lists and the sheet/option defaults."""

    genres: list[Genre]
    districts: list[District]
    area_code: str = ""
    sheet_genre: str = ""  # genre named by the sheet's name (or a section heading row)
    sheet_district: str = ""
    option_genre: str = ""  # --genre
    option_district: str = ""  # --district
    genre_column: bool = False  # the sheet has a genre column (a blank cell may be filled from the content)
    _genres: dict[str, str] = field(default_factory=dict)
    _genre_decisions: dict[tuple[tuple[str, ...], bool], tuple[str, str, tuple[tuple[str, str, bool], ...], bool]] = \
        field(default_factory=dict)

    def genre_of(self, label: str) -> str:
        """match_genre, remembered per label (a 20,000-row list repeats a handful of categories)."""
        if label not in self._genres:
            self._genres[label] = match_genre(label, self.genres)
        return self._genres[label]


@dataclass(slots=True)
class Cell:
    header: str  # as shown in the source (two-row headers joined with /)
    target: str  # field key or a columns.* special target
    value: object  # raw value as read (str, date, float, time…)
    label: str = ""  # label for 備考 / extra columns (an English property's Japanese name); header if empty

    @property
    def name(self) -> str:
        return self.label or self.header


@dataclass(slots=True)
class Normalised:
    values: dict[str, str]
    extra: dict[str, str] = field(default_factory=dict)  # foreign IDs → extra columns
    shigen_id: str = ""  # an S00012-like value found in an ID column (checked by merge, never trusted alone)
    id_column: str = ""  # the extra column that keeps it (dropped when the ID proves to be the master's own)
    explicit: set[str] = field(default_factory=set)  # keys that came from the source (not defaults)
    warnings: list[tuple[str, str, str, str]] = field(default_factory=list)  # (field header, code, message, hint)
    changed: int = 0  # values that normalisation changed
    unmatched_genre: str = ""
    unmatched_district: str = ""
    # normalise(district_later=True): the district is to come from the address (the caller finds every row's at once
    # with TownIndex.districts_of) and goes in ``values`` at this position (-1: not wanted), where an empty
    # "district" holds its place until district_from_address fills it or takes it out
    district_at: int = -1


def _warn(out: Normalised, header: str, code: str, /, **values: object) -> None:
    """A coded warning (shigen.findings, stage import) about this row's ``header`` column."""
    message, hint = render(code, **values)
    out.warnings.append((header, code, message, hint))


# --- raw cell → text -------------------------------------------------------------------------
def raw_text(value: object) -> str:
    """A raw cell as text before normalisation (times as 9:00, whole floats without .0)."""
    if type(value) is str:  # most cells: nothing to convert
        return value
    if value is None:
        return ""
    if isinstance(value, dt.time):
        return f"{value.hour}:{value.minute:02d}"
    if isinstance(value, dt.timedelta):
        minutes = int(value.total_seconds() // 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        if value.date() == dt.date(1899, 12, 31) or value.date() == dt.date(1899, 12, 30):  # a time read as datetime
            return f"{value.hour}:{value.minute:02d}"
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# what clean_text would change: a character it folds, or spaces / line breaks it trims (checked with `in`, which is
# several times faster than one regex with these alternatives)
_NEEDS_FOLDING = re.compile(r"[\uff01-\uff9f\u3000\u00a0\r\t]")
_ANY_DASH = re.compile(r"[－−‐‑‒–—―ーｰ─━\-～〜~∼]")
_DASH_AFTER_DIGIT = re.compile(r"\d\s*[－−‐‑‒–—―ーｰ─━\-～〜~∼]")
# what text.fold_dashes can change (besides '-' → '-'): whitespace (\s, spelt out: a set of plain characters lets the
# regex engine skip through a long text twice as fast as one holding the \s category; tests check it is \s) and dashes
_FOLDABLE = re.compile(r"[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000－−‐‑‒–—―ーｰ─━～〜~∼]")
_POSTAL_FIRST = re.compile(r"^〒?\s*(\d{3}-?\d{4})\s+(.+)$", re.S)


def _needs_cleaning(text: str) -> bool:
    return (_NEEDS_FOLDING.search(text) is not None or "  " in text or " \n" in text or "\n " in text
            or text.startswith((" ", "\n")) or text.endswith((" ", "\n")))


def tidy(text: str) -> str:
    """clean_text for a str, skipping the work when nothing in it needs folding (same result, faster; remembered:
    a long list repeats the same genres, days and areas)."""
    if _needs_cleaning(text):
        return clean_text(text)
    return text


# A text with none of these has nothing for clean_text to fold (see _NEEDS_FOLDING) and no digit but ASCII 0-9:
# every other decimal digit (\d) is in U+0660–U+1FFF, U+A000–U+ABFF, U+FF10–U+FF19 (folded, so in
# _NEEDS_FOLDING) or beyond U+FFFF (tests/test_import_values_fast.py checks this against unicodedata). For such a
# text _DASH_AFTER_DIGIT is _DASH_AFTER_ASCII_DIGIT, which is about twice as fast over a long text: a pattern that
# starts with a character set lets the regex engine skip to the next candidate in a tight loop, one that starts
# with \d tries a match at every position (the 264-character 内容 of a messy 20,000-row list: 43 → 19 ms).
_FOLD_OR_OTHER_DIGIT = re.compile(r"[\uff01-\uff9f\u3000\u00a0\r\t\u0660-\u1fff\ua000-\uabff\U00010000-\U0010ffff]")
_DASH_AFTER_ASCII_DIGIT = re.compile(r"[0-9]\s*[－−‐‑‒–—―ーｰ─━\-～〜~∼]")


def tidy_value(text: str) -> str:
    """clean_value for a str (clean_text + dash folding between digits), skipping work when not needed."""
    if _FOLD_OR_OTHER_DIGIT.search(text) is None and not (
            "  " in text or " \n" in text or "\n " in text or text.startswith((" ", "\n"))
            or text.endswith((" ", "\n"))):
        # the usual text: tidy(text) is text and \d is [0-9], so the decisions below come down to this (_ANY_DASH is
        # implied by a dash after a digit); the dash after a digit first, as a long free text seldom has one
        if _DASH_AFTER_ASCII_DIGIT.search(text) is None or _FOLDABLE.search(text) is None:
            return text
        return fold_dashes(text)
    text = tidy(text)
    if _FOLDABLE.search(text) is None:  # only ASCII hyphens, no spaces: fold_dashes would change nothing
        return text
    return fold_dashes(text) if _ANY_DASH.search(text) and _DASH_AFTER_DIGIT.search(text) else text


@lru_cache(maxsize=8192)
def _date_of_text(text: str) -> dt.date | None:
    return parse_date(text)


def _date_of(value: object) -> dt.date | None:
    """parse_date, remembered for text (a long list repeats the same few dates)."""
    return _date_of_text(value) if isinstance(value, str) else parse_date(value)


def is_ditto(text: str) -> bool:
    return text.strip().replace(" ", "").replace("\u3000", "") in DITTO_MARKS


def is_placeholder(text: str) -> bool:
    return text.strip() in PLACEHOLDERS


# --- labelled parts --------------------------------------------------------------------------
def split_labelled(text: str, own: str) -> tuple[str, list[tuple[str, str]]]:
    """(text left for the cell's own field, [(field key, value), …]) for 「料金：…」「【定休日】…」 parts."""
    if not text or ("【" not in text and ":" not in text and "：" not in text):
        return text, []
    matches = _label_matches(text)
    if not matches:
        return text, []
    own_parts: list[str] = [text[: matches[0].start()]]
    found: list[tuple[str, str]] = []
    for i, m in enumerate(matches):
        label = m.group("b") or m.group("c")
        key = INLINE_LABELS[label]
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        segment = text[m.end(): end]
        rest = ""
        if m.group("b"):
            # 【料金】 on its own line takes the following lines; with text after it, only that line
            line, sep, tail = segment.partition("\n")
            if line.strip():
                segment, rest = line, tail
        else:
            line, sep, tail = segment.partition("\n")
            segment, rest = line, tail
        value = segment.strip(" \n、,。/")
        if key == own:
            own_parts.append(label_free(segment))
        elif value:
            found.append((key, value))
        if rest.strip():
            own_parts.append(rest)
    if len(own_parts) == 1:  # the text before the one label (「…。 料金: 500円」): as the join below, without it
        own_text = own_parts[0].strip(" \n") if own_parts[0].strip(" \n、,/") else ""
    else:
        own_text = "\n".join([p.strip(" \n") for p in own_parts if p.strip(" \n、,/")])
    return own_text, found


def label_free(text: str) -> str:
    return text.strip(" \n")


# --- phone numbers ---------------------------------------------------------------------------
@dataclass
class _Number:
    role: str  # "phone" / "fax" / "mobile" / "" (unlabelled in a combined column)
    text: str
    header: str


_PHONE_IN_TEXT = re.compile(
    r"(?:(?P<label>TEL|Tel|tel|電話|☎|℡|FAX|Fax|fax|ファックス|ファクス|携帯)\s*[:：.]?\s*)?"
    r"(?<![\d\-])(?P<num>\(?0\d{1,4}\)?[\s\-]?\d{1,4}[\s\-]?\d{3,4}|0\d{9,10})(?!\d)"
)
_PLUS81 = re.compile(r"\+\s*81[\s\-]*(?:\(0\)|\s)*0?")
_BRACKET_MIDDLE = re.compile(r"(?<!\d)(0\d{1,4})\s*\(\s*(\d{1,4})\s*\)\s*(\d{3,4})(?!\d)")


def prepare_phone_text(text: str, is_number: bool = False) -> tuple[str, list[str]]:
    """A phone cell before the numbers are looked for: +81 → 0, 0479(62)1111 → 0479-62-1111, and a leading 0
    that Excel dropped restored when the result is a valid number. Returns the text and what was changed."""
    t, repairs = _phone_repairs(text, is_number)
    return t, [render(code, **values)[0] for code, values in repairs]


def _phone_repairs(text: str, is_number: bool = False) -> tuple[str, list[tuple[str, dict[str, str]]]]:
    """:func:`prepare_phone_text` with what was changed as finding codes (shigen.findings) and their values."""
    changes: list[tuple[str, dict[str, str]]] = []
    t = text.replace("（", "(").replace("）", ")")
    if "+" in t and _PLUS81.search(t):
        t = _PLUS81.sub("0", t)
        changes.append(("phone-country-code", {}))
    if "(" in t and _BRACKET_MIDDLE.search(t):
        t = _BRACKET_MIDDLE.sub(r"\1-\2-\3", t)
    bare = t.strip()
    if bare.isdigit() and 9 <= len(bare) <= 10 and not bare.startswith("0"):
        candidate = "0" + bare
        fixed = normalize_phone(candidate)
        if fixed.valid:
            t = candidate
            changes.append(("phone-leading-zero", {"detail": "数値として入っていた" if is_number else "", "before": bare,
                                                   "after": fixed.number}))
    return t, changes


_LABEL_NAMES = {"ファックス": "FAX", "ファクス": "FAX", "電話": "TEL", "☎": "TEL", "℡": "TEL"}


def _find_phones(clean: str) -> list[tuple[str, str]]:
    """text.find_phones for text that is already clean_value()d (the hot path of a 20,000-row import)."""
    if "（" in clean:
        clean = clean.replace("（", "(").replace("）", ")")
    out = []
    for m in _PHONE_IN_TEXT.finditer(clean):
        label = (m.group("label") or "").upper()
        out.append((_LABEL_NAMES.get(label, label), m.group("num")))
    return out


_ONE_PLAIN_NUMBER = re.compile(r"0\d{1,4}-\d{1,4}-\d{3,4}")  # what _PHONE_IN_TEXT finds whole, with nothing left


def _numbers_in(text: str, role: str, header: str, combined: bool) -> tuple[list[_Number], str]:
    """Numbers in one phone cell (already clean_value()d) and the text left over (「代表」「平日のみ」…)."""
    if _ONE_PLAIN_NUMBER.fullmatch(text):  # the usual cell, 0479-62-1111: the one number is the whole text
        return [_Number("" if combined else role, text, header)], ""
    found = _find_phones(text)
    numbers: list[_Number] = []
    for label, num in found:
        if label == "FAX":
            r = "fax"
        elif label == "携帯":
            r = "mobile"
        elif label == "TEL":
            r = "phone"
        else:
            r = "" if combined else role
        numbers.append(_Number(r, num, header))
    leftover = text.replace("（", "(").replace("）", ")")
    for _, num in found:
        leftover = leftover.replace(num, " ", 1)
    leftover = _PHONE_LABEL_RE.sub(" ", leftover)
    leftover = _SEPARATORS_RE.sub(" ", leftover).strip()
    return numbers, leftover


def _plain_phone_cells(cells: list[tuple[str, object, str]]) -> list[tuple[str, str, str]] | None:
    """(key, number, header) of a row's 電話 / 携帯 / FAX cells when each is one plain number (0479-62-1111, also
    once tidied: 0479－62－1111), in the order :func:`_assign_phones` reads them; None when any cell is something
    else (a label, a note, a number Excel stored, a 「電話・FAX」 column) or there is no cell.

    ``cells`` are the row's phone cells (key, raw value, header) in :data:`TEXT_PHONE_KEYS` order. Such a cell has
    nothing for the general steps to do: it is no placeholder or mark, the repairs (+81, brackets, a lost leading 0)
    do not apply, it is no 「なし」 or 「同上」, and the number is the whole text."""
    found: list[tuple[str, str, str]] = []
    for key, value, header in cells:
        if key == C.COMBINED_PHONE_FAX or type(value) is not str:
            return None
        text = value
        if not (text.isascii() and _ONE_PLAIN_NUMBER.fullmatch(text)):
            text = tidy_value(text)
            if not (text.isascii() and _ONE_PLAIN_NUMBER.fullmatch(text)):
                return None
        found.append((key, text, header))
    return found or None


def _assign_plain_phones(plain: list[tuple[str, str, str]], area_code: str, out: Normalised,
                         notes: list[str]) -> bool:
    """:func:`_assign_phones` of a row whose phone cells are all plain numbers (:func:`_plain_phone_cells`) and
    nothing labelled elsewhere; False, with nothing changed, when a number is not simply valid (the general path
    then reads the row and says why)."""
    formatted: list[tuple[str, str, bool, str]] = []
    changed = 0
    for key, text, header in plain:
        form = plain_phone_form(text)
        if form is None:
            phone = normalize_phone(text, area_code)
            if not phone.valid or phone.area_code_added or phone.note:
                return False
            form = (phone.number, phone.mobile)
        formatted.append((key, form[0], form[1], header))
        if form[0] != text:
            changed += 1
    out.changed += changed
    if len(formatted) <= 2 and (len(formatted) == 1 or (formatted[0][0] == "phone" and formatted[1][0] == "fax")) \
            and formatted[0][0] != "mobile":
        # the usual row (a 電話 and maybe a FAX column, or one of them): what _place_phones does with it, without
        # sorting the numbers into lists — the phone (landline or mobile) is 電話番号, the FAX is FAX
        for key, number, _, _ in formatted:
            out.values[key] = number
            out.explicit.add(key)
        return True
    _place_phones(formatted, {}, False, out, notes)
    return True


def _assign_phones(cells: list[tuple[str, object, str]], labelled: list[tuple[str, str, str]], ctx: Context,
                   out: Normalised, notes: list[str]) -> None:
    """The row's phone cells ((key, raw value, header) in :data:`TEXT_PHONE_KEYS` order) and the numbers labelled
    in other cells → 電話番号 / 携帯電話 / FAX and 備考."""
    if not labelled:
        plain = _plain_phone_cells(cells)
        if plain is not None and _assign_plain_phones(plain, ctx.area_code, out, notes):
            return
    numbers: list[_Number] = []
    marks: dict[str, str] = {}
    fax_same = False
    fax_none = False
    for key, value, header in cells:
        if type(value) is str and value.isascii() and _ONE_PLAIN_NUMBER.fullmatch(value):
            # the usual cell, 0479-62-1111 (ASCII digits and hyphens): nothing to tidy, repair or leave over
            numbers.append(_Number("" if key == C.COMBINED_PHONE_FAX else key, value, header))
            continue
        text = tidy_value(raw_text(value))
        if not text or is_placeholder(text):
            continue
        if text in PLACEHOLDER_MARKS:  # kept as written when no number is found (audit flags it)
            _warn(out, header, "placeholder-mark", value=text, detail="番号がなければそのまま残します。")
            marks.setdefault("phone" if key == C.COMBINED_PHONE_FAX else key, text)
            continue
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        text, repairs = _phone_repairs(text, is_number)
        for code, values in repairs:
            _warn(out, header, code, **values)
        if text in NO_NUMBER_WORDS:
            if key == "fax":
                fax_none = True
            continue
        if key == "fax" and SAME_AS_PHONE.match(text.replace(" ", "")):
            fax_same = True
            out.changed += 1
            continue
        combined = key == C.COMBINED_PHONE_FAX
        role = "phone" if combined else key
        found, leftover = _numbers_in(text, role, header, combined)
        if not found:
            phone = normalize_phone(text, ctx.area_code)
            if phone.valid:
                found = [_Number(role, text, header)]
                leftover = ""
            else:
                found = [_Number(role, text, header)]  # kept as written, flagged below
                leftover = ""
        numbers.extend(found)
        if leftover and not _DIGITS_ONLY_RE.fullmatch(leftover) and leftover not in TRIVIAL_PHONE_NOTES:
            notes.append(f"{header}: {leftover}")
    unlabelled = [n for n in numbers if not n.role]  # 「電話・FAX」 columns: the first number is the phone
    for i, n in enumerate(unlabelled):
        n.role = "phone" if i == 0 and not any(m.role == "phone" for m in numbers) else "fax"
    for key, value, header in labelled:
        for label, num in find_phones(value) or [("", value)]:
            role = {"FAX": "fax", "携帯": "mobile", "TEL": "phone"}.get(label, key)
            numbers.append(_Number(role, num, header))

    formatted: list[tuple[str, str, bool, str]] = []  # (role, number, mobile?, header)
    for n in numbers:
        phone = fast_phone(n.text, ctx.area_code)
        if phone.valid:
            if phone.area_code_added:
                _warn(out, n.header, "phone-area-code-added", number=phone.number)
            if phone.note and phone.note not in TRIVIAL_PHONE_NOTES:
                notes.append(f"{n.header}: {phone.number}({phone.note})")
            formatted.append((n.role, phone.number, phone.mobile, n.header))
            if phone.number != n.text:
                out.changed += 1
        else:
            why = "市外局番がありません" if re.fullmatch(r"\d{1,4}-?\d{4}", _digits_dash(n.text)) else "番号として読めません"
            _warn(out, n.header, "phone-unreadable", value=n.text, why=why)
            formatted.append((n.role, clean_value(n.text), False, n.header))
    del fax_none
    _place_phones(formatted, marks, fax_same, out, notes)


def _place_phones(formatted: list[tuple[str, str, bool, str]], marks: dict[str, str], fax_same: bool,
                  out: Normalised, notes: list[str]) -> None:
    """The formatted numbers of a row (role, number, mobile?, header) put into 電話番号 / 携帯電話 / FAX, the rest
    into 備考."""
    landlines = [f for f in formatted if f[0] == "phone" and not f[2]]
    tel_mobiles = [f for f in formatted if f[0] == "phone" and f[2]]
    mobiles = [f for f in formatted if f[0] == "mobile"]
    faxes = [f for f in formatted if f[0] == "fax"]
    phone_value = ""
    if landlines:
        phone_value = landlines[0][1]
        mobiles = tel_mobiles + mobiles  # a mobile in the phone column goes to 携帯電話 beside a landline
        others = landlines[1:]
    elif tel_mobiles:
        phone_value = tel_mobiles[0][1]
        others = tel_mobiles[1:]
        if not mobiles and others:
            mobiles, others = others[:1], others[1:]
    else:
        others = []
    mobile_value = ""
    seen = {phone_value}
    for f in mobiles:
        if f[1] in seen:
            continue
        if not mobile_value:
            mobile_value = f[1]
        else:
            others.append(f)
        seen.add(f[1])
    fax_value = ""
    for f in faxes:
        if not fax_value:
            fax_value = f[1]
        elif f[1] != fax_value:
            notes.append(f"{f[3]}: {f[1]}")
    for f in others:
        if f[1] not in seen:
            notes.append(f"{f[3]}(ほか): {f[1]}")
            _warn(out, f[3], "phone-moved-to-notes", number=f[1])
            seen.add(f[1])
    if fax_same and not fax_value:
        fax_value = phone_value
    for key, value in (("phone", phone_value), ("mobile", mobile_value), ("fax", fax_value)):
        value = value or marks.get(key, "")
        if value:
            out.values[key] = value
            out.explicit.add(key)


def _digits_dash(text: str) -> str:
    return re.sub(r"[^\d\-]", "", fold_dashes(clean_text(text)))


def district_from_address(out: Normalised, district: str) -> None:
    """The district of ``normalise(…, district_later=True)`` put where :func:`normalise` would have put it (the
    values keep their order)."""
    if out.district_at < 0:
        return
    if district:
        out.values["district"] = district  # in the place normalise_row kept for it
    else:
        del out.values["district"]
    out.district_at = -1  # placed


# --- genre / district ------------------------------------------------------------------------
@lru_cache(maxsize=4096)
def _district_key(text: str) -> str:
    return re.sub(r"(地区|地域|圏域|エリア)$", "", text)


def match_district(text: str, districts: Iterable[District]) -> str:
    """The 地区 sheet's district a source text names (中央 / 中央地区 / 中央地域 …); '' if none."""
    text = clean_text(text).replace(" ", "")
    if not text:
        return ""
    short = _district_key(text)
    for d in districts:
        if text == d.name or text == d.short or (short and short == d.short):
            return d.name
    return ""


def genre_category(genre: str) -> str:
    return GENRE_CATEGORY.get(genre, "")


# --- helpers of the row ------------------------------------------------------------------------------
SERVICE_TYPE_COLUMN = "サービスの種類"  # extra column: the source's service type (通所介護 …) behind the genre
_CJK = r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f々〆ヶ]"


def _one_line_name(text: str) -> str:
    """A line break inside a name (a map label wrapped for display) is not part of the name."""
    text = re.sub(rf"(?<={_CJK})\s*\n\s*(?={_CJK})", "", text)
    return re.sub(r"\s*\n\s*", " ", text).strip()


def extra_column_name(cell: Cell) -> str:
    """Name of the master's extra column a cell is kept in (緯度 / 経度 under one name whatever the source)."""
    name = cell.label or cell.header
    if "緯度" in name or name.lower() in ("latitude", "lat"):
        return "緯度"
    if "経度" in name or name.lower() in ("longitude", "lon", "lng", "long"):
        return "経度"
    if name in S.FIELD_BY_HEADER:
        return f"元の{name}"
    return name


def _plain_label(name: str) -> str:
    return re.sub(r"[(（][^)）]*[)）]$", "", name).strip() or name


def join_address(pieces: list[tuple[str, str]]) -> str:
    """Address parts (text, header) joined once: 「東京都中央区」+「東京都中央区京橋2-6-7」 is the second alone,
    「北海道札幌市中央区」+「中央区南一条…」 does not repeat 中央区, a building name (方書) is set off by a space."""
    if len(pieces) == 1:  # one part (nearly always): the loop below gives it stripped
        return pieces[0][0].strip()
    out = ""
    for text, header in pieces:
        t = text.strip()
        if not t:
            continue
        if not out or out in t:
            out = t if (not out or out in t) else out
            continue
        if t in out:
            continue
        k = next((k for k in range(min(len(out), len(t)), 1, -1) if out.endswith(t[:k])), 0)
        if k:
            out += t[k:]
            continue
        spaced = any(w in header for w in ("方書", "建物", "ビル", "マンション")) or (out[-1:].isdigit() and t[:1].isdigit())
        out = f"{out} {t}" if spaced else out + t
    return out


def _joined_address(cells: list[tuple[str, object, str]], out: Normalised) -> str:
    """The address of a row's address cells ((target, raw value, header): 住所, 所在地_町字, 都道府県名 …)."""
    if len(cells) > 1:  # the prefixes (都道府県名 / 市区町村名) first
        cells = [c for c in cells if c[0] == C.ADDRESS_PREFIX] + [c for c in cells if c[0] != C.ADDRESS_PREFIX]
    pieces = []
    marks = []
    for _, value, header in cells:
        t = tidy_value(raw_text(value))
        if t in PLACEHOLDER_MARKS:
            marks.append((t, header))
            continue
        if t and not is_placeholder(t):
            pieces.append((t, header))
    for t, header in marks:
        if pieces:  # 「東京都中央区」+「＊」: the part withheld is left out of the address
            _warn(out, header, "placeholder-not-joined", value=t)
        else:
            _warn(out, header, "placeholder-mark", value=t, detail="そのまま残しました。")
    if not pieces and marks:
        return marks[0][0]
    return join_address(pieces)


def _resolve_genre(genre_texts: list[str], ctx: Context, out: Normalised, texts: dict[str, str]) -> None:
    """The genre of the row's genre cells: what :func:`_genre_decision` decides, put in the row (decided once per
    distinct list of genre texts: a long list repeats a handful)."""
    key = (tuple(genre_texts), bool(texts.get("category")))
    decision = ctx._genre_decisions.get(key)
    if decision is None:
        decision = ctx._genre_decisions[key] = _genre_decision(genre_texts, ctx, bool(texts.get("category")))
    genre, category, extras, unmatched = decision
    out.values["genre"] = genre
    out.explicit.add("genre")
    if category:
        out.values["category"] = category
    for column, value, setdefault in extras:
        if setdefault:
            out.extra.setdefault(column, value)
        else:
            out.extra[column] = value
    if unmatched:
        out.unmatched_genre = genre
        _warn(out, S.header("genre"), "genre-unmatched", value=genre)


def _genre_decision(genre_texts: list[str], ctx: Context, has_category: bool
                    ) -> tuple[str, str, tuple[tuple[str, str, bool], ...], bool]:
    """(genre, category to set or '', extra columns (column, value, only if not set yet), unmatched?) of a row's
    genre texts — :func:`_resolve_genre_of` run on an empty row, as a value."""
    out = Normalised({})
    _resolve_genre_of(genre_texts, ctx, out, {"category": "x"} if has_category else {})
    extras = []
    for column, value in out.extra.items():
        extras.append((column, value, column == "元の分類"))
    return out.values["genre"], out.values.get("category", ""), tuple(extras), bool(out.unmatched_genre)


def _resolve_genre_of(genre_texts: list[str], ctx: Context, out: Normalised, texts: dict[str, str]) -> None:
    from ..model import genre_key, service_type_of

    header = S.header("genre")
    best = ""
    best_text = ""
    service = None
    for t in genre_texts:
        st = service_type_of(t)
        matched = ctx.genre_of(t)
        if st and matched:
            best, best_text, service = matched, t, st
            break
        if matched and not best:
            best, best_text = matched, t
    if best:
        out.values["genre"] = best
        out.explicit.add("genre")
        if service and not texts.get("category"):
            out.values["category"] = service[1]
        if service and genre_key(best_text) != genre_key(best):  # the service type itself is kept (staff column)
            out.extra[SERVICE_TYPE_COLUMN] = _one_line_name(best_text) if "\n" in best_text else best_text
        for t in genre_texts:
            if t != best_text and not ctx.genre_of(t):
                out.extra.setdefault("元の分類", t)
        return
    text = genre_texts[0]
    out.values["genre"] = text
    out.explicit.add("genre")
    out.unmatched_genre = text
    _warn(out, header, "genre-unmatched", value=text)


def _org_notes(cells: list[tuple[str, str, object, str]], ctx: Context, out: Normalised) -> list[str]:
    """The organisation's address, postal code, phone, FAX, URL, e-mail as labelled 備考 lines (``cells``: the
    row's org: cells as (target, name, raw value, header))."""
    lines: list[tuple[str, str, str]] = []
    groups: dict[str, list[tuple[str, str, object, str]]] = {}
    for c in cells:
        groups.setdefault(c[0].split(":", 1)[1], []).append(c)
    for kind, group in groups.items():
        label = _plain_label(group[0][1])
        if kind == "address":
            pieces = []
            for _, _, raw, header in group:
                t = tidy_value(raw_text(raw))
                if t and not is_placeholder(t) and t not in PLACEHOLDER_MARKS:
                    pieces.append((t, header))
            value = join_address(pieces)
        else:
            values = []
            for _, _, raw, _ in group:
                t = tidy_value(raw_text(raw))
                if not t or is_placeholder(t) or t in PLACEHOLDER_MARKS:
                    continue
                if kind in ("phone", "fax", "mobile"):
                    t, _ = prepare_phone_text(t, isinstance(raw, (int, float)))
                    phone = fast_phone(t, "")
                    t = phone.number if phone.valid else t
                elif kind == "postal_code":
                    t = normalize_postal(t)[0]
                elif kind == "url":
                    t = normalize_url(t)[0]
                values.append(t)
            value = " ".join(values)
        if value:
            lines.append((kind, label, value))
    postal = next((v for k, _, v in lines if k == "postal_code"), "")
    if postal and any(k == "address" for k, _, _ in lines):  # 〒 goes in front of the address it belongs to
        lines = [(k, lab, f"〒{postal} {v}" if k == "address" else v) for k, lab, v in lines if k != "postal_code"]
    return [f"{lab}: {v}" for _, lab, v in lines]


_MID_QUESTION = re.compile(r"(?<=[^\s?？])[?？](?=[^\s?？])")


def _damage_warnings(out: Normalised) -> None:
    """U+FFFD and a ? inside an address or name (characters lost in a lossy Shift_JIS conversion)."""
    for key in ("name", "address", "operator", "content", "notes"):
        v = out.values.get(key, "")
        if not v:
            continue
        if "\ufffd" in v:
            _warn(out, S.header(key), "damaged-text", value=v[:40])
        elif key in ("address", "name") and ("?" in v or "？" in v) and _MID_QUESTION.search(v):
            _warn(out, S.header(key), "lost-character", value=v[:40])


# --- values remembered per distinct text (issue 18: a long list repeats its genres, days, areas, dates) ---
_T = TypeVar("_T")


class _PerColumn(Generic[_T]):
    """A pure function of (text, field key) remembered per distinct text — for the fields whose values repeat.

    A field whose texts are nearly all different (names, addresses, long free text) is not worth remembering: once
    a field has seen more than ``probe`` texts with fewer than a third found again, it is computed directly (the
    cache for it is dropped), so memory stays bounded by the fields that do repeat."""

    def __init__(self, fn: Callable[[str, str], _T], probe: int = 2000) -> None:
        self.fn = fn
        self.probe = probe
        self.cache: dict[tuple[str, str], _T] = {}
        self.hits: dict[str, int] = {}
        self.misses: dict[str, int] = {}
        self.direct: set[str] = set()

    def __call__(self, text: str, key: str) -> _T:
        if key in self.direct:
            return self.fn(text, key)
        k = (text, key)
        if k in self.cache:
            self.hits[key] = self.hits.get(key, 0) + 1
            return self.cache[k]
        value = self.cache[k] = self.fn(text, key)
        misses = self.misses[key] = self.misses.get(key, 0) + 1
        if misses > self.probe and self.hits.get(key, 0) * 2 < misses:
            self.direct.add(key)
            self.cache = {c: v for c, v in self.cache.items() if c[1] != key}
        return value


def _field_text_of(raw: str, target: str) -> str:
    """A cell's text for its field: tidy for names and ふりがな (one line for a name), tidy_value otherwise."""
    if target in ("name", "kana"):
        t = tidy(raw)
        return _one_line_name(t) if target == "name" and "\n" in t else t
    return tidy_value(raw)


def _split_labelled_of(text: str, own: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    own_text, found = split_labelled(text, own)
    return own_text, tuple(found)


_field_text = _PerColumn(_field_text_of)
_split_labelled_cached = _PerColumn(_split_labelled_of)


@lru_cache(maxsize=1 << 16, typed=True)  # typed: a cell's 1 and 1.0 and True are different raw values
def _by_kind(key: str, text: str, raw: str, raw_value: object
             ) -> tuple[str, tuple[str, str, dict[str, object]] | None, int]:
    """(value, warning or None, 1 if normalising changed it) for one field's text — a pure function of its
    arguments (the district, which depends on the 地区 sheet, is matched in :func:`normalise`). The warning is
    (header, code, values) and is added to every row the value is in."""
    f = S.FIELD_BY_KEY[key]
    value = text
    warning: tuple[str, str, dict[str, object]] | None = None
    if f.kind is S.Kind.DATE:
        day = _date_of(raw_value)
        if day is None:
            days = [d for d in (parse_date(t) for t in text.split("\n")) if d]
            day = max(days) if days else None  # 確認日 and 更新日 both given: the latest
        if day is not None:
            value = day.isoformat()
        else:
            warning = (f.header, "date-unreadable", {"value": text})
    elif f.kind is S.Kind.POSTAL:
        value, ok = normalize_postal(text)
        if not ok:
            warning = (f.header, "postal-code-malformed", {"value": text})
    elif f.kind is S.Kind.EMAIL:
        value, ok = normalize_email(text)
        if not ok:
            warning = (f.header, "email-malformed", {"value": text})
    elif f.kind is S.Kind.URL:
        value, ok = normalize_url(text)
        if not ok:
            warning = (f.header, "url-malformed", {"value": text})
    elif key in CHOICE_WORDS:
        value = CHOICE_WORDS[key].get(text.replace(" ", ""), text)
        if value not in f.choices:
            warning = (f.header, "choice-unknown", {"field": f.header, "value": text, "choices": "・".join(f.choices)})
    elif key == "hours":
        value = _LEADING_ZERO_TIME_RE.sub(r"\1:\2", text)  # 08:30 → 8:30
    elif key == "kana":
        value = to_hiragana(text)  # ふりがな is kept in hiragana (名称_カナ columns are katakana)
    elif key == "category":
        value = CATEGORY_WORDS.get(text.replace(" ", ""), text)
    return value, warning, int(value != raw.strip())


# the fields whose cells are read as text in normalise (address, genre and phones have their own steps)
_TEXT_TARGETS = frozenset(S.FIELD_BY_KEY) - {"id", "address", "genre"} - set(S.PHONE_KEYS)

# the fields _by_kind changes (the others keep their tidied text)
_BY_KIND_KEYS = frozenset(
    [f.key for f in S.FIELDS if f.kind in (S.Kind.DATE, S.Kind.POSTAL, S.Kind.EMAIL, S.Kind.URL)]
    + [*CHOICE_WORDS, "hours", "kana", "category"])


# --- the row -----------------------------------------------------------------------------------
_Member = tuple[int, int, str, str]  # (slot position, key of the row's dict, header, name)
_ADDRESS_TARGETS = ("address", C.ADDRESS_PART, C.ADDRESS_PREFIX)


class RowPlan:
    """A sheet's columns as :func:`normalise_row` reads them, worked out once per sheet (every row of a sheet has
    the same columns): which column goes to which field and step, the names they are kept under.

    ``slots`` are (key, header, target, label) in column order; a row is a dict key → raw value holding the
    row's non-blank cells (a key missing = the cell is blank). Everything here is what :func:`normalise` used to
    work out from a row's cells each time, in the same order (a field's columns in column order)."""

    def __init__(self, slots: Iterable[tuple[int, str, str, str]]) -> None:
        self.by_target: dict[str, list[tuple[int, str]]] = {}  # target → [(key, header)] in column order
        members: dict[str, list[_Member]] = {}
        self.ids: list[tuple[int, str]] = []  # (key, the extra column an ID is kept in)
        extras: dict[str, list[tuple[int, str]]] = {C.FOREIGN_ID: [], C.EXTRA_COLUMN: [], C.UNMAPPED: []}
        self.latlon: list[tuple[int, str]] = []  # (key, name)
        self.address: list[tuple[int, str, str]] = []  # (key, header, target)
        self.genre: list[int] = []
        self.hours_end: list[int] = []
        phones: dict[str, list[tuple[str, int, str]]] = {key: [] for key in TEXT_PHONE_KEYS}
        self.phone_ext: list[tuple[int, str]] = []  # (key, name)
        self.org: list[tuple[int, str, str, str]] = []  # (key, target, name, header)
        self.note_labelled: list[tuple[int, str]] = []  # (key, plain label)
        for pos, (key, header, target, label) in enumerate(slots):
            name = label or header
            self.by_target.setdefault(target, []).append((key, header))
            if target in _TEXT_TARGETS:
                members.setdefault(target, []).append((pos, key, header, name))
            if target == "id":
                self.ids.append((key, f"元の{header}" if header in S.FIELD_BY_HEADER or header in C.ID_NAMES
                                 else header))
            elif target in extras:
                extras[target].append((key, extra_column_name(Cell(header, target, None, label))))
            elif target == LATLON:
                self.latlon.append((key, name))
            elif target in _ADDRESS_TARGETS:
                self.address.append((key, header, target))
            elif target == "genre":
                self.genre.append(key)
            elif target == C.HOURS_END:
                self.hours_end.append(key)
            elif target in phones:
                phones[target].append((target, key, header))
            elif target == PHONE_EXTENSION:
                self.phone_ext.append((key, name))
            elif target.startswith("org:"):
                self.org.append((key, target, name, header))
            elif target == NOTE_LABELLED:
                self.note_labelled.append((key, _plain_label(name)))
        self.extras = [*extras[C.FOREIGN_ID], *extras[C.EXTRA_COLUMN], *extras[C.UNMAPPED]]
        self.phones = [m for key in TEXT_PHONE_KEYS for m in phones[key]]
        # the text fields in the order of their first column; with a field of several columns the order is the
        # order of each field's first non-blank cell, worked out per row (text_fields)
        self.texts: list[tuple[str, tuple[_Member, ...]]] = [(t, tuple(ms)) for t, ms in members.items()]
        self.several = any(len(ms) > 1 for _, ms in self.texts)

    def text_fields(self, row: dict[int, object]) -> list[tuple[str, tuple[_Member, ...]]]:
        """The text fields of a row in the order of their first non-blank cell."""
        if not self.several:
            return self.texts
        order = []
        for target, ms in self.texts:
            for m in ms:
                if m[1] in row:
                    order.append((m[0], target, ms))
                    break
        order.sort()
        return [(t, ms) for _, t, ms in order]

    def first_header(self, row: dict[int, object], target: str) -> str:
        """The header of the row's first non-blank cell of ``target`` (KeyError when there is none)."""
        for key, header in self.by_target[target]:
            if key in row:
                return header
        raise KeyError(target)


@lru_cache(maxsize=256)
def _plan_of(slots: tuple[tuple[str, str, str], ...]) -> RowPlan:
    return RowPlan((i, h, t, label) for i, (h, t, label) in enumerate(slots))


def normalise(cells: list[Cell], ctx: Context, *, section_genre: str = "", section_district: str = "",
              district_later: bool = False) -> Normalised:
    """One source row → catalogue values (see the module docstring for the steps): :func:`normalise_row` of the
    cells' plan."""
    plan = _plan_of(tuple((c.header, c.target, c.label) for c in cells))
    return normalise_row(plan, {i: c.value for i, c in enumerate(cells)}, ctx, section_genre=section_genre,
                         section_district=section_district, district_later=district_later)


def normalise_row(plan: RowPlan, row: dict[int, object], ctx: Context, *, section_genre: str = "",
                  section_district: str = "", district_later: bool = False) -> Normalised:
    """One source row (``row``: the non-blank cells by the keys of ``plan``) → catalogue values.

    With ``district_later`` a district derived from the address is left to the caller (``district_at`` says where;
    :func:`district_from_address` fills it): a sheet's addresses are then matched to towns in one pass."""
    out = Normalised({})
    notes: list[str] = []

    # IDs: another system's numbers are kept in extra columns; an S00012-like value is only a hint
    for k, column in plan.ids:
        if k not in row:
            continue
        text = clean_value(raw_text(row[k]))
        if not text:
            continue
        if re.fullmatch(r"S\d{5,}", text) and not out.shigen_id:
            out.shigen_id = text
            out.id_column = column
        out.extra[column] = text
    for k, column in plan.extras:
        if k not in row:
            continue
        text = clean_value(raw_text(row[k]))
        if text and not is_placeholder(text):
            out.extra[column] = text
    for k, name in plan.latlon:  # 「34.35423472,133.99511139」 → 緯度 / 経度
        if k not in row:
            continue
        text = clean_value(raw_text(row[k]))
        m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*[,、\s]\s*(-?\d+(?:\.\d+)?)", text)
        if m:
            out.extra["緯度"], out.extra["経度"] = m.group(1), m.group(2)
        elif text:
            out.extra[name] = text

    # text of every field; a field taken by several columns (genre, phones) is handled below
    texts: dict[str, str] = {}
    text_cache = _field_text.cache
    raw_values: dict[str, object] = {}
    raw_strs: dict[str, str] = {}
    for target, members in plan.text_fields(row):
        if len(members) == 1:
            if members[0][1] not in row:
                continue
            group: tuple[_Member, ...] = members
        else:
            group = tuple(m for m in members if m[1] in row)
            if not group:
                continue
        if len(group) == 1:  # one column for the field (nearly always): as below, without the joining
            _, k, header, _ = group[0]
            value = row[k]
            raw = value if type(value) is str else raw_text(value)
            t = text_cache.get((raw, target))  # the remembered text, without a call (most cells of a long list)
            if t is None:
                t = _field_text(raw, target)
            if t in PLACEHOLDER_MARKS:  # kept as written (audit flags it, public lists leave it out) and reported
                _warn(out, header, "placeholder-mark", value=t, detail="そのまま残しました。")
            if t and t.strip() not in PLACEHOLDERS:
                texts[target] = t
                raw_values[target] = value
                raw_strs[target] = raw
            continue
        parts = []
        first = ""
        for _, k, header, _ in group:
            raw = raw_text(row[k])
            first = first or raw
            t = text_cache.get((raw, target))
            if t is None:
                t = _field_text(raw, target)
            if t in PLACEHOLDER_MARKS:
                _warn(out, header, "placeholder-mark", value=t, detail="そのまま残しました。")
            if t and not is_placeholder(t) and t not in parts:
                parts.append(t)
        if parts:
            texts[target] = "\n".join(parts) if len(parts) == 1 else "\n".join(
                [parts[0]] + [f"{m[3]}: {p}" for m, p in zip(group[1:], parts[1:], strict=False)])
            raw_values[target] = row[group[0][1]] if len(parts) == 1 else texts[target]
            raw_strs[target] = first if len(parts) == 1 else texts[target]
    if plan.address:
        address_cells = [(target, row[k], header) for k, header, target in plan.address if k in row]
        if address_cells:
            joined = _joined_address(address_cells, out)
            if joined:
                texts["address"] = joined
                raw_strs["address"] = joined
    genre_texts = []
    for k in plan.genre:
        if k not in row:
            continue
        raw = raw_text(row[k])
        t = text_cache.get((raw, "genre"))  # tidy_value, remembered (a long list repeats a handful of genres)
        if t is None:
            t = _field_text(raw, "genre")
        if t and not is_placeholder(t) and t not in genre_texts:
            genre_texts.append(t)

    # labelled parts inside cells
    labelled_phones: list[tuple[str, str, str]] = []
    for target in [t for t in texts if t in LABEL_SOURCES]:
        text = texts[target]
        if "【" not in text and ":" not in text and "：" not in text:
            continue  # nothing labelled (split_labelled's own first test): most cells, without a call
        own, moved = _split_labelled_cached(text, target)
        if not moved:
            continue
        texts[target] = own
        header = plan.first_header(row, target)
        for key, value in moved:
            out.changed += 1
            if key in ("phone", "fax", "mobile"):
                labelled_phones.append((key, value, header))
            elif key in texts and texts[key]:
                if value not in texts[key]:
                    texts[key] = texts[key] + "\n" + value
            else:
                texts[key] = value
        if not texts[target]:
            del texts[target]

    # 〒 at the start of an address
    address = texts.get("address", "")
    m = _POSTAL_FIRST.match(address) if address else None
    if m and (address.startswith("〒") or "-" in m.group(1)):
        if not texts.get("postal_code"):
            texts["postal_code"] = m.group(1)
        texts["address"] = m.group(2).strip()
        out.changed += 1
    # phone numbers written after the address (住所・電話番号 columns)
    if texts.get("address") and _PHONEISH_RE.search(texts["address"]) and find_phones(texts["address"]):
        addr_lines = []
        for line in texts["address"].split("\n"):
            found = find_phones(line)
            valid = [(lab, num) for lab, num in found if normalize_phone(num).valid]
            if valid:
                for lab, num in valid:
                    role = {"FAX": "fax", "携帯": "mobile"}.get(lab, "phone")
                    labelled_phones.append((role, num, plan.first_header(row, "address")))
                    line = line.replace(num, " ")
                line = re.sub(r"(?i)(TEL|FAX|電話|携帯)\s*[:：.]?", " ", line)
                line = re.sub(r"\s+", " ", line).strip(" /、,()（）")
            if line:
                addr_lines.append(line)
        texts["address"] = "\n".join(addr_lines)
        out.changed += 1
    # hours = 開始時間 ～ 終了時間
    if plan.hours_end:
        ends = [clean_value(raw_text(row[k])) for k in plan.hours_end if k in row]
        ends = [e for e in ends if e and not is_placeholder(e)]
        if ends:
            start = texts.get("hours", "")
            texts["hours"] = f"{start}～{ends[0]}" if start else f"～{ends[0]}"

    # phones
    phone_cells = [(target, row[k], header) for target, k, header in plan.phones if k in row]
    if phone_cells or labelled_phones:  # (no cell and nothing labelled: nothing to place)
        _assign_phones(phone_cells, labelled_phones, ctx, out, notes)
    for k, name in plan.phone_ext:  # 内線番号: an extra column (export --format opendata reads it back)
        if k not in row:
            continue
        ext = clean_value(raw_text(row[k]))
        if ext and not is_placeholder(ext):
            out.extra[name] = ext

    # everything else by kind
    for key, text in texts.items():
        if not text:
            continue
        if key == "genre":
            continue  # below
        raw = raw_strs.get(key, text)
        if key == "district":
            value = text
            matched = match_district(text, ctx.districts)
            if matched:
                value = matched
            else:
                out.unmatched_district = text  # read_paths adds it to the 地区 sheet and reports it
            if value != raw.strip():
                out.changed += 1
        elif key in _BY_KIND_KEYS:
            f = S.FIELD_BY_KEY[key]  # only a date reads the raw cell (a date cell, a serial number)
            value, warning, changed = _by_kind(key, text, raw,
                                               raw_values.get(key, text) if f.kind is S.Kind.DATE else None)
            if warning is not None:
                _warn(out, warning[0], warning[1], **warning[2])
            out.changed += changed
        else:  # free text: kept as tidied
            value = text
            if value != raw.strip():
                out.changed += 1
        if value:
            out.values[key] = value
            out.explicit.add(key)

    # genre: of several genre columns (種別 / 小分類, Type / SubType) the most specific that matches
    if genre_texts:
        _resolve_genre(genre_texts, ctx, out, texts)

    # the organisation's details (申請者・法人・設置者 …) → 備考, labelled
    if plan.org:
        org_cells = [(target, name, row[k], header) for k, target, name, header in plan.org if k in row]
        if org_cells:
            notes.extend(_org_notes(org_cells, ctx, out))
    for k, label in plan.note_labelled:
        if k not in row:
            continue
        text = clean_value(raw_text(row[k]))
        if text and not is_placeholder(text) and text not in PLACEHOLDER_MARKS:
            notes.append(f"{label}: {text}")

    # genre and district from the sheet, section headings and options when the row says nothing
    if not out.values.get("genre"):
        genre = section_genre or ctx.option_genre or ctx.sheet_genre
        if genre:
            out.values["genre"] = genre
            out.explicit.add("genre")
        elif ctx.genre_column and out.values.get("content"):  # the content as a tiebreaker when the category is blank
            genre = ctx.genre_of(out.values["content"].split("\n")[0][:60])
            if genre:
                out.values["genre"] = genre
                _warn(out, S.header("genre"), "genre-from-content", genre=genre)
    if not out.values.get("district"):
        district = section_district or ctx.sheet_district or ctx.option_district
        if district:
            out.values["district"] = district
            out.explicit.add("district")
        elif district_later:
            if out.values.get("address"):  # its place kept: district_from_address fills it or takes it out
                out.district_at = len(out.values)
                out.values["district"] = ""
        else:  # derived from the address: filled for new records, never overwrites a master's district
            district = district_for_address(out.values.get("address", ""), ctx.districts)
            if district:
                out.values["district"] = district
    if not out.values.get("category"):
        category = genre_category(out.values.get("genre", ""))
        if category:
            out.values["category"] = category

    _damage_warnings(out)
    if notes:
        base = out.values.get("notes", "")
        lines = [base] if base else []
        lines += [n for n in notes if n not in base]
        out.values["notes"] = "\n".join(lines)
        out.explicit.add("notes")
    return out
