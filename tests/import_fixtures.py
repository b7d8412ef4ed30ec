"""Messy municipal resource files for the import tests, each with its expected records written out by hand.

Every builder writes one file into a folder and returns it; ``FIXTURES`` lists (builder, read options,
expected records). Expected values are what a careful person would type into the master.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment


def _sheet_rows(ws, rows: list[list[Any]], start: int = 1) -> None:  # type: ignore[no-untyped-def]
    for r, row in enumerate(rows, start=start):
        for c, value in enumerate(row, start=1):
            if value is not None and value != "":
                ws.cell(row=r, column=c, value=value)


# 1 ------------------------------------------------------------------------------------------
def genre_sheets_xlsx(folder: Path) -> Path:
    """One sheet per genre; title/date rows; two-row header with 連絡先 merged over 電話/FAX; labelled parts,
    combined TEL/FAX cell, 「電話と同じ」, full-width digits, 〃, spacer/total/footnote rows, an index sheet
    without header and a hidden working sheet."""
    wb = openpyxl.Workbook()
    index = wb.active
    index.title = "目次"
    _sheet_rows(index, [["目次"], ["1. 配食"], ["2. 移動販売"]])

    ws = wb.create_sheet("配食")
    ws["A1"] = "みどり野市 社会資源一覧"
    ws.merge_cells("A1:I1")
    ws["A2"] = "令和5年4月1日現在"
    _sheet_rows(ws, [
        ["No.", "事業所名", "住所", "連絡先", None, "対応エリア", "サービス内容・料金", "支払\n方法", "確認日"],
        [None, None, None, "電話", "FAX"],
    ], start=4)
    ws["H4"].alignment = Alignment(wrap_text=True)
    for col in "ABCFGHI":
        ws.merge_cells(f"{col}4:{col}5")
    ws.merge_cells("D4:E4")
    _sheet_rows(ws, [
        [1, "株式会社 みどり配食", "みどり野市本町1-2-3", "０４７９－６２－１１１１", "０４７９－６２－１１１２", "市内全域",
         "昼食と夕食のお弁当を届けます。\n料金：1食600円\n定休日：日曜", "現金", "令和5年3月10日"],
        [2, "㈱髙橋弁当", "みどり野市栄町2-1", "TEL 0479-62-2222 FAX 0479-62-2223", None, "〃",
         "日替わり弁当【料金】500円\n【定休日】土曜・日曜", "振込", "R5.3.1"],
        [],
        [3, "ﾐﾄﾞﾘｷｯﾁﾝ", "みどり野市南浜3-4-5", "0479-64-3333", "電話と同じ", "南地区", "夕食の配達", "現金",
         dt.date(2023, 2, 1)],
        ["合計", "3件"],
        ["※料金は税込みです。"],
    ], start=6)

    ms = wb.create_sheet("移動販売")
    _sheet_rows(ms, [
        ["【移動販売】"],
        ["事業所名", "電話番号", "対応エリア", "営業日", "休み", "確認日"],
        ["とくし丸 みどり号", "0479-62-5555(代表)", "北地区", "月・木", "日曜", dt.date(2023, 3, 15)],
        ["移動スーパーさかな屋", "62-7777", "南地区", "火・金", "〃", "2023/3/20"],
    ])
    hidden = wb.create_sheet("作業用")
    _sheet_rows(hidden, [["事業所名", "電話"], ["連絡待ち 山田商店", "0479-62-9999"]])
    hidden.sheet_state = "hidden"
    path = folder / "社会資源ファイル.xlsx"
    wb.save(path)
    return path


GENRE_SHEETS_EXPECTED = [
    {"source": "社会資源ファイル.xlsx:配食:6", "name": "株式会社 みどり配食", "address": "みどり野市本町1-2-3",
     "phone": "0479-62-1111", "fax": "0479-62-1112", "area": "市内全域", "content": "昼食と夕食のお弁当を届けます。",
     "fee": "1食600円", "closed_days": "日曜", "payment": "現金", "last_confirmed": "2023-03-10", "genre": "配食・弁当",
     "district": "中央地区", "category": "保険外サービス", "status": "掲載中"},
    {"source": "社会資源ファイル.xlsx:配食:7", "name": "㈱髙橋弁当", "address": "みどり野市栄町2-1",
     "phone": "0479-62-2222", "fax": "0479-62-2223", "area": "市内全域", "content": "日替わり弁当", "fee": "500円",
     "closed_days": "土曜・日曜", "payment": "振込", "last_confirmed": "2023-03-01", "genre": "配食・弁当",
     "district": "中央地区", "category": "保険外サービス", "status": "掲載中"},
    {"source": "社会資源ファイル.xlsx:配食:9", "name": "ミドリキッチン", "address": "みどり野市南浜3-4-5",
     "phone": "0479-64-3333", "fax": "0479-64-3333", "area": "南地区", "content": "夕食の配達", "payment": "現金",
     "last_confirmed": "2023-02-01", "genre": "配食・弁当", "district": "南地区", "category": "保険外サービス",
     "status": "掲載中"},
    {"source": "社会資源ファイル.xlsx:移動販売:3", "name": "とくし丸 みどり号", "phone": "0479-62-5555", "area": "北地区",
     "days": "月・木", "closed_days": "日曜", "last_confirmed": "2023-03-15", "genre": "移動販売",
     "category": "保険外サービス", "status": "掲載中"},
    {"source": "社会資源ファイル.xlsx:移動販売:4", "name": "移動スーパーさかな屋", "phone": "0479-62-7777", "area": "南地区",
     "days": "火・金", "closed_days": "日曜", "last_confirmed": "2023-03-20", "genre": "移動販売",
     "category": "保険外サービス", "status": "掲載中"},
]


# 2 ------------------------------------------------------------------------------------------
def district_sheets_xlsx(folder: Path) -> Path:
    """One sheet per district; a group column (種別) filled on a group's first row only; one group spanning
    two rows with merged cells; 同上; two numbers in one cell; half-width kana; mobile-only rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "北地区"
    _sheet_rows(ws, [
        ["北地区 支えあいマップ 掲載団体"],
        ["作成:北部地域包括支援センター"],
        ["種別", "団体名", "活動内容", "開催日", "場所", "連絡先", "参加費", "代表者"],
        ["サロン", "ふれあいｻﾛﾝ北山", "お茶会", "第1月曜", "北山公民館", "0479-63-1111", "100円", "山田 花子"],
        [None, "上野いきいき体操", "体操", "毎週火曜", "上野集会所", "0479-63-2222／090-1234-5678", "無料", "佐藤 一郎"],
        ["通いの場", "松原体操クラブ", "百歳体操", "毎週月曜", "松原第一集会所", "090-2222-3333", "月200円", "中村 勝"],
        [None, None, None, "毎週木曜", "松原第二集会所"],
        [None, "北山体操の会", "体操", "毎週水曜", "北山公民館", "同上", "無料", "鈴木 次郎"],
    ])
    for col in "BCFGH":
        ws.merge_cells(f"{col}6:{col}7")
    south = wb.create_sheet("南地区")
    _sheet_rows(south, [
        ["名称", "電話", "携帯", "内容"],
        ["南浜見守り隊", None, "080-1111-2222", "声かけ"],
        ["汐見サロン", "090-3333-4444", None, "サロン活動"],
    ])
    path = folder / "地区別一覧.xlsx"
    wb.save(path)
    return path


