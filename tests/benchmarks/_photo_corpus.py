"""A Takeout of REAL photos with generated look-alikes, for the ``takeout_dupes`` benchmark.

Kept outside the repository (default ``/work/corpus``; ``GPHOTOS_BENCH_CORPUS`` to move it):

1. ``photos/``: full-size camera JPEGs copied out of public sample collections
   (git repositories of camera samples, e.g. drewnoakes/metadata-extractor-images
   and ianare/exif-samples): ``python -m tests.benchmarks._photo_corpus collect REPO_DIR...``
   takes every JPEG of at least ``MIN_SIDE`` pixels that decodes, drops byte and
   look-alike repeats among them (different photos only), and names each by its hash;
2. ``takeout/``: ``python -m tests.benchmarks._photo_corpus build`` makes the
   variants of each photo and writes them as a two-part Takeout (zips with
   sidecars, year folders, an album), plus the same files extracted under
   ``files/`` (what imagededup and imagehash read) and ``truth.json``
   (which file is which photo, and which kind of variant).

Variant kinds: ``resized`` (half size, EXIF kept), ``recompressed`` (quality 60,
no EXIF), ``cropped`` (3% off each side), ``edited`` (brighter, more contrast,
an ``-edited`` copy sharing the original's sidecar as Google exports it),
``byte_copy`` (the same bytes uploaded again under another name) and
``thumbnail`` (256 px, no EXIF, a UUID name, as apps save them).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

MIN_SIDE = 1200
KINDS = ("resized", "recompressed", "cropped", "edited", "byte_copy", "thumbnail")


def corpus_dir() -> Path:
    return Path(os.environ.get("GPHOTOS_BENCH_CORPUS", "/work/corpus")) / "takeout-dupes"


def _jpegs_in_repo(repo: Path) -> list[tuple[str, bytes]]:
    """(path, bytes) of every JPEG blob at HEAD of a (possibly bare) git repository."""
    git = ["git", "--git-dir", str(repo if (repo / "HEAD").exists() else repo / ".git")]
    listing = subprocess.run([*git, "ls-tree", "-r", "HEAD"], capture_output=True, text=True, check=True).stdout
    out = []
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        if not path.lower().endswith((".jpg", ".jpeg")):
            continue
        blob = meta.split()[2]
        got = subprocess.run([*git, "cat-file", "blob", blob], capture_output=True)
        if got.returncode == 0:
            out.append((path, got.stdout))
    return out


def collect(repos: list[Path], out: Path) -> int:
    from PIL import Image

    from gphotos_tui.analysis.duplicates.hashing import phash_bytes

    out.mkdir(parents=True, exist_ok=True)
    kept: dict[str, int] = {}
    for old in out.glob("*.jpg"):
        kept[old.stem] = phash_bytes(old.read_bytes())
    for repo in repos:
        for path, data in _jpegs_in_repo(repo):
            digest = hashlib.sha256(data).hexdigest()[:16]
            if digest in kept:
                continue
            try:
                with Image.open(io.BytesIO(data)) as img:
                    if min(img.size) < MIN_SIDE:
                        continue
                    img.load()
                value = phash_bytes(data)
            except Exception:  # samples of broken files are part of these collections
                continue
            if any(bin((value ^ other) & (2**64 - 1)).count("1") <= 16 for other in kept.values()):
                continue  # a look-alike of one kept already: the originals must be different photos
            kept[digest] = value
            (out / f"{digest}.jpg").write_bytes(data)
            print(f"kept {path} ({len(data):,} bytes)", file=sys.stderr)
    return len(kept)


def _save(img, quality: int, exif: bytes | None) -> bytes:
    buf = io.BytesIO()
    kwargs = {"exif": exif} if exif else {}
    img.save(buf, "JPEG", quality=quality, **kwargs)
    return buf.getvalue()


def _variants(data: bytes, stem: str, rng) -> list[tuple[str, str, bytes]]:
    """(kind, file name, bytes) of each look-alike of one photo."""
    from PIL import Image, ImageEnhance, ImageOps

    src = Image.open(io.BytesIO(data))
    tags = src.getexif()
    img = ImageOps.exif_transpose(src).convert("RGB")  # variants are saved upright, as editors do
    tags[0x0112] = 1
    exif = tags.tobytes()  # the camera's EXIF, for the variants that keep it
    w, h = img.size
    out = []
    out.append(
        ("resized", f"{stem}_small.jpg", _save(img.resize((w // 2, h // 2), Image.Resampling.LANCZOS), 88, exif))
    )
    out.append(("recompressed", f"IMG_{rng.randrange(10**6):06d}.jpg", _save(img, 60, None)))
    dx, dy = int(w * 0.03), int(h * 0.03)
    out.append(("cropped", f"{stem}_crop.jpg", _save(img.crop((dx, dy, w - dx, h - dy)), 90, exif)))
    edited = ImageEnhance.Contrast(ImageEnhance.Brightness(img).enhance(1.12)).enhance(1.15)
    edited = ImageEnhance.Color(edited).enhance(1.2)
    out.append(("edited", f"{stem}-edited.jpg", _save(edited, 90, None)))
    out.append(("byte_copy", f"{stem}_copy.jpg", data))
    thumb = img.copy()
    thumb.thumbnail((256, 256), Image.Resampling.LANCZOS)
    out.append(("thumbnail", f"{uuid.UUID(int=rng.getrandbits(128))}.jpg", _save(thumb, 80, None)))
    return out


def _sidecar_name(media: str) -> str:
    """Google's 51-character rule: '<name>.supplemental-metadata' cut to 46, then '.json'."""
    return (media + ".supplemental-metadata")[:46] + ".json"


