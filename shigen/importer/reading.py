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
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema as S
from ..errors import InputError, UsageError

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
JSON_SUFFIXES = (".geojson", ".json")
SUFFIXES = SPREADSHEET_SUFFIXES + TEXT_SUFFIXES + JSON_SUFFIXES
FOLDER_SUFFIXES = SPREADSHEET_SUFFIXES + (".csv", ".tsv", ".geojson")  # what a folder is searched for
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAX_UNZIPPED = 500_000_000  # 500 MB of XML: a workbook expanding beyond this is refused (zip bomb)
MAX_RATIO = 200  # an entry expanding more than 200× and beyond MAX_RATIO_FLOOR is refused (sharedStrings bomb)
MAX_RATIO_FLOOR = 50_000_000


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
    kind: str  # "xlsx" / "xls" / "ods" / "csv" / "geojson"
    sheets: list[SheetGrid]
    encoding: str = ""  # CSV only
    # what reading changed (NUL bytes removed …): (finding code in shigen.findings, its template values)
    warnings: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    shigen_export: bool = False  # a workbook written by `shigen export` (document category schema.EXPORT_MARK)

    @property
    def is_csv(self) -> bool:
        """One table without sheet names (CSV, TSV, GeoJSON)."""
        return self.kind in ("csv", "geojson")


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
                (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES and _wanted(p)),
                key=lambda p: str(p.relative_to(path)),
            )
        else:
            found = [path]  # a file named on the command line is read by its content, whatever its name
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
    """Read one input file, sniffed by its content (not its name); an unreadable one raises InputError naming it."""
    try:
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as exc:
        raise _unreadable(path, "ファイルを開けません(使用中か、読み取りの権限がありません)。") from exc
    if not head:
        raise _unreadable(path, "ファイルが空です(0 バイト)。", "中身のあるファイルを指定してください。"
                          "このファイルを除いて続けるには --skip-bad を付けてください。")
    if head.startswith((OLE_MAGIC, ZIP_MAGIC)):
        return read_spreadsheet(path)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"[") and (path.suffix.lower() in JSON_SUFFIXES or b'"type"' in head or b"Feature" in head):
        return read_geojson(path)
    if path.suffix.lower() in (".pdf", ".doc", ".docx", ".png", ".jpg", ".jpeg", ".gif", ".zip", ".exe") or \
            head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8", b"GIF8", b"MZ")):
        raise _unreadable(path, "表のファイルではありません(取り込めるのは Excel・CSV・TSV・GeoJSON です)。",
                          "Excel で開ける一覧なら .xlsx で保存し直してから取り込んでください。"
                          "このファイルを除いて続けるには --skip-bad を付けてください。")
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        try:
            return read_text_table(path)  # a CSV saved under an Excel name is read as what it is
        except InputError:
            raise _unreadable(path, "Excel のブックではないか、壊れています。") from None
    return read_text_table(path)


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
    names: set[str] = set()
    if head.startswith(ZIP_MAGIC):
        names = _check_zip(path)  # sizes checked before anything is expanded; the reader decides the rest
    elif not head.startswith(OLE_MAGIC):
        raise _unreadable(path, "Excel のブックではないか、壊れています。")
    try:
        agrees = suffix in ((".xlsx", ".xlsm", ".xlsb", ".ods") if head.startswith(ZIP_MAGIC) else (".xls",))
        if agrees:
            wb = CalamineWorkbook.from_path(str(path))
        else:  # the name says otherwise (an .xlsx saved as .xls): calamine sniffs the content
            with path.open("rb") as handle:
                wb = CalamineWorkbook.from_filelike(handle)
    except Exception as exc:  # calamine's own error types (PasswordError, XmlError, ZipError, CalamineError)
        kind = type(exc).__name__
        if head.startswith(OLE_MAGIC) and suffix in (".xlsx", ".xlsm") or "Password" in kind \
                or "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise _unreadable(
                path, "パスワードで保護(暗号化)されたブックのため読めません。",
                "Excel でパスワードを解除して保存し直してから取り込んでください。"
                "このファイルを除いて続けるには --skip-bad を付けてください。") from exc
        if names and not any(n.replace("\\", "/").lower().endswith(("workbook.xml", "workbook.bin", "content.xml"))
                             for n in names):
            raise _unreadable(path, "Excel のブックではありません(zip の中に workbook がありません)。") from exc
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
    kind = "xls" if head.startswith(OLE_MAGIC) else ("ods" if any(n.endswith("content.xml") for n in names)
                                                     and not any(n.endswith("workbook.xml") for n in names) else "xlsx")
    return SourceFile(path, kind, sheets, shigen_export=bool(names) and _is_shigen_export(path, names))


_CATEGORY_RE = re.compile(rb"<(?:\w+:)?category>([^<]*)</(?:\w+:)?category>")


def _is_shigen_export(path: Path, names: set[str]) -> bool:
    """The workbook's document category (Excel: ファイル → 情報 → 分類) is schema.EXPORT_MARK; Excel keeps it on save."""
    core = next((n for n in names if n.replace("\\", "/").lower() == "docprops/core.xml"), None)
    if core is None:
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            if zf.getinfo(core).file_size > 1_000_000:
                return False
            data = zf.read(core)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return False
    m = _CATEGORY_RE.search(data)
    return m is not None and m.group(1).decode("utf-8", errors="replace").strip() == S.EXPORT_MARK


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(8)


