"""Likely duplicates: two records that probably describe the same resource.

Never compares every pair. Candidate pairs come from blocks — records sharing a normalised
phone number, a name key (株式会社/(株)/㈱, width, kana type, spaces and punctuation folded) or
an address key — plus a sorted-neighbourhood pass over the distinct name keys (forward and
reversed, compared offset by offset with rapidfuzz's vectorised cpdist) that finds near-identical
names (a typo, a missing の). A block larger than :data:`SMALL_BLOCK` is narrowed: a block of equal
names only pairs records with the same 番地 (or without one), a phone or address block only pairs
similar names (rapidfuzz cdist) and neighbours by name. So the work grows with the number of
records, not with its square.

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

How it runs: no object per record. Every compared value becomes a column (:class:`_Columns`: the rank of the
name key, ids of the phone numbers, genre and district, the address key), each key worked out once per
distinct value or in one regex pass over all values joined. A small catalogue (:data:`PLAIN_RECORDS`) is
searched with plain loops (:func:`_plain_candidates`: no numpy to import). A large one with numpy over all
records at once (:func:`_vector_candidates`): a block is a run of the records sorted by its key, the pairs of
every small block and every pair between two groups of near-identical names are made for all of them at once,
the near-name pass scores (cpdist) only the neighbours that a cheap bound leaves (:func:`_near_vector`: 2–6 %),
and what surely has no reason (other genres, other street addresses, neither a shared number nor the same
numbers in the names) is dropped (:func:`_vector_filter`) before the reasons (:func:`_reasons`) are decided
for the few pairs left. Only large phone/address blocks (a 社協's number) take the plain function in both.
tests/test_audit_duplicates.py checks that both searches give the same pairs, also through large blocks, and
that they find every pair that a comparison of all pairs finds within the blocks.

Why this file is long: blocking, narrowing large blocks and the sorted-neighbourhood pass are one near-linear
search (twice: plain and vectorised); splitting it would scatter the cost reasoning.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, combinations
from typing import TYPE_CHECKING, Any

from rapidfuzz.distance import Indel

from ..model import Record
from ..text import address_keys, name_key, name_keys

if TYPE_CHECKING:
    import numpy as np

SMALL_BLOCK = 12  # blocks up to this size are compared pair by pair
SMALL_HIT = 16  # two groups of near-identical names with at most this many pairs between them: every pair
LOOSE_LIMIT = 20_000  # name block: records without a 番地 are compared with every other up to this many pairs
CDIST_LIMIT = 3000  # larger blocks (one number shared by thousands) are compared within the window only
WINDOW = 8  # neighbours compared in a larger block, or between sorted name keys
NAME_NEAR = 0.85  # Indel similarity of name keys for "名称がほぼ同じ" (one typo in a 7-character name)
NAME_SIMILAR = 0.6  # … for "住所が同じで名称が似ている" and for a shared phone number
# Below these sizes the vectorised steps (rapidfuzz's cdist/cpdist, numpy) run as plain loops: the same
# pairs, and importing numpy would cost a small catalogue (1,500 records) more than the loops take
PLAIN_RECORDS = 5000
PLAIN_BLOCK = 200

REASON_PHONE = "電話番号が同じ"
REASON_NAME = "名称が同じ"
REASON_NAME_NEAR = "名称がほぼ同じ"
REASON_ADDRESS = "住所が同じで名称が似ている"

_DIGITS = re.compile(r"\d+")
_NUMBER_RUN = re.compile(r"\d+(?:-\d+)*")
_PREFECTURE = re.compile(r"^(東京都|北海道|京都府|大阪府|.{2,3}県)")
_JOIN = "\x00"  # joins many keys for one regex pass (a control character no key contains; checked before use)
_J = r"\x00"  # … as written in a pattern


@dataclass(frozen=True)
class DuplicatePair:
    first: int  # index of the earlier record
    second: int  # index of the later record (the finding is reported on it)
    reasons: tuple[str, ...]


@dataclass(slots=True)
class _Columns:
    """The compared values of every record, one list per field (no object per record)."""
    name: list[int]  # the rank of the record's name key among the sorted distinct keys: names[name[i]]
    names: list[str]  # the distinct name keys, sorted ("" first)
    digits: list[int]  # per name key: a number for the runs of digits in it (第1 and 第2 differ)
    phone: Sequence[int]  # a number per distinct normalised phone number, 0 when none (numpy: _hashed)
    mobile: Sequence[int]  # … of the mobile number (the same numbering)
    address: list[str]  # the address key, without the 都道府県 and the catalogue's own 市町村名
    number: list[str] | _FirstRuns  # the first run of numbers in the address key (番地), '' when it has none
    address_text: str | None  # the address keys joined by _JOIN (None when one holds it)
    genre: list[int]  # a number per distinct genre, 0 for ''
    district: list[int]  # a number per distinct district, 0 for ''


def _address_block_keys(addresses: Sequence[str], municipality: str,
                        address_key_of: Callable[[Sequence[str]], list[str]] | None = None) -> list[str]:
    """:func:`shigen.text.address_key` of each address (one pass over them all: :func:`shigen.text.address_keys`,
    or ``address_key_of`` when the caller has them) without a leading 都道府県 and the catalogue's own 市町村名."""
    return _address_block_keys_text(addresses, municipality, address_key_of)[0]


