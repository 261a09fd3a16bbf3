"""Album and item-set summaries, as the catalog keeps them (see schema.V3_SUMMARIES).

Reading them is one small query, whatever the catalog's size; ``recount``
computes the same figures from the items (what every visit of the Albums
screen used to do), for tests and for repairing a catalog.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import aiosqlite

from gphotos_tui.catalog.queries import PSEUDO_ALBUMS, AlbumRow
from gphotos_tui.catalog.schema import ITEM_SETS

ALL_ITEMS = "all"
_ORDER = "ORDER BY s.first_taken IS NULL, s.first_taken, a.title"


async def albums(conn: aiosqlite.Connection) -> list[AlbumRow]:
    """Every album with its count, favourites and date span, oldest first (from the summary table)."""
    rows = await conn.execute_fetchall(
        "SELECT a.id, a.title, a.kind, s.items, s.favorites, s.first_taken, s.last_taken "
        f"FROM albums a JOIN album_summaries s ON s.album_id = a.id {_ORDER}"
    )
    return [AlbumRow(*r) for r in rows]


async def item_sets(conn: aiosqlite.Connection) -> dict[str, tuple[int, int, int | None, int | None]]:
    """key -> (items, favourites, first taken, last taken) for all items and each pseudo-album."""
    rows = await conn.execute_fetchall("SELECT key, items, favorites, first_taken, last_taken FROM item_set_summaries")
    found = {r[0]: tuple(r[1:]) for r in rows}
    return {key: found.get(key, (0, 0, None, None)) for key in ITEM_SETS}


async def all_items_count(conn: aiosqlite.Connection) -> int | None:
    """The catalog's item count from the kept summary (one row, however many items)."""
    rows = list(await conn.execute_fetchall("SELECT items FROM item_set_summaries WHERE key = 'all'"))
    return int(rows[0][0]) if rows else None


async def data_version(conn: aiosqlite.Connection) -> int:
    """SQLite's change counter as this connection sees it: it moves when another connection commits,
    so the same number means what a screen read from this connection is still current."""
    rows = list(await conn.execute_fetchall("PRAGMA data_version"))
    return int(rows[0][0])


async def pseudo_albums(conn: aiosqlite.Connection) -> list[AlbumRow]:
    """Favorites, Not in any album, Archived and Trash as album rows (id 0, kind is the key), from the summaries."""
    sets = await item_sets(conn)
    return [AlbumRow(0, title, key, *sets[key]) for key, (title, _) in PSEUDO_ALBUMS.items()]


def recount(conn: sqlite3.Connection) -> tuple[list[tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    """The same figures computed from scratch: (album rows in screen order, item sets)."""
    album_rows = conn.execute(
        "SELECT a.id, a.title, a.kind, count(i.id), coalesce(sum(i.favorite), 0), min(i.taken_at), max(i.taken_at) "
        "FROM albums a LEFT JOIN album_items ai ON ai.album_id = a.id LEFT JOIN items i ON i.id = ai.item_id "
        "GROUP BY a.id ORDER BY min(i.taken_at) IS NULL, min(i.taken_at), a.title"
    ).fetchall()
    sets = {}
    for key, condition in ITEM_SETS.items():
        sets[key] = tuple(
            conn.execute(
                "SELECT count(*), coalesce(sum(i.favorite), 0), min(i.taken_at), max(i.taken_at) "
                f"FROM items i WHERE {condition.format(r='i')}"
            ).fetchone()
        )
    return album_rows, sets


def stored(conn: sqlite3.Connection) -> tuple[list[tuple[Any, ...]], dict[str, tuple[Any, ...]]]:
    """What the summary tables hold, in the shape of ``recount``."""
    album_rows = conn.execute(
        "SELECT a.id, a.title, a.kind, s.items, s.favorites, s.first_taken, s.last_taken "
        f"FROM albums a JOIN album_summaries s ON s.album_id = a.id {_ORDER}"
    ).fetchall()
    sets = dict.fromkeys(ITEM_SETS, (0, 0, None, None))
    sets.update({r[0]: tuple(r[1:]) for r in conn.execute("SELECT * FROM item_set_summaries")})
    return album_rows, sets


def rebuild(conn: sqlite3.Connection) -> None:
    """Recount every summary from the items (one transaction)."""
    from gphotos_tui.catalog.schema import V3_SUMMARIES

    backfill = V3_SUMMARIES[V3_SUMMARIES.index("DELETE FROM album_summaries;") :]
    conn.executescript(f"BEGIN IMMEDIATE;\n{backfill}\nCOMMIT;")
