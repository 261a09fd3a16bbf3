"""The numpy path (one scan into a Snapshot, then masks and bincounts) gives exactly what the SQL
GROUP BY path gives, for every filter, with either reader, and after a save/load round trip."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import numpy as np
import pytest

from gphotos_tui.analysis import stats_cache, stats_snapshot
from gphotos_tui.analysis.stats import compute_stats
from gphotos_tui.analysis.stats_arrays import compute_from_snapshot
from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.analysis.stats_snapshot import scan
from gphotos_tui.catalog import Catalog
from gphotos_tui.model import MediaRecord, SourceKind
from tests.unit.test_stats import FILTERS, _build

MORE_FILTERS = [
    *FILTERS,
    Filters(camera="e-m1", album="scans"),  # no item is both
    Filters(camera="no such camera"),
    Filters(source="takeout"),  # a kind the catalog has never seen
    Filters(date_from=date(1960, 1, 1), date_to=date(1960, 1, 1)),
    Filters(camera="%"),  # LIKE wildcards in the text are literal
]


def _read(path, fast: bool):
    """A snapshot through one reader only (scan() would quietly fall back to the other)."""
    if fast:
        pytest.importorskip("adbc_driver_sqlite")
    return stats_snapshot._scan(path, None, fast)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("arrays") / "catalog.sqlite"
    asyncio.run(_build(path))
    return path


async def _both(path, snapshot, filters):
    catalog = await Catalog.open(path, readonly=True)
    try:
        want = (await compute_stats(catalog.reader, filters)).as_json()
        album_ids = await stats_cache._album_item_ids(catalog.reader, filters.album) if filters.album else None
    finally:
        await catalog.close()
    got = compute_from_snapshot(snapshot, filters, album_ids).as_json()
    want.pop("seconds"), got.pop("seconds")
    return want, got


@pytest.mark.parametrize("fast", [True, False], ids=["arrow-reader", "sqlite3-reader"])
async def test_numpy_path_equals_sql_path_for_every_filter(demo, fast):
    snapshot = _read(demo, fast)
    for filters in MORE_FILTERS:
        want, got = await _both(demo, snapshot, filters)
        assert got == want, filters.describe()
        assert list(got["mime_types"].items()) == sorted(want["mime_types"].items(), key=lambda kv: (-kv[1], kv[0]))


async def test_saved_snapshot_loads_the_same_and_only_for_its_fingerprint(demo, tmp_path):
    snapshot = scan(demo)
    folder = tmp_path / "columns"
    stats_cache.save_snapshot(snapshot, folder, "print-1")
    assert stats_cache.load_snapshot(folder, "print-2") is None
    loaded = stats_cache.load_snapshot(folder, "print-1")
    assert loaded is not None and len(loaded) == len(snapshot)
    for name, value in vars(snapshot).items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(getattr(loaded, name), value, equal_nan=value.dtype.kind == "f"), name
    assert loaded.camera_values == snapshot.camera_values
    filters = Filters(camera="sony", date_from=date(2018, 1, 1))
    assert compute_from_snapshot(loaded, filters).as_json() | {"seconds": 0} == compute_from_snapshot(
        snapshot, filters
    ).as_json() | {"seconds": 0}
    (folder / "day.npy").write_bytes(b"damaged")
    assert stats_cache.load_snapshot(folder, "print-1") is None  # scanned again, never an error


async def _sparse(path) -> None:
    catalog = await Catalog.open(path)
    try:
        source = await catalog.ensure_source(SourceKind.FOLDER, "/p", "Pictures")
        await catalog.write_batch(
            source,
            [
                MediaRecord("/p/a.jpg", "a.jpg", None),  # nothing known at all
                MediaRecord(
                    "/p/b.mov",
                    "b.mov",
                    "video/quicktime",
                    media_type="video",
                    taken_at=0,
                    utc_offset_min=-600,
                    width=1920,
                    height=1080,
                    size_bytes=0,
                    aperture_f=0.0,
                    iso=0,
                    exposure_s=-1.0,
                ),
                MediaRecord(
                    "/p/c.jpg",
                    "c.jpg",
                    "image/jpeg",
                    taken_at=1_700_000_000,
                    width=0,
                    height=500,
                    camera_model="Only a model",
                    latitude=0.0,
                    longitude=-0.0001,
                ),
            ],
        )
        await catalog.writer.execute("DELETE FROM items WHERE filename = 'a.jpg'")  # a gap in the ids
        await catalog.writer.commit()
        await catalog.write_batch(
            source, [MediaRecord("/p/d.jpg", "d.jpg", "image/jpeg", orientation=8, width=3, height=4)]
        )
    finally:
        await catalog.close()


@pytest.mark.parametrize("fast", [True, False], ids=["arrow-reader", "sqlite3-reader"])
async def test_sparse_and_empty_catalogs(tmp_path, fast, monkeypatch):
    # Tiny batches: the id range is read in two halves, and the first batch has no GPS or lens at all.
    monkeypatch.setattr(stats_snapshot, "BATCH_ROWS", 1)
    empty = tmp_path / "empty.sqlite"
    await (await Catalog.open(empty)).close()
    sparse = tmp_path / "sparse.sqlite"
    await _sparse(sparse)
    for path in (empty, sparse):
        snapshot = _read(path, fast)
        for filters in (Filters(), Filters(media_type="video"), Filters(camera="model"), Filters(source="folder")):
            want, got = await _both(path, snapshot, filters)
            assert got == want, (path.name, filters.describe())
    assert compute_from_snapshot(_read(sparse, fast)).orientation == {
        "landscape": 2,
        "portrait": 0,
        "square": 0,
        "unknown": 1,
    }  # d.jpg is 3x4 turned a quarter: landscape


async def test_a_name_the_snapshot_cannot_hold_falls_back_to_sql(tmp_path):
    path = tmp_path / "odd.sqlite"
    catalog = await Catalog.open(path)
    try:
        source = await catalog.ensure_source(SourceKind.FOLDER, "/p", "Pictures")
        await catalog.write_batch(
            source,
            [
                MediaRecord(
                    "/p/x.jpg",
                    "x.jpg",
                    "image/jpeg",
                    taken_at=1_600_000_000,
                    camera_make="Odd\x1fMake",
                    camera_model="X",
                )
            ],
        )
    finally:
        await catalog.close()
    with pytest.raises(TypeError, match="separator"):
        stats_snapshot._scan(path, None, False)
    stats, cached = await stats_cache.stats_for_catalog(path)
    assert not cached and stats.total == 1 and stats.cameras[0]["make"] == "Odd\x1fMake"


def test_arrow_reader_waits_out_a_busy_database():
    """The Arrow driver sets no busy timeout: a reader opening while another runs WAL recovery (the
    first opens after the last writer closed) failed at once with "database is locked"."""
    adbc = pytest.importorskip("adbc_driver_manager")

    class Busy:
        calls = 0

        def execute_query(self):
            self.calls += 1
            if self.calls < 3:
                raise adbc.ProgrammingError(
                    "[SQLite] Failed to prepare query: database is locked",
                    status_code=adbc.AdbcStatusCode.INVALID_ARGUMENT,
                )
            return "stream", -1

    statement = Busy()
    assert stats_snapshot._execute_when_unlocked(statement) == "stream" and statement.calls == 3


def test_concurrent_readers_after_the_writer_closes(tmp_path):
    """The real race behind the test above, many times over: every reader gets every row."""
    pytest.importorskip("adbc_driver_sqlite")
    path = tmp_path / "wal.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.executescript("PRAGMA journal_mode=WAL; CREATE TABLE t (a INTEGER);")
    sql = "SELECT 0 AS a UNION ALL SELECT a FROM t"
    with ThreadPoolExecutor(3) as pool:
        for rows in range(1, 101):
            with contextlib.closing(sqlite3.connect(path)) as conn, conn:
                conn.execute("INSERT INTO t VALUES (?)", (rows,))
            counts = [
                f.result()
                for f in [
                    pool.submit(lambda: sum(len(b["a"][0]) for b in stats_snapshot.batches(path, sql)))
                    for _ in range(3)
                ]
            ]
            assert counts == [rows] * 3


_CODES = {"media": "media_values", "mime": "mime_values", "camera": "camera_values", "lens": "lens_values"}


def _same_snapshots(a, b):
    """Equal item by item; text codes compared as the values they stand for (the two readers number
    values in whichever order they meet them)."""
    for name, value in vars(a).items():
        other = getattr(b, name)
        if name in _CODES:
            assert [getattr(a, _CODES[name])[c] for c in value.tolist()] == [
                getattr(b, _CODES[name])[c] for c in other.tolist()
            ], name
        elif name in _CODES.values():
            assert sorted(map(repr, value)) == sorted(map(repr, other)), name
        elif isinstance(value, np.ndarray):
            assert value.dtype == other.dtype and np.array_equal(value, other, equal_nan=value.dtype.kind == "f"), name
        elif name == "buckets":
            assert value.keys() == other.keys()
            for key in value:
                assert np.array_equal(value[key], other[key]), key
        else:
            assert value == other, name


@pytest.mark.parametrize("fast", [True, False], ids=["arrow-reader", "sqlite3-reader"])
@pytest.mark.parametrize(
    "count", ["count(*)", "count(*) - 5", "count(*) + 3"], ids=["exact", "more-rows", "fewer-rows"]
)
def test_preallocated_scan_equals_joined_chunks(demo, monkeypatch, fast, count):
    """Columns filled in place (issue 15: no chunks to join) equal the chunks joined; when the count is off
    (rows written or deleted between it and the scan) the result is still the same."""
    monkeypatch.setattr(stats_snapshot, "BATCH_ROWS", 64)  # several batches in each of two readers
    chunked = _scan_with(demo, fast, preallocate=False, monkeypatch=monkeypatch)
    monkeypatch.setattr(stats_snapshot, "COUNT_SQL", f"SELECT {count} FROM items WHERE id BETWEEN ? AND ?")
    in_place = _scan_with(demo, fast, preallocate=True, monkeypatch=monkeypatch)
    assert len(in_place) == len(chunked) > 2 * 64
    _same_snapshots(in_place, chunked)


def _scan_with(path, fast, *, preallocate, monkeypatch):
    if not preallocate:
        with monkeypatch.context() as m:
            m.setattr(stats_snapshot, "_preallocated", lambda *args: None)
            return _read(path, fast)
    return _read(path, fast)


@pytest.mark.parametrize("rows", [1, 3, 64])
async def test_aggregated_in_small_chunks_still_equals_the_sql_path(demo, rows, monkeypatch):
    """Counts and sums carried from chunk to chunk are exactly the whole (coordinate sums in catalog order)."""
    from gphotos_tui.analysis import stats_arrays

    snapshot = scan(demo)
    assert len(snapshot) > 4 * rows
    monkeypatch.setattr(stats_arrays, "CHUNK_ROWS", rows)
    for filters in MORE_FILTERS:
        want, got = await _both(demo, snapshot, filters)
        assert got == want, filters.describe()


async def test_places_too_spread_for_a_table_are_the_same(demo, monkeypatch):
    from gphotos_tui.analysis import stats_arrays

    snapshot = scan(demo)
    dense = compute_from_snapshot(snapshot).places
    assert dense
    monkeypatch.setattr(stats_arrays, "MAX_CELL_TABLE", 1)
    monkeypatch.setattr(stats_arrays, "CHUNK_ROWS", 5)
    assert compute_from_snapshot(snapshot).places == dense
    for filters in (Filters(camera="sony"), Filters(date_from=date(2018, 1, 1))):
        want, got = await _both(demo, snapshot, filters)
        assert got == want, filters.describe()


async def test_ids_spread_too_wide_for_the_provenance_table_fall_back_to_sql(demo, tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "copy.sqlite"
    shutil.copy(demo, path)
    want, _ = await _both(demo, scan(demo), Filters(source="folder"))
    monkeypatch.setattr(stats_snapshot, "MAX_ID_SPAN", 2)
    with pytest.raises(ValueError, match="spread"):
        stats_snapshot._scan(path, None, False)
    stats, cached = await stats_cache.stats_for_catalog(path, Filters(source="folder"))
    got = stats.as_json()
    got.pop("seconds")
    assert not cached and got == want


def test_provenance_is_a_bit_per_kind_of_each_item(demo):
    snapshot = scan(demo)
    conn = sqlite3.connect(demo)
    try:
        rows = conn.execute("SELECT item_id, kind FROM item_sources").fetchall()
    finally:
        conn.close()
    want: dict[int, set[str]] = {}
    for item_id, kind in rows:
        want.setdefault(item_id, set()).add(kind)
    got = {
        int(i): {k for bit, k in enumerate(snapshot.source_values) if mask & (1 << bit)}
        for i, mask in zip(snapshot.ids, snapshot.sources)
    }
    assert got == {int(i): want.get(int(i), set()) for i in snapshot.ids}
    assert len(snapshot.source_values) >= 2


def test_album_members_are_isin_of_the_ascending_ids():
    from gphotos_tui.analysis.stats_arrays import _members

    rng = np.random.default_rng(5)
    ids = np.unique(rng.integers(1, 5_000, 2_000))
    for wanted in (
        np.zeros(0, np.int64),
        rng.integers(-10, 6_000, 300),
        ids[::7],
        np.array([ids[0], ids[-1], ids[-1] + 1, ids[0] - 1]),
    ):
        assert np.array_equal(_members(ids, wanted), np.isin(ids, wanted))
    assert not _members(np.zeros(0, np.int64), np.array([1, 2])).any()
    shuffled = rng.permutation(ids)
    assert np.array_equal(_members(shuffled, ids[::3]), np.isin(shuffled, ids[::3]))
