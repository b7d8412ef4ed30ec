"""Benchmark: `shigen import` of a 20,000-row workbook (issue 18 goal: < 3 s, master write included).

    python benchmarks/bench_import.py [ROWS]

Builds a workspace and a source workbook (title rows, two-row header, full-width digits, labelled parts,
〃 marks) in a temporary folder, then runs the import as the command does and prints the timings.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GENRES = ["配食", "移動販売", "家事援助", "見守り", "サロン", "移送サービス", "訪問理美容", "通いの場"]
TOWNS = ["本町", "栄町", "旭町", "北山", "上野", "松原", "南浜", "汐見", "港町", "東台", "緑町"]


def build_source(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("社会資源")
    ws.write(0, 0, "みどり野市 社会資源一覧")
    ws.write(1, 0, "令和5年4月1日現在")
    header = ["No.", "種別", "事業所名", "住所", "連絡先", "", "対応エリア", "サービス内容・料金", "受付時間", "確認日"]
    ws.merge_range(3, 4, 3, 5, "連絡先")
    for c, h in enumerate(header):
        if c not in (4, 5):
            ws.merge_range(3, c, 4, c, h)
    ws.write(4, 4, "電話")
    ws.write(4, 5, "FAX")
    for i in range(rows):
        r = 5 + i
        town = TOWNS[i % len(TOWNS)]
        ws.write(r, 0, i + 1)
        ws.write(r, 1, GENRES[i % len(GENRES)])
        ws.write(r, 2, f"事業所{i:05d} {town}店")
        ws.write(r, 3, f"みどり野市{town}{i % 9 + 1}-{i % 17 + 1}-{i % 5 + 1}")
        ws.write(r, 4, f"０４７９－６{i % 6}－{i % 10000:04d}" if i % 3 == 0 else f"0479-6{i % 6}-{i % 10000:04d}")
        ws.write(r, 5, "電話と同じ" if i % 4 == 0 else f"0479-7{i % 6}-{i % 10000:04d}")
        ws.write(r, 6, "〃" if i % 5 == 4 else "市内全域")
        ws.write(r, 7, f"日替わりのサービス{i}\n料金：1回{500 + i % 7 * 50}円\n定休日：日曜")
        ws.write(r, 8, "9:00～17:00")
        ws.write(r, 9, f"R5.{i % 12 + 1}.{i % 28 + 1}")
    wb.close()


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    from shigen.create import init_workspace
    from shigen.cyclegc import no_gc
    from shigen.importer import read_paths
    from shigen.importer.merge import apply_import
    from shigen.importer.reading import read_file
    from shigen.importer.report_book import report_name, write_report
    from shigen.master import load_catalogue, save_catalogue
    from shigen.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp, no_gc():  # as run_import does
        root = Path(tmp)
        ws = Workspace.resolve(root / "ws")
        init_workspace(ws, municipality="みどり野市")
        source = root / "社会資源_大量.xlsx"
        t = time.perf_counter()
        build_source(source, rows)
        print(f"source built: {rows:,} rows in {time.perf_counter() - t:.1f} s")

        c_start = time.process_time()
        t0 = time.perf_counter()
        read_file(source)
        t_raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        cat = load_catalogue(ws.catalogue)
        read = read_paths([source], cat)
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = apply_import(read, cat, by="bench")
        t_merge = time.perf_counter() - t0
        t0 = time.perf_counter()
        save_catalogue(cat)
        t_save = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_report(result, ws.export_path(report_name()))
        t_report = time.perf_counter() - t0
        total = t_read + t_merge + t_save + t_report
        cpu = time.process_time() - c_start
        print(f"calamine read alone {t_raw:.2f} s")
        print(f"read+normalise {t_read:.2f} s / match {t_merge:.2f} s / master write {t_save:.2f} s / "
              f"report {t_report:.2f} s / total {total:.2f} s  ({len(read.rows):,} records)")
        print(f"CPU time of this process (whole run incl. the extra raw read): {cpu:.2f} s — "
              "compare this when other programs load the machine")
        print("OK (< 3 s)" if total < 3 else "SLOW (>= 3 s)")


if __name__ == "__main__":
    main()
