"""assign: books first, 担当履歴 only for books confirmed written; coordinator names that collide or are too long."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from builders import load, make_workspace
from test_assign import mixed_records

from shigen import schema as S
from shigen import update_book_write
from shigen.assign_run import book_targets, run_assign
from shigen.model import Coordinator
from shigen.update_book_read import read_update_book
from shigen.workspace import safe_filename

AS_OF = dt.date(2027, 4, 1)


def test_a_book_that_fails_to_write_leaves_no_assignment_and_no_lock(tmp_path, monkeypatch):
    ws = make_workspace(tmp_path, mixed_records(24))
    real = update_book_write.write_update_book
    calls = []

    def second_fails(path, *a, **kw):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        return real(path, *a, **kw)

    monkeypatch.setattr(update_book_write, "write_update_book", second_fails)
    with pytest.raises(OSError):
        run_assign(ws, method="district", year="2027", as_of=AS_OF)
    assert load(ws).assignments == []  # nothing recorded for books nobody received
    assert not list(ws.catalogue.parent.glob(".catalogue.xlsx.lock*"))
    monkeypatch.setattr(update_book_write, "write_update_book", real)
    result = run_assign(ws, method="district", year="2027", as_of=AS_OF)  # the next run works
    assert len(load(ws).assignments) == 24 and len(result.written.books) == 4


def test_only_books_confirmed_written_are_recorded(tmp_path, monkeypatch):
    ws = make_workspace(tmp_path, mixed_records(24))
    real = update_book_write.write_update_book

    def truncated_for_tanaka(path, cat, plan, share, *a, **kw):
        real(path, cat, plan, share, *a, **kw)
        if share.coordinator == "田中 健":
            if kw.get("packer") is not None:
                kw["packer"].wait()  # the book is zipped and written by the packer's thread (issue 18)
            path.write_bytes(path.read_bytes()[:100])  # a book cut short (disk trouble without an error)

    monkeypatch.setattr(update_book_write, "write_update_book", truncated_for_tanaka)
    result = run_assign(ws, method="district", year="2027", as_of=AS_OF)
    recorded = {a.coordinator for a in load(ws).assignments}
    assert "田中 健" in result.written.books and "田中 健" not in recorded
    assert recorded == set(result.written.books) - {"田中 健"}
    for name in recorded:  # every recorded book opens and names its coordinator
        assert read_update_book(result.written.books[name]).meta.coordinator == name


def test_no_worker_process_and_nothing_left_in_the_temp_folder(tmp_path, monkeypatch):
    import subprocess
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))

    def no_child(*a, **kw):
        raise AssertionError("assign started a child process")

    monkeypatch.setattr(subprocess, "Popen", no_child)
    ws = make_workspace(tmp_path / "ws", mixed_records(300))  # no size threshold any more: no worker at any size
    run_assign(ws, method="district", year="2027", as_of=AS_OF)
    assert list(tmp.iterdir()) == []
    assert len(load(ws).assignments) == 300


@pytest.mark.parametrize("name", ["回収状況", "担当一覧", "~$佐藤", "~佐藤", ".~lock.佐藤#", "..", "CON"])
def test_coordinator_names_that_look_like_other_files_get_a_book_of_their_own(tmp_path, name):
    coords = [Coordinator(name, S.TIER_1), Coordinator("鈴木 一郎", S.TIER_2, ("中央地区",))]
    ws = make_workspace(tmp_path, mixed_records(12), coordinators=coords)
    result = run_assign(ws, method="district", year="2027", as_of=AS_OF)
    path = result.written.books[name]
    assert path.name not in ("回収状況.xlsx", "担当一覧.xlsx")
    assert not path.name.startswith(("~", "."))
    assert path.parent == result.written.folder
    assert read_update_book(path).meta.coordinator == name
    assert name in {a.coordinator for a in load(ws).assignments}


def test_names_are_limited_by_bytes_not_characters(tmp_path):
    long_a = "あ" * 120 + "一"  # 363 bytes in UTF-8
    long_b = "あ" * 120 + "二"  # the same first 200 bytes
    assert len(safe_filename(long_a).encode("utf-8")) <= 200
    assert safe_filename("é" * 300).encode("utf-8").decode("utf-8")  # never cut inside a character
    coords = [Coordinator(long_a, S.TIER_2, ("中央地区", "北地区")), Coordinator(long_b, S.TIER_2, ("南地区", "東地区"))]
    ws = make_workspace(tmp_path, mixed_records(12), coordinators=coords)
    result = run_assign(ws, method="district", year="2027", as_of=AS_OF)
    paths = result.written.books
    assert len({p.name for p in paths.values()}) == 2  # cut to the same bytes, still two files
    for name, p in paths.items():
        assert len(p.name.encode("utf-8")) <= 255 and p.exists()
        assert read_update_book(p).meta.coordinator == name
    assert len(os.fsencode(book_targets(result.plan, tmp_path)[long_a].name)) <= 255


def test_assign_cli_with_a_long_name_exits_0(tmp_path, cli):
    coords = [Coordinator("長" * 200, S.TIER_1)]
    make_workspace(tmp_path, mixed_records(6), coordinators=coords)
    result = cli("assign", "--by", "district", "--year", "2027")
    assert result.exit_code == 0, result.output


def test_assign_appends_without_rewriting_the_resource_rows(tmp_path, monkeypatch):
    """assign changes no record: the fast save copies 資源一覧 byte for byte and only appends 担当履歴 / 履歴."""
    import zipfile

    from shigen import xlsx_patch

    ws = make_workspace(tmp_path, mixed_records(24))

    def parts() -> dict[str, bytes]:
        with zipfile.ZipFile(ws.catalogue) as z:
            return {n: z.read(n) for n in z.namelist()}

    def sheet_part(name: str) -> str:
        from shigen.xlsx_patch import _sheet_parts

        with zipfile.ZipFile(ws.catalogue) as z:
            return _sheet_parts(z)[0][name]

    before = parts()
    records_before = [r.values for r in load(ws).records]

    def no_rewrite(*a, **kw):
        raise AssertionError("資源一覧 rewritten")  # the fast save would fall back to openpyxl: seen below

    monkeypatch.setattr(xlsx_patch, "ResourcesWriter", no_rewrite)
    result = run_assign(ws, method="district", year="2027", as_of=AS_OF)
    after = parts()
    assert xlsx_patch.last_path == "fast", xlsx_patch.last_reason
    assert after[sheet_part(S.SHEET_RESOURCES)] == before[sheet_part(S.SHEET_RESOURCES)]
    assert after[sheet_part(S.SHEET_ASSIGNMENTS)] != before[sheet_part(S.SHEET_ASSIGNMENTS)]
    cat = load(ws)
    assert [r.values for r in cat.records] == records_before
    assert {a.coordinator for a in cat.assignments} == set(result.written.books)
    assert not cat.records_untouched  # the promise holds for one save only
