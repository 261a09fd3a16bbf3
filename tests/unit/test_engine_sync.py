"""The sync engine against the loopback fake Google server: complete, idempotent, resumable."""

import asyncio
import itertools
from datetime import UTC

import pytest

from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.export import export_rows
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.engine.library import LibraryAlbumsJob, LibraryMediaJob, SyncSettings, full_plan
from gphotos_tui.fakegoogle.server import FakeGoogle
from gphotos_tui.google.library import AsyncLibrary, LibraryClient
from gphotos_tui.google.quota import UsageMeter, pacific_day
from gphotos_tui.google.tokens import StaticToken
from gphotos_tui.google.transport import RetryPolicy
from gphotos_tui.progress import JobState

FAST = RetryPolicy(attempts=6, base_s=0.001, cap_s=0.01)
SIZE = 1500


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle(SyntheticLibrary(SIZE, seed=11)) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_fake(fake):
    fake.faults.clear()
    fake.reset_quota()
    fake.clear_log()
    yield


def library_for(fake, catalog):
    usage = UsageMeter(catalog)
    return AsyncLibrary(LibraryClient(StaticToken(fake.static_token), root=fake.url, usage=usage, policy=FAST)), usage


async def sync(fake, catalog, settings=None, **kw):
    settings = settings or SyncSettings(workers=4)
    library, usage = library_for(fake, catalog)
    media = await LibraryMediaJob(library, usage, settings, **kw).run(catalog)
    albums = await LibraryAlbumsJob(library, usage, settings).run(catalog)
    return media, albums


async def snapshot(catalog) -> list[dict]:
    rows = [row async for row in export_rows(catalog.reader)]
    return sorted(rows, key=lambda r: r["id"])


@pytest.fixture
async def reference(fake, tmp_path_factory):
    """The catalog after one clean sync, to compare every other run with."""
    cat = await Catalog.open(tmp_path_factory.mktemp("ref") / "c.sqlite")
    try:
        await sync(fake, cat)
        yield await snapshot(cat)
    finally:
        await cat.close()


def test_full_plan_shards_cover_every_date_once():
    from datetime import date

    plan = full_plan(date(2026, 11, 21), 2000)
    days = sorted((s.start, s.end) for s in plan)
    for (_a_start, a_end), (b_start, _b_end) in itertools.pairwise(days):
        assert (b_start - a_end).days == 1
    assert days[0][0] == date(1, 1, 1) and days[-1][1] == date(2026, 12, 31)


async def test_clean_sync_lists_everything_once(fake, catalog, reference):
    media, albums = await sync(fake, catalog)
    assert media.state == JobState.DONE and albums.state == JobState.DONE
    rows = await snapshot(catalog)
    assert len(rows) == SIZE
    assert {r["id"].split(":", 1)[1] for r in rows} == set(fake.store.by_id)
    assert sum(1 for r in rows if r["albums"]) == sum(1 for i in fake.store.items if i.album_keys)
    assert rows == reference
    # Only documented methods, paths and page sizes.
    for req in fake.requests:
        assert req.method in ("GET", "POST")
        assert req.path in ("/v1/mediaItems:search", "/v1/albums") or req.path.startswith("/v1/albums/")
        if req.path == "/v1/mediaItems:search":
            assert req.body.get("pageSize", 100) <= 100
            assert not ("albumId" in req.body and "filters" in req.body)
        if req.path == "/v1/albums":
            assert int(req.query.get("pageSize", ["50"])[0]) <= 50


async def test_second_sync_is_incremental(fake, catalog):
    await sync(fake, catalog)
    fake.clear_log()
    media, _ = await sync(fake, catalog)
    searches = [r for r in fake.requests if r.path == "/v1/mediaItems:search" and "filters" in (r.body or {})]
    assert len(searches) == 1  # one date range from the newest item seen
    assert media.items < 50
    assert (await catalog.reader.execute_fetchall("SELECT count(*) FROM items"))[0][0] == SIZE


@pytest.mark.parametrize("fault", ["429", "500", "503", "drop", "malformed", "expired_page_token"])
async def test_faults_end_in_the_same_catalog(fake, catalog, reference, fault):
    # Five faults at most, one fewer than FAST's attempts: with four workers sharing the fake's
    # counter one call can draw every fault in a row, and six would end the sync, not test recovery.
    fake.faults.add(fault, every=1 if fault == "expired_page_token" else 3, times=5, path="/v1/mediaItems")
    fake.faults.add(fault, every=4, times=3, path="/v1/albums")
    await sync(fake, catalog)
    assert fake.faults.fired.get(fault)
    assert await snapshot(catalog) == reference


async def test_insufficient_scope_fails_clearly_and_is_recorded(fake, catalog):
    from gphotos_tui.google.errors import InsufficientScopes

    fake.faults.add("insufficient_scope", every=1, times=None, path="/v1/mediaItems")
    with pytest.raises(InsufficientScopes) as info:
        await sync(fake, catalog)
    assert "2025" in str(info.value) or "scope" in str(info.value).lower()
    runs = await catalog.reader.execute_fetchall("SELECT state, message FROM sync_runs")
    assert runs[-1][0] == "failed" and runs[-1][1]


