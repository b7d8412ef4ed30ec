"""`make demo`: the whole yearly cycle on a copy of the sample workspace, under exports/demo/.

Every step runs the real command line (``python -m shigen …``). The terminal gets the story of the year — for
each step the command and the few lines that say what happened; everything the commands printed (tables,
every finding, every file) goes to exports/demo/demo.log. The sample workspace in workbooks/ is never modified.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks"
DEMO = ROOT / "exports" / "demo"
LOG = DEMO / "demo.log"
LOG_SHOWN = "exports/demo/demo.log"
YEAR = "2027"
AS_OF = "2027-04-01"
COLLECT_AS_OF = "2027-05-31"
EXPORT_AS_OF = "2027-06-01"

# the lines of a command's output that tell the story (the rest is in the log)
STORY = re.compile(
    r"^(✔|エラー|注意: 件数の差|  地区 \d|取り込みました|指摘: |\d{4}年度の更新作業を|最多÷最少|昨年|"
    r"台帳に反映|要確認のまま|  一般向けのため|最終確認日が更新周期|不足: |検索結果: |営業日・定休日から|"
    r"  公開範囲|自治体: |地区 \d+ 件 / ジャンル)"
)
MAX_STORY_LINES = 6  # per command


def _short(text: str) -> str:
    """Paths inside the demo folder as the user sees them from it."""
    return text.replace(str(DEMO) + os.sep, "").replace(str(DEMO), "exports/demo")


def shigen(*args: str, ok: tuple[int, ...] = (0,)) -> None:
    cmd = [sys.executable, "-m", "shigen", "--workspace", str(DEMO), *args]
    shown = _short(" ".join(args))
    print(f"$ shigen {shown}", flush=True)
    env = {**os.environ, "COLUMNS": os.environ.get("COLUMNS", "120")}  # tables as wide as a normal terminal
    run = subprocess.run(cmd, cwd=DEMO, env=env, capture_output=True, text=True, encoding="utf-8")
    output = run.stdout + run.stderr
    with LOG.open("a", encoding="utf-8") as log:
        log.write(f"\n$ shigen {' '.join(args)}\n{output}(終了コード {run.returncode})\n")
    story = [_short(line.rstrip()) for line in output.splitlines() if STORY.match(line)]
    for line in story[:MAX_STORY_LINES]:
        print("  " + line.strip(), flush=True)
    if run.returncode not in ok:
        sys.exit(f"demo: `shigen {shown}` が終了コード {run.returncode} で終わりました(詳しくは {LOG_SHOWN})。")


def step(title: str) -> None:
    print(f"\n■ {title}", flush=True)
    with LOG.open("a", encoding="utf-8") as log:
        log.write(f"\n{'=' * 70}\n■ {title}\n{'=' * 70}\n")


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
    LOG.write_text("make demo の詳しい出力(各コマンドが表示したすべて)\n", encoding="utf-8")
    print(f"みどり野市(架空)の一年: 引き継ぎ → 点検 → 分担 → 回収 → 配布。詳しい出力は {LOG_SHOWN} に。")

    step("1. 作業フォルダーと台帳を作る(設定は workbooks/設定.xlsx から)")
    settings = DEMO / "workbooks" / "設定.xlsx"
    shigen("init", "--municipality", "みどり野市", *(["--settings", str(settings)] if settings.exists() else []))

    step("2. 前任者から引き継いだ3つの一覧(Excel 2冊と CSV)を取り込む")
    shigen("import", str(DEMO / "workbooks" / "引き継ぎ資料"), "--by", "デモ")

    step("3. 4月: 台帳を点検する(要更新・不足・誤り・重複)")
    shigen("audit", "--as-of", AS_OF, "--format", "xlsx", ok=(0, 1))

    step("4. 4月: 更新作業を分担する(地区別)")
    shigen("assign", "--by", "district", "--year", YEAR, "--as-of", AS_OF)

    step("5. 二人が確認結果を記入して返した、とする")
    fill = subprocess.run([sys.executable, str(ROOT / "scripts" / "demo_fill.py"), str(DEMO), YEAR],
                          check=True, capture_output=True, text=True, encoding="utf-8")
    for line in fill.stdout.splitlines():
        print("  " + line, flush=True)
    with LOG.open("a", encoding="utf-8") as log:
        log.write(fill.stdout)

    step("6. 5月末: 返ってきた更新用ブックを回収し、もう一度点検する")
    shigen("collect", *sorted(str(p) for p in (DEMO / "exports" / "更新作業" / YEAR / "返却").glob("*.xlsx")),
           "--as-of", COLLECT_AS_OF, ok=(0, 1))  # 1: a few rows still hold 要確認 (reported, 最終確認日 kept)
    shigen("audit", "--as-of", EXPORT_AS_OF, "--top", "5", ok=(0, 1))

    step("7. 6月: 配布用の一覧を作る")
    shigen("export", "--format", "xlsx", "--district", "中央地区", "--as-of", EXPORT_AS_OF)
    shigen("export", "--format", "xlsx", "--audience", "staff", "--as-of", EXPORT_AS_OF)
    shigen("export", "--format", "docx", "--as-of", EXPORT_AS_OF)
    shigen("export", "--format", "csv", "--as-of", EXPORT_AS_OF)

    step("8. 地区ごとの資源の偏りと、ニーズに合う資源の検索")
    shigen("coverage", "--as-of", EXPORT_AS_OF, "--format", "xlsx")
    shigen("find", "配食", "--district", "北地区", "--as-of", EXPORT_AS_OF)
    # 利用者に渡す案内(公開できる資源がまだなければ、理由を示して終了コード 2)
    shigen("find", "配食", "--district", "北地区", "--as-of", EXPORT_AS_OF,
           "--export", str(DEMO / "exports" / "北地区_配食のご案内.xlsx"), ok=(0, 2))

    step("9. 台帳の概要")
    shigen("status")

    runner = r".venv\Scripts\shigen" if os.name == "nt" else ".venv/bin/shigen"
    print(f"\nデモで作ったファイル: exports/demo/exports/  /  詳しい出力: {LOG_SHOWN}")
    print(f"続けて自分で試すには: {runner} --workspace exports/demo status (説明は {runner} --help)")


if __name__ == "__main__":
    main()
