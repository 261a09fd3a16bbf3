"""Duplicates benchmark: metadata classes over N items, near grouping of N hashes, hashing per core vs imagehash.

Full: 1,000,000 items and hashes, 4000x3000 JPEGs. Quick: 20,000 and smaller files.
Inputs are built once and cached under .bench/. Figures are best of N runs.
Near grouping is measured side by side with the first index (``baseline_near_pairs``,
item-by-item probing, kept here only as the baseline) on the same hashes in the same run.
"""

from __future__ import annotations

import io
import itertools
import os
import pickle
import time
from pathlib import Path

import numpy as np

from gphotos_tui.analysis.duplicates.classes import metadata_groups
from gphotos_tui.analysis.duplicates.hashing import phash_bytes
from gphotos_tui.analysis.duplicates.index import near_pairs
from gphotos_tui.analysis.duplicates.model import DupItem, Settings
from gphotos_tui.analysis.duplicates.near import near_groups
from gphotos_tui.analysis.duplicates.unionfind import UnionFind
from gphotos_tui.demo.generator import SyntheticLibrary

BENCH_DIR = Path(__file__).resolve().parents[2] / ".bench"


def _best(fn, runs: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def _items(n: int) -> list[DupItem]:
    path = BENCH_DIR / f"dupes-items-{n}.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())
    items = []
    for i, s in enumerate(SyntheticLibrary(n, 7).items(), 1):
        r = s.record
        items.append(
            DupItem(
                i,
                r.external_id,
                r.filename,
                r.mime_type,
                r.taken_at,
                r.width,
                r.height,
                r.size_bytes,
                f"{r.camera_make} {r.camera_model}" if r.camera_model else None,
                r.content_hash,
                bool(r.favorite),
                len(s.album_keys),
                r.product_url,
                None,
                r.media_type == "video",
            )
        )
    BENCH_DIR.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps(items))
    return items


