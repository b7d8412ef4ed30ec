"""kill -9 at chosen and random moments of a 20,000-record import and of a collect on that master: the master is
always a valid workbook holding the old or the new content, and the next command runs (the dead run's lock is
taken over at once, its temp file removed).

The moments: a random one while the inputs are read, the instant the new version's temp file appears, and the
instant the backup appears (between backup and replace, with SHIGEN_CRASH_KILLS set; it also adds random kills)."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from builders import make_workspace, record
from test_collect import fill, ids_in

from shigen import schema as S
from shigen.master import load_catalogue
from shigen.model import Coordinator

RECORDS = int(os.environ.get("SHIGEN_CRASH_RECORDS", "20000"))
SMALL = 30  # records of the one coordinator whose book is returned
EXTRA_KILLS = int(os.environ.get("SHIGEN_CRASH_KILLS", "0"))  # more random kills (benchmarks)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shigen(root: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, SHIGEN_WORKSPACE=str(root), PYTHONIOENCODING="utf-8")
    return subprocess.Popen([sys.executable, "-m", "shigen", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")


def kill_when(proc: subprocess.Popen, ready, timeout: float = 300) -> bool:
    """kill -9 as soon as ``ready()`` holds (polled every 2 ms); False when the run ended first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.002)
    proc.kill()
    raise AssertionError("the command neither finished nor reached the moment")


def locked_then(folder: Path, seconds: float):
    """``seconds`` after the command has taken the master's lock (it holds it from reading to saving): a moment while
    the inputs are read, whatever the machine's speed (a fixed time from the start was after the end on a fast one)."""
    lock = folder / ".catalogue.xlsx.lock"
    since: list[float] = []

    def ready() -> bool:
        if not since and lock.exists():
            since.append(time.monotonic())
        return bool(since) and time.monotonic() - since[0] >= seconds
    return ready


def temp_file(folder: Path):
    return lambda: any(folder.glob(".catalogue.tmp-*"))


def new_backup(folder: Path):
    before = set((folder / ".history").glob("*.xlsx"))
    return lambda: bool(set((folder / ".history").glob("*.xlsx")) - before)


def after(seconds: float):
    end = time.monotonic() + seconds
    return lambda: time.monotonic() >= end


def check_valid(master: Path, old: str, is_new) -> str:
    """The master opens and is either byte for byte the old one or holds the new content; returns which."""
    with zipfile.ZipFile(master) as z:
        assert z.testzip() is None
    cat = load_catalogue(master)
    ids = [r.id for r in cat.records]
    assert len(ids) == len(set(ids))
    assert cat.last_id >= max(int(i[1:]) for i in ids)
    if digest(master) == old:
        return "old"
    assert is_new(cat), "the master changed but does not hold the new content"
    return "new"


@pytest.fixture(scope="module")
def big_import(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    coords = [Coordinator("佐藤 花子", S.TIER_2, ("中央地区",)), Coordinator("鈴木 一郎", S.TIER_2, ("北地区",))]
    make_workspace(root, [record(name="最初の店", district="北地区", area="北地区")], coordinators=coords)
    lines = ["名称,電話番号,住所,ジャンル,地区,対応エリア,最終確認日"]
    for i in range(RECORDS):
        where = "北地区" if i < SMALL else "中央地区"
        confirmed = "2025-05-01" if i < SMALL else "2027-03-01"  # only the small share is due for --only-due
        lines.append(f"大量の店{i:05d},0479-{60 + i // 10000:02d}-{i % 10000:04d},みどり野市本町{i},配食・弁当,{where},"
                     f"{where},{confirmed}")
    data = root / "big.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return root, data


def test_kill_9_during_a_20000_record_import_and_a_collect(big_import):
    root, data = big_import
    folder = root / "workbooks"
    master = folder / "catalogue.xlsx"
    rng = random.Random(11)

    # --- import ----------------------------------------------------------------------------------------------
    def imported(cat):
        return sum(r.name.startswith("大量の店") for r in cat.records) == RECORDS

    old = digest(master)
    moments = [locked_then(folder, rng.uniform(0, 0.25)), temp_file(folder)] + [
        after(rng.uniform(0.3, 12)) for _ in range(EXTRA_KILLS)]
    states = []
    for ready in moments:
        killed = kill_when(shigen(root, "import", str(data), "--by", "テスト"), ready)
        states.append(check_valid(master, old, imported))
        if not killed or states[-1] == "new":
            break
    assert "old" in states  # a kill did land before the replace
    if states[-1] == "old":
        done = shigen(root, "import", str(data), "--by", "テスト")
        out, err = done.communicate(timeout=600)
        assert done.returncode == 0, err
        assert "引き継ぎました" in err  # the dead run's lock, taken over at once
    cat = load_catalogue(master)
    assert imported(cat)
    assert not list(folder.glob(".catalogue.tmp-*")) and not list(folder.glob(".catalogue.xlsx.lock*"))

    # --- collect on the 20,000-record master ----------------------------------------------------------------
    assign = shigen(root, "assign", "--by", "district", "--year", "2027", "--as-of", "2027-04-01", "--only-due")
    _, err = assign.communicate(timeout=600)
    assert assign.returncode == 0, err
    book = root / "exports" / "更新作業" / "2027" / "鈴木 一郎.xlsx"
    confirm = ids_in(book)
    assert len(confirm) == SMALL
    returned = fill(book, {rid: {"result": "変更なし", "date": "2027-05-10"} for rid in confirm})

    def collected(cat):
        by_id = cat.by_id()
        return all(by_id[rid].get("last_confirmed") == "2027-05-10" for rid in confirm)

    old = digest(master)
    states = []
    for ready in [temp_file(folder)] + [new_backup(folder)] * min(EXTRA_KILLS, 1):
        killed = kill_when(shigen(root, "collect", str(returned), "--as-of", "2027-06-01"), ready)
        states.append(check_valid(master, old, collected))
        if not killed or states[-1] == "new":
            break
    if states[-1] == "old":
        done = shigen(root, "collect", str(returned), "--as-of", "2027-06-01")
        _, err = done.communicate(timeout=600)
        assert done.returncode == 0, err
    assert collected(load_catalogue(master))
    assert not list(folder.glob(".catalogue.tmp-*")) and not list(folder.glob(".catalogue.xlsx.lock*"))
