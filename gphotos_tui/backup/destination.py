"""DEST, the only folder backup writes into, and the rules for writing there.

- Nothing backup did not write is ever replaced or deleted: a finished file
  is hard-linked to its final name (which fails when the name is taken, even
  by a dangling link) and the ``.part`` removed; on filesystems without hard
  links the name is checked free just before an ordinary rename.
- A name taken by another file gets the next free ``name (n).ext``; a file
  already there is adopted as the item's copy only when its SHA-256 matches.
- Every folder is created inside DEST and checked, after symlinks are
  resolved, to still be inside DEST.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from gphotos_tui.backup.copier import BackupStopped, ensure_folder, file_sha256, present, write_error
from gphotos_tui.backup.names import NameAllocator, UnsafePath, inside

_NO_HARD_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV, errno.EMLINK}
Recorded = dict[str, tuple[int, int | None, str | None]]  # path -> (size, mtime, sha256), as local_files keeps them


@dataclass(frozen=True, slots=True)
class Placed:
    relpath: str  # where the file ended up (the planned name or "name (n).ext")
    adopted: bool  # an identical file was already there; the .part was discarded


class Destination:
    """DEST with the names planned for this run and the files earlier runs recorded there."""

    def __init__(self, root: str | Path, allocator: NameAllocator | None = None, recorded: Recorded | None = None):
        self.root = Path(os.path.abspath(root))
        self.allocator = allocator or NameAllocator()
        self.recorded: Recorded = recorded or {}
        self._lock = threading.Lock()
        self._safe_folders: set[str] = set()  # folders already made and found inside DEST

    def prepare(self) -> None:
        """Create DEST (or check the one there): a file or a broken link where DEST should be is one clear stop."""
        if os.path.lexists(self.root) and not os.path.isdir(self.root):
            raise BackupStopped(f"{self.root} exists and is not a folder; give a folder (or a new name) as DEST")
        ensure_folder(self.root)

    def path(self, relpath: str) -> Path:
        """``DEST/relpath`` with its folder created and checked to resolve inside DEST (once per folder a run)."""
        folder = relpath.rpartition("/")[0]
        if folder in self._safe_folders and ".." not in relpath.split("/"):
            return self.root / relpath
        target = inside(self.root, relpath)
        try:
            ensure_folder(target.parent)
        except FileExistsError as exc:
            raise UnsafePath(f"{relpath!r}: a file is in the way of its folder") from exc
        except NotADirectoryError as exc:
            raise UnsafePath(f"{relpath!r}: a file is in the way of its folder") from exc
        real_root = os.path.realpath(self.root)
        real_parent = os.path.realpath(target.parent)
        if os.path.commonpath([real_root, real_parent]) != real_root:
            raise UnsafePath(f"{relpath!r} resolves outside the backup folder {self.root}")
        self._safe_folders.add(folder)
        return target

    def is_done(self, relpath: str, size: int | None) -> bool:
        """An earlier run wrote this file and it is still there unchanged in size: nothing to do."""
        path = self.root / relpath
        known = self.recorded.get(str(path))
        if known is None or (size is not None and known[0] != size):
            return False
        return present(path, known[0])

    def place(self, part: Path, relpath: str, sha256: str, size: int) -> Placed:
        """Give the finished ``part`` its final name without replacing anything; the part is gone after."""
        try:
            folder, _, name = relpath.rpartition("/")
            candidate = relpath
            while True:
                final = self.path(candidate)
                if claim_name(part, final):
                    return Placed(candidate, False)
                if _same_file(final, size, sha256):
                    part.unlink(missing_ok=True)
                    return Placed(candidate, True)
                with self._lock:
                    candidate = (
                        f"{folder}/{self.allocator.claim(folder, name)}" if folder else self.allocator.claim("", name)
                    )
        except BaseException:
            part.unlink(missing_ok=True)
            raise


def claim_name(src: Path, final: Path) -> bool:
    """Give ``src``'s file the name ``final`` if and only if that name is free (``src`` is gone after)."""
    try:
        os.link(src, final, follow_symlinks=False)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise write_error(exc, final) from exc
        if os.path.lexists(final):  # FAT/exFAT and some network filesystems: check, then rename
            return False
        try:
            os.rename(src, final)
        except OSError as exc2:
            raise write_error(exc2, final) from exc2
        return True
    try:
        os.unlink(src)
    except OSError as exc:
        raise write_error(exc, src) from exc
    return True


def _same_file(path: Path, size: int, sha256: str) -> bool:
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size == size and file_sha256(path) == sha256
