"""The metadata reader against exiftool on a corpus of real camera and phone files.

``python -m tests.bench reader`` reads every file of CORPUS (built by
``python -m tests.benchmarks._corpus``; default /work/corpus/files) with
our reader and with ``exiftool -n``, and prints per file type and per
field how many values agree, differ, or are missing (exiftool has one, we
do not); "finer" counts the one known case where exiftool prints a value
rounded that the file holds whole (see ``exiftool_drops_seconds``), kept
apart from agree. Then it times ``scan-folder`` (which also hashes every byte) on
the corpus against ``exiftool -fast -j -r`` on the same folder, side by
side. Without the corpus or exiftool the figures say so instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from gphotos_tui.exif import MEDIA_EXTENSIONS, MetadataError, read_path

CORPUS = Path(os.environ.get("GPHOTOS_CORPUS", "/work/corpus/files"))
_MIME_ALIASES = {"image/heic": "image/heif"}  # Google Photos (and this catalog) call HEIC image/heif
FIELDS = (
    "mime",
    "make",
    "model",
    "lens",
    "focal_length_mm",
    "focal_length_35mm",
    "aperture_f",
    "iso",
    "exposure_s",
    "taken",
    "offset",
    "latitude",
    "longitude",
    "width",
    "height",
    "duration_s",
    "orientation",
)
_LOCAL_DATES = (
    "EXIF:DateTimeOriginal",
    "EXIF:CreateDate",
    "XMP:DateTimeOriginal",
    "XMP:CreateDate",
    "XMP:DateCreated",
    "Composite:DateTimeOriginal",
    "QuickTime:CreationDate",
    "RIFF:DateTimeOriginal",
    "H264:DateTimeOriginal",
    "EXIF:ModifyDate",
)
_UTC_DATES = ("QuickTime:CreateDate", "Matroska:DateTimeOriginal", "ASF:CreationDate")


def _files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix.casefold() in MEDIA_EXTENSIONS and p.stat().st_size
    )


def _exiftool(files: list[Path]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for i in range(0, len(files), 200):
        chunk = files[i : i + 200]
        run = subprocess.run(
            ["exiftool", "-j", "-n", "-a", "-G0:1", "-q", "-q", "-api", "LargeFileSupport=1", *map(str, chunk)],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
        )
        for doc in json.loads(run.stdout or "[]"):
            flat: dict = {}
            for key, value in doc.items():  # "EXIF:IFD0:Make" -> also "EXIF:Make" (the first in the file)
                parts = key.split(":")
                if len(parts) == 3:
                    flat.setdefault(f"{parts[0]}:{parts[2]}", value)
                flat[key] = value
            out[doc["SourceFile"]] = flat
    _named_makes(out)
    return out


def _named_makes(out: dict[str, dict]) -> None:
    """AVCHD's Make is a maker code (exiftool -n prints 264): ask exiftool for its name ("Sony") instead."""
    coded = [name for name, doc in out.items() if isinstance(doc.get("H264:Make"), int)]
    if not coded:
        return
    run = subprocess.run(
        ["exiftool", "-j", "-G0", "-q", "-q", "-H264:Make", *coded], capture_output=True, encoding="utf-8"
    )
    for doc in json.loads(run.stdout or "[]"):
        name = doc.get("H264:Make")
        if doc["SourceFile"] in out:
            if isinstance(name, str) and not name.startswith("Unknown"):
                out[doc["SourceFile"]]["H264:Make"] = name
            else:
                del out[doc["SourceFile"]]["H264:Make"]  # a code exiftool cannot name either


def _first(doc: dict, *keys: str):
    for key in keys:
        if key in doc and doc[key] not in ("", None):
            return doc[key]
    return None


def _any_group(doc: dict, tag: str, prefer: tuple[str, ...] = ("Composite", "EXIF", "QuickTime")):
    hit = _first(doc, *(f"{g}:{tag}" for g in prefer))
    if hit is not None:
        return hit
    return next((v for k, v in doc.items() if k.split(":", 1)[-1] == tag and v not in ("", None)), None)


_VALID = re.compile(r"^\d{4}:\d{2}:\d{2}[ T]\d{2}:\d{2}(:\d{2})?")


def _stamp(value) -> tuple[str, str | None] | None:
    text = str(value)
    if not _VALID.match(text) or text.startswith("0000"):
        return None
    match = _VALID.match(text)
    assert match
    if not match.group(1):  # no seconds (XMP allows it)
        text = text[:16] + ":00" + text[16:]
    local = text[:10].replace(":", "-") + " " + text[11:19]
    rest = text[19:].lstrip(".0123456789").removesuffix(" DST")  # AVCHD: the offset already includes DST
    return local, (rest.replace("Z", "+00:00") or None)


