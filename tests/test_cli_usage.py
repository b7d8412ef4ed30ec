"""How shigen speaks when the command line is wrong: one Japanese line on stderr, exit 2; help in Japanese."""

from __future__ import annotations

import csv
import json
import re

import pytest
from builders import make_workspace, record

from shigen.cli import app
from shigen.cli.app import COMMAND_ORDER, TOOLS_ORDER, ordered_commands, wrap

JAPANESE = re.compile(r"[ぁ-んァ-ヶ一-龥]")
ENGLISH_FRAMEWORK = ("Usage", "Error:", "Try ", "Invalid value", "No such", "Missing", "Got unexpected",
                     "requires an argument", "Input should", "Did you mean", "Possible options")


def one_japanese_line(result) -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("エラー: ") and JAPANESE.search(line), line
    assert not any(word in line for word in ENGLISH_FRAMEWORK), line
    assert result.stdout == ""
    return line


@pytest.fixture
def ws(tmp_path):
    return make_workspace(tmp_path, [record(name="みどり配食", phone="0479-62-1111")])


# each: the command line, and what the one line must say
MISTAKES = [
    (("export", "--formt", "xlsx"), ["--formt", "もしかして --format"]),  # unknown option, near miss
    (("expor",), ["『expor』というコマンドはありません", "もしかして export"]),  # unknown command, near miss
    (("status", "--verbose"), ["--verbose というオプションはありません", "shigen status --help"]),  # no near miss
    (("--workspce", "x", "status"), ["もしかして --workspace"]),  # a global option misspelt
    (("assign",), ["--by の指定が必要", "district、genre"]),  # missing required option
    (("collect",), ["ブック を指定してください"]),  # missing argument
    (("export", "--format"), ["--format の後に値を指定してください"]),  # option without its value
    (("audit", "--top", "-1"), ["--top には 0 以上の整数", "『-1』"]),  # out of range
    (("audit", "--top", "many"), ["--top", "整数", "『many』"]),  # not a number
    (("find", "--limit", "0"), ["--limit には 1 以上の整数"]),  # out of range (min 1)
    (("assign", "--by", "area"), ["--by の『area』は使えません", "district、genre"]),  # bad choice
    (("export", "--format", "pfd"), ["--format の『pfd』は使えません", "xlsx"]),  # bad choice, formats from export
    (("export", "--format", "json"), ["--format の『json』", "--json を付けて"]),  # export writes files; JSON is --json
    (("export", "--encoding", "latin-1"), ["--encoding の『latin-1』", "utf-8、cp932"]),
    (("coverage", "--format", "csv"), ["--format の『csv』", "table、xlsx、json"]),
    (("audit", "--fail-on", "sometimes"), ["--fail-on の『sometimes』"]),
    (("init", "--force=yes"), ["--force は値をとりません"]),  # a flag given a value
    (("init", "旭市"), ["余分な引数があります: 旭市"]),  # a stray argument
    (("assign", "--by", "district", "--year", "27"), ["--year", "西暦4桁"]),  # checked in the command body
    (("audit", "--as-of", "2027-13-01"), ["--as-of", "日付として読めません"]),  # a ShigenError UsageError
    (("collect", "ない.xlsx"), ["ない.xlsx", "見つかりません"]),
    (("--dry-run", "assign"), ["--dry-run は", "assign", "コマンド名の後に書いてください"]),  # option before command  # a file named on the command line that is not there
]


