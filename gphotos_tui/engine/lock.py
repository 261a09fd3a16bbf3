"""One writer per catalog: an advisory lock next to the catalog file.

Two syncs (a cron job and the TUI, say) writing the same catalog would
interleave pages and checkpoints; the second one stops with a clear message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class CatalogBusy(Exception):
    pass


class CatalogLock:
    def __init__(self, catalog_path: Path):
        self.path = Path(str(catalog_path) + ".lock")
        self._fd: int | None = None

    def acquire(self) -> CatalogLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise CatalogBusy(
                f"another gphotos-tui run (pid {holder}) is writing {self.path.with_suffix('')}; "
                "wait for it to finish or stop it"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> CatalogLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
