"""Helpers shared by the headless commands."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", metavar="PATH", help="catalog file (default: the platform data dir, or $GPHOTOS_TUI_HOME)"
    )


def db_path(args: argparse.Namespace) -> Path:
    from gphotos_tui.paths import locations  # not at import: `--help` stays light

    return Path(args.db).expanduser() if getattr(args, "db", None) else locations().catalog
