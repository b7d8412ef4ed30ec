"""shigen.cyclegc: the cycle collector once per book, and everything as it was afterwards (issue 18)."""

from __future__ import annotations

import gc
import weakref

import pytest

from shigen.cyclegc import collector_per_batch


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cycle collector frees it


def test_cycles_of_a_batch_are_collected_by_batch_done_and_the_collector_state_comes_back():
    assert gc.isenabled() and gc.get_freeze_count() == 0
    before = _Node()  # exists before the batches: frozen, never walked while they run
    with collector_per_batch() as batch_done:
        assert not gc.isenabled() and gc.get_freeze_count() > 0
        node = _Node()
        ref = weakref.ref(node)
        del node
        assert ref() is not None  # automatic collection is off: the cycle waits …
        batch_done()
        assert ref() is None  # … until the batch is done
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert before.me is before


def test_a_failing_batch_restores_the_collector_and_a_disabled_collector_stays_disabled():
    with pytest.raises(RuntimeError), collector_per_batch():
        raise RuntimeError("disk full")
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        with collector_per_batch():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_assign_and_collect_leave_the_collector_as_they_found_it(tmp_path, cli):
    from builders import make_workspace
    from test_assign import mixed_records

    make_workspace(tmp_path, mixed_records(30))
    assert cli("assign", "--by", "district", "--year", "2027").exit_code == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0
    result = cli("collect", str(tmp_path / "exports" / "更新作業" / "2027"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert gc.isenabled() and gc.get_freeze_count() == 0
