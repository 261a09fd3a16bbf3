"""The item list's windowed queries: keyset and offset windows agree with one full ordered scan."""

from __future__ import annotations

from gphotos_tui.catalog import Catalog, queries


async def _full_order(conn, album_id):
    return await queries.item_window(conn, album_id, offset=0, limit=10_000)


async def test_keyset_windows_match_offset_windows_and_full_scan(catalog_file):
    catalog = await Catalog.open(catalog_file)
    try:
        conn = catalog.reader
        # Undated items sort first; make one so the offset fallback is exercised too.
        await catalog.writer.execute("UPDATE items SET taken_at = NULL WHERE id IN (5, 6)")
        full = await _full_order(conn, None)
        assert len(full) == await queries.item_count(conn) == 300
        assert [r.id for r in full[:2]] == [5, 6]
        window = 64
        by_keyset, after = [], None
        for number in range(300 // window + 1):
            rows = await queries.item_window(conn, None, offset=number * window, limit=window, after=after)
            by_keyset += rows
            after = rows[-1].sort_key if rows else None
        by_offset = []
        for number in range(300 // window + 1):
            by_offset += await queries.item_window(conn, None, offset=number * window, limit=window)
        assert [r.id for r in by_keyset] == [r.id for r in by_offset] == [r.id for r in full]
    finally:
        await catalog.close()


async def test_album_windows_hold_only_album_members(catalog_file):
    catalog = await Catalog.open(catalog_file)
    try:
        conn = catalog.reader
        album = max(await queries.albums(conn), key=lambda a: a.items)
        rows = await _full_order(conn, album.id)
        assert len(rows) == album.items == await queries.item_count(conn, album.id)
        members = {
            r[0] for r in await conn.execute_fetchall("SELECT item_id FROM album_items WHERE album_id = ?", (album.id,))
        }
        assert {r.id for r in rows} == members
        keys = [r.sort_key for r in rows]
        assert keys == sorted(keys)
        half = len(rows) // 2
        rest = await queries.item_window(conn, album.id, offset=half, limit=1000, after=rows[half - 1].sort_key)
        assert [r.id for r in rest] == [r.id for r in rows[half:]]
    finally:
        await catalog.close()
