"""SQL of the stored duplicate groups (schema.V4_DUPLICATE_GROUPS) and of finding what a change touches.

Plain rows in, plain rows out: the analysis (gphotos_tui.analysis.duplicates.incremental) decides
what the groups are; this module only reads and writes them.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiosqlite

#: A stored group: (key, kind, rank, reason, first_taken, [(item_id, keep), ...] in member order).
GroupRow = tuple[str, str, int, str, int, list[tuple[int, bool]]]


def _ids(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


def state(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT name, value FROM dupe_state"))


#: Items written (new or changed), hashed, or listed in an album seen, at or after ?1 (Unix s).
_CHANGED = (
    "SELECT id FROM items WHERE updated_at >= ?1 UNION SELECT item_id FROM perceptual_hashes "
    "WHERE computed_at >= ?1 UNION SELECT ai.item_id FROM albums a JOIN album_items ai ON ai.album_id = a.id "
    "WHERE a.seen_at >= ?1"
)


def changed_items(conn: sqlite3.Connection, since: int) -> set[int]:
    """Items written (new or changed), hashed, or listed in an album seen, at or after ``since`` (Unix s)."""
    return {r[0] for r in conn.execute(_CHANGED, (since,))}


def time_neighbours(conn: sqlite3.Connection, ids: Iterable[int], gap: int) -> set[int]:
    """Items (not in the trash) taken within ``gap`` seconds of one of ``ids``; all undated items if one is undated."""
    wanted = _ids(ids)
    out = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT o.id FROM (SELECT DISTINCT i.taken_at AS t FROM json_each(?1) j JOIN items i ON i.id = j.value "
            "WHERE i.taken_at IS NOT NULL) x JOIN items o ON o.taken_at BETWEEN x.t - ?2 AND x.t + ?2 "
            "WHERE o.trashed = 0",
            (wanted, gap),
        )
    }
    undated = conn.execute(
        "SELECT 1 FROM json_each(?) j JOIN items i ON i.id = j.value WHERE i.taken_at IS NULL LIMIT 1", (wanted,)
    ).fetchone()
    if undated:
        out.update(r[0] for r in conn.execute("SELECT id FROM items WHERE taken_at IS NULL AND trashed = 0"))
    return out


def same_content(conn: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    """Items (not in the trash) sharing a content hash with one of ``ids``."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT o.id FROM (SELECT DISTINCT i.content_hash AS h FROM json_each(?) j JOIN items i ON i.id = j.value "
            "WHERE i.content_hash IS NOT NULL AND i.content_hash <> '') x "
            "JOIN items o ON o.content_hash = x.h WHERE o.trashed = 0",
            (_ids(ids),),
        )
    }


def hashes(conn: sqlite3.Connection, algo: str) -> sqlite3.Cursor:
    """(item id, hash) of every item not in the trash that has a hash of ``algo``."""
    return conn.execute(
        "SELECT p.item_id, p.hash FROM perceptual_hashes p JOIN items i ON i.id = p.item_id "
        "WHERE p.algo = ? AND i.trashed = 0",
        (algo,),
    )


def co_members(conn: sqlite3.Connection, ids: Iterable[int]) -> set[int]:
    """Members of the stored groups that hold one of ``ids``."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT m.item_id FROM dupe_members m WHERE m.group_key IN "
            "(SELECT x.group_key FROM json_each(?) j JOIN dupe_members x ON x.item_id = j.value)",
            (_ids(ids),),
        )
    }


def replace_groups(
    conn: sqlite3.Connection,
    touched: Iterable[int] | None,
    groups: Sequence[GroupRow],
    new_state: dict[str, str],
) -> None:
    """In one transaction: drop the stored groups holding a ``touched`` item (all groups when None),
    store ``groups`` and the state."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if touched is None:
            conn.execute("DELETE FROM dupe_members")
            conn.execute("DELETE FROM dupe_groups")
        else:
            keys = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT x.group_key FROM json_each(?) j JOIN dupe_members x ON x.item_id = j.value",
                    (_ids(touched),),
                )
            ]
            conn.executemany("DELETE FROM dupe_members WHERE group_key = ?", [(k,) for k in keys])
            conn.executemany("DELETE FROM dupe_groups WHERE key = ?", [(k,) for k in keys])
        _insert_groups(conn, groups)
        conn.executemany("INSERT OR REPLACE INTO dupe_state (name, value) VALUES (?, ?)", list(new_state.items()))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def stored_groups(conn: sqlite3.Connection) -> list[GroupRow]:
    """Every stored group in the screen's order (class, then earliest capture time)."""
    members: dict[str, list[tuple[int, bool]]] = {}
    for key, item_id, keep in conn.execute(
        "SELECT group_key, item_id, keep FROM dupe_members ORDER BY group_key, position"
    ):
        members.setdefault(key, []).append((item_id, bool(keep)))
    return [
        (key, kind, rank, reason, first, members.get(key, []))
        for key, kind, rank, reason, first in conn.execute(
            "SELECT key, kind, rank, reason, first_taken FROM dupe_groups ORDER BY rank, first_taken, key"
        )
    ]


