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
