"""`shigen site`: the catalogue as a static web site (or, with --card, the QR card sheet)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app, choice, parse_as_of, state
from .cmd_export import AUDIENCE_ALIASES


@app.command("site")
def site_command(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="サイトを作るフォルダー(既定: exports/site、関係者用は exports/site_関係者用)。作り直すと変わったファイルだけ書き換え、載らなくなったページは消します。"
                               "--card のときは書き出すファイル(既定: exports/QRカード.docx)。")] = None,
    district: Annotated[list[str] | None, typer.Option(
        "--district", "-d", help="この地区で使える資源だけにします(地区内・対応エリアに含むもの・市内全域)。何度でも指定できます。")] = None,
    genre: Annotated[list[str] | None, typer.Option(
        "--genre", "-g", help="このジャンルだけにします(台帳のシート『ジャンル』の名前か別名)。何度でも指定できます。")] = None,
    audience: Annotated[str, typer.Option(
        "--audience", "-a", metavar="public|staff", callback=choice("--audience", ("public", "staff"), AUDIENCE_ALIASES),
        help="public: 一般向け(既定)/ staff: 関係者用(職員の LAN 向け。非公開の資源と公開範囲・掲載同意・出典も載せ、"
                                 "内部メモ・先方担当者・確認者は載せません。検索サイトに載らない設定つき)。")] = "public",
    title: Annotated[str | None, typer.Option("--title", help="サイトの題名(既定:『自治体名 くらしのサービス案内』)。")] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="サイトを置くアドレス(例: https://www.city.example.jp/kurashi/)。--card の QR コードになります。")] = None,
    card: Annotated[bool, typer.Option(
        "--card", help="サイトの代わりに、QR コード付きの名刺大カード(91×55 mm・A4 に 10 枚)の Word ファイルを作ります。--base-url が必要です。")] = False,
    contact: Annotated[str | None, typer.Option(
        "--contact", help="カードに載せる問い合わせ先(既定: 台帳のシート『設定』の『担当課』と『担当課の電話』、なければ『問い合わせ先』)。例:『高齢福祉課 0479-00-0000』")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="情報の日付(「令和X年X月現在」と、古い情報を除く基準)。例: 2027-04-01。既定: 今日。")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="結果を JSON で表示します(ほかのプログラムから使うとき)。")] = False,
) -> None:
    """台帳を、サーバーのいらないウェブサイト(HTML のフォルダー)にします。USB メモリーからも、市のサーバーに置いても動きます。"""
    import json

    from ..master import load_catalogue
    from .render import done, left_out_summary, say, scope_line, show, table, warn

    day = parse_as_of(as_of)
    st = state(ctx)
    cat = load_catalogue(st.catalogue)
    if card:
        from .cards import write_card_sheet

        write_card_sheet(cat, st.workspace, base_url=base_url, title=title, contact=contact, output=output,
                         as_json=as_json)
        return

    from ..site import SiteOptions, build_site

    options = SiteOptions(output=output, audience=audience, districts=tuple(district or ()),
                          genres=tuple(genre or ()), title=title, base_url=base_url or "", as_of=day)
    result = build_site(cat, st.workspace, options)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    who = "一般向け" if result.audience == "public" else "関係者用"
    done(f"{result.path} にサイトを作りました({who}・{result.total} 件・{result.files} ファイル・{result.seconds:.1f} 秒)")
    say(f"  入口: {result.index}(ブラウザーで開けます。フォルダーごと USB メモリーやサーバーに置けます)")
    scope_line(result, date_label="情報の日付")
    if result.by_genre:
        show(table("ジャンル別の件数", ["ジャンル", "件数"], result.to_rows(), justify={"件数": "right"}))
    else:
        warn("条件に合う資源がありません(空のサイトを作りました)。地区・ジャンル・公開範囲を確かめてください。")
    left_out_summary(result, what="サイト", staff_too="--audience staff のサイト")
