"""A full regrouping of the catalog (``dupes --rebuild``) in bounded memory.

``find_groups`` over every item at once held a million DupItems (0.8 GB at 1M). But
every class is local (see incremental.py): two items share a group only through a
chain of links, and ``find_groups`` on any set closed under the links gives exactly
the groups of the whole catalog that lie in it. So:

1. the links are found from a few columns read into numpy arrays (16 bytes an
   item): capture times sorted into *time chains* (neighbours at most the time gap
   apart), items sharing a content hash, perceptual hashes within the near
   threshold (the multi-index), and the edited-copy names that reach an undated
   item (an undated edit matches its original at any time);
2. a union-find over the chains gives the closed components; items alone in
   theirs cannot be in any group and are never read again;
3. the rest is read, grouped and written a batch of whole components at a time
   (items in id order, as the full read has them, so ties break the same way).

Memory is the columns plus one batch, whatever the library's size; tests compare
the groups with ``find_groups`` over everything (tests/unit/test_dupes_rebuild.py).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterator

import numpy as np

from gphotos_tui.analysis.duplicates.classes import _NO_TIME, names_of
from gphotos_tui.analysis.duplicates.index import near_pairs
from gphotos_tui.analysis.duplicates.model import PHASH, Settings
from gphotos_tui.analysis.duplicates.names import edit_base
from gphotos_tui.analysis.duplicates.scan import find_groups
from gphotos_tui.analysis.duplicates.unionfind import UnionFind
from gphotos_tui.catalog import dupe_groups as sql
from gphotos_tui.gcpause import give_back_heap

#: Items read and grouped at a time (whole components: a bigger one is a batch of its own).
BATCH_ITEMS = 25_000
#: Rows per fetchmany when reading columns.
FETCH_ROWS = 65_536


def _int_columns(cursor: sqlite3.Cursor, width: int = 2) -> list[np.ndarray]:
    """Integer columns of a query, read a chunk of rows at a time (no list of every row)."""
    parts: list[np.ndarray] = []
    while rows := cursor.fetchmany(FETCH_ROWS):
        parts.append(np.array(rows, dtype=np.int64).reshape(-1, width))
    table = np.concatenate(parts) if parts else np.zeros((0, width), np.int64)
    del parts
    return [np.ascontiguousarray(table[:, c]) for c in range(width)]


class _Links:
    """Union-find over time chains (one label per chain), fed with item positions."""

    def __init__(self, chain: np.ndarray):
        self.chain = chain
        self.uf = UnionFind()

    def pairs(self, a: np.ndarray, b: np.ndarray) -> None:
        ca, cb = self.chain[a], self.chain[b]
        differ = ca != cb
        for x, y in zip(ca[differ].tolist(), cb[differ].tolist()):
            self.uf.union(x, y)

    def components(self) -> np.ndarray:
        """Component label per item position."""
        roots = np.arange(int(self.chain.max()) + 1 if len(self.chain) else 0, dtype=np.int64)
        for label in list(self.uf.parent):
            roots[label] = self.uf.find(label)
        out: np.ndarray = roots[self.chain]
        return out


def components(conn: sqlite3.Connection, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """(item ids ascending, component label of each): items in different components share no group."""
    gap = max(settings.burst_window_s, settings.time_tolerance_s)
    ids, times = _int_columns(sql.item_times(conn, _NO_TIME))
    n = len(ids)
    if not n:
        return ids, np.zeros(0, np.int64)
    # Time chains: dated items in time order, a new chain wherever the gap to the previous is too big.
    # Undated items link by time to nothing (no class but "exact", "edited" and "near" takes them).
    order = np.argsort(times, kind="stable")
    sorted_times = times[order]
    dated_sorted = sorted_times != _NO_TIME
    starts = np.ones(n, dtype=bool)
    starts[1:] = ~((np.diff(sorted_times) <= gap) & dated_sorted[1:] & dated_sorted[:-1])
    chain = np.empty(n, np.int64)
    chain[order] = np.cumsum(starts) - 1
    del sorted_times, starts
    chain_sizes = np.bincount(chain)
    near_in_time = (chain_sizes[chain] > 1) | (times == _NO_TIME)  # what classes._time_neighbours keeps
    undated = np.flatnonzero(times == _NO_TIME)
    del order, times, chain_sizes
    links = _Links(chain)
    # Shared content hash (the hash is read, compared with the previous row, and dropped).
    cursor = sql.content_twins(conn)
    previous: tuple[int, str] | None = None
    twin_a: list[int] = []
    twin_b: list[int] = []
    while rows := cursor.fetchmany(FETCH_ROWS):
        for item_id, content_hash in rows:
            if previous is not None and previous[1] == content_hash:
                twin_a.append(previous[0])
                twin_b.append(item_id)
            previous = (item_id, content_hash)
    if twin_a:
        links.pairs(np.searchsorted(ids, twin_a), np.searchsorted(ids, twin_b))
    del twin_a, twin_b
    # Perceptual hashes within the near threshold.
    hashed_ids, values = _int_columns(sql.hashes(conn, PHASH))
    if len(hashed_ids) > 1:
        first, second, _ = near_pairs(values, settings.near_threshold)
        where = np.searchsorted(ids, hashed_ids)
        links.pairs(where[first], where[second])
        del first, second, where
    del hashed_ids, values
    if len(undated):
        _undated_names(conn, ids, near_in_time, undated, links)
    return ids, links.components()


def _undated_names(
    conn: sqlite3.Connection, ids: np.ndarray, near_in_time: np.ndarray, undated: np.ndarray, links: _Links
) -> None:
    """Link each undated item with the items an "edited" group could join it to at any time: its originals
    (stem = its edit base) if it is an edit, its edits (edit base = its stem) if it is an original."""
    rows = sql.item_names(conn, undated_only=True).fetchall()  # few in any real library
    by_base: dict[str, list[int]] = defaultdict(list)
    by_stem: dict[str, list[int]] = defaultdict(list)
    for (item_id, _), (stem, _ext) in zip(rows, names_of([r[1] for r in rows])):
        position = int(np.searchsorted(ids, item_id))
        by_stem[stem].append(position)
        base = edit_base(stem) if "-" in stem else None
        if base is not None:
            by_base[base[0]].append(position)
    del rows
    cursor = sql.item_names(conn, undated_only=False)
    a: list[int] = []
    b: list[int] = []
    while chunk := cursor.fetchmany(FETCH_ROWS):
        positions = np.searchsorted(ids, [r[0] for r in chunk])
        wanted = near_in_time[positions]
        for position, (stem, _ext) in zip(
            positions[wanted].tolist(), names_of([r[1] for r, keep in zip(chunk, wanted) if keep])
        ):
            for other in by_base.get(stem, ()):  # an original of an undated edit
                a.append(position)
                b.append(other)
            base = edit_base(stem) if "-" in stem else None
            if base is not None:
                for other in by_stem.get(base[0], ()):  # an edit of an undated original
                    a.append(position)
                    b.append(other)
    if a:
        links.pairs(np.array(a, np.int64), np.array(b, np.int64))


def batches(ids: np.ndarray, labels: np.ndarray, size: int = BATCH_ITEMS) -> Iterator[np.ndarray]:
    """Ids (ascending) of whole components of two items or more, about ``size`` at a time."""
    if not len(ids):
        return
    counts = np.bincount(labels)
    kept = np.flatnonzero(counts[labels] > 1)
    if not len(kept):
        return
    kept = kept[np.argsort(labels[kept], kind="stable")]
    ordered = labels[kept]
    bounds = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])  # where each component starts
    start = 0
    for edge in [*bounds[1:].tolist(), len(kept)]:
        if edge - start >= size or edge == len(kept):
            yield np.sort(ids[kept[start:edge]])
            start = edge


def grouped_batches(
    conn: sqlite3.Connection, settings: Settings, ids: np.ndarray, labels: np.ndarray
) -> Iterator[list[sql.GroupRow]]:
    """The stored rows of the groups of each batch of components."""
    from gphotos_tui.analysis.duplicates.incremental import _load, _row

    for batch in batches(ids, labels):
        items = _load(conn, set(batch.tolist()))
        items.sort(key=lambda it: it.id)  # the full read's order: ties between items break the same way
        groups = find_groups(items, settings)
        del items
        yield [_row(g) for g in groups]


def rebuild(conn: sqlite3.Connection, settings: Settings, new_state: dict[str, str]) -> tuple[int, int]:
    """Regroup the whole catalog and store the groups (one transaction); (items, groups stored)."""
    items = 0

    def produce() -> Iterator[list[sql.GroupRow]]:
        nonlocal items
        ids, labels = components(conn, settings)  # inside the transaction: one consistent state
        items = len(ids)
        yield from grouped_batches(conn, settings, ids, labels)

    stored = sql.rewrite_groups(conn, produce(), new_state)
    give_back_heap()  # the batches' items are gone: their pages need not outlive the rebuild
    return items, stored
