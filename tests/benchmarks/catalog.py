"""Catalog figures: ingest items/s at 100k and 1M, TUI cold start, peak RSS at 1M.

Ingest writes already-parsed records (generated first, untimed) through
``Catalog.write_batch`` in 10k pages, like a source would, into a fresh
catalog; best of N runs. Wall items/s is what a user sees; CPU items/s
(``time.process_time``, all threads of the process) is steadier on a VM with
heavy CPU steal. The TUI figures run in a fresh subprocess each.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gphotos_tui.catalog import Catalog, store
from gphotos_tui.catalog.schema import MIGRATIONS, SCHEMA_VERSION
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.job import fill_demo
from gphotos_tui.model import MediaRecord, SourceKind

SEED = 7
PAGE = 10_000
MODE_LIMIT = 120.0  # seconds a mode may take to load its data before the next one is shown
REPO = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    """Where generated catalogs are kept between runs (gitignored); GPHOTOS_BENCH_CACHE overrides."""
    path = Path(os.environ.get("GPHOTOS_BENCH_CACHE") or REPO / ".bench")
    path.mkdir(parents=True, exist_ok=True)
    return path


def run(quick: bool) -> dict:
    small, large = (1_000, 5_000) if quick else (100_000, 1_000_000)
    results: dict = {}
    results[f"ingest_{_label(small)}"] = _guard(ingest, small, runs=1 if quick else 3)
    results[f"ingest_sqlite_floor_{_label(small)}"] = _guard(sqlite_floor, small, runs=1 if quick else 3)
    results[f"ingest_{_label(large)}"] = _guard(ingest, large, runs=1 if quick else 2)
    catalog = _guard(demo_catalog, large)
    if "error" in catalog:
        results["tui"] = catalog
        return results
    db = Path(catalog["path"])
    if not quick:
        results["cold_start_first_paint_empty_catalog"] = _guard(cold_start, None, runs=3)
    results[f"cold_start_first_paint_{_label(large)}"] = _guard(cold_start, db, runs=1 if quick else 3)
    # A smoke run stops at the first paint; a full run also loads every mode.
    results[f"peak_rss_tui_{_label(large)}"] = _guard(peak_rss, db, visit_limit=None if quick else MODE_LIMIT)
    return results


def _label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def _guard(fn, *args, **kwargs) -> dict:
    """One figure failing (say, the UI not importable) is reported, not fatal."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


# -- ingest ------------------------------------------------------------------


def ingest(size: int, runs: int) -> dict:
    """Best of ``runs`` fresh ingests of ``size`` records in pages of PAGE."""
    pages = _pages(size)
    walls, cpus = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=cache_dir(), prefix="ingest-") as tmp:
            wall, cpu = asyncio.run(_timed_ingest(Path(tmp) / "catalog.sqlite", pages))
        walls.append(round(wall, 3))
        cpus.append(round(cpu, 3))
    return {
        "items": size,
        "page_size": PAGE,
        "runs": runs,
        "wall_items_per_s": round(size / min(walls)),
        "cpu_items_per_s": round(size / min(cpus)),
        "wall_s": walls,
        "cpu_s": cpus,
    }


def _pages(size: int) -> list[list[MediaRecord]]:
    records = [item.record for item in SyntheticLibrary(size, SEED).items()]
    return [records[i : i + PAGE] for i in range(0, size, PAGE)]


async def _timed_ingest(path: Path, pages: list[list[MediaRecord]]) -> tuple[float, float]:
    catalog = await Catalog.open(path)
    try:
        source = await catalog.ensure_source(SourceKind.LIBRARY, "bench", "Benchmark")
        wall, cpu = time.perf_counter(), time.process_time()
        for page in pages:
            await catalog.write_batch(source, page)
        return time.perf_counter() - wall, time.process_time() - cpu
    finally:
        await catalog.close()


def sqlite_floor(size: int, runs: int) -> dict:
    """SQLite's own share of ingest: the statements and rows the writer sends, replayed alone.

    The real page writer runs once against a recording connection; the recorded executemany calls
    (rows already built) are then replayed into a fresh catalog, one transaction per page, with no
    Python row building and no identity look-ups in between. No writer can beat this figure with
    this schema and this SQLite binding."""
    recorded = _record_pages(_pages(size))
    cpus = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=cache_dir(), prefix="floor-") as tmp:
            conn = _scratch_catalog(Path(tmp) / "catalog.sqlite")
            try:
                cpu = time.process_time()
                for calls in recorded:
                    conn.execute("BEGIN IMMEDIATE")
                    for sql, rows in calls:
                        conn.executemany(sql, rows)
                    conn.execute("COMMIT")
                cpus.append(round(time.process_time() - cpu, 3))
            finally:
                conn.close()
    return {"items": size, "runs": runs, "cpu_items_per_s": round(size / min(cpus)), "cpu_s": cpus}


