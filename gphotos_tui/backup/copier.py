"""Writing one file into the backup atomically: ``<name>.part``, mtime set, then renamed.

Write-side OSErrors (disk full, permission denied, read-only filesystem)
become :class:`BackupStopped` so archive walkers, which treat OSError as a
damaged entry, let them through and the run stops cleanly.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
_STOPPING = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EFBIG}


class BackupStopped(Exception):
    """The backup cannot go on (disk full, no permission); files already written are kept."""


class EntryDamaged(Exception):
    """The source gave fewer or more bytes than it declared; nothing was written under the final name."""


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def write_error(exc: OSError, where: Path) -> Exception:
    """BackupStopped for errors no later file would escape, else the OSError itself."""
    if exc.errno in _STOPPING:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        return BackupStopped(f"stopped writing {where}: {reason}")
    return exc


def ensure_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(exc, folder) from exc


def copy_stream(stream: BinaryIO, dest: Path, size: int | None, mtime: int | None) -> tuple[int, str]:
    """Copy ``stream`` to ``dest`` via ``dest.part``; returns (bytes, sha256 hex). Verifies ``size``."""
    ensure_folder(dest.parent)
    part = part_path(dest)
    digest = hashlib.sha256()
    written = 0
    try:
        try:
            out = open(part, "wb")
        except OSError as exc:
            raise write_error(exc, part) from exc
        with out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                written += len(chunk)
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise write_error(exc, dest) from exc
            try:
                out.flush()
            except OSError as exc:
                raise write_error(exc, dest) from exc
        if size is not None and written != size:
            raise EntryDamaged(f"got {written:,} bytes but {size:,} were declared")
        finish(part, dest, mtime)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return written, digest.hexdigest()


def finish(part: Path, dest: Path, mtime: int | None) -> None:
    """Set the capture time as mtime, then rename into place (rename keeps the mtime)."""
    try:
        if mtime is not None:
            os.utime(part, (mtime, mtime))
        os.replace(part, dest)
    except OSError as exc:
        raise write_error(exc, dest) from exc


def present(dest: Path, size: int | None) -> bool:
    """A finished copy is already there (same size when the size is known)."""
    try:
        st = os.stat(dest, follow_symlinks=False)
    except OSError:
        return False
    return os.path.isfile(dest) and not os.path.islink(dest) and (size is None or st.st_size == size)