def _sidecar(title: str, taken: int) -> bytes:
    return json.dumps(
        {
            "title": title,
            "photoTakenTime": {"timestamp": str(taken), "formatted": ""},
            "creationTime": {"timestamp": str(taken + 86400), "formatted": ""},
            "url": f"https://photos.google.com/photo/AF1Qip{hashlib.sha1(title.encode()).hexdigest()[:30]}",
        }
    ).encode()


def build(photos: Path, out: Path, limit: int | None = None) -> dict:
    import random

    rng = random.Random(13)
    originals = sorted(photos.glob("*.jpg"))[:limit]
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    truth = {"photos": [], "files": {}}
    entries: list[tuple[str, bytes]] = []
    root = "Takeout/Google Photos"
    for n, path in enumerate(originals):
        data = path.read_bytes()
        stem = f"DSC_{n:04d}"
        taken = 1_500_000_000 + n * 7 * 86400  # a week apart: no two photos look like a burst
        year = 2017 + n % 6
        entries.append((f"{root}/Photos from {year}/{stem}.jpg", data))
        entries.append(
            (f"{root}/Photos from {year}/{stem}.jpg.supplemental-metadata.json", _sidecar(f"{stem}.jpg", taken))
        )
        truth["files"][f"{stem}.jpg"] = {"photo": n, "kind": "original"}
        for k, (kind, name, vdata) in enumerate(_variants(data, stem, rng)):
            truth["files"][name] = {"photo": n, "kind": kind}
            folder = f"Photos from {year}" if kind in ("resized", "edited", "cropped") else "Photos from 2024"
            entries.append((f"{root}/{folder}/{name}", vdata))
            if kind != "edited":  # an -edited copy shares the original's sidecar
                vtaken = taken if kind in ("resized", "cropped") else 1_700_000_000 + n * 86400 + k * 3600
                entries.append((f"{root}/{folder}/{_sidecar_name(name)}", _sidecar(name, vtaken)))
            if kind == "byte_copy":
                entries.append((f"{root}/Holidays/{stem}.jpg", data))  # album copy: the same item, not a new one
                entries.append(
                    (f"{root}/Holidays/{stem}.jpg.supplemental-metadata.json", _sidecar(f"{stem}.jpg", taken))
                )
        truth["photos"].append(path.name)
    entries.append((f"{root}/Holidays/metadata.json", json.dumps({"title": "Holidays"}).encode()))
    parts = []
    for p in range(2):
        part = out / f"takeout-20250101T000000Z-{p + 1:03d}.zip"
        with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
            for i, (name, data) in enumerate(entries):
                if i % 2 == p:
                    z.writestr(name, data)
        parts.append(str(part))
    for name, data in entries:
        leaf = name.rsplit("/", 1)[1]
        if leaf in truth["files"] and "/Holidays/" not in name:
            (files / leaf).write_bytes(data)
    truth["parts"] = parts
    (out / "truth.json").write_text(json.dumps(truth, indent=1))
    return truth


def ensure_built(limit: int | None = None) -> dict:
    out = corpus_dir()
    marker = out / "truth.json"
    if marker.exists():
        return json.loads(marker.read_text())
    photos = out.parent / "photos"
    if not any(photos.glob("*.jpg")):
        raise FileNotFoundError(
            f"no real photos in {photos}: collect them first with "
            "`python -m tests.benchmarks._photo_corpus collect REPO_DIR...` (see this module's docstring)"
        )
    return build(photos, out, limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks._photo_corpus")
    sub = parser.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect", help="copy real JPEGs out of git repositories of camera samples")
    c.add_argument("repos", nargs="+", type=Path)
    b = sub.add_parser("build", help="make the variants and the Takeout")
    b.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    if args.cmd == "collect":
        print(collect(args.repos, corpus_dir().parent / "photos"), "photos")
    else:
        truth = build(corpus_dir().parent / "photos", corpus_dir(), args.limit)
        print(len(truth["files"]), "files from", len(truth["photos"]), "photos")
    return 0


if __name__ == "__main__":
    sys.exit(main())
