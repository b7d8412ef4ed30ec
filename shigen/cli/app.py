"""The typer application: global options, and the one place errors become messages and exit codes.

Why this file is long (~450 lines): global options, the help formatter, the error → message/exit-code mapping and
the shared option callbacks are the CLI's one shared base; each command is its own cmd_*.py."""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import _click  # typer 0.29 vendors click (pinned <0.30)
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperCommand, TyperGroup, TyperOption

from ..errors import EXIT_INPUT, EXIT_USAGE, ShigenError, UsageError, master_writes, os_error_text
from ..workspace import ENV_WORKSPACE, Workspace

EXIT_INTERNAL = 4


@dataclass
class State:
    workspace: Workspace
    debug: bool = False
    writes_at_start: int = 0  # len(errors.master_writes) when the command started

    @property
    def catalogue(self) -> Path:
        return self.workspace.catalogue


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name on some Windows service accounts
        return os.environ.get("USERNAME", "") or "不明"


HELP_OPTION_TEXT = "この説明を表示して終わります。"

# The yearly cycle: the order `shigen --help` lists the commands in. A command missing here (one added later as
# cmd_*.py) goes after the cycle's commands and before the look-up tools, alphabetically.
COMMAND_ORDER = ("init", "import", "audit", "fix", "kana", "assign", "letters", "collect", "export", "site")
TOOLS_ORDER = ("find", "coverage", "status")

# the framework's English words in help texts → Japanese
_HELP_WORDS = (("default: ", "既定値: "), ("env var: ", "環境変数: "), ("required", "必須"))
_TYPE_WORDS = {"<str>": "<文字列>", "<list[str]>": "<文字列>", "<path>": "<パス>", "<list[path]>": "<パス>",
               "<int>": "<整数>", "<int range>": "<整数>", "<integer range>": "<整数>", "<float>": "<数>", "<bool>": "", "<date>": "<日付>"}
USAGE_PREFIX = "使い方: "
_NO_LINE_START = frozenset("。、，．)）」』】〕・ー")  # 行頭禁則: these stay at the end of the line before
_NO_LINE_END = frozenset("(（「『【〔")  # 行末禁則


def ordered_commands(names: Iterable[str]) -> list[str]:
    """Command names in the order of the yearly cycle; unknown ones after the cycle, before the tools."""
    rank = {n: i for i, n in enumerate(COMMAND_ORDER)}
    tools = {n: i for i, n in enumerate(TOOLS_ORDER)}

    def key(name: str) -> tuple[int, int, str]:
        if name in rank:
            return (0, rank[name], name)
        if name in tools:
            return (2, tools[name], name)
        return (1, 0, name)

    return sorted(names, key=key)


def _width(text: str) -> int:
    """Columns the text takes in a terminal (full-width characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` terminal columns; Japanese breaks between any two characters, ASCII words whole."""
    import re

    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for token in re.findall(r"\[[^\]\n]{1,40}\]|[!-~]+|\s+|.", paragraph):  # 「[既定値: xlsx]」 stays whole
            w = _width(token)
            if used + w > width and line.strip() and token not in _NO_LINE_START:
                carry = ""
                if line[-1] in _NO_LINE_END and len(line) > 1:  # 行末禁則: an opening bracket goes down with its text
                    line, carry = line[:-1], line[-1]
                lines.append(line.rstrip())
                line, used = carry, _width(carry)
                if token.isspace():
                    continue
            line += token
            used += w
        lines.append(line.rstrip())
    return lines


def _write_dl(formatter: _click.HelpFormatter, rows: list[tuple[str, str]], col_max: int = 30) -> None:
    """click's HelpFormatter.write_dl measured in terminal columns, so Japanese lines up and wraps in place."""
    indent = formatter.current_indent
    first_col = min(max((_width(a) for a, _ in rows), default=0), col_max) + 2
    text_width = max(formatter.width - first_col - indent - 4, 20)  # room for a 。 kept at a line end
    for first, second in rows:
        formatter.write(" " * indent + first)
        if not second:
            formatter.write("\n")
            continue
        if _width(first) <= first_col - 2:
            formatter.write(" " * (first_col - _width(first)))
        else:
            formatter.write("\n" + " " * (first_col + indent))
        lines = wrap(second, text_width)
        formatter.write(lines[0] + "\n")
        for line in lines[1:]:
            formatter.write(" " * (first_col + indent) + line + "\n")


