"""Writing one file's bytes into the backup: ``<name>.part``, size-bounded, hashed, mtime set.

The ``.part`` is created with ``O_CREAT|O_EXCL|O_NOFOLLOW``, so a link planted
under that name is never written through; placing the finished file under its
final name (never over another file) is :mod:`gphotos_tui.backup.destination`'s job.

Write-side OSErrors (disk full, permission denied, read-only filesystem)
become :class:`BackupStopped` so archive walkers, which treat OSError as a
damaged entry, let them through and the run stops cleanly. The file is
unbuffered, so no flush at close can replace that stop with an OSError.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1 << 20
_STOPPING = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EFBIG}
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class Readable(Protocol):
    """All a copy needs of its source: an archive member, a file, or a stream that can be cancelled."""

    def read(self, n: int = -1, /) -> bytes: ...


class BackupStopped(Exception):
    """The backup cannot go on (disk full, no permission); files already written are kept."""


class EntryDamaged(Exception):
    """The source gave fewer or more bytes than it declared; nothing was written under the final name."""


class UnsafeTemp(ValueError):
    """The temporary name is taken by a link or a special file: never written through."""


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


def _opener(append: bool) -> Callable[[str, int], int]:
    def opener(path: str, _flags: int) -> int:
        return os.open(path, _APPEND if append else _CREATE, 0o666)

    return opener


def open_part(part: Path, *, append: bool = False) -> BinaryIO:
    """The unbuffered ``.part`` file: a fresh one (a regular leftover of an earlier run is removed
    first) or, with ``append``, the existing regular one. Links and special files raise UnsafeTemp."""
    try:
        info = os.lstat(part)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise write_error(exc, part) from exc
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UnsafeTemp(f"{part} is a link or special file, not written through; remove it to back this file up")
    try:
        if info is not None and not append:
            os.unlink(part)  # our own leftover (an interrupted run): the name is ours
        return open(part, "ab" if append else "wb", buffering=0, opener=_opener(append))
    except (FileExistsError, IsADirectoryError) as exc:
        raise UnsafeTemp(f"{part} appeared while writing; not written through") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafeTemp(f"{part} is a link; not written through") from exc
        raise write_error(exc, part) from exc


def write_all(out: BinaryIO, data: bytes, where: Path) -> None:
    try:
        view = memoryview(data)
        while view:
            n = out.write(view)
            view = view[n or 0 :] if n is not None else view[len(view) :]
    except OSError as exc:
        raise write_error(exc, where) from exc


def close_part(out: BinaryIO, where: Path, failing: bool) -> None:
    """Close ``out``; an error while already failing must not replace the first exception."""
    try:
        out.close()
    except OSError as exc:
        if not failing:
            raise write_error(exc, where) from exc


def copy_stream(stream: Readable, dest: Path, size: int | None, mtime: int | None) -> tuple[int, str]:
    """Copy ``stream`` into ``dest``'s ``.part`` (reading at most ``size`` + 1 bytes); returns (bytes, sha256 hex).

    The finished ``.part`` keeps the capture time as its mtime; on any failure it is removed.
    """
    ensure_folder(dest.parent)
    part = part_path(dest)
    digest = hashlib.sha256()
    written = 0
    out = open_part(part)
    failing = True
    try:
        try:
            while True:
                want = CHUNK if size is None else min(CHUNK, size - written + 1)
                chunk = stream.read(want)
                if not chunk:
                    break
                digest.update(chunk)
                written += len(chunk)
                if size is not None and written > size:
                    raise EntryDamaged(f"more bytes than the {size:,} declared; stopped reading")
                write_all(out, chunk, dest)
            failing = False
        finally:
            close_part(out, dest, failing)
        if size is not None and written != size:
            raise EntryDamaged(f"got {written:,} bytes but {size:,} were declared")
        if mtime is not None:
            try:
                os.utime(part, (mtime, mtime), follow_symlinks=False)
            except OSError as exc:
                raise write_error(exc, dest) from exc
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return written, digest.hexdigest()


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a regular file (never through a link); None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    with open(fd, "rb", closefd=True) as fh:
        try:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
        except OSError:
            return None
    return digest.hexdigest()


def present(dest: Path, size: int | None) -> bool:
    """A regular file (not a link) is at ``dest`` (with that size when the size is known)."""
    try:
        st = os.stat(dest, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and (size is None or st.st_size == size)
