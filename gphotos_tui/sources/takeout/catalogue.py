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
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from sys import intern
from typing import Any, BinaryIO

from gphotos_tui.exif import HEAD_BYTES, Metadata, MetadataError, read_file, read_metadata, sniff
from gphotos_tui.sources.takeout import names
from gphotos_tui.sources.takeout.archive import Part, walk_part, zip_directory, zip_entry_count
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


# Entries are held for every file of the set until matching is done, so they
# keep their archive path as a shared directory string plus the file name.


@dataclass(slots=True)
class MediaEntry:
    part: str
    directory: str  # the entry's directory inside the part (one string shared by its files)
    folder: str  # folder key below the Google Photos root, e.g. "Photos from 2019"
    name: str  # NFC file name
    size: int
    meta: Metadata | None
    sha256: str | None
    error: str | None = None
    raw_name: str | None = None  # the name as stored, when NFC changed it

    @property
    def path(self) -> str:
        return _join(self.directory, self.raw_name or self.name)


@dataclass(slots=True)
class JsonEntry:
    part: str
    directory: str
    folder: str
    name: str
    sidecar: Sidecar
    raw_name: str | None = None

    @property
    def path(self) -> str:
        return _join(self.directory, self.raw_name or self.name)


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


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
    errors: list[dict[str, Any]] = field(default_factory=list)
    entries: int = 0
    bytes_read: int = 0
    ignored: int = 0  # AppleDouble files, other Takeout products, unknown file types
    headers: dict[str | tuple[int, bytes], Metadata] = field(
        default_factory=dict, repr=False
    )  # parsed once per distinct header

    def folder(self, key: str) -> Folder:
        found = self.folders.get(key)
        if found is None:
            found = self.folders[key] = Folder(key)
        return found

    def error(self, where: str, message: str) -> None:
        self.errors.append({"entry": where, "error": message})


@functools.lru_cache(maxsize=4096)
def _folder_of(directory: str) -> str:
    parts = [*directory.split("/"), ""]
    root = names.photos_root(parts)
    folder = parts[root + 1 : -1] if root is not None else parts[:-1]
    return names.nfc("/".join(folder))


def _where(path: str, name: str) -> tuple[str, str | None]:
    """(shared directory string, the stored name if NFC changed it) for an entry's ``path``."""
    directory, _, raw = path.rpartition("/")
    return sys.intern(directory), (raw if raw != name else None)


def folder_key(path: str) -> tuple[str, str]:
    """(folder key, file name): the folder path below the Google Photos root, else the parent path."""
    directory, _, name = path.rpartition("/")
    return _folder_of(directory), names.nfc(name)


PARALLEL_MIN_ENTRIES = 20_000  # below this, starting worker processes costs more than it saves
TASK_ENTRIES = 10_000  # one slice of a zip's central directory per task: big enough to amortise, small for progress


def default_workers() -> int:
    """Processes to read with (this one included) when the caller does not say.

    One: on this project's shared 2-core VM, two readers used ~1.3x the CPU
    of one and imported slower (0.6-0.7x; benchmark ``takeout``, case
    ``small``). ``--workers 2`` is there for machines with cores to spare.
    """
    return 1


def scan(
    parts: list[Part],
    *,
    hash_content: bool = True,
    on_entry: Callable[[Catalogue, Part | None], None] | None = None,
    workers: int | None = None,
    parallel_min: int = PARALLEL_MIN_ENTRIES,
) -> Catalogue:
    """Walk every part once and return what it holds, per folder.

    With ``workers`` > 1, sets of at least ``parallel_min`` zip entries are
    read by that many processes, each taking slices of a part's central
    directory (tgz parts one whole part each); results are merged in archive
    order, so matching sees the same thing either way. ``None``: ``default_workers()``.
    """
    workers = default_workers() if workers is None else workers
    tasks = _tasks(parts) if workers > 1 else []
    size = sum(stop - start for _, (start, stop) in tasks if stop is not None)
    if workers > 1 and len(tasks) > 1 and size >= parallel_min:
        try:
            return _scan_parallel(tasks, hash_content, on_entry, workers)
        except BrokenProcessPool:
            pass  # workers could not start (e.g. a __main__ that cannot be re-imported): read here instead
    cat = Catalogue()
    for part in parts:

        def visit(path: str, size: int, stream: BinaryIO, part: Part = part) -> None:
            cat.entries += 1
            _visit_guarded(cat, part, path, size, stream, hash_content)
            if on_entry is not None:
                on_entry(cat, part)

        walk_part(part, visit, cat.error)
    cat.headers.clear()  # only needed while reading
    return cat


def _tasks(parts: list[Part]) -> list[tuple[Part, tuple[int, int | None]]]:
    tasks: list[tuple[Part, tuple[int, int | None]]] = []
    for part in parts:
        count = zip_entry_count(part) if part.kind == "zip" else None
        if count is None:
            tasks.append((part, (0, None)))
            continue
        tasks += [(part, (start, min(start + TASK_ENTRIES, count))) for start in range(0, max(count, 1), TASK_ENTRIES)]
    return tasks


_directory: list[Any] = [None, None]  # the part whose central directory is parsed, and that directory


def _scan_task(
    part: Part, entries: tuple[int, int | None], hash_content: bool, on_entry: Callable[[], None] | None = None
) -> Catalogue:
    cat = Catalogue()

    def visit(path: str, size: int, stream: BinaryIO) -> None:
        cat.entries += 1
        _visit_guarded(cat, part, path, size, stream, hash_content)
        if on_entry is not None:
            on_entry()

    directory = None
    if part.kind == "zip" and entries[1] is not None:
        if _directory[0] != part.path:  # slices come in part order: each process parses a directory once
            _directory[:] = [None, None]
            try:
                _directory[:] = [part.path, zip_directory(part)]
            except (zipfile.BadZipFile, OSError, ValueError):
                pass  # walk_part reports it
        directory = _directory[1]
    walk_part(part, visit, cat.error, (entries[0], entries[1]) if entries[1] is not None else None, directory)
    cat.headers.clear()  # not worth sending back to the parent
    return cat


