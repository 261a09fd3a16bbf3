"""Read queries behind the screens and headless commands.

Each returns plain tuples or dataclasses, computed in SQL so that screens
never pull every row of a million-item catalog into Python.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiosqlite


def public_id_sql(item_id: str) -> str:
    """SQL for an item's public id: "<kind>:<external id>" of the first source that saw it.

    ``item_id`` is the SQL expression of the item's id; ties on the first-seen second go to the
    smaller kind, then id (as ``ItemDetail.public_id`` orders them)."""
    return (
        f"(SELECT s.kind || ':' || s.external_id FROM item_sources s WHERE s.item_id = {item_id} "
        "ORDER BY s.first_seen, s.kind, s.external_id LIMIT 1)"
    )


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
    row = await (
        await conn.execute(
            "SELECT count(*), coalesce(sum(media_type = 'photo'), 0), coalesce(sum(media_type = 'video'), 0), "
            "coalesce(sum(favorite), 0), (SELECT count(*) FROM albums), (SELECT count(*) FROM sources), "
            "min(taken_at), max(taken_at) FROM items"
        )
    ).fetchone()
    assert row is not None  # an aggregate always returns one row
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


def camera_label(make: str | None, model: str | None) -> str:
    """'Apple iPhone 13 Pro', 'Canon EOS 6D' (no 'Canon Canon EOS 6D')."""
    make = (make or "").strip()
    model = (model or "").strip()
    if not make:
        return model or "Unknown"
    if model.lower().startswith(make.lower()):
        return model
    return f"{make.title() if make.isupper() and len(make) > 3 else make} {model}".strip()


# -- item lists (appended for the UI's lazy item list) ------------------------


@dataclass(frozen=True, slots=True)
class ItemRow:
    id: int
    filename: str
    media_type: str
    taken_at: int | None
    camera_make: str | None
    camera_model: str | None
    size_bytes: int | None
    favorite: bool

    @property
    def sort_key(self) -> tuple[int | None, int]:
        return (self.taken_at, self.id)


#: Pseudo-albums: item filters shown next to real albums (key -> title, SQL condition on items i).
PSEUDO_ALBUMS: dict[str, tuple[str, str]] = {
    "favorites": ("Favorites", "i.favorite = 1"),
    "no-album": ("Not in any album", "NOT EXISTS (SELECT 1 FROM album_items x WHERE x.item_id = i.id)"),
    "archived": ("Archived", "i.archived = 1"),
    "trash": ("Trash", "i.trashed = 1"),
}


async def pseudo_albums(conn: aiosqlite.Connection) -> list[AlbumRow]:
    """Favorites, Not in any album, Archived and Trash as album rows (their id is 0; kind is the key)."""
    rows = []
    for key, (title, condition) in PSEUDO_ALBUMS.items():
        row = await (
            await conn.execute(
                f"SELECT count(*), coalesce(sum(i.favorite), 0), min(i.taken_at), max(i.taken_at) FROM items i WHERE {condition}"
            )
        ).fetchone()
        assert row is not None  # an aggregate always returns one row
        n, favs, first, last = row
        rows.append(AlbumRow(0, title, key, n, favs, first, last))
    return rows


_ITEM_COLUMNS = "i.id, i.filename, i.media_type, i.taken_at, i.camera_make, i.camera_model, i.size_bytes, i.favorite"


async def item_count(conn: aiosqlite.Connection, album_id: int | str | None = None) -> int:
    """Items in an album (or a pseudo-album key), or in the whole catalog when ``album_id`` is None."""
    if isinstance(album_id, str):
        row = await (await conn.execute(f"SELECT count(*) FROM items i WHERE {PSEUDO_ALBUMS[album_id][1]}")).fetchone()
    elif album_id is None:
        row = await (await conn.execute("SELECT count(*) FROM items")).fetchone()
    else:
        row = await (await conn.execute("SELECT count(*) FROM album_items WHERE album_id = ?", (album_id,))).fetchone()
    assert row is not None  # count(*) always returns one row
    return int(row[0])


async def has_source_kind(conn: aiosqlite.Connection, kind: str) -> bool:
    """Whether any item was seen by a source of ``kind`` ("library", "takeout", ...)."""
    rows = await conn.execute_fetchall("SELECT 1 FROM item_sources WHERE kind = ? LIMIT 1", (kind,))
    return bool(rows)


async def item_window(
    conn: aiosqlite.Connection,
    album_id: int | str | None,
    *,
    offset: int = 0,
    limit: int = 200,
    after: tuple[int | None, int] | None = None,
    total: int | None = None,
    dense: bool = False,
) -> list[ItemRow]:
    """One window of items ordered by capture time then id (undated items first).

    With ``after`` (the sort key of the row before the window) the window is
    found by keyset on the ``items_taken_at`` index, so scrolling stays cheap
    at a million items; ``offset`` is the fallback for a jump to any row, and
    with ``total`` a jump into the second half counts back from the end, so
    End is as quick as Home. Keyset needs a dated key (NULL compares as
    unknown), so ``after`` is used only when its capture time is known.
    ``dense`` (an album holding a good share of the catalog) walks the date
    index and checks membership instead of sorting the whole album.
    """
    where: list[str] = []
    params: list[int | str | None] = []
    if isinstance(album_id, str):  # a pseudo-album: a filter on the date-ordered items
        source = "items i"
        where.append(PSEUDO_ALBUMS[album_id][1])
    elif album_id is None:
        source = "items i"
    elif dense:
        source = "items i CROSS JOIN album_items ai ON ai.album_id = ? AND ai.item_id = i.id"
        params.append(album_id)
    else:
        source = "album_items ai JOIN items i ON i.id = ai.item_id"
        where.append("ai.album_id = ?")
        params.append(album_id)
    descending = False
    if after is not None and after[0] is not None:
        where.append("(i.taken_at, i.id) > (?, ?)")
        params.extend(after)
        offset = 0
    elif total is not None and offset > total // 2:
        descending = True
        limit = max(0, min(limit, total - offset))
        offset = total - offset - limit
    order = "i.taken_at DESC, i.id DESC" if descending else "i.taken_at, i.id"
    sql = (
        f"SELECT {_ITEM_COLUMNS} FROM {source} "
        f"{'WHERE ' + ' AND '.join(where) if where else ''} "
        f"ORDER BY {order} LIMIT ? OFFSET ?"
    )
    rows = list(await conn.execute_fetchall(sql, (*params, limit, offset)))
    if descending:
        rows = rows[::-1]
    return [ItemRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], bool(r[7])) for r in rows]


async def last_runs(conn: aiosqlite.Connection) -> dict[int, tuple[str, int, int, int | None, int | None]]:
    """Per source id: (state, items, pages, started_at, finished_at) of its latest run."""
    rows = await conn.execute_fetchall(
        "SELECT r.source_id, r.state, r.items, r.pages, r.started_at, r.finished_at FROM sync_runs r "
        "WHERE r.id = (SELECT max(id) FROM sync_runs WHERE source_id = r.source_id)"
    )
    return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}


@dataclass(frozen=True, slots=True)
class ItemDetail:
    """Everything the catalog knows of one item: its fields, albums, sources and local copies."""

    fields: dict[str, Any]
    albums: list[str]
    sources: list[tuple[str, str, int, int, int | None, str | None]]  # kind, external id, first, last, missing, detail
    local_copies: list[tuple[str, int, str | None]]  # path, size, fidelity

    @property
    def public_id(self) -> str | None:
        first = min(self.sources, key=lambda s: (s[2], s[0], s[1]), default=None)
        return f"{first[0]}:{first[1]}" if first else None


async def item_detail(conn: aiosqlite.Connection, item_id: int) -> ItemDetail | None:
    cursor = await conn.execute("SELECT * FROM items WHERE id = ?", (item_id,))
    row = await cursor.fetchone()
    if row is None:
        return None
    fields = dict(zip((d[0] for d in cursor.description), row))
    albums = [
        r[0]
        for r in await conn.execute_fetchall(
            "SELECT a.title FROM album_items ai JOIN albums a ON a.id = ai.album_id WHERE ai.item_id = ? ORDER BY a.title",
            (item_id,),
        )
    ]
    sources = [
        tuple(r)
        for r in await conn.execute_fetchall(
            "SELECT kind, external_id, first_seen, last_seen, missing_since, detail FROM item_sources "
            "WHERE item_id = ? ORDER BY first_seen, kind",
            (item_id,),
        )
    ]
    copies = [
        tuple(r)
        for r in await conn.execute_fetchall(
            "SELECT path, size_bytes, fidelity FROM local_files WHERE item_id = ? ORDER BY path", (item_id,)
        )
    ]
    return ItemDetail(fields, albums, sources, copies)


async def source_refs(
    conn: aiosqlite.Connection, kind: str, external_ids: list[str]
) -> dict[str, tuple[str, str | None]]:
    """external id -> (ref of the source of ``kind`` that saw it, its detail); only the ids asked."""
    rows = await conn.execute_fetchall(
        "SELECT s.external_id, src.ref, s.detail FROM item_sources s JOIN sources src ON src.id = s.source_id "
        "WHERE s.kind = ? AND s.external_id IN (SELECT value FROM json_each(?))",
        (kind, json.dumps(external_ids)),
    )
    return {r[0]: (r[1], r[2]) for r in rows}


async def last_seen(conn: aiosqlite.Connection, source_id: int) -> int:
    """The latest ``last_seen`` stamp of any item of the source (0 when it saw none)."""
    row = await (
        await conn.execute("SELECT max(last_seen) FROM item_sources WHERE source_id = ?", (source_id,))
    ).fetchone()
    return int(row[0] or 0) if row is not None else 0


async def item_source_refs(conn: aiosqlite.Connection, item_id: int) -> list[tuple[int, str, str]]:
    """(item id, source kind, external id) of every source that saw the item."""
    rows = await conn.execute_fetchall(
        "SELECT item_id, kind, external_id FROM item_sources WHERE item_id = ?", (item_id,)
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def first_external_ids(conn: aiosqlite.Connection, item_ids: list[int], kinds: Sequence[str]) -> dict[int, str]:
    """item id -> the external id of its earliest-seen source of one of ``kinds`` (items with none left out)."""
    rows = await conn.execute_fetchall(
        "SELECT item_id, external_id FROM item_sources WHERE item_id IN (SELECT value FROM json_each(?)) "
        f"AND kind IN ({', '.join('?' * len(kinds))}) ORDER BY item_id, first_seen",
        (json.dumps(item_ids), *kinds),
    )
    found: dict[int, str] = {}
    for item_id, external_id in rows:
        found.setdefault(item_id, external_id)
    return found
