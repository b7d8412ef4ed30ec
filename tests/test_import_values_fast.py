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


def _split_labelled_plain(text: str, own: str) -> tuple[str, list[tuple[str, str]]]:
    """split_labelled as it was written first: the pattern over the whole text, every part joined the same way."""
    matches = list(V._LABEL_RE.finditer(text))
    if not matches:
        return text, []
    own_parts: list[str] = [text[: matches[0].start()]]
    found: list[tuple[str, str]] = []
    for i, m in enumerate(matches):
        label = m.group("b") or m.group("c")
        key = V.INLINE_LABELS[label]
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        segment = text[m.end(): end]
        line, _, tail = segment.partition("\n")
        rest = ""
        if not m.group("b") or line.strip():
            segment, rest = line, tail
        value = segment.strip(" \n、,。/")
        if key == own:
            own_parts.append(segment.strip(" \n"))
        elif value:
            found.append((key, value))
        if rest.strip():
            own_parts.append(rest)
    return "\n".join(p.strip(" \n") for p in own_parts if p.strip(" \n、,/")), found


_LABEL_PIECES = st.sampled_from([
    "料金", "定休日", "TEL", "対象", "対象者", "：", ":", "【", "】", " ", "\n", "、", "。", "/", "■", "円", "500", "a",
    "営業時間", "9時", ",", "備考"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_LABEL_PIECES, max_size=24).map("".join), st.sampled_from(["content", "fee", "notes", "target"]))
@example("無料でご利用いただけます。 料金: 実費のみ", "content")
@example("。 料金: 500円\n残り", "content")
@example("料金: 500円", "fee")
@example("【料金】\n500円\n【定休日】日曜", "notes")
def test_split_labelled_equals_the_plain_steps(text: str, own: str) -> None:
    assert V.split_labelled(text, own) == _split_labelled_plain(text, own)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="0123456789", min_size=5, max_size=5), st.sampled_from([10, 11]),
       st.text(alphabet="0123456789", min_size=5, max_size=5))
@example("47962", 10, "11111")
@example("01120", 11, "61023")  # after 00 the int loses a 0: the library's own parse decides
@example("90123", 11, "45678")
@example("12000", 10, "11900")
def test_grouping_of_equals_the_library_parse(prefix: str, length: int, rest: str) -> None:
    """text._grouping_of (formatted from the number _valid_plain checked) is the grouping of the library's parse."""
    from shigen import text as T

    digits = ("0" + prefix + rest * 2)[:length]
    if not T._valid_plain(digits):
        return
    found = T._library_phone(digits, "")
    assert T._grouping_of(digits) == (tuple(len(p) for p in found.number.split("-")) if found.valid else None)


_NUMBERS = ["0479-62-1111", "0479621111", "03-1234-5678", "090-1234-5678", "08012345678", "0120-123-456",
            "0436-22-3333", "070-1111-2222"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["phone", "fax", "mobile"]), st.sampled_from(_NUMBERS)),
                min_size=1, max_size=3))
def test_plain_phones_are_placed_as_place_phones_places_them(cells: list[tuple[str, str]]) -> None:
    """_assign_plain_phones' short way for the usual row (a 電話 and maybe a FAX) puts the numbers where
    _place_phones puts them: the same values in the same order, the same notes and warnings, for any row."""
    plain = [(key, text, f"列{i}") for i, (key, text) in enumerate(cells)]
    fast, fast_notes = V.Normalised({}), []
    assert V._assign_plain_phones(plain, "0479", fast, fast_notes)
    slow, slow_notes = V.Normalised({}), []
    formatted = []
    for key, text, header in plain:
        phone = V.normalize_phone(text, "0479")
        formatted.append((key, phone.number, phone.mobile, header))
    V._place_phones(formatted, {}, False, slow, slow_notes)
    assert list(fast.values.items()) == list(slow.values.items())
    assert fast.explicit == slow.explicit and fast_notes == slow_notes and fast.warnings == slow.warnings