def _address_block_keys_text(addresses: Sequence[str], municipality: str,
                             address_key_of: Callable[[Sequence[str]], list[str]] | None = None,
                             ) -> tuple[list[str], str | None]:
    """:func:`_address_block_keys`, and the keys joined by _JOIN (None when a key holds it)."""
    keys = (address_key_of or address_keys)(list(addresses))
    muni = unicodedata.normalize("NFKC", municipality) if municipality else ""
    text = _JOIN.join(keys)
    if "\n" not in text and text.count(_JOIN) == len(keys) - 1:
        # one substitution over all keys joined: a 都道府県 then the 市町村名 at the start of each
        # (`.` of _PREFECTURE matches neither the separator nor a line break: there is none)
        # (each key after a separator: a pattern that starts with a character is searched for quickly)
        pattern = rf"{_J}(?:東京都|北海道|京都府|大阪府|[^{_J}\n]{{2,3}}県)?"
        if muni:
            pattern += f"(?:{re.escape(muni)})?"
        joined = re.sub(pattern, _JOIN, _JOIN + text)[1:]
        out = joined.split(_JOIN)
        if len(out) == len(keys):
            return out, joined
    keys = [_PREFECTURE.sub("", k) for k in keys]
    if muni:
        n = len(muni)
        keys = [k[n:] if k.startswith(muni) else k for k in keys]
    return keys, None


def _first_number_runs(keys: list[str]) -> list[str]:
    """``_NUMBER_RUN.search(k)``'s text (or '') of each key, in one regex pass over all of them joined."""
    text = _JOIN.join(keys)
    if text.count(_JOIN) == len(keys) - 1:
        runs = re.findall(rf"(?<![^{_J}])[^\d{_J}]*(\d+(?:-\d+)*)?", text)
        if len(runs) == len(keys):
            return runs
    found = [_NUMBER_RUN.search(k) for k in keys]
    return [m.group() if m else "" for m in found]


def _digit_runs(keys: list[str]) -> list[str]:
    """The runs of digits of each key (``_DIGITS.findall``) as one text ('1 2' for 第1…2), in one pass."""
    text = _JOIN.join(keys)
    if text.count(_JOIN) == len(keys) - 1:
        out = re.sub(rf"[^\d{_J}]+", " ", text).split(_JOIN)
        if len(out) == len(keys):
            return list(map(str.strip, out))
    return [" ".join(_DIGITS.findall(k)) for k in keys]


def _positions(values: Iterable[str], first: Sequence[str] = ()) -> tuple[dict[str, int], list[str]]:
    """The distinct values (``first`` first, then in order of appearance) and their positions in that list."""
    # the per-value work runs in C: fromkeys, then the values set in place (no second dict to build)
    numbering: dict[str, Any] = dict.fromkeys(chain(first, values))
    distinct = list(numbering)
    numbering.update(zip(distinct, range(len(distinct)), strict=True))
    return numbering, distinct


def _ids(values: Sequence[str]) -> list[int]:
    """A number per distinct value, 0 for ''."""
    numbering, _ = _positions(values, ("",))
    return list(map(numbering.__getitem__, values))


DUPLICATE_FIELDS = ("name", "phone", "mobile", "address", "genre", "district")  # the fields compared


