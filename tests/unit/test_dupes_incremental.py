"""Stored duplicate groups: incremental updates after random imports equal a full rebuild, group for group."""

from __future__ import annotations

import asyncio
import random
import sqlite3

import pytest

from gphotos_tui.analysis.duplicates import incremental, scan
from gphotos_tui.analysis.duplicates.model import PHASH, Settings
from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog import dupe_groups as sql
from gphotos_tui.demo.job import fill_demo
from gphotos_tui.engine.byte_sources import default_providers
from gphotos_tui.model import MEDIA_FIELDS, MediaRecord, SourceKind

SIZE, SEED = 900, 7
COLUMNS = [f for f in MEDIA_FIELDS if f not in ("external_id", "detail")]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A demo catalog with perceptual hashes: its items (as records) and hashes, to import in random orders."""
    path = tmp_path_factory.mktemp("dupes-inc") / "demo.sqlite"

    async def build():
        catalog = await Catalog.open(path)
        try:
            await fill_demo(catalog, SIZE, SEED, page_size=300)
            result = await scan(catalog, providers=default_providers(), workers=2)
            assert result.hashed > 500
        finally:
            await catalog.close()

    asyncio.run(build())
    conn = sqlite3.connect(path)
    rows = conn.execute(f"SELECT id, {', '.join(COLUMNS)} FROM items ORDER BY id").fetchall()
    hashes = dict(conn.execute("SELECT item_id, hash FROM perceptual_hashes WHERE algo = ?", (PHASH,)))
    conn.close()
    records = [MediaRecord(external_id=f"x{r[0]}", **dict(zip(COLUMNS, r[1:], strict=True))) for r in rows]
    return records, {f"x{k}": v for k, v in hashes.items()}


def stored(path) -> set[tuple]:
    conn = sqlite3.connect(path)
    try:
        return incremental.comparable(sql.stored_groups(conn))
    finally:
        conn.close()


def rebuilt(path, settings: Settings) -> set[tuple]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        groups = incremental.find_groups(incremental._load(conn, None), settings)
        return incremental.comparable([incremental._row(g) for g in groups])
    finally:
        conn.close()


async def save_hashes(catalog: Catalog, hashes: dict[str, int], externals: list[str]) -> None:
    rows = [(e, hashes[e]) for e in externals if e in hashes]
    await catalog.write_rows(
        "INSERT OR REPLACE INTO perceptual_hashes (item_id, algo, hash, origin, computed_at) "
        f"SELECT item_id, '{PHASH}', ?, 'local', CAST(strftime('%s') AS INTEGER) FROM item_sources WHERE external_id = ?",
        [(h, e) for e, h in rows],
    )


@pytest.mark.parametrize("seed", range(4))
async def test_random_imports_incremental_equals_rebuild(tmp_path, library, seed):
    records, hashes = library
    rng = random.Random(seed)
    order = records[:]
    rng.shuffle(order)
    settings = Settings()
    path = tmp_path / "c.sqlite"
    catalog = await Catalog.open(path)
    try:
        source = await catalog.ensure_source(SourceKind.TAKEOUT, "t", "Takeout")
        pending_hashes: list[str] = []
        at, step = 0, 0
        while at < len(order):
            size = rng.choice([1, 5, 40, 150, 300])
            batch = order[at : at + size]
            at += size
            await catalog.write_batch(source, batch)
            # Hashes arrive with the import, or a step later (hashing runs after it).
            now, later = [], []
            for r in batch:
                (now if rng.random() < 0.6 else later).append(r.external_id)
            await save_hashes(catalog, hashes, now + pending_hashes)
            pending_hashes = later
            if step % 3 == 2:  # an update of known items: flags and capture times change
                changed = rng.sample(order[:at], min(5, at))
                await catalog.write_batch(
                    source,
                    [
                        MediaRecord(
                            external_id=r.external_id,
                            filename=r.filename,
                            favorite=rng.random() < 0.5,
                            trashed=rng.random() < 0.2,
                            taken_at=None if r.taken_at is None else r.taken_at + rng.choice([0, 0, 1, 3, 3600]),
                        )
                        for r in changed
                    ],
                )
            result = await incremental.update(catalog, settings)
            assert result.full == (step == 0)
            assert stored(path) == rebuilt(path, settings), f"step {step} ({at} items)"
            step += 1
            await asyncio.sleep(0)
        # Change stamps are whole seconds and an update re-reads its own second, so on a slow machine the
        # last batch and the last update can share one. Settle them with one more update a second later,
        # then write the late hashes in a later second still: only they (and what they link) count as changed.
        await asyncio.sleep(1.1)
        await incremental.update(catalog, settings)
        await asyncio.sleep(1.1)
        await save_hashes(catalog, hashes, pending_hashes)
        result = await incremental.update(catalog, settings)
        final = stored(path)
        assert final == rebuilt(path, settings)
        assert len(final) > 20  # the demo plants duplicates of every class: there is something to compare
        assert result.regrouped < len(order)  # the last update regrouped only what the hashes touched
        again = await incremental.update(catalog, settings, rebuild=True)
        assert again.full and stored(path) == final
    finally:
        await catalog.close()


async def test_nothing_changed_regroups_nothing(tmp_path, library):
    records, hashes = library
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    try:
        source = await catalog.ensure_source(SourceKind.TAKEOUT, "t", "Takeout")
        await catalog.write_batch(source, records)
        await save_hashes(catalog, hashes, list(hashes))
        await asyncio.sleep(1.1)  # writes in the second of an update count as changed after it too
        first = await incremental.update(catalog)
        assert first.full and first.groups > 20
        await asyncio.sleep(1.1)
        version = (await (await catalog.reader.execute("PRAGMA data_version")).fetchone())[0]
        second = await incremental.update(catalog)
        assert (second.full, second.changed, second.regrouped, second.groups) == (False, 0, 0, first.groups)
        # ... and commits nothing: a commit would make every screen read its data again on its next return
        assert (await (await catalog.reader.execute("PRAGMA data_version")).fetchone())[0] == version
    finally:
        await catalog.close()
