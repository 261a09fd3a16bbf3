"""On-disk caches for the statistics, keyed by a catalog fingerprint.

The catalog changes only through the batch writer, which stamps
``sources.last_run_at`` in the same transaction as the rows it writes. So
(newest item id, every source's last write) identifies the data. Two caches
use it: the columnar Snapshot (one scan of the catalog; any filter
combination is then milliseconds of numpy) and the finished result per
filter combination (a JSON file, so an unchanged catalog does not even load
the arrays). Both live in the cache dir and are rebuilt when the fingerprint moves.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gphotos_tui.analysis.stats_filters import Filters, _like
from gphotos_tui.paths import locations

if TYPE_CHECKING:  # numpy, aiosqlite and the snapshot load only when a result is not cached
    import aiosqlite
    import numpy as np

    from gphotos_tui.analysis.stats import CatalogStats
    from gphotos_tui.analysis.stats_snapshot import Snapshot

#: Bump when an aggregate changes meaning, so old cached results are ignored.
STATS_VERSION = 2  # 2: complete camera, lens and place lists; places named
#: Bump when the snapshot's arrays change layout or meaning.
SNAPSHOT_VERSION = 1
MAX_ENTRIES = 16
#: SQLite virtual-machine steps between checks of a stop request (well under a millisecond).
STOP_CHECK_EVERY = 50_000
#: A write stamped this recently may still be landing in the same second: don't cache then.
SETTLE_SECONDS = 2


_FINGERPRINT_SQL = (
    "SELECT (SELECT coalesce(max(id), 0) FROM items), "
    "(SELECT group_concat(id || ':' || coalesce(last_run_at, ''), ',') FROM sources), "
    "(SELECT max(last_run_at) FROM sources), "
    "(SELECT user_version FROM pragma_user_version)"
)


def _fingerprint_of(row: Any) -> tuple[str, int | None]:
    assert row is not None  # scalar subqueries: always one row
    return f"v{STATS_VERSION}/s{row[3] or 0}/{row[0]}/{row[1] or ''}", row[2]


async def fingerprint(conn: aiosqlite.Connection) -> tuple[str, int | None]:
    """(fingerprint of the catalog's data, time of its newest write)."""
    return _fingerprint_of(await (await conn.execute(_FINGERPRINT_SQL)).fetchone())


def cached_result(catalog_path: Path, filters: Filters | None = None) -> dict[str, Any] | None:
    """The cached result (``CatalogStats.as_json()``) for ``filters`` if the catalog has not changed since, else None.

    The fast path of a new process (``stats --json`` on an unchanged catalog): one read of the
    change stamp on a plain read-only connection and one small JSON file; no numpy, no asyncio,
    no snapshot. A catalog that cannot be read (missing, damaged, another schema) gives None: the
    full path then reports it as it always has."""
    path = Path(catalog_path)
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            print_, _ = _fingerprint_of(conn.execute(_FINGERPRINT_SQL).fetchone())
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    data = _load(cache_file(path))
    if data.get("fingerprint") != print_:
        return None
    entry: dict[str, Any] | None = data.get("entries", {}).get(_filters_key(filters or Filters()))
    return entry


def _catalog_key(catalog_path: Path) -> str:
    return hashlib.sha256(str(Path(catalog_path).resolve()).encode()).hexdigest()[:24]


def cache_file(catalog_path: Path) -> Path:
    return locations().cache_dir / "stats" / f"{_catalog_key(catalog_path)}.json"


def snapshot_dir(catalog_path: Path) -> Path:
    return locations().cache_dir / "stats" / f"{_catalog_key(catalog_path)}-columns"


def _filters_key(filters: Filters) -> str:
    return json.dumps(filters.as_dict(), sort_keys=True)


def _load(path: Path) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded
    except (OSError, ValueError):
        return {}  # missing or damaged: recompute


def _save(path: Path, data: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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
    stop: threading.Event | None = None,
) -> tuple[CatalogStats, bool]:
    """(statistics for ``filters``, whether they came from the result cache).

    ``fresh`` ignores both caches and scans the catalog again."""
    import asyncio

    from gphotos_tui.analysis.stats import CatalogStats, compute_stats

    filters = filters or Filters()
    path = cache_file(catalog_path)
    print_, newest = await fingerprint(conn)
    settled = newest is None or newest <= time.time() - SETTLE_SECONDS
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
    from gphotos_tui.analysis.stats_arrays import compute_from_snapshot

    started = time.perf_counter()
    try:
        snapshot = await asyncio.to_thread(snapshot_for, catalog_path, print_, fresh=fresh, keep=settled, stop=stop)
    except (TypeError, ValueError):  # values the snapshot cannot hold (e.g. a separator inside a camera name)
        stats = await compute_stats(conn, filters)  # the SQL definition: slower, takes anything
    else:
        album_ids = await _album_item_ids(conn, filters.album) if filters.album is not None else None
        stats = await asyncio.to_thread(compute_from_snapshot, snapshot, filters, album_ids)
    stats.seconds = round(time.perf_counter() - started, 4)
    if settled:
        entries = data["entries"]
        entries.pop(key, None)
        entries[key] = stats.as_json()
        while len(entries) > MAX_ENTRIES:
            entries.pop(next(iter(entries)))
        _save(path, data)
    return stats, False


async def _album_item_ids(conn: aiosqlite.Connection, title: str) -> np.ndarray:
    import numpy as np

    rows = list(
        await conn.execute_fetchall(
            "SELECT DISTINCT ai.item_id FROM album_items ai JOIN albums a ON a.id = ai.album_id "
            "WHERE a.title LIKE ? ESCAPE '\\'",
            [_like(title)],
        )
    )
    return np.fromiter((r[0] for r in rows), np.int64, len(rows))


# -- the snapshot ----------------------------------------------------------------------

#: The last snapshot this process used: (catalog, fingerprint, snapshot). Filter changes on the screen reuse it.
_recent: tuple[Path, str, Snapshot] | None = None
_recent_lock = threading.Lock()
_build_lock = threading.Lock()


def snapshot_for(
    catalog_path: Path, print_: str, *, fresh: bool = False, keep: bool = True, stop: threading.Event | None = None
) -> Snapshot:
    """The catalog's snapshot for fingerprint ``print_``: from memory, from the cache dir, or scanned (and saved
    when ``keep``). Blocking: run it in a thread."""
    global _recent  # noqa: PLW0603 - the one-entry memo shared by the app and its warm-up thread
    catalog_path = Path(catalog_path).resolve()
    folder = snapshot_dir(catalog_path)
    # One build at a time: the screen asking while the app's warm-up scans waits for that scan
    # and reuses it instead of reading the catalog a second time.
    with _build_lock:
        with _recent_lock:
            recent = _recent
        if not fresh and recent is not None and recent[:2] == (catalog_path, print_):
            return recent[2]
        if stop is not None and stop.is_set():
            raise sqlite3.OperationalError("interrupted")
        snapshot = None if fresh else load_snapshot(folder, print_)
        if snapshot is None:
            from gphotos_tui.analysis.stats_snapshot import scan

            snapshot = scan(catalog_path, stop)
            if keep:
                save_snapshot(snapshot, folder, print_)
            from gphotos_tui.gcpause import give_back_heap

            give_back_heap()  # the readers' batches are gone: the aggregates need not come on top of them
        with _recent_lock:
            _recent = (catalog_path, print_, snapshot)
        return snapshot


_LISTS = ("media_values", "mime_values", "camera_values", "lens_values", "source_values")


def save_snapshot(snapshot: Snapshot, folder: Path, print_: str) -> None:
    """One .npy file per array plus meta.json, swapped in whole (readers never see half a snapshot)."""
    import numpy as np

    partial = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}.partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        arrays = {name: value for name, value in vars(snapshot).items() if isinstance(value, np.ndarray)}
        arrays.update({f"bucket_{name}": value for name, value in snapshot.buckets.items()})
        for name, array in arrays.items():
            np.save(partial / f"{name}.npy", np.ascontiguousarray(array))
        meta = {"version": SNAPSHOT_VERSION, "fingerprint": print_, **{k: getattr(snapshot, k) for k in _LISTS}}
        (partial / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        old = folder.with_name(f".{folder.name}.{os.getpid()}.old")
        if folder.exists():
            os.replace(folder, old)
        os.replace(partial, folder)
        shutil.rmtree(old, ignore_errors=True)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)  # a cache that cannot be written only costs speed


