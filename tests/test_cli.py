"""The command line as a whole: help, errors, exit codes, README coverage."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import typer
from builders import make_workspace, record

from shigen.cli import app

ROOT = Path(__file__).resolve().parent.parent


def command_names() -> list[str]:
    return sorted(c.name for c in app.registered_commands)


def test_every_command_has_japanese_help_and_is_in_the_readme(cli):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = command_names()
    assert {"init", "status"} <= set(names)
    for name in names:
        result = cli(name, "--help")
        assert result.exit_code == 0, name
        assert re.search(r"[ぁ-んァ-ン一-龥]", result.stdout), f"{name} has no Japanese help"
        assert f"shigen {name}" in readme, f"README never shows `shigen {name}`"


def test_every_option_and_argument_has_japanese_help():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, name
        for param in command.params:
            text = getattr(param, "help", None)
            assert text and re.search(r"[ぁ-んァ-ン一-龥]", text), f"shigen {name} {param.name} has no Japanese help"


def test_top_level_help_lists_the_yearly_cycle(cli):
    result = cli("--help")
    assert result.exit_code == 0
    assert "init → import → audit → assign → collect → export" in result.stdout


def test_init_then_status(cli, tmp_path):
    result = cli("init", "--municipality", "みどり野市")
    assert result.exit_code == 0, result.stderr
    assert "台帳を作りました" in result.stdout
    assert (tmp_path / "workbooks" / "catalogue.xlsx").exists()
    result = cli("status")
    assert result.exit_code == 0
    assert "みどり野市" in result.stdout


def test_init_twice_is_a_usage_error_on_stderr(cli):
    assert cli("init").exit_code == 0
    result = cli("init")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "すでにあります" in result.stderr and "--force" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_master_says_what_to_do(cli):
    result = cli("status")
    assert result.exit_code == 2
    assert "shigen init" in result.stderr


def test_unreadable_master_exits_3_with_one_line(cli, tmp_path):
    (tmp_path / "workbooks").mkdir()
    (tmp_path / "workbooks" / "catalogue.xlsx").write_bytes(b"this is not a workbook")
    result = cli("status")
    assert result.exit_code == 3
    assert "catalogue.xlsx" in result.stderr and "読めません" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(cli, tmp_path):
    (tmp_path / "workbooks").mkdir()
    (tmp_path / "workbooks" / "catalogue.xlsx").write_bytes(b"broken")
    result = cli("--debug", "status")
    assert result.exit_code != 0
    assert result.exception is not None


def test_unknown_option_is_exit_2(cli):
    assert cli("init", "--no-such-option").exit_code == 2


def test_workspace_option_and_catalogue_option(cli, tmp_path):
    ws = make_workspace(tmp_path / "elsewhere", [record(name="どこかの配食")])
    result = cli("--workspace", str(ws.root), "status")
    assert result.exit_code == 0 and "資源 1 件" in result.stdout
    result = cli("--catalogue", str(ws.catalogue), "status")
    assert result.exit_code == 0 and "資源 1 件" in result.stdout


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from shigen.cli import app; "
            "heavy = [m for m in ('pandas', 'openpyxl', 'docx', 'xlsxwriter', 'rapidfuzz', 'phonenumbers') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"`shigen --help` imports {out}"


def test_python_dash_m_works(tmp_path):
    result = subprocess.run([sys.executable, "-m", "shigen", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("shigen ")


def test_init_with_a_missing_settings_file_says_the_settings_source_is_missing(cli, tmp_path):
    result = cli("init", "--settings", tmp_path / "昨年の台帳.xlsx")
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "設定の写し元" in line and "昨年の台帳.xlsx" in line and "がありません" in line
    assert "shigen init" not in line and "台帳ファイル" not in line  # not the missing-master message
    assert not (tmp_path / "workbooks").exists() and not (tmp_path / "exports").exists()  # nothing created
    broken = tmp_path / "壊れた.xlsx"
    broken.write_bytes(b"not a workbook")
    result = cli("init", "--settings", broken)
    assert result.exit_code == 3 and "設定の写し元を読めません" in result.stderr
    result = cli("init", "--settings", tmp_path)
    assert result.exit_code == 2 and "フォルダー" in result.stderr


# --- the console entry point ends the process without tearing the interpreter down (issue 18) ----------------------
def _shigen(*args: str, cwd):
    env = {k: v for k, v in os.environ.items() if k != "SHIGEN_NORMAL_EXIT"}
    return subprocess.run([sys.executable, "-m", "shigen", *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


def test_a_real_process_writes_everything_and_keeps_its_exit_codes(tmp_path):
    src = tmp_path / "一覧.csv"
    rows = ["名称,電話番号,住所,最終確認日"] + [f"みどり配食{i},0479-62-{1000 + i},みどり野市本町{i}-2,2020/4/1"
                                      for i in range(300)]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ws = tmp_path / "ws"
    assert _shigen("--workspace", str(ws), "init", cwd=tmp_path).returncode == 0
    done = _shigen("--workspace", str(ws), "import", str(src), "--by", "テスト", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    audit = _shigen("--workspace", str(ws), "audit", "--as-of", "2026-12-01", "--format", "json", cwd=tmp_path)
    assert audit.returncode == 1  # findings: 1, as before
    found = json.loads(audit.stdout)  # the whole JSON arrived (well over a pipe's 64 KB), nothing cut at the exit
    assert len(audit.stdout) > 65_536 and len(found["findings"]) >= 300
    wrong = _shigen("--workspace", str(ws), "audit", "--format", "なにか", cwd=tmp_path)
    assert wrong.returncode == 2 and "--format" in wrong.stderr
    book = openpyxl.load_workbook(ws / "workbooks" / "catalogue.xlsx", read_only=True)
    assert book["資源一覧"].max_row == 301  # the saved master is complete


def test_the_entry_point_skips_the_interpreters_teardown_unless_asked(tmp_path):
    code = ("import atexit, sys; atexit.register(lambda: print('終了処理', file=sys.stderr)); "
            "sys.argv = ['shigen', '--version']; from shigen.cli import main; main()")
    fast = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert fast.returncode == 0 and fast.stdout.startswith("shigen ") and "終了処理" not in fast.stderr
    normal = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "SHIGEN_NORMAL_EXIT": "1"})
    assert normal.returncode == 0 and normal.stdout.startswith("shigen ") and "終了処理" in normal.stderr


def test_exit_codes_of_systemexit_are_pythons_own(capsys):
    from shigen.cli.app import _exit_code

    assert _exit_code(None) == 0 and _exit_code(0) == 0 and _exit_code(3) == 3
    assert _exit_code("説明") == 1 and "説明" in capsys.readouterr().err
