"""Where the bytes to hash come from.

A provider turns catalog items into hash jobs whose loaders run inside the
worker processes. Defined here: local files (``local_files.path``); Takeout
archive members are ``takeout_bytes.TakeoutPartsProvider``; the engine adds the demo library's renderer
(``engine.byte_sources.default_providers`` is the list jobs use). Thumbnails fetched
through Google base URLs (``=w256-h256``) are ``thumbnails.ThumbnailProvider``,
whose jobs carry the already fetched bytes (``BytesLoader``); it needs the
Library client and its quota meter, so it is added by callers that have them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

import aiosqlite

from gphotos_tui.analysis.duplicates.hashing import HashJob
from gphotos_tui.analysis.duplicates.store import local_paths
from gphotos_tui.catalog.queries import item_source_refs


class ByteProvider(Protocol):
    origin: str  # stored with each hash: local | takeout | demo | thumbnail

    async def jobs(self, conn: aiosqlite.Connection, wanted: Sequence[tuple[int, str, str]]) -> list[HashJob]:
        """Jobs for the (item id, source kind, external id) rows this provider can read."""
        ...


@dataclass(frozen=True, slots=True)
class FileLoader:
    path: str

    def __call__(self) -> bytes:
        with open(self.path, "rb") as f:
            return f.read()

    def open(self) -> tuple[BinaryIO, int]:
        """The file to read with seeks (previews read an embedded JPEG, not the whole file), and its size."""
        fh = open(self.path, "rb")  # the caller closes it
        return fh, os.fstat(fh.fileno()).st_size


@dataclass(frozen=True, slots=True)
class BytesLoader:
    """Bytes fetched beforehand (e.g. a base-URL thumbnail)."""

    data: bytes

    def __call__(self) -> bytes:
        return self.data


class LocalFileProvider:
    origin = "local"

    async def jobs(self, conn: aiosqlite.Connection, wanted: Sequence[tuple[int, str, str]]) -> list[HashJob]:
        paths = await local_paths(conn, [w[0] for w in wanted])
        return [HashJob(item_id, FileLoader(path)) for item_id, path in paths.items()]


async def loader_for(conn: aiosqlite.Connection, item_id: int, providers: Sequence[ByteProvider]) -> HashJob | None:
    """A job whose loader gives this item's bytes (previews), from the first provider that has them."""
    rows = await item_source_refs(conn, item_id)
    for provider in providers:
        jobs = await provider.jobs(conn, rows)
        if jobs:
            return jobs[0]
    return None
