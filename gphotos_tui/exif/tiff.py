"""A bounds-checked TIFF/Exif IFD reader (the payload of JPEG APP1 and HEIC Exif items).

Only the tags the catalog uses are decoded; every offset is checked against
the buffer, so a truncated or hostile header yields fewer tags, never an
exception or a huge allocation.
"""

from __future__ import annotations

import struct

EXIF_IFD = 0x8769
GPS_IFD = 0x8825

# Tags we decode, per IFD. Everything else is skipped without reading its value.
IFD0_TAGS = {0x010F: "Make", 0x0110: "Model", 0x0112: "Orientation", 0x0132: "DateTime"}
EXIF_TAGS = {
    0x829A: "ExposureTime",
    0x829D: "FNumber",
    0x8827: "ISO",
    0x9003: "DateTimeOriginal",
    0x9011: "OffsetTimeOriginal",
    0x9010: "OffsetTime",
    0x920A: "FocalLength",
    0xA002: "PixelXDimension",
    0xA003: "PixelYDimension",
    0xA405: "FocalLengthIn35mmFormat",
    0xA434: "LensModel",
    0x9202: "ApertureValue",
    0x9201: "ShutterSpeedValue",
}
GPS_TAGS = {1: "GPSLatitudeRef", 2: "GPSLatitude", 3: "GPSLongitudeRef", 4: "GPSLongitude"}

_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
MAX_ENTRIES = 512  # a real IFD has a few dozen; more means garbage


def parse_tiff(data: bytes) -> dict[str, object]:
    """Tags from IFD0, the Exif IFD and the GPS IFD of a TIFF header, by name."""
    if len(data) < 8:
        return {}
    order = data[:2]
    if order == b"II":
        endian = "<"
    elif order == b"MM":
        endian = ">"
    else:
        return {}
    if struct.unpack_from(endian + "H", data, 2)[0] != 42:
        return {}
    tags: dict[str, object] = {}
    first = struct.unpack_from(endian + "I", data, 4)[0]
    pointers = _read_ifd(data, endian, first, IFD0_TAGS, tags)
    if EXIF_IFD in pointers:
        _read_ifd(data, endian, pointers[EXIF_IFD], EXIF_TAGS, tags)
    if GPS_IFD in pointers:
        _read_ifd(data, endian, pointers[GPS_IFD], GPS_TAGS, tags)
    return tags


_ENTRIES = {"<": struct.Struct("<HHI4s"), ">": struct.Struct(">HHI4s")}
_U16 = {"<": struct.Struct("<H"), ">": struct.Struct(">H")}
_U32 = {"<": struct.Struct("<I"), ">": struct.Struct(">I")}
_URATIONAL = {"<": struct.Struct("<II"), ">": struct.Struct(">II")}
_CODES = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d"}


def _read_ifd(data: bytes, e: str, offset: int, wanted: dict[int, str], out: dict[str, object]) -> dict[int, int]:
    """Decode ``wanted`` tags of the IFD at ``offset`` into ``out``; returns sub-IFD pointers.

    The common single SHORT, LONG and RATIONAL values are decoded inline: a
    header is read for every photo of a library, so this loop is hot.
    """
    pointers: dict[int, int] = {}
    if offset < 8 or offset + 2 > len(data):
        return pointers
    count = _U16[e].unpack_from(data, offset)[0]
    if count > MAX_ENTRIES:
        return pointers
    count = min(count, (len(data) - offset - 2) // 12)
    block = data[offset + 2 : offset + 2 + 12 * count]
    u32 = _U32[e]
    for tag, typ, n, inline in _ENTRIES[e].iter_unpack(block):
        name = wanted.get(tag)
        if name is None:
            if (tag in (EXIF_IFD, GPS_IFD)) and typ in (4, 13) and n == 1:
                pointers[tag] = u32.unpack(inline)[0]
            continue
        if n == 1:
            if typ == 3:
                out[name] = _U16[e].unpack_from(inline)[0]
                continue
            if typ == 4:
                out[name] = u32.unpack(inline)[0]
                continue
            if typ == 5:
                start = u32.unpack(inline)[0]
                if start + 8 <= len(data):
                    num, den = _URATIONAL[e].unpack_from(data, start)
                    if den:
                        out[name] = num / den
                continue
        size = _TYPE_SIZES.get(typ)
        if size is None or n == 0 or n > 4096:
            continue
        length = size * n
        if length <= 4:
            raw = inline[:length]
        else:
            start = u32.unpack(inline)[0]
            if start + length > len(data):
                continue
            raw = data[start : start + length]
        value = _value(raw, e, typ, n)
        if value is not None:
            out[name] = value
    return pointers


def _value(raw: bytes, e: str, typ: int, n: int) -> object:
    if typ in (2, 7):  # ASCII / UNDEFINED text
        text = raw.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
        return text or None
    if typ in (5, 10):  # (signed) rationals, as floats: Fraction is 10x slower and no value needs it
        parts = struct.unpack(e + ("I" if typ == 5 else "i") * (2 * n), raw)
        if n == 1:
            return parts[0] / parts[1] if parts[1] else None
        return tuple(parts[k] / parts[k + 1] if parts[k + 1] else None for k in range(0, 2 * n, 2))
    values = struct.unpack(e + _CODES[typ] * n, raw)
    return values[0] if n == 1 else values
