"""assign's value checks read the columns the master was loaded from (issue 18): the same answer as from Records."""

from __future__ import annotations

import datetime as dt
import random

from builders import make_workspace, record

from shigen import assign_run
from shigen.master import load_catalogue
from shigen.update_book import doubtful_fields

AS_OF = dt.date(2027, 4, 1)


def _workspace(tmp_path):
    recs = [record(name="A", phone="不明", fee="要確認", fax="03-12"), record(name="B", phone="0479-62-111", email="a@"),
            record(name="C", hours="？", postal_code="12-34", url="htp:/x"), record(name="D"),
            record(name="E", days="未定", phone="090-1234-567", fax="不明"), record(name="F", fee="未定", area="？"),
            *(record(name=f"G{i}", phone="要確認" if i % 3 == 0 else "0479-62-1111") for i in range(12))]
    return make_workspace(tmp_path, recs)


def _ordered(doubts):
    return {rid: list(keys.items()) for rid, keys in doubts.items()}  # the order of the keys counts (comments)


def test_doubtful_fields_from_the_loaded_columns_equal_those_from_the_records(tmp_path):
    ws = _workspace(tmp_path)
    cat = load_catalogue(ws.catalogue, keep_columns=True)
    assert cat.read_columns is not None and len(cat.read_columns) == len(cat.records)
    whole = doubtful_fields(cat, cat.records, AS_OF)
    assert len(whole) >= 8 and any(len(keys) >= 2 for keys in whole.values())
    assert _ordered(doubtful_fields(cat, cat.records, AS_OF, columns=cat.read_columns)) == _ordered(whole)
    rng = random.Random(7)
    for _ in range(10):  # a part of the records, in any order (a share of the plan): only theirs, the same
        part = rng.sample(cat.records, rng.randrange(1, len(cat.records)))
        assert (_ordered(doubtful_fields(cat, part, AS_OF, columns=cat.read_columns))
                == _ordered(doubtful_fields(cat, part, AS_OF)))


def test_columns_are_kept_only_when_asked_and_used_only_while_they_match_the_records(tmp_path):
    ws = _workspace(tmp_path)
    assert load_catalogue(ws.catalogue).read_columns is None
    cat = load_catalogue(ws.catalogue, keep_columns=True)
    assert assign_run._columns_of(cat) is cat.read_columns
    cat.records.pop()  # records no longer those the columns hold: the checks read the records
    assert assign_run._columns_of(cat) is None
    cat = load_catalogue(ws.catalogue, keep_columns=True)
    cat.records[0], cat.records[1] = cat.records[1], cat.records[0]
    assert assign_run._columns_of(cat) is None


def test_the_printing_warm_up_runs_in_the_preload_thread_and_a_failing_step_changes_nothing(tmp_path):
    """The CLI's printing steps (rich's table and consoles) run in the thread that imports while the master is
    parsed; a step that fails is ignored (its real use redoes it) and assign writes its books as ever."""
    import threading

    from shigen.assign_run import run_assign

    ws = _workspace(tmp_path)
    ran_in: list[str] = []

    def broken() -> None:
        raise RuntimeError("no terminal")

    result = run_assign(ws, method="district", year="2027", as_of=AS_OF,
                        warm_up=[lambda: ran_in.append(threading.current_thread().name), broken,
                                 lambda: ran_in.append("after")])
    assert ran_in == ["shigen-preload", "after"]
    assert result.written is not None and all(p.exists() for p in result.written.books.values())
    assert len(load_catalogue(ws.catalogue).assignments) == len(load_catalogue(ws.catalogue).records)
