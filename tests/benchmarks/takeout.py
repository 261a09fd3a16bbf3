"""Takeout import speed and memory, side by side with the floor (listing and reading the same bytes).

A generated multi-part Takeout (realistic JPEG/HEIC/MOV headers with EXIF,
sidecars under every naming scheme, album copies) is imported into a fresh
catalog in a child process, which reports wall time and peak RSS; the floor
child walks the same parts and reads every byte without parsing anything.
Three archives: N items, 2N items (memory as items grow) and N items with
~20x bigger pictures (memory as archive bytes grow: it must stay flat).
Archives are cached under .bench/takeout/.
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


def _archive(items: int, side: int) -> tuple[list[Path], int]:
    folder = CACHE / f"{items}-{side}"
    marker = folder / "layout.json"
    if marker.exists():
        data = json.loads(marker.read_text())
        return [Path(p) for p in data["paths"]], data["bytes"]
    from gphotos_tui.demo.generator import SyntheticLibrary
    from gphotos_tui.demo.takeout import PixelPool, write_takeout

    folder.mkdir(parents=True, exist_ok=True)
    layout = write_takeout(SyntheticLibrary(items, 2024), folder, parts=max(2, items // 20000), pooled=True,
                           pool=PixelPool(side=side))
    size = sum(p.stat().st_size for p in layout.paths)
    marker.write_text(json.dumps({"paths": [str(p) for p in layout.paths], "bytes": size, "items": layout.items}))
    return layout.paths, size


_CHILD = r"""
import asyncio, json, resource, sys, time
mode, db, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
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
            return await import_takeout(catalog, paths)
        finally:
            await catalog.close()
    report = asyncio.run(main())
    out = {"items": report.items, "entries": report.entries, "matched_pct": report.matched_pct, "errors": len(report.errors)}
out["seconds"] = time.perf_counter() - start
out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(out))
"""


def _child(mode: str, paths: list[Path], db: Path) -> dict:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = dict(os.environ, GPHOTOS_TUI_HOME=str(db.parent / "home"))
    result = subprocess.run([sys.executable, "-c", _CHILD, mode, str(db), *map(str, paths)],
                            capture_output=True, text=True, cwd=ROOT, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"{mode} child failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _measure(paths: list[Path], size: int, repeats: int) -> dict:
    db = CACHE / "bench.sqlite"
    best_import, best_floor = None, None
    for _ in range(repeats):  # interleaved, so both see the same machine load
        floor = _child("floor", paths, db)
        imported = _child("import", paths, db)
        if best_floor is None or floor["seconds"] < best_floor["seconds"]:
            best_floor = floor
        if best_import is None or imported["seconds"] < best_import["seconds"]:
            best_import = imported
    items = best_import["items"]
    return {
        "items": items,
        "entries": best_import["entries"],
        "archive_mb": round(size / 1e6, 1),
        "parts": len(paths),
        "import_s": round(best_import["seconds"], 2),
        "import_items_per_s": round(items / best_import["seconds"]),
        "import_peak_rss_mb": best_import["peak_rss_mb"],
        "floor_s": round(best_floor["seconds"], 2),
        "floor_items_per_s": round(items / best_floor["seconds"]),
        "floor_peak_rss_mb": best_floor["peak_rss_mb"],
        "import_vs_floor": round(best_import["seconds"] / best_floor["seconds"], 1),
        "matched_pct": best_import["matched_pct"],
        "errors": best_import["errors"],
    }


def run(quick: bool) -> dict:
    n = 2_000 if quick else 50_000  # full: 50k, 100k and 50k with big pictures
    repeats = 2 if quick else 1
    started = time.perf_counter()
    cases = {
        "base": (n, 96),
        "double_items": (2 * n, 96),
        "big_pictures": (n, 1024),
    }
    results = {}
    for name, (items, side) in cases.items():
        paths, size = _archive(items, side)
        results[name] = _measure(paths, size, repeats)
    base, big = results["base"], results["big_pictures"]
    results["summary"] = {
        "target_items_per_s": 2000,
        "best_items_per_s": max(r["import_items_per_s"] for r in results.values() if isinstance(r, dict) and "items" in r),
        "rss_per_archive_mb_ratio": round((big["import_peak_rss_mb"] / big["items"]) / (base["import_peak_rss_mb"] / base["items"]), 2),
        "archive_bytes_per_item_ratio": round((big["archive_mb"] / big["items"]) / (base["archive_mb"] / base["items"]), 1),
        "wall_s": round(time.perf_counter() - started, 1),
    }
    return results


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=1))