#: Where a page of stored groups ends: the last group's (rank, first_taken, key), the screen's order.
GroupPosition = tuple[int, int, str]


def stored_groups_after(conn: sqlite3.Connection, after: GroupPosition | None, limit: int) -> list[GroupRow]:
    """The ``limit`` stored groups after the one at ``after`` (from the first when None), in the screen's
    order (``stored_groups`` a page at a time): by position rather than offset, so a page deep in the list
    costs what the first does (an offset steps over every earlier row: 0.2 s a page 30,000 groups in)."""
    if after is None:
        heads = conn.execute(_HEADS + " ORDER BY rank, first_taken, key LIMIT ?", (limit,)).fetchall()
    else:
        heads = conn.execute(
            _HEADS + " WHERE (rank, first_taken, key) > (?, ?, ?) ORDER BY rank, first_taken, key LIMIT ?",
            (*after, limit),
        ).fetchall()
    return _with_members(conn, heads)


_HEADS = "SELECT key, kind, rank, reason, first_taken FROM dupe_groups"


def _with_members(conn: sqlite3.Connection, heads: list[Any]) -> list[GroupRow]:
    members: dict[str, list[tuple[int, bool]]] = {}
    for key, item_id, keep in conn.execute(
        "SELECT m.group_key, m.item_id, m.keep FROM json_each(?) j JOIN dupe_members m ON m.group_key = j.value "
        "ORDER BY m.group_key, m.position",
        (json.dumps([h[0] for h in heads]),),
    ):
        members.setdefault(key, []).append((item_id, bool(keep)))
    return [(key, kind, rank, reason, first, members.get(key, [])) for key, kind, rank, reason, first in heads]


_SHOWN_GROUP_COUNTS = (
    "SELECT g.kind, g.key IN (SELECT group_key FROM duplicate_decisions WHERE decision = 'not_duplicate'), "
    "count(*) FROM dupe_groups g GROUP BY 1, 2"
)


def _shown_counts(rows: Iterable[Any]) -> tuple[dict[str, int], int]:
    shown: dict[str, int] = {}
    hidden = 0
    for kind, marked, n in rows:
        if marked:
            hidden += n
        else:
            shown[kind] = shown.get(kind, 0) + n
    return shown, hidden


def shown_group_counts(conn: sqlite3.Connection) -> tuple[dict[str, int], int]:
    """(kind -> kept groups not marked "not duplicates", groups so marked): the screen's summary without
    reading every group."""
    return _shown_counts(conn.execute(_SHOWN_GROUP_COUNTS))


async def read_shown_group_counts(conn: aiosqlite.Connection) -> tuple[dict[str, int], int]:
    """``shown_group_counts`` on an async connection (the app's reader), in one call."""
    return _shown_counts(await conn.execute_fetchall(_SHOWN_GROUP_COUNTS))


# Groups as the duplicates analysis reads them back (store._groups_of): only those with two members or more
# still in the library (not in the trash); split by a "not duplicates" decision.
_PRESENT_GROUP_COUNTS = (
    "SELECT g.key IN (SELECT group_key FROM duplicate_decisions WHERE decision = 'not_duplicate'), count(*) "
    "FROM dupe_groups g WHERE (SELECT count(*) FROM dupe_members m JOIN items i ON i.id = m.item_id "
    "WHERE m.group_key = g.key AND i.trashed = 0) > 1 GROUP BY 1"
)


async def read_present_group_counts(conn: aiosqlite.Connection) -> tuple[int, int]:
    """(kept groups shown, kept groups marked "not duplicates"), counting only groups with two members or
    more still in the library: what reading every kept group and applying the decisions would give."""
    counts = {bool(marked): int(n) for marked, n in await conn.execute_fetchall(_PRESENT_GROUP_COUNTS)}
    return counts.get(False, 0), counts.get(True, 0)


async def read_state(conn: aiosqlite.Connection) -> dict[str, str]:
    """``state`` on an async connection (a read-only catalog's reader)."""
    return {str(name): str(value) for name, value in await conn.execute_fetchall("SELECT name, value FROM dupe_state")}


