"""Catalog reads and writes of the duplicates analysis (items, hashes, decisions)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import aiosqlite

from gphotos_tui.analysis.duplicates.model import PHASH, DupItem, Group
from gphotos_tui.catalog.queries import camera_label, public_id_sql
from gphotos_tui.gcpause import cyclic_gc_paused

DECISIONS = ("keep", "discard", "not_duplicate")

# Public ids (``public_id_sql``, as in export) are read later, for grouped items only: for every item they were two thirds of this query's time.
_ITEMS_SQL = f"""
SELECT i.id, i.filename, i.mime_type, i.taken_at, i.width, i.height, i.size_bytes, i.camera_make, i.camera_model,
       i.content_hash, i.favorite, i.product_url,
       (SELECT p.hash FROM perceptual_hashes p WHERE p.item_id = i.id AND p.algo = '{PHASH}'), i.media_type
FROM items i WHERE i.trashed = 0
"""


_camera_label = lru_cache(maxsize=4096)(camera_label)  # a library has few cameras and a million rows


def item_from_row(row: Sequence[Any], albums: int = 0) -> DupItem:
    (item_id, filename, mime, taken, width, height, size, make, model, chash, fav, url, phash, media_type) = row
    camera = _camera_label(make, model) if (make or model) else None
    return DupItem(
        item_id,
        f"item:{item_id}",
        filename,
        mime,
        taken,
        width,
        height,
        size,
        camera,
        chash,
        bool(fav),
        albums,
        url,
        phash,
        media_type == "video",
    )


async def load_items(conn: aiosqlite.Connection) -> list[DupItem]:
    """Every item not in the trash, with its stored perceptual hash (photos only have one).

    Public ids are placeholders ("item:<id>") until ``fill_public_ids``."""
    rows = await conn.execute_fetchall(_ITEMS_SQL)
    # One pass over the album index: half the time of counting per item in the query.
    albums: dict[int, int] = {
        r[0]: r[1] for r in await conn.execute_fetchall("SELECT item_id, count(*) FROM album_items GROUP BY item_id")
    }

    def convert() -> list[DupItem]:
        with cyclic_gc_paused():  # a million items kept alive: collections were 60% of this
            return [item_from_row(r, albums.get(r[0], 0)) for r in rows]

    return await asyncio.to_thread(convert)  # seconds of work: not on the event loop


async def stored_groups(conn: aiosqlite.Connection) -> tuple[list[Group], int]:
    """The groups kept in the catalog (``incremental``), in the screen's order, and the items not in the trash."""
    from gphotos_tui.catalog import dupe_groups

    rows = await conn._execute(dupe_groups.stored_groups, conn._conn)  # type: ignore[no-untyped-call]
    groups = await _groups_of(conn, rows)
    return groups, await count_not_trashed(conn)


async def stored_groups_after(
    conn: aiosqlite.Connection, after: tuple[int, int, str] | None, limit: int
) -> tuple[list[Group], int, tuple[int, int, str] | None]:
    """One page of the kept groups in the screen's order: the ``limit`` stored groups after the one at ``after``
    (the start when None), how many stored rows it covered (groups whose members left the library are dropped,
    so fewer groups may come), and the position of its last row (None when it covered none)."""
    from gphotos_tui.catalog import dupe_groups

    rows = await conn._execute(dupe_groups.stored_groups_after, conn._conn, after, limit)  # type: ignore[no-untyped-call]
    last = (rows[-1][2], rows[-1][4], rows[-1][0]) if rows else None
    return await _groups_of(conn, rows), len(rows), last


async def stored_group(conn: aiosqlite.Connection, key: str) -> Group | None:
    """One kept group with its members, its stored keep/discard decisions and public ids: what the
    Duplicates screen shows for the row under the cursor (None when the group is gone, hidden as
    "not duplicates", or no longer a group because its members left the library)."""
    from gphotos_tui.catalog import windows

    groups = await _groups_of(conn, await windows.group_members(conn, key))
    if not groups:
        return None
    decisions = await windows.group_decisions(conn, key)
    if "not_duplicate" in decisions.values():
        return None
    group = groups[0]
    group.decisions = {i: d for i, d in decisions.items() if d in ("keep", "discard")}
    await fill_public_ids(conn, group.members)
    return group


async def count_not_trashed(conn: aiosqlite.Connection) -> int:
    counted = list(await conn.execute_fetchall("SELECT count(*) FROM items WHERE trashed = 0"))
    return int(counted[0][0])


