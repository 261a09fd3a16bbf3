"""Every aggregate of compute_stats against counts computed independently in Python
from the exported items (``export_rows``) of a demo catalog, with and without filters."""

from __future__ import annotations

import asyncio
import math
import sqlite3
from collections import Counter, defaultdict
from datetime import date, datetime

import pytest

from gphotos_tui.analysis.places import CLUSTER_RADIUS_KM, gazetteer, name_points
from gphotos_tui.analysis.stats import compute_stats, drill_down
from gphotos_tui.analysis.stats_buckets import (
    APERTURE,
    EXPOSURE,
    FOCAL,
    FOCAL_35MM,
    ISO,
    MEGAPIXELS,
    orientation,
    place_cell,
)
from gphotos_tui.analysis.stats_filters import Filters, Selection
from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.export import export_rows
from gphotos_tui.catalog.queries import camera_label
from gphotos_tui.demo.job import fill_demo
from gphotos_tui.model import AlbumRecord, MediaRecord, Membership, SourceKind

DEMO_SIZE = 700


async def _build(path) -> None:
    catalog = await Catalog.open(path)
    try:
        await fill_demo(catalog, DEMO_SIZE, seed=11, page_size=250)
        first = await (
            await catalog.reader.execute(
                "SELECT filename, taken_at FROM items WHERE media_type = 'photo' ORDER BY id LIMIT 1"
            )
        ).fetchone()
        folder = await catalog.ensure_source(SourceKind.FOLDER, "/pictures", "Pictures")
        await catalog.write_batch(
            folder,
            [
                # Undated, square, no camera, in an album of its own.
                MediaRecord(
                    "/pictures/scan_001.jpg", "scan_001.jpg", "image/jpeg", width=1000, height=1000, size_bytes=1234
                ),
                # Before 1970, no UTC offset, rotated by EXIF, southern/western GPS, values on bucket edges.
                MediaRecord(
                    "/pictures/rotated.jpg",
                    "rotated.jpg",
                    "image/jpeg",
                    taken_at=-315_532_800 + 3600 * 5,
                    width=4000,
                    height=3000,
                    orientation=6,
                    camera_make="OLYMPUS",
                    camera_model="E-M1",
                    lens_model="M.Zuiko 12-40mm",
                    focal_length_mm=24.0,
                    focal_length_35mm=48.0,
                    aperture_f=0.95,
                    iso=25600,
                    exposure_s=1 / 8000,
                    latitude=-0.1,
                    longitude=-0.1,
                    favorite=True,
                ),
                # The same photo as a demo item: merges, so that item has two sources.
                MediaRecord("/pictures/" + first[0], first[0], "image/jpeg", taken_at=first[1], size_bytes=99),
            ],
            albums=[AlbumRecord("/pictures/scans", "Scans")],
            memberships=[Membership("/pictures/scans", "/pictures/scan_001.jpg")],
        )
    finally:
        await catalog.close()


async def _read(path):
    catalog = await Catalog.open(path, readonly=True)
    try:
        rows = [r async for r in export_rows(catalog.reader)]
    finally:
        await catalog.close()
    # Two columns the export leaves out: the 35 mm equivalent and the EXIF orientation.
    conn = sqlite3.connect(path)
    extra = {
        uid: (f35, orient)
        for uid, f35, orient in conn.execute(
            "SELECT (SELECT s.kind || ':' || s.external_id FROM item_sources s WHERE s.item_id = i.id "
            "ORDER BY s.first_seen, s.kind, s.external_id LIMIT 1), focal_length_35mm, orientation FROM items i"
        )
    }
    conn.close()
    for row in rows:
        row["focal_length_35mm"], row["orientation"] = extra[row["id"]]
    return rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("stats") / "catalog.sqlite"
    asyncio.run(_build(path))
    return path, asyncio.run(_read(path))


async def _stats(path, filters=None):
    catalog = await Catalog.open(path, readonly=True)
    try:
        return await compute_stats(catalog.reader, filters)
    finally:
        await catalog.close()


# -- the independent computation -----------------------------------------------------