@pytest.mark.parametrize("args, says", MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_every_usage_mistake_is_one_japanese_line_and_exit_2(cli, ws, args, says):
    line = one_japanese_line(cli(*args))
    for text in says:
        assert text in line, line


def test_bare_shigen_shows_the_help_not_an_error(cli):
    result = cli()
    assert result.exit_code == 0 and "使い方: shigen" in result.stdout and result.stderr == ""


def test_help_speaks_japanese_including_the_frameworks_words(cli):
    top = cli("--help").stdout
    assert top.startswith("使い方: shigen [オプション] コマンド [引数]...")
    assert "\nオプション:\n" in top and "\nコマンド:\n" in top and "環境変数:" in top
    assign = cli("assign", "--help").stdout
    assert "[必須]" in assign and "[既定値: table]" in assign and "この説明を表示して終わります" in assign
    audit = cli("audit", "--help").stdout
    assert "\n引数:\n" in audit and "0 以上" in audit
    for page in (top, assign, audit):
        for word in ("Usage", "Options:", "Arguments:", "Commands:", "default:", "required", "env var", "[OPTIONS]",
                     "<str>", "<path>", "<int"):
            assert word not in page, word


def test_help_lines_fit_the_terminal_measured_in_columns(cli):
    from shigen.cli.app import _width

    for name in ("", "export", "assign", "audit", "find"):
        page = cli(*([name] if name else []), "--help").stdout
        assert max(_width(line) for line in page.splitlines()) <= 80, name


def test_wrap_breaks_japanese_anywhere_but_keeps_ascii_words_and_line_start_rules():
    lines = wrap("書き出すファイル(既定: exports/社会資源一覧.xlsx など)。フォルダーを指定するとその中に作ります。", 20)
    assert all(sum(2 if ord(c) > 0x2E80 else 1 for c in x) <= 21 for x in lines)
    assert any("exports/社会資源一覧.xlsx" in x or "exports/" in x for x in lines)
    assert not any(x.startswith(("。", "、", ")")) for x in lines)
    assert not any(x.endswith(("(", "（", "「")) for x in wrap("あいうえおかきくけこさしすせ(たちつてと)なにぬねの", 14))


def test_commands_are_listed_in_the_order_of_the_yearly_cycle(cli):
    page = cli("--help").stdout
    listed = re.findall(r"^  ([a-z]+)  ", page.split("コマンド:")[1], flags=re.M)
    known = [c for c in (*COMMAND_ORDER, *TOOLS_ORDER) if c in listed]
    assert listed[: len(known)] == known or [c for c in listed if c in known] == known
    assert listed.index("init") < listed.index("import") < listed.index("audit") < listed.index("assign") \
        < listed.index("collect") < listed.index("export") < listed.index("status")


def test_unknown_commands_go_after_the_cycle_and_before_the_tools():
    names = ["status", "zebra", "export", "init", "letters", "site", "fix", "coverage", "apple", "find", "import"]
    assert ordered_commands(names) == ["init", "import", "fix", "letters", "export", "site", "apple", "zebra",
                                       "find", "coverage", "status"]
    assert {"fix", "letters", "site"} <= set(COMMAND_ORDER)


def test_format_values_are_the_same_words_everywhere():
    from typer.main import get_command

    group = get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        for param in command.params:
            if "--format" in getattr(param, "opts", ()):
                assert "-f" in param.opts, name  # the same short form everywhere
                if name not in ("export", "letters"):  # export and letters name files; the others show or print
                    assert param.default == "table" and param.metavar.startswith("table|"), name


def test_text_is_accepted_as_the_old_name_of_table(cli, ws):
    result = cli("assign", "--by", "district", "--format", "text", "--dry-run", "--as-of", "2027-04-01")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("spelling", ["sjis", "shift_jis", "shift-jis", "Shift_JIS", "cp932"])
def test_encoding_sjis_spellings_mean_cp932(cli, ws, tmp_path, spelling):
    out = tmp_path / f"一覧_{spelling}.csv"
    result = cli("export", "--format", "csv", "--audience", "staff", "--encoding", spelling, "--output", out)
    assert result.exit_code == 0, result.stderr
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no UTF-8 BOM
    text = raw.decode("cp932")
    assert "みどり配食" in text and next(csv.reader(text.splitlines()))


def test_an_output_path_without_extension_gets_the_formats_one(cli, ws, tmp_path):
    result = cli("audit", "--format", "json", "--output", tmp_path / "点検", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert json.loads((tmp_path / "点検.json").read_text(encoding="utf-8"))["records"] == 1
    result = cli("audit", "--format", "xlsx", "--output", tmp_path / "点検結果", "--fail-on", "never")
    assert result.exit_code == 0 and (tmp_path / "点検結果.xlsx").exists()
    result = cli("coverage", "--format", "xlsx", "--output", tmp_path / "不足")
    assert result.exit_code == 0 and (tmp_path / "不足.xlsx").exists()
    result = cli("export", "--audience", "staff", "--output", tmp_path / "関係者用")
    assert result.exit_code == 0 and (tmp_path / "関係者用.xlsx").exists()


def test_audience_accepts_japanese_names(cli, ws, tmp_path):
    result = cli("export", "--audience", "関係者用", "--output", tmp_path / "a.xlsx", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["audience"] == "staff"
