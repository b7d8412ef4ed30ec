"""Checks of the 設定 sheet itself (not of a record): findings with the sheet 設定 and no record.

``check_municipality_code``: 設定『自治体コード』 (全国地方公共団体コード, used by ``export --format opendata``)
must be six digits whose last one is the check digit, and name the municipality of 自治体名.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .. import lgcode
from .. import schema as S
from .findings import CODES, Finding, render

if TYPE_CHECKING:
    from .checks import Context

CODE = "invalid-municipality-code"


def check_municipality_code(ctx: Context) -> Iterator[Finding]:
    settings = ctx.cat.settings
    written = settings.municipality_code.strip()
    if not written:
        return  # empty: export derives it from 自治体名 (and says so when it cannot)
    code = lgcode.normalize(written)
    detail = lgcode.problem(code or written)
    if not detail:
        gov = lgcode.by_code(code)
        name = settings.municipality
        if gov and name and gov not in lgcode.find(name, settings.prefecture):
            detail = f"{gov.full_name}のコードで、自治体名『{name}』と合いません"
    if not detail:
        return
    message, hint = render(CODE, value=written, detail=detail)
    yield Finding(CODE, CODES[CODE].severity.value, "", "", "", "", S.SHEET_SETTINGS, None,
                  S.SETTING_MUNICIPALITY_CODE, written, message, hint, Path(ctx.cat.path).name if ctx.cat.path else "")


SETTINGS_CHECKS = (check_municipality_code,)
