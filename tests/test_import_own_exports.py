"""Re-importing shigen's own exports (issue 13, item 8): each record once, every exported field back in its place,
備考 unchanged, and shigen's computed columns (確認状況) nowhere — not in 備考, not in an extra column."""

from __future__ import annotations

import datetime as dt

import pytest
from builders import load, make_workspace, record

from shigen import schema as S
from shigen.create import init_workspace
from shigen.export import ExportOptions, export
from shigen.export.columns import PUBLIC_DATA_KEYS, PUBLIC_XLSX_KEYS
from shigen.importer import read_paths
from shigen.importer.report import SHEET_EXPORT_REPEAT, SHEET_IMPORTED
from shigen.master import save_catalogue
from shigen.workspace import Workspace

AS_OF = dt.date(2027, 4, 1)
EXTRA = "事業所番号"


def _records() -> list[dict[str, str]]:
    return [
        record(),  # 配食・弁当, no 備考
        record(name="あおぞらサロン", kana="あおぞらさろん", genre="サロン・交流の場", phone="0479-62-2222",
               notes="駐車場あり\n第2水曜は休み", memo="内部のメモ", contact_person="山田 太郎"),
        record(name="古くなった移動販売", kana="ふるくなったいどうはんばい", genre="移動販売",
               last_confirmed="2020-01-01", notes="雨天中止"),  # 確認状況 期限切れ: staff only, not public
        record(name="関係者だけの見守り", kana="かんけいしゃだけのみまもり", genre="見守り・安否確認",
               visibility=S.VISIBILITY_STAFF, phone="0479-62-3333"),
    ]


@pytest.fixture
def source(tmp_path):
    ws = make_workspace(tmp_path / "元", _records())
    cat = load(ws)
    cat.records[0].extra[EXTRA] = "1270000001"
    cat.extra_columns = [EXTRA]
    save_catalogue(cat)
    return ws


def _export(ws: Workspace, fmt: str, audience: str):  # type: ignore[no-untyped-def]
    return export(load(ws), ws, ExportOptions(format=fmt, audience=audience, as_of=AS_OF)).path


def _reimport(path, tmp_path, cli):  # type: ignore[no-untyped-def]
    fresh = tmp_path / f"先_{path.suffix[1:]}_{len(list(tmp_path.iterdir()))}"
    init_workspace(Workspace.resolve(fresh), municipality="みどり野市")
    result = cli("-w", fresh, "import", path, "--by", "テスト")
    assert result.exit_code == 0, result.stderr
    return load(Workspace.resolve(fresh))


def _no_computed_anywhere(cat) -> None:  # type: ignore[no-untyped-def]
    for h in S.EXPORT_COMPUTED_HEADERS:
        assert h not in cat.extra_columns
        for r in cat.records:
            assert h not in r.extra, r.name
            for key in S.KEYS:
                assert h not in r.get(key), (r.name, key, r.get(key))
            for value in ("確認済み", "期限切れ", "期限間近"):  # freshness texts never land in a field
                assert r.get("notes").find(value) < 0, r.name


@pytest.mark.parametrize(("fmt", "audience"), [("xlsx", "staff"), ("csv", "staff"), ("xlsx", "public"),
                                               ("csv", "public")])
def test_an_export_imports_back_once_with_every_field_in_its_place(source, tmp_path, cli, fmt, audience):
    original = {r.name: r for r in load(source).records}
    path = _export(source, fmt, audience)
    cat = _reimport(path, tmp_path, cli)
    names = [r.name for r in cat.records]
    assert len(names) == len(set(names)), names  # the genre sheets, 印刷用 and the cover are not read again
    staff = audience == "staff"
    expected = set(original) if staff else {"みどり配食サービス", "あおぞらサロン"}
    assert set(names) == expected
    if staff:
        keys = [k for k in S.KEYS if k not in ("id", "source", "updated_at")]
    else:
        keys = [k for k in (PUBLIC_XLSX_KEYS if fmt == "xlsx" else PUBLIC_DATA_KEYS) if k != "id"]
    for rec in cat.records:
        before = original[rec.name]
        for key in keys:
            assert rec.get(key) == before.get(key), (rec.name, key)
        assert rec.get("notes") == before.get("notes"), rec.name  # 備考 unchanged: nothing appended
        if staff and before.extra.get(EXTRA):
            assert str(rec.extra.get(EXTRA)) == before.extra[EXTRA]  # the user's own extra column comes back
    if not staff:
        for rec in cat.records:
            for key in S.INTERNAL_KEYS:
                if key not in ("source", "updated_at", "status"):
                    assert not rec.get(key), (rec.name, key)
    _no_computed_anywhere(cat)


def test_the_staff_workbook_is_recognised_and_only_its_all_sheet_read(source, tmp_path):
    path = _export(source, "xlsx", "staff")
    import openpyxl  # opened and saved again by a person (openpyxl stands in for Excel): still recognised

    wb = openpyxl.load_workbook(path)
    assert wb.properties.category == S.EXPORT_MARK
    resaved = tmp_path / "保存し直した一覧.xlsx"
    wb.save(resaved)
    for p in (path, resaved):
        result = read_paths([p], load(source))
        (report,) = result.files
        assert report.shigen_export
        status = {s.sheet: s.status for s in report.sheets}
        assert status[S.EXPORT_ALL_SHEET] == SHEET_IMPORTED
        others = [name for name in status if name != S.EXPORT_ALL_SHEET]
        assert set(S.EXPORT_REPEATING_SHEETS) <= set(others) and len(others) > 2  # cover, 印刷用, genre sheets
        assert all(status[name] == SHEET_EXPORT_REPEAT for name in others)
        assert len(result.rows) == len(load(source).records)
        (all_sheet,) = [s for s in report.sheets if s.sheet == S.EXPORT_ALL_SHEET]
        targets = {c.header: c.target for c in all_sheet.columns}
        for f in S.FIELDS:  # every column is its field by the schema header
            assert targets[f.header] == f.key, f.header
        assert all(targets[h] == "computed" for h in S.EXPORT_COMPUTED_HEADERS)


def test_a_workbook_without_the_mark_is_read_sheet_by_sheet(source, tmp_path):
    """The mark, not the sheet names, decides: a person's own workbook with a 全件 sheet keeps every sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(_export(source, "xlsx", "staff"))
    wb.properties.category = None
    plain = tmp_path / "自作の一覧.xlsx"
    wb.save(plain)
    result = read_paths([plain], load(source))
    (report,) = result.files
    assert not report.shigen_export
    assert all(s.status != SHEET_EXPORT_REPEAT for s in report.sheets)
    assert len(result.rows) > len(load(source).records)  # the genre sheets are read as well
