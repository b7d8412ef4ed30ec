"""`make bench`: time every shigen command as a whole process and write benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/run.py                       # 1,500 / 20,000 / 200,000 records
    .venv/bin/python benchmarks/run.py --sizes 1500,20000    # skip the prefecture scale
    .venv/bin/python benchmarks/run.py --quick               # 1,500 and 20,000, one run each
    .venv/bin/python benchmarks/run.py --shapes messy        # only the messy catalogue (generate.py --shape)

Every size is measured on two shapes of catalogue (``generate.py --shape standard|messy``): the project's first
generator, and one with many near-duplicate names and long free-text cells, like real inherited lists.

Each measurement is a fresh subprocess (interpreter start, imports, reading the master, the work, writing), the
median of several runs (fewer for 200,000 records). Commands that change the master (import, assign, collect)
run on a fresh copy each time; copying is not timed. Peak memory is the child's maximum resident set size
(``os.wait4``; on Windows, where the ``resource`` module is missing, it is not measured).

A command that does not exist yet (``shigen <cmd> --help`` fails) is skipped and listed as such. Baselines in the
same run: reading the same workbook with python-calamine alone and with ``pandas.read_excel(engine="openpyxl")``,
and ``python -c pass`` against ``shigen --help``. Generated data lives in benchmarks/data/ (git-ignored) and is
reused while the generator is unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
OUT = HERE / "out"
RESULTS = HERE / "RESULTS.md"
NOTES = HERE / "NOTES.md"
PY = sys.executable
YEAR = "2027"

GB = 1024 ** 3
COMMANDS = ("import", "audit", "assign", "collect", "export", "coverage", "find", "letters", "site")

# (size or None for any size, label) → target seconds (issue 18, plus the earlier ones it does not change)
TARGETS: dict[tuple[int | None, str], float] = {
    (20000, "import"): 3, (20000, "audit"): 5, (20000, "assign"): 5, (20000, "export xlsx"): 20,
    (20000, "coverage"): 2, (20000, "find"): 2, (200000, "import"): 30, (200000, "audit"): 60, (1500, "letters"): 5, (20000, "site"): 60,
}
SMALL = 1500  # every command < 1 s, start-up included
SMALL_TARGET = 1.0
HELP_TARGET = 0.2
BIG = 200000
BIG_CALAMINE_RATIO = 2.0  # audit ≤ 2 × the bare calamine read of the same master
BIG_MEMORY = 2 * GB  # every other command
BIG_MEMORY_TARGETS = {"audit": 1 * GB, "import": 1.5 * GB}
SHAPES = ("standard", "messy")
PANDAS_BASELINE = True


# --- measuring -------------------------------------------------------------------------------
@dataclass
class Measure:
    size: int | None
    label: str
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the child (robust to a busy machine)
    peak: int | None = None  # bytes
    rc: int = 0
    error: str = ""
    skipped: str = ""
    shape: str = "standard"

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def cpu_median(self) -> float | None:
        return statistics.median(self.cpu) if self.cpu else None


def _maxrss_bytes(ru_maxrss: int) -> int:
    return ru_maxrss if sys.platform == "darwin" else ru_maxrss * 1024  # Linux reports KiB


LAST_CPU: list[float] = [0.0]  # user + system seconds of the last child run_once waited for


def run_once(cmd: list[str], *, cwd: Path | None = None, timeout: float = 1800,
             env: dict[str, str] | None = None) -> tuple[float, int | None, int, str]:
    """(seconds, peak RSS bytes or None, exit code, last stderr line) of one subprocess (CPU time: LAST_CPU[0]).

    On POSIX the command is started by ``launch.py`` (see there: a small launcher, so that the command's peak memory is
    its own, not run.py's); on Windows it is started directly and only timed."""
    # stderr goes to a file, not a pipe: a chatty command must never block on a full pipe
    with tempfile.TemporaryFile() as errfile:
        if hasattr(os, "wait4"):
            elapsed, peak, rc = _launched(cmd, cwd, env, errfile, timeout)
        else:
            elapsed, peak, rc = _timed(subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errfile,
                                                        env=env), time.perf_counter(), timeout)
        errfile.seek(0)
        err = errfile.read()[-4000:].decode("utf-8", "replace")
    if rc == -9:
        return elapsed, peak, rc, f"{timeout:.0f} 秒で打ち切りました"
    last = next((line for line in reversed(err.strip().splitlines()) if line.strip()), "")
    return elapsed, peak, rc, last


