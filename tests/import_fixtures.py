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


# --- synthetic layouts modelled on real municipal practice (issue 12) ------------------------------------
# Each builder writes one small file in a layout seen in real lists; LAYOUTS pairs it with the records a
# careful person would type into the master. Addresses avoid the test districts' town names unless the
# district is part of the point.
def _book(folder: Path, name: str, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        _sheet_rows(wb.create_sheet(title), rows)
    path = folder / name
    wb.save(path)
    return path


def contact_department_xlsx(folder: Path) -> Path:
    """「問い合わせ先（市の担当課）」 holds a department name, the number is in the next column 「TEL」."""
    return _book(folder, "市の施設.xlsx", {"施設": [
        ["施設名", "所在地", "問い合わせ先（市の担当課）", "TEL"],
        ["みどり野市 福祉会館", "みどり野市若葉1-2-3", "高齢者福祉課", "0479-62-1000"],
        ["みどり野市 老人憩の家", "みどり野市若葉2-4", "高齢者福祉課", "0479-62-1001"],
        ["みどり野市 ふれあいセンター", "みどり野市青葉5-6", "社会福祉課", "0479-62-1002"],
    ]})


CONTACT_DEPARTMENT = [
    {"source": f"市の施設.xlsx:施設:{r}", "name": n, "address": a, "phone": t, "notes": f"問い合わせ先: {d}",
     "status": "掲載中"}
    for r, n, a, d, t in [(2, "みどり野市 福祉会館", "みどり野市若葉1-2-3", "高齢者福祉課", "0479-62-1000"),
                          (3, "みどり野市 老人憩の家", "みどり野市若葉2-4", "高齢者福祉課", "0479-62-1001"),
                          (4, "みどり野市 ふれあいセンター", "みどり野市青葉5-6", "社会福祉課", "0479-62-1002")]
]


def department_and_facility_csv(folder: Path) -> Path:
    """A 公共施設一覧 whose 団体名 is the department in charge (the same in every row), beside 施設名."""
    path = folder / "公共施設.csv"
    path.write_text("団体名,施設名,所在地,電話番号\n管財課,市役所本館,みどり野市若葉1-1,0479-62-0001\n"
                    "管財課,市役所別館,みどり野市若葉1-3,0479-62-0002\n管財課,市民会館,みどり野市青葉3-3,0479-62-0003\n",
                    encoding="utf-8")
    return path


DEPARTMENT_AND_FACILITY = [
    {"source": f"公共施設.csv:{r}", "name": n, "address": a, "phone": t, "status": "掲載中"}
    for r, n, a, t in [(2, "市役所本館", "みどり野市若葉1-1", "0479-62-0001"), (3, "市役所別館", "みどり野市若葉1-3", "0479-62-0002"),
                       (4, "市民会館", "みどり野市青葉3-3", "0479-62-0003")]
]


def city_then_address_xlsx(folder: Path) -> Path:
    """所在地 = the city, 住所 = the city again and the street (joined once, the city not repeated)."""
    return _book(folder, "住所2列.xlsx", {"一覧": [
        ["事業所名", "所在地", "住所", "電話"],
        ["あおば配食", "みどり野市", "みどり野市若葉3-1", "0479-62-2001"],
        ["わかば理容", "みどり野市", "若葉4-2", "0479-62-2002"],
    ]})


CITY_THEN_ADDRESS = [
    {"source": "住所2列.xlsx:一覧:2", "name": "あおば配食", "address": "みどり野市若葉3-1", "phone": "0479-62-2001",
     "status": "掲載中"},
    {"source": "住所2列.xlsx:一覧:3", "name": "わかば理容", "address": "みどり野市若葉4-2", "phone": "0479-62-2002",
     "status": "掲載中"},
]


def split_address_csv(folder: Path) -> Path:
    """所在地1 / 所在地2 / 所在地3 (prefecture, city, street) and a 方書."""
    path = folder / "所在地分割.csv"
    path.write_text("名称,所在地1,所在地2,所在地3,方書,電話番号\n"
                    "こもれびサロン,千葉県,みどり野市,若葉5-5,こもれび会館2階,0479-62-3001\n"
                    "ひだまりカフェ,千葉県,みどり野市,青葉6-6,,0479-62-3002\n", encoding="utf-8")
    return path


SPLIT_ADDRESS = [
    {"source": "所在地分割.csv:2", "name": "こもれびサロン", "address": "千葉県みどり野市若葉5-5 こもれび会館2階",
     "phone": "0479-62-3001", "status": "掲載中"},
    {"source": "所在地分割.csv:3", "name": "ひだまりカフェ", "address": "千葉県みどり野市青葉6-6", "phone": "0479-62-3002",
     "status": "掲載中"},
]


def combined_cells_xlsx(folder: Path) -> Path:
    """「受付時間・定休日」 holding 「9:00~17:00 定休日:水曜」, an 概要 with 【開館時間】【休館日】, and
    「特徴（対応エリアなど）」 naming its field in parentheses."""
    return _book(folder, "組み合わせ.xlsx", {"一覧": [
        ["名称", "電話番号", "受付時間・定休日", "概要", "特徴（対応エリアなど）"],
        ["いこいの湯", "0479-62-4001", "9:00～17:00 定休日:水曜", "大浴場があります。\n【開館時間】9:00～21:30 【休館日】月曜日",
         "市内全域"],
        ["便利屋 てだすけ", "0479-62-4002", "8:00～18:00", "草取り・電球交換など。\n料金：30分 1,000円", "若葉・青葉"],
    ]})


COMBINED_CELLS = [
    {"source": "組み合わせ.xlsx:一覧:2", "name": "いこいの湯", "phone": "0479-62-4001", "hours": "9:00～17:00\n9:00～21:30",
     "closed_days": "水曜\n月曜日", "content": "大浴場があります。", "area": "市内全域", "status": "掲載中"},
    {"source": "組み合わせ.xlsx:一覧:3", "name": "便利屋 てだすけ", "phone": "0479-62-4002", "hours": "8:00～18:00",
     "content": "草取り・電球交換など。", "fee": "30分 1,000円", "area": "若葉・青葉", "status": "掲載中"},
]


def group_labels_xlsx(folder: Path) -> Path:
    """The category written only on the first row of each group (the cells below blank)."""
    return _book(folder, "分類は先頭だけ.xlsx", {"一覧": [
        ["分類", "名称", "電話番号"],
        ["外出・移動", "のりあい号", "0479-62-5001"],
        [None, "福祉タクシー みどり", "0479-62-5002"],
        ["買物", "とくし丸 みどり号", "0479-62-5003"],
        [None, "買い物代行 てとて", "0479-62-5004"],
        ["家事・生活のお手伝い", "シルバー人材センター", "0479-62-5005"],
    ]})


GROUP_LABELS = [
    {"source": f"分類は先頭だけ.xlsx:一覧:{r}", "name": n, "phone": t, "genre": g, "category": "保険外サービス",
     "status": "掲載中"}
    for r, n, t, g in [(2, "のりあい号", "0479-62-5001", "移送・外出支援"), (3, "福祉タクシー みどり", "0479-62-5002", "移送・外出支援"),
                       (4, "とくし丸 みどり号", "0479-62-5003", "買い物支援"), (5, "買い物代行 てとて", "0479-62-5004", "買い物支援"),
                       (6, "シルバー人材センター", "0479-62-5005", "家事援助・生活支援")]
]


def merged_group_xlsx(folder: Path) -> Path:
    """The category merged vertically over its group."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "一覧"
    _sheet_rows(ws, [["種別", "名称", "電話番号"], ["見守り", "安心コール みどり", "0479-62-6001"],
                     [None, "配達時見守り 牛乳店", "0479-62-6002"], ["移動支援", "おでかけ号", "0479-62-6003"]])
    ws.merge_cells("A2:A3")
    path = folder / "縦結合.xlsx"
    wb.save(path)
    return path


MERGED_GROUP = [
    {"source": "縦結合.xlsx:一覧:2", "name": "安心コール みどり", "phone": "0479-62-6001", "genre": "見守り・安否確認",
     "category": "保険外サービス", "status": "掲載中"},
    {"source": "縦結合.xlsx:一覧:3", "name": "配達時見守り 牛乳店", "phone": "0479-62-6002", "genre": "見守り・安否確認",
     "category": "保険外サービス", "status": "掲載中"},
    {"source": "縦結合.xlsx:一覧:4", "name": "おでかけ号", "phone": "0479-62-6003", "genre": "移送・外出支援",
     "category": "保険外サービス", "status": "掲載中"},
]


def new_district_sheets_xlsx(folder: Path) -> Path:
    """One sheet per district, in a workspace whose 地区 sheet does not list them yet."""
    return _book(folder, "圏域別.xlsx", {
        "西圏域": [["名称", "電話番号"], ["西の茶話会", "0479-62-7001"]],
        "海辺地区": [["名称", "電話番号"], ["海辺サロン", "0479-62-7002"]],
    })


NEW_DISTRICT_SHEETS = [
    {"source": "圏域別.xlsx:西圏域:2", "name": "西の茶話会", "phone": "0479-62-7001", "district": "西圏域", "status": "掲載中"},
    {"source": "圏域別.xlsx:海辺地区:2", "name": "海辺サロン", "phone": "0479-62-7002", "district": "海辺地区",
     "status": "掲載中"},
]


def messy_phones_xlsx(folder: Path) -> Path:
    """Numbers as Excel leaves them: a leading 0 dropped, brackets, +81, two numbers in a cell, placeholders."""
    return _book(folder, "電話いろいろ.xlsx", {"一覧": [
        ["名称", "電話番号", "FAX"],
        ["携帯だけの会", 8012345678, None],
        ["かっこ書きの店", "0479(62)1111 / 090-1234-5678", None],
        ["国際表記の会社", "+81 479-62-2222", "+81-479-62-2223"],
        ["番号が3つの団体", "0479-62-3333、0479-62-3334、090-2222-3333", None],
        ["番号不明の会", "不明", "＊"],
    ]})


MESSY_PHONES = [
    {"source": "電話いろいろ.xlsx:一覧:2", "name": "携帯だけの会", "phone": "080-1234-5678", "status": "掲載中"},
    {"source": "電話いろいろ.xlsx:一覧:3", "name": "かっこ書きの店", "phone": "0479-62-1111", "mobile": "090-1234-5678",
     "status": "掲載中"},
    {"source": "電話いろいろ.xlsx:一覧:4", "name": "国際表記の会社", "phone": "0479-62-2222", "fax": "0479-62-2223",
     "status": "掲載中"},
    {"source": "電話いろいろ.xlsx:一覧:5", "name": "番号が3つの団体", "phone": "0479-62-3333", "mobile": "090-2222-3333",
     "notes": "電話番号(ほか): 0479-62-3334", "status": "掲載中"},
    {"source": "電話いろいろ.xlsx:一覧:6", "name": "番号不明の会", "phone": "不明", "fax": "*", "status": "掲載中"},
]


def kana_and_url_csv(folder: Path) -> Path:
    """名称_かな (katakana) for ふりがな, 事業所URL for URL, メールアドレス."""
    path = folder / "かな付き.csv"
    path.write_text("事業所名,名称_かな,事業所URL,メールアドレス,電話番号\n"
                    "あさひ訪問美容,アサヒホウモンビヨウ,https://asahi.example.jp/,info@asahi.example.jp,0479-62-8001\n",
                    encoding="utf-8")
    return path


KANA_AND_URL = [
    {"source": "かな付き.csv:2", "name": "あさひ訪問美容", "kana": "あさひほうもんびよう", "url": "https://asahi.example.jp/",
     "email": "info@asahi.example.jp", "phone": "0479-62-8001", "status": "掲載中"},
]


def linkdata_csv(folder: Path) -> Path:
    """A LinkData / 推奨データセット CSV: #-metadata rows, English property names, a 「lat,lon」 location."""
    path = folder / "linkdata.csv"
    path.write_text(
        "#LINK,,,,,,,,\n#attribution_name,みどり野市,,,,,,,\n"
        "#property,name,postalCode,address,telephone,url,availableDay,openingHours,location\n"
        "#object_type_xsd,string,string,string,string,string,string,string,string\n"
        "#property_context,Assertion,Assertion,Assertion,Assertion,Assertion,Assertion,Assertion,Assertion\n"
        '1,みどり野市 老人福祉センター,2890001,みどり野市若葉7-7,0479-62-9001,https://city.example.jp/c,月火水木金,9:00～17:00,'
        '"35.7,140.6"\n', encoding="utf-8")
    return path


LINKDATA = [
    {"source": "linkdata.csv:6", "name": "みどり野市 老人福祉センター", "postal_code": "289-0001", "address": "みどり野市若葉7-7",
     "phone": "0479-62-9001", "url": "https://city.example.jp/c", "days": "月火水木金", "hours": "9:00～17:00",
     "status": "掲載中"},
]


def corporation_groups_xlsx(folder: Path) -> Path:
    """Prefecture-style list: the corporation (法人) and the office (事業所) in one row."""
    return _book(folder, "法人と事業所.xlsx", {"一覧": [
        ["法人名称", "法人所在地", "法人電話番号", "事業所名称", "事業所所在地", "事業所電話番号", "事業所URL"],
        ["社会福祉法人 みどり会", "千葉県みどり野市若葉1-1", "0479-60-0001", "デイサービス みどり", "千葉県みどり野市青葉2-2",
         "0479-61-0001", "https://midori.example.jp/"],
    ]})


CORPORATION_GROUPS = [
    {"source": "法人と事業所.xlsx:一覧:2", "name": "デイサービス みどり", "operator": "社会福祉法人 みどり会",
     "address": "千葉県みどり野市青葉2-2", "phone": "0479-61-0001", "url": "https://midori.example.jp/",
     "notes": "法人所在地: 千葉県みどり野市若葉1-1\n法人電話番号: 0479-60-0001", "status": "掲載中"},
]


def service_types_xlsx(folder: Path) -> Path:
    """A 区分 column holding 介護保険・障害福祉 service types (several per cell)."""
    return _book(folder, "指定事業所.xlsx", {"一覧": [
        ["事業所名", "区分", "電話番号"],
        ["みどりケアセンター", "通所介護、訪問介護", "0479-63-0001"],
        ["特養 みどりの郷", "介護老人福祉施設", "0479-63-0002"],
        ["グループホーム ひかり", "共同生活援助", "0479-63-0003"],
    ]})


SERVICE_TYPES = [
    {"source": "指定事業所.xlsx:一覧:2", "name": "みどりケアセンター", "genre": "介護保険サービス", "category": "介護保険サービス",
     "phone": "0479-63-0001", "status": "掲載中"},
    {"source": "指定事業所.xlsx:一覧:3", "name": "特養 みどりの郷", "genre": "介護保険サービス", "category": "介護保険サービス",
     "phone": "0479-63-0002", "status": "掲載中"},
    {"source": "指定事業所.xlsx:一覧:4", "name": "グループホーム ひかり", "genre": "障害福祉サービス", "category": "障害福祉サービス",
     "phone": "0479-63-0003", "status": "掲載中"},
]


def small_geojson(folder: Path) -> Path:
    """A community-resource map: a FeatureCollection with Point features."""
    import json

    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [140.61, 35.72]},
         "properties": {"Name": "若葉いきいきサロン", "Type": "いきいきサロン", "TEL": "0479-62-0101", "Add1": "みどり野市",
                        "Add2": "若葉8-8"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [140.62, 35.73]},
         "properties": {"Name": "青葉歯科医院", "Type": "歯科医院", "TEL": "0479-62-0102", "Add1": "みどり野市", "Add2": "青葉9-9"}},
    ]}
    path = folder / "地図.geojson"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


