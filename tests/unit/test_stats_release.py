"""The app's Stats warm-up lets go of the column arrays once the cache dir holds them (issue 15: memory);
statistics for a new filter are then computed from the saved snapshot, the same as from a scan."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from gphotos_tui.analysis import stats_cache
from gphotos_tui.analysis.stats import compute_stats
from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.catalog import Catalog
from tests.unit.test_stats import _build


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("release") / "catalog.sqlite"
    asyncio.run(_build(path))
    return path


def _copy(demo, path, *, settled: bool):
    src, dst = sqlite3.connect(demo), sqlite3.connect(path)
    src.backup(dst)
    src.close()
    if settled:  # the last write long ago: the snapshot is saved
        dst.execute("UPDATE sources SET last_run_at = last_run_at - 60")
    else:
        dst.execute("UPDATE sources SET last_run_at = CAST(strftime('%s') AS INTEGER) + 60")
    dst.commit()
    dst.close()


async def test_released_snapshot_is_mapped_again_for_a_filter(demo, tmp_path, monkeypatch):
    monkeypatch.setattr(stats_cache, "_recent", None)
    path = tmp_path / "c.sqlite"
    _copy(demo, path, settled=True)
    stats, cached = await stats_cache.stats_for_catalog(path)
    assert not cached and stats.total > 0
    assert stats_cache._recent is not None
    assert stats_cache.release_snapshot(path)
    assert stats_cache._recent is None
    assert not stats_cache.release_snapshot(path)  # nothing left to release
    filters = Filters(media_type="video")
    got, cached = await stats_cache.stats_for_catalog(path, filters)
    assert not cached
    catalog = await Catalog.open(path, readonly=True)
    try:
        want = await compute_stats(catalog.reader, filters)
    finally:
        await catalog.close()
    got_json, want_json = got.as_json(), want.as_json()
    got_json.pop("seconds"), want_json.pop("seconds")
    assert got_json == want_json


async def test_unsaved_snapshot_is_kept(demo, tmp_path, monkeypatch):
    """A catalog written a moment ago is not cached: the screen will need the arrays, so they stay."""
    monkeypatch.setattr(stats_cache, "_recent", None)
    path = tmp_path / "c.sqlite"
    _copy(demo, path, settled=False)
    await stats_cache.stats_for_catalog(path)
    assert not stats_cache.release_snapshot(path)
    assert stats_cache._recent is not None
