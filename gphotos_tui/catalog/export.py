"""Export the catalog as one record per media item (JSONL or CSV).

This is also how pandas users get a DataFrame: ``pd.read_json(path, lines=True)``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import IO, Any

import aiosqlite

from gphotos_tui.catalog.queries import public_id_sql

EXPORT_KEYS: tuple[str, ...] = (
    "id",
    "sources",
    "filename",
    "mime_type",
    "media_type",
    "taken_at",
    "taken_at_local",
    "utc_offset",
    "width",
    "height",
    "size_bytes",
    "camera_make",
    "camera_model",
    "lens_model",
    "focal_length_mm",
    "aperture_f",
    "iso",
    "exposure_s",
    "latitude",
    "longitude",
    "favorite",
    "archived",
    "trashed",
    "description",
    "albums",
    "product_url",
)

_SQL = f"""
SELECT
  {public_id_sql("i.id")},
  (SELECT json_group_array(kind) FROM (SELECT DISTINCT kind FROM item_sources s WHERE s.item_id = i.id ORDER BY kind)),
  i.filename, i.mime_type, i.media_type, i.taken_at, i.utc_offset_min, i.width, i.height, i.size_bytes,
  i.camera_make, i.camera_model, i.lens_model, i.focal_length_mm, i.aperture_f, i.iso, i.exposure_s,
  i.latitude, i.longitude, i.favorite, i.archived, i.trashed, i.description,
  (SELECT json_group_array(title) FROM (SELECT a.title FROM album_items ai JOIN albums a ON a.id = ai.album_id
    WHERE ai.item_id = i.id ORDER BY a.title)),
  i.product_url
FROM items i ORDER BY i.taken_at IS NULL, i.taken_at, i.id
"""


def iso_utc(ts: int | None) -> str | None:
    if ts is None:
        return None
    return (datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=ts)).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_local(ts: int | None, offset_min: int | None) -> str | None:
    if ts is None or offset_min is None:
        return None
    return (datetime(1970, 1, 1) + timedelta(seconds=ts + offset_min * 60)).strftime("%Y-%m-%dT%H:%M:%S")


def format_offset(offset_min: int | None) -> str | None:
    if offset_min is None:
        return None
    sign = "-" if offset_min < 0 else "+"
    return f"{sign}{abs(offset_min) // 60:02d}:{abs(offset_min) % 60:02d}"


async def export_rows(conn: aiosqlite.Connection) -> AsyncIterator[dict[str, Any]]:
    async with conn.execute(_SQL) as cursor:
        while rows := await cursor.fetchmany(2000):
            for r in rows:
                (
                    uid,
                    sources,
                    filename,
                    mime,
                    media_type,
                    taken_at,
                    offset,
                    width,
                    height,
                    size,
                    make,
                    model,
                    lens,
                    focal,
                    aperture,
                    iso,
                    exposure,
                    lat,
                    lon,
                    fav,
                    arch,
                    trash,
                    desc,
                    albums,
                    url,
                ) = r
                yield {
                    "id": uid,
                    "sources": json.loads(sources),
                    "filename": filename,
                    "mime_type": mime,
                    "media_type": media_type,
                    "taken_at": iso_utc(taken_at),
                    "taken_at_local": iso_local(taken_at, offset),
                    "utc_offset": format_offset(offset),
                    "width": width,
                    "height": height,
                    "size_bytes": size,
                    "camera_make": make,
                    "camera_model": model,
                    "lens_model": lens,
                    "focal_length_mm": focal,
                    "aperture_f": aperture,
                    "iso": iso,
                    "exposure_s": exposure,
                    "latitude": lat,
                    "longitude": lon,
                    "favorite": bool(fav),
                    "archived": bool(arch),
                    "trashed": bool(trash),
                    "description": desc,
                    "albums": json.loads(albums),
                    "product_url": url,
                }


async def export_catalog(conn: aiosqlite.Connection, out: IO[str], fmt: str = "jsonl") -> int:
    """Write every item to ``out``; returns the number written."""
    count = 0
    if fmt == "jsonl":
        async for row in export_rows(conn):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=EXPORT_KEYS, lineterminator="\n")
        writer.writeheader()
        async for row in export_rows(conn):
            row["sources"] = ";".join(row["sources"])
            row["albums"] = ";".join(row["albums"])
            for flag in ("favorite", "archived", "trashed"):
                row[flag] = int(row[flag])
            writer.writerow(row)
            count += 1
    else:
        raise ValueError(f"unknown export format {fmt!r}; use jsonl or csv")
    return count