def _hashes(n: int) -> np.ndarray:
    """n random hashes with 1% planted near copies at distances 0..threshold."""
    rng = np.random.default_rng(11)
    values = rng.integers(-(2**63), 2**63 - 1, n, dtype=np.int64).view(np.uint64)
    threshold = Settings().near_threshold
    for k in range(0, n // 50, 2):
        flipped = values[k]
        for bit in rng.choice(64, k % (threshold + 1), replace=False):
            flipped ^= np.uint64(1) << np.uint64(bit)
        values[k + 1] = flipped
    return values.view(np.int64)


def _camera_jpegs(side: tuple[int, int], count: int) -> list[Path]:
    """Camera-like JPEGs: a rendered scene with sensor noise, quality 92, rendered once and cached."""
    from PIL import Image

    from gphotos_tui.demo.images import render_scene

    paths = []
    for k in range(count):
        path = BENCH_DIR / f"camera-{side[0]}x{side[1]}-{k}.jpg"
        if not path.exists():
            BENCH_DIR.mkdir(exist_ok=True)
            img = render_scene(1000 + k, side[0] // 4, side[1] // 4).resize(side, Image.Resampling.BICUBIC)
            noise = Image.effect_noise(side, 24).convert("RGB")
            Image.blend(img, noise, 0.12).save(path, "JPEG", quality=92)
        paths.append(path)
    return paths


def _rate(fn, paths: list[Path], runs: int) -> float:
    seconds, _ = _best(lambda: [fn(p) for p in paths], runs)
    return len(paths) / seconds


def run(quick: bool = False) -> dict:
    n = 20_000 if quick else 1_000_000
    runs = 3
    items = _items(n)
    classes_s, groups = _best(lambda: metadata_groups(items), runs)
    hashes = _hashes(n)
    threshold = Settings().near_threshold
    near_runs = 1 if not quick else runs
    cpu = _cpu_with_children()
    near_s, (first, _second, _d) = _best(lambda: near_pairs(hashes, threshold), near_runs)
    near_cpu_s = (_cpu_with_children() - cpu) / near_runs
    near_one_s, _ = _best(lambda: near_pairs(hashes, threshold, threads=1), near_runs)
    baseline_s, (base_first, _, _) = _best(lambda: baseline_near_pairs(hashes, threshold), near_runs)
    planted_pairs = n // 100
    small_t = 5
    near5_s, _ = _best(lambda: near_pairs(hashes, small_t), near_runs)
    for item, value in zip(items, hashes.tolist()):
        item.phash = value
    groups_s, near = _best(lambda: near_groups(items, UnionFind()), near_runs)
    for item in items:
        item.phash = None

    import imagehash
    from PIL import Image

    paths = _camera_jpegs((1600, 1200) if quick else (4000, 3000), 4 if quick else 8)
    ours = _rate(lambda p: phash_bytes(p.read_bytes()), paths, runs)
    ih_phash = _rate(lambda p: imagehash.phash(Image.open(io.BytesIO(p.read_bytes()))), paths, runs)
    ih_dhash = _rate(lambda p: imagehash.dhash(Image.open(io.BytesIO(p.read_bytes()))), paths, runs)
    return {
        "items": n,
        "classes_s": round(classes_s, 3),
        "classes_groups": len(groups),
        "near_hashes": n,
        "near_threshold": threshold,
        "near_s": round(near_s, 3),
        "near_cpu_s": round(near_cpu_s, 3),
        "near_workers": os.cpu_count(),  # worker processes (threads where processes cannot start)
        "near_s_one_thread": round(near_one_s, 3),
        "near_baseline_s": round(baseline_s, 3),
        "near_speedup_vs_baseline": round(baseline_s / near_s, 2),
        "near_same_pairs_as_baseline": bool(len(first) == len(base_first)),
        "near_groups_s": round(groups_s, 3),
        "near_groups_found": len(near),
        "near_pairs_found": len(first),
        "near_pairs_planted": planted_pairs,
        f"near_s_threshold_{small_t}": round(near5_s, 3),
        "jpeg_size": "1600x1200" if quick else "4000x3000",
        "hash_per_core_per_s": round(ours, 1),
        "imagehash_phash_per_s": round(ih_phash, 1),
        "imagehash_dhash_per_s": round(ih_dhash, 1),
        "speedup_vs_imagehash_phash": round(ours / ih_phash, 2),
        "speedup_vs_imagehash_dhash": round(ours / ih_dhash, 2),
        "near_quality_by_threshold": quality(60 if quick else 150),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def baseline_near_pairs(hashes: np.ndarray, threshold: int):
    """The first index (session 1), for side-by-side timing only: every hash probes every flip mask."""
    from gphotos_tui.analysis.duplicates.index import _chunk_widths, choose_chunks

    values = np.ascontiguousarray(hashes, dtype=np.int64).view(np.uint64)
    n = len(values)
    m = choose_chunks(n, threshold)
    radius = threshold // m
    found_i, found_j, found_d = [], [], []
    shift = 0
    for width in _chunk_widths(m):
        chunk = ((values >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)
        shift += width
        order = np.argsort(chunk, kind="stable")
        sizes = np.bincount(chunk, minlength=1 << width)
        starts = np.cumsum(sizes) - sizes
        zero_at = [np.nonzero((chunk & (1 << bit)) == 0)[0] for bit in range(width)] if radius else []
        chunk_at = [chunk[side] for side in zero_at]
        masks = [0] + [
            sum(1 << b for b in bits) for k in range(1, radius + 1) for bits in itertools.combinations(range(width), k)
        ]
        for flips in masks:
            if flips:
                top = flips.bit_length() - 1
                side, probe = zero_at[top], chunk_at[top] ^ flips
            else:
                side, probe = np.arange(n), chunk
            counts = sizes[probe]
            hit = np.nonzero(counts)[0]
            reps = counts[hit]
            queries = np.repeat(side[hit], reps)
            partners = order[
                np.repeat(starts[probe[hit]], reps) + np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
            ]
            if not flips:
                keep = queries < partners
                queries, partners = queries[keep], partners[keep]
            else:
                queries, partners = np.minimum(queries, partners), np.maximum(queries, partners)
            distance = np.bitwise_count(values[queries] ^ values[partners])
            close = distance <= threshold
            found_i.append(queries[close])
            found_j.append(partners[close])
            found_d.append(distance[close].astype(np.int64))
    i, j, d = np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_d)
    key = np.unique(i * n + j, return_index=True)[1]
    return i[key], j[key], d[key]


def quality(scenes: int = 150, thresholds=(4, 6, 8, 10, 12)) -> dict:
    """Precision and recall of the near class per variant, on generated variants of rendered scenes.

    Each scene (with sensor-like noise) gets a resized, a recompressed, a slightly cropped (3% a side)
    and an edited (contrast) copy; every other scene is an unrelated look-alike (same renderer).
    """
    from PIL import Image, ImageEnhance

    from gphotos_tui.analysis.duplicates.classes import hash_distance
    from gphotos_tui.demo.images import render_scene

    def jpeg(img, q=88):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=q)
        return out.getvalue()

    originals, variants = [], []
    for s in range(scenes):
        img = Image.blend(render_scene(5000 + s, 480, 360), Image.effect_noise((480, 360), 30).convert("RGB"), 0.1)
        originals.append(phash_bytes(jpeg(img)))
        w, h = img.size
        variants.append(
            {
                "resized": phash_bytes(jpeg(img.resize((w // 3, h // 3)))),
                "recompressed": phash_bytes(jpeg(img, 35)),
                "cropped": phash_bytes(jpeg(img.crop((w * 3 // 100, h * 3 // 100, w * 97 // 100, h * 97 // 100)))),
                "edited": phash_bytes(jpeg(ImageEnhance.Contrast(img).enhance(1.3))),
            }
        )
    out = {}
    for t in thresholds:
        row = {}
        for kind in variants[0]:
            hits = sum(hash_distance(o, v[kind]) <= t for o, v in zip(originals, variants))
            false = sum(
                hash_distance(originals[a], variants[b][kind]) <= t
                for a in range(scenes)
                for b in range(scenes)
                if a != b
            )
            row[kind] = {
                "precision": round(hits / (hits + false), 4) if hits + false else 1.0,
                "recall": round(hits / scenes, 4),
            }
        unrelated = sum(
            hash_distance(originals[a], originals[b]) <= t for a in range(scenes) for b in range(a + 1, scenes)
        )
        row["unrelated_pairs_matched"] = unrelated
        out[str(t)] = row
    return out


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(run("--quick" in sys.argv), indent=1))


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its finished worker processes."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
