"""A sheet's columns planned once (values.RowPlan, issue 18): a row read with the whole sheet's plan — its blank cells
simply missing — is normalised exactly as the row's own non-blank cells are, field order and findings included."""

from __future__ import annotations

import datetime as dt

from builders import DISTRICTS
from hypothesis import given, settings
from hypothesis import strategies as st

from shigen.create import default_genres
from shigen.importer import columns as C
from shigen.importer.mapper import LATLON, NOTE_LABELLED, PHONE_EXTENSION
from shigen.importer.values import Cell, Context, Normalised, RowPlan, district_from_address, normalise, normalise_row

# targets of every step of normalise, several of them twice (a field taken by two columns)
_TARGETS = ["name", "name", "kana", "genre", "genre", "address", C.ADDRESS_PART, C.ADDRESS_PREFIX, "postal_code",
            "phone", "phone", "fax", "mobile", C.COMBINED_PHONE_FAX, "content", "content", "fee", "days", "hours",
            C.HOURS_END, "closed_days", "district", "last_confirmed", "status", "paid", "email", "url", "notes", "id",
            C.FOREIGN_ID, C.EXTRA_COLUMN, C.UNMAPPED, LATLON, PHONE_EXTENSION, NOTE_LABELLED, "org:address",
            "org:phone", "org:postal_code", "area", "target", "operator", C.ROW_NUMBER]
_VALUES = st.sampled_from([
    "みどり配食", "ＡＢＣ商店\n本町店", "配食", "見守り", "通所介護", "みどり市本町1-2-3", "〒289-2144 本町1-2", "3-4 ビル2F",
    "千葉県", "0479-62-1111", "０４７９－６２－１１１１", "TEL 0479-62-1112(代表)", "0479621113", "なし", "電話と同じ",
    "弁当の配達\n料金：500円\n定休日：日曜", "【料金】無料", "月・水", "9:00", "17:00", "中央", "新しい地区", "R6.4.1",
    "2024/13/1", "掲載中", "たぶん", "有料", "info@example", "https://example.jp", "備考です TEL:0479-62-1114", "S00012",
    "12345", "34.35,133.99", "45", "定員20名", "＊", "-", "〃", "不明", " ", "", "a?b", 479621111, 479621111.0, 3, 1.5,
    True, dt.date(2024, 4, 1), dt.time(9, 0), None])


def _ctx() -> Context:
    return Context(default_genres(), list(DISTRICTS), "0479", genre_column=True)


def _seen(out: Normalised) -> tuple[object, ...]:
    return (list(out.values.items()), list(out.extra.items()), out.shigen_id, out.id_column, sorted(out.explicit),
            out.warnings, out.changed, out.unmatched_genre, out.unmatched_district, out.district_at)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TARGETS), st.sampled_from(["見出しA", "見出しB", "所在地", "緯度"]),
                          st.sampled_from(["", "ラベル"])), min_size=1, max_size=9),
       st.data(), st.booleans())
def test_a_row_read_with_the_sheets_plan_is_normalised_as_its_own_cells(slots, data, district_later):
    keys = [i * 3 + 1 for i in range(len(slots))]  # the sheet's columns (not 0, 1, 2 …: a plan is keyed by column)
    plan = RowPlan([(k, h, t, label) for k, (t, h, label) in zip(keys, slots, strict=True)])
    present = data.draw(st.lists(st.booleans(), min_size=len(slots), max_size=len(slots)))
    values = data.draw(st.lists(_VALUES, min_size=len(slots), max_size=len(slots)))
    row = {k: v for k, v, p in zip(keys, values, present, strict=True) if p}
    cells = [Cell(h, t, v, label) for (t, h, label), v, p in zip(slots, values, present, strict=True) if p]
    ctx = _ctx()
    try:
        by_plan = _seen(normalise_row(plan, row, ctx, district_later=district_later))
    except KeyError:  # a labelled part in an address made of address parts only: the same failure both ways
        by_plan = "KeyError"
    try:
        by_cells = _seen(normalise(cells, _ctx(), district_later=district_later))
    except KeyError:
        by_cells = "KeyError"
    assert by_plan == by_cells


def test_the_district_keeps_its_place_or_is_taken_out():
    plan = RowPlan([(0, "名称", "name", ""), (1, "住所", "address", ""), (2, "種別", "genre", "")])
    row = {0: "みどり配食", 1: "みどり市本町1-2-3", 2: "配食"}
    out = normalise_row(plan, row, _ctx(), district_later=True)
    assert out.district_at >= 0 and out.values["district"] == ""
    district_from_address(out, "中央地区")
    keys = list(out.values)
    assert out.values["district"] == "中央地区" and keys.index("district") == 3 and out.district_at == -1
    other = normalise_row(plan, row, _ctx(), district_later=True)
    district_from_address(other, "")
    assert "district" not in other.values and list(other.values) == [k for k in keys if k != "district"]
    # and without district_later the district is found in place
    direct = normalise_row(plan, row, _ctx())
    assert list(direct.values.items()) == list(out.values.items())


def test_a_field_of_two_columns_is_read_from_the_non_blank_one():
    """The first of two 内容 columns blank: the labelled number is said against the second column's header, and the
    fields keep the order of the cells that are there."""
    plan = RowPlan([(0, "内容1", "content", ""), (1, "料金", "fee", ""), (2, "内容2", "content", "")])
    row = {1: "500円", 2: "配達します\nTEL：62-1111"}
    out = normalise_row(plan, row, _ctx())
    cells = normalise([Cell("料金", "fee", "500円"), Cell("内容2", "content", "配達します\nTEL：62-1111")], _ctx())
    assert _seen(out) == _seen(cells)
    assert [k for k in out.values if k in ("fee", "content")] == ["fee", "content"]
    assert any(header == "内容2" for header, *_ in out.warnings), out.warnings
