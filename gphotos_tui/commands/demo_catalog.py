"""gphotos-tui demo-catalog: write a synthetic library into a catalog, headless."""

from __future__ import annotations

import argparse
import sys

from gphotos_tui.commands.common import open_catalog

NAME = "demo-catalog"
HELP = "write a synthetic library into a catalog (needs --db; never your own catalog)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--size", type=int, default=2000, metavar="N")
    parser.add_argument("--seed", type=int, default=42)


def run(args: argparse.Namespace) -> int:

    if not args.db:
        print("gphotos-tui: demo-catalog needs --db PATH (it never writes into your own catalog)", file=sys.stderr)
        return 2
    from gphotos_tui.engine.runner import run_main  # SIGTERM stops the job like Ctrl-C

    return run_main(_fill(args))


async def _fill(args: argparse.Namespace) -> int:
    from gphotos_tui.demo.job import fill_demo

    async with open_catalog(args, NAME) as catalog:
        report = await fill_demo(catalog, args.size, args.seed, page_size=1000)
    print(f"{report.items:,} demo items in {args.db}")
    return 0
