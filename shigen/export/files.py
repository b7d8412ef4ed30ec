"""Where an export is written: deterministic, Windows-safe names under exports/, written atomically."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from ..errors import UsageError
from ..workspace import Workspace, safe_filename
from . import WRITERS

STEM_LIST = "社会資源一覧"
STEM_BOOKLET = "生活便利帳"
STAFF_MARK = "関係者用"
_MAX_PARTS = 3
_MAX_STEM = 120
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def default_name(fmt: str, *, public: bool, districts: list[str], genres: list[str], as_of: dt.date) -> str:
    """社会資源一覧_中央地区_20270401.xlsx — each part made safe, so no name can leave exports/."""
    parts = [STEM_BOOKLET if WRITERS[fmt].booklet else STEM_LIST]
    if not public:
        parts.append(STAFF_MARK)
    for names in (districts, genres):
        if names:
            shown = "・".join(names[:_MAX_PARTS]) + (f"ほか{len(names) - _MAX_PARTS}件" if len(names) > _MAX_PARTS else "")
            parts.append(shown)
    parts.append(as_of.strftime("%Y%m%d"))
    stem = safe_filename("_".join(parts))[:_MAX_STEM]
    return stem + WRITERS[fmt].suffix


def target_path(ws: Workspace, fmt: str, output: Path | str | None, default: str) -> Path:
    """``--output`` if given (a folder gets the default name; a missing suffix is added), else exports/<default>."""
    if not output:
        path = ws.exports / default
        # belt and braces: the default name is one safe component directly under exports/
        if path.parent.resolve() != ws.exports.resolve():
            raise UsageError(f"書き出し先のファイル名『{default}』が exports/ の外を指しています。", "地区名を確認してください。")
        return path
    path = Path(output)
    if path.is_dir():
        return path / default
    suffix = path.suffix.lower()
    if not suffix:
        return path.with_name(path.name + WRITERS[fmt].suffix)
    if suffix != WRITERS[fmt].suffix:
        raise UsageError(f"--output『{path.name}』の拡張子 {path.suffix} は --format {fmt} と合いません。",
                         f"『{path.stem}{WRITERS[fmt].suffix}』のように {WRITERS[fmt].suffix} で終わる名前にしてください。")
    return path


def temp_path(path: Path) -> Path:
    return path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")


def replace(tmp: Path, path: Path) -> None:
    """Move the finished file into place (a file open in Excel/Word raises PermissionError, shown by the CLI)."""
    try:
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def clean_cell(text: str) -> str:
    """Remove control characters that XML (xlsx/docx) cannot hold; keep tabs and line breaks."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)
