"""Read queries behind the screens and headless commands.

Each returns plain tuples or dataclasses, computed in SQL so that screens
never pull every row of a million-item catalog into Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True, slots=True)
class Overview:
    items: int
    photos: int
    videos: int
    favorites: int
    albums: int
    sources: int
    first_taken: int | None
    last_taken: int | None


@dataclass(frozen=True, slots=True)
class SourceRow:
    id: int
    kind: str
    label: str
    items: int
    last_run_at: int | None
    last_state: str | None
    last_message: str | None


@dataclass(frozen=True, slots=True)
class AlbumRow:
    id: int
    title: str
    kind: str
    items: int
    favorites: int
    first_taken: int | None
    last_taken: int | None


async def overview(conn: aiosqlite.Connection) -> Overview:
    row = await (await conn.execute(
        "SELECT count(*), coalesce(sum(media_type = 'photo'), 0), coalesce(sum(media_type = 'video'), 0), "
        "coalesce(sum(favorite), 0), (SELECT count(*) FROM albums), (SELECT count(*) FROM sources), "
        "min(taken_at), max(taken_at) FROM items"
    )).fetchone()
    return Overview(*row)


async def sources(conn: aiosqlite.Connection) -> list[SourceRow]:
    rows = await conn.execute_fetchall(
        "SELECT s.id, s.kind, s.label, "
        "(SELECT count(*) FROM item_sources i WHERE i.kind = s.kind AND i.source_id = s.id), s.last_run_at, "
        "(SELECT state FROM sync_runs r WHERE r.source_id = s.id ORDER BY r.id DESC LIMIT 1), "
        "(SELECT message FROM sync_runs r WHERE r.source_id = s.id ORDER BY r.id DESC LIMIT 1) "
        "FROM sources s ORDER BY s.kind, s.id"
    )
    return [SourceRow(*r) for r in rows]


async def albums(conn: aiosqlite.Connection) -> list[AlbumRow]:
    rows = await conn.execute_fetchall(
        "SELECT a.id, a.title, a.kind, count(i.id), coalesce(sum(i.favorite), 0), min(i.taken_at), max(i.taken_at) "
        "FROM albums a LEFT JOIN album_items ai ON ai.album_id = a.id LEFT JOIN items i ON i.id = ai.item_id "
        "GROUP BY a.id ORDER BY min(i.taken_at) IS NULL, min(i.taken_at), a.title"
    )
    return [AlbumRow(*r) for r in rows]


async def items_per_year(conn: aiosqlite.Connection) -> list[tuple[str, int]]:
    rows = await conn.execute_fetchall(
        "SELECT strftime('%Y', taken_at + coalesce(utc_offset_min, 0) * 60, 'unixepoch') AS y, count(*) "
        "FROM items WHERE taken_at IS NOT NULL GROUP BY y ORDER BY y"
    )
    return [(r[0], r[1]) for r in rows]


async def top_cameras(conn: aiosqlite.Connection, limit: int = 8) -> list[tuple[str, int]]:
    rows = await conn.execute_fetchall(
        "SELECT camera_make, camera_model, count(*) AS n FROM items WHERE camera_model IS NOT NULL "
        "GROUP BY camera_make, camera_model ORDER BY n DESC LIMIT ?",
        (limit,),
    )
    return [(camera_label(make, model), n) for make, model, n in rows]


def camera_label(make: str | None, model: str | None) -> str:
    """'Apple iPhone 13 Pro', 'Canon EOS 6D' (no 'Canon Canon EOS 6D')."""
    make = (make or "").strip()
    model = (model or "").strip()
    if not make:
        return model or "Unknown"
    if model.lower().startswith(make.lower()):
        return model
    return f"{make.title() if make.isupper() and len(make) > 3 else make} {model}".strip()


async def exact_duplicate_groups(conn: aiosqlite.Connection, limit: int = 500) -> list[tuple[str, int, int, int]]:
    """(filename, capture time, size, copies) of items sharing name, size and capture time."""
    rows = await conn.execute_fetchall(
        "SELECT filename, taken_at, size_bytes, count(*) AS n FROM items "
        "WHERE taken_at IS NOT NULL AND size_bytes IS NOT NULL "
        "GROUP BY lower(filename), taken_at, size_bytes HAVING n > 1 ORDER BY n DESC, taken_at LIMIT ?",
        (limit,),
    )
    return [tuple(r) for r in rows]
