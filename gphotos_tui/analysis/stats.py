"""Shooting statistics over the catalog: what they are, and their reference computation in SQL.

The app computes them from a columnar snapshot (stats_snapshot.py, stats_arrays.py:
one scan, then numpy); ``compute_stats(conn, filters)`` here is the plain SQL
definition the tests hold that path to. It runs four GROUP BY passes, each
collapsing the rows into groups (day x hour x camera, distinct file kinds and
exposure settings, GPS cells, sources); Python then folds those groups into
every chart's series, with the same fold functions the numpy path uses.
The result is plain data: the Stats screen draws it and ``stats --json``
prints it, so the two always agree. Drill-down lists stay SQL (one indexed query).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import aiosqlite

from gphotos_tui.analysis.stats_buckets import (
    APERTURE,
    EXPOSURE,
    FOCAL,
    FOCAL_35MM,
    ISO,
    MEGAPIXELS,
    PLACE_CELL_DEG,
    Bucketing,
    orientation,
)
from gphotos_tui.analysis.stats_filters import LOCAL_DAY, LOCAL_HOUR, Filters, Selection, day_of
from gphotos_tui.catalog.queries import camera_label

#: The screen's ranked charts show this many, then "other"; stats --json lists every one.
TOP_CAMERAS = 8
TOP_LENSES = 10
TOP_PLACES = 10
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ORIENTATIONS = ("landscape", "portrait", "square", "unknown")


@dataclass(slots=True)
class CatalogStats:
    """Every aggregate the Stats screen draws; ``as_json()`` is what ``stats --json`` prints."""

    filters: dict[str, Any]
    total: int = 0
    photos: int = 0
    videos: int = 0
    favorites: int = 0
    undated: int = 0
    time_basis: str = "no dated items"
    local_time_share: float = 0.0
    by_year: dict[str, int] = field(default_factory=dict)
    by_month: dict[str, int] = field(default_factory=dict)
    by_day: dict[str, int] = field(default_factory=dict)
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    by_weekday: list[int] = field(default_factory=lambda: [0] * 7)
    hour_weekday: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    cameras: list[dict[str, Any]] = field(default_factory=list)
    camera_unknown: int = 0
    camera_share_by_year: dict[str, dict[str, int]] = field(default_factory=dict)
    lenses: list[dict[str, Any]] = field(default_factory=list)
    lens_unknown: int = 0
    focal_lengths: list[dict[str, Any]] = field(default_factory=list)
    focal_lengths_35mm: list[dict[str, Any]] = field(default_factory=list)
    apertures: list[dict[str, Any]] = field(default_factory=list)
    isos: list[dict[str, Any]] = field(default_factory=list)
    exposures: list[dict[str, Any]] = field(default_factory=list)
    mime_types: dict[str, int] = field(default_factory=dict)
    megapixels: list[dict[str, Any]] = field(default_factory=list)
    orientation: dict[str, int] = field(default_factory=dict)
    storage_by_year: dict[str, int] = field(default_factory=dict)
    storage_bytes: int = 0
    storage_known: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    places: list[dict[str, Any]] = field(default_factory=list)
    with_gps: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


async def compute_stats(
    conn: aiosqlite.Connection, filters: Filters | None = None, *, more: Sequence[aiosqlite.Connection] = ()
) -> CatalogStats:
    """All statistics for the items matching ``filters`` (the whole catalog by default).

    Each pass is one GROUP BY whose cost is sorting every matching row, so the
    passes are few and wide. Given ``more`` read connections (each with its own
    thread, and SQLite releases the GIL while it works) the passes run on all
    of them at once.
    """
    filters = filters or Filters()
    started = time.perf_counter()
    where, params = filters.sql()
    stats = CatalogStats(filters=filters.as_dict())
    passes = [  # the slowest first, so two connections finish together
        lambda c: _time_and_cameras(c, where, params, stats),
        lambda c: _kinds_and_settings(c, where, params, stats),
        lambda c: _places(c, where, params, stats),
        lambda c: _sources(c, where, params, filters.active, stats),
    ]

    async def worker(connection: aiosqlite.Connection) -> None:
        while passes:
            await passes.pop(0)(connection)

    await asyncio.gather(*(worker(c) for c in (conn, *more)))
    stats.seconds = round(time.perf_counter() - started, 4)
    return stats


# -- the passes ----------------------------------------------------------------


async def _time_and_cameras(conn: aiosqlite.Connection, where: str, params: list[Any], stats: CatalogStats) -> None:
    """Local day x hour x camera: calendar, timeline, hour, weekday, their matrix, storage, cameras per year."""
    rows = await conn.execute_fetchall(
        f"SELECT {LOCAL_DAY} AS d, {LOCAL_HOUR} AS h, i.camera_make, i.camera_model, count(*), "
        f"count(i.utc_offset_min), total(i.size_bytes), count(i.size_bytes) FROM items i WHERE {where} "
        "GROUP BY d, h, i.camera_make, i.camera_model",
        params,
    )
    by_day: Counter[int] = Counter()
    storage: Counter[str] = Counter()
    cameras: Counter[tuple[Any, ...]] = Counter()
    camera_years: dict[str, Counter[tuple[Any, ...]]] = defaultdict(Counter)
    year_of: dict[int, str] = {}
    local = dated = 0
    for day, hour, make, model, n, with_offset, size, sized in rows:
        stats.storage_bytes += int(size)
        stats.storage_known += sized
        year = "undated"
        if day is None:
            stats.undated += n
        else:
            year = year_of.get(day) or year_of.setdefault(day, str(day_of(day).year))
            dated += n
            local += with_offset
            by_day[day] += n
            weekday = (day + 3) % 7
            stats.by_hour[hour] += n
            stats.by_weekday[weekday] += n
            stats.hour_weekday[weekday][hour] += n
        if sized:
            storage[year] += int(size)
        if make is None and model is None:
            stats.camera_unknown += n
        else:
            cameras[(make, model)] += n
            camera_years[year][(make, model)] += n
    _fold_days(stats, by_day)
    stats.storage_by_year = dict(sorted(storage.items()))
    _time_basis(stats, local, dated)
    _fold_cameras(stats, cameras, camera_years)


def _fold_days(stats: CatalogStats, by_day: Counter[int]) -> None:
    by_year: Counter[str] = Counter()
    by_month: Counter[str] = Counter()
    for day in sorted(by_day):
        iso = day_of(day).isoformat()
        n = by_day[day]
        stats.by_day[iso] = n
        by_month[iso[:7]] += n
        by_year[iso[:4]] += n
    stats.by_year = dict(sorted(by_year.items()))
    stats.by_month = dict(sorted(by_month.items()))


def _time_basis(stats: CatalogStats, local: int, dated: int) -> None:
    if not dated:
        return
    stats.local_time_share = round(local / dated, 4)
    if local == dated:
        stats.time_basis = "local capture time (100%)"
    elif local == 0:
        stats.time_basis = "UTC (no item has a known UTC offset)"
    else:
        share = f"{local / dated:.1%}".replace(".0%", "%")
        stats.time_basis = f"local where known ({share}), else UTC"


def _fold_cameras(
    stats: CatalogStats, totals: Counter[tuple[Any, ...]], per_year: dict[str, Counter[tuple[Any, ...]]]
) -> None:
    """Every camera, most items first, and each year's items per camera (the screen keeps a top few)."""
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0][0] or "", kv[0][1] or ""))
    stats.cameras = [
        {"make": make, "model": model, "label": camera_label(make, model), "count": n} for (make, model), n in ranked
    ]
    for year in sorted(per_year):
        shares: Counter[str] = Counter()
        for key, n in per_year[year].items():
            shares[camera_label(*key)] += n
        stats.camera_share_by_year[year] = dict(shares.most_common())


