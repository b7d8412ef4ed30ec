"""`shigen init` and `shigen status`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app, state


@app.command("init")
def init_command(
    ctx: typer.Context,
    municipality: Annotated[str, typer.Option("--municipality", "-m", help="自治体名(例: 旭市)。一覧の表紙に載ります。")] = "",
    settings: Annotated[Path | None, typer.Option(
        "--settings", help="地区・ジャンル・コーディネーター・設定のシートを持つブック(昨年の台帳など)から設定を写します。")] = None,
    force: Annotated[bool, typer.Option("--force", help="台帳がすでにあっても作り直します(控えは .history/ に残ります)。")] = False,
    municipality_code: Annotated[str, typer.Option(
        "--municipality-code", help="全国地方公共団体コード(6桁、例: 122157)。省略すると自治体名から引きます。オープンデータに載ります。")] = "",
) -> None:
    """作業フォルダーと、空の台帳(workbooks/catalogue.xlsx)を作ります。"""
    from ..create import init_workspace
    from .render import done, say, warn

    result = init_workspace(state(ctx).workspace, municipality=municipality, settings_from=settings, force=force,
                            municipality_code=municipality_code)
    done(f"台帳を作りました: {result.catalogue}")
    if result.municipality_code:
        say(f"  自治体コード: {result.municipality_code}(シート『設定』。オープンデータに載ります)")
    elif result.code_note and municipality:
        warn(f"自治体コードを決められませんでした: {result.code_note}。")
    say(f"  地区 {result.districts} 件 / ジャンル {result.genres} 件 / コーディネーター {result.coordinators} 人"
        + (f"(設定の写し元: {result.settings_source.name})" if result.settings_source else ""))
    if not result.districts:
        say("  次に: 台帳をExcelで開き、シート『地区』に地区名と町名を、『コーディネーター』に担当者を入れてください。")
    say("  その次: shigen import 既存の一覧.xlsx  で今ある一覧を取り込みます。")


@app.command("status")
def status_command(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option("--as-of", help="照会の回答待ち・要再送を判断する基準日(例: 2027-06-01)。既定は今日。")] = None,
) -> None:
    """台帳の中身の概要(件数・地区・ジャンル・状態・更新周期、確認依頼の照会状況)を表示します。"""
    from ..master import load_catalogue
    from ..summary import summarise
    from .app import parse_as_of
    from .render import say, show, table

    cat = load_catalogue(state(ctx).catalogue)
    s = summarise(cat, parse_as_of(as_of))
    say(f"台帳: {cat.path}")
    say(f"自治体: {s.municipality or '(未設定)'}  /  資源 {s.total} 件  /  更新周期 {s.cycle_months} か月")
    show(table("状態別", ["状態", "件数"], s.by_status, justify={"件数": "right"}))
    show(table("ジャンル別(掲載中)", ["ジャンル", "件数"], s.by_genre, justify={"件数": "right"}))
    show(table("地区別(掲載中)", ["地区", "件数"], s.by_district, justify={"件数": "right"}))
    say(f"地区 {s.districts} 件 / ジャンル {s.genres} 件 / コーディネーター {s.coordinators} 人(在籍)")
    if s.follow_up is not None:
        from .cmd_letters import show_follow_up

        show_follow_up(s.follow_up)
