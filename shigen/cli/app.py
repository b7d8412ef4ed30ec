"""The typer application: global options, and the one place errors become messages and exit codes."""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from ..errors import EXIT_INPUT, ShigenError, UsageError, master_writes, os_error_text
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


class _JapaneseHelp:
    def get_help_option(self, ctx):  # type: ignore[no-untyped-def]
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option


class ShigenCommand(_JapaneseHelp, TyperCommand):
    """Every shigen command: help in Japanese (set for all commands in shigen/cli/__init__.py)."""


class ShigenGroup(_JapaneseHelp, TyperGroup):
    """Turns ShigenError (and anything unexpected) into one Japanese line on stderr and an exit code."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
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


def _internal(ctx: typer.Context, exc: BaseException) -> None:
    _error(f"内部エラー: 思いがけない問題が起きました({type(exc).__name__})。{_master_state(ctx)}"
           "--debug を付けて実行すると詳しい情報が出ます。")
    raise typer.Exit(EXIT_INTERNAL) from None


def _user_os_error(exc: OSError) -> bool:
    import errno

    return isinstance(exc, PermissionError) or exc.errno in (
        errno.ENOSPC, getattr(errno, "EDQUOT", -1), errno.EROFS, errno.EACCES, errno.EPERM, errno.ENAMETOOLONG)


def _master_state(ctx: typer.Context) -> str:
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


def _debug(ctx: typer.Context) -> bool:
    obj = ctx.obj
    return bool(getattr(obj, "debug", False)) or os.environ.get("SHIGEN_DEBUG") == "1"


def _error(text: str) -> None:
    from .render import err_console

    err_console().print(text, markup=False, highlight=False, soft_wrap=True)


app = typer.Typer(
    cls=ShigenGroup,
    name="shigen",
    help="社会資源台帳(生活支援サービスの一覧)を取り込み・点検・更新分担・回収・配布するための道具です。",
    epilog="使い方の流れ: init → import → audit → assign → collect → export。各コマンドの説明は `shigen コマンド --help`。",
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
    """Console-script entry point."""
    app()
