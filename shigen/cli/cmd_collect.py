"""`shigen collect`: merge returned update workbooks into the master, safely."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import FORMAT_ALIASES, app, choice, parse_as_of, state

TERMINAL_FINDINGS = 40


@app.command("collect")
def collect_command(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(metavar="ブック", help="返ってきた更新用ブック(.xlsx)。フォルダーを指定すると中の .xlsx をすべて読みます。")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="確かめるだけで、台帳も回収状況.xlsx も書きません。")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="今日の日付として扱う日(例: 2027-06-30)。更新日と、未来の確認日の判定に使います。")] = None,
    fmt: Annotated[str, typer.Option(
        "--format", "-f", metavar="table|json", callback=choice("--format", ("table", "json"), FORMAT_ALIASES),
        help="表示の形式: table(画面に表)か json。")] = "table",
) -> None:
    """返ってきた更新用ブックの確認結果を台帳に反映し、回収状況をまとめます。

    新しい値・休止/廃止・最終確認日・確認者を台帳に書き、変えた項目はすべてシート『履歴』に残します。
    配った後に台帳で変わった資源(衝突)、知らない ID、灰色の列の書き換え、ありえない日付、新しい値のない『変更あり』は
    反映せずに一覧にします。仮の値(要確認・？など)や誤った値が残る資源は、最終確認日を進めずに『要確認のまま』と
    知らせます。同じブックを2回回収しても、2回目は何も変わりません。
    """
    from ..collect import dumps, run_collect
    from .render import done, say, show, table, warn

    result = run_collect(state(ctx).workspace, paths, dry_run=dry_run, as_of=parse_as_of(as_of))
    if fmt == "json":
        typer.echo(dumps(result))
        raise typer.Exit(result.exit_code)
    for p in result.skipped:
        say(f"{p.name} は shigen がまとめたファイルなので読み飛ばしました。")
    show(table("回収したブック", list(result.files[0].HEADERS) if result.files else [],
               [f.to_row() for f in result.files]))
    if result.findings:
        finding_rows = [(f.severity_label, f.file, f.row or "", f.record_id, f.name, f.title, f.field, f.issued,
                         f.master, f.entered) for f in result.findings[:TERMINAL_FINDINGS]]
        more = len(result.findings) - TERMINAL_FINDINGS
        show(table(f"反映しなかった行({len(result.findings)} 件)",
                   ["重要度", "ファイル", "行", "ID", "名称", "種類", "項目", "配布時の値", "台帳の今の値", "記入された値"],
                   finding_rows,
                   caption=f"ほか {more} 件は 回収状況.xlsx のシート『要確認』を見てください。" if more > 0 else None))
        for f in result.findings[:5]:
            warn(f"{f.file} の {f.row} 行目 ({f.record_id}): {f.message} {f.hint}")
    if result.held:
        held_rows = [(f.severity_label, f.file, f.row or "", f.record_id, f.name, f.field, f.master)
                     for f in result.held[:TERMINAL_FINDINGS]]
        more = len(result.held) - TERMINAL_FINDINGS
        show(table(f"要確認のまま: 最終確認日を進めなかった資源({len(result.held)} 件)",
                   ["重要度", "ファイル", "行", "ID", "名称", "仮の値・誤った値の項目", "台帳の値"], held_rows,
                   caption=f"ほか {more} 件は 回収状況.xlsx のシート『要確認』を見てください。" if more > 0 else None))
        warn("『変更なし』などで返ってきましたが、オレンジ色の項目が仮の値(要確認・？など)や誤った値のままです。"
             "ほかの項目は確認済みにしましたが、最終確認日は進めていません。正しい値を確かめて、台帳か更新用ブックで直してください。")
    for year, progress in result.progress.items():
        show(table(f"{year}年度の回収状況", progress[0].HEADERS if progress else [], [p.to_row() for p in progress],
                   justify=dict.fromkeys(("担当件数", "確認済み", "うち変更あり", "うち休止・廃止", "連絡つかず", "要確認", "未回収", "進み具合"), "right")))
    verb = "反映します(--dry-run のため書いていません)" if dry_run else "反映しました"
    say(f"台帳に{verb}: {result.records_changed} 件の資源、内容の変更 {result.fields_changed} 項目。")
    if not dry_run:
        for p in result.progress_files:
            done(f"回収状況: {p}")
        if result.backup:
            say(f"  書き換える前の台帳の控え: {result.backup}")
    if result.findings:
        say("反映しなかった行は、担当者に直してもらって再度 collect するか、台帳を直接直してください。")
    raise typer.Exit(result.exit_code)
