"""The QR card sheet, written and reported: `shigen site --card` and its alias `shigen export --format card`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ..model import Catalogue
from ..workspace import Workspace


def export_formats() -> tuple[str, ...]:
    """`export --format` choices: the export package's formats, then ``card`` (the QR card of `site --card`)."""
    from ..export import FORMATS

    return (*FORMATS, "card")


def write_card_sheet(cat: Catalogue, ws: Workspace, *, base_url: str | None, title: str | None,
                     contact: str | None, output: Path | None, as_json: bool) -> None:
    from ..site.card import CardOptions, write_card
    from .render import done, say, warn

    sheet = write_card(cat, ws, CardOptions(base_url=base_url or "", title=title, contact=contact, output=output))
    if as_json:
        typer.echo(json.dumps(sheet.to_dict(), ensure_ascii=False, indent=2))
        return
    done(f"{sheet.path} を書き出しました(名刺大 91×55 mm・A4 に {sheet.cards} 枚)")
    say(f"  題名: {sheet.title} / QR コード: {sheet.url}" + (f" / 問い合わせ先: {sheet.contact}" if sheet.contact else ""))
    say("  Word で開き、「実際のサイズ」(拡大・縮小なし)で A4 の名刺用紙(10 面)に印刷してください。")
    for text in sheet.warnings:
        warn(text)
