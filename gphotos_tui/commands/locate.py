"""gphotos-tui locate: where the catalog, config, cache and tokens live."""

from __future__ import annotations

import argparse

from gphotos_tui.commands.common import db_path
from gphotos_tui.paths import locations

NAME = "locate"
HELP = "print where the catalog, config, cache and tokens live"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    loc = locations()
    print(f"catalog: {db_path(args)}")
    print(f"config:  {loc.config_file}")
    print(f"cache:   {loc.cache_dir}")
    print(f"tokens:  {loc.tokens}")
    return 0
