"""Every aggregate of CatalogStats from a Snapshot: a filter mask, then bincounts (milliseconds at 1M items).

The folds into chart series are the SQL path's own (analysis/stats.py), and
each filter is the same condition as Filters.sql() evaluated on the arrays,
so both paths give identical results (tests/unit/test_stats_arrays.py).
"""

from __future__ import annotations

import calendar
import dataclasses
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import numpy as np

from gphotos_tui.analysis.places import cluster_cells
from gphotos_tui.analysis.stats import (
    _SERIES,
    ORIENTATIONS,
    CatalogStats,
    _bucket_series,
    _fold_cameras,
    _fold_days,
    _time_basis,
    fold_lenses,
)
from gphotos_tui.analysis.stats_buckets import BUCKETINGS, PLACE_CELL_DEG
from gphotos_tui.analysis.stats_filters import EPOCH_SHIFT_DAYS, Filters, _like, day_of, shifted_day
from gphotos_tui.analysis.stats_snapshot import Snapshot


def _sql_like(texts: list[str], pattern: str) -> np.ndarray:
    """SQLite's own LIKE over a few names (its case folding is ASCII-only, unlike Python's)."""
    conn = sqlite3.connect(":memory:")
    try:
        rows = conn.execute(
            "SELECT value LIKE ? ESCAPE '\\' FROM json_each(?)", (pattern, json.dumps(texts))
        ).fetchall()
    finally:
        conn.close()
    return np.array([bool(r[0]) for r in rows], dtype=bool)


def filter_mask(snap: Snapshot, filters: Filters, album_ids: np.ndarray | None = None) -> np.ndarray | None:
    """Which items ``filters`` keep (None: all of them). ``album_ids`` are the ids of items in a matching album."""
    if not filters.active:
        return None
    keep = np.ones(len(snap), dtype=bool)
    if filters.date_from is not None:
        low = _utc(filters.date_from)
        keep &= snap.dated & (snap.taken >= low - 86400) & (snap.day >= shifted_day(filters.date_from))
    if filters.date_to is not None:
        high = _utc(filters.date_to) + 86400
        keep &= snap.dated & (snap.taken < high + 86400) & (snap.day <= shifted_day(filters.date_to))
    if filters.camera is not None:
        names = [f"{make or ''} {model or ''}" for make, model in snap.camera_values]
        keep &= _sql_like(names, _like(filters.camera))[snap.camera] if names else False
    if filters.album is not None:
        ids = album_ids if album_ids is not None else np.zeros(0, np.int64)
        keep &= _members(snap.ids, ids)
    if filters.media_type is not None:
        keep &= snap.media == _code(snap.media_values, filters.media_type)
    if filters.source is not None:
        bit = _code(snap.source_values, filters.source)
        keep &= (snap.sources & np.uint8(1 << bit)) != 0 if bit >= 0 else False
    return keep


