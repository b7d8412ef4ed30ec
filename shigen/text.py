"""Japanese text normalisation for catalogue values.

Every function here is pure and small. Names are never NFKC-normalised wholesale
(㈱ and 髙 stay as written); only width, kana and dash variants are folded where the
field's kind calls for it.
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
    """Key for comparing names: legal forms, width, kana type, spacing and punctuation folded.

    ``name_key("㈱ みどり配食") == name_key("みどり配食株式会社") == name_key("ﾐﾄﾞﾘ配食")`` is not promised
    (kana vs kanji differ), but the first two are equal.
    """
    text = unicodedata.normalize("NFKC", name or "")  # only for the key: ㈱ → (株)
    text = _LEGAL_RE.sub("", text)
    text = _NOT_WORD.sub("", text)
    text = to_hiragana(text).lower()
    # long vowel marks keep meaning inside katakana words, but are noise between kanji
    return text


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


def address_key(address: str) -> str:
    text = unicodedata.normalize("NFKC", address or "")
    text = re.sub(r"\s+", "", text)
    text = re.sub(r"[‐－―ー−]", "-", text)
    text = re.sub(r"(\d+)丁目", r"\1-", text)
    text = re.sub(r"(\d+)番地?", r"\1-", text)
    text = re.sub(r"(\d+)号", r"\1", text)
    return text.rstrip("-")


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


@lru_cache(maxsize=65536)
def normalize_phone(value: str, default_area_code: str = "") -> Phone:
    """One phone number → national hyphenated form (0479-62-1111) using phonenumbers."""
    import phonenumbers

    raw = clean_value(value)
    if not raw:
        return Phone("", False)
    text = fold_dashes(raw).replace("（", "(").replace("）", ")")
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
_WEST_RE = re.compile(r"^(?P<y>\d{4})\s*[年./\-]\s*(?P<m>\d{1,2})\s*[月./\-]\s*(?P<d>\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$")
_COMPACT_RE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object) -> dt.date | None:
    """Excel dates, serials, 2023/4/1, 2023-04-01, 2023年4月1日, 令和5年4月1日, R5.4.1, H31.4.1 → date."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return None
        if 20000 < value < 80000:  # Excel serial days (1954…2119)
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        return None
    text = fold_width(str(value)).strip()
    if not text:
        return None
    text = re.sub(r"\s*(現在|時点|確認|頃)$", "", text)
    text = re.sub(r"[（(][月火水木金土日][)）]", "", text).strip()
    m = _ERA_RE.match(text)
    try:
        if m:
            era = _ERA_ABBR.get(m.group("era").upper(), m.group("era"))
            era = _ERA_ABBR.get(era, era)
            start = ERAS[era]
            year = 1 if m.group("y") == "元" else int(m.group("y"))
            result = dt.date(start.year + year - 1, int(m.group("m")), int(m.group("d")))
            later = [d for d in ERAS.values() if d > start]
            if result < start or (later and result >= min(later)):
                return None  # 平成32年 or 昭和1年1月1日 never existed
            return result
        m = _WEST_RE.match(text) or _COMPACT_RE.match(text)
        if m:
            return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return parse_date(float(text))
    return None


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
EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$|^https?://[^\s/$.?#][^\s]*$")


def normalize_email(value: object) -> tuple[str, bool]:
    text = clean_value(value).replace("＠", "@").strip()
    text = re.sub(r"^(mailto:|メール[:：]?|E-?mail[:：]?)", "", text, flags=re.I).strip()
    if not text:
        return "", True
    return text, bool(EMAIL_RE.match(text))


def normalize_url(value: object) -> tuple[str, bool]:
    text = clean_value(value).strip()
    if not text:
        return "", True
    if re.match(r"^www\.", text):
        text = "https://" + text
    return text, bool(URL_RE.match(text)) and " " not in text
