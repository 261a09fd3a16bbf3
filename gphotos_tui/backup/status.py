"""Backup status: which Google items have a local copy, and which local files Google lacks.

"Google items" are items any Takeout, Picker or Library source has seen;
a local copy is any ``local_files`` row (a scanned folder or a backup).
Used by ``gphotos-tui scan-folder`` and the Albums screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from gphotos_tui.catalog import Catalog

_GOOGLE_KIND = "s.kind IN ('takeout', 'picker', 'library')"


def _google(item_id: str) -> str:
    """SQL: the item whose id is the expression ``item_id`` was seen by a Google source."""
    return f"EXISTS (SELECT 1 FROM item_sources s WHERE s.item_id = {item_id} AND {_GOOGLE_KIND})"


_GOOGLE = _google("i.id")
_LOCAL = "EXISTS (SELECT 1 FROM local_files f WHERE f.item_id = i.id)"


@dataclass(frozen=True, slots=True)
class BackupStatus:
    google_items: int
    google_local: int  # Google items with at least one local copy
    google_original: int  # ... of which at least one copy is an original (not an API re-encode)
    local_files: int
    local_only: int  # local files that are no Google item

    @property
    def google_missing(self) -> int:
        return self.google_items - self.google_local

    def one_line(self) -> str:
        return (
            f"{self.google_local:,} of {self.google_items:,} Google items are on this machine "
            f"({self.google_original:,} as originals), {self.google_missing:,} are not; "
            f"{self.local_only:,} of {self.local_files:,} local files are not in Google"
        )


@dataclass(frozen=True, slots=True)
class StatusRow:
    item_id: int | None
    filename: str
    taken_at: int | None
    path: str | None  # a local copy, when there is one
    fidelity: str | None


async def backup_status(catalog: Catalog) -> BackupStatus:
    # Counted from the provenance index and the local files, not item by item: at a million
    # items the per-item EXISTS tests took 4 s, these 0.3 s.
    ((google,),) = await catalog.reader.execute_fetchall(
        f"SELECT count(*) FROM (SELECT DISTINCT s.item_id FROM item_sources s WHERE {_GOOGLE_KIND})"
    )
    ((local, original),) = await catalog.reader.execute_fetchall(
        "SELECT count(DISTINCT f.item_id), count(DISTINCT CASE WHEN f.fidelity = 'original' THEN f.item_id END) "
        f"FROM local_files f WHERE {_google('f.item_id')}"
    )
    ((files, only),) = await catalog.reader.execute_fetchall(
        f"SELECT count(*), coalesce(sum(f.item_id IS NULL OR NOT {_google('f.item_id')}), 0) FROM local_files f"
    )
    return BackupStatus(google, local, original, files, only)


async def status_lists(catalog: Catalog, limit: int | None = None, offset: int = 0) -> dict[str, list[StatusRow]]:
    """Three lists, oldest first: ``google_local``, ``google_missing`` and ``local_only``.

    ``limit``/``offset`` apply to each list so a screen can fetch windows.
    """
    window = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    out: dict[str, list[StatusRow]] = {}
    out["google_local"] = await _rows(
        catalog,
        (
            "SELECT i.id, i.filename, i.taken_at, (SELECT f.path FROM local_files f WHERE f.item_id = i.id "
            "ORDER BY f.fidelity != 'original', f.path LIMIT 1), (SELECT f.fidelity FROM local_files f "
            "WHERE f.item_id = i.id ORDER BY f.fidelity != 'original', f.path LIMIT 1) "
            f"FROM items i WHERE {_GOOGLE} AND {_LOCAL} ORDER BY i.taken_at, i.id" + window
        ),
    )
    out["google_missing"] = await _rows(
        catalog,
        (
            f"SELECT i.id, i.filename, i.taken_at, NULL, NULL FROM items i WHERE {_GOOGLE} AND NOT {_LOCAL} "
            "ORDER BY i.taken_at, i.id" + window
        ),
    )
    out["local_only"] = await _rows(
        catalog,
        (
            "SELECT f.item_id, coalesce(i.filename, f.path), i.taken_at, f.path, f.fidelity FROM local_files f "
            f"LEFT JOIN items i ON i.id = f.item_id WHERE i.id IS NULL OR NOT {_GOOGLE} ORDER BY i.taken_at, f.path"
            + window
        ),
    )
    return out


async def _rows(catalog: Catalog, sql: str) -> list[StatusRow]:
    cur = await catalog.reader.execute(sql)
    return [StatusRow(*row) for row in await cur.fetchall()]
