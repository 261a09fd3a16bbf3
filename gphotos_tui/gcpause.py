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


def give_back_heap() -> None:
    """Return the C heap's free pages to the system (glibc ``malloc_trim``; elsewhere nothing).

    After a pass that built and dropped a lot (a statistics scan, a duplicates rebuild), freed memory
    otherwise stays in the process, mostly in the arenas of the threads that did the work, and what the
    next screen allocates comes on top of it."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the allocator keeps its own counsel
