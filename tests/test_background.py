"""shigen.background: the one way a command runs work in a second thread."""

from __future__ import annotations

import threading

import pytest

from shigen.background import Background


def test_runs_at_once_and_result_waits() -> None:
    started, release = threading.Event(), threading.Event()
    done: list[int] = []

    def work() -> None:
        started.set()
        release.wait(10)
        done.append(1)

    bg = Background(work, name="shigen-test")
    assert started.wait(10)  # started without being asked
    assert bg.error is None and not done and bg.is_alive()  # still running: nothing to report yet
    assert any(t.name == "shigen-test" and t.daemon for t in threading.enumerate())
    release.set()
    bg.result()
    assert done == [1] and not bg.is_alive()
    assert not any(t.name == "shigen-test" for t in threading.enumerate())  # joined


@pytest.mark.parametrize("exc", [ValueError("壊れた値"), OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_the_error_is_raised_in_the_waiting_thread(exc: BaseException) -> None:
    def work() -> None:
        raise exc

    bg = Background(work)
    with pytest.raises(type(exc)) as caught:
        bg.result()
    assert caught.value is exc  # the very exception, so the CLI turns it into its usual message
    assert bg.error is exc


def test_join_does_not_raise() -> None:
    bg = Background(lambda: 1 / 0)
    bg.join()  # a caller failing already waits without a second error
    assert isinstance(bg.error, ZeroDivisionError)


def test_short_switching_sets_the_interval_back_once_and_keeps_a_shorter_one() -> None:
    import sys

    from shigen.background import SWITCH_INTERVAL, ShortSwitching

    before = sys.getswitchinterval()
    switching = ShortSwitching()
    assert sys.getswitchinterval() == pytest.approx(min(before, SWITCH_INTERVAL), abs=2e-6)
    inner = ShortSwitching()  # nested: finds it short already, changes nothing
    inner.restore()
    assert sys.getswitchinterval() == pytest.approx(min(before, SWITCH_INTERVAL), abs=2e-6)
    switching.restore()
    assert sys.getswitchinterval() == before
    sys.setswitchinterval(0.0002)
    mine = sys.getswitchinterval()
    try:
        ShortSwitching().restore()
        assert sys.getswitchinterval() == mine
    finally:
        sys.setswitchinterval(before)


def test_the_deflate_thread_of_a_save_runs_with_a_short_switch_interval(tmp_path) -> None:
    """xlsx_patch.BackgroundWriter: short while its thread runs, set back when it is closed, also after an error."""
    import io
    import sys

    from shigen.background import SWITCH_INTERVAL
    from shigen.xlsx_patch import BackgroundWriter

    before = sys.getswitchinterval()
    sink = io.BytesIO()
    with BackgroundWriter(sink) as out:
        assert sys.getswitchinterval() == pytest.approx(min(before, SWITCH_INTERVAL), abs=2e-6)
        out.write(b"abc")
    assert sink.getvalue() == b"abc" and sys.getswitchinterval() == before

    class Broken(io.BytesIO):
        def write(self, data: object) -> int:
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), BackgroundWriter(Broken()) as out:
        out.write(b"abc")
        out.close()
    assert sys.getswitchinterval() == before
