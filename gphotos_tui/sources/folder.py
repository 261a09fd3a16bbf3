"""Local folder scanner: index photos and videos on this machine into the catalog.

Each media file becomes a ``folder`` MediaRecord (external id: its absolute
path) that joins a Google item on filename + capture second, and a
``local_files`` row (size, mtime, SHA-256, fidelity ``original``). A rescan
re-reads only files whose size or mtime changed. Hidden files and folders,
AppleDouble ``._*`` files and symlinks are skipped, so nothing outside the
tree is read and a backup's album links are not counted twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gphotos_tui.catalog import Catalog, Source, local_files
from gphotos_tui.catalog.local_files import LocalFile
from gphotos_tui.exif import HEAD_BYTES, Metadata, MetadataError
from gphotos_tui.exif import read_file as read_media
from gphotos_tui.model import MediaRecord, SourceKind
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback
from gphotos_tui.sources.takeout import names
from gphotos_tui.text import printable, valid_utf8

JOB = "scan-folder"
BATCH = 500
CHUNK = 1 << 20


class FolderScanError(Exception):
    """The folder cannot be scanned at all (missing, not a folder)."""


class ScanCancelled(Exception):
    pass


@dataclass(slots=True)
class ScanReport:
    root: str
    files: int = 0  # media files seen
    hashed: int = 0  # read because new or changed
    unchanged: int = 0  # size and mtime as recorded: not read again
    linked: int = 0  # items a Google source also has
    removed: int = 0  # recorded before, gone now
    errors: list[str] = None  # type: ignore[assignment]
    notes: list[str] = None  # type: ignore[assignment]  # files indexed without (all) their metadata, and why

    def __post_init__(self) -> None:
        self.errors = self.errors or []
        self.notes = self.notes or []

    def one_line(self) -> str:
        return (
            f"{self.files:,} media files in {self.root}: {self.hashed:,} read, {self.unchanged:,} unchanged, "
            f"{self.removed:,} gone, {self.linked:,} are Google items, {len(self.errors):,} errors"
            + (f", {len(self.notes):,} with metadata unread" if self.notes else "")
        )


def media_files(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(absolute path, lstat) of every regular media file below ``root``, in a stable order."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not names.is_media_name(name):
                continue
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):  # symlinks are not followed: they may point out of the tree
                yield path, st


def read_file(path: str, size: int, mtime: int, notes: list[str] | None = None) -> tuple[MediaRecord, str]:
    """The record and SHA-256 of one file: its metadata read by seeks, then every byte hashed in order."""
    digest = hashlib.sha256()
    meta: Metadata | None
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        try:
            meta = read_media(fh, path, size, head)
        except MetadataError as exc:
            meta = None
            if notes is not None:
                notes.append(f"{path}: {exc}")
        except OSError:
            raise
        except Exception as exc:  # a reader bug must not stop a scan: the item keeps what is known
            meta = None
            if notes is not None:
                notes.append(f"{path}: metadata not read ({type(exc).__name__}: {exc})")
        if meta is not None and meta.note and notes is not None:
            notes.append(f"{path}: {meta.note}")
        fh.seek(len(head))
        digest.update(head)
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    name = unicodedata.normalize("NFC", os.path.basename(path))
    record = MediaRecord(
        external_id=unicodedata.normalize("NFC", path),
        filename=name,
        size_bytes=size,
        content_hash=digest.hexdigest(),
        media_type="video" if names.is_video_name(name) else "photo",
    )
    if meta is not None:
        record.mime_type = meta.mime_type
        if meta.is_video:
            record.media_type = "video"
        record.width, record.height, record.orientation = meta.width, meta.height, meta.orientation
        record.camera_make, record.camera_model, record.lens_model = meta.make, meta.model, meta.lens
        record.focal_length_mm, record.focal_length_35mm = meta.focal_length_mm, meta.focal_length_35mm
        record.aperture_f, record.iso, record.exposure_s = meta.aperture_f, meta.iso, meta.exposure_s
        record.latitude, record.longitude, record.duration_s = meta.latitude, meta.longitude, meta.duration_s
        record.utc_offset_min = meta.utc_offset_min
        record.taken_at = meta.taken_at if meta.taken_at is not None else meta.local_epoch
        record.time_source = "exif" if record.taken_at is not None else None
    if record.taken_at is None:
        # A backup sets mtime to the capture time, so this still joins Google items for header-less videos.
        record.taken_at, record.time_source = mtime, "mtime"
    return record, digest.hexdigest()


async def scan_folder(catalog: Catalog, root: str | Path, *, progress: ProgressCallback | None = None) -> ScanReport:
    """Index ``root`` into the catalog; a job for the Sync screen and ``gphotos-tui scan-folder``."""
    root_path = Path(os.path.abspath(Path(root).expanduser()))
    if not root_path.is_dir():
        raise FolderScanError(f"{root}: no such folder")
    report = ScanReport(str(root_path))
    notify = progress or (lambda _p: None)
    source = await catalog.ensure_source(SourceKind.FOLDER, str(root_path), f"Folder {root_path.name or root_path}")
    known = await local_files.known_files(catalog, str(root_path) + os.sep)
    seen: set[str] = set()
    state = JobProgress(JOB, source.label, message="scanning")
    notify(state)
    run_id = await catalog.start_run(source, JOB)
    loop = asyncio.get_running_loop()
    stop = threading.Event()
    queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=4)

    def walk() -> None:
        batch: list[tuple[Any, ...]] = []
        for path, st in media_files(root_path):
            if stop.is_set():
                raise ScanCancelled()
            if valid_utf8(path) != path:  # the catalog keeps text: a name it cannot store is reported, not a crash
                report.errors.append(f"{printable(path)}: file name is not valid UTF-8; skipped (rename the file)")
                continue
            mtime = int(st.st_mtime)
            old = known.get(path)
            if old is not None and old[0] == st.st_size and old[1] == mtime and old[2]:
                batch.append((path, st.st_size, mtime, None, old[2]))
            else:
                try:
                    record, digest = read_file(path, st.st_size, mtime, report.notes)
                except OSError as exc:
                    report.errors.append(f"{path}: cannot read: {exc.strerror or exc}")
                    continue
                batch.append((path, st.st_size, mtime, record, digest))
            if len(batch) >= BATCH:
                asyncio.run_coroutine_threadsafe(queue.put(batch), loop).result()
                batch = []
        asyncio.run_coroutine_threadsafe(queue.put(batch), loop).result()
        asyncio.run_coroutine_threadsafe(queue.put(None), loop).result()

    reader = asyncio.create_task(asyncio.to_thread(walk))
    try:
        while (batch := await queue.get()) is not None:
            seen.update(entry[0] for entry in batch)
            await _write(catalog, source, batch, report)
            state = state.advanced(
                items=report.files,
                pages=state.pages + 1,
                errors=len(report.errors),
                message=f"{report.files:,} files, {report.hashed:,} read",
            )
            notify(state)
            if reader.done() and reader.exception():
                break
        await reader
    except BaseException as exc:
        stop.set()
        while not reader.done():  # let the thread see the stop flag; drain what it still sends
            try:
                await asyncio.wait_for(queue.get(), 0.05)
            except TimeoutError:
                pass
        cancelled = isinstance(exc, (asyncio.CancelledError, ScanCancelled))
        await catalog.finish_run(
            run_id, "cancelled" if cancelled else "failed", None if cancelled else str(exc), items=report.files
        )
        raise
    gone = [p for p in known if p not in seen]
    report.removed = await local_files.forget_missing_folder_files(
        catalog, source.id, gone, [unicodedata.normalize("NFC", p) for p in gone]
    )
    report.linked = await local_files.folder_items_google_has(catalog, source.id)
    await catalog.finish_run(run_id, "done", report.one_line(), items=report.files, errors=len(report.errors))
    notify(state.advanced(state=JobState.DONE, message=report.one_line()))
    return report


async def _write(catalog: Catalog, source: Source, batch: list[tuple[Any, ...]], report: ScanReport) -> None:
    fresh = [entry[3] for entry in batch if entry[3] is not None]
    unchanged = [unicodedata.normalize("NFC", entry[0]) for entry in batch if entry[3] is None]
    report.files += len(batch)
    report.hashed += len(fresh)
    report.unchanged += len(unchanged)
    ids: dict[str, int] = {}
    if fresh:
        await catalog.write_batch(source, fresh)
        ids = await local_files.item_ids_by_external(catalog, SourceKind.FOLDER.value, [r.external_id for r in fresh])
    if unchanged:  # not re-read, but still there: keep their provenance current
        await local_files.mark_folder_files_seen(catalog, source.id, unchanged)
    # A file not re-read keeps its recorded source and fidelity (a backup's API download stays 'api_photo').
    rows = [
        LocalFile(
            path,
            size,
            mtime,
            digest,
            ids.get(unicodedata.normalize("NFC", path)),
            source.id if record else None,
            "original" if record else None,
        )
        for path, size, mtime, record, digest in batch
    ]
    await local_files.record_files(catalog, rows)


__all__ = ["FolderScanError", "ScanReport", "media_files", "scan_folder"]
