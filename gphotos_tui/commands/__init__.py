"""Headless subcommands of ``gphotos-tui``, one module each.

A command module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; add a ``Command`` for it to ``COMMANDS`` to register it.
None of them may import Textual, and none may import heavy libraries (numpy,
pyarrow, the Google clients) at module level: ``gphotos-tui --help`` is built
from the specs below alone, and only the module of the command that runs (or
whose ``--help`` is asked for) is imported. A test keeps each spec's name and
help equal to its module's.
"""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    name: str
    module: str
    help: str


COMMANDS: tuple[Command | str, ...] = (
    Command("export", "gphotos_tui.commands.export", "write one record per media item as JSONL or CSV"),
    Command(
        "demo-catalog",
        "gphotos_tui.commands.demo_catalog",
        "write a synthetic library into a catalog (needs --db; never your own catalog)",
    ),
    Command("locate", "gphotos_tui.commands.locate", "print where the catalog, config, cache and tokens live"),
    Command(
        "dupes",
        "gphotos_tui.commands.dupes",
        "find duplicate groups (exact, resized, thumbnail, raw_jpeg, heic_jpeg, edited, burst, near)",
    ),
    Command(
        "import-takeout",
        "gphotos_tui.commands.import_takeout",
        "import a Google Takeout (all .zip/.tgz parts or extracted folders together) into the catalog",
    ),
    Command(
        "sync",
        "gphotos_tui.commands.sync",
        "sync the Library API (items this app created) into the catalog; resumable",
    ),
    Command(
        "pick", "gphotos_tui.commands.pick", "pick photos in Google Photos (Picker API) and add them to the catalog"
    ),
    Command(
        "auth",
        "gphotos_tui.commands.auth",
        "sign in to Google Photos (browser, ssh -L tunnel or paste-back), show --status or --revoke",
    ),
    Command(
        "stats",
        "gphotos_tui.commands.stats",
        "shooting statistics of the catalog (what the Stats screen draws); --json for every aggregate, with complete lists",
    ),
    Command(
        "report",
        "gphotos_tui.commands.report",
        "write a self-contained HTML report (every chart, a year in review, places by name) to share or keep",
    ),
    Command(
        "scan-folder",
        "gphotos_tui.commands.scan_folder",
        "index a local folder of photos (EXIF, size, SHA-256) and show which Google items you have locally",
    ),
    Command(
        "backup",
        "gphotos_tui.commands.backup",
        "copy originals from Takeout archives (and download Picker/Library items) into DEST/YYYY/MM/",
    ),
)


def command_specs() -> list[Command]:
    """Every registered command; a bare module path (the older registration) is imported for its spec."""
    import importlib

    specs = []
    for entry in COMMANDS:
        if isinstance(entry, str):
            module = importlib.import_module(entry)
            entry = Command(module.NAME, entry, module.HELP)
        specs.append(entry)
    return specs