DISTRICT_SHEETS_EXPECTED = [
    {"source": "地区別一覧.xlsx:北地区:4", "genre": "サロン・交流の場", "name": "ふれあいサロン北山", "content": "お茶会",
     "days": "第1月曜", "address": "北山公民館", "phone": "0479-63-1111", "fee": "100円", "contact_person": "山田 花子",
     "district": "北地区", "category": "インフォーマル", "status": "掲載中"},
    {"source": "地区別一覧.xlsx:北地区:5", "genre": "サロン・交流の場", "name": "上野いきいき体操", "content": "体操",
     "days": "毎週火曜", "address": "上野集会所", "phone": "0479-63-2222", "mobile": "090-1234-5678", "fee": "無料",
     "contact_person": "佐藤 一郎", "district": "北地区", "category": "インフォーマル", "status": "掲載中"},
    {"source": "地区別一覧.xlsx:北地区:6", "genre": "通いの場・体操教室", "name": "松原体操クラブ", "content": "百歳体操",
     "days": "毎週月曜\n毎週木曜", "address": "松原第一集会所\n松原第二集会所", "phone": "090-2222-3333", "fee": "月200円",
     "contact_person": "中村 勝", "district": "北地区", "category": "インフォーマル", "status": "掲載中"},
    {"source": "地区別一覧.xlsx:北地区:8", "genre": "通いの場・体操教室", "name": "北山体操の会", "content": "体操",
     "days": "毎週水曜", "address": "北山公民館", "phone": "090-2222-3333", "fee": "無料", "contact_person": "鈴木 次郎",
     "district": "北地区", "category": "インフォーマル", "status": "掲載中"},
    {"source": "地区別一覧.xlsx:南地区:2", "name": "南浜見守り隊", "mobile": "080-1111-2222", "content": "声かけ",
     "district": "南地区", "status": "掲載中"},
    {"source": "地区別一覧.xlsx:南地区:3", "name": "汐見サロン", "phone": "090-3333-4444", "content": "サロン活動",
     "district": "南地区", "status": "掲載中"},
]


