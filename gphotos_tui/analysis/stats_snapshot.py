"""A columnar snapshot of what the statistics need: one scan of the catalog into numpy arrays.

Every aggregate and every filter combination is then a mask and a few
``bincount`` calls over arrays in memory (milliseconds for a million items),
instead of SQLite GROUP BY passes that sort every row. Text columns are stored
as small integer codes into a dictionary; capture times as local day and hour;
camera settings as their bucket index (the same edges as stats_buckets).

The scan reads only the needed columns, in two id ranges on two connections
at once, into Arrow batches through the ADBC SQLite driver when it is
installed and the catalog is big (C all the way: about 2.5x less CPU than a
Python object per cell), else through the standard sqlite3 module; both give
the same arrays. stats_cache.py persists a snapshot keyed by the catalog
fingerprint, so an unchanged catalog is never scanned twice.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gphotos_tui.analysis.stats_buckets import (
    APERTURE,
    EXPOSURE,
    FOCAL,
    FOCAL_35MM,
    ISO,
    MEGAPIXELS,
    ROTATED_ORIENTATIONS,
)
from gphotos_tui.analysis.stats_filters import EPOCH_SHIFT_DAYS

#: Camera-setting columns and the bucketing their index array uses.
SETTINGS = {
    "focal_length_mm": FOCAL,
    "focal_length_35mm": FOCAL_35MM,
    "aperture_f": APERTURE,
    "iso": ISO,
    "exposure_s": EXPOSURE,
}
REAL = ("focal_length_mm", "focal_length_35mm", "aperture_f", "exposure_s", "latitude", "longitude")
TEXT = ("media_type", "mime_type", "camera_make", "camera_model", "lens_model")
CAMERA = ("camera_make", "camera_model")  # kept as one code per (make, model) pair: a camera
TEXT_COLUMNS = ("texts", "kind")
#: Cells cost more to read than SQLite arithmetic does, so small values share one.
NO_OFFSET = -100_000  # minutes: far beyond any real UTC offset
FLAGS = (
    f"coalesce(utc_offset_min, {NO_OFFSET}) * 4 + (coalesce(orientation, 0) IN "
    f"({', '.join(map(str, ROTATED_ORIENTATIONS))})) * 2 + (favorite != 0)"
)
SEPARATOR, NULL_TEXT = "\x1f", "\x1e"  # unit and record separator: not found in names
TEXTS = " || char(31) || ".join(f"coalesce({c}, char(30))" for c in TEXT)
ITEM_COLUMNS = {
    "id": "id",
    "taken_at": "taken_at",
    "size_bytes": "size_bytes",
    "width": "width",
    "height": "height",
    "flags": FLAGS,
    **{c: c for c in (*SETTINGS, "latitude", "longitude")},
    "texts": TEXTS,
}


def _with_probe(columns: dict[str, str], rest: str) -> str:
    """The query, led by one row of typed dummy values that the readers drop.

    The Arrow reader fixes each column's type from the first batch; a column that happens to be NULL
    there would otherwise get the wrong type and fail at its first real value."""
    probe = ", ".join(f"{'' if c in TEXT_COLUMNS else 0.5 if c in REAL else 0!r} AS {c}" for c in columns)
    return f"SELECT {probe} UNION ALL SELECT {', '.join(columns.values())} {rest}"


ITEMS_SQL = _with_probe(ITEM_COLUMNS, "FROM items")  # + a WHERE on the id range
COUNT_SQL = "SELECT count(*) FROM items WHERE id BETWEEN ? AND ?"
SOURCES_SQL = _with_probe({"item_id": "item_id", "kind": "kind"}, "FROM item_sources")
BATCH_ROWS = 8_192  # per batch and reader: the transient memory of a scan (65,536: +60 MB peak, no faster)
BUSY_TIMEOUT_S = 10.0  # as long as the catalog's own connections wait
#: Below this many items, importing pyarrow costs more than the standard library's slower reading.
ARROW_FROM_ITEMS = 100_000
SHIFT_SECONDS = EPOCH_SHIFT_DAYS * 86400
#: Ids spread wider than this (not a catalog this app wrote) are counted by the SQL path instead.
MAX_ID_SPAN = 1 << 28
#: Orientation classes, in the order of stats.ORIENTATIONS.
LANDSCAPE, PORTRAIT, SQUARE, UNKNOWN = range(4)
NO_BUCKET = -1


class ScanInterrupted(sqlite3.OperationalError):
    """The caller's stop event was set; the scan was abandoned (same type as SQLite's "interrupted")."""

    def __init__(self) -> None:
        super().__init__("interrupted")


@dataclass
class Snapshot:
    """One row per item, in id order; ``*_values`` are the dictionaries the codes index."""

    ids: np.ndarray  # int64, ascending
    dated: np.ndarray  # bool: taken_at known
    taken: np.ndarray  # int64 UTC seconds (0 where undated)
    day: np.ndarray  # int32 shifted local day (stats_filters.LOCAL_DAY; 0 where undated)
    hour: np.ndarray  # int8 local hour
    local: np.ndarray  # bool: dated and the UTC offset is known
    size: np.ndarray  # int64 bytes (0 where unknown)
    sized: np.ndarray  # bool
    favorite: np.ndarray  # int8 flag (the catalog stores 0 or 1)
    orientation: np.ndarray  # int8 LANDSCAPE..UNKNOWN
    buckets: dict[str, np.ndarray]  # bucketing name -> int8 bucket index, NO_BUCKET where none
    latitude: np.ndarray  # float64, NaN where unknown
    longitude: np.ndarray
    media: np.ndarray  # int32 codes
    mime: np.ndarray
    camera: np.ndarray  # code of the (make, model) pair
    lens: np.ndarray
    sources: np.ndarray  # uint8 bit mask over source_values
    media_values: list[Any] = field(default_factory=list)
    mime_values: list[Any] = field(default_factory=list)
    camera_values: list[Any] = field(default_factory=list)  # [(make, model)]
    lens_values: list[Any] = field(default_factory=list)
    source_values: list[Any] = field(default_factory=list)

    @property
    def size_in_memory(self) -> int:
        arrays = [v for v in vars(self).values() if isinstance(v, np.ndarray)] + list(self.buckets.values())
        return sum(a.nbytes for a in arrays)

    def __len__(self) -> int:
        return len(self.ids)


# -- reading the catalog -----------------------------------------------------------------


Batch = dict[str, tuple[Any, Any]]  # numeric: (values, valid); text: (codes with -1 for NULL, values)


def _arrow_batches(path: Path, sql: str, stop: threading.Event | None) -> Iterator[Batch]:
    # The driver's low-level API: its DB-API layer would import pyarrow.dataset (0.6 s) for nothing.
    import adbc_driver_manager as adbc
    import adbc_driver_sqlite
    import pyarrow as pa

    database = adbc_driver_sqlite.connect(f"{Path(path).resolve().as_uri()}?mode=ro")
    connection = statement = reader = None
    try:
        connection = adbc.AdbcConnection(database)
        statement = adbc.AdbcStatement(connection)
        statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
        statement.set_sql_query(sql)
        stream = _execute_when_unlocked(statement)
        reader = pa.RecordBatchReader._import_from_c(stream.address)
        for number, batch in enumerate(reader):
            if stop is not None and stop.is_set():
                raise ScanInterrupted
            if number == 0:
                batch = batch.slice(1)  # the probe row
            out: Batch = {}
            for name, column in zip(batch.schema.names, batch.columns):
                if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                    encoded = column.dictionary_encode()
                    codes = _numbers(encoded.indices, -1).astype(np.int32)
                    out[name] = (codes, encoded.dictionary.to_pylist())
                elif name not in TEXT_COLUMNS and (
                    pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
                ):
                    out[name] = (_numbers(column, 0), _valid(column))
                else:
                    raise TypeError(f"column {name} has unexpected type {column.type}")
            yield out
    finally:
        for handle in (reader, statement, connection, database):
            if handle is not None:
                handle.close()


# Arrow arrays to numpy through their buffers. pyarrow's own conversions that copy (validity bits,
# fill_null with a Python scalar) go through its pandas shim, which imports pandas when it is
# installed: a second of imports for nothing.


def _valid(column: Any) -> np.ndarray:
    """True where the column has a value."""
    bitmap = column.buffers()[0]
    if bitmap is None or column.null_count == 0:
        return np.ones(len(column), bool)
    bits = np.unpackbits(np.frombuffer(bitmap, np.uint8), bitorder="little")
    return bits[column.offset : column.offset + len(column)].astype(bool)


def _numbers(column: Any, null: int) -> np.ndarray:
    """A fixed-width numeric column as a numpy array, ``null`` where it has no value."""
    import pyarrow as pa

    kind = "f" if pa.types.is_floating(column.type) else "u" if pa.types.is_unsigned_integer(column.type) else "i"
    dtype = np.dtype(f"{kind}{column.type.bit_width // 8}")
    values = np.frombuffer(column.buffers()[1], dtype, count=len(column), offset=column.offset * dtype.itemsize)
    if column.null_count == 0:
        return values.copy()  # the batch's buffer is not ours to keep
    return np.where(_valid(column), values, np.array(null, dtype))


def _execute_when_unlocked(statement: Any) -> Any:
    """The statement's result stream, waiting out a busy database as the catalog's connections do.

    The driver sets no busy timeout (and executing a PRAGMA to set one crashed it under concurrent
    opens), so a reader that opens while another runs WAL recovery, the first open after the last
    writer closed, would fail at once with "database is locked"."""
    import adbc_driver_manager as adbc

    deadline, pause = time.monotonic() + BUSY_TIMEOUT_S, 0.005
    while True:
        try:
            return statement.execute_query()[0]
        except adbc.Error as error:
            if "database is locked" not in str(error) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def _sqlite3_batches(path: Path, sql: str, stop: threading.Event | None) -> Iterator[Batch]:
    """The same batches through the standard library (a Python object per cell: slower)."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        cursor = conn.execute(sql)
        names = [d[0] for d in cursor.description]
        cursor.fetchone()  # the probe row
        while rows := cursor.fetchmany(BATCH_ROWS):
            if stop is not None and stop.is_set():
                raise ScanInterrupted
            out: Batch = {}
            for name, column in zip(names, zip(*rows)):
                if name in TEXT_COLUMNS:
                    index: dict[str, Any] = {}
                    codes = np.fromiter(
                        (-1 if v is None else index.setdefault(v, len(index)) for v in column), np.int32, len(column)
                    )
                    out[name] = (codes, list(index))
                else:
                    values = np.array(column, dtype=object)
                    valid = values != None  # noqa: E711 - elementwise test for NULL
                    values[~valid] = 0
                    out[name] = (
                        values.astype(np.float64 if any(isinstance(v, float) for v in column) else np.int64),
                        valid,
                    )
            yield out
    finally:
        conn.close()


