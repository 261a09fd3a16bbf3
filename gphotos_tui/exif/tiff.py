"""A bounds-checked TIFF/Exif IFD reader (JPEG APP1, HEIC Exif items, TIFF and TIFF-based RAW files).

Only the tags the catalog uses are decoded; every offset is checked, so a
truncated or hostile header yields fewer tags, never an exception or a huge
allocation. The IFDs are read from ``data`` (the bytes the caller already
holds); an offset past them is read through ``src`` (a seekable
:class:`~gphotos_tui.exif.source.Source`, TIFF offsets counted from ``base``)
when one is given: a RAW file's Exif IFD may sit megabytes in.
"""

from __future__ import annotations

import struct

from gphotos_tui.exif.source import Source

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
SUB_IFDS = 0x014A

# Tags we decode, per IFD. Everything else is skipped without reading its value.
IMAGE_TAGS = {
    0x00FE: "NewSubfileType",
    0x00FF: "OldSubfileType",
    0x0100: "ImageWidth",
    0x0101: "ImageHeight",
    0x010F: "Make",
    0x0110: "Model",
    0x0112: "Orientation",
    0x0132: "DateTime",
    0x02BC: "XMP",
    0xC612: "DNGVersion",
    # Panasonic RW2 IFD0 (its own tag numbers below 0x100)
    0x0004: "SensorTopBorder",
    0x0005: "SensorLeftBorder",
    0x0006: "SensorBottomBorder",
    0x0007: "SensorRightBorder",
    0x002E: "JpgFromRaw",
}
EXIF_TAGS = {
    0x829A: "ExposureTime",
    0x829D: "FNumber",
    0x8827: "ISO",
    0x9003: "DateTimeOriginal",
    0x9004: "DateTimeDigitized",
    0x9010: "OffsetTime",
    0x9011: "OffsetTimeOriginal",
    0x9012: "OffsetTimeDigitized",
    0x920A: "FocalLength",
    0xA002: "PixelXDimension",
    0xA003: "PixelYDimension",
    0xA405: "FocalLengthIn35mmFormat",
    0xA434: "LensModel",
    0x9202: "ApertureValue",
    0x9201: "ShutterSpeedValue",
    0x927C: "MakerNote",
}
CANON_TAGS = {0x0001: "CanonCameraSettings", 0x0004: "CanonShotInfo", 0x0095: "CanonLensModel"}
GPS_TAGS = {1: "GPSLatitudeRef", 2: "GPSLatitude", 3: "GPSLongitudeRef", 4: "GPSLongitude"}
_POINTERS = (EXIF_IFD, GPS_IFD, SUB_IFDS)
_BLOB_TAGS = frozenset({0x02BC, 0x002E, 0x927C})  # XMP, JpgFromRaw, MakerNote: (offset, length) only

_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
MAX_ENTRIES = 512  # a real IFD has a few dozen; more means garbage
MAX_IFDS = 16


class _Buf:
    """The TIFF bytes at hand, with a seekable fallback for offsets beyond them."""

    __slots__ = ("base", "data", "src")

    def __init__(self, data: bytes, src: Source | None, base: int) -> None:
        self.data, self.src, self.base = data, src, base

    def get(self, start: int, length: int) -> bytes | None:
        if start + length <= len(self.data):
            return self.data[start : start + length]
        if self.src is None:
            return None
        raw = self.src.read(self.base + start, length)
        return raw if len(raw) == length else None


def parse_tiff(data: bytes, src: Source | None = None, base: int = 0, images: bool = False) -> dict[str, object]:
    """Tags from IFD0, the Exif IFD and the GPS IFD of a TIFF header, by name.

    With ``images`` the other image IFDs (IFD1..., SubIFDs) are read too and
    their (says it is the full-resolution image, width, height) listed under ``"_images"`` in
    exiftool's order (IFD0 first).
    """
    if len(data) < 8:
        return {}
    order = data[:2]
    if order == b"II":
        endian = "<"
    elif order == b"MM":
        endian = ">"
    else:
        return {}
    magic = struct.unpack_from(endian + "H", data, 2)[0]
    if magic not in (42, 0x4F52, 0x5352, 0x55):  # TIFF, Olympus ORF (RO/SR), Panasonic RW2
        return {}
    buf = _Buf(data, src, base)
    tags: dict[str, object] = {}
    first = struct.unpack_from(endian + "I", data, 4)[0]
    pointers, following = _read_ifd(buf, endian, first, IMAGE_TAGS, tags)
    if EXIF_IFD in pointers:
        _read_ifd(buf, endian, pointers[EXIF_IFD][0], EXIF_TAGS, tags)
    if GPS_IFD in pointers:
        _read_ifd(buf, endian, pointers[GPS_IFD][0], GPS_TAGS, tags)
    note = tags.pop("MakerNote", None)
    if isinstance(note, tuple) and str(tags.get("Make", "")).startswith("Canon"):
        # Canon's maker note is a plain IFD, offsets from the TIFF header: lens name and ISO live there
        _read_ifd(buf, endian, note[0], CANON_TAGS, tags)
    if images:
        # exiftool's order: an IFD's SubIFDs right after it, then the next IFD of the chain
        found = [(_full_size(tags), tags.get("ImageWidth"), tags.get("ImageHeight"))]
        stack = ([following] if following else []) + list(reversed(pointers.get(SUB_IFDS, ())))
        seen = {first}
        while stack and len(seen) < MAX_IFDS:
            offset = stack.pop()
            if offset in seen:
                continue
            seen.add(offset)
            sub: dict[str, object] = {}
            more, nxt = _read_ifd(buf, endian, offset, IMAGE_TAGS, sub)
            found.append((_full_size(sub), sub.get("ImageWidth"), sub.get("ImageHeight")))
            if nxt:
                stack.append(nxt)
            stack.extend(reversed(more.get(SUB_IFDS, ())))
        tags["_images"] = found
    return tags