def _columns(records: Sequence[Record] | None, phone_of: Callable[[str], str], municipality: str,
             columns: Sequence[Sequence[str]] | None = None,
             address_key_of: Callable[[Sequence[str]], list[str]] | None = None, *, vector: bool = False) -> _Columns:
    """The compared values as :class:`_Columns`: each key worked out once per distinct value (names and numbers
    repeat) or in one pass over all values joined (addresses), then one lookup per record (run in C by map).
    With ``vector`` the phone numbers are numpy arrays of :func:`_hashed` numbers."""
    # one pass over the records' dicts (200,000 dicts spread over memory: each pass costs), then columns
    if columns is None:
        fields = [(v.get("name", ""), v.get("phone", ""), v.get("mobile", ""), v.get("address", ""),
                   v.get("genre", ""), v.get("district", "")) for v in (r.values for r in records or ())]
        columns = list(zip(*fields, strict=True)) or [()] * len(DUPLICATE_FIELDS)
    raw_names, phone_texts, mobile_texts, raw_addresses, genres, districts = columns
    position, distinct = _positions(raw_names)
    keys = name_keys(distinct)  # shigen.text.name_key, one pass
    names = sorted({"", *keys})
    rank, _ = _positions(names)
    rank_of = list(map(rank.__getitem__, keys))  # per distinct name
    position_of_text, texts = _positions(chain(phone_texts, mobile_texts))
    numbers = list(map(phone_of, texts))  # per distinct text
    phone: Any
    mobile: Any
    if vector:
        import numpy as np

        hashed = _hashed(numbers)
        phone = hashed[np.fromiter(map(position_of_text.__getitem__, phone_texts), np.int64, len(phone_texts))]
        mobile = hashed[np.fromiter(map(position_of_text.__getitem__, mobile_texts), np.int64, len(mobile_texts))]
    else:
        number_of = _ids(numbers)
        phone = list(map(number_of.__getitem__, map(position_of_text.__getitem__, phone_texts)))
        mobile = list(map(number_of.__getitem__, map(position_of_text.__getitem__, mobile_texts)))
    address, text = _address_block_keys_text(raw_addresses, municipality, address_key_of) if raw_addresses else ([], "")
    return _Columns(
        name=list(map(rank_of.__getitem__, map(position.__getitem__, raw_names))), names=names,
        digits=_ids(_digit_runs(names)), phone=phone, mobile=mobile, address=address,
        number=_FirstRuns(address) if vector else _first_number_runs(address), address_text=text,
        genre=_ids(genres), district=_ids(districts))


class _FirstRuns:
    """The first run of numbers (番地) of each address key, worked out when asked: the vectorised search reads
    which addresses have one from their characters (:func:`_address_codes`) and the runs of only a few."""
    __slots__ = ("keys",)

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, i: int) -> str:
        m = _NUMBER_RUN.search(self.keys[i])
        return m.group() if m else ""


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


def _reasons(c: _Columns, i: int, j: int, places: Callable[[], frozenset[str]]) -> tuple[str, ...]:
    """Why records ``i`` and ``j`` look like the same resource (empty when they do not).

    Names that differ only in a place name (:func:`differ_only_in_place`; ``places()`` are the place names)
    count only with an agreeing phone number or address, never by the names alone."""
    numbered = bool(c.number[i]) and bool(c.number[j])
    if numbered and not _address_within(c.address[i], c.address[j]):
        return ()  # two different street addresses
    x, y = c.name[i], c.name[j]
    exact = x != 0 and x == y
    gi, gj = c.genre[i], c.genre[j]
    if gi and gj and gi != gj and not exact:
        return ()  # one provider, several services (a 社協's 配食 and 送迎 under one number)
    a, b = c.names[x], c.names[y]
    sim = _similarity(a, b)
    similar = sim >= NAME_SIMILAR or _contains(a, b)
    reasons = []
    pi, mi, pj, mj = c.phone[i], c.mobile[i], c.phone[j], c.mobile[j]
    if similar and ((pi and pi in (pj, mj)) or (mi and mi in (pj, mj))):
        reasons.append(REASON_PHONE)
    if c.digits[x] == c.digits[y]:
        di, dj = c.district[i], c.district[j]
        if sim >= NAME_NEAR and not (di and dj and di != dj) and (
                exact or not differ_only_in_place(a, b, places())):
            reasons.append(REASON_NAME if exact else REASON_NAME_NEAR)
        elif similar and numbered:  # the same address: not ruled out above
            reasons.append(REASON_ADDRESS)
    return tuple(reasons)


def _block_pairs(members: Sequence[int], c: _Columns, *, similar_only: bool) -> Iterable[tuple[int, int]]:
    """Pairs to compare inside one block: all of a small block; in a larger one the neighbours by name
    (window) and — when only similar names can be duplicates — every pair whose names are similar
    (rapidfuzz.process.cdist, in C++)."""
    if len(members) <= SMALL_BLOCK:
        yield from combinations(members, 2)
        return
    name = c.name
    ordered = sorted(members, key=lambda i: (name[i], i))  # by name key (ranks are in the keys' order), then row
    window = 2 if similar_only and len(members) <= CDIST_LIMIT else WINDOW  # 2: a name and its longer form
    for pos, i in enumerate(ordered):
        for j in ordered[pos + 1: pos + 1 + window]:
            yield (i, j) if i < j else (j, i)
    if window != WINDOW:
        names = [c.names[name[i]] for i in ordered]
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


