"""Filters shared by every statistic, and the drill-down selection of one bar or cell.

Both turn into a SQL condition over ``items i``. Dates are compared in local
capture time where the UTC offset is known, otherwise in UTC: the same basis
the charts use, so filtering to a day keeps exactly that day's bar.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from gphotos_tui.analysis.stats_buckets import BUCKETINGS, PLACE_CELL_DEG, ROTATED_ORIENTATIONS
from gphotos_tui.model import SourceKind

MEDIA_TYPES = ("photo", "video")

# Local capture time in seconds (UTC where the offset is unknown), shifted by a
# multiple of whole weeks so that integer division and modulo stay positive for
# any date after year 100 and day 0 is a Thursday like 1970-01-01.
EPOCH_SHIFT_DAYS = 7 * 100_000
LOCAL_SECONDS = f"(i.taken_at + coalesce(i.utc_offset_min, 0) * 60 + {EPOCH_SHIFT_DAYS * 86400})"
LOCAL_DAY = f"({LOCAL_SECONDS} / 86400)"  # shifted day number
LOCAL_HOUR = f"(({LOCAL_SECONDS} % 86400) / 3600)"
ORDINAL_OF_SHIFTED_DAY_ZERO = date(1970, 1, 1).toordinal() - EPOCH_SHIFT_DAYS


def day_of(shifted_day: int) -> date:
    return date.fromordinal(shifted_day + ORDINAL_OF_SHIFTED_DAY_ZERO)


def shifted_day(day: date) -> int:
    return day.toordinal() - ORDINAL_OF_SHIFTED_DAY_ZERO


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass(frozen=True, slots=True)
class Filters:
    """What the statistics are restricted to; every field None means the whole catalog.

    ``camera`` and ``album`` match case-insensitively anywhere in the camera
    name ("make model") or album title; dates are inclusive local dates.
    """

    date_from: date | None = None
    date_to: date | None = None
    camera: str | None = None
    album: str | None = None
    media_type: str | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        if self.media_type is not None and self.media_type not in MEDIA_TYPES:
            raise ValueError(f"media type must be photo or video, not {self.media_type!r}")
        if self.source is not None and self.source not in {k.value for k in SourceKind}:
            kinds = ", ".join(k.value for k in SourceKind)
            raise ValueError(f"unknown source kind {self.source!r}; use one of {kinds}")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError(f"the date range is empty: {self.date_from} is after {self.date_to}")

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))

    def describe(self) -> str:
        """One line for the screen and reports: 'all items' or '2019-01-01..2019-12-31, camera ~ sony'."""
        parts = []
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or '...'}..{self.date_to or '...'}")
        for name in ("camera", "album", "media_type", "source"):
            value = getattr(self, name)
            if value is not None:
                parts.append(
                    f"{name.replace('_', ' ')} ~ {value}"
                    if name in ("camera", "album")
                    else f"{name.replace('_', ' ')} = {value}"
                )
        return ", ".join(parts) if parts else "all items"

    def as_dict(self) -> dict[str, Any]:
        return {f.name: (str(v) if isinstance(v := getattr(self, f.name), date) else v) for f in fields(self)}

    def sql(self) -> tuple[str, list[Any]]:
        """A condition over ``items i`` ('1' when unfiltered) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        if self.date_from is not None:
            # The capture-time index narrows first; a day is at most 14 h off UTC.
            low = calendar.timegm(self.date_from.timetuple())
            clauses.append(f"i.taken_at >= ? AND {LOCAL_DAY} >= ?")
            params += [low - 86400, shifted_day(self.date_from)]
        if self.date_to is not None:
            high = calendar.timegm(self.date_to.timetuple()) + 86400
            clauses.append(f"i.taken_at < ? AND {LOCAL_DAY} <= ?")
            params += [high + 86400, shifted_day(self.date_to)]
        if self.camera is not None:
            clauses.append("(coalesce(i.camera_make, '') || ' ' || coalesce(i.camera_model, '')) LIKE ? ESCAPE '\\'")
            params.append(_like(self.camera))
        if self.album is not None:
            clauses.append(
                "i.id IN (SELECT ai.item_id FROM album_items ai JOIN albums a ON a.id = ai.album_id "
                "WHERE a.title LIKE ? ESCAPE '\\')"
            )
            params.append(_like(self.album))
        if self.media_type is not None:
            clauses.append("i.media_type = ?")
            params.append(self.media_type)
        if self.source is not None:
            clauses.append("i.id IN (SELECT s.item_id FROM item_sources s WHERE s.kind = ?)")
            params.append(self.source)
        return (" AND ".join(clauses) or "1"), params


#: Dimensions a drill-down can select, with the shape of their key.
SELECTION_DIMENSIONS = (
    "year",
    "month",
    "day",
    "hour",
    "weekday",
    "hour_weekday",
    "camera",
    "camera_year",
    "lens",
    "mime_type",
    "media_type",
    "orientation",
    "favorite",
    "source",
    "place",
    "undated",
    *BUCKETINGS,
)


