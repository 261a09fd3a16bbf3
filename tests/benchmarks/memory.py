"""Where memory goes (issue 15): per-phase RSS of a full duplicates rebuild and of the app, each in a fresh process
on a private copy of a cached demo catalog (200,000 and 1,000,000 items; quick: 20,000;
GPHOTOS_BENCH_MEMORY_SIZES="200000,1000000" overrides).

* ``dupes_rebuild``: the full regrouping both ways, side by side: ``grouped_at_once`` (every item read as a
  DupItem and grouped in one call, the definition) and ``streamed`` (analysis.duplicates.rebuild: link
  components from a few columns, then a batch of whole components at a time). Peak RSS (ru_maxrss), the
  RSS after each phase (VmRSS), seconds, and whether both stored the same groups.
* ``stats_warm_up``: the Stats screen's warm-up alone (load_stats: the snapshot scan and the aggregates),
  RSS before and after and its peak.
* ``app``: the app headless (Pilot, 120x36): RSS after start-up, after it settled (the Stats warm-up ran),
  after the first visit of each screen and at the end; the peak is the issue's figure (< 300 MB at 1M).

Peak RSS is the process high-water mark: each phase's ``peak_mb`` is the peak up to the end of that phase.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.catalog import demo_catalog

REPO = Path(__file__).resolve().parents[2]

_RSS = r"""
import resource
def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
def peak():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
PHASES = []
def phase(name, **extra):
    PHASES.append({"phase": name, "rss_mb": rss(), "peak_mb": peak(), **extra})
"""

_DUPES = (
    _RSS
    + r"""
import json, sqlite3, sys, time
phase("python")
from gphotos_tui.analysis.duplicates import incremental, rebuild
from gphotos_tui.analysis.duplicates.model import Settings
from gphotos_tui.catalog import dupe_groups as sql
phase("imports")
db, mode = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None)
settings = Settings()
state = {"checked_at": str(int(time.time())), "settings": incremental.settings_key(settings)}
started = time.perf_counter()
if mode == "grouped_at_once":
    items = incremental._load(conn, None)
    phase("items_read", items=len(items))
    groups = incremental.find_groups(items, settings)
    phase("grouped", groups=len(groups))
    sql.replace_groups(conn, None, [incremental._row(g) for g in groups], state)
    count = len(groups)
    del items, groups
else:
    ids, labels = rebuild.components(conn, settings)
    phase("components", items=len(ids), batched=int(sum(len(b) for b in rebuild.batches(ids, labels))))
    count = sql.rewrite_groups(conn, rebuild.grouped_batches(conn, settings, ids, labels), state)
phase("stored", groups=count)
seconds = time.perf_counter() - started
stored = sorted(incremental.comparable(sql.stored_groups(conn)))
import hashlib
digest = hashlib.sha1(repr(stored).encode()).hexdigest()[:16]
print(json.dumps({"seconds": round(seconds, 3), "groups": count, "peak_rss_mb": PHASES[-1]["peak_mb"],
                  "groups_digest": digest, "phases": PHASES}))
"""
)

_STATS = (
    _RSS
    + r"""
import asyncio, json, sys, time
phase("python")
from gphotos_tui.analysis.stats_cache import stats_for_catalog
from gphotos_tui.analysis.stats_filters import Filters
phase("imports")
started = time.perf_counter()
stats, _ = asyncio.run(stats_for_catalog(sys.argv[1], Filters()))
phase("warm_up", seconds=round(time.perf_counter() - started, 3))
import gc; gc.collect()
phase("after_collect")
print(json.dumps({"total": stats.total, "peak_rss_mb": PHASES[-1]["peak_mb"], "phases": PHASES}))
"""
)

_APP = (
    _RSS
    + r"""
import asyncio, json, sys, time
phase("python")
from gphotos_tui.ui.app import make_app
phase("imports")

async def main(db):
    app = make_app(db)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        phase("first_paint")
        started = time.perf_counter()
        while any(not w.is_finished for w in app.workers):
            await asyncio.sleep(0.05)
        phase("settled", seconds=round(time.perf_counter() - started, 3))
        for key, name in zip("2341", ("albums", "stats", "duplicates", "sync")):
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            while any(not w.is_finished for w in app.workers):
                await asyncio.sleep(0.05)
            await pilot.pause()
            phase(f"visit_{name}", seconds=round(time.perf_counter() - started, 3))
    phase("closed")
    print(json.dumps({"peak_rss_mb": PHASES[-1]["peak_mb"], "phases": PHASES}))

asyncio.run(main(sys.argv[1]))
"""
)


def _sizes(quick: bool) -> list[int]:
    given = os.environ.get("GPHOTOS_BENCH_MEMORY_SIZES")
    if given:
        return [int(s) for s in given.split(",") if s.strip()]
    return [20_000] if quick else [200_000, 1_000_000]


def run(quick: bool) -> dict:
    out: dict = {"load_avg_before": round(os.getloadavg()[0], 2)}
    for size in _sizes(quick):
        cached = Path(demo_catalog(size)["path"])
        figures: dict = {}
        with tempfile.TemporaryDirectory(prefix="memory-bench-", dir=cached.parent) as work:
            env = {**os.environ, "GPHOTOS_TUI_HOME": str(Path(work) / "home")}
            db = Path(work) / "catalog.sqlite"
            rebuilt = {}
            for mode in ("grouped_at_once", "streamed"):
                shutil.copy(cached, db)
                rebuilt[mode] = _child(_DUPES, [str(db), mode], env)
            rebuilt["same_groups"] = rebuilt["grouped_at_once"]["groups_digest"] == rebuilt["streamed"]["groups_digest"]
            rebuilt["peak_ratio"] = round(
                rebuilt["grouped_at_once"]["peak_rss_mb"] / max(rebuilt["streamed"]["peak_rss_mb"], 1), 2
            )
            figures["dupes_rebuild"] = rebuilt
            figures["stats_warm_up"] = _child(_STATS, [str(db)], env)
            shutil.rmtree(Path(work) / "home", ignore_errors=True)  # the app starts cold: no stats cache
            figures["app"] = _child(_APP, [str(db)], env)
        out[str(size)] = figures
    out["load_avg_after"] = round(os.getloadavg()[0], 2)
    return out


def _child(code: str, args: list[str], env: dict) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=3600
    )
    if done.returncode != 0:
        raise RuntimeError(f"child failed after {time.perf_counter() - started:.0f} s: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
