"""One family of user-facing errors; the CLI turns them into a message and an exit code."""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1  # ran and found problems
EXIT_USAGE = 2
EXIT_INPUT = 3  # unreadable or unusable input


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
