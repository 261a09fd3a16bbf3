"""One duplicates scan: hash what is new, group, and apply the stored decisions."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gphotos_tui.analysis.duplicates.classes import metadata_groups
from gphotos_tui.analysis.duplicates.hashing import HashResult, hash_jobs
from gphotos_tui.analysis.duplicates.model import KINDS, DupItem, Group, Settings
from gphotos_tui.analysis.duplicates.near import near_groups
from gphotos_tui.analysis.duplicates.providers import ByteProvider, default_providers
from gphotos_tui.analysis.duplicates.store import items_without_hash, load_decisions, load_items, save_hashes
from gphotos_tui.analysis.duplicates.unionfind import UnionFind
from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.store import CatalogError

#: progress(stage, done, total), called from whichever thread does the work.
ScanProgress = Callable[[str, int, int], None]


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
        catalog.writer
    except CatalogError:
        return False
    return True


def find_groups(items: Sequence[DupItem], settings: Settings = Settings()) -> list[Group]:
    """All classes; each item pair is explained by at most one class ("near" only adds what metadata missed)."""
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


async def hash_missing(catalog: Catalog, providers: Sequence[ByteProvider] | None = None,
                       progress: ScanProgress | None = None, workers: int | None = None) -> tuple[int, list[str]]:
    """Hash photos that have no stored hash yet; returns (hashed, errors)."""
    wanted = await items_without_hash(catalog.reader)
    done: set[int] = set()
    hashed, errors = 0, []
    for provider in providers if providers is not None else default_providers():
        rest = [w for w in wanted if w[0] not in done]
        if not rest:
            break
        jobs = list({job.item_id: job for job in await provider.jobs(catalog.reader, rest)}.values())
        if not jobs:
            continue
        counter = [0]

        def tick(_result: HashResult, total=len(jobs)) -> None:
            counter[0] += 1
            if progress and (counter[0] % 16 == 0 or counter[0] == total):
                progress("hashing", counter[0], total)

        stop = threading.Event()
        try:
            results = await asyncio.to_thread(hash_jobs, jobs, workers, 32, tick, stop)
        except asyncio.CancelledError:
            stop.set()  # the thread cannot be cancelled: tell it to stop, so quitting is not held up
            raise
        good = [(r.item_id, r.hash) for r in results if r.hash is not None]
        errors += [f"item {r.item_id}: {r.error}" for r in results if r.error]
        await save_hashes(catalog.writer, good, provider.origin)
        hashed += len(good)
        done.update(r.item_id for r in results)
    return hashed, errors


async def scan(catalog: Catalog, settings: Settings = Settings(), *, compute_hashes: bool = True,
               providers: Sequence[ByteProvider] | None = None, progress: ScanProgress | None = None,
               workers: int | None = None) -> ScanResult:
    started = time.perf_counter()
    hashed, errors = 0, []
    if compute_hashes and is_writable(catalog):
        hashed, errors = await hash_missing(catalog, providers, progress, workers)
    if progress:
        progress("grouping", 0, 1)
    items = await load_items(catalog.reader)
    groups = await asyncio.to_thread(find_groups, items, settings)
    groups, hidden = apply_decisions(groups, await load_decisions(catalog.reader))
    if progress:
        progress("grouping", 1, 1)
    return ScanResult(groups, len(items), hashed, errors, hidden, time.perf_counter() - started)
