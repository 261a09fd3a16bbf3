"""gphotos-tui backup: originals into DEST/YYYY/MM/ with album folders of links."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from gphotos_tui.commands.common import open_catalog
from gphotos_tui.text import printable

if TYPE_CHECKING:  # imported where used: `gphotos-tui --help` stays quick
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.google.library import AsyncLibrary
    from gphotos_tui.google.quota import UsageMeter
    from gphotos_tui.google.tokens import TokenSource

NAME = "backup"
HELP = "copy originals from Takeout archives (and download Picker/Library items) into DEST/YYYY/MM/"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dest", metavar="DEST", help="backup folder (created if missing)")
    parser.add_argument(
        "--from-takeout",
        nargs="+",
        default=[],
        metavar="PATH",
        help="Takeout parts (.zip, .tgz) or extracted folders to copy originals from "
        "(default: the parts imported with import-takeout that are still where they were)",
    )
    parser.add_argument("--dry-run", action="store_true", help="plan and count only; write nothing")
    parser.add_argument("--no-download", action="store_true", help="do not download Picker/Library items")
    parser.add_argument("--concurrency", type=int, default=4, metavar="N", help="parallel downloads (default 4)")
    parser.add_argument(
        "--no-xmp",
        action="store_true",
        help="write no NAME.EXT.xmp sidecars (dates, places, captions, favourites, albums, people for photo managers)",
    )
    parser.add_argument(
        "--verify",
        action="store_true",
        help="copy nothing: re-read every file the catalog recorded in DEST (size and SHA-256) and report "
        "missing, changed and stray files; exit 0 all intact, 1 missing or changed, 2 nothing to verify",
    )


def run(args: argparse.Namespace) -> int:
    from gphotos_tui.engine.runner import run_main  # SIGTERM stops the job like Ctrl-C

    if getattr(args, "verify", False):
        return run_main(_verify(args))
    return run_main(_backup(args))


async def _verify(args: argparse.Namespace) -> int:
    from gphotos_tui.backup.verify import verify_backup
    from gphotos_tui.engine.console import ConsoleProgress

    console = ConsoleProgress(sys.stderr)
    async with open_catalog(args, f"{NAME} --verify") as catalog:  # a writer: it records first-time hashes
        try:
            report = await verify_backup(catalog, args.dest, progress=console)
        finally:
            console.close()
    for label, paths in (("missing", report.missing), ("changed", report.changed), ("stray", report.stray)):
        for path in paths[:50]:
            print(f"{label}: {path}")
        if len(paths) > 50:
            print(f"... and {len(paths) - 50:,} more {label}")
    print(report.one_line())
    return report.exit_status()


async def _backup(args: argparse.Namespace) -> int:
    from gphotos_tui.backup.run import run_backup
    from gphotos_tui.engine.console import ConsoleProgress
    from gphotos_tui.google.errors import AuthError
    from gphotos_tui.sources.takeout import ArchiveError

    console = ConsoleProgress(sys.stderr)  # the current stderr, not the one bound at import
    library: AsyncLibrary | None = None
    tokens: TokenSource | None = None
    usage: UsageMeter | None = None
    async with open_catalog(args, NAME) as catalog:
        takeout, source_notes = await _takeout_sources(catalog, args.from_takeout)
        if not args.no_download and not args.dry_run:
            library, tokens, usage = _google(catalog)
        try:
            report = await run_backup(
                catalog,
                args.dest,
                takeout=takeout,
                library=library,
                tokens=tokens,
                usage=usage,
                concurrency=max(1, args.concurrency),
                dry_run=args.dry_run,
                progress=console,
                xmp=not getattr(args, "no_xmp", False),
            )
        except (ArchiveError, AuthError) as exc:
            console.close()
            print(f"gphotos-tui: {exc}", file=sys.stderr)
            return 1
        finally:
            console.close()
    for note in [*source_notes, *report.notes]:
        print(f"note: {printable(note)}", file=sys.stderr)
    for error in report.errors[:20]:
        print(f"error: {printable(error)}", file=sys.stderr)
    if len(report.errors) > 20:
        print(f"... and {len(report.errors) - 20:,} more errors", file=sys.stderr)
    print(report.one_line())
    if report.stopped:
        print(
            f"gphotos-tui: backup stopped: {report.stopped}. Files finished so far are kept; "
            "run the same command again to continue.",
            file=sys.stderr,
        )
        return 2
    return 1 if report.errors else 0


async def _takeout_sources(catalog: Catalog, named: list[str]) -> tuple[list[str], list[str]]:
    """The parts named with --from-takeout, else the imported ones still in place (and notes on the others)."""
    if named:
        return named, []
    from gphotos_tui.backup.sources import recorded_takeout_parts

    return await recorded_takeout_parts(catalog)


def _google(catalog: Catalog) -> tuple[AsyncLibrary, TokenSource, UsageMeter] | tuple[None, None, None]:
    """Library client, token source and meter when signed in (or a token is set); else Nones."""
    from gphotos_tui.engine.clients import google_clients
    from gphotos_tui.google.errors import AuthError

    try:
        library, _picker, usage = google_clients(catalog)
        tokens = library.client.caller.tokens
    except AuthError:
        return None, None, None
    return library, tokens, usage
