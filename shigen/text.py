"""Japanese text normalisation for catalogue values.

Every function here is pure and small. Names are never NFKC-normalised wholesale
(㈱ and 髙 stay as written); only width, kana and dash variants are folded where the
field's kind calls for it.

Why this file is long (~520 lines): every Japanese text rule is here exactly once (width, kana, dashes, phones,
dates, kanji numerals, address and name keys), so callers never grow their own copy.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --- width and kana ---------------------------------------------------------------
_FULLWIDTH_ASCII = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F) if c != 0xFF5E}  # keep ～ (wave dash)
_FULLWIDTH_ASCII[0x3000] = 0x20  # ideographic space
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")


def fold_width(text: str) -> str:
    """Full-width Latin letters/digits → half-width; half-width kana → full-width. Nothing else."""
    text = text.translate(_FULLWIDTH_ASCII)
    if _HALFWIDTH_KANA.search(text):
        text = _HALFWIDTH_KANA.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text


_DASHES = "－−‐‑‒–—―ーｰ─━-"
_WAVES = "～〜~∼"
_DASH_BETWEEN_DIGITS = re.compile(rf"(?<=\d)\s*[{_DASHES}]\s*(?=\d)")
_WAVE_BETWEEN_NUMBERS = re.compile(rf"(?<=[\d時分円])\s*[{_WAVES}]\s*(?=\d)")


def fold_dashes(text: str) -> str:
    """Dash variants between digits → '-', wave-dash variants between numbers → '～'."""
    text = _DASH_BETWEEN_DIGITS.sub("-", text)
    return _WAVE_BETWEEN_NUMBERS.sub("～", text)


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def clean_text(value: object) -> str:
    """A cell value as tidy text: width folded, spaces trimmed, line breaks kept."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = fold_width(text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def clean_value(value: object) -> str:
    """clean_text plus dash folding: for everything except proper names."""
    return fold_dashes(clean_text(value))


_TO_HIRAGANA = {c: c - 0x60 for c in range(ord("ァ"), ord("ヶ") + 1)}


def to_hiragana(text: str) -> str:
    return text.translate(_TO_HIRAGANA)


def to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


# --- kanji numerals -----------------------------------------------------------------
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "壱": 1, "二": 2, "弐": 2, "三": 3, "参": 3, "四": 4, "五": 5, "六": 6,
                 "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "拾": 10, "百": 100, "千": 1000}
KANJI_NUMERALS = "".join(_KANJI_DIGITS) + "".join(_KANJI_UNITS) + "万"
_KANJI_RUN = f"[{KANJI_NUMERALS}]+"


def kanji_to_int(text: str) -> int | None:
    """三 → 3, 二十三 → 23, 三十一 → 31, 百五 → 105, 二〇二三 → 2023, 千二百 → 1200; None when not a numeral."""
    if not text or any(c not in KANJI_NUMERALS for c in text):
        return None
    if not any(c in _KANJI_UNITS or c == "万" for c in text):  # positional: 二〇二三
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total, section, digit = 0, 0, None
    for c in text:
        if c in _KANJI_DIGITS:
            if digit is not None:
                return None  # 二三十: two digits in a row inside a unit numeral
            digit = _KANJI_DIGITS[c]
        elif c in _KANJI_UNITS:
            section += (1 if digit is None else digit) * _KANJI_UNITS[c]
            digit = None
        else:  # 万
            total += (section + (digit or 0) or 1) * 10_000
            section, digit = 0, None
    return total + section + (digit or 0)


_ANY_KANJI_NUMERAL = re.compile(f"[{KANJI_NUMERALS}]")


def _kanji_sub(m: re.Match[str]) -> str:
    n = kanji_to_int(m.group())
    return m.group() if n is None else str(n)


# numerals in an address's number part: before 丁目/番地/番/号/地割, or joined to other numbers by の/之/-
_ADDRESS_KANJI = (
    re.compile(rf"{_KANJI_RUN}(?=丁目|番地|番(?!町)|号|地割)"),
    re.compile(rf"{_KANJI_RUN}(?=[の之\-][\d{KANJI_NUMERALS}])"),
    re.compile(rf"(?<=\d[の之\-]){_KANJI_RUN}"),
    re.compile(rf"(?<=丁目|番地){_KANJI_RUN}"),
    re.compile(rf"(?<=\d番){_KANJI_RUN}"),
    re.compile(rf"(?<=番地[の之]){_KANJI_RUN}"),
    re.compile(rf"(?<=\d番[の之]){_KANJI_RUN}"),
)


