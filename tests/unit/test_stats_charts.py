"""Chart contents built from CatalogStats: every bar's value and drill-down key line up with the aggregates."""

from __future__ import annotations

from datetime import date

from gphotos_tui.analysis.stats import CatalogStats
from gphotos_tui.analysis.stats_buckets import APERTURE, EXPOSURE, ISO
from gphotos_tui.analysis.stats_charts import CHARTS, ViewState, build
from gphotos_tui.analysis.stats_filters import Selection


def _stats() -> CatalogStats:
    s = CatalogStats(filters={}, total=10, photos=8, videos=2, favorites=1, local_time_share=0.5)
    s.by_year = {"2019": 3, "2020": 7}
    s.by_month = {"2019-12": 3, "2020-02": 7}
    s.by_day = {"2019-12-30": 1, "2019-12-31": 2, "2020-02-29": 7}
    s.by_hour[9] = 10
    s.by_weekday[0] = 1
    s.hour_weekday[0][9] = 1
    s.cameras = [
        {"make": "SONY", "model": "ILCE-7M3", "label": "Sony ILCE-7M3", "count": 6},
        {"make": None, "model": None, "label": "other", "count": 4},
    ]
    s.camera_share_by_year = {"2019": {"Sony ILCE-7M3": 1, "other": 2}, "2020": {"Sony ILCE-7M3": 5, "other": 2}}
    s.exposures = [{"bucket": EXPOSURE.labels[4], "count": 5}]
    s.apertures = [{"bucket": APERTURE.labels[10], "count": 5}]
    s.isos = [{"bucket": ISO.labels[2], "count": 5}]
    s.storage_by_year = {"2019": 3_000_000_000, "undated": 1}
    return s


def test_every_chart_builds_with_one_key_per_bar():
    stats = _stats()
    for chart in CHARTS:
        built = build(chart.id, stats, ViewState(year=2020))
        if built.kind in ("columns", "ranked"):
            assert len(built.keys) == len(built.chart.values) == len(built.chart.labels), chart.id
        elif built.kind == "grid":
            assert len(built.keys) == len(built.chart.cells) == len(built.chart.row_labels), chart.id
        else:
            assert built.kind == "text" and "10" in built.chart


def test_calendar_puts_each_day_under_its_weekday_and_week():
    built = build("calendar", _stats(), ViewState(year=2020))
    cells, keys = built.chart.cells, built.keys
    assert sum(v for row in cells for v in row if v) == 7
    leap = [(r, c) for r, row in enumerate(keys) for c, k in enumerate(row) if k == Selection("day", "2020-02-29")]
    assert leap == [(date(2020, 2, 29).weekday(), 8)] and cells[5][8] == 7
    assert sum(k is not None for row in keys for k in row) == 366
    assert built.chart.column_labels[0] == "Jan"


def test_month_timeline_and_camera_share_and_storage():
    stats = _stats()
    months = build("timeline", stats, ViewState(period="month", year=2019))
    assert months.chart.values[-1] == 3 and months.keys[-1] == Selection("month", "2019-12")
    share = build("camera_years", stats, ViewState())
    assert share.chart.cells == [[33, 71], [67, 29]]  # per cent of each year's items with a camera
    assert share.keys[0][1] == Selection("camera_year", ("SONY", "ILCE-7M3", "2020")) and share.keys[1][0] is None
    storage = build("storage", stats, ViewState())
    assert storage.chart.value_text(storage.chart.values[0]) == "3 GB" and storage.keys[1] == Selection("undated")


def test_ranked_charts_keep_a_top_few_and_other_while_the_stats_keep_everything():
    from gphotos_tui.analysis.stats import TOP_CAMERAS, TOP_LENSES, TOP_PLACES

    s = _stats()
    s.cameras = [{"make": "M", "model": f"C{i}", "label": f"M C{i}", "count": 20 - i} for i in range(12)]
    s.camera_share_by_year = {"2020": {c["label"]: c["count"] for c in s.cameras}}
    s.lenses = [{"lens": f"L{i}", "count": 30 - i} for i in range(14)]
    s.places = [{"label": f"P{i}", "count": 40 - i, "cells": [[i, i]]} for i in range(13)]
    s.with_gps = sum(p["count"] for p in s.places)
    cameras = build("cameras", s, ViewState())
    assert len(cameras.chart.labels) == TOP_CAMERAS + 1 and cameras.chart.labels[-1] == "other"
    assert sum(cameras.chart.values) == sum(c["count"] for c in s.cameras) and cameras.keys[-1] is None
    share = build("camera_years", s, ViewState())
    assert share.chart.row_labels[-1] == "other" and sum(row[0] for row in share.chart.cells) in (99, 100, 101)
    lenses = build("lenses", s, ViewState())
    assert len(lenses.chart.values) == TOP_LENSES + 1 and sum(lenses.chart.values) == sum(x["count"] for x in s.lenses)
    places = build("places", s, ViewState())
    assert len(places.chart.values) == TOP_PLACES + 1 and places.keys[0] == Selection("place", ((0, 0),))
    assert "13 places" in places.chart.title
