"""The demo catalog is a cache: it is deleted and refilled on every ``--demo``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gphotos_tui.catalog import CatalogError


def holds_only_demo_data(path: Path) -> bool:
    """True when every source in the catalog at ``path`` is the demo generator."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (others,) = conn.execute("SELECT count(*) FROM sources WHERE kind != 'demo'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return path.stat().st_size == 0
    return others == 0


def reset_demo_catalog(path: Path) -> None:
    """Delete the previous demo catalog (and its WAL files); never a catalog with real sources."""
    if path.exists() and not holds_only_demo_data(path):
        raise CatalogError(
            f"{path} holds more than demo data; --demo refuses to replace it (choose another --db for the demo)"
        )
    for suffix in ("", "-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
