"""Duplicates of a Takeout of real photos: quality against imagededup, hashing per core from the archive.

The corpus (``_photo_corpus``: real camera JPEGs with resized, recompressed,
cropped, edited, byte-copied and UUID-named thumbnail variants, as a two-part
Takeout) is imported into a fresh catalog with ``import_takeout`` alone, then
``scan`` with the default providers finds the groups, hashing straight from
the parts. Figures:

- quality: pairs of files of the same photo found in one group (items joined
  through groups, for us and for imagededup alike), precision and recall, and
  recall per variant kind (pairs original-variant);
- the same for imagededup's hashing methods at their default threshold (10)
  on the same files, extracted (run by the venv in
  ``GPHOTOS_BENCH_IMAGEDEDUP_PYTHON``, default ``/work/corpus/.venv-imagededup/bin/python``);
- hashing throughput per core (photos per CPU second, one process) on the
  full-size originals: from archive members, from local files, and
  imagehash's ``phash`` on the same files.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from tests.benchmarks._photo_corpus import KINDS, corpus_dir, ensure_built

SIDE = Path(__file__).with_name("_imagededup_side.py")


def _components(pairs, names) -> dict[str, int]:
    parent = {n: n for n in names}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    roots = {}
    return {n: roots.setdefault(find(n), len(roots)) for n in names}


def score(pairs, truth: dict) -> dict:
    """Precision and recall over all same-photo pairs, and recall per variant kind."""
    files = truth["files"]
    names = list(files)
    comp = _components(pairs, names)
    tp = fp = 0
    for a, b in itertools.combinations(names, 2):
        if comp[a] == comp[b]:
            if files[a]["photo"] == files[b]["photo"]:
                tp += 1
            else:
                fp += 1
    by_photo: dict[int, list[str]] = {}
    for name, info in files.items():
        by_photo.setdefault(info["photo"], []).append(name)
    true_pairs = sum(len(v) * (len(v) - 1) // 2 for v in by_photo.values())
    per_kind = {}
    for kind in KINDS:
        found = total = 0
        for group in by_photo.values():
            original = next(n for n in group if files[n]["kind"] == "original")
            for n in group:
                if files[n]["kind"] == kind:
                    total += 1
                    found += comp[n] == comp[original]
        per_kind[kind] = round(found / total, 4) if total else None
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / true_pairs, 4),
        "true_pairs": true_pairs,
        "found_pairs": tp,
        "wrong_pairs": fp,
        "recall_by_kind": per_kind,
    }


async def _ours(truth: dict, workers: int | None) -> dict:
    from gphotos_tui.analysis.duplicates import scan
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.engine.byte_sources import default_providers, provider_notes
    from gphotos_tui.sources.takeout import import_takeout

    with tempfile.TemporaryDirectory() as tmp:
        catalog = await Catalog.open(Path(tmp) / "bench.sqlite")
        try:
            start = time.perf_counter()
            report = await import_takeout(catalog, truth["parts"])
            import_s = time.perf_counter() - start
            providers = default_providers()
            start = time.perf_counter()
            result = await scan(catalog, providers=providers, workers=workers)
            scan_s = time.perf_counter() - start
            rows = await catalog.reader.execute_fetchall("SELECT id, filename FROM items")
            ids = {name: item_id for item_id, name in rows}
            throughput = await _throughput(catalog, truth, ids)
        finally:
            await catalog.close()
    pairs = []
    kinds: dict[str, int] = {}
    for g in result.groups:
        kinds[g.kind] = kinds.get(g.kind, 0) + 1
        members = [m.filename for m in g.members]
        pairs += [(members[0], m) for m in members[1:]]
    missing = sorted(set(truth["files"]) - set(ids))
    return {
        "score": score(pairs, truth),
        "groups_by_kind": kinds,
        "items": report.items,
        "import_s": round(import_s, 2),
        "scan_s": round(scan_s, 2),
        "hashed": result.hashed,
        "hash_errors": result.hash_errors[:3],
        "notes": provider_notes(providers),
        "files_not_imported": missing[:5],
        "throughput": throughput,
    }


async def _throughput(catalog, truth: dict, ids: dict[str, int]) -> dict:
    """Photos per CPU second in this process: originals read from the zip parts vs from local files."""
    from gphotos_tui.analysis.duplicates.providers import FileLoader, HashJob
    from gphotos_tui.analysis.duplicates.takeout_bytes import TakeoutPartsProvider, ZipMemberLoader
    from gphotos_tui.sources.takeout.archive import Part, zip_directory

    originals = [n for n, info in truth["files"].items() if info["kind"] == "original"]
    wanted = [(ids[n], "takeout", "") for n in originals if n in ids]
    archive_jobs = await TakeoutPartsProvider().jobs(catalog.reader, wanted)
    files = corpus_dir() / "files"
    local_jobs = [HashJob(ids[n], FileLoader(str(files / n))) for n in originals if n in ids]
    size = sum((files / n).stat().st_size for n in originals)
    out = {"photos": len(local_jobs), "mean_bytes": size // max(1, len(originals))}
    with tempfile.TemporaryDirectory() as tmp:  # the same originals in a zip that stores them uncompressed
        stored = Path(tmp) / "stored.zip"
        with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as z:
            for n in originals:
                z.write(files / n, n)
        members = {m.filename: m for m in zip_directory(Part(stored, "zip", stored.stat().st_size))}
        stored_jobs = [HashJob(ids[n], ZipMemberLoader(str(stored), members[n])) for n in originals if n in ids]
        out.update(_per_cpu_s({"archive": archive_jobs, "archive_stored": stored_jobs, "local": local_jobs}))
    out["archive_vs_local"] = round(out["archive_photos_per_cpu_s"] / out["local_photos_per_cpu_s"], 3)
    out["archive_stored_vs_local"] = round(out["archive_stored_photos_per_cpu_s"] / out["local_photos_per_cpu_s"], 3)
    return out


def _per_cpu_s(cases: dict) -> dict:
    from gphotos_tui.analysis.duplicates.hashing import run_job
    from gphotos_tui.analysis.duplicates.takeout_bytes import close_parts

    out = {}
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(3):  # interleaved, best of 3: the machine is shared
        for label, jobs in cases.items():
            close_parts()
            cpu = time.process_time()
            results = [run_job(j) for j in jobs]
            best[label] = min(best[label], time.process_time() - cpu)
            assert not [r for r in results if r.error], [r.error for r in results if r.error][:3]
    close_parts()
    for label, jobs in cases.items():
        out[f"{label}_photos_per_cpu_s"] = round(len(jobs) / best[label], 2)
    return out


def _reference(truth: dict) -> dict:
    python = os.environ.get("GPHOTOS_BENCH_IMAGEDEDUP_PYTHON", "/work/corpus/.venv-imagededup/bin/python")
    if not Path(python).exists():
        return {"skipped": f"no imagededup venv at {python} (see tests/benchmarks/_imagededup_side.py)"}
    files = corpus_dir() / "files"
    originals = [str(files / n) for n, info in truth["files"].items() if info["kind"] == "original"]
    done = subprocess.run([python, str(SIDE), str(files), *originals], capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": done.stderr[-2000:]}
    data = json.loads(done.stdout)
    out = {}
    for name, method in data["methods"].items():
        out[name] = {"score": score([tuple(p) for p in method["pairs"]], truth), "seconds": method["seconds"]}
    ih = data["imagehash_phash"]
    out["imagehash_phash_photos_per_cpu_s"] = round(ih["photos"] / ih["cpu_s"], 2)
    return out


def run(quick: bool = False) -> dict:
    truth = ensure_built()
    print(f"takeout_dupes: {len(truth['files'])} files of {len(truth['photos'])} real photos", file=sys.stderr)
    ours = asyncio.run(_ours(truth, None))
    reference = _reference(truth)
    out = {"corpus": {"photos": len(truth["photos"]), "files": len(truth["files"])}, "gphotos_tui": ours}
    out["imagededup"] = reference
    methods = {k: v for k, v in reference.items() if isinstance(v, dict) and "score" in v}
    if methods:
        best = max(methods, key=lambda k: methods[k]["score"]["recall"])
        out["side_by_side"] = {
            "our_precision": ours["score"]["precision"],
            "our_recall": ours["score"]["recall"],
            "imagededup_best": best,
            "imagededup_best_recall": methods[best]["score"]["recall"],
            "imagededup_best_precision": methods[best]["score"]["precision"],
            "recall_ratio": round(ours["score"]["recall"] / max(1e-9, methods[best]["score"]["recall"]), 3),
            "archive_vs_imagehash_per_core": round(
                ours["throughput"]["archive_photos_per_cpu_s"] / reference["imagehash_phash_photos_per_cpu_s"], 3
            ),
        }
    return out
