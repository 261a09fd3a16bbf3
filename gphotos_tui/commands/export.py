"""gphotos-tui export: one record per media item, JSONL or CSV."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gphotos_tui.commands.common import db_path

NAME = "export"
HELP = "write one record per media item as JSONL or CSV"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")


def run(args: argparse.Namespace) -> int:
    import asyncio  # here, not at import: argument errors stay instant

    return asyncio.run(_export(args))


async def _export(args: argparse.Namespace) -> int:
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.catalog.export import export_catalog

    catalog = await Catalog.open(db_path(args), readonly=True)
    try:
        if args.output:
            target = Path(args.output)
            tmp = target.with_name(f".{target.name}.partial")
            with open(tmp, "w", encoding="utf-8", newline="") as out:
                count = await export_catalog(catalog.reader, out, args.format)
            os.replace(tmp, target)  # never leave a half-written export behind
            print(f"exported {count:,} items to {target}", file=sys.stderr)
        else:
            await export_catalog(catalog.reader, sys.stdout, args.format)
    finally:
        await catalog.close()
    return 0
