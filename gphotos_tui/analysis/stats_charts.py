"""Which charts the Stats screen has, and how each is built from CatalogStats.

A chart builder returns a plain description (Bars, Grid or text) that
ui/charts.py draws, plus, for every bar or cell, the drill-down Selection
behind it (None where there is none, such as "other"). Nothing here draws or
queries, so the chart contents are testable without a terminal.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from gphotos_tui import units
from gphotos_tui.analysis.stats import ORIENTATIONS, TOP_CAMERAS, TOP_LENSES, TOP_PLACES, WEEKDAYS, CatalogStats
from gphotos_tui.analysis.stats_filters import Selection

MONTHS = tuple(calendar.month_abbr)[1:]


def count_text(value: float) -> str:
    return f"{value:,.0f}"


@dataclass(frozen=True)
class Bars:
    """One value per label, drawn as columns (ordered axis) or as a ranked list."""

    title: str
    labels: Sequence[str]
    values: Sequence[float]
    xlabel: str = ""
    ylabel: str = "items"
    short_labels: Sequence[str] | None = None  # for column ticks; defaults to ``labels``
    value_text: Callable[[float], str] = count_text
    ranked: bool = False  # a list of long names with a bar each, instead of columns
    unit: str = "items"  # said after a value in the status line ("" when value_text has one)


@dataclass(frozen=True)
class Grid:
    """A heatmap: ``cells[row][column]`` with sparse column labels ('' for none)."""

    title: str
    row_labels: Sequence[str]
    column_labels: Sequence[str]
    cells: Sequence[Sequence[int | None]]  # None: not part of the grid (e.g. days before Jan 1)
    xlabel: str = ""
    cell_width: int = 2
    legend_unit: str = "items"
    captions: Sequence[Sequence[str]] | None = None  # per cell, for the status line


@dataclass(frozen=True)
class ChartDef:
    id: str
    name: str  # in the chart list
    group: str  # When | With what | What | Where


CHARTS: tuple[ChartDef, ...] = (
    ChartDef("overview", "Overview", "Summary"),
    ChartDef("timeline", "Timeline", "When"),
    ChartDef("calendar", "Calendar", "When"),
    ChartDef("hours", "Hour of day", "When"),
    ChartDef("weekdays", "Day of week", "When"),
    ChartDef("hour_weekday", "Hour x weekday", "When"),
    ChartDef("cameras", "Cameras", "With what"),
    ChartDef("camera_years", "Camera/year", "With what"),
    ChartDef("lenses", "Lenses", "With what"),
    ChartDef("focal", "Focal length", "With what"),
    ChartDef("focal_35mm", "Focal 35mm-eq", "With what"),
    ChartDef("apertures", "Aperture", "With what"),
    ChartDef("isos", "ISO", "With what"),
    ChartDef("exposures", "Shutter speed", "With what"),
    ChartDef("media", "Photos/videos", "What"),
    ChartDef("mime_types", "File types", "What"),
    ChartDef("megapixels", "Megapixels", "What"),
    ChartDef("orientation", "Orientation", "What"),
    ChartDef("storage", "Storage/year", "What"),
    ChartDef("sources", "Sources", "What"),
    ChartDef("places", "Places", "Where"),
)


@dataclass
class ViewState:
    """What the user chose beyond filters: the timeline period and the year in view."""

    period: str = "year"  # year | month
    year: int | None = None  # for the month timeline and the calendar


@dataclass(frozen=True)
class Built:
    kind: str  # columns | ranked | grid | text
    chart: Bars | Grid | str
    keys: list[Any]  # Selection (or None) per bar; for grids, per [row][column]


def years_of(stats: CatalogStats) -> list[int]:
    return [int(y) for y in stats.by_year]


def build(chart_id: str, stats: CatalogStats, view: ViewState) -> Built:
    return _BUILDERS[chart_id](stats, view)


def _columns(
    title: str, labels: Sequence[str], values: Sequence[float], keys: list[Any], xlabel: str, **kw: Any
) -> Built:
    return Built("columns", Bars(title, labels, values, xlabel=xlabel, **kw), keys)


def _ranked(
    title: str, labels: Sequence[str], values: Sequence[float], keys: list[Any], ylabel: str = "items"
) -> Built:
    return Built("ranked", Bars(title, labels, values, ylabel=ylabel, ranked=True), keys)


def _buckets(
    title: str,
    series: list[dict[str, Any]],
    dimension: str,
    xlabel: str,
    short: Callable[[str], str] | None = None,
) -> Built:
    labels = [b["bucket"] for b in series]
    return _columns(
        title,
        labels,
        [b["count"] for b in series],
        [Selection(dimension, label) for label in labels],
        xlabel,
        short_labels=[short(label) for label in labels] if short else None,
    )


def _overview(s: CatalogStats, view: ViewState) -> Built:
    years = list(s.by_year)
    span = f"{years[0]}-{years[-1]}" if years else "no dated items"
    lines = [
        f"Items        {s.total:,}   ({s.photos:,} photos, {s.videos:,} videos)",
        f"Favourites   {s.favorites:,}",
        f"Years        {span}" + (f"   ({s.undated:,} undated)" if s.undated else ""),
        f"Times        {s.time_basis}",
        f"Cameras      {len(s.cameras):,}"
        + (f", {s.camera_unknown:,} items without camera" if s.camera_unknown else ""),
        f"Storage      {units.size_bytes(s.storage_bytes)} in {s.storage_known:,} items of known size",
        f"With GPS     {s.with_gps:,} items in {len(s.places):,} places"
        + (f" (most: {s.places[0]['label']})" if s.places else ""),
        "Sources      " + (", ".join(f"{k} {n:,}" for k, n in s.by_source.items()) or "none"),
    ]
    return Built("text", "\n".join(lines), [])


def _timeline(s: CatalogStats, view: ViewState) -> Built:
    if view.period == "year" or not s.by_year:
        labels = list(s.by_year)
        return _columns(
            "Items per year", labels, list(s.by_year.values()), [Selection("year", y) for y in labels], "year"
        )
    year = view.year or int(list(s.by_year)[-1])
    keys = [f"{year}-{m:02d}" for m in range(1, 13)]
    return _columns(
        f"Items per month, {year}  ([ ] year)",
        [f"{MONTHS[m]} {year}" for m in range(12)],
        [s.by_month.get(k, 0) for k in keys],
        [Selection("month", k) for k in keys],
        "month",
        short_labels=list(MONTHS),
    )


def _calendar(s: CatalogStats, view: ViewState) -> Built:
    year = view.year or (int(list(s.by_year)[-1]) if s.by_year else date.today().year)
    first = date(year, 1, 1)
    start = first - timedelta(days=first.weekday())  # the Monday of week 0
    weeks = ((date(year, 12, 31) - start).days // 7) + 1
    cells: list[list[int | None]] = [[None] * weeks for _ in range(7)]
    keys: list[list[Any]] = [[None] * weeks for _ in range(7)]
    captions: list[list[str]] = [[""] * weeks for _ in range(7)]
    column_labels = [""] * weeks
    for offset in range((date(year, 12, 31) - first).days + 1):
        day = first + timedelta(days=offset)
        week = (day - start).days // 7
        cells[day.weekday()][week] = s.by_day.get(day.isoformat(), 0)
        keys[day.weekday()][week] = Selection("day", day.isoformat())
        captions[day.weekday()][week] = (
            f"{day.isoformat()} ({WEEKDAYS[day.weekday()]}): {cells[day.weekday()][week]:,} items"
        )
        if day.day == 1:
            column_labels[week] = MONTHS[day.month - 1]
    total = s.by_year.get(str(year), 0)
    grid = Grid(
        f"Calendar {year}: {total:,} items  ([ ] year)",
        WEEKDAYS,
        column_labels,
        cells,
        xlabel="weeks",
        cell_width=1,
        legend_unit="items a day",
        captions=captions,
    )
    return Built("grid", grid, keys)


def _hours(s: CatalogStats, view: ViewState) -> Built:
    return _columns(
        f"Hour of day ({_basis(s)})",
        [f"{h:02d}:00-{h:02d}:59" for h in range(24)],
        s.by_hour,
        [Selection("hour", h) for h in range(24)],
        "hour",
        short_labels=[str(h) for h in range(24)],
    )


def _weekdays(s: CatalogStats, view: ViewState) -> Built:
    return _columns(
        f"Day of week ({_basis(s)})",
        list(calendar.day_name),
        s.by_weekday,
        [Selection("weekday", d) for d in range(7)],
        "weekday",
        short_labels=list(WEEKDAYS),
    )


def _hour_weekday(s: CatalogStats, view: ViewState) -> Built:
    captions = [
        [f"{WEEKDAYS[d]} {h:02d}:00-{h:02d}:59: {s.hour_weekday[d][h]:,} items" for h in range(24)] for d in range(7)
    ]
    grid = Grid(
        f"Hour x weekday ({_basis(s)})",
        WEEKDAYS,
        [str(h) if h % 3 == 0 else "" for h in range(24)],
        s.hour_weekday,
        xlabel="hour of day",
        captions=captions,
    )
    keys = [[Selection("hour_weekday", (d, h)) for h in range(24)] for d in range(7)]
    return Built("grid", grid, keys)


def top_with_other(rows: list[dict[str, Any]], n: int, other: dict[str, Any]) -> list[dict[str, Any]]:
    """The first ``n`` rows (ranked, most items first), then one "other" row summing the rest."""
    if len(rows) <= n:
        return list(rows)
    return [*rows[:n], {**other, "count": sum(r["count"] for r in rows[n:])}]


def top_cameras(s: CatalogStats) -> list[dict[str, Any]]:
    return top_with_other(s.cameras, TOP_CAMERAS, {"make": None, "model": None, "label": "other"})


def top_lenses(s: CatalogStats) -> list[dict[str, Any]]:
    return top_with_other(s.lenses, TOP_LENSES, {"lens": "other"})


def top_places(s: CatalogStats) -> list[dict[str, Any]]:
    return top_with_other(s.places, TOP_PLACES, {"label": "other", "cells": None})


def _cameras(s: CatalogStats, view: ViewState) -> Built:
    cameras = top_cameras(s)
    keys = [None if c["label"] == "other" else Selection("camera", (c["make"], c["model"])) for c in cameras]
    return _ranked(
        "Cameras and phones" + (f"  ({s.camera_unknown:,} items without)" if s.camera_unknown else ""),
        [c["label"] for c in cameras],
        [c["count"] for c in cameras],
        keys,
    )


def _camera_years(s: CatalogStats, view: ViewState) -> Built:
    """Rows of cameras (the top few and "other"), columns of years, shaded by the camera's share of that year."""
    years = [y for y in s.camera_share_by_year if y != "undated"]
    cameras = top_cameras(s)
    identity = {c["label"]: (c["make"], c["model"]) for c in cameras if c["label"] != "other"}
    names = [c["label"] for c in cameras]
    cells, keys, captions = [], [], []
    for name in names:
        row, row_keys, row_captions = [], [], []
        for year in years:
            shares = s.camera_share_by_year[year]
            total = sum(shares.values()) or 1
            n = sum(v for k, v in shares.items() if k not in identity) if name == "other" else shares.get(name, 0)
            row.append(round(100 * n / total))
            row_keys.append(Selection("camera_year", (*identity[name], year)) if name in identity else None)
            row_captions.append(f"{year} · {name}: {n:,} items ({n / total:.0%} of the year's items with a camera)")
        cells.append(row)
        keys.append(row_keys)
        captions.append(row_captions)
    short = [n if len(n) <= 16 else n[:15] + "~" for n in names]
    grid = Grid(
        "Camera share by year",
        short,
        [f"'{y[-2:]}" for y in years],
        cells,
        xlabel="year",
        cell_width=4,
        legend_unit="% of year",
        captions=captions,
    )
    return Built("grid", grid, keys)


