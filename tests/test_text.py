"""Japanese value normalisation: width, kana, dashes, phones, dates, postal codes, keys."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shigen import text as T


@pytest.mark.parametrize(("raw", "expected"), [
    ("０４７９－６２－１１１１", "0479-62-1111"),
    ("0479ー62ー1111", "0479-62-1111"),
    ("(0479)62-1111", "0479-62-1111"),
    ("（０４７９）６２－１１１１", "0479-62-1111"),
    ("0479621111", "0479-62-1111"),
    ("TEL:0479-62-1111", "0479-62-1111"),
    ("090-1234-5678", "090-1234-5678"),
    ("09012345678", "090-1234-5678"),
    ("0120123456", "0120-123-456"),
    ("03-1234-5678", "03-1234-5678"),
    ("050-1234-5678", "050-1234-5678"),
])
def test_phone_numbers_take_the_national_hyphenated_form(raw, expected):
    phone = T.normalize_phone(raw)
    assert phone.valid and phone.number == expected


def test_phone_notes_mobile_and_area_code():
    assert T.normalize_phone("0479-62-1111（代表）").note == "代表"
    assert T.normalize_phone("080-1111-2222").mobile
    assert not T.normalize_phone("0479-62-1111").mobile
    without = T.normalize_phone("62-1111")
    assert not without.valid
    added = T.normalize_phone("62-1111", "0479")
    assert added.valid and added.number == "0479-62-1111" and added.area_code_added
    assert not T.normalize_phone("0479-62-111").valid
    assert not T.normalize_phone("要確認").valid


def test_find_phones_in_a_combined_cell():
    assert T.find_phones("TEL 0479-62-1111 FAX 0479-62-2222") == [("TEL", "0479-62-1111"), ("FAX", "0479-62-2222")]
    assert T.find_phones("電話：０４７９‐６２‐３３３３／携帯 090-1234-5678") == [
        ("TEL", "0479-62-3333"), ("携帯", "090-1234-5678")]


@pytest.mark.parametrize(("raw", "expected"), [
    ("令和5年4月1日", dt.date(2023, 4, 1)),
    ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("R5.4.1", dt.date(2023, 4, 1)),
    ("Ｒ５．４．１", dt.date(2023, 4, 1)),
    ("H31.4.1", dt.date(2019, 4, 1)),
    ("平成31年4月30日", dt.date(2019, 4, 30)),
    ("昭和64年1月7日", dt.date(1989, 1, 7)),
    ("2023/4/1", dt.date(2023, 4, 1)),
    ("2023-04-01", dt.date(2023, 4, 1)),
    ("2023年4月1日", dt.date(2023, 4, 1)),
    ("２０２３年４月１日（土）", dt.date(2023, 4, 1)),
    ("令和5年4月1日現在", dt.date(2023, 4, 1)),
    ("20230401", dt.date(2023, 4, 1)),
    (45017, dt.date(2023, 4, 1)),
    (dt.datetime(2023, 4, 1, 0, 0), dt.date(2023, 4, 1)),
])
def test_dates_in_every_common_form(raw, expected):
    assert T.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "要確認", "2023/13/1", "令和5年2月30日", "2023/4/1x", "昭和1年1月1日"])
def test_impossible_or_missing_dates_are_none(raw):
    assert T.parse_date(raw) is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("平成31年4月30日", dt.date(2019, 4, 30)),  # the last day of 平成
    ("平成31年5月1日", None),  # already 令和元年: 平成 had ended
    ("平成32年1月1日", None),
    ("令和元年4月30日", None),  # 令和 had not begun
    ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("昭和64年1月7日", dt.date(1989, 1, 7)),
    ("昭和64年1月8日", None),  # the first day of 平成
    ("平成元年1月8日", dt.date(1989, 1, 8)),
    ("平成31年5月", None),  # a month-only 平成 date after its end
])
def test_era_dates_exist_only_between_the_eras_first_and_last_day(raw, expected):
    """Era boundaries themselves (no other defect in the text): a date after an era ended is not that era's."""
    assert T.parse_date(raw) == expected


def test_width_and_kana_folding_keeps_names():
    assert T.fold_width("ﾐﾄﾞﾘ　ＡＢＣ１２３") == "ミドリ ABC123"
    assert T.clean_text("  ㈱髙橋商店  ") == "㈱髙橋商店"  # ㈱ and 髙 stay as written
    assert T.fold_dashes("9:00〜17:00") == "9:00～17:00"
    assert T.clean_value("９：００～１７：００") == "9:00～17:00"
    assert T.clean_text("1行目\r\n  2行目  \n\n") == "1行目\n2行目"


