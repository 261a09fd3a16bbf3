"""A small on-disk cache of computed statistics, keyed by a catalog fingerprint.

Aggregating a million items takes seconds however it is done in SQL (every
pass reads every row), but the catalog changes only through the batch writer,
which stamps ``sources.last_run_at`` in the same transaction as the rows it
writes. So (newest item id, every source's last write) identifies the data;
when it matches, the Stats screen and ``stats --json`` reuse the last result
for the same filters instead of scanning again.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from gphotos_tui.analysis.stats import CatalogStats, compute_stats
from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.paths import locations

#: Bump when an aggregate changes meaning, so old cached results are ignored.
STATS_VERSION = 1
MAX_ENTRIES = 16
#: SQLite virtual-machine steps between checks of a stop request (well under a millisecond).
STOP_CHECK_EVERY = 50_000
#: A write stamped this recently may still be landing in the same second: don't cache then.
SETTLE_SECONDS = 2


async def fingerprint(conn: aiosqlite.Connection) -> tuple[str, int | None]:
    """(fingerprint of the catalog's data, time of its newest write)."""
    row = await (await conn.execute(
        "SELECT (SELECT coalesce(max(id), 0) FROM items), "
        "(SELECT group_concat(id || ':' || coalesce(last_run_at, ''), ',') FROM sources), "
        "(SELECT max(last_run_at) FROM sources)"
    )).fetchone()
    version = (await (await conn.execute("PRAGMA user_version")).fetchone())[0]
    return f"v{STATS_VERSION}/s{version}/{row[0]}/{row[1] or ''}", row[2]


def cache_file(catalog_path: Path) -> Path:
    key = hashlib.sha256(str(Path(catalog_path).resolve()).encode()).hexdigest()[:24]
    return locations().cache_dir / "stats" / f"{key}.json"


def _filters_key(filters: Filters) -> str:
    return json.dumps(filters.as_dict(), sort_keys=True)


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # missing or damaged: recompute


def _save(path: Path, data: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs speed


async def cached_stats(
    conn: aiosqlite.Connection,
    catalog_path: Path,
    filters: Filters | None = None,
    *,
    fresh: bool = False,
    more: Sequence[aiosqlite.Connection] = (),
) -> tuple[CatalogStats, bool]:
    """(statistics for ``filters``, whether they came from the cache); ``more`` connections share the work."""
    filters = filters or Filters()
    path = cache_file(catalog_path)
    print_, newest = await fingerprint(conn)
    key = _filters_key(filters)
    data = _load(path)
    if data.get("fingerprint") != print_:
        data = {"fingerprint": print_, "entries": {}}
    entry = data["entries"].get(key)
    if entry is not None and not fresh:
        try:
            return CatalogStats(**entry), True
        except TypeError:
            pass  # written by another layout: recompute
    stats = await compute_stats(conn, filters, more=more)
    if newest is None or newest <= time.time() - SETTLE_SECONDS:
        entries = data["entries"]
        entries.pop(key, None)
        entries[key] = stats.as_json()
        while len(entries) > MAX_ENTRIES:
            entries.pop(next(iter(entries)))
        _save(path, data)
    return stats, False


async def stats_for_catalog(
    catalog_path: Path, filters: Filters | None = None, *, fresh: bool = False, stop: threading.Event | None = None
) -> tuple[CatalogStats, bool]:
    """Open the catalog read-only on two connections (the passes run in parallel) and get its statistics.

    Setting ``stop`` aborts a running scan within milliseconds (sqlite3.OperationalError
    "interrupted"), so leaving the screen or the app never waits for a million-row pass.
    """
    from gphotos_tui.catalog import Catalog

    first = await Catalog.open(catalog_path, readonly=True)
    try:
        second = await Catalog.open(catalog_path, readonly=True)
        try:
            if stop is not None:
                for conn in (first.reader, second.reader):
                    await conn.set_progress_handler(lambda: 1 if stop.is_set() else 0, STOP_CHECK_EVERY)
            return await cached_stats(first.reader, catalog_path, filters, fresh=fresh, more=[second.reader])
        finally:
            await second.close()
    finally:
        await first.close()
