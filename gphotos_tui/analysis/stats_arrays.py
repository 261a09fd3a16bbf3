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
from collections.abc import Callable
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
        keep &= np.isin(snap.ids, ids)
    if filters.media_type is not None:
        keep &= snap.media == _code(snap.media_values, filters.media_type)
    if filters.source is not None:
        bit = _code(snap.source_values, filters.source)
        keep &= (snap.sources & np.uint8(1 << bit)) != 0 if bit >= 0 else False
    return keep


def _utc(day: date) -> int:
    return calendar.timegm(day.timetuple())


#: Selects the rows of one snapshot column that the filters keep.
Pick = Callable[[np.ndarray], np.ndarray]


def _code(values: list[Any], value: Any) -> int:
    try:
        return values.index(value)
    except ValueError:
        return -1  # matches no item


def _counts(codes: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(codes, minlength=size) if len(codes) else np.zeros(size, np.int64)


def compute_from_snapshot(
    snap: Snapshot, filters: Filters | None = None, album_ids: np.ndarray | None = None
) -> CatalogStats:
    """Every aggregate for the items ``filters`` keep; ``album_ids``: items in an album matching ``filters.album``."""
    filters = filters or Filters()
    started = time.perf_counter()
    stats = CatalogStats(filters=filters.as_dict())
    mask = filter_mask(snap, filters, album_ids)

    def pick(array: np.ndarray) -> np.ndarray:
        return array if mask is None else array[mask]

    stats.total = int(len(snap) if mask is None else mask.sum())
    media = _counts(pick(snap.media), len(snap.media_values))
    for code, kind in enumerate(snap.media_values):
        if kind == "photo":
            stats.photos = int(media[code])
        elif kind == "video":
            stats.videos = int(media[code])
    stats.favorites = int(pick(snap.favorite).sum())
    _when(snap, stats, pick)
    _what(snap, stats, pick)
    _places(snap, stats, pick)
    sources = pick(snap.sources)
    by_source = [
        (kind, int(np.count_nonzero(sources & np.uint8(1 << bit)))) for bit, kind in enumerate(snap.source_values)
    ]
    stats.by_source = {kind: n for kind, n in sorted(by_source, key=lambda kv: (-kv[1], kv[0])) if n}
    stats.seconds = round(time.perf_counter() - started, 4)
    return stats


def _when(snap: Snapshot, stats: CatalogStats, pick: Pick) -> None:
    """Calendar, hours, weekdays, time basis, storage and cameras per year."""
    dated = pick(snap.dated)
    day_all = pick(snap.day)
    days, hours = day_all[dated], pick(snap.hour)[dated]
    stats.undated = int(len(dated) - len(days))
    year_slot = np.zeros(len(dated), np.int64)  # 0: undated, else 1 + index into years
    years: list[str] = []
    if len(days):
        first = int(days.min())
        per_day = np.bincount(days - first)
        nonzero = np.flatnonzero(per_day)
        _fold_days(stats, Counter({first + int(d): int(per_day[d]) for d in nonzero}))
        weekday = (days.astype(np.int64) + 3) % 7
        cells = np.bincount(weekday * 24 + hours, minlength=7 * 24).reshape(7, 24)
        stats.hour_weekday = cells.tolist()
        stats.by_hour = cells.sum(axis=0).tolist()
        stats.by_weekday = cells.sum(axis=1).tolist()
        # Each day's year, through a table over the days that occur.
        span_years = [day_of(first + int(d)).year for d in range(len(per_day))] if len(per_day) <= 40_000 else None
        if span_years is not None:
            years = sorted({str(y) for y in (span_years[d] for d in nonzero)})
            slot_of_year = {int(y): i + 1 for i, y in enumerate(years)}
            table = np.array([slot_of_year.get(y, 0) for y in span_years], np.int64)
            year_slot[dated] = table[days - first]
        else:  # absurd date spread: per distinct day
            uniq, inverse = np.unique(days, return_inverse=True)
            of_uniq = [str(day_of(int(d)).year) for d in uniq]
            years = sorted(set(of_uniq))
            slot_of_uniq = np.array([years.index(y) + 1 for y in of_uniq], np.int64)
            year_slot[dated] = slot_of_uniq[inverse]
    _time_basis(stats, int(np.count_nonzero(pick(snap.local))), len(days))
    labels = ["undated", *years]
    sized = pick(snap.sized)
    size = pick(snap.size)
    stats.storage_bytes = int(size[sized].sum())
    stats.storage_known = int(np.count_nonzero(sized))
    sized_slots, sized_sizes = year_slot[sized], size[sized]
    items_per_slot = _counts(sized_slots, len(labels))
    if stats.storage_bytes < 2**53:  # float sums are exact: one pass
        bytes_per_slot: Any = (
            np.bincount(sized_slots, weights=sized_sizes, minlength=len(labels)) if len(sized_slots) else items_per_slot
        )
    else:
        bytes_per_slot = [sized_sizes[sized_slots == slot].sum() for slot in range(len(labels))]
    stats.storage_by_year = dict(
        sorted((labels[slot], int(bytes_per_slot[slot])) for slot in range(len(labels)) if items_per_slot[slot])
    )
    # Cameras: totals and per year.
    n_cams = len(snap.camera_values)
    camera = pick(snap.camera).astype(np.int64)
    per_year = (
        _counts(year_slot * n_cams + camera, len(labels) * n_cams).reshape(len(labels), n_cams) if n_cams else None
    )
    totals: Counter[tuple[Any, ...]] = Counter()
    camera_years: dict[str, Counter[tuple[Any, ...]]] = {}
    if per_year is not None:
        for code, key in enumerate(snap.camera_values):
            count = int(per_year[:, code].sum())
            if key == (None, None):
                stats.camera_unknown = count
            elif count:
                totals[key] = count
        for slot, label in enumerate(labels):
            row = {
                key: int(per_year[slot, c])
                for c, key in enumerate(snap.camera_values)
                if key != (None, None) and per_year[slot, c]
            }
            if row:
                camera_years[label] = Counter(row)
    _fold_cameras(stats, totals, camera_years)


def _what(snap: Snapshot, stats: CatalogStats, pick: Pick) -> None:
    """File types, picture shape, lenses and camera-setting buckets."""
    mimes: Counter[str] = Counter()
    for code, n in enumerate(_counts(pick(snap.mime), len(snap.mime_values))):
        if n:
            mimes[snap.mime_values[code] or "unknown"] += int(n)
    stats.mime_types = dict(sorted(mimes.items(), key=lambda kv: (-kv[1], kv[0])))
    shapes = _counts(pick(snap.orientation).astype(np.int64), len(ORIENTATIONS))
    stats.orientation = {name: int(shapes[i]) for i, name in enumerate(ORIENTATIONS)}
    lenses: Counter[str] = Counter()
    for code, n in enumerate(_counts(pick(snap.lens), len(snap.lens_values))):
        if not n:
            continue
        if snap.lens_values[code] is None:
            stats.lens_unknown = int(n)
        else:
            lenses[snap.lens_values[code]] = int(n)
    fold_lenses(stats, lenses)
    for name, array in snap.buckets.items():
        index = pick(array)
        index = index[index >= 0].astype(np.int64)
        counts = np.bincount(index) if len(index) else np.zeros(0, np.int64)
        setattr(
            stats,
            _SERIES[name],
            _bucket_series(BUCKETINGS[name], Counter({i: int(n) for i, n in enumerate(counts) if n})),
        )


def _places(snap: Snapshot, stats: CatalogStats, pick: Pick) -> None:
    """Every GPS grid cell, counted like the SQL GROUP BY, then named and clustered by city."""
    lat, lon = pick(snap.latitude), pick(snap.longitude)
    known = ~(np.isnan(lat) | np.isnan(lon))
    lat, lon = lat[known], lon[known]
    stats.with_gps = len(lat)
    if not len(lat):
        return
    la = np.floor(lat / PLACE_CELL_DEG).astype(np.int64)
    lo = np.floor(lon / PLACE_CELL_DEG).astype(np.int64)
    la_min, lo_min = int(la.min()), int(lo.min())
    width = int(lo.max()) - lo_min + 1
    key = (la - la_min) * width + (lo - lo_min)
    if int(la.max() - la_min + 1) * width <= 4 * 1024 * 1024:  # real coordinates: count every cell directly
        counts = np.bincount(key)
        cells = np.flatnonzero(counts)
        counts = counts[cells]
        inverse = None
    else:  # coordinates far outside the globe: only the cells that occur
        cells, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    # Coordinate sums per cell, added in catalog order as SQLite's avg() adds them.
    slot = key if inverse is None else inverse
    size = int(key.max()) + 1 if inverse is None else len(cells)
    lat_sums, lon_sums = np.bincount(slot, weights=lat, minlength=size), np.bincount(slot, weights=lon, minlength=size)
    rows = []
    for i in range(len(cells)):
        where = int(cells[i]) if inverse is None else i
        n = int(counts[i])
        rows.append(
            (
                int(cells[i]) // width + la_min,
                int(cells[i]) % width + lo_min,
                n,
                float(lat_sums[where]) / n,
                float(lon_sums[where]) / n,
            )
        )
    stats.places = cluster_cells(rows)


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
