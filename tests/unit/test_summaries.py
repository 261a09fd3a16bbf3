"""Album and item-set summaries kept by the catalog equal a full recount after any sequence of writes."""

import asyncio
import random
import sqlite3

import pytest

from gphotos_tui.catalog import Catalog, summaries
from gphotos_tui.catalog.schema import ITEM_SETS
from gphotos_tui.model import AlbumRecord, MediaRecord, Membership, SourceKind

BASE = 1_500_000_000


def check(path) -> None:
    conn = sqlite3.connect(path)
    try:
        expected_albums, expected_sets = summaries.recount(conn)
        kept_albums, kept_sets = summaries.stored(conn)
    finally:
        conn.close()
    assert kept_sets == expected_sets
    assert kept_albums == expected_albums


def record(rng: random.Random, ext: str) -> MediaRecord:
    return MediaRecord(
        external_id=ext,
        filename=f"IMG_{ext}.JPG",
        taken_at=rng.choice([None, BASE + rng.randrange(0, 10_000)]),
        favorite=rng.choice([None, True, False]),
        archived=rng.choice([None, False, False, True]),
        trashed=rng.choice([None, False, False, False, True]),
    )


@pytest.mark.parametrize("seed", range(6))
async def test_random_writes_keep_summaries_equal_to_a_recount(tmp_path, seed):
    rng = random.Random(seed)
    path = tmp_path / "c.sqlite"
    catalog = await Catalog.open(path)
    try:
        sources = [
            await catalog.ensure_source(SourceKind.TAKEOUT, "t", "Takeout"),
            await catalog.ensure_source(SourceKind.LIBRARY, "l", "Library"),
        ]
        for _ in range(25):
            source = rng.choice(sources)
            items = [record(rng, f"{rng.randrange(300)}") for _ in range(rng.randrange(1, 40))]
            albums = [AlbumRecord(f"a{rng.randrange(8)}", f"Album {rng.randrange(8)}") for _ in range(rng.randrange(3))]
            members = [
                Membership(f"a{rng.randrange(8)}", f"{rng.randrange(300)}", rng.randrange(100))
                for _ in range(rng.randrange(30))
            ]
            await catalog.write_batch(source, items, albums=albums, memberships=members)
            action = rng.randrange(6)
            w = catalog.writer
            if action == 0:  # another writer's own SQL: re-date and flag some items
                await w.execute(
                    "UPDATE items SET taken_at = taken_at + ?, favorite = 1 - favorite WHERE id % 7 = ?",
                    (rng.randrange(-5000, 5000), rng.randrange(7)),
                )
            elif action == 1:
                await w.execute("UPDATE items SET taken_at = NULL WHERE id % 11 = ?", (rng.randrange(11),))
            elif action == 2:
                await w.execute("DELETE FROM album_items WHERE item_id % 9 = ?", (rng.randrange(9),))
            elif action == 3:
                await w.execute("DELETE FROM items WHERE id % 13 = ?", (rng.randrange(13),))
            elif action == 4:
                await w.execute("DELETE FROM albums WHERE id = (SELECT max(id) FROM albums)")
            check(path)
    finally:
        await catalog.close()


def test_demo_catalog_summaries_and_screen_queries(tmp_path):
    from gphotos_tui.cli import main

    path = tmp_path / "demo.sqlite"
    assert main(["demo-catalog", "--db", str(path), "--size", "2000"]) == 0
    check(path)

    async def read():
        catalog = await Catalog.open(path, readonly=True)
        try:
            return (
                await summaries.albums(catalog.reader),
                await summaries.item_sets(catalog.reader),
                await summaries.pseudo_albums(catalog.reader),
            )
        finally:
            await catalog.close()

    kept, sets, pseudo = asyncio.run(read())
    conn = sqlite3.connect(path)
    expected_albums, expected_sets = summaries.recount(conn)
    conn.close()
    assert [tuple(a.__getattribute__(f) for f in a.__slots__) for a in kept] == expected_albums
    assert sets == expected_sets and sets["all"][0] == 2000
    assert [p.kind for p in pseudo] == [k for k in ITEM_SETS if k != "all"]


def test_a_catalog_from_before_the_summaries_is_backfilled(tmp_path):
    from gphotos_tui.catalog.schema import MIGRATIONS
    from gphotos_tui.catalog.store import migrate_sync

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:2]):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number + 1};\nCOMMIT;")
    conn.execute("INSERT INTO albums (id, kind, key, title, seen_at) VALUES (1, 'takeout', 'k', 'Trip', 1)")
    for i in range(1, 6):
        conn.execute(
            "INSERT INTO items (id, filename, taken_at, favorite, created_at, updated_at) VALUES (?, 'x', ?, ?, 1, 1)",
            (i, BASE + i, i % 2),
        )
    conn.execute("INSERT INTO album_items (album_id, item_id) VALUES (1, 2), (1, 3)")
    migrate_sync(conn)
    conn.close()
    check(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT items, favorites, first_taken, last_taken FROM album_summaries").fetchall() == [
        (2, 1, BASE + 2, BASE + 3)
    ]
    assert conn.execute("SELECT items FROM item_set_summaries WHERE key = 'no-album'").fetchone() == (3,)
    summaries.rebuild(conn)
    conn.close()
    check(path)


@pytest.mark.parametrize("seed", range(8))
async def test_batched_memberships_keep_summaries_equal_to_a_recount(tmp_path, seed):
    """Takeout-like pages through the batch writer, which counts new memberships once per page:
    new and repeated pairs (also twice in a page), items already in albums, favourites, items holding
    the "not in any album" boundary dates, unknown albums and items. Checked after every page."""
    rng = random.Random(1000 + seed)
    path = tmp_path / "c.sqlite"
    catalog = await Catalog.open(path)
    try:
        source = await catalog.ensure_source(SourceKind.TAKEOUT, "t", "Takeout")
        for page in range(30):
            items = [record(rng, f"{rng.randrange(200)}") for _ in range(rng.randrange(0, 40))]
            # Extreme capture times: items that become (and then leave) the set's first/last boundary.
            for r in items[:2]:
                items.append(
                    MediaRecord(f"edge{page}-{r.external_id}", "E.JPG", taken_at=BASE + rng.choice([-9, 99_999]))
                )
            albums = [AlbumRecord(f"a{k}", f"Album {k}") for k in rng.sample(range(6), rng.randrange(0, 4))]
            pool = [r.external_id for r in items] + [f"{rng.randrange(220)}" for _ in range(10)]
            members = [
                Membership(f"a{rng.randrange(7)}", rng.choice(pool), rng.choice([None, rng.randrange(50)]))
                for _ in range(rng.randrange(0, 40))
            ]
            members += members[: rng.randrange(3)]  # the same pair twice in one page
            await catalog.write_batch(source, items, albums=albums, memberships=members)
            check(path)
        # Another writer's own rows still go through the trigger.
        await catalog.writer.execute(
            "INSERT OR IGNORE INTO album_items (album_id, item_id) SELECT a.id, i.id FROM albums a, items i "
            "WHERE i.id % 5 = 0"
        )
        check(path)
    finally:
        await catalog.close()
