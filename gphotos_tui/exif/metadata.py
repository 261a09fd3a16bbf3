"""What a media file's header says, normalised to the catalog's units."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from gphotos_tui.units import rational


class MetadataError(ValueError):
    """A header that is not any format this reader knows (the message says what it looked like)."""


@dataclass(slots=True)
class Metadata:
    format: str  # jpeg | heif | mp4 | mov | png | gif | webp | unknown
    mime_type: str | None = None
    make: str | None = None
    model: str | None = None
    lens: str | None = None
    focal_length_mm: float | None = None
    focal_length_35mm: float | None = None
    aperture_f: float | None = None
    iso: int | None = None
    exposure_s: float | None = None
    taken_local: str | None = None  # "YYYY-MM-DD HH:MM:SS", the camera's wall clock
    utc_offset_min: int | None = None
    orientation: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    truncated: bool = False  # the header ended before everything was read

    @property
    def taken_at(self) -> int | None:
        """Capture time in UTC seconds; only when the offset is known."""
        local = self.local_epoch
        if local is None or self.utc_offset_min is None:
            return None
        return local - self.utc_offset_min * 60

    @property
    def local_epoch(self) -> int | None:
        """The wall-clock capture time read as if it were UTC (for guesses without an offset)."""
        if not self.taken_local:
            return None
        try:
            y, mo, d, h, mi, s = (int(p) for p in re.split(r"[-: ]", self.taken_local))
            return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
        except (ValueError, OverflowError):
            return None


_STAMP = re.compile(r"^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


def apply_exif(meta: Metadata, tags: dict[str, object]) -> None:
    """Fill ``meta`` from decoded TIFF tags, ignoring values no camera writes."""
    meta.make = _text(tags.get("Make"))
    meta.model = _text(tags.get("Model"))
    meta.lens = _text(tags.get("LensModel"))
    meta.orientation = _int(tags.get("Orientation"), 1, 8)
    meta.focal_length_mm = _positive(tags.get("FocalLength"))
    meta.focal_length_35mm = _positive(tags.get("FocalLengthIn35mmFormat"))
    meta.aperture_f = _positive(tags.get("FNumber"))
    apex = tags.get("ApertureValue")
    if meta.aperture_f is None and isinstance(apex, float):
        meta.aperture_f = round(2 ** (apex / 2), 1)  # APEX
    iso = tags.get("ISO")
    if isinstance(iso, tuple):
        iso = iso[0] if iso else None
    meta.iso = _int(iso, 1, 10_000_000)
    meta.exposure_s = _positive(tags.get("ExposureTime"))
    stamp = _text(tags.get("DateTimeOriginal")) or _text(tags.get("DateTime"))
    match = _STAMP.match(stamp or "")
    if match and match.group(1) != "0000":
        y, mo, d, h, mi, s = match.groups()
        meta.taken_local = f"{y}-{mo}-{d} {h}:{mi}:{s}"
    offset = _OFFSET.match(_text(tags.get("OffsetTimeOriginal")) or _text(tags.get("OffsetTime")) or "")
    if offset:
        sign, hh, mm = offset.groups()
        minutes = int(hh) * 60 + int(mm)
        if minutes <= 14 * 60:
            meta.utc_offset_min = -minutes if sign == "-" else minutes
    meta.latitude = _coordinate(tags.get("GPSLatitude"), tags.get("GPSLatitudeRef"), "S", 90)
    meta.longitude = _coordinate(tags.get("GPSLongitude"), tags.get("GPSLongitudeRef"), "W", 180)
    if meta.latitude is None or meta.longitude is None:
        meta.latitude = meta.longitude = None
    width, height = _int(tags.get("PixelXDimension"), 1, 1 << 20), _int(tags.get("PixelYDimension"), 1, 1 << 20)
    if width and height and not meta.width:
        meta.width, meta.height = width, height


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object, low: int, high: int) -> int | None:
    if isinstance(value, int) and low <= value <= high:
        return value
    return None


def _positive(value: object) -> float | None:
    if isinstance(value, (int, float)) and value > 0:
        return rational(value)
    return None


def _coordinate(dms: object, ref: object, negative: str, limit: int) -> float | None:
    if not isinstance(dms, tuple) or len(dms) != 3 or any(v is None for v in dms):
        return None
    value = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    if not 0 <= value <= limit:
        return None
    if isinstance(ref, str) and ref.upper().startswith(negative):
        value = -value
    return round(value, 6)
