"""Stats figures on one demo catalog (1,000,000 items; quick: 20,000), side by side in one run.

* ``stats --json`` end to end, each in a fresh process:
  - cold (``--fresh``): one scan of the catalog into the columnar snapshot,
    then numpy aggregates (what the first run after any catalog change costs);
  - new filters: the snapshot is on disk, this filter combination was never
    computed (memory-mapped arrays + masks);
  - warm: the finished result for these filters is cached.
* The pandas approach of the original analysis, also end to end in a fresh
  process: load the item table from Parquet (exported once, untimed) and
  compute the same aggregates. Cold runs and pandas runs alternate, so both
  see the same machine load.
* The Stats screen fully drawn after the catalog is open: from pressing "3"
  to the chart drawn with all aggregates; cold (pressed at once, while the
  app's background warm-up is still scanning), after the warm-up has
  finished (the usual first visit), warm (leave and come back) and with new
  filters (snapshot in memory).
* Footprint: bytes of the snapshot arrays, peak RSS of a cold ``stats --json``.
* Once: the pandas approach's own export (SQLite to Parquet), which its timed
  runs leave out; the snapshot is this project's equivalent and is inside
  every cold figure.

Best of N for every figure; the machine is shared and noisy, so compare the
ratios within one run. ``load_avg`` is the 1-minute load before and after.
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

REPO = Path(__file__).resolve().parents[2]
#: A different never-computed filter combination for each run of the "new filters" figure.
NEW_FILTERS = (
    ["--type", "video"],
    ["--camera", "sony"],
    ["--from", "2020-01-01", "--type", "photo"],
    ["--to", "2018-12-31"],
    ["--source", "demo", "--camera", "iphone"],
)


def run(quick: bool) -> dict:
    size = 20_000 if quick else 1_000_000
    runs = 2 if quick else 3
    db = Path(os.environ.get("GPHOTOS_BENCH_STATS_DB") or demo_catalog(size)["path"])
    return measure(db, runs)


def measure(db: Path, runs: int) -> dict:
    load_before = round(os.getloadavg()[0], 2)
    items = sqlite3.connect(db).execute("SELECT count(*) FROM items").fetchone()[0]
    parquet = export_parquet(db)
    cli = [sys.executable, "-m", "gphotos_tui", "stats", "--db", str(db), "--json"]
    cold, pandas, new_filters, warm = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="stats-bench-") as home:
        env = {**os.environ, "GPHOTOS_TUI_HOME": home}
        for i in range(runs):
            cold.append(_timed([*cli, "--fresh"], env))
            if i == 0:  # only one child has finished yet: its peak is the cold run's
                cold_rss_mb = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
            pandas.append(_timed([sys.executable, "-c", _PANDAS, str(parquet)], env))
        for i in range(runs):
            new_filters.append(_timed([*cli, *NEW_FILTERS[i % len(NEW_FILTERS)]], env))
            warm.append(_timed(cli, env))
        footprint = _timed([sys.executable, "-c", _FOOTPRINT, str(db)], env, parse=True)
        # Once: what the pandas approach's export costs (the timed pandas runs start from its Parquet file).
        export_s = _timed(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; "
                "from tests.benchmarks.stats import write_parquet; write_parquet(Path(sys.argv[1]), Path(sys.argv[2]))",
                str(db),
                str(Path(home) / "export.parquet"),
            ],
            env,
        )
        screen, after_warmup = [], []
        for _ in range(runs):  # each in its own home: the first visit has nothing cached
            for mode, figures in (("at-once", screen), ("after-warmup", after_warmup)):
                with tempfile.TemporaryDirectory(prefix="stats-screen-") as own:
                    figures.append(
                        _timed(
                            [sys.executable, "-c", _SCREEN, str(db), mode], {**env, "GPHOTOS_TUI_HOME": own}, parse=True
                        )
                    )
    best_cold, best_new, best_warm, best_pandas = min(cold), min(new_filters), min(warm), min(pandas)
    return {
        "items": items,
        "stats_json_cold_s": round(best_cold, 3),
        "stats_json_new_filters_s": round(best_new, 3),
        "stats_json_warm_cached_s": round(best_warm, 3),
        "pandas_parquet_s": round(best_pandas, 3),
        "pandas_over_stats_cold": round(best_pandas / best_cold, 2),
        "pandas_over_stats_new_filters": round(best_pandas / best_new, 2),
        "pandas_over_stats_warm": round(best_pandas / best_warm, 2),
        "pandas_export_once_s": round(export_s, 3),
        "pandas_with_export_over_stats_cold": round((best_pandas + export_s) / best_cold, 2),
        "screen_drawn_cold_s": min(s["cold_s"] for s in screen),
        "screen_drawn_after_warmup_s": min(s["cold_s"] for s in after_warmup),
        "app_stats_warmup_s": min(s["warmup_s"] for s in after_warmup),
        "screen_drawn_warm_s": min(s["warm_s"] for s in screen),
        "screen_drawn_new_filters_s": min(s["new_filters_s"] for s in screen),
        "screen_worker_cold_s": min(s["worker_cold_s"] for s in screen),
        "screen_worker_warm_s": min(s["worker_warm_s"] for s in screen),
        "screen_target_s": 0.5,
        "snapshot_arrays_mb": footprint["arrays_mb"],
        "snapshot_load_and_aggregate_s": footprint["load_and_aggregate_s"],
        "aggregate_slowest_filters_s": footprint["aggregate_slowest_s"],
        "stats_json_cold_peak_rss_mb": cold_rss_mb,
        "load_avg": [load_before, round(os.getloadavg()[0], 2)],
        "runs": runs,
        "all_s": {
            "cold": _r(cold),
            "new_filters": _r(new_filters),
            "warm": _r(warm),
            "pandas": _r(pandas),
            "screen": screen,
            "screen_after_warmup": after_warmup,
        },
    }


def _r(values: list[float]) -> list[float]:
    return [round(v, 3) for v in values]


def _timed(cmd: list[str], env: dict, parse: bool = False):
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[2:5]} failed: {done.stderr.strip()[-400:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]) if parse else elapsed


# -- the pandas approach ---------------------------------------------------------------


def export_parquet(db: Path) -> Path:
    """The exported item table as Parquet, written once per catalog (untimed)."""
    stamp = int(db.stat().st_mtime)
    target = cache_dir() / f"{db.stem}-{stamp}.parquet"
    if not target.exists():
        write_parquet(db, target)
    return target


def write_parquet(db: Path, target: Path) -> None:
    """The item table (with each item's source kinds) as Parquet: the original analysis' export."""
    import pandas as pd

    conn = sqlite3.connect(db)
    frame = pd.read_sql_query(
        "SELECT i.id, i.filename, i.mime_type, i.media_type, i.taken_at, i.utc_offset_min, i.width, i.height, "
        "i.orientation, i.size_bytes, i.camera_make, i.camera_model, i.lens_model, i.focal_length_mm, "
        "i.focal_length_35mm, i.aperture_f, i.iso, i.exposure_s, i.latitude, i.longitude, i.favorite, "
        "(SELECT group_concat(DISTINCT s.kind) FROM item_sources s WHERE s.item_id = i.id) AS sources "
        "FROM items i",
        conn,
    )
    conn.close()
    partial = target.with_suffix(".partial")
    frame.to_parquet(partial, index=False)
    partial.rename(target)


# Runs in a fresh process, as the original analysis did: load, then aggregate with pandas.
_PANDAS = r"""
import json, sys
import numpy as np
import pandas as pd
from gphotos_tui.analysis.stats_buckets import APERTURE, EXPOSURE, FOCAL, FOCAL_35MM, ISO, MEGAPIXELS, PLACE_CELL_DEG

df = pd.read_parquet(sys.argv[1])
out = {"total": len(df), "photos": int((df.media_type == "photo").sum()), "videos": int((df.media_type == "video").sum()),
       "favorites": int(df.favorite.sum())}
local = pd.to_datetime(df.taken_at + df.utc_offset_min.fillna(0) * 60, unit="s")
dated = local.dropna()
out["by_year"] = dated.dt.year.value_counts().sort_index().to_dict()
out["by_month"] = dated.dt.strftime("%Y-%m").value_counts().sort_index().to_dict()
out["by_day"] = dated.dt.strftime("%Y-%m-%d").value_counts().sort_index().to_dict()
out["by_hour"] = dated.dt.hour.value_counts().reindex(range(24), fill_value=0).tolist()
out["by_weekday"] = dated.dt.weekday.value_counts().reindex(range(7), fill_value=0).tolist()
out["hour_weekday"] = pd.crosstab(dated.dt.weekday, dated.dt.hour).values.tolist()
out["local_time_share"] = float(df.utc_offset_min.notna().sum() / max(1, len(dated)))
cams = df.groupby(["camera_make", "camera_model"]).size().sort_values(ascending=False)
out["cameras"] = [{"make": m, "model": o, "count": int(n)} for (m, o), n in cams.head(8).items()]
out["camera_share_by_year"] = df.assign(year=local.dt.year).groupby(["year", "camera_model"]).size().unstack(fill_value=0).to_dict()
out["lenses"] = df.lens_model.value_counts().head(10).to_dict()
def buckets(values, bucketing):
    v = values[values > 0].dropna()
    idx = np.searchsorted(np.array(bucketing.edges), v.to_numpy(), side="right")
    counts = np.bincount(idx, minlength=len(bucketing.labels))
    return [{"bucket": l, "count": int(c)} for l, c in zip(bucketing.labels, counts)]
out["focal_lengths"] = buckets(df.focal_length_mm, FOCAL)
out["focal_lengths_35mm"] = buckets(df.focal_length_35mm, FOCAL_35MM)
out["apertures"] = buckets(df.aperture_f, APERTURE)
out["isos"] = buckets(df.iso, ISO)
out["exposures"] = buckets(df.exposure_s, EXPOSURE)
out["mime_types"] = df.mime_type.fillna("unknown").value_counts().to_dict()
photos = df[(df.media_type == "photo") & (df.width > 0) & (df.height > 0)]
out["megapixels"] = buckets(photos.width * photos.height / 1e6, MEGAPIXELS)
rot = df.orientation.isin([5, 6, 7, 8])
w = np.where(rot, df.height, df.width); h = np.where(rot, df.width, df.height)
out["orientation"] = {"portrait": int((h > w).sum()), "landscape": int((w > h).sum()), "square": int(((w == h) & (w > 0)).sum())}
out["storage_by_year"] = df.size_bytes.groupby(local.dt.year).sum().to_dict()
out["by_source"] = df.sources.str.split(",").explode().value_counts().to_dict()
gps = df.dropna(subset=["latitude", "longitude"])
cells = pd.DataFrame({"la": np.floor(gps.latitude / PLACE_CELL_DEG), "lo": np.floor(gps.longitude / PLACE_CELL_DEG)})
out["places"] = cells.value_counts().head(10).reset_index().values.tolist()
def plain(value):  # numpy and pandas scalars as JSON, keys as strings
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value.item() if hasattr(value, "item") else value
print(json.dumps(plain(out)))
"""

# Runs in a fresh process: open the app on the catalog, then time "3" until the Stats screen is drawn;
# then leave and come back (the catalog is unchanged, so the cached result is drawn).
_SCREEN = r"""
import asyncio, json, sys, time
from datetime import date
from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.screens import stats as stats_screen
from gphotos_tui.ui.screens.stats import StatsScreen

loads = []  # seconds the worker spent getting the statistics (computed or cached)
_load = stats_screen.load_stats
def timed_load(*args, **kwargs):
    started = time.perf_counter()
    try:
        return _load(*args, **kwargs)
    finally:
        loads.append(round(time.perf_counter() - started, 3))
stats_screen.load_stats = timed_load

handled = []  # computed results the screen has taken in (drawn, or kept when the figures are the same)
_handle = StatsScreen.on_stats_screen_computed
def counted_handle(self, message):
    _handle(self, message)
    handled.append(1)
StatsScreen.on_stats_screen_computed = counted_handle

async def show_stats(pilot, app, before):
    started = time.perf_counter()
    await pilot.press("3")
    while not (isinstance(app.screen, StatsScreen) and len(handled) > before):
        await asyncio.sleep(0.005)
    await pilot.pause()  # the chart widget has rendered
    return round(time.perf_counter() - started, 3)

async def main(db, after_warmup):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        warmup = None
        if after_warmup:  # the user opens Stats once the app's background warm-up has finished
            started = time.perf_counter()
            while any(w.group == "stats-warm" and not w.is_finished for w in app.workers):
                await asyncio.sleep(0.01)
            warmup = round(time.perf_counter() - started, 3)
        cold = await show_stats(pilot, app, len(handled))
        stats = app.screen
        await pilot.press("1")
        await pilot.pause()
        warm = await show_stats(pilot, app, len(handled))
        worker_warm = loads[-1]
        started, before = time.perf_counter(), len(handled)
        stats.filters = Filters(media_type="video", date_from=date(2019, 1, 1))  # as the filter dialog applies them
        stats.compute()
        while len(handled) == before:
            await asyncio.sleep(0.005)
        await pilot.pause()
        new_filters = round(time.perf_counter() - started, 3)
    print(json.dumps({"cold_s": cold, "warm_s": warm, "new_filters_s": new_filters, "worker_cold_s": loads[0],
                      "worker_warm_s": worker_warm, "warmup_s": warmup}))

asyncio.run(main(sys.argv[1], sys.argv[2] == "after-warmup"))
"""

# Runs after the CLI runs, in their home: the snapshot they saved, loaded and aggregated in a fresh process.
_FOOTPRINT = r"""
import asyncio, json, resource, sys, time
from datetime import date
from gphotos_tui.analysis import stats_cache
from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.catalog import Catalog

async def fingerprint(db):
    catalog = await Catalog.open(db, readonly=True)
    try:
        return (await stats_cache.fingerprint(catalog.reader))[0]
    finally:
        await catalog.close()

db = sys.argv[1]
print_ = asyncio.run(fingerprint(db))
started = time.perf_counter()
from gphotos_tui.analysis.stats_arrays import compute_from_snapshot
snapshot = stats_cache.load_snapshot(stats_cache.snapshot_dir(db), print_)
assert snapshot is not None, "the CLI runs saved no snapshot"
compute_from_snapshot(snapshot)
load_and_aggregate = time.perf_counter() - started
slowest = max(compute_from_snapshot(snapshot, f).seconds for f in (
    Filters(), Filters(camera="sony"), Filters(media_type="photo", date_from=date(2019, 1, 1)), Filters(source="demo")))
print(json.dumps({"arrays_mb": round(snapshot.size_in_memory / 1e6, 1), "load_and_aggregate_s": round(load_and_aggregate, 3),
                  "aggregate_slowest_s": round(slowest, 3), "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""