def load_snapshot(folder: Path, print_: str) -> Snapshot | None:
    """The saved snapshot if it is for ``print_`` (arrays memory-mapped: pages load as they are read)."""
    import numpy as np

    from gphotos_tui.analysis.stats_snapshot import Snapshot

    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != SNAPSHOT_VERSION or meta.get("fingerprint") != print_:
            return None
        arrays = {p.stem: np.load(p, mmap_mode="r") for p in folder.glob("*.npy")}
        buckets = {name[len("bucket_") :]: arrays.pop(name) for name in list(arrays) if name.startswith("bucket_")}
        lists = {k: meta[k] for k in _LISTS}
        lists["camera_values"] = [tuple(pair) for pair in lists["camera_values"]]
        return Snapshot(**arrays, buckets=buckets, **lists)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # missing, damaged or from another layout: scan again


async def stats_for_catalog(
    catalog_path: Path, filters: Filters | None = None, *, fresh: bool = False, stop: threading.Event | None = None
) -> tuple[CatalogStats, bool]:
    """Open the catalog read-only and get its statistics (the scan itself reads on connections of its own).

    Setting ``stop`` abandons a running scan at its next batch (sqlite3.OperationalError
    "interrupted"), so leaving the screen or the app never waits for a million-row pass.
    """
    from gphotos_tui.catalog import Catalog

    catalog = await Catalog.open(catalog_path, readonly=True)
    try:
        if stop is not None:
            await catalog.reader.set_progress_handler(lambda: 1 if stop.is_set() else 0, STOP_CHECK_EVERY)
        return await cached_stats(catalog.reader, catalog_path, filters, fresh=fresh, stop=stop)
    finally:
        await catalog.close()


