"""The streamed full rebuild (analysis.duplicates.rebuild) stores exactly the groups of ``find_groups`` over
every item at once, on demo catalogs salted with every kind of link: undated items, shared content hashes,
edited copies (dated and undated), look-alike perceptual hashes, crowded capture times and trashed items."""

from __future__ import annotations

import asyncio
import random
import sqlite3

import pytest

from gphotos_tui.analysis.duplicates import incremental, rebuild
from gphotos_tui.analysis.duplicates.model import PHASH, Settings
from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog import dupe_groups as sql
from gphotos_tui.demo.job import fill_demo

SIZE = 1_200


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("dupes-rebuild") / "demo.sqlite"

    async def build():
        catalog = await Catalog.open(path)
        try:
            await fill_demo(catalog, SIZE, 11, page_size=400)
        finally:
            await catalog.close()

    asyncio.run(build())
    return path


def salted(demo, tmp_path, seed: int):
    """A copy of the demo catalog with links of every kind planted at random."""
    path = tmp_path / f"salted-{seed}.sqlite"
    src = sqlite3.connect(demo)
    dst = sqlite3.connect(path)
    src.backup(dst)
    src.close()
    rng = random.Random(seed)
    rows = dst.execute("SELECT id, filename, taken_at FROM items ORDER BY id").fetchall()
    ids = [r[0] for r in rows]
    for item_id, _, taken in rows:
        roll = rng.random()
        if roll < 0.08:
            dst.execute("UPDATE items SET taken_at = NULL WHERE id = ?", (item_id,))
        elif roll < 0.16 and taken is not None:  # crowd capture times: long chains and bursts
            dst.execute(
                "UPDATE items SET taken_at = ? WHERE id = ?", (taken - taken % 7 + rng.choice([0, 1, 3]), item_id)
            )
        if rng.random() < 0.06:
            dst.execute("UPDATE items SET content_hash = ? WHERE id = ?", (f"h{rng.randrange(25)}", item_id))
        elif rng.random() < 0.02:
            dst.execute("UPDATE items SET content_hash = '' WHERE id = ?", (item_id,))
        if rng.random() < 0.05:  # an edited copy of another item, at its time, near it, or undated
            _, other_name, other_taken = rng.choice(rows)
            stem = other_name.rpartition(".")[0] or other_name
            new_taken = rng.choice([other_taken, None, None if other_taken is None else other_taken + 1])
            dst.execute(
                "UPDATE items SET filename = ?, taken_at = ? WHERE id = ?",
                (f"{stem}-{rng.choice(['edited', 'bearbeitet', 'EDITED'])}.jpg", new_taken, item_id),
            )
        if rng.random() < 0.02:
            dst.execute("UPDATE items SET trashed = 1 WHERE id = ?", (item_id,))
    hashes: dict[int, int] = {}
    for item_id in ids:
        if rng.random() < 0.7:
            if hashes and rng.random() < 0.2:  # a look-alike of a hashed item: a few bits flipped
                value = rng.choice(list(hashes.values()))
                for _ in range(rng.randrange(0, 12)):
                    value ^= 1 << rng.randrange(64)
            else:
                value = rng.getrandbits(64)
            hashes[item_id] = value
    dst.executemany(
        "INSERT OR REPLACE INTO perceptual_hashes (item_id, algo, hash, origin, computed_at) VALUES (?, ?, ?, 'local', 0)",
        [(i, PHASH, h - (1 << 64) if h >= 1 << 63 else h) for i, h in hashes.items()],  # stored signed
    )
    dst.commit()
    dst.close()
    return path


def old_rebuild(path, settings: Settings) -> set[tuple]:
    """Every item read at once and grouped in one call: the definition."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return incremental.comparable(
            [incremental._row(g) for g in incremental.find_groups(incremental._load(conn, None), settings)]
        )
    finally:
        conn.close()


def streamed(path, settings: Settings) -> tuple[set[tuple], int]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        result = incremental.update_sync(conn, settings, rebuild=True)
        stored = incremental.comparable(sql.stored_groups(conn))
        assert result.full and result.groups == len(stored)
        return stored, result.changed
    finally:
        conn.close()


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("batch", [rebuild.BATCH_ITEMS, 7])
def test_streamed_rebuild_equals_grouping_everything(demo, tmp_path, monkeypatch, seed, batch):
    monkeypatch.setattr(rebuild, "BATCH_ITEMS", batch)
    monkeypatch.setattr(rebuild.batches, "__defaults__", (batch,))
    path = salted(demo, tmp_path, seed)
    settings = Settings()
    expected = old_rebuild(path, settings)
    got, items = streamed(path, settings)
    assert got == expected
    kinds = {g[1] for g in expected}
    assert {"exact", "near", "edited"} <= kinds, kinds  # the salt planted these: the comparison covers them
    conn = sqlite3.connect(path)
    assert items == conn.execute("SELECT count(*) FROM items WHERE trashed = 0").fetchone()[0]
    conn.close()


def test_streamed_rebuild_other_settings(demo, tmp_path):
    path = salted(demo, tmp_path, 5)
    settings = Settings(near_threshold=12, burst_window_s=30, time_tolerance_s=5, max_cluster=3)
    assert streamed(path, settings)[0] == old_rebuild(path, settings)


def test_components_skip_lonely_items(demo, tmp_path):
    """Items alone in their component are never read back: most of a library is not a duplicate of anything."""
    path = salted(demo, tmp_path, 1)
    conn = sqlite3.connect(path)
    try:
        ids, labels = rebuild.components(conn, Settings())
        batched = sum(len(b) for b in rebuild.batches(ids, labels, 50))
        grouped = {i for g in old_rebuild(path, Settings()) for i, _ in g[3]}
        assert grouped <= {int(i) for b in rebuild.batches(ids, labels, 50) for i in b}
        assert batched < len(ids)
    finally:
        conn.close()


def test_empty_catalog(tmp_path):
    async def make():
        catalog = await Catalog.open(tmp_path / "empty.sqlite")
        await catalog.close()

    asyncio.run(make())
    got, items = streamed(tmp_path / "empty.sqlite", Settings())
    assert got == set() and items == 0
