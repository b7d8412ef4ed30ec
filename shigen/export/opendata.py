"""Open data that conforms: 自治体標準オープンデータセット「介護サービス事業所一覧」, and shigen's「保険外サービス一覧」.

``shigen export --format opendata`` writes one CSV whose columns are exactly the standard's, in its order
(:data:`CARE_COLUMNS`), with the municipality's 全国地方公共団体コード (設定『自治体コード』, checked by
:mod:`shigen.lgcode`), and a data dictionary beside it (``…_項目定義.csv``: column, meaning, type, required).

- Rows: the publishable records (:func:`.select.select`, audience public) of 区分 介護保険サービス; with
  ``--dataset 保険外サービス一覧`` every other publishable record, in the same style (:data:`OTHER_COLUMNS`,
  shigen's extension of the standard, documented in docs/export.md).
- NO is the number of the record's ID (S00012 → 12): it stays the same from one year's file to the next.
- 名称_カナ is the ふりがな in full-width katakana, else the stored ふりがな候補 (`shigen kana`; reported). 住所 starts with the prefecture and has the building
  (方書) split off when it can be told apart. A record that lacks a required column is listed and left out.
- UTF-8 with BOM (Excel opens it), or cp932 (characters it cannot hold become 〓 and are reported).

Why this file is long (~530 lines): the standard's columns, their mapping from the catalogue and the data dictionary
must be read side by side against the standard.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import lgcode
from .. import schema as S
from ..errors import UsageError
from ..model import Catalogue, Record
from ..reading import SUGGESTED_KEY
from ..text import fold_width, to_katakana
from . import ExportResult
from .csv import Replacement, inert, to_cp932
from .files import clean_cell

if TYPE_CHECKING:
    from ..workspace import Workspace
    from . import ExportOptions
    from .select import Selection

DATASET_CARE = "介護サービス事業所一覧"
DATASET_OTHER = "保険外サービス一覧"
DATASETS = (DATASET_CARE, DATASET_OTHER)
FILE_STEMS = {DATASET_CARE: "care_service", DATASET_OTHER: "non_insurance_service"}  # {code}_care_service.csv
DICTIONARY_SUFFIX = "_項目定義"
CATEGORY_CARE = "介護保険サービス"
MULTI_SEPARATOR = ";"  # several values in one cell (実施サービス)


@dataclass(frozen=True)
class OpenColumn:
    header: str
    meaning: str
    type: str  # 文字列 / 数値 / コード
    required: bool = False
    example: str = ""

    def to_row(self) -> tuple[str, str, str, str, str]:
        return (self.header, self.meaning, self.type, "必須" if self.required else "任意", self.example)


CODE = "都道府県コード又は市区町村コード"
NO = "NO"
PREFECTURE = "都道府県名"
CITY = "市区町村名"

_MUNICIPALITY_COLUMNS = (
    OpenColumn(CODE, "データを公開する団体の全国地方公共団体コード(6桁、最後の1桁は検査数字)", "コード", True, "122157"),
    OpenColumn(NO, "データの番号。shigen の台帳の ID の数字で、年度が変わっても同じ資源は同じ番号", "数値", True, "12"),
    OpenColumn(PREFECTURE, "データを公開する団体の都道府県名", "文字列", False, "千葉県"),
    OpenColumn(CITY, "データを公開する団体の市区町村名", "文字列", False, "旭市"),
)

CARE_COLUMNS: tuple[OpenColumn, ...] = (
    *_MUNICIPALITY_COLUMNS,
    OpenColumn("介護サービス事業所名称", "事業所の名称", "文字列", True, "みどり訪問介護ステーション"),
    OpenColumn("介護サービス事業所名称_カナ", "事業所の名称の読み(全角カタカナ)", "文字列", True, "ミドリホウモンカイゴステーション"),
    OpenColumn("実施サービス", "実施する介護保険サービスの種類(複数は ; で区切る)", "文字列", True, "訪問介護"),
    OpenColumn("住所", "所在地。都道府県名から番地まで(建物名は方書へ)", "文字列", True, "千葉県旭市ニ1920"),
    OpenColumn("方書", "建物名・部屋番号など", "文字列", False, "旭ハイツ101号室"),
    OpenColumn("緯度", "所在地の緯度(世界測地系・10進数)", "数値", False, "35.7201"),
    OpenColumn("経度", "所在地の経度(世界測地系・10進数)", "数値", False, "140.6466"),
    OpenColumn("電話番号", "連絡先の電話番号(市外局番から)", "文字列", True, "0479-62-1111"),
    OpenColumn("内線番号", "電話番号の内線", "文字列", False, "123"),
    OpenColumn("FAX番号", "FAX番号(市外局番から)", "文字列", False, "0479-62-1112"),
    OpenColumn("法人番号", "運営法人の法人番号(13桁)", "文字列", False, "1234567890123"),
    OpenColumn("法人の名称", "運営法人の名称", "文字列", False, "社会福祉法人みどり会"),
    OpenColumn("事業所番号", "介護保険の事業所番号(10桁)", "文字列", False, "1234567890"),
    OpenColumn("利用可能曜日", "サービスを利用できる曜日", "文字列", False, "月～金"),
    OpenColumn("利用可能曜日特記事項", "利用できる曜日についての補足(休業日など)", "文字列", False, "日曜・祝日"),
    OpenColumn("定員", "利用定員(人)", "数値", False, "25"),
    OpenColumn("URL", "ホームページのアドレス", "文字列", False, "https://example.jp/"),
    OpenColumn("備考", "その他", "文字列", False, ""),
)

OTHER_COLUMNS: tuple[OpenColumn, ...] = (
    *_MUNICIPALITY_COLUMNS,
    OpenColumn("名称", "サービス・団体・店舗の名称", "文字列", True, "みどり配食サービス"),
    OpenColumn("名称_カナ", "名称の読み(全角カタカナ)", "文字列", True, "ミドリハイショクサービス"),
    OpenColumn("サービス種別", "サービスの種類(台帳のジャンル)", "文字列", True, "配食・弁当"),
    OpenColumn("区分", "保険外サービス・インフォーマル・公的サービス・障害福祉サービス・その他", "文字列", False, "保険外サービス"),
    OpenColumn("サービス内容", "サービスの内容", "文字列", False, "昼食と夕食のお弁当を自宅へ届けます。"),
    OpenColumn("住所", "所在地。都道府県名から番地まで(建物名は方書へ)", "文字列", False, "千葉県旭市ニ1920"),
    OpenColumn("方書", "建物名・部屋番号など", "文字列", False, ""),
    OpenColumn("緯度", "所在地の緯度(世界測地系・10進数)", "数値", False, ""),
    OpenColumn("経度", "所在地の経度(世界測地系・10進数)", "数値", False, ""),
    OpenColumn("電話番号", "連絡先の電話番号(市外局番から)", "文字列", False, "0479-62-1111"),
    OpenColumn("FAX番号", "FAX番号(市外局番から)", "文字列", False, ""),
    OpenColumn("法人の名称", "運営する法人・団体の名称", "文字列", False, ""),
    OpenColumn("利用可能曜日", "サービスを利用できる曜日", "文字列", False, "月～土"),
    OpenColumn("利用可能時間", "サービスを利用できる時間", "文字列", False, "9:00～17:00"),
    OpenColumn("定休日", "休みの日", "文字列", False, "日曜・祝日"),
    OpenColumn("料金", "料金", "文字列", False, "1食 600円"),
    OpenColumn("対象者", "利用できる人", "文字列", False, "65歳以上の方"),
    OpenColumn("対応エリア", "サービスを利用できる地域", "文字列", False, "市内全域"),
    OpenColumn("URL", "ホームページのアドレス", "文字列", False, ""),
    OpenColumn("備考", "その他", "文字列", False, ""),
)

COLUMNS = {DATASET_CARE: CARE_COLUMNS, DATASET_OTHER: OTHER_COLUMNS}
DICTIONARY_HEADERS = ("項目名", "説明", "型", "必須", "例")

# 介護保険サービスの種類, longest first: 実施サービス when the record's genre is the generic 介護保険サービス
CARE_SERVICE_TYPES: tuple[str, ...] = tuple(sorted((
    "訪問介護", "訪問入浴介護", "訪問看護", "訪問リハビリテーション", "居宅療養管理指導", "通所介護",
    "通所リハビリテーション", "短期入所生活介護", "短期入所療養介護", "特定施設入居者生活介護", "福祉用具貸与",
    "特定福祉用具販売", "居宅介護支援", "介護老人福祉施設", "介護老人保健施設", "介護医療院",
    "定期巡回・随時対応型訪問介護看護", "夜間対応型訪問介護", "地域密着型通所介護", "認知症対応型通所介護",
    "小規模多機能型居宅介護", "認知症対応型共同生活介護", "地域密着型特定施設入居者生活介護",
    "地域密着型介護老人福祉施設入所者生活介護", "看護小規模多機能型居宅介護", "介護予防支援",
    "住宅改修", "デイサービス", "ショートステイ", "グループホーム",
), key=len, reverse=True))
CARE_SERVICE_ALIASES = {"デイサービス": "通所介護", "ショートステイ": "短期入所生活介護", "グループホーム": "認知症対応型共同生活介護"}


# --- the municipality ------------------------------------------------------------------
@dataclass(frozen=True)
class Place:
    code: str
    prefecture: str
    city: str
    derived: bool = False  # the code came from 自治体名 (設定『自治体コード』 is empty)


def place_of(cat: Catalogue) -> Place:
    """The publishing municipality from 設定 (自治体コード, else derived from 自治体名 / 市区町村名)."""
    st = cat.settings
    written = st.municipality_code.strip()
    derived = False
    if written:
        code = lgcode.normalize(written)
        why = lgcode.problem(code or written)
        if why:
            raise UsageError(f"台帳のシート『{S.SHEET_SETTINGS}』の『{S.SETTING_MUNICIPALITY_CODE}』『{written}』は"
                             f"全国地方公共団体コードとして正しくありません({why})。",
                             "総務省の全国地方公共団体コード(6桁、例: 旭市 122157)に直してください。", path=cat.path)
    else:
        name = st.city or st.municipality
        found = lgcode.find(name, st.prefecture) if name else []
        if len(found) != 1:
            why = ("自治体名が空欄です" if not name else
                   f"『{name}』は {'・'.join(g.full_name for g in found)} のどれか決められません" if found else
                   f"『{name}』は全国地方公共団体コードの一覧にありません")
            raise UsageError(f"オープンデータには自治体コードが要りますが、台帳のシート『{S.SHEET_SETTINGS}』の"
                             f"『{S.SETTING_MUNICIPALITY_CODE}』が空欄です({why})。",
                             f"シート『{S.SHEET_SETTINGS}』の『{S.SETTING_MUNICIPALITY_CODE}』に"
                             "全国地方公共団体コード(6桁、例: 旭市 122157)を記入してください。", path=cat.path)
        code, derived = found[0].code, True
    gov = lgcode.by_code(code)
    prefecture = st.prefecture or (gov.prefecture if gov else "")
    city = st.values.get(S.SETTING_CITY, "") or (gov.name if gov and not gov.is_prefecture else st.municipality)
    return Place(code, prefecture, city, derived)


# --- values ----------------------------------------------------------------------------
_KATAKANA_OK = re.compile(r"^[\u30a1-\u30fa\u30fc\u30fb\u30fd\u30fe\u3000\uff10-\uff19\uff21-\uff3a\uff41-\uff5a（）＆－．]+$")
_ASCII_TO_FULL = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}
_ASCII_TO_FULL[0x20] = 0x3000


def katakana(reading: str) -> str:
    """A reading in full-width katakana (ひらがな, half-width ｶﾀｶﾅ, Latin letters and digits folded), or ''
    when it holds anything else (漢字 typed into ふりがな is no reading)."""
    text = fold_width(reading or "").strip()
    text = to_katakana(text).translate(_ASCII_TO_FULL)
    text = re.sub("\u3000+", "\u3000", text).strip("\u3000")
    return text if text and _KATAKANA_OK.match(text) else ""


def full_address(address: str, place: Place, towns: tuple[str, ...] = ()) -> str:
    """The address from the prefecture on: 「ニ1920」「旭市ニ1920」 → 「千葉県旭市ニ1920」.

    An address that starts with a municipality of the same prefecture gets the prefecture; one that starts
    with one of the catalogue's own towns (シート『地区』の町名), or with no municipality at all, gets the
    prefecture and the municipality of 設定.
    """
    text = address.strip()
    if not text:
        return ""
    if any(text.startswith(p) for p in lgcode.prefecture_names()):
        return text
    if not any(text.startswith(t) for t in towns if t):
        for gov in lgcode.municipalities_of(place.prefecture):
            if text.startswith(gov.name):
                return place.prefecture + text
    city = place.city if not text.startswith(place.city or "\0") else ""
    return place.prefecture + city + text


_DIGITS = r"[0-9０-９]+"
_JOIN = r"(?:丁目|番地の|番地|番|号|の|[-－ー‐−―])"
_HOUSE = rf"{_DIGITS}(?:\s*{_JOIN}\s*{_DIGITS})*(?:\s*(?:丁目|番地|番|号))?"
_BUILDING = ("ビル", "マンション", "ハイツ", "アパート", "コーポ", "レジデンス", "メゾン", "ハウス", "荘", "棟", "階",
             "号室", "号館", "館", "プラザ", "タワー", "団地", "テラス", "ヒルズ", "パレス", "ガーデン", "センター",
             "会館", "庁舎", "内")
_SPACED = re.compile(rf"^(.*?{_HOUSE})[\s\u3000]+(\S.*)$")
_GLUED = re.compile(rf"^(.*?{_HOUSE})([^\s\u30000-9０-９丁番号の\-－ー‐−―].*)$")
_CONTINUES = re.compile(rf"^{_DIGITS}\s*(?:丁目|番地|番|号(?!室|館)|[-－ー‐−―])")


def split_building(address: str) -> tuple[str, str]:
    """(住所, 方書): the building split off after the house number when it can be told apart, else (address, '').

    「旭市ニ1920 旭ハイツ101号室」→ (旭市ニ1920, 旭ハイツ101号室); 「本町2-3-4ABCビル3階」→ (本町2-3-4, ABCビル3階).
    A part glued to the number without a space is split off only when a building word (ビル・ハイツ・階…)
    comes before any digit in it.
    """
    text = address.strip()
    m = _SPACED.match(text)
    if m and not _CONTINUES.match(m.group(2)):
        return m.group(1).rstrip(), m.group(2).strip()
    m = _GLUED.match(text)
    if m:
        rest = m.group(2)
        head = re.split(r"[0-9０-９]", rest, maxsplit=1)[0]
        if any(word in head for word in _BUILDING):
            return m.group(1), rest.strip()
    return text, ""


_EXTENSION = re.compile(r"[\s\u3000]*[（(]?\s*内線\s*[:：]?\s*([0-9０-９\-－]+)\s*[)）]?")


def split_extension(phone: str) -> tuple[str, str]:
    """(電話番号, 内線番号): 「0479-62-1111(内線123)」→ (0479-62-1111, 123)."""
    m = _EXTENSION.search(phone)
    if not m:
        return phone.strip(), ""
    return (phone[:m.start()] + phone[m.end():]).strip(), unicodedata.normalize("NFKC", m.group(1))


def id_number(record_id: str) -> str:
    m = re.fullmatch(r"[A-Za-z]*0*(\d+)", record_id or "")
    return m.group(1) if m else ""


def category_of(record: Record) -> str:
    """区分 of the record, else that of its genre among shigen's default genres, else by the genre's name."""
    category = record.get("category")
    if category:
        return category
    genre = record.get("genre")
    for seed in S.DEFAULT_GENRES:
        if seed.name == genre:
            return seed.category
    if genre and any(t in genre for t in CARE_SERVICE_TYPES):
        return CATEGORY_CARE
    return S.CATEGORY_NON_INSURANCE if genre else ""


def care_services(record: Record, get: Callable[[str], str] | None = None) -> str:
    """実施サービス: the genre when it names the service, else the service types named in 名称 / サービス内容."""
    get = get or record.get
    genre = get("genre")
    if genre and genre != CATEGORY_CARE:
        return genre
    text = f"{get('name')} {get('content')}"
    found: dict[str, int] = {}  # official name → first position in the text
    for kind in CARE_SERVICE_TYPES:  # longest first: 地域密着型通所介護 before 通所介護
        at = text.find(kind)
        if at >= 0 and not any(kind in f for f in found):
            name = CARE_SERVICE_ALIASES.get(kind, kind)
            found[name] = min(at, found.get(name, at))
    return MULTI_SEPARATOR.join(sorted(found, key=found.__getitem__)) or genre


def _extra(record: Record, header: str) -> str:
    value = record.extra.get(header)
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# schema fields each dataset prints (for the fields a public output holds back: select.public_value)
USED_KEYS = {
    DATASET_CARE: frozenset({"name", "kana", "genre", "content", "address", "phone", "mobile", "fax", "operator", "days",
                             "closed_days", "url", "notes"}),
    DATASET_OTHER: frozenset({"name", "kana", "genre", "category", "content", "address", "phone", "mobile", "fax",
                              "operator", "days", "hours", "closed_days", "fee", "target", "area", "url", "notes"}),
}


def row_values(record: Record, dataset: str, place: Place, towns: tuple[str, ...] = (),
               get: Callable[[Record, str], str] | None = None) -> dict[str, str]:
    """Header → value of one record in ``dataset`` (every column of the dataset present).

    ``get(record, key)`` reads a field: :meth:`Selection.value` (placeholders and invalid phone numbers left
    empty, as in every public output); by default the value as written.
    """
    value = get or (lambda r, k: r.get(k))

    def v(key: str) -> str:
        return value(record, key)

    reading = katakana(v("kana")) or katakana(v(SUGGESTED_KEY))  # ふりがな, else the stored ふりがな候補
    address, building = split_building(full_address(v("address"), place, towns))
    phone, extension = split_extension(v("phone") or v("mobile"))
    common = {
        CODE: place.code, NO: id_number(record.id), PREFECTURE: place.prefecture, CITY: place.city,
        "住所": address, "方書": building, "緯度": _extra(record, "緯度"), "経度": _extra(record, "経度"),
        "電話番号": phone, "FAX番号": v("fax"), "法人の名称": v("operator"),
        "利用可能曜日": v("days"), "URL": v("url"), "備考": v("notes"),
    }
    if dataset == DATASET_CARE:
        values = {
            **common,
            "介護サービス事業所名称": v("name"), "介護サービス事業所名称_カナ": reading,
            "実施サービス": care_services(record, v), "内線番号": extension or _extra(record, "内線番号"),
            "法人番号": _extra(record, "法人番号"), "事業所番号": _extra(record, "事業所番号"),
            "利用可能曜日特記事項": v("closed_days"), "定員": _extra(record, "定員"),
        }
    else:
        values = {
            **common,
            "名称": v("name"), "名称_カナ": reading, "サービス種別": v("genre"),
            "区分": category_of(record), "サービス内容": v("content"), "利用可能時間": v("hours"),
            "定休日": v("closed_days"), "料金": v("fee"), "対象者": v("target"),
            "対応エリア": v("area"),
        }
        if extension:
            values["電話番号"] = f"{phone}(内線{extension})"
    return {c.header: clean_cell(values.get(c.header, "") or "") for c in COLUMNS[dataset]}


# --- the result and the writer -------------------------------------------------------------
@dataclass(frozen=True)
class Omitted:
    """A publishable record left out because a required column would be empty."""

    record_id: str
    name: str
    missing: tuple[str, ...]  # headers of the dataset

    def to_row(self) -> tuple[str, str, str]:
        return (self.record_id, self.name, "・".join(self.missing))


@dataclass
class OpenDataInfo:
    dataset: str
    code: str
    prefecture: str
    city: str
    code_derived: bool
    dictionary: Path
    rows: int
    omitted: list[Omitted] = field(default_factory=list)
    other_category: int = 0  # publishable records that belong to the other dataset
    from_suggestion: list[str] = field(default_factory=list)  # IDs whose 名称_カナ comes from ふりがな候補
    def missing_counts(self) -> dict[str, int]:
        counts: Counter[str] = Counter(h for o in self.omitted for h in o.missing)
        return {c.header: counts[c.header] for c in COLUMNS[self.dataset] if counts[c.header]}

    def to_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset, "code": self.code, "prefecture": self.prefecture, "city": self.city,
            "code_derived": self.code_derived, "dictionary": str(self.dictionary), "rows": self.rows,
            "omitted": [dict(zip(("id", "name", "missing"), (o.record_id, o.name, list(o.missing)), strict=True))
                        for o in self.omitted],
            "missing_counts": self.missing_counts(), "other_dataset_records": self.other_category,
            "kana_from_suggestion": list(self.from_suggestion),
        }


def check_dataset(dataset: str) -> str:
    name = (dataset or DATASET_CARE).strip()
    aliases = {"care": DATASET_CARE, "care_service": DATASET_CARE, "介護": DATASET_CARE,
               "other": DATASET_OTHER, "non_insurance": DATASET_OTHER, "non_insurance_service": DATASET_OTHER,
               "保険外": DATASET_OTHER}
    name = aliases.get(name, name)
    if name not in DATASETS:
        raise UsageError(f"--dataset『{dataset}』は使えません。", f"{DATASET_CARE}(既定)か {DATASET_OTHER} を指定してください。")
    return name


def in_dataset(record: Record, dataset: str) -> bool:
    care = category_of(record) == CATEGORY_CARE
    return care if dataset == DATASET_CARE else not care


def build(cat: Catalogue, records: list[Record], dataset: str, place: Place,
          get: Callable[[Record, str], str] | None = None) -> tuple[list[dict[str, str]], list[Record], list[Omitted], int]:
    """(rows, their records, left out, records of the other dataset) in NO order."""
    rows, kept, omitted, other, _ = _build(cat, records, dataset, place, get)
    return rows, kept, omitted, other


def _build(cat: Catalogue, records: list[Record], dataset: str, place: Place,
           get: Callable[[Record, str], str] | None = None
           ) -> tuple[list[dict[str, str]], list[Record], list[Omitted], int, list[str]]:
    towns = tuple(t for d in cat.districts for t in d.towns if t)
    required = [c.header for c in COLUMNS[dataset] if c.required]
    rows: list[dict[str, str]] = []
    kept: list[Record] = []
    omitted: list[Omitted] = []
    suggested: list[str] = []
    read = get or (lambda r, k: r.get(k))
    other = 0
    for record in sorted(records, key=lambda r: (int(id_number(r.id) or 0), r.id)):
        if not in_dataset(record, dataset):
            other += 1
            continue
        values = row_values(record, dataset, place, towns, get)
        missing = tuple(h for h in required if not values[h])
        if missing:
            omitted.append(Omitted(record.id, record.name, missing))
            continue
        rows.append(values)
        kept.append(record)
        if not katakana(read(record, "kana")):
            suggested.append(record.id)
    return rows, kept, omitted, other, suggested


def encode_table(headers: list[str], rows: list[list[str]], encoding: str, replacements: list[Replacement],
                 ids: list[tuple[str, str]] | None = None) -> bytes:
    cp932 = encoding == "cp932"
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    for n, row in enumerate(rows):
        out = []
        for header, value in zip(headers, row, strict=True):
            value = inert(value)
            if cp932 and value:
                value, bad = to_cp932(value)
                if bad:
                    rid, name = ids[n] if ids else ("", "")
                    replacements.append(Replacement(rid, name, header, bad))
            out.append(value)
        writer.writerow(out)
    text = buf.getvalue()
    return text.encode("cp932") if cp932 else text.encode("utf-8-sig")


def dictionary_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}{DICTIONARY_SUFFIX}{path.suffix}")


def default_name(dataset: str, place: Place) -> str:
    return f"{place.code}_{FILE_STEMS[dataset]}.csv"


def write(path: Path, cat: Catalogue, records: list[Record], dataset: str, place: Place, encoding: str = "utf-8",
          get: Callable[[Record, str], str] | None = None) -> tuple[OpenDataInfo, list[Record], list[Replacement]]:
    """Write the data file at ``path`` and its dictionary beside it (both atomically)."""
    from .files import replace, temp_path

    rows, kept, omitted, other, suggested = _build(cat, records, dataset, place, get)
    headers = [c.header for c in COLUMNS[dataset]]
    replacements: list[Replacement] = []
    data = encode_table(headers, [[r[h] for h in headers] for r in rows], encoding, replacements,
                        [(r.id, r.name) for r in kept])
    dictionary = encode_table(list(DICTIONARY_HEADERS), [list(c.to_row()) for c in COLUMNS[dataset]], encoding, [])
    dict_path = dictionary_path(path)
    for target, content in ((path, data), (dict_path, dictionary)):
        tmp = temp_path(target)
        try:
            tmp.write_bytes(content)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        replace(tmp, target)
    info = OpenDataInfo(dataset, place.code, place.prefecture, place.city, place.derived, dict_path, len(rows),
                        omitted, other, suggested)
    return info, kept, replacements


# --- `shigen export --format opendata` -------------------------------------------------------
@dataclass
class OpenDataResult(ExportResult):
    """An ExportResult with what the open-data file adds (dataset, code, dictionary, records left out)."""

    opendata: OpenDataInfo | None = None

    def to_dict(self) -> dict[str, object]:
        data = super().to_dict()
        if self.opendata is not None:
            data["opendata"] = self.opendata.to_dict()
        return data


def export_opendata(cat: Catalogue, ws: Workspace, options: ExportOptions, sel: Selection,
                    started: float) -> OpenDataResult:
    """The export() branch of ``--format opendata``: an :class:`OpenDataResult` (an ExportResult)."""
    import time

    from .files import target_path

    if not sel.is_public:
        raise UsageError("オープンデータは一般向け(--audience public)だけです。",
                         "--audience を外してください(関係者用の一覧は --format xlsx / csv で書き出せます)。")
    dataset = check_dataset(options.dataset)
    place = place_of(cat)
    path = target_path(ws, "csv", options.output, default_name(dataset, place))
    path.parent.mkdir(parents=True, exist_ok=True)
    info, kept, replacements = write(path, cat, sel.records, dataset, place, options.encoding, sel.value)
    counts: Counter[str] = Counter(r.get("genre") or "(ジャンル未設定)" for r in kept)
    order = {g: i for i, g in enumerate(cat.genre_names())}
    by_genre = sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))
    kept_ids = {r.id for r in kept}
    stale = [r for r in sel.stale if in_dataset(r, dataset)]
    unconfirmed = [r for r in sel.unconfirmed if r.id in kept_ids]
    used = USED_KEYS[dataset]
    held_back = [h for h in getattr(sel, "held_back", []) if h.record_id in kept_ids and h.key in used]
    no_contact = [r for r in getattr(sel, "no_contact", []) if in_dataset(r, dataset)]
    result = OpenDataResult(
        path=path, format="opendata", audience=sel.audience, as_of=sel.as_of, title=dataset,
        districts=sel.districts, genres=sel.genres, by_genre=by_genre, stale=stale, unconfirmed=unconfirmed,
        replacements=replacements, left_out=sel.left_out, no_contact=no_contact, held_back=held_back,
        seconds=time.perf_counter() - started, opendata=info,
    )
    return result

