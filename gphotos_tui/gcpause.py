"""Pausing Python's cycle collector while a large batch of objects is built; giving freed memory back."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from typing import Any


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
    try:
        _libc().malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the allocator keeps its own counsel


#: Blocks this big or bigger get pages of their own from the system, given back as soon as they are freed.
MMAP_THRESHOLD = 128 * 1024  # glibc's starting value
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def give_back_big_blocks() -> None:
    """Keep glibc's mmap threshold where it starts, so that freed big blocks always leave the process.

    By default glibc raises the threshold to the size of the largest mapped block freed so far (up to
    32 MB): after the first column of a million items is freed, the temporaries of every later
    aggregate come from the heap, which keeps their pages after they are freed, and the process grows
    by each pass's high-water mark for good (tens of MB after a Stats warm-up at 1M items). Fixing the
    threshold turns that off. Process-wide and idempotent: the app and the CLI call it at start."""
    try:
        _libc().mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):
        pass  # not glibc


@functools.cache
def _libc() -> Any:
    """The C library (loaded once; ctypes is imported only when the allocator is asked for something)."""
    import ctypes
    import ctypes.util

    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
