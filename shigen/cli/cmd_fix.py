"""`shigen fix`: the audit's safe, mechanical corrections applied to the master in one reviewed step."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .app import FORMAT_ALIASES, app, choice, current_user, state

TERMINAL_ROWS = 40


@app.command("fix")
def fix_command(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="直す内容を一覧にするだけで、台帳は書き換えません。")] = False,
    by: Annotated[str | None, typer.Option("--by", help="履歴に残す実行者の名前(既定: ログインしているユーザー名)。")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", metavar="table|json", callback=choice("--format", ("table", "json"), FORMAT_ALIASES),
        help="table: 画面に表 / json: JSON で出力。")] = "table",
) -> None:
    """台帳の書き方の揺れ(全角・半角・ダッシュ・電話番号・郵便番号・日付)を機械的にそろえ、住所から郵便番号を補います。

    意味の変わらない直しだけを行い、変えた項目はすべてシート『履歴』に出典『fix』で残します。
    判断の要るもの(郵便番号と住所の食い違い、違う電話番号、重複)は直さずに候補として表示します。
    まず --dry-run で内容を確かめてください。2回続けて実行しても、2回目は何も変わりません。
    """
    from ..fix import run_fix
    from .render import done, say, show, table

    result = run_fix(state(ctx).catalogue, by=by or current_user(), dry_run=dry_run)
    if output_format == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    from ..fix import KIND_LABELS, Change, Suggestion

    say(f"郵便番号の照合: {result.postal}")
    counts = [(KIND_LABELS[k], k, f"{n:,}") for k, n in result.by_kind().items() if n]
    if counts:
        show(table("直す内容の種類", ["内容", "種類", "項目数"], counts, justify={"項目数": "right"}))
    if result.changes:
        rest = len(result.changes) - TERMINAL_ROWS
        show(table(f"直す項目({len(result.changes):,} 件)", list(Change.HEADERS),
                   [c.to_row() for c in result.changes[:TERMINAL_ROWS]],
                   caption=f"ほか {rest:,} 件。すべては --format json で見られます。" if rest > 0 else None))
    if result.suggestions:
        rest = len(result.suggestions) - TERMINAL_ROWS
        show(table(f"直さずに候補だけ示すもの({len(result.suggestions):,} 件。台帳を確かめて手で直してください)",
                   list(Suggestion.HEADERS), [s.to_row() for s in result.suggestions[:TERMINAL_ROWS]],
                   caption=f"ほか {rest:,} 件。" if rest > 0 else None))
    if not result.changes:
        say("機械的に直せるところはありません。", style="green")
    elif dry_run:
        say(f"{result.records_changed:,} 件の資源の {len(result.changes):,} 項目を直せます(--dry-run のため書いていません)。"
            "--dry-run を外して実行すると台帳に反映します。")
    else:
        done(f"台帳を直しました: {result.records_changed:,} 件の資源の {len(result.changes):,} 項目(シート『履歴』に出典『fix』で記録)。")
        if result.backup:
            say(f"  書き換える前の台帳の控え: {result.backup}")