def _local(row) -> datetime | None:
    if row["taken_at_local"]:
        return datetime.fromisoformat(row["taken_at_local"])
    if row["taken_at"]:
        return datetime.fromisoformat(row["taken_at"].replace("Z", ""))
    return None


def _keep(row, f: Filters) -> bool:
    when = _local(row)
    if f.date_from and (when is None or when.date() < f.date_from):
        return False
    if f.date_to and (when is None or when.date() > f.date_to):
        return False
    if f.camera and f.camera.lower() not in f"{row['camera_make'] or ''} {row['camera_model'] or ''}".lower():
        return False
    if f.album and not any(f.album.lower() in title.lower() for title in row["albums"]):
        return False
    if f.media_type and row["media_type"] != f.media_type:
        return False
    return not (f.source and f.source not in row["sources"])


def _series(bucketing, values) -> list[dict]:
    counts = Counter(bucketing.label(v) for v in values if v is not None and v > 0)
    if not counts:
        return []
    indexes = [bucketing.labels.index(label) for label in counts]
    return [
        {"bucket": bucketing.labels[i], "count": counts.get(bucketing.labels[i], 0)}
        for i in range(min(indexes), max(indexes) + 1)
    ]


def expected(rows: list[dict]) -> dict:
    dated = [(r, _local(r)) for r in rows if _local(r) is not None]
    e: dict = {
        "total": len(rows),
        "photos": sum(r["media_type"] == "photo" for r in rows),
        "videos": sum(r["media_type"] == "video" for r in rows),
        "favorites": sum(r["favorite"] for r in rows),
        "undated": len(rows) - len(dated),
        "by_year": dict(sorted(Counter(str(t.year) for _, t in dated).items())),
        "by_month": dict(sorted(Counter(t.strftime("%Y-%m") for _, t in dated).items())),
        "by_day": dict(sorted(Counter(t.date().isoformat() for _, t in dated).items())),
        "by_hour": [sum(t.hour == h for _, t in dated) for h in range(24)],
        "by_weekday": [sum(t.weekday() == d for _, t in dated) for d in range(7)],
        "hour_weekday": [
            [sum(t.weekday() == d and t.hour == h for _, t in dated) for h in range(24)] for d in range(7)
        ],
        "local_time_share": round(sum(r["taken_at_local"] is not None for r, _ in dated) / len(dated), 4)
        if dated
        else 0.0,
        "mime_types": dict(Counter(r["mime_type"] or "unknown" for r in rows)),
        "camera_unknown": sum(r["camera_make"] is None and r["camera_model"] is None for r in rows),
        "lens_unknown": sum(r["lens_model"] is None for r in rows),
        "focal_lengths": _series(FOCAL, [r["focal_length_mm"] for r in rows]),
        "focal_lengths_35mm": _series(FOCAL_35MM, [r["focal_length_35mm"] for r in rows]),
        "apertures": _series(APERTURE, [r["aperture_f"] for r in rows]),
        "isos": _series(ISO, [r["iso"] for r in rows]),
        "exposures": _series(EXPOSURE, [r["exposure_s"] for r in rows]),
        "megapixels": _series(
            MEGAPIXELS,
            [r["width"] * r["height"] / 1e6 for r in rows if r["media_type"] == "photo" and r["width"] and r["height"]],
        ),
        "storage_bytes": sum(r["size_bytes"] or 0 for r in rows),
        "storage_known": sum(r["size_bytes"] is not None for r in rows),
        "with_gps": sum(r["latitude"] is not None and r["longitude"] is not None for r in rows),
    }
    shapes = Counter(orientation(r["width"], r["height"], r["orientation"]) for r in rows)
    e["orientation"] = {k: shapes.get(k, 0) for k in ("landscape", "portrait", "square", "unknown")}
    storage = Counter()
    for r in rows:
        if r["size_bytes"] is not None:
            t = _local(r)
            storage[str(t.year) if t else "undated"] += r["size_bytes"]
    e["storage_by_year"] = dict(sorted(storage.items()))
    sources = Counter(kind for r in rows for kind in r["sources"])
    e["by_source"] = dict(sources)
    cameras = Counter(
        (r["camera_make"], r["camera_model"])
        for r in rows
        if r["camera_make"] is not None or r["camera_model"] is not None
    )
    # Complete lists: every camera and lens (the screen's top few and "other" are tested in test_stats_charts).
    ranked = sorted(cameras.items(), key=lambda kv: (-kv[1], kv[0][0] or "", kv[0][1] or ""))
    e["cameras"] = [{"make": m, "model": o, "label": camera_label(m, o), "count": n} for (m, o), n in ranked]
    shares: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        key = (r["camera_make"], r["camera_model"])
        if key == (None, None):
            continue
        t = _local(r)
        shares[str(t.year) if t else "undated"][camera_label(*key)] += 1
    e["camera_share_by_year"] = {y: dict(c) for y, c in sorted(shares.items())}
    lenses = Counter(r["lens_model"] for r in rows if r["lens_model"] is not None)
    e["lenses"] = [{"lens": k, "count": n} for k, n in sorted(lenses.items(), key=lambda kv: (-kv[1], kv[0]))]
    cells = Counter(
        place_cell(r["latitude"], r["longitude"])
        for r in rows
        if r["latitude"] is not None and r["longitude"] is not None
    )
    # Places: each cell named by the gazetteer at its items' mean position; cells of one city are one place.
    sums: dict[tuple, list] = defaultdict(lambda: [0.0, 0.0])
    for r in rows:
        if r["latitude"] is not None and r["longitude"] is not None:
            cell = place_cell(r["latitude"], r["longitude"])
            sums[cell][0] += r["latitude"]
            sums[cell][1] += r["longitude"]
    by_city: dict[str, dict] = {}
    for cell, n in sorted(cells.items()):
        ((city, _),) = name_points([round(sums[cell][0] / n, 4)], [round(sums[cell][1] / n, 4)])
        g = gazetteer()
        label = f"{g.names[city]}, {g.countries[city]}"
        place = by_city.setdefault(label, {"count": 0, "cells": [], "lat": 0.0, "lon": 0.0, "city": city})
        place["count"] += n
        place["cells"].append(list(cell))
        place["lat"] += sums[cell][0]
        place["lon"] += sums[cell][1]
    for label, place in by_city.items():
        lat, lon = math.radians(place["lat"] / place["count"]), math.radians(place["lon"] / place["count"])
        here = (math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat))
        km = math.acos(min(1.0, sum(a * b for a, b in zip(here, gazetteer().vectors[place["city"]])))) * 6371.0
        place["label"] = label if km <= 2 * CLUSTER_RADIUS_KM else f"near {label}"
    e["places"] = sorted(
        ({"label": v["label"], "count": v["count"], "cells": v["cells"]} for v in by_city.values()),
        key=lambda p: (-p["count"], p["label"]),
    )
    return e


