"""Run one command for ``run.py`` and write its wall time, CPU time, peak RSS and exit code to a file (POSIX only).

    python launch.py RESULT_FILE TIMEOUT_SECONDS COMMAND [ARG ...]

Why a launcher: Linux carries the peak resident memory of the process that starts a command into the command's own
``ru_maxrss`` (the child is made by vfork + exec, and exec records the old address space's high-water mark). Started
straight from run.py, every command's peak memory would read at least run.py's own (100+ MB after generating data).
This launcher is a small interpreter (about 10 MB) that imports nothing beyond ``os``/``sys``/``time``, so the floor
it leaves is small. The wall time is measured here, around the command alone (the launcher's own start-up is not in it).
"""

import os
import sys
import time


def main() -> None:
    result, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    start = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ)
    deadline = start + timeout
    killed = False
    while True:
        got, status, usage = os.wait4(pid, os.WNOHANG)
        if got:
            break
        if not killed and time.perf_counter() > deadline:
            os.kill(pid, 9)
            killed = True
        time.sleep(0.002)
    elapsed = time.perf_counter() - start
    rc = -9 if killed else os.waitstatus_to_exitcode(status)
    fd = os.open(result, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)  # os, not pathlib: the launcher stays small
    os.write(fd, f"{elapsed!r} {usage.ru_utime + usage.ru_stime!r} {usage.ru_maxrss} {rc}\n".encode("ascii"))
    os.close(fd)


if __name__ == "__main__":
    main()
