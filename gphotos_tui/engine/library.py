"""Library API jobs: media items in parallel date shards, and albums with their contents.

Every page is written in one transaction with its checkpoint (shard, page
token, newest capture time), so a run killed at any moment resumes where it
stopped and ends with the same catalog as one clean run. The first run lists
the whole library in date shards worked by a pool of concurrent workers,
which split a busy shard when they run out of work (see shards.py); later runs only ask for what is new (a date filter from
the newest capture date seen, with an overlap). Items that disappear are only
ever flagged, and only after a complete listing.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from gphotos_tui.catalog import Catalog, Source
from gphotos_tui.catalog.queries import last_seen
from gphotos_tui.engine.shards import Listing, Shard, full_plan, incremental_plan, pick_split
from gphotos_tui.google import convert
from gphotos_tui.google.errors import PageTokenExpired, PageTokensKeepExpiring
from gphotos_tui.google.library import MAX_TOKEN_RESTARTS, NEWEST_FIRST, AsyncLibrary, DateRange
from gphotos_tui.google.quota import DAILY_QUOTA, UsageMeter
from gphotos_tui.model import Checkpoint, Membership, SourceKind
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback

LIBRARY_LABEL = "Library API (items this app created)"
META = "media:meta"


class QuotaPause(Exception):
    """The day's request budget is (nearly) spent: stop cleanly, resume another day."""


@dataclass(frozen=True)
class SyncSettings:
    workers: int = 8  # concurrent listings; chosen by the sync benchmark (see README)
    overlap_days: int = 2  # incremental runs re-list this much before the newest item seen
    quota_reserve: int = 100  # stop this many requests before the daily quota
    first_year: int = 2000  # capture years up to this one share a single shard
    split_min_pages: float = 4  # an idle worker splits a running shard with at least this much left


class _Tracker:
    """Shared progress of a job's workers, reported through one callback."""

    def __init__(self, job: str, label: str, progress: ProgressCallback | None, usage: UsageMeter | None):
        self.report = JobProgress(job, label)
        self.progress = progress
        self.usage = usage
        self.inserted = self.updated = 0

    def page(self, items: int, inserted: int, updated: int, requests: int = 1) -> None:
        self.inserted += inserted
        self.updated += updated
        self.report = self.report.advanced(
            items=self.report.items + items, pages=self.report.pages + 1, requests=self.report.requests + requests
        )
        self.emit()

    def emit(self, **changes: Any) -> None:
        if changes:
            self.report = self.report.advanced(**changes)
        if self.progress:
            self.progress(self.report)


async def _check_quota(usage: UsageMeter | None, reserve: int, tracker: _Tracker | None = None) -> None:
    if usage is None:
        return
    used = await usage.used("library")
    limit = DAILY_QUOTA["library"]
    assert limit is not None  # the Library API has a daily quota (only the Picker has none)
    if tracker is not None:
        tracker.report = tracker.report.advanced(quota_used=used, quota_limit=limit)
    if limit - used < reserve:
        raise QuotaPause(
            f"paused: {used:,} Library API requests used today, close to Google's 10,000 a day; "
            "run sync again after midnight Pacific time and it resumes where it stopped"
        )


