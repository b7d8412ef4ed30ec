"""The import report's big sheets are streamed into their XML (issue 18): what is read back is what was meant."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from shigen.importer.report import ImportFinding, ImportResult, Outcome, ReadResult, ReadRow, SheetReport
from shigen.importer.report_book import write_report
from shigen.model import Record


def _result(tmp_path: Path) -> ImportResult:
    sheet = SheetReport("一覧.xlsx", "一覧")
    sheet.warnings = [ImportFinding.of(2, "電話番号", "phone-area-code-added", number="0479-62-7777"),
                      ImportFinding(3, "備考", "長い" * 120, "damaged-text", "対処\n2行目")]
    read = ReadResult()
    from shigen.importer.report import FileReport

    read.files = [FileReport(tmp_path / "一覧.xlsx", "xlsx", sheets=[sheet])]
    rows = []
    texts = ["ふつうの名前", "A & B <株>", " 前後に空白 ", "制御\x01文字", "改行\nあり", "_x0041_ のような字"]
    for i, name in enumerate(texts, start=2):
        rec = Record({"name": name, "source": f"一覧.xlsx:一覧:{i}"}, {}, i)
        rows.append(ReadRow(rec, tmp_path / "一覧.xlsx", "一覧", report=sheet))
    read.rows = rows
    result = ImportResult(read)
    result.outcomes = [Outcome(r, "新規", f"S{i:05d}", reason="") for i, r in enumerate(rows, start=1)]
    return result


def test_streamed_sheets_hold_exactly_the_rows_of_the_result(tmp_path):
    result = _result(tmp_path)
    path = write_report(result, tmp_path / "取込報告.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["概要", "取込結果", "シートの読み方", "列の対応", "飛ばした行と警告"]
    got = [tuple("" if v is None else v for v in row) for row in wb["取込結果"].iter_rows(min_row=2, values_only=True)]
    want = [o.to_row() for o in result.outcomes]
    assert [g[:4] for g in got] == [w[:4] for w in want[:3]] + [("一覧.xlsx:一覧:5", "新規", "S00004", "制御_x0001_文字"),
                                                                 *[w[:4] for w in want[4:5]],
                                                                 ("一覧.xlsx:一覧:7", "新規", "S00006", "_x005F_x0041_ のような字")]
    # (openpyxl leaves Excel's _xHHHH_ escapes of inline strings as they are; Excel shows the control character and
    # the literal _x0041_: the escapes are the ones xlsxwriter writes)
    problems = list(wb["飛ばした行と警告"].iter_rows(values_only=True))
    assert problems[0] == ImportResult.PROBLEM_HEADERS
    assert [tuple("" if v is None else v for v in row) for row in problems[1:]] == list(result.problem_rows())
    ws = wb["飛ばした行と警告"]
    assert ws["F2"].alignment.wrap_text and ws["H3"].alignment.wrap_text  # 内容 and 対処 wrap …
    assert ws.row_dimensions[3].height and ws.row_dimensions[3].height > 15  # … and a long one gets its lines' height
    assert wb["取込結果"]["D6"].alignment.wrap_text and not wb["取込結果"]["D2"].alignment.wrap_text
    assert wb["取込結果"].auto_filter.ref == "A1:G7" and wb["取込結果"].freeze_panes == "A2"
    assert wb["取込結果"].dimensions == "A1:G7"


# --- the report's cell text: the quick checks give what the regexes gave (issue 18) ---------------------------------
from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from shigen.importer import report_book as RB  # noqa: E402

_REPORT_ALPHABET = "&<>\r\n\t _x0A9F\x00\x08\x0b\x1c\x1f\x85\xa0\u2028\ud800\ufffe\uffff\u3000\u200b\ue000あ料"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_REPORT_ALPHABET, max_size=30) | st.text(max_size=30))
@example("a&b")
@example("<")
@example("x>")
@example("料\x00")
@example("a\rb")
@example("_x0041_")
@example("\ufffe")
@example("a\n")
@example(" a")
@example("a\u3000")
@example("a \n")
def test_report_text_quick_checks_equal_the_regexes(text):
    expected = text
    if RB._XML_ANY.search(text) is not None:
        expected = RB.escape_x(expected)
        if RB._CONTROL.search(expected):
            expected = RB._CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", expected)
        if RB._XML_SPECIAL.search(expected):
            expected = RB._XML_SPECIAL.sub(lambda m: RB._XML_ESCAPE[m.group()], expected)
    assert RB._xml_text(text) == expected
    assert RB._edge_space(text) == (RB._SPACE_AT_END.search(text) is not None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_REPORT_ALPHABET, max_size=30) | st.text(max_size=30))
@example(" a")
@example("a&b")
@example("a\n")
def test_report_cells_escape_as_xml_text_and_edge_space_say(text):
    """_row_xml's inlined checks (issue 18) write each text cell as _xml_text and _edge_space decide."""
    text = text.replace("\n", "")  # a second line only changes the style (tested through the report's own tests)
    row = RB._row_xml(2, (text,), ["A"], 3, 4, {})
    space = ' xml:space="preserve"' if RB._edge_space(text) else ""
    cell = f'<c r="A2" s="3" t="inlineStr"><is><t{space}>{RB._xml_text(text)}</t></is></c>' if text else ""
    assert row == f'<row r="2">{cell}</row>'


_ROW_VALUES = (st.text(alphabet=_REPORT_ALPHABET, max_size=12) | st.text(alphabet="あい料 S0_x:", max_size=12)
               | st.sampled_from(["", "", "新規", "S00001", "import.xlsx:一覧:4", " 前", "後 ", "a\nb", "_x0041_"])
               | st.none() | st.integers(-5, 5) | st.floats(allow_nan=False, width=32))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_ROW_VALUES, min_size=0, max_size=7).map(tuple), min_size=1, max_size=6),
       st.sampled_from([{}, {1: 12}, {4: 20, 6: 40}]))
@example([("import.xlsx:一覧:4", "新規", "S00001", "みどり会館", "", "", "")] * 3, {})
@example([("a", "b"), ("a", " b"), ("a&b", "c"), ("a", None)], {})
@example([("a" * 20_000, "b" * 20_000)], {})
def test_the_report_rows_written_the_quick_way_are_row_xml_s(rows, wrapped):
    """_RowWriter (issue 18) gives what _row_xml gives, row by row, whatever the row holds (its shapes reused)."""
    letters = ["A", "B", "C", "D", "E", "F", "G"]
    write = RB._RowWriter(letters, 3, 4, wrapped)
    for r, row in enumerate(rows * 2, start=2):
        assert write(r, row) == RB._row_xml(r, row, letters, 3, 4, wrapped)


def test_a_plain_row_of_texts_takes_the_quick_way():
    write = RB._RowWriter(["A", "B", "C", "D"], 3, 4, {})
    row = ("import.xlsx:一覧:4", "新規", "", "みどり会館")
    assert write(7, row) == RB._row_xml(7, row, ["A", "B", "C", "D"], 3, 4, {})
    assert write._shapes[(True, True, False, True)] is not None  # filled from its shape, not cell by cell
