"""gphotos-tui report: the Stats screen's charts as one self-contained HTML page to keep or share."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gphotos_tui.commands.common import db_path
from gphotos_tui.commands.stats import add_filter_arguments, filters_from

NAME = "report"
HELP = "write a self-contained HTML report (every chart, a year in review, places by name) to share or keep"


def _year(text: str) -> int:
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"not a year (YYYY): {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output", "-o", type=Path, metavar="FILE.html", help="where to write it (default: ./gphotos-report.html)"
    )
    parser.add_argument("--year", type=_year, metavar="YYYY", help="only this year: a year in review")
    parser.add_argument(
        "--precise",
        action="store_true",
        help="also show each place's coordinates (left out by default: the page is meant to be shared)",
    )
    add_filter_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from gphotos_tui.report import DEFAULT_NAME, write_report

    output = args.output or Path(DEFAULT_NAME)
    if output.exists() and output.is_dir():
        output = output / DEFAULT_NAME
    written = write_report(
        db_path(args), output, filters_from(args), year=args.year, precise=args.precise, fresh=args.fresh
    )
    print(written.path)
    print(
        f"report of {written.items:,} items over {written.years} years: {written.bytes / 1e6:.2f} MB "
        f"in {written.seconds:.2f} s; open {written.url}",
        file=sys.stderr,
    )
    return 0