class LibraryMediaJob:
    name = "library-media"

    def __init__(
        self,
        library: AsyncLibrary,
        usage: UsageMeter | None = None,
        settings: SyncSettings = SyncSettings(),
        *,
        full: bool = False,
        today: date | None = None,
    ):
        self.library = library
        self.usage = usage
        self.settings = settings
        self.full = full
        self.today = today or datetime.now(UTC).date()

    async def run(self, catalog: Catalog, progress: ProgressCallback | None = None) -> JobProgress:
        source = await catalog.ensure_source(SourceKind.LIBRARY, "library", LIBRARY_LABEL)
        tracker = _Tracker(self.name, LIBRARY_LABEL, progress, self.usage)
        meta = await catalog.checkpoint(source, META)
        state = dict(meta.state) if meta else {}
        if not state.get("plan"):  # a new run; otherwise finish the interrupted one
            complete = state.get("complete_at") and state.get("newest") is not None and not self.full
            plan = (
                incremental_plan(state["newest"], self.today, self.settings.overlap_days)
                if complete
                else full_plan(self.today, self.settings.first_year)
            )
            # Strictly after anything seen before, so "not seen in this run" never depends on the clock's second.
            last = await last_seen(catalog.writer, source.id)
            state.update(
                plan=[s.as_state() for s in plan],
                mode="incremental" if complete else "full",
                run_started=max(int(time.time()), last + 1),
            )
            await catalog.write_batch(source, checkpoint=Checkpoint(META, None, state.get("newest"), state=state))
        pending = await self._pending_listings(catalog, source, state)
        self.run_started = state["run_started"]
        run_id = await catalog.start_run(source, self.name)
        tracker.emit(message=f"{state['mode']} listing in {len(pending)} date shards")
        newest = [state.get("newest") or 0]
        lock = asyncio.Lock()  # pages of all workers go through the one writer, one at a time
        running: list[Listing] = []
        changed = asyncio.Condition()

        async def next_listing() -> Listing | None:
            """A pending shard, or the older half of a running one; None when all is done."""
            async with changed:
                while True:
                    if pending:
                        return pending.pop(0)
                    parent = pick_split(running, self.today, self.settings.split_min_pages)
                    if parent is not None:
                        child = parent.split()
                        async with lock:  # durable before any page of it is written
                            await catalog.write_batch(
                                source, checkpoint=Checkpoint(child.name, None, None, state={"range": child.as_state()})
                            )
                        return Listing(child, child.start)
                    if not running:
                        return None
                    await changed.wait()

        async def worker() -> None:
            while (listing := await next_listing()) is not None:
                running.append(listing)
                try:
                    await self._list_shard(catalog, source, listing, tracker, lock, newest, changed)
                finally:
                    running.remove(listing)
                    async with changed:
                        changed.notify_all()

        try:
            workers = [asyncio.create_task(worker()) for _ in range(max(1, self.settings.workers))]
            try:
                await asyncio.gather(*workers)
            except BaseException:
                for w in workers:
                    w.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                raise
        except QuotaPause as pause:
            await catalog.finish_run(
                run_id,
                "paused",
                str(pause),
                items=tracker.report.items,
                pages=tracker.report.pages,
                requests=tracker.report.requests,
            )
            tracker.emit(state=JobState.PAUSED, message=str(pause))
            return tracker.report
        except asyncio.CancelledError:
            await catalog.finish_run(
                run_id,
                "cancelled",
                "stopped; the next run resumes here",
                items=tracker.report.items,
                pages=tracker.report.pages,
            )
            raise
        except Exception as exc:
            await catalog.finish_run(
                run_id,
                "failed",
                str(exc),
                items=tracker.report.items,
                pages=tracker.report.pages,
                requests=tracker.report.requests,
            )
            tracker.emit(state=JobState.FAILED, message=str(exc))
            raise
        # Every shard finished: the listing is complete.
        if state["mode"] == "full":
            missing = await catalog.mark_missing(source, seen_since=state["run_started"])
        else:
            missing = 0
        done_state = {"complete_at": int(time.time()), "newest": newest[0] or state.get("newest")}
        async with lock:
            await catalog.clear_checkpoints(source)
            await catalog.write_batch(source, checkpoint=Checkpoint(META, None, done_state["newest"], state=done_state))
        # Shards overlap by a day at split points (local dates against UTC times), so the page count
        # can exceed the items; the catalog knows how many distinct items this run listed.
        listed = await catalog.count_seen(source, state["run_started"])
        message = f"{listed:,} items listed ({tracker.inserted:,} new, {tracker.updated:,} updated)"
        if missing:
            message += f"; {missing:,} no longer listed (flagged, kept in the catalog)"
        await catalog.finish_run(
            run_id,
            "done",
            message,
            items=tracker.report.items,
            pages=tracker.report.pages,
            requests=tracker.report.requests,
        )
        tracker.emit(state=JobState.DONE, message=message)
        return tracker.report

    async def _pending_listings(self, catalog: Catalog, source: Source, state: dict[str, Any]) -> list[Listing]:
        """The plan's shards plus any split off in an interrupted run, minus those already done,
        each with where it stopped (page token, and its lower bound if it was split)."""
        plan = [Shard.from_state(s) for s in state["plan"]]
        known = {c.shard: c for c in await catalog.checkpoints(source) if c.shard != META}
        names = {s.name for s in plan}
        plan += [
            Shard.from_state(c.state["range"]) for c in known.values() if "range" in c.state and c.shard not in names
        ]
        listings = []
        for shard in plan:
            checkpoint = known.get(shard.name)
            if checkpoint is None:
                listings.append(Listing(shard, shard.start))
            elif not checkpoint.done:
                low = date.fromisoformat(checkpoint.state["low"]) if "low" in checkpoint.state else shard.start
                listings.append(Listing(shard, low, checkpoint.page_token))
        return listings

    async def _list_shard(
        self,
        catalog: Catalog,
        source: Source,
        listing: Listing,
        tracker: _Tracker,
        lock: asyncio.Lock,
        newest: list[Any],
        changed: asyncio.Condition,
    ) -> None:
        shard, token = listing.shard, listing.token
        restarts = 0
        while True:
            await _check_quota(self.usage, self.settings.quota_reserve, tracker)
            try:
                page = await self.library.search_page(
                    ranges=[DateRange(shard.start, shard.end)], order_by=NEWEST_FIRST, page_token=token
                )
            except PageTokenExpired as exc:
                if token is None:
                    raise
                restarts += 1
                if restarts > MAX_TOKEN_RESTARTS:  # each restart re-lists the shard: never a day's quota
                    raise PageTokensKeepExpiring(
                        f"{shard.name}: Google rejected its page tokens {restarts} times ({exc}); stopped "
                        "instead of listing it again and again (pages already saved are kept); try again later"
                    ) from None
                token = None  # Google forgot the cursor: list the shard again (upserts are idempotent)
                tracker.emit(message=f"{shard.name}: page token expired, listing the shard again")
                continue
            records = [convert.library_item(item) for item in page.items]
            taken = [r.taken_at for r in records if r.taken_at is not None]
            listing.listed(taken, len(records))
            page_newest = max(taken, default=None)
            if page_newest:
                newest[0] = max(newest[0], page_newest)
            done = not page.next_page_token or listing.finished
            state = {"range": shard.as_state(), "low": listing.low.isoformat()} if listing.low > shard.start else {}
            async with lock:
                result = await catalog.write_batch(
                    source,
                    records,
                    checkpoint=Checkpoint(shard.name, page.next_page_token, page_newest, done=done, state=state),
                    seen_at=max(int(time.time()), self.run_started),
                )
            own = len(records)
            if listing.finished:  # the overlap with the split-off shard is that shard's to count
                own = sum(1 for r in records if r.taken_at is None or r.taken_at >= listing.stop_before)
            tracker.page(own, result.inserted, result.updated)
            async with changed:  # idle workers look again for a shard worth splitting
                changed.notify_all()
            if done:
                return
            token = page.next_page_token


