"""Issue 15 figures on one demo catalog (1,000,000 items; quick: 20,000; GPHOTOS_BENCH_SCREENS_SIZE overrides),
side by side in one run, each part in a fresh process on a private copy of the cached catalog:

* duplicates: a full rebuild of the kept groups (``dupes --rebuild``: time and peak RSS); then 1,000 new
  items (copies of existing photos under new names and ids: real duplicates) imported through the batch
  writer and the incremental update that follows, against a full rebuild of the same catalog;
* the app, headless (120x36), after it settled: key to the first frame showing the content, for the first
  visit of Albums, Stats and Duplicates and for returns to each (best of three rounds; keys are sent as
  the terminal driver sends them, not through Pilot's idle waits), and the app's peak RSS across all screens.

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
import asyncio, json, random, sys, time

def peak_mb():
    # VmHWM: this process's own peak (ru_maxrss also counts the parent it was spawned from, up to the exec)
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024
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
        rss_rebuild = peak_mb()
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
import asyncio, json, sys, time

def peak_mb():
    # VmHWM: this process's own peak (ru_maxrss also counts the parent it was spawned from, up to the exec)
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024
from textual import events
from textual.app import App
from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.screens.albums import AlbumsScreen
from gphotos_tui.ui.screens.duplicates import DuplicatesScreen
from gphotos_tui.ui.screens.stats import StatsScreen

# The figure is key to frame: the key goes in as a terminal sends it (no Pilot idle waits, which last as
# long as any thread of the process works), and the clock stops at the first frame the app paints on
# which the screen shows its content.
FRAME = {"content": None, "at": None}
_display = App._display

def display(self, screen, renderable):
    _display(self, screen, renderable)
    content = FRAME["content"]
    if (renderable is not None and not self._batch_count and content is not None and FRAME["at"] is None
            and screen is self.screen and content()):
        FRAME["at"] = time.perf_counter()

App._display = display

def content_of(app, key, screen=None):
    def shown():
        s = app.screen
        if screen is not None and s is not screen:
            return False
        if key == "2":
            return isinstance(s, AlbumsScreen) and s.query_one("#albums").row_count > 0 and s.loads > 0
        if key == "3":
            return isinstance(s, StatsScreen) and getattr(s, "_bench_drawn", 0) > 0
        if key == "4":  # the first page of groups on screen (the rest is read on: see all_groups_read_s)
            return isinstance(s, DuplicatesScreen) and s.shown > 0
        return True
    return shown

async def key_to_frame(app, key, content):
    FRAME["content"], FRAME["at"] = content, None
    started = time.perf_counter()
    app._driver.send_message(events.Key(key, key))
    while FRAME["at"] is None:
        await asyncio.sleep(0.002)
        if time.perf_counter() - started > 600:
            raise TimeoutError(f"screen {key} never showed its content")
    FRAME["content"] = None
    return round(FRAME["at"] - started, 3)

async def settle(pilot, app):
    await pilot.pause()
    while any(not w.is_finished for w in app.workers):  # background warm-ups and updates finished
        await asyncio.sleep(0.05)
    await pilot.pause()

async def main(db):
    original_draw = StatsScreen.draw
    def drawn(self):
        original_draw(self)
        self._bench_drawn = getattr(self, "_bench_drawn", 0) + 1
    StatsScreen.draw = drawn
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        started = time.perf_counter()
        await settle(pilot, app)
        settle_s = round(time.perf_counter() - started, 3)
        rss_settled = peak_mb()
        first, returns = {}, {"2": [], "3": [], "4": []}
        screens = {}
        all_read = None
        for key in "234":
            started = time.perf_counter()
            first[key] = await key_to_frame(app, key, content_of(app, key))
            screens[key] = app.screen
            if key == "4":
                while app.screen.scans < 1 or any(w.group == "duplicates" and not w.is_finished for w in app.workers):
                    await asyncio.sleep(0.005)
                all_read = round(time.perf_counter() - started, 3)
            await settle(pilot, app)
            await key_to_frame(app, "1", content_of(app, "1"))
            await settle(pilot, app)
        loads_before = screens["2"].loads
        for _ in range(3):
            for key in "234":
                returns[key].append(await key_to_frame(app, key, content_of(app, key, screens[key])))
                await settle(pilot, app)
                await key_to_frame(app, "1", content_of(app, "1"))
                await settle(pilot, app)
        names = {"2": "albums", "3": "stats", "4": "duplicates"}
        print(json.dumps({
            "settle_s": settle_s,
            "first_visit_s": {names[k]: v for k, v in first.items()},
            "return_best_s": {names[k]: min(v) for k, v in returns.items()},
            "duplicates_all_groups_read_s": all_read,
            "return_all_s": {names[k]: v for k, v in returns.items()},
            "albums_rereads_on_return": screens["2"].loads - loads_before,
            "rss_settled_mb": round(rss_settled, 1),
            "peak_rss_mb": round(peak_mb(), 1),
            "duplicate_groups_shown": screens["4"].group_list.row_count,
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