def test_name_key_folds_legal_forms_width_and_spacing():
    assert T.name_key("㈱ みどり配食") == T.name_key("みどり配食株式会社") == T.name_key("（株）みどり 配食")
    assert T.name_key("ミドリ配食") == T.name_key("みどり配食")
    assert T.name_key("みどり配食") != T.name_key("みどり移送")


def test_sort_key_ignores_legal_forms():
    assert T.sort_key("", "株式会社あおば") < T.sort_key("", "いろは商店")
    assert T.sort_key("カブシキガイシャ アオバ", "") == "あおば"


def test_postal_email_url():
    assert T.normalize_postal("〒２８９－０００１") == ("289-0001", True)
    assert T.normalize_postal("2890001") == ("289-0001", True)
    assert T.normalize_postal("289-001")[1] is False
    assert T.normalize_email("info＠example.jp") == ("info@example.jp", True)
    assert T.normalize_email("info@example")[1] is False
    assert T.normalize_url("www.example.jp") == ("https://www.example.jp", True)
    assert T.normalize_url("ホームページなし")[1] is False


def test_wareki():
    assert T.to_wareki(dt.date(2027, 4, 1)) == "令和9年4月1日"
    assert T.to_wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert T.wareki_month(dt.date(2027, 4, 1)) == "令和9年4月"


# --- kanji numerals, addresses, month-only dates, +81 (issue 14) ---------------------------
@pytest.mark.parametrize(("kanji", "number"), [
    ("三", 3), ("十", 10), ("十二", 12), ("二十三", 23), ("三十一", 31), ("百", 100), ("百五", 105), ("千二百", 1200),
    ("二〇二三", 2023), ("一万二千", 12000), ("五十", 50), ("九十九", 99),
])
def test_kanji_numerals(kanji, number):
    assert T.kanji_to_int(kanji) == number


def test_kanji_numerals_that_are_not_numbers():
    assert T.kanji_to_int("二三十") is None
    assert T.kanji_to_int("本町") is None
    assert T.kanji_to_int("") is None


def test_kanji_numerals_and_no_between_numbers_are_one_address():
    same = ["本町三丁目5番地2", "本町3-5-2", "本町3の5の2", "本町三の五の二", "本町３－５－２", "本町3丁目5番2号",
            "本町 三丁目 五番地 二号", "本町3丁目5-2", "本町三丁目五番地の二"]
    assert {T.address_key(a) for a in same} == {"本町3-5-2"}
    assert T.address_key("本町3-5-2") != T.address_key("本町3-5-12")
    assert T.address_key("本町十二丁目三十四番五号") == "本町12-34-5"


@pytest.mark.parametrize("address", ["九十九里町片貝", "四街道市大日", "一の宮町", "八幡町", "十日町市", "一番町", "三鷹市"])
def test_numerals_inside_place_names_stay(address):
    assert T.address_key(address) == address


def test_address_keys_of_many_equal_one_by_one():
    """The batch (one pass over all addresses joined) must not let pieces run into each other."""
    addresses = ["みどり野市本町1丁目2番3号", "\u3099本町", "か", "\u3099", "１２３", "丁目4番", "1", "号館", "三", "丁目",
                 "本町三", "の二", "本町１－２－３\nみどりビル2F", "ｶﾞｰﾃﾞﾝ ﾊｲﾂ 1-2", "港町5番地の2-", "-", "東京都北区", "3の",
                 "5の2"]
    assert T.address_keys(addresses) == [T.address_key(a) for a in addresses]
    with_separator = [*addresses, "本町\x001-2"]
    assert T.address_keys(with_separator) == [T.address_key(a) for a in with_separator]
    assert T.address_keys([]) == []


def test_name_keys_of_many_equal_one_by_one():
    """The batch (one pass over all names joined) must not let pieces run into each other."""
    names = ["株式会社みどり配食", "\u3099配食", "ｶ", "ﾞ", "(株)", "株式", "会社", "ΑΣ", "Σα", "İ", "  ", "", "・・", "ー",
             "ﾐﾄﾞﾘ 配食(ＮＰＯ)", "特定非営利活動", "法人さくら", "NPO", "法人", "㈱あおば", "ひまわり\nサロン", "Straße"]
    assert T.name_keys(names) == [T.name_key(n) for n in names]
    with_separator = [*names, "みどり\x00配食"]
    assert T.name_keys(with_separator) == [T.name_key(n) for n in with_separator]
    assert T.name_keys([]) == []


