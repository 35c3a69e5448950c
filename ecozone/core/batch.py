"""Helpers for batch work that creates hundreds of thousands of small objects.

Reading a campaign's values and computing its score cards allocates many tuples, dicts and
decimals, none of which form reference cycles. CPython's cyclic garbage collector still walks the
growing heap again and again while they are made: measured on the nation-scale benchmark it took
about 40 % of the time (bench/bench_ratings.py). Reference counting frees these objects anyway,
so the collector is paused for the duration of such a batch and runs again afterwards.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (process-wide) until the outermost batch ends."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                # The batch's objects are young; left there, the first allocation after this
                # would walk all of them. Moved straight to the oldest generation instead, they
                # wait for the next full collection (rare, and cycles are still found then).
                gc.freeze()
                gc.unfreeze()
                gc.enable()