def _scan_parallel(
    tasks: list[tuple[Part, tuple[int, int | None]]],
    hash_content: bool,
    on_entry: Callable[[Catalogue, Part | None], None] | None,
    workers: int,
) -> Catalogue:
    """This process reads every ``workers``-th slice itself and ``workers - 1`` processes the others.

    Reading here too (rather than only merging) keeps one process per core;
    results are merged in task order, which is archive order.
    """
    cat = Catalogue()
    mine = range(0, len(tasks), workers)
    check = (lambda: on_entry(cat, None)) if on_entry is not None else None  # lets a cancel stop us mid-slice
    # spawn, not fork: the parent runs an event loop and SQLite threads that must not be copied.
    with ProcessPoolExecutor(workers - 1, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {
            i: pool.submit(_scan_task, part, entries, hash_content)
            for i, (part, entries) in enumerate(tasks)
            if i not in mine
        }
        try:
            for i, (part, entries) in enumerate(tasks):
                result = _scan_task(part, entries, hash_content, check) if i in mine else futures[i].result()
                _merge(cat, result)
                if on_entry is not None:
                    on_entry(cat, part)
        except BaseException:
            for future in futures.values():
                future.cancel()
            raise
        finally:
            _directory[:] = [None, None]
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


# Damage the archive walker reports itself ("damaged entry: ..."); anything else one entry raises is caught here.
_WALKER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, struct.error)


def _visit_guarded(cat: Catalogue, part: Part, path: str, size: int, stream: BinaryIO, hash_content: bool) -> None:
    """One entry: whatever hostile content makes a parser raise (deep nesting, huge numbers) is that entry's error."""
    try:
        _visit(cat, part, path, size, stream, hash_content)
    except _WALKER_ERRORS:
        raise
    except Exception as exc:  # RecursionError, ValueError, TypeError...: one bad entry never ends the run
        cat.error(f"{part.label}: {path}", f"cannot read this entry ({type(exc).__name__}: {str(exc)[:200]}); skipped")


def _visit(cat: Catalogue, part: Part, path: str, size: int, stream: BinaryIO, hash_content: bool) -> None:
    folder, name = folder_key(path)
    low = name.casefold()
    if low.endswith(".json"):
        _visit_json(cat, part, path, folder, name, low, size, stream)
        return
    extensionless = False
    if not names.is_media_name(name):
        if not names.maybe_extensionless_media(name):
            cat.ignored += 1
            return
        extensionless = True  # an original uploaded without an extension: media if its bytes say so
    head = stream.read(HEAD_BYTES)
    if extensionless and sniff(head) is None:
        cat.ignored += 1
        return
    error = None
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
    # Album copies are byte-identical to the year-folder file: parse each distinct file's header once.
    head_key = digest or (size, hashlib.sha1(head).digest())
    meta = cat.headers.get(head_key)
    if meta is None:
        try:
            meta = read_metadata(head, name)
            if meta.truncated and len(head) == HEAD_BYTES and _seekable(stream):
                # The metadata lies beyond the head (a video's moov after mdat, a Samsung HEIC's Exif
                # item at the end): a bounded second read of this member, by seeks.
                try:
                    meta = read_file(stream, name, size, head)
                except (OSError, ValueError, EOFError, zlib.error):
                    pass  # keep what the head gave
            if meta.make:  # thousands of photos share a camera: one string each
                meta.make = intern(meta.make)
            if meta.model:
                meta.model = intern(meta.model)
            if meta.lens:
                meta.lens = intern(meta.lens)
            cat.headers[head_key] = meta
        except MetadataError as exc:
            if sniff(head) is not None or names.reader_knows(name):
                error = error or f"unreadable media header: {exc}"
            # else: a format the metadata reader does not handle (AVI, MKV, MPEG ...): dates come from the sidecar
    if error:
        cat.error(f"{part.label}: {path}", error)
    directory, raw_name = _where(path, name)
    cat.folder(folder).media.append(
        MediaEntry(part.label, directory, folder, name, size, meta, digest, error, raw_name)
    )


def _seekable(stream: BinaryIO) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, OSError, ValueError):
        return False


def _visit_json(
    cat: Catalogue, part: Part, path: str, folder: str, name: str, low: str, size: int, stream: BinaryIO
) -> None:
    if size > MAX_JSON_BYTES:
        cat.error(f"{part.label}: {path}", f"JSON of {size:,} bytes is too large for a sidecar; skipped")
        return
    data = stream.read(MAX_JSON_BYTES + 1)
    cat.bytes_read += len(data)
    try:
        doc = parse_json(data)
    except SidecarError as exc:
        cat.error(f"{part.label}: {path}", str(exc))
        return
    if is_media_sidecar(doc):
        sidecar = media_sidecar(doc)
        for note in sidecar.notes:
            cat.error(f"{part.label}: {path}", note)
        directory, raw_name = _where(path, name)
        cat.folder(folder).sidecars.append(JsonEntry(part.label, directory, folder, name, sidecar, raw_name))
    elif low in names.ALBUM_METADATA or "title" in doc or "albumData" in doc:
        entry = cat.folder(folder)
        entry.album, entry.album_json = album_metadata(doc), name
    else:
        cat.ignored += 1  # e.g. print-subscriptions.json, shared_album_comments.json
