"""The site's search, in Python: the reference that assets/search.js must agree with (checked in the tests).

The index (``data/search.js``) holds each record's searched fields folded with :func:`shigen.text.search_key`;
the page folds the query with the same rules. A record matches when the whole query, or every space-separated
word of it, is found in its folded text or names its genre (a genre name or synonym inside the word, or the
word inside one), as in ``shigen find``; filters: district (where it can be used), genre, days, 無料.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from ..text import search_key

fold = search_key

ITEM_GENRE, ITEM_DISTRICTS, ITEM_DAYS, ITEM_FREE, ITEM_KEY, ITEM_NAME_KEY = 2, 10, 11, 12, 13, 14


def terms(query: str) -> list[str]:
    return [k for k in (fold(p) for p in unicodedata.normalize("NFKC", query or "").split()) if k]


@dataclass(frozen=True)
class Filters:
    words: tuple[str, ...]
    whole: str
    district: int | None = None
    genre: int | None = None
    days: tuple[int, ...] = ()
    free: bool = False


def make_filters(query: str, district: int | None = None, genre: int | None = None, days: tuple[int, ...] = (),
                 free: bool = False) -> Filters:
    return Filters(tuple(terms(query)), fold(query), district, genre, tuple(days), free)


def _genre_hit(word: str, keys: list[str]) -> bool:
    return any(k and (k in word or word in k) for k in keys)


def matches(item: list[Any], genres: list[dict[str, Any]], f: Filters) -> bool:
    if f.genre is not None and item[ITEM_GENRE] != f.genre:
        return False
    if f.district is not None and f.district not in item[ITEM_DISTRICTS]:
        return False
    if f.free and not item[ITEM_FREE]:
        return False
    if f.days and (item[ITEM_DAYS] < 0 or not all(item[ITEM_DAYS] & (1 << d) for d in f.days)):
        return False
    if not f.words:
        return True
    keys = genres[item[ITEM_GENRE]]["keys"]
    key = item[ITEM_KEY]
    if f.whole and (f.whole in key or _genre_hit(f.whole, keys)):
        return True
    return all(w in key or _genre_hit(w, keys) for w in f.words)


def search(data: dict[str, Any], f: Filters) -> list[str]:
    """IDs of the hits in the order the page shows them (name hits first, then catalogue order)."""
    first: list[str] = []
    rest: list[str] = []
    for item in data["items"]:
        if not matches(item, data["genres"], f):
            continue
        name_hit = bool(f.words) and all(w in item[ITEM_NAME_KEY] for w in f.words)
        (first if name_hit else rest).append(item[0])
    return first + rest
