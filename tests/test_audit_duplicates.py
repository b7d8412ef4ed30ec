"""The duplicate finding measured on 250 labelled pairs (tests/data/duplicate_pairs.csv, built by
benchmarks/duplicate_corpus.py): precision and recall have floors, and names that differ only in a place name
are not duplicates unless the phone or the address agrees."""

from __future__ import annotations

import importlib.util
import sys
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shigen.audit.duplicates import differ_only_in_place
from shigen.model import Record
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


# --- the search: plain loops and numpy give the same pairs, and they are every pair the blocks promise ----------
_NAMES = ("みどり配食", "みどり配食センター", "みどりの配食", "ミドリ配食", "みどり配色", "(株)みどり配食", "みどり配食第2",
          "さくらサロン", "さくらサロン本町会場", "さくらサロン栄町会場", "さくらさろん", "ひまわり体操", "ひまわり体操1",
          "あおば見守り隊", "あおば見守り", "", "株式会社")
_ADDRESSES = ("", "本町1-2-3", "みどり野市本町1-2-3", "ひかり市本町1-2-3", "本町1丁目2番3号", "本町1-2-31", "本町1-2-3 みどりビル", "栄町4-4",
              "栄町", "みどり野市栄町4-4", "千葉県みどり野市本町1-2-3", "港町5-1", "各地区の集会所ほか")
_PHONES = ("", "", "0479-62-1111", "0479-62-2222", "0479-62-3333", "090-1111-2222")


def _phone(text: str) -> str:
    return text.replace("-", "")


_RECORD = st.fixed_dictionaries({
    "name": st.sampled_from(_NAMES), "phone": st.sampled_from(_PHONES), "mobile": st.sampled_from(_PHONES),
    "address": st.sampled_from(_ADDRESSES), "genre": st.sampled_from(("", "配食・弁当", "サロン・交流の場")),
    "district": st.sampled_from(("", "中央地区", "北地区"))})


def _search(records: list[Record], *, vector: bool, small: bool = False) -> list[tuple[int, int, tuple[str, ...]]]:
    """find_duplicates by plain loops or with numpy (``vector``); ``small`` shrinks the block sizes so that a few
    records already take the paths of large blocks, windows and large groups."""
    from unittest.mock import patch

    from shigen.audit import duplicates as D

    sizes = {"SMALL_BLOCK": 3, "SMALL_HIT": 4, "LOOSE_LIMIT": 12, "WINDOW": 3, "CDIST_LIMIT": 10} if small else {}
    with patch.multiple(D, PLAIN_RECORDS=0 if vector else 10**9, PLAIN_BLOCK=0 if vector else 10**9, **sizes):
        pairs = D.find_duplicates(records, _phone, municipality="みどり野市", places=["本町", "栄町"])
    return [(p.first, p.second, p.reasons) for p in pairs]


def _rows(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"name": n, "phone": "", "mobile": "", "address": a, "genre": "", "district": ""} for n, a in pairs]


@settings(max_examples=150, deadline=None)
@given(st.lists(_RECORD, min_size=2, max_size=60), st.booleans())
# a large block of one name: five at one 番地 (neighbours only)
@example(_rows(*[("みどり配食", f"本町1-2-3{'ビル' * k}") for k in range(5)], ("みどり配食", "栄町4-4")), True)
# two without a 番地 among six: 2 × 6 = LOOSE_LIMIT pairs, still every pair
@example(_rows(("さくらサロン", ""), ("さくらサロン", ""), *[("さくらサロン", f"港町{k}-1") for k in range(4)]), True)
# near-identical names in two larger groups: those with a 番地 meet the first few without one
@example(_rows(("みどりの配食", "本町1-2-3"), ("みどりの配食", "栄町4-4"), *[("みどり配食", "")] * 4), True)
def test_the_vectorised_search_finds_the_plain_searchs_pairs(rows, small):
    """numpy (blocks as runs of sorted keys, every pair of small blocks and groups at once, the sure non-pairs
    dropped before the reasons) gives exactly the pairs of the plain loops, also through large blocks."""
    records = [Record(dict(r)) for r in rows]
    assert _search(records, vector=True, small=small) == _search(records, vector=False, small=small)


