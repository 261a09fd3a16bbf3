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

Peak RSS is the process high-water mark (VmHWM): each phase's ``peak_mb`` is the peak up to the end of that phase;
``max_in_phase_mb`` is the highest RSS sampled (every 10 ms) during the phase itself, which says which phase
made the peak.

GPHOTOS_BENCH_MEMORY_CATALOG=<path> measures a copy of an existing catalog instead of the cached demo ones;
GPHOTOS_BENCH_MEMORY_PARTS="stats_warm_up,app" runs only those parts (default: all three);
GPHOTOS_BENCH_MEMORY_BASELINE=<another checkout> runs the same children on that checkout's code too (e.g.
``git archive main | tar -x -C /tmp/main``), side by side on the same copy, with ``peak_ratio`` = baseline / this.
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
import threading, time as _time
def _status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return round(int(line.split()[1]) / 1024, 1)
def rss():
    return _status("VmRSS:")
def peak():
    # VmHWM starts again at exec; ru_maxrss also counts the bench process this child was forked from.
    return _status("VmHWM:")
PHASES = []
_highest = {}  # phase number -> highest RSS sampled during it
def _sample():
    while True:
        number = len(PHASES)
        _highest[number] = max(_highest.get(number, 0.0), rss())
        _time.sleep(0.01)
threading.Thread(target=_sample, daemon=True, name="rss-sampler").start()
def phase(name, **extra):
    now = rss()
    highest = max(_highest.get(len(PHASES), 0.0), now)
    PHASES.append({"phase": name, "rss_mb": now, "peak_mb": peak(), "max_in_phase_mb": highest, **extra})
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


PARTS = ("dupes_rebuild", "stats_warm_up", "app")


def run(quick: bool) -> dict:
    out: dict = {"load_avg_before": round(os.getloadavg()[0], 2)}
    parts = [p for p in (os.environ.get("GPHOTOS_BENCH_MEMORY_PARTS") or ",".join(PARTS)).split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        raise ValueError(f"GPHOTOS_BENCH_MEMORY_PARTS: unknown {sorted(unknown)}; known: {', '.join(PARTS)}")
    baseline = os.environ.get("GPHOTOS_BENCH_MEMORY_BASELINE")
    codes = {"this": REPO, **({"baseline": Path(baseline).resolve()} if baseline else {})}
    existing = os.environ.get("GPHOTOS_BENCH_MEMORY_CATALOG")
    catalogs = (
        {"catalog": Path(existing)} if existing else {str(n): Path(demo_catalog(n)["path"]) for n in _sizes(quick)}
    )
    for label, cached in catalogs.items():
        figures: dict = {"catalog": str(cached)} if existing else {}
        with tempfile.TemporaryDirectory(prefix="memory-bench-", dir=_work_dir(cached)) as work:
            env = {**os.environ, "GPHOTOS_TUI_HOME": str(Path(work) / "home")}
            db = Path(work) / "catalog.sqlite"
            if "dupes_rebuild" in parts:
                rebuilt = {}
                for mode in ("grouped_at_once", "streamed"):
                    _copy(cached, db)
                    rebuilt[mode] = _child(_DUPES, [str(db), mode], env)
                rebuilt["same_groups"] = (
                    rebuilt["grouped_at_once"]["groups_digest"] == rebuilt["streamed"]["groups_digest"]
                )
                rebuilt["peak_ratio"] = round(
                    rebuilt["grouped_at_once"]["peak_rss_mb"] / max(rebuilt["streamed"]["peak_rss_mb"], 1), 2
                )
                figures["dupes_rebuild"] = rebuilt
                cached = Path(work) / "rebuilt.sqlite"  # the later parts start with the groups kept
                _copy(db, cached)
            for part, code in (("stats_warm_up", _STATS), ("app", _APP)):
                if part not in parts:
                    continue
                side: dict = {}
                for name, checkout in codes.items():
                    _copy(cached, db)  # the same catalog for each, and each starts cold: no stats cache
                    shutil.rmtree(Path(work) / "home", ignore_errors=True)
                    side[name] = _child(code, [str(db)], env, checkout)
                if "baseline" in side:
                    side["peak_ratio"] = round(side["baseline"]["peak_rss_mb"] / max(side["this"]["peak_rss_mb"], 1), 2)
                figures[part] = side if len(side) > 1 else side["this"]
        out[label] = figures
    out["load_avg_after"] = round(os.getloadavg()[0], 2)
    return out


def _work_dir(cached: Path) -> Path:
    """Next to a cached demo catalog (the bench's own folder); for a given catalog, the temp dir."""
    return Path(tempfile.gettempdir()) if os.environ.get("GPHOTOS_BENCH_MEMORY_CATALOG") else cached.parent


def _copy(cached: Path, db: Path) -> None:
    """A private copy of the catalog and of its WAL if it has one (the catalog itself is never written)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copy(cached, db)
    wal = Path(f"{cached}-wal")
    if wal.exists() and wal.stat().st_size:
        shutil.copy(wal, Path(f"{db}-wal"))


def _child(code: str, args: list[str], env: dict, checkout: Path = REPO) -> dict:
    started = time.perf_counter()
    if checkout != REPO:  # that checkout's gphotos_tui first
        env = {**env, "PYTHONPATH": os.pathsep.join(p for p in (str(checkout), env.get("PYTHONPATH")) if p)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, cwd=checkout, capture_output=True, text=True, timeout=3600
    )
    if done.returncode != 0:
        raise RuntimeError(f"child failed after {time.perf_counter() - started:.0f} s: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
