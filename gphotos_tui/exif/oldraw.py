"""RAW formats that are not TIFF underneath: Minolta MRW, Canon CRW (CIFF) and Sigma X3F.

Each is read as exiftool reads it (Image::ExifTool::MinoltaRaw, CanonRaw and
SigmaRaw), by following the structure with seeks:

- MRW: a chain of blocks after an 8-byte header; ``PRD`` holds the picture's
  size, ``TTW`` a complete TIFF (camera, Exif and GPS IFDs).
- CRW: a CIFF heap whose directory sits at the offset its last 4 bytes give;
  entries hold values (or nested heaps) for the make and model, the capture
  time, the image size and Canon's shot and camera settings.
- X3F: a header with the size, then a directory at the offset the file's last
  4 bytes give: ``PROP`` (properties as UTF-16 name/value pairs) and, for
  newer cameras, an embedded JPEG with Exif whose values and size exiftool
  prefers over the properties.

Values no camera writes (zero sizes, a zero f-number) are left out.
"""

from __future__ import annotations

import math
import struct
import time

from gphotos_tui.exif.jpeg import read_jpeg
from gphotos_tui.exif.metadata import Metadata, _canon_iso, apply_exif, set_stamp
from gphotos_tui.exif.source import HEAD, Source
from gphotos_tui.exif.tiff import parse_tiff
from gphotos_tui.units import rational

_MAX_BLOCKS = 64
_MAX_VALUE = 64 * 1024


def _end_unknown(src: Source) -> bool:
    """Only the start of a file, without a way to seek (a Takeout member's head): its last bytes are not
    the file's, so structures located from the end must not be read from them (the caller reads again)."""
    return src.fh is None and len(src.head) >= HEAD


def _unix_stamp(meta: Metadata, seconds: int) -> None:
    """A camera clock stored as Unix seconds (CRW, X3F): exiftool prints it as UTC, so it is the wall clock."""
    if 0 < seconds < 1 << 33:
        set_stamp(meta, time.strftime("%Y:%m:%d %H:%M:%S", time.gmtime(seconds)))


# -- Minolta MRW ---------------------------------------------------------------------------


def read_mrw(src: Source) -> Metadata:
    meta = Metadata("mrw", "image/x-minolta-mrw")
    header = src.read(0, 8)
    if len(header) < 8:
        meta.truncated = True
        return meta
    end = 8 + struct.unpack_from(">I", header, 4)[0]  # where the image data starts
    pos = 8
    size: tuple[int, int] | None = None
    tags: dict[str, object] = {}
    for _ in range(_MAX_BLOCKS):
        if pos + 8 > end:
            break
        raw = src.read(pos, 8)
        if len(raw) < 8:
            meta.truncated = True
            break
        kind, length = raw[:4], struct.unpack_from(">I", raw, 4)[0]
        if kind == b"\0PRD" and length >= 16:
            body = src.read(pos + 8, 16)
            if len(body) == 16:
                height, width = struct.unpack_from(">HH", body, 12)
                if width and height:
                    size = (width, height)
        elif kind == b"\0TTW" and not tags:
            data = src.read(pos + 8, min(length, _MAX_VALUE))
            tags = parse_tiff(data, src, base=pos + 8)  # offsets count from the TTW block
        pos += 8 + length
    if tags:
        apply_exif(meta, tags)
        if not size:
            width, height = tags.get("ImageWidth"), tags.get("ImageHeight")
            if isinstance(width, int) and isinstance(height, int) and width and height:
                size = (width, height)
    if size:  # PRD's size comes first in the file: exiftool keeps it over IFD0's
        meta.width, meta.height = size
    if src.short:
        meta.truncated = True  # the blocks run past the bytes we were given
    return meta


# -- Canon CRW (CIFF) -----------------------------------------------------------------------

_CRW_MAKE_MODEL, _CRW_TIME, _CRW_IMAGE_INFO = 0x080A, 0x180E, 0x1810
_CRW_FOCAL, _CRW_SHOT, _CRW_SETTINGS, _CRW_EXPOSURE = 0x1029, 0x102A, 0x102D, 0x1818
_CRW_WANTED = {_CRW_MAKE_MODEL, _CRW_TIME, _CRW_IMAGE_INFO, _CRW_FOCAL, _CRW_SHOT, _CRW_SETTINGS, _CRW_EXPOSURE}


def read_crw(src: Source) -> Metadata:
    meta = Metadata("crw", "image/x-canon-crw")
    head = src.read(0, 14)
    if len(head) < 14 or head[:2] not in (b"II", b"MM"):
        meta.truncated = True
        return meta
    if _end_unknown(src):
        meta.truncated = True  # the heap's directory is found from the file's last bytes
        return meta
    _ciff(src, meta)
    return meta