def _japanese_record(record: tuple[str, str], argument: bool = False) -> tuple[str, str]:
    import re

    name, text = record
    if argument:
        name = re.sub(r"\s*<[^>]*>", "", name)
    for english, japanese in _TYPE_WORDS.items():
        name = name.replace(english, japanese).rstrip()
    if text.endswith("]") and "  [" in text or text.startswith("["):
        head, sep, extra = text.rpartition("[")
        for english, japanese in _HELP_WORDS:
            extra = extra.replace(english, japanese)
        extra = extra.replace("; ", "、")
        extra = re.sub(r"\bx>=(-?[\d.]+)", r"\1 以上", extra)
        extra = re.sub(r"\bx<=(-?[\d.]+)", r"\1 以下", extra)
        extra = re.sub(r"(-?[\d.]+)<=x<=(-?[\d.]+)", r"\1 から \2 まで", extra)
        text = head + sep + extra
    return name, text


def inspect_clean(text: str) -> str:
    import inspect

    return inspect.cleandoc(text)


class _JapaneseHelp(_click.Command):
    """Help screens in Japanese: 使い方, 引数, オプション, コマンド, 既定値, 必須 (a mixin before typer's classes)."""

    def get_help_option(self, ctx: _click.Context) -> TyperOption | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return ["[オプション]" if p == "[OPTIONS]" else "コマンド [引数]..." if p == "COMMAND [ARGS]..." else
                p[1:].replace("}", "", 1) if p.startswith("{") else p  # a required argument: no braces
                for p in pieces]

    def format_usage(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE_PREFIX)

    def format_help_text(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        import inspect

        text = inspect.cleandoc(self.help or "")
        if not text:
            return
        formatter.write_paragraph()
        width = max(formatter.width - 6, 20)
        for i, paragraph in enumerate(text.split("\n\n")):
            if i:
                formatter.write("\n")
            joined = "".join(paragraph.splitlines()) if _width(paragraph) != len(paragraph) else " ".join(paragraph.split())
            for line in wrap(joined, width):
                formatter.write("  " + line + "\n")

    def format_epilog(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        epilog = getattr(self, "epilog", None)
        if epilog:
            formatter.write_paragraph()
            for line in wrap(inspect_clean(epilog), max(formatter.width - 4, 20)):
                formatter.write("  " + line + "\n")

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        args: list[tuple[str, str]] = []
        opts: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                is_arg = param.param_type_name == "argument"
                (args if is_arg else opts).append(_japanese_record(record, is_arg))
        if args:
            with formatter.section("引数"):
                _write_dl(formatter, args)
        if opts:
            with formatter.section("オプション"):
                _write_dl(formatter, opts)
        if isinstance(self, TyperGroup):
            self.format_commands(ctx, formatter)


class _PlainValues(_click.Command):
    """Option values coerced without pydantic where typer's result is plain (cli/coerce.py: start-up time)."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        from .coerce import install

        install(self.get_params(ctx))
        return super().parse_args(ctx, args)


class ShigenCommand(_PlainValues, _JapaneseHelp, TyperCommand):
    """Every shigen command: help in Japanese (set for all commands in shigen/cli/__init__.py)."""


class ShigenGroup(_PlainValues, _JapaneseHelp, TyperGroup):
    """Turns ShigenError (and anything unexpected) into one Japanese line on stderr and an exit code;
    usage mistakes (unknown option or command, missing or bad value) into one Japanese line and exit 2."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        return ordered_commands(super().list_commands(ctx))

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, (cmd.help or "").strip().split("\n\n")[0].replace("\n", "")))
        if rows:
            with formatter.section("コマンド"):
                _write_dl(formatter, rows)

    def resolve_command(self, ctx: _click.Context, args: list[str]) -> tuple[str | None, _click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            from .usage import unknown_command

            raise ClickUsageError(unknown_command(name, self.list_commands(ctx), ctx.command_path), ctx)
        return super().resolve_command(ctx, args)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        try:
            rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except NoArgsIsHelpError as exc:  # `shigen` alone: the help, as `shigen --help` gives it
            typer.echo(exc.ctx.get_help())
            sys.exit(0)
        except ClickUsageError as exc:
            from .usage import usage_message

            _error("エラー: " + usage_message(exc))
            sys.exit(EXIT_USAGE)
        except ClickException as exc:
            _error("エラー: " + exc.format_message())
            sys.exit(exc.exit_code)
        except typer.Abort:
            _error("中断しました。")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) and not isinstance(rv, bool) else 0)

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ShigenError as exc:
            if _debug(ctx):
                raise
            _error(f"エラー: {exc.text}")
            raise typer.Exit(exc.exit_code) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KeyboardInterrupt:
            _error(f"中断しました。{_master_state(ctx)}")
            raise typer.Exit(130) from None
        except OSError as exc:  # disk full, no permission, read-only folder: the user can act on it (exit 3)
            if _debug(ctx) or not _user_os_error(exc):
                if _debug(ctx):
                    raise
                _internal(ctx, exc)
            what, todo = os_error_text(exc)
            _error(f"エラー: {exc.filename or ''} に書き込めません({what})。{todo}{_master_state(ctx)}")
            raise typer.Exit(EXIT_INPUT) from None
        except Exception as exc:
            if _debug(ctx):
                raise
            _internal(ctx, exc)