# 3 ------------------------------------------------------------------------------------------
def opendata_csv(folder: Path) -> Path:
    """自治体標準オープンデータセット-style UTF-8 CSV with BOM: 名称_カナ, 所在地_連結表記, 開始/終了時間,
    another system's ID (one of which looks like a shigen ID), an unmapped column, an unmatched category."""
    lines = [
        "都道府県コード又は市区町村コード,NO,名称,名称_カナ,カテゴリ,所在地_連結表記,郵便番号,電話番号,FAX番号,"
        "利用可能曜日,開始時間,終了時間,利用可能日時特記事項,対象エリア,URL,ID,駐車場,最終更新日",
        "122998,1,みどり子ども食堂,ミドリコドモショクドウ,子ども食堂,千葉県みどり野市東台1-1-1,2890011,0479-65-1111,,"
        "土,11:30,13:30,第2・第4土曜のみ,東地区,https://example.jp/kodomo,A-001,あり,2023/4/1",
        '122998,2,シニアカフェ緑,ｼﾆｱｶﾌｪﾐﾄﾞﾘ,認知症カフェ,千葉県みどり野市緑町2-2,289-0012,0479-65-2222,0479-65-2223,'
        '"月,水",10:00,12:00,,東地区,,S00001,,2023/5/1',
        "122998,3,生きがいワーク,,生きがい・就労,千葉県みどり野市本町5-5,,0479-62-3333,,,,,,市内全域,,A-003,,2023/6/1",
    ]
    path = folder / "opendata.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


OPENDATA_EXPECTED = [
    {"source": "opendata.csv:2", "name": "みどり子ども食堂", "kana": "みどりこどもしょくどう", "genre": "地域食堂",
     "address": "千葉県みどり野市東台1-1-1", "postal_code": "289-0011", "phone": "0479-65-1111", "days": "土",
     "hours": "11:30～13:30", "area": "東地区", "url": "https://example.jp/kodomo", "last_confirmed": "2023-04-01",
     "district": "東地区", "category": "インフォーマル", "status": "掲載中",
     "notes": "利用可能日時特記事項: 第2・第4土曜のみ\n駐車場: あり"},
    {"source": "opendata.csv:3", "name": "シニアカフェ緑", "kana": "しにあかふぇみどり", "genre": "サロン・交流の場",
     "address": "千葉県みどり野市緑町2-2", "postal_code": "289-0012", "phone": "0479-65-2222", "fax": "0479-65-2223",
     "days": "月,水", "hours": "10:00～12:00", "area": "東地区", "last_confirmed": "2023-05-01", "district": "東地区",
     "category": "インフォーマル", "status": "掲載中"},
    {"source": "opendata.csv:4", "name": "生きがいワーク", "genre": "生きがい・就労", "address": "千葉県みどり野市本町5-5",
     "phone": "0479-62-3333", "area": "市内全域", "last_confirmed": "2023-06-01", "district": "中央地区",
     "status": "掲載中"},
]


# 4 ------------------------------------------------------------------------------------------
def cp932_csv(folder: Path) -> Path:
    """Shift_JIS (cp932) CSV with a title line above the header, ㈱ and 髙 in names, 〒 postal codes,
    full-width digits, Heisei/Reiwa dates, a footnote line. Genre given by --genre."""
    lines = [
        "配食サービス一覧(平成31年4月1日現在),,,,,",
        ",,,,,",
        "事業所名,〒,住所,TEL,料金,確認日",
        "㈱髙島屋配食,〒2890001,みどり野市本町1-1,0479-62-4444,1食500円,H31.4.1",
        "有限会社　ﾊﾟﾝのみどり,〒289-0002,みどり野市栄町2-2,０４７９－６２－５５５５,１食４５０円,令和元年5月10日",
        "※ 料金は税込み,,,,,",
    ]
    path = folder / "配食一覧_SJIS.csv"
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    return path


