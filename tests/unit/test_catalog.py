import sqlite3

import pytest

from gphotos_tui.catalog import Catalog, CatalogError
from gphotos_tui.catalog.schema import SCHEMA_VERSION
from gphotos_tui.model import AlbumRecord, Checkpoint, MediaRecord, Membership, SourceKind


def rec(ext, name="IMG_1.JPG", taken=1_600_000_000, **kw):
    return MediaRecord(external_id=ext, filename=name, taken_at=taken, **kw)


async def count(cat, sql, *args):
    return (await cat.reader.execute_fetchall(sql, args))[0][0]


async def test_pragmas_and_version(catalog):
    assert (await catalog.reader.execute_fetchall("PRAGMA journal_mode"))[0][0] == "wal"
    assert (await catalog.reader.execute_fetchall("PRAGMA foreign_keys"))[0][0] == 1
    assert (await catalog.reader.execute_fetchall("PRAGMA user_version"))[0][0] == SCHEMA_VERSION


async def test_insert_then_repeat_changes_nothing(catalog):
    src = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")
    page = [rec(f"id{i}", f"IMG_{i}.JPG", 1_600_000_000 + i, width=10, camera_model="X") for i in range(50)]
    first = await catalog.write_batch(src, page)
    assert (first.inserted, first.updated) == (50, 0)
    before = await catalog.reader.execute_fetchall("SELECT * FROM items ORDER BY id")
    again = await catalog.write_batch(src, page, seen_at=2_000_000_000)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 50)
    assert await catalog.reader.execute_fetchall("SELECT * FROM items ORDER BY id") == before


async def test_none_never_erases_and_changes_are_merged(catalog):
    src = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")
    await catalog.write_batch(src, [rec("a", camera_make="Sony", iso=100)])
    result = await catalog.write_batch(src, [rec("a", iso=200)])
    assert result.updated == 1
    row = (await catalog.reader.execute_fetchall("SELECT camera_make, iso FROM items"))[0]
    assert row == ("Sony", 200)


async def test_cross_source_join_on_name_and_time(catalog):
    picker = await catalog.ensure_source(SourceKind.PICKER, "session-1", "Picker")
    takeout = await catalog.ensure_source(SourceKind.TAKEOUT, "archive-1", "Takeout")
    await catalog.write_batch(picker, [rec("p1", "IMG_0001.JPG", 100, camera_model="Pixel 3")])
    result = await catalog.write_batch(takeout, [rec("t1", "img_0001.jpg", 100, latitude=52.5)])
    assert (result.inserted, result.updated) == (0, 1)
    assert await count(catalog, "SELECT count(*) FROM items") == 1
    kinds = await catalog.reader.execute_fetchall("SELECT kind FROM item_sources ORDER BY kind")
    assert [k for (k,) in kinds] == ["picker", "takeout"]


async def test_same_kind_never_merges_two_items(catalog):
    """Two uploads of one photo (same name and second) stay two items: they are duplicates to review."""
    src = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")
    await catalog.write_batch(src, [rec("a"), rec("b")])
    await catalog.write_batch(src, [rec("c")])
    assert await count(catalog, "SELECT count(*) FROM items") == 3
    other = await catalog.ensure_source(SourceKind.TAKEOUT, "t", "Takeout")
    await catalog.write_batch(other, [rec("x"), rec("y")])  # both join, one each
    assert await count(catalog, "SELECT count(*) FROM items") == 3
    assert await count(catalog, "SELECT count(DISTINCT item_id) FROM item_sources WHERE kind = 'takeout'") == 2


async def test_duplicate_ids_in_one_page_last_wins(catalog):
    src = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")
    result = await catalog.write_batch(src, [rec("a", iso=1), rec("a", iso=2)])
    assert result.inserted == 1
    assert await count(catalog, "SELECT iso FROM items") == 2


async def test_albums_memberships_and_checkpoint_commit_together(catalog):
    src = await catalog.ensure_source(SourceKind.TAKEOUT, "a", "Takeout")
    await catalog.write_batch(
        src,
        [rec("a"), rec("b", "IMG_2.JPG")],
        albums=[AlbumRecord("Trip", "Trip")],
        memberships=[Membership("Trip", "a"), Membership("Trip", "b"), Membership("Trip", "a")],
        checkpoint=Checkpoint("all", "token-2", newest_seen=5, state={"part": 3}),
    )
    assert await count(catalog, "SELECT count(*) FROM album_items") == 2
    cp = await catalog.checkpoint(src, "all")
    assert (cp.page_token, cp.newest_seen, cp.state) == ("token-2", 5, {"part": 3})


async def test_failed_batch_rolls_back_page_and_checkpoint(catalog):
    src = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")

    class Boom(MediaRecord):
        pass

    bad = rec("bad")
    bad.width = object()  # not bindable: the batch must fail as a whole
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises, nothing may be written
        await catalog.write_batch(src, [rec("good"), bad], checkpoint=Checkpoint("all", "t1"))
    assert await count(catalog, "SELECT count(*) FROM items") == 0
    assert await catalog.checkpoint(src, "all") is None
    await catalog.write_batch(src, [rec("good")])  # the writer is usable afterwards
    assert await count(catalog, "SELECT count(*) FROM items") == 1


async def test_mark_missing_only_flags(catalog):
    src = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")
    await catalog.write_batch(src, [rec("a"), rec("b", "B.JPG")], seen_at=100)
    await catalog.write_batch(src, [rec("a")], seen_at=200)
    assert await catalog.mark_missing(src, seen_since=200) == 1
    assert await count(catalog, "SELECT count(*) FROM items") == 2
    assert await count(catalog, "SELECT count(*) FROM item_sources WHERE missing_since IS NOT NULL") == 1


async def test_migrates_an_old_catalog(tmp_path):
    from gphotos_tui.catalog.schema import MIGRATIONS

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
    conn.execute("INSERT INTO sources (kind, ref, label, created_at) VALUES ('takeout', 'x', 'T', 1)")
    conn.execute("INSERT INTO items (filename, created_at, updated_at) VALUES ('old.jpg', 1, 1)")
    conn.commit()
    conn.close()
    cat = await Catalog.open(path)
    try:
        assert (await cat.reader.execute_fetchall("PRAGMA user_version"))[0][0] == SCHEMA_VERSION
        assert await count(cat, "SELECT count(*) FROM items WHERE filename = 'old.jpg'") == 1
        assert await count(cat, "SELECT count(*) FROM api_usage") == 0  # added by migration 2
    finally:
        await cat.close()


async def test_refuses_newer_catalog(tmp_path):
    path = tmp_path / "future.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(CatalogError, match="newer"):
        await Catalog.open(path)


async def test_readonly_missing_catalog_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogError, match="no catalog"):
        await Catalog.open(tmp_path / "nope.sqlite", readonly=True)


async def test_corrupt_file_is_a_clear_error(tmp_path):
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CatalogError, match="cannot open"):
        await Catalog.open(path)


@pytest.mark.subprocess
def test_a_catalog_left_open_does_not_keep_the_process_alive(tmp_path):
    """A failure that skips close() (say, mid-shutdown) must not hang interpreter exit."""
    import subprocess
    import sys

    script = (
        "import asyncio, sys\n"
        "from gphotos_tui.catalog import Catalog\n"
        "leaked = []\n"
        "async def main():\n"
        "    leaked.append(await Catalog.open(sys.argv[1]))\n"
        "    await asyncio.sleep(0.1)\n"
        "asyncio.run(main())\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "c.sqlite")], timeout=60)
    assert done.returncode == 0