def _full_size(tags: dict[str, object]) -> bool:
    """An IFD that says it holds the full-resolution image (exiftool's priority directory for its size)."""
    return tags.get("NewSubfileType") == 0 or tags.get("OldSubfileType") == 1


def parse_tiff_ifd(data: bytes, wanted: dict[int, str]) -> dict[str, object]:
    """The ``wanted`` tags of the first IFD of a TIFF block (CR3's CMT boxes hold one IFD each)."""
    if len(data) < 8 or data[:2] not in (b"II", b"MM"):
        return {}
    endian = "<" if data[:2] == b"II" else ">"
    tags: dict[str, object] = {}
    _read_ifd(_Buf(data, None, 0), endian, struct.unpack_from(endian + "I", data, 4)[0], wanted, tags)
    return tags


def read_blob(data: bytes, where: object, src: Source | None = None, base: int = 0) -> bytes | None:
    """The bytes of a blob tag (``XMP``, ``JpgFromRaw``) whose (offset, length) parse_tiff recorded."""
    if not isinstance(where, tuple) or len(where) != 2:
        return None
    start, length = where
    return _Buf(data, src, base).get(start, length)


_ENTRIES = {"<": struct.Struct("<HHI4s"), ">": struct.Struct(">HHI4s")}
_U16 = {"<": struct.Struct("<H"), ">": struct.Struct(">H")}
_U32 = {"<": struct.Struct("<I"), ">": struct.Struct(">I")}
_URATIONAL = {"<": struct.Struct("<II"), ">": struct.Struct(">II")}
_STRUCTS = {e: (_ENTRIES[e], _U16[e], _U32[e], _URATIONAL[e]) for e in "<>"}
_CODES = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d", 13: "I"}


def _read_ifd(
    buf: _Buf, e: str, offset: int, wanted: dict[int, str], out: dict[str, object]
) -> tuple[dict[int, list[int]], int]:
    """Decode ``wanted`` tags of the IFD at ``offset`` into ``out``; returns (sub-IFD pointers, next IFD).

    The common single SHORT, LONG and RATIONAL values are decoded inline: a
    header is read for every photo of a library, so this loop is hot.
    """
    pointers: dict[int, list[int]] = {}
    if offset < 8:
        return pointers, 0
    entries, u16s, u32s, urationals = _STRUCTS[e]  # one lookup per IFD: most IFDs hold 4-10 entries
    data = buf.data
    size_data = len(data)
    if offset + 2 <= size_data:
        count = u16s.unpack_from(data, offset)[0]
    else:
        raw_count = buf.get(offset, 2)
        if raw_count is None:
            return pointers, 0
        count = u16s.unpack(raw_count)[0]
    if count > MAX_ENTRIES or count == 0:
        return pointers, 0
    stop = offset + 2 + 12 * count
    following = 0
    if stop + 4 <= size_data:  # the hot path: the whole IFD in the bytes at hand
        following = u32s.unpack_from(data, stop)[0]
        block = data[offset + 2 : stop]
    else:
        got = buf.get(offset + 2, 12 * count + 4)
        if got is None:  # cut short: keep the whole entries that are there
            count = max(0, min(count, (size_data - offset - 2) // 12))
            block = data[offset + 2 : offset + 2 + 12 * count]
        else:
            following = u32s.unpack_from(got, 12 * count)[0]
            block = got[: 12 * count]
    u32 = u32s.unpack
    u16 = u16s.unpack_from
    urational = urationals.unpack
    for tag, typ, n, inline in entries.iter_unpack(block):
        name = wanted.get(tag)
        if name is None:
            if tag in _POINTERS and typ in (4, 9, 13) and 0 < n <= 8:  # SLONG too: some writers use it
                if n == 1:
                    pointers[tag] = [u32(inline)[0]]
                else:
                    raw = buf.get(u32(inline)[0], 4 * n)
                    if raw:
                        pointers[tag] = list(struct.unpack(e + "I" * n, raw))
            continue
        if n == 1:
            if typ == 3:
                out[name] = u16(inline)[0]
                continue
            if typ == 4:
                out[name] = u32(inline)[0]
                continue
            if typ == 5:
                start = u32(inline)[0]
                raw = data[start : start + 8] if start + 8 <= size_data else buf.get(start, 8)
                if raw is not None:
                    num, den = urational(raw)
                    if den:
                        out[name] = num / den
                continue
        if tag in _BLOB_TAGS:
            if typ in (1, 7) and n > 4:
                out[name] = (u32(inline)[0], n)  # (offset, length): read only if needed
            continue
        size = _TYPE_SIZES.get(typ)
        if size is None or n == 0 or n > 4096:
            continue
        length = size * n
        if length <= 4:
            raw = inline[:length]
        else:
            start = u32(inline)[0]
            raw = data[start : start + length] if start + length <= size_data else buf.get(start, length)
            if raw is None:
                continue
        if typ == 2:  # ASCII, the commonest value after single numbers (make, model, dates): as in _value
            text = raw.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
            if text:
                out[name] = text
            continue
        value = _value(raw, e, typ, n)
        if value is not None:
            out[name] = value
    return pointers, following


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