def fold_lenses(stats: CatalogStats, lenses: Counter[str]) -> None:
    """Every lens, most items first."""
    stats.lenses = [{"lens": lens, "count": n} for lens, n in sorted(lenses.items(), key=lambda kv: (-kv[1], kv[0]))]


async def _kinds_and_settings(conn: aiosqlite.Connection, where: str, params: list[Any], stats: CatalogStats) -> None:
    """Media and file types, favourites, picture shape, lenses and exposure settings: distinct
    combinations (a few thousand even for a million items), bucketed here."""
    rows = await conn.execute_fetchall(
        "SELECT i.media_type, i.mime_type, i.width, i.height, i.orientation, i.lens_model, i.focal_length_mm, "
        "i.focal_length_35mm, i.aperture_f, i.iso, i.exposure_s, count(*), sum(i.favorite) "
        f"FROM items i WHERE {where} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11",
        params,
    )
    mimes: Counter[str] = Counter()
    shapes: Counter[str] = Counter()
    lenses: Counter[str] = Counter()
    settings = (FOCAL, FOCAL_35MM, APERTURE, ISO, EXPOSURE)
    counters: dict[str, Counter[int]] = {b.name: Counter() for b in (*settings, MEGAPIXELS)}
    for media_type, mime, width, height, exif_orientation, lens, *values, n, favorites in rows:
        stats.total += n
        stats.favorites += favorites or 0
        if media_type == "video":
            stats.videos += n
        elif media_type == "photo":
            stats.photos += n
        mimes[mime or "unknown"] += n
        shapes[orientation(width, height, exif_orientation)] += n
        if media_type == "photo" and width and height and width > 0 and height > 0:
            counters["megapixels"][MEGAPIXELS.index(width * height / 1e6)] += n
        if lens is None:
            stats.lens_unknown += n
        else:
            lenses[lens] += n
        for bucketing, value in zip(settings, values):
            if value is not None and value > 0:
                counters[bucketing.name][bucketing.index(value)] += n
    stats.mime_types = dict(mimes.most_common())
    stats.orientation = {name: shapes.get(name, 0) for name in ORIENTATIONS}
    fold_lenses(stats, lenses)
    for bucketing in (*settings, MEGAPIXELS):
        setattr(stats, _SERIES[bucketing.name], _bucket_series(bucketing, counters[bucketing.name]))


