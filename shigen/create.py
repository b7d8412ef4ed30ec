"""Creating a workspace and an empty master workbook (`shigen init`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import master
from . import schema as S
from .errors import UsageError
from .model import Catalogue, Genre, Settings
from .workspace import Workspace
from .xlsx_style import a4, set_widths, style_header_row

if TYPE_CHECKING:  # openpyxl is imported when a master is made, not when the CLI starts
    from openpyxl import Workbook

EXPORTS_README = "shigen が書き出したファイル(一覧・報告書・更新作業用ブック)がここに入ります。\n"


@dataclass
class InitResult:
    catalogue: Path
    created_folders: list[Path]
    districts: int
    genres: int
    coordinators: int
    settings_source: Path | None
    municipality_code: str = ""  # 設定『自治体コード』as written
    code_note: str = ""  # why the code could not be derived from the municipality name ('' when it was, or given)


def default_genres() -> list[Genre]:
    genres = []
    for i, seed in enumerate(S.DEFAULT_GENRES, start=1):
        required = S.DEFAULT_REQUIRED + ("contact",) + tuple(k for k in seed.required if k not in S.DEFAULT_REQUIRED)
        genres.append(Genre(seed.name, i, required, seed.synonyms, seed.description))
    return genres


def _settings_source(path: Path) -> Catalogue:
    """The settings sheets of ``--settings``; a missing or unreadable source is said as such (not as a missing master)."""
    from .errors import InputError

    if not path.exists():
        raise UsageError(f"--settings に指定した設定の写し元 {path} がありません。",
                         "ファイル名と場所を確かめてください(昨年の台帳や 設定.xlsx など、シート『地区』『ジャンル』"
                         "『コーディネーター』『設定』を持つブック)。--settings を外すと、設定なしの台帳を作ります。")
    if path.is_dir():
        raise UsageError(f"--settings に指定した {path} はフォルダーです。",
                         "設定のシートを持つブック(.xlsx)を指定してください。")
    try:
        return master.load_settings_workbook(path)
    except InputError as exc:
        if "設定のシート" in exc.message:
            raise
        raise InputError("--settings に指定した設定の写し元を読めません(壊れているか、Excel 形式ではありません)。",
                         "Excel で開けるか確かめ、.xlsx として保存し直してから指定してください。", path=path) from exc


def init_workspace(ws: Workspace, *, municipality: str = "", settings_from: Path | None = None,
                   force: bool = False, municipality_code: str = "") -> InitResult:
    """Create workbooks/, exports/ and the master workbook with its settings sheets."""
    path = ws.catalogue
    if path.exists() and not force:
        raise UsageError(
            f"台帳 {path} はすでにあります。",
            "作り直す場合は --force を付けてください(今の台帳は workbooks/.history/ に控えを残します)。",
        )
    src = _settings_source(settings_from) if settings_from is not None else None  # before anything is created
    created = []
    for folder in (ws.workbooks, ws.exports, path.parent):
        if not folder.exists():
            folder.mkdir(parents=True)
            created.append(folder)
    readme = ws.exports / "README.txt"
    if not readme.exists():
        readme.write_text(EXPORTS_README, encoding="utf-8")

    cat = Catalogue(path=path, genres=default_genres(),
                    settings=Settings({k: v for k, (v, _) in S.SETTING_DEFAULTS.items()}))
    if src is not None:
        cat.districts = src.districts
        cat.coordinators = src.coordinators
        if src.genres:
            cat.genres = src.genres
        cat.settings.values.update({k: v for k, v in src.settings.values.items() if v})
    if municipality:
        cat.settings.values[S.SETTING_MUNICIPALITY] = municipality
    code_note = set_municipality_code(cat.settings.values, municipality_code)

    wb = build_master_workbook()
    master._write_settings_sheets(wb, cat)
    _style_settings_sheets(wb)
    if path.exists():
        with master.master_lock(path):
            master.backup(path)
            master.atomic_save(wb, path)
    else:
        master.atomic_save(wb, path)
    return InitResult(path, created, len(cat.districts), len(cat.genres), len(cat.coordinators), settings_from,
                      cat.settings.values.get(S.SETTING_MUNICIPALITY_CODE, ""), code_note)


def set_municipality_code(values: dict[str, str], code: str = "") -> str:
    """Fill 設定『自治体コード』『都道府県名』『市区町村名』 from ``code`` or, without one, from 自治体名.

    A given code must carry a valid check digit and agree with 自治体名 (UsageError otherwise). Returns ''
    when the code is set, else why it could not be derived (the name is unknown or found in several
    prefectures); settings already filled (copied with --settings) are kept.
    """
    from . import lgcode

    name = values.get(S.SETTING_MUNICIPALITY, "").strip()
    if code:
        normal = lgcode.normalize(code)
        why = lgcode.problem(normal or code)
        if why:
            raise UsageError(f"--municipality-code『{code}』は全国地方公共団体コードとして正しくありません({why})。",
                             "総務省の全国地方公共団体コード(6桁、例: 旭市 122157)を指定してください。")
        gov = lgcode.by_code(normal)
        if gov and name and gov not in lgcode.find(name, values.get(S.SETTING_PREFECTURE, "")):
            raise UsageError(f"--municipality『{name}』と --municipality-code {normal}({gov.full_name})が食い違っています。",
                             "どちらかを直してください(--municipality を外すとコードの団体名を使います)。")
        values[S.SETTING_MUNICIPALITY_CODE] = normal
        if gov:
            values[S.SETTING_PREFECTURE] = gov.prefecture
            values[S.SETTING_CITY] = "" if gov.is_prefecture else gov.name
            if not name:
                values[S.SETTING_MUNICIPALITY] = gov.name
        return ""
    if values.get(S.SETTING_MUNICIPALITY_CODE) or not name:
        return "" if values.get(S.SETTING_MUNICIPALITY_CODE) else "自治体名が指定されていません"
    found = lgcode.find(name, values.get(S.SETTING_PREFECTURE, ""))
    if len(found) == 1:
        gov = found[0]
        values[S.SETTING_MUNICIPALITY_CODE] = gov.code
        values[S.SETTING_PREFECTURE] = gov.prefecture
        values[S.SETTING_CITY] = "" if gov.is_prefecture else gov.name
        return ""
    if found:
        places = "・".join(f"{g.prefecture}({g.code})" for g in found)
        return f"『{name}』は {places} にあります。--municipality-code で指定するか、『{found[0].full_name}』のように都道府県名から書いてください"
    return f"『{name}』は全国地方公共団体コードの一覧にありません。--municipality-code で指定してください"


def build_master_workbook() -> Workbook:
    """An empty master: every sheet, styled header, validation lists, widths, print setup."""
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = S.SHEET_RESOURCES
    ws.append(list(S.HEADERS))
    style_header_row(ws, len(S.HEADERS))
    ws.row_dimensions[1].height = 30
    set_widths(ws, [f.width for f in S.FIELDS])
    ws.freeze_panes = "C2"  # ID and 名称 stay visible while scrolling right
    ws.auto_filter.ref = f"A1:{get_column_letter(len(S.HEADERS))}2"
    a4(ws)
    for i, f in enumerate(S.FIELDS, start=1):
        letter = get_column_letter(i)
        rng = f"{letter}2:{letter}1048576"
        if f.kind is S.Kind.ENUM:
            dv = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorStyle="warning",
                                errorTitle=f.header, error=f"{f.header} は一覧から選んでください。",
                                promptTitle=f.header, prompt="一覧から選んでください。")
            dv.add(rng)
            ws.add_data_validation(dv)
        elif f.key in ("genre", "district"):
            sheet = S.SHEET_GENRES if f.key == "genre" else S.SHEET_DISTRICTS
            dv = DataValidation(type="list", formula1=f"='{sheet}'!$A$2:$A$200", allow_blank=True,
                                showErrorMessage=True, errorStyle="warning", errorTitle=f.header,
                                error=f"シート『{sheet}』にない{f.header}です。よければ『はい』を押してください。")
            dv.add(rng)
            ws.add_data_validation(dv)
        elif f.kind is S.Kind.DATE:
            ws.column_dimensions[letter].number_format = "yyyy/mm/dd"
        if f.kind in (S.Kind.PHONE, S.Kind.POSTAL, S.Kind.ID):
            ws.column_dimensions[letter].number_format = "@"
    for name, headers in (
        (S.SHEET_DISTRICTS, S.DISTRICT_HEADERS),
        (S.SHEET_GENRES, S.GENRE_HEADERS),
        (S.SHEET_COORDINATORS, S.COORDINATOR_HEADERS),
        (S.SHEET_SETTINGS, S.SETTING_HEADERS),
        (S.SHEET_HISTORY, S.HISTORY_HEADERS),
        (S.SHEET_ASSIGNMENTS, S.ASSIGNMENT_HEADERS),
        (S.SHEET_INQUIRIES, S.INQUIRY_HEADERS),
    ):
        sheet = wb.create_sheet(name)
        sheet.append(list(headers))
    return wb


_SETTINGS_WIDTHS = {
    S.SHEET_DISTRICTS: (14, 8, 60, 30, 24),
    S.SHEET_GENRES: (22, 8, 50, 60, 40),
    S.SHEET_COORDINATORS: (14, 8, 24, 40, 6, 30),
    S.SHEET_SETTINGS: (20, 30, 70),
    S.SHEET_HISTORY: (19, 12, 10, 9, 14, 30, 30, 30),
    S.SHEET_ASSIGNMENTS: (8, 9, 14, 10, 19),
    S.SHEET_INQUIRIES: (9, 28, 12, 10, 12, 6, 30),
}


def _style_settings_sheets(wb: Workbook) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.worksheet.datavalidation import DataValidation

    for name, widths in _SETTINGS_WIDTHS.items():
        ws = wb[name]
        style_header_row(ws, len(widths))
        set_widths(ws, widths)
        ws.freeze_panes = "A2"
        a4(ws, landscape=True)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for name, col in ((S.SHEET_DISTRICTS, "B"), (S.SHEET_COORDINATORS, "B")):
        dv = DataValidation(type="list", formula1='"' + ",".join(S.TIER_CHOICES) + '"', allow_blank=True)
        dv.add(f"{col}2:{col}500")
        wb[name].add_data_validation(dv)
    dv = DataValidation(type="list", formula1='"○,×"', allow_blank=True)
    dv.add("E2:E500")
    wb[S.SHEET_COORDINATORS].add_data_validation(dv)
