"""`shigen kana`: suggested ふりがな for records whose ふりがな is empty (for 五十音順 and kana search)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .app import FORMAT_ALIASES, app, choice, state

SHOWN = 30


@app.command("kana")
def kana_command(
    ctx: typer.Context,
    accept: Annotated[bool, typer.Option(
        "--accept", help="台帳の『ふりがな候補』を確かめたあとで、空欄のふりがなに写します(人が書いたふりがなは変えません)。")] = False,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="table|json", callback=choice("--format", ("table", "json"), FORMAT_ALIASES),
        help="table(画面に表示・既定)/ json。")] = "table",
) -> None:
    """ふりがなが空欄の資源に、読みの候補を台帳の『ふりがな候補』列へ入れます(五十音順と、かなでの検索に使います)。"""
    from ..reading import run_kana
    from .render import done, say, show, table, warn

    result = run_kana(state(ctx).catalogue, accept=accept)
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if not result.analyser:
        warn("読みを作る辞書(sudachipy・sudachidict-core)が入っていないため、候補を作れませんでした。"
             "pip install sudachipy sudachidict-core で入れてください。")
    if accept:
        done(f"ふりがな候補 {len(result.accepted)} 件をふりがなに写しました(人が書いたふりがな {result.with_kana} 件はそのままです)。")
        rows = result.accepted
    else:
        done(f"ふりがなが空欄の {len(result.suggested)} 件に『ふりがな候補』を入れました"
             f"(ふりがなのある {result.with_kana} 件は変えていません)。")
        rows = result.suggested
    if rows:
        show(table("ふりがな候補" if not accept else "写したふりがな", ["ID", "名称", "よみ"], rows[:SHOWN]))
        if len(rows) > SHOWN:
            say(f"  ほか {len(rows) - SHOWN} 件(--format json ですべて表示します)。")
    if result.waiting and not accept:
        say(f"  まだ確かめていない候補が {result.waiting} 件あります。台帳で直してから shigen kana --accept でふりがなに写せます。")
    elif result.suggested and not accept:
        say("  台帳の『ふりがな候補』を確かめ、違う読みは直してから shigen kana --accept を実行してください。")
    if result.no_suggestion:
        say(f"  読みを作れなかった {len(result.no_suggestion)} 件はふりがなを手で入れてください。")
