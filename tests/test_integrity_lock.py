"""The master's lock and transaction: holder named, stale locks taken over, office owner files, Excel edits kept."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys

import openpyxl
import pytest
from builders import load, make_workspace, record

from shigen import master
from shigen.errors import MasterBusyError, MasterChangedError
from shigen.master import master_transaction, save_catalogue


def lock_of(ws):
    return ws.catalogue.with_name(".catalogue.xlsx.lock")


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid  # finished and reaped: no such process any more


def write_lock(ws, **info):
    base = {"pid": os.getpid(), "host": socket.gethostname(), "started": "2026-12-01T09:00:00", "proc_start": "",
            "command": "shigen import"}
    base.update(info)
    lock_of(ws).write_text(json.dumps(base), encoding="utf-8")


def change_fee(ws, fee="無料"):
    cat = load(ws)
    cat.set_value(cat.records[0], "fee", fee, command="test", by="テスト")
    return cat


def test_lock_names_its_holder_and_is_held_from_reading_to_saving(tmp_path):
    ws = make_workspace(tmp_path, [record()])
    with master_transaction(ws.catalogue) as cat:
        info = json.loads(lock_of(ws).read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid() and info["host"] == socket.gethostname() and info["started"]
        other = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from shigen.master import"
                                " master_lock\nwith master_lock(Path(sys.argv[1])): pass", str(ws.catalogue)],
                               capture_output=True, text=True)
        assert other.returncode != 0 and "MasterBusyError" in other.stderr  # another process is refused meanwhile
        cat.set_value(cat.records[0], "fee", "無料", command="test", by="テスト")
        save_catalogue(cat)  # re-entrant: the transaction's own lock
        assert lock_of(ws).exists()
    assert not lock_of(ws).exists()
    assert load(ws).records[0]["fee"] == "無料"


def test_busy_message_names_pid_host_and_start(tmp_path):
    ws = make_workspace(tmp_path, [record()])
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        write_lock(ws, pid=holder.pid)
        before = ws.catalogue.read_bytes()
        with pytest.raises(MasterBusyError) as info:
            save_catalogue(change_fee(ws))
        text = info.value.text
        assert f"PID {holder.pid}" in text and socket.gethostname() in text and "2026-12-01 09:00:00" in text
        assert ws.catalogue.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_whose_process_is_gone_is_taken_over_at_once_with_a_notice(tmp_path, caplog, monkeypatch):
    ws = make_workspace(tmp_path, [record()])
    pid = dead_pid()
    write_lock(ws, pid=pid)
    tmp = ws.catalogue.with_name(f".catalogue.tmp-{pid}.xlsx")
    tmp.write_bytes(b"PK\x03\x04 half a zip")  # what a killed run leaves
    monkeypatch.setattr(logging.getLogger("shigen"), "propagate", True)  # off once a CLI test installed its handler
    with caplog.at_level(logging.WARNING, logger="shigen"):
        save_catalogue(change_fee(ws))
    assert load(ws).records[0]["fee"] == "無料"
    notices = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(set(notices)) == 1 and f"PID {pid}" in notices[0] and "引き継ぎました" in notices[0]
    assert not tmp.exists() and not lock_of(ws).exists()


def test_a_reused_pid_is_not_mistaken_for_the_holder(tmp_path):
    if not master._proc_start(os.getpid()):
        pytest.skip("no /proc here: process start times are not available")
    ws = make_workspace(tmp_path, [record()])
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        write_lock(ws, pid=holder.pid, proc_start="1")  # the PID now belongs to a process started later
        save_catalogue(change_fee(ws))
        assert load(ws).records[0]["fee"] == "無料"
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_from_another_computer_is_honoured_and_named(tmp_path):
    ws = make_workspace(tmp_path, [record()])
    write_lock(ws, pid=dead_pid(), host="jimukyoku-pc2")
    before = ws.catalogue.read_bytes()
    with pytest.raises(MasterBusyError) as info:
        save_catalogue(change_fee(ws))
    assert "別のコンピューター" in info.value.text and "jimukyoku-pc2" in info.value.text
    assert ws.catalogue.read_bytes() == before and lock_of(ws).exists()


def test_an_empty_lock_left_by_a_process_killed_at_once_expires_quickly(tmp_path, monkeypatch):
    ws = make_workspace(tmp_path, [record()])
    lock_of(ws).write_bytes(b"")
    with pytest.raises(MasterBusyError):
        save_catalogue(change_fee(ws))  # maybe its owner is writing it right now
    old = lock_of(ws).stat().st_mtime - master.LOCK_YOUNG_SECONDS - 5
    os.utime(lock_of(ws), (old, old))
    save_catalogue(change_fee(ws))
    assert load(ws).records[0]["fee"] == "無料"


@pytest.mark.parametrize("owner", ["~$catalogue.xlsx", ".~lock.catalogue.xlsx#"])
def test_excel_and_libreoffice_owner_files_stop_every_write(tmp_path, owner):
    ws = make_workspace(tmp_path, [record()])
    content = b"\x06tanaka" if owner.startswith("~$") else "田中 花子,jimu-pc,/home/tanaka,01.12.2026 10:00,".encode()
    (ws.catalogue.parent / owner).write_bytes(content)
    before = ws.catalogue.read_bytes()
    with pytest.raises(MasterBusyError) as info:
        save_catalogue(change_fee(ws))
    app = "Excel" if owner.startswith("~$") else "LibreOffice"
    assert f"{app} で開かれています" in info.value.text and owner in info.value.text
    assert ("田中 花子" if app == "LibreOffice" else "tanaka") in info.value.text
    assert ws.catalogue.read_bytes() == before


def test_an_edit_saved_in_excel_while_a_command_runs_is_never_overwritten(tmp_path):
    ws = make_workspace(tmp_path, [record(), record(name="二件目", phone="0479-62-2222")])
    cat = change_fee(ws)  # the command has read the master …
    wb = openpyxl.load_workbook(ws.catalogue)  # … and meanwhile a coordinator types a 内部メモ and saves
    sheet = wb["資源一覧"]
    col = {c.value: c.column for c in sheet[1]}
    sheet.cell(3, col["内部メモ"], "先方から電話あり")
    wb.save(ws.catalogue)
    edited = ws.catalogue.read_bytes()
    with pytest.raises(MasterChangedError) as info:
        save_catalogue(cat)
    assert "書き換えられました" in info.value.text and "何も書き換えていません" in info.value.text
    assert ws.catalogue.read_bytes() == edited
    assert load(ws).records[1]["memo"] == "先方から電話あり"


def test_the_same_size_and_time_but_other_bytes_is_still_a_change(tmp_path):
    ws = make_workspace(tmp_path, [record()])
    cat = change_fee(ws)
    data = bytearray(ws.catalogue.read_bytes())
    st = ws.catalogue.stat()
    data[-30] ^= 0xFF  # same size; the time put back: only the hash tells
    ws.catalogue.write_bytes(bytes(data))
    os.utime(ws.catalogue, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(MasterChangedError):
        save_catalogue(cat)


def test_a_second_save_in_the_same_command_works(tmp_path):
    ws = make_workspace(tmp_path, [record()])
    cat = change_fee(ws, "100円")
    save_catalogue(cat)
    cat.set_value(cat.records[0], "fee", "200円", command="test", by="テスト")
    save_catalogue(cat)  # the catalogue now knows the file it wrote
    assert load(ws).records[0]["fee"] == "200円"
