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
IFD0_TAGS = IMAGE_TAGS | EXIF_TAGS  # some writers put Exif tags in IFD0 itself; exiftool reads them there too
CANON_TAGS = {0x0001: "CanonCameraSettings", 0x0004: "CanonShotInfo", 0x0095: "CanonLensModel"}
NIKON_TAGS = {0x0002: "ISO"}  # (0, 200): exiftool's ISO "0 200"
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
    pointers, following = _read_ifd(buf, endian, first, IFD0_TAGS, tags)
    if EXIF_IFD in pointers:
        _read_ifd(buf, endian, pointers[EXIF_IFD][0], EXIF_TAGS, tags)
    if GPS_IFD in pointers:
        _read_ifd(buf, endian, pointers[GPS_IFD][0], GPS_TAGS, tags)
    note = tags.pop("MakerNote", None)
    if isinstance(note, tuple) and str(tags.get("Make", "")).startswith("Canon"):
        # Canon's maker note is a plain IFD, offsets from the TIFF header: lens name and ISO live there
        note_endian = _note_order(buf, endian, note[0])
        shift = _canon_moved_by(buf, note_endian, note)
        if shift:  # an editor moved the maker note without rewriting its offsets: follow them where they went
            data = buf.data[shift:] if shift > 0 else b"\0" * -shift + buf.data
            _read_ifd(_Buf(data, buf.src, buf.base + shift), note_endian, note[0] - shift, CANON_TAGS, tags)
        else:
            _read_ifd(buf, note_endian, note[0], CANON_TAGS, tags)
    elif isinstance(note, tuple):
        make = str(tags.get("Make", "")).upper()
        if "ISO" not in tags:
            iso = _maker_note_iso(buf, endian, note, make)
            if iso is not None:
                tags["ISO"] = iso
        if "LensModel" not in tags and make.startswith(("OLYMPUS", "OM DIGITAL")):
            lens = _olympus_lens(buf, note)
            if lens:
                tags["LensModel"] = lens
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
            for key in ("Make", "Model", "Orientation"):  # a page's camera when IFD0 has none (as exiftool)
                if key not in tags and key in sub:
                    tags[key] = sub[key]
            if nxt:
                stack.append(nxt)
            stack.extend(reversed(more.get(SUB_IFDS, ())))
        tags["_images"] = found
    return tags


def _olympus_lens(buf: _Buf, note: tuple[int, int]) -> object:
    """Olympus/OM maker note ("OLYMPUS\\0II\\3\\0" or "OM SYSTEM\\0..."): Equipment (0x2010) > LensModel
    (0x0203), offsets from the maker note's start, as exiftool's Olympus tables read it."""
    block = buf.get(note[0], min(note[1], 1 << 16))
    if not block:
        return None
    skip = 12 if block.startswith(b"OLYMPUS\0") else 16 if block.startswith(b"OM SYSTEM\0") else 0
    if not skip or block[skip - 4 : skip - 2] not in (b"II", b"MM"):
        return None
    e = "<" if block[skip - 4 : skip - 2] == b"II" else ">"
    inner = _Buf(block, None, 0)
    found: dict[str, object] = {}
    _read_ifd(inner, e, skip, {0x2010: "equipment"}, found)
    equipment = found.get("equipment")
    if not isinstance(equipment, int):
        return None
    _read_ifd(inner, e, equipment, {0x0203: "lens"}, found)
    return found.get("lens")


_CASIO2_ISO = {3: 50, 4: 64, 6: 100, 9: 200}  # Casio Type2 0x0014: a code
_PENTAX2_ISO = {10: 100, 16: 200}  # Pentax Optio 330/430 0x0014: codes, or the ISO itself


def _maker_note_iso(buf: _Buf, e: str, note: tuple[int, int], make: str) -> object:
    """ISO from the maker note of cameras that keep it only there (exiftool's Nikon, Casio and Pentax
    Type2 tables): None when the note is not one of these."""
    start, length = note
    if make.startswith("NIKON"):  # "Nikon\0\2", then a TIFF header of its own
        block = buf.get(start, min(length, 1 << 16))
        if block and block.startswith(b"Nikon\0\x02"):
            return parse_tiff_ifd(block[10:], NIKON_TAGS).get("ISO")
        return None
    if make.startswith("EASTMAN KODAK"):  # binary records (exiftool's Kodak::Main and Kodak::Type3)
        block = buf.get(start, min(length, 0x80))
        if not block or len(block) < 0x70:
            return None
        if block.startswith(b"KDK"):  # "KDK INFO" big-endian, other "KDK" little-endian; data from +8
            kodak = struct.unpack_from(">H" if block.startswith(b"KDK INFO") else "<H", block, 8 + 0x60)[0]
        elif block[12] == 0x07 and block[:2] not in (b"MM", b"II") and not block.startswith(b"AOC"):
            kodak = struct.unpack_from(">H", block, 0x4E)[0]
        else:
            return None
        return kodak if 0 < kodak < 0xFFFF else None  # 0xFFFF: not set (exiftool prints 65535)
    if not make.startswith(("CASIO", "ASAHI")):
        return None
    head = buf.get(start, 6)
    if not head:
        return None
    found: dict[str, object] = {}
    if head[:4] in (b"QVC\0", b"DCI\0"):  # Casio Type2: the IFD after a 6-byte header
        _read_ifd(buf, _note_order(buf, e, start + 6), start + 6, {0x0014: "code", 0x3014: "iso"}, found)
        iso, code = found.get("iso"), found.get("code")
        if isinstance(iso, int) and iso:
            return iso
        return _CASIO2_ISO.get(code) if isinstance(code, int) else None
    _read_ifd(buf, _note_order(buf, e, start), start, {0x0014: "iso"}, found)  # Casio Type1, Pentax Type2
    iso = found.get("iso")
    if not isinstance(iso, int) or not iso:
        return None
    return _PENTAX2_ISO.get(iso, iso) if make.startswith("ASAHI") else iso