@settings(max_examples=150, deadline=None)
@given(st.lists(_RECORD, min_size=2, max_size=8))
def test_the_search_finds_every_pair_of_all_pairs_that_shares_a_block(rows):
    """With every block small (8 records), the search reports exactly the pairs that a comparison of all pairs
    reports among those that share a phone number, an address with a 番地, or a (nearly) equal name."""
    from rapidfuzz.distance import Indel

    from shigen.audit import duplicates as D

    records = [Record(dict(r)) for r in rows]
    c = D._columns(records, _phone, "みどり野市")
    known = D.cache(lambda: D.place_keys(["本町", "栄町"], c.address))
    expected = []
    for i, j in combinations(range(len(records)), 2):
        phones = {c.phone[i], c.mobile[i]} - {0}
        a, b = c.names[c.name[i]], c.names[c.name[j]]
        promised = bool(phones & {c.phone[j], c.mobile[j]}) or (
            bool(c.number[i]) and c.address[i] == c.address[j]) or (
            bool(a) and bool(b) and Indel.normalized_similarity(a, b, score_cutoff=D.NAME_NEAR) > 0)
        reasons = D._reasons(c, i, j, known)
        if promised and reasons:
            expected.append((i, j, reasons))
    assert _search(records, vector=False) == expected
    assert _search(records, vector=True) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="あいうえおかき配食サロン体操123本町ー𠮷々", min_size=1, max_size=12), min_size=2,
                max_size=40, unique=True), st.integers(1, 8))
def test_neighbours_dropped_by_the_bound_are_not_near(names, offset):
    """_near_vector scores only the pairs that its bound (length difference, characters one has and the other
    has not) leaves; the positions are those of scoring every pair (_near)."""
    from shigen.audit import duplicates as D

    order = sorted(names)
    shape = D._name_bits(order)
    assert shape is not None
    assert D._near_vector(order, *shape, offset).tolist() == D._near(order, offset)


def test_hash_collisions_fall_back_to_numbering(monkeypatch):
    """Equal numbers for equal values only: when two different values share a hash, the values are numbered."""
    from shigen.audit import duplicates as D

    values = ["", "ab", "ba", "ab", "", "c"]
    assert D._hashed(values).tolist() == [0, hash("ab"), hash("ba"), hash("ab"), 0, hash("c")]
    monkeypatch.setattr(D, "hash", lambda v: len(v), raising=False)  # "ab" and "ba" collide
    assert D._hashed(values).tolist() == [0, 1, 2, 1, 0, 3]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="千葉県東京都みどり野市本町北区村12-３丁目番\n ١²\x00", max_size=14), max_size=12))
def test_joined_address_passes_equal_one_by_one(addresses):
    """The passes over all address keys joined (block keys, first runs of numbers, digits and end characters,
    towns) are the per-key rules."""
    from shigen.audit import duplicates as D

    keys = D._address_block_keys(addresses, "みどり野市")
    assert keys == [D._address_block_keys([a], "みどり野市")[0] for a in addresses]
    runs = [m.group() if m else "" for m in map(D._NUMBER_RUN.search, keys)]
    assert D._first_number_runs(keys) == runs
    numbered, first, last = D._address_codes(keys)
    assert numbered.tolist() == [bool(r) for r in runs]
    assert first.tolist() == [ord(k[0]) if k else 0 for k in keys]
    assert last.tolist() == [ord(k[-1]) if k else 0 for k in keys]
    assert D._digit_runs(keys) == [" ".join(D._DIGITS.findall(k)) for k in keys]
    towns = {name_key(m.group(1)) for m in map(D._LEADING_TOWN.match, filter(None, keys)) if m}
    assert D.place_keys((), keys) == frozenset(t for t in towns if len(t) >= 2)
