"""The HTML report at 1,000,000 items (quick: 20,000): time to write it and its size, side by side with stats --json.

* ``report`` end to end in a fresh process from a warm stats cache (the
  snapshot and the whole-catalog result cached by one ``stats --json`` first,
  as after the Stats screen's first visit): every year's statistics from the
  snapshot, then the page. Target: under 5 s.
* ``stats --json`` warm in the same home, the figure the report's time is read
  against (``report_over_stats_warm``): what drawing the page and the years cost
  beyond the statistics themselves.
* Cold, once: ``report --fresh`` (the catalog scanned again).
* Size of the page in bytes (target: under 2 MB) and how many years it covers.

Best of N; the machine is shared and noisy, so compare within one run.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.catalog import demo_catalog

REPO = Path(__file__).resolve().parents[2]
TARGET_S = 5.0
TARGET_BYTES = 2_000_000
#: CPU seconds (user + system) of each child, per subcommand: less swayed than wall time by other work on the machine.
CPU: dict[str, list[float]] = {"report": [], "stats": []}


def run(quick: bool) -> dict:
    size = 20_000 if quick else 1_000_000
    runs = 2 if quick else 3
    db = Path(os.environ.get("GPHOTOS_BENCH_REPORT_DB") or demo_catalog(size)["path"])
    return measure(db, runs)


def measure(db: Path, runs: int) -> dict:
    load_before = round(os.getloadavg()[0], 2)
    items = sqlite3.connect(db).execute("SELECT count(*) FROM items").fetchone()[0]
    cli = [sys.executable, "-m", "gphotos_tui"]
    for runs_cpu in CPU.values():
        runs_cpu.clear()
    with tempfile.TemporaryDirectory(prefix="report-bench-") as home:
        env = {**os.environ, "GPHOTOS_TUI_HOME": home}
        out = Path(home) / "report.html"
        warmup = _timed([*cli, "stats", "--db", str(db), "--json"], env)  # fills the stats cache
        report, stats_warm = [], []
        for _ in range(runs):
            report.append(_timed([*cli, "report", "--db", str(db), "--output", str(out)], env))
            stats_warm.append(_timed([*cli, "stats", "--db", str(db), "--json"], env))
        size = out.stat().st_size
        years = out.read_text("utf-8").count('<article class="year"')
        cold = _timed([*cli, "report", "--db", str(db), "--output", str(out), "--fresh"], env)
    best, best_stats = min(report), min(stats_warm)
    return {
        "items": items,
        "report_warm_s": round(best, 3),
        "report_target_s": TARGET_S,
        "report_bytes": size,
        "report_mb": round(size / 1e6, 3),
        "report_target_bytes": TARGET_BYTES,
        "years_in_review": years,
        "stats_json_warm_s": round(best_stats, 3),
        "report_over_stats_warm": round(best / best_stats, 2),
        "report_warm_cpu_s": min(CPU["report"][:runs]),
        "stats_json_warm_cpu_s": min(CPU["stats"][1:]),
        "report_over_stats_warm_cpu": round(min(CPU["report"][:runs]) / min(CPU["stats"][1:]), 2),
        "report_cold_fresh_s": round(cold, 3),
        "stats_cache_warmup_s": round(warmup, 3),
        "load_avg": [load_before, round(os.getloadavg()[0], 2)],
        "runs": runs,
        "all_s": {"report": [round(v, 3) for v in report], "stats_warm": [round(v, 3) for v in stats_warm]},
    }


def _timed(cmd: list[str], env: dict) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[cmd[3]].append(round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 3))
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[2:4]} failed: {done.stderr.strip()[-400:]}")
    return elapsed
