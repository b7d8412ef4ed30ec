"""Files → raw sheet grids (values as read, merged ranges, hidden flag).

Spreadsheets (.xlsx/.xlsm/.xls) are read with python-calamine, which is fast and also gives
merged-cell ranges and sheet visibility. Macros are never run (calamine only reads cell values).
CSV/TSV files are decoded by trying UTF-8 (with or without BOM), UTF-16 (Excel's 「Unicode テキスト」)
and cp932, in that order. Nothing here writes anything.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls")
TEXT_SUFFIXES = (".csv", ".tsv")
SUFFIXES = SPREADSHEET_SUFFIXES + TEXT_SUFFIXES
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNZIPPED = 1_000_000_000  # 1 GB of XML: a small file expanding beyond this is refused (zip bomb)


@dataclass
class SheetGrid:
    """One sheet as a grid: ``rows[0]`` is Excel row 1, ``rows[r][0]`` column A."""

    name: str  # '' for a CSV file
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, c0, r1, c1), 0-based, inclusive
    hidden: bool = False

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class SourceFile:
    path: Path
    kind: str  # "xlsx" / "xls" / "csv"
    sheets: list[SheetGrid]
    encoding: str = ""  # CSV only

    @property
    def is_csv(self) -> bool:
        return self.kind == "csv"


def find_inputs(paths: Iterable[Path], *, exclude: Iterable[Path] = ()) -> list[Path]:
    """The files to read: files as given, folders searched recursively for spreadsheets and CSVs."""
    excluded = {_resolved(p) for p in exclude}
    out: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise UsageError(f"{path} が見つかりません。", "ファイル名やフォルダー名を確かめてください。")
        if path.is_dir():
            found = sorted(
                (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and _wanted(p)),
                key=lambda p: str(p.relative_to(path)),
            )
        else:
            if path.suffix.lower() not in SUFFIXES:
                raise UsageError(
                    f"{path.name} は取り込める形式ではありません。",
                    "取り込めるのは .xlsx .xlsm .xls .csv .tsv です。",
                )
            found = [path]
        for p in found:
            key = _resolved(p)
            if key in seen or key in excluded:
                continue
            seen.add(key)
            out.append(p)
    return out


def _wanted(p: Path) -> bool:
    """Skip Excel's owner files (~$…), hidden files and anything inside a hidden folder (.history)."""
    return not any(part.startswith((".", "~$")) for part in p.parts[-1:]) and not any(
        part.startswith(".") and part not in (".", "..") for part in p.parent.parts
    )


def _resolved(p: Path) -> Path:
    try:
        return p.resolve()
    except OSError:
        return p.absolute()


