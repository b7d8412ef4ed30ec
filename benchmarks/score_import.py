"""Field accuracy of `shigen import` over the whole fixture corpus (issue 12).

    .venv/bin/python benchmarks/score_import.py            # prints the table
    .venv/bin/python benchmarks/score_import.py --markdown # the section benchmarks/run.py puts in RESULTS.md

The corpus is every file whose correct import is written out by hand in the tests: the project's messy
fixtures (tests/import_fixtures.py FIXTURES), the synthetic layouts modelled on municipal practice (LAYOUTS)
and the nine real public lists (tests/fixtures/realdata, expectations in tests/test_import_realdata.py).
For each file: records expected / found, and per field the share of expected values imported exactly; a
field filled where the expectation leaves it empty counts as wrong too ("invented").
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TESTS = ROOT / "tests"


@dataclass
class FileScore:
    name: str
    expected: int = 0
    found: int = 0
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        total = sum(self.total.values())
        return sum(self.right.values()) / total if total else 1.0


def _score(name: str, records: dict[str, object], expected: list[dict[str, str]], score: FileScore) -> None:
    from shigen import schema as S

    score.expected += len(expected)
    for exp in expected:
        rec = records.get(exp["source"])
        if rec is None:
            score.misses.append(f"{exp['source']}: 見つからない")
            for key in exp:
                score.total[key] += 1
            continue
        score.found += 1
        for key in S.KEYS:
            want = exp.get(key, "")
            got = rec.get(key)  # type: ignore[attr-defined]
            if key in ("id", "updated_at") or (not want and not got):
                continue
            score.total[key] += 1
            if got == want:
                score.right[key] += 1
            elif len(score.misses) < 5:
                score.misses.append(f"{exp['source']} {S.header(key)}: 期待『{want}』 実際『{got}』")


def corpus_scores() -> list[FileScore]:
    sys.path.insert(0, str(TESTS))
    from builders import load, make_workspace
    from import_fixtures import FIXTURES, LAYOUTS
    from test_import_realdata import CASES, REAL

    from shigen import schema as S
    from shigen.importer import read_paths

    scores: list[FileScore] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i, fx in enumerate([*FIXTURES, *LAYOUTS]):
            ws = make_workspace(root / f"ws{i}", [], settings={S.SETTING_AREA_CODE: "0479"})
            folder = root / f"in{i}"
            folder.mkdir()
            options = dict(fx.options)
            if "mapping" in options:
                options["mapping"] = options["mapping"](folder)
            path = fx.build(folder)
            result = read_paths([path], load(ws), **options)
            score = FileScore(f"{path.name}({fx.build.__name__})")
            _score(path.name, {r.get("source"): r for r in result.records}, fx.expected, score)
            scores.append(score)
        ws = make_workspace(root / "real", [], districts=[])
        for name, count, expected, _extra, sheet in CASES:
            result = read_paths([REAL / name], load(ws))
            score = FileScore(f"{name}(実データ {len(result.records)}/{count} 件)")
            exp = [{"source": f"{name}:{sheet}:{row}" if sheet else f"{name}:{row}", **values}
                   for row, values in expected.items()]
            _score(name, {r.get("source"): r for r in result.records}, exp, score)
            scores.append(score)
    return scores


def markdown(scores: list[FileScore]) -> list[str]:
    from shigen import schema as S

    right = sum((s.right for s in scores), Counter())
    total = sum((s.total for s in scores), Counter())
    overall = sum(right.values()) / max(sum(total.values()), 1)
    lines = ["## 取り込みの正確さ(項目ごと)", "",
             "`benchmarks/score_import.py`: テストの手書きの期待値(合成の一覧・実際の公開データ 9 件)に対し、"
             "取り込んだ値が完全に一致した割合。期待が空欄の項目に値が入ったものも誤りに数えます。", "",
             f"全体: {sum(right.values()):,} / {sum(total.values()):,} 項目 = **{overall:.3f}**"
             f"(資源 {sum(s.found for s in scores):,} / {sum(s.expected for s in scores):,} 件)", "",
             "| ファイル | 資源 | 項目 | 正確さ | 外れた例 |", "| --- | ---: | ---: | ---: | --- |"]
    for s in scores:
        lines.append(f"| {s.name} | {s.found}/{s.expected} | {sum(s.total.values())} | {s.accuracy:.3f} | "
                     f"{'<br>'.join(s.misses[:2])} |")
    lines += ["", "| 項目 | 一致 / 期待 | 正確さ |", "| --- | ---: | ---: |"]
    for key in S.KEYS:
        if total[key]:
            lines.append(f"| {S.header(key)} | {right[key]} / {total[key]} | {right[key] / total[key]:.3f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="取り込みの正確さをテストの全一覧で測ります。")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    scores = corpus_scores()
    if args.markdown:
        print("\n".join(markdown(scores)))
    else:
        for s in scores:
            print(f"{s.accuracy:6.3f}  {s.found:4}/{s.expected:<4} {s.name}")
            for m in s.misses:
                print(f"        {m}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
