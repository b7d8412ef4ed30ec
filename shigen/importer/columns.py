"""Column headers → catalogue fields.

Every field's header and synonyms come from :mod:`shigen.schema`; this module adds the column names
of open-data formats (自治体標準オープンデータセット, 厚生労働省 介護サービス情報公表システム) and a few
rules for headers written in other ways (line breaks, notes in brackets, 「電話・FAX」). A ``--mapping``
file (TOML or a two-column sheet) overrides the guesses.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema as S
from ..errors import UsageError
from ..text import clean_text

if TYPE_CHECKING:
    from .report import ReadResult

# Targets that are not schema fields
NOTES = "notes"  # the schema's 備考 — unmapped columns land there with their header
COMBINED_PHONE_FAX = "phone+fax"  # 「電話・FAX」: first number phone, then FAX
HOURS_END = "hours_end"  # 終了時間 (with 開始時間 → 営業時間 「9:00～17:00」)
ADDRESS_PART = "address_part"  # 所在地_町字, 方書: appended to the address
FOREIGN_ID = "foreign_id"  # another system's ID or number: kept in an extra column, never a master ID
ROW_NUMBER = "row_number"  # No / 番号 / 連番: row numbers of the source list, not data
EXTRA_COLUMN = "extra_column"  # 緯度 / 経度 …: kept as an extra column of the master
ADDRESS_PREFIX = "address_prefix"  # 都道府県名 / 市区町村名: put before the address unless it already starts so
UNMAPPED = "unmapped"  # kept in 備考 as 「見出し: 値」
IGNORE = "ignore"  # only from --mapping (「取り込まない」)
COMPUTED = "computed"  # a column shigen's own export computes (確認状況): never imported, never kept

# Open-data column names (自治体標準オープンデータセット / 介護サービス情報公表) and other common headers
EXTRA_SYNONYMS: dict[str, str] = {
    "名称_英字": UNMAPPED,
    "法人の名称": "operator", "法人名称": "operator", "運営法人名": "operator", "事業者名称": "name",
    "サービスの種類": "genre", "サービス種類": "genre", "サービス種別名": "genre",
    "所在地_都道府県": ADDRESS_PART, "所在地_市区町村": ADDRESS_PART, "所在地_町字": ADDRESS_PART,
    "所在地_番地以下": ADDRESS_PART, "建物名等(方書)": ADDRESS_PART, "方書": ADDRESS_PART,
    "方書(ビル名等)": ADDRESS_PART, "建物名": ADDRESS_PART, "ビル名": ADDRESS_PART,
    "連絡先メールアドレス": "email", "メールアドレス_代表": "email",
    "終了時間": HOURS_END, "終了時刻": HOURS_END, "開始時刻": "hours",
    "利用可能曜日特記事項": "closed_days", "利用可能曜日特記事項(留意事項)": "closed_days",  # export --format opendata
    "事業所番号": FOREIGN_ID, "法人番号": FOREIGN_ID, "管理番号": FOREIGN_ID, "登録番号": FOREIGN_ID,
    "整理番号": FOREIGN_ID, "施設番号": FOREIGN_ID, "施設ID": FOREIGN_ID, "事業所ID": FOREIGN_ID,
    "緯度": EXTRA_COLUMN, "経度": EXTRA_COLUMN, "都道府県名": ADDRESS_PREFIX, "市区町村名": ADDRESS_PREFIX,
    "所在地_都道府県名": ADDRESS_PREFIX, "所在地_市区町村名": ADDRESS_PREFIX,
    "No": ROW_NUMBER, "NO": ROW_NUMBER, "no": ROW_NUMBER, "No.": ROW_NUMBER, "NO.": ROW_NUMBER, "№": ROW_NUMBER,
    "番号": ROW_NUMBER, "連番": ROW_NUMBER, "通し番号": ROW_NUMBER, "通番": ROW_NUMBER, "項番": ROW_NUMBER,
    "電話・ファックス": COMBINED_PHONE_FAX, "電話FAX": COMBINED_PHONE_FAX, "TEL/FAX": COMBINED_PHONE_FAX,
    "電話・FAX": COMBINED_PHONE_FAX, "電話/FAX": COMBINED_PHONE_FAX, "TEL・FAX": COMBINED_PHONE_FAX,
    "電話番号・FAX番号": COMBINED_PHONE_FAX, "電話番号/FAX番号": COMBINED_PHONE_FAX, "TEL・FAX番号": COMBINED_PHONE_FAX,
    "住所・電話番号": "address", "所在地・電話番号": "address",
    "受付時間・定休日・受付方法": "hours", "営業時間・定休日": "hours", "定休日等": "closed_days",
    "サービス内容・料金": "content", "活動内容・参加費": "content",
    "携帯電話": "mobile", "電話(携帯)": "mobile",
    "更新日": "last_confirmed", "更新年月日": "last_confirmed", "情報更新日": "last_confirmed",
    "最終更新日": "last_confirmed",
}

# 自治体標準オープンデータセット (介護サービス事業所一覧 / 公共施設一覧 …) column names
JAPANESE_STANDARD: dict[str, str] = {
    "介護サービス事業所名称": "name", "介護サービス事業所名称_カナ": "kana", "事業所名称_カナ": "kana",
    "実施サービス": "genre", "方書": ADDRESS_PART, "法人の名称": "operator", "事業所番号": FOREIGN_ID,
    "利用可能曜日": "days", "利用可能曜日特記事項": "closed_days", "所在地_連結表記": "address", "所在地_町字": ADDRESS_PART,
    "所在地_番地以下": ADDRESS_PART, "所在地_都道府県": ADDRESS_PREFIX, "所在地_市区町村": ADDRESS_PREFIX,
    "地方公共団体コード": FOREIGN_ID, "全国地方公共団体コード": FOREIGN_ID, "地方公共団体名": EXTRA_COLUMN,
    "法人番号": FOREIGN_ID, "電話番号": "phone", "内線番号": "phone_ext", "FAX番号": "fax",
    "開始時間": "hours", "終了時間": HOURS_END, "利用可能日時特記事項": "note_labelled", "定員": "note_labelled",
    "連絡先メールアドレス": "email", "連絡先電話番号": "phone", "連絡先内線番号": "phone_ext",
    "連絡先FAX番号": "fax", "連絡先備考(その他、SNSなど)": "notes", "名称_英字": EXTRA_COLUMN,
    "名称_通称": EXTRA_COLUMN, "画像": EXTRA_COLUMN, "画像_ライセンス": EXTRA_COLUMN, "ID": "id",
    "緯度": EXTRA_COLUMN, "経度": EXTRA_COLUMN, "事業所緯度": EXTRA_COLUMN, "事業所経度": EXTRA_COLUMN,
    "指定年月日": EXTRA_COLUMN, "指定機関名": EXTRA_COLUMN, "サービス種別": "genre", "サービス種類": "genre",
    "都道府県コード又は市区町村コード": FOREIGN_ID, "NO(※システム内の固有の番号、連番)": FOREIGN_ID,
    "利用可能な時間帯(平日)": "hours", "利用可能曜日特記事項(留意事項)": "closed_days", "住居名": EXTRA_COLUMN,
}

# Headers that are the schema's own but mean something else in an inherited list
_SOURCE_MEANING = {"更新日": "last_confirmed"}

ID_NAMES = {"ID", "id", "Id", *S.FIELD_BY_KEY["id"].synonyms}


def header_text(value: object) -> str:
    """A header cell as one line: width folded, line breaks and spaces removed."""
    text = clean_text(value)
    return re.sub(r"\s+", "", text)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return text.lower()


@lru_cache(maxsize=1)
def _synonym_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for f in S.FIELDS:
        for name in f.names:
            table.setdefault(_key(name), f.key)
    for name, target in EXTRA_SYNONYMS.items():
        table[_key(name)] = target
    for name, target in _SOURCE_MEANING.items():
        table[_key(name)] = target
    for name in ID_NAMES:
        table[_key(name)] = "id"
    from .mapper import ENGLISH, LABELLED_HEADERS, NOTE_LABELLED

    for name, (target, _) in ENGLISH.items():
        table.setdefault(_key(name), target)
    for name in LABELLED_HEADERS:
        table.setdefault(_key(name), NOTE_LABELLED)
    for name, target in JAPANESE_STANDARD.items():
        table[_key(name)] = target
    return table


_BRACKETS = re.compile(r"[(（\[【<〈《][^)）\]】>〉》]*[)）\]】>〉》]")
_NOTE_TAIL = re.compile(r"[※*＊].*$")


def match_header(text: str) -> str:
    """The target a header names: a field key, one of the special targets above, or '' if none."""
    if not text:
        return ""
    table = _synonym_table()
    key = _key(text)
    if key in table:
        return table[key]
    for variant in (_NOTE_TAIL.sub("", key), _BRACKETS.sub("", _NOTE_TAIL.sub("", key))):
        variant = variant.strip("・:：/")
        if variant and variant in table:
            return table[variant]
    return _guess(key)


def _guess(key: str) -> str:
    """Rules for headers no synonym names exactly (「電話番号(日中)」「FAX番号(代表)」…)."""
    k = _BRACKETS.sub("", key) or key
    has_tel = any(w in k for w in ("電話", "tel"))
    has_fax = any(w in k for w in ("fax", "ファックス", "ファクス"))
    if has_tel and has_fax:
        return COMBINED_PHONE_FAX
    if "携帯" in k:
        return "mobile"
    if has_fax:
        return "fax"
    if has_tel:
        return "phone"
    if "メール" in k or "e-mail" in k or "email" in k:
        return "email"
    if "郵便" in k or k.startswith("〒"):
        return "postal_code"
    if "ふりがな" in k or "フリガナ" in k or k.endswith("カナ") or "よみ" in k:
        return "kana"
    if "定休" in k or "休業" in k or "休館" in k or k.endswith("休み"):
        return "closed_days"
    if "料金" in k or "費用" in k or "参加費" in k or "利用料" in k:
        return "fee"
    if "確認日" in k or "調査日" in k:
        return "last_confirmed"
    if "支払" in k:
        return "payment"
    if "申込" in k or "申し込" in k:
        return "apply"
    if "エリア" in k or "対応地域" in k or "実施地域" in k:
        return "area"
    if "所在地" in k or "住所" in k:
        return "address"
    if "曜日" in k:
        return "days"
    if "時間" in k:
        return "hours"
    if "対象" in k:
        return "target"
    if "内容" in k:
        return "content"
    if "備考" in k:
        return "notes"
    if "ホームページ" in k or k in ("url", "hp"):
        return "url"
    if "掲載" in k and ("同意" in k or "許可" in k or "承諾" in k):
        return "consent"
    if k.endswith(("番号", "id", "コード")) and not k.startswith(("電話", "fax", "携帯")):
        return FOREIGN_ID
    if k.endswith(("名称", "事業所名", "事業者名", "団体名", "店舗名")) and len(k) <= 12 and "と" not in k:
        return "name"
    return ""


def target_label(target: str) -> str:
    """Japanese label of a target for reports."""
    if target in S.FIELD_BY_KEY:
        return S.header(target)
    if target.startswith("org:"):
        kind = target.split(":", 1)[1]
        return f"{S.header('notes')}(運営法人の{S.header(kind) if kind in S.FIELD_BY_KEY else kind}として見出し付きで)"
    return {
        "note_labelled": f"{S.header('notes')}(見出し付きで)",
        "phone_ext": "内線番号(追加列に保存)",
        "latlon": "緯度・経度(追加列に保存)",
        COMBINED_PHONE_FAX: f"{S.header('phone')}・{S.header('fax')}(分割)",
        HOURS_END: f"{S.header('hours')}(終了時刻)",
        ADDRESS_PART: f"{S.header('address')}(結合)",
        FOREIGN_ID: "元の番号(追加列に保存)",
        EXTRA_COLUMN: "追加列に保存",
        ADDRESS_PREFIX: f"{S.header('address')}(先頭に補う)",
        ROW_NUMBER: "行番号(取り込まない)",
        UNMAPPED: "対応なし(追加列に保存・職員向け)",
        IGNORE: "取り込まない(--mapping の指定)",
        COMPUTED: "取り込まない(shigen が書き出しで計算した列)",
    }.get(target, target)


SPECIAL_TARGETS = (COMBINED_PHONE_FAX, HOURS_END, ADDRESS_PART, FOREIGN_ID, ROW_NUMBER, EXTRA_COLUMN, ADDRESS_PREFIX,
                   UNMAPPED, "note_labelled", "latlon", "phone_ext",
                   *(f"org:{k}" for k in ("address", "postal_code", "phone", "fax", "mobile", "url", "email")))


# --- --mapping files -----------------------------------------------------------------------
_IGNORE_WORDS = ("取り込まない", "無視", "除外", "-", "ignore", "(無視)", "なし")


@dataclass(frozen=True)
class Mapping:
    """Header → target overrides from a --mapping file."""

    path: Path
    targets: dict[str, str]
    reasons: dict[str, str] = field(default_factory=dict)  # key → why (default: the --mapping file)

    def get(self, header: str) -> str | None:
        return self.targets.get(_key(header))

    def reason(self, header: str) -> str:
        return self.reasons.get(_key(header), "--mapping の指定")


EXPORT_REASON = "shigen の書き出し: 台帳の見出しのとおり"


def export_mapping(path: Path, user: Mapping | None = None) -> Mapping:
    """A shigen export read back: every schema header is its field, the computed columns are dropped.

    The user's --mapping still wins where it names a column.
    """
    targets: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for f in S.FIELDS:
        targets[_key(f.header)] = f.key
        reasons[_key(f.header)] = EXPORT_REASON
    for h in S.EXPORT_COMPUTED_HEADERS:
        targets[_key(h)] = COMPUTED
        reasons[_key(h)] = "shigen の書き出しが計算した列(台帳には戻さない)"
    if user is not None:
        targets.update(user.targets)
        for k in user.targets:
            reasons.pop(k, None)
    return Mapping(user.path if user is not None else path, targets, reasons)


def _target_of(label: str, path: Path) -> str:
    label = clean_text(label)
    if label in S.FIELD_BY_HEADER:
        return S.FIELD_BY_HEADER[label].key
    if label in S.FIELD_BY_KEY:
        return label
    if label.lower() in _IGNORE_WORDS:
        return IGNORE
    special = {target_label(t): t for t in SPECIAL_TARGETS}
    if label in special:
        return special[label]
    if label in SPECIAL_TARGETS:
        return label
    if label in ("電話・FAX", "電話番号・FAX"):
        return COMBINED_PHONE_FAX
    if label in ("元の番号", "元ID", "追加列"):
        return FOREIGN_ID
    guessed = match_header(label)
    if guessed and guessed != UNMAPPED:
        return guessed
    raise UsageError(
        f"--mapping の指定『{label}』は台帳の項目名ではありません。",
        f"台帳の見出し(例: {'、'.join(S.HEADERS[1:6])} …)か『取り込まない』を書いてください。",
        path=path,
    )


def load_mapping(path: Path) -> Mapping:
    """A TOML file (``"元の見出し" = "台帳の項目"``, optionally under ``[columns]``) or a two-column sheet/CSV."""
    if not path.exists():
        raise UsageError(f"--mapping のファイル {path} がありません。", "ファイル名を確かめてください。")
    pairs: list[tuple[str, str]] = []
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"--mapping の TOML を読めません({exc})。",
                             '1行に1つ、"元の見出し" = "台帳の項目" の形で書いてください。', path=path) from exc
        table = data.get("columns", data) if isinstance(data.get("columns", data), dict) else data
        for k, v in table.items():
            if isinstance(v, str):
                pairs.append((k, v))
    else:
        from .reading import read_file

        source = read_file(path)
        for sheet in source.sheets:
            if sheet.hidden:
                continue
            for row in sheet.rows:
                cells = [clean_text(v) for v in row[:2]]
                if len(cells) == 2 and cells[0] and cells[1]:
                    pairs.append((cells[0], cells[1]))
            break
        if pairs and _target_or_none(pairs[0][1]) is None:  # a heading row such as 「元の見出し | 台帳の項目」
            pairs = pairs[1:]
    if not pairs:
        raise UsageError("--mapping のファイルに対応の指定がありません。",
                         "1列目に元の見出し、2列目に台帳の項目名を書いてください。", path=path)
    return Mapping(path, {_key(header_text(k)): _target_of(v, path) for k, v in pairs})


def _target_or_none(label: str) -> str | None:
    try:
        return _target_of(label, Path())
    except UsageError:
        return None


def mapping_text(read: ReadResult) -> str:
    """The column mapping an import used, as a --mapping TOML file (one line per header, evidence as a comment)."""
    import json

    lines = ["# shigen import --save-mapping: 列の対応。直したい行の右側を台帳の項目名(例: \"名称\" \"備考\")か",
             "# 「取り込まない」に書き換えて、shigen import … --mapping このファイル で取り込み直してください。", "",
             "[columns]"]
    seen: set[str] = set()
    for sheet in read.sheets:
        if sheet.columns:
            lines.append(f"# {sheet.place}")
        for c in sheet.columns:
            if c.header in seen or c.header.startswith("(見出しなし"):
                continue
            seen.add(c.header)
            label = S.header(c.target) if c.target in S.FIELD_BY_KEY else target_label(c.target)
            comment = f"  # {c.evidence}" if c.evidence else ""
            if c.runner_up:
                comment += f"(次点: {c.runner_up})"
            lines.append(f"{json.dumps(c.header, ensure_ascii=False)} = {json.dumps(label, ensure_ascii=False)}{comment}")
    return "\n".join(lines) + "\n"


def write_mapping(read: ReadResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mapping_text(read), encoding="utf-8")
    return path
