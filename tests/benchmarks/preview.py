"""Previews through the reader's embedded JPEGs vs decoding the whole file, on real camera and phone files.

``python -m tests.bench preview`` makes the item screen's preview (36 x 14 cells, 36 x 28 pixels) of
every picture in PHOTOS (full-size camera JPEGs, default /work/corpus/photos) and CORPUS (the
reader's sample collection, default /work/corpus/files) two ways, side by side, each the best of
``repeats`` runs with the file in the page cache:

- ``reader``: what the app does now: ``exif.preview.locate_previews`` by seeks, then the smallest
  embedded JPEG large enough (a JPEG's Exif thumbnail, a RAW's preview) in Pillow's draft mode, or the
  file itself when there is none (or only one of another shape);
- ``full``: what it did before: read the whole file and decode it (draft mode too, which already
  scales a JPEG down by up to 8 while decoding).

Per corpus and group (files where an embedded JPEG was used / where both decode the file / that only
one way shows) it prints the summed times, the ratio full/reader, the bytes read, and how close the two
pictures are (mean absolute difference per channel of the 36 x 28 cells, 0-255). ``locator_vs_exiftool``
compares the embedded JPEGs found with those ``exiftool -b`` extracts, byte for byte, file by file.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageOps

from gphotos_tui.analysis.duplicates.preview import NoPreview, cells_of, decode_preview
from gphotos_tui.exif import PHOTO_EXTENSIONS, sniff
from gphotos_tui.exif.preview import locate_previews
from gphotos_tui.exif.source import Source

PHOTOS = Path(os.environ.get("GPHOTOS_PHOTOS", "/work/corpus/photos"))
CORPUS = Path(os.environ.get("GPHOTOS_CORPUS", "/work/corpus/files"))
COLS, ROWS = 36, 14  # the item screen's preview


class _Counted(io.FileIO):
    """A file that counts the bytes read from it."""

    got = 0

    def read(self, size: int = -1, /) -> bytes:
        data = super().read(size)
        self.got += len(data)
        return data

    def readinto(self, buffer, /):  # type: ignore[no-untyped-def]
        n = super().readinto(buffer)
        self.got += n or 0
        return n


def _reader(path: Path) -> tuple[object, int, str]:
    with _Counted(path) as fh:
        try:
            decoded = decode_preview(Source.of_file(fh), COLS, ROWS * 2, path.name)
        except NoPreview as exc:
            return None, fh.got, f"no preview: {exc}"
        except Exception as exc:  # a damaged sample: counted apart
            return None, fh.got, f"error: {type(exc).__name__}"
        way = decoded.embedded.name if decoded.embedded else "file"
        return cells_of(decoded.image, COLS, ROWS), fh.got, way


def _full(path: Path) -> tuple[object, int]:
    data = path.read_bytes()
    try:
        opened = Image.open(io.BytesIO(data))
        opened.draft("RGB", (COLS * 2, ROWS * 4))
        img = ImageOps.exif_transpose(opened).convert("RGB")
    except Exception:
        return None, len(data)
    return cells_of(img, COLS, ROWS), len(data)


def _best(fn, path: Path, repeats: int):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn(path)
        best = min(best, time.perf_counter() - start)
    return best, result


def _difference(a, b) -> float:  # type: ignore[no-untyped-def]
    total = n = 0
    for row_a, row_b in zip(a, b):
        for pair_a, pair_b in zip(row_a, row_b):
            for pa, pb in zip(pair_a, pair_b):
                total += sum(abs(x - y) for x, y in zip(pa, pb))
                n += 3
    return total / n if n else 0.0


_TAGS = ("ThumbnailImage", "PreviewImage", "JpgFromRaw", "OtherImage")


def locator_vs_exiftool(files: list[Path]) -> dict:
    """Per file, the embedded JPEGs the locator finds against ``exiftool -b`` (one exiftool process).

    For a JPEG only its Exif thumbnail is looked for (its MPF and maker-note previews are not); JPEGs
    exiftool extracts that are no picture (exiftool's test files hold 26-byte stubs, RAW data in lossless
    JPEG) are left out by decoding each with Pillow.
    """
    if shutil.which("exiftool") is None:
        return {"skipped": "exiftool is not installed"}
    args = ["exiftool", "-j", "-b", *(f"-{t}" for t in _TAGS), "-@", "-"]
    listing = "\n".join(str(p) for p in files)
    done = subprocess.run(args, input=listing.encode(), capture_output=True)
    docs = json.loads(done.stdout.decode("utf-8", "replace") or "[]")
    by_path = {d["SourceFile"]: d for d in docs}
    agree = differ = only_theirs = only_ours = 0
    problems = []
    for path in files:
        doc = by_path.get(str(path), {})
        kind_jpeg = path.read_bytes()[:3] == b"\xff\xd8\xff"
        theirs = set()
        for tag in ("ThumbnailImage",) if kind_jpeg else _TAGS:
            value = doc.get(tag)
            if isinstance(value, str) and value.startswith("base64:"):
                data = base64.b64decode(value[7:])
                try:
                    with Image.open(io.BytesIO(data)) as img:
                        img.load()
                except Exception:
                    continue  # not a picture (a stub, lossless raw data)
                theirs.add(data)
        with open(path, "rb") as fh:
            src = Source.of_file(fh)
            ours = set()
            for jpeg in locate_previews(src, sniff(src.head)).jpegs:
                fh.seek(jpeg.offset)
                ours.add(fh.read(jpeg.length))
        if not theirs and not ours:
            continue
        if ours == theirs:
            agree += 1
        else:
            differ += 1
            only_theirs += len(theirs - ours)
            only_ours += len(ours - theirs)
            problems.append(f"{path.name}: ours {sorted(map(len, ours))}, exiftool {sorted(map(len, theirs))}")
    return {
        "files_with_a_preview": agree + differ,
        "agree": agree,
        "differ": differ,
        "jpegs_only_exiftool": only_theirs,
        "jpegs_only_ours": only_ours,
        "differences": problems[:15],
    }


def run(quick: bool = False) -> dict:
    files = [
        p
        for root in (PHOTOS, CORPUS)
        if root.is_dir()
        for p in sorted(root.iterdir())
        if p.is_file() and p.suffix.casefold() in PHOTO_EXTENSIONS
    ]
    if not files:
        return {"skipped": f"no corpus at {PHOTOS} or {CORPUS}"}
    if quick:
        files = files[::8]
    repeats = 1 if quick else 3
    groups: dict[str, dict] = {}
    ways: dict[str, int] = {}
    for index, path in enumerate(files):
        path.read_bytes()  # into the page cache: both ways read warm
        t_reader, (ours, got, way) = _best(_reader, path, repeats)
        t_full, (theirs, size) = _best(_full, path, repeats)
        key = way.split(":")[0]  # ThumbnailImage, PreviewImage, JpgFromRaw, file, no preview, error
        ways[key] = ways.get(key, 0) + 1
        if ours is not None and theirs is not None:
            group = "embedded JPEG" if way != "file" else "file decoded both ways"
        elif ours is not None:
            group = "shown only through the reader"
        elif theirs is not None:
            group = "shown only by a full decode"
        else:
            group = "shown neither way"
        group = f"{'photos' if path.parent == PHOTOS else 'files'}: {group}"
        g = groups.setdefault(
            group, {"files": 0, "reader_s": 0.0, "full_s": 0.0, "reader_bytes": 0, "full_bytes": 0, "diff": 0.0}
        )
        g["files"] += 1
        g["reader_s"] += t_reader
        g["full_s"] += t_full
        g["reader_bytes"] += got
        g["full_bytes"] += size
        if ours is not None and theirs is not None:
            g["diff"] += _difference(ours, theirs)
        if index % 100 == 0:
            print(f"preview: {index}/{len(files)}", file=sys.stderr)
    out: dict[str, object] = {"files": len(files), "repeats": repeats, "cells": f"{COLS}x{ROWS}", "ways": ways}
    out["locator_vs_exiftool"] = locator_vs_exiftool(files)
    for name, g in groups.items():
        out[name] = {
            "files": g["files"],
            "reader_ms": round(1000 * g["reader_s"], 1),
            "full_ms": round(1000 * g["full_s"], 1),
            "full_over_reader": round(g["full_s"] / g["reader_s"], 2) if g["reader_s"] else None,
            "reader_ms_per_file": round(1000 * g["reader_s"] / g["files"], 2),
            "full_ms_per_file": round(1000 * g["full_s"] / g["files"], 2),
            "reader_mb": round(g["reader_bytes"] / 1e6, 2),
            "full_mb": round(g["full_bytes"] / 1e6, 2),
            "mean_abs_diff_0_255": round(g["diff"] / g["files"], 1),
        }
    return out
