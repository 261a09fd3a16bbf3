"""The sidecar pass of a backup: ``NAME.EXT.xmp`` beside every recorded file of a catalog item.

Runs over every file the catalog recorded in DEST (not only this run's), so a
new Takeout with a new caption or favourite updates the sidecars of files
copied long ago. A sidecar is written only when its bytes would differ from
the ones recorded; one whose bytes on disk are no longer what we wrote (a
photo manager edited it) or that we never wrote is left alone and reported.
New sidecars are created without ever replacing a file (hard link of a fresh
temporary file, which fails on a taken name); our own are replaced by rename.
Originals are never opened for writing.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from gphotos_tui.backup import xmp
from gphotos_tui.backup.copier import write_error
from gphotos_tui.backup.destination import claim_name
from gphotos_tui.catalog import Catalog, xmp_sidecars
from gphotos_tui.catalog.item_facts import ItemFacts, item_facts
from gphotos_tui.catalog.xmp_sidecars import SidecarRecord

BATCH = 500
WORKERS = 4


@dataclass(slots=True)
class SidecarCounts:
    written: int = 0
    unchanged: int = 0
    left_alone: list[str] = field(default_factory=list)  # "path: why" (not ours, or edited since)

    def one_line(self) -> str:
        text = f"{self.written:,} sidecars written, {self.unchanged:,} unchanged"
        return text + (f", {len(self.left_alone):,} left alone" if self.left_alone else "")


def _sha(path: Path) -> str | None:
    try:
        with open(path, "rb", buffering=0) as fh:
            return hashlib.sha256(fh.read()).hexdigest()
    except OSError:
        return None


def _temp(path: Path, data: bytes) -> Path:
    """A fresh temporary file next to ``path`` holding ``data`` (created O_EXCL, never through a link)."""
    for n in range(100):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{n}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except FileExistsError:
            continue
        except OSError as exc:
            raise write_error(exc, tmp) from exc
        try:
            with os.fdopen(fd, "wb", buffering=0) as fh:
                fh.write(data)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise write_error(exc, tmp) from exc
        return tmp
    raise write_error(FileExistsError(f"no free temporary name beside {path}"), path)


def _create(path: Path, data: bytes) -> bool:
    """Write a new sidecar; False when the name was taken meanwhile (nothing replaced)."""
    tmp = _temp(path, data)
    try:
        return claim_name(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _replace(path: Path, data: bytes) -> None:
    tmp = _temp(path, data)
    try:
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_error(exc, path) from exc


def _one(
    media: str, facts: ItemFacts, fidelity: str | None, known: SidecarRecord | None
) -> tuple[str, str | None, SidecarRecord | None]:
    """Bring one sidecar up to date: (written | unchanged | left_alone | none, why, record to store)."""
    data = xmp.render(facts, camera=fidelity not in (None, "original"))
    digest = hashlib.sha256(data).hexdigest()
    path = Path(xmp.sidecar_name(media))
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if known is not None and info is not None and known.sha256 == digest and info.st_size == known.size:
        return "unchanged", None, None
    if not os.path.isfile(media) or os.path.islink(media):
        return "none", None, None  # the media file is gone: no sidecar for nothing (verify reports it)
    record = SidecarRecord(str(path), facts.item_id, len(data), digest)
    if info is None:
        if _create(path, data):
            return "written", None, record
        return "left_alone", f"{path}: appeared while writing; not ours", None
    if not stat.S_ISREG(info.st_mode):
        return "left_alone", f"{path}: not a regular file", None
    on_disk = _sha(path)
    if on_disk == digest:  # already what we would write (e.g. the catalog was rebuilt): adopt it
        return "unchanged", None, record
    if known is None:
        return "left_alone", f"{path}: a sidecar this backup did not write", None
    if on_disk != known.sha256:
        return "left_alone", f"{path}: edited since it was written (by a photo manager?)", None
    _replace(path, data)
    return "written", None, record


_Job = tuple[str, ItemFacts, str | None, SidecarRecord | None]  # media path, facts, fidelity, recorded sidecar


def _many(jobs: list[_Job]) -> list[tuple[str, str | None, SidecarRecord | None]]:
    return [_one(*job) for job in jobs]


def _inside(dest_real: str, media: str, cache: dict[str, bool]) -> bool:
    folder = os.path.dirname(media)
    if folder not in cache:
        real = os.path.realpath(folder)
        cache[folder] = os.path.commonpath([dest_real, real]) == dest_real
    return cache[folder]


async def write_sidecars(catalog: Catalog, dest: str | Path) -> SidecarCounts:
    """Create or update the sidecar of every recorded file of DEST that belongs to a catalog item."""
    dest = Path(os.path.abspath(dest))
    prefix = str(dest) + os.sep
    counts = SidecarCounts()
    files = await xmp_sidecars.files_with_items(catalog, prefix)
    known = await xmp_sidecars.known_sidecars(catalog, prefix)
    dest_real = os.path.realpath(dest)
    folders: dict[str, bool] = {}
    for start in range(0, len(files), BATCH):
        chunk = files[start : start + BATCH]
        facts = await item_facts(catalog, [item_id for _, item_id, _ in chunk])

        jobs = [
            (media, facts[item_id], fidelity, known.get(xmp.sidecar_name(media)))
            for media, item_id, fidelity in chunk
            if item_id in facts and _inside(dest_real, media, folders)
        ]
        written = []
        for outcome, why, record in await asyncio.to_thread(_many, jobs):
            if outcome == "written":
                counts.written += 1
            elif outcome == "unchanged":
                counts.unchanged += 1
            elif outcome == "left_alone":
                counts.left_alone.append(why or "left alone")
            if record is not None:
                written.append(record)
        await xmp_sidecars.record_sidecars(catalog, written)
    return counts
