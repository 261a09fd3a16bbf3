"""Headless subcommands of ``gphotos-tui``, one module each.

A command module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; add it to ``COMMANDS`` to register it. None of them may
import Textual.
"""

COMMANDS: tuple[str, ...] = (
    "gphotos_tui.commands.export",
    "gphotos_tui.commands.demo_catalog",
    "gphotos_tui.commands.locate",
    "gphotos_tui.commands.dupes",
    "gphotos_tui.commands.import_takeout",
    "gphotos_tui.commands.sync",
    "gphotos_tui.commands.pick",
    "gphotos_tui.commands.auth",
    "gphotos_tui.commands.stats",
    "gphotos_tui.commands.report",
    "gphotos_tui.commands.scan_folder",
    "gphotos_tui.commands.backup",
)