def batches(path: Path, sql: str, stop: threading.Event | None = None, *, fast: bool = True) -> Iterator[Batch]:
    if fast:
        try:
            import adbc_driver_sqlite  # noqa: F401
        except ImportError:
            fast = False
    return (_arrow_batches if fast else _sqlite3_batches)(path, sql, stop)


# -- encoding ----------------------------------------------------------------------------


class _Dictionary:
    """Global codes for text values seen batch by batch (None is a value of its own)."""

    def __init__(self) -> None:
        self.index: dict[str, Any] = {}
        self.lock = threading.Lock()  # two scan threads share the codes

    def code(self, value: Any) -> int:
        with self.lock:
            code: int = self.index.setdefault(value, len(self.index))
            return code

    def remap(self, codes: np.ndarray, values: list[Any]) -> np.ndarray:
        null = self.code(None) if (codes < 0).any() else 0  # None gets a code only once it occurs
        table = np.array([self.code(v) for v in values] + [null], dtype=np.int32)
        remapped: np.ndarray = table[codes]
        return remapped  # -1 (NULL) picks the last entry

    @property
    def values(self) -> list[Any]:
        return list(self.index)


def _trunc_divmod(a: np.ndarray, b: int) -> tuple[np.ndarray, np.ndarray]:
    """SQLite's integer / and %: the quotient rounds toward zero, the remainder has the dividend's sign."""
    q = np.where(a >= 0, a // b, -((-a) // b))
    return q, a - q * b


def _text_codes(combo_codes: np.ndarray, combos: list[Any], dictionaries: dict[str, Any]) -> dict[str, np.ndarray]:
    """Per text column, global codes from the batch's distinct combinations of all five texts."""
    columns: dict[str, list[Any]] = {name: [] for name in TEXT}
    for combo in combos:
        parts = combo.split(SEPARATOR)
        if len(parts) != len(TEXT):
            raise TypeError(f"a text value contains the separator: {combo!r}")
        for name, part in zip(TEXT, parts):
            columns[name].append(None if part == NULL_TEXT else part)
    codes = {name: dictionaries[name].remap(combo_codes, columns[name]) for name in TEXT if name not in CAMERA}
    codes["camera"] = dictionaries["camera"].remap(combo_codes, list(zip(*(columns[name] for name in CAMERA))))
    for name in CAMERA:  # each name's own code orders the pairs at the end (_camera_order)
        for value in columns[name]:
            dictionaries[name].code(value)
    return codes


def _shape(
    media_is_photo: np.ndarray, width: np.ndarray, height: np.ndarray, rotated: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Orientation class and megapixel bucket, as stats_buckets.orientation and the MEGAPIXELS fold decide."""
    shown_w, shown_h = np.where(rotated, height, width), np.where(rotated, width, height)
    known = (width != 0) & (height != 0)
    shape = np.where(shown_w == shown_h, SQUARE, np.where(shown_h > shown_w, PORTRAIT, LANDSCAPE))
    shape = np.where(known, shape, UNKNOWN).astype(np.int8)
    with_pixels = media_is_photo & (width > 0) & (height > 0)
    mp = np.searchsorted(np.array(MEGAPIXELS.edges), width * height / 1e6, side="right")
    return shape, np.where(with_pixels, mp, NO_BUCKET).astype(np.int8)


class _RegionFull(Exception):
    """More rows than counted (written between the count and the scan): scan into chunks instead."""


class _Region:
    """Rows ``start`` to ``end`` of the preallocated snapshot columns: one reader's share, filled in place."""

    def __init__(self, out: dict[str, np.ndarray], start: int, end: int):
        self.out, self.at, self.end = out, start, end

    def keep(self, name: str, array: np.ndarray) -> None:
        if self.at + len(array) > self.end:
            raise _RegionFull
        self.out[name][self.at : self.at + len(array)] = array


def _encode_items(
    path: Path,
    id_range: tuple[int, int],
    dictionaries: dict[str, Any],
    stop: threading.Event | None,
    fast: bool,
    region: _Region | None = None,
) -> dict[str, list[Any]]:
    """The arrays of the items with ids in ``id_range``, batch by batch: written into ``region`` (then the
    result is empty) or returned as chunks."""
    parts: dict[str, list[Any]] = {}

    def chunk(name: str, array: np.ndarray) -> None:
        parts.setdefault(name, []).append(array)

    keep = chunk if region is None else region.keep
    low, high = (int(bound) for bound in id_range)
    for batch in batches(path, f"{ITEMS_SQL} WHERE id BETWEEN {low} AND {high}", stop, fast=fast):
        codes = _text_codes(*batch["texts"], dictionaries)
        flags = batch["flags"][0].astype(np.int64)
        offset, rotated, favorite = flags >> 2, (flags >> 1) & 1, flags & 1
        with_offset = offset != NO_OFFSET
        offset = np.where(with_offset, offset, 0)
        taken, dated = batch["taken_at"]
        taken = taken.astype(np.int64)
        day, rest = _trunc_divmod(taken + offset * 60 + SHIFT_SECONDS, 86400)
        hour = _trunc_divmod(rest, 3600)[0]
        keep("ids", batch["id"][0].astype(np.int64))
        keep("dated", dated)
        keep("taken", np.where(dated, taken, 0))
        keep("day", np.where(dated, day, 0).astype(np.int32))
        keep("hour", np.where(dated, hour, 0).astype(np.int8))
        keep("local", dated & with_offset)
        size, sized = batch["size_bytes"]
        keep("size", size.astype(np.int64))
        keep("sized", sized)
        keep("favorite", favorite.astype(np.int8))
        photo = codes["media_type"] == dictionaries["media_type"].code("photo")
        shape, mp = _shape(photo, batch["width"][0], batch["height"][0], rotated.astype(bool))
        keep("orientation", shape)
        keep(MEGAPIXELS.name, mp)
        for column, bucketing in SETTINGS.items():
            values, valid = batch[column]
            index = np.searchsorted(np.array(bucketing.edges), values, side="right")
            keep(bucketing.name, np.where(valid & (values > 0), index, NO_BUCKET).astype(np.int8))
        for column in ("latitude", "longitude"):
            values, valid = batch[column]
            keep(column, np.where(valid, values.astype(np.float64), np.nan))
        for name in (*(t for t in TEXT if t not in CAMERA), "camera"):
            keep(name, codes[name])
        if region is not None:
            region.at += len(batch["id"][0])
    return parts


def _empty() -> dict[str, Any]:
    dtypes = {
        "ids": np.int64,
        "dated": bool,
        "taken": np.int64,
        "day": np.int32,
        "hour": np.int8,
        "local": bool,
        "size": np.int64,
        "sized": bool,
        "favorite": np.int8,
        "orientation": np.int8,
        "latitude": np.float64,
        "longitude": np.float64,
        **{b.name: np.int8 for b in (*SETTINGS.values(), MEGAPIXELS)},
        **{name: np.int32 for name in (*TEXT, "camera") if name not in CAMERA},
    }
    return {name: np.zeros(0, dtype) for name, dtype in dtypes.items()}


def _encode_sources(
    path: Path, stop: threading.Event | None, fast: bool, bounds: tuple[int, int]
) -> tuple[np.ndarray, list[Any]]:
    """(bit mask of provenance kinds per item id from ``bounds[0]`` to ``bounds[1]``, kinds), every provenance
    row folded in as it is read: a byte per id instead of the rows' ids and codes held until the end."""
    low, high = bounds
    kinds = _Dictionary()
    by_id = np.zeros(max(0, high - low + 1), np.uint8)
    for batch in batches(path, SOURCES_SQL, stop, fast=fast):
        ids = batch["item_id"][0].astype(np.int64)
        codes = kinds.remap(*batch["kind"])
        if len(kinds.index) > 8:
            raise ValueError(f"{len(kinds.index)} source kinds do not fit the 8-bit source mask")
        inside = (ids >= low) & (ids <= high)  # provenance of items written after the bounds is skipped
        np.bitwise_or.at(by_id, ids[inside] - low, np.left_shift(1, codes[inside]).astype(np.uint8))
    return by_id, kinds.values


def scan(path: Path, stop: threading.Event | None = None, *, fast: bool = True) -> Snapshot:
    """Read the catalog once (items and provenance on two connections at once) into a Snapshot."""
    if fast and _id_span(path) >= ARROW_FROM_ITEMS:
        try:
            return _scan(path, stop, True)
        except ScanInterrupted:
            raise
        except Exception:
            pass  # the standard-library reader accepts anything SQLite stores
    return _scan(path, stop, False)


def _id_bounds(path: Path) -> tuple[int | None, int | None]:
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        # Two subqueries: SQLite answers a lone min() or max() of the rowid from the b-tree edge, both at once by a full scan
        low, high = conn.execute("SELECT (SELECT min(id) FROM items), (SELECT max(id) FROM items)").fetchone()
    finally:
        conn.close()
    return low, high


def _id_span(path: Path) -> int:
    low, high = _id_bounds(path)
    return 0 if low is None or high is None else high - low + 1


def _id_ranges(low: int | None, high: int | None) -> list[tuple[int, int]]:
    """Two halves of the id range, so two connections (SQLite works without the GIL) share the scan."""
    if low is None or high is None:  # both or neither: an empty table
        return []
    middle = (low + high) // 2
    return [(low, middle), (middle + 1, high)] if high - low >= BATCH_ROWS else [(low, high)]


def _items(
    path: Path, ranges: list[tuple[int, int]], stop: threading.Event | None, fast: bool, pool: ThreadPoolExecutor
) -> dict[str, Any]:
    dictionaries = {name: _Dictionary() for name in (*TEXT, "camera")}
    arrays = _preallocated(path, ranges, dictionaries, stop, fast, pool)
    if arrays is None:  # the catalog changed under the count: chunks joined after (twice the memory)
        dictionaries = {name: _Dictionary() for name in (*TEXT, "camera")}
        halves = [pool.submit(_encode_items, path, r, dictionaries, stop, fast) for r in ranges]
        parts: dict[str, list[Any]] = {}
        for half in halves:
            found = half.result()
            for name in list(found):
                parts.setdefault(name, []).extend(found.pop(name))  # the future keeps its dict: empty it
        del halves
        arrays = {name: np.concatenate(parts.pop(name)) for name in list(parts)} if parts else _empty()
    ids = arrays["ids"]
    if len(ids) > 1 and not (ids[1:] > ids[:-1]).all():  # SQLite returns a rowid range in order; make sure
        order = np.argsort(ids, kind="stable")
        arrays = {name: array[order] for name, array in arrays.items()}
    return {"arrays": arrays, "dictionaries": dictionaries}


def _preallocated(
    path: Path,
    ranges: list[tuple[int, int]],
    dictionaries: dict[str, Any],
    stop: threading.Event | None,
    fast: bool,
    pool: ThreadPoolExecutor,
) -> dict[str, np.ndarray] | None:
    """Every column allocated once at its final size and filled in place by the readers (no chunks to join:
    the scan's memory is the snapshot plus a batch per reader); None if more rows came than were counted."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        counts = [conn.execute(COUNT_SQL, r).fetchone()[0] for r in ranges]
    finally:
        conn.close()
    out = {name: np.empty(sum(counts), array.dtype) for name, array in _empty().items()}
    regions, start = [], 0
    for count in counts:
        regions.append(_Region(out, start, start + count))
        start += count
    halves = [pool.submit(_encode_items, path, r, dictionaries, stop, fast, g) for r, g in zip(ranges, regions)]
    try:
        for half in halves:
            half.result()
    except _RegionFull:
        for half in halves:
            half.exception()  # wait for the other reader before the arrays go
        return None
    if any(g.at != g.end for g in regions):  # fewer rows than counted (deleted meanwhile): close the gaps
        ends = [0, *(g.end for g in regions)]
        return {
            name: np.concatenate([array[ends[i] : g.at] for i, g in enumerate(regions)]) for name, array in out.items()
        }
    return out


def _scan(path: Path, stop: threading.Event | None, fast: bool) -> Snapshot:
    low, high = _id_bounds(path)
    bounds = (low, high) if low is not None and high is not None else (0, -1)
    if bounds[1] - bounds[0] >= MAX_ID_SPAN:  # the provenance takes a byte per id of the span
        raise ValueError(f"item ids spread over {bounds[1] - bounds[0] + 1:,} values")
    with ThreadPoolExecutor(3, thread_name_prefix="stats-scan") as pool:
        provenance = pool.submit(_encode_sources, path, stop, fast, bounds)
        items = _items(path, _id_ranges(low, high), stop, fast, pool)
        by_id, kinds = provenance.result()
    arrays, dictionaries = items["arrays"], items["dictionaries"]
    values = {name: dictionaries[name].values for name in TEXT if name not in CAMERA}
    ids = arrays["ids"]
    sources = by_id[ids - bounds[0]] if len(ids) else np.zeros(0, np.uint8)
    del by_id
    camera, camera_values = arrays["camera"], _camera_order(arrays["camera"], dictionaries)
    return Snapshot(
        ids=ids,
        dated=arrays["dated"],
        taken=arrays["taken"],
        day=arrays["day"],
        hour=arrays["hour"],
        local=arrays["local"],
        size=arrays["size"],
        sized=arrays["sized"],
        favorite=arrays["favorite"],
        orientation=arrays["orientation"],
        buckets={b.name: arrays[b.name] for b in (*SETTINGS.values(), MEGAPIXELS)},
        latitude=arrays["latitude"],
        longitude=arrays["longitude"],
        media=arrays["media_type"],
        mime=arrays["mime_type"],
        camera=camera,
        lens=arrays["lens_model"],
        sources=sources,
        media_values=values["media_type"],
        mime_values=values["mime_type"],
        camera_values=camera_values,
        lens_values=values["lens_model"],
        source_values=kinds,
    )


def _camera_order(camera: np.ndarray, dictionaries: dict[str, Any]) -> list[Any]:
    """The (make, model) pairs that occur, ordered by their make's code then their model's; ``camera`` is
    recoded in place to that order (the order the snapshot has always had: codes are stable across layouts)."""
    pairs = dictionaries["camera"].values
    make, model = (dictionaries[name].index for name in CAMERA)
    order = sorted(range(len(pairs)), key=lambda i: (make[pairs[i][0]], model[pairs[i][1]]))
    table = np.empty(len(pairs), np.int32)
    table[order] = np.arange(len(pairs), dtype=np.int32)
    for start in range(0, len(camera), 1 << 16):
        part = camera[start : start + (1 << 16)]
        part[...] = table[part]
    return [pairs[i] for i in order]