def _launched(cmd: list[str], cwd: Path | None, env: dict[str, str] | None, errfile: Any,
              timeout: float) -> tuple[float, int | None, int]:
    """Run ``cmd`` under launch.py: (wall seconds of the command alone, its peak RSS bytes, exit code)."""
    fd, name = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    result = Path(name)
    try:
        subprocess.run([PY, "-S", "-I", str(HERE / "launch.py"), str(result), str(timeout), *cmd], cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=errfile, env=env, check=True)
        elapsed, cpu, maxrss, rc = result.read_text(encoding="ascii").split()
    finally:
        result.unlink(missing_ok=True)
    LAST_CPU[0] = float(cpu)
    return float(elapsed), _maxrss_bytes(int(maxrss)), int(rc)


def _timed(proc: subprocess.Popen, start: float, timeout: float) -> tuple[float, int | None, int]:  # type: ignore[type-arg]
    """Windows: wait for the child, time only (no resource module, no wait4); -9 when killed at the timeout."""
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return time.perf_counter() - start, None, -9
    return time.perf_counter() - start, None, proc.returncode


def shigen_cmd() -> list[str]:
    script = Path(PY).with_name("shigen.exe" if os.name == "nt" else "shigen")
    return [str(script)] if script.exists() else [PY, "-m", "shigen"]


def available(command: str) -> bool:
    return subprocess.run([*shigen_cmd(), command, "--help"], capture_output=True).returncode == 0


def measure(m: Measure, make_cmd, runs: int, *, ok=(0,), prepare=None, timeout: float = 1800) -> Measure:  # type: ignore[no-untyped-def]
    """Run ``make_cmd()`` ``runs`` times (``prepare()`` before each, untimed) and keep times and peak memory."""
    for _ in range(runs):
        ctx = prepare() if prepare else None
        cmd = make_cmd(ctx) if prepare else make_cmd()
        seconds, peak, rc, last = run_once(cmd, timeout=timeout)
        m.rc = rc
        if rc not in ok:
            m.error = f"終了コード {rc}: {last}"[:300]
            break
        m.times.append(seconds)
        m.cpu.append(LAST_CPU[0])
        if peak is not None:
            m.peak = max(m.peak or 0, peak)
    label = f"{m.label} ({m.size:,})" if m.size else m.label
    med = m.median
    print(f"  {label:<28} {'—' if med is None else f'{med:7.2f} s'}  CPU {_fmt_s(m.cpu_median):>6} s  "
          f"{'' if m.peak is None else f'{m.peak / 2**20:7.0f} MB'}  {m.error}", flush=True)
    return m


# --- data --------------------------------------------------------------------------------------
def _generator_stamp() -> str:
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:16]


def _suffix(shape: str) -> str:
    return "" if shape == "standard" else f"_{shape}"


def ensure_catalogue(size: int, shape: str = "standard") -> tuple[Path, float | None]:
    """benchmarks/data/ws_<size>[_messy] (regenerated when the generator changed); returns (workspace, seconds)."""
    ws = DATA / f"ws_{size}{_suffix(shape)}"
    stamp = ws / ".stamp"
    if stamp.exists() and stamp.read_text() == _generator_stamp() and (ws / "workbooks" / "catalogue.xlsx").exists():
        return ws, None
    if ws.exists():
        shutil.rmtree(ws)
    start = time.perf_counter()
    subprocess.run([PY, str(HERE / "generate.py"), "--records", str(size), "--out", str(ws), "--shape", shape],
                   check=True)
    stamp.write_text(_generator_stamp())
    return ws, time.perf_counter() - start