def expected(doc: dict) -> dict:
    """exiftool's values for our fields (absent when exiftool has none)."""
    want: dict = {}
    mime = doc.get("File:MIMEType")
    if mime:
        want["mime"] = _MIME_ALIASES.get(mime, mime)
    for field, tag in (
        ("make", "Make"),
        ("model", "Model"),
        ("lens", "LensModel"),
        ("focal_length_mm", "FocalLength"),
        ("focal_length_35mm", "FocalLengthIn35mmFormat"),
        ("iso", "ISO"),
        ("orientation", "Orientation"),
    ):
        value = _any_group(doc, tag, ("EXIF", "QuickTime", "XMP"))
        if value is not None and (not isinstance(value, str) or value.strip()):
            want[field] = value.strip() if isinstance(value, str) else value
    aperture = _first(doc, "EXIF:FNumber", "EXIF:ApertureValue", "Composite:Aperture")
    if aperture:
        want["aperture_f"] = aperture
    exposure = _first(doc, "EXIF:ExposureTime", "EXIF:ShutterSpeedValue", "Composite:ShutterSpeed")
    if exposure:
        want["exposure_s"] = exposure
    stamp = next((s for s in (_stamp(doc[k]) for k in _LOCAL_DATES if k in doc) if s), None)
    if stamp:
        want["taken"] = ("local", stamp[0])
        offset = stamp[1] or _first(doc, "EXIF:OffsetTimeOriginal", "EXIF:OffsetTimeDigitized", "EXIF:OffsetTime")
        if offset:
            want["offset"] = offset
    else:
        utc = _first(doc, *_UTC_DATES)
        stamp = _stamp(utc) if utc is not None else None
        if stamp:
            want["taken"] = ("utc", stamp[0])
    lat, lon = _first(doc, "Composite:GPSLatitude"), _first(doc, "Composite:GPSLongitude")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
        want["latitude"], want["longitude"] = lat, lon
    size = _first(doc, "Composite:ImageSize")
    if isinstance(size, str) and len(size.split()) == 2:
        w, h = size.split()
        try:
            want["width"], want["height"] = int(float(w)), int(float(h))
        except ValueError:
            pass
    # a transport stream's clock-reference duration before exiftool's bit-rate estimate (its priority is -1)
    duration = _any_group(doc, "Duration", ("M2TS", "Composite", "QuickTime", "Matroska", "ASF", "RIFF"))
    if isinstance(duration, (int, float)) and duration > 0:
        want["duration_s"] = duration
    return {k: v for k, v in want.items() if _valid(k, v)}


_OFFSET = re.compile(r"^[+-]\d{2}:\d{2}$")


def _valid(field: str, value) -> bool:
    """Values no camera writes are not counted as ones exiftool has (a 0 focal length, orientation 51713)."""
    if field == "orientation":
        return isinstance(value, int) and 1 <= value <= 8
    if field == "offset":
        return isinstance(value, str) and bool(_OFFSET.match(value))
    if field in ("focal_length_mm", "focal_length_35mm", "aperture_f", "exposure_s", "iso", "width", "height"):
        try:
            return max(float(v) for v in str(value).split()) > 0
        except ValueError:
            return False
    return True


def ours(meta) -> dict:
    got: dict = {}
    if meta is None:
        return got
    pairs = {
        "mime": meta.mime_type,
        "make": meta.make,
        "model": meta.model,
        "lens": meta.lens,
        "focal_length_mm": meta.focal_length_mm,
        "focal_length_35mm": meta.focal_length_35mm,
        "aperture_f": meta.aperture_f,
        "iso": meta.iso,
        "exposure_s": meta.exposure_s,
        "latitude": meta.latitude,
        "longitude": meta.longitude,
        "width": meta.width,
        "height": meta.height,
        "duration_s": meta.duration_s,
        "orientation": meta.orientation,
    }
    got.update({k: v for k, v in pairs.items() if v is not None})
    if meta.taken_local:
        got["taken"] = ("local", meta.taken_local)
        if meta.utc_offset_min is not None:
            m = meta.utc_offset_min
            got["offset"] = f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}"
    elif meta.taken_utc is not None:
        got["taken"] = ("utc", time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(meta.taken_utc)))
    return got


