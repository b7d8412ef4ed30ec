"""`shigen audit`: what is stale, missing, invalid or duplicated — in the terminal, Excel or JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .app import FORMAT_ALIASES, app, choice, parse_as_of, state, with_suffix

if TYPE_CHECKING:
    from ..audit import AuditRun
    from ..audit.report import AuditResult

FAIL_ON = ("error", "warning", "info", "never")
FAIL_ON_ALIASES = {"エラー": "error", "警告": "warning", "情報": "info", "なし": "never"}


@app.command("audit")
def audit_command(
    ctx: typer.Context,
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="ファイル", help="点検する資源ファイルやフォルダー(取り込み前の確認)。省略すると台帳を点検します。台帳は書き換えません。",
        show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="この日の時点で点検します(2027-04-01 の形)。省略すると今日。", show_default=False)] = None,
    output_format: Annotated[str, typer.Option(
        "--format", "-f", metavar="table|xlsx|json", callback=choice("--format", ("table", "xlsx", "json"), FORMAT_ALIASES),
        help="table: 画面に表 / xlsx: Excel の点検結果ブック / json: JSON で出力。")] = "table",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="書き出すファイル(xlsx の既定: exports/点検結果_日付.xlsx、json の既定: 画面)。",
        show_default=False)] = None,
    fail_on: Annotated[str, typer.Option(
        "--fail-on", metavar="|".join(FAIL_ON), callback=choice("--fail-on", FAIL_ON, FAIL_ON_ALIASES),
        help="この重要度以上の指摘があれば終了コード 1 にします(error=エラー / warning=警告 / info=情報 / never=しない)。")] = "error",
    top: Annotated[int, typer.Option("--top", help="画面に表示する指摘の件数。", min=0)] = 20,
    skip_bad: Annotated[bool, typer.Option(
        "--skip-bad", help="指定したファイルのうち読めないものを飛ばして、ほかのファイルを点検します。")] = False,
    mapping: Annotated[Path | None, typer.Option(
        "--mapping", help="ファイルの列の対応を指定するファイル(import --mapping と同じ形。import --save-mapping で作れます)。",
        show_default=False)] = None,
) -> None:
    """台帳(または資源ファイル)を点検し、要更新・必須項目の空欄・誤った値・重複の疑いを一覧にします。"""
    from ..audit import run_audit
    from ..errors import UsageError

    day = parse_as_of(as_of) or dt.date.today()
    st = state(ctx)
    if output is not None and output_format == "table":
        raise UsageError("--output は --format xlsx または --format json と一緒に使います。",
                         "Excel に書き出すときは --format xlsx を付けてください。")
    output = with_suffix(output, ".json" if output_format == "json" else ".xlsx")
    if mapping is not None and not paths:
        raise UsageError("--mapping は点検するファイル(PATH)と一緒に使います。", "例: shigen audit 一覧.xlsx --mapping 対応.toml")
    run = run_audit(st.catalogue, list(paths or []), as_of=day, skip_bad=skip_bad, mapping=mapping,
                    warm_up=_import_renderer)
    from ..cyclegc import no_gc

    with no_gc():  # the findings (200,000) live to the end: each full collection walking them cost ~0.3 s
        _output(run, paths, day, output_format, output, top, fail_on, st)


def _import_renderer() -> None:
    """rich, imported while calamine parses the master (run_audit's warm_up): on the other core."""
    from . import render  # noqa: F401


def _output(run: AuditRun, paths: list[Path] | None, day: dt.date, output_format: str, output: Path | None, top: int,
            fail_on: str, st: Any) -> None:
    from ..audit import write_xlsx

    read_files = getattr(run.read, "files", None)
    if read_files and all(f.error for f in read_files):  # --skip-bad must not turn "nothing checked" into success
        from ..errors import InputError

        raise InputError("どのファイルも読めなかったため、何も点検していません。",
                         "ファイルの形式と中身を確かめてください(読めなかった理由は上に表示しています)。"
                         + " ".join(f.error for f in read_files)[:400])
    result = run.result
    if run.read is not None:
        from .render import warn

        for bad in getattr(run.read, "bad_files", []):
            warn(f"読めなかったため点検していません: {bad.error}")

    if output_format == "json":
        import json

        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
        if output is None:
            typer.echo(text)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text + "\n", encoding="utf-8")
            _render(result, top=0)
            from .render import done

            done(f"点検結果(JSON)を書き出しました: {output}")
    else:
        _render(result, top=top)
        if output_format == "xlsx":
            stem = "点検結果" if not paths else f"点検結果_{Path(paths[0]).stem}"
            target = st.workspace.export_path(f"{stem}_{day.strftime('%Y%m%d')}.xlsx", output)
            write_xlsx(result, run.catalogue, target, keep_rows=run.read is None)
            from .render import done

            done(f"点検結果のブックを書き出しました: {target}")
    if result.fails(fail_on):
        raise typer.Exit(1)


def _render(result: AuditResult, *, top: int) -> None:
    from ..audit.findings import CODES, SEVERITY_LABEL, Severity
    from ..text import to_wareki
    from .render import say, show, table

    say(f"点検: {result.source}")
    say(f"点検日: {result.as_of.isoformat()}({to_wareki(result.as_of)})  /  資源 {result.records:,} 件"
        f"(廃止を除く {result.audited:,} 件)  /  更新周期 {result.cycle_months} か月")
    if result.postal:
        say(f"郵便番号の照合: {result.postal}")
    sev = result.by_severity
    say("指摘: " + "  ".join(f"{SEVERITY_LABEL[Severity(k)]} {v:,} 件" for k, v in sev.items())
        + f"  (指摘のある資源 {result.records_with_findings:,} 件)")
    counts = [(CODES[c].title, c, result.severity_label(c), f"{n:,}")
              for c, n in result.by_code.items() if n]
    if counts:
        show(table("指摘の種類別", ["指摘", "コード", "重要度", "件数"], counts, justify={"件数": "right"}))
    audited = result.audited or 1
    show(table("確認状況(最終確認日)", ["区分", "件数", "割合"],
               [(k, f"{v:,}", f"{100 * v / audited:.1f}%") for k, v in result.freshness.items()],
               justify={"件数": "right", "割合": "right"}))
    incomplete = [(c.field, f"{c.filled:,} / {c.total:,}", f"{c.percent:.1f}%")
                  for c in result.completeness if c.total and c.filled < c.total]
    if incomplete:
        show(table("項目ごとの記入率(100% でない項目)", ["項目", "記入あり", "記入率"], incomplete,
                   justify={"記入あり": "right", "記入率": "right"}))
    total = result.total  # (the findings not made yet are counted, not made: result.top makes the few shown)
    if top and total:
        rows = [(SEVERITY_LABEL[Severity(f.severity)],
                 " ".join(x for x in (f.record_id, f.name) if x) + (f"\n({f.sheet or f.file} {f.row}行目)" if f.row else ""),
                 f.field, f.message)
                for f in result.top(top)]
        rest = total - len(rows)
        caption = f"ほか {rest:,} 件。すべての指摘は --format xlsx で Excel に書き出せます。" if rest > 0 else None
        show(table(f"主な指摘(重要度・地区の順に {len(rows)} 件)", ["重要度", "資源", "項目", "内容"], rows,
                   caption=caption))
    elif not total:
        say("指摘はありません。", style="green")
