"""`shigen export`: the lists that leave the office (Excel for care managers, a Word booklet, CSV open data).

:func:`export` selects the records (:mod:`.select`), writes one file with the format's writer (:data:`WRITERS`)
atomically under ``exports/`` (:mod:`.files`) and returns an :class:`ExportResult`.
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..model import Catalogue
from ..workspace import Workspace
from .select import AUDIENCE_PUBLIC, AUDIENCES, HeldBack, Publication, Selection, public_value, select


@dataclass(frozen=True)
class Writer:
    """One export format. ``write`` ("module:function", imported when used) is called as
    ``write(path, cat, sel, meta)`` (+ ``encoding`` when ``encodings``) and may return the characters it replaced;
    a ``dataset`` writer is the whole export instead (``write(cat, ws, options, sel, started)`` → ExportResult)."""

    write: str
    suffix: str
    booklet: bool = False  # named and titled 生活便利帳 (else 社会資源一覧)
    encodings: bool = False  # takes --encoding
    dataset: bool = False


# format → writer: the one list of formats (FORMATS, the CLI's --format choices, file names and titles read it)
WRITERS: dict[str, Writer] = {
    "xlsx": Writer(".xlsx:write_xlsx", ".xlsx"),
    "docx": Writer(".docx:write_docx", ".docx", booklet=True),
    "pdf": Writer(".pdf:write_pdf", ".pdf", booklet=True),
    "csv": Writer(".csv:write_csv", ".csv", encodings=True),
    "opendata": Writer(".opendata:export_opendata", ".csv", encodings=True, dataset=True),  # 自治体標準オープンデータセット
}
FORMATS = tuple(WRITERS)
ENCODINGS = ("utf-8", "cp932")


def _writer_function(writer: Writer) -> Callable[..., Any]:
    module, _, name = writer.write.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module, __name__), name)
    return function


@dataclass(frozen=True)
class ExportOptions:
    format: str = "xlsx"
    audience: str = AUDIENCE_PUBLIC
    districts: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    title: str | None = None
    output: Path | None = None
    encoding: str = "utf-8"
    as_of: dt.date | None = None
    dataset: str = ""  # --format opendata: 介護サービス事業所一覧 (default) or 保険外サービス一覧


@dataclass(kw_only=True)
class ExportResult(Publication):
    format: str
    replacements: list = field(default_factory=list)  # csv.Replacement

    def stale_rows(self) -> list[tuple[str, str, str, str]]:
        return [(r.id, r.name, r.get("genre"), r.get("last_confirmed")) for r in self.stale]

    def to_dict(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "format": self.format,
            "audience": self.audience,
            "as_of": self.as_of.isoformat(),
            "title": self.title,
            "districts": self.districts,
            "genres": self.genres,
            "total": self.total,
            "by_genre": [{"genre": g, "count": n} for g, n in self.by_genre],
            "stale_left_out": [dict(zip(("id", "name", "genre", "last_confirmed"), row, strict=True))
                               for row in self.stale_rows()],
            "unconfirmed": [r.id for r in self.unconfirmed],
            "not_public": dict(self.left_out),
            "no_contact_left_out": [{"id": r.id, "name": r.name} for r in self.no_contact],
            "held_back": [dict(zip(("id", "name", "field", "value", "problem"), h.to_row(), strict=True))
                          for h in self.held_back],
            "held_back_counts": self.held_back_counts(),
            "replaced_characters": [dict(zip(("id", "name", "field", "characters"), r.to_row(), strict=True))
                                    for r in self.replacements],
        }


def check_options(options: ExportOptions) -> None:
    if options.format not in FORMATS:
        raise UsageError(f"--format『{options.format}』は使えません。", f"{'・'.join(FORMATS)} のどれかを指定してください。")
    if options.audience not in AUDIENCES:
        raise UsageError(f"--audience『{options.audience}』は使えません。",
                         "public(一般向け・既定)か staff(関係者用)を指定してください。")
    if options.encoding not in ENCODINGS:
        raise UsageError(f"--encoding『{options.encoding}』は使えません。", "utf-8(既定)か cp932 を指定してください。")
    if options.encoding != "utf-8" and not WRITERS[options.format].encodings:
        raise UsageError("--encoding は --format csv のときだけ使えます。", "--encoding を外すか、--format csv を指定してください。")


def export(cat: Catalogue, ws: Workspace, options: ExportOptions) -> ExportResult:
    """Select, write and report one export file."""
    from .files import default_name, replace, target_path, temp_path
    from .meta import make_meta

    started = time.perf_counter()
    check_options(options)
    as_of = options.as_of or dt.date.today()
    sel = select(cat, audience=options.audience, districts=list(options.districts), genres=list(options.genres),
                 as_of=as_of)
    writer = WRITERS[options.format]
    write = _writer_function(writer)
    if writer.dataset:
        result: ExportResult = write(cat, ws, options, sel, started)
        return result
    meta = make_meta(cat, sel, options.format, options.title)
    name = default_name(options.format, public=sel.is_public, districts=sel.districts, genres=sel.genres, as_of=as_of)
    path = target_path(ws, options.format, options.output, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        replacements = (write(tmp, cat, sel, meta, options.encoding) if writer.encodings
                        else write(tmp, cat, sel, meta)) or []
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    replace(tmp, path)
    return ExportResult(**Publication.of_selection(sel), path=path, format=options.format, as_of=as_of,
                        title=meta.title, replacements=replacements, seconds=time.perf_counter() - started)


__all__ = ["ExportOptions", "ExportResult", "FORMATS", "WRITERS", "Writer", "ENCODINGS", "HeldBack", "Selection", "export", "public_value",
           "select"]
