"""The command line as a whole: help, errors, exit codes, README coverage."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

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
