"""Imported Takeout parts (`takeout_parts`): where each was read from, its size and modification time.

An import records its parts; importing the same parts again from a new place
(the set's fingerprint does not depend on the path) moves the record there.
Readers ask which parts are still where they were (``check``) and where an
item's bytes sit inside them (``member_locations``, from the path each
item's ``item_sources.detail`` recorded at import: ``"<part label>: <entry>"``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True, slots=True)
class PartRecord:
    source_id: int
    label: str  # the part's file (or folder) name
    path: str  # absolute
    kind: str  # zip | tgz | dir
    size: int
    mtime: int | None

    def state(self) -> str:
        """'present', 'missing' (nothing at the path) or 'changed' (another size: not the part imported)."""
        try:
            info = os.stat(self.path)
        except OSError:
            return "missing"
        if self.kind != "dir" and info.st_size != self.size:
            return "changed"
        return "present"


async def record_parts(conn: aiosqlite.Connection, source_id: int, parts: Iterable[tuple[str, str, str, int]]) -> None:
    """Record (label, absolute path, kind, size) of each part read for ``source_id``; mtimes are read here."""
    now = int(time.time())
    rows = []
    for label, path, kind, size in parts:
        try:
            mtime = int(os.stat(path).st_mtime)
        except OSError:
            mtime = None
        rows.append((source_id, label, path, kind, size, mtime, now))
    await conn.execute("BEGIN IMMEDIATE")
    try:
        await conn.executemany(
            "INSERT INTO takeout_parts (source_id, label, path, kind, size_bytes, mtime, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source_id, label) DO UPDATE SET path = excluded.path, "
            "kind = excluded.kind, size_bytes = excluded.size_bytes, mtime = excluded.mtime, "
            "recorded_at = excluded.recorded_at",
            rows,
        )
        await conn.execute("COMMIT")
    except BaseException:
        await conn.execute("ROLLBACK")
        raise


async def all_parts(conn: aiosqlite.Connection) -> list[PartRecord]:
    """Every recorded part, by source then label."""
    rows = await conn.execute_fetchall(
        "SELECT source_id, label, path, kind, size_bytes, mtime FROM takeout_parts ORDER BY source_id, label"
    )
    return [PartRecord(*row) for row in rows]


async def member_locations(
    conn: aiosqlite.Connection, item_ids: Sequence[int]
) -> dict[int, list[tuple[int, str, str]]]:
    """item id -> [(source id, part label, entry path inside the part)] from what each Takeout import recorded."""
    rows = await conn.execute_fetchall(
        "SELECT s.item_id, s.source_id, s.detail ->> '$.path' FROM item_sources s "
        "WHERE s.kind = 'takeout' AND s.item_id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(item_ids)),),
    )
    out: dict[int, list[tuple[int, str, str]]] = {}
    for item_id, source_id, where in rows:
        label, sep, member = (where or "").partition(": ")
        if sep and member:
            out.setdefault(item_id, []).append((source_id, label, member))
    return out