def _name_block_pairs(members: Sequence[int], c: _Columns) -> Iterable[tuple[int, int]]:
    """Pairs inside a block of equal names that an address could not rule out: the same 番地, or one
    of the two without a 番地 (a generic name such as いきいき百歳体操 is used all over a city)."""
    if len(members) <= SMALL_BLOCK:
        yield from combinations(members, 2)
        return
    by_number: dict[str, list[int]] = defaultdict(list)
    for i in members:
        by_number[c.number[i]].append(i)
    loose = by_number.pop("", [])
    for group in by_number.values():
        if len(group) > 1:
            yield from _block_pairs(group, c, similar_only=False)
    if loose:
        if len(loose) * len(members) <= LOOSE_LIMIT:
            for i in loose:
                for j in members:
                    if i != j:
                        yield (i, j) if i < j else (j, i)
        else:
            yield from _block_pairs(members, c, similar_only=False)


def _hit_pairs(first: Sequence[int], second: Sequence[int], c: _Columns) -> Iterator[tuple[int, int]]:
    """Pairs between the groups of two near-identical names: every pair of two small groups; between larger
    ones each record of ``first`` with the first few of ``second`` at the same 番地 and the first few without
    one (or, without a 番地 itself, the first few of ``second``) — a common name used all over a prefecture.
    (The plain search; :func:`_vector_candidates` makes the same pairs with numpy.)"""
    if len(first) * len(second) <= SMALL_HIT:
        pairs: Iterable[tuple[int, int]] = [(i, j) for i in first for j in second]
    else:
        by_number: dict[str, list[int]] = defaultdict(list)
        for j in second:
            by_number[c.number[j]].append(j)
        loose = by_number.get("", [])[:SMALL_BLOCK]
        pairs = ((i, j) for i in first
                 for j in ((*by_number.get(c.number[i], ())[:SMALL_BLOCK], *loose) if c.number[i]
                           else second[:SMALL_BLOCK]))
    for i, j in pairs:
        if i != j:
            yield (i, j) if i < j else (j, i)


def _near(order: list[str], offset: int) -> list[int]:
    """Positions ``pos`` where ``order[pos]`` and ``order[pos + offset]`` are at least :data:`NAME_NEAR` similar."""
    sim = Indel.normalized_similarity
    return [pos for pos in range(len(order) - offset) if sim(order[pos], order[pos + offset], score_cutoff=NAME_NEAR)]


