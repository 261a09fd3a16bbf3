"""Takeout import speed and memory, side by side with the floor (listing and reading the same bytes).

A generated multi-part Takeout (realistic JPEG/HEIC/MOV headers with EXIF,
sidecars under every naming scheme, album copies) is imported into a fresh
catalog in a child process, which reports wall and CPU time and peak RSS; the
floor child walks the same parts and reads every byte without parsing
anything. Archives (cached under .bench/takeout/):

- ``base``: the headline size (100,000 items; --quick 4,000), import vs floor;
- ``small``: 20,000 items (--quick 2,000), imported with the default (one
  process) and with ``workers=2``, to show what the second core buys (below
  20,000 zip entries no second process is started);
- ``big_pictures``: ``small``'s items with ~7x bigger pictures: peak memory
  must not grow with archive bytes.

Runs are interleaved (floor, import, ...) so both see the same machine load,
best of ``repeats``; the load average is recorded before and after.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".bench" / "takeout"
TARGET_ITEMS_PER_S = 2000


def _archive(items: int, side: int) -> tuple[list[Path], int]:
    folder = CACHE / f"{items}-{side}"
    marker = folder / "layout.json"
    if marker.exists():
        data = json.loads(marker.read_text())
        return [Path(p) for p in data["paths"]], data["bytes"]
    from gphotos_tui.demo.generator import SyntheticLibrary
    from gphotos_tui.demo.takeout import PixelPool, write_takeout

    folder.mkdir(parents=True, exist_ok=True)
    layout = write_takeout(
        SyntheticLibrary(items, 2024), folder, parts=max(2, items // 20000), pooled=True, pool=PixelPool(side=side)
    )
    size = sum(p.stat().st_size for p in layout.paths)
    marker.write_text(json.dumps({"paths": [str(p) for p in layout.paths], "bytes": size, "items": layout.items}))
    return layout.paths, size


_CHILD = r"""
import asyncio, json, resource, sys, time
mode, workers, db, paths = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
start = time.perf_counter()
if mode == "floor":
    from gphotos_tui.sources.takeout.archive import open_parts, walk_part
    parts, _ = open_parts(paths)
    count = [0, 0]
    def visit(name, size, stream):
        count[0] += 1
        while chunk := stream.read(1 << 20):
            count[1] += len(chunk)
    for part in parts:
        walk_part(part, visit, lambda where, msg: None)
    out = {"entries": count[0], "bytes": count[1]}
else:
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.sources.takeout import import_takeout
    async def main():
        catalog = await Catalog.open(db)
        try:
            return await import_takeout(catalog, paths, workers=None if workers == "auto" else int(workers))
        finally:
            await catalog.close()
    report = asyncio.run(main())
    out = {"items": report.items, "entries": report.entries, "matched_pct": report.matched_pct, "errors": len(report.errors)}
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
out["seconds"] = time.perf_counter() - start
out["cpu_s"] = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime  # worker processes included
out["peak_rss_mb"] = round(me.ru_maxrss / 1024, 1)
out["worker_peak_rss_mb"] = round(kids.ru_maxrss / 1024, 1)
print(json.dumps(out))
"""


def _child(mode: str, paths: list[Path], db: Path, workers: str = "auto") -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ, GPHOTOS_TUI_HOME=str(db.parent / "home"))
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, workers, str(db), *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{mode} child failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _best(runs: list[dict]) -> dict:
    return min(runs, key=lambda r: r["seconds"])


def _measure(paths: list[Path], size: int, repeats: int, workers: tuple[str, ...] = ("auto",)) -> dict:
    db = CACHE / "bench.sqlite"
    floors: list[dict] = []
    imports: dict[str, list[dict]] = {w: [] for w in workers}
    for _ in range(repeats):  # interleaved, so all see the same machine load
        floors.append(_child("floor", paths, db))
        for w in workers:
            imports[w].append(_child("import", paths, db, w))
    floor = _best(floors)
    out = {
        "archive_mb": round(size / 1e6, 1),
        "parts": len(paths),
        "floor_s": round(floor["seconds"], 2),
        "floor_cpu_s": round(floor["cpu_s"], 2),
        "floor_peak_rss_mb": floor["peak_rss_mb"],
    }
    for w in workers:
        best = _best(imports[w])
        items = best["items"]
        key = "import" if w == "auto" else f"import_workers_{w}"
        out.update(
            {
                "items": items,
                "entries": best["entries"],
                f"{key}_s": round(best["seconds"], 2),
                f"{key}_items_per_s": round(items / best["seconds"]),
                f"{key}_cpu_us_per_item": round(1e6 * best["cpu_s"] / items),
                f"{key}_peak_rss_mb": best["peak_rss_mb"],
                f"{key}_worker_peak_rss_mb": best["worker_peak_rss_mb"],
                f"{key}_vs_floor": round(best["seconds"] / floor["seconds"], 1),
                "matched_pct": best["matched_pct"],
                "errors": best["errors"],
            }
        )
    out["floor_items_per_s"] = round(out["items"] / floor["seconds"])
    return out


def run(quick: bool) -> dict:
    n = 4_000 if quick else 100_000
    small = 2_000 if quick else 20_000
    repeats = 2 if quick else 1
    started = time.perf_counter()
    load_before = os.getloadavg()
    cases = {  # name: (items, picture side, import variants)
        "base": (n, 96, ("auto",)),
        "small": (small, 96, ("auto", "2")),
        "big_pictures": (small, 1024, ("auto",)),
    }
    results: dict = {}
    for name, (items, side, workers) in cases.items():
        paths, size = _archive(items, side)
        results[name] = _measure(paths, size, repeats, workers)
    base, little, big = results["base"], results["small"], results["big_pictures"]
    results["summary"] = {
        "target_items_per_s": TARGET_ITEMS_PER_S,
        "items_per_s": base["import_items_per_s"],
        "floor_items_per_s": base["floor_items_per_s"],
        "import_vs_floor": base["import_vs_floor"],
        "second_process_speedup": round(little["import_s"] / little["import_workers_2_s"], 2),
        # flat in archive bytes: same items, ~7x the bytes, (nearly) the same peak memory
        "rss_big_vs_small_pictures": round(big["import_peak_rss_mb"] / little["import_peak_rss_mb"], 2),
        "archive_bytes_big_vs_small": round(big["archive_mb"] / little["archive_mb"], 1),
        # what each extra item costs in memory (matching needs every part catalogued first)
        "rss_kb_per_item": round(
            1024 * (base["import_peak_rss_mb"] - little["import_peak_rss_mb"]) / (base["items"] - little["items"]), 2
        ),
        "cpus": os.cpu_count(),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "wall_s": round(time.perf_counter() - started, 1),
    }
    return results


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=1))
