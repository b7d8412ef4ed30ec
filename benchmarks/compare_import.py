"""Prove that a change to the importer leaves its results identical (issue 18, column-wise normalisation).

    # with the old code (a copy of shigen/ under OLD/shigen) and with the new one, on the same input:
    .venv/bin/python benchmarks/compare_import.py dump SRC SETTINGS_MASTER OUT.json [--code OLD]
    .venv/bin/python benchmarks/compare_import.py diff A.json B.json

``dump`` makes a fresh workspace (``init --settings SETTINGS_MASTER``), runs ``shigen import --format json SRC``
in a subprocess (with ``--code`` on PYTHONPATH first, so an older copy of the package can be timed and dumped), and
writes the import's JSON output (minus the report's file name, which holds the time) and every cell of the master's
資源一覧 and 履歴 sheets (履歴's time column left out) to OUT.json. ``diff`` prints the first differences and exits
non-zero if there are any.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _run(code: str | None, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code + os.pathsep + env.get("PYTHONPATH", "")
    # run outside the checkout: `python -m` puts the working folder first on sys.path, before PYTHONPATH
    return subprocess.run([sys.executable, "-m", "shigen", *args], env=env, capture_output=True, text=True,
                          check=False, cwd=cwd)


def dump(src: Path, settings: Path, out: Path, code: str | None) -> None:
    from python_calamine import CalamineWorkbook

    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        ws.mkdir()
        r = _run(code, Path(tmp), "--workspace", str(ws), "init", "--settings", str(settings))
        assert r.returncode == 0, r.stderr
        r = _run(code, Path(tmp), "--workspace", str(ws), "import", "--format", "json", str(src), "--by", "bench")
        assert r.returncode in (0, 1), r.stderr
        result = json.loads(r.stdout)
        result.pop("report", None)
        book = CalamineWorkbook.from_path(str(ws / "workbooks" / "catalogue.xlsx"))
        sheets = {}
        for name in ("資源一覧", "履歴"):
            rows = book.get_sheet_by_name(name).to_python()
            if name == "履歴" and rows:
                rows = [[str(v) for v in row[1:]] for row in rows]  # the first column is the time
            sheets[name] = [[str(v) for v in row] for row in rows]
    out.write_text(json.dumps({"json": result, "sheets": sheets}, ensure_ascii=False))


def _diffs(a: object, b: object, path: str, found: list[str]) -> None:
    if len(found) >= 20:
        return
    if type(a) is not type(b):
        found.append(f"{path}: {a!r} != {b!r}")
    elif isinstance(a, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                found.append(f"{path}.{k}: only in {'B' if k not in a else 'A'}")
            else:
                _diffs(a[k], b[k], f"{path}.{k}", found)
    elif isinstance(a, list):
        if len(a) != len(b):
            found.append(f"{path}: {len(a)} items != {len(b)}")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            _diffs(x, y, f"{path}[{i}]", found)
    elif a != b:
        found.append(f"{path}: {a!r} != {b!r}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["dump"]:
        code = argv[argv.index("--code") + 1] if "--code" in argv else None
        src, settings, out = (Path(x) for x in argv[1:4])
        dump(src, settings, out, code)
        return 0
    if argv[:1] == ["diff"]:
        a, b = (json.loads(Path(x).read_text()) for x in argv[1:3])
        found: list[str] = []
        _diffs(a, b, "", found)
        for line in found:
            print(line)
        print("identical" if not found else f"{len(found)}+ differences")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
