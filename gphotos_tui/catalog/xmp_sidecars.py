"""Records of the XMP sidecars a backup wrote (table ``xmp_sidecars``)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from gphotos_tui.catalog import Catalog


@dataclass(frozen=True, slots=True)
class SidecarRecord:
    path: str  # absolute
    item_id: int | None
    size: int
    sha256: str


async def known_sidecars(catalog: Catalog, prefix: str) -> dict[str, SidecarRecord]:
    """path -> record, for sidecars under ``prefix`` (a folder path with its trailing separator)."""
    cur = await catalog.reader.execute(
        "SELECT path, item_id, size_bytes, sha256 FROM xmp_sidecars WHERE substr(path, 1, ?) = ?",
        (len(prefix), prefix),
    )
    return {row[0]: SidecarRecord(*row) for row in await cur.fetchall()}


async def record_sidecars(catalog: Catalog, records: list[SidecarRecord]) -> None:
    if not records:
        return
    rows = [[r.path, r.item_id, r.size, r.sha256] for r in records]
    await catalog.writer.execute(
        "INSERT INTO xmp_sidecars (path, item_id, size_bytes, sha256, written_at) "
        "SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, ? FROM json_each(?) j WHERE true "
        "ON CONFLICT (path) DO UPDATE SET item_id = excluded.item_id, size_bytes = excluded.size_bytes, "
        "sha256 = excluded.sha256, written_at = excluded.written_at",
        (int(time.time()), json.dumps(rows)),
    )


async def recorded_files(catalog: Catalog, prefix: str) -> list[tuple[str, int, str | None, str | None]]:
    """(path, size, sha256, fidelity) of every media file recorded under ``prefix``, by path."""
    cur = await catalog.reader.execute(
        "SELECT path, size_bytes, sha256, fidelity FROM local_files WHERE substr(path, 1, ?) = ? ORDER BY path",
        (len(prefix), prefix),
    )
    return [tuple(row) for row in await cur.fetchall()]


async def record_hashes(catalog: Catalog, hashes: dict[str, str]) -> None:
    """Store SHA-256s first computed by a verify, for recorded files that had none (never overwrites one)."""
    if hashes:
        await catalog.writer.execute(
            "UPDATE local_files SET sha256 = j.value ->> 1 FROM json_each(?) j "
            "WHERE local_files.path = j.value ->> 0 AND local_files.sha256 IS NULL",
            (json.dumps([[p, h] for p, h in hashes.items()]),),
        )


async def files_with_items(catalog: Catalog, prefix: str) -> list[tuple[str, int, str | None]]:
    """(path, item id, fidelity) of the recorded files under ``prefix`` that belong to a catalog item."""
    cur = await catalog.reader.execute(
        "SELECT path, item_id, fidelity FROM local_files WHERE substr(path, 1, ?) = ? AND item_id IS NOT NULL "
        "ORDER BY path",
        (len(prefix), prefix),
    )
    return [tuple(row) for row in await cur.fetchall()]


async def fidelity_counts(catalog: Catalog, prefix: str) -> dict[str, int]:
    """How many recorded files under ``prefix`` are originals, API photos (no GPS), API videos (transcoded)."""
    cur = await catalog.reader.execute(
        "SELECT coalesce(fidelity, 'unknown'), count(*) FROM local_files WHERE substr(path, 1, ?) = ? GROUP BY 1",
        (len(prefix), prefix),
    )
    return {str(kind): int(count) for kind, count in await cur.fetchall()}
