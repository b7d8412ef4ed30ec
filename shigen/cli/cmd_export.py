"""`shigen export`: write the Excel list, the Word booklet or the CSV for distribution."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import ENCODING_ALIASES, FORMAT_ALIASES, app, choice, parse_as_of, state

AUDIENCE_ALIASES = {"一般": "public", "一般向け": "public", "公開": "public", "関係者": "staff", "関係者用": "staff",
                    "職員": "staff"}


@app.command("export")
def export_command(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="xlsx|docx|pdf|csv|opendata|card", callback=choice("--format", aliases=FORMAT_ALIASES,
                                                                    allowed_from="shigen.cli.cards:export_formats",
                                                                    hints={"json": "結果を JSON で見るときは --json を付けてください。",
                                                                           "table": "結果を JSON で見るときは --json を付けてください。"}),
        help="書き出す形式: xlsx(Excel の一覧・既定)、docx(Word の冊子)、pdf(印刷用の冊子)、csv(CSV)、opendata(自治体標準オープンデータセットどおりの CSV と項目定義)、card(サイトの QR コード付きの名刺大カード。shigen site --card と同じ)。")] = "xlsx",
    district: Annotated[list[str] | None, typer.Option(
        "--district", "-d", help="この地区で使える資源だけにします(地区内にあるもの・対応エリアに含むもの・市内全域)。何度でも指定できます。")] = None,
    genre: Annotated[list[str] | None, typer.Option(
        "--genre", "-g", help="このジャンルだけにします(台帳のシート『ジャンル』の名前)。何度でも指定できます。")] = None,
    audience: Annotated[str, typer.Option(
        "--audience", "-a", metavar="public|staff", callback=choice("--audience", ("public", "staff"), AUDIENCE_ALIASES),
        help="public: 一般向け(既定。公開・同意済みの資源だけ、内部の項目なし)/ staff: 関係者用(掲載中のすべての資源とすべての項目)。")] = "public",
    title: Annotated[str | None, typer.Option("--title", help="表紙と見出しの題名(既定: 社会資源一覧 / 生活便利帳)。")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="書き出すファイル(既定: exports/社会資源一覧_地区_日付.xlsx など)。フォルダーを指定するとその中に既定の名前で作ります。")] = None,
    encoding: Annotated[str, typer.Option(
        "--encoding", metavar="utf-8|cp932", callback=choice("--encoding", ("utf-8", "cp932"), ENCODING_ALIASES),
        help="csv の文字コード: utf-8(既定・BOM付き。Excel でそのまま開けます)/ cp932(sjis・shift_jis とも書けます。古いパソコン向け。"
             "入らない文字は〓に置き換えて報告します)。")] = "utf-8",
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="発行日(「令和X年X月現在」と、古い情報を除く基準)。例: 2027-04-01、令和9年4月1日。既定: 今日。")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="結果を JSON で表示します(ほかのプログラムから使うとき)。")] = False,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="--format card: QR コードにするサイトのアドレス(例: https://www.city.example.jp/kurashi/)。")] = None,
    contact: Annotated[str | None, typer.Option(
        "--contact", help="--format card: カードに載せる問い合わせ先(既定: シート『設定』の担当課と電話)。")] = None,
    dataset: Annotated[str, typer.Option(
        "--dataset", help="--format opendata のデータセット: 介護サービス事業所一覧(既定。区分が介護保険サービスの資源)/ 保険外サービス一覧(それ以外。shigen の拡張)。")] = "",
) -> None:
    """配布用の一覧(Excel)・冊子(PDF・Word)・CSV を exports/ に書き出します。"""
    import json

    from ..export import ExportOptions, export
    from ..master import load_catalogue
    from .render import done, left_out_summary, say, scope_line, show, table, warn

    day = parse_as_of(as_of)
    st = state(ctx)
    _check_card_options(fmt, base_url=base_url, contact=contact, district=district, genre=genre, audience=audience,
                        encoding=encoding, dataset=dataset)
    cat = load_catalogue(st.catalogue)
    if fmt == "card":  # an alias of `shigen site --card`
        from .cards import write_card_sheet

        write_card_sheet(cat, st.workspace, base_url=base_url, title=title, contact=contact, output=output,
                         as_json=as_json)
        return
    options = ExportOptions(format=fmt, audience=audience, districts=tuple(district or ()), genres=tuple(genre or ()),
                            title=title, output=output, encoding=encoding, as_of=day, dataset=dataset)
    result = export(cat, st.workspace, options)

    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    who = "一般向け" if result.audience == "public" else "関係者用"
    done(f"{result.path} を書き出しました({who}・{result.total} 件・{result.seconds:.1f} 秒)")
    scope_line(result, date_label="発行日")
    info = getattr(result, "opendata", None)
    if info is not None:
        say(f"  データセット: {info.dataset} / 自治体コード: {info.code}({info.prefecture}{info.city}"
            + ("・設定が空欄のため自治体名から引きました" if info.code_derived else "") + ")"
            + f" / 項目定義: {info.dictionary.name}")
        if info.omitted:
            counts = "・".join(f"{h} {n} 件" for h, n in info.missing_counts().items())
            warn(f"必須の項目が空欄の {len(info.omitted)} 件は載せていません(空欄: {counts})。台帳に記入すると載ります。")
            shown = info.omitted[:30]
            rest = len(info.omitted) - len(shown)
            show(table("載せていない資源(必須項目が空欄)", ["ID", "名称", "空欄の項目"], [o.to_row() for o in shown],
                       caption=f"ほか {rest} 件(すべては --json で)" if rest else None))
        if info.from_suggestion:
            say(f"  ふりがなが空欄の {len(info.from_suggestion)} 件は、名称_カナを『ふりがな候補』から作りました"
                "(shigen kana --accept で確かめた読みをふりがなに写せます)。")
        if info.other_category:
            other = "保険外サービス一覧" if info.dataset == "介護サービス事業所一覧" else "介護サービス事業所一覧"
            say(f"  区分が違う {info.other_category} 件は --dataset {other} に載ります。")
    if result.by_genre:
        show(table("ジャンル別の件数", ["ジャンル", "件数"], result.to_rows(), justify={"件数": "right"}))
    else:
        warn("条件に合う資源がありません(空の一覧を書き出しました)。地区・ジャンル・公開範囲を確かめてください。")
    left_out_summary(result, what="一覧", staff_too="--audience staff の一覧")
    if result.replacements:
        warn(f"cp932 で表せない文字を〓に置き換えました({len(result.replacements)} か所)。"
             "正しく表示させたいときは --encoding を外して(UTF-8 で)書き出してください。")
        show(table("置き換えた文字", ["ID", "名称", "項目", "文字"], [r.to_row() for r in result.replacements]))


def _check_card_options(fmt: str, *, base_url: str | None, contact: str | None, district: list[str] | None,
                        genre: list[str] | None, audience: str, encoding: str, dataset: str) -> None:
    """--base-url and --contact belong to the card; the list options do not (one card for the whole site)."""
    from ..errors import UsageError

    if fmt != "card":
        given = [name for name, value in (("--base-url", base_url), ("--contact", contact)) if value is not None]
        if given:
            raise UsageError(f"{'・'.join(given)} は --format card のときだけ使えます。",
                             "QR カードを作るときは --format card を付けてください。")
        return
    wrong = [name for name, value in (("--district", district), ("--genre", genre), ("--dataset", dataset),
                                      ("--audience staff", audience == "staff"), ("--encoding", encoding != "utf-8"))
             if value]
    if wrong:
        raise UsageError(f"{'・'.join(wrong)} は --format card では使えません(カードはサイト全体の案内です)。",
                         "--format card には --base-url・--title・--contact・--output を指定してください。")
