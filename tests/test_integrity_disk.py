"""Full disks and read-only folders: exit 3 with the path and what to do; the master is old or new, never broken;
no broken backup is left to look like the newest; messages never claim nothing was written when it was.

Runs on a small tmpfs (Linux, root); skipped elsewhere, with the reason."""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from builders import make_workspace, record

from shigen.master import load_catalogue


@pytest.fixture
def tmpfs(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if not sys.platform.startswith("linux"):
        pytest.skip("a small tmpfs is mounted only on Linux")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode(errors='replace').strip() or 'not root'})")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def csv_of(path: Path, n: int) -> Path:
    lines = ["名称,電話番号,住所"] + [f"新しい店{i:03d},0479-80-{i:04d},みどり野市本町{i}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return path


def fill_disk(mnt: Path, leave: int) -> None:
    """Use the tmpfs up, leaving about ``leave`` bytes free."""
    import os

    filler = mnt / "filler.bin"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY)
    written = 0
    try:
        while True:
            written += os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, max(written - leave, 0))


def source_workspace(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    make_workspace(src, [record(name=f"店{i}", phone=f"0479-62-{i:04d}") for i in range(40)])
    return src


def test_a_full_disk_is_exit_3_and_the_master_is_old_or_new_never_broken(tmp_path, tmpfs, runner):
    from shigen.cli import app

    src = source_workspace(tmp_path)
    original = (src / "workbooks" / "catalogue.xlsx").read_bytes()
    data = csv_of(tmp_path / "new.csv", 30)
    seen = set()
    for leave in (0, 6_000, 16_000, 24_000, 34_000, 48_000, 56_000, 62_000, 70_000, 400_000):
        for p in tmpfs.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        ws = tmpfs / "ws"
        shutil.copytree(src, ws)
        fill_disk(tmpfs, leave)
        result = runner.invoke(app, ["--workspace", str(ws), "import", str(data), "--by", "テスト"])
        out = result.output
        assert result.exit_code in (0, 3), (leave, result.exit_code, out)
        master = ws / "workbooks" / "catalogue.xlsx"
        cat = load_catalogue(master)  # always a valid workbook
        names = {r.name for r in cat.records}
        new = "新しい店000" in names
        assert new or master.read_bytes() == original, leave
        if result.exit_code == 3:
            assert "ディスクの空きが足りません" in out and "空きを作って" in out, out
            if new:
                assert "保存済み" in out and "書き換えていません" not in out, out
            else:
                assert "書き換えていません" in out, out
            seen.add("saved" if new else "refused")
        else:
            assert new
            seen.add("ok")
        earlier = {p.name for p in (src / "workbooks" / ".history").glob("*.xlsx")}
        for backup in (ws / "workbooks" / ".history").glob("*.xlsx"):  # only complete, verified copies
            if backup.name in earlier:
                continue
            assert backup.read_bytes() == original, backup.name
            with zipfile.ZipFile(backup) as z:
                assert z.testzip() is None
        assert not list((ws / "workbooks").glob(".catalogue.tmp-*")), leave
        assert not list((ws / "workbooks").glob(".catalogue.xlsx.lock*")), leave
    assert "refused" in seen and "ok" in seen, seen


def test_a_read_only_folder_is_exit_3_naming_it(tmp_path, tmpfs, runner):
    from shigen.cli import app

    src = source_workspace(tmp_path)
    ws = tmpfs / "ws"
    shutil.copytree(src, ws)
    before = (ws / "workbooks" / "catalogue.xlsx").read_bytes()
    done = subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot make the tmpfs read-only here")
    result = runner.invoke(app, ["--workspace", str(ws), "import", str(csv_of(tmp_path / "n.csv", 3)), "--by", "x"])
    assert result.exit_code == 3, result.output
    assert "読み取り専用" in result.output and "catalogue.xlsx" in result.output
    assert "書き換えていません" in result.output
    assert (ws / "workbooks" / "catalogue.xlsx").read_bytes() == before
