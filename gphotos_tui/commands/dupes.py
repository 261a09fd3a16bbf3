"""gphotos-tui dupes: duplicate groups as JSON or CSV, a discard plan, local trash and undo."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gphotos_tui.commands.common import open_catalog

if TYPE_CHECKING:  # imported where used: `gphotos-tui --help` stays quick
    from gphotos_tui.analysis.duplicates.model import Group
    from gphotos_tui.analysis.duplicates.thumbnails import ThumbnailProvider
    from gphotos_tui.catalog import Catalog

NAME = "dupes"
EXIT_PAUSED = 75  # as `sync`: stopped by the daily quota, run again later
HELP = "find duplicate groups (exact, resized, thumbnail, raw_jpeg, heic_jpeg, edited, burst, near)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="groups as JSON (the default)")
    out.add_argument("--csv", action="store_true", help="one row per group member")
    out.add_argument("--plan", choices=("json", "csv"), help="the discard plan: every discard with its Google link")
    parser.add_argument("--no-hash", action="store_true", help="do not compute missing perceptual hashes")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="regroup the whole library (the groups are kept in the catalog and otherwise updated "
        "only where something changed)",
    )
    parser.add_argument(
        "--thumbnails",
        action="store_true",
        help="hash photos with no local bytes from 256-pixel thumbnails fetched from Google "
        "(Library API items; counts against the daily media quota)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        metavar="N",
        help="parallel thumbnail downloads with --thumbnails (default 4)",
    )
    parser.add_argument("--near-threshold", type=int, metavar="BITS", help="max pHash distance for near duplicates")
    parser.add_argument(
        "--trash", metavar="DIR", type=Path, help="move local copies of discards here (dry run unless --yes)"
    )
    parser.add_argument(
        "--root",
        metavar="DIR",
        type=Path,
        action="append",
        default=[],
        help="only move files inside this folder (repeatable; required with --trash)",
    )
    parser.add_argument("--yes", action="store_true", help="really move the files listed by the dry run")
    parser.add_argument("--undo", metavar="LOG", type=Path, help="move the files of an undo log back")
    parser.add_argument(
        "--review-album",
        metavar="TITLE",
        nargs="?",
        const="",
        help="put the discards into a new Google Photos album to review (default title: "
        "'Duplicates to review DATE'); only photos this app uploaded can be added, "
        "and sign-in needs `gphotos-tui auth --review-album`",
    )


def run(args: argparse.Namespace) -> int:

    from gphotos_tui.analysis.duplicates.actions import undo

    if args.undo:
        if not args.undo.is_file():
            print(f"no undo log at {args.undo}", file=sys.stderr)
            return 2
        restored, problems = undo(args.undo)
        for p in problems:
            print(p, file=sys.stderr)
        print(f"restored {restored} file(s)", file=sys.stderr)
        return 1 if problems else 0
    if args.review_album is not None and (args.trash or args.plan or args.csv):
        print("--review-album cannot be combined with --trash, --plan or --csv", file=sys.stderr)
        return 2
    if args.trash and not args.root:
        print("--trash needs at least one --root: the folders files may be moved from", file=sys.stderr)
        return 2
    if args.thumbnails and args.no_hash:
        print("--thumbnails fetches pictures to hash: it cannot be combined with --no-hash", file=sys.stderr)
        return 2
    if not 1 <= args.concurrency <= 16:
        print("--concurrency must be between 1 and 16", file=sys.stderr)
        return 2
    if args.near_threshold is not None and not 0 <= args.near_threshold <= 32:
        print("--near-threshold must be between 0 and 32 bits", file=sys.stderr)
        return 2
    from gphotos_tui.engine.runner import run_main  # SIGTERM stops the job like Ctrl-C

    return run_main(_run(args))


async def _run(args: argparse.Namespace) -> int:
    # Hashing, review albums, trash decisions and a rebuild of the kept groups write the catalog:
    # those runs hold the writer lock (read-only, --rebuild regrouped in memory and kept nothing).
    readonly = args.no_hash and not args.rebuild and args.review_album is None
    async with open_catalog(args, NAME, readonly=readonly) as catalog:
        return await _scan_and_act(args, catalog)


async def _scan_and_act(args: argparse.Namespace, catalog: Catalog, page_size: int | None = None) -> int:
    import time

    from gphotos_tui.analysis.duplicates import ScanResult, Settings, incremental, scan
    from gphotos_tui.analysis.duplicates.scan import GROUP_PAGE, is_writable, kept_group_pages
    from gphotos_tui.analysis.duplicates.store import count_not_trashed
    from gphotos_tui.catalog.dupe_groups import read_present_group_counts
    from gphotos_tui.engine.byte_sources import default_providers, provider_notes

    settings = Settings() if args.near_threshold is None else Settings(near_threshold=args.near_threshold)
    thumbs = None
    if args.thumbnails:
        thumbs = _thumbnail_provider(catalog, args.concurrency)
        if thumbs is None:
            return 1
    # The listings stream the kept groups a page at a time (bounded memory at a million items): a writable
    # catalog's, brought up to date by scan, or a read-only one's when they are current (nothing written since
    # they were kept). --trash and --review-album act on every group at once, and a read-only catalog whose
    # kept groups are missing or stale is grouped in memory by scan: those read the whole list.
    writable = is_writable(catalog)
    wanted = not args.trash and args.review_album is None
    started = time.perf_counter()
    kept_current = wanted and not writable and await incremental.is_current(catalog.reader, settings)
    streamed = wanted and (writable or kept_current)
    providers = [] if args.no_hash else [*default_providers(), *([thumbs] if thumbs else [])]
    try:
        if kept_current:  # nothing to hash (read-only) nor to regroup
            result = ScanResult([], seconds=time.perf_counter() - started)
        else:
            result = await scan(
                catalog,
                settings,
                providers=providers,
                progress=_progress_printer(),
                rebuild=args.rebuild,
                load_groups=not streamed,
            )
    finally:
        if thumbs is not None:
            await thumbs.aclose()
    if thumbs is not None:
        print(thumbs.report.one_line(), file=sys.stderr)
    if args.trash:
        return await _trash(catalog, result.groups, args)
    if args.review_album is not None:
        return await _review_album(catalog, result.groups, args.review_album)
    shown, items, hidden = len(result.groups), result.items, result.hidden
    if streamed:
        shown, hidden = await read_present_group_counts(catalog.reader)
        items = await count_not_trashed(catalog.reader)
    print(
        f"{shown:,} groups over {items:,} items ({result.hashed:,} newly hashed, "
        f"{hidden:,} marked not duplicates) in {result.seconds:.1f} s",
        file=sys.stderr,
    )
    for error in result.hash_errors[:5]:
        print(f"could not hash {error}", file=sys.stderr)
    for note in provider_notes(providers):
        print(f"note: {note}", file=sys.stderr)
    if thumbs is not None:
        for error in thumbs.report.errors[:5]:
            print(f"could not fetch a thumbnail of {error}", file=sys.stderr)
    out = listing_writer(args.plan or ("csv" if args.csv else "json"), bool(args.plan), sys.stdout.write)
    if streamed:
        async for page in kept_group_pages(catalog.reader, page_size or GROUP_PAGE):
            out.add(page)
    else:
        out.add(result.groups)
    out.close()
    if thumbs is not None and thumbs.report.stopped:
        print(f"gphotos-tui: thumbnails stopped: {thumbs.report.stopped}", file=sys.stderr)
        return EXIT_PAUSED
    return 0


class ListingWriter(Protocol):
    def add(self, groups: list[Group]) -> None: ...

    def close(self) -> None: ...


def listing_writer(fmt: str, plan: bool, write: Callable[[str], object]) -> ListingWriter:
    """What the command prints, given the groups a page at a time: byte for byte ``groups_json`` (as
    ``json.dumps(..., ensure_ascii=False, indent=1)`` and a newline), ``groups_csv``, or the plan
    (``plan_json`` and a newline, ``plan_csv``) of all the groups."""
    from gphotos_tui.analysis.duplicates.actions import PlanWriter

    if plan:
        return PlanWriter(fmt, write)
    return _GroupsCsv(write) if fmt == "csv" else _GroupsJson(write)


class _GroupsJson:
    def __init__(self, write: Callable[[str], object]):
        from gphotos_tui.analysis.duplicates.actions import JsonList

        self._write = write
        self._list = JsonList("groups", write)

    def add(self, groups: list[Group]) -> None:
        self._list.add(map(_group_entry, groups))

    def close(self) -> None:
        self._list.close()
        self._write("\n")


class _GroupsCsv:
    def __init__(self, write: Callable[[str], object]):
        self._write = write
        write(groups_csv([]))  # the header

    def add(self, groups: list[Group]) -> None:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(row for g in groups for row in _group_rows(g))
        self._write(out.getvalue())

    def close(self) -> None:
        pass


def _thumbnail_provider(catalog: Catalog, concurrency: int) -> ThumbnailProvider | None:
    """Thumbnails through the signed-in (or GPHOTOS_TUI_ACCESS_TOKEN) Library client; None after saying why not."""
    from gphotos_tui.analysis.duplicates.thumbnails import ThumbnailProvider
    from gphotos_tui.engine.clients import google_clients
    from gphotos_tui.google.errors import GoogleError

    try:
        library, _picker, usage = google_clients(catalog)
    except GoogleError as exc:
        print(f"gphotos-tui: --thumbnails needs Google: {exc} (sign in with `gphotos-tui auth`)", file=sys.stderr)
        return None
    return ThumbnailProvider(library, library.client.caller.tokens, usage, concurrency=concurrency)


def groups_json(groups: list[Group]) -> dict[str, Any]:
    return {"groups": [_group_entry(g) for g in groups]}


def _group_entry(g: Group) -> dict[str, Any]:
    return {
        "key": g.key,
        "kind": g.kind,
        "reason": g.reason,
        "items": [{"id": m.public_id, "filename": m.filename, "suggested": g.suggested(m.id)} for m in g.members],
    }


def groups_csv(groups: list[Group]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("group", "kind", "reason", "id", "filename", "suggested"))
    for g in groups:
        writer.writerows(_group_rows(g))
    return out.getvalue()


def _group_rows(g: Group) -> list[tuple[str, ...]]:
    return [(g.key, g.kind, g.reason, m.public_id, m.filename, g.suggested(m.id)) for m in g.members]


def _progress_printer() -> Callable[[str, int, int], None]:
    """Hashing progress on stderr, at most every few seconds (a big library takes a while)."""
    import time

    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == "hashing" and total and (now - last[0] >= 5 or done == total):
            last[0] = now
            print(f"hashing {done:,} of {total:,} photos", file=sys.stderr)

    return progress


async def _review_album(catalog: Catalog, groups: list[Group], title: str) -> int:
    from gphotos_tui.analysis.duplicates.review_album import (
        ReviewAlbumError,
        create_review_album,
        default_title,
        explain,
        review_plan,
    )
    from gphotos_tui.engine.clients import google_clients

    plan = await review_plan(catalog.reader, groups)
    print(plan.describe(), file=sys.stderr)
    if not plan.media_ids:
        print("no album created: nothing the Library API can add", file=sys.stderr)
        return 1
    try:
        library, _picker, usage = google_clients(catalog)
    except Exception as exc:  # not signed in, no client secret, ...
        print(explain(exc, "sign in"), file=sys.stderr)
        return 1
    try:
        album = await create_review_album(library, title or default_title(), plan)
    except ReviewAlbumError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        await usage.flush()
    print(album.describe(), file=sys.stderr)
    print(
        json.dumps(
            {
                "album": {"id": album.album_id, "title": album.title, "url": album.url, "added": album.added},
                "not_addressable": plan.not_addressable,
            },
            ensure_ascii=False,
        )
    )
    return 0


async def _trash(catalog: Catalog, groups: list[Group], args: argparse.Namespace) -> int:
    from gphotos_tui.analysis.duplicates.actions import dry_run, execute, plan_trash
    from gphotos_tui.catalog.local_files import paths_by_item

    paths = await paths_by_item(catalog)
    moves, skipped = plan_trash(groups, paths, args.root, args.trash)
    for line in dry_run(moves):
        print(line)
    for reason in skipped:
        print(f"skip {reason}", file=sys.stderr)
    if not args.yes:
        print(f"dry run: {len(moves)} file(s) would move; add --yes to move them", file=sys.stderr)
        return 0
    args.trash.mkdir(parents=True, exist_ok=True)
    log = args.trash / "undo-log.jsonl"
    moved = execute(moves, args.trash, log)
    print(f"moved {moved} file(s); undo with: gphotos-tui dupes --undo {log}", file=sys.stderr)
    return 0
