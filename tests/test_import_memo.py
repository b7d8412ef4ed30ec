"""Values normalised once per distinct text and column (issue 18): the findings stay per row, the results the same."""

from __future__ import annotations

import openpyxl
from builders import DISTRICTS, load, make_workspace

from shigen.create import default_genres
from shigen.importer import read_paths
from shigen.importer.values import Cell, Context, _PerColumn, normalise, tidy_value


def test_a_repeated_bad_value_is_reported_on_every_row_it_is_in(tmp_path):
    ws = make_workspace(tmp_path / "ws", [])
    path = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["名称", "確認日", "メールアドレス", "郵便番号", "状態"])
    for i in range(12):  # every third row has the same four bad values (the others let the columns be recognised)
        bad = i % 3 == 1
        sheet.append([f"配食{i}", "2024年13月" if bad else "2024/4/1", "info@example" if bad else "a@example.jp",
                      "289-21" if bad else "289-2144", "たぶん" if bad else "掲載中"])
    wb.save(path)
    result = read_paths([path], load(ws))
    found = [(w.row, w.code) for w in result.sheets[0].warnings]
    for code in ("date-unreadable", "email-malformed", "postal-code-malformed", "choice-unknown"):
        assert [row for row, c in found if c == code] == [3, 6, 9, 12]
    assert [r.get("postal_code") for r in result.records[:3]] == ["289-2144", "289-21", "289-2144"]


def test_the_same_cells_normalise_the_same_each_time():
    ctx = Context(default_genres(), list(DISTRICTS))
    cells = [Cell("名称", "name", "みどり\n配食"), Cell("確認日", "last_confirmed", "R6.4.1"),
             Cell("料金", "fee", "500円\n定休日：日曜"), Cell("郵便番号", "postal_code", "２８９２１４４"),
             Cell("状態", "status", "不明な状態"), Cell("ふりがな", "kana", "ミドリ")]
    first, second = normalise(list(cells), ctx), normalise(list(cells), ctx)
    assert first.values == second.values and first.warnings == second.warnings and first.changed == second.changed
    assert first.values["closed_days"] == "日曜" and first.values["postal_code"] == "289-2144"
    assert first.values["last_confirmed"] == "2024-04-01" and first.values["kana"] == "みどり"
    assert [code for _, code, _, _ in first.warnings] == ["choice-unknown"]


def test_a_column_of_distinct_values_stops_being_remembered():
    memo = _PerColumn(lambda text, key: tidy_value(text), probe=50)
    for i in range(200):
        assert memo(f"ＡＢ{i}", "name") == f"AB{i}"  # every text different: computed, then no longer kept
        assert memo("月・水", "days") == "月・水"  # one text again and again: kept
    assert "name" in memo.direct and "days" not in memo.direct
    assert all(key != "name" for _, key in memo.cache) and ("月・水", "days") in memo.cache