_SERIES = {
    "focal": "focal_lengths",
    "focal_35mm": "focal_lengths_35mm",
    "aperture": "apertures",
    "iso": "isos",
    "exposure": "exposures",
    "megapixels": "megapixels",
}


async def _places(conn: aiosqlite.Connection, where: str, params: list[Any], stats: CatalogStats) -> None:
    """Every place: GPS grid cells (about 55 km square) named and clustered by city (analysis/places.py)."""
    rows = await conn.execute_fetchall(
        f"SELECT CAST(floor(i.latitude / {PLACE_CELL_DEG}) AS INTEGER) AS la, "
        f"CAST(floor(i.longitude / {PLACE_CELL_DEG}) AS INTEGER) AS lo, count(*), avg(i.latitude), avg(i.longitude) "
        f"FROM items i WHERE {where} AND i.latitude IS NOT NULL AND i.longitude IS NOT NULL "
        "GROUP BY la, lo ORDER BY la, lo",
        params,
    )
    stats.with_gps = sum(r[2] for r in rows)
    from gphotos_tui.analysis.places import cluster_cells  # numpy: only when places are computed

    stats.places = await asyncio.to_thread(cluster_cells, [tuple(r) for r in rows])


async def _sources(
    conn: aiosqlite.Connection, where: str, params: list[Any], filtered: bool, stats: CatalogStats
) -> None:
    """Items per source kind (an item seen by two kinds counts once in each).

    DISTINCT (item, kind) walks the covering item_sources_item index in order; count(DISTINCT)
    per kind would build a temporary B-tree of every item id instead (about 6x slower at 1M)."""
    scope = f"WHERE s.item_id IN (SELECT i.id FROM items i WHERE {where})" if filtered else ""
    rows = await conn.execute_fetchall(
        f"SELECT kind, count(*) FROM (SELECT DISTINCT s.item_id, s.kind FROM item_sources s {scope}) "
        "GROUP BY kind ORDER BY 2 DESC",
        params if filtered else [],
    )
    stats.by_source = {r[0]: r[1] for r in rows}


def _bucket_series(bucketing: Bucketing, counts: Counter[int]) -> list[dict[str, Any]]:
    """Buckets from the first to the last non-empty one, so charts keep an even scale."""
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [{"bucket": bucketing.labels[i], "count": counts.get(i, 0)} for i in range(first, last + 1)]


# -- drill-down ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemRow:
    id: int
    filename: str
    media_type: str
    taken_local: str | None  # local capture time where known, else UTC with a trailing Z
    camera: str
    size_bytes: int | None


async def drill_down(
    conn: aiosqlite.Connection, filters: Filters, selection: Selection, limit: int = 500
) -> tuple[int, list[ItemRow]]:
    """(how many items are behind ``selection``, the first ``limit`` of them in capture order)."""
    where, params = filters.sql()
    cond, more = selection.sql()
    clause = f"{where} AND {cond}"
    counted = await (await conn.execute(f"SELECT count(*) FROM items i WHERE {clause}", [*params, *more])).fetchone()
    total = counted[0] if counted else 0
    rows = await conn.execute_fetchall(
        "SELECT i.id, i.filename, i.media_type, "
        "CASE WHEN i.taken_at IS NULL THEN NULL WHEN i.utc_offset_min IS NULL "
        "THEN strftime('%Y-%m-%d %H:%M:%SZ', i.taken_at, 'unixepoch') "
        "ELSE strftime('%Y-%m-%d %H:%M:%S', i.taken_at + i.utc_offset_min * 60, 'unixepoch') END, "
        "i.camera_make, i.camera_model, i.size_bytes "
        f"FROM items i WHERE {clause} ORDER BY i.taken_at IS NULL, i.taken_at, i.id LIMIT ?",
        [*params, *more, limit],
    )
    items = [ItemRow(r[0], r[1], r[2], r[3], camera_label(r[4], r[5]) if (r[4] or r[5]) else "", r[6]) for r in rows]
    return total, items
