"""The ``gphotos-tui`` command.

With no subcommand it opens the terminal app; every capability also runs
headless (over SSH, from cron or systemd). Headless commands never import
Textual: the UI package is imported only when the app is opened.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

from gphotos_tui import __version__
from gphotos_tui.paths import locations


def _db_path(args: argparse.Namespace) -> Path:
    return Path(args.db).expanduser() if args.db else locations().catalog


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="catalog file (default: the platform data dir, or $GPHOTOS_TUI_HOME)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gphotos-tui",
        description="Take stock of a Google Photos library: a local SQLite catalog and a terminal app to explore it.",
    )
    parser.add_argument("--version", action="version", version=f"gphotos-tui {__version__}")
    _add_db(parser)
    parser.add_argument("--demo", action="store_true", help="open the app on a demo library that fills live (never your catalog)")
    parser.add_argument("--demo-size", type=int, default=2000, metavar="N", help="items in the demo library (default 2000)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    export = sub.add_parser("export", help="write one record per media item as JSONL or CSV")
    _add_db(export)
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")

    demo = sub.add_parser("demo-catalog", help="write a synthetic library into a catalog, headless")
    _add_db(demo)
    demo.add_argument("--size", type=int, default=2000, metavar="N")
    demo.add_argument("--seed", type=int, default=42)

    sub.add_parser("locate", help="print where the catalog, config, cache and tokens live")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return run_tui(args)
        if args.command == "export":
            return asyncio.run(_export(args))
        if args.command == "demo-catalog":
            return asyncio.run(_demo_catalog(args))
        if args.command == "locate":
            return _locate(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: a message, not a traceback
        from gphotos_tui.catalog import CatalogError

        if isinstance(exc, (CatalogError, OSError, ValueError)):
            print(f"gphotos-tui: {exc}", file=sys.stderr)
            return 1
        raise
    return 2


def run_tui(args: argparse.Namespace) -> int:
    from gphotos_tui.ui.app import run_app  # the only place the UI is imported

    if args.demo:
        demo_path = locations().demo_catalog
        if args.db:
            demo_path = Path(args.db).expanduser()
        return run_app(demo_path, demo_size=args.demo_size)
    return run_app(_db_path(args))


async def _export(args: argparse.Namespace) -> int:
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.catalog.export import export_catalog

    catalog = await Catalog.open(_db_path(args), readonly=True)
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


async def _demo_catalog(args: argparse.Namespace) -> int:
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.demo.job import fill_demo

    if not args.db:
        print("gphotos-tui: demo-catalog needs --db PATH (it never writes into your own catalog)", file=sys.stderr)
        return 2
    catalog = await Catalog.open(_db_path(args))
    try:
        report = await fill_demo(catalog, args.size, args.seed, page_size=1000)
    finally:
        await catalog.close()
    print(f"{report.items:,} demo items in {args.db}")
    return 0


def _locate(args: argparse.Namespace) -> int:
    loc = locations()
    print(f"catalog: {_db_path(args)}")
    print(f"config:  {loc.config_file}")
    print(f"cache:   {loc.cache_dir}")
    print(f"tokens:  {loc.tokens}")
    return 0
