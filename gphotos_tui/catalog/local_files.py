"""Files on this machine known to the catalog (`local_files`): written by backups and folder scans."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from gphotos_tui.catalog import Catalog


@dataclass(slots=True)
class LocalFile:
    path: str  # absolute
    size: int
    mtime: int | None
    sha256: str | None
    item_id: int | None
    source_id: int | None
    fidelity: str | None  # None keeps the recorded one (a file found again, not re-read)


# One statement, so each flush is one implicit transaction on the shared writer
# (no BEGIN/COMMIT pair another job on the same connection could interleave with).
_UPSERT = (
    "INSERT INTO local_files (path, size_bytes, mtime, sha256, item_id, source_id, fidelity, seen_at) "
    "SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, "
    "j.value ->> 6, ? FROM json_each(?) j WHERE true "
    "ON CONFLICT (path) DO UPDATE SET size_bytes = excluded.size_bytes, mtime = excluded.mtime, "
    "sha256 = CASE WHEN excluded.size_bytes = local_files.size_bytes AND excluded.mtime IS local_files.mtime "
    "THEN coalesce(excluded.sha256, local_files.sha256) ELSE excluded.sha256 END, "
    "item_id = coalesce(excluded.item_id, local_files.item_id), "
    "source_id = coalesce(excluded.source_id, local_files.source_id), "
    "fidelity = coalesce(excluded.fidelity, local_files.fidelity), seen_at = excluded.seen_at"
)


async def record_files(catalog: Catalog, files: list[LocalFile]) -> None:
    if not files:
        return
    rows = [[f.path, f.size, f.mtime, f.sha256, f.item_id, f.source_id, f.fidelity] for f in files]
    await catalog.writer.execute(_UPSERT, (int(time.time()), json.dumps(rows)))


async def known_files(catalog: Catalog, prefix: str) -> dict[str, tuple[int, int | None, str | None]]:
    """path -> (size, mtime, sha256) of recorded files under ``prefix`` (a folder path with trailing separator)."""
    cur = await catalog.reader.execute(
        "SELECT path, size_bytes, mtime, sha256 FROM local_files WHERE substr(path, 1, ?) = ?", (len(prefix), prefix)
    )
    return {row[0]: (row[1], row[2], row[3]) for row in await cur.fetchall()}


async def item_ids_by_external(catalog: Catalog, kind: str, external_ids: list[str]) -> dict[str, int]:
    if not external_ids:
        return {}
    cur = await catalog.reader.execute(
        "SELECT s.external_id, s.item_id FROM json_each(?) j JOIN item_sources s "
        "ON s.kind = ? AND s.external_id = j.value",
        (json.dumps(external_ids), kind),
    )
    return {r[0]: r[1] for r in await cur.fetchall()}


async def item_ids_by_match_key(catalog: Catalog, keys: dict[str, int]) -> dict[str, int]:
    """match key -> item id, for keys of records (``keys``: match key -> capture second)."""
    if not keys:
        return {}
    cur = await catalog.reader.execute(
        "SELECT i.match_key, i.id FROM json_each(?) j JOIN items i ON i.taken_at = j.value "
        "WHERE i.match_key IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(keys.values()))), json.dumps(list(keys))),
    )
    return {r[0]: r[1] for r in await cur.fetchall()}


async def source_id(catalog: Catalog, kind: str, ref: str) -> int | None:
    row = await (
        await catalog.reader.execute("SELECT id FROM sources WHERE kind = ? AND ref = ?", (kind, ref))
    ).fetchone()
    return row[0] if row else None


async def paths_by_item(catalog: Catalog) -> dict[int, list[str]]:
    """item id -> the recorded local files of that item (files not matched to an item are left out)."""
    paths: dict[int, list[str]] = {}
    for item_id, path in await catalog.reader.execute_fetchall(
        "SELECT item_id, path FROM local_files WHERE item_id IS NOT NULL"
    ):
        paths.setdefault(item_id, []).append(path)
    return paths


# -- a folder source's provenance ------------------------------------------------------------------


async def mark_folder_files_seen(catalog: Catalog, source_id: int, external_ids: list[str]) -> None:
    """Files of a folder source found again (not re-read): their provenance is current, not missing."""
    await catalog.writer.execute(
        "UPDATE item_sources SET last_seen = ?, missing_since = NULL WHERE kind = 'folder' AND source_id = ? "
        "AND external_id IN (SELECT value FROM json_each(?))",
        (int(time.time()), source_id, json.dumps(external_ids)),
    )


async def folder_items_google_has(catalog: Catalog, source_id: int) -> int:
    """Items of a folder source that a Google source (Takeout, Picker, Library) also has."""
    row = await (
        await catalog.reader.execute(
            "SELECT count(DISTINCT f.item_id) FROM item_sources f JOIN item_sources g ON g.item_id = f.item_id "
            "AND g.kind IN ('takeout', 'picker', 'library') WHERE f.kind = 'folder' AND f.source_id = ? "
            "AND f.missing_since IS NULL",
            (source_id,),
        )
    ).fetchone()
    return int(row[0]) if row else 0


async def forget_missing_folder_files(
    catalog: Catalog, source_id: int, paths: list[str], external_ids: list[str]
) -> int:
    """After a complete scan: drop the local_files rows of ``paths`` (no longer there) and flag the
    provenance of their ``external_ids`` missing; returns the rows dropped."""
    if not paths:
        return 0
    await catalog.writer.execute(
        "UPDATE item_sources SET missing_since = ? WHERE kind = 'folder' AND source_id = ? "
        "AND external_id IN (SELECT value FROM json_each(?))",
        (int(time.time()), source_id, json.dumps(external_ids)),
    )
    cur = await catalog.writer.execute(
        "DELETE FROM local_files WHERE path IN (SELECT value FROM json_each(?))", (json.dumps(paths),)
    )
    return cur.rowcount
