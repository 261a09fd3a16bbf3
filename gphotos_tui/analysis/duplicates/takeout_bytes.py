"""Bytes to hash straight from the imported Takeout parts that are still where they were imported from.

No extraction and one open per part: the provider reads each zip part's
central directory once (in this process) and gives every job the member's
record, so a worker reads the entry with ``pread`` from a part it opened
once (``_open_parts``, per process); jobs come sorted by their offset in the
part, i.e. in archive order. A .tgz cannot seek, so each worker keeps a
cursor that walks the part forwards (``TarCursor``). Extracted folders are
plain files. Parts that are gone or changed are reported in ``notes``, with
how to point at their new place.
"""

from __future__ import annotations

import asyncio
import os
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import aiosqlite

from gphotos_tui.analysis.duplicates.hashing import HashJob
from gphotos_tui.analysis.duplicates.providers import FileLoader
from gphotos_tui.catalog.takeout_parts import PartRecord, all_parts, member_locations
from gphotos_tui.sources.takeout.archive import (
    Part,
    TarCursor,
    ZipMember,
    open_zip_member,
    read_zip_member,
    safe_name,
    zip_directory,
)

_KEEP_OPEN = 16  # parts a process keeps open at once (a Takeout has a few dozen at most)
_lock = threading.Lock()
_open_parts: OrderedDict[str, int] = OrderedDict()  # zip part path -> fd, per process
# Parsed central directories by (path, size, mtime), shared by providers: a preview in the app asks for one
# item at a time, and re-reading a 50 GB part's directory for each would cost a noticeable moment.
_KEEP_DIRECTORIES = 8
_directories: OrderedDict[tuple[str, int, int | None], dict[str, ZipMember]] = OrderedDict()
_cursors: OrderedDict[str, tuple[TarCursor, threading.Lock]] = OrderedDict()  # tgz part path -> cursor


def _part_fd(path: str) -> int:
    with _lock:
        fd = _open_parts.get(path)
        if fd is not None:
            _open_parts.move_to_end(path)
            return fd
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        _open_parts[path] = fd
        while len(_open_parts) > _KEEP_OPEN:
            os.close(_open_parts.popitem(last=False)[1])
        return fd


def close_parts() -> None:
    """Close what this process keeps open (tests; the app's process keeps them while it runs)."""
    with _lock:
        while _open_parts:
            os.close(_open_parts.popitem()[1])
        while _cursors:
            _cursors.popitem()[1][0].close()


@dataclass(frozen=True, slots=True)
class ZipMemberLoader:
    """One entry of a zip part, read in place (picklable: the part's path and the entry's directory record)."""

    archive: str
    member: ZipMember

    def __call__(self) -> bytes:
        # No CRC-32 here: the import checked every entry's, the size is still checked, and a decoder
        # reading damaged bytes fails on its own; it was 2% of hashing a photo.
        return read_zip_member(_part_fd(self.archive), self.member, verify=False)

    def open(self) -> tuple[BinaryIO, int]:
        """The entry as a seekable file (previews read an embedded JPEG, not the whole entry), and its size."""
        return open_zip_member(_part_fd(self.archive), self.member), self.member.file_size


@dataclass(frozen=True, slots=True)
class TarMemberLoader:
    """One entry of a .tgz part, from this process's forward cursor over it."""

    archive: str
    member: str

    def __call__(self) -> bytes:
        with _lock:
            found = _cursors.get(self.archive)
            if found is None:
                found = _cursors[self.archive] = (TarCursor(self.archive), threading.Lock())
                while len(_cursors) > _KEEP_OPEN:
                    _cursors.popitem(last=False)[1][0].close()
        cursor, lock = found
        with lock:
            return cursor.read(self.member)


