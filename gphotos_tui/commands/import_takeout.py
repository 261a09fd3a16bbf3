"""gphotos-tui import-takeout: read Google Takeout parts into the catalog."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from gphotos_tui.commands.common import open_catalog
from gphotos_tui.text import printable

if TYPE_CHECKING:  # imported where used: `gphotos-tui --help` stays quick
    from gphotos_tui.progress import JobProgress
    from gphotos_tui.sources.takeout.report import ImportReport

NAME = "import-takeout"
HELP = "import a Google Takeout (all .zip/.tgz parts or extracted folders together) into the catalog"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH", help="Takeout parts (.zip, .tgz) or extracted folders")
    parser.add_argument("--report", metavar="FILE", help="write the full JSON report (unmatched files, errors) here")
    parser.add_argument("--force", action="store_true", help="read the parts again even if this exact set was imported")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="read large zip sets in N processes (default 1: a second one did not pay on a shared 2-core VM)",
    )
    parser.add_argument("--no-hash", action="store_true", help="read only file headers; skip the SHA-256 of each file")


def run(args: argparse.Namespace) -> int:
    from gphotos_tui.engine.runner import run_main  # SIGTERM stops the job like Ctrl-C

    return run_main(_import(args))


class _StderrProgress:
    """A live line on a terminal, or a plain line every few seconds when stderr is a file or pipe."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, p: JobProgress) -> None:
        now = time.monotonic()
        final = p.state.value != "running"
        if not final and now - self.last < (0.2 if self.tty else 5.0):
            return
        self.last = now
        line = f"{p.message}  ({p.rate:,.0f}/s, {p.errors:,} errors)" if not final else p.message
        if self.tty:
            print(f"\r\033[K{line}", end="\n" if final else "", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)


async def _import(args: argparse.Namespace) -> int:
    from gphotos_tui.sources.takeout import ArchiveError, import_takeout

    try:
        async with open_catalog(args, NAME) as catalog:
            report = await import_takeout(
                catalog,
                args.paths,
                progress=_StderrProgress(),
                hash_content=not args.no_hash,
                force=args.force,
                workers=None if args.workers is None else max(1, args.workers),
            )
            from gphotos_tui.analysis.duplicates.incremental import refresh_if_kept

            await refresh_if_kept(catalog)  # stored duplicate groups: only what this import touched
    except ArchiveError as exc:
        print(f"gphotos-tui: {printable(str(exc))}", file=sys.stderr)
        return 1
    if args.report:
        report.write(args.report)
    for problem in report.problems:
        print(f"warning: {printable(problem)}", file=sys.stderr)
    print(summary_text(report, args.report))
    return 0


def summary_text(report: ImportReport, report_path: str | None = None) -> str:
    if report.already_imported:
        head = f"already imported (same {len(report.parts)} part(s)): nothing changed; --force reads them again"
    else:
        head = (
            f"{report.items:,} items ({report.inserted:,} new, {report.updated:,} updated, "
            f"{report.unchanged:,} unchanged) from {report.media_files:,} files in {len(report.parts)} part(s)"
        )
    lines = [
        head,
        f"albums: {report.albums:,}, album links: {report.memberships:,}",
        f"matched: {report.matched_files:,} of {report.media_files:,} files ({report.matched_pct}%)",
        "by rule: " + ", ".join(f"{rule} {count:,}" for rule, count in report.by_rule.items()),
        "capture time from: " + ", ".join(f"{src} {count:,}" for src, count in report.time_sources.items()),
    ]
    if not report.already_imported:
        lines.append(
            f"unmatched files: {len(report.unmatched_media):,}, orphan sidecars: {len(report.orphan_sidecars):,}"
        )
        lines.append(
            f"errors: {len(report.errors):,}" + (f" (see {report_path})" if report_path and report.errors else "")
        )
    if report.seconds:
        lines.append(f"took {report.seconds:.1f} s ({report.items / max(report.seconds, 1e-9):,.0f} items/s)")
    return "\n".join(lines)
