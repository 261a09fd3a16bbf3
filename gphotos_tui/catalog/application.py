"""What a catalog file is for, read without opening it as a Catalog: its ``PRAGMA application_id`` and
which kinds of sources it holds (the demo catalog is recognised this way before it is replaced)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite


def application_id_and_sources_not_of(path: Path, kind: str) -> tuple[int, int]:
    """(application id, number of sources of another kind than ``kind``), read-only.

    Raises ``sqlite3.DatabaseError`` when the file is not a catalog.
    """
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        (others,) = conn.execute("SELECT count(*) FROM sources WHERE kind != ?", (kind,)).fetchone()
    finally:
        conn.close()
    return int(app_id), int(others)


async def set_application_id(conn: aiosqlite.Connection, value: int) -> None:
    await conn.execute(f"PRAGMA application_id = {int(value)}")