def fold_kanji_numbers(address: str) -> str:
    """Kanji numerals of an address's 丁目・番地・号 → digits: 本町三丁目五番地二 → 本町3丁目5番地2.

    Numerals that are part of a place name (九十九里町, 四街道, 一の宮, 八幡) are left alone: only runs next to
    丁目/番地/番/号/地割 or joined to another number by の/之/- count.
    """
    if not _ANY_KANJI_NUMERAL.search(address):
        return address
    for _ in range(4):  # 三の五の二: each pass reaches one numeral further along
        before = address
        for pattern in _ADDRESS_KANJI:
            address = pattern.sub(_kanji_sub, address)
        if address == before:
            break
    return address


# --- keys for matching and sorting ------------------------------------------------
_LEGAL_FORMS = (
    "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "社会福祉法人", "特定非営利活動法人", "NPO法人",
    "一般社団法人", "公益社団法人", "一般財団法人", "公益財団法人", "医療法人社団", "医療法人財団", "医療法人",
    "社会医療法人", "生活協同組合", "協同組合", "企業組合", "学校法人", "宗教法人",
    "(株)", "(有)", "(同)", "(社福)", "(福)", "(特非)", "(NPO)", "(医)", "(一社)", "(公社)", "(一財)", "(公財)", "(生協)",
)
_LEGAL_RE = re.compile("|".join(re.escape(x) for x in sorted(_LEGAL_FORMS, key=len, reverse=True)))
_NOT_WORD = re.compile(r"[\s・･\-‐－ー―_/／.,、。，．'\"「」『』【】()\[\]{}〈〉《》!?！？:：;；&＆~～〜]+")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Key for comparing names: legal forms, width, kana type, spacing and punctuation folded (the long vowel
    mark ー is dropped with the punctuation, inside katakana words too).

    ``name_key("㈱ みどり配食") == name_key("みどり配食株式会社") == name_key("ﾐﾄﾞﾘ配食")`` is not promised
    (kana vs kanji differ), but the first two are equal.
    """
    text = unicodedata.normalize("NFKC", name or "")  # only for the key: ㈱ → (株)
    text = _LEGAL_RE.sub("", text)
    text = _NOT_WORD.sub("", text)
    return to_hiragana(text).lower()


def name_keys(names: list[str]) -> list[str]:
    """``[name_key(n) for n in names]``, each step run once over all of them joined (200,000 names).

    No step reaches across the separator (a control character NFKC keeps, in no legal form and no run of
    punctuation, uncased: :func:`address_keys` uses it the same way; checked in tests/test_text.py)."""
    if not names:
        return []
    text = _JOIN.join(names)
    if not unicodedata.is_normalized("NFKC", text):  # (a quick scan: then each name is NFKC already)
        text = _nfkc_joined(names)
    if text.count(_JOIN) != len(names) - 1:
        return [name_key(n) for n in names]
    text = _NOT_WORD.sub("", _LEGAL_RE.sub("", text))
    keys = _to_hiragana_long(text).lower().split(_JOIN)
    return keys if len(keys) == len(names) else [name_key(n) for n in names]


def _to_hiragana_long(text: str) -> str:
    """:func:`to_hiragana` of a long text (all names joined): the code points shifted with numpy, several
    times faster than ``str.translate`` (one dict lookup per character); a short one (no numpy to import) as is."""
    if len(text) < 100_000:
        return to_hiragana(text)
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    codes[(codes >= ord("ァ")) & (codes <= ord("ヶ"))] -= 0x60  # the range of _TO_HIRAGANA
    return codes.tobytes().decode("utf-32-le", "surrogatepass")


@lru_cache(maxsize=65536)
def sort_key(kana: str, name: str) -> str:
    """五十音順 key: ふりがな in hiragana, else the name without legal forms."""
    base = kana or name or ""
    text = unicodedata.normalize("NFKC", base)
    text = _LEGAL_RE.sub("", text)
    text = re.sub(r"^(かぶしきがいしゃ|ゆうげんがいしゃ|しゃかいふくしほうじん|とくていひえいりかつどうほうじん|カブシキガイシャ|ユウゲンガイシャ)", "", text)
    text = _NOT_WORD.sub("", text)
    return to_hiragana(text)


def search_key(text: str) -> str:
    """Key for free-text search: width, kana type, case and spacing folded."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"\s+", "", text)
    return to_hiragana(text).lower()