def _scratch_catalog(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in store.PRAGMAS:
        conn.execute(pragma)
    store.migrate_sync(conn)
    conn.execute(
        "INSERT INTO sources (id, kind, ref, label, created_at) VALUES (1, 'library', 'bench', 'Benchmark', 0)"
    )
    conn.execute("PRAGMA foreign_keys=OFF")  # as the page writer runs
    return conn


def _record_pages(pages: list[list[MediaRecord]]) -> list[list[tuple[str, list[tuple]]]]:
    class Recorder:
        def __init__(self, conn: sqlite3.Connection):
            self.conn, self.calls = conn, []

        def execute(self, *args):
            return self.conn.execute(*args)

        def executemany(self, sql, rows):
            rows = list(rows)
            self.calls.append((sql, rows))
            return self.conn.executemany(sql, rows)

    source = store.Source(1, SourceKind.LIBRARY, "bench", "Benchmark")
    recorded = []
    with tempfile.TemporaryDirectory(dir=cache_dir(), prefix="floor-") as tmp:
        conn = _scratch_catalog(Path(tmp) / "catalog.sqlite")
        try:
            for page in pages:
                recorder = Recorder(conn)
                store._write_page(recorder, store._Page(source, page, (), (), None, store._now()))
                recorded.append(recorder.calls)
        finally:
            conn.close()
    return recorded


# -- the TUI -------------------------------------------------------------------


def demo_catalog(size: int) -> dict:
    """A filled demo catalog of ``size`` items, built once and kept in the cache dir."""
    schema = hashlib.sha1("".join(MIGRATIONS).encode()).hexdigest()[:8]  # an index change counts too
    path = cache_dir() / f"demo-{size}-seed{SEED}-schema{SCHEMA_VERSION}-{schema}.sqlite"
    if not path.exists():
        partial = path.with_suffix(".partial")
        for leftover in partial.parent.glob(partial.name + "*"):
            leftover.unlink()
        asyncio.run(_fill(partial, size))
        partial.rename(path)
    return {"path": str(path), "items": size}


async def _fill(path: Path, size: int) -> None:
    catalog = await Catalog.open(path)
    try:
        await fill_demo(catalog, size, seed=SEED, page_size=PAGE)
        await catalog.writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await catalog.close()


# Runs in the subprocess: open the app, wait for the first paint, then visit every
# mode and wait for its data. One JSON line per step, so a slow mode still
# leaves the earlier figures behind.
_CHILD = r"""
import asyncio, json, resource, sys, time
from gphotos_tui.ui.app import make_app

def report(step, started):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"step": step, "at": time.time(), "seconds": round(time.time() - started, 3),
                      "peak_rss_mb": round(rss, 1)}), flush=True)

async def main(db, limit):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        report("first_paint", time.time())
        if limit:
            for key, mode in zip("1234", ("sync", "albums", "stats", "duplicates")):
                started = time.time()
                await pilot.press(key)
                try:
                    await asyncio.wait_for(app.workers.wait_for_complete(), limit)
                except asyncio.TimeoutError:
                    mode += "_unfinished"
                await pilot.pause()
                report(mode, started)

asyncio.run(main(sys.argv[1], float(sys.argv[2])))
"""


def _child(db: Path, visit_limit: float | None = None, timeout: float = 600) -> tuple[float, dict]:
    """Run the app in a fresh process: (seconds from its start to first paint, {step: figures})."""
    with tempfile.TemporaryDirectory(prefix="gphotos-bench-home-") as home:
        env = {**os.environ, "GPHOTOS_TUI_HOME": home}
        started = time.time()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", _CHILD, str(db), str(visit_limit or 0)],
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
                cwd=REPO,
            )
            output, failure = proc.stdout, proc.stderr.strip()[-600:] if proc.returncode else None
        except subprocess.TimeoutExpired as exc:
            output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
            failure = f"timed out after {timeout:.0f} s"
    steps = {}
    for line in output.splitlines():
        if line.startswith("{"):
            figures = json.loads(line)
            steps[figures.pop("step")] = figures
    if "first_paint" not in steps:
        raise RuntimeError(f"TUI subprocess failed: {failure}")
    if failure:
        steps["error"] = failure
    return steps["first_paint"].pop("at") - started, steps


def cold_start(db: Path | None, runs: int) -> dict:
    """Seconds from process start to the first painted screen, best of ``runs``."""
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(dir=cache_dir(), prefix="empty-") as tmp:
            seconds, _ = _child(db or Path(tmp) / "catalog.sqlite")
        times.append(round(seconds, 3))
    return {"seconds": min(times), "runs": times}


def peak_rss(db: Path, visit_limit: float | None) -> dict:
    """Peak RSS of the TUI with the catalog open: at first paint, then (with a
    ``visit_limit``) after each mode loaded its data; a mode still loading after
    the limit is reported as ``<mode>_unfinished``."""
    _, steps = _child(db, visit_limit)
    figures = {"peak_rss_mb_first_paint": steps["first_paint"]["peak_rss_mb"]}
    for mode, step in steps.items():
        if mode not in ("first_paint", "error"):
            figures[f"peak_rss_mb_after_{mode}"] = step["peak_rss_mb"]
            figures[f"load_seconds_{mode}"] = step["seconds"]
    if "error" in steps:
        figures["error"] = steps["error"]
    return figures
