"""The backup job: Takeout copies, then API downloads, then album folders.

Stops cleanly on disk-full and permission errors (``report.stopped`` says
why; everything finished is kept and recorded). A second run skips files
already present with the right size, so it is incremental and resumes an
interrupted run to the same tree.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gphotos_tui.backup.copier import BackupStopped
from gphotos_tui.backup.destination import Destination
from gphotos_tui.backup.download import ExpiredUrl, Fetcher, Got, Wanted
from gphotos_tui.backup.layout import Target, month_folder, place
from gphotos_tui.backup.links import link_albums
from gphotos_tui.backup.names import NameAllocator
from gphotos_tui.backup.sidecars import SidecarCounts, write_sidecars
from gphotos_tui.backup.takeout import BackupCancelled, Copied, TakeoutSet, copy_takeout, plan_takeout
from gphotos_tui.catalog import Catalog, local_files, xmp_sidecars
from gphotos_tui.catalog.local_files import LocalFile
from gphotos_tui.google.library import BATCH_LIMIT, AsyncLibrary, fresh_base_urls
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.tokens import TokenSource
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback
from gphotos_tui.sources.takeout.archive import Rejected

JOB = "backup"


@dataclass(slots=True)
class BackupReport:
    dest: str
    planned: int = 0
    planned_downloads: int = 0
    copied: int = 0
    downloaded: int = 0
    skipped: int = 0
    rejected: int = 0  # archive entries refused by name or size, as the importer refused them
    bytes_written: int = 0
    album_links: int = 0
    manifests: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stopped: str | None = None  # why the run ended early (disk full, permission, quota)
    dry_run: bool = False
    sidecars: SidecarCounts | None = None  # None with --no-xmp
    fidelity: dict[str, int] = field(default_factory=dict)  # files in DEST: original | api_photo | api_video

    def one_line(self) -> str:
        if self.dry_run:
            return (
                f"dry run: would write {self.planned:,} files from Takeout and download "
                f"{self.planned_downloads:,} into {self.dest}"
            )
        text = (
            f"{self.copied:,} copied, {self.downloaded:,} downloaded, {self.skipped:,} already there, "
            f"{self.bytes_written / 1e6:,.1f} MB written, {self.album_links:,} album links, "
            f"{len(self.errors):,} errors"
        )
        if self.rejected:
            text += f", {self.rejected:,} rejected entries skipped"
        if self.sidecars is not None:
            text += f"; {self.sidecars.one_line()}"
        if self.fidelity:
            text += "; in DEST: " + ", ".join(f"{n:,} {kind}" for kind, n in sorted(self.fidelity.items()))
        return text + (f"; STOPPED: {self.stopped}" if self.stopped else "")


@dataclass(slots=True)
class _Api:
    """An item to download, with the id batchGet knows it by."""

    media_id: str
    target: Target
    video: bool


async def run_backup(
    catalog: Catalog,
    dest: str | Path,
    *,
    takeout: Sequence[str | Path] = (),
    library: AsyncLibrary | None = None,
    tokens: TokenSource | None = None,
    usage: UsageMeter | None = None,
    concurrency: int = 4,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    xmp: bool = True,
) -> BackupReport:
    dest = Path(os.path.abspath(dest))
    report = BackupReport(str(dest), dry_run=dry_run)
    notify = progress or (lambda _p: None)
    state = JobProgress(JOB, f"Backup to {dest}", message="planning")
    notify(state)
    allocator = NameAllocator()
    tset = None
    if takeout:
        planning = threading.Event()
        try:
            tset = await asyncio.to_thread(plan_takeout, list(takeout), allocator, planning)
        except asyncio.CancelledError:
            planning.set()  # the reading thread stops at its next entry
            raise
    if tset is not None:
        report.notes += tset.problems
        await _resolve_takeout_items(catalog, tset)
    api = await _api_items(catalog, allocator, {t.item_id for t in tset.items if t.item_id} if tset else set(), dest)
    report.planned = len(tset.items) if tset else 0
    report.planned_downloads = len(api)
    if dry_run:
        notify(state.advanced(state=JobState.DONE, message=report.one_line()))
        return report
    state = state.advanced(total=report.planned + len(api), message="copying")
    done: list[Target] = []
    destination = Destination(dest, allocator, await local_files.known_files(catalog, str(dest) + os.sep))
    try:
        await asyncio.to_thread(destination.prepare)
        if tset is not None:
            state = await _copy_takeout(catalog, tset, destination, report, state, notify, done)
        if api:
            if library is None or tokens is None:
                report.notes.append(
                    f"{len(api):,} Picker/Library items need downloading: sign in (gphotos-tui auth) "
                    "or give their Takeout with --from-takeout"
                )
            else:
                state = await _download(
                    catalog,
                    destination,
                    api,
                    library,
                    tokens,
                    usage or UsageMeter(catalog),
                    concurrency,
                    report,
                    state,
                    notify,
                    done,
                )
    except BackupStopped as exc:
        report.stopped = str(exc)
    if report.stopped is None:
        try:
            report.album_links, report.manifests = await asyncio.to_thread(
                link_albums, dest, done, lambda where, why: report.errors.append(f"{where}: {why}")
            )
        except BackupStopped as exc:
            report.stopped = str(exc)
    if xmp and report.stopped is None:
        notify(state.advanced(message="writing XMP sidecars"))
        try:
            report.sidecars = await write_sidecars(catalog, dest)
        except BackupStopped as exc:
            report.stopped = str(exc)
        else:
            report.notes += report.sidecars.left_alone
    report.fidelity = await xmp_sidecars.fidelity_counts(catalog, str(dest) + os.sep)
    final = JobState.FAILED if report.stopped else JobState.DONE
    notify(state.advanced(state=final, errors=len(report.errors), message=report.one_line()))
    return report


async def _resolve_takeout_items(catalog: Catalog, tset: TakeoutSet) -> None:
    by_ext = await local_files.item_ids_by_external(catalog, "takeout", sorted({t.item_key[8:] for t in tset.items}))
    keys = {t.match_key: int(t.match_key.rpartition("|")[2]) for t in tset.items if t.match_key}
    by_key = await local_files.item_ids_by_match_key(catalog, keys)
    for target in tset.items:
        target.item_id = by_ext.get(target.item_key[8:]) or (by_key.get(target.match_key) if target.match_key else None)


async def _copy_takeout(
    catalog: Catalog,
    tset: TakeoutSet,
    dest: Destination,
    report: BackupReport,
    state: JobProgress,
    notify: ProgressCallback,
    done: list[Target],
) -> JobProgress:
    loop = asyncio.get_running_loop()
    stop = threading.Event()
    rows: list[LocalFile] = []
    source = await local_files.source_id(catalog, "takeout", tset.ref)
    progress = [state]

    def on_copied(copied: Copied) -> None:
        target = copied.target
        done.append(target)
        if copied.skipped:
            report.skipped += 1
        else:
            report.copied += 1
            report.bytes_written += copied.size
        rows.append(
            LocalFile(
                str(dest.root / target.relpath),
                copied.size,
                target.taken_at,
                copied.sha256,
                target.item_id,
                source,
                "original",
            )
        )
        if len(done) % 200 == 0:
            progress[0] = progress[0].advanced(items=len(done), message=f"copying: {target.relpath}")
            loop.call_soon_threadsafe(notify, progress[0])

    def on_error(where: str, message: str) -> None:
        if isinstance(message, Rejected):
            report.rejected += 1  # the importer refused it too and said why (report.notes): not a failure
        else:
            report.errors.append(f"{where}: {message}")

    try:
        await asyncio.to_thread(copy_takeout, tset, dest, on_copied, on_error, stop, report.notes.append)
    except (asyncio.CancelledError, BackupCancelled):
        stop.set()
        raise
    finally:
        await asyncio.shield(local_files.record_files(catalog, rows))
    return progress[0].advanced(items=len(done))


async def _api_items(catalog: Catalog, allocator: NameAllocator, covered: set[int], dest: Path) -> list[_Api]:
    """Picker/Library items without a Takeout copy in this run nor an original already in DEST."""
    cur = await catalog.reader.execute(
        "SELECT i.id, i.filename, i.taken_at, i.utc_offset_min, i.media_type, s.external_id FROM items i "
        "JOIN item_sources s ON s.item_id = i.id AND s.kind IN ('library', 'picker') "
        "WHERE NOT EXISTS (SELECT 1 FROM local_files f WHERE f.item_id = i.id AND f.fidelity = 'original' "
        "AND substr(f.path, 1, ?) = ?) ORDER BY i.id, s.kind",
        (len(str(dest)) + 1, str(dest) + os.sep),
    )
    rows = await cur.fetchall()
    titles: dict[int, list[str]] = {}
    cur = await catalog.reader.execute(
        "SELECT ai.item_id, a.title FROM album_items ai JOIN albums a ON a.id = ai.album_id "
        "JOIN item_sources s ON s.item_id = ai.item_id AND s.kind IN ('library', 'picker') ORDER BY a.title"
    )
    for item_id, title in await cur.fetchall():
        titles.setdefault(item_id, []).append(title)
    wanted: list[_Api] = []
    seen: set[int] = set()
    for item_id, filename, taken_at, offset, media_type, media_id in rows:
        if item_id in seen or item_id in covered:
            continue
        seen.add(item_id)
        video = media_type == "video"
        relpath = place(allocator, month_folder(taken_at, offset), filename)
        target = Target(
            relpath,
            taken_at,
            None,
            "api_video" if video else "api_photo",
            f"api:{media_id}",
            sorted(set(titles.get(item_id, ()))),
            item_id,
        )
        wanted.append(_Api(media_id, target, video))
    return wanted


async def _download(
    catalog: Catalog,
    dest: Destination,
    api: list[_Api],
    library: AsyncLibrary,
    tokens: TokenSource,
    usage: UsageMeter,
    concurrency: int,
    report: BackupReport,
    state: JobProgress,
    notify: ProgressCallback,
    done: list[Target],
) -> JobProgress:
    pending: list[_Api] = []
    for entry in api:
        if dest.is_done(entry.target.relpath, None):
            report.skipped += 1
            done.append(entry.target)
        else:
            pending.append(entry)
    state = state.advanced(items=state.items + len(api) - len(pending))
    fetcher = Fetcher(tokens, usage, dest, concurrency=concurrency)
    try:
        for start in range(0, len(pending), BATCH_LIMIT):
            if await usage.should_pause("media", reserve=BATCH_LIMIT + 10):
                report.stopped = "the daily media download quota is nearly used; run again tomorrow (Pacific time)"
                break
            chunk = pending[start : start + BATCH_LIMIT]
            urls, missing = await fresh_base_urls(library, [a.media_id for a in chunk])
            for media_id, why in missing.items():
                report.errors.append(f"{media_id}: no fresh base URL ({why})")
            results = await asyncio.gather(
                *(_one(fetcher, library, a, urls[a.media_id], dest) for a in chunk if a.media_id in urls),
                return_exceptions=True,
            )
            rows = []
            stop = None
            for result in results:
                if isinstance(result, BackupStopped):
                    stop = stop or result
                elif isinstance(result, BaseException):
                    report.errors.append(f"download failed: {result}")
                else:
                    entry, got = result
                    entry.target.relpath = got.relpath
                    done.append(entry.target)
                    if got.adopted:
                        report.skipped += 1
                    else:
                        report.downloaded += 1
                        report.bytes_written += got.size
                    rows.append(
                        LocalFile(
                            str(dest.root / got.relpath),
                            got.size,
                            entry.target.taken_at,
                            got.sha256,
                            entry.target.item_id,
                            None,
                            entry.target.fidelity,
                        )
                    )
            await local_files.record_files(catalog, rows)
            await usage.flush()
            state = state.advanced(
                items=state.items + len(chunk),
                requests=usage.session["media"],
                retries=fetcher.retries,
                errors=len(report.errors),
                message=f"downloaded {report.downloaded:,} of {len(pending):,}",
            )
            notify(state)
            if stop is not None:
                raise stop
    finally:
        await fetcher.aclose()
    return state


async def _one(
    fetcher: Fetcher, library: AsyncLibrary, entry: _Api, base_url: str, dest: Destination
) -> tuple[_Api, Got]:
    wanted = Wanted(entry.media_id, entry.target.relpath, entry.video, entry.target.taken_at)
    try:
        got = await fetcher.fetch(wanted, base_url)
    except ExpiredUrl as expired:
        urls, missing = await fresh_base_urls(library, [entry.media_id])
        if entry.media_id not in urls:
            raise RuntimeError(
                f"{entry.media_id}: base URL expired and no fresh one: {missing.get(entry.media_id)}"
            ) from expired
        got = await fetcher.fetch(wanted, urls[entry.media_id])
    return entry, got
