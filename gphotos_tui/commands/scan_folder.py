"""gphotos-tui scan-folder: index a local folder and show the backup status."""

from __future__ import annotations

import argparse
import sys

from gphotos_tui.commands.common import open_catalog

NAME = "scan-folder"
HELP = "index a local folder of photos (EXIF, size, SHA-256) and show which Google items you have locally"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", help="folder to scan (hidden files and symlinks are skipped)")
    parser.add_argument(
        "--list",
        type=int,
        default=0,
        metavar="N",
        help="also print up to N items of each list: Google items not local, local files not in Google",
    )


def run(args: argparse.Namespace) -> int:
    from gphotos_tui.engine.runner import run_main  # SIGTERM stops the job like Ctrl-C

    return run_main(_scan(args))


async def _scan(args: argparse.Namespace) -> int:
    from gphotos_tui.backup.status import backup_status, status_lists
    from gphotos_tui.engine.console import ConsoleProgress
    from gphotos_tui.sources.folder import FolderScanError, scan_folder

    console = ConsoleProgress(sys.stderr)  # the current stderr, not the one bound at import
    async with open_catalog(args, NAME) as catalog:
        try:
            report = await scan_folder(catalog, args.path, progress=console)
        except FolderScanError as exc:
            print(f"gphotos-tui: {exc}", file=sys.stderr)
            return 1
        finally:
            console.close()
        status = await backup_status(catalog)
        lists = await status_lists(catalog, limit=args.list) if args.list else {}
    for error in report.errors[:20]:
        print(f"warning: {error}", file=sys.stderr)
    for note in report.notes[:20]:
        print(f"note: {note}", file=sys.stderr)
    print(report.one_line())
    print(status.one_line())
    for key, title in (
        ("google_missing", "Google items with no local copy"),
        ("local_only", "local files not in Google"),
    ):
        if lists.get(key):
            print(f"{title} (first {len(lists[key])}):")
            for row in lists[key]:
                print(f"  {row.path or row.filename}")
    return 0
