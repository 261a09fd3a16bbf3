"""What a media file's header says, normalised to the catalog's units."""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass

from gphotos_tui.units import rational


class MetadataError(ValueError):
    """A header that is not any format this reader knows (the message says what it looked like)."""


@dataclass(slots=True)
class Metadata:
    format: str  # jpeg | heif | avif | mp4 | mov | png | gif | webp | bmp | tiff | raw | cr3 | avi | mkv | ...
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
    taken_utc: int | None = None  # a container's UTC capture instant (QuickTime, Matroska) without a wall clock
    note: str | None = None  # what could not be read, for the per-file report

    @property
    def is_video(self) -> bool:
        return self.format in VIDEO_FORMATS

    @property
    def taken_at(self) -> int | None:
        """Capture time in UTC seconds; only when the offset is known."""
        local = self.local_epoch
        if local is None or self.utc_offset_min is None:
            return self.taken_utc
        return local - self.utc_offset_min * 60

    @property
    def local_epoch(self) -> int | None:
        """The wall-clock capture time read as if it were UTC (for guesses without an offset)."""
        if not self.taken_local:
            return self.taken_utc
        try:
            y, mo, d, h, mi, s = (int(p) for p in re.split(r"[-: ]", self.taken_local))
            return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0))
        except (ValueError, OverflowError):
            return None


VIDEO_FORMATS = frozenset({"mp4", "mov", "3gp", "avi", "mkv", "webm", "mts", "wmv", "mpeg"})

