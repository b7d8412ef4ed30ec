"""The column mapper: which field each column of a list holds, decided from its header *and* its values.

Every column is scored against every target:

* **header evidence** — the schema's header or a synonym (1.0), an entity prefix stripped
  (「事業所－電話番号」「法人住所（市区町村）」, 0.9), a field named in parentheses
  (「特徴（対応エリアなど）」, 0.95), the first part of a combined header (「受付時間・定休日」, 0.8),
  English open-data property names (telephone, postalCode …, 1.0), loose rules (0.5);
* **value evidence** — the share of the column's values that look like phone numbers, postal codes,
  URLs, e-mail addresses, addresses, cities, kana, dates, service types, coordinates, row numbers.
  A column whose values are not phone numbers never becomes 電話番号 (and so on for 〒, URL, メール, dates);
  a column of well-shaped values with an unknown header is proposed for the field its values fit.

The best-scoring assignment wins, one column per field (phones, address parts, labelled notes and extra
columns may take several). A column that loses its field goes to its runner-up or, when none fits, to an
extra column of the master (staff only, never the public 備考).

**Entity groups**: headers prefixed 申請者／法人／設置者／開設者／運営法人 belong to the organisation, those
prefixed 事業所／施設／住居／店舗 to the service. When both are present (or the organisation next to
unprefixed service columns), the organisation's name goes to 運営主体 and its address, postal code,
phone, FAX, URL and e-mail to 備考 with their labels (「申請者-住所: …」) — never into the service's fields.

Why this file is long (~490 lines): the header and value evidence and the scoring that weighs them are one decision,
documented above.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .. import schema as S
from ..text import clean_text, is_email
from . import columns as C

# --- header analysis -----------------------------------------------------------------------------------
ORG_PREFIX = re.compile(
    r"^(申請者|設置者|開設者|運営法人|経営主体|設置主体|運営主体|法人|事業者|運営者)(?:の|[-－ー―_・/／:：]|(?=[^\s]))(.+)$")
SERVICE_PREFIX = re.compile(
    r"^(介護サービス事業所|サービス提供事業所|障害福祉サービス事業所|事業所|施設|住居|店舗|拠点)(?:の|[-－ー―_・/／:：]|(?=[^\s]))(.+)$")
# words left after a prefix → target (besides the schema's own synonyms)
PART_WORDS = {
    "名": "name", "名称": "name", "名前": "name", "かな": "kana", "カナ": "kana", "名称_かな": "kana",
    "名称_カナ": "kana", "名称かな": "kana", "名称カナ": "kana", "名_かな": "kana", "フリガナ": "kana",
    "住所": "address", "所在地": "address", "郵便番号": "postal_code", "電話番号": "phone", "電話": "phone",
    "fax番号": "fax", "fax": "fax", "url": "url", "ホームページ": "url", "メールアドレス": "email", "メール": "email",
    "番号": C.FOREIGN_ID, "id": C.FOREIGN_ID, "地域": "district", "種別": C.EXTRA_COLUMN,
}
ORG_KINDS = ("name", "kana", "address", "postal_code", "phone", "fax", "mobile", "url", "email")
ORG_NOTE = "org"  # targets "org:address", "org:phone" …: the organisation's details → 備考, labelled
NOTE_LABELLED = "note_labelled"  # kept in 備考 as 「見出し: 値」 (定員, 利用可能日時特記事項 …)
PHONE_EXTENSION = "phone_ext"  # 内線番号: appended to the phone as 「(内線45)」
LATLON = "latlon"  # one cell holding 「34.35,133.99」 → 緯度 / 経度 extra columns
MULTI = {PHONE_EXTENSION, "phone", "mobile", "fax", C.ADDRESS_PART, C.ADDRESS_PREFIX, C.FOREIGN_ID, C.EXTRA_COLUMN, C.ROW_NUMBER,
         C.UNMAPPED, C.IGNORE, C.COMPUTED, NOTE_LABELLED, "genre"}

# English open-data property names (LinkData / 推奨データセット / GeoJSON) → target, and a Japanese label
ENGLISH: dict[str, tuple[str, str]] = {
    "name": ("name", "名称"), "title": ("name", "名称"), "label": ("name", "名称"), "facilityname": ("name", "名称"),
    "kana": ("kana", "ふりがな"), "namekana": ("kana", "ふりがな"), "name_kana": ("kana", "ふりがな"),
    "furigana": ("kana", "ふりがな"), "address": ("address", "住所"), "add1": ("address", "住所"),
    "add2": (C.ADDRESS_PART, "住所"), "address1": ("address", "住所"), "address2": (C.ADDRESS_PART, "住所"),
    "address3": (C.ADDRESS_PART, "住所"), "streetaddress": ("address", "住所"), "city": (C.ADDRESS_PREFIX, "市区町村"),
    "prefecture": (C.ADDRESS_PREFIX, "都道府県"), "pref": (C.ADDRESS_PREFIX, "都道府県"),
    "postalcode": ("postal_code", "郵便番号"), "postcode": ("postal_code", "郵便番号"), "zip": ("postal_code", "郵便番号"),
    "zipcode": ("postal_code", "郵便番号"), "telephone": ("phone", "電話番号"), "telephonenumber": ("phone", "電話番号"),
    "tel": ("phone", "電話番号"), "phone": ("phone", "電話番号"), "phonenumber": ("phone", "電話番号"),
    "fax": ("fax", "FAX"), "faxnumber": ("fax", "FAX"), "mobile": ("mobile", "携帯電話"),
    "email": ("email", "メール"), "mail": ("email", "メール"), "url": ("url", "URL"), "website": ("url", "URL"),
    "homepage": ("url", "URL"), "referenceobject": ("url", "URL"), "note": ("notes", "備考"),
    "notes": ("notes", "備考"), "remarks": ("notes", "備考"), "description": ("content", "サービス内容"),
    "service": ("content", "サービス内容"), "services": ("content", "サービス内容"),
    "type": ("genre", "種別"), "category": ("genre", "種別"), "subtype": ("genre", "種別(小分類)"),
    "genre": ("genre", "ジャンル"), "organization": ("operator", "運営主体"), "organisation": ("operator", "運営主体"),
    "operator": ("operator", "運営主体"), "provider": ("operator", "運営主体"),
    "availableday": ("days", "利用可能曜日"), "availabledays": ("days", "利用可能曜日"),
    "availabledate": ("days", "利用可能曜日"), "dayofweek": ("days", "利用可能曜日"),
    "openinghours": ("hours", "営業時間"), "opens": ("hours", "営業時間"), "starttime": ("hours", "開始時間"),
    "endtime": (C.HOURS_END, "終了時間"), "closes": (C.HOURS_END, "終了時間"),
    "closedday": ("closed_days", "定休日"), "closeddays": ("closed_days", "定休日"), "holiday": ("closed_days", "定休日"),
    "availabledatenote": (NOTE_LABELLED, "利用可能日時特記事項"), "availabledaynote": (NOTE_LABELLED, "利用可能日時特記事項"),
    "capacity": (NOTE_LABELLED, "定員"), "fee": ("fee", "料金"), "price": ("fee", "料金"), "target": ("target", "対象者"),
    "area": ("area", "対応エリア"), "latitude": (C.EXTRA_COLUMN, "緯度"), "lat": (C.EXTRA_COLUMN, "緯度"),
    "longitude": (C.EXTRA_COLUMN, "経度"), "lon": (C.EXTRA_COLUMN, "経度"), "lng": (C.EXTRA_COLUMN, "経度"),
    "long": (C.EXTRA_COLUMN, "経度"), "location": (LATLON, "位置"), "id": (C.FOREIGN_ID, "元のID"),
    "hid": (C.FOREIGN_ID, "元のID"), "no": (C.ROW_NUMBER, "番号"), "#property": (C.ROW_NUMBER, "番号"),
    "image": (C.EXTRA_COLUMN, "画像"), "photo": (C.EXTRA_COLUMN, "画像"),
}
# Japanese headers that go to 備考 with their label, and other headers this mapper knows
LABELLED_HEADERS = ("定員", "利用定員", "入所定員", "利用可能日時特記事項", "診療科目",
                    "バリアフリー情報", "駐車場", "アクセス", "交通手段", "最寄り駅", "受付時間帯")
# Columns that name the service type (介護保険・障害福祉 の指定サービス)
SERVICE_TYPE_HEADERS = ("サービス種類", "サービスの種類", "サービス種別", "実施サービス", "提供サービス", "サービス種別名",
                        "事業の種類", "施設種別", "施設の種類", "事業種別")
WEAK_NAME = {"団体名", "提供者", "事業者", "事業所", "サービス名", "提供事業者", "地方公共団体名", "担当課", "所管課"}
STAFF_HEADERS = {"地方公共団体名", "地方公共団体コード", "指定機関名", "指定年月日", "指定日", "更新年月日"}

_BRACKET_INNER = re.compile(r"[(（\[【]([^)）\]】]*)[)）\]】]")
_SEP = re.compile(r"[・/／、,]")


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _english(key: str) -> tuple[str, str] | None:
    k = key.replace("-", "").replace(" ", "")
    return ENGLISH.get(k) or ENGLISH.get(k.replace("_", ""))


@dataclass
class Candidate:
    target: str
    score: float
    why: str


@dataclass
class HeaderInfo:
    text: str
    entity: str = ""  # "org" / "service" / ""
    prefix: str = ""
    label: str = ""  # Japanese label for notes / extra columns
    candidates: list[Candidate] = field(default_factory=list)


def analyse_header(text: str) -> HeaderInfo:
    """Header-only candidates for one column (best first)."""
    info = HeaderInfo(text, label=text)
    if not text:
        return info
    key = _key(text)
    cands: list[Candidate] = []

    def add(target: str, score: float, why: str) -> None:
        if target and not any(c.target == target and c.score >= score for c in cands):
            cands.append(Candidate(target, score, why))

    en = _english(key) if key not in C._synonym_table() or C._synonym_table()[key] != "id" else None
    if en is not None:
        add(en[0], 1.0, f"英語の項目名『{text}』")
        info.label = en[1]
    if text in LABELLED_HEADERS or key in {_key(h) for h in LABELLED_HEADERS}:
        add(NOTE_LABELLED, 1.0, f"『{text}』は備考に見出し付きで残す項目")
    if any(key == _key(h) for h in SERVICE_TYPE_HEADERS):
        add("genre", 1.0, f"『{text}』はサービスの種類")
    if key in {_key(h) for h in STAFF_HEADERS}:
        add(C.EXTRA_COLUMN, 1.0, f"『{text}』は職員向けの追加列に残す項目")
    table = C._synonym_table()
    if key in table:
        t = table[key]
        base = 0.8 if text in WEAK_NAME or key in {_key(w) for w in WEAK_NAME} else 1.0
        add(t, base, f"見出し『{text}』は{C.target_label(t)}の名前")
    # entity prefix
    m = ORG_PREFIX.match(key)
    entity = "org" if m else ""
    if not m:
        m = SERVICE_PREFIX.match(key)
        entity = "service" if m else ""
    if m:
        part = m.group(2).strip("-－ー―_・/／:： ")
        part_t = PART_WORDS.get(part) or PART_WORDS.get(_BRACKETS_RE.sub("", part)) or C.match_header(part)
        if part_t and part_t != C.UNMAPPED:
            info.entity, info.prefix = entity, m.group(1)
            add(part_t, 0.9, f"『{m.group(1)}』の{C.target_label(part_t)}")
        elif entity == "org" and key in table and table[key] == "operator":
            info.entity = "org"
    elif cands and cands[0].target == "operator":
        info.entity = "org"
    # a field named in parentheses: 「特徴（対応エリアなど）」
    for inner in _BRACKET_INNER.findall(key):
        inner = re.sub(r"(など|等|ほか|含む)$", "", inner.strip("※*＊ "))
        t = table.get(inner) or (C.match_header(inner) if len(inner) >= 2 else "")
        if t in S.FIELD_BY_KEY and t not in ("notes", "contact_person", "id"):
            add(t, 0.95, f"括弧の中の『{inner}』")
    whole = C.match_header(text)
    if whole and whole != C.UNMAPPED:
        add(whole, 0.9 if "/" in key else 0.7, f"見出し『{text}』の語")
    stripped = _BRACKETS_RE.sub("", C._NOTE_TAIL.sub("", key)).strip("・:：/")
    if stripped and stripped != key:
        t = table.get(stripped) or C.match_header(stripped)
        if t:
            add(t, 0.85, f"『{stripped}』(括弧・注記を除く)")
    parts = [p for p in _SEP.split(stripped or key) if p]
    if len(parts) > 1:
        for i, p in enumerate(parts):
            t = table.get(p) or C.match_header(p)
            if t:
                add(t, 0.8 if i == 0 else 0.55, f"見出しの{'最初' if i == 0 else '後'}の語『{p}』")
    if not cands:
        t = C.match_header(text)
        if t and t != C.UNMAPPED:
            add(t, 0.5 if len(key) <= 12 else 0.3, f"見出しの語から『{text}』→{C.target_label(t)}")
    cands.sort(key=lambda c: -c.score)
    info.candidates = cands
    return info


_BRACKETS_RE = re.compile(r"[(（\[【<〈《][^)）\]】>〉》]*[)）\]】>〉》]")

# --- value evidence ------------------------------------------------------------------------------------
_PREF = r"(?:北海道|東京都|(?:京都|大阪)府|.{2,3}県)"
_PHONE_VALUE = re.compile(r"^(?:TEL|tel|Tel|電話|代表|携帯|FAX|fax)?\s*[:：.]?\s*[(（]?(?:\+\s*81|0)[\d()（）\-\s]{8,16}")
_PHONE_ANYWHERE = re.compile(r"(?<![\d\-])(?:\+\s*81[\s\-]*|0)\d{1,4}[)）\-\s]{0,2}\d{1,4}[)）\-\s]{0,2}\d{3,4}(?![\d\-])")
_POSTAL_VALUE = re.compile(r"^〒?\s*\d{3}-?\d{4}$")
_URL_VALUE = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
_CITY_VALUE = re.compile(rf"^(?:{_PREF}(?:[^\d\s]{{1,8}}?(?:市|郡))?|[^\d\s]{{1,8}}?(?:市|郡))[^\d\s]{{0,6}}?(?:市|区|町|村)$|^{_PREF}$|^[^\d\s]{{1,6}}市$")
_ADDRESS_VALUE = re.compile(rf"(?:^{_PREF}|[市区町村郡]).*\d|\d+(?:丁目|番地?|号)|^[^\d\s]{{1,10}}\d+(?:-\d+)*")
_KANA_VALUE = re.compile(r"^[\u3040-\u309f\u30a0-\u30ff\uff66-\uff9f\s・ー－\-（）()]+$")
_DATE_VALUE = re.compile(r"^(?:\d{4}[/.\-年]\d{1,2}[/.\-月]\d{1,2}日?|(?:令和|平成|昭和|R|H|S)\s*(?:\d{1,2}|元)[年.]\d{1,2}[月.]\d{1,2}日?)$")
_INT_VALUE = re.compile(r"^\d{1,6}$")
_LATLON_VALUE = re.compile(r"^-?\d{1,3}\.\d+\s*,\s*-?\d{1,3}\.\d+$")
_FLOAT_VALUE = re.compile(r"^-?\d{1,3}\.\d{3,}$")
_CORP_VALUE = re.compile(r"株式会社|有限会社|合同会社|社会福祉法人|医療法人|特定非営利活動法人|NPO|一般社団法人|一般財団法人|"
                         r"公益社団法人|公益財団法人|社団法人|財団法人|協同組合|社会福祉協議会|\(株\)|\(有\)|㈱|㈲")
_TIME_VALUE = re.compile(r"\d{1,2}\s*[:：時]\s*\d{0,2}")
_DAYS_VALUE = re.compile(r"^[月火水木金土日祝・、,曜毎週第\d～〜\-及びと(（)）]+$")


@dataclass
class ValueShape:
    n: int = 0
    shares: dict[str, float] = field(default_factory=dict)
    unique: float = 1.0
    avg_len: float = 0.0

    def share(self, kind: str) -> float:
        return self.shares.get(kind, 0.0)


def value_shape(values: list[Any]) -> ValueShape:
    from .values import raw_text

    texts = []
    for v in values:
        if v is None:
            continue
        if isinstance(v, float) and v.is_integer() and 8 <= len(str(int(v))) <= 10:
            texts.append(("num", str(int(v))))
            continue
        t = clean_text(raw_text(v))
        if t:
            texts.append(("str" if isinstance(v, str) else "num", t))
    out = ValueShape(len(texts))
    if not texts:
        return out
    counts: dict[str, int] = {}
    seen: dict[tuple[str, str], list[str]] = {}  # a column repeats values (genres, days): each distinct one once
    for kind, t in texts:
        shapes = seen.get((kind, t))
        if shapes is None:
            shapes = seen[(kind, t)] = _shapes(kind, t)
        for s in shapes:
            counts[s] = counts.get(s, 0) + 1
    out.shares = {k: v / len(texts) for k, v in counts.items()}
    out.unique = len({t for _, t in texts}) / len(texts)
    out.avg_len = sum(len(t) for _, t in texts) / len(texts)
    return out


_DASH_VARIANTS = re.compile(r"[－−‐‑‒–—―ｰ]")
_NOT_DIGIT = re.compile(r"\D")


def _shapes(kind: str, t: str) -> list[str]:
    """The shapes one value has (phone, postal, url, email, city, address, kana, date …) for :func:`value_shape`."""
    from ..model import service_type_of

    t1 = t.split("\n")[0].strip()
    folded = _DASH_VARIANTS.sub("-", t1)
    shapes = []
    digits = _NOT_DIGIT.sub("", folded)
    pm = _PHONE_VALUE.match(folded) or _PHONE_ANYWHERE.search(folded)
    if pm and 9 <= len(_NOT_DIGIT.sub("", pm.group(0))) <= 13:
        shapes.append("phone")
    elif kind == "num" and digits.isdigit() and 9 <= len(digits) <= 10 and not digits.startswith("0"):
        shapes.append("phone")  # Excel dropped the leading 0
    if _POSTAL_VALUE.match(folded):
        shapes.append("postal")
    if _URL_VALUE.match(t1):
        shapes.append("url")
    if is_email(t1):
        shapes.append("email")
    if _CITY_VALUE.match(t1) and not t1.endswith(("地区", "学区", "校区", "圏域", "地域")):
        shapes.append("city")
    elif _ADDRESS_VALUE.search(folded) and not _PHONE_VALUE.match(folded) and len(t1) >= 4:
        shapes.append("address")
    if _KANA_VALUE.match(t1):
        shapes.append("kana")
    if _DATE_VALUE.match(t1):
        shapes.append("date")
    if _INT_VALUE.match(t1):
        shapes.append("int")
    if _LATLON_VALUE.match(t1):
        shapes.append("latlon")
    if _FLOAT_VALUE.match(t1):
        shapes.append("float")
    if _CORP_VALUE.search(t1):
        shapes.append("corp")
    if _TIME_VALUE.search(t1):
        shapes.append("time")
    if _DAYS_VALUE.match(t1):
        shapes.append("days")
    if service_type_of(t1):
        shapes.append("service_type")
    if t1 in ("○", "〇", "×", "✕", "有", "無", "あり", "なし", "可", "不可", "◯", "●", "-"):
        shapes.append("flag")
    return shapes


_NEEDS = {"phone": "phone", "mobile": "phone", "fax": "phone", C.COMBINED_PHONE_FAX: "phone", "postal_code": "postal",
          "url": "url", "email": "email", "last_confirmed": "date", "updated_at": "date"}
_SHAPE_FIELD = (("phone", "phone", "電話番号の形"), ("postal", "postal_code", "郵便番号の形"), ("url", "url", "URL の形"),
                ("email", "email", "メールアドレスの形"), ("latlon", LATLON, "緯度,経度の形"),
                ("service_type", "genre", "介護保険・障害福祉のサービス名"), ("address", "address", "住所の形"),
                ("kana", "kana", "かな"), ("date", C.EXTRA_COLUMN, "日付"))


_SHAPE_NAMES = {"phone": "電話番号", "postal": "郵便番号", "url": "URL", "email": "メールアドレス", "date": "日付"}


def value_factor(target: str, shape: ValueShape) -> tuple[float, str]:
    """How far the values support a header's target (1 = fully, 0 = veto) and why."""
    if shape.n == 0:
        return 0.85, "値なし"
    base = target.split(":", 1)[1] if target.startswith(ORG_NOTE + ":") else target
    need = _NEEDS.get(base)
    if need:
        s = shape.share(need)
        if need == "phone" and base != "fax" and s < 0.6:
            s = max(s, shape.share("phone"))
        if s >= 0.6:
            return 1.0, f"値の {s:.0%} が{_SHAPE_NAMES[need]}の形"
        if s < 0.3 and not (need == "date" and shape.share("int") > 0.6):
            return 0.0, f"値が{_SHAPE_NAMES[need]}の形ではない({s:.0%})"
        return 0.5, f"値の {s:.0%} だけが形に合う"
    if base in ("name", "operator"):
        bad = max(shape.share("phone"), shape.share("url"), shape.share("postal"), shape.share("date"), shape.share("int"))
        if bad > 0.5:
            return 0.0, "値が名前ではない(番号・URL・日付)"
        f = 0.6 + 0.4 * shape.unique if base == "name" else 1.0
        if base == "name" and shape.share("kana") > 0.8:
            f *= 0.6
        return f, f"値の {shape.unique:.0%} が互いに違う" if base == "name" else "名前の値"
    if base == "kana":
        s = shape.share("kana")
        return (1.0, f"値の {s:.0%} がかな") if s >= 0.6 else (0.3, "値がかなではない")
    if base == "address":
        s = shape.share("address") + shape.share("city")
        if shape.share("phone") > 0.6:
            return 0.1, "値が電話番号"
        return (1.0, f"値の {s:.0%} が住所の形") if s >= 0.5 else (0.7, "住所の形の値が少ない")
    if base == "district":
        if shape.share("city") >= 0.6:
            return 0.2, "値が市区町村名(住所の一部)"
        return 1.0, ""
    if base == "category":
        if shape.share("service_type") >= 0.5:
            return 0.3, "値がサービスの種類(ジャンル)"
        return 1.0, ""
    if base == C.ROW_NUMBER:
        return (1.0, "値が連番") if shape.share("int") >= 0.8 else (0.4, "値が連番ではない")
    if base in ("hours",):
        return (1.0, "値が時刻") if shape.share("time") >= 0.5 or shape.avg_len > 0 else (0.8, "")
    return 1.0, ""