def _compare(stats, rows) -> None:
    got = stats.as_json()
    for key, value in expected(rows).items():
        actual = got[key]
        if key == "places":
            actual = [{k: p[k] for k in ("label", "count", "cells")} for p in actual]
        if key in ("mime_types", "by_source", "orientation") or key == "camera_share_by_year":
            assert actual == value, key  # dict equality ignores order; ties in most_common may reorder
        else:
            assert actual == value, key


FILTERS = [
    Filters(),
    Filters(date_from=date(2019, 3, 1), date_to=date(2021, 6, 30)),
    Filters(date_to=date(2016, 12, 31)),
    Filters(camera="iphone"),
    Filters(camera="SONY", media_type="photo"),
    Filters(album="best of"),
    Filters(album="scans"),
    Filters(media_type="video"),
    Filters(source="folder"),
    Filters(source="demo", date_from=date(2024, 1, 1)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: f.describe())
async def test_every_aggregate_matches_independent_counts(demo, filters):
    path, rows = demo
    kept = [r for r in rows if _keep(r, filters)]
    assert kept or filters.source == "folder"
    stats = await _stats(path, filters)
    _compare(stats, kept)


async def test_the_demo_exercises_the_edges(demo):
    path, _rows = demo
    stats = await _stats(path)
    assert stats.total == DEMO_SIZE + 2  # the merged folder item is not a new one
    assert stats.undated == 1 and stats.by_year["1960"] == 1
    assert stats.by_source == {"demo": DEMO_SIZE, "folder": 3}
    assert 0 < stats.local_time_share < 1 and stats.time_basis.startswith("local where known (")
    assert stats.orientation["square"] == 1 and stats.orientation["portrait"] > 0
    assert stats.apertures[0]["bucket"] == "f/0.95" and stats.apertures[0]["count"] == 1
    assert stats.exposures[0]["bucket"] == "1/4000 s"  # faster than 1/4000 s falls into the end bucket
    assert stats.isos[-1] == {"bucket": "ISO 25600", "count": 1}
    assert sum(stats.by_hour) == sum(stats.by_weekday) == sum(stats.by_year.values()) == stats.total - 1
    assert sum(c["count"] for c in stats.cameras) + stats.camera_unknown == stats.total


@pytest.mark.parametrize(
    "selection, count_of",
    [
        (Selection("year", "2020"), lambda s: s.by_year["2020"]),
        (Selection("month", "2022-07"), lambda s: s.by_month.get("2022-07", 0)),
        (Selection("day", "1960-01-01"), lambda s: s.by_day["1960-01-01"]),
        (Selection("hour", 18), lambda s: s.by_hour[18]),
        (Selection("weekday", 6), lambda s: s.by_weekday[6]),
        (Selection("hour_weekday", (5, 12)), lambda s: s.hour_weekday[5][12]),
        (
            Selection("camera", ("Apple", "iPhone 13 Pro")),
            lambda s: next(c["count"] for c in s.cameras if c["model"] == "iPhone 13 Pro"),
        ),
        (Selection("aperture", "f/1.8"), lambda s: next(b["count"] for b in s.apertures if b["bucket"] == "f/1.8")),
        (Selection("exposure", "1/4000 s"), lambda s: s.exposures[0]["count"]),
        (Selection("iso", "ISO 100"), lambda s: next(b["count"] for b in s.isos if b["bucket"] == "ISO 100")),
        (
            Selection("focal_35mm", "24-35 mm"),
            lambda s: next(b["count"] for b in s.focal_lengths_35mm if b["bucket"] == "24-35 mm"),
        ),
        (
            Selection("megapixels", "12-16 MP"),
            lambda s: next(b["count"] for b in s.megapixels if b["bucket"] == "12-16 MP"),
        ),
        (Selection("orientation", "portrait"), lambda s: s.orientation["portrait"]),
        (Selection("mime_type", "image/heif"), lambda s: s.mime_types["image/heif"]),
        (Selection("source", "folder"), lambda s: s.by_source["folder"]),
        (
            Selection("place", ((104, 26), (105, 26))),
            lambda s: next(p["count"] for p in s.places if p["label"] == "Berlin, Germany"),
        ),  # the demo's home: its photos straddle two grid cells, one place
        (Selection("undated"), lambda s: s.undated),
    ],
)
async def test_drill_down_lists_the_items_behind_a_bar(demo, selection, count_of):
    path, _ = demo
    for filters in (Filters(), Filters(date_from=date(2021, 1, 1), media_type="photo")):
        catalog = await Catalog.open(path, readonly=True)
        try:
            stats = await compute_stats(catalog.reader, filters)
            total, items = await drill_down(catalog.reader, filters, selection, limit=50)
        finally:
            await catalog.close()
        try:
            want = count_of(stats)
        except (KeyError, StopIteration):
            want = 0
        assert total == want, (selection, filters)
        assert len(items) == min(50, total)


def test_filters_reject_bad_input():
    with pytest.raises(ValueError, match="photo or video"):
        Filters(media_type="photos")
    with pytest.raises(ValueError, match="unknown source kind"):
        Filters(source="flickr")
    with pytest.raises(ValueError, match="empty"):
        Filters(date_from=date(2020, 2, 1), date_to=date(2020, 1, 1))
    with pytest.raises(ValueError, match="cannot drill"):
        Selection("colour", "red")
    with pytest.raises(ValueError, match="not a month"):
        Selection("month", "2020-13").sql()
