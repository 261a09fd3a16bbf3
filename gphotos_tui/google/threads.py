"""Worker threads for blocking Google calls that a cancelled job can walk away from.

``asyncio.to_thread`` uses the loop's default executor, which ``asyncio.run``
joins on exit: a request hung on a silent server (or sleeping out its
retries) then holds Ctrl-C for minutes. Here each call gets a cancel event
that the retry loop checks before every try and waits on between tries, and
the threads are daemons, so a cancelled job ends at once while a request
already on the wire is abandoned (its answer is discarded).
"""

from __future__ import annotations

import asyncio
import functools
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
MAX_THREADS = 32

_local = threading.local()


class CallCancelled(Exception):
    """The job that made this call was cancelled; raised in the worker thread, never seen by the job."""


def cancel_event() -> threading.Event | None:
    """The cancel event of the call running on this thread (None outside ``run_cancellable``)."""
    return getattr(_local, "cancel", None)


def check_cancelled() -> None:
    event = cancel_event()
    if event is not None and event.is_set():
        raise CallCancelled()


def pause(seconds: float, sleep: Callable[[float], Any] | None = None) -> None:
    """Wait ``seconds`` between retries, waking at once (CallCancelled) when the call is cancelled."""
    event = cancel_event()
    if sleep is not None or event is None:
        (sleep or _sleep)(seconds)
        check_cancelled()
        return
    if event.wait(seconds):
        raise CallCancelled()


def _sleep(seconds: float) -> None:
    threading.Event().wait(seconds)


class _DaemonPool:
    """A few daemon threads fed from one queue; they keep their thread-local HTTP clients between calls."""

    def __init__(self, limit: int = MAX_THREADS):
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0
        self._limit = limit

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            self._queue.put((future, fn))
            if self._idle == 0 and self._threads < self._limit:
                self._threads += 1
                threading.Thread(target=self._work, name="gphotos-google", daemon=True).start()
        return future

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            future, fn = self._queue.get()
            with self._lock:
                self._idle -= 1
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn())
            except BaseException as exc:  # handed to the awaiting coroutine
                future.set_exception(exc)


_POOL = _DaemonPool()


async def run_cancellable(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``await fn(*args, **kwargs)`` in a daemon thread; cancelling the await cancels the call."""
    event = threading.Event()

    def call() -> T:
        _local.cancel = event
        try:
            return fn(*args, **kwargs)
        finally:
            _local.cancel = None

    future = _POOL.submit(functools.partial(call))
    try:
        return await asyncio.wrap_future(future)
    except asyncio.CancelledError:
        event.set()  # the retry loop stops at its next check; a request on the wire is abandoned
        raise