def apply_ciff(meta: Metadata, block: bytes) -> None:
    """A CIFF heap inside a JPEG's APP0 (early Canon PowerShots): camera, time, exposure, size where the
    JPEG did not say."""
    found = Metadata(meta.format)
    _ciff(Source(block), found)
    for field in Metadata.__slots__:
        if field not in ("format", "mime_type", "truncated", "note") and getattr(meta, field) is None:
            setattr(meta, field, getattr(found, field))


def _ciff(src: Source, meta: Metadata) -> None:
    head = src.read(0, 6)
    e = "<" if head[:2] == b"II" else ">"
    start = struct.unpack_from(e + "I", head, 2)[0]
    found: dict[int, bytes] = {}
    order: list[int] = []
    _ciff_heap(src, e, start, src.size - start, found, order, set(), 0)
    _crw_values(meta, e, found, order)


def _ciff_heap(
    src: Source, e: str, start: int, size: int, found: dict[int, bytes], order: list[int], seen: set[int], depth: int
) -> None:
    """Collect the wanted entries of the heap [start, start + size) and of the heaps nested in it."""
    if size < 6 or depth > 8:
        return
    raw = src.read(start + size - 4, 4)
    if len(raw) < 4:
        return
    table = start + struct.unpack(e + "I", raw)[0]
    if table in seen:
        return
    seen.add(table)
    raw = src.read(table, 2)
    if len(raw) < 2:
        return
    count = min(struct.unpack(e + "H", raw)[0], 1024)
    entries = src.read(table + 2, 10 * count)
    for i in range(len(entries) // 10):
        tag, length, offset = struct.unpack_from(e + "HII", entries, 10 * i)
        if tag & 0x8000:
            return  # exiftool: "Bad CRW directory entry"
        ident, kind, in_entry = tag & 0x3FFF, (tag >> 8) & 0x38, tag & 0x4000
        if kind in (0x28, 0x30) and not in_entry:
            if 0 < offset + length <= size:
                _ciff_heap(src, e, start + offset, length, found, order, seen, depth + 1)
            continue
        if ident not in _CRW_WANTED or ident in found:
            continue
        if in_entry:
            value = entries[10 * i + 2 : 10 * i + 10]
        elif length <= _MAX_VALUE and offset + length <= size:
            value = src.read(start + offset, length)
        else:
            continue
        found[ident] = value
        order.append(ident)


def _crw_values(meta: Metadata, e: str, found: dict[int, bytes], order: list[int]) -> None:
    text = found.get(_CRW_MAKE_MODEL)
    if text:
        make = text[:6].split(b"\0")[0].decode("latin-1").strip()
        model = text[6:].split(b"\0")[0].decode("latin-1").strip()
        meta.make, meta.model = make or None, model or None
    raw = found.get(_CRW_TIME)
    if raw and len(raw) >= 4:
        _unix_stamp(meta, struct.unpack_from(e + "I", raw)[0])
    raw = found.get(_CRW_IMAGE_INFO)
    if raw and len(raw) >= 8:
        width, height = struct.unpack_from(e + "II", raw)
        if width and height:
            meta.width, meta.height = width, height
    settings = _words(found.get(_CRW_SETTINGS), e, signed=False)
    shot = _words(found.get(_CRW_SHOT), e, signed=True)
    raw = found.get(_CRW_FOCAL)
    if raw and len(raw) >= 4:
        focal = struct.unpack_from(e + "H", raw, 2)[0]
        units = 1
        # exiftool divides by CameraSettings' FocalUnits only when it has read them already
        if settings and len(settings) > 25 and settings[25] and order.index(_CRW_SETTINGS) < order.index(_CRW_FOCAL):
            units = settings[25]
        if focal:
            meta.focal_length_mm = rational(focal / units)
    if shot and len(shot) > 22:
        if shot[21] > 0:
            meta.aperture_f = rational(math.exp(_canon_ev(shot[21]) * math.log(2) / 2))
        exposure = math.exp(-_canon_ev(shot[22]) * math.log(2))  # CRW: even a 0 is used (1 s), as exiftool does
        if meta.model and any(m in meta.model for m in ("20D", "350D", "REBEL XT", "Kiss Digital N")):
            exposure *= 1000 / 32
        meta.exposure_s = rational(exposure)
    raw = found.get(_CRW_EXPOSURE)  # ExposureInfo: APEX shutter and aperture (older PowerShots have no ShotInfo)
    if raw and len(raw) >= 12:
        _comp, tv, av = struct.unpack_from(e + "fff", raw)
        if meta.exposure_s is None and abs(tv) < 100:
            meta.exposure_s = rational(1 / 2**tv)
        if meta.aperture_f is None and abs(av) < 100:
            meta.aperture_f = rational(2 ** (av / 2))
    meta.iso = _canon_iso(  # CIFF records are not validated by exiftool (CanonRaw has no Validate)
        tuple(settings) if settings else None, tuple(v & 0xFFFF for v in shot) if shot else None, validate=False
    )


def _words(raw: bytes | None, e: str, signed: bool) -> list[int] | None:
    if not raw or len(raw) < 2:
        return None
    return list(struct.unpack(e + ("h" if signed else "H") * (len(raw) // 2), raw[: len(raw) // 2 * 2]))


def _canon_ev(value: int) -> float:
    """Canon's EV code (exiftool's CanonEv): 1/32 steps, with 0x0c and 0x14 meaning 1/3 and 2/3."""
    sign = -1 if value < 0 else 1
    value = abs(value)
    frac: float = value & 0x1F
    whole = value - (value & 0x1F)
    if frac == 0x0C:
        frac = 0x20 / 3
    elif frac == 0x14:
        frac = 0x40 / 3
    return sign * (whole + frac) / 0x20


# -- Sigma X3F ------------------------------------------------------------------------------

_X3F_JPEG_SECTION = b"SECi\0\0\x02\0\x02\0\0\0\x12\0\0\0"  # image section: version 2.0, type 2, JPEG


def read_x3f(src: Source) -> Metadata:
    meta = Metadata("x3f", "image/x-sigma-x3f")
    header = src.read(0, 48)
    if len(header) < 40:
        meta.truncated = True
        return meta
    version = struct.unpack_from("<I", header, 4)[0] >> 16
    at = 40 if version >= 4 else 28
    if len(header) >= at + 8:
        width, height = struct.unpack_from("<II", header, at)
        if width and height:
            meta.width, meta.height = width, height
    if _end_unknown(src):
        meta.truncated = True  # the directory is found from the file's last 4 bytes
        return meta
    raw = src.read(src.size - 4, 4)
    if len(raw) < 4:
        return meta
    directory = struct.unpack("<I", raw)[0]
    raw = src.read(directory, 12)
    if len(raw) < 12 or raw[:4] != b"SECd":
        return meta
    count = min(struct.unpack_from("<I", raw, 8)[0], 256)
    entries = src.read(directory + 12, 12 * count)
    jpeg: Metadata | None = None
    for i in range(len(entries) // 12):
        offset, length, kind = struct.unpack_from("<II4s", entries, 12 * i)
        if kind == b"PROP" and length <= _MAX_VALUE * 4:
            _x3f_properties(src.read(offset, length), meta)
        elif kind == b"IMA2" and jpeg is None and length > 32 and _x3f_jpeg(src, offset):
            # exiftool reads the embedded JPEG's Exif (and its size) over the properties
            inner = Source(src.read(offset + 28, min(length - 28, 256 * 1024)))
            jpeg = read_jpeg(inner, Metadata("x3f"))
    if jpeg is not None:
        for field in Metadata.__slots__:
            if field in ("format", "mime_type", "truncated", "note"):
                continue
            value = getattr(jpeg, field)
            if value is not None:
                setattr(meta, field, value)
    return meta


def _x3f_jpeg(src: Source, offset: int) -> bool:
    """An image section holding a JPEG that starts with Exif (exiftool's JpgFromRaw)."""
    return src.read(offset, 16) == _X3F_JPEG_SECTION and src.read(offset + 28, 4) == b"\xff\xd8\xff\xe1"


def _x3f_properties(data: bytes, meta: Metadata) -> None:
    if len(data) < 24 or data[:4] != b"SECp":
        return
    count, fmt = struct.unpack_from("<II", data, 8)
    chars = struct.unpack_from("<I", data, 20)[0]
    base = 24 + 8 * count
    if fmt != 0 or len(data) < base + 2 * chars:
        return
    text = data[base : base + 2 * chars].decode("utf-16-le", "replace")

    def string(index: int) -> str:
        end = text.find("\0", index)
        return text[index : end if end >= 0 else len(text)]

    props: dict[str, str] = {}
    for i in range(min(count, 1024)):  # a camera writes a few dozen
        name_at, value_at = struct.unpack_from("<II", data, 24 + 8 * i)
        if name_at >= chars or value_at >= chars:
            return  # exiftool: "Bad Property pointer"
        props.setdefault(string(name_at), string(value_at))
    meta.make = props.get("CAMMANUF", "").strip() or None
    meta.model = props.get("CAMMODEL", "").strip() or None
    meta.aperture_f = _number(props.get("APERTURE"))
    meta.exposure_s = _number(props.get("SHUTTER"))
    meta.focal_length_mm = _number(props.get("FLENGTH"))
    meta.focal_length_35mm = _number(props.get("FLEQ35MM"))
    iso = _number(props.get("ISO"))
    meta.iso = round(iso) if iso else None
    stamp = props.get("TIME", "")
    if stamp.isdigit():
        _unix_stamp(meta, int(stamp))


def _number(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return rational(value) if value > 0 and math.isfinite(value) else None