async def stats_for_years(catalog_path: Path, per_year: dict[int, Filters]) -> dict[int, CatalogStats]:
    """Statistics for several filter combinations, each within its own calendar year (a report's years in review),
    over one opened catalog and one snapshot split by year: one pass instead of one per year.

    Nothing is written to the result cache (a report's dozen years would push the screen's own combinations out)."""
    import asyncio

    from gphotos_tui.catalog import Catalog

    catalog = await Catalog.open(catalog_path, readonly=True)
    try:
        conn = catalog.reader
        print_, newest = await fingerprint(conn)
        settled = newest is None or newest <= time.time() - SETTLE_SECONDS
        try:
            snapshot = await asyncio.to_thread(snapshot_for, catalog_path, print_, keep=settled)
        except (TypeError, ValueError):  # values the snapshot cannot hold: the SQL definition
            from gphotos_tui.analysis.stats import compute_stats

            return {year: await compute_stats(conn, filters) for year, filters in per_year.items()}
        import numpy as np

        albums = {f.album for f in per_year.values() if f.album is not None}
        album_ids = {title: await _album_item_ids(conn, title) for title in albums}

        def compute() -> dict[int, CatalogStats]:
            from gphotos_tui.analysis.stats_arrays import compute_from_snapshot, split_by_year, take

            parts = split_by_year(snapshot)
            for year, filters in per_year.items():
                if (
                    filters.date_from is None
                    or filters.date_to is None
                    or not (filters.date_from.year == filters.date_to.year == year)
                ):
                    raise ValueError(f"filters for {year} must have dates within {year}: {filters.describe()}")
            empty = take(snapshot, np.zeros(0, np.int64))
            return {
                year: compute_from_snapshot(
                    parts.get(year, empty), filters, album_ids.get(filters.album) if filters.album else None
                )
                for year, filters in per_year.items()
            }

        return await asyncio.to_thread(compute)
    finally:
        await catalog.close()


def release_snapshot(catalog_path: Path) -> bool:
    """Forget this process's snapshot of ``catalog_path`` if the cache dir holds it (a later filter maps it
    from disk in milliseconds), and give the freed memory back: an app that only shows the cached result
    holds no column arrays. Returns whether it was released."""
    global _recent  # noqa: PLW0603 - the one-entry memo shared by the app and its warm-up thread
    from gphotos_tui.gcpause import give_back_heap

    catalog_path = Path(catalog_path).resolve()
    with _build_lock, _recent_lock:
        recent = _recent
        if recent is None or recent[0] != catalog_path:
            return False
        try:
            meta = json.loads((snapshot_dir(catalog_path) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False  # not saved (the catalog was still being written): keep it for the screen
        if meta.get("fingerprint") != recent[1] or meta.get("version") != SNAPSHOT_VERSION:
            return False
        _recent = None
    del recent
    give_back_heap()
    return True
