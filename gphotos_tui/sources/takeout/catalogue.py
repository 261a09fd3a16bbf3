"""The first pass: catalogue every entry of every part before matching anything.

Sidecars and media of one folder can sit in different parts (takeout.md §2),
so entries are gathered per folder across all parts. Only what matching and
the catalog need is kept: the parsed sidecar, the header metadata and the
content hash, never the bytes.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from gphotos_tui.exif import HEAD_BYTES, Metadata, MetadataError, read_metadata
from gphotos_tui.sources.takeout import names
from gphotos_tui.sources.takeout.archive import Part, walk_part, zip_entry_count
from gphotos_tui.sources.takeout.sidecar import (
    AlbumMeta,
    Sidecar,
    SidecarError,
    album_metadata,
    is_media_sidecar,
    media_sidecar,
    parse_json,
)

MAX_JSON_BYTES = 16 * 1024 * 1024
CHUNK = 1024 * 1024


@dataclass(slots=True)
class MediaEntry:
    part: str
    path: str
    folder: str  # folder key below the Google Photos root, e.g. "Photos from 2019"
    name: str  # NFC file name
    size: int
    meta: Metadata | None
    sha256: str | None
    error: str | None = None


@dataclass(slots=True)
class JsonEntry:
    part: str
    path: str
    folder: str
    name: str
    sidecar: Sidecar


@dataclass(slots=True)
class Folder:
    key: str
    media: list[MediaEntry] = field(default_factory=list)
    sidecars: list[JsonEntry] = field(default_factory=list)
    album: AlbumMeta | None = None
    album_json: str | None = None


@dataclass(slots=True)
class Catalogue:
    folders: dict[str, Folder] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    entries: int = 0
    bytes_read: int = 0
    ignored: int = 0  # AppleDouble files, other Takeout products, unknown file types
    headers: dict[tuple[int, bytes], Metadata] = field(default_factory=dict, repr=False)  # parsed once per distinct header

    def folder(self, key: str) -> Folder:
        found = self.folders.get(key)
        if found is None:
            found = self.folders[key] = Folder(key)
        return found

    def error(self, where: str, message: str) -> None:
        self.errors.append({"entry": where, "error": message})


@functools.lru_cache(maxsize=4096)
def _folder_of(directory: str) -> str:
    parts = directory.split("/") + [""]
    root = names.photos_root(parts)
    folder = parts[root + 1:-1] if root is not None else parts[:-1]
    return names.nfc("/".join(folder))


def folder_key(path: str) -> tuple[str, str]:
    """(folder key, file name): the folder path below the Google Photos root, else the parent path."""
    directory, _, name = path.rpartition("/")
    return _folder_of(directory), names.nfc(name)


PARALLEL_MIN_ENTRIES = 6000  # below this, starting worker processes costs more than it saves
TASK_ENTRIES = 3000


def scan(
    parts: list[Part],
    *,
    hash_content: bool = True,
    on_entry: Callable[[Catalogue, Part], None] | None = None,
    workers: int | None = None,
    parallel_min: int = PARALLEL_MIN_ENTRIES,
) -> Catalogue:
    """Walk every part once and return what it holds, per folder.

    Large zip sets are read by one process per core, each taking a slice of
    a part's central directory (tgz parts one whole part each); results are
    merged in archive order, so matching sees the same thing either way.
    """
    tasks = _tasks(parts)
    size = sum(stop - start for _, (start, stop) in tasks if stop is not None)
    workers = workers if workers is not None else 1  # measured: no gain on a shared 2-core machine
    if workers > 1 and len(tasks) > 1 and size >= parallel_min:
        try:
            return _scan_parallel(tasks, hash_content, on_entry, workers)
        except BrokenProcessPool:
            pass  # workers could not start (e.g. a __main__ that cannot be re-imported): read here instead
    cat = Catalogue()
    for part in parts:
        def visit(path: str, size: int, stream: BinaryIO, part: Part = part) -> None:
            cat.entries += 1
            _visit(cat, part, path, size, stream, hash_content)
            if on_entry is not None:
                on_entry(cat, part)

        walk_part(part, visit, cat.error)
    cat.headers.clear()  # only needed while reading
    return cat


def _tasks(parts: list[Part]) -> list[tuple[Part, tuple[int, int | None]]]:
    tasks = []
    for part in parts:
        count = zip_entry_count(part) if part.kind == "zip" else None
        if count is None:
            tasks.append((part, (0, None)))
            continue
        tasks += [(part, (start, min(start + TASK_ENTRIES, count))) for start in range(0, max(count, 1), TASK_ENTRIES)]
    return tasks


def _scan_task(part: Part, entries: tuple[int, int | None], hash_content: bool) -> Catalogue:
    cat = Catalogue()

    def visit(path: str, size: int, stream: BinaryIO) -> None:
        cat.entries += 1
        _visit(cat, part, path, size, stream, hash_content)

    walk_part(part, visit, cat.error, entries if entries[1] is not None else None)
    cat.headers.clear()  # not worth sending back to the parent
    return cat


def _scan_parallel(tasks, hash_content: bool, on_entry, workers: int) -> Catalogue:
    cat = Catalogue()
    # spawn, not fork: the parent runs an event loop and SQLite threads that must not be copied.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(_scan_task, part, entries, hash_content) for part, entries in tasks]
        try:
            for (part, _), future in zip(tasks, futures):
                _merge(cat, future.result())
                if on_entry is not None:
                    on_entry(cat, part)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return cat


def _merge(cat: Catalogue, other: Catalogue) -> None:
    for key, folder in other.folders.items():
        mine = cat.folder(key)
        mine.media += folder.media
        mine.sidecars += folder.sidecars
        if folder.album is not None and mine.album is None:
            mine.album, mine.album_json = folder.album, folder.album_json
    cat.errors += other.errors
    cat.entries += other.entries
    cat.bytes_read += other.bytes_read
    cat.ignored += other.ignored


def _visit(cat: Catalogue, part: Part, path: str, size: int, stream: BinaryIO, hash_content: bool) -> None:
    folder, name = folder_key(path)
    where = f"{part.label}: {path}"
    low = name.casefold()
    if low.endswith(".json"):
        if size > MAX_JSON_BYTES:
            cat.error(where, f"JSON of {size:,} bytes is too large for a sidecar; skipped")
            return
        data = stream.read(MAX_JSON_BYTES + 1)
        cat.bytes_read += len(data)
        try:
            doc = parse_json(data)
        except SidecarError as exc:
            cat.error(where, str(exc))
            return
        if is_media_sidecar(doc):
            sidecar = media_sidecar(doc)
            for note in sidecar.notes:
                cat.error(where, note)
            cat.folder(folder).sidecars.append(JsonEntry(part.label, path, folder, name, sidecar))
        elif low in names.ALBUM_METADATA or "title" in doc or "albumData" in doc:
            entry = cat.folder(folder)
            entry.album, entry.album_json = album_metadata(doc), name
        else:
            cat.ignored += 1  # e.g. print-subscriptions.json, shared_album_comments.json
        return
    if not names.is_media_name(name):
        cat.ignored += 1
        return
    head = stream.read(HEAD_BYTES)
    error = None
    # Album copies are byte-identical to the year-folder file: parse each distinct header once.
    head_key = (size, hashlib.sha1(head).digest())
    meta = cat.headers.get(head_key)
    if meta is None:
        try:
            meta = read_metadata(head)
            for attr in ("make", "model", "lens"):
                value = getattr(meta, attr)
                if value:
                    setattr(meta, attr, sys.intern(value))  # thousands of photos share a camera
            cat.headers[head_key] = meta
        except MetadataError as exc:
            error = f"unreadable media header: {exc}"
    digest = None
    read = len(head)
    if hash_content:
        sha = hashlib.sha256(head)
        while chunk := stream.read(CHUNK):
            sha.update(chunk)
            read += len(chunk)
        digest = sha.hexdigest()
        if read != size:
            error = f"entry holds {read:,} bytes but declares {size:,}"
    cat.bytes_read += read
    if error:
        cat.error(where, error)
    cat.folder(folder).media.append(MediaEntry(part.label, path, folder, name, size, meta, digest, error))
