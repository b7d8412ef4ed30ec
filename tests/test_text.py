"""Japanese value normalisation: width, kana, dashes, phones, dates, postal codes, keys."""

from __future__ import annotations

import datetime as dt

import pytest

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


@pytest.mark.parametrize("raw", ["", None, "要確認", "2023/13/1", "令和5年2月30日", "平成32年1月1日x", "昭和1年1月1日"])
def test_impossible_or_missing_dates_are_none(raw):
    assert T.parse_date(raw) is None


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
