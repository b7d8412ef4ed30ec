"""`shigen find`: which services fit a need (text, district, genre, day, free)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import FORMAT_ALIASES, app, choice, parse_as_of, state, with_suffix

if TYPE_CHECKING:
    from ..find import FindResult


@app.command("find")
def find_command(
    ctx: typer.Context,
    words: Annotated[list[str] | None, typer.Argument(
        metavar="言葉", help="探す言葉(名称・ふりがな・ジャンル・内容・備考・対象者・料金から。複数はすべて含むもの)。")] = None,
    district: Annotated[str, typer.Option(
        "--district", "-d", help="この地区で使える資源だけ(所在地・対応エリア・市内全域)。例: 北地区")] = "",
    genre: Annotated[str, typer.Option("--genre", "-g", help="このジャンルだけ(別名も可)。例: 配食")] = "",
    day: Annotated[list[str] | None, typer.Option(
        "--day", help="この曜日に営業しているものだけ(営業日・定休日から判断)。例: --day 土、--day 平日、--day 祝")] = None,
    free: Annotated[bool, typer.Option("--free", help="無償(または料金が『無料』)のものだけ。")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="表示・書き出しする件数の上限。")] = 20,
    export: Annotated[Path | None, typer.Option(
        "--export", help="利用者に渡す案内(A4縦の Excel・大きな文字)をこのファイルに書き出します(一般向けの一覧と同じ基準の資源・公開項目のみ)。")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="table|json", callback=choice("--format", ("table", "json"), FORMAT_ALIASES),
        help="table: 画面に表 / json: JSON で出力。")] = "table",
    as_of: Annotated[str, typer.Option("--as-of", help="『期限切れ』を判定する日付(既定: 今日)。")] = "",
) -> None:
    """ニーズに合う資源を探します(表記ゆれ・ひらがな/カタカナ・全角/半角・空白を区別しません)。"""
    from ..find import find, write_handout
    from ..master import load_catalogue
    from .render import done, say, show, warn

    day_as_of = parse_as_of(as_of)
    cat = load_catalogue(state(ctx).catalogue)
    result = find(cat, words or [], district=district, genre=genre, day=day or [], free=free, as_of=day_as_of)

    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        show(_table(result, limit))
        if len(result.hits) > limit:
            say(f"ほかに {len(result.hits) - limit} 件あります(--limit で表示件数を増やせます)。")
        if not result.hits:
            say("該当する資源はありません。言葉を短くするか、条件を減らしてください。")
    if result.unknown_day:
        warn(f"営業日・定休日から曜日を読み取れない {result.unknown_day} 件は除きました(曜日以外のことも書いてあるものは、"
             f"推し量らずに除いています。電話で確認してください): {result.unreadable_text()}")
    if export is not None:
        out = write_handout(result, with_suffix(export, ".xlsx") or export, limit=limit)
        done(f"配布用の案内を書き出しました: {out.path}({out.written} 件)")
        if out.left_out_private:
            say(f"  一般向けの一覧と同じ基準(公開範囲・掲載同意・古い情報・連絡先)で配布できない {out.left_out_private} 件は載せていません。")
        if out.left_out_limit:
            say(f"  --limit を超えた {out.left_out_limit} 件は載せていません(--limit で変えられます)。")


def _table(result: FindResult, limit: int) -> Any:
    """The hits as a rich table (built by cli/render.py, the only module that imports rich)."""
    from .render import escape, styled_table

    columns: list[tuple[str, dict[str, Any]]] = [("名称", {"ratio": 3, "overflow": "fold"}), ("ジャンル", {"ratio": 2, "overflow": "fold"}),
               ("電話番号", {"no_wrap": True}), ("営業日", {"overflow": "fold", "min_width": 4}),
               ("料金", {"ratio": 2, "overflow": "fold"}), ("対応エリア", {"ratio": 2, "overflow": "fold"}),
               ("最終確認", {"no_wrap": True})]
    rows = []
    for h in result.hits[:limit]:
        r = h.record
        name = r.name + ("" if r.is_publishable else " *")
        confirmed = escape(r.get("last_confirmed") or "未確認")
        if h.stale:
            confirmed = f"[yellow]{confirmed}[/]"
        rows.append([escape(name), escape(r.get("genre")), escape(r.get("phone") or r.get("mobile")), h.days.label(),
                     escape(r.get("fee") or r.get("paid")), escape(r.get("area") or r.get("district")), confirmed])
    table = styled_table(f"検索結果: {result.conditions()} — {len(result.hits)} 件", columns, rows)
    if any(not h.record.is_publishable for h in result.hits[:limit]):
        table.caption = "* = 関係者のみ(公開範囲・掲載同意が整っていないため、利用者向けの案内には載せません)"
    return table
