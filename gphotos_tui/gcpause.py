"""Pausing Python's cycle collector while a large batch of objects is built."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cycle collector (reference counting still frees everything acyclic).

    Building a million objects that stay alive sets the collector off again and again, and each
    full collection walks all of them: the work then grows with the square of the batch. What is
    built under this pause must not be cyclic. Nested and concurrent pauses are safe: only the
    pause that found the collector on turns it back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
