"""Issue 15 figures on one demo catalog (1,000,000 items; quick: 20,000; GPHOTOS_BENCH_SCREENS_SIZE overrides),
side by side in one run, each part in a fresh process on a private copy of the cached catalog:

* duplicates: a full rebuild of the kept groups (``dupes --rebuild``: time and peak RSS); then 1,000 new
  items (copies of existing photos under new names and ids: real duplicates) imported through the batch
  writer and the incremental update that follows, against a full rebuild of the same catalog;
* the app, headless (Pilot, 120x36), after it settled: key to content for the first visit of Albums,
  Stats and Duplicates and for returns to each (best of three rounds), and the app's peak RSS across
  all screens.

Targets (issue 15): first visits < 1 s, returns < 0.1 s, incremental < 2 s, peak RSS < 300 MB.

GPHOTOS_BENCH_SCREENS_CATALOG=<path> measures an existing catalog instead of building a demo one (it is
copied with SQLite's backup, never written); GPHOTOS_BENCH_SCREENS_PARTS=app (or duplicates) runs one part
only: ``app`` alone on a catalog whose groups are already kept measures the screens without the minutes
of a 1M rebuild.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.catalog import demo_catalog

REPO = Path(__file__).resolve().parents[2]

_DUPES = r"""
import asyncio, json, random, resource, sys, time
from gphotos_tui.analysis.duplicates import incremental
from gphotos_tui.catalog import Catalog
from gphotos_tui.model import MEDIA_FIELDS, MediaRecord, SourceKind

COLUMNS = [f for f in MEDIA_FIELDS if f not in ("external_id", "detail")]

async def main(db, new):
    catalog = await Catalog.open(db)
    try:
        started = time.perf_counter()
        full = await incremental.update(catalog, rebuild=True)
        rebuild_s = time.perf_counter() - started
        rss_rebuild = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows = await catalog.reader.execute_fetchall(
            f"SELECT {', '.join(COLUMNS)} FROM items WHERE media_type = 'photo' ORDER BY random() LIMIT ?", (new,))
        rng = random.Random(1)
        records = []
        for n, row in enumerate(rows):
            fields = dict(zip(COLUMNS, row))
            fields["filename"] = f"copy_{n}_" + fields["filename"]
            fields["taken_at"] = None if fields["taken_at"] is None else fields["taken_at"] + rng.choice([0, 1, 3600])
            records.append(MediaRecord(external_id=f"bench-new-{n}", **fields))
        source = await catalog.ensure_source(SourceKind.TAKEOUT, "bench-new", "Bench import")
        await asyncio.sleep(1.1)  # past the second of the rebuild: only the new items count as changed
        started = time.perf_counter()
        await catalog.write_batch(source, records)
        write_s = time.perf_counter() - started
        started = time.perf_counter()
        inc = await incremental.update(catalog)
        incremental_s = time.perf_counter() - started
        started = time.perf_counter()
        again = await incremental.update(catalog, rebuild=True)
        rebuild_after_s = time.perf_counter() - started
        print(json.dumps({
            "groups_after_rebuild": full.groups, "rebuild_s": round(rebuild_s, 3),
            "rebuild_peak_rss_mb": round(rss_rebuild, 1),
            "new_items": len(records), "import_write_s": round(write_s, 3),
            "incremental_s": round(incremental_s, 3), "incremental_regrouped_items": inc.regrouped,
            "groups_after_incremental": inc.groups, "rebuild_after_import_s": round(rebuild_after_s, 3),
            "groups_after_second_rebuild": again.groups,
            "incremental_equals_rebuild_count": inc.groups == again.groups,
        }))
    finally:
        await catalog.close()

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""

