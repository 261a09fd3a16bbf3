"""The daily API request counts (table ``api_usage``), kept so a quota survives restarts."""

from __future__ import annotations

from collections.abc import Iterable

import aiosqlite

from gphotos_tui.catalog.store import Catalog


async def add_requests(catalog: Catalog, counts: Iterable[tuple[str, str, int]]) -> None:
    """Add (day, api, requests) counts to the stored ones."""
    await catalog.write_rows(
        "INSERT INTO api_usage (day, api, requests) VALUES (?, ?, ?) "
        "ON CONFLICT (day, api) DO UPDATE SET requests = requests + excluded.requests",
        list(counts),
    )


async def requests_on(conn: aiosqlite.Connection, day: str, api: str) -> int:
    """Requests stored for ``api`` on ``day`` (a Pacific-time date), 0 when none."""
    row = await (await conn.execute("SELECT requests FROM api_usage WHERE day = ? AND api = ?", (day, api))).fetchone()
    return int(row[0]) if row else 0