def _note_order(buf: _Buf, e: str, start: int) -> str:
    """A maker note's byte order when it may differ from the Exif's (exiftool's ByteOrder "Unknown", as its
    LocateIFD guesses it): an IFD holds 1 to 255 entries, so a count whose low byte is zero means the other
    order (an editor rewrote Exif big-endian around a camera's little-endian maker note)."""
    raw = buf.get(start, 2)
    if not raw:
        return e
    count = _U16[e].unpack(raw)[0]
    return (">" if e == "<" else "<") if count and not count & 0xFF else e


def _canon_moved_by(buf: _Buf, e: str, note: tuple[int, int]) -> int:
    """How far a Canon maker note moved since the camera wrote it: its 8-byte footer ("II*\\0" + the
    original offset) says where it was (exiftool's FixBase). 0 when there is no footer, or when the values
    still end right at the footer (Picasa and ACDSee update the offsets but not the footer)."""
    start, length = note
    footer = buf.get(start + length - 8, 8) if length > 8 else None
    if not footer or footer[:4] != (b"II*\0" if e == "<" else b"MM\0*"):
        return 0
    shift = start - int(_U32[e].unpack_from(footer, 4)[0])
    if not shift:
        return 0
    raw = buf.get(start, 2)
    count = _U16[e].unpack(raw)[0] if raw else 0
    block = buf.get(start + 2, 12 * count) if 0 < count <= MAX_ENTRIES else None
    if block is None:
        return 0
    ends = [
        _U32[e].unpack(inline)[0] + _TYPE_SIZES.get(typ, 1) * n
        for _tag, typ, n, inline in _ENTRIES[e].iter_unpack(block)
        if _TYPE_SIZES.get(typ, 1) * n > 4
    ]
    if ends and start + length - max(ends) - 8 in (0, 1):
        return 0
    return shift


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
_SRATIONAL = {"<": struct.Struct("<ii"), ">": struct.Struct(">ii")}
_DOUBLE = {"<": struct.Struct("<d"), ">": struct.Struct(">d")}
_URATIONAL3 = {"<": struct.Struct("<6I"), ">": struct.Struct(">6I")}  # GPS degrees, minutes, seconds
_STRUCTS = {e: (_ENTRIES[e], _U16[e], _U32[e], _URATIONAL[e], _SRATIONAL[e], _DOUBLE[e], _URATIONAL3[e]) for e in "<>"}
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
    entries, u16s, u32s, urationals, srationals, doubles, urationals3 = _STRUCTS[e]  # one lookup per IFD
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
        if got is None:  # cut short (the file, or the bytes at hand): keep the whole entries that are there
            if buf.src is not None:
                partial = buf.src.read(buf.base + offset + 2, 12 * count)
            else:
                partial = data[offset + 2 : offset + 2 + 12 * count]
            count = len(partial) // 12
            block = partial[: 12 * count]
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
            if typ == 5 or typ == 10 or typ == 12:  # (signed) RATIONAL, DOUBLE: 8 bytes at an offset
                start = u32(inline)[0]
                raw = data[start : start + 8] if start + 8 <= size_data else buf.get(start, 8)
                if raw is not None:
                    if typ == 12:
                        out[name] = doubles.unpack(raw)[0]
                    else:
                        num, den = urational(raw) if typ == 5 else srationals.unpack(raw)
                        if den:
                            out[name] = num / den
                continue
        elif n == 3 and typ == 5:  # GPS degrees, minutes, seconds
            start = u32(inline)[0]
            raw = data[start : start + 24] if start + 24 <= size_data else buf.get(start, 24)
            if raw is not None:
                a, b, c, d, f, g = urationals3.unpack(raw)
                out[name] = (a / b if b else None, c / d if d else None, f / g if g else None)
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
