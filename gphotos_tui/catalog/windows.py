"""Windows of the long lists a screen shows: a count, a window of rows by offset (or after a known row),
and the position of one row, for the Albums list and the Duplicates group list (issue 15).

A screen reads one screenful of rows at a time, whatever the catalog's size; filters and orders are
the screens' own (the album title filter folds case as Python's ``str.casefold``).
"""

from __future__ import annotations

from typing import NamedTuple

import aiosqlite

from gphotos_tui.catalog.queries import AlbumRow

# -- albums ------------------------------------------------------------------------------------

#: sort name -> ORDER BY of the Albums list; each ends in the catalog's order (oldest album first).
_DATES = "s.first_taken IS NULL, s.first_taken, a.title, a.id"
ALBUM_ORDERS = {
    "dates": _DATES,
    "title": f"casefold(a.title), {_DATES}",
    "items": f"s.items DESC, {_DATES}",
}


def _casefold(text: str | None) -> str:
    return "" if text is None else text.casefold()


async def _with_casefold(conn: aiosqlite.Connection) -> None:
    await conn.create_function("casefold", 1, _casefold, deterministic=True)


def _album_filter(words: list[str]) -> tuple[str, list[str]]:
    if not words:
        return "", []
    return "WHERE " + " AND ".join("instr(casefold(a.title), ?) > 0" for _ in words), [w.casefold() for w in words]


async def album_count(conn: aiosqlite.Connection, words: list[str]) -> int:
    """Albums whose title holds every one of ``words`` (case folded)."""
    await _with_casefold(conn)
    where, params = _album_filter(words)
    rows = list(await conn.execute_fetchall(f"SELECT count(*) FROM albums a {where}", params))
    return int(rows[0][0])


async def album_window(
    conn: aiosqlite.Connection, words: list[str], sort: str, offset: int, limit: int
) -> list[AlbumRow]:
    """``limit`` albums from ``offset`` on, filtered by ``words`` and ordered by ``sort`` (ALBUM_ORDERS)."""
    await _with_casefold(conn)
    where, params = _album_filter(words)
    rows = await conn.execute_fetchall(
        "SELECT a.id, a.title, a.kind, coalesce(s.items, 0), coalesce(s.favorites, 0), s.first_taken, s.last_taken "
        f"FROM albums a LEFT JOIN album_summaries s ON s.album_id = a.id {where} "
        f"ORDER BY {ALBUM_ORDERS[sort]} LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
    return [AlbumRow(*r) for r in rows]


async def album_position(conn: aiosqlite.Connection, words: list[str], sort: str, album_id: int) -> int | None:
    """Where album ``album_id`` is in the filtered, sorted list (None when the filter hides it)."""
    await _with_casefold(conn)
    where, params = _album_filter(words)
    rows = list(
        await conn.execute_fetchall(
            f"SELECT n FROM (SELECT a.id, row_number() OVER (ORDER BY {ALBUM_ORDERS[sort]}) - 1 AS n "
            f"FROM albums a LEFT JOIN album_summaries s ON s.album_id = a.id {where}) WHERE id = ?",
            (*params, album_id),
        )
    )
    return int(rows[0][0]) if rows else None


# -- duplicate groups ----------------------------------------------------------------------------


class GroupLine(NamedTuple):
    """One row of the Duplicates group list: a kept group, without its members."""

    key: str
    kind: str
    reason: str
    members: int
    decided: bool  # a keep/discard decision is stored for the group
    rank: int
    first_taken: int


_SHOWN = "g.key NOT IN (SELECT group_key FROM duplicate_decisions WHERE decision = 'not_duplicate')"
_DECIDED = (
    "EXISTS (SELECT 1 FROM duplicate_decisions d WHERE d.group_key = g.key AND d.decision IN ('keep', 'discard'))"
)


async def groups_kept(conn: aiosqlite.Connection) -> bool:
    """Whether the catalog keeps duplicate groups (an update or rebuild has run on it)."""
    rows = list(await conn.execute_fetchall("SELECT 1 FROM dupe_state WHERE name = 'checked_at'"))
    return bool(rows)


async def shown_group_count(conn: aiosqlite.Connection) -> int:
    """Kept groups not marked "not duplicates": the rows of the Duplicates group list."""
    rows = list(await conn.execute_fetchall(f"SELECT count(*) FROM dupe_groups g WHERE {_SHOWN}"))
    return int(rows[0][0])


async def shown_group_window(
    conn: aiosqlite.Connection, offset: int, limit: int, after: GroupLine | None = None
) -> list[GroupLine]:
    """``limit`` shown groups in the screen's order (class, earliest capture time, key) from ``offset`` on,
    or right after the group ``after`` when it is known (a walk along the order index, no offset to skip)."""
    head = (
        f"SELECT g.key, g.kind, g.reason, g.members, {_DECIDED}, g.rank, coalesce(g.first_taken, 0) FROM dupe_groups g "
    )
    if after is not None:
        rows = await conn.execute_fetchall(
            head + f"WHERE {_SHOWN} AND (g.rank, g.first_taken, g.key) > (?, ?, ?) "
            "ORDER BY g.rank, g.first_taken, g.key LIMIT ?",
            (after.rank, after.first_taken, after.key, limit),
        )
    else:
        rows = await conn.execute_fetchall(
            head + f"WHERE {_SHOWN} ORDER BY g.rank, g.first_taken, g.key LIMIT ? OFFSET ?", (limit, offset)
        )
    return [
        GroupLine(key, kind, reason, members, bool(decided), rank, first)
        for key, kind, reason, members, decided, rank, first in rows
    ]


async def shown_group_position(conn: aiosqlite.Connection, key: str) -> int | None:
    """Where the group ``key`` is in the list (None when it is gone or hidden)."""
    rows = list(
        await conn.execute_fetchall(
            f"SELECT g.rank, g.first_taken, {_SHOWN} FROM dupe_groups g WHERE g.key = ?", (key,)
        )
    )
    if not rows or not rows[0][2]:
        return None
    rank, first, _ = rows[0]
    before = list(
        await conn.execute_fetchall(
            f"SELECT count(*) FROM dupe_groups g WHERE {_SHOWN} AND (g.rank, g.first_taken, g.key) < (?, ?, ?)",
            (rank, first, key),
        )
    )
    return int(before[0][0])


async def group_members(
    conn: aiosqlite.Connection, key: str
) -> list[tuple[str, str, int, str, int, list[tuple[int, bool]]]]:
    """The kept group ``key`` as a one-row list in ``dupe_groups.GroupRow`` shape (empty when it is gone)."""
    rows = list(
        await conn.execute_fetchall(
            "SELECT key, kind, rank, reason, first_taken FROM dupe_groups WHERE key = ?", (key,)
        )
    )
    if not rows:
        return []
    members = await conn.execute_fetchall(
        "SELECT item_id, keep FROM dupe_members WHERE group_key = ? ORDER BY position", (key,)
    )
    k, kind, rank, reason, first = rows[0]
    return [(k, kind, rank, reason, first, [(int(i), bool(keep)) for i, keep in members])]


async def group_decisions(conn: aiosqlite.Connection, key: str) -> dict[int, str]:
    rows = await conn.execute_fetchall("SELECT item_id, decision FROM duplicate_decisions WHERE group_key = ?", (key,))
    return {int(i): str(d) for i, d in rows}
