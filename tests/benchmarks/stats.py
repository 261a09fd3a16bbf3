"""Stats figures on one demo catalog (1,000,000 items; quick: 20,000), side by side in one run.

* ``stats --json`` end to end, in a fresh process: cold (``--fresh``: the
  GROUP BY passes of analysis/stats.py over every item) and warm (the catalog
  is unchanged, so the cached result is reused).
* The pandas approach of the original analysis, also end to end in a fresh
  process: load the item table from Parquet (exported once, untimed) and
  compute the same aggregates.
* The Stats screen fully drawn after the catalog is open: from pressing "3"
  to the first chart drawn with all aggregates, cold and warm.

Best of N for every figure; the machine is shared and noisy, so compare the
ratios within one run.
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

from tests.benchmarks.catalog import cache_dir, demo_catalog

REPO = Path(__file__).resolve().parents[2]


def run(quick: bool) -> dict:
    size = 20_000 if quick else 1_000_000
    runs = 2 if quick else 3
    db = Path(os.environ.get("GPHOTOS_BENCH_STATS_DB") or demo_catalog(size)["path"])
    return measure(db, runs)


def measure(db: Path, runs: int) -> dict:
    items = sqlite3.connect(db).execute("SELECT count(*) FROM items").fetchone()[0]
    parquet = export_parquet(db)
    with tempfile.TemporaryDirectory(prefix="stats-bench-") as home:
        env = {**os.environ, "GPHOTOS_TUI_HOME": home}
        cold = [_timed([sys.executable, "-m", "gphotos_tui", "stats", "--db", str(db), "--json", "--fresh"], env)
                for _ in range(runs)]
        warm = [_timed([sys.executable, "-m", "gphotos_tui", "stats", "--db", str(db), "--json"], env)
                for _ in range(runs)]
        pandas = [_timed([sys.executable, "-c", _PANDAS, str(parquet)], env) for _ in range(runs)]
        screen = []
        for _ in range(runs):  # each in its own home: the first visit has no cached result
            with tempfile.TemporaryDirectory(prefix="stats-screen-") as own:
                screen.append(_timed([sys.executable, "-c", _SCREEN, str(db)], {**env, "GPHOTOS_TUI_HOME": own}, parse=True))
    best_cold, best_warm, best_pandas = min(cold), min(warm), min(pandas)
    return {
        "items": items,
        "stats_json_cold_s": round(best_cold, 3),
        "stats_json_warm_cached_s": round(best_warm, 3),
        "pandas_parquet_s": round(best_pandas, 3),
        "pandas_over_stats_cold": round(best_pandas / best_cold, 2),
        "pandas_over_stats_warm": round(best_pandas / best_warm, 2),
        "screen_drawn_cold_s": min(s["cold_s"] for s in screen),
        "screen_drawn_warm_s": min(s["warm_s"] for s in screen),
        "screen_worker_cold_s": min(s["worker_cold_s"] for s in screen),
        "screen_worker_warm_s": min(s["worker_warm_s"] for s in screen),
        "screen_target_s": 0.5,
        "runs": runs,
        "all_s": {"cold": _r(cold), "warm": _r(warm), "pandas": _r(pandas), "screen": screen},
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
    return target


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

async def show_stats(pilot, app, before):
    started = time.perf_counter()
    await pilot.press("3")
    while not (isinstance(app.screen, StatsScreen) and app.screen.drawn > before):
        await asyncio.sleep(0.005)
    await pilot.pause()  # the chart widget has rendered
    return round(time.perf_counter() - started, 3)

async def main(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        cold = await show_stats(pilot, app, 0)
        stats = app.screen
        await pilot.press("1")
        await pilot.pause()
        warm = await show_stats(pilot, app, stats.drawn)
    print(json.dumps({"cold_s": cold, "warm_s": warm, "worker_cold_s": loads[0], "worker_warm_s": loads[-1]}))

asyncio.run(main(sys.argv[1]))
"""
