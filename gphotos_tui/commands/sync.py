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
    from gphotos_tui.engine.runner import run_headless

    return run_headless(db_path(args), lambda catalog, usage_clients: _jobs(args, usage_clients))


def _jobs(args, clients):
    from gphotos_tui.engine.library import LibraryAlbumsJob, LibraryMediaJob, SyncSettings

    library, _picker, usage = clients
    settings = SyncSettings(workers=args.workers) if args.workers else SyncSettings()
    jobs = [LibraryMediaJob(library, usage, settings, full=args.full)]
    if not args.no_albums:
        jobs.append(LibraryAlbumsJob(library, usage, settings))
    return jobs