@dataclass
class Decision:
    index: int
    header: str
    target: str
    score: float = 0.0
    why: str = ""
    runner_up: str = ""
    runner_score: float = 0.0
    entity: str = ""
    label: str = ""
    from_mapping: bool = False


def decide(headers: list[str], columns: list[list[Any]], mapping: C.Mapping | None = None) -> list[Decision]:
    """One Decision per column that has a header or values (see the module docstring)."""
    infos: list[HeaderInfo] = []
    shapes: list[ValueShape] = []
    for c, text in enumerate(headers):
        infos.append(analyse_header(text))
        shapes.append(value_shape(columns[c] if c < len(columns) else []))
    has_org = any(i.entity == "org" and any(k.target == "name" for k in i.candidates) for i in infos)
    has_service_name = any(i.entity != "org" and i.candidates and i.candidates[0].target == "name" for i in infos)
    split_org = has_org and has_service_name

    scored: list[tuple[float, int, str, str]] = []  # (score, column, target, why)
    per_col: dict[int, list[tuple[float, str, str]]] = {}
    fixed: dict[int, Decision] = {}
    for c, (info, shape) in enumerate(zip(infos, shapes, strict=True)):
        text = headers[c]
        if not text and shape.n == 0:
            continue
        if mapping is not None and text:
            t = mapping.get(text)
            if t is not None:
                fixed[c] = Decision(c, text, t, 1.0, mapping.reason(text), from_mapping=True, label=info.label)
                continue
        options: list[tuple[float, str, str]] = []
        for cand in info.candidates:
            target = cand.target
            if split_org and info.entity == "org":
                if target == "name":
                    target = "operator"
                elif target in ORG_KINDS or target in (C.ADDRESS_PART, C.ADDRESS_PREFIX):
                    base = "address" if target in (C.ADDRESS_PART, C.ADDRESS_PREFIX) else target
                    target = f"{ORG_NOTE}:{base}" if base != "kana" else C.EXTRA_COLUMN
                elif target == "district":
                    target = f"{ORG_NOTE}:address"
            factor, why_v = value_factor(target, shape)
            if target == "district" and factor < 0.5 and shape.share("city") >= 0.6:
                options.append((cand.score * 0.9, C.ADDRESS_PREFIX, f"{cand.why}; {why_v}"))
            options.append((cand.score * factor, target, f"{cand.why}" + (f"; {why_v}" if why_v else "")))
            if factor == 0.0 and target in ("phone", "mobile", "fax", C.COMBINED_PHONE_FAX):
                options.append((cand.score * 0.7, NOTE_LABELLED, f"{cand.why}; {why_v} → 備考に見出し付きで"))
        # values alone
        for kind, target, why in _SHAPE_FIELD:
            s = shape.share(kind)
            if s >= 0.8 and shape.n >= 1:
                if split_org and info.entity == "org" and target in ORG_KINDS:
                    target = f"{ORG_NOTE}:{target}"
                score = 0.45 * s if text else 0.6 * s
                if kind == "service_type" and any(o[1] in ("content", "genre", "category") for o in options):
                    score = 1.05  # 「service」 / 区分 holding 通所介護 …: the genre column
                if kind == "date":
                    score = 0.2
                options.append((score, target, f"値の {s:.0%} が{why}"))
        if not text and c > 0 and shape.n:
            left = fixed.get(c - 1) or next((d for d in [_best(per_col.get(c - 1, []))] if d), None)
            left_target = left.target if isinstance(left, Decision) else (left[1] if left else "")
            if left_target and (left_target in ("address", C.ADDRESS_PART, C.ADDRESS_PREFIX)
                                or left_target == f"{ORG_NOTE}:address") and shape.share("phone") < 0.3:
                part = f"{ORG_NOTE}:address" if left_target.startswith(ORG_NOTE) else C.ADDRESS_PART
                options.append((0.8, part, "見出しのない列: 左の住所の列の続き(結合を解除した跡)"))
        options.sort(key=lambda o: -o[0])
        per_col[c] = options
        for score, target, why in options:
            scored.append((score, c, target, why))

    # best assignment: greedy by score, one column per field (MULTI targets may take several)
    scored.sort(key=lambda x: (-x[0], x[1]))
    chosen: dict[int, tuple[float, str, str]] = {}
    taken: dict[str, int] = {d.target: c for c, d in fixed.items() if d.target not in MULTI}
    for score, c, target, why in scored:
        if c in chosen or score < 0.25:
            continue
        base = target
        if base in taken and base not in MULTI and not base.startswith(ORG_NOTE):
            continue
        if base == "address" and "address" in taken:
            continue
        chosen[c] = (score, target, why)
        taken.setdefault(base, c)

    out: list[Decision] = []
    for c, text in enumerate(headers):
        if c in fixed:
            out.append(fixed[c])
            continue
        if c not in per_col:
            continue
        info = infos[c]
        options = per_col[c]
        if c in chosen:
            score, target, why = chosen[c]
        else:
            lost = options[0][1] if options else ""
            target = C.EXTRA_COLUMN if lost in taken else C.UNMAPPED
            score = 0.0
            why = (f"{C.target_label(lost)}はほかの列({column_letter(taken.get(lost, 0))}列)に決まったため、追加列に残す"
                   if lost in taken else "当たる項目がないため、追加列(職員向け)に残す")
            if lost in ("address",) and shapes[c].share("address") + shapes[c].share("city") > 0.5:
                target, why = C.ADDRESS_PART, "2つ目の住所の列: 住所につなげる"
            elif lost in LABELLED_FIELDS and lost in taken:
                target = NOTE_LABELLED
                why = f"{C.target_label(lost)}はほかの列({column_letter(taken[lost])}列)に決まったため、備考に見出し付きで残す"
        runner = next(((s, t) for s, t, _ in options if t != target and s > 0), (0.0, ""))
        out.append(Decision(c, text, target, round(score, 2), why, runner[1] if runner[0] >= 0.6 * max(score, 0.01) else "",
                            round(runner[0], 2), info.entity, info.label or text))
    # address parts: the column that won 住所 is the base; other address columns of the same entity join it
    return out


LABELLED_FIELDS = {"notes", "content", "target", "fee", "apply", "payment", "days", "hours", "closed_days", "area"}


def column_letter(index: int) -> str:
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _best(options: list[tuple[float, str, str]]) -> tuple[float, str, str] | None:
    return options[0] if options else None
