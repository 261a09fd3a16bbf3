"""The ``gphotos-tui`` command.

With no subcommand it opens the terminal app; every capability also runs
headless (over SSH, from cron or systemd) as a subcommand registered in
``gphotos_tui.commands``. Headless commands never import Textual: the UI
package is imported only when the app is opened.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from gphotos_tui import __version__
from gphotos_tui.commands import COMMANDS
from gphotos_tui.commands.common import add_db_argument, db_path
from gphotos_tui.paths import locations, tighten_app_dirs


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Any]]:
    parser = argparse.ArgumentParser(
        prog="gphotos-tui",
        description="Take stock of a Google Photos library: a local SQLite catalog and a terminal app to explore it.",
    )
    parser.add_argument("--version", action="version", version=f"gphotos-tui {__version__}")
    add_db_argument(parser)
    parser.add_argument(
        "--demo", action="store_true", help="open the app on a demo library that fills live (never your catalog)"
    )
    parser.add_argument(
        "--demo-size", type=int, default=2000, metavar="N", help="items in the demo library (default 2000)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(name)
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        add_db_argument(command, subcommand=True)
        module.add_arguments(command)
        modules[module.NAME] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    tighten_app_dirs()  # catalog and tokens live there: owner-only, also when an older version made them 0755
    try:
        if args.command is None:
            return run_tui(args)
        code: int = modules[args.command].run(args)
        return code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: a message, not a traceback
        import sqlite3

        from gphotos_tui.catalog import CatalogError
        from gphotos_tui.text import printable

        if isinstance(exc, sqlite3.Error):
            print(f"gphotos-tui: catalog error ({db_path(args)}): {printable(str(exc))}", file=sys.stderr)
            return 1
        if isinstance(exc, (CatalogError, OSError, ValueError)):
            print(f"gphotos-tui: {printable(str(exc))}", file=sys.stderr)
            return 1
        raise


def run_tui(args: argparse.Namespace) -> int:
    from gphotos_tui.ui.app import run_app  # the only place the UI is imported

    if args.demo:
        path = Path(args.db).expanduser() if args.db else locations().demo_catalog
        return run_app(path, demo_size=args.demo_size)
    return run_app(db_path(args))
