"""Running jobs headless: lock, catalog, clients, progress, Ctrl-C and exit codes."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from gphotos_tui.engine.console import ConsoleProgress
from gphotos_tui.engine.lock import CatalogBusy, CatalogLock
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback

if TYPE_CHECKING:
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.engine.clients import Clients

T = TypeVar("T")
EXIT_OK, EXIT_FAILED, EXIT_PAUSED, EXIT_INTERRUPTED = 0, 1, 75, 130


HeadlessJob = Callable[["Catalog", "Clients", ProgressCallback], Awaitable[JobProgress]]


def run_main(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(main)`` where SIGTERM, like Ctrl-C, cancels the job (its cleanup runs: runs are
    marked, the catalog closed) and raises KeyboardInterrupt; calls hung in worker threads are abandoned."""

    async def guarded() -> T:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        terminated = []

        def on_term() -> None:
            terminated.append(True)
            if task is not None:
                task.cancel()

        try:
            loop.add_signal_handler(signal.SIGTERM, on_term)
        except (NotImplementedError, RuntimeError, ValueError):
            pass  # not the main thread (tests) or no signals here
        try:
            return await main
        except asyncio.CancelledError:
            if terminated:
                raise KeyboardInterrupt from None
            raise
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal.SIGTERM)

    return asyncio.run(guarded())


def run_headless(catalog_path: Path, job: HeadlessJob, command: str = "sync") -> int:
    """Run ``job(catalog, clients, progress)`` with the catalog locked, progress on stderr."""
    try:
        with CatalogLock(catalog_path, command):
            return run_main(_run(catalog_path, job))
    except CatalogBusy as exc:
        print(f"gphotos-tui: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("\nstopped; every finished page is saved — run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED


async def _run(catalog_path: Path, job: HeadlessJob) -> int:
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.engine.clients import google_clients
    from gphotos_tui.google.errors import GoogleError

    console = ConsoleProgress()
    catalog = await Catalog.open(catalog_path, check=True)
    started = time.monotonic()
    try:
        await catalog.end_stale_runs()
        try:
            clients = google_clients(catalog)
        except GoogleError as exc:
            print(f"gphotos-tui: {exc}", file=sys.stderr)
            return EXIT_FAILED
        try:
            report = await job(catalog, clients, console)
        except GoogleError as exc:
            console.note(f"gphotos-tui: failed: {exc}")
            return EXIT_FAILED
        finally:
            await clients[2].flush()
            console.close()
    finally:
        console.close()
        await catalog.close()
    summary = f"{report.source_label}: {report.message or report.state}"
    if report.state == JobState.PAUSED:
        print(summary)
        return EXIT_PAUSED
    used = clients[2].session
    print(
        f"{summary}\n{sum(used.values()):,} requests in {time.monotonic() - started:.1f} s "
        f"({', '.join(f'{api} {n:,}' for api, n in sorted(used.items()))})"
    )
    return EXIT_OK
