"""Build the reader's corpus of real camera and phone files: ``python -m tests.benchmarks._corpus``.

The files come from public sample collections fetched as git snapshots into
/work/.mirror (exiftool's test images, metadata-extractor-images,
ianare/exif-samples, file-scraper's and hachoir's test files); every blob whose extension Google Photos accepts is
copied to CORPUS (default /work/corpus/files, outside the repository),
named ``<repo>__<path with / as _>``. Nothing is downloaded here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gphotos_tui.exif import MEDIA_EXTENSIONS

MIRRORS = Path(os.environ.get("GPHOTOS_MIRRORS", "/work/.mirror"))
CORPUS = Path(os.environ.get("GPHOTOS_CORPUS", "/work/corpus/files"))
REPOS = (
    "exiftool+exiftool",
    "drewnoakes+metadata-extractor-images",
    "ianare+exif-samples",
    "Digital-Preservation-Finland+file-scraper",  # videos: MPEG-1/2 program and transport streams, WMV, MKV, MOV
    "vstinner+hachoir",  # its parser tests: a Panasonic AVCHD .MTS, a Pentax MOV, MKV, WMV, AVI
)
SKIP_PARTS = ("fuzz", "invalid", "corrupt", "truncated")  # deliberately broken files test robustness, not agreement


def build(corpus: Path = CORPUS) -> int:
    corpus.mkdir(parents=True, exist_ok=True)
    count = 0
    for repo in REPOS:
        git = MIRRORS / repo / "repo"
        if not git.exists():
            print(f"missing snapshot {git}; fetch github:{repo.replace('+', '/')} first", file=sys.stderr)
            continue
        listing = subprocess.run(
            ["git", "-C", str(git), "ls-tree", "-r", "-z", "HEAD"], capture_output=True, check=True
        ).stdout.split(b"\0")
        for line in listing:
            if not line:
                continue
            info, path = line.split(b"\t", 1)
            name = path.decode("utf-8", "replace")
            if os.path.splitext(name)[1].casefold() not in MEDIA_EXTENSIONS:
                continue
            if any(part in name.casefold() for part in SKIP_PARTS):
                continue
            target = corpus / f"{repo.split('+')[1]}__{name.replace('/', '_')}"
            if target.exists():
                count += 1
                continue
            blob = subprocess.run(
                ["git", "-C", str(git), "cat-file", "blob", info.split()[2].decode()], capture_output=True
            )
            if blob.returncode == 0 and blob.stdout:
                target.write_bytes(blob.stdout)
                count += 1
    return count


if __name__ == "__main__":
    print(f"{build()} files in {CORPUS}")
