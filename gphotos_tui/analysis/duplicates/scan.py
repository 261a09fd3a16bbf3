"""One duplicates scan: hash what is new, group, and apply the stored decisions."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field

import aiosqlite

from gphotos_tui.analysis.duplicates.classes import metadata_groups
from gphotos_tui.analysis.duplicates.hashing import HashJob, HashPool, HashResult
from gphotos_tui.analysis.duplicates.model import KINDS, DupItem, Group, Settings
from gphotos_tui.analysis.duplicates.near import near_groups
from gphotos_tui.analysis.duplicates.providers import ByteProvider
from gphotos_tui.analysis.duplicates.store import (
    count_without_hash,
    fill_public_ids,
    items_without_hash,
    load_decisions,
    load_items,
    save_hashes,
    stored_groups,
    stored_groups_after,
)
from gphotos_tui.analysis.duplicates.unionfind import UnionFind
from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.store import CatalogError
from gphotos_tui.gcpause import cyclic_gc_paused

#: progress(stage, done, total), called from whichever thread does the work.
ScanProgress = Callable[[str, int, int], None]

HASH_BATCH = 128  # photos hashed, then stored, per step: memory stays flat at any library size
GROUP_PAGE = 500  # kept groups read (with their members) per step by ``kept_group_pages``


@dataclass(slots=True)
class ScanResult:
    groups: list[Group]
    items: int = 0
    hashed: int = 0
    hash_errors: list[str] = field(default_factory=list)
    hidden: int = 0  # groups marked "not duplicates"
    seconds: float = 0.0


def is_writable(catalog: Catalog) -> bool:
    try:
        _ = catalog.writer  # raises when the catalog is open read-only
    except CatalogError:
        return False
    return True


def find_groups(items: Sequence[DupItem], settings: Settings = Settings()) -> list[Group]:
    """All classes; each item pair is explained by at most one class ("near" only adds what metadata missed)."""
    with cyclic_gc_paused():  # nothing here is cyclic; full collections walking a million items were 30% of it
        return _find_groups(items, settings)


def _find_groups(items: Sequence[DupItem], settings: Settings) -> list[Group]:
    groups = metadata_groups(items, settings)
    explained = UnionFind()
    for g in groups:
        explained.union_all(m.id for m in g.members)
    groups += near_groups(items, explained, settings)
    rank = {kind: n for n, kind in enumerate(KINDS)}
    groups.sort(key=lambda g: (rank[g.kind], min((m.taken_at or 0) for m in g.members)))
    return groups


def apply_decisions(groups: list[Group], decisions: dict[str, dict[int, str]]) -> tuple[list[Group], int]:
    """Drop groups marked "not duplicates"; attach stored keep/discard decisions to the rest."""
    shown = []
    for g in groups:
        stored = decisions.get(g.key)
        if stored and "not_duplicate" in stored.values():
            continue
        if stored:
            g.decisions = {i: d for i, d in stored.items() if d in ("keep", "discard")}
        shown.append(g)
    return shown, len(groups) - len(shown)


async def hash_missing(
    catalog: Catalog,
    providers: Sequence[ByteProvider],
    progress: ScanProgress | None = None,
    workers: int | None = None,
    batch: int | None = None,
) -> tuple[int, list[str]]:
    """Hash photos that have no stored hash yet; returns (hashed, errors).

    Streams ``batch`` photos at a time through one worker pool and stores each
    batch's hashes before the next, so memory stays flat at any library size
    and a cancel keeps everything finished (including the part of the batch
    that was running).
    """
    providers = list(providers)
    total = await count_without_hash(catalog.reader)
    hashed, errors, seen, after = 0, [], 0, 0
    if progress:
        progress("hashing", 0, total)
    with HashPool(workers, inline=total < 32) as pool:
        while wanted := await items_without_hash(catalog.reader, after, batch or HASH_BATCH):
            after = wanted[-1][0]
            jobs = await _jobs(catalog, providers, wanted)
            stop = threading.Event()
            running = asyncio.ensure_future(asyncio.to_thread(pool.hash, [job for job, _ in jobs.values()], stop))  # noqa: RUF006 - awaited below
            try:
                results = await asyncio.shield(running)
            except asyncio.CancelledError:
                stop.set()  # the thread cannot be cancelled: it stops after the jobs in flight
                await _store(catalog, await running, jobs)
                raise
            hashed += await _store(catalog, results, jobs)
            errors += [f"item {r.item_id}: {r.error}" for r in results if r.error]
            seen += len({w[0] for w in wanted})
            if progress:
                progress("hashing", min(seen, total), total)
    return hashed, errors


async def _jobs(
    catalog: Catalog, providers: Sequence[ByteProvider], wanted: list[tuple[int, str, str]]
) -> dict[int, tuple[HashJob, str]]:
    """One job per photo, from the first provider that can read it (local copies first)."""
    jobs: dict[int, tuple[HashJob, str]] = {}
    for provider in providers:
        rest = [w for w in wanted if w[0] not in jobs]
        if not rest:
            break
        for job in await provider.jobs(catalog.reader, rest):
            jobs.setdefault(job.item_id, (job, provider.origin))
    return jobs


async def _store(catalog: Catalog, results: list[HashResult], jobs: dict[int, tuple[HashJob, str]]) -> int:
    by_origin: dict[str, list[tuple[int, int]]] = {}
    for r in results:
        if r.hash is not None:
            by_origin.setdefault(jobs[r.item_id][1], []).append((r.item_id, r.hash))
    for origin, rows in by_origin.items():
        await save_hashes(catalog.writer, rows, origin)
    return sum(map(len, by_origin.values()))


async def scan(
    catalog: Catalog,
    settings: Settings = Settings(),
    *,
    providers: Sequence[ByteProvider] = (),
    progress: ScanProgress | None = None,
    workers: int | None = None,
    rebuild: bool = False,
    load_groups: bool = True,
) -> ScanResult:
    """Hash what is new, bring the groups up to date, apply the decisions.

    A writable catalog keeps its groups (``incremental``): only what changed since the last scan,
    import or sync is grouped again, unless ``rebuild``; with ``load_groups`` False they are only
    brought up to date (the result holds none). A read-only one is grouped in memory."""
    started = time.perf_counter()
    hashed, errors = 0, list[str]()
    writable = is_writable(catalog)
    if providers and writable:  # no providers: group with the stored hashes only
        hashed, errors = await hash_missing(catalog, providers, progress, workers)
    if progress:
        progress("grouping", 0, 1)
    if writable:
        from gphotos_tui.analysis.duplicates import incremental

        await incremental.update(catalog, settings, rebuild=rebuild)
        if not load_groups:  # the caller reads the kept groups itself (the screen: a page at a time)
            return ScanResult([], 0, hashed, errors, 0, time.perf_counter() - started)
        groups, count = await stored_groups(catalog.reader)
    else:
        items = await load_items(catalog.reader)
        groups = await asyncio.to_thread(find_groups, items, settings)
        count = len(items)
    groups, hidden = apply_decisions(groups, await load_decisions(catalog.reader))
    await fill_public_ids(catalog.reader, (m for g in groups for m in g.members))
    if progress:
        progress("grouping", 1, 1)
    return ScanResult(groups, count, hashed, errors, hidden, time.perf_counter() - started)


async def kept_group_pages(conn: aiosqlite.Connection, page_size: int = GROUP_PAGE) -> AsyncIterator[list[Group]]:
    """The kept groups as ``scan`` gives them (same order, "not duplicates" left out, decisions attached,
    public ids filled), ``page_size`` stored groups at a time: a caller that writes each page out and drops
    it holds one page at any library size. Read after ``scan`` brought the kept groups up to date, by the
    writer's process (no other writer changes them between pages)."""
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, not {page_size}")
    decisions = await load_decisions(conn)
    after: tuple[int, int, str] | None = None
    while True:
        page, covered, after = await stored_groups_after(conn, after, page_size)
        page, _hidden = apply_decisions(page, decisions)
        await fill_public_ids(conn, (m for g in page for m in g.members))
        if page:
            yield page
        if covered < page_size:
            return
