"""The fast paths of importer.values give what the plain steps give (issue 18: import speed).

tidy_value's usual-text path rests on two facts about Unicode that the Python running the tests must still hold:
every decimal digit (``\\d``) other than ASCII 0-9 is one of the characters that send a text down the general path,
and ``_FOLDABLE`` (``\\s`` spelt out) is the character class it stands for. A Python with a newer Unicode that breaks
either fails here, not silently in an import.
"""

from __future__ import annotations

import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from shigen.importer import values as V
from shigen.text import fold_dashes

_ALL = [chr(c) for c in range(sys.maxunicode + 1)]


def test_every_other_digit_takes_the_general_path() -> None:
    digit = re.compile(r"\d")
    for c in _ALL:
        if digit.match(c) and not "0" <= c <= "9":
            assert V._FOLD_OR_OTHER_DIGIT.match(c), hex(ord(c))


def test_foldable_is_whitespace_and_dashes() -> None:
    spelt = re.compile(r"[\s－−‐‑‒–—―ーｰ─━～〜~∼]")
    for c in _ALL:
        assert (spelt.match(c) is None) == (V._FOLDABLE.match(c) is None), hex(ord(c))


def _tidy_value_plain(text: str) -> str:
    """tidy_value as it was before its fast path: tidy, then fold_dashes only for a dash after a digit."""
    text = V.tidy(text)
    if V._FOLDABLE.search(text) is None:
        return text
    return fold_dashes(text) if V._ANY_DASH.search(text) and V._DASH_AFTER_DIGIT.search(text) else text


_TEXT_PIECES = st.sampled_from([
    "1", "0", "23", "-", "－", "ー", "―", "～", "〜", "~", " ", "  ", "\n", " \n", "\t", "\r", "\u3000", "\xa0", "１",
    "٣", "४", "꘤", "𝟏", "😊", "ｱ", "ﾞ", "時", "円", "分", "a", "（", "）", "(", "é", "\u2003", "料金", "本町",
])


@settings(max_examples=1500, deadline=None)
@given(st.lists(_TEXT_PIECES, max_size=20).map("".join))
@example("9時〜17時")  # a wave after 時 is left alone: tidy_value folds only after a digit
@example("0479 - 62 - 1111")
@example("٣ - ٤")  # Arabic-Indic digits: \d, not [0-9]
@example("𝟏 -𝟐")
@example("1\u2003-2")
@example("本町1-2-3")
def test_tidy_value_equals_the_plain_steps(text: str) -> None:
    assert V.tidy_value(text) == _tidy_value_plain(text)
