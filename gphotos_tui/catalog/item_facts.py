"""Everything the catalog knows about an item that a photo manager could use.

One batched read per call (``json_each`` over the ids), so a backup asks once
per few hundred files. People come from the Takeout sidecars (kept in
``item_sources.detail``); albums from every source that listed the item.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from gphotos_tui.catalog import Catalog


@dataclass(frozen=True, slots=True)
class ItemFacts:
    item_id: int
    filename: str
    media_type: str
    taken_at: int | None  # UTC seconds
    utc_offset_min: int | None
    time_source: str | None  # sidecar | exif | filename | folder | none | (API sources: None)
    camera_make: str | None = None
    camera_model: str | None = None
    lens_model: str | None = None
    focal_length_mm: float | None = None
    focal_length_35mm: float | None = None
    aperture_f: float | None = None
    iso: int | None = None
    exposure_s: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    description: str | None = None
    favorite: bool = False
    archived: bool = False
    trashed: bool = False
    albums: tuple[str, ...] = ()  # titles, sorted, distinct
    people: tuple[str, ...] = ()  # names as Google gave them, first-seen order, distinct


_SQL = """
SELECT i.id, i.filename, i.media_type, i.taken_at, i.utc_offset_min, i.time_source,
  i.camera_make, i.camera_model, i.lens_model, i.focal_length_mm, i.focal_length_35mm,
  i.aperture_f, i.iso, i.exposure_s, i.latitude, i.longitude, i.description,
  i.favorite, i.archived, i.trashed,
  (SELECT json_group_array(title) FROM (SELECT DISTINCT a.title FROM album_items ai
     JOIN albums a ON a.id = ai.album_id WHERE ai.item_id = i.id ORDER BY a.title)),
  (SELECT json_group_array(s.detail) FROM item_sources s
     WHERE s.item_id = i.id AND s.detail IS NOT NULL AND s.detail LIKE '%"people"%')
FROM json_each(?) j JOIN items i ON i.id = j.value
"""


def _people(details: str) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for detail in json.loads(details):
        try:
            found = json.loads(detail).get("people") or ()
        except (ValueError, AttributeError):
            continue
        for name in found:
            if isinstance(name, str) and name.strip():
                names.setdefault(name, None)
    return tuple(names)


async def item_facts(catalog: Catalog, item_ids: list[int]) -> dict[int, ItemFacts]:
    """item id -> its facts, for the ids the catalog has."""
    if not item_ids:
        return {}
    cur = await catalog.reader.execute(_SQL, (json.dumps(sorted(set(item_ids))),))
    out: dict[int, ItemFacts] = {}
    for row in await cur.fetchall():
        (item_id, filename, media_type, taken_at, offset, time_source, make, model, lens, focal, focal35) = row[:11]
        (aperture, iso, exposure, lat, lon, description, fav, arch, trash, albums, details) = row[11:]
        out[item_id] = ItemFacts(
            item_id,
            filename,
            media_type,
            taken_at,
            offset,
            time_source,
            camera_make=make,
            camera_model=model,
            lens_model=lens,
            focal_length_mm=focal,
            focal_length_35mm=focal35,
            aperture_f=aperture,
            iso=iso,
            exposure_s=exposure,
            latitude=lat,
            longitude=lon,
            description=description,
            favorite=bool(fav),
            archived=bool(arch),
            trashed=bool(trash),
            albums=tuple(json.loads(albums)),
            people=_people(details),
        )
    return out
