"""Sync benchmark: a sequential mediaItems.list loop versus the engine's parallel date shards.

Both run against the loopback fake Google server (in its own process) with
the same latency per request, list the same library and write every page into a fresh catalog.
Figures: wall time ratio, items/s and requests made by each, and the engine
at several worker counts (how the default was chosen).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.engine.library import LibraryMediaJob, SyncSettings
from gphotos_tui.fakegoogle.server import FakeGoogle
from gphotos_tui.google import convert
from gphotos_tui.google.library import AsyncLibrary, LibraryClient
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.tokens import StaticToken
from gphotos_tui.model import SourceKind


@dataclass(frozen=True)
class Server:
    url: str
    static_token: str


def _serve(size: int, latency: float, conn) -> None:
    with FakeGoogle(SyntheticLibrary(size, seed=42)) as fake:
        fake.faults.latency_s = latency
        conn.send((fake.url, fake.static_token))
        conn.recv()  # until the benchmark is done


@contextmanager
def fake_server_process(size: int, latency: float):
    """The fake server in its own process, so its CPU is not charged to the client being measured."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_serve, args=(size, latency, child), daemon=True)
    proc.start()
    try:
        if not parent.poll(300):
            raise RuntimeError("the fake server did not start")
        yield Server(*parent.recv())
    finally:
        parent.send("stop")
        proc.join(10)
        if proc.is_alive():
            proc.kill()


def _client(fake: Server, usage: UsageMeter) -> AsyncLibrary:
    return AsyncLibrary(LibraryClient(StaticToken(fake.static_token), root=fake.url, usage=usage))


async def _sequential(fake: Server, db: Path) -> dict:
    catalog = await Catalog.open(db)
    try:
        library = _client(fake, UsageMeter())
        source = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")
        started, token, items, requests = time.perf_counter(), None, 0, 0
        while True:
            page = await library.list_media_page(token)
            requests += 1
            await catalog.write_batch(source, [convert.library_item(i) for i in page.items])
            items += len(page.items)
            token = page.next_page_token
            if not token:
                break
        return {"seconds": time.perf_counter() - started, "items": items, "requests": requests}
    finally:
        await catalog.close()


async def _engine(fake: Server, db: Path, workers: int) -> dict:
    catalog = await Catalog.open(db)
    try:
        usage = UsageMeter()
        started = time.perf_counter()
        report = await LibraryMediaJob(_client(fake, usage), usage, SyncSettings(workers=workers)).run(catalog)
        return {"seconds": time.perf_counter() - started, "items": report.items, "requests": report.requests}
    finally:
        await catalog.close()


def run(quick: bool = False) -> dict:
    size, latency, worker_counts = (5_000, 0.03, (4, 8)) if quick else (100_000, 0.150, (4, 8, 16))
    with tempfile.TemporaryDirectory() as tmp, fake_server_process(size, latency) as fake:
        base = asyncio.run(_sequential(fake, Path(tmp) / "seq.sqlite"))
        engine = {w: asyncio.run(_engine(fake, Path(tmp) / f"engine-{w}.sqlite", w)) for w in worker_counts}
    best_workers = min(engine, key=lambda w: engine[w]["seconds"])
    best = engine[best_workers]
    return {
        "library_items": size,
        "latency_ms": latency * 1000,
        "sequential": base | {"items_per_s": round(base["items"] / base["seconds"])},
        "engine_by_workers": {str(w): r | {"items_per_s": round(r["items"] / r["seconds"])} for w, r in engine.items()},
        "default_workers": SyncSettings().workers,
        "fastest_workers": best_workers,
        "speedup_at_default": round(base["seconds"] / engine.get(SyncSettings().workers, best)["seconds"], 2),
        "extra_requests_pct_at_default": round(
            100 * (engine.get(SyncSettings().workers, best)["requests"] - base["requests"]) / base["requests"], 1
        ),
    }