_STAMP = re.compile(r"^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


def apply_exif(meta: Metadata, tags: dict[str, object]) -> None:
    """Fill ``meta`` from decoded TIFF tags, ignoring values no camera writes.

    Run for every photo of an import: the common checks are written out rather than called.
    """
    get = tags.get
    value = get("Make")
    meta.make = value if isinstance(value, str) and value else None
    value = get("Model")
    meta.model = value if isinstance(value, str) and value else None
    value = get("LensModel")
    meta.lens = value if isinstance(value, str) and value else None
    meta.orientation = _int(get("Orientation"), 1, 8)
    meta.focal_length_mm = _positive(get("FocalLength"))
    meta.focal_length_35mm = _positive(get("FocalLengthIn35mmFormat"))
    meta.aperture_f = _positive(get("FNumber"))
    if meta.aperture_f is None:
        apex = get("ApertureValue")
        if isinstance(apex, float):
            meta.aperture_f = rational(2 ** (apex / 2))  # APEX
    iso = get("ISO")
    if isinstance(iso, tuple):
        iso = max((v for v in iso if isinstance(v, int)), default=None)  # Nikon writes (0, 200)
    meta.iso = _int(iso, 1, 10_000_000)
    if meta.iso is None and "CanonCameraSettings" in tags:
        meta.iso = _canon_iso(get("CanonCameraSettings"), get("CanonShotInfo"))
    if meta.lens is None:
        meta.lens = _text(get("CanonLensModel"))
    exposure = get("ExposureTime")
    meta.exposure_s = _positive(exposure)
    if exposure is None:  # only when absent: a written 0 is "unknown", as exiftool's ShutterSpeed composite says
        shutter = get("ShutterSpeedValue")
        if isinstance(shutter, float) and -20 < shutter < 30:
            meta.exposure_s = rational(2**-shutter)  # APEX
    dated = False
    for stamp, offset in _DATES:
        value = get(stamp)
        if value and set_stamp(meta, _text(value), _text(get(offset)) or _text(get("OffsetTime"))):
            dated = True
            break
    xmp = get("_xmp")
    if isinstance(xmp, bytes):
        apply_xmp(meta, xmp, dates=not dated)
    if meta.taken_local is None and "_iptc" in tags:  # IPTC DateCreated + TimeCreated (exiftool's composite)
        iptc = get("_iptc")
        if isinstance(iptc, tuple):
            set_stamp(meta, iptc[0], iptc[1])
    if meta.taken_local is None:
        set_stamp(meta, _text(get("DateTime")), _text(get("OffsetTime")))
    latitude = get("GPSLatitude")
    if latitude is not None:
        meta.latitude = _coordinate(latitude, get("GPSLatitudeRef"), "S", 90)
        meta.longitude = _coordinate(get("GPSLongitude"), get("GPSLongitudeRef"), "W", 180)
        if meta.latitude is None or meta.longitude is None:
            meta.latitude = meta.longitude = None
    else:
        meta.latitude = meta.longitude = None
    width, height = get("PixelXDimension"), get("PixelYDimension")
    if width is not None and height is not None and not meta.width:
        width, height = _int(width, 1, 1 << 20), _int(height, 1, 1 << 20)
        if width and height:
            meta.width, meta.height = width, height


_DATES = (("DateTimeOriginal", "OffsetTimeOriginal"), ("DateTimeDigitized", "OffsetTimeDigitized"))
_XMP_DATE = re.compile(
    rb"\w+:(DateTimeOriginal|CreateDate|DateCreated)(?:=[\"']|>)\s*"
    rb"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?"
)
_RDF_NS = b"http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XMP_ORDER = {b"DateTimeOriginal": 0, b"CreateDate": 1, b"DateCreated": 2}


def set_stamp(meta: Metadata, stamp: str | None, offset: str | None = None) -> bool:
    """Set the wall-clock capture time (and its UTC offset) from an Exif/ISO stamp; False if not a date."""
    match = _STAMP.match(stamp or "")
    if not match:
        return False
    y, mo, d, h, mi, s = match.groups()
    if y == "0000" or mo == "00":
        return False
    meta.taken_local = f"{y}-{mo}-{d} {h}:{mi}:{s}"
    meta.utc_offset_min = None
    if offset == "Z":
        offset = "+00:00"
    found = _OFFSET.match(offset or "")
    if found:
        sign, hh, mm = found.groups()
        minutes = int(hh) * 60 + int(mm)
        if minutes <= 14 * 60:
            meta.utc_offset_min = -minutes if sign == "-" else minutes
    return True


_XMP_VALUE = re.compile(
    rb"(tiff:Orientation|exif:FNumber|exif:FocalLength|exif:ExposureTime|exif:FocalLengthIn35mmFilm)"
    rb"(?:=[\"']|>)\s*(\d+(?:\.\d+)?)(?:/(\d+))?"
)
_XMP_LENS = re.compile(rb"exifEX:LensModel(?:=\"([^\"<]*)\"|='([^'<]*)'|>([^<]*)<)")
_XMP_FIELDS = {
    b"tiff:Orientation": "orientation",
    b"exif:FNumber": "aperture_f",
    b"exif:FocalLength": "focal_length_mm",
    b"exif:ExposureTime": "exposure_s",
    b"exif:FocalLengthIn35mmFilm": "focal_length_35mm",
}


def apply_xmp(meta: Metadata, xmp: bytes, dates: bool = True) -> None:
    """From an XMP packet: the capture time (DateTimeOriginal, then CreateDate, then photoshop:DateCreated)
    and the orientation and exposure values Exif did not give. A packet whose RDF namespace is not
    RDF's (damage) is not XMP at all, as exiftool reads it: nothing is taken from it."""
    packet = xmp[:262144]
    if b"xmlns:rdf=" in packet and _RDF_NS not in packet:
        return
    if dates:
        found = sorted(_XMP_DATE.findall(packet), key=lambda m: _XMP_ORDER[m[0]])
        for _tag, stamp, offset in found:
            text = stamp.decode()
            if len(text) == 16:
                text += ":00"
            if set_stamp(meta, text, offset.decode() if offset else None):
                break
    if meta.lens is None and b"exifEX:LensModel" in packet:
        lens = _XMP_LENS.search(packet)
        if lens:
            text = (lens.group(1) or lens.group(2) or lens.group(3) or b"").decode("utf-8", "replace").strip()
            meta.lens = _unescape(text) or None
    for tag, number, denominator in _XMP_VALUE.findall(packet):
        field = _XMP_FIELDS[tag]
        if getattr(meta, field) is not None:
            continue
        value = float(number) / (float(denominator) if denominator else 1.0)
        if field == "orientation":
            if value.is_integer() and 1 <= value <= 8:
                meta.orientation = int(value)
        elif value > 0:
            setattr(meta, field, rational(value))


_CANON_ISO = {16: 50, 17: 100, 18: 200, 19: 400, 20: 800}


def _canon_iso(settings: object, shot: object, validate: bool = True) -> int | None:
    """ISO as exiftool computes it for Canon: CameraSettings' ISO code, else BaseISO x AutoISO from ShotInfo.
    With ``validate`` (Exif maker notes) a record whose first word is not its size in bytes is damaged
    and not read (exiftool's Canon::Validate: "Invalid CanonCameraSettings data")."""
    if validate:
        settings = settings if _canon_record_ok(settings) else None
        shot = shot if _canon_record_ok(shot) else None
    if isinstance(settings, tuple) and len(settings) > 16 and isinstance(settings[16], int):
        code = settings[16]
        if code & 0x4000 and code != 0x7FFF:
            return code & 0x3FFF or None
        if code in _CANON_ISO:
            return _CANON_ISO[code]
        # any other code is "Unknown (n)" to exiftool (CameraISO), not an ISO: BaseISO x AutoISO below
    if isinstance(shot, tuple) and len(shot) > 2 and isinstance(shot[1], int) and isinstance(shot[2], int):
        auto, base = (v - 65536 if v > 32767 else v for v in shot[1:3])
        if base:
            value = math.exp(base / 32 * math.log(2)) * 100 / 32 * (math.exp(auto / 32 * math.log(2)) if auto else 1)
            return round(value) if value >= 1 else None
    return None


def _unescape(text: str) -> str:
    """XML's five entities (an XMP value's only escapes)."""
    if "&" not in text:
        return text
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def _canon_record_ok(record: object) -> bool:
    return isinstance(record, tuple) and bool(record) and record[0] == 2 * len(record)


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
    if not isinstance(dms, tuple) or len(dms) != 3 or None in dms:
        return None
    value = float(dms[0]) + float(dms[1]) / 60 + float(dms[2]) / 3600
    if not 0 <= value <= limit:
        return None
    if isinstance(ref, str) and ref.upper().startswith(negative):
        value = -value
    return round(value, 6)
