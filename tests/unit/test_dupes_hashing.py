"""Hashing what is missing: streamed in batches, stored per batch, unreadable photos skipped, not retried forever."""

from __future__ import annotations

import asyncio
import io

from gphotos_tui.analysis.duplicates.hashing import HashJob
from gphotos_tui.analysis.duplicates.providers import BytesLoader
from gphotos_tui.analysis.duplicates.scan import hash_missing
from gphotos_tui.analysis.duplicates.store import count_without_hash
from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.images import render_scene
from gphotos_tui.demo.job import fill_demo


def _jpeg() -> bytes:
    out = io.BytesIO()
    render_scene(3, 64, 48).save(out, "JPEG")
    return out.getvalue()


class OddOnly:
    """Reads the photos with odd item ids; records how many rows each call asked about."""

    origin = "local"

    def __init__(self) -> None:
        self.asked: list[int] = []
        self.data = _jpeg()

    async def jobs(self, conn, wanted):
        self.asked.append(len({w[0] for w in wanted}))
        return [HashJob(item_id, BytesLoader(self.data)) for item_id, _kind, _ext in wanted if item_id % 2]


def test_hashes_stream_in_batches_and_unreadable_photos_are_skipped(tmp_path):
    async def run():
        catalog = await Catalog.open(tmp_path / "c.sqlite")
        try:
            await fill_demo(catalog, 120, 7, page_size=60)
            photos = await count_without_hash(catalog.reader)
            provider = OddOnly()
            seen = []
            hashed, errors = await hash_missing(
                catalog, [provider], lambda stage, done, total: seen.append(done), workers=1, batch=16
            )
            rows = await catalog.reader.execute_fetchall("SELECT item_id, origin FROM perceptual_hashes")
            again, _ = await hash_missing(catalog, [provider], workers=1, batch=16)
            return photos, provider.asked, seen, hashed, errors, rows, again, await count_without_hash(catalog.reader)
        finally:
            await catalog.close()

    photos, asked, seen, hashed, errors, rows, again, left = asyncio.run(run())
    assert max(asked) <= 16 and sum(asked[: len(asked) // 2]) > 0  # never the whole library at once
    assert seen[0] == 0 and seen[-1] == photos and seen == sorted(seen)
    assert not errors and hashed == len(rows) > 0
    assert all(item_id % 2 and origin == "local" for item_id, origin in rows)
    assert again == 0 and left == photos - hashed  # a rescan asks again only about what is still missing