SMALL_GEOJSON = [
    {"source": "地図.geojson:2", "name": "若葉いきいきサロン", "genre": "サロン・交流の場", "category": "インフォーマル",
     "phone": "0479-62-0101", "address": "みどり野市若葉8-8", "status": "掲載中"},
    {"source": "地図.geojson:3", "name": "青葉歯科医院", "genre": "医療・口腔ケア", "category": "保険外サービス",
     "phone": "0479-62-0102", "address": "みどり野市青葉9-9", "status": "掲載中"},
]


def labelled_notes_xlsx(folder: Path) -> Path:
    """備考 plus 定員 and a second remarks column: every part keeps its label in 備考."""
    return _book(folder, "備考が2列.xlsx", {"一覧": [
        ["名称", "電話番号", "備考", "定員", "特記事項"],
        ["みどりデイ", "0479-64-0001", "送迎あり", 25, "土曜は午前のみ"],
    ]})


LABELLED_NOTES = [
    {"source": "備考が2列.xlsx:一覧:2", "name": "みどりデイ", "phone": "0479-64-0001",
     "notes": "送迎あり\n定員: 25\n特記事項: 土曜は午前のみ", "status": "掲載中"},
]


def unicode_text_txt(folder: Path) -> Path:
    """Excel's 「Unicode テキスト」: UTF-16 with BOM, tab-separated, saved as .txt."""
    path = folder / "Unicodeテキスト.txt"
    path.write_bytes("名称\t電話番号\t住所\r\nさくら配食\t0479-65-0001\tみどり野市若葉10-1\r\n".encode("utf-16"))
    return path


