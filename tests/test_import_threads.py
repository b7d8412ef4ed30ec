"""The threads of `shigen import` (issue 18): the warm-up beside the first file's parse, and results that do not
depend on it."""

from __future__ import annotations

import json
import threading
import time

import pytest
from builders import load, make_workspace
from import_fixtures import genre_sheets_xlsx

from shigen import schema as S
from shigen.importer import merge
from shigen.importer.merge import WarmUp, run_import


def _warm_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "shigen-warm-up"]


def test_the_warm_up_stops_once_the_first_file_is_read_and_is_waited_for(tmp_path):
    """Steps run until the file is read, the one under way is finished, the rest are left for later."""
    src = genre_sheets_xlsx(tmp_path)
    done: list[int] = []
    started = threading.Event()

    def slow(i: int):  # each step waits for the parse to be under way and then takes longer than it
        def step() -> None:
            started.wait(5)
            time.sleep(0.3)
            done.append(i)
        return step

    warm = WarmUp([slow(i) for i in range(20)])
    started.set()
    source = warm.read(src)
    assert source.sheets and not warm._thread.is_alive()
    assert 1 <= len(done) < 20  # the step under way finished; no step starts after the read
    count = len(done)
    time.sleep(0.4)
    assert len(done) == count


def test_a_failing_warm_up_step_changes_nothing(tmp_path, monkeypatch):
    """A step that fails only leaves its cache empty: the import reads, matches and saves the same records."""
    src = genre_sheets_xlsx(tmp_path)
    monkeypatch.setattr(merge, "WARM_UP_FROM", 0)  # the small fixture warmed up like a big list
    results = []
    called = []
    for broken in (False, True):
        ws = make_workspace(tmp_path / f"ws{broken}", [], settings={S.SETTING_AREA_CODE: "0479"})
        if broken:
            def boom() -> None:
                called.append(1)
                raise RuntimeError("warm-up failed")
            monkeypatch.setattr(merge, "_warm_up_steps", lambda cat, writing: [boom])
        result = run_import(ws, [src], by="テスト")
        results.append(([(r.name, r.get("phone"), r.get("genre"), r.get("district")) for r in load(ws).records],
                         json.dumps(result.to_dict(), ensure_ascii=False, default=str).count("new")))
        assert not _warm_threads()
    assert results[0] == results[1] and results[0][0]
    assert called == [1]


def test_a_small_first_file_is_read_without_a_warm_up(tmp_path, monkeypatch):
    """Parsed before a step would be done (a 1,500-row list in ~0.03 s): the command would only wait for it."""
    asked = []
    monkeypatch.setattr(merge, "_warm_up_steps", lambda cat, writing: asked.append(1) or [lambda: asked.append(2)])
    ws = make_workspace(tmp_path / "ws", [], settings={S.SETTING_AREA_CODE: "0479"})
    run_import(ws, [genre_sheets_xlsx(tmp_path)], by="テスト")
    assert 2 not in asked and load(ws).records


def test_no_warm_up_thread_is_left_when_the_command_fails_before_reading(tmp_path):
    ws = make_workspace(tmp_path, [])
    ws.catalogue.unlink()  # no master: the command stops before any file is read
    from shigen.errors import ShigenError

    with pytest.raises(ShigenError):  # whichever says the master is missing
        run_import(ws, [genre_sheets_xlsx(tmp_path)], by="テスト")
    assert not _warm_threads()


def test_an_unreadable_first_file_is_the_usual_error_with_the_warm_up_stopped(tmp_path):
    from shigen.errors import InputError

    ws = make_workspace(tmp_path, [])
    bad = tmp_path / "壊れた.xlsx"
    bad.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    before = ws.catalogue.read_bytes()
    with pytest.raises(InputError, match="壊れた.xlsx|ブック"):
        run_import(ws, [bad], by="テスト")
    assert not _warm_threads() and ws.catalogue.read_bytes() == before
