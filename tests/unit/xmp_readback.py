"""Reading XMP sidecars back with exiftool and comparing field by field with the catalog's facts."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from gphotos_tui.backup import xmp
from gphotos_tui.catalog.item_facts import ItemFacts

TAGS = (
    "XMP-exif:DateTimeOriginal",
    "XMP-xmp:CreateDate",
    "XMP-exif:GPSLatitude",
    "XMP-exif:GPSLongitude",
    "XMP-dc:Description",
    "XMP-xmp:Rating",
    "XMP-fstop:Favorite",
    "XMP-xmp:Label",
    "XMP-dc:Subject",
    "XMP-lr:HierarchicalSubject",
    "XMP-iptcExt:PersonInImage",
    "XMP-tiff:Make",
    "XMP-tiff:Model",
    "XMP-exifEX:LensModel",
    "XMP-exif:FNumber",
    "XMP-exif:ExposureTime",
    "XMP-exif:FocalLength",
    "XMP-exif:FocalLengthIn35mmFormat",
    "XMP-exif:ISO",
)


def read_sidecars(paths: list[Path]) -> dict[str, dict]:
    """path -> exiftool's tags (numbers unformatted), for many files in one exiftool run."""
    if not paths:
        return {}
    out = subprocess.run(
        ["exiftool", "-j", "-n", "-G1", "-struct", "-charset", "UTF8", *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {row["SourceFile"]: row for row in json.loads(out)}


def _exif_date(value: str | None) -> str | None:
    """XMP's 2019-07-04T12:00:00+02:00 as exiftool prints it: 2019:07:04 12:00:00+02:00."""
    if value is None:
        return None
    return value[:10].replace("-", ":") + " " + value[11:]


def _list(values) -> list | None:
    return list(values) or None


def expected(facts: ItemFacts, *, camera: bool) -> dict:
    """What exiftool should read from the sidecar of ``facts``: None where the field is absent."""
    date = _exif_date(xmp.xmp_date(facts))
    want = {
        "XMP-exif:DateTimeOriginal": date,
        "XMP-xmp:CreateDate": date,
        "XMP-exif:GPSLatitude": facts.latitude,
        "XMP-exif:GPSLongitude": facts.longitude,
        "XMP-dc:Description": xmp.xml_safe(facts.description) if facts.description else None,
        "XMP-xmp:Rating": 5 if facts.favorite else None,
        "XMP-fstop:Favorite": 1 if facts.favorite else None,
        "XMP-xmp:Label": xmp.label(facts),
        "XMP-dc:Subject": _list(facts.albums),
        "XMP-lr:HierarchicalSubject": _list(f"Albums|{a.replace('|', '/')}" for a in facts.albums),
        "XMP-iptcExt:PersonInImage": _list(facts.people),
    }
    if camera:
        want |= {
            "XMP-tiff:Make": facts.camera_make,
            "XMP-tiff:Model": facts.camera_model,
            "XMP-exifEX:LensModel": facts.lens_model,
            "XMP-exif:FNumber": facts.aperture_f,
            "XMP-exif:ExposureTime": facts.exposure_s,
            "XMP-exif:FocalLength": facts.focal_length_mm,
            "XMP-exif:FocalLengthIn35mmFormat": facts.focal_length_35mm,
            "XMP-exif:ISO": [facts.iso] if facts.iso else None,
        }
    return want


def _same(tag: str, want, got) -> bool:
    if isinstance(want, float) and isinstance(got, int | float):
        places = 6 if "GPS" in tag else 4
        return round(want, places) == round(float(got), places)
    if isinstance(want, list) and not isinstance(got, list) and got is not None:
        got = [got]  # exiftool prints a one-element bag as a scalar
    if isinstance(want, list):
        got = [str(g) if not isinstance(w, int) else g for w, g in zip(want, got, strict=False)] + got[len(want) :]
    if isinstance(want, str) and got is not None:
        got = str(got)
    return want == got


def differences(facts: ItemFacts, tags: dict, *, camera: bool) -> tuple[list[str], int]:
    """(what differs, how many fields were checked) between the catalog's facts and exiftool's reading."""
    wrong = []
    checked = 0
    for tag, want in expected(facts, camera=camera).items():
        got = tags.get(tag)
        if want is None:
            if got is not None:
                wrong.append(f"{tag}: sidecar has {got!r}, the catalog nothing")
            continue
        checked += 1
        if not _same(tag, want, got):
            wrong.append(f"{tag}: catalog {want!r}, exiftool read {got!r}")
    return wrong, checked