def _internal(ctx: _click.Context, exc: BaseException) -> None:
    _error(f"内部エラー: 思いがけない問題が起きました({type(exc).__name__})。{_master_state(ctx)}"
           "--debug を付けて実行すると詳しい情報が出ます。")
    raise typer.Exit(EXIT_INTERNAL) from None


def _user_os_error(exc: OSError) -> bool:
    import errno

    return isinstance(exc, PermissionError) or exc.errno in (
        errno.ENOSPC, getattr(errno, "EDQUOT", -1), errno.EROFS, errno.EACCES, errno.EPERM, errno.ENAMETOOLONG)


def _master_state(ctx: _click.Context) -> str:
    """Never claim nothing was written when this command did replace the master."""
    start = getattr(ctx.obj, "writes_at_start", len(master_writes))
    if len(master_writes) > start:
        return "台帳はこのコマンドで保存済みです(workbooks/.history/ に保存前のバックアップがあります)。"
    return "台帳は書き換えていません。"


class _StderrLog(logging.Handler):
    """The core's notices (logging 'shigen'): warnings always, the fast-save details with --debug."""

    def emit(self, record: logging.LogRecord) -> None:
        prefix = "注意: " if record.levelno >= logging.WARNING else ""
        _error(prefix + record.getMessage())


def _install_log(debug: bool) -> None:
    logger = logging.getLogger("shigen")
    for h in list(logger.handlers):
        if isinstance(h, _StderrLog):
            logger.removeHandler(h)
    logger.addHandler(_StderrLog())
    logger.setLevel(logging.DEBUG if debug or os.environ.get("SHIGEN_DEBUG") == "1" else logging.WARNING)
    logger.propagate = False


def _debug(ctx: _click.Context) -> bool:
    obj = ctx.obj
    return bool(getattr(obj, "debug", False)) or os.environ.get("SHIGEN_DEBUG") == "1"


def _error(text: str) -> None:
    from .render import err_console

    err_console().print(text, markup=False, highlight=False, soft_wrap=True)


app = typer.Typer(
    cls=ShigenGroup,
    name="shigen",
    help="社会資源台帳(生活支援サービスの一覧)を取り込み・点検・更新分担・回収・配布するための道具です。",
    epilog="使い方の流れ: init → import → audit → assign → collect → export。\n各コマンドの説明: shigen コマンド --help",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"shigen {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    workspace: Annotated[Path | None, typer.Option(
        "--workspace", "-w", envvar=ENV_WORKSPACE, show_envvar=True,
        help="作業フォルダー(workbooks/ と exports/ があるフォルダー)。省略すると今いるフォルダー。")] = None,
    catalogue: Annotated[Path | None, typer.Option(
        "--catalogue", help="台帳ファイルを直接指定します(既定: 作業フォルダー/workbooks/catalogue.xlsx)。")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="エラーのときに詳しい技術情報(トレースバック)を表示します。")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="バージョンを表示して終わります。")] = False,
) -> None:
    """Global options shared by every command."""
    ctx.obj = State(Workspace.resolve(workspace, catalogue), debug, len(master_writes))
    _install_log(debug)


