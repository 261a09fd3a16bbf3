"""Buckets for camera values: aperture stops, ISO and shutter full stops, focal and megapixel ranges.

A bucketing is a list of edges: bucket ``i`` holds ``edges[i-1] <= v < edges[i]``
(the first and last are open-ended). The same edges give the Python fold of
an aggregate and the SQL range of a drill-down, so the two always agree.
"""

from __future__ import annotations

import bisect
import itertools
import math
from dataclasses import dataclass

from gphotos_tui import units


@dataclass(frozen=True, slots=True)
class Bucketing:
    name: str
    column: str  # SQL expression over items ``i`` that the edges apply to
    edges: tuple[float, ...]
    labels: tuple[str, ...]  # len(edges) + 1

    def index(self, value: float) -> int:
        return bisect.bisect_right(self.edges, value)

    def label(self, value: float) -> str:
        return self.labels[self.index(value)]

    def bounds(self, label: str) -> tuple[float | None, float | None]:
        """[low, high) of the bucket called ``label``; None is open-ended."""
        i = self.labels.index(label)
        return (self.edges[i - 1] if i > 0 else None, self.edges[i] if i < len(self.edges) else None)


def _geometric_midpoints(stops: tuple[float, ...]) -> tuple[float, ...]:
    # Nearest stop on a log scale: the boundary between two stops is their geometric mean.
    return tuple(math.sqrt(a * b) for a, b in itertools.pairwise(stops))


#: The one-third-stop f-number scale cameras display.
APERTURE_STOPS: tuple[float, ...] = (
    0.95,
    1.0,
    1.1,
    1.2,
    1.4,
    1.6,
    1.8,
    2.0,
    2.2,
    2.5,
    2.8,
    3.2,
    3.5,
    4.0,
    4.5,
    5.0,
    5.6,
    6.3,
    7.1,
    8.0,
    9.0,
    10.0,
    11.0,
    13.0,
    14.0,
    16.0,
    18.0,
    20.0,
    22.0,
    32.0,
)
APERTURE = Bucketing(
    "aperture", "i.aperture_f", _geometric_midpoints(APERTURE_STOPS), tuple(units.aperture(s) for s in APERTURE_STOPS)
)

#: Full-stop shutter speeds from 1/4000 s to 30 s; faster or slower fall into the end buckets.
EXPOSURE_STOPS: tuple[float, ...] = (
    1 / 4000,
    1 / 2000,
    1 / 1000,
    1 / 500,
    1 / 250,
    1 / 125,
    1 / 60,
    1 / 30,
    1 / 15,
    1 / 8,
    1 / 4,
    1 / 2,
    1.0,
    2.0,
    4.0,
    8.0,
    15.0,
    30.0,
)
EXPOSURE = Bucketing(
    "exposure", "i.exposure_s", _geometric_midpoints(EXPOSURE_STOPS), tuple(units.exposure(s) for s in EXPOSURE_STOPS)
)

#: ISO in full stops (a log scale): bucket "ISO 100" holds 100 <= iso < 200.
ISO_STOPS: tuple[int, ...] = (25, 50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200)
ISO = Bucketing("iso", "i.iso", ISO_STOPS[1:], tuple(f"ISO {s}" for s in ISO_STOPS))

_FOCAL_EDGES = (5.0, 10.0, 14.0, 24.0, 35.0, 50.0, 85.0, 135.0, 200.0, 400.0)


def _range_labels(edges: tuple[float, ...], unit: str) -> tuple[str, ...]:
    def num(x: float) -> str:
        return f"{x:g}"

    middle = [f"{num(a)}-{num(b)} {unit}" for a, b in itertools.pairwise(edges)]
    return (f"<{num(edges[0])} {unit}", *middle, f"{num(edges[-1])}+ {unit}")


FOCAL = Bucketing("focal", "i.focal_length_mm", _FOCAL_EDGES, _range_labels(_FOCAL_EDGES, "mm"))
FOCAL_35MM = Bucketing("focal_35mm", "i.focal_length_35mm", _FOCAL_EDGES, _range_labels(_FOCAL_EDGES, "mm"))

_MP_EDGES = (1.0, 2.0, 4.0, 8.0, 12.0, 16.0, 20.0, 24.0, 30.0, 40.0, 50.0, 100.0)
MEGAPIXELS = Bucketing("megapixels", "(i.width * i.height / 1e6)", _MP_EDGES, _range_labels(_MP_EDGES, "MP"))

BUCKETINGS: dict[str, Bucketing] = {b.name: b for b in (APERTURE, EXPOSURE, ISO, FOCAL, FOCAL_35MM, MEGAPIXELS)}

# EXIF orientations 5-8 are rotated a quarter turn: the displayed width is the stored height.
ROTATED_ORIENTATIONS = (5, 6, 7, 8)


def orientation(width: int | None, height: int | None, exif_orientation: int | None = None) -> str:
    """portrait | landscape | square | unknown, as the picture is displayed."""
    if not width or not height:
        return "unknown"
    if exif_orientation in ROTATED_ORIENTATIONS:
        width, height = height, width
    if width == height:
        return "square"
    return "portrait" if height > width else "landscape"


#: GPS grid cell size in degrees (about 55 km of latitude): one cell is a place.
PLACE_CELL_DEG = 0.5


def place_cell(latitude: float, longitude: float) -> tuple[int, int]:
    return math.floor(latitude / PLACE_CELL_DEG), math.floor(longitude / PLACE_CELL_DEG)


def place_label(cell: tuple[int, int]) -> str:
    """The cell's centre, e.g. '52.75N 13.25E'."""
    lat = (cell[0] + 0.5) * PLACE_CELL_DEG
    lon = (cell[1] + 0.5) * PLACE_CELL_DEG
    return f"{abs(lat):.2f}{'N' if lat >= 0 else 'S'} {abs(lon):.2f}{'E' if lon >= 0 else 'W'}"
