"""Likely duplicates: two records that probably describe the same resource.

Never compares every pair. Candidate pairs come from blocks — records sharing a normalised
phone number, a name key (株式会社/(株)/㈱, width, kana type, spaces and punctuation folded) or
an address key — plus a sorted-neighbourhood pass over the distinct name keys (forward and
reversed, compared offset by offset with rapidfuzz's vectorised cpdist) that finds near-identical
names (a typo, a missing の). A block larger than :data:`SMALL_BLOCK` is narrowed: a block of equal
names only pairs records with the same 番地 (or without one), a phone or address block only pairs
similar names (rapidfuzz cdist) and neighbours by name. So the work grows with the number of
records, not with its square: 200,000 records take a few seconds.

A candidate pair is reported when (reasons, any of):

- 電話番号が同じ — a shared phone/mobile number and similar names (at least :data:`NAME_SIMILAR`, or
  one name contained in the other): one provider such as a 社協, or a 公民館 lending its number to
  several groups, runs different services under one number;
- 名称が同じ / 名称がほぼ同じ — name keys equal or at least :data:`NAME_NEAR` similar;
- 住所が同じで名称が似ている — the same address and names at least :data:`NAME_SIMILAR` similar
  (or one name contained in the other).

and nothing contradicts it: two different street addresses (both with a 番地; equal after folding,
or one the other plus a leading 市名 or a trailing 建物名, count as the same), two
different genres (unless the names are equal), or for the name reasons two different districts or
different numbers in the names (第1/第2, 1号店/2号店).

Why this file is long (~420 lines): blocking, narrowing large blocks and the sorted-neighbourhood pass are one
near-linear search; splitting it would scatter the cost reasoning.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, repeat
from operator import add, attrgetter, itemgetter

from rapidfuzz.distance import Indel

from ..model import Record
from ..text import address_keys, name_key, name_keys

SMALL_BLOCK = 12  # blocks up to this size are compared pair by pair
LOOSE_LIMIT = 20_000  # name block: records without a 番地 are compared with every other up to this many pairs
CDIST_LIMIT = 3000  # larger blocks (one number shared by thousands) are compared within the window only
WINDOW = 8  # neighbours compared in a larger block, or between sorted name keys
NAME_NEAR = 0.85  # Indel similarity of name keys for "名称がほぼ同じ" (one typo in a 7-character name)
NAME_SIMILAR = 0.6  # … for "住所が同じで名称が似ている" and for a shared phone number
# Below these sizes the vectorised steps (rapidfuzz's cdist/cpdist, the numpy filter) run as plain loops: the same
# scores, and importing numpy would cost a small catalogue (1,500 records) more than the loops take
PLAIN_RECORDS = 5000
PLAIN_BLOCK = 200

REASON_PHONE = "電話番号が同じ"
REASON_NAME = "名称が同じ"
REASON_NAME_NEAR = "名称がほぼ同じ"
REASON_ADDRESS = "住所が同じで名称が似ている"

_DIGITS = re.compile(r"\d+")
_NUMBER_RUN = re.compile(r"\d+(?:-\d+)*")
_PREFECTURE = re.compile(r"^(東京都|北海道|京都府|大阪府|.{2,3}県)")
@dataclass(frozen=True)
class DuplicatePair:
    first: int  # index of the earlier record
    second: int  # index of the later record (the finding is reported on it)
    reasons: tuple[str, ...]


@dataclass(slots=True)
class _Keys:
    name: str
    phones: tuple[str, ...]
    address: str
    genre: str
    district: str
    digits: tuple[str, ...]
    number: str  # the first run of numbers in the address (番地), "" when it has none


def _address_block_keys(addresses: Sequence[str], municipality: str,
                        address_key_of: Callable[[Sequence[str]], list[str]] | None = None) -> list[str]:
    """:func:`shigen.text.address_key` of each address (one pass over them all: :func:`shigen.text.address_keys`,
    or ``address_key_of`` when the caller has them) without a leading 都道府県 and the catalogue's own 市町村名."""
    keys = [_PREFECTURE.sub("", k) for k in (address_key_of or address_keys)(list(addresses))]
    if municipality:
        muni = unicodedata.normalize("NFKC", municipality)
        n = len(muni)
        keys = [k[n:] if k.startswith(muni) else k for k in keys]
    return keys


DUPLICATE_FIELDS = ("name", "phone", "mobile", "address", "genre", "district")  # the fields compared


