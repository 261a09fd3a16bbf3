"""`stats --json` in a new process vs pandas' load-and-aggregate from Parquet, at 100,000 and 1,000,000 items
(quick: 20,000), side by side in one run (issue 15).

Every figure is a fresh process, end to end (interpreter, imports, work, JSON on stdout):

* ``no cache``: ``stats --json --fresh`` ignores both caches: one scan of the catalog into the columnar
  snapshot, then the aggregates (what the first run after any catalog change costs);
* ``new filters``: the snapshot is cached, this filter combination was never computed;
* ``cache warm``: the result for these filters is cached and the catalog is unchanged (its change stamp
  is read, then the cached JSON printed);
* ``pandas``: the original analysis: load the item table from Parquet (exported once, untimed) and
  compute the same aggregates (``stats._PANDAS``). The two outputs are compared on the figures both
  define the same way (counts per year, hour, weekday, file type, ...): ``same_aggregates``.

CPU seconds (user + system, every thread) of each child are reported too: on a shared machine they move less
with the load than wall time does. Runs alternate (no cache, pandas, warm), so all see the same machine load. Both sides run with compiled
bytecode, as an installed package has (pandas' was compiled when pip installed it; this checkout may run
with PYTHONDONTWRITEBYTECODE): the children keep theirs under the bench cache dir, and one untimed
run of each command comes first. Best of N; ``load_avg`` is the 1-minute load before and after.

``GPHOTOS_BENCH_STATS_CLI_DBS=path,path`` measures given catalogs instead of building demo ones.
"""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.catalog import cache_dir, demo_catalog
from tests.benchmarks.stats import _PANDAS, REPO, export_parquet

#: Figures the pandas script and `stats --json` define the same way, compared between the two outputs.
COMPARED = ("total", "photos", "videos", "favorites", "by_year", "by_hour", "by_weekday", "mime_types")


def run(quick: bool) -> dict:
    given = os.environ.get("GPHOTOS_BENCH_STATS_CLI_DBS")
    if given:
        dbs = [Path(p) for p in given.split(",") if p]
    else:
        dbs = [Path(demo_catalog(size)["path"]) for size in ((20_000,) if quick else (100_000, 1_000_000))]
    runs = 2 if quick else 5
    return {f"{_items(db):,}": measure(db, runs) for db in dbs}


def _items(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
    finally:
        conn.close()


def measure(db: Path, runs: int) -> dict:
    load_before = round(os.getloadavg()[0], 2)
    parquet = export_parquet(db)
    cli = [sys.executable, "-m", "gphotos_tui", "stats", "--db", str(db), "--json"]
    pandas_cmd = [sys.executable, "-W", "ignore", "-c", _PANDAS, str(parquet)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache_dir() / "pycache")
    times: dict[str, list[float]] = {"no_cache": [], "pandas": [], "cache_warm": [], "new_filters": []}
    cpu: dict[str, list[float]] = {name: [] for name in times}
    with tempfile.TemporaryDirectory(prefix="stats-cli-bench-") as home:
        env["GPHOTOS_TUI_HOME"] = home
        ours, _, _ = _timed([*cli, "--fresh"], env)  # untimed: bytecode written, the snapshot and result cached
        theirs, _, _ = _timed(pandas_cmd, env)

        def timed(name: str, cmd: list[str]) -> None:
            _, wall, used = _timed(cmd, env)
            times[name].append(wall)
            cpu[name].append(used)

        for _ in range(runs):
            timed("no_cache", [*cli, "--fresh"])
            timed("pandas", pandas_cmd)
            timed("cache_warm", cli)
        for i in range(runs):  # each a combination not computed before in this home
            timed("new_filters", [*cli, "--from", f"{2016 + i}-01-01"])
    best = {name: min(values) for name, values in times.items()}
    best_cpu = {name: min(values) for name, values in cpu.items()}
    differing = [k for k in COMPARED if _plain(ours.get(k)) != _plain(theirs.get(k))]
    return {
        "items": _items(db),
        **{f"{name}_s": round(value, 3) for name, value in best.items()},
        "pandas_over_no_cache": round(best["pandas"] / best["no_cache"], 2),
        "pandas_over_new_filters": round(best["pandas"] / best["new_filters"], 2),
        "pandas_over_cache_warm": round(best["pandas"] / best["cache_warm"], 2),
        **{f"{name}_cpu_s": round(value, 3) for name, value in best_cpu.items()},
        "pandas_cpu_over_no_cache_cpu": round(best_cpu["pandas"] / best_cpu["no_cache"], 2),
        "same_aggregates": not differing,
        "differing": differing,
        "compared": list(COMPARED),
        "load_avg": [load_before, round(os.getloadavg()[0], 2)],
        "runs": runs,
        "all_s": {name: [round(v, 3) for v in values] for name, values in times.items()},
    }


def _plain(value):
    """Both outputs as JSON sees them: keys as strings, a list of 24 or 7 counts as it is."""
    return json.loads(json.dumps(value)) if value is not None else None


def _timed(cmd: list[str], env: dict) -> tuple[dict, float, float]:
    """(the child's JSON output, wall seconds, CPU seconds: user + system of the child and its threads)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[2:6]} failed: {done.stderr.strip()[-400:]}")
    used = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return json.loads(done.stdout.strip().splitlines()[-1]), elapsed, used
