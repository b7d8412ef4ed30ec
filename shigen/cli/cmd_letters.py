"""`shigen letters`: the 確認依頼 to providers, the address list, and the record of each 照会."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .app import FORMAT_ALIASES, app, choice, parse_as_of, state

if TYPE_CHECKING:
    from ..letters.followup import FollowUp

TERMINAL_ROWS = 30


@app.command("letters")
def letters_command(
    ctx: typer.Context,
    only_due: Annotated[bool, typer.Option(
        "--only-due", help="確認の期限が過ぎた・近い(60日以内)・未確認の資源だけにします(ふだんはこれ)。")] = False,
    district: Annotated[list[str] | None, typer.Option(
        "--district", "-d", help="この地区(資源の『地区』)の資源だけにします。何度でも指定できます。")] = None,
    genre: Annotated[list[str] | None, typer.Option(
        "--genre", "-g", help="このジャンルの資源だけにします。何度でも指定できます。")] = None,
    coordinator: Annotated[str | None, typer.Option(
        "--coordinator", "-c", help="このコーディネーターの更新用ブックの資源だけにします(担当履歴の最新の分担。ないときは担当地区・担当ジャンル)。"
                                    "差出人の『担当』にもこの名前を載せます。")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="docx|pdf", callback=choice("--format", ("docx", "pdf"), FORMAT_ALIASES),
        help="docx(Word・既定。手で直してから印刷できます)か pdf(そのまま印刷・FAX できる PDF)。")] = "docx",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="書き出すフォルダー(既定: exports/確認依頼)。")] = None,
    reminder: Annotated[bool, typer.Option(
        "--reminder", help="照会してから『再送までの日数』(設定・既定 21 日)を過ぎても回答のない資源だけに、『再送』と記した依頼を作ります。")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="発送日として扱う日(例: 2027-05-10)。既定は今日。")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="何通になるかを表示するだけで、ファイルも台帳も書きません。")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="結果を JSON で表示します。")] = False,
) -> None:
    """事業者への確認依頼(登録内容の確認と掲載同意のお願い)を、事業者ごとに1通ずつ作ります。

    運営主体と先方担当者が同じ資源は1通にまとめ、サービスごとに今の登録内容(公開する項目だけ)と訂正欄、
    掲載同意の質問(一般に公開してよい/関係者のみ/掲載しない)を載せます。廃止の資源には送らず、休止の資源には
    再開したかどうかも尋ねます。宛名一覧.xlsx(差し込み印刷用・FAX送信一覧)も作り、送った照会を台帳のシート『照会』に
    記録します。差出人はシート『設定』の 担当課・担当課の住所・担当課の電話・担当課のFAX・返信期限 です。
    """
    import json

    from ..letters import LetterOptions, run_letters
    from .render import done, say, show, table, warn

    options = LetterOptions(only_due=only_due, districts=tuple(district or ()), genres=tuple(genre or ()),
                            coordinator=coordinator, format=fmt, output=output, reminder=reminder,
                            as_of=parse_as_of(as_of), dry_run=dry_run)
    result = run_letters(state(ctx).workspace, options)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    for note in result.notes:
        say(note)
    kind = "再送の確認依頼" if result.reminder else "確認依頼"
    if not result.providers:
        warn(f"{kind}を送る相手がいません" + ("(再送までの日数を過ぎて回答のない照会はありません)。" if result.reminder else
                                          "(条件に合う資源がありません。地区・ジャンル・--only-due を確かめてください)。"))
        return
    pages = sum(result.pages.values())
    summary = f"{kind} {len(result.providers)} 通(資源 {result.records} 件・{pages} ページ)"
    if result.dry_run:
        say(f"{summary}を作ります(--dry-run のため書いていません)。")
    else:
        done(f"{summary}: {result.document}")
        done(f"宛名一覧・FAX送信一覧: {result.address_list}")
        say(f"  台帳のシート『照会』に {result.recorded} 件を記録しました({result.seconds:.1f} 秒)。")
    if result.closed:
        say(f"  廃止の資源 {result.closed} 件には送りません。")
    if result.paused:
        say(f"  休止の資源 {result.paused} 件には、再開したかどうかも尋ねます。")
    if result.awaiting:
        say(f"  うち {result.awaiting} 件は前の照会の回答待ちです(回答のないものだけ送るときは --reminder)。")
    if result.without_address:
        warn(f"住所のない {len(result.without_address)} 通は FAX で送ってください(宛名一覧の『送付方法』に FAX と記しました)。")
    if result.unreachable:
        warn(f"住所も FAX もない {len(result.unreachable)} 通は、手渡しするか、住所を調べてから送ってください。")
        rows = result.unreachable_rows()
        show(table("送付先のない相手", ["No.", "名称", "担当者", "電話番号", "ID"], rows[:TERMINAL_ROWS],
                   caption=f"ほか {len(rows) - TERMINAL_ROWS} 件は宛名一覧.xlsx のシート『送付先なし』にあります。"
                   if len(rows) > TERMINAL_ROWS else None))


def show_follow_up(f: FollowUp) -> None:
    """The 照会 part of `shigen status`: asked / answered / waiting / overdue, and the overdue records."""
    from .render import say, show, table

    show(table(f"確認依頼(照会)の状況({f.as_of.isoformat()} 時点・再送までの日数 {f.days} 日)", list(f.HEADERS),
               [f.to_row()], justify=dict.fromkeys(f.HEADERS, "right")))
    if f.overdue_records:
        rows = [(rid, name, asked, f"{times} 回") for rid, name, asked, times in f.overdue_records[:TERMINAL_ROWS]]
        more = len(f.overdue_records) - len(rows)
        show(table("回答のない照会(再送の対象)", ["ID", "名称", "照会日", "照会した回数"], rows,
                   caption=f"ほか {more} 件" if more > 0 else None))
        say("再送するときは: shigen letters --reminder")
