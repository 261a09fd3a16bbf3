"""The Takeout import job: parts in, catalog rows and a diagnostic report out.

Reading and matching are CPU work and run in a thread; writes go through the
catalog's batch writer with a checkpoint per batch. The source's ``ref`` is
the archive-set fingerprint, so importing the same parts again is a no-op,
while a later export is a new source whose items upsert onto the same
external ids (new ones added, changed ones updated, none duplicated).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.takeout_parts import record_parts
from gphotos_tui.gcpause import cyclic_gc_paused
from gphotos_tui.model import AlbumRecord, Checkpoint, Membership, SourceKind
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback
from gphotos_tui.sources.takeout.archive import ArchiveError, Part, fingerprint, open_parts
from gphotos_tui.sources.takeout.catalogue import Catalogue, scan
from gphotos_tui.sources.takeout.items import Built, album_records, build_items
from gphotos_tui.sources.takeout.matching import Match, match_all
from gphotos_tui.sources.takeout.report import ImportReport, diagnostics

JOB = "takeout"
SHARD = "import"
PROGRESS_EVERY = 500


class ImportCancelled(Exception):
    """Raised inside the reading thread when the job is cancelled."""


@dataclass(slots=True)
class Plan:
    """Everything read and decided before the first write (also what tests inspect)."""

    catalogue: Catalogue
    matches: list[Match]
    built: dict[str, Built]
    albums: dict[str, AlbumRecord]
    report: ImportReport


def plan(
    parts: list[Part],
    fp: str = "",
    problems: Sequence[str] = (),
    *,
    hash_content: bool = True,
    on_entry: Callable[[Catalogue, Part | None], None] | None = None,
    workers: int | None = 1,
) -> Plan:
    """Read every part, match sidecars and build the records: the CPU half of an import."""
    # A few objects per archive entry stay alive until the import ends (~8% of the CPU at 100,000
    # items went to full collections walking them); nothing an import builds is cyclic.
    with cyclic_gc_paused():
        cat = scan(parts, hash_content=hash_content, on_entry=on_entry, workers=workers)
        matches, orphans = match_all(cat)
        albums = album_records(cat)
        built = build_items(matches, cat, albums)
        report = diagnostics(cat, matches, orphans, built, albums, [p.label for p in parts], fp, list(problems))
    return Plan(cat, matches, built, albums, report)


def set_label(parts: list[Part]) -> str:
    first = parts[0].path.name
    return f"Takeout {first}" + (
        f" + {len(parts) - 1} more part{'s' if len(parts) > 2 else ''}" if len(parts) > 1 else ""
    )


async def import_takeout(
    catalog: Catalog,
    paths: Sequence[str | Path],
    *,
    progress: ProgressCallback | None = None,
    hash_content: bool = True,
    force: bool = False,
    batch_size: int = 1000,
    workers: int | None = None,
) -> ImportReport:
    """Import one Takeout (all its parts together) into ``catalog``; returns the report.

    Large zip sets are read by ``workers`` processes (None: ``catalogue.default_workers()``).
    """
    started = time.monotonic()
    parts, problems = open_parts(paths)
    if not parts:
        raise ArchiveError("no Takeout parts to read: " + ("; ".join(problems) or "give .zip/.tgz files or folders"))
    fp = await asyncio.to_thread(fingerprint, parts)
    label = set_label(parts)
    source = await catalog.ensure_source(SourceKind.TAKEOUT, f"takeout:{fp}", label)
    # Where the parts are now (also when already imported: that is how moved parts are pointed at again).
    await record_parts(catalog.writer, source.id, [(p.label, str(p.path.resolve()), p.kind, p.size) for p in parts])
    state = JobProgress(JOB, label, message="checking")
    notify = progress or (lambda _p: None)
    previous = await catalog.checkpoint(source, SHARD)
    if previous is not None and previous.done and not force:
        report = ImportReport.from_summary(previous.state, [p.label for p in parts], fp, problems)
        notify(
            state.advanced(
                state=JobState.DONE, items=report.items, total=report.items, message="already imported: nothing changed"
            )
        )
        return report

    loop = asyncio.get_running_loop()
    stop = threading.Event()

    reported = [0]

    def on_entry(cat: Catalogue, part: Part | None) -> None:  # part None: a check between merges of a parallel read
        if stop.is_set():
            raise ImportCancelled()
        if part is not None and cat.entries - reported[0] >= PROGRESS_EVERY:
            reported[0] = cat.entries
            update = state.advanced(
                items=cat.entries, errors=len(cat.errors), message=f"reading {part.label}: {cat.entries:,} files"
            )
            loop.call_soon_threadsafe(notify, update)

    run_id = await catalog.start_run(source, JOB)
    with cyclic_gc_paused():  # also while writing: the plan is alive until the end
        try:
            try:
                work = await asyncio.to_thread(
                    lambda: plan(parts, fp, problems, hash_content=hash_content, on_entry=on_entry, workers=workers)
                )
            except asyncio.CancelledError:
                stop.set()
                raise
            report = work.report
            state = state.advanced(
                items=0, total=len(work.built), errors=len(report.errors), message="writing the catalog"
            )
            notify(state)
            inserted = updated = unchanged = 0
            keys = list(work.built)
            for start in range(0, max(1, len(keys)), batch_size):
                batch = [work.built[k] for k in keys[start : start + batch_size]]
                end = start + len(batch)
                done = end >= len(keys)
                result = await catalog.write_batch(
                    source,
                    [item.record for item in batch],  # made here, one batch at a time
                    albums=list(work.albums.values()) if start == 0 else (),
                    memberships=[Membership(album, item.key) for item in batch for album in sorted(item.albums)],
                    checkpoint=Checkpoint(SHARD, str(end), done=done, state=report.summary() if done else {}),
                )
                inserted, updated = inserted + result.inserted, updated + result.updated
                unchanged += result.unchanged
                state = state.advanced(
                    items=end, pages=state.pages + 1, message=f"written {end:,} of {len(keys):,} items"
                )
                notify(state)
        except (asyncio.CancelledError, ImportCancelled):
            await catalog.finish_run(run_id, "cancelled", items=state.items, pages=state.pages)
            raise
        except Exception as exc:
            await catalog.finish_run(run_id, "failed", message=str(exc), items=state.items, pages=state.pages)
            raise
    report.inserted, report.updated, report.unchanged = inserted, updated, unchanged
    report.seconds = round(time.monotonic() - started, 3)
    await catalog.finish_run(
        run_id, "done", message=report.one_line(), items=report.items, pages=state.pages, errors=len(report.errors)
    )
    notify(state.advanced(state=JobState.DONE, message=report.one_line()))
    return report