async def _groups_of(conn: aiosqlite.Connection, rows: list[Any]) -> list[Group]:
    wanted = sorted({item_id for row in rows for item_id, _ in row[5]})
    found = await conn.execute_fetchall(
        _ITEMS_SQL + " AND i.id IN (SELECT value FROM json_each(?))", (json.dumps(wanted),)
    )
    albums: dict[int, int] = {
        int(r[0]): int(r[1])
        for r in await conn.execute_fetchall(
            "SELECT item_id, count(*) FROM album_items WHERE item_id IN (SELECT value FROM json_each(?)) "
            "GROUP BY item_id",
            (json.dumps(wanted),),
        )
    }
    by_id = {r[0]: item_from_row(r, albums.get(r[0], 0)) for r in found}
    groups = []
    for _key, kind, _rank, reason, _first, members in rows:
        present = [(by_id[i], keep) for i, keep in members if i in by_id]
        if len(present) > 1:
            groups.append(Group(kind, reason, [m for m, _ in present], {m.id for m, keep in present if keep}))
    return groups


async def fill_public_ids(conn: aiosqlite.Connection, items: Iterable[DupItem]) -> None:
    """Set each item's public id (items no source has seen keep their "item:<id>")."""
    by_id = {m.id: m for m in items}
    rows = await conn.execute_fetchall(
        f"SELECT j.value, {public_id_sql('j.value')} FROM json_each(?) j", (json.dumps(sorted(by_id)),)
    )
    for item_id, public_id in rows:
        if public_id is not None:
            by_id[item_id].public_id = public_id


_UNHASHED = (
    f"i.media_type = 'photo' AND NOT EXISTS "
    f"(SELECT 1 FROM perceptual_hashes p WHERE p.item_id = i.id AND p.algo = '{PHASH}')"
)


async def count_without_hash(conn: aiosqlite.Connection) -> int:
    """Photos with no stored perceptual hash yet."""
    row = await (await conn.execute(f"SELECT count(*) FROM items i WHERE {_UNHASHED}")).fetchone()
    return int(row[0]) if row else 0


async def items_without_hash(conn: aiosqlite.Connection, after: int = 0, limit: int = -1) -> list[tuple[int, str, str]]:
    """(item id, source kind, external id) of photos not hashed yet, by item id: ``limit`` items after ``after``."""
    rows = await conn.execute_fetchall(
        "SELECT s.item_id, s.kind, s.external_id FROM item_sources s WHERE s.item_id IN "
        f"(SELECT i.id FROM items i WHERE i.id > ? AND {_UNHASHED} ORDER BY i.id LIMIT ?) ORDER BY s.item_id",
        (after, limit),
    )
    return [tuple(r) for r in rows]


async def local_paths(conn: aiosqlite.Connection, item_ids: Iterable[int]) -> dict[int, str]:
    rows = await conn.execute_fetchall(
        "SELECT item_id, path FROM local_files WHERE item_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(item_ids)),),
    )
    return {r[0]: r[1] for r in rows}


async def save_hashes(conn: aiosqlite.Connection, rows: Sequence[tuple[int, int]], origin: str) -> None:
    now = int(time.time())
    await conn.execute("BEGIN IMMEDIATE")  # one transaction per batch, not one per row
    try:
        await conn.executemany(
            "INSERT OR REPLACE INTO perceptual_hashes (item_id, algo, hash, origin, computed_at) VALUES (?, ?, ?, ?, ?)",
            [(item_id, PHASH, value, origin, now) for item_id, value in rows],
        )
        await conn.execute("COMMIT")
    except BaseException:
        await conn.execute("ROLLBACK")
        raise


async def load_decisions(conn: aiosqlite.Connection) -> dict[str, dict[int, str]]:
    rows = await conn.execute_fetchall("SELECT group_key, item_id, decision FROM duplicate_decisions")
    out: dict[str, dict[int, str]] = {}
    for key, item_id, decision in rows:
        out.setdefault(key, {})[item_id] = decision
    return out


async def save_decisions(conn: aiosqlite.Connection, group_key: str, decisions: dict[int, str]) -> None:
    """Replace the stored decisions of one group (one transaction)."""
    bad = set(decisions.values()) - set(DECISIONS)
    if bad:
        raise ValueError(f"unknown decision {sorted(bad)}; expected one of {', '.join(DECISIONS)}")
    now = int(time.time())
    await conn.execute("BEGIN IMMEDIATE")
    try:
        await conn.execute("DELETE FROM duplicate_decisions WHERE group_key = ?", (group_key,))
        await conn.executemany(
            "INSERT INTO duplicate_decisions (group_key, item_id, decision, decided_at) VALUES (?, ?, ?, ?)",
            [(group_key, item_id, decision, now) for item_id, decision in decisions.items()],
        )
        await conn.execute("COMMIT")
    except BaseException:
        await conn.execute("ROLLBACK")
        raise
