"""Helpers shared by the headless commands."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gphotos_tui.catalog import Catalog


def add_db_argument(parser: argparse.ArgumentParser, *, subcommand: bool = False) -> None:
    """``--db``; a subcommand's copy leaves the attribute alone when not given, so
    ``gphotos-tui --db X cmd`` and ``gphotos-tui cmd --db X`` mean the same."""
    extra: dict[str, Any] = {"default": argparse.SUPPRESS} if subcommand else {}
    parser.add_argument(
        "--db", metavar="PATH", help="catalog file (default: the platform data dir, or $GPHOTOS_TUI_HOME)", **extra
    )


def db_path(args: argparse.Namespace) -> Path:
    from gphotos_tui.paths import locations  # not at import: `--help` stays light

    return Path(args.db).expanduser() if getattr(args, "db", None) else locations().catalog


@asynccontextmanager
async def open_catalog(args: argparse.Namespace, command: str, *, readonly: bool = False) -> AsyncIterator[Catalog]:
    """The catalog for one command. A writer holds the catalog lock while it runs, refuses a damaged
    catalog (``PRAGMA quick_check``) and marks runs a killed process left "running" as interrupted."""
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.engine.lock import CatalogLock

    path = db_path(args)
    if readonly:
        catalog = await Catalog.open(path, readonly=True)
        try:
            yield catalog
        finally:
            await catalog.close()
        return
    with CatalogLock(path, command):
        catalog = await Catalog.open(path, check=True)
        try:
            await catalog.end_stale_runs()
            yield catalog
        finally:
            await catalog.close()
