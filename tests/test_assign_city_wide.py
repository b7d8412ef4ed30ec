"""model.is_city_wide (one regex over the words; issue 18) answers what the word list says (any word in the text),
and assign.is_city_wide (remembered per text) answers the same."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shigen import assign, model
from shigen import schema as S

_PIECES = st.sampled_from([*S.CITY_WIDE_WORDS, "市内", "全", "域", "北町", " ", "、", "市", "町内", "村内全", "a"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(_PIECES, max_size=5).map("".join), st.text(max_size=12)))
def test_city_wide_is_what_the_word_list_says(area):
    assert assign.is_city_wide(area) == model.is_city_wide(area)
    assert model.is_city_wide(area) == any(word in area for word in S.CITY_WIDE_WORDS)
