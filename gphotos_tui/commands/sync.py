"""gphotos-tui sync: page the Library API (media, then albums) into the catalog, headless.

Progress goes to stderr, a summary to stdout. Exit codes: 0 done, 1 failed,
75 paused (quota: run again later), 130 interrupted (run again to resume).
"""

from __future__ import annotations

import argparse

from gphotos_tui.commands.common import db_path

NAME = "sync"
HELP = "sync the Library API (items this app created) into the catalog; resumable"
EXIT_PAUSED = 75


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, default=None, metavar="N", help="concurrent date shards (default 8)")
    parser.add_argument("--full", action="store_true", help="list everything again instead of only what is new")
    parser.add_argument("--no-albums", action="store_true", help="skip albums and their contents")


def run(args: argparse.Namespace) -> int:
    from gphotos_tui.engine.google_jobs import sync_library
    from gphotos_tui.engine.library import SyncSettings
    from gphotos_tui.engine.runner import run_headless

    settings = SyncSettings(workers=args.workers) if args.workers else SyncSettings()
    return run_headless(
        db_path(args),
        lambda catalog, clients, progress: sync_library(
            clients, catalog, progress, settings=settings, full=args.full, albums=not args.no_albums
        ),
        NAME,
    )