def ensure_import_source(size: int, shape: str = "standard") -> Path:
    path = DATA / f"import_{size}{_suffix(shape)}.xlsx"
    stamp = path.with_suffix(".stamp")
    if path.exists() and stamp.exists() and stamp.read_text() == _generator_stamp():
        return path
    subprocess.run([PY, str(HERE / "generate.py"), "--import-rows", str(size), "--out", str(path), "--shape", shape],
                   check=True)
    stamp.write_text(_generator_stamp())
    return path


def fresh_copy(ws: Path, name: str) -> Path:
    target = OUT / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ws, target, ignore=shutil.ignore_patterns(".history", "exports"))
    (target / "exports").mkdir(exist_ok=True)
    return target


def empty_workspace(ws: Path, name: str) -> Path:
    """A new workspace whose settings (districts, coordinators…) come from the generated master."""
    target = OUT / name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    subprocess.run([*shigen_cmd(), "--workspace", str(target), "init", "--settings",
                    str(ws / "workbooks" / "catalogue.xlsx")], check=True, capture_output=True)
    return target


# --- the benchmark -------------------------------------------------------------------------------
def bench_size(size: int, runs: int, commands: set[str], present: dict[str, bool], baselines: bool,
               timeout: float, shape: str = "standard") -> list[Measure]:
    results = _bench_size(size, runs, commands, present, baselines, timeout, shape)
    for m in results:
        m.shape = shape
    return results