_SPACES = re.compile(r"\s+")
_ADDRESS_DASH = re.compile(r"[‐－―ー−‑‒–—]")
_CHOME_BANCHI = re.compile(r"(?<=\d)(?:丁目|番地|番(?!町))[の之ノ]?")  # 3丁目 → 3-, 5番地の2 → 5-2 (not 一番町)
_NO_BETWEEN = re.compile(r"(?<=\d)[の之ノ](?=\d)")  # 3の5の2 → 3-5-2
_GOU = re.compile(r"(?<=\d)号")
_DASH_RUN = re.compile(r"-{2,}")


def _address_steps(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub("", text)
    text = _ADDRESS_DASH.sub("-", text)
    text = fold_kanji_numbers(text)
    text = _CHOME_BANCHI.sub("-", text)
    text = _NO_BETWEEN.sub("-", text)
    text = _GOU.sub("", text)
    return _DASH_RUN.sub("-", text)


@lru_cache(maxsize=1 << 17)
def address_key(address: str) -> str:
    """Key for comparing addresses: width, spaces, dashes, kanji numerals and 丁目/番地/号/の folded.

    ``address_key("本町三丁目5番地2") == address_key("本町3-5-2") == address_key("本町3の5の2") == "本町3-5-2"``.
    The one rule for "the same address" used by import (merging), audit (duplicates) and fix.
    """
    return _address_steps(address or "").rstrip("-")


_JOIN = "\x00"  # joins many addresses for one pass: not whitespace, unchanged by NFKC, matched by no step


def _nfkc_joined(texts: list[str]) -> str:
    """``unicodedata.normalize("NFKC", _JOIN.join(texts))``, normalising only the texts that are not NFKC already
    (one text that is not — a full-width digit — sends the whole joined text down the slow path: ~0.4 s for
    200,000 names)."""
    normalize, is_normalized = unicodedata.normalize, unicodedata.is_normalized
    return _JOIN.join([t if is_normalized("NFKC", t) else normalize("NFKC", t) for t in texts])


def address_keys(addresses: list[str]) -> list[str]:
    """``[address_key(a) for a in addresses]``, each step run once over all of them joined (200,000 addresses).

    No step reaches across the separator (a control character that NFKC keeps, that is neither a digit, a
    numeral nor a space), so the pieces are the keys one by one (checked in tests/test_text.py).
    """
    if not addresses:
        return []
    text = _JOIN.join(addresses)
    if not unicodedata.is_normalized("NFKC", text):  # (a quick scan: then each address is NFKC already)
        text = _nfkc_joined(addresses)  # (NFKC again in _address_steps: at once, the text being NFKC already)
    if text.count(_JOIN) != len(addresses) - 1:
        return [address_key(a) for a in addresses]
    keys = _address_steps(text).split(_JOIN)
    if len(keys) != len(addresses):  # cannot happen (see above); one by one rather than a wrong answer
        return [address_key(a) for a in addresses]
    return [k.rstrip("-") for k in keys]


# --- phone numbers ----------------------------------------------------------------
@dataclass(frozen=True)
class Phone:
    number: str  # national hyphenated form, or the original text when invalid
    valid: bool
    mobile: bool = False
    area_code_added: bool = False
    note: str = ""  # text that followed the number, e.g. （代表）


_PHONE_CHARS = re.compile(r"[\d()（）\-\s]+")
_PHONE_CANDIDATE = re.compile(r"\(?0\d{1,4}\)?[\s\-]?\d{1,4}[\s\-]?\d{3,4}|0\d{9,10}|\d{2,4}-\d{4}")
_MOBILE_PREFIX = ("070", "080", "090")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


_PLAIN_PHONE = re.compile(r"0\d{1,4}-\d{1,4}-\d{3,4}|0\d{9,10}")  # already written as a number, nothing else
_INTERNATIONAL = re.compile(r"\+\s*81[\s\-]*(?:\(0\)|0(?=\d))?[\s\-]*(?=\d)")  # +81 3-…, +81 (0)479-…
# (first six digits, length) → lengths of the groups of the national form, None for an invalid number. In Japan's
# numbering plan (phonenumbers' metadata) validity and grouping depend on the leading digits only, never on the
# subscriber digits: a city's 20,000 numbers need a few dozen library calls (checked in tests/test_text.py).
_GROUPING: dict[tuple[str, int], tuple[int, ...] | None] = {}


def normalize_phone(value: str, default_area_code: str = "") -> Phone:
    """One phone number → national hyphenated form (0479-62-1111) using phonenumbers.

    The one rule for "is this a phone number" that import, audit, collect, export and fix share. Notes after the
    number (（代表）) go to ``note``; ``+81`` becomes 0; a number without its area code gets
    ``default_area_code`` (設定『既定の市外局番』) when given.
    """
    if value.__class__ is str and _PLAIN_PHONE.fullmatch(value):
        digits = value.replace("-", "")
        if len(digits) >= 10:
            key = (digits[:6], len(digits))
            if key in _GROUPING:
                groups = _GROUPING[key]
            else:
                groups = _grouping_of(digits) if _valid_plain(digits) else None
                if len(_GROUPING) < 100_000:
                    _GROUPING[key] = groups
            if groups is None:
                return Phone(value, False)
            parts, i = [], 0
            for g in groups:
                parts.append(digits[i:i + g])
                i += g
            number = "-".join(parts)
            return Phone(number, True, number.startswith(_MOBILE_PREFIX))
    return _library_phone(value, default_area_code)


_VALID_PREFIX: dict[tuple[str, int], bool] = {}


def _valid_plain(digits: str) -> bool:
    """phonenumbers.is_valid_number of a national number of 10–11 digits, once per first six digits and length
    (without parsing or formatting: most of the library's time)."""
    key = (digits[:6], len(digits))
    valid = _VALID_PREFIX.get(key)
    if valid is None:
        from phonenumbers import PhoneNumber, is_valid_number

        valid = bool(is_valid_number(PhoneNumber(country_code=81, national_number=int(digits[1:]))))
        if len(_VALID_PREFIX) < 100_000:
            _VALID_PREFIX[key] = valid
    return valid


def _grouping_of(digits: str) -> tuple[int, ...] | None:
    """The lengths of the groups of the national form of a valid (:func:`_valid_plain`) number of 10–11 digits:
    (4, 2, 4) for 0479621111 → 0479-62-1111.

    Formatted straight from the number :func:`_valid_plain` checked, without the library's ``parse`` (a third of
    the time of a number seen first: 52 → 15 µs; a messy 20,000-row list has ~960 first sights, issue 18): for a
    national number not starting with 0 it gives what parsing the digits gives (checked for every first six digits
    01xxxx–09xxxx at both lengths). After 00 the number read as an int loses a 0, so those go through
    :func:`_library_phone` as before."""
    if digits[1] != "0":
        from phonenumbers import PhoneNumber, PhoneNumberFormat, format_number

        number = format_number(PhoneNumber(country_code=81, national_number=int(digits[1:])), PhoneNumberFormat.NATIONAL)
        return tuple(len(p) for p in number.split("-"))
    found = _library_phone(digits, "")
    return tuple(len(p) for p in found.number.split("-")) if found.valid else None


def phone_digits(value: str, default_area_code: str = "") -> str:
    """The digits of a valid phone cell (0479621111), '' when it is not a valid number (:func:`normalize_phone`).

    A cell already written as a plain number needs only the validity of its prefix (no formatting)."""
    if value.__class__ is str and _PLAIN_PHONE.fullmatch(value):
        digits = value.replace("-", "")
        if len(digits) >= 10:
            return digits if _valid_plain(digits) else ""
    p = normalize_phone(value, default_area_code)
    return p.number.replace("-", "") if p.valid else ""


@lru_cache(maxsize=65536)
def _library_phone(value: str, default_area_code: str = "") -> Phone:
    import phonenumbers

    raw = clean_value(value)
    if not raw:
        return Phone("", False)
    text = fold_dashes(raw).replace("（", "(").replace("）", ")")
    if "+" in text:
        text = _INTERNATIONAL.sub("0", text)
    m = re.match(r"^\s*(?:TEL|Tel|tel|電話|☎|℡|FAX|Fax|fax|携帯)?\s*[:：.]?\s*([\d()\-\s]+)(.*)$", text)
    if not m:
        return Phone(raw, False)
    num, rest = m.group(1).strip(), m.group(2).strip()
    digits = _digits(num)
    added = False
    if digits and not digits.startswith("0") and default_area_code:
        area = _digits(default_area_code)
        if 5 <= len(digits) <= 8 and area:
            digits = area + digits
            added = True
    if not digits.startswith("0") or len(digits) < 10:
        return Phone(raw, False)
    try:
        parsed = phonenumbers.parse(digits, "JP")
    except phonenumbers.NumberParseException:
        return Phone(raw, False)
    if not phonenumbers.is_valid_number(parsed):
        return Phone(raw, False)
    formatted = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    note = rest.strip(" 　()（）")
    return Phone(formatted, True, formatted.startswith(_MOBILE_PREFIX), added, note)


_PHONE_IN_TEXT = re.compile(
    r"(?:(?P<label>TEL|Tel|tel|電話|☎|℡|FAX|Fax|fax|ファックス|ファクス|携帯)\s*[:：.]?\s*)?"
    r"(?P<num>\(?0\d{1,4}\)?[\s\-]?\d{1,4}[\s\-]?\d{3,4}|0\d{9,10})"
)


def find_phones(text: str) -> list[tuple[str, str]]:
    """(label, number-text) pairs for every phone-like number in free text, in order."""
    text = fold_dashes(clean_text(text)).replace("（", "(").replace("）", ")")
    if "+" in text:
        text = _INTERNATIONAL.sub("0", text)
    out = []
    for m in _PHONE_IN_TEXT.finditer(text):
        label = (m.group("label") or "").upper()
        if label in ("ファックス", "ファクス"):
            label = "FAX"
        elif label in ("電話", "☎", "℡"):
            label = "TEL"
        out.append((label, m.group("num")))
    return out


# --- dates ------------------------------------------------------------------------
ERAS = {
    "明治": dt.date(1868, 1, 25), "大正": dt.date(1912, 7, 30), "昭和": dt.date(1926, 12, 25),
    "平成": dt.date(1989, 1, 8), "令和": dt.date(2019, 5, 1),
}
_ERA_ABBR = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和", "明": "明治", "大": "大正", "昭": "昭和",
             "平": "平成", "令": "令和"}
