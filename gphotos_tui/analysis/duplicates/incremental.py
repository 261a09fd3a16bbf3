"""Duplicate groups kept in the catalog, regrouped only where something changed.

Every class is local: two items can only end up in one group through a chain of
*links* (capture times within the time gap, a shared content hash, perceptual
hashes within the near threshold). So after an import or a sync, the items that
changed are grown into the set of everything linked to them, transitively (their
time neighbours, content-hash twins, hash neighbours, and the members of the
stored groups they were in), and only that closed set is grouped again with the
very same ``find_groups``. Groups outside it cannot have changed; the stored
groups touching it are replaced. ``rebuild`` regroups everything (``dupes
--rebuild``, the screen's rebuild key), and the tests compare both, group for group.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gphotos_tui.analysis.duplicates.model import KINDS, PHASH, DupItem, Group, Settings
from gphotos_tui.analysis.duplicates.scan import find_groups
from gphotos_tui.analysis.duplicates.store import _ITEMS_SQL, item_from_row
from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog import dupe_groups as sql
from gphotos_tui.gcpause import cyclic_gc_paused

if TYPE_CHECKING:
    import aiosqlite

_RANK = {kind: n for n, kind in enumerate(KINDS)}
_CHUNKS = 4  # 16-bit chunks: within t bits, some chunk differs in at most t // 4 bits


@dataclass(frozen=True, slots=True)
class UpdateResult:
    full: bool  # a rebuild (first time, settings changed, or asked for)
    changed: int  # items written since the last update
    regrouped: int  # items grouped again (the changed ones and everything linked to them)
    groups: int  # groups stored now
    seconds: float


def settings_key(settings: Settings) -> str:
    return json.dumps([getattr(settings, f) for f in settings.__slots__])


async def is_current(conn: aiosqlite.Connection, settings: Settings = Settings()) -> bool:
    """Whether the kept groups are what ``update`` would leave (kept with these settings, nothing written
    since): a read-only catalog can then list them instead of grouping the library in memory."""
    state = await sql.read_state(conn)
    if "checked_at" not in state or state.get("settings") != settings_key(settings):
        return False
    return not await sql.read_changed_since(conn, int(state["checked_at"]))


async def update(catalog: Catalog, settings: Settings = Settings(), *, rebuild: bool = False) -> UpdateResult:
    """Bring the stored groups up to date with the catalog (incrementally unless ``rebuild``)."""
    return await catalog.run_on_writer(update_sync, settings, rebuild)


def update_sync(conn: sqlite3.Connection, settings: Settings = Settings(), rebuild: bool = False) -> UpdateResult:
    with sql.small_cache(conn):  # its scans would otherwise fill the writer's 64 MiB page cache and keep it
        return _update(conn, settings, rebuild)


def _update(conn: sqlite3.Connection, settings: Settings, rebuild: bool) -> UpdateResult:
    started = time.perf_counter()
    now = int(time.time())
    state = sql.state(conn)
    new_state = {"checked_at": str(now), "settings": settings_key(settings)}
    if rebuild or "checked_at" not in state or state.get("settings") != new_state["settings"]:
        from gphotos_tui.analysis.duplicates.rebuild import rebuild as rebuild_all

        items, stored = rebuild_all(conn, settings, new_state)  # streamed: bounded memory at any size
        return UpdateResult(True, items, items, stored, time.perf_counter() - started)
    # Anything written in the second of the last update may have been missed by it: ">=" that second.
    changed = sql.changed_items(conn, int(state["checked_at"]))
    if not changed:  # nothing at or after checked_at: the same state next time; no commit (screens reread on one)
        return UpdateResult(False, 0, 0, sql.group_count(conn), time.perf_counter() - started)
    regroup = closure(conn, changed, settings) if changed else set()
    groups = find_groups(_load(conn, regroup), settings) if regroup else []
    sql.replace_groups(conn, regroup, [_row(g) for g in groups], new_state)
    total = sql.group_count(conn)
    return UpdateResult(False, len(changed), len(regroup), total, time.perf_counter() - started)


def closure(conn: sqlite3.Connection, start: Iterable[int], settings: Settings) -> set[int]:
    """``start`` and every item linked to it, transitively (see the module's docstring)."""
    gap = max(settings.burst_window_s, settings.time_tolerance_s)
    near: _HashIndex | None = None
    seen: set[int] = set()
    frontier = set(start)
    while frontier:
        seen |= frontier
        found = sql.time_neighbours(conn, frontier, gap)
        found |= sql.same_content(conn, frontier)
        found |= sql.co_members(conn, frontier)
        if near is None:
            near = _HashIndex(sql.hashes(conn, PHASH))
        found |= near.neighbours(frontier, settings.near_threshold)
        frontier = found - seen
    return seen


class _HashIndex:
    """Multi-index lookup of one item's hash neighbours: per 16-bit chunk, the hashes sorted by that chunk."""

    def __init__(self, rows: Iterable[tuple[int, int]]):
        pairs = np.array(list(rows), dtype=np.int64).reshape(-1, 2)
        self.ids, values = pairs[:, 0], pairs[:, 1].view(np.uint64)
        self.values = values
        self.by_id = dict(zip(self.ids.tolist(), range(len(self.ids)), strict=True))
        self.sorted = []
        for c in range(_CHUNKS):
            chunk = ((values >> np.uint64(16 * c)) & np.uint64(0xFFFF)).astype(np.int64)
            order = np.argsort(chunk, kind="stable")
            self.sorted.append((chunk[order], order))

    def neighbours(self, ids: Iterable[int], threshold: int) -> set[int]:
        at = np.array([self.by_id[i] for i in ids if i in self.by_id], dtype=np.int64)
        if not len(at) or len(self.values) < 2:
            return set()
        radius = threshold // _CHUNKS
        masks = np.array(_masks(radius), dtype=np.int64)
        out: set[int] = set()
        for c, (chunk_sorted, order) in enumerate(self.sorted):
            query = ((self.values[at] >> np.uint64(16 * c)) & np.uint64(0xFFFF)).astype(np.int64)
            probes = (query[:, None] ^ masks[None, :]).ravel()
            owners = np.repeat(at, len(masks))
            lo = np.searchsorted(chunk_sorted, probes, "left")
            hi = np.searchsorted(chunk_sorted, probes, "right")
            counts = hi - lo
            if not counts.sum():
                continue
            positions = order[np.repeat(lo, counts) + _ranks(counts)]
            partner_owner = np.repeat(owners, counts)
            close = np.bitwise_count(self.values[positions] ^ self.values[partner_owner]) <= threshold
            out.update(self.ids[positions[close]].tolist())
        return out


def _masks(radius: int) -> list[int]:
    return [m for m in range(1 << 16) if m.bit_count() <= radius]


def _ranks(reps: np.ndarray) -> np.ndarray:
    ranks: np.ndarray = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    return ranks


def _load(conn: sqlite3.Connection, ids: set[int] | None) -> list[DupItem]:
    """The items of ``ids`` (every item when None) as the grouping reads them."""
    with cyclic_gc_paused():
        albums = sql.album_counts(conn, ids)
        return [item_from_row(r, albums.get(r[0], 0)) for r in sql.item_rows(conn, _ITEMS_SQL, ids)]


def _row(group: Group) -> sql.GroupRow:
    first = min((m.taken_at or 0) for m in group.members)
    return (
        group.key,
        group.kind,
        _RANK[group.kind],
        group.reason,
        first,
        [(m.id, m.id in group.keep) for m in group.members],
    )


def comparable(groups: Sequence[sql.GroupRow]) -> set[tuple[object, ...]]:
    """Groups as a set of (key, kind, reason, sorted members with their suggestion): order-free comparison."""
    return {(key, kind, reason, tuple(sorted(members))) for key, kind, _, reason, _, members in groups}


async def refresh_if_kept(catalog: Catalog, settings: Settings = Settings()) -> UpdateResult | None:
    """After an import or a sync: update the stored groups incrementally, if groups were ever built.

    A catalog whose duplicates were never looked at is left alone (its first ``dupes`` or visit of
    the Duplicates screen builds them), so an import never pays for a first full grouping.
    """
    kept = await catalog.run_on_writer(lambda conn: "checked_at" in sql.state(conn))
    if not kept:
        return None
    return await update(catalog, settings)