def _all_keys(records: Sequence[Record] | None, phone_of: Callable[[str], str], municipality: str,
              columns: Sequence[Sequence[str]] | None = None,
              address_key_of: Callable[[Sequence[str]], list[str]] | None = None) -> list[_Keys]:
    """The comparison keys of every record, each part worked out once per distinct value (names, numbers and
    addresses repeat) and the addresses normalised in one pass (:func:`shigen.text.address_keys`)."""
    # one pass over the records' dicts (200,000 dicts spread over memory: each pass costs), then columns
    if columns is None:
        fields = [(v.get("name", ""), v.get("phone", ""), v.get("mobile", ""), v.get("address", ""),
                   v.get("genre", ""), v.get("district", "")) for v in (r.values for r in records or ())]
        columns = list(zip(*fields, strict=True))
    if not columns or not columns[0]:
        return []
    raw_names, phone_texts, mobile_texts, addresses, genres, districts = columns
    distinct_names = list(set(raw_names))
    name_of = dict(zip(distinct_names, name_keys(distinct_names), strict=True))  # shigen.text.name_key, one pass
    names = list(map(name_of.__getitem__, raw_names))
    digits_of = {n: tuple(_DIGITS.findall(n)) if not n.isalpha() else () for n in set(names)}
    number_of = {t: phone_of(t) for t in {*phone_texts, *mobile_texts}}
    distinct = list({a for a in addresses if a})
    akey_of = dict(zip(distinct, _address_block_keys(distinct, municipality, address_key_of), strict=True))
    akey_of[""] = ""
    run_of = {}
    for akey in akey_of.values():
        m = _NUMBER_RUN.search(akey) if akey else None
        run_of[akey] = m.group() if m else ""
    # per record: only lookups, run in C by map
    akeys = list(map(akey_of.__getitem__, addresses))
    phones = [(a, b) if a and b and a != b else ((a,) if a else ((b,) if b else ()))
              for a, b in zip(map(number_of.__getitem__, phone_texts), map(number_of.__getitem__, mobile_texts),
                             strict=True)]
    keys = list(map(_Keys, names, phones, akeys, genres, districts, map(digits_of.__getitem__, names),
                    map(run_of.__getitem__, akeys)))
    return keys


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return Indel.normalized_similarity(a, b)


def _contains(a: str, b: str) -> bool:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 3 and short in long_


