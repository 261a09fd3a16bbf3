"""The demo job: fills a catalog from the synthetic library, page by page.

It goes through the same catalog writer, checkpoints and progress reports as
a real sync, so the Sync screen shows a live fill and an interrupted demo
resumes where it stopped.
"""

from __future__ import annotations

import asyncio
import itertools

from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.pictures import demo_source_ref, recipe_detail
from gphotos_tui.model import Checkpoint, Membership, SourceKind
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback

DEMO_LABEL = "Demo library (synthetic)"


async def fill_demo(
    catalog: Catalog,
    size: int = 2000,
    seed: int = 42,
    *,
    page_size: int = 100,
    page_delay: float = 0.0,
    progress: ProgressCallback | None = None,
) -> JobProgress:
    """Write a ``size``-item synthetic library into ``catalog``; resumable."""
    library = SyntheticLibrary(size, seed)
    source = await catalog.ensure_source(SourceKind.DEMO, demo_source_ref(seed, size), DEMO_LABEL)
    checkpoint = await catalog.checkpoint(source, "all")
    start = int(checkpoint.page_token or 0) if checkpoint else 0
    report = JobProgress("demo", DEMO_LABEL, total=size, items=start)
    if checkpoint and checkpoint.done:
        report = report.advanced(state=JobState.DONE, message="already complete")
        if progress:
            progress(report)
        return report
    run_id = await catalog.start_run(source, "demo")
    albums = library.albums()
    items = itertools.islice(library.items(), start, None)
    position = start
    try:
        while True:
            page = list(itertools.islice(items, page_size))
            if not page:
                break
            position += len(page)
            for i in page:
                i.record.detail = recipe_detail(i)  # previews and hashes draw from it, not a replay
            done = position >= size
            await catalog.write_batch(
                source,
                [i.record for i in page],
                albums=albums if report.pages == 0 else (),
                memberships=[Membership(key, i.record.external_id) for i in page for key in i.album_keys],
                checkpoint=Checkpoint("all", str(position), done=done),
            )
            report = report.advanced(items=position, pages=report.pages + 1, requests=report.requests + 1)
            if progress:
                progress(report)
            if page_delay:
                await asyncio.sleep(page_delay)
    except asyncio.CancelledError:
        await catalog.finish_run(run_id, "cancelled", items=report.items, pages=report.pages)
        raise
    report = report.advanced(state=JobState.DONE, message=f"{report.items:,} items")
    await catalog.finish_run(run_id, "done", items=report.items, pages=report.pages, requests=report.requests)
    if progress:
        progress(report)
    return report