def _lenses(s: CatalogStats, view: ViewState) -> Built:
    lenses = top_lenses(s)
    keys = [None if row["lens"] == "other" else Selection("lens", row["lens"]) for row in lenses]
    return _ranked(
        "Lenses" + (f"  ({s.lens_unknown:,} items without)" if s.lens_unknown else ""),
        [row["lens"] for row in lenses],
        [row["count"] for row in lenses],
        keys,
    )


def _places(s: CatalogStats, view: ViewState) -> Built:
    places = top_places(s)
    return _ranked(
        f"Places ({s.with_gps:,} items with GPS in {len(s.places):,} places, named offline)",
        [p["label"] for p in places],
        [p["count"] for p in places],
        [Selection("place", tuple(tuple(c) for c in p["cells"])) if p["cells"] else None for p in places],
    )


def _exposure_short(label: str) -> str:
    return label.replace(" s", "")


def _basis(s: CatalogStats) -> str:
    if s.local_time_share >= 0.9995:
        return "local time"
    if s.local_time_share == 0:
        return "UTC"
    share = f"{s.local_time_share:.1%}".replace(".0%", "%")
    return f"local time for {share}, else UTC"


_BUILDERS = {
    "overview": _overview,
    "timeline": _timeline,
    "calendar": _calendar,
    "hours": _hours,
    "weekdays": _weekdays,
    "hour_weekday": _hour_weekday,
    "cameras": _cameras,
    "camera_years": _camera_years,
    "lenses": _lenses,
    "focal": lambda s, v: _buckets(
        "Focal length (real mm)", s.focal_lengths, "focal", "mm", short=lambda b: b.replace(" mm", "")
    ),
    "focal_35mm": lambda s, v: _buckets(
        "Focal length (35 mm equivalent)",
        s.focal_lengths_35mm,
        "focal_35mm",
        "mm (35 mm eq.)",
        short=lambda b: b.replace(" mm", ""),
    ),
    "apertures": lambda s, v: _buckets(
        "Aperture (1/3 stops)", s.apertures, "aperture", "f-number", short=lambda b: b.replace("f/", "")
    ),
    "isos": lambda s, v: _buckets("ISO (full stops)", s.isos, "iso", "ISO", short=lambda b: b.replace("ISO ", "")),
    "exposures": lambda s, v: _buckets(
        "Shutter speed (full stops)", s.exposures, "exposure", "seconds", short=_exposure_short
    ),
    "media": lambda s, v: _ranked(
        "Photos, videos and favourites",
        ["photos", "videos", "favourites"],
        [s.photos, s.videos, s.favorites],
        [Selection("media_type", "photo"), Selection("media_type", "video"), Selection("favorite", True)],
    ),
    "mime_types": lambda s, v: _ranked(
        "File types",
        list(s.mime_types),
        list(s.mime_types.values()),
        [None if m == "unknown" else Selection("mime_type", m) for m in s.mime_types],
    ),
    "megapixels": lambda s, v: _buckets(
        "Photo size (megapixels)", s.megapixels, "megapixels", "MP", short=lambda b: b.replace(" MP", "")
    ),
    "orientation": lambda s, v: _ranked(
        "Orientation (as displayed)",
        list(ORIENTATIONS),
        [s.orientation.get(o, 0) for o in ORIENTATIONS],
        [Selection("orientation", o) for o in ORIENTATIONS],
    ),
    "storage": lambda s, v: _columns(
        f"Storage per year ({units.size_bytes(s.storage_bytes)}, {s.storage_known:,} sizes known)",
        list(s.storage_by_year),
        [b / 1e9 for b in s.storage_by_year.values()],
        [Selection("year", y) if y != "undated" else Selection("undated") for y in s.storage_by_year],
        "year",
        ylabel="GB",
        value_text=lambda gb: units.size_bytes(int(gb * 1e9)),
        unit="",
    ),
    "sources": lambda s, v: _ranked(
        "Items per source (an item may have several)",
        list(s.by_source),
        list(s.by_source.values()),
        [Selection("source", k) for k in s.by_source],
    ),
    "places": _places,
}
