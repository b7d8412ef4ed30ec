"""`shigen coverage`: where resources are missing (district × genre)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import FORMAT_ALIASES, app, choice, parse_as_of, state, with_suffix
from .cmd_export import AUDIENCE_ALIASES

if TYPE_CHECKING:
    from ..coverage import CoverageResult


@app.command("coverage")
def coverage_command(
    ctx: typer.Context,
    genre: Annotated[list[str] | None, typer.Option(
        "--genre", "-g", help="このジャンルだけを数えます(別名も可。複数指定できます)。")] = None,
    category: Annotated[str, typer.Option(
        "--category", help="この区分だけを数えます(例: 保険外サービス)。")] = "",
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="table|xlsx|json", callback=choice("--format", ("table", "xlsx", "json"), FORMAT_ALIASES),
        help="table: 画面に表 / xlsx: Excel のヒートマップと不足の一覧 / json: JSON で出力。")] = "table",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="xlsx の書き出し先(既定: exports/地区別資源数_日付.xlsx)。")] = None,
    as_of: Annotated[str, typer.Option(
        "--as-of", help="この日付で『期限切れ』を判定します(既定: 今日。例: 2027-04-01、令和9年4月1日)。")] = "",
    audience: Annotated[str, typer.Option(
        "--audience", "-a", metavar="public|staff", callback=choice("--audience", ("public", "staff"), AUDIENCE_ALIASES),
        help="xlsx の『不足の一覧』に載せる資源: public(既定。一般向けに載せられる資源だけ・協議体に配れる)/ staff(関係者用。掲載中のすべて)。")] = "public",
) -> None:
    """地区×ジャンルの資源数を数え、資源のない組み合わせ(不足)と近くの資源を示します。"""
    from ..coverage import coverage, write_coverage_xlsx
    from ..master import load_catalogue
    from .render import done, say, warn

    day = parse_as_of(as_of)
    st = state(ctx)
    cat = load_catalogue(st.catalogue)
    result = coverage(cat, as_of=day, genres=genre or [], category=category)

    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    if fmt == "xlsx":
        path = st.workspace.export_path(f"地区別資源数_{result.as_of:%Y%m%d}.xlsx", with_suffix(output, ".xlsx"))
        write_coverage_xlsx(result, path, audience=audience)
        done(f"書き出しました: {path}")
        say(f"  不足 {len(result.gaps)} か所(資源なし {sum(g.kind == 'なし' for g in result.gaps)}・"
            f"古い情報のみ {sum(g.kind != 'なし' for g in result.gaps)})")
    else:
        _show(result)
    if result.unplaced:
        warn(f"地区が分からないため数えていない資源が {len(result.unplaced)} 件あります"
             f"(例: {'、'.join(result.unplaced[:5])})。地区・対応エリアを確認してください。")


def _show(result: CoverageResult) -> None:
    from .render import escape, say, show, styled_table

    columns = [("ジャンル", {"overflow": "fold"}), *((d, {"justify": "right"}) for d in result.districts),
               ("実数", {"justify": "right"})]
    rows = []
    for g in result.genres:
        cells = []
        for d in result.districts:
            c = result.cell(d, g)
            if c.state == "gap":
                cells.append("[bold red]0[/]")
            elif c.state == "stale_only":
                cells.append(f"[black on yellow]0+{c.stale}[/]")
            else:
                cells.append(f"{c.fresh}" + (f"[dim]+{c.stale}[/]" if c.stale else ""))
        gt = result.genre_totals[g]
        rows.append([escape(g), *cells, f"{gt.fresh}" + (f"[dim]+{gt.stale}[/]" if gt.stale else "")])
    rows.append(["[bold]合計(実数)[/]", *(f"[bold]{result.district_totals[d].fresh}[/]" for d in result.districts),
                 f"[bold]{result.total.fresh}[/]"])

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{x:.0%}"

    rows.append(["保険外サービスの割合", *(pct(result.share(d)) for d in result.districts), pct(result.share())])
    show(styled_table(f"地区別・ジャンル別の資源数({result.as_of:%Y-%m-%d} 現在、掲載中)", columns, rows,
                      section_after=len(result.genres)))
    say(f"数字 = 最終確認が {result.cycle_months} か月以内の資源、+n = 期限切れ・未確認(数に含めず)。"
        "赤の 0 = 資源なし、黄 = 古い情報しかない。市内全域・対応エリアの資源は使えるすべての地区で数えます。")
    none = [g for g in result.gaps if g.kind == "なし"]
    stale = [g for g in result.gaps if g.kind != "なし"]
    say(f"不足: 資源なし {len(none)} か所、古い情報のみ {len(stale)} か所。"
        "近くの地区の資源の一覧は --format xlsx で書き出せます。")
    if result.excluded_inactive:
        say(f"(休止・廃止の {result.excluded_inactive} 件は数えていません)")