UNICODE_TEXT = [
    {"source": "Unicodeテキスト.txt:2", "name": "さくら配食", "phone": "0479-65-0001", "address": "みどり野市若葉10-1",
     "status": "掲載中"},
]


def euc_jp_csv(folder: Path) -> Path:
    """An old system's export in EUC-JP."""
    path = folder / "古いシステム.csv"
    path.write_bytes("名称,電話番号,サービス内容\nふじ移送サービス,0479-66-0001,通院の送迎\n".encode("euc_jp"))
    return path


EUC_JP = [
    {"source": "古いシステム.csv:2", "name": "ふじ移送サービス", "phone": "0479-66-0001", "content": "通院の送迎",
     "status": "掲載中"},
]


LAYOUTS = [
    Fixture(contact_department_xlsx, CONTACT_DEPARTMENT),
    Fixture(department_and_facility_csv, DEPARTMENT_AND_FACILITY,
            extra=[{"団体名": "管財課"}, {"団体名": "管財課"}, {"団体名": "管財課"}]),
    Fixture(city_then_address_xlsx, CITY_THEN_ADDRESS),
    Fixture(split_address_csv, SPLIT_ADDRESS),
    Fixture(combined_cells_xlsx, COMBINED_CELLS),
    Fixture(group_labels_xlsx, GROUP_LABELS),
    Fixture(merged_group_xlsx, MERGED_GROUP),
    Fixture(new_district_sheets_xlsx, NEW_DISTRICT_SHEETS),
    Fixture(messy_phones_xlsx, MESSY_PHONES),
    Fixture(kana_and_url_csv, KANA_AND_URL),
    Fixture(linkdata_csv, LINKDATA, extra=[{"緯度": "35.7", "経度": "140.6"}]),
    Fixture(corporation_groups_xlsx, CORPORATION_GROUPS),
    Fixture(service_types_xlsx, SERVICE_TYPES, extra=[{"サービスの種類": "通所介護、訪問介護"},
                                                     {"サービスの種類": "介護老人福祉施設"},
                                                     {"サービスの種類": "共同生活援助"}]),
    Fixture(small_geojson, SMALL_GEOJSON, extra=[{"緯度": "35.72", "経度": "140.61"}, {"緯度": "35.73", "経度": "140.62"}]),
    Fixture(labelled_notes_xlsx, LABELLED_NOTES),
    Fixture(unicode_text_txt, UNICODE_TEXT),
    Fixture(euc_jp_csv, EUC_JP),
]