@given(st.lists(st.text(alphabet="株式会社(有)ＮＰＯ法人ｶﾞﾞ\u3099ΣσİAaｱあア ・ー-　社協配食ひ1１〇", max_size=8), max_size=12))
def test_name_keys_of_random_names_equal_one_by_one(names):
    assert T.name_keys(names) == [T.name_key(n) for n in names]


@pytest.mark.parametrize(("raw", "expected"), [
    ("令和五年四月一日", dt.date(2023, 4, 1)),
    ("平成三十一年四月三十日", dt.date(2019, 4, 30)),
    ("平成三十一年三月一日", dt.date(2019, 3, 1)),
    ("令和元年五月一日", dt.date(2019, 5, 1)),
    ("二〇二三年四月一日", dt.date(2023, 4, 1)),
    ("昭和六十四年一月七日", dt.date(1989, 1, 7)),
])
def test_kanji_dates(raw, expected):
    assert T.read_date(raw) == T.DateReading(expected, False)


@pytest.mark.parametrize(("raw", "expected"), [
    ("令和5年4月", dt.date(2023, 4, 1)), ("2023年4月", dt.date(2023, 4, 1)), ("2023/4", dt.date(2023, 4, 1)),
    ("R5.4", dt.date(2023, 4, 1)), ("令和五年四月", dt.date(2023, 4, 1)), ("平成三十一年四月", dt.date(2019, 4, 1)),
    ("令和元年5月", dt.date(2019, 5, 1)), ("２０２３年１０月現在", dt.date(2023, 10, 1)),
])
def test_month_only_dates_read_as_the_first(raw, expected):
    assert T.read_date(raw) == T.DateReading(expected, True)
    assert T.parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["令和元年4月", "平成31年5月", "2023年13月", "平成三十一年", "令和"])
def test_month_only_dates_that_never_existed(raw):
    assert T.parse_date(raw) is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("+81 479-62-1111", "0479-62-1111"), ("+81-3-1234-5678", "03-1234-5678"), ("+81(0)479-62-1111", "0479-62-1111"),
    ("+81 90 1234 5678", "090-1234-5678"), ("TEL +81-479-62-1111", "0479-62-1111"), ("＋８１ ４７９ ６２ １１１１", "0479-62-1111"),
])
def test_international_form_phones(raw, expected):
    phone = T.normalize_phone(raw)
    assert phone.valid and phone.number == expected
    assert T.phone_digits(raw) == expected.replace("-", "")
    assert T.find_phones(f"電話 {raw}")[0][1].replace("-", "").replace(" ", "").lstrip("0") == expected.replace("-", "").lstrip("0")


def test_plain_number_shortcut_agrees_with_the_library():
    """normalize_phone answers a plain number from the grouping of its first six digits and length: the same
    answer as phonenumbers itself (shigen.text._library_phone) for numbers all over the numbering plan."""
    import random

    rng = random.Random(7)
    values = ["0479-62-1111", "0479621111", "090-1234-5678", "09012345678", "0120-123-456", "03-1234-567",
              "0479-62-111", "050-1234-5678", "047-962-1111", "04-7962-1111"]
    for _ in range(600):
        area = rng.choice(["0479", "03", "06", "0120", "090", "080", "050", "0470", "0475", "0436", "04", "099", "011",
                           "0267", "01267", "0570"])
        mid = str(rng.randint(1, 9999)).zfill(rng.choice([1, 2, 3, 4]))
        tail = str(rng.randint(0, 9999)).zfill(rng.choice([3, 4]))
        values += [f"{area}-{mid}-{tail}", f"{area}{mid}{tail}"]
    T._GROUPING.clear()
    T._VALID_PREFIX.clear()
    for v in values * 2:  # the second round from the grouping cache
        want = T._library_phone(v)
        got = T.normalize_phone(v)
        assert (got.valid, got.number if got.valid else v) == (want.valid, want.number if want.valid else v), v
        assert T.phone_digits(v) == (want.number.replace("-", "") if want.valid else ""), v
