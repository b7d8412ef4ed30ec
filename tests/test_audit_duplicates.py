"""The duplicate finding measured on 250 labelled pairs (tests/data/duplicate_pairs.csv, built by
benchmarks/duplicate_corpus.py): precision and recall have floors, and names that differ only in a place name
are not duplicates unless the phone or the address agrees."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from shigen.audit.duplicates import differ_only_in_place
from shigen.text import name_key

ROOT = Path(__file__).resolve().parent.parent
PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.85


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("duplicate_corpus", ROOT / "benchmarks" / "duplicate_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_corpus_file_is_the_generators_and_large_enough(corpus):
    pairs = corpus.read()
    assert len(pairs) >= 200
    assert [p.row() for p in pairs] == [p.row() for p in corpus.build()]  # regenerate with --write when changed
    assert {p.label for p in pairs} == {0, 1}
    assert min(sum(p.label == x for p in pairs) for x in (0, 1)) >= 80


def test_precision_and_recall_have_floors(corpus):
    score = corpus.evaluate(corpus.read())
    assert score.precision >= PRECISION_FLOOR, corpus.report()
    assert score.recall >= RECALL_FLOOR, corpus.report()


def test_the_place_name_rule_raises_precision_and_keeps_recall(corpus):
    pairs = corpus.read()
    with_rule, without = corpus.evaluate(pairs), corpus.evaluate(pairs, use_places=False)
    assert with_rule.precision > without.precision
    assert with_rule.recall == without.recall
    found = {id(p) for p, hit in with_rule.wrong if hit}
    assert not [p for p in pairs if p.family in ("place-group", "place-venue") and id(p) in found]
    assert all(p.family != "place-group-same" for p, _ in with_rule.wrong)  # phone or address agrees: found


@pytest.mark.parametrize(("a", "b", "only_place"), [
    ("ふれあい訪問 上郷民生委員協議会", "ふれあい訪問 西浦民生委員協議会", True),
    ("いきいき体操 本町会場", "いきいき体操 栄町会場", True),
    ("上郷町会 防犯パトロール", "西浦町会 防犯パトロール", True),
    ("サロン北山", "サロン南浜", True),
    ("ひだまり配食サービス", "ひだまり配食サーピス", False),
    ("こもれびの配食センター", "こもれび配食センター", False),
    ("みどり配食", "みどり配食", False),
])
def test_differ_only_in_place(a, b, only_place):
    places = frozenset(name_key(t) for t in ("本町", "栄町", "北山", "南浜", "上郷"))
    assert differ_only_in_place(name_key(a), name_key(b), places) is only_place