CP932_EXPECTED = [
    {"source": "配食一覧_SJIS.csv:4", "name": "㈱髙島屋配食", "postal_code": "289-0001", "address": "みどり野市本町1-1",
     "phone": "0479-62-4444", "fee": "1食500円", "last_confirmed": "2019-04-01", "genre": "配食・弁当",
     "district": "中央地区", "category": "保険外サービス", "status": "掲載中"},
    {"source": "配食一覧_SJIS.csv:5", "name": "有限会社 パンのみどり", "postal_code": "289-0002",
     "address": "みどり野市栄町2-2", "phone": "0479-62-5555", "fee": "1食450円", "last_confirmed": "2019-05-10",
     "genre": "配食・弁当", "district": "中央地区", "category": "保険外サービス", "status": "掲載中"},
]


# 5 ------------------------------------------------------------------------------------------
def utf16_tsv(folder: Path) -> Path:
    """Excel's 「Unicode テキスト」: UTF-16 with tabs; a 電話・FAX column; labelled TEL/携帯 in one cell; 〜."""
    lines = [
        "名称\t電話・FAX\t住所\t営業時間",
        "さくら介護タクシー\t0479-63-7777／0479-63-7778\tみどり野市北山5-5\t9:00〜17:00",
        "上野便利屋\tTEL:0479-63-8888 携帯:090-8888-9999\tみどり野市上野1-1\t8時～18時",
    ]
    path = folder / "web出力.tsv"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    return path


UTF16_EXPECTED = [
    {"source": "web出力.tsv:2", "name": "さくら介護タクシー", "phone": "0479-63-7777", "fax": "0479-63-7778",
     "address": "みどり野市北山5-5", "hours": "9:00～17:00", "district": "北地区", "status": "掲載中"},
    {"source": "web出力.tsv:3", "name": "上野便利屋", "phone": "0479-63-8888", "mobile": "090-8888-9999",
     "address": "みどり野市上野1-1", "hours": "8時～18時", "district": "北地区", "status": "掲載中"},
]


# 6 ------------------------------------------------------------------------------------------
def legacy_xls(folder: Path) -> Path:
    """Excel 97-2003 (.xls, BIFF8) written with xlwt: merged title, header on row 3, date cells, 〃, 以上."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("見守り")
    ws.write_merge(0, 0, 0, 3, "見守りサービス一覧")
    for c, h in enumerate(["事業所名", "電話番号", "対応地域", "最終確認日"]):
        ws.write(2, c, h)
    date_style = xlwt.easyxf(num_format_str="YYYY/MM/DD")
    ws.write(3, 0, "東台見守りネット")
    ws.write(3, 1, "0479-65-3333")
    ws.write(3, 2, "東地区")
    ws.write(3, 3, dt.date(2023, 4, 1), date_style)
    ws.write(4, 0, "朝日ヶ丘安心コール")
    ws.write(4, 1, "0479-65-4444")
    ws.write(4, 2, "〃")
    ws.write(4, 3, "〃")
    ws.write(5, 0, "以上")
    path = folder / "見守り_旧形式.xls"
    wb.save(str(path))
    return path


XLS_EXPECTED = [
    {"source": "見守り_旧形式.xls:見守り:4", "name": "東台見守りネット", "phone": "0479-65-3333", "area": "東地区",
     "last_confirmed": "2023-04-01", "genre": "見守り・安否確認", "category": "保険外サービス", "status": "掲載中"},
    {"source": "見守り_旧形式.xls:見守り:5", "name": "朝日ヶ丘安心コール", "phone": "0479-65-4444", "area": "東地区",
     "last_confirmed": "2023-04-01", "genre": "見守り・安否確認", "category": "保険外サービス", "status": "掲載中"},
]


# 7 ------------------------------------------------------------------------------------------
def mhlw_xlsm(folder: Path) -> Path:
    """介護サービス情報公表 open-data columns in an .xlsm: 事業所番号 (kept in an extra column), 方書,
    法人の名称, サービスの種類, 緯度, 定員 (an unmapped column → 備考)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "介護事業所"
    _sheet_rows(ws, [
        ["事業所番号", "事業所名", "事業所名カナ", "サービスの種類", "住所", "方書（ビル名等）", "電話番号", "FAX番号",
         "法人の名称", "利用可能曜日", "定員", "緯度"],
        [1271234567, "デイサービスみどり", "デイサービスミドリ", "通所介護", "千葉県みどり野市駅前1-1", "みどりビル2階",
         "0479-62-6666", "0479-62-6667", "社会福祉法人みどり会", "月～土", 30, 35.7],
    ])
    path = folder / "介護サービス.xlsm"
    wb.save(path)
    return path


