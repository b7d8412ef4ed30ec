"""`make demo` step: two coordinators fill in their update workbooks, as they would in Excel.

Usage: python scripts/demo_fill.py <demo_root> <year>

Takes the first two update workbooks of exports/更新作業/<year>/ (by file name), fills them the way a
coordinator does after phoning and visiting providers — most rows 変更なし, some 変更あり with new values, one 休止,
one 連絡つかず, one row left for later — and saves the results into exports/更新作業/<year>/返却/.
The originals are left as they are.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shigen.update_book import (  # noqa: E402
    RETURN_FOLDER,
    ROLE_DATE,
    ROLE_MEMO,
    ROLE_METHOD,
    ROLE_NEW,
    ROLE_RESULT,
    SHEET_MAIN,
    SUMMARY_NAME,
    column_number,
)


def fill(book: Path, target: Path, start: dt.date, variant: int) -> list[str]:
    import openpyxl

    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET_MAIN]
    c_result, c_date = column_number("", ROLE_RESULT), column_number("", ROLE_DATE)
    c_method, c_memo = column_number("", ROLE_METHOD), column_number("", ROLE_MEMO)
    rows = [r for r in range(3, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("S")]
    done: list[str] = []
    for i, r in enumerate(rows):
        if i == len(rows) - 1 and len(rows) > 4:
            break  # the last one is still to be phoned
        day = start + dt.timedelta(days=i % 20)
        rid = str(ws.cell(r, 1).value)
        method = "電話" if i % 3 else "訪問"
        if i == 1:
            result = "変更あり"
            ws.cell(r, column_number("fee", ROLE_NEW)).value = "1食 650円(令和9年4月から)"
            ws.cell(r, column_number("hours", ROLE_NEW)).value = "9:00～16:00"
        elif i == 2 and variant == 0:
            result = "休止"
            ws.cell(r, c_memo).value = "担い手不足のため当面休止。再開時に連絡をもらう約束。"
        elif i == 3:
            result = "連絡つかず"
            method = "電話"
            ws.cell(r, c_memo).value = "3回電話したがつながらない。来月訪問予定。"
        elif i == 4:
            result = "変更あり"
            ws.cell(r, column_number("phone", ROLE_NEW)).value = "0479-62-9999"
            ws.cell(r, column_number("closed_days", ROLE_NEW)).value = "日曜・祝日・年末年始"
        else:
            result = "変更なし"
        ws.cell(r, c_result).value = result
        if result != "連絡つかず" or i % 2:
            ws.cell(r, c_date).value = day
            ws.cell(r, c_date).number_format = "yyyy/mm/dd"
        ws.cell(r, c_method).value = method
        done.append(f"{rid} {result}")
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return done


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("使い方: python scripts/demo_fill.py <デモの作業フォルダー> <年度>")
    root, year = Path(sys.argv[1]), sys.argv[2]
    folder = root / "exports" / "更新作業" / year
    books = sorted(p for p in folder.glob("*.xlsx") if p.name != SUMMARY_NAME and not p.name.startswith(("~$", ".")))
    if not books:
        sys.exit(f"{folder} に更新用ブックがありません。先に shigen assign を実行してください。")
    start = dt.date(int(year), 4, 10)
    for variant, book in enumerate(books[:2]):
        target = folder / RETURN_FOLDER / book.name
        done = fill(book, target, start, variant)
        print(f"{book.stem} さんが {len(done)} 件を記入して返しました: {target.relative_to(root)}")


if __name__ == "__main__":
    main()
