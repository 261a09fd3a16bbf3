"""gphotos-tui stats: the Stats screen's aggregates, as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from gphotos_tui.commands.common import db_path

if TYPE_CHECKING:  # imported where used: `gphotos-tui --help` stays quick
    from gphotos_tui.analysis.stats import CatalogStats
    from gphotos_tui.analysis.stats_filters import Filters

NAME = "stats"
HELP = (
    "shooting statistics of the catalog (what the Stats screen draws); --json for every aggregate, with complete lists"
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print every aggregate as one JSON object")
    add_filter_arguments(parser)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """The Stats screen's filters, shared with ``report``."""
    parser.add_argument(
        "--from", dest="date_from", type=_day, metavar="YYYY-MM-DD", help="first capture day (local time where known)"
    )
    parser.add_argument("--to", dest="date_to", type=_day, metavar="YYYY-MM-DD", help="last capture day, inclusive")
    parser.add_argument("--camera", metavar="TEXT", help="camera make or model contains TEXT (any case)")
    parser.add_argument("--album", metavar="TEXT", help="in an album whose title contains TEXT (any case)")
    parser.add_argument("--type", dest="media_type", choices=("photo", "video"), help="only photos or only videos")
    parser.add_argument(
        "--source", metavar="KIND", help="seen by this source kind: takeout, picker, library, folder, demo"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="read the catalog again, ignoring the cached snapshot and results"
    )


def filters_from(args: argparse.Namespace) -> Filters:
    from gphotos_tui.analysis.stats_filters import Filters

    return Filters(args.date_from, args.date_to, args.camera, args.album, args.media_type, args.source)


def run(args: argparse.Namespace) -> int:
    filters = filters_from(args)
    if not args.fresh and args.json:
        from gphotos_tui.analysis.stats_cache import cached_result

        # An unchanged catalog answers from the result cache before numpy, asyncio or the catalog's own
        # connections are even imported: a new process pays only for the interpreter.
        found = cached_result(db_path(args), filters)
        if found is not None:
            sys.stdout.write(json.dumps(found, ensure_ascii=False) + "\n")
            print(f"stats for {filters.describe()} (cached)", file=sys.stderr)
            return 0
    import asyncio  # here, not at import: argument errors and cached answers stay instant

    stats, cached = asyncio.run(_compute(args, filters))
    if args.json:
        # dumps, not dump: json.dump encodes in Python chunk by chunk, dumps in C at once
        sys.stdout.write(json.dumps(stats.as_json(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(summary(stats))
    note = "cached" if cached else f"computed in {stats.seconds:.2f} s"
    print(f"stats for {filters.describe()} ({note})", file=sys.stderr)
    return 0


async def _compute(args: argparse.Namespace, filters: Filters) -> tuple[CatalogStats, bool]:
    from gphotos_tui.analysis.stats_cache import stats_for_catalog

    return await stats_for_catalog(db_path(args), filters, fresh=args.fresh)


def summary(stats: CatalogStats) -> str:
    """A few readable lines; --json has everything."""
    from gphotos_tui import units

    lines = [
        f"{stats.total:,} items: {stats.photos:,} photos, {stats.videos:,} videos, {stats.favorites:,} favourites"
        + (f", {stats.undated:,} undated" if stats.undated else ""),
        f"times: {stats.time_basis}",
    ]
    if stats.by_year:
        lines.append("per year: " + ", ".join(f"{y} {n:,}" for y, n in stats.by_year.items()))
    if stats.cameras:
        more = f" and {len(stats.cameras) - 8} more" if len(stats.cameras) > 8 else ""
        lines.append("cameras: " + ", ".join(f"{c['label']} {c['count']:,}" for c in stats.cameras[:8]) + more)
    if stats.lenses:
        lines.append("lenses: " + ", ".join(f"{c['lens']} {c['count']:,}" for c in stats.lenses[:5]))
    for title, series in (("apertures", stats.apertures), ("ISO", stats.isos), ("shutter", stats.exposures)):
        top = sorted((b for b in series if b["count"]), key=lambda b: -b["count"])[:5]
        if top:
            lines.append(f"{title}: " + ", ".join(f"{b['bucket']} {b['count']:,}" for b in top))
    if stats.storage_known:
        lines.append(f"storage: {units.size_bytes(stats.storage_bytes)} in {stats.storage_known:,} items of known size")
    if stats.places:
        lines.append("places: " + ", ".join(f"{p['label']} {p['count']:,}" for p in stats.places[:5]))
    return "\n".join(lines) + "\n"