def same(field: str, got, want) -> bool:
    if field in ("latitude", "longitude"):
        return abs(float(got) - float(want)) < 2e-5
    if field == "duration_s":
        return abs(float(got) - float(want)) < max(0.05, 0.001 * float(want))
    if field in ("aperture_f", "focal_length_mm", "focal_length_35mm", "exposure_s"):
        try:
            want = float(want)
        except (TypeError, ValueError):
            return False
        return abs(float(got) - want) <= max(1e-6, 0.01 * want)  # the catalog keeps rationals rounded
    if isinstance(got, str) and isinstance(want, (int, float)):
        return got == str(want)  # exiftool prints a numeric Make as a number
    if field == "iso" and isinstance(want, float):
        return abs(float(got) - want) < 0.5  # Canon's ISO computed from BaseISO x AutoISO: the catalog keeps it whole
    if field == "iso" and isinstance(want, str):
        return str(got) in want.split()  # Nikon's ISO (0, 200) is ISO 200
    return got == want


def exiftool_drops_seconds(doc: dict, field: str, got, want) -> bool:
    """An AVI ``IDIT`` date written "YYYY/MM/DD HH:MM:SS" (Pentax): exiftool's ConvertRIFFDate matches it with
    the pattern it keeps for Casio's "2001/ 1/27  1:42PM" and prints the minute with ":00" seconds; the file
    (and this reader) has the seconds. Counted as "finer", apart from agree and differ, never as agree."""
    if field != "taken" or "RIFF:DateTimeOriginal" not in doc or got[0] != want[0] or not want[1].endswith(":00"):
        return False
    return got[1][:16] == want[1][:16]


def compare_corpus(root: Path | str = CORPUS, verbose: bool = False) -> dict:
    files = _files(Path(root))
    tool = _exiftool(files)
    per_type: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    totals: dict[str, int] = defaultdict(int)
    differ: list[str] = []
    unread = 0
    for path in files:
        doc = tool.get(str(path))
        if doc is None or "File:MIMEType" not in doc:
            continue  # exiftool cannot read it either
        kind = path.suffix.casefold().lstrip(".")
        try:
            meta = read_path(path)
        except MetadataError:
            meta = None
            unread += 1
        want, got = expected(doc), ours(meta)
        for field in FIELDS:
            if field in want:
                if field not in got:
                    outcome = "missing"
                elif same(field, got[field], want[field]):
                    outcome = "agree"
                elif exiftool_drops_seconds(doc, field, got[field], want[field]):
                    outcome = "finer"  # the file's own value, which exiftool prints rounded (see the function)
                else:
                    outcome = "differ"
                    differ.append(f"{path.name}: {field} ours {got[field]!r} exiftool {want[field]!r}")
            elif field in got:
                outcome = "extra"  # we read a value exiftool does not report
            else:
                continue
            per_type[kind][field][outcome] += 1
            totals[outcome] += 1
    if verbose:
        for line in differ:
            print("DIFFER", line, file=sys.stderr)
    has = totals["agree"] + totals["differ"] + totals["missing"] + totals["finer"]
    return {
        "files": len(files),
        "unreadable_by_us": unread,
        "totals": dict(totals) | {"agree_pct": round(100 * totals["agree"] / has, 2) if has else None},
        "per_type": {
            kind: {
                "fields": {f: dict(c) for f, c in fields.items()},
                "agree_pct": _pct(fields),
            }
            for kind, fields in sorted(per_type.items())
        },
        "differ_examples": differ[:40],
    }


def _pct(fields: dict) -> float | None:
    agree = sum(c.get("agree", 0) for c in fields.values())
    has = sum(sum(c.get(k, 0) for k in ("agree", "differ", "missing", "finer")) for c in fields.values())
    return round(100 * agree / has, 2) if has else None


def _scan_seconds(root: Path) -> float:
    from gphotos_tui.catalog import Catalog
    from gphotos_tui.sources.folder import scan_folder

    async def go(db: Path) -> float:
        catalog = await Catalog.open(db)
        try:
            start = time.perf_counter()
            await scan_folder(catalog, root)
            return time.perf_counter() - start
        finally:
            await catalog.close()

    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(go(Path(tmp) / "bench.sqlite"))


def speed(root: Path, repeats: int = 2) -> dict:
    ours_s = min(_scan_seconds(root) for _ in range(repeats))
    tool_s = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(["exiftool", "-fast", "-j", "-r", "-q", "-q", str(root)], capture_output=True)
        tool_s.append(time.perf_counter() - start)
    files = _files(root)
    return {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "scan_folder_s": round(ours_s, 3),
        "exiftool_fast_s": round(min(tool_s), 3),
        "ratio_exiftool_over_scan": round(min(tool_s) / ours_s, 2) if ours_s else None,
    }


def run(quick: bool) -> dict:
    if shutil.which("exiftool") is None:
        return {"skipped": "exiftool is not installed"}
    if not CORPUS.is_dir() or not any(CORPUS.iterdir()):
        return {"skipped": f"no corpus at {CORPUS}: run python -m tests.benchmarks._corpus"}
    out = compare_corpus(CORPUS)
    out["speed"] = speed(CORPUS, 1 if quick else 2)
    return out


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=1))
