"""Python's cycle collector around bulk work: paused while many acyclic objects are built (:func:`no_gc`), or run
once per batch (a book), not by allocation counts (:func:`collector_per_batch`).

Writing or reading an update book makes some 10 new objects per record (cells, rows). The cycle collector,
triggered by those allocations, keeps walking every live object — above all the catalogue, tens of thousands of
dicts that are never garbage: 1.5–2.4 s of the 7 s it took to write the 78 books of a 20,000-record plan.
:func:`collector_per_batch` freezes what exists before the batches (``gc.freeze``: never walked again), switches
automatic collection off, and hands back a function to call after each batch, which collects that batch's own
cycles (xlsxwriter's objects held some; left alone they piled up, ~+180 MB over 78 books — `xlsx_write.atomic_close`
now cuts the one cycle of a closed book, so this collection is a cheap safety net). Everything is restored
afterwards, also when a batch fails.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def collector_per_batch() -> Iterator[Callable[[], int]]:
    """``with collector_per_batch() as batch_done: …; batch_done()`` after each batch (see the module docstring)."""
    enabled = gc.isenabled()
    freeze = gc.get_freeze_count() == 0  # someone else's frozen objects stay theirs to unfreeze
    gc.disable()
    if freeze:
        gc.freeze()
    try:
        # the youngest generation only: what the batch made (objects that outlive it move on and are not walked
        # again by the next batches; what becomes garbage later waits for the collector switched back on)
        yield lambda: gc.collect(0)
    finally:
        if freeze:
            gc.unfreeze()
        if enabled:
            gc.enable()


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause Python's cycle collector while building many acyclic objects (records, findings).

    Every full collection walks every live container; with 200,000 records (a dict each) the
    collections triggered by the allocations themselves cost seconds. Reference counting still
    frees everything; the collector is switched back on (if it was on) afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