def _name_bits(names: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
    """The length of each name and the set of its characters as 256 bits (four uint64 words: the 255
    commonest characters a bit each, the others sharing those bits), read from all names joined and encoded at
    once; None when a name holds the separator."""
    import numpy as np

    codes = np.frombuffer(_JOIN.join(names).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    ends = np.flatnonzero(codes == 0)
    if len(ends) != len(names) - 1:
        return None
    starts = np.r_[0, ends + 1]
    counts = np.bincount(codes, minlength=1)
    counts[0] = 0
    used = np.flatnonzero(counts)
    table = np.zeros(len(counts), dtype=np.int64)
    table[used[np.argsort(-counts[used], kind="stable")]] = np.arange(len(used)) % 255 + 1  # bit 0: none
    bit = np.r_[table[codes], 0]  # (a 0 after the last name: the start of an empty one at the end)
    one = np.left_shift(np.uint64(1), (bit & 63).astype(np.uint64))
    one[bit == 0] = 0
    word = bit >> 6
    bits = np.zeros((len(names), 4), dtype=np.uint64)
    for w in range(4):
        bits[:, w] = np.bitwise_or.reduceat(np.where(word == w, one, np.uint64(0)), starts)
    return np.diff(np.r_[starts, len(codes) + 1]) - 1, bits


def _popcount(x: np.ndarray) -> np.ndarray:
    """The number of bits set in each row of a uint64 matrix."""
    import numpy as np

    if hasattr(np, "bitwise_count"):  # numpy 2
        return np.bitwise_count(x).sum(axis=1)
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)
    return table[np.ascontiguousarray(x).view(np.uint8)].reshape(len(x), -1).sum(axis=1)


NEAR_SLACK = (1 - NAME_NEAR) * 1.001  # a pair whose Indel distance surely exceeds this share of its length: not near


def _near_vector(order: list[str], lengths: np.ndarray | None, bits: np.ndarray | None, offset: int) -> np.ndarray:
    """:func:`_near` with numpy: only the pairs that can be near are scored (one rapidfuzz cpdist call).

    The Indel distance (insertions and deletions) of two names is at least the difference of their lengths and
    at least the number of characters that one has and the other has not (``bits``: each such character is
    deleted or inserted; characters sharing a bit only make the bound smaller). Most pairs of neighbours are
    far apart by it (98 %), without computing their distance."""
    import numpy as np
    from rapidfuzz.process import cpdist

    n = len(order) - offset
    pos = np.arange(max(n, 0))
    if lengths is not None and bits is not None:
        la, lb = lengths[:-offset], lengths[offset:]
        lower = np.maximum(_popcount(bits[:-offset] ^ bits[offset:]), np.abs(la - lb))
        pos = np.flatnonzero(lower <= NEAR_SLACK * (la + lb))
    if not len(pos):
        return pos
    get = order.__getitem__
    scores = cpdist(list(map(get, pos.tolist())), list(map(get, (pos + offset).tolist())),
                    scorer=Indel.normalized_similarity, score_cutoff=NAME_NEAR)
    return pos[np.flatnonzero(scores)]


def _near_orders(c: _Columns) -> list[list[int]]:
    """The name keys' ranks (1…) sorted forward and by the reversed key: names close in either are compared."""
    n = len(c.names)
    backwards = [k[::-1] for k in c.names]
    return [list(range(1, n)), sorted(range(1, n), key=backwards.__getitem__)]


def _plain_candidates(c: _Columns) -> list[tuple[int, int]]:
    """Every candidate pair (i < j, sorted), with plain loops."""
    by_phone: dict[int, list[int]] = defaultdict(list)
    by_name: dict[int, list[int]] = defaultdict(list)
    by_address: dict[str, list[int]] = defaultdict(list)
    assert isinstance(c.number, list)  # (worked out for every record in the plain search)
    for i, (phone, mobile, name, address, number) in enumerate(zip(c.phone, c.mobile, c.name, c.address, c.number,
                                                                    strict=True)):
        if phone:
            by_phone[phone].append(i)
        if mobile and mobile != phone:
            by_phone[mobile].append(i)
        if name:
            by_name[name].append(i)
        if number:  # the address has a number (番地) in it
            by_address[address].append(i)
    candidates: set[tuple[int, int]] = set()
    for members in by_name.values():
        if len(members) > 1:
            candidates.update(_name_block_pairs(members, c))
    for block in (by_phone, by_address):
        for members in block.values():
            if len(members) > 1:
                candidates.update(_block_pairs(members, c, similar_only=True))
    for ranks in _near_orders(c):
        order = [c.names[r] for r in ranks]
        for offset in range(1, min(WINDOW, len(order) - 1) + 1):
            for pos in _near(order, offset):
                candidates.update(_hit_pairs(by_name[ranks[pos]], by_name[ranks[pos + offset]], c))
    return sorted(candidates)


# --- the same search with numpy, for a large catalogue --------------------------------------------------------
def _hashed(values: list[str]) -> np.ndarray:
    """A number per value, equal for equal values and 0 for '': its hash (CPython's hash of '' is 0), checked
    to be different for different values (else a number per distinct value, :func:`_ids`)."""
    import numpy as np

    h = np.fromiter(map(hash, values), dtype=np.int64, count=len(values))
    order = np.argsort(h, kind="stable")
    same = np.flatnonzero(h[order[1:]] == h[order[:-1]])
    get = values.__getitem__
    zero = np.flatnonzero(h == 0)
    if hash("") == 0 and all(map(str.__eq__, map(get, order[same].tolist()), map(get, order[same + 1].tolist()))) \
            and not (len(zero) and values[int(zero[0])]):
        return h
    return np.array(_ids(values), dtype=np.int64)


def _unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique, which in numpy 2 is ten times slower on 400,000 integers)."""
    import numpy as np

    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def _runs(keys: Sequence[np.ndarray], rec: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Records ``rec`` sorted by ``keys`` (the first most significant), then by record: (a number per run of
    equal keys at each position, the records, the size of the run at each position)."""
    import numpy as np

    order = np.lexsort((rec, *reversed(keys)))
    change = np.zeros(len(rec), dtype=bool)
    if len(rec):
        change[0] = True
        for key in keys:
            k = key[order]
            change[1:] |= k[1:] != k[:-1]
    run = np.cumsum(change)
    sizes = np.bincount(run)
    return run, rec[order], sizes[run]


