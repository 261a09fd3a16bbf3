"""Running jobs headless: lock, catalog, clients, progress, Ctrl-C and exit codes."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path

from gphotos_tui.engine.console import ConsoleProgress
from gphotos_tui.engine.lock import CatalogBusy, CatalogLock
from gphotos_tui.progress import JobState

EXIT_OK, EXIT_FAILED, EXIT_PAUSED, EXIT_INTERRUPTED = 0, 1, 75, 130


def run_headless(catalog_path: Path, make_jobs: Callable) -> int:
    """Run the jobs ``make_jobs(catalog, clients)`` returns, one after another."""
    try:
        with CatalogLock(catalog_path):
            return asyncio.run(_run(catalog_path, make_jobs))
    except CatalogBusy as exc:
        print(f"gphotos-tui: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("\nstopped; every finished page is saved — run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED


async def _run(catalog_path: Path, make_jobs: Callable) -> int:
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.engine.clients import google_clients
    from gphotos_tui.google.errors import GoogleError

    console = ConsoleProgress()
    catalog = await Catalog.open(catalog_path)
    started = time.monotonic()
    summary = []
    try:
        try:
            clients = google_clients(catalog)
            jobs = make_jobs(catalog, clients)
        except GoogleError as exc:
            print(f"gphotos-tui: {exc}", file=sys.stderr)
            return EXIT_FAILED
        for job in jobs:
            try:
                report = await job.run(catalog, console)
            except GoogleError as exc:
                console.note(f"gphotos-tui: {job.name} failed: {exc}")
                return EXIT_FAILED
            finally:
                await clients[2].flush()
            console.close()
            summary.append(f"{report.source_label}: {report.message or report.state}")
            if report.state == JobState.PAUSED:
                print("\n".join(summary))
                return EXIT_PAUSED
    finally:
        console.close()
        await catalog.close()
    used = clients[2].session
    summary.append(
        f"{sum(used.values()):,} requests in {time.monotonic() - started:.1f} s "
        f"({', '.join(f'{api} {n:,}' for api, n in sorted(used.items()))})"
    )
    print("\n".join(summary))
    return EXIT_OK
