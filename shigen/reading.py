"""Readings (よみ) of names for 五十音順 and for kana search: the stored ふりがな, else a suggested one.

A person's ふりがな is never overwritten. Where it is empty, :func:`suggest_reading` asks the morphological analyser
SudachiPy (dictionary sudachidict-core, Apache-2.0) for a reading; `shigen kana` stores it in the master's column
『ふりがな候補』 for the coordinator to check, and `shigen kana --accept` copies checked suggestions into an empty
ふりがな. Sorting and `find` use :func:`reading`: ふりがな, else ふりがな候補, else a suggestion made on the spot.

SudachiPy is imported only when a reading is needed (loading the dictionary takes about 0.5 s; then about 0.1 ms
per name). Without it (not installed), no suggestion is made and names sort as written.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .text import _LEGAL_RE as LEGAL_FORMS  # the legal forms 五十音順 ignores (株式会社, NPO法人 …)
from .text import sort_key, to_hiragana

if TYPE_CHECKING:
    from sudachipy import Tokenizer

    from .model import Catalogue, Record

SUGGESTED_KEY = "kana_suggested"
_SYMBOL_POS = ("補助記号", "空白", "記号")
_tokenizer_state: list[Tokenizer | None] = []  # [] = not loaded yet, [None] = unavailable, [tokenizer]


def _tokenizer() -> Tokenizer | None:
    if not _tokenizer_state:
        try:
            from sudachipy import Dictionary, SplitMode

            tok = Dictionary(dict="core").tokenizer(mode=SplitMode.C) if hasattr(Dictionary, "tokenizer") else Dictionary(dict="core").create(mode=SplitMode.C)
        except Exception:  # noqa: BLE001 - not installed or dictionary missing: no suggestions, never a crash
            tok = None
        _tokenizer_state.append(tok)
    return _tokenizer_state[0]


def _is_kana(text: str) -> bool:
    return all("ぁ" <= c <= "ゖ" or "ァ" <= c <= "ヺ" or c in "ーゝゞヽヾ" for c in text)


@lru_cache(maxsize=200_000)
def suggest_reading(text: str) -> str:
    """A reading of ``text`` in hiragana ('' when none can be made): kana, digits and symbols stay as written, other
    words take the analyser's reading (移動販売車 → いどうはんばいしゃ, NPO → えぬぴーおー)."""
    text = (text or "").strip()
    if not text:
        return ""
    if _is_kana(text.replace(" ", "").replace("\u3000", "")):
        return to_hiragana(text)
    tok = _tokenizer()
    if tok is None:
        return ""
    out = []
    for m in tok.tokenize(unicodedata.normalize("NFKC", text)):
        surface = m.surface()
        if m.part_of_speech()[0] in _SYMBOL_POS or _is_kana(surface) or surface.isdigit():
            out.append(surface)
        else:
            out.append(m.reading_form() or surface)
    return to_hiragana("".join(out))


def suggest_for_name(name: str) -> str:
    """The suggested ふりがな of a name, legal forms (株式会社, NPO法人 …) left out."""
    return suggest_reading(LEGAL_FORMS.sub("", unicodedata.normalize("NFKC", name or "")).strip())


def reading(record: Record) -> str:
    """The reading used for 五十音順 and kana search: ふりがな, else ふりがな候補, else a suggestion of the name."""
    return record.get("kana") or record.get(SUGGESTED_KEY) or suggest_for_name(record.name)


def available() -> bool:
    """True when SudachiPy and its dictionary can be loaded."""
    return _tokenizer() is not None


# --- `shigen kana`: suggestions stored in the master --------------------------------------------------------
@dataclass
class KanaResult:
    suggested: list[tuple[str, str, str]] = field(default_factory=list)  # (ID, 名称, 候補) written to ふりがな候補
    accepted: list[tuple[str, str, str]] = field(default_factory=list)  # (ID, 名称, よみ) copied into ふりがな
    with_kana: int = 0  # records whose ふりがな a person wrote: never touched
    waiting: int = 0  # suggestions already stored and not yet accepted
    no_suggestion: list[tuple[str, str]] = field(default_factory=list)  # (ID, 名称) no reading could be made
    analyser: bool = True  # False when SudachiPy is not installed

    @property
    def changed(self) -> bool:
        return bool(self.suggested or self.accepted)

    def to_dict(self) -> dict[str, object]:
        return {"suggested": [dict(zip(("id", "name", "reading"), r, strict=True)) for r in self.suggested],
                "accepted": [dict(zip(("id", "name", "reading"), r, strict=True)) for r in self.accepted],
                "with_kana": self.with_kana, "waiting": self.waiting, "analyser": self.analyser,
                "no_suggestion": [dict(zip(("id", "name"), r, strict=True)) for r in self.no_suggestion]}


def fill_suggestions(cat: Catalogue, *, accept: bool = False, by: str = "shigen kana") -> KanaResult:
    """Write a suggested reading into ふりがな候補 of every record whose ふりがな is empty (logged in 履歴).

    With ``accept``, a stored suggestion is copied into the empty ふりがな instead (and ふりがな候補 cleared). A
    ふりがな a person wrote is never changed. The caller saves the catalogue when :attr:`KanaResult.changed`."""
    result = KanaResult(analyser=available())
    for r in cat.records:
        if r.get("kana"):
            result.with_kana += 1
            continue
        stored = r.get(SUGGESTED_KEY)
        if accept and stored:
            cat.set_value(r, "kana", stored, command=by, by=by)
            cat.set_value(r, SUGGESTED_KEY, "", command=by, by=by)
            result.accepted.append((r.id, r.name, stored))
            continue
        if stored:
            result.waiting += 1
            continue
        suggestion = suggest_for_name(r.name) if r.name else ""
        if not suggestion or not _is_kana(sort_key(suggestion, "")):  # kanji or Latin left: no usable reading
            result.no_suggestion.append((r.id, r.name))
            continue
        cat.set_value(r, SUGGESTED_KEY, suggestion, command=by, by=by)
        result.suggested.append((r.id, r.name, suggestion))
    return result


def run_kana(catalogue: Path, *, accept: bool = False) -> KanaResult:
    """`shigen kana`: :func:`fill_suggestions` on the master inside one transaction (locked from reading to saving)."""
    from .master import master_transaction, save_catalogue

    with master_transaction(catalogue) as cat:
        result = fill_suggestions(cat, accept=accept)
        if result.changed:
            save_catalogue(cat)
    return result
