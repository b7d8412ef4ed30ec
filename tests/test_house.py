"""Rules of the house that a reviewer would otherwise have to remember (issue 15)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIGEN = ROOT / "shigen"


def test_the_package_is_typed_without_ignores_or_unchecked_modules() -> None:
    ignored = [f"{p.relative_to(ROOT)}:{n}" for p in SHIGEN.rglob("*.py")
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if "type: ignore" in line]
    assert ignored == []
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert not any(o.get("ignore_errors") for o in mypy.get("overrides", []))


def test_every_long_module_says_why_at_its_top() -> None:
    long = []
    for p in SHIGEN.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        if text.count("\n") <= 420:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if "generated" not in doc and "long" not in doc and "over 400" not in doc and "400 lines" not in doc:
            long.append(str(p.relative_to(ROOT)))
    assert long == [], "say at the top why these modules are long (or split them)"


def test_the_core_never_imports_the_terminal_libraries() -> None:
    offenders = []
    for p in SHIGEN.rglob("*.py"):
        if p.parent.name == "cli":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{p.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in ("rich", "typer")]
    assert offenders == []


def test_every_second_thread_is_a_background() -> None:
    """One thread class (shigen/background.py: joined before the command returns, its error raised in the waiting
    thread); no module starts a thread, a pool or a process of its own."""
    offenders = []
    for p in SHIGEN.rglob("*.py"):
        if p.name == "background.py":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in (
                    "Thread", "ThreadPoolExecutor", "ProcessPoolExecutor", "Process", "Popen", "start_new_thread"):
                offenders.append(f"{p.relative_to(ROOT)}:{node.lineno} {node.attr}")
            if isinstance(node, ast.ImportFrom) and node.module in ("threading", "concurrent.futures",
                                                                      "multiprocessing", "_thread"):
                offenders += [f"{p.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names
                              if a.name in ("Thread", "ThreadPoolExecutor", "ProcessPoolExecutor", "Process")]
    assert offenders == []
