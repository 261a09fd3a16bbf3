"""One writer per catalog: an advisory lock next to the catalog file.

Every command that writes the catalog (imports, folder scans, backups,
syncs, duplicate decisions, the app's jobs) holds it while it runs, so two
of them never interleave pages and checkpoints; the second one stops at
once with "another run (pid N, command) is using this catalog". The lock is
an ``flock``: the kernel drops it when its holder dies, even by kill -9.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from gphotos_tui.catalog import CatalogError


class CatalogBusy(CatalogError):
    pass


class CatalogLock:
    def __init__(self, catalog_path: Path, command: str = "gphotos-tui"):
        self.catalog = Path(catalog_path)
        self.path = Path(str(catalog_path) + ".lock")
        self.command = command
        self._fd: int | None = None

    def acquire(self) -> CatalogLock:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors="replace").strip()
            os.close(fd)
            pid, _, command = holder.partition(" ")
            who = f"pid {pid}, {command or 'gphotos-tui'}" if pid else "another process"
            raise CatalogBusy(
                f"another gphotos-tui run ({who}) is using this catalog ({self.catalog}); wait for it to finish or stop it"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {self.command}".encode())
        self._fd = fd
        return self

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> CatalogLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
