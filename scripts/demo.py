"""`make demo`: the whole yearly cycle on a copy of the sample workspace, under exports/demo/.

Every step runs the real command line (``python -m shigen …``) and prints what it did.
The sample workspace in workbooks/ is never modified.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks"
DEMO = ROOT / "exports" / "demo"
YEAR = "2027"
AS_OF = "2027-04-01"
COLLECT_AS_OF = "2027-05-31"
EXPORT_AS_OF = "2027-06-01"


def shigen(*args: str, ok: tuple[int, ...] = (0,)) -> None:
    cmd = [sys.executable, "-m", "shigen", "--workspace", str(DEMO), *args]
    print(f"\n$ shigen {' '.join(args)}", flush=True)
    env = {**os.environ, "COLUMNS": os.environ.get("COLUMNS", "120")}  # tables as wide as a normal terminal
    rc = subprocess.run(cmd, cwd=DEMO, env=env).returncode
    if rc not in ok:
        sys.exit(f"demo: `shigen {' '.join(args)}` が終了コード {rc} で終わりました。")


def step(title: str) -> None:
    print(f"\n{'=' * 70}\n■ {title}\n{'=' * 70}", flush=True)


def main() -> None:
    if DEMO.exists():
        shutil.rmtree(DEMO)
    (DEMO / "workbooks").mkdir(parents=True)
    for item in SAMPLE.iterdir():
        if item.name.startswith(("~$", ".")) or item.name == "catalogue.xlsx":
            continue
        target = DEMO / "workbooks" / item.name
        if item.is_dir():
            shutil.copytree(item, target)
        else:
            shutil.copy2(item, target)

    step("1. 作業フォルダーと台帳を作る(設定は workbooks/設定.xlsx から)")
    settings = DEMO / "workbooks" / "設定.xlsx"
    shigen("init", "--municipality", "みどり野市", *(["--settings", str(settings)] if settings.exists() else []))

    step("2. 前任者から引き継いだ一覧を取り込む")
    shigen("import", str(DEMO / "workbooks" / "引き継ぎ資料"), "--by", "デモ")

    step("3. 4月: 台帳を点検する(要更新・不足・誤り・重複)")
    shigen("audit", "--as-of", AS_OF, "--format", "xlsx", ok=(0, 1))

    step("4. 4月: 更新作業を分担する(地区別)")
    shigen("assign", "--by", "district", "--year", YEAR, "--as-of", AS_OF)

    step("5. 二人が確認結果を記入して返した、とする")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "demo_fill.py"), str(DEMO), YEAR], check=True)

    step("6. 5月末: 返ってきた更新用ブックを回収し、もう一度点検する")
    shigen("collect", *sorted(str(p) for p in (DEMO / "exports" / "更新作業" / YEAR / "返却").glob("*.xlsx")),
           "--as-of", COLLECT_AS_OF)
    shigen("audit", "--as-of", EXPORT_AS_OF, "--top", "5", ok=(0, 1))

    step("7. 6月: 配布用の一覧を作る")
    shigen("export", "--format", "xlsx", "--district", "中央地区", "--as-of", EXPORT_AS_OF)
    shigen("export", "--format", "xlsx", "--audience", "staff", "--as-of", EXPORT_AS_OF)
    shigen("export", "--format", "docx", "--as-of", EXPORT_AS_OF)
    shigen("export", "--format", "csv", "--as-of", EXPORT_AS_OF)

    step("8. 地区ごとの資源の偏りと、ニーズに合う資源の検索")
    shigen("coverage", "--as-of", EXPORT_AS_OF)
    shigen("coverage", "--as-of", EXPORT_AS_OF, "--format", "xlsx")
    shigen("find", "配食", "--district", "北地区", "--as-of", EXPORT_AS_OF)
    # 利用者に渡す1枚の案内(公開できる資源がまだなければ、理由を示して終了コード 2)
    shigen("find", "配食", "--district", "北地区", "--as-of", EXPORT_AS_OF,
           "--export", str(DEMO / "exports" / "北地区_配食のご案内.xlsx"), ok=(0, 2))

    step("9. 台帳の概要")
    shigen("status")
    print(f"\nデモの出力: {DEMO}")


if __name__ == "__main__":
    main()
