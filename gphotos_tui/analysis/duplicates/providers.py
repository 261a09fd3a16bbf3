"""Where the bytes to hash come from.

A provider turns catalog items into hash jobs whose loaders run inside the
worker processes. Built in: local files (``local_files.path``), Takeout
archive members, and the demo library's renderer. Thumbnails fetched
through Google base URLs (``=w256-h256``) are ``thumbnails.ThumbnailProvider``,
whose jobs carry the already fetched bytes (``BytesLoader``); it needs the
Library client and its quota meter, so it is added by callers that have them.
"""

from __future__ import annotations

import json
import re
import tarfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Protocol

import aiosqlite

from gphotos_tui.analysis.duplicates.hashing import HashJob
from gphotos_tui.analysis.duplicates.store import local_paths


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


@dataclass(frozen=True, slots=True)
class ArchiveMemberLoader:
    """A file inside a Takeout .zip or .tgz, read without extracting the archive."""

    archive: str
    member: str

    def __call__(self) -> bytes:
        if self.archive.endswith(".zip"):
            with zipfile.ZipFile(self.archive) as z:
                return z.read(self.member)
        with tarfile.open(self.archive) as t:
            f = t.extractfile(self.member)
            if f is None:
                raise FileNotFoundError(f"{self.member} in {self.archive}")
            return f.read()


@dataclass(frozen=True, slots=True)
class BytesLoader:
    """Bytes fetched beforehand (e.g. a base-URL thumbnail)."""

    data: bytes

    def __call__(self) -> bytes:
        return self.data


@dataclass(frozen=True, slots=True)
class DemoLoader:
    """Renders a demo item's picture: the synthetic library is regenerated from its seed and size."""

    seed: int
    size: int
    external_id: str

    def __call__(self) -> bytes:
        from gphotos_tui.demo.images import jpeg_bytes

        width, height, scene, variant = _demo_pictures(self.seed, self.size)[self.external_id]
        record = SimpleNamespace(external_id=self.external_id, width=width, height=height)
        return jpeg_bytes(SimpleNamespace(record=record, scene=scene, variant=variant), exif=False)


@lru_cache(maxsize=2)
def _demo_pictures(seed: int, size: int) -> dict[str, tuple]:
    """What the renderer needs per demo item (not whole items: a million of those fill gigabytes)."""
    from gphotos_tui.demo.generator import SyntheticLibrary

    return {
        i.record.external_id: (i.record.width, i.record.height, i.scene, i.variant)
        for i in SyntheticLibrary(size, seed).items()
    }  # videos: a poster frame


class LocalFileProvider:
    origin = "local"

    async def jobs(self, conn, wanted):
        paths = await local_paths(conn, [w[0] for w in wanted])
        return [HashJob(item_id, FileLoader(path)) for item_id, path in paths.items()]


_DEMO_REF = re.compile(r"^seed-(\d+)-size-(\d+)$")


class DemoProvider:
    origin = "demo"

    async def jobs(self, conn, wanted):
        demo = [w for w in wanted if w[1] == "demo"]
        if not demo:
            return []
        # Only the wanted ids: every demo row (a million in the bench catalog) took seconds per preview.
        rows = await conn.execute_fetchall(
            "SELECT s.external_id, src.ref FROM item_sources s JOIN sources src ON src.id = s.source_id "
            "WHERE s.kind = 'demo' AND s.external_id IN (SELECT value FROM json_each(?))",
            (json.dumps([w[2] for w in demo]),),
        )
        ref_of = dict(rows)
        jobs = []
        for item_id, _kind, external_id in demo:
            match = _DEMO_REF.match(ref_of.get(external_id, ""))
            if match:
                jobs.append(HashJob(item_id, DemoLoader(int(match[1]), int(match[2]), external_id)))
        return jobs


def default_providers() -> list[ByteProvider]:
    """Local copies first (full quality), then the demo renderer."""
    return [LocalFileProvider(), DemoProvider()]


async def loader_for(
    conn: aiosqlite.Connection, item_id: int, providers: Sequence[ByteProvider] | None = None
) -> HashJob | None:
    """A job whose loader gives this item's bytes (previews), from the first provider that has them."""
    rows = await conn.execute_fetchall(
        "SELECT item_id, kind, external_id FROM item_sources WHERE item_id = ?", (item_id,)
    )
    for provider in providers if providers is not None else default_providers():
        jobs = await provider.jobs(conn, [tuple(r) for r in rows])
        if jobs:
            return jobs[0]
    return None
