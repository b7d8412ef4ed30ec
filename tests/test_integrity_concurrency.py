"""Two shigen commands started together, many times, as real processes: nothing a successful command did is lost.

Invariants after every round: each command that exited 0 has all its work in the master; a command that did not
exit 0 was refused with exit 3 (never 4); no ID is issued twice; 最後に振ったID never goes backwards."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from builders import load
from test_collect import fill, ids_in, setup

ROUNDS = 4


def csv_of(path: Path, tag: str, n: int) -> Path:
    lines = ["名称,電話番号,住所,ジャンル,地区"]
    for i in range(n):
        lines.append(f"{tag}の店{i:04d},0479-{70 + i // 1000:02d}-{i % 10000:04d},みどり野市本町{i}-1,配食・弁当,中央地区")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def start(ws_root: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, SHIGEN_WORKSPACE=str(ws_root), PYTHONIOENCODING="utf-8")
    return subprocess.Popen([sys.executable, "-m", "shigen", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")


def test_two_writers_started_together_never_lose_work(tmp_path, cli):
    ws, folder = setup(tmp_path, cli, n_per_district=4)
    book = folder / "鈴木 一郎.xlsx"
    book_ids = ids_in(book)
    rng = random.Random(11)
    last_id = load(ws).last_id
    outcomes = []
    for rnd in range(ROUNDS):
        small = csv_of(tmp_path / f"a{rnd}.csv", f"A{rnd}", 30)
        jobs: list[tuple[str, list[str], object]] = [("import", ["import", str(small), "--by", "A"], f"A{rnd}")]
        if rnd % 2 == 0:
            big = csv_of(tmp_path / f"b{rnd}.csv", f"B{rnd}", 200)
            jobs.append(("import", ["import", str(big), "--by", "B"], f"B{rnd}"))
        else:
            day = f"2027-05-{10 + rnd:02d}"
            returned = fill(book, {rid: {"result": "変更なし", "date": day} for rid in book_ids},
                            out=folder / "返却" / f"{rnd}" / book.name)
            jobs.append(("collect", ["collect", str(returned), "--as-of", "2027-06-01"], day))
        procs = []
        for i, (_, args, _) in enumerate(jobs):
            if i:
                time.sleep(rng.choice([0.0, 0.0, 0.05, 0.3, 1.0]))
            procs.append(start(tmp_path, *args))
        results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        cat = load(ws)
        names = {r.name for r in cat.records}
        ids = [r.id for r in cat.records]
        assert len(ids) == len(set(ids)), "an ID was issued twice"
        assert cat.last_id >= last_id, "最後に振ったID went backwards"
        assert cat.last_id >= max(int(i[1:]) for i in ids if i)
        last_id = cat.last_id
        for (kind, _, work), (rc, _out, err) in zip(jobs, results, strict=True):
            assert rc in (0, 3), f"{kind} exited {rc}: {err}"
            if rc == 3:
                assert "書き込み中" in err, err
            elif kind == "import":
                n = 30 if str(work).startswith("A") else 200
                assert {f"{work}の店{i:04d}" for i in range(n)} <= names, f"{kind} exited 0 but its records are gone"
            else:
                by_id = cat.by_id()
                assert all(by_id[rid].get("last_confirmed") == work for rid in book_ids), \
                    "collect exited 0 but its confirmations are gone"
            outcomes.append((kind, rc))
        assert not list(ws.catalogue.parent.glob(".catalogue.xlsx.lock*"))
        assert not list(ws.catalogue.parent.glob(".catalogue.tmp-*"))
    assert any(rc == 0 for _, rc in outcomes)
