"""gphotos-tui pick: open a Picker session, wait while you pick photos, then catalog them."""

from __future__ import annotations

import argparse
import sys

from gphotos_tui.commands.common import db_path

NAME = "pick"
HELP = "pick photos in Google Photos (Picker API) and add them to the catalog"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-items", type=int, default=None, metavar="N", help="at most N items (Google's cap is 2000)"
    )
    parser.add_argument("--no-qr", action="store_true", help="print the link without a QR code")


def run(args: argparse.Namespace) -> int:
    from gphotos_tui.engine.google_jobs import pick_photos
    from gphotos_tui.engine.runner import run_headless

    if args.max_items is not None and not 1 <= args.max_items <= 2000:
        print("gphotos-tui: --max-items must be between 1 and 2000", file=sys.stderr)
        return 2
    return run_headless(
        db_path(args),
        lambda catalog, clients, progress: pick_photos(
            clients, catalog, progress, lambda uri, seconds: _show_link(args, uri, seconds), max_items=args.max_items
        ),
        NAME,
    )


def _show_link(args: argparse.Namespace, uri: str, seconds: float | None) -> None:
    from gphotos_tui.engine.picker import expiry_text
    from gphotos_tui.google.qr import qr_text

    print("\nOpen this link (signed in to the same Google account) and pick your photos:", file=sys.stderr)
    print(f"  {uri}", file=sys.stderr)
    if not args.no_qr:
        print(qr_text(uri), file=sys.stderr)
    if seconds:
        print(f"The session expires at {expiry_text(seconds)}.", file=sys.stderr)