def _window(run: np.ndarray, recs: np.ndarray, width: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Pairs of records (sorted by run, then record) in the same run at most ``width`` (per position) apart."""
    for d in range(1, int(width.max(initial=0)) + 1):
        same = (width[:-d] >= d) & (run[:-d] == run[d:])
        yield recs[:-d][same], recs[d:][same]


def _cross(first: np.ndarray, first_start: np.ndarray, first_count: np.ndarray,
           second: np.ndarray, second_start: np.ndarray, second_count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of ``first[first_start[h]:first_start[h] + first_count[h]]`` and the same slice of ``second``,
    for every h."""
    h, k = _expand(second_start * 0, first_count * second_count)  # the k-th pair of h: (k // second_count[h], …)
    return first[first_start[h] + k // second_count[h]], second[second_start[h] + k % second_count[h]]


@dataclass(slots=True)
class _Vectors:
    """:class:`_Columns` as numpy arrays of numbers, equal where the values are equal (0: none)."""
    name: np.ndarray
    phone: np.ndarray
    mobile: np.ndarray  # 0 also when it is the phone number
    address: np.ndarray
    numbered: np.ndarray  # the address has a 番地
    genre: np.ndarray
    district: np.ndarray
    digits: np.ndarray  # per name rank
    first: np.ndarray  # the first character of the address key (its code, 0 for none)
    last: np.ndarray  # … the last

    @classmethod
    def of(cls, c: _Columns) -> _Vectors:
        import numpy as np

        phone, mobile = np.asarray(c.phone, dtype=np.int64), np.array(c.mobile, dtype=np.int64)
        mobile[mobile == phone] = 0
        numbered, first, last = _address_codes(c.address, c.address_text)
        return cls(np.array(c.name, dtype=np.int64), phone, mobile, _hashed(c.address), numbered,
                   np.array(c.genre, dtype=np.int64), np.array(c.district, dtype=np.int64),
                   np.array(c.digits, dtype=np.int64), first, last)


def _address_codes(texts: list[str], joined: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whether each text has a digit (``\\d``: a decimal character, so a 番地), and the codes of its first and
    last characters (0 for an empty text): read from all texts joined (``joined`` when given) and encoded at once."""
    import numpy as np

    text = _JOIN.join(texts) if joined is None else joined
    codes = np.frombuffer((text + _JOIN).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    ends = np.flatnonzero(codes == 0)
    if len(ends) != len(texts):  # a text with the separator in it
        return (np.array([any(ch.isdecimal() for ch in t) for t in texts], dtype=bool),
                np.array([ord(t[0]) if t else 0 for t in texts], dtype=np.int64),
                np.array([ord(t[-1]) if t else 0 for t in texts], dtype=np.int64))
    starts = np.r_[0, ends[:-1] + 1]
    present = np.flatnonzero(np.bincount(codes))
    decimal = np.zeros(int(present[-1]) + 1, dtype=bool)
    decimal[present] = [chr(code).isdecimal() for code in present.tolist()]  # what \d of re matches
    text_of = np.cumsum(codes == 0) - (codes == 0)  # the text each code belongs to
    numbered = np.bincount(text_of[decimal[codes]], minlength=len(texts)) > 0
    return numbered, codes[starts], np.where(ends > starts, codes[ends - 1], 0)  # codes[start]: 0 when empty


def _expand(start: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every h, every position of ``start[h]:start[h] + count[h]``: (h, position) as two arrays."""
    import numpy as np

    h = np.repeat(np.arange(len(count)), count)
    return h, start[h] + np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)


def _vector_candidates(c: _Columns, v: _Vectors) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_plain_candidates` with numpy: every candidate pair (i < j, sorted) as two arrays. Blocks are runs
    of the records sorted by a key; large phone/address blocks (few) take the plain function."""
    import numpy as np

    n = len(c.name)
    idx = np.arange(n, dtype=np.int64)
    found: list[tuple[np.ndarray, np.ndarray]] = []
    large: set[tuple[int, int]] = set()
    m = len(c.names)
    count = np.bincount(v.name, minlength=m)
    start = np.r_[0, np.cumsum(count)[:-1]]
    by_name = np.argsort(v.name, kind="stable")  # the records of name rank r: by_name[start[r]:start[r] + count[r]]
    ranks = v.name[by_name]

    # near-identical names: neighbours among the distinct name keys, sorted forward and reversed;
    # each offset of the window is one vectorised rapidfuzz call (cpdist compares element by element)
    shape = _name_bits(c.names)
    hit_a: list[np.ndarray] = []
    hit_b: list[np.ndarray] = []
    for backwards, order in enumerate(_near_orders(c)):
        texts = list(map(c.names.__getitem__, order)) if backwards else c.names[1:]  # forward: ranks 1, 2…
        rank = np.array(order, dtype=np.int64)
        lengths, bits = (shape[0][rank], shape[1][rank]) if shape is not None else (None, None)
        for offset in range(1, min(WINDOW, len(order) - 1) + 1):
            pos = _near_vector(texts, lengths, bits, offset)
            hit_a.append(rank[pos])
            hit_b.append(rank[pos + offset])
    hits = _unique(np.concatenate([a * m + b for a, b in zip(hit_a, hit_b, strict=True)] or [idx[:0]]))
    ha, hb = hits // m, hits % m
    small = count[ha] * count[hb] <= SMALL_HIT
    i, j = _cross(by_name, start[ha[small]], count[ha[small]], by_name, start[hb[small]], count[hb[small]])
    found.append((np.minimum(i, j), np.maximum(i, j)))  # every pair of two small groups
    ha, hb = ha[~small], hb[~small]

    # the 番地 of the records of large name blocks and of large groups of near-identical names: the records of
    # those names sorted by (name, 番地, record), those without a 番地 first
    need = np.zeros(m, dtype=bool)
    need[(count > SMALL_BLOCK) & (np.arange(m) != 0)] = True
    need[ha] = need[hb] = True
    chosen = need[ranks]
    recs = by_name[chosen]
    hashed = _hashed(_first_number_runs([c.address[r] for r in recs.tolist()]))
    distinct = _unique(hashed)
    number = np.zeros(n, dtype=np.int64)  # a number per first run of numbers, 0 for none
    number[recs] = np.where(hashed != 0, np.searchsorted(distinct, hashed) + 1, 0)
    sort = np.lexsort((recs, number[recs], ranks[chosen]))
    street, street_rank, street_number = recs[sort], ranks[chosen][sort], number[recs][sort]
    seg = np.r_[0, np.cumsum(np.bincount(street_rank, minlength=m))[:-1]]  # name r: street[seg[r]:seg[r] + count[r]]
    loose = np.bincount(street_rank[street_number == 0], minlength=m)  # … the first loose[r] without a 番地

    # blocks of equal names (_name_block_pairs): all pairs of a small block; in a large one the records with the
    # same 番地 (all pairs of a small group, neighbours in a large one), and those without one with every
    # other record of the block (or, when that makes too many, neighbours)
    size = count[ranks]
    named = ranks != 0
    found.extend(_window(ranks, by_name, np.where(named & (size <= SMALL_BLOCK), SMALL_BLOCK - 1, 0)))
    big = np.flatnonzero((count > SMALL_BLOCK) & (np.arange(m) != 0))
    _, at = _expand(seg[big] + loose[big], count[big] - loose[big])
    run, members, run_size = _runs((street_rank[at], street_number[at]), street[at])
    found.extend(_window(run, members, np.where(run_size <= SMALL_BLOCK, SMALL_BLOCK - 1, WINDOW)))
    with_loose = big[loose[big] > 0]
    every = loose[with_loose] * count[with_loose] <= LOOSE_LIMIT
    r = with_loose[every]
    i, j = _cross(street, seg[r], loose[r], by_name, start[r], count[r])
    differ = i != j
    found.append((np.minimum(i, j)[differ], np.maximum(i, j)[differ]))
    neighbours = np.zeros(m, dtype=bool)
    neighbours[with_loose[~every]] = True
    found.extend(_window(ranks, by_name, np.where(neighbours[ranks], WINDOW, 0)))

    # large groups of near-identical names (_hit_pairs): each record of the first without a 番地 with the first
    # few of the second; each with one with the first few of the second at its 番地 and the first few without
    few = SMALL_BLOCK
    i, j = _cross(street, seg[ha], loose[ha], by_name, start[hb], np.minimum(count[hb], few))
    found.append((np.minimum(i, j), np.maximum(i, j)))
    i, j = _cross(street, seg[ha] + loose[ha], count[ha] - loose[ha], street, seg[hb], np.minimum(loose[hb], few))
    found.append((np.minimum(i, j), np.maximum(i, j)))
    h, at = _expand(seg[ha] + loose[ha], count[ha] - loose[ha])
    width = int(street_number.max(initial=0)) + 1
    keys = street_rank * width + street_number  # ascending along street
    wanted = hb[h] * width + street_number[at]
    first = np.searchsorted(keys, wanted, side="left")
    last = np.searchsorted(keys, wanted, side="right")
    i, j = _cross(street[at], np.arange(len(at)), np.ones(len(at), dtype=np.int64), street, first,
                  np.minimum(last - first, few))
    found.append((np.minimum(i, j), np.maximum(i, j)))

    # blocks of one phone number or one address (with a 番地): all pairs of a small one, large ones (few) plainly
    has_phone, has_mobile = v.phone != 0, v.mobile != 0
    for key, rec in ((np.r_[v.phone[has_phone], v.mobile[has_mobile]], np.r_[idx[has_phone], idx[has_mobile]]),
                     (v.address[v.numbered], idx[v.numbered])):
        run, members, run_size = _runs((key,), rec)
        found.extend(_window(run, members, np.where(run_size <= SMALL_BLOCK, SMALL_BLOCK - 1, 0)))
        heads = np.flatnonzero((run_size > SMALL_BLOCK) & np.r_[True, run[1:] != run[:-1]])
        for head, size_ in zip(heads.tolist(), run_size[heads].tolist(), strict=True):
            large.update(_block_pairs(members[head:head + size_].tolist(), c, similar_only=True))

    if large:
        pairs = np.array(sorted(large), dtype=np.int64)
        found.append((pairs[:, 0], pairs[:, 1]))
    key = _unique(np.concatenate([i for i, _ in found]) * n + np.concatenate([j for _, j in found]))
    return key // n, key % n


def _vector_filter(c: _Columns, v: _Vectors, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs that may have a reason (:func:`_reasons` decides): without other genres under other
    names, without both no shared number and other numbers in the names (or other districts and not two
    番地), and without two street addresses of which neither is the other with a part added."""
    import numpy as np

    ni, nj = v.name[i], v.name[j]
    gi, gj = v.genre[i], v.genre[j]
    other_genre = (gi != 0) & (gj != 0) & (gi != gj) & ~((ni != 0) & (ni == nj))
    pi, mi, pj, mj = v.phone[i], v.mobile[i], v.phone[j], v.mobile[j]
    shared = ((pi != 0) & ((pi == pj) | (pi == mj))) | ((mi != 0) & ((mi == pj) | (mi == mj)))
    di, dj = v.district[i], v.district[j]
    other_district = (di != 0) & (dj != 0) & (di != dj)  # no name reason; the address one needs two 番地
    streets = v.numbered[i] & v.numbered[j]
    keep = ~other_genre & (shared | ((v.digits[ni] == v.digits[nj]) & (~other_district | streets)))
    i, j, streets = i[keep], j[keep], streets[keep]
    # two street addresses that differ in their first and in their last character: neither is the other with a
    # part added before or after (_address_within is false); the others are asked one by one
    other = streets & (v.address[i] != v.address[j])
    sure = other & (v.first[i] != v.first[j]) & (v.last[i] != v.last[j])
    i, j, other = i[~sure], j[~sure], other[~sure]
    unsure = np.flatnonzero(other)
    address = c.address.__getitem__
    within = np.fromiter(map(_address_within, map(address, i[unsure].tolist()), map(address, j[unsure].tolist())),
                         dtype=bool, count=len(unsure))
    keep = np.ones(len(i), dtype=bool)
    keep[unsure[~within]] = False
    return i[keep], j[keep]


_LEADING_TOWN = re.compile(r"^(?:.{1,6}?[市町村区])?(\D{2,6}?)(?:\d|$)")


def place_keys(places: Iterable[str], addresses: Sequence[str] = (), joined: str | None = None) -> frozenset[str]:
    """Place names as name keys: ``places`` (the 地区 sheet's districts and towns) and the town part of every
    address key (「本町」 of 「本町3-5-2」; ``joined``, when given, is the keys joined by _JOIN)."""
    out = {name_key(p) for p in places if p}
    towns: Iterable[str]
    text = _JOIN.join(addresses) if joined is None else joined
    if "\n" not in text and text.count(_JOIN) == len(addresses) - 1:  # one pass over them all joined
        towns = re.findall(rf"(?<![^{_J}])(?:[^{_J}\n]{{1,6}}?[市町村区])?([^\d{_J}]{{2,6}}?)(?:\d|(?={_J})|\Z)",
                           text)
    else:
        towns = [m.group(1) for m in map(_LEADING_TOWN.match, filter(None, addresses)) if m]
    out.update(map(name_key, set(towns)))
    return frozenset(p for p in out if len(p) >= 2)


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
    vector = (len(columns[0]) if columns is not None and len(columns) else len(records or ())) > PLAIN_RECORDS
    c = _columns(records, phone_of, municipality, columns, address_key_of, vector=vector)
    if len(c.name) < 2:
        return []
    places = list(places)
    known = cache(lambda: place_keys(places, c.address, c.address_text))  # worked out when a pair first needs it
    candidates: Iterable[tuple[int, int]]
    if not vector:
        candidates = _plain_candidates(c)
    else:
        v = _Vectors.of(c)
        first, second = _vector_filter(c, v, *_vector_candidates(c, v))
        candidates = zip(first.tolist(), second.tolist(), strict=True)
    pairs = []
    for i, j in candidates:
        reasons = _reasons(c, i, j, known)
        if reasons:
            pairs.append(DuplicatePair(i, j, reasons))
    return pairs
