"""One family of user-facing errors; the CLI turns them into a message and an exit code."""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1  # ran and found problems
EXIT_USAGE = 2
EXIT_INPUT = 3  # unreadable or unusable input

# masters replaced by this process (master.save_catalogue appends): the CLI's messages never claim
# 「台帳は書き換えていません」 after one was
master_writes: list[Path] = []


def where(path: Path | str | None, sheet: str | None = None, row: int | None = None) -> str:
    """「file のシート『sheet』の 12 行目」 — the place a message points at."""
    parts = []
    if path is not None:
        parts.append(Path(path).name if isinstance(path, Path) else str(path))
    if sheet:
        parts.append(f"のシート『{sheet}』")
    if row:
        parts.append(f"の {row} 行目")
    return "".join(parts)


class ShigenError(Exception):
    """An error the user can act on: a Japanese message and what to do next."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, hint: str = "", *, path: Path | str | None = None,
                 sheet: str | None = None, row: int | None = None) -> None:
        self.message = message
        self.hint = hint
        self.path = path
        self.sheet = sheet
        self.row = row
        super().__init__(self.text)

    @property
    def text(self) -> str:
        place = where(self.path, self.sheet, self.row)
        msg = f"{place}: {self.message}" if place else self.message
        return f"{msg} {self.hint}".strip()


class InputError(ShigenError):
    """Input that cannot be read or used (exit 3)."""

    exit_code = EXIT_INPUT


class UsageError(ShigenError):
    """Options that do not fit together or name something that does not exist (exit 2)."""

    exit_code = EXIT_USAGE


class MasterBusyError(ShigenError):
    """The master is open in Excel or another shigen command is writing it (exit 3)."""

    exit_code = EXIT_INPUT


class MasterChangedError(ShigenError):
    """The master changed on disk since this command read it (saved in Excel meanwhile): nothing written (exit 3)."""

    exit_code = EXIT_INPUT


class WriteError(ShigenError):
    """A file could not be written (disk full, no permission, read-only folder) (exit 3).

    ``master_written`` says whether the master itself had already been replaced when the error came."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, hint: str = "", *, path: Path | str | None = None,
                 master_written: bool = False) -> None:
        self.master_written = master_written
        super().__init__(message, hint, path=path)


def os_error_text(exc: OSError) -> tuple[str, str]:
    """(what went wrong, what to do) for an OSError met while writing a file, in Japanese."""
    import errno

    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return ("ディスクの空きが足りません", "不要なファイルを削除して空きを作ってから、もう一度実行してください。")
    if code == errno.EROFS:
        return ("読み取り専用の場所です", "書き込めるフォルダーに作業フォルダーを移すか、読み取り専用を解除してください。")
    if code in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        return ("書き込む権限がないか、ほかのアプリがファイルを開いています",
                "Excel などで開いていないか、フォルダーに書き込む権限があるか確かめてから、もう一度実行してください。")
    if code == errno.ENAMETOOLONG:
        return ("ファイル名が長すぎます", "名前を短くしてから、もう一度実行してください。")
    return (exc.strerror or type(exc).__name__, "ディスクや共有フォルダーの状態を確かめてから、もう一度実行してください。")