_APP = r"""
import asyncio, json, resource, sys, time
from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.screens.albums import AlbumsScreen
from gphotos_tui.ui.screens.duplicates import DuplicatesScreen
from gphotos_tui.ui.screens.stats import StatsScreen

def shown(app, key, before):
    screen = app.screen
    if key == "2":
        return isinstance(screen, AlbumsScreen) and screen.query_one("#albums").row_count > 0 and (
            getattr(screen, "_bench_loaded", 0) > before)
    if key == "3":
        return isinstance(screen, StatsScreen) and getattr(screen, "_bench_drawn", 0) > before
    if key == "4":  # the first page of groups on screen (the rest is read on: see all_groups_read_s)
        return isinstance(screen, DuplicatesScreen) and screen.shown > before
    return True

def progress_of(app, key):
    screen = app.screen
    return {"2": getattr(screen, "_bench_loaded", 0), "3": getattr(screen, "_bench_drawn", 0),
            "4": getattr(screen, "shown", 0)}.get(key, 0)

async def visit(pilot, app, key, before):
    started = time.perf_counter()
    await pilot.press(key)
    while not shown(app, key, before):
        await asyncio.sleep(0.002)
        if time.perf_counter() - started > 600:
            raise TimeoutError(f"screen {key} never showed its content")
    await pilot.pause()
    return round(time.perf_counter() - started, 3)

async def main(db):
    import gphotos_tui.ui.screens.albums as albums_module
    original = albums_module.AlbumsScreen.reload
    async def counted(self):
        await original(self)
        self._bench_loaded = getattr(self, "_bench_loaded", 0) + 1
    albums_module.AlbumsScreen.reload = counted
    original_draw = StatsScreen.draw
    def drawn(self):
        original_draw(self)
        self._bench_drawn = getattr(self, "_bench_drawn", 0) + 1
    StatsScreen.draw = drawn
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        started = time.perf_counter()
        await pilot.pause()
        while any(not w.is_finished for w in app.workers):  # settled: background warm-ups finished
            await asyncio.sleep(0.05)
        settle_s = round(time.perf_counter() - started, 3)
        rss_settled = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        first, returns = {}, {"2": [], "3": [], "4": []}
        screens = {}
        all_read = None
        for key in "234":
            started = time.perf_counter()
            first[key] = await visit(pilot, app, key, 0)
            screens[key] = app.screen
            if key == "4":
                while app.screen.scans < 1 or any(w.group == "duplicates" and not w.is_finished for w in app.workers):
                    await asyncio.sleep(0.005)
                all_read = round(time.perf_counter() - started, 3)
            await pilot.press("1"); await pilot.pause()
        for _ in range(3):
            for key in "234":
                screen = screens[key]
                before = {"2": getattr(screen, "_bench_loaded", 0), "3": 0, "4": 0}[key]
                # a return shows what the screen holds: the first frame with its content is the figure
                started = time.perf_counter()
                await pilot.press(key)
                while app.screen is not screen:
                    await asyncio.sleep(0.002)
                if key == "2":
                    while getattr(screen, "_bench_loaded", 0) <= before:
                        await asyncio.sleep(0.002)
                await pilot.pause()
                returns[key].append(round(time.perf_counter() - started, 3))
                await pilot.press("1"); await pilot.pause()
        names = {"2": "albums", "3": "stats", "4": "duplicates"}
        print(json.dumps({
            "settle_s": settle_s,
            "first_visit_s": {names[k]: v for k, v in first.items()},
            "return_best_s": {names[k]: min(v) for k, v in returns.items()},
            "duplicates_all_groups_read_s": all_read,
            "return_all_s": {names[k]: v for k, v in returns.items()},
            "rss_settled_mb": round(rss_settled, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "duplicate_groups_shown": screens["4"].group_list.row_count if hasattr(screens["4"], "group_list") else len(screens["4"].groups),
        }))

asyncio.run(main(sys.argv[1]))
"""


def run(quick: bool) -> dict:
    existing = os.environ.get("GPHOTOS_BENCH_SCREENS_CATALOG")
    parts = (os.environ.get("GPHOTOS_BENCH_SCREENS_PARTS") or "duplicates,app").split(",")
    if existing:
        cached = Path(existing)
        with sqlite3.connect(f"file:{cached}?mode=ro", uri=True) as conn:
            size = int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
    else:
        size = int(os.environ.get("GPHOTOS_BENCH_SCREENS_SIZE") or (20_000 if quick else 1_000_000))
        cached = Path(demo_catalog(size)["path"])
    load_before = round(os.getloadavg()[0], 2)
    out: dict = {"items": size, "catalog": str(cached), "parts": parts}
    with tempfile.TemporaryDirectory(
        prefix="screens-bench-", dir=tempfile.gettempdir() if existing else cached.parent
    ) as work:
        db = Path(work) / "catalog.sqlite"
        env = {**os.environ, "GPHOTOS_TUI_HOME": str(Path(work) / "home")}
        _copy(cached, db)
        if "duplicates" in parts:
            out["duplicates"] = _child([sys.executable, "-c", _DUPES, str(db), "1000"], env)
        if "app" in parts:
            # The app on a catalog whose groups are kept (as after the rebuild above and the import).
            out["app"] = _child([sys.executable, "-c", _APP, str(db)], env)
    summary: dict = {"targets": {"first_visit_s": 1.0, "return_s": 0.1, "incremental_s": 2.0, "peak_rss_mb": 300}}
    if "duplicates" in out:
        dupes = out["duplicates"]
        summary["incremental_after_1000_s"] = dupes["incremental_s"]
        summary["full_rebuild_s"] = dupes["rebuild_after_import_s"]
        summary["rebuild_over_incremental"] = round(
            dupes["rebuild_after_import_s"] / max(dupes["incremental_s"], 1e-3), 1
        )
    if "app" in out:
        app = out["app"]
        summary.update(
            first_visit_s=app["first_visit_s"], return_best_s=app["return_best_s"], app_peak_rss_mb=app["peak_rss_mb"]
        )
    out["summary"] = summary
    out["load_avg"] = [load_before, round(os.getloadavg()[0], 2)]
    return out


def _copy(source: Path, target: Path) -> None:
    """A private copy of ``source`` (with what its WAL holds), read only from the source."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _child(cmd: list[str], env: dict) -> dict:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[2][:30]!r} failed after {time.perf_counter() - started:.0f} s: {done.stderr[-600:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