def state(ctx: typer.Context) -> State:
    obj = ctx.obj
    if not isinstance(obj, State):  # a command invoked without the callback (tests)
        obj = State(Workspace.resolve())
        ctx.obj = obj
    return obj


def parse_as_of(text: str | None) -> dt.date | None:
    """--as-of: 2027-04-01, 2027/4/1, R9.4.1 or 令和9年4月1日 → date; None when the option was not given."""
    if not text:
        return None
    from ..text import parse_date

    day = parse_date(text)
    if day is None:
        raise UsageError(f"--as-of の『{text}』を日付として読めません。", "2027-04-01 や 令和9年4月1日 の形で指定してください。")
    return day


def main() -> None:
    """Console-script entry point (``shigen``, ``python -m shigen``).

    Once the command has returned, the process ends with :func:`os._exit` after flushing the log and both streams,
    instead of tearing the interpreter down: every write of a command is complete before it returns (files replaced
    atomically, threads joined, the master's lock released), and freeing every record, cell and finding one by one
    took 0.1–0.2 s at 20,000 records and about a second at 200,000. Under a profiler or a coverage tracer, or with
    ``SHIGEN_NORMAL_EXIT=1``, the interpreter exits the ordinary way (their results are written at exit)."""
    try:
        app()
        code = 0
    except SystemExit as stop:
        code = _exit_code(stop.code)
    if sys.gettrace() is not None or sys.getprofile() is not None or os.environ.get("SHIGEN_NORMAL_EXIT") == "1":
        sys.exit(code)
    logging.shutdown()
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`shigen audit | head`): nothing more to show
            stream.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    """The exit status Python itself gives ``SystemExit(code)``: None → 0, an int as it is, anything else shown → 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


# --- option values: one spelling per meaning, every command ------------------------------------------
# --format: table = the terminal, json = JSON on stdout, xlsx/docx/csv = files. Old and natural spellings too.
FORMAT_ALIASES = {"text": "table", "表": "table", "画面": "table", "excel": "xlsx", "word": "docx", "json形式": "json"}
ENCODING_ALIASES = {
    "utf8": "utf-8", "utf_8": "utf-8", "utf-8-sig": "utf-8", "utf8-sig": "utf-8", "utf_8_sig": "utf-8",
    "sjis": "cp932", "s-jis": "cp932", "shift_jis": "cp932", "shift-jis": "cp932", "shiftjis": "cp932",
    "ms932": "cp932", "windows-31j": "cp932", "cp932": "cp932",
}


def choice(option: str, allowed: Iterable[str] | None = None, aliases: dict[str, str] | None = None, *,
           allowed_from: str = "", hints: dict[str, str] | None = None) -> Callable[[Any], Any]:
    """A callback for a text option with a fixed set of values: any case, ``aliases`` (地区 → district) accepted,
    anything else one Japanese line naming the choices (and the nearest one, or ``hints[value]``). ``allowed_from`` = "module:NAME"
    reads the choices (a sequence, or a function returning one) when the option is used (export's formats grow with the
    export package)."""
    fixed = tuple(allowed or ())
    table = {k.lower(): v for k, v in (aliases or {}).items()}

    def values() -> tuple[str, ...]:
        if not allowed_from:
            return fixed
        import importlib

        module, _, name = allowed_from.partition(":")
        found = getattr(importlib.import_module(module), name)
        return tuple(found() if callable(found) else found)

    def one(value: str) -> str:
        key = str(value).strip().lower()
        key = table.get(key, key)
        allowed_now = values()
        if key in allowed_now:
            return key
        from .usage import suggest

        raise typer.BadParameter(f"{option} の『{value}』は使えません。{'、'.join(allowed_now)} のどれかを指定してください。"
                                 + ((hints or {}).get(key) or suggest(key, allowed_now).rstrip()))

    def callback(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, (list, tuple)):
            return [one(v) for v in value]
        return one(value)

    return callback


def with_suffix(path: Path | None, suffix: str) -> Path | None:
    """An output path without an extension gets the format's one (``一覧`` → ``一覧.xlsx``); folders stay folders."""
    if path is None or path.suffix or path.is_dir() or str(path).endswith(("/", "\\")):
        return path
    return path.with_name(path.name + suffix)
