"""The README and docs/ are part of the product: every command and option they show must exist,
every command must be shown, and every finding code must be explained.

These tests read the documents as a user would copy from them: a line (or inline code span) that
starts with ``shigen <command>`` is a command line, and each ``--option`` on it must be an option
of that command (or a global option written before the command).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.core
import typer.main
from typer.core import TyperGroup, TyperOption

import shigen.cli as cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _click_group() -> TyperGroup:
    group = typer.main.get_command(cli.app)
    assert isinstance(group, TyperGroup)
    return group


def _options(command: typer.core.TyperCommand | TyperGroup) -> set[str]:
    names: set[str] = set()
    for param in command.params:
        names.update(o for o in param.opts + param.secondary_opts if o.startswith("--"))
    return names


GROUP = _click_group()
GLOBAL_OPTIONS = _options(GROUP) | {"--help"}
COMMANDS = {name: _options(cmd) | {"--help"} for name, cmd in GROUP.commands.items()}

# `shigen export --format xlsx --district 中央地区` inside backticks, code blocks or table cells
INLINE = re.compile(r"`(shigen\s[^`]*)`")
COMMAND_LINE = re.compile(r"shigen\s+((?:--?[\w-]+(?:\s+[^\s`|-][^\s`|]*)?\s+)*)([a-z][a-z-]*)([^`\n|]*)")
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")


def _command_lines() -> list[tuple[Path, int, str, str, str]]:
    """Inline code spans that start with `shigen`, and lines of fenced code blocks that do."""
    found = []
    for path in DOCS:
        fenced = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.lstrip().startswith("```"):
                fenced = not fenced
                continue
            spans = [line.strip().removeprefix("$ ").removeprefix("> ")] if fenced else INLINE.findall(line)
            for span in spans:
                m = COMMAND_LINE.match(span)
                if m:
                    found.append((path, number, m.group(1), m.group(2), m.group(3)))
    return found


def test_the_documents_show_command_lines() -> None:
    lines = _command_lines()
    assert len(lines) > 20, "the document scanner found almost no command lines: the pattern is broken"
    assert {c for _, _, _, c, _ in lines} >= {"import", "audit", "assign", "collect", "export"}


def test_every_command_is_shown_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in COMMANDS if f"shigen {name}" not in readme]
    assert not missing, f"README.md never shows: {missing}"


def test_every_command_has_japanese_help() -> None:
    for name, command in GROUP.commands.items():
        text = (command.help or "") + (command.short_help or "")
        assert re.search(r"[぀-ヿ一-鿿]", text), f"shigen {name} has no Japanese help text"
        for param in command.params:
            if isinstance(param, TyperOption) and not param.hidden and "--help" not in param.opts:
                assert param.help and re.search(r"[぀-ヿ一-鿿]", param.help), \
                    f"shigen {name} {param.opts[0]} has no Japanese help text"


@pytest.mark.parametrize("path,number,before,command,rest",
                         [pytest.param(*line, id=f"{line[0].name}:{line[1]}") for line in _command_lines()])
def test_documented_commands_and_options_exist(path: Path, number: int, before: str, command: str, rest: str) -> None:
    where = f"{path.relative_to(ROOT)}:{number}"
    if command not in COMMANDS:
        pytest.fail(f"{where}: `shigen {command}` is not a command (commands: {sorted(COMMANDS)})")
    for option in OPTION.findall(before):
        assert option in GLOBAL_OPTIONS, f"{where}: global option {option} does not exist"
    allowed = COMMANDS[command] | GLOBAL_OPTIONS
    for option in OPTION.findall(rest):
        assert option in allowed, f"{where}: `shigen {command}` has no option {option}"


STAGE_DOCS = {"audit": "audit.md", "import": "import.md", "collect": "assign-collect.md"}


@pytest.mark.parametrize("stage", sorted(STAGE_DOCS))
def test_every_finding_code_is_documented_on_its_commands_page(stage: str) -> None:
    from shigen.findings import Stage, stage_codes

    page = STAGE_DOCS[stage]
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    missing = [c.code for c in stage_codes(Stage(stage)) if f"`{c.code}`" not in text and f"| {c.code} |" not in text]
    assert not missing, f"docs/{page} does not explain: {missing}"


def test_finding_codes_are_unique_kebab_case_and_fully_worded() -> None:
    from shigen.findings import CATALOGUE, CODES, Stage

    assert len(CODES) == len(CATALOGUE)
    assert {c.stage for c in CATALOGUE} <= set(Stage)
    for c in CATALOGUE:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.code), c.code
        assert c.title and c.message and c.hint and c.description, f"{c.code} lacks wording"