async def test_quota_pause_then_resume(fake, catalog, reference):
    library, usage = library_for(fake, catalog)
    await catalog.writer.execute(
        "INSERT INTO api_usage (day, api, requests) VALUES (?, 'library', 9890)", (pacific_day(),)
    )
    report = await LibraryMediaJob(library, usage, SyncSettings(workers=2)).run(catalog)
    assert report.state == JobState.PAUSED
    assert "10,000" in report.message
    assert 0 < report.items < SIZE
    await catalog.writer.execute("DELETE FROM api_usage")  # a new day
    await sync(fake, catalog)
    assert await snapshot(catalog) == reference


async def test_cancel_mid_run_then_resume(fake, catalog, reference):
    fake.faults.latency_s = 0.01
    library, usage = library_for(fake, catalog)
    task = asyncio.create_task(LibraryMediaJob(library, usage, SyncSettings(workers=2)).run(catalog))
    while (await catalog.reader.execute_fetchall("SELECT count(*) FROM items"))[0][0] < 150:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    fake.faults.latency_s = 0
    state = await catalog.reader.execute_fetchall("SELECT state FROM sync_runs ORDER BY id DESC LIMIT 1")
    assert state[0][0] == "cancelled"
    await sync(fake, catalog)
    assert await snapshot(catalog) == reference


async def test_disappeared_items_are_flagged_never_deleted(fake, catalog):
    await sync(fake, catalog)
    gone = fake.store.items.pop(0)
    del fake.store.by_id[gone.record.external_id]
    try:
        await sync(fake, catalog, full=True)
    finally:
        fake.store.items.insert(0, gone)
        fake.store.by_id[gone.record.external_id] = gone
    rows = await catalog.reader.execute_fetchall("SELECT external_id FROM item_sources WHERE missing_since IS NOT NULL")
    assert rows == [(gone.record.external_id,)]
    assert (await catalog.reader.execute_fetchall("SELECT count(*) FROM items"))[0][0] == SIZE


async def test_idle_workers_split_busy_shards_and_lose_nothing(fake, catalog, reference):
    """With splitting made eager, shards are split many times; the catalog is still exactly the reference."""
    settings = SyncSettings(workers=4, split_min_pages=0.5)
    fake.faults.latency_s = 0.005
    media, _ = await sync(fake, catalog, settings)
    searches = [r.body for r in fake.requests if r.path == "/v1/mediaItems:search" and "filters" in r.body]
    ranges = {str(b["filters"]["dateFilter"]) for b in searches}
    assert len(ranges) > len(full_plan_for_today())  # some shards were split while running
    assert await snapshot(catalog) == reference
    pages_needed = -(-SIZE // 100)
    assert media.requests <= pages_needed + 2 * len(ranges)  # a split costs about one request


async def test_cancel_after_splits_then_resume(fake, catalog, reference):
    fake.faults.latency_s = 0.01
    library, usage = library_for(fake, catalog)
    eager = SyncSettings(workers=4, split_min_pages=0.5)
    task = asyncio.create_task(LibraryMediaJob(library, usage, eager).run(catalog))
    while not await catalog.reader.execute_fetchall(
        "SELECT 1 FROM sync_checkpoints WHERE shard LIKE '%<%' AND done = 0"
    ):
        assert not task.done()
        await asyncio.sleep(0.005)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    fake.faults.latency_s = 0
    await sync(fake, catalog, eager)
    assert await snapshot(catalog) == reference


def full_plan_for_today():
    from datetime import datetime

    return full_plan(datetime.now(UTC).date(), SyncSettings().first_year)


def test_a_split_leaves_no_gap_for_any_time_zone():
    from datetime import date, datetime, timedelta

    from gphotos_tui.engine.shards import Listing, Shard

    listing = Listing(Shard("s", date(2024, 1, 1), date(2024, 12, 31)), date(2024, 1, 1))
    oldest = int(datetime(2024, 9, 10, 12, tzinfo=UTC).timestamp())
    listing.listed([oldest], 200)
    child = listing.split()
    assert child.start == date(2024, 1, 1) and child.end + timedelta(days=1) == listing.low
    # The running half may stop only after items older than midnight UTC of the child's last day:
    # every later item then has a local date (UTC-12 ... UTC+14) the child covers.
    edge = int(datetime(child.end.year, child.end.month, child.end.day, tzinfo=UTC).timestamp())
    listing.listed([edge], 100)
    assert not listing.finished
    listing.listed([edge - 1], 100)
    assert listing.finished
    unsplit = Listing(Shard("u", date(2024, 1, 1), date(2024, 12, 31)), date(2024, 1, 1))
    unsplit.listed([int(datetime(2023, 12, 31, 20, tzinfo=UTC).timestamp())], 1)  # local date Jan 1
    assert not unsplit.finished  # only a split ends a shard early