def _bench_size(size: int, runs: int, commands: set[str], present: dict[str, bool], baselines: bool,
                timeout: float, shape: str) -> list[Measure]:
    print(f"\n■ {size:,} 件({shape})", flush=True)
    ws, gen_seconds = ensure_catalogue(size, shape)
    tag = _suffix(shape)
    master = ws / "workbooks" / "catalogue.xlsx"
    results: list[Measure] = []
    if gen_seconds is not None:
        g = Measure(size, "(生成) generate.py")
        g.times = [gen_seconds]
        results.append(g)
    sh = shigen_cmd()

    def skipped(label: str, why: str) -> None:
        m = Measure(size, label, skipped=why)
        print(f"  {label:<28} 省略: {why}")
        results.append(m)

    if baselines:
        code = ("from python_calamine import CalamineWorkbook as W; "
                f"W.from_path({str(master)!r}).get_sheet_by_name('資源一覧').to_python()")
        results.append(measure(Measure(size, "基準: python-calamine"), lambda: [PY, "-c", code], runs, timeout=timeout))
        code = f"import pandas as pd; pd.read_excel({str(master)!r}, sheet_name='資源一覧', engine='openpyxl', dtype=str)"
        if PANDAS_BASELINE:
            results.append(measure(Measure(size, "基準: pandas(openpyxl)"), lambda: [PY, "-c", code],
                                   1 if size >= BIG else runs, timeout=timeout))

    def want(cmd: str) -> bool:
        if cmd not in commands:
            return False
        if not present.get(cmd):
            skipped(cmd, f"shigen {cmd} がまだありません")
            return False
        return True

    if want("import"):
        src = ensure_import_source(size, shape)
        results.append(measure(Measure(size, "import"), lambda w: [*sh, "--workspace", str(w), "import", str(src),
                                                                   "--by", "bench"],
                               runs, ok=(0, 1), prepare=lambda: empty_workspace(ws, f"import_{size}{tag}"),
                               timeout=timeout))
    if want("audit"):
        results.append(measure(Measure(size, "audit"), lambda: [*sh, "--workspace", str(ws), "audit"], runs, ok=(0, 1),
                               timeout=timeout))
    if "assign" in commands and present.get("assign"):
        assign_m = Measure(size, "assign")
        collect_m = Measure(size, "collect")
        for _ in range(runs):
            copy = fresh_copy(ws, f"assign_{size}{tag}")
            before = set((copy / "exports").rglob("*.xlsx"))
            s, peak, rc, last = run_once([*sh, "--workspace", str(copy), "assign", "--by", "district", "--year", YEAR],
                                         timeout=timeout)
            if rc not in (0, 1):
                assign_m.error = f"終了コード {rc}: {last}"[:300]
                break
            assign_m.times.append(s)
            assign_m.cpu.append(LAST_CPU[0])
            assign_m.peak = max(assign_m.peak or 0, peak or 0) or None
            # the per-coordinator update books (not the overview 担当一覧.xlsx), returned unchanged
            books = sorted(p for p in set((copy / "exports").rglob("*.xlsx")) - before if not p.name.startswith("担当一覧"))
            if "collect" in commands and present.get("collect") and books:
                s, peak, rc, last = run_once([*sh, "--workspace", str(copy), "collect", *map(str, books)],
                                             timeout=timeout)
                if rc not in (0, 1):
                    collect_m.error = f"終了コード {rc}: {last}"[:300]
                else:
                    collect_m.times.append(s)
                    collect_m.cpu.append(LAST_CPU[0])
                    collect_m.peak = max(collect_m.peak or 0, peak or 0) or None
            elif "collect" in commands and present.get("collect"):
                collect_m.error = "assign が更新用ブックを書き出しませんでした"
        for m in (assign_m, collect_m):
            if m.label == "collect" and ("collect" not in commands or not present.get("collect")):
                continue
            med = m.median
            print(f"  {f'{m.label} ({size:,})':<28} {'—' if med is None else f'{med:7.2f} s'}  "
                  f"{'' if m.peak is None else f'{m.peak / 2**20:7.0f} MB'}  {m.error}", flush=True)
            results.append(m)
        if "collect" in commands and not present.get("collect"):
            skipped("collect", "shigen collect がまだありません")
    elif "assign" in commands:
        skipped("assign", "shigen assign がまだありません")
        if "collect" in commands:
            skipped("collect", "shigen collect がまだありません(assign の更新用ブックが必要)")
    if want("export"):
        for fmt in ("xlsx", "docx", "csv"):
            out = OUT / f"export_{size}{tag}.{fmt}"
            results.append(measure(Measure(size, f"export {fmt}"),
                                   lambda fmt=fmt, out=out: [*sh, "--workspace", str(ws), "export", "--format", fmt,
                                                             "--output", str(out)], runs, timeout=timeout))
    if want("coverage"):
        results.append(measure(Measure(size, "coverage"), lambda: [*sh, "--workspace", str(ws), "coverage"], runs,
                               timeout=timeout))
        results.append(measure(Measure(size, "coverage xlsx"),
                               lambda: [*sh, "--workspace", str(ws), "coverage", "--format", "xlsx", "--output",
                                        str(OUT / f"coverage_{size}{tag}.xlsx")], runs, timeout=timeout))
    if want("find"):
        district = _first_district(master)
        results.append(measure(Measure(size, "find"),
                               lambda: [*sh, "--workspace", str(ws), "find", "配食", "--district", district], runs,
                               timeout=timeout))
        results.append(measure(Measure(size, "find --day --free"),
                               lambda: [*sh, "--workspace", str(ws), "find", "--day", "土", "--free"], runs,
                               timeout=timeout))
    if want("letters"):  # every record asked: the letters, 宛名一覧.xlsx and 照会 rows saved in a fresh copy
        if size > 20000:
            skipped("letters", "確認依頼は 20,000 件までを測ります")
        else:
            results.append(measure(Measure(size, "letters"),
                                   lambda w: [*sh, "--workspace", str(w), "letters", "--as-of", f"{YEAR}-05-10"],
                                   runs, prepare=lambda: fresh_copy(ws, f"letters_{size}"), timeout=timeout))
    if want("site"):  # the targets: 1,500 in < 5 s (SMALL's 2 s applies too), 20,000 in < 60 s
        if size > 20000:
            skipped("site", "サイトは 20,000 件までを測ります(1 件 1 ページ)")
        else:
            results.append(measure(Measure(size, "site"),
                                   lambda: [*sh, "--workspace", str(ws), "site", "--output", str(OUT / f"site_{size}")],
                                   runs, timeout=timeout))
    return results


