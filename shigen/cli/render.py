"""Everything that prints: rich consoles and small rendering helpers. The core never imports this."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any


@cache
def console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(highlight=False)


@cache
def err_console():  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
          justify: dict[str, str] | None = None, caption: str | None = None):  # type: ignore[no-untyped-def]
    from rich.table import Table

    t = Table(title=title, caption=caption, show_lines=False, header_style="bold", title_justify="left")
    justify = justify or {}
    for c in columns:
        t.add_column(c, justify=justify.get(c, "left"), overflow="fold")  # type: ignore[arg-type]
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    return t


def show(*renderables: Any) -> None:
    for r in renderables:
        console().print(r)


def say(text: str, style: str | None = None) -> None:
    console().print(text, style=style, markup=False, soft_wrap=True)


def warn(text: str) -> None:
    err_console().print(text, style="yellow", markup=False, soft_wrap=True)


def done(text: str) -> None:
    console().print("✔ " + text, style="green", markup=False, soft_wrap=True)


def styled_table(title: str | None, columns: Sequence[tuple[str, dict[str, Any]]], rows: Iterable[Sequence[str]],
                 *, section_after: int | None = None):  # type: ignore[no-untyped-def]
    """A table whose columns take rich options (justify, no_wrap, ratio…) and whose cells may hold markup.

    ``section_after``: draw a rule after that many rows (e.g. before a totals row).
    """
    from rich.table import Table

    t = Table(title=title, header_style="bold", title_justify="left")
    for name, options in columns:
        t.add_column(name, **options)
    for i, row in enumerate(rows, start=1):
        t.add_row(*row, end_section=section_after == i)
    return t


def escape(text: str) -> str:
    """Text shown literally inside a markup cell."""
    from rich.markup import escape as _escape

    return _escape(text or "")
