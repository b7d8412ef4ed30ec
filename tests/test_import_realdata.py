"""Nine real public lists (tests/fixtures/realdata, see ATTRIBUTION.md) import without a mapping file.

For each file: the number of records, and at least ten records chosen across the file written out by hand
from the source rows, field by field — every expected field exact, and no other public field filled.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from builders import load, make_workspace

from shigen import schema as S
from shigen.errors import InputError
from shigen.importer import read_paths

REAL = Path(__file__).parent / "fixtures" / "realdata"
GH = {"genre": "障害福祉サービス", "category": "障害福祉サービス", "status": "掲載中"}


def gh(**values: str) -> dict[str, str]:
    """A 共同生活援助 record of the grouphome lists."""
    return {**GH, **values}


TOKYO = {
    2: gh(name="ホームつつじ", operator="特定非営利活動法人つつじ", postal_code="104-0054", address="東京都中央区",
          phone="03-3532-6921",
          notes="申請者-住所: 〒104-0051 東京都中央区佃2-17-8佃区民館2階\n申請者-電話番号: 03-6673-8081"),
    3: gh(name="中央区立知的障害者グループホーム フレンドハウス京橋", operator="中央区", postal_code="104-0031",
          address="東京都中央区京橋2-6-7", phone="03-3561-6327",
          notes="申請者-住所: 〒104-8404 東京都中央区築地1-1-1\n申請者-電話番号: 03-3546-5697"),
    4: gh(name="しろがねホーム", operator="社会福祉法人武蔵野会", postal_code="108-0072", address="東京都港区白金2-6-12",
          phone="03-3443-6151",
          notes="申請者-住所: 〒192-0083 東京都八王子市旭町12-4 日本生命八王子ビル2階201\n申請者-電話番号: 042-631-6341"),
    100: gh(name="立川寮", operator="特定非営利活動法人モアコートグループ", postal_code="190-0022",
            address="東京都立川市錦町1-17-11 モアコート貴4階", phone="042-525-2342",
            notes="申請者-住所: 〒190-0022 東京都立川市錦町1-17-11 モアコート貴1階\n申請者-電話番号: 042-529-2863"),
    250: gh(name="夢オハナ", operator="社会福祉法人恩賜財団東京都同胞援護会", postal_code="186-0004",
            address="東京都国立市中1-13-48", phone="042-505-5554",
            notes="申請者-住所: 〒162-0053 東京都新宿区原町3-8\n申請者-電話番号: 03-3341-7161"),
    452: gh(name="リアン ソリードゥ南砂", operator="一般社団法人アイエスエフネットベネフィット", postal_code="136-0076",
            address="東京都江東区南砂7-6-16", phone="03-6659-7151",
            notes="申請者-住所: 〒107-0062 東京都港区南青山1-4-2 八並ビル3階・7階\n申請者-電話番号: 03-5785-3788"),
    520: gh(name="コアホーム", operator="一般社団法人コア", postal_code="175-0092", address="東京都板橋区",
            phone="03-5968-3555", notes="申請者-住所: 〒175-0092 東京都板橋区赤塚3-21-9\n申請者-電話番号: 03-5968-3555"),
    640: gh(name="MS町田", operator="株式会社泉心会メディカルサービス", postal_code="194-0031",
            address="東京都町田市南大谷1143-1", phone="042-794-7993",
            notes="申請者-住所: 〒242-0007 神奈川県大和市中央林間9-3-35KK-1長谷川ビル201\n申請者-電話番号: 046-271-6556"),
    777: gh(name="ホープワールドワイド・ジャパン", operator="特定非営利活動法人ホープワールドワイド・ジャパン",
            postal_code="178-0063", address="東京都練馬区", phone="03-6300-5240",
            notes="申請者-住所: 〒151-0073 東京都渋谷区笹塚2-16-1\n申請者-電話番号: 03-6300-5240"),
    902: gh(name="GHナノハナあきる野", operator="一般社団法人thincth", postal_code="190-0142", address="東京都あきる野市",
            phone="042-349-3805",
            notes="申請者-住所: 〒187-0031 東京都小平市小川東町5-19-34-210\n申請者-電話番号: 042-349-3805"),
}
TOKYO_EXTRA = {2: {"事業所番号": "1320200031", "申請者-法人種別": "非営利法人(NPO)", "指定年月日": "2006/10/1",
                   "サービスの種類": "共同生活援助"}}

FUKUOKA = {
    2: gh(name="寺内ホーム アンダンテ", operator="社会福祉法人 宰府福祉会", postal_code="816-0952",
          address="福岡県大野城市下大利2-18-26", phone="092-572-9753", fax="092-572-9753"),
    60: gh(name="さくらガーデンハイツ", operator="静光園", postal_code="836-0885", address="福岡県大牟田市下池町37",
           phone="0944-52-8805"),
    120: gh(name="つくしんぼ小浜Ⅱ", operator="社会福祉法人キリスト者奉仕会", postal_code="836-0034",
            address="福岡県大牟田市小浜町98-12", phone="0944-52-0585", fax="0944-52-0585"),
    200: gh(name="すてっぷ", operator="社会福祉法人 葦の家福祉会", postal_code="814-0153",
            address="福岡県福岡市城南区樋井川4-1-11", phone="092-834-3365", fax="092-834-3365"),
    281: gh(name="シェアハウス 喜富", operator="一般社団法人C・ネット福岡", postal_code="820-0003",
            address="福岡県飯塚市立岩1084-1 107", phone="0948-25-1149", fax="0948-43-8587"),
    320: gh(name="ライトハウス", operator="株式会社 Vohl", postal_code="816-0941", address="福岡県大野城市東大利3-14-25",
            phone="092-558-5375", fax="092-0558-5381"),  # an impossible FAX number: kept as written, reported
    400: gh(name="果樹の家/早良", operator="株式会社希樹屋", postal_code="814-0022", address="福岡県福岡市早良区原2-4-11",
            phone="092-836-9400", fax="092-836-9400"),
    469: gh(name="ルーツ田主丸", operator="株式会社IPPO", postal_code="839-1216", address="福岡県久留米市田主丸町中尾873-9",
            phone="0943-72-0130", fax="093-72-0130"),
    520: gh(name="スターホームKURUME", operator="株式会社 医療福祉ホールディングス", postal_code="839-0841",
            address="福岡県久留米市御井旗崎4丁目6番30号2階", phone="0942-43-3610", fax="0942-43-3611"),
    559: gh(name="グループホーム オヒアの木", operator="株式会社オヒアの木", postal_code="803-0022",
            address="福岡県北九州市小倉北区弁天町3番3号 アビタシオン清水701号室", phone="080-5602-1858"),
}


def wam(**values: str) -> dict[str, str]:
    return gh(**values)


WAM = {
    2: wam(name="グループホーム スペロ平岸", kana="ぐるーぷほーむすぺろひらぎし", operator="社会福祉法人 ろく舎",
           address="北海道札幌市豊平区平岸四条8丁目4番24号スペロ平岸", phone="011-826-5506", fax="011-826-5510",
           notes="法人住所: 北海道札幌市中央区南一条西10丁目4番地タイムビル4F\n法人電話番号: 011-272-1158\n"
                 "法人FAX番号: 011-272-8668\n法人URL: https://rokusya.com/"),
    3: wam(name="グループホーム アーバン本郷", kana="ぐるーぷほーむあーばんほんごう", operator="社会福祉法人 ろく舎",
           address="北海道札幌市白石区本郷通8丁目南2?24", phone="011-863-2226", fax="011-827-1186",
           notes="法人住所: 北海道札幌市中央区南一条西10丁目4番地タイムビル4F\n法人電話番号: 011-272-1158\n"
                 "法人FAX番号: 011-272-8668\n法人URL: https://rokusya.com/"),
    50: wam(name="はるかぜ", kana="はるかぜ", operator="社会福祉法人 朔風", address="北海道札幌市白石区中央三条6丁目4番7号はるかぜ",
            phone="011-862-6601", fax="011-862-6601", url="http://sakufu.sakura.ne.jp/",
            notes="法人住所: 北海道札幌市中央区南19条西8丁目607?7やまはな支援センター\n法人電話番号: 011-533-3933\n"
                  "法人FAX番号: 011-533-3932\n法人URL: http://sakufu.sakura.ne.jp/"),
    100: wam(name="グループホーム「コーポさとう」", kana="ぐるーぷほーむこーぽさとう", operator="特定非営利活動法人 ソルト",
             address="北海道札幌市北区北27条西3丁目1?1コーポさとう", phone="011-717-3011", fax="011-717-3011",
             notes="法人住所: 北海道札幌市北区北二十七条西3丁目1?1コーポさとう\n法人電話番号: 011-717-3011\n"
                   "法人FAX番号: 011-717-3011"),
    152: wam(name="のまる江別文京台", kana="のまるえべつぶんきょうだい", operator="株式会社リレーションパートナー",
             address="北海道江別市文京台東町31番地6", phone="011-386-2121", fax="011-386-2212", url="http://nomaru-main.com",
             notes="法人住所: 北海道札幌市白石区本通19丁目南2番7号食糧ビル2階\n法人電話番号: 011-860-3131\n"
                   "法人FAX番号: 011-860-5051\n法人URL: http://nomaru-main.com"),
    157: wam(name="フィオーレ札幌東", kana="ふぃおーれさっぽろひがし", operator="株式会社 リーベ",
             address="北海道札幌市白石区栄通10丁目1番29号", phone="011-867-9321", fax="011-867-9354",
             url="http://liebe-fiore.com",
             notes="法人住所: 北海道札幌市白石区栄通10丁目1番29号\n法人電話番号: 011-867-9321\n"
                   "法人FAX番号: 001-867-9354\n法人URL: http://liebe-fiore.com"),
    200: wam(name="ほうぷ", kana="ほうぷ", operator="特定非営利活動法人 のほほん", address="北海道札幌市豊平区平岸2条15丁目5?26",
             phone="011-815-2400",
             notes="法人住所: 北海道札幌市豊平区中の島1条6丁目7番23号北海ビル2F\n法人電話番号: 011-815-2400\n"
                   "法人FAX番号: 011-815-2400\n法人URL: https://appleseed-being.jimdo.com/"),
    250: wam(name="この実らいふネット", kana="このみらいふねっと", operator="社会福祉法人 札幌この実会",
             address="北海道札幌市西区平和2条6丁目11番1号", phone="011-663-2263", fax="011-666-1376",
             notes="法人住所: 北海道札幌市西区西野969番地2\n法人電話番号: 011-663-2370\n法人FAX番号: 011-664-8908\n"
                   "法人URL: https://konomikai.jimdo.com/"),
    280: wam(name="セルフサポート高砂通り", kana="せるふさぽーとたかさごどおり", operator="株式会社 ネクストベース",
             address="北海道函館市新川町17番7号", phone="0138-86-6860", fax="0138-86-6870",
             url="http://neqstbase.net/content1.html",
             notes="法人住所: 北海道函館市新川町17番7号セルフサポート高砂通り\n法人電話番号: 011-398-3777\n"
                   "法人FAX番号: 011-351-2732\n法人URL: http://neqstbase.net/"),
    301: wam(name="小樽障害福祉事業所 らしくホーム", kana="おたるしょうがいふくしじぎょうしょらしくほーむ",
             operator="株式会社トゥー・トゥー", address="北海道小樽市緑1丁目11-2", phone="0134-64-7112", fax="0134-64-7112",
             url="http://otaru-rashiku-home.com",
             notes="法人住所: 北海道小樽市錦町5番12号\n法人電話番号: 0134-26-6665\n法人FAX番号: 0134-64-6667\n"
                   "法人URL: http://otaru-rashiku-home.com"),
}
WAM_EXTRA = {2: {"事業所番号": "0120506084", "法人番号": "7430005013410", "緯度": "43.03311848", "経度": "141.37392313",
                 "法人の名称_かな": "しゃかいふくしほうじんろくしゃ", "サービスの種類": "共同生活援助"},
             200: {"法人番号": "430005004582"}}


def care(**values: str) -> dict[str, str]:
    return {"genre": "介護保険サービス", "category": "介護保険サービス", "status": "掲載中", **values}


def kosai(**values: str) -> dict[str, str]:
    return {"status": "掲載中", **values}


KOSAI = {
    2: care(name="SSKC機能訓練センターあらい", phone="053-595-3120", address="静岡県湖西市新居町新居666-1",
            url="http://sskccare.web.fc2.com/arai.html"),
    12: care(name="ショートステイ湖西白萩", phone="053-573-2000", address="静岡県湖西市太田450-1"),
    32: care(name="湖西市社協介護センターあらい", phone="053-594-5000", address="静岡県湖西市新居町浜名575",
             url="http://www.kosai-sk.or.jp/kaigo.html"),
    52: care(name="訪問看護ステーションはまな", phone="053-573-0333", address="静岡県湖西市新所岡崎梅田入会地15-70"),
    62: kosai(name="すいすいクラブ", genre="サロン・交流の場", category="インフォーマル", address="静岡県湖西市新所5650-4"),
    72: kosai(name="伊藤歯科医院", genre="医療・口腔ケア", category="保険外サービス", phone="053-579-0752",
              address="静岡県湖西市白須賀3904"),
    92: kosai(name="いしはま医院", genre="医療・口腔ケア", category="保険外サービス", phone="053-573-0101",
              address="静岡県湖西市岡崎882-49"),
    102: kosai(name="伊藤医院", genre="医療・口腔ケア", category="保険外サービス", phone="053-578-0658",
               address="静岡県湖西市入出505"),
    117: kosai(name="表鷲津多目的センター", genre="サロン・交流の場", category="インフォーマル", operator="表鷲津地区福祉会",
               address="静岡県湖西市鷲津2837"),
    122: kosai(name="山口公会堂", genre="サロン・交流の場", category="インフォーマル", operator="山口地域福祉会",
               address="静岡県湖西市山口151-2"),
    137: kosai(name="各地区公会堂", genre="サロン・交流の場", category="インフォーマル", operator="利木自治会",
               address="静岡県湖西市利木164-4"),
    144: care(name="在宅介護センター アイケア湖西", phone="053-574-3300", address="静岡県湖西市吉美3270番地の5",
              url="http://aicare.co.jp/modules/center/index.php?content_id=0053"),
}
KOSAI_EXTRA = {2: {"元のID": "1000", "緯度": "34.686293", "経度": "137.569193", "サービスの種類": "通所介護"},
               117: {"元のID": "1115", "緯度": "34.717953", "経度": "137.554771"}}


def t49(**values: str) -> dict[str, str]:
    return {"status": "掲載中", "days": "月火水木金土日", **values}


TOKUYO = {"genre": "介護保険サービス", "category": "介護保険サービス"}
KEIHI = {"genre": "住まい・住環境", "category": "保険外サービス"}
T49 = {  # the LinkData file: the #property row is the header, #object_type_xsd / #property_context are skipped
    10: t49(name="特別養護老人ホーム シオンの丘ホーム", address="高松市香西北町260", phone="087-881-4531",
            url="http://www.bokuyoukai.or.jp/qhm/sion/", notes="利用可能日時特記事項: 24時間対応\n定員: 70", **TOKUYO),
    11: t49(name="特別養護老人ホーム 弘恩苑", address="高松市前田西町683-7", phone="087-847-9555",
            url="http://www.kouzenkai.jp/shisetsu/kouon/f_kouonen.html", notes="利用可能日時特記事項: 24時間対応\n定員: 80",
            **TOKUYO),
    12: t49(name="特別養護老人ホーム さぬき", address="高松市宮脇町二丁目37-21", phone="087-831-4451",
            url="http://www.sanuki-sha.or.jp/sanuki/moving/special.html", notes="利用可能日時特記事項: 24時間対応\n定員: 87",
            **TOKUYO),
    13: t49(name="特別養護老人ホーム 岡本荘", address="高松市岡本町527-1", phone="087-885-2828",
            url="http://www.koutouen.com/okamotosou/index.html", notes="利用可能日時特記事項: 24時間対応\n定員: 90", **TOKUYO),
    20: t49(name="特別養護老人ホーム 香色苑", address="高松市高松町1350-22", phone="087-844-9090",
            url="http://www.kouzenkai.jp/shisetsu/koushiki/f_koushokuen.html",
            notes="利用可能日時特記事項: 24時間対応\n定員: 50", **TOKUYO),
    30: t49(name="特別養護老人ホーム 守里苑", address="高松市牟礼町牟礼2321-14", phone="087-845-4417",
            url="http://www.syurikai.com/relation/syurien.php", notes="利用可能日時特記事項: 24時間対応\n定員: 60", **TOKUYO),
    38: t49(name="ケアハウス 花みずき", address="高松市林町76-14", phone="087-868-0800",
            url="https://www.sumire-fukushi.jp/sakura/guide/care_house.html",
            notes="利用可能日時特記事項: 24時間対応\n定員: 50", **KEIHI),
    44: t49(name="ケアハウス おかもと", address="高松市岡本町527-1", phone="087-885-2828",
            url="http://www.koutouen.com/okamotosou/service/care_house.html",
            notes="利用可能日時特記事項: 24時間対応\n定員: 30", **KEIHI),
    47: t49(name="ケアハウス 吉祥", address="高松市高松町897-9", phone="087-841-8100",
            url="http://kisshoh.jp/service/carehouse", notes="利用可能日時特記事項: 24時間対応\n定員: 48", **KEIHI),
    50: t49(name="特別養護老人ホーム さくら荘(ユニット型)", address="高松市林町76-14", phone="087-868-0700",
            url="https://www.sumire-fukushi.jp/sakura/", notes="利用可能日時特記事項: 24時間対応\n定員: 30", **TOKUYO),
    54: t49(name="特別養護老人ホーム ナウラテラス", address="高松市松福町一丁目12番3号", phone="087-802-2650",
            url="https://www.sumire-fukushi.jp/nauraaterrace/", notes="利用可能日時特記事項: 24時間対応\n定員: 30", **TOKUYO),
}
T49_EXTRA = {10: {"緯度": "34.35423472", "経度": "133.99511139", "サービスの種類": "介護老人福祉施設(特別養護老人ホーム)"}}

T47 = {
    2: {"name": "高松市ふれあい福祉センター勝賀", "address": "高松市香西南町476-1", "phone": "087-882-6950",
        "url": "http://www.city.takamatsu.kagawa.jp/kurashi/kenkou/koreisha_shien/shiyu_shisetsu/katsuga.html",
        "content": "老人福祉センター、図書コーナー、児童室、テニスコート、ゲートボール場、会議室・研修室、浴室",
        "days": "月火水木金土", "hours": "9:00～17:00", "status": "掲載中",
        "notes": "利用可能日時特記事項: 12月29日から翌年1月3日は休業、浴室は10:00～20:00、会議室・研修室は9:00～22:00\n"
                 "定員: 大会議室:120名、第1会議室、第2会議室:各24名、研修室:24名"},
    3: {"name": "高松市瓦町健康ステーション", "address": "高松市常磐町一丁目3番地1 瓦町FLAG8階", "phone": "087-812-7532",
        "url": "http://www.city.takamatsu.kagawa.jp/kurashi/kurashi/shisetsu/ikode/kenko_station.html",
        "content": "フィットネスルーム、健康相談、健康教室等", "days": "月火水木金土日", "hours": "10:00～21:00",
        "status": "掲載中", "notes": "利用可能日時特記事項: 年末年始(12/29～1/3)は終日利用不可。"},
}
IKOI_ADDRESSES = ["高松市扇町一丁目2-31", "高松市亀岡町7-7", "高松市楠上町二丁目5-11", "高松市番町二丁目13-1",
                  "高松市多賀町一丁目1-25", "高松市扇町三丁目6-15", "高松市新北町6-15", "高松市藤塚町二丁目12-23",
                  "高松市牟礼町牟礼1978-1", "高松市牟礼町牟礼567-1"]
IKOI_NAMES = ["白梅荘", "亀阜荘", "楠上荘", "二番丁荘", "花畑荘", "西二番丁荘", "新北荘", "栗林藤塚荘", "牟礼いこいの家",
              "牟礼いこいの広場"]
T48 = {
    i + 2: ({"name": f"老人いこいの家{n}", "address": a, "days": "月火水木金土日", "hours": "9:00～18:00",
             "notes": "利用可能日時特記事項: 時間外利用可能", "status": "掲載中"} if i < 9 else
            {"name": f"老人いこいの家{n}", "address": a, "status": "掲載中"})  # the last row's schedule is blank
    for i, (n, a) in enumerate(zip(IKOI_NAMES, IKOI_ADDRESSES, strict=True))
}

CASES = [
    ("grouphome_tokyo_kyodoseikatsu.csv", 901, TOKYO, TOKYO_EXTRA, ""),
    ("grouphome_fukuoka_kyodoseikatsu.csv", 558, FUKUOKA, {}, ""),
    ("wam_shogai_kyodoseikatsu_sjis_head300.csv", 300, WAM, WAM_EXTRA, ""),
    ("kosai_caremap_facilities.geojson", 143, KOSAI, KOSAI_EXTRA, ""),
    ("takamatsu_elderly_welfare_facility_0049_linkdata.xlsx", 45, T49, T49_EXTRA, "Sheet0"),
    ("takamatsu_elderly_welfare_facility_0049_linkdata.csv", 45, T49, T49_EXTRA, ""),
    ("takamatsu_elderly_welfare_center_0047.xlsx", 2, T47, {}, "Sheet1"),
    ("takamatsu_roujin_ikoi_0048.xlsx", 10, T48, {}, "Sheet1"),
]


@pytest.fixture(scope="module")
def cat(tmp_path_factory):
    ws = make_workspace(tmp_path_factory.mktemp("real") / "ws", [], districts=[])
    return load(ws)


def _source(name: str, sheet: str, row: int) -> str:
    return f"{name}:{sheet}:{row}" if sheet else f"{name}:{row}"


@pytest.mark.parametrize(("name", "count", "expected", "extra", "sheet"), CASES, ids=[c[0] for c in CASES])
def test_real_file_imports_every_record_and_field(cat, name, count, expected, extra, sheet):
    result = read_paths([REAL / name], cat)
    assert len(result.records) == count
    got = {r.get("source"): r for r in result.records}
    assert len(expected) >= 10 or len(expected) == count  # ten records across the file, or all of a short one
    for row, values in expected.items():
        rec = got[_source(name, sheet, row)]
        diff = {k: (v, rec.get(k)) for k, v in values.items() if rec.get(k) != v}
        assert not diff, (row, diff)
        invented = {k: v for k, v in rec.values.items() if v and k not in values and k != "source"}
        assert not invented, (row, invented)
        for key, value in extra.get(row, {}).items():
            assert rec.extra.get(key) == value, (row, key, rec.extra)
    # no unmapped column sent to the public 備考, and never a corporation's detail in the service's fields
    for rec in result.records:
        assert "指定年月日" not in rec.get("notes") and "法人種別" not in rec.get("notes")


def test_linkdata_records_are_all_real_and_metadata_rows_skipped(cat):
    result = read_paths([REAL / "takamatsu_elderly_welfare_facility_0049_linkdata.xlsx"], cat)
    names = [r.name for r in result.records]
    assert "string" not in names and "Assertion" not in names and not any(n.startswith("#") for n in names)
    sheet = result.sheets[0]
    assert sheet.header_rows == [7]
    assert {r for r, why, _ in sheet.skipped if "メタデータ" in why} == {8, 9}
    kinds = {r.get("genre") for r in result.records}
    assert kinds == {"介護保険サービス", "住まい・住環境"}  # 特養 / 地域密着型特養 and 軽費・養護老人ホーム
    assert sum(r.get("genre") == "住まい・住環境" for r in result.records) == 14
    yougo = [r for r in result.records if r.extra.get("サービスの種類") == "養護老人ホーム"]
    assert len(yougo) == 2 and all(r.get("category") == "公的サービス" for r in yougo)


@pytest.mark.parametrize("name", ["grouphome_tokyo_kyodoseikatsu.csv", "grouphome_fukuoka_kyodoseikatsu.csv",
                                  "wam_shogai_kyodoseikatsu_sjis_head300.csv"])
def test_kyodo_seikatsu_enjo_is_a_disability_service_never_housework(cat, name):
    result = read_paths([REAL / name], cat)
    assert {r.get("genre") for r in result.records} == {"障害福祉サービス"}
    assert {r.get("category") for r in result.records} == {"障害福祉サービス"}


def test_tokyo_placeholders_and_corporations(cat):
    result = read_paths([REAL / "grouphome_tokyo_kyodoseikatsu.csv"], cat)
    sheet = result.sheets[0]
    placeholders = [w for w in sheet.warnings if "値の代わりの印のため、住所につなげませんでした" in w[2]]
    assert len(placeholders) == 248  # 事業所-住所 = ＊ (247 rows) or * (row 535): the home's address withheld
    for rec in result.records:
        assert "*" not in rec.get("address") and "＊" not in rec.get("address")
        assert "\n" not in rec.get("address") and "\n" not in rec.get("postal_code")
        assert rec.name and rec.get("operator")  # the home in 名称, the corporation in 運営主体, in every row
    columns = {c.header: c for c in sheet.columns}
    assert columns["申請者-名称"].target == "operator" and columns["事業所-名称"].target == "name"
    assert columns["事業所-電話番号"].target == "phone" and columns["申請者-電話番号"].target == "org:phone"


def test_wam_lost_characters_are_reported(cat):
    result = read_paths([REAL / "wam_shogai_kyodoseikatsu_sjis_head300.csv"], cat)
    lost = {r for r, f, m in result.sheets[0].warnings if f == S.header("address") and "『?』" in m}
    with_q = {r.record.row for r in result.rows if "?" in r.record.get("address")}
    assert lost == with_q and len(lost) >= 100
    assert result.files[0].encoding.startswith("Shift_JIS")


def test_data_dictionary_is_refused_with_a_clear_message(cat, tmp_path):
    with pytest.raises(InputError) as exc:
        read_paths([REAL / "kosai_caremap_dataSpecification.xls"], cat)
    text = exc.value.text
    assert "資源の一覧" in text and "--mapping" in text and "見えた列" in text


def test_real_files_import_from_a_folder_without_mapping(tmp_path):
    """The whole corpus through the CLI's run function on a fresh workspace (no 地区, no mapping)."""
    from shigen.importer import run_import

    ws = make_workspace(tmp_path / "ws", [], districts=[])
    folder = tmp_path / "in"
    folder.mkdir()
    for name, *_ in CASES:
        shutil.copy(REAL / name, folder / name)
    result = run_import(ws, [folder], by="テスト", report=False)
    assert result.counts()["新規"] == sum(c[1] for c in CASES)
    assert not result.read.bad_files
