"""Random access to a file's bytes: a head buffer plus seeks, never a whole-file read.

A :class:`Source` serves ``read(offset, n)`` from the first block it was given
(the head every caller reads anyway) and seeks in the file for anything
beyond it. Built from bytes alone (a Takeout member that cannot seek, or a
caller that only has the head) it answers short reads past the end of those
bytes and remembers that it did (``short``), so the reader can say the
metadata sits beyond what it was shown.
"""

from __future__ import annotations

import os
from typing import BinaryIO

HEAD = 64 * 1024
MAX_READ = 16 * 1024 * 1024  # one structure (an Exif block, a moov box) larger than this is not metadata


class Source:
    __slots__ = ("_base", "fh", "head", "seeks", "short", "size")

    def __init__(self, head: bytes, fh: BinaryIO | None = None, size: int | None = None, base: int = 0) -> None:
        self.head = head
        self.fh = fh
        self._base = base  # the file offset of head[0] (0 but for embedded files)
        if size is None:
            if fh is not None:
                try:
                    size = os.fstat(fh.fileno()).st_size
                except (AttributeError, OSError, ValueError):
                    here = fh.tell()
                    size = fh.seek(0, os.SEEK_END)
                    fh.seek(here)
            else:
                size = len(head)
        self.size = size
        self.short = False  # a read went past what we could reach
        self.seeks = 0

    @classmethod
    def of_file(cls, fh: BinaryIO, size: int | None = None, head: int = HEAD) -> Source:
        fh.seek(0)
        return cls(fh.read(head), fh, size)

    def read(self, offset: int, n: int) -> bytes:
        """Up to ``n`` bytes at ``offset`` (fewer only at the end of the file or of what we can reach)."""
        end = offset + n
        head = self.head
        if end <= len(head) and offset >= 0:  # the hot path: inside the head we hold
            return head[offset:end]
        if offset < 0 or n <= 0:
            return b""
        if n > MAX_READ:
            n = MAX_READ
            end = offset + n
        if self.fh is None:
            self.short = True  # past the bytes we were given: the file may hold more
            return head[offset:end]
        if offset >= self.size:
            return b""
        self.seeks += 1
        self.fh.seek(self._base + offset)
        return self.fh.read(min(n, self.size - offset))

    def u32(self, offset: int, big: bool = True) -> int | None:
        raw = self.read(offset, 4)
        return int.from_bytes(raw, "big" if big else "little") if len(raw) == 4 else None