class TakeoutPartsProvider:
    """Takeout items' bytes from their parts (``takeout_parts``), for hashing and previews."""

    origin = "takeout"

    def __init__(self) -> None:
        self._parts: dict[tuple[int, str], PartRecord] | None = None
        self._gone: dict[tuple[int, str], tuple[PartRecord, str]] = {}
        self._directories: dict[str, dict[str, ZipMember]] = {}
        self.unreachable = 0  # photos whose only parts are gone
        self.unreadable: list[str] = []  # parts that are there but cannot be listed

    async def _load(self, conn: aiosqlite.Connection) -> dict[tuple[int, str], PartRecord]:
        if self._parts is None:
            records = await all_parts(conn)
            states = await asyncio.to_thread(lambda: [r.state() for r in records])
            self._parts = {}
            for record, state in zip(records, states, strict=True):
                if state == "present":
                    self._parts[(record.source_id, record.label)] = record
                else:
                    self._gone[(record.source_id, record.label)] = (record, state)
        return self._parts

    async def _directory(self, record: PartRecord) -> dict[str, ZipMember]:
        key = (record.path, record.size, record.mtime)
        found = self._directories.get(record.path) or _directories.get(key)
        if found is None:
            try:
                members = await asyncio.to_thread(zip_directory, Part(Path(record.path), "zip", record.size))
            except (OSError, ValueError, zipfile.BadZipFile) as exc:
                self.unreadable.append(f"{record.path}: {exc}")
                members = []
            found = {}
            for m in members:
                if not m.is_dir():
                    found[m.filename] = m
                    safe = safe_name(m.filename)[0]
                    if safe is not None and safe != m.filename:
                        found.setdefault(safe, m)
            _directories[key] = found
            while len(_directories) > _KEEP_DIRECTORIES:
                _directories.popitem(last=False)
        self._directories[record.path] = found
        return found

    async def jobs(self, conn: aiosqlite.Connection, wanted: Sequence[tuple[int, str, str]]) -> list[HashJob]:
        ids = sorted({w[0] for w in wanted if w[1] == "takeout"})
        if not ids:
            return []
        parts = await self._load(conn)
        located = await member_locations(conn, ids)
        keyed: list[tuple[tuple[Any, ...], HashJob]] = []
        for item_id in ids:
            places = located.get(item_id, [])
            job = None
            for source_id, label, member in places:
                record = parts.get((source_id, label))
                if record is None:
                    continue
                if record.kind == "zip":
                    info = (await self._directory(record)).get(member)
                    if info is not None:
                        job = ((record.path, info.header_offset), HashJob(item_id, ZipMemberLoader(record.path, info)))
                elif record.kind == "tgz":
                    job = ((record.path, item_id), HashJob(item_id, TarMemberLoader(record.path, member)))
                else:  # an extracted folder: entry paths start with the folder's own name
                    path = os.path.join(os.path.dirname(record.path), *member.split("/"))
                    job = ((record.path, item_id), HashJob(item_id, FileLoader(path)))
                if job is not None:
                    break
            if job is not None:
                keyed.append(job)
            elif places:
                self.unreachable += 1
        keyed.sort(key=lambda kj: kj[0])  # archive order within each part
        return [job for _, job in keyed]

    @property
    def notes(self) -> list[str]:
        """What the user should know: parts that moved or changed, and how to point at their new place."""
        notes = [f"cannot read Takeout part {problem}" for problem in self.unreadable]
        if self._gone and self.unreachable:
            gone = sorted(self._gone.values(), key=lambda rs: rs[0].path)
            listed = ", ".join(
                f"{r.path}" + (" (changed since the import)" if state == "changed" else "") for r, state in gone[:5]
            )
            more = f" and {len(gone) - 5} more" if len(gone) > 5 else ""
            notes.append(
                f"{self.unreachable:,} photos could not be hashed: their Takeout part{'s are' if len(gone) > 1 else ' is'}"
                f" no longer where {'they were' if len(gone) > 1 else 'it was'} imported from ({listed}{more}). "
                "If you moved them, point at the new place with `gphotos-tui import-takeout PART...` "
                "(the same parts are recognised: nothing is imported twice, only where they are is recorded)."
            )
        return notes
