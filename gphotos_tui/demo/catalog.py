"""The demo catalog is a cache: it is deleted and refilled on every ``--demo``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gphotos_tui.catalog import Catalog, CatalogError
from gphotos_tui.catalog.application import application_id_and_sources_not_of, set_application_id

#: ``PRAGMA application_id`` of catalogs made by ``--demo`` ("gpdm"): the demo's own sync, pick and
#: Takeout import (from the loopback fake Google) add non-demo sources, yet the file stays a demo.
DEMO_APPLICATION_ID = 0x6770646D


def holds_only_demo_data(path: Path) -> bool:
    """True when the catalog at ``path`` was made by ``--demo``, or every source in it is the demo generator."""
    try:
        app_id, others = application_id_and_sources_not_of(path, "demo")
    except sqlite3.DatabaseError:
        return path.stat().st_size == 0
    return app_id == DEMO_APPLICATION_ID or others == 0


async def mark_as_demo(catalog: Catalog) -> None:
    await set_application_id(catalog.writer, DEMO_APPLICATION_ID)


def reset_demo_catalog(path: Path) -> None:
    """Delete the previous demo catalog (and its WAL files); never a catalog with real sources."""
    if path.exists() and not holds_only_demo_data(path):
        raise CatalogError(
            f"{path} holds more than demo data; --demo refuses to replace it (choose another --db for the demo)"
        )
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
