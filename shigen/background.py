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

import threading
from collections.abc import Callable

__all__ = ["Background"]


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
