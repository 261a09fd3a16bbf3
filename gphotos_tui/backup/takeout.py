"""Backup from Takeout archives: entries streamed straight from the .zip/.tgz into DEST.

The parts are catalogued with the importer's own ``plan()`` (headers only,
no hashing), so items get the same external ids the import gave them and
one item's copies in year and album folders collapse into one file. Then
each part is walked once more and every wanted entry is copied as it
streams past; nothing is extracted anywhere else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from gphotos_tui.backup.copier import EntryDamaged, UnsafeTemp, copy_stream, part_path
from gphotos_tui.backup.destination import Destination
from gphotos_tui.backup.layout import Target, companion_path, month_folder, place
from gphotos_tui.backup.names import NameAllocator, UnsafePath
from gphotos_tui.sources.takeout.archive import ArchiveError, Part, fingerprint, open_parts, walk_part
from gphotos_tui.sources.takeout.catalogue import folder_key
from gphotos_tui.sources.takeout.importer import plan
from gphotos_tui.text import printable


class BackupCancelled(Exception):
    """Raised inside the copying thread when the job is cancelled."""


@dataclass(slots=True)
class TakeoutSet:
    parts: list[Part]
    ref: str  # the import's source ref, "takeout:<fingerprint>"
    targets: dict[str, Target]  # entry key "<folder>/<name>" -> where its bytes go
    items: list[Target]  # one per item (companions included), in name-allocation order
    problems: list[str] = field(default_factory=list)


def plan_takeout(paths: list[str | Path], allocator: NameAllocator, stop: threading.Event | None = None) -> TakeoutSet:
    """Catalogue the parts and give every item its place; ``stop`` set (a cancelled job) ends the reading early."""
    parts, problems = open_parts(paths)
    if not parts:
        raise ArchiveError("no Takeout parts to read: " + ("; ".join(problems) or "give .zip/.tgz files or folders"))

    def check(_cat: object, _part: object) -> None:
        if stop is not None and stop.is_set():
            raise BackupCancelled()

    work = plan(parts, hash_content=False, on_entry=check)
    problems += [f"{e['entry']}: {e['error']}" for e in work.report.errors]
    targets: dict[str, Target] = {}
    items: list[Target] = []
    folders: dict[str, str] = {}
    for key in sorted(work.built, key=lambda k: (k.endswith("~edited"), k)):  # originals first
        built = work.built[key]
        record = built.record
        base = key.removesuffix("~edited")
        folder = folders.get(base) or month_folder(record.taken_at, record.utc_offset_min)
        folders.setdefault(key, folder)  # an edited copy goes next to its original
        titles = sorted(work.albums[a].title for a in built.albums if a in work.albums)
        main = Target(
            place(allocator, folder, record.filename),
            record.taken_at,
            None,
            "original",
            f"takeout:{key}",
            titles,
            match_key=record.match_key,
        )
        items.append(main)
        for path in built.paths:
            targets.setdefault(path, main)
        for companion in built.companions:
            extra = Target(
                companion_path(allocator, main.relpath, companion.rpartition("/")[2]),
                record.taken_at,
                None,
                "original",
                f"takeout:{key}",
                titles,
            )
            items.append(extra)
            targets.setdefault(companion, extra)
    return TakeoutSet(parts, f"takeout:{fingerprint(parts)}", targets, items, problems)


@dataclass(slots=True)
class Copied:
    target: Target
    size: int
    sha256: str | None
    skipped: bool  # already there: recorded by an earlier run, or an identical file adopted


def copy_takeout(
    tset: TakeoutSet,
    dest: Destination,
    on_copied: Callable[[Copied], None],
    on_error: Callable[[str, str], None],
    stop: threading.Event,
    on_note: Callable[[str], None] = lambda _note: None,
) -> None:
    """Walk every part and copy each wanted entry once; runs in a worker thread."""
    done: set[str] = set()

    for part in tset.parts:
        seen: set[str] = set()

        def visit(name: str, size: int, stream: BinaryIO, part: Part = part, seen: set[str] = seen) -> None:
            if stop.is_set():
                raise BackupCancelled()
            if name in seen:
                on_note(
                    f"{part.label}: {printable(name)} appears more than once in the archive; the first copy is kept"
                )
                return
            seen.add(name)
            folder, filename = folder_key(name)
            target = tset.targets.get(f"{folder}/{filename}")
            if target is None or target.relpath in done:
                return  # not media, or a copy of an item already written (album folders)
            target.size = size
            where = f"{part.label}: {printable(name)}"
            if dest.is_done(target.relpath, size):
                done.add(target.relpath)
                on_copied(Copied(target, size, None, True))
                return
            try:
                out = dest.path(target.relpath)
                written, digest = copy_stream(_Stoppable(stream, stop), out, size, target.taken_at)
                placed = dest.place(part_path(out), target.relpath, digest, written)
            except (EntryDamaged, UnsafePath, UnsafeTemp) as exc:
                on_error(where, str(exc))
                return
            done.add(target.relpath)
            target.relpath = placed.relpath
            done.add(target.relpath)
            on_copied(Copied(target, written, digest, placed.adopted))

        walk_part(part, visit, on_error, on_note=on_note)


class _Stoppable:
    """A stream that ends the copy of a long entry (a video of gigabytes) as soon as the job is cancelled."""

    def __init__(self, stream: BinaryIO, stop: threading.Event):
        self._stream = stream
        self._stop = stop

    def read(self, n: int = -1) -> bytes:
        if self._stop.is_set():
            raise BackupCancelled()
        return self._stream.read(n)
