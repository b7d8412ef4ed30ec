"""`shigen import`: existing resource lists (Excel / CSV) → the master catalogue."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import FORMAT_ALIASES, app, choice, current_user, state

if TYPE_CHECKING:
    from ..importer import ImportResult


@app.command("import")
def import_command(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(
        metavar="ファイル", help="取り込む一覧ファイル(.xlsx .xlsm .xls .csv .tsv)かフォルダー(中のファイルをすべて探します)。")],
    sheet: Annotated[str | None, typer.Option("--sheet", help="このシートだけを取り込みます(非表示のシートも指定できます)。")] = None,
    genre: Annotated[str | None, typer.Option(
        "--genre", help="ジャンルの列がない行に入れるジャンル(台帳のジャンル名か別名)。")] = None,
    district: Annotated[str | None, typer.Option(
        "--district", help="地区の列がない行に入れる地区(台帳にない地区はシート『地区』に加えて知らせます)。")] = None,
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="列の対応を指定するファイル(TOML か、1列目=元の見出し・2列目=台帳の項目 の表)。")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="何が起きるか(新規・更新・変更なし・要確認)を表示するだけで、台帳も報告書も書きません。")] = False,
    skip_bad: Annotated[bool, typer.Option(
        "--skip-bad", help="読めないファイルを飛ばして残りを取り込みます(既定では1つでも読めなければ何も書きません)。")] = False,
    save_mapping: Annotated[Path | None, typer.Option(
        "--save-mapping", help="使った列の対応を TOML に書き出します(1行直して --mapping で取り込み直せます)。",
        show_default=False)] = None,
    by: Annotated[str | None, typer.Option("--by", help="履歴に残す実行者の名前(既定: ログインしているユーザー名)。")] = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", metavar="table|json", callback=choice("--format", ("table", "json"), FORMAT_ALIASES),
        help="結果の表示形式: table(画面に表)か json。")] = "table",
) -> None:
    """既存の一覧(前任者の Excel・他の地区の表・Web システムの CSV)を台帳に取り込みます。

    見出し行・結合セル・〃・注記行・合計行などを読み分け、電話番号や日付をそろえ、
    台帳の資源と照合して新規・更新・変更なし・要確認に分けます。結果は exports/取込報告_日時.xlsx にも保存します。
    """
    from ..errors import EXIT_FINDINGS, EXIT_OK
    from ..importer import run_import
    from .render import done, printing_warm_up, say, show, table, warn

    st = state(ctx)
    # while the first file is read, a thread loads what the summary printed at the end needs
    printing = printing_warm_up() if output_format == "table" else []
    result = run_import(st.workspace, list(paths), by=by or current_user(), sheet=sheet, genre=genre,
                        district=district, mapping=mapping, skip_bad=skip_bad, dry_run=dry_run, warm_up=printing)
    if save_mapping is not None:
        from ..importer.columns import write_mapping

        write_mapping(result.read, save_mapping)
    if output_format == "json":
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _render(result, say=say, show=show, table=table, warn=warn, done=done)
    problems = bool(result.ambiguous or result.read.bad_files)
    # the result (every record read, every finding: 20,000 rows) is kept until the process ends: dropped here, it was
    # freed object by object (~15 ms) just before app.main ends the process without freeing anything (issue 18); a
    # second command in the same process (the tests) lets the first one's go
    _KEPT[:] = [result]
    raise typer.Exit(EXIT_FINDINGS if problems else EXIT_OK)


_KEPT: list[ImportResult] = []  # the last result of import_command, kept (see there)


# codes whose message names a value that varies row by row: shown as one line per column
GROUPED_BY_CODE = frozenset({"placeholder-mark", "placeholder-not-joined"})


def _render(result: ImportResult, *, say: Callable[..., Any], show: Callable[..., Any], table: Callable[..., Any],
            warn: Callable[..., Any], done: Callable[..., Any]) -> None:
    from ..importer.report import (
        AMBIGUOUS,
        NEW,
        SHEET_EMPTY,
        SHEET_EXPORT_REPEAT,
        SHEET_HIDDEN,
        SHEET_IMPORTED,
        SHEET_NO_HEADER,
        SHEET_NOT_SELECTED,
        UNCHANGED,
        UPDATED,
    )

    short = {SHEET_IMPORTED: "取込", SHEET_HIDDEN: "非表示", SHEET_NO_HEADER: "見出しなし", SHEET_NOT_SELECTED: "対象外",
             SHEET_EMPTY: "空", SHEET_EXPORT_REPEAT: "全件と重複"}
    nums = ("行", "資源", "新規", "更新", "同じ", "要確認", "飛ばし")
    for f in result.read.files:
        if f.error:
            continue
        rows = []
        for s in f.sheets:
            o = s.outcomes
            rows.append((s.sheet or "(CSV)", short.get(s.status, s.status), s.rows_read, s.records, o.get(NEW, 0),
                         o.get(UPDATED, 0), o.get(UNCHANGED, 0), o.get(AMBIGUOUS, 0), len(s.skipped)))
        title = f.path.name + (f"  文字コード: {f.encoding}" if f.encoding else "") + \
            ("  (shigen の書き出し: 全件のシートを台帳の見出しのとおりに読み、確認状況は取り込みません)" if f.shigen_export else "")
        show(table(title, ["シート", "状態", *nums], rows, justify=dict.fromkeys(nums, "right")))
        for s in f.sheets:
            reasons = s.skipped_by_reason()
            if reasons:
                say(f"  [{s.sheet or f.path.name}] 飛ばした行: " + "、".join(f"{k} {v}" for k, v in reasons.items()))
        # sheets read the same way share one line
        groups: dict[str, list[str]] = {}
        for s in f.sheets:
            if s.columns:
                mapped = "、".join(f"{c.header}→{c.label}" for c in s.columns)
                groups.setdefault(mapped, []).append(s.sheet or f.path.name)
        for mapped, names in groups.items():
            say(f"  [{'、'.join(names)}] 列の対応: {mapped}")
        close = [f"{c.header}→{c.label}(次点 {c.runner_up})" for s in f.sheets for c in s.columns if c.runner_up]
        if close:
            say(f"  僅差で決めた列: {'、'.join(close[:8])}。違うときは --save-mapping で書き出して直し、--mapping で取り込み直せます。")
        unmapped = sorted({h for s in f.sheets for h in s.unmapped})
        if unmapped:
            warn(f"  台帳の項目に当たらない列(値は台帳の追加列に職員向けとして残しました。公開の備考には入れません): {'、'.join(unmapped)}")
    for f in result.read.bad_files:
        warn(f"読めなかったファイル(飛ばしました): {f.error}")
    for s in result.read.sheets:
        # the same message on many rows is one line (「『*』は値の代わりの印…(248 行: 2, 6, 7 …)」), its code after it
        grouped: dict[tuple[str, str, str], list[int]] = {}
        for w in s.warnings:
            msg = re.sub(r"『[^』]*』", "『…』", w.message) if w.code in GROUPED_BY_CODE and w.message.count("『") == 1 \
                else w.message
            grouped.setdefault((w.field, msg, w.code), []).append(w.row)
        shown = 0
        for (fld, msg, code), lines in grouped.items():
            if shown >= 20:
                break
            shown += 1
            where = f"{lines[0]}" if len(lines) == 1 else f"{len(lines)} 行: {', '.join(map(str, lines[:5]))}{' …' if len(lines) > 5 else ''}"
            warn(f"[{s.place}:{where}] {fld}: {msg} ({code})")
        if len(grouped) > shown:
            warn(f"[{s.place}] ほか {len(grouped) - shown} 種類の警告は報告書を見てください。")
    for d, where in result.read.new_districts:
        warn(f"地区『{d}』({where})が台帳のシート『地区』になかったため加えました(第2層・町名は空欄)。町名を書き足してください。")
    for genre, n in result.read.unmatched_genres.items():
        warn(f"ジャンルに当たらない分類『{genre}』({n} 件): そのまま残しました。台帳のシート『ジャンル』の別名に加えると次から当てはまります。")
    for amb in result.ambiguous:
        warn(f"要確認: {amb.row.record.get('source')} {amb.row.record.get('name')} — {amb.reason} 候補: {'、'.join(amb.candidates)}")
    c = result.counts()
    line = (f"新規 {c.get(NEW, 0)} 件 / 更新 {c.get(UPDATED, 0)} 件 / 変更なし {c.get(UNCHANGED, 0)} 件 / "
            f"要確認 {c.get(AMBIGUOUS, 0)} 件")
    if result.dry_run:
        say(f"(試し実行){line}。台帳と報告書は書いていません。")
        return
    if result.changed:
        done(f"取り込みました: {line}")
    else:
        done(f"台帳は変わりませんでした: {line}")
    if result.report_path:
        say(f"報告書: {result.report_path}")