class LibraryAlbumsJob:
    """albums.list, then every album's contents (search by albumId), albums worked concurrently."""

    name = "library-albums"

    def __init__(self, library: AsyncLibrary, usage: UsageMeter | None = None, settings: SyncSettings = SyncSettings()):
        self.library = library
        self.usage = usage
        self.settings = settings

    async def run(self, catalog: Catalog, progress: ProgressCallback | None = None) -> JobProgress:
        source = await catalog.ensure_source(SourceKind.LIBRARY, "library", LIBRARY_LABEL)
        tracker = _Tracker(self.name, LIBRARY_LABEL + ": albums", progress, self.usage)
        run_id = await catalog.start_run(source, self.name)
        lock = asyncio.Lock()
        try:
            albums = []
            token = None
            while True:  # album lists are short (50 a page): re-listed cheaply on every run
                await _check_quota(self.usage, self.settings.quota_reserve, tracker)
                page = await self.library.list_albums_page(token)
                albums += page.items
                async with lock:
                    await catalog.write_batch(source, albums=[convert.album(a) for a in page.items])
                tracker.page(0, 0, 0)
                token = page.next_page_token
                if not token:
                    break
            tracker.emit(total=None, message=f"{len(albums)} albums; listing their contents")
            queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
            for album in albums:
                queue.put_nowait(album)

            async def worker() -> None:
                while not queue.empty():
                    await self._album_contents(catalog, source, queue.get_nowait(), tracker, lock)

            await asyncio.gather(*(worker() for _ in range(max(1, self.settings.workers))))
        except QuotaPause as pause:
            await catalog.finish_run(run_id, "paused", str(pause), items=tracker.report.items)
            tracker.emit(state=JobState.PAUSED, message=str(pause))
            return tracker.report
        except Exception as exc:
            await catalog.finish_run(run_id, "failed", str(exc), items=tracker.report.items)
            tracker.emit(state=JobState.FAILED, message=str(exc))
            raise
        message = f"{len(albums)} albums, {tracker.report.items:,} memberships"
        await catalog.finish_run(
            run_id,
            "done",
            message,
            items=tracker.report.items,
            pages=tracker.report.pages,
            requests=tracker.report.requests,
        )
        tracker.emit(state=JobState.DONE, message=message)
        return tracker.report

    async def _album_contents(
        self, catalog: Catalog, source: Source, album: dict[str, Any], tracker: _Tracker, lock: asyncio.Lock
    ) -> None:
        token = None
        position = 0
        while True:
            await _check_quota(self.usage, self.settings.quota_reserve, tracker)
            try:
                page = await self.library.search_page(album_id=album["id"], page_token=token)
            except PageTokenExpired:
                if token is None:
                    raise
                token, position = None, 0
                continue
            records = [convert.library_item(item) for item in page.items]
            members = [Membership(album["id"], r.external_id, position + i) for i, r in enumerate(records)]
            position += len(records)
            async with lock:
                result = await catalog.write_batch(source, records, memberships=members)
            tracker.page(len(records), result.inserted, result.updated)
            token = page.next_page_token
            if not token:
                return