@dataclass(frozen=True, slots=True)
class Selection:
    """One bar or cell of a chart: ``dimension`` and the ``key`` the chart labels it with.

    Keys: year "2019", month "2019-03", day "2019-03-05", hour 0-23, weekday 0-6
    (Monday 0), hour_weekday (weekday, hour), camera (make, model), camera_year
    (make, model, year), lens model,
    a bucket label ("f/2.8", "ISO 400", "1/250 s"), mime type, media type,
    orientation, favorite True, source kind, place (lat cell, lon cell) or a tuple of such cells.
    """

    dimension: str
    key: Any = None  # heterogeneous by dimension (see above)

    def __post_init__(self) -> None:
        if self.dimension not in SELECTION_DIMENSIONS:
            raise ValueError(f"cannot drill into {self.dimension!r}")

    def sql(self) -> tuple[str, list[Any]]:
        d, k = self.dimension, self.key
        if d in ("year", "month", "day"):
            first, last = _period(d, str(k))
            return f"i.taken_at IS NOT NULL AND {LOCAL_DAY} BETWEEN ? AND ?", [shifted_day(first), shifted_day(last)]
        if d == "undated":
            return "i.taken_at IS NULL", []
        if d == "hour":
            return f"i.taken_at IS NOT NULL AND {LOCAL_HOUR} = ?", [int(k)]
        if d == "weekday":
            return f"i.taken_at IS NOT NULL AND ({LOCAL_DAY} + 3) % 7 = ?", [int(k)]
        if d == "hour_weekday":
            weekday, hour = k
            return f"i.taken_at IS NOT NULL AND ({LOCAL_DAY} + 3) % 7 = ? AND {LOCAL_HOUR} = ?", [
                int(weekday),
                int(hour),
            ]
        if d == "camera":
            make, model = k
            return "i.camera_make IS ? AND i.camera_model IS ?", [make, model]
        if d == "camera_year":
            make, model, year = k
            first, last = _period("year", str(year))
            return (
                f"i.camera_make IS ? AND i.camera_model IS ? AND i.taken_at IS NOT NULL AND {LOCAL_DAY} BETWEEN ? AND ?",
                [make, model, shifted_day(first), shifted_day(last)],
            )
        if d == "lens":
            return "i.lens_model IS ?", [k]
        if d in ("mime_type", "media_type"):
            return f"i.{d} IS ?", [k]
        if d == "favorite":
            return "i.favorite = ?", [int(bool(k))]
        if d == "source":
            return "i.id IN (SELECT s.item_id FROM item_sources s WHERE s.kind = ?)", [k]
        if d == "place":  # one grid cell (lat cell, lon cell), or a place's cells ((la, lo), ...)
            cells = [k] if isinstance(k[0], int) else list(k)
            clauses, params = [], []
            for lat, lon in cells:
                clauses.append("(i.latitude >= ? AND i.latitude < ? AND i.longitude >= ? AND i.longitude < ?)")
                params += [
                    lat * PLACE_CELL_DEG,
                    (lat + 1) * PLACE_CELL_DEG,
                    lon * PLACE_CELL_DEG,
                    (lon + 1) * PLACE_CELL_DEG,
                ]
            return "(" + " OR ".join(clauses) + ")", params
        if d == "orientation":
            rotated = f"coalesce(i.orientation, 1) IN ({', '.join(map(str, ROTATED_ORIENTATIONS))})"
            shown_w = f"(CASE WHEN {rotated} THEN i.height ELSE i.width END)"
            shown_h = f"(CASE WHEN {rotated} THEN i.width ELSE i.height END)"
            cond = {
                "portrait": f"{shown_h} > {shown_w}",
                "landscape": f"{shown_w} > {shown_h}",
                "square": f"{shown_w} = {shown_h}",
                "unknown": "NOT (coalesce(i.width, 0) > 0 AND coalesce(i.height, 0) > 0)",
            }[str(k)]
            return (cond if k == "unknown" else f"i.width > 0 AND i.height > 0 AND {cond}"), []
        bucketing = BUCKETINGS[d]
        low, high = bucketing.bounds(str(k))
        clauses, params = [f"{bucketing.column} IS NOT NULL"], []
        if d == "megapixels":
            clauses.append("i.media_type = 'photo' AND i.width > 0 AND i.height > 0")
        if low is not None:
            clauses.append(f"{bucketing.column} >= ?")
            params.append(low)
        if high is not None:
            clauses.append(f"{bucketing.column} < ?")
            params.append(high)
        return " AND ".join(clauses), params


def _period(kind: str, key: str) -> tuple[date, date]:
    try:
        if kind == "year":
            year = int(key)
            return date(year, 1, 1), date(year, 12, 31)
        if kind == "month":
            year, month = map(int, key.split("-"))
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        day = date.fromisoformat(key)
        return day, day
    except ValueError as exc:
        raise ValueError(f"not a {kind}: {key!r}") from exc
