"""cli/coerce.py: option values coerced without pydantic give exactly typer's results (issue 18: start-up)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer._click import Context
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from shigen.cli import app
from shigen.cli.coerce import PlainRuntimeParam


def _params():  # type: ignore[no-untyped-def]
    group = typer.main.get_command(app)
    out = [(group, p) for p in group.params]
    for name in sorted(group.commands):  # type: ignore[attr-defined]
        cmd = group.commands[name]  # type: ignore[attr-defined]
        out += [(cmd, p) for p in cmd.params]
    return [(c, p) for c, p in out if isinstance(p, _TyperParameter)]


def _samples(p: _TyperParameter, tmp: Path) -> list[object]:
    ann = p.type_descriptor.annotation
    values: list[object] = [None, p.default]
    if ann is str:
        values += ["abc", "", "配食 弁当", " x "]
    elif ann is int:
        values += [0, 1, 5, -1, "5", "abc", " 7"]
    elif ann is bool:
        values += [True, False]
    elif ann is Path:
        values += ["does/not/exist", str(tmp), str(tmp / "f.txt"), "", "台帳.xlsx", tmp]
    elif ann == list[str]:
        values += [("a", "b"), ["x"], ()]
    elif ann == list[Path]:
        values += [(str(tmp / "f.txt"), "nothere.xlsx"), ()]
    return values


def _outcome(rt, value: object, p: _TyperParameter, ctx: Context) -> object:  # type: ignore[no-untyped-def]
    try:
        return ("ok", rt.coerce(value, param=p, ctx=ctx))
    except Exception as exc:  # the same error class and message as typer's
        return ("error", type(exc).__name__, str(exc))


def test_every_parameter_coerces_as_typer_does(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    pairs = _params()
    assert len(pairs) > 50  # every command's options are looked at
    for cmd, p in pairs:
        d = p.type_descriptor
        ctx = Context(cmd)
        plain = PlainRuntimeParam(d.parameter_info, d.annotation, descriptor=d)
        typer_own = build_runtime_param(d)
        for value in _samples(p, tmp_path):
            assert _outcome(plain, value, p, ctx) == _outcome(typer_own, value, p, ctx), (cmd.name, p.name, value)


@pytest.mark.parametrize("args", [["--help"], ["find", "--help"], ["-w", "{ws}", "status"]])
def test_a_command_does_not_import_pydantic(args: list[str], tmp_path: Path) -> None:
    """typer 0.29 would import pydantic (~70 ms) to coerce option values; plain values need none of it."""
    code = ("import sys\nfrom shigen.cli import main\nsys.argv[0] = 'shigen'\ntry:\n    main()\nexcept SystemExit:\n"
            "    pass\nprint('pydantic' in sys.modules)")
    argv = [a.replace("{ws}", str(tmp_path)) for a in args]
    # SHIGEN_NORMAL_EXIT: main() raises SystemExit instead of ending the process, so the check after it runs
    out = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "SHIGEN_NORMAL_EXIT": "1"})
    assert out.stdout.strip().splitlines()[-1] == "False", out.stdout + out.stderr