def _address_within(a: str, b: str) -> bool:
    """Equal, or one is the other with a leading part (市名) or a trailing part (建物名) added."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 3:
        return False
    if long_.endswith(short):
        return True
    return long_.startswith(short) and not long_[len(short)].isdigit()  # 本町1-2-3 ≠ 本町1-2-31


def _same_address(a: _Keys, b: _Keys) -> bool:
    return bool(a.number) and bool(b.number) and _address_within(a.address, b.address)


def _addresses_differ(a: _Keys, b: _Keys) -> bool:
    """Two street addresses (with a 番地) that are not the same place; 「各地区の集会所前ほか」 compares with nothing."""
    return bool(a.number) and bool(b.number) and not _address_within(a.address, b.address)


# what follows a place name inside a resource's name: 「上郷町会」「西浦民生委員協議会」「本町会場」「駅前店」
_PLACE_SUFFIX = re.compile(r"(?:町内会|町会|自治会|区会|地区|支部|校区|分会|会場|支店|店|営業所|老人会|老人クラブ|民生委員|"
                           r"児童委員|公民館|集会所|集会場|会館|こみせん|コミセン|センター|サロン|教室|クラブ)")
_KANJI_CHAR = re.compile(r"[\u4e00-\u9fff々ヶケ]")
PLACE_SPAN = 6  # longest place name looked for around a difference (characters)


def _common_ends(x: str, y: str) -> tuple[int, int]:
    """Lengths of the common prefix and (not overlapping it) the common suffix of two names."""
    n = min(len(x), len(y))
    start = 0
    while start < n and x[start] == y[start]:
        start += 1
    end = 0
    while end < n - start and x[-1 - end] == y[-1 - end]:
        end += 1
    return start, end


def _place_covers(name: str, start: int, stop: int, places: frozenset[str]) -> bool:
    """A place name covers ``name[start:stop]`` (the part that differs): one of ``places`` (towns, districts,
    towns of the catalogue's addresses), or a run of 1–4 kanji followed by 町会/自治会/地区/会場/店… ."""
    n = len(name)
    for s in range(max(0, start - PLACE_SPAN), start + 1):
        for e in range(max(stop, s + 1), min(n, s + PLACE_SPAN) + 1):
            piece = name[s:e]
            if piece in places:
                return True
            if e - s <= 4 and all(_KANJI_CHAR.match(c) for c in piece) and _PLACE_SUFFIX.match(name, e):
                return True
    return False


def differ_only_in_place(x: str, y: str, places: frozenset[str]) -> bool:
    """True when two name keys differ only in a place name (「ふれあい訪問 上郷民生委員協議会」 and
    「ふれあい訪問 西浦民生委員協議会」, 「いきいき体操 本町会場」 and 「… 栄町会場」): different groups of one kind."""
    if x == y:
        return False
    start, end = _common_ends(x, y)
    for name in (x, y):
        stop = len(name) - end
        if stop > start and not _place_covers(name, start, stop, places):
            return False
    return True


def reasons_for(a: _Keys, b: _Keys, places: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """Why two records look like the same resource (empty when they do not).

    Names that differ only in a place name (:func:`differ_only_in_place`) count only with an agreeing phone
    number or address, never by the names alone."""
    if _addresses_differ(a, b):
        return ()
    exact = bool(a.name) and a.name == b.name
    if a.genre and b.genre and a.genre != b.genre and not exact:
        return ()  # one provider, several services (a 社協's 配食 and 送迎 under one number)
    sim = _similarity(a.name, b.name)
    similar = sim >= NAME_SIMILAR or _contains(a.name, b.name)
    reasons = []
    if similar and any(p in b.phones for p in a.phones):
        reasons.append(REASON_PHONE)
    if a.digits == b.digits:
        if sim >= NAME_NEAR and not (a.district and b.district and a.district != b.district) and (
                exact or not differ_only_in_place(a.name, b.name, places)):
            reasons.append(REASON_NAME if exact else REASON_NAME_NEAR)
        elif similar and _same_address(a, b):
            reasons.append(REASON_ADDRESS)
    return tuple(reasons)


def _block_pairs(members: Sequence[int], keys: Sequence[_Keys], *, similar_only: bool) -> Iterable[tuple[int, int]]:
    """Pairs to compare inside one block: all of a small block; in a larger one the neighbours by name
    (window) and — when only similar names can be duplicates — every pair whose names are similar
    (rapidfuzz.process.cdist, in C++)."""
    if len(members) <= SMALL_BLOCK:
        yield from combinations(members, 2)
        return
    ordered = sorted(members, key=lambda i: (keys[i].name, i))
    window = 2 if similar_only and len(members) <= CDIST_LIMIT else WINDOW  # 2: a name and its longer form
    for pos, i in enumerate(ordered):
        for j in ordered[pos + 1: pos + 1 + window]:
            yield (i, j) if i < j else (j, i)
    if window != WINDOW:
        names = [keys[i].name for i in ordered]
        if len(names) <= PLAIN_BLOCK:  # a small block: the same scorer pair by pair (no numpy to import)
            sim = Indel.normalized_similarity
            similar: Iterable[tuple[int, int]] = [
                (a, b) for a in range(len(names)) for b in range(a + 1, len(names))
                if sim(names[a], names[b], score_cutoff=NAME_SIMILAR)]
        else:
            import numpy as np
            from rapidfuzz.process import cdist

            scores = cdist(names, names, scorer=Indel.normalized_similarity, score_cutoff=NAME_SIMILAR)
            rows, cols = np.nonzero(np.triu(scores, 1))
            similar = zip(rows.tolist(), cols.tolist(), strict=True)
        for a, b in similar:
            i, j = ordered[a], ordered[b]
            yield (i, j) if i < j else (j, i)


def _name_block_pairs(members: Sequence[int], keys: Sequence[_Keys]) -> Iterable[tuple[int, int]]:
    """Pairs inside a block of equal names that an address could not rule out: the same 番地, or one
    of the two without a 番地 (a generic name such as いきいき百歳体操 is used all over a city)."""
    if len(members) <= SMALL_BLOCK:
        yield from combinations(members, 2)
        return
    by_number: dict[str, list[int]] = defaultdict(list)
    for i in members:
        by_number[keys[i].number].append(i)
    loose = by_number.pop("", [])
    for group in by_number.values():
        if len(group) > 1:
            yield from _block_pairs(group, keys, similar_only=False)
    if loose:
        if len(loose) * len(members) <= LOOSE_LIMIT:
            for i in loose:
                for j in members:
                    if i != j:
                        yield (i, j) if i < j else (j, i)
        else:
            yield from _block_pairs(members, keys, similar_only=False)


def _near_pairs(hits: Iterable[tuple[list[int], list[int]]], keys: Sequence[_Keys]) -> Iterator[tuple[int, int]]:
    """Pairs between the groups of each two near-identical names, leaving out those whose 番地 differ and —
    because most such pairs (a common name used all over a prefecture) fail them — those that
    :func:`reasons_for`'s first two tests rule out (different street addresses; different genres)."""
    names = [k.name for k in keys]
    genres = [k.genre for k in keys]
    numbers = [k.number for k in keys]
    addresses = [k.address for k in keys]
    for first, second in hits:
        if len(first) * len(second) <= 16:
            pairs: Iterable[tuple[int, int]] = [(i, j) for i in first for j in second]
        else:
            by_number: dict[str, list[int]] = defaultdict(list)
            for j in second:
                by_number[numbers[j]].append(j)
            loose = by_number.get("", [])[:SMALL_BLOCK]
            pairs = ((i, j) for i in first
                     for j in ((*by_number.get(numbers[i], ())[:SMALL_BLOCK], *loose) if numbers[i]
                               else second[:SMALL_BLOCK]))
        for i, j in pairs:
            if i == j:
                continue
            ga, gb = genres[i], genres[j]
            if ga and gb and ga != gb and not (names[i] and names[i] == names[j]):
                continue
            if numbers[i] and numbers[j]:
                x, y = addresses[i], addresses[j]
                if x != y:  # _addresses_differ(keys[i], keys[j]), inlined
                    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
                    if len(short) < 3 or not (long_.endswith(short) or (long_.startswith(short)
                                                                        and not long_[len(short)].isdigit())):
                        continue
            yield (i, j) if i < j else (j, i)


def _near(order: list[str], offset: int) -> list[int]:
    """Positions ``pos`` where ``order[pos]`` and ``order[pos + offset]`` are at least :data:`NAME_NEAR` similar."""
    if len(order) <= PLAIN_RECORDS:  # a small catalogue: the same scorer pair by pair (no numpy to import)
        sim = Indel.normalized_similarity
        return [pos for pos in range(len(order) - offset)
                if sim(order[pos], order[pos + offset], score_cutoff=NAME_NEAR)]
    import numpy as np
    from rapidfuzz.process import cpdist

    scores = cpdist(order[:-offset], order[offset:], scorer=Indel.normalized_similarity, score_cutoff=NAME_NEAR)
    return list(np.nonzero(scores)[0].tolist())


def _ids(values: Sequence[str]) -> list[int]:
    """A number per distinct value, 0 for ''."""
    # numbered in order of first appearance ("" first, so 0); the per-value work runs in C (fromkeys, map)
    numbering = {v: n for n, v in enumerate(dict.fromkeys(["", *values]))}
    return list(map(numbering.__getitem__, values))


def _small_near_pairs(hits: Sequence[tuple[list[int], list[int]]], keys: Sequence[_Keys]) -> list[tuple[int, int]]:
    """:func:`_near_pairs` of small groups (every pair between them), the ruling out done with numpy.

    Only what is sure is ruled out — different genres and not the same name, or two street addresses
    that differ in their first and in their last character (so neither is the other with a part
    added: :func:`_address_within` is false) — the rest stay candidates for :func:`reasons_for`."""
    pairs = [(i, j) for first, second in hits for i in first for j in second if i != j]
    if not pairs:
        return []
    if len(keys) <= PLAIN_RECORDS:  # few records: reasons_for rules them out one by one (no numpy to import)
        return [(i, j) if i < j else (j, i) for i, j in pairs]
    import numpy as np

    ij = np.array(pairs, dtype=np.int64)
    a, b = ij[:, 0], ij[:, 1]
    addresses = list(map(attrgetter("address"), keys))  # each column gathered in C (map), not per key in Python
    genre = np.array(_ids(list(map(attrgetter("genre"), keys))))
    name = np.array(_ids(list(map(attrgetter("name"), keys))))
    address = np.array(_ids(addresses))
    numbered = np.array(list(map(bool, map(attrgetter("number"), keys))))
    # first and last character of each address, 0 for none ('\0' added at the other end of every address)
    first = np.array(list(map(ord, map(itemgetter(0), map(add, addresses, repeat("\0"))))))
    last = np.array(list(map(ord, map(itemgetter(-1), map(add, repeat("\0"), addresses)))))
    other_genre = (genre[a] != 0) & (genre[b] != 0) & (genre[a] != genre[b]) & ~((name[a] != 0) & (name[a] == name[b]))
    other_street = (numbered[a] & numbered[b] & (address[a] != address[b]) & (first[a] != first[b])
                    & (last[a] != last[b]))
    kept = ij[~(other_genre | other_street)]
    return [(i, j) if i < j else (j, i) for i, j in kept.tolist()]


def place_keys(places: Iterable[str], keys: Sequence[_Keys] = ()) -> frozenset[str]:
    """Place names as name keys: ``places`` (the 地区 sheet's districts and towns) and the town part of every
    address (「本町」 of 「本町3-5-2」)."""
    out = {name_key(p) for p in places if p}
    for k in keys:
        m = _LEADING_TOWN.match(k.address) if k.address else None
        if m:
            out.add(name_key(m.group(1)))
    return frozenset(p for p in out if len(p) >= 2)


_LEADING_TOWN = re.compile(r"^(?:.{1,6}?[市町村区])?(\D{2,6}?)(?:\d|$)")


def find_duplicates(records: Sequence[Record] | None, phone_of: Callable[[str], str], *,
                    municipality: str = "", columns: Sequence[Sequence[str]] | None = None,
                    places: Iterable[str] = (),
                    address_key_of: Callable[[Sequence[str]], list[str]] | None = None) -> list[DuplicatePair]:
    """Pairs of likely duplicates among ``records`` (indices into it), each pair once, in record order.

    ``places`` are place names (districts, towns) that may tell two groups apart inside their names.
    ``address_key_of(addresses)``, when given, is :func:`shigen.text.address_keys` (the audit keeps them).

    ``phone_of(text)`` returns the normalised number of a phone cell, or '' when it is not a valid number.
    ``columns``, when given, are the records' values of :data:`DUPLICATE_FIELDS` ('' when absent), one
    sequence per field in that order (the audit has them already; ``records`` may then be None); otherwise
    they are read from ``records``.
    """
    keys = _all_keys(records, phone_of, municipality, columns, address_key_of)
    by_phone: dict[str, list[int]] = defaultdict(list)
    by_name: dict[str, list[int]] = defaultdict(list)
    by_address: dict[str, list[int]] = defaultdict(list)
    for i, (phones, name, number, address) in enumerate(zip(map(attrgetter("phones"), keys),
                                                            map(attrgetter("name"), keys),
                                                            map(attrgetter("number"), keys),
                                                            map(attrgetter("address"), keys), strict=True)):
        for p in phones:
            by_phone[p].append(i)
        if name:
            by_name[name].append(i)
        if number:  # the address has a number (番地) in it
            by_address[address].append(i)

    candidates: set[tuple[int, int]] = set()
    for members in by_name.values():
        if len(members) > 1:
            candidates.update(_name_block_pairs(members, keys))
    for block in (by_phone, by_address):
        for members in block.values():
            if len(members) > 1:
                candidates.update(_block_pairs(members, keys, similar_only=True))

    # near-identical names: neighbours among the distinct name keys, sorted forward and reversed;
    # each offset of the window is one vectorised rapidfuzz call (cpdist compares element by element)
    names = list(by_name)
    hits: list[tuple[list[int], list[int]]] = []
    for order in (sorted(names), sorted(names, key=lambda s: s[::-1])):
        for offset in range(1, min(WINDOW, len(order) - 1) + 1):
            hits.extend((by_name[order[pos]], by_name[order[pos + offset]]) for pos in _near(order, offset))
    small = [h for h in hits if len(h[0]) * len(h[1]) <= 16]
    candidates.update(_near_pairs([h for h in hits if len(h[0]) * len(h[1]) > 16], keys))
    candidates.update(_small_near_pairs(small, keys))

    known = place_keys(places, keys)
    pairs = []
    for i, j in sorted(candidates):
        reasons = reasons_for(keys[i], keys[j], known)
        if reasons:
            pairs.append(DuplicatePair(i, j, reasons))
    return pairs
