"""One function run in a background thread while the command's own thread goes on (issue 18).

python-calamine's parse and zlib's deflate let go of the GIL, so a second thread can use the other core meanwhile:
the master's settings index while 資源一覧 is parsed (:mod:`shigen.master`), an import's one-time set-up while the
first list is parsed (:mod:`shigen.importer.merge`), the modules assign needs after the load
(:mod:`shigen.assign_run`), the zip members of a save (:mod:`shigen.xlsx_patch`). Every such thread is one
:class:`Background`, with the same three rules:

- it is always joined before the command returns (a daemon thread only so that an interrupted command can end);
- what the function raises is kept and raised again in the thread that waits for it (:meth:`Background.result`),
  so a failure becomes the command's usual single Japanese message, never a traceback from a thread;
- one code path on Windows and Linux: a thread, never a process.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable

__all__ = ["SWITCH_INTERVAL", "Background", "ShortSwitching"]

SWITCH_INTERVAL = 0.001
"""The interpreter's GIL switch interval (s) while a thread that works mostly without the GIL runs beside the
command's own thread (Python's default is 0.005): :class:`ShortSwitching`."""


class Background:
    """``fn()`` run in one background thread, started at once; :meth:`result` waits for it and raises its error."""

    def __init__(self, fn: Callable[[], object], *, name: str = "shigen-background") -> None:
        self._fn = fn
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._fn()
        except BaseException as exc:  # noqa: BLE001 - raised again in the waiting thread by result()
            self._error = exc

    @property
    def error(self) -> BaseException | None:
        """What ``fn`` raised, once it has ended (``None`` while it runs or when it succeeded)."""
        return None if self._thread.is_alive() else self._error

    def is_alive(self) -> bool:
        """``fn`` is still running."""
        return self._thread.is_alive()

    def join(self) -> None:
        """Wait for ``fn`` to end, without raising what it raised (a caller that is failing already)."""
        self._thread.join()

    def result(self) -> None:
        """Wait for ``fn`` to end and raise here what it raised."""
        self._thread.join()
        if self._error is not None:
            raise self._error


class ShortSwitching:
    """The GIL switch interval made :data:`SWITCH_INTERVAL` until :meth:`restore` (issue 18).

    A thread that spends its time in C without the GIL (zlib's deflate and crc32, a file's write) needs the GIL back
    after each such call; the command's thread, building the next XML in Python meanwhile, gives it up only when the
    switch interval has passed. At Python's default 5 ms the deflate thread of a save waited ~0.2 s for the GIL over a
    20,000-row 資源一覧 (48 MB of XML), fell behind, and the command's thread then waited for it (write_patched 0.45 s of
    wall time for 0.29 s of its CPU; at 1 ms 0.35 s, the CPU the same). A shorter interval someone set is left alone;
    nested uses are fine (the inner one finds the interval short already and changes nothing)."""

    def __init__(self, interval: float = SWITCH_INTERVAL) -> None:
        self._before = sys.getswitchinterval()
        self._changed = self._before > interval
        if self._changed:
            sys.setswitchinterval(interval)

    def restore(self) -> None:
        """The interval as it was (once; later calls do nothing)."""
        if self._changed:
            self._changed = False
            sys.setswitchinterval(self._before)
