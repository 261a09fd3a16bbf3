"""The reference side of ``takeout_dupes``, run by the venv that has imagededup and imagehash.

Not imported by the project: ``takeout_dupes`` runs it as
``<bench python> tests/benchmarks/_imagededup_side.py FILES_DIR ORIGINAL...`` and reads one JSON
document from stdout. imagededup's hashing methods are loaded without its CNN
module (which needs torch), so a light venv is enough:
``python -m venv V && V/bin/pip install imagehash scipy PyWavelets tqdm scikit-learn matplotlib &&
V/bin/pip install --no-deps imagededup``.
"""

from __future__ import annotations

import json
import os
import sys
import time
import types


def _hashing_methods():
    import imagededup

    for sub in ("methods", "utils"):  # skip these packages' __init__: they import the CNN and its models (torch)
        pkg = types.ModuleType(f"imagededup.{sub}")
        pkg.__path__ = [os.path.join(os.path.dirname(imagededup.__file__), sub)]
        sys.modules[f"imagededup.{sub}"] = pkg
    from imagededup.methods.hashing import DHash, PHash

    return {"phash": PHash, "dhash": DHash}


def main() -> None:
    files, originals = sys.argv[1], sys.argv[2:]
    import logging

    logging.disable(logging.WARNING)
    out: dict = {"methods": {}}
    for name, cls in _hashing_methods().items():
        method = cls(verbose=False)
        start = time.perf_counter()
        dupes = method.find_duplicates(image_dir=files)  # its defaults: threshold 10, every core
        out["methods"][name] = {
            "pairs": sorted({tuple(sorted((a, b))) for a, found in dupes.items() for b in found}),
            "seconds": round(time.perf_counter() - start, 3),
            "threshold": 10,
        }
    import imagehash
    from PIL import Image

    best = float("inf")
    for _ in range(2):
        cpu = time.process_time()
        for path in originals:
            with Image.open(path) as img:
                imagehash.phash(img)
        best = min(best, time.process_time() - cpu)
    out["imagehash_phash"] = {"photos": len(originals), "cpu_s": round(best, 3)}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
