"""The Takeout import as an app job; in the demo, on a small Takeout generated on this machine."""

from __future__ import annotations

import asyncio
from pathlib import Path

from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.paths import locations
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback
from gphotos_tui.sources.takeout.report import ImportReport

DEMO_TAKEOUT_ITEMS = 300


def demo_takeout_dir() -> Path:
    return locations().cache_dir / "demo-takeout"


def _write_demo_takeout(out: Path, size: int, seed: int) -> None:
    import itertools

    from gphotos_tui.demo.takeout import write_takeout

    library = SyntheticLibrary(size, seed)
    out.mkdir(parents=True, exist_ok=True)
    items = itertools.islice(library.items(), DEMO_TAKEOUT_ITEMS)
    write_takeout(library, out, parts=2, fmt="zip", items=items)


async def import_job(
    catalog: Catalog, paths: list[str], progress: ProgressCallback, *, demo_size: int | None = None, seed: int = 42
) -> tuple[ImportReport, list[str]]:
    """Import ``paths``; returns the ImportReport (kept for the report view) and the parts read."""
    from gphotos_tui.sources.takeout.importer import import_takeout

    if demo_size is not None and paths == [str(demo_takeout_dir())]:
        if not any(demo_takeout_dir().glob("*.zip")):
            progress(JobProgress("takeout", "Google Takeout", message="writing a demo Takeout (2 zip parts)"))
            await asyncio.to_thread(_write_demo_takeout, demo_takeout_dir(), demo_size, seed)
        paths = [str(p) for p in sorted(demo_takeout_dir().glob("*.zip"))]
    report = await import_takeout(catalog, paths, progress=progress)
    from gphotos_tui.analysis.duplicates.incremental import refresh_if_kept

    await refresh_if_kept(catalog)  # the stored duplicate groups: only what this import touched
    return report, paths


def final_progress(report: ImportReport, label: str = "Google Takeout") -> JobProgress:
    message = ("already imported: nothing changed; " if report.already_imported else "") + report.one_line()
    return JobProgress(
        "takeout",
        label,
        state=JobState.DONE,
        items=report.items,
        total=report.items,
        errors=len(report.errors),
        message=message,
    )