# --- spreadsheets -------------------------------------------------------------------
def read_file(path: Path) -> SourceFile:
    """Read one input file; an unreadable one raises InputError naming it."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_text_table(path)
    return read_spreadsheet(path)


def _unreadable(path: Path, why: str, hint: str = "") -> InputError:
    return InputError(
        why,
        hint or "Excel で開けるか確かめ、開ける場合は「名前を付けて保存」で .xlsx として保存し直してから取り込んでください。"
        "このファイルを除いて続けるには --skip-bad を付けてください。",
        path=path,
    )


def read_spreadsheet(path: Path) -> SourceFile:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        head = path.read_bytes()[:8] if path.stat().st_size < 64 else _head(path)
    except OSError as exc:
        raise _unreadable(path, "ファイルを開けません(使用中か、読み取りの権限がありません)。") from exc
    suffix = path.suffix.lower()
    if not head:
        raise _unreadable(path, "ファイルが空です(0 バイト)。")
    if suffix in (".xlsx", ".xlsm"):
        if head.startswith(OLE_MAGIC):
            raise _unreadable(
                path, "パスワードで保護(暗号化)されたブックのため読めません。",
                "Excel でパスワードを解除して保存し直してから取り込んでください。"
                "このファイルを除いて続けるには --skip-bad を付けてください。")
        if not head.startswith(ZIP_MAGIC):
            raise _unreadable(path, "Excel のブックではないか、壊れています。")
        _check_zip(path)
    elif suffix == ".xls" and not head.startswith(OLE_MAGIC):
        if head.startswith(ZIP_MAGIC):
            _check_zip(path)  # an .xlsx saved with the wrong extension: calamine reads it by content
        else:
            raise _unreadable(path, "Excel 97-2003 形式(.xls)のブックではないか、壊れています。")
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own error types (PasswordError, XmlError, ZipError, CalamineError)
        kind = type(exc).__name__
        if "Password" in kind or "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _unreadable(
                path, "パスワードで保護(暗号化)されたブックのため読めません。",
                "Excel でパスワードを解除して保存し直してから取り込んでください。"
                "このファイルを除いて続けるには --skip-bad を付けてください。") from exc
        raise _unreadable(path, "ブックを読めません(壊れているか、Excel の形式ではありません)。") from exc
    sheets: list[SheetGrid] = []
    try:
        metas = {m.name: m for m in wb.sheets_metadata}
        for name in wb.sheet_names:
            meta = metas.get(name)
            if meta is not None and "Work" not in str(meta.typ):  # chart sheets hold no cells
                continue
            hidden = meta is not None and meta.visible != SheetVisibleEnum.Visible
            try:
                sheet = wb.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            except Exception as exc:
                raise InputError(
                    "シートを読めません(壊れている可能性があります)。",
                    "Excel で開いて保存し直してから取り込んでください。このファイルを除いて続けるには --skip-bad を付けてください。",
                    path=path, sheet=name,
                ) from exc
            sheets.append(SheetGrid(name, rows, merged, hidden))
    finally:
        with contextlib.suppress(Exception):  # closing a read-only handle cannot lose data
            wb.close()
    kind = "xls" if suffix == ".xls" and head.startswith(OLE_MAGIC) else "xlsx"
    return SourceFile(path, kind, sheets)


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(8)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(path, "ブックが壊れています(zip として開けません)。") from exc
    if total > MAX_UNZIPPED:
        raise _unreadable(path, f"展開すると {total // 1_000_000:,} MB になるため読みません(異常に大きいブックです)。",
                          "中身を確かめ、必要なシートだけを別のブックに写してから取り込んでください。")
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise _unreadable(path, "Excel のブックではありません(zip の中に workbook がありません)。")


# --- CSV / TSV ------------------------------------------------------------------------
def decode_bytes(data: bytes) -> tuple[str, str]:
    """Bytes of a text table → (text, encoding name). UTF-8 (BOM) → UTF-16 → UTF-8 → cp932."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 (BOM付き)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    sample = data[:4000]
    if sample and sample.count(b"\x00") > len(sample) // 4:  # UTF-16 without BOM
        le = sample[1::2].count(0) > sample[0::2].count(0)
        try:
            return data.decode("utf-16-le" if le else "utf-16-be"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932"), "Shift_JIS (cp932)"
    except UnicodeDecodeError as exc:
        raise ValueError("unknown encoding") from exc


def read_text_table(path: Path) -> SourceFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, "ファイルを開けません(使用中か、読み取りの権限がありません)。") from exc
    if data.startswith((OLE_MAGIC, ZIP_MAGIC)):
        raise _unreadable(path, "CSV ではなく Excel のブックのようです。",
                          "拡張子を .xlsx(または .xls)に直してから取り込んでください。")
    try:
        text, encoding = decode_bytes(data)
    except ValueError as exc:
        raise _unreadable(path, "文字コードを判別できません(UTF-8・Shift_JIS・UTF-16 のどれでもありません)。",
                          "Excel で開いて「CSV UTF-8(コンマ区切り)」で保存し直してから取り込んでください。") from exc
    if "\x00" in text:
        raise _unreadable(path, "テキストの表ではないようです(バイナリのデータが含まれています)。")
    delimiter = _delimiter(path, text, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [list(r) for r in reader]
    except csv.Error as exc:
        raise _unreadable(path, f"CSV の形が崩れています({exc})。") from exc
    return SourceFile(path, "csv", [SheetGrid("", rows)], encoding)


def _delimiter(path: Path, text: str, encoding: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    head = text[:5000]
    lines = [line for line in head.splitlines()[:30] if line.strip()]
    tabs = sum(line.count("\t") for line in lines)
    commas = sum(line.count(",") for line in lines)
    if encoding == "UTF-16" and tabs:
        return "\t"
    return "\t" if tabs > commas else ","