def _members(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """``np.isin(ids, wanted)`` for ascending ``ids`` (a snapshot's), in memory the size of ``wanted``:
    isin sorts both together (tens of MB of temporaries at 1M items)."""
    if len(ids) > 1 and not (ids[1:] > ids[:-1]).all():  # not a snapshot's order: the general way
        return np.isin(ids, wanted)
    found = np.zeros(len(ids), dtype=bool)
    wanted = np.unique(np.asarray(wanted, dtype=np.int64))
    at = np.searchsorted(ids, wanted)
    inside = at < len(ids)
    at = at[inside]
    found[at[ids[at] == wanted[inside]]] = True
    return found


def _utc(day: date) -> int:
    return calendar.timegm(day.timetuple())


#: Selects the rows of one snapshot column that the filters keep.
Pick = Callable[[np.ndarray], np.ndarray]
#: Rows aggregated at a time: each pass's temporaries are a few of these (about 0.5 MB each), never a
#: million-row column; the counts and sums of every chunk add up to exactly the whole (integers, and
#: coordinate sums accumulated in catalog order).
CHUNK_ROWS = 65_536


def _code(values: list[Any], value: Any) -> int:
    try:
        return values.index(value)
    except ValueError:
        return -1  # matches no item


def _counts(codes: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(codes, minlength=size) if len(codes) else np.zeros(size, np.int64)


def _add(total: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Element-wise sum of two count arrays of possibly different lengths."""
    if len(counts) > len(total):
        total, counts = counts, total
    total[: len(counts)] += counts
    return total


class _Chunks:
    """The kept rows of a snapshot, CHUNK_ROWS at a time: each pass iterates it again."""

    def __init__(self, size: int, mask: np.ndarray | None):
        self.size, self.mask = size, mask

    def __iter__(self) -> Iterator[Pick]:
        for start in range(0, self.size, CHUNK_ROWS):
            yield self._pick(slice(start, min(start + CHUNK_ROWS, self.size)))

    def _pick(self, rows: slice) -> Pick:
        keep = None if self.mask is None else self.mask[rows]

        def pick(array: np.ndarray) -> np.ndarray:
            part = np.asarray(array[rows])
            return part if keep is None else part[keep]

        return pick


def compute_from_snapshot(
    snap: Snapshot, filters: Filters | None = None, album_ids: np.ndarray | None = None
) -> CatalogStats:
    """Every aggregate for the items ``filters`` keep; ``album_ids``: items in an album matching ``filters.album``."""
    filters = filters or Filters()
    started = time.perf_counter()
    stats = CatalogStats(filters=filters.as_dict())
    mask = filter_mask(snap, filters, album_ids)
    chunks = _Chunks(len(snap), mask)
    stats.total = int(len(snap) if mask is None else np.count_nonzero(mask))
    media = np.zeros(len(snap.media_values), np.int64)
    favorites = 0
    by_bit = [0] * len(snap.source_values)
    for pick in chunks:
        media += _counts(pick(snap.media), len(snap.media_values))
        favorites += int(np.count_nonzero(pick(snap.favorite)))
        sources = pick(snap.sources)
        for bit in range(len(by_bit)):
            by_bit[bit] += int(np.count_nonzero(sources & np.uint8(1 << bit)))
    for code, kind in enumerate(snap.media_values):
        if kind == "photo":
            stats.photos = int(media[code])
        elif kind == "video":
            stats.videos = int(media[code])
    stats.favorites = favorites
    _when(snap, stats, chunks)
    _what(snap, stats, chunks)
    _places(snap, stats, chunks)
    by_source = list(zip(snap.source_values, by_bit))
    stats.by_source = {kind: n for kind, n in sorted(by_source, key=lambda kv: (-kv[1], kv[0])) if n}
    stats.seconds = round(time.perf_counter() - started, 4)
    return stats


def _when(snap: Snapshot, stats: CatalogStats, chunks: _Chunks) -> None:
    """Calendar, hours, weekdays, time basis, storage and cameras per year."""
    cells = np.zeros(7 * 24, np.int64)
    kept = dated_n = local_n = 0
    low = high = None
    for pick in chunks:
        dated = pick(snap.dated)
        days, hours = pick(snap.day)[dated], pick(snap.hour)[dated]
        kept += len(dated)
        dated_n += len(days)
        local_n += int(np.count_nonzero(pick(snap.local)))
        if len(days):
            low = int(days.min()) if low is None else min(low, int(days.min()))
            high = int(days.max()) if high is None else max(high, int(days.max()))
            weekday = (days.astype(np.int64) + 3) % 7
            cells += np.bincount(weekday * 24 + hours, minlength=7 * 24)
    stats.undated = kept - dated_n
    years: list[str] = []
    slot_of: Callable[[np.ndarray], np.ndarray] = lambda days: np.zeros(0, np.int64)  # noqa: E731 - nothing dated
    if low is not None and high is not None:
        first = low
        per_day = np.zeros(high - low + 1, np.int64)
        for pick in chunks:
            np.add.at(per_day, pick(snap.day)[pick(snap.dated)] - first, 1)
        nonzero = np.flatnonzero(per_day)
        _fold_days(stats, Counter({first + int(d): int(per_day[d]) for d in nonzero}))
        stats.hour_weekday = cells.reshape(7, 24).tolist()
        stats.by_hour = cells.reshape(7, 24).sum(axis=0).tolist()
        stats.by_weekday = cells.reshape(7, 24).sum(axis=1).tolist()
        # Each day's slot (0: undated, else 1 + index into years), through a table over the days that occur.
        if len(per_day) <= 40_000:
            span_years = [day_of(first + int(d)).year for d in range(len(per_day))]
            years = sorted({str(y) for y in (span_years[d] for d in nonzero)})
            slot_of_year = {int(y): i + 1 for i, y in enumerate(years)}
            table = np.array([slot_of_year.get(y, 0) for y in span_years], np.int64)
            slot_of = lambda days: table[days - first]  # noqa: E731
        else:  # absurd date spread: per distinct day
            distinct = first + nonzero
            of_distinct = [str(day_of(int(d)).year) for d in distinct]
            years = sorted(set(of_distinct))
            slot_of_distinct = np.array([years.index(y) + 1 for y in of_distinct], np.int64)
            slot_of = lambda days: slot_of_distinct[np.searchsorted(distinct, days)]  # noqa: E731
    _time_basis(stats, local_n, dated_n)
    labels = ["undated", *years]
    n_cams = len(snap.camera_values)
    items_per_slot = np.zeros(len(labels), np.int64)
    bytes_per_slot = np.zeros(len(labels), np.int64)
    per_year = np.zeros(len(labels) * n_cams, np.int64)
    storage_bytes = storage_known = 0
    for pick in chunks:
        dated = pick(snap.dated)
        year_slot = np.zeros(len(dated), np.int64)
        year_slot[dated] = slot_of(pick(snap.day)[dated])
        sized = pick(snap.sized)
        sized_slots, sized_sizes = year_slot[sized], pick(snap.size)[sized].astype(np.int64)
        storage_bytes += int(sized_sizes.sum())
        storage_known += len(sized_sizes)
        items_per_slot += _counts(sized_slots, len(labels))
        np.add.at(bytes_per_slot, sized_slots, sized_sizes)
        if n_cams:
            per_year += _counts(year_slot * n_cams + pick(snap.camera).astype(np.int64), len(labels) * n_cams)
    stats.storage_bytes = storage_bytes
    stats.storage_known = storage_known
    stats.storage_by_year = dict(
        sorted((labels[slot], int(bytes_per_slot[slot])) for slot in range(len(labels)) if items_per_slot[slot])
    )
    # Cameras: totals and per year.
    totals: Counter[tuple[Any, ...]] = Counter()
    camera_years: dict[str, Counter[tuple[Any, ...]]] = {}
    if n_cams:
        table_of = per_year.reshape(len(labels), n_cams)
        for code, key in enumerate(snap.camera_values):
            count = int(table_of[:, code].sum())
            if key == (None, None):
                stats.camera_unknown = count
            elif count:
                totals[key] = count
        for slot, label in enumerate(labels):
            row = {
                key: int(table_of[slot, c])
                for c, key in enumerate(snap.camera_values)
                if key != (None, None) and table_of[slot, c]
            }
            if row:
                camera_years[label] = Counter(row)
    _fold_cameras(stats, totals, camera_years)


def _what(snap: Snapshot, stats: CatalogStats, chunks: _Chunks) -> None:
    """File types, picture shape, lenses and camera-setting buckets."""
    mime = np.zeros(len(snap.mime_values), np.int64)
    shapes = np.zeros(len(ORIENTATIONS), np.int64)
    lens = np.zeros(len(snap.lens_values), np.int64)
    buckets = {name: np.zeros(0, np.int64) for name in snap.buckets}
    for pick in chunks:
        mime += _counts(pick(snap.mime), len(snap.mime_values))
        shapes = _add(shapes, _counts(pick(snap.orientation).astype(np.int64), len(ORIENTATIONS)))
        lens += _counts(pick(snap.lens), len(snap.lens_values))
        for name, array in snap.buckets.items():
            index = pick(array)
            index = index[index >= 0].astype(np.int64)
            if len(index):
                buckets[name] = _add(buckets[name], np.bincount(index))
    mimes: Counter[str] = Counter()
    for code, n in enumerate(mime):
        if n:
            mimes[snap.mime_values[code] or "unknown"] += int(n)
    stats.mime_types = dict(sorted(mimes.items(), key=lambda kv: (-kv[1], kv[0])))
    stats.orientation = {name: int(shapes[i]) for i, name in enumerate(ORIENTATIONS)}
    lenses: Counter[str] = Counter()
    for code, n in enumerate(lens):
        if not n:
            continue
        if snap.lens_values[code] is None:
            stats.lens_unknown = int(n)
        else:
            lenses[snap.lens_values[code]] = int(n)
    fold_lenses(stats, lenses)
    for name, counts in buckets.items():
        setattr(
            stats,
            _SERIES[name],
            _bucket_series(BUCKETINGS[name], Counter({i: int(n) for i, n in enumerate(counts) if n})),
        )


#: Grid cells counted in a table over every cell between the extremes (real coordinates: at most 259,200).
MAX_CELL_TABLE = 4 * 1024 * 1024


def _places(snap: Snapshot, stats: CatalogStats, chunks: _Chunks) -> None:
    """Every GPS grid cell, counted like the SQL GROUP BY, then named and clustered by city."""
    with_gps = 0
    bounds: list[int] = []  # lat cell min, max, lon cell min, max
    for pick in chunks:
        lat, lon = pick(snap.latitude), pick(snap.longitude)
        known = ~(np.isnan(lat) | np.isnan(lon))
        la, lo = _cells(lat[known]), _cells(lon[known])
        with_gps += len(la)
        if len(la):
            ends = [int(la.min()), int(la.max()), int(lo.min()), int(lo.max())]
            bounds = ends if not bounds else [f(x, y) for f, x, y in zip((min, max, min, max), bounds, ends)]
    stats.with_gps = with_gps
    if not with_gps:
        return
    la_min, la_max, lo_min, lo_max = bounds
    width = lo_max - lo_min + 1
    if (la_max - la_min + 1) * width > MAX_CELL_TABLE:  # coordinates far outside the globe: only the cells that occur
        stats.places = _sparse_places(snap, chunks)
        return
    size = (la_max - la_min + 1) * width
    counts = np.zeros(size, np.int64)
    # Coordinate sums per cell, added in catalog order as SQLite's avg() adds them (np.add.at adds in
    # index order, so the chunks continue each sum exactly where the previous chunk left it).
    lat_sums, lon_sums = np.zeros(size, np.float64), np.zeros(size, np.float64)
    for pick in chunks:
        lat, lon = pick(snap.latitude), pick(snap.longitude)
        known = ~(np.isnan(lat) | np.isnan(lon))
        lat, lon = lat[known], lon[known]
        key = (_cells(lat) - la_min) * width + (_cells(lon) - lo_min)
        counts += np.bincount(key, minlength=size)
        np.add.at(lat_sums, key, lat)
        np.add.at(lon_sums, key, lon)
    cells = np.flatnonzero(counts)
    rows = []
    for cell in cells:
        n = int(counts[cell])
        rows.append(
            (
                int(cell) // width + la_min,
                int(cell) % width + lo_min,
                n,
                float(lat_sums[cell]) / n,
                float(lon_sums[cell]) / n,
            )
        )
    stats.places = cluster_cells(rows)


def _cells(degrees: np.ndarray) -> np.ndarray:
    return np.floor(degrees / PLACE_CELL_DEG).astype(np.int64)


def _sparse_places(snap: Snapshot, chunks: _Chunks) -> list[dict[str, Any]]:
    """The places of coordinates too spread for a table: sums per occurring (lat cell, lon cell), in catalog order."""
    sums: dict[tuple[int, int], list[Any]] = {}
    for pick in chunks:
        lat, lon = pick(snap.latitude), pick(snap.longitude)
        known = ~(np.isnan(lat) | np.isnan(lon))
        lat, lon = lat[known], lon[known]
        for la, lo, y, x in zip(_cells(lat).tolist(), _cells(lon).tolist(), lat.tolist(), lon.tolist()):
            cell = sums.setdefault((la, lo), [0, 0.0, 0.0])  # sums from 0.0, as np.bincount's
            cell[0] += 1
            cell[1] += y
            cell[2] += x
    return cluster_cells([(la, lo, n, y / n, x / n) for (la, lo), (n, y, x) in sorted(sums.items())])


def split_by_year(snap: Snapshot) -> dict[int, Snapshot]:
    """The dated items of each local calendar year as a snapshot of their own (rows still in id order).

    Statistics for a filter within one year are the same on that year's part as on the whole snapshot
    (the date filter keeps nothing else), and a dozen years cost one pass over the catalog instead of a
    dozen (a report's year in review)."""
    dated = np.flatnonzero(snap.dated)
    if not len(dated):
        return {}
    days = snap.day[dated]
    first, last = int(days.min()), int(days.max())
    # Each day's year through a table over the span of days (a gather, not a date conversion per item),
    # as a small offset so the stable sort below is numpy's radix sort.
    span = np.arange(first, last + 1, dtype=np.int64) - EPOCH_SHIFT_DAYS
    span_years = span.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    base = int(span_years[0])
    offsets = (span_years - base).astype(np.uint16 if span_years[-1] - base < 65536 else np.int64)
    years = offsets[days - first]
    order = np.argsort(years, kind="stable")  # stable: each year's rows stay in id order, as SQLite adds them
    sorted_years = years[order]
    starts = np.flatnonzero(np.r_[True, sorted_years[1:] != sorted_years[:-1]])
    ends = np.r_[starts[1:], len(order)]
    return {base + int(sorted_years[a]): take(snap, dated[order[a:b]]) for a, b in zip(starts, ends)}


def take(snap: Snapshot, rows: np.ndarray) -> Snapshot:
    """The snapshot of the given rows only (the code dictionaries shared)."""
    parts = {}
    for f in dataclasses.fields(snap):
        value = getattr(snap, f.name)
        if isinstance(value, np.ndarray):
            value = value[rows]
        elif f.name == "buckets":
            value = {name: array[rows] for name, array in value.items()}
        parts[f.name] = value
    return Snapshot(**parts)