async def read_changed_since(conn: aiosqlite.Connection, since: int) -> bool:
    """Whether anything ``changed_items`` finds was written at or after ``since`` (without listing it)."""
    rows = list(await conn.execute_fetchall(f"SELECT EXISTS ({_CHANGED})", (since,)))
    return bool(rows[0][0])


def group_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM dupe_groups").fetchone()[0])


def item_rows(conn: sqlite3.Connection, items_sql: str, ids: Iterable[int] | None) -> list[Any]:
    """``items_sql`` (the analysis' item query, ending in a WHERE clause) for ``ids`` (all rows when None)."""
    if ids is None:
        return conn.execute(items_sql).fetchall()
    return conn.execute(items_sql + " AND i.id IN (SELECT value FROM json_each(?))", (_ids(ids),)).fetchall()


def album_counts(conn: sqlite3.Connection, ids: Iterable[int] | None) -> dict[int, int]:
    """item id -> albums it is in, for ``ids`` (every item in an album when None)."""
    if ids is None:
        rows = conn.execute("SELECT item_id, count(*) FROM album_items GROUP BY item_id")
    else:
        rows = conn.execute(
            "SELECT item_id, count(*) FROM album_items WHERE item_id IN (SELECT value FROM json_each(?)) "
            "GROUP BY item_id",
            (_ids(ids),),
        )
    return {int(a): int(b) for a, b in rows}


# -- a full rebuild in bounded memory (analysis.duplicates.rebuild) ---------------------------------


def item_times(conn: sqlite3.Connection, undated: int) -> sqlite3.Cursor:
    """(id, capture time or ``undated``) of every item not in the trash, by id: read it with fetchmany."""
    return conn.execute("SELECT id, coalesce(taken_at, ?) FROM items WHERE trashed = 0 ORDER BY id", (undated,))


def content_twins(conn: sqlite3.Connection) -> sqlite3.Cursor:
    """(id, content hash) of the items (not in the trash) whose content hash another such item shares,
    ordered by hash: twins are consecutive."""
    return conn.execute(
        "SELECT id, content_hash FROM items WHERE trashed = 0 AND content_hash IN "
        "(SELECT content_hash FROM items WHERE trashed = 0 AND content_hash IS NOT NULL AND content_hash <> '' "
        "GROUP BY content_hash HAVING count(*) > 1) ORDER BY content_hash, id"
    )


def item_names(conn: sqlite3.Connection, *, undated_only: bool) -> sqlite3.Cursor:
    """(id, filename) of the items not in the trash (only those without a capture time if ``undated_only``)."""
    where = " AND taken_at IS NULL" if undated_only else ""
    return conn.execute(f"SELECT id, filename FROM items WHERE trashed = 0{where}")


REBUILD_CACHE = -8192  # KiB: 8 MiB


def rewrite_groups(conn: sqlite3.Connection, batches: Iterable[Sequence[GroupRow]], new_state: dict[str, str]) -> int:
    """In one transaction: drop every stored group, store the groups of each batch as it comes (the batches
    may read the catalog on this connection meanwhile: they see the state the rebuild started from), then
    the state. Returns how many groups were stored."""
    with small_cache(conn):
        return _rewrite_groups(conn, batches, new_state)


@contextlib.contextmanager
def small_cache(conn: sqlite3.Connection) -> Iterator[None]:
    """A small page cache on ``conn`` meanwhile, its pages given back after: passes over every row (a
    rebuild, the scans of an update) gain nothing from the writer's 64 MiB cache (each page is read
    once and the OS keeps the file), which they would otherwise fill and keep."""
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size={REBUILD_CACHE}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size={int(cache)}")
        conn.execute("PRAGMA shrink_memory")


def _rewrite_groups(conn: sqlite3.Connection, batches: Iterable[Sequence[GroupRow]], new_state: dict[str, str]) -> int:
    conn.execute("BEGIN IMMEDIATE")
    stored = 0
    try:
        conn.execute("DELETE FROM dupe_members")
        conn.execute("DELETE FROM dupe_groups")
        for groups in batches:
            _insert_groups(conn, groups)
            stored += len(groups)
        conn.executemany("INSERT OR REPLACE INTO dupe_state (name, value) VALUES (?, ?)", list(new_state.items()))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return stored


def _insert_groups(conn: sqlite3.Connection, groups: Sequence[GroupRow]) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO dupe_groups (key, kind, rank, reason, first_taken, members) VALUES (?, ?, ?, ?, ?, ?)",
        [(key, kind, rank, reason, first, len(members)) for key, kind, rank, reason, first, members in groups],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO dupe_members (group_key, item_id, position, keep) VALUES (?, ?, ?, ?)",
        [
            (key, item_id, position, int(keep))
            for key, _, _, _, _, members in groups
            for position, (item_id, keep) in enumerate(members)
        ],
    )