MHLW_EXPECTED = [
    {"source": "介護サービス.xlsm:介護事業所:2", "name": "デイサービスみどり", "kana": "でいさーびすみどり",
     "genre": "介護保険サービス", "address": "千葉県みどり野市駅前1-1 みどりビル2階", "phone": "0479-62-6666",
     "fax": "0479-62-6667", "operator": "社会福祉法人みどり会", "days": "月～土", "notes": "定員: 30",
     "district": "中央地区", "category": "介護保険サービス", "status": "掲載中"},
]


# 8 ------------------------------------------------------------------------------------------
def sections_xlsx(folder: Path) -> Path:
    """Section-heading rows (■配食サービス) instead of a genre column, a 電話・FAX column, 〒 inside the address,
    状態 and 掲載同意 columns, a repeated header (page break), an unmapped column, a totals row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    header = ["名称", "電話・FAX", "住所", "状態", "掲載同意", "備考", "独自メモ"]
    _sheet_rows(ws, [
        header,
        ["■配食サービス"],
        ["ほっと弁当", "0479-62-7001 / 0479-62-7002", "〒289-0001 みどり野市本町7-7", "営業中", "○", "要予約", "鍵は裏口"],
        header,
        ["■移動販売"],
        ["移動販売ふじ", "0479-64-7003", "みどり野市港町7-7", "休止中", "済"],
        ["合計", "2件"],
    ])
    ws.merge_cells("A2:G2")
    ws.merge_cells("A5:G5")
    path = folder / "まとめ.xlsx"
    wb.save(path)
    return path


SECTIONS_EXPECTED = [
    {"source": "まとめ.xlsx:Sheet1:3", "name": "ほっと弁当", "genre": "配食・弁当", "phone": "0479-62-7001",
     "fax": "0479-62-7002", "postal_code": "289-0001", "address": "みどり野市本町7-7", "status": "掲載中",
     "consent": "済", "notes": "要予約", "district": "中央地区", "category": "保険外サービス"},
    {"source": "まとめ.xlsx:Sheet1:6", "name": "移動販売ふじ", "genre": "移動販売", "phone": "0479-64-7003",
     "address": "みどり野市港町7-7", "status": "休止", "consent": "済", "district": "南地区",
     "category": "保険外サービス"},
]


# 9 ------------------------------------------------------------------------------------------
def custom_headers_xlsx(folder: Path) -> Path:
    """Headers no synonym knows: readable only with --mapping."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "お店"
    _sheet_rows(ws, [
        ["お店の名前", "でんわ", "何をしているか"],
        ["八百屋のよしだ", "0479-62-8080", "野菜の配達"],
    ])
    path = folder / "独自形式.xlsx"
    wb.save(path)
    return path


def custom_mapping(folder: Path) -> Path:
    path = folder / "対応.toml"
    path.write_text('[columns]\n"お店の名前" = "名称"\n"でんわ" = "電話番号"\n"何をしているか" = "サービス内容"\n',
                    encoding="utf-8")
    return path


CUSTOM_EXPECTED = [
    {"source": "独自形式.xlsx:お店:2", "name": "八百屋のよしだ", "phone": "0479-62-8080", "content": "野菜の配達",
     "status": "掲載中"},
]


@dataclass
class Fixture:
    build: Callable[[Path], Path]
    expected: list[dict[str, str]]
    options: dict[str, Any] = field(default_factory=dict)
    extra: list[dict[str, str]] = field(default_factory=list)  # expected extra columns, by record


FIXTURES = [
    Fixture(genre_sheets_xlsx, GENRE_SHEETS_EXPECTED),
    Fixture(district_sheets_xlsx, DISTRICT_SHEETS_EXPECTED),
    Fixture(opendata_csv, OPENDATA_EXPECTED, extra=[
        {"元のID": "A-001", "都道府県コード又は市区町村コード": "122998"},
        {"元のID": "S00001", "都道府県コード又は市区町村コード": "122998"},
        {"元のID": "A-003", "都道府県コード又は市区町村コード": "122998"},
    ]),
    Fixture(cp932_csv, CP932_EXPECTED, {"genre": "配食"}),
    Fixture(utf16_tsv, UTF16_EXPECTED),
    Fixture(legacy_xls, XLS_EXPECTED),
    Fixture(mhlw_xlsm, MHLW_EXPECTED, extra=[{"事業所番号": "1271234567", "緯度": "35.7", "サービスの種類": "通所介護"}]),
    Fixture(sections_xlsx, SECTIONS_EXPECTED),
    Fixture(custom_headers_xlsx, CUSTOM_EXPECTED, {"mapping": custom_mapping}),
]
