"""`find --day`: days are read only from texts that are about days; the others are left out and named."""

from __future__ import annotations

import json

import pytest
from builders import make_workspace, record

from shigen.find import HOLIDAY, parse_days, readable_days


@pytest.mark.parametrize(("days", "closed", "expected"), [
    ("毎週火曜 10:00～11:00", "", {1}),
    ("毎週月曜 9:30～11:00\n毎週木曜 13:30～15:00", "", {0, 3}),
    ("第1・第3水曜 10:00～11:30", "", {2}),
    ("毎月第1月曜", "", {0}),
    ("月,火,水,金", "", {0, 1, 2, 4}),
    ("月2回(第1・第3土曜)", "", {5}),
    ("月・木(北山・桜台)、火・金(上野・松原)", "", {0, 1, 3, 4}),  # a bracketed place note is a note
    ("随時(要予約)", "日曜", None),  # not about days: 随時
    ("毎日(登下校見守りとあわせて)", "", {0, 1, 2, 3, 4, 5, 6, HOLIDAY}),
    ("", "なし(1月1日～3日は休み)", {0, 1, 2, 3, 4, 5, 6, HOLIDAY}),  # dates closed, no weekday
    ("", "土曜・日曜・祝日・年末年始", {0, 1, 2, 3, 4}),
    ("9:00～17:00(日曜定休)", "", {0, 1, 2, 3, 4, 5}),  # the closing day in a bracket
])
def test_days_read_from_texts_about_days(days, closed, expected):
    got = parse_days(days, closed).days
    assert (got if got is None else set(got)) == expected


@pytest.mark.parametrize(("days", "closed"), [
    ("ゴミの日の朝", ""),  # 日 of ゴミの日 is not Sunday
    ("偶数月の第3日曜 12:00～13:30", ""),  # every other month: a weekday rule cannot say it
    ("水曜日(祝日の場合は翌日)", ""),
    ("月～金", "日曜・雨天"),  # closed when it rains: any day
    ("火・金(移動販売車が来る日)", ""),
    ("要確認", ""),
    ("毎月15日", ""),
    ("", "不定休"),
])
def test_free_text_is_not_read_as_days(days, closed):
    assert parse_days(days, closed).days is None
    assert not (readable_days(days) and readable_days(closed, closed=True))


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path, [
        record(name="朝のごみ出し手伝い", days="ゴミの日の朝", closed_days=""),
        record(name="土曜の配食", days="月～土", closed_days="日曜"),
        record(name="偶数月の食事会", days="偶数月の第3日曜 12:00～13:30", closed_days=""),
        record(name="日曜の食事会", days="第1・第3日曜 7:00～9:00", closed_days=""),
    ])


def test_find_day_leaves_out_and_names_the_records_without_readable_days(cli, ws):
    result = cli("find", "--day", "日", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [h["name"] for h in data["hits"]] == ["日曜の食事会"]  # not ゴミの日, not the every-other-month one
    assert {x["name"] for x in data["unreadable_days"]} == {"朝のごみ出し手伝い", "偶数月の食事会"}
    assert data["unknown_day"] == 2
    table = cli("find", "--day", "日")
    assert "読み取れない 2 件" in table.stderr and "朝のごみ出し手伝い(営業日『ゴミの日の朝』)" in table.stderr
    assert "偶数月の食事会" in table.stderr