def _first_district(master: Path) -> str:
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(master)).get_sheet_by_name("地区").to_python()
    return str(rows[1][0]) if len(rows) > 1 else ""


# --- report --------------------------------------------------------------------------------------
def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    with contextlib.suppress(ValueError, OSError, AttributeError):  # sysconf is POSIX only
        ram = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / GB:.1f} GB"
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except (OSError, AttributeError):
        load = ""
    versions = []
    for mod in ("python_calamine", "openpyxl", "xlsxwriter", "pandas", "docx"):
        try:
            from importlib.metadata import version

            name = {"docx": "python-docx", "python_calamine": "python-calamine"}.get(mod, mod)
            versions.append(f"{name} {version(name)}")
        except Exception:
            continue
    return [("日時", dt.datetime.now().strftime("%Y-%m-%d %H:%M")), ("CPU", cpu or "不明"),
            ("コア数", str(os.cpu_count())), ("メモリ", ram or "不明"), ("Python", platform.python_version()),
            ("OS", platform.platform()), ("開始時の負荷(loadavg)", load or "—"), ("ライブラリ", "、".join(versions))]


def _fmt_s(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _fmt_mb(x: int | None) -> str:
    return "—" if x is None else f"{x / 2**20:,.0f}"


def verdicts(results: list[Measure], help_m: Measure, pass_m: Measure) -> list[tuple[str, str, str, str]]:
    """(target, measured, result, note) rows, for each shape of catalogue."""
    rows: list[tuple[str, str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "—" if ok is None else ("✅ 達成" if ok else "❌ 未達")

    med = help_m.median
    rows.append((f"`shigen --help` < {HELP_TARGET:g} s",
                 f"{_fmt_s(med)} s(CPU {_fmt_s(help_m.cpu_median)} s、python -c pass {_fmt_s(pass_m.median)} s)",
                 verdict(None if med is None else med < HELP_TARGET), ""))
    shapes = list(dict.fromkeys(m.shape for m in results))
    for shape in shapes:
        mine = [m for m in results if m.shape == shape]
        by = {(m.size, m.label): m for m in mine}
        tag = f"[{shape}] "
        for m in (m for m in mine if m.size == SMALL and not m.label.startswith(("基準", "(生成)"))):
            if m.skipped:
                rows.append((f"{tag}1,500 件: {m.label} < {SMALL_TARGET:g} s", "—", "省略", m.skipped))
            else:
                rows.append((f"{tag}1,500 件: {m.label} < {SMALL_TARGET:g} s", f"{_fmt_s(m.median)} s(CPU {_fmt_s(m.cpu_median)} s)",
                             verdict(None if m.median is None else m.median < SMALL_TARGET), m.error))
        for (size, label), target in TARGETS.items():
            for lab in ([label] if label != "find" else ["find", "find --day --free"]):
                m = by.get((size, lab))
                if m is None:
                    continue
                name = f"{tag}{size:,} 件: {lab} < {target:g} s"
                if m.skipped:
                    rows.append((name, "—", "省略", m.skipped))
                    continue
                rows.append((name, f"{_fmt_s(m.median)} s(CPU {_fmt_s(m.cpu_median)} s)",
                             verdict(None if m.median is None else m.median < target),
                             m.error))
        audit, cal = by.get((BIG, "audit")), by.get((BIG, "基準: python-calamine"))
        if audit and cal and audit.median and cal.median:
            ratio = audit.median / cal.median
            cpu = (audit.cpu_median / cal.cpu_median) if audit.cpu_median and cal.cpu_median else None
            rows.append((f"{tag}200,000 件: audit ≤ {BIG_CALAMINE_RATIO:g} × calamine の読み込み",
                         f"{ratio:.1f} 倍({_fmt_s(audit.median)} s / {_fmt_s(cal.median)} s)"
                         + (f"、CPU 時間では {cpu:.1f} 倍" if cpu else ""),
                         verdict(ratio <= BIG_CALAMINE_RATIO), ""))
        for m in (m for m in mine if m.size == BIG and m.peak is not None and not m.label.startswith(("基準", "(生成)"))):
            limit = BIG_MEMORY_TARGETS.get(m.label, BIG_MEMORY)
            rows.append((f"{tag}200,000 件: {m.label} のピークメモリ < {limit / GB:g} GB", f"{_fmt_mb(m.peak)} MB",
                         verdict(m.peak < limit), ""))
    return rows


SPEED_CODE = "sum(range(3 * 10**7))"
SPEED: list[Measure] = []  # the same pure-Python loop at the start and at the end of the run


def write_report(results: list[Measure], help_m: Measure, pass_m: Measure, present: dict[str, bool],
                 sizes: list[int], runs: dict[int, int], path: Path) -> None:
    lines = ["# shigen ベンチマーク結果", "",
             "`make bench`(`benchmarks/run.py`)が書き出します。各コマンドをひとつのプロセスとして起動から終了まで測り、"
             "複数回の中央値を示します。台帳は `benchmarks/generate.py` が作る架空のデータ(5% に誤りを仕込んだもの)です。",
             "", "## 実行環境", "", "| 項目 | 値 |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in machine()]
    if SPEED:  # a virtual machine's speed drifts (±20 % seen on a quiet 2-core VM): compare runs by this figure
        lines.append(f"| 速さの目安(`python -c \"{SPEED_CODE}\"`、始め / 終わり) | "
                     + " / ".join(f"{_fmt_s(m.median)} s" for m in SPEED) + " |")
    lines += ["", f"件数: {', '.join(f'{s:,}' for s in sizes)}(回数: "
              + "、".join(f"{s:,} 件 {runs[s]} 回" for s in sizes) + ")", ""]
    missing = [c for c in COMMANDS if not present.get(c)]
    if missing:
        lines += [f"**まだないコマンド(省略)**: {', '.join(missing)}", ""]
    lines += ["## 目標と結果", "", "| 目標 | 測定値 | 結果 | 備考 |", "| --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in verdicts(results, help_m, pass_m)]
    lines += ["", "## すべての測定", "",
              "CPU は子プロセスの user + system 時間です(ほかの作業で機械が混んでいても、経過時間ほどは変わりません)。"
              "比は、同じブックを python-calamine だけで読む時間・pandas(openpyxl)で読む時間に対する倍率です"
              "(どちらも Python の起動と import を含みます)。", "",
              "| 形 | 件数 | 測定 | 中央値 (s) | CPU (s) | 回数 | ピークメモリ (MB) | calamine 比 | pandas 比 | 備考 |",
              "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    lines.append(f"| — | — | python -c pass | {_fmt_s(pass_m.median)} | {_fmt_s(pass_m.cpu_median)} | {len(pass_m.times)} | "
                 f"{_fmt_mb(pass_m.peak)} | | | |")
    lines.append(f"| — | — | shigen --help | {_fmt_s(help_m.median)} | {_fmt_s(help_m.cpu_median)} | {len(help_m.times)} | "
                 f"{_fmt_mb(help_m.peak)} | | | "
                 f"{help_m.error} |")
    base = {(m.shape, m.size, m.label): m.median for m in results if m.label.startswith("基準")}
    for m in results:
        cal = base.get((m.shape, m.size, "基準: python-calamine"))
        pdm = base.get((m.shape, m.size, "基準: pandas(openpyxl)"))
        med = m.median
        command = not m.label.startswith(("基準", "(生成)"))
        r1 = f"{med / cal:.1f}" if med and cal and command else ""
        r2 = f"{med / pdm:.2f}" if med and pdm and command else ""
        note = m.skipped and f"省略: {m.skipped}" or m.error
        lines.append(f"| {m.shape} | {m.size:,} | {m.label} | {_fmt_s(med)} | {_fmt_s(m.cpu_median)} | {len(m.times)} | "
                     f"{_fmt_mb(m.peak)} | {r1} | {r2} | "
                     f"{note} |")
    lines += ["", *import_accuracy()]
    if NOTES.exists():
        lines += ["", NOTES.read_text(encoding="utf-8").strip()]
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def import_accuracy() -> list[str]:
    """Per-file / per-field accuracy of `shigen import` over the fixture corpus (benchmarks/score_import.py)."""
    if not hasattr(import_accuracy, "lines"):
        try:
            sys.path.insert(0, str(HERE))
            import score_import

            import_accuracy.lines = score_import.markdown(score_import.corpus_scores())  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 — a broken scorer must not lose the timings
            import_accuracy.lines = ["## 取り込みの正確さ", "", f"測れませんでした: {exc!r}"]  # type: ignore[attr-defined]
    return import_accuracy.lines  # type: ignore[attr-defined]


def _compile_shigen() -> None:
    """Byte-compile shigen before measuring, as an installed copy is (pip compiles at install; a first run writes
    __pycache__). Without this, a shell with PYTHONDONTWRITEBYTECODE=1 recompiles every module on every run and
    adds 0.1–0.3 s to each 1,500-record figure."""
    import compileall

    compileall.compile_dir(str(ROOT / "shigen"), quiet=1)  # the checkout `make bench` installed (editable)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="shigen の各コマンドの所要時間とメモリを測り、benchmarks/RESULTS.md に書きます。")
    ap.add_argument("--sizes", default="1500,20000,200000", help="台帳の件数(カンマ区切り)")
    ap.add_argument("--runs", type=int, default=0, help="各測定の回数(既定: 1,500 件 5 回、20,000 件 3 回、200,000 件 1 回)")
    ap.add_argument("--quick", action="store_true", help="1,500 件と 20,000 件を 1 回ずつ(手早く確かめる)")
    ap.add_argument("--commands", default=",".join(COMMANDS), help="測るコマンド(カンマ区切り)")
    ap.add_argument("--no-baselines", action="store_true", help="calamine / pandas の基準を測りません")
    ap.add_argument("--timeout", type=float, default=1800, help="1 回の実行の上限(秒)")
    ap.add_argument("--output", type=Path, default=RESULTS, help="結果の Markdown(既定: benchmarks/RESULTS.md)")
    ap.add_argument("--shapes", default=",".join(SHAPES), help="台帳の形(カンマ区切り): standard, messy")
    ap.add_argument("--no-pandas", action="store_true", help="pandas(openpyxl)の基準を測りません(200,000 件で 40 秒ほど)")
    args = ap.parse_args(argv)
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    if any(s not in SHAPES for s in shapes):
        ap.error(f"--shapes は {', '.join(SHAPES)} から選んでください")
    global PANDAS_BASELINE
    PANDAS_BASELINE = not args.no_pandas

    sizes = [1500, 20000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    runs = {s: (1 if args.quick else args.runs or (5 if s <= 1500 else 3 if s <= 20000 else 1)) for s in sizes}
    commands = {c.strip() for c in args.commands.split(",") if c.strip()}
    DATA.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)

    _compile_shigen()
    present = {c: available(c) for c in COMMANDS}
    print("コマンド: " + "、".join(f"{c}{'' if ok else '(なし)'}" for c, ok in present.items()))
    print("■ 起動")
    help_runs = 3 if args.quick else 10
    pass_m = measure(Measure(None, "python -c pass"), lambda: [PY, "-c", "pass"], help_runs)
    help_m = measure(Measure(None, "shigen --help"), lambda: [*shigen_cmd(), "--help"], help_runs)
    SPEED.append(measure(Measure(None, "速さの目安"), lambda: [PY, "-c", SPEED_CODE], 3))

    results: list[Measure] = []
    for size in sizes:
        for shape in shapes:
            results += bench_size(size, runs[size], commands, present, not args.no_baselines, args.timeout, shape)
            write_report(results, help_m, pass_m, present, sizes, runs, args.output)  # partial results survive a crash
    SPEED.append(measure(Measure(None, "速さの目安(終わり)"), lambda: [PY, "-c", SPEED_CODE], 3))
    write_report(results, help_m, pass_m, present, sizes, runs, args.output)
    print(f"\n書き出しました: {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