_ERA_RE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHRmtshr明大昭平令])\s*(?P<y>\d{1,2}|元)\s*[年./\-]\s*(?P<m>\d{1,2})\s*[月./\-]\s*"
    r"(?P<d>\d{1,2})\s*日?\s*$"
)
_ERA_MONTH_RE = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHRmtshr明大昭平令])\s*(?P<y>\d{1,2}|元)\s*[年./\-]\s*(?P<m>\d{1,2})\s*月?\s*$"
)
_WEST_RE = re.compile(r"^(?P<y>\d{4})\s*[年./\-]\s*(?P<m>\d{1,2})\s*[月./\-]\s*(?P<d>\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_WEST_MONTH_RE = re.compile(r"^(?P<y>\d{4})\s*(?:年\s*(?P<m>\d{1,2})\s*月|[./\-]\s*(?P<m2>\d{1,2}))\s*$")
_COMPACT_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_DATE_KANJI = re.compile(rf"{_KANJI_RUN}(?=\s*[年月日])")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class DateReading:
    day: dt.date | None
    month_only: bool = False  # 令和5年4月 / 2023年4月: read as the 1st of the month


def parse_date(value: object) -> dt.date | None:
    """Excel dates, serials, 2023/4/1, 2023-04-01, 2023年4月1日, 令和5年4月1日, 令和五年四月一日, R5.4.1, H31.4.1 → date.

    A month without a day (令和5年4月, 2023年4月, 2023/4) reads as the 1st: see :func:`read_date`.
    """
    return read_date(value).day


def _era_start(name: str) -> dt.date:
    era = _ERA_ABBR.get(name.upper(), name)
    return ERAS[_ERA_ABBR.get(era, era)]


def read_date(value: object) -> DateReading:
    """:func:`parse_date` that also says whether only a month was written (the day is then the 1st)."""
    if value is None:
        return DateReading(None)
    if isinstance(value, dt.datetime):
        return DateReading(value.date())
    if isinstance(value, dt.date):
        return DateReading(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return DateReading(None)
        if 20000 < value < 80000:  # Excel serial days (1954…2119)
            return DateReading(_EXCEL_EPOCH + dt.timedelta(days=int(value)))
        return DateReading(None)
    text = fold_width(str(value)).strip()
    if not text:
        return DateReading(None)
    text = re.sub(r"\s*(現在|時点|確認|頃)$", "", text)
    text = re.sub(r"[（(][月火水木金土日][)）]", "", text).strip()
    if _ANY_KANJI_NUMERAL.search(text):
        text = _DATE_KANJI.sub(_kanji_sub, text)  # 令和五年四月一日 → 令和5年4月1日, 平成三十一年 → 平成31年
    try:
        m = _ERA_RE.match(text)
        month_only = False
        if m is None:
            m = _ERA_MONTH_RE.match(text)
            month_only = m is not None
        if m:
            start = _era_start(m.group("era"))
            year = 1 if m.group("y") == "元" else int(m.group("y"))
            result = dt.date(start.year + year - 1, int(m.group("m")), 1 if month_only else int(m.group("d")))
            later = [d for d in ERAS.values() if d > start]
            earliest = dt.date(start.year, start.month, 1) if month_only else start
            if result < earliest or (later and result >= min(later)):
                return DateReading(None)  # 平成32年 or 昭和1年1月1日 never existed
            return DateReading(result, month_only)
        m = _WEST_RE.match(text) or _COMPACT_RE.match(text)
        if m:
            return DateReading(dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d"))))
        m = _WEST_MONTH_RE.match(text)
        if m:
            return DateReading(dt.date(int(m.group("y")), int(m.group("m") or m.group("m2")), 1), True)
    except ValueError:
        return DateReading(None)
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return read_date(float(text))
    return DateReading(None)


def to_wareki(day: dt.date) -> str:
    """2027-04-01 → 令和9年4月1日 (元年 for year 1)."""
    for era, start in reversed(ERAS.items()):
        if day >= start:
            year = day.year - start.year + 1
            return f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return day.isoformat()


def wareki_month(day: dt.date) -> str:
    """「令和9年4月現在」 style stamp (without 現在)."""
    text = to_wareki(day)
    return text[: text.index("月") + 1]


# --- postal codes -----------------------------------------------------------------
def normalize_postal(value: object) -> tuple[str, bool]:
    """'〒2890000' / '289-0000' / '２８９－００００' → ('289-0000', True); otherwise (text, False)."""
    text = clean_value(value).replace("〒", "").strip()
    if not text:
        return "", True
    digits = _digits(text)
    if len(digits) == 7 and re.fullmatch(r"\d{3}\s*[-]?\s*\d{4}", text):
        return f"{digits[:3]}-{digits[3:]}", True
    return text, False


# --- e-mail / URL -----------------------------------------------------------------
# local part @ labels of letters, digits and hyphens joined by dots; the last label (top-level domain) is two
# letters or more, or an internationalised one (xn--…). info@example.jp, a.b+c@mail.city.example.lg.jp
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+(?:[A-Za-z]{2,}|xn--[A-Za-z0-9\-]+)")


def is_email(text: str) -> bool:
    """The one rule for "this is an e-mail address" (the whole text, already clean): audit's invalid-email, import,
    collect and the clickable mailto: links of the Excel export all ask this."""
    return _EMAIL.fullmatch(text) is not None
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$|^https?://[^\s/$.?#][^\s]*$")


def normalize_email(value: object) -> tuple[str, bool]:
    text = clean_value(value).replace("＠", "@").strip()
    text = re.sub(r"^(mailto:|メール[:：]?|E-?mail[:：]?)", "", text, flags=re.I).strip()
    if not text:
        return "", True
    return text, is_email(text)


def normalize_url(value: object) -> tuple[str, bool]:
    text = clean_value(value).strip()
    if not text:
        return "", True
    if re.match(r"^www\.", text):
        text = "https://" + text
    return text, bool(URL_RE.match(text)) and " " not in text


def plain_phone_form(value: str) -> tuple[str, bool] | None:
    """(national form, mobile?) of a cell already written as a plain number of 10–11 digits (0479-62-1111,
    0479621111) that is valid: what :func:`normalize_phone` gives for it (valid, no note, no area code added),
    without building a Phone (import's hot path: 20,000 rows, 1–2 numbers each). None otherwise: ask
    :func:`normalize_phone`."""
    if value.__class__ is not str or not _PLAIN_PHONE.fullmatch(value):
        return None
    digits = value.replace("-", "")
    if len(digits) < 10:
        return None
    key = (digits[:6], len(digits))
    if key not in _GROUPING:  # a first number with these leading digits: the one rule (it remembers the grouping)
        phone = normalize_phone(value)
        return (phone.number, phone.mobile) if phone.valid else None
    groups = _GROUPING[key]
    if groups is None:
        return None
    parts, i = [], 0
    for g in groups:
        parts.append(digits[i:i + g])
        i += g
    number = "-".join(parts)
    return number, number.startswith(_MOBILE_PREFIX)
