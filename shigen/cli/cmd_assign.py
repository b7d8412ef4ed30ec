"""`shigen assign`: split the yearly refresh among the coordinators and write their update workbooks."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from .app import FORMAT_ALIASES, app, choice, parse_as_of, state

BY_ALIASES = {"地区": "district", "地区別": "district", "ジャンル": "genre", "ジャンル別": "genre"}


def _short(text: object, keep: int = 3) -> str:
    """「a、b、c、d、e」 → 「a、b、c ほか2」 for the terminal table."""
    items = [x for x in str(text).split("、") if x]
    return "、".join(items) if len(items) <= keep else "、".join(items[:keep]) + f" ほか{len(items) - keep}"


@app.command("assign")
def assign_command(
    ctx: typer.Context,
    by: Annotated[str, typer.Option(
        "--by", metavar="district|genre", callback=choice("--by", ("district", "genre"), BY_ALIASES),
        help="分け方: district(地区 とも書けます)= 地区別(第2層は自分の地区、第1層は市内全域の資源)、"
             "genre(ジャンル)= ジャンル別(担当ジャンルを持ち、残りは件数で均等に)。")],
    year: Annotated[str | None, typer.Option("--year", help="年度(例: 2027)。省略すると --as-of の日(既定は今日)の年度。")] = None,
    only_due: Annotated[bool, typer.Option("--only-due", help="確認の期限が過ぎた・近い(60日以内)・未確認の資源だけを割り当てます。")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="期限を判断する基準日(例: 2027-04-01)。既定は今日。")] = None,
    fresh: Annotated[bool, typer.Option(
        "--fresh", help="昨年の担当を引き継がず、一から分け直します(既定では、同じ分け方の昨年の担当をできるだけ引き継ぎます)。")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="割り当て案を表示するだけで、ファイルも台帳も書きません。")] = False,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="table|json", callback=choice("--format", ("table", "json"), FORMAT_ALIASES),
        help="表示の形式: table(画面に表)か json。")] = "table",
) -> None:
    """更新作業(年1回の情報確認)をコーディネーターで分担し、一人1冊の更新用ブックを作ります。

    exports/更新作業/<年度>/ に 担当一覧.xlsx と <氏名>.xlsx を書き、割り当てを台帳のシート『担当履歴』に記録します
    (翌年、同じ分け方で割り当てるときは、できるだけ同じ人が同じ資源を担当します。--fresh で引き継ぎをやめられます)。
    """
    import json

    from ..assign import fiscal_year
    from ..assign_run import run_assign
    from .render import done, printing_warm_up, say, show, table, warn

    day = parse_as_of(as_of)
    year = (year or fiscal_year(day or dt.date.today())).strip()
    if not (year.isdigit() and len(year) == 4):
        raise typer.BadParameter(f"--year の年度『{year}』は 2027 のような西暦4桁で指定してください。", param_hint="--year")
    # while the master is parsed, its thread also loads what the table printed at the end needs
    printing = printing_warm_up() if fmt == "table" else []
    result = run_assign(state(ctx).workspace, method=by, year=year, as_of=day, only_due=only_due,
                        dry_run=dry_run, fresh=fresh, warm_up=printing)
    plan = result.plan
    if fmt == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    extra = f"(期限が近い・過ぎた・未確認のみ: 対象外 {plan.skipped_fresh} 件)" if only_due else ""
    say(f"{year}年度の更新作業を{plan.method_label}に分けます: {plan.total} 件{extra}")
    rows = [(name, tier, _short(genres), _short(districts), count, share, kept)
            for name, tier, genres, districts, count, share, kept in plan.to_rows()]
    show(table(None, plan.HEADERS, rows, justify={"件数": "right", "割合": "right", "昨年から継続": "right"},
               caption="担当ジャンル・担当地区の全体は 担当一覧.xlsx にあります。" if rows != plan.to_rows() else None))
    ratio = "—" if plan.ratio is None else f"{plan.ratio:.2f}"
    say(f"最多÷最少 = {ratio}(目安は 1.2 以下)" + (f" / 昨年 {plan.previous_year} 年度と同じ担当: {plan.kept} 件"
                                                  if plan.previous_year else ""))
    if plan.continuity:
        say(plan.continuity)
    for note in plan.notes:
        warn("注意: " + note.message)
    if result.replaced_year and not dry_run and result.written:
        warn(f"注意: {year}年度の割り当てはすでにありました。今回の割り当てを最新として記録しました。")
    if result.written is None:
        if dry_run:
            say("--dry-run のため、ファイルも台帳も書いていません。")
        return
    for p in result.written.moved:
        warn(f"前に作ったファイルは上書きせず移しました: {p}")
    done(f"担当一覧: {result.written.summary}")
    for name, path in result.written.books.items():
        say(f"  {name}: {path}")
    say("次に: 各ブックを担当者に渡し、返ってきたら  shigen collect <ファイルかフォルダー>  で回収します。")