def _check_zip(path: Path) -> set[str]:
    """Zip-bomb guard: the declared sizes and ratios are checked before anything is expanded."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable(path, "ブックが壊れています(zip として開けません)。") from exc
    total = sum(i.file_size for i in infos)
    worst = max(infos, key=lambda i: i.file_size / max(i.compress_size, 1), default=None)
    hint = "中身を確かめ、必要なシートだけを別のブックに写してから取り込んでください。このファイルを除いて続けるには --skip-bad を付けてください。"
    if total > MAX_UNZIPPED:
        raise _unreadable(path, f"展開すると {total // 1_000_000:,} MB になるため読みません(異常に大きいブックです)。", hint)
    if worst is not None and worst.file_size > MAX_RATIO_FLOOR and worst.file_size > MAX_RATIO * max(worst.compress_size, 1):
        raise _unreadable(path, f"『{worst.filename}』が {worst.file_size // 1_000_000:,} MB に膨らむ作りのため読みません"
                                f"(圧縮率 {worst.file_size // max(worst.compress_size, 1):,} 倍: 異常なブックです)。", hint)
    return {i.filename for i in infos}


# --- GeoJSON --------------------------------------------------------------------------------------
def read_geojson(path: Path) -> SourceFile:
    """A GeoJSON FeatureCollection as one table: properties as columns, a Point's coordinates as 緯度 / 経度."""
    import json

    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _unreadable(path, "JSON として読めません(形が崩れています)。",
                          "GeoJSON(FeatureCollection)か、Excel・CSV の一覧を指定してください。") from exc
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list):
        raise _unreadable(path, "GeoJSON の FeatureCollection ではありません(features がありません)。",
                          "地図データなら type が FeatureCollection のファイルを、そうでなければ Excel・CSV の一覧を指定してください。")
    keys: list[str] = []
    for f in features:
        props = f.get("properties") if isinstance(f, dict) else None
        for k in (props or {}):
            if k not in keys:
                keys.append(k)
    points = any(isinstance(f, dict) and isinstance(f.get("geometry"), dict)
                 and f["geometry"].get("type") == "Point" for f in features)
    header = keys + (["緯度", "経度"] if points else [])
    rows: list[list[Any]] = [list(header)]
    for f in features:
        props = (f.get("properties") if isinstance(f, dict) else None) or {}
        row = [_json_cell(props.get(k)) for k in keys]
        if points:
            geom = f.get("geometry") if isinstance(f, dict) else None
            coords = geom.get("coordinates") if isinstance(geom, dict) and geom.get("type") == "Point" else None
            if isinstance(coords, list) and len(coords) >= 2:
                row += [str(coords[1]), str(coords[0])]  # GeoJSON is [longitude, latitude]
            else:
                row += ["", ""]
        rows.append(row)
    return SourceFile(path, "geojson", [SheetGrid("", rows)], "UTF-8")


def _json_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return str(value)
    return value


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
    if b"\x1b$B" in data[:20000] or b"\x1b$@" in data[:20000] or b"\x1b(J" in data[:20000]:
        try:
            return data.decode("iso2022_jp_ext"), "ISO-2022-JP (JIS)"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    sjis_leads = sum(1 for b in data[:20000] if 0x81 <= b <= 0x9F and b not in (0x8E, 0x8F))
    if not sjis_leads:
        try:
            return data.decode("euc_jp"), "EUC-JP"
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
        return read_spreadsheet(path)
    warnings: list[tuple[str, dict[str, object]]] = []
    try:
        text, encoding = decode_bytes(data)
    except ValueError:
        nul = data.count(b"\x00")
        if not nul or nul > max(4, len(data) // 100):
            raise _unreadable(path, "文字コードを判別できません(UTF-8・Shift_JIS・EUC-JP・JIS・UTF-16 のどれでもありません)。",
                              "Excel で開いて「CSV UTF-8(コンマ区切り)」で保存し直してから取り込んでください。") from None
        try:
            text, encoding = decode_bytes(data.replace(b"\x00", b""))
        except ValueError:
            raise _unreadable(path, "文字コードを判別できません(テキストの表ではないようです)。") from None
    if "\x00" in text:
        nul = text.count("\x00")
        if nul > max(4, len(text) // 100):
            raise _unreadable(path, "テキストの表ではないようです(バイナリのデータが含まれています)。")
        text = text.replace("\x00", "")
        warnings.append(("file-nul-removed", {"count": nul}))
    if not text.strip():
        raise _unreadable(path, "ファイルが空です(文字がありません)。", "中身のある一覧を指定してください。"
                          "このファイルを除いて続けるには --skip-bad を付けてください。")
    if "\ufffd" in text:
        warnings.append(("file-mojibake", {"count": text.count(chr(0xFFFD))}))
    delimiter = _delimiter(path, text, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [list(r) for r in reader]
    except csv.Error as exc:
        raise _unreadable(path, f"CSV の形が崩れています({exc})。") from exc
    return SourceFile(path, "csv", [SheetGrid("", rows)], encoding, warnings)


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
