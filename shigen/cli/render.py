"""Everything that prints: rich consoles and small rendering helpers. The core never imports this."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:  # rich is imported when something is printed, not when the CLI starts
    from rich.console import Console
    from rich.table import Table

Justify = Literal["default", "left", "center", "right", "full"]


@cache
def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


@cache
def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
          justify: dict[str, str] | None = None, caption: str | None = None) -> Table:
    from rich.table import Table

    t = Table(title=title, caption=caption, show_lines=False, header_style="bold", title_justify="left")
    justify = justify or {}
    for c in columns:
        t.add_column(c, justify=cast(Justify, justify.get(c, "left")), overflow="fold")
    for row in rows:
        t.add_row(*("" if v is None else str(v) for v in row))
    return t


def printing_warm_up() -> list[Callable[[], object]]:
    """What the first printed table needs — rich's table and the consoles, and (render_str, measured) rich's emoji
    table and character widths: ~0.1 s of imports — as steps for a command's background thread while it reads its
    input (python-calamine lets go of the GIL), so the summary at the end prints at once."""
    return [lambda: table(None, ["-"], []), console, err_console, lambda: console().render_str("✔ あ").cell_len]


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
                 *, section_after: int | None = None) -> Table:
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


SHOWN_ROWS = 30  # rows of a left-out list shown on screen (a terminal table of 350 rows helps no one; --json has all)


def _more(total: int, unit: str, also: str = "") -> None:
    if total > SHOWN_ROWS:
        say(f"  ほか {total - SHOWN_ROWS} {unit}(--json ですべて表示します)。{also}".rstrip())


def scope_line(result: Any, *, date_label: str) -> None:
    """The one line under every written list or site: which districts and genres, and the date it speaks for."""
    say(f"  対象地区: {'・'.join(result.districts) or 'すべて'} / ジャンル: {'・'.join(result.genres) or 'すべて'}"
        f" / {date_label}: {result.as_of.isoformat()}")


def left_out_summary(result: Any, *, what: str, staff_too: str) -> None:
    """What a public output (export list, site) left out or held back: one wording for every publication.

    ``result`` carries the Selection's lists (left_out, no_contact, held_back, stale, unconfirmed); ``what`` names
    the output (「一覧」「サイト」), ``staff_too`` where the left-out records do appear (--audience staff の…)."""
    if result.left_out:
        reasons = "・".join(f"{reason} {n} 件" for reason, n in result.left_out.items())
        say(f"  一般向けのため載せていない資源: {reasons}({staff_too}には載ります)")
    if result.no_contact:
        warn(f"連絡先(電話番号・携帯電話・メール)が仮の値か無効な番号だけの {len(result.no_contact)} 件は、"
             f"一般向けの{what}から除きました。")
        show(table("除いた資源(連絡先を確認)", ["ID", "名称"], [(r.id, r.name) for r in result.no_contact[:SHOWN_ROWS]]))
        _more(len(result.no_contact), "件")
    if result.held_back:
        from ..export.select import held_back_counts

        counts = held_back_counts(result.held_back)
        warn(f"仮の値(要確認・？・未定など)や無効な電話番号の {len(result.held_back)} 項目は載せず空欄にしました: "
             + "・".join(f"{k} {n} 件" for k, n in counts.items()))
        show(table("空欄にした項目", ["ID", "名称", "項目", "値", "理由"], [h.to_row() for h in result.held_back[:SHOWN_ROWS]]))
        if len(result.held_back) > SHOWN_ROWS:
            say(f"  ほか {len(result.held_back) - SHOWN_ROWS} 項目(--json ですべて表示します)。shigen audit の『仮の値』も参照してください。")
    if result.stale:
        warn(f"最終確認日が更新周期を6か月以上過ぎた {len(result.stale)} 件は、一般向けの{what}から除きました"
             "(古い電話番号が載るのを防ぐため)。確認して最終確認日を更新すると載ります。")
        show(table("除いた資源(要確認)", ["ID", "名称", "ジャンル", "最終確認日"],
                   [(r.id, r.name, r.get("genre"), r.get("last_confirmed")) for r in result.stale[:SHOWN_ROWS]]))
        _more(len(result.stale), "件", "shigen audit の『確認期限切れ』にも載ります。")
    if result.unconfirmed:
        warn(f"最終確認日が空欄の資源が {len(result.unconfirmed)} 件あります({what}には載せました)。"
             "shigen audit で確認し、最終確認日を記入してください。")
