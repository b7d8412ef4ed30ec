"""The one place that names every field of the catalogue.

Readers, checks, templates and exports derive headers, kinds, visibility and import
synonyms from :data:`FIELDS`; no other module spells a Japanese column header.

Why this file is long (~400 lines): it is the one place naming every field, sheet and default genre.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    POSTAL = "postal"
    DATE = "date"
    ENUM = "enum"
    ID = "id"


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    kind: Kind = Kind.TEXT
    public: bool = True
    synonyms: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    width: int = 14  # column width in the master workbook (Excel character units)
    help: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """Header plus synonyms: every column name this field is recognised by."""
        return (self.header, *self.synonyms)


# --- enumerations -----------------------------------------------------------------
VISIBILITY_PUBLIC = "一般"
VISIBILITY_STAFF = "関係者のみ"
VISIBILITY_CHOICES = (VISIBILITY_PUBLIC, VISIBILITY_STAFF)

STATUS_ACTIVE = "掲載中"
STATUS_PAUSED = "休止"
STATUS_CLOSED = "廃止"
STATUS_CHOICES = (STATUS_ACTIVE, STATUS_PAUSED, STATUS_CLOSED)

CATEGORY_CHOICES = (
    "保険外サービス",
    "介護保険サービス",
    "障害福祉サービス",
    "インフォーマル",
    "公的サービス",
    "その他",
)
CATEGORY_NON_INSURANCE = "保険外サービス"

PAID_CHOICES = ("有償", "無償", "一部有償")
CONSENT_CHOICES = ("済", "未", "拒否")
CONSENT_GIVEN = "済"
CONSENT_REFUSED = "拒否"
# the provider's answer to the consent question of `shigen letters` (entered in the update workbook's 掲載同意 column)
CONSENT_ANSWER_PUBLIC = "一般に公開してよい"
CONSENT_ANSWER_STAFF = "関係者のみ"
CONSENT_ANSWER_NONE = "掲載しない"
CONSENT_ANSWERS = (CONSENT_ANSWER_PUBLIC, CONSENT_ANSWER_STAFF, CONSENT_ANSWER_NONE)

CITY_WIDE = "市内全域"
NO_GENRE = "(ジャンル未設定)"  # the group of records with no ジャンル (assign, update books, export, site)
CITY_WIDE_WORDS = ("市内全域", "全域", "市内全て", "市内すべて", "市内一円", "全市", "市全域", "町内全域", "村内全域")


# --- the fields -------------------------------------------------------------------
FIELDS: tuple[Field, ...] = (
    Field("id", "ID", Kind.ID, synonyms=("shigen ID", "資源ID", "管理ID"), width=8,
          help="shigen が振る番号(S00001…)。手で変えないでください。"),
    Field("name", "名称", synonyms=(
        "事業所名", "事業者名", "店舗名", "団体名", "店舗・事業者名", "店名", "事業所名称", "サービス名",
        "資源名", "施設名", "名前", "団体・グループ名", "グループ名", "通いの場名称", "名称（事業所名）",
        "事業所・団体名", "社会資源名", "提供事業者", "提供者", "事業者", "事業所", "名 称",
        "介護サービス事業所名称",  # 自治体標準オープンデータセット 介護サービス事業所一覧
        # 通いの場・支えあい活動の一覧 (多摩市「地域支えあいリスト」の形)
        "団体・活動名", "活動名", "活動団体名", "サロン名", "教室名", "サークル名", "会の名称", "通いの場名",
    ), width=28),
    Field("kana", "ふりがな", synonyms=(
        "フリガナ", "名称_カナ", "名称カナ", "よみがな", "ヨミガナ", "カナ", "読み", "事業所名カナ",
        "事業所名（カナ）", "名称（カナ）", "事業所名フリガナ", "介護サービス事業所名称_カナ",
    ), width=20),
    Field("genre", "ジャンル", synonyms=(
        "分類", "種別", "サービス種別", "種類", "サービスの種類", "カテゴリ", "カテゴリー", "項目",
        "大分類", "サービス分類", "資源の種類", "ジャンル名", "実施サービス",
    ), width=18),
    Field("category", "区分", Kind.ENUM, choices=CATEGORY_CHOICES, synonyms=(
        "制度区分", "保険内外", "サービス区分", "制度",
    ), width=14),
    Field("operator", "運営主体", synonyms=(
        "運営", "運営者", "実施主体", "法人名", "運営法人", "事業主体", "主催", "主催者", "運営団体",
    ), width=18),
    Field("district", "地区", synonyms=(
        "地域", "圏域", "日常生活圏域", "生活圏域", "担当地区", "所在地区", "エリア区分", "包括圏域",
    ), width=10),
    Field("area", "対応エリア", synonyms=(
        "利用できるエリア", "サービスが利用できるエリア", "対象エリア", "対応地域", "サービス提供地域",
        "提供エリア", "対象地域", "エリア", "実施地域", "配達エリア", "配達地域", "通常の事業の実施地域",
        "対応区域", "利用可能エリア", "サービス提供エリア",
    ), width=18),
    Field("postal_code", "郵便番号", Kind.POSTAL, synonyms=("〒", "郵便", "所在地_郵便番号"), width=10),
    Field("address", "住所", synonyms=(
        "所在地", "所在地_連結表記", "所在地（住所）", "事業所所在地", "住 所", "開催場所", "場所",
        "所在地住所", "事業所住所", "会場", "活動場所",
    ), width=30),
    Field("phone", "電話番号", Kind.PHONE, synonyms=(
        "電話", "TEL", "tel", "Tel", "電話番号（代表）", "連絡先", "連絡先電話番号", "連絡先（電話）",
        "問い合わせ先", "問合せ先", "お問い合わせ", "問い合わせ", "TEL番号", "代表電話", "電話番号_代表",
        "連絡先_電話番号", "電話・FAX", "電話/FAX", "TEL・FAX", "TEL/FAX", "電話番号・FAX番号",
    ), width=15),
    Field("mobile", "携帯電話", Kind.PHONE, synonyms=("携帯", "携帯番号", "携帯電話番号", "携帯TEL"), width=15),
    Field("fax", "FAX", Kind.PHONE, synonyms=("FAX番号", "ファックス", "ファクス", "fax", "Fax", "FAX番号_代表"),
          width=15),
    Field("email", "メール", Kind.EMAIL, synonyms=(
        "メールアドレス", "Email", "E-mail", "e-mail", "Eメール", "EMAIL", "mail", "E-Mail", "電子メール",
    ), width=22),
    Field("url", "URL", Kind.URL, synonyms=("ホームページ", "HP", "ＨＰ", "ウェブサイト", "Webサイト", "URL（ホームページ）",
                                           "ホームページアドレス", "サイト"), width=24),
    Field("content", "サービス内容", Kind.LONGTEXT, synonyms=(
        "内容", "活動内容", "活動概要", "サービスの内容", "事業内容", "概要", "主な内容", "サービス概要",
        "サービス内容・料金", "内容・料金", "取扱品目", "メニュー", "特徴", "主なサービス", "提供内容",
    ), width=40),
    Field("target", "対象者", synonyms=("対象", "利用対象者", "利用できる方", "対象となる方", "利用者", "参加対象"),
          width=16),
    Field("fee", "料金", synonyms=(
        "利用料", "利用料金", "費用", "参加費", "価格", "料金（税込）", "金額", "会費", "利用料金等", "自己負担",
        "配達料", "送料", "配達料・送料", "配送料", "運賃", "出張料", "手数料",
    ), width=20),
    Field("paid", "有償・無償", Kind.ENUM, choices=PAID_CHOICES, synonyms=("有償/無償", "有償無償", "有料・無料", "有料/無料"),
          width=10),
    Field("days", "営業日", synonyms=(
        "利用可能曜日", "営業曜日", "開催日", "実施日", "活動日", "曜日", "開催日時", "配達日", "運行日",
        "受付日", "営業日時", "開催曜日", "活動日時", "活動曜日",
    ), width=14),
    Field("hours", "営業時間", synonyms=(
        "受付時間", "時間", "利用可能時間", "開始時間", "営業・受付時間", "活動時間", "開催時間", "開館時間",
        "運行時間", "対応時間",
    ), width=14),
    Field("closed_days", "定休日", synonyms=("休み", "休業日", "休日", "定休", "お休み", "休館日", "定休日等"), width=12),
    Field("apply", "申込方法", synonyms=(
        "申し込み方法", "申込み方法", "受付方法", "利用方法", "申込", "申し込み", "予約方法", "利用の流れ",
        "申込先", "申込・問合せ",
        "注文方法", "ご注文方法", "注文・申込方法", "注文の仕方", "依頼方法", "お申込み方法",
    ), width=18),
    Field("payment", "支払方法", synonyms=("支払い方法", "お支払い方法", "支払", "決済方法", "お支払方法"), width=14),
    Field("notes", "備考", Kind.LONGTEXT, synonyms=("その他", "注意事項", "補足", "特記事項", "メモ欄", "その他・備考"),
          width=30),
    Field("visibility", "公開範囲", Kind.ENUM, public=False, choices=VISIBILITY_CHOICES,
          synonyms=("公開", "公開区分", "公開可否"), width=10),
    Field("consent", "掲載同意", Kind.ENUM, public=False, choices=CONSENT_CHOICES,
          synonyms=("掲載許可", "掲載可否", "同意", "掲載承諾", "公開同意"), width=10),
    Field("status", "状態", Kind.ENUM, choices=STATUS_CHOICES, synonyms=("ステータス", "運営状況", "活動状況", "現況"),
          width=8),
    Field("last_confirmed", "最終確認日", Kind.DATE, synonyms=(
        "確認日", "最終確認", "情報確認日", "確認年月日", "調査日", "最終更新日", "情報更新日", "掲載日",
    ), width=12),
    Field("confirmed_by", "確認者", public=False, synonyms=("確認担当", "調査者", "担当SC", "担当コーディネーター"), width=12),
    Field("updated_at", "更新日", Kind.DATE, synonyms=("編集日", "修正日", "データ更新日"), width=12),
    Field("contact_person", "先方担当者", public=False, synonyms=("担当者", "担当者名", "窓口担当", "代表者", "代表者名"),
          width=12),
    Field("memo", "内部メモ", Kind.LONGTEXT, public=False, synonyms=("内部用メモ", "SCメモ", "職員メモ", "非公開メモ"), width=24),
    Field("source", "出典", public=False, synonyms=("情報源", "出所", "取込元"), width=28),
    Field("consent_date", "掲載同意日", Kind.DATE, public=False, synonyms=("同意日", "掲載許可日", "掲載承諾日"), width=12,
          help="掲載同意(済・拒否)を先方から受けた日。collect が確認依頼の回答から記入します。"),
    # written by `shigen kana` where ふりがな is empty; copied into ふりがな only by `shigen kana --accept` (issue 13)
    Field("kana_suggested", "ふりがな候補", public=False, synonyms=("ふりがな(候補)", "よみ候補", "読み候補"), width=20,
          help="ふりがなが空欄の資源に shigen kana が入れる読みの候補。確かめて正しければ shigen kana --accept でふりがなに写します。"),
)

# What shigen's own exports write besides the fields, so that re-importing an export recognises them (issue 13):
# computed columns that hold no field (never to be kept in 備考), the sheets that repeat the 全件 sheet, and the
# workbook property that marks a shigen export.
EXPORT_COMPUTED_HEADERS: tuple[str, ...] = ("確認状況",)  # staff lists: freshness computed from 最終確認日
EXPORT_ALL_SHEET = "全件"  # every record once; the genre sheets, 印刷用 and 表紙 repeat or summarise it
EXPORT_REPEATING_SHEETS: tuple[str, ...] = ("表紙", "印刷用")  # plus one sheet per genre
EXPORT_MARK = "shigen export"  # the xlsx/docx/pdf's document property 'category' (Excel: ファイル → 情報 → 分類)

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
FIELD_BY_HEADER: dict[str, Field] = {f.header: f for f in FIELDS}
KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)
HEADERS: tuple[str, ...] = tuple(f.header for f in FIELDS)
PUBLIC_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.public)
INTERNAL_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS if not f.public)
PHONE_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.kind is Kind.PHONE)
DATE_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.kind is Kind.DATE)
ENUM_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS if f.kind is Kind.ENUM)


def header(key: str) -> str:
    """Japanese header of a field key (``header("phone") == "電話番号"``)."""
    return FIELD_BY_KEY[key].header


# --- sheets of the master workbook ------------------------------------------------
SHEET_RESOURCES = "資源一覧"
SHEET_DISTRICTS = "地区"
SHEET_GENRES = "ジャンル"
SHEET_COORDINATORS = "コーディネーター"
SHEET_SETTINGS = "設定"
SHEET_HISTORY = "履歴"
SHEET_ASSIGNMENTS = "担当履歴"
SHEET_INQUIRIES = "照会"  # `shigen letters`: one row per letter sent (照会日) or answer received (回答日); appended only

DISTRICT_HEADERS = ("地区名", "階層", "町名", "備考", "隣接地区")  # 隣接地区: optional, used by `shigen coverage`
GENRE_HEADERS = ("ジャンル", "表示順", "必須項目", "別名", "説明")
COORDINATOR_HEADERS = ("氏名", "階層", "担当地区", "担当ジャンル", "在籍", "備考")
SETTING_HEADERS = ("項目", "値", "説明")
HISTORY_HEADERS = ("日時", "実行者", "コマンド", "ID", "項目", "変更前", "変更後", "出典")
ASSIGNMENT_HEADERS = ("年度", "ID", "担当者", "割当方法", "作成日時")
INQUIRY_HEADERS = ("ID", "名称", "照会日", "照会方法", "回答日", "再送", "備考")

TIER_1 = "第1層"
TIER_2 = "第2層"
TIER_CHOICES = (TIER_1, TIER_2)
ACTIVE_WORDS = ("○", "〇", "はい", "在籍", "有効", "1", "true", "True", "TRUE", "yes", "◯")

# 設定 sheet: key (Japanese label) → (default, description)
SETTING_MUNICIPALITY = "自治体名"
SETTING_CYCLE = "更新周期（月）"
SETTING_AREA_CODE = "既定の市外局番"
SETTING_CONTACT = "問い合わせ先"
# the sender of `shigen letters` (確認依頼)
SETTING_LETTER_DEPT = "担当課"
SETTING_LETTER_ADDRESS = "担当課の住所"
SETTING_LETTER_PHONE = "担当課の電話"
SETTING_LETTER_FAX = "担当課のFAX"
SETTING_LETTER_DEADLINE = "返信期限"
SETTING_LETTER_RESEND_DAYS = "再送までの日数"
SETTING_LETTER_TEXT = "確認依頼の本文"
LETTER_REQUIRED_SETTINGS = (SETTING_MUNICIPALITY, SETTING_LETTER_DEPT, SETTING_LETTER_ADDRESS, SETTING_LETTER_PHONE,
                            SETTING_LETTER_DEADLINE)
SETTING_MUNICIPALITY_CODE = "自治体コード"  # 全国地方公共団体コード, 6 digits (shigen.lgcode); open data needs it
SETTING_PREFECTURE = "都道府県名"
SETTING_CITY = "市区町村名"
SETTING_DEFAULTS: dict[str, tuple[str, str]] = {
    SETTING_MUNICIPALITY: ("", "一覧の表紙や見出しに使う自治体名"),
    SETTING_MUNICIPALITY_CODE: ("", "全国地方公共団体コード(6桁・最後の1桁は検査数字。例: 旭市 122157)。オープンデータに載ります"),
    SETTING_PREFECTURE: ("", "オープンデータの『都道府県名』(例: 千葉県)"),
    SETTING_CITY: ("", "オープンデータの『市区町村名』(例: 旭市)"),
    SETTING_CYCLE: ("12", "この月数を過ぎた最終確認日は『要更新』として扱います"),
    SETTING_AREA_CODE: ("", "市外局番のない電話番号に補う番号(例: 0479)。空欄なら補いません"),
    SETTING_CONTACT: ("", "配布物の表紙に載せる問い合わせ先(例: ○○市社会福祉協議会 0479-00-0000)"),
    SETTING_LETTER_DEPT: ("", "確認依頼(shigen letters)の差出人: 課の名前(例: 高齢者支援課 地域包括ケア係)"),
    SETTING_LETTER_ADDRESS: ("", "差出人の住所(例: 〒289-2595 みどり野市本町1-1)。返送先になります"),
    SETTING_LETTER_PHONE: ("", "差出人の電話番号"),
    SETTING_LETTER_FAX: ("", "差出人のFAX番号(返送をFAXで受けるとき)"),
    SETTING_LETTER_DEADLINE: ("", "返信期限: 日付(例: 2027-05-31)か、発送日からの日数(例: 14)"),
    SETTING_LETTER_RESEND_DAYS: ("21", "この日数を過ぎても回答のない照会を `shigen letters --reminder` で再送します"),
    SETTING_LETTER_TEXT: ("", "確認依頼の本文(空欄なら標準の文面)。{自治体名} と {返信期限} はその値に置き換わります"),
}

# Fields every genre needs unless the ジャンル sheet says otherwise.
DEFAULT_REQUIRED = ("name", "genre", "area", "content")
CONTACT_KEYS = ("phone", "mobile", "email")


@dataclass(frozen=True)
class GenreSeed:
    name: str
    synonyms: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    description: str = ""
    category: str = CATEGORY_NON_INSURANCE


DEFAULT_GENRES: tuple[GenreSeed, ...] = (
    GenreSeed("家事援助・生活支援", ("家事援助", "家事支援", "家事代行", "生活支援", "介護保険外家事援助", "便利屋",
                             "生活援助", "草取り", "除雪", "ゴミ出し", "有償ボランティア", "家事・生活のお手伝い", "家事",
                             "生活のお手伝い", "暮らしのお手伝い", "日常生活支援", "生活支援サービス", "家事援助サービス",
                             "ちょっとした困りごと", "困りごと支援", "草刈り", "庭木の剪定", "庭の手入れ", "電球交換",
                             "ハウスクリーニング", "掃除", "洗濯", "布団乾燥", "寝具乾燥", "寝具洗濯乾燥", "雪かき",
                             "シルバー人材センター", "住民参加型在宅福祉サービス", "有償在宅福祉サービス", "家事・生活支援",
                             "生活支援・家事援助", "お助け隊", "たすけあい"),
              description="掃除・洗濯・草取り・ゴミ出しなど"),
    GenreSeed("配食・弁当", ("配食", "弁当", "宅配弁当", "配食サービス", "お弁当", "食事の配達", "宅配食", "食事", "食事サービス",
                        "宅食", "食事宅配", "食の自立支援", "夕食宅配", "給食サービス", "配食・見守り"),
              ("fee", "days"), "自宅へ食事を届けるサービス"),
    GenreSeed("食料品・日用品の配達", ("配達", "宅配", "配送サービス", "配送", "食料品配達", "日用品配達", "生協", "ネットスーパー",
                                "御用聞き", "宅配サービス", "食材宅配", "食材配達", "商品の配達", "買い物配達", "宅配・配達"),
              ("fee",), "食料品や日用品を自宅へ届けるサービス"),
    GenreSeed("移動販売", ("移動販売車", "移動スーパー", "訪問販売", "出張販売", "移動店舗", "とくし丸"), ("days",),
              "販売車が地域を回るサービス"),
    GenreSeed("買い物支援", ("買い物", "買物支援", "買い物代行", "買い物同行", "買い物ツアー", "買物", "買い物支援サービス",
                        "買い物送迎", "買物代行", "お買い物", "買い物・配達"), (), "買い物の代行・同行・送迎"),
    GenreSeed("移送・外出支援", ("移送", "移送サービス", "デマンドタクシー", "通院バス", "福祉有償運送", "外出支援", "送迎",
                          "乗合タクシー", "介護タクシー", "福祉タクシー", "コミュニティバス", "外出同行", "外出・移動",
                          "移動支援", "タクシー", "移動", "外出", "通院", "通院介助", "通院支援", "付き添い", "付添い",
                          "外出支援サービス", "移動・外出", "交通", "乗り合い", "デマンド交通", "おでかけ支援", "お出かけ支援",
                          "送迎サービス", "ボランティア運送", "移動手段"), ("fee",),
              "通院・買い物などの移動を支えるサービス"),
    GenreSeed("訪問理美容", ("理容", "美容", "訪問理容", "訪問美容", "訪問理容・訪問美容", "出張理美容", "出張散髪",
                        "訪問理容・美容", "理美容", "訪問理美容サービス", "出張美容", "出張理容"), ("fee",),
              "自宅や施設に出向く理容・美容"),
    GenreSeed("見守り・安否確認", ("見守り", "安否確認", "安否確認・見守り", "緊急通報", "見守りサービス", "声かけ",
                           "配達時見守り", "緊急通報システム", "見守り活動", "見守りネットワーク", "安心コール", "電話訪問",
                           "友愛訪問", "見守り・声かけ", "緊急通報装置"), (), "定期的な訪問・電話・機器での見守り"),
    GenreSeed("通いの場・体操教室", ("通いの場", "体操", "体操教室", "いきいき百歳体操", "百歳体操", "介護予防教室",
                            "運動教室", "健康体操", "筋トレ", "介護予防", "健康教室", "健康づくり", "運動", "体操の場",
                            "集いの場", "ころばん体操", "介護予防・健康づくり", "通所型サービスB"), ("days",),
              "住民主体の体操や介護予防の集まり", category="インフォーマル"),
    GenreSeed("サロン・交流の場", ("サロン", "ふれあいいきいきサロン", "いきいきサロン", "交流の場", "居場所", "茶話会",
                           "カフェ", "認知症カフェ", "オレンジカフェ", "コミュニティカフェ", "地域の居場所", "ふれあいサロン",
                           "高齢者サロン", "交流", "憩いの場", "たまり場", "老人いこいの家", "いこいの家", "憩いの家",
                           "老人福祉センター", "地域サロン", "居場所づくり"), ("days",),
              "茶話会・サロン・カフェなどの交流の場", category="インフォーマル"),
    GenreSeed("地域食堂", ("子ども食堂", "こども食堂", "食堂", "会食", "地域食堂・会食", "みんなの食堂", "会食会",
                       "ふれあい会食", "地域食堂・子ども食堂"), ("days",),
              "地域の会食・食堂", category="インフォーマル"),
    GenreSeed("趣味・学び", ("趣味", "学び", "生涯学習", "講座", "教室", "サークル", "老人クラブ", "シニアクラブ", "趣味活動",
                        "生きがいづくり", "文化活動", "公民館講座", "シルバー大学", "高齢者大学", "学習"), (),
              "趣味・学習のサークルや講座", category="インフォーマル"),
    GenreSeed("ボランティア", ("ボランティア団体", "ボランティアグループ", "住民ボランティア", "助け合い", "支え合い",
                         "住民互助", "ボランティア活動", "助け合い活動", "支え合い活動", "住民主体"), (),
              "住民同士の助け合い活動", category="インフォーマル"),
    GenreSeed("住まい・住環境", ("住まい", "住環境", "住環境支援", "住宅改修", "高齢者向け住まい", "高齢者向け住まい各種",
                          "サービス付き高齢者向け住宅", "有料老人ホーム", "リフォーム", "住宅", "サ高住", "住宅型有料老人ホーム",
                          "健康型有料老人ホーム", "住まいの相談"), (), "住まいと住環境の支援"),
    GenreSeed("相談窓口", ("相談", "相談窓口", "地域包括支援センター", "包括", "総合相談", "相談支援", "権利擁護",
                       "成年後見", "成年後見センター", "消費生活相談", "高齢者相談", "在宅介護支援センター", "相談機関",
                       "社会福祉協議会", "社協"), (), "高齢者や家族の相談先",
              category="公的サービス"),
    GenreSeed("医療・口腔ケア", ("医療", "口腔ケア", "訪問歯科", "歯科", "訪問診療", "薬局", "訪問薬剤", "歯科訪問診療",
                          "医院", "歯科医院", "病院", "診療所", "クリニック", "医療機関", "かかりつけ医", "往診", "調剤薬局",
                          "訪問歯科診療", "在宅医療"), (),
              "訪問歯科・訪問診療など"),
    GenreSeed("介護保険サービス", ("介護保険", "介護サービス", "訪問介護", "通所介護", "デイサービス", "居宅介護支援",
                           "ショートステイ", "訪問看護", "福祉用具", "介護施設", "介護保険施設", "介護事業所",
                           "介護保険事業所", "ケアマネジャー", "居宅介護支援事業所",
                           # the service types of 自治体標準オープンデータセット 介護サービス事業所一覧 (実施サービス)
                           "訪問入浴介護", "訪問リハビリテーション", "居宅療養管理指導", "通所リハビリテーション",
                           "短期入所生活介護", "短期入所療養介護", "特定施設入居者生活介護", "福祉用具貸与",
                           "特定福祉用具販売", "介護老人福祉施設", "特別養護老人ホーム", "介護老人保健施設", "介護医療院",
                           "定期巡回・随時対応型訪問介護看護", "夜間対応型訪問介護", "地域密着型通所介護",
                           "認知症対応型通所介護", "小規模多機能型居宅介護", "認知症対応型共同生活介護",
                           "看護小規模多機能型居宅介護", "介護予防支援"), (), "介護保険の指定サービス",
              category="介護保険サービス"),
    GenreSeed("障害福祉サービス", ("障害福祉", "障がい福祉", "障害者福祉", "就労継続支援", "障害者支援", "障がい者支援",
                           "障害福祉サービス事業所"), (), "障害福祉の指定サービス",
              category="障害福祉サービス"),
    GenreSeed("その他", ("その他のサービス", "その他サービス"), (), "どれにも当てはまらないもの", category="その他"),
)

# Service types of 介護保険 and 障害福祉 (and a few neighbouring facility types) → (genre, 区分).
# A list's サービスの種類 / 区分 column holding these names gives both; a name inside a longer one
# (生活援助 inside 共同生活援助) is never taken for a genre synonym.
_CARE = ("介護保険サービス", "介護保険サービス")
_DISABILITY = ("障害福祉サービス", "障害福祉サービス")
SERVICE_TYPES: dict[str, tuple[str, str]] = {
    **dict.fromkeys((
        "訪問介護", "訪問入浴介護", "訪問入浴", "訪問看護", "訪問リハビリテーション", "訪問リハビリ", "居宅療養管理指導",
        "通所介護", "通所リハビリテーション", "通所リハビリ", "デイケア", "短期入所生活介護", "短期入所療養介護",
        "特定施設入居者生活介護", "福祉用具貸与", "特定福祉用具販売", "福祉用具(貸与・販売)", "福祉用具貸与・販売",
        "居宅介護支援", "介護予防支援", "定期巡回・随時対応型訪問介護看護", "夜間対応型訪問介護", "地域密着型通所介護",
        "認知症対応型通所介護", "小規模多機能型居宅介護", "小規模多機能", "認知症対応型共同生活介護", "認知症対応型",
        "認知症高齢者グループホーム", "地域密着型特定施設入居者生活介護", "地域密着型介護老人福祉施設入所者生活介護",
        "看護小規模多機能型居宅介護", "複合型サービス", "介護老人福祉施設", "介護老人保健施設", "介護医療院",
        "介護療養型医療施設", "特別養護老人ホーム", "地域密着型特別養護老人ホーム", "老人保健施設", "介護予防訪問介護",
        "介護予防通所介護", "訪問型サービス", "通所型サービス", "介護予防・日常生活支援総合事業", "デイサービス",
        "ショートステイ", "グループホーム(認知症)", "介護予防短期入所生活介護", "介護予防認知症対応型共同生活介護",
    ), _CARE),
    **dict.fromkeys((
        "居宅介護", "重度訪問介護", "同行援護", "行動援護", "重度障害者等包括支援", "短期入所", "療養介護", "生活介護",
        "施設入所支援", "自立訓練", "自立訓練(機能訓練)", "自立訓練(生活訓練)", "宿泊型自立訓練", "就労移行支援",
        "就労継続支援A型", "就労継続支援B型", "就労継続支援(A型)", "就労継続支援(B型)", "就労定着支援", "就労選択支援",
        "自立生活援助", "共同生活援助", "日中サービス支援型共同生活援助", "介護サービス包括型共同生活援助",
        "外部サービス利用型共同生活援助", "計画相談支援", "地域移行支援", "地域定着支援", "地域相談支援",
        "障害児相談支援", "児童発達支援", "医療型児童発達支援", "放課後等デイサービス", "保育所等訪問支援",
        "居宅訪問型児童発達支援", "福祉型障害児入所施設", "医療型障害児入所施設", "地域活動支援センター", "日中一時支援",
        "障害者グループホーム",
    ), _DISABILITY),
    "地域包括支援センター": ("相談窓口", "公的サービス"), "在宅介護支援センター": ("相談窓口", "公的サービス"),
    "養護老人ホーム": ("住まい・住環境", "公的サービス"), "軽費老人ホーム": ("住まい・住環境", "保険外サービス"),
    "ケアハウス": ("住まい・住環境", "保険外サービス"), "有料老人ホーム": ("住まい・住環境", "保険外サービス"),
    "サービス付き高齢者向け住宅": ("住まい・住環境", "保険外サービス"),
}


# Readings in hiragana, added to the genres' 別名: a record without ふりがな is still found by a query typed in
# hiragana (「はいしょく」 finds 配食・弁当) in `shigen find` and the site's search. Three kana or more only, so a
# short word never names a genre by accident.
GENRE_READINGS: dict[str, tuple[str, ...]] = {
    "家事援助・生活支援": ("かじえんじょ", "せいかつしえん", "くさとり", "ごみだし"),
    "配食・弁当": ("はいしょく", "べんとう"),
    "食料品・日用品の配達": ("はいたつ", "たくはい"),
    "移動販売": ("いどうはんばい",),
    "買い物支援": ("かいもの",),
    "移送・外出支援": ("そうげい", "がいしゅつ", "つういん"),
    "訪問理美容": ("ほうもんりよう", "ほうもんびよう", "さんぱつ"),
    "見守り・安否確認": ("みまもり", "あんぴかくにん"),
    "通いの場・体操教室": ("かよいのば", "たいそう"),
    "地域食堂": ("しょくどう",),
    "趣味・学び": ("しゅみ", "まなび"),
    "住まい・住環境": ("すまい", "じゅうたく"),
    "相談窓口": ("そうだん",),
}
DEFAULT_GENRES = tuple(GenreSeed(g.name, g.synonyms + GENRE_READINGS.get(g.name, ()), g.required, g.description,
                                 g.category) for g in DEFAULT_GENRES)
