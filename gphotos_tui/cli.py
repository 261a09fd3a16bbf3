"""The ``gphotos-tui`` command.

With no subcommand it opens the terminal app; every capability also runs
headless (over SSH, from cron or systemd) as a subcommand registered in
``gphotos_tui.commands``. Headless commands never import Textual: the UI
package is imported only when the app is opened.

Start-up is kept light: the parser is built from the commands' specs (name and
help), and a command's module, with its arguments, is imported only when that
command is chosen. ``gphotos-tui --help`` and argument errors therefore import
no command module's dependencies (numpy, pyarrow, the Google clients, Textual).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from gphotos_tui import __version__
from gphotos_tui.commands import Command, command_specs
from gphotos_tui.commands.common import add_db_argument, db_path

if TYPE_CHECKING:
    _SubParsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    _SubParsers = argparse._SubParsersAction


class _LazySubParsers(_SubParsers):
    """Sub-parsers whose arguments are added (and module imported) only when their command is chosen."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.specs: dict[str, Command] = {}
        self.modules: dict[str, Any] = {}

    def load(self, name: str) -> Any:
        module = self.modules.get(name)
        if module is None:
            module = importlib.import_module(self.specs[name].module)
            parser = self._name_parser_map[name]
            add_db_argument(parser, subcommand=True)
            module.add_arguments(parser)
            self.modules[name] = module
        return module

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if values and values[0] in self.specs:
            self.load(values[0])
        super().__call__(parser, namespace, values, option_string)


def build_parser() -> tuple[argparse.ArgumentParser, _LazySubParsers]:
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
    parser.register("action", "lazy_parsers", _LazySubParsers)
    sub = cast(_LazySubParsers, parser.add_subparsers(dest="command", metavar="COMMAND", action="lazy_parsers"))
    for spec in command_specs():
        sub.add_parser(spec.name, help=spec.help, description=spec.help)
        sub.specs[spec.name] = spec
    return parser, sub


def main(argv: list[str] | None = None) -> int:
    parser, commands = build_parser()
    args = parser.parse_args(argv)
    from gphotos_tui.paths import tighten_app_dirs  # after parsing: --help and errors stay light

    tighten_app_dirs()  # catalog and tokens live there: owner-only, also when an older version made them 0755
    from gphotos_tui.gcpause import give_back_big_blocks

    give_back_big_blocks()  # big temporaries (a million-row column) leave the process when freed
    try:
        if args.command is None:
            return run_tui(args)
        code: int = commands.load(args.command).run(args)
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
    from gphotos_tui.paths import locations
    from gphotos_tui.ui.app import run_app  # the only place the UI is imported

    if args.demo:
        path = Path(args.db).expanduser() if args.db else locations().demo_catalog
        return run_app(path, demo_size=args.demo_size)
    return run_app(db_path(args))
