"""JPEG headers: walk the markers up to the image data, reading Exif and XMP (APP1) and SOF."""

from __future__ import annotations

import struct

from gphotos_tui.exif.metadata import Metadata, apply_exif
from gphotos_tui.exif.source import Source
from gphotos_tui.exif.tiff import parse_tiff

# Start-of-frame markers carry the pixel size (not DHT C4, JPG C8 or DAC CC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_XMP = b"http://ns.adobe.com/xap/1.0/\0"
_CIFF = b"II\x1a\0\0\0HEAPJPGM"

_SEGMENT = struct.Struct(">BBH")  # 0xFF, marker, length


def read_jpeg(src: Source, meta: Metadata | None = None, start: int = 0) -> Metadata:
    """Metadata of the JPEG at ``start`` in ``src`` (a RAF holds one after its own header)."""
    meta = meta or Metadata("jpeg", "image/jpeg")
    tags: dict[str, object] | None = None
    xmp = None
    ciff = None
    iptc_at: tuple[int, int] | None = None
    pos = start + 2
    limit = src.size
    head = src.head
    in_head = len(head)
    unpack = _SEGMENT.unpack_from
    while pos + 4 <= limit:
        if pos + 4 <= in_head:  # the common case: every header segment lies in the head we hold
            sync, marker, length = unpack(head, pos)
        else:
            raw = src.read(pos, 4)
            if len(raw) < 4:
                meta.truncated = True
                break
            sync, marker, length = _SEGMENT.unpack(raw)
        if sync != 0xFF:  # garbage after a segment: skip to the next 0xFF, as exiftool does
            pos = _resync(src, pos, limit)
            if pos < 0:
                break
            continue
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan: no more headers
            break
        if length < 2:
            break
        end = pos + 2 + length
        if marker == 0xE1 and length > 8:
            if end <= in_head and tags is None and head.startswith(b"Exif\0", pos + 4, end):
                tags = parse_tiff(head[pos + 10 : end])  # the hot path: one copy of the TIFF block
                pos = end
                continue
            body = head[pos + 4 : end] if end <= in_head else src.read(pos + 4, length - 2)
            if len(body) < length - 2:
                meta.truncated = True
                break
            if body.startswith(b"Exif\0") and tags is None:
                tags = parse_tiff(body[6:])
            elif body.startswith(_XMP) and xmp is None:
                xmp = body[len(_XMP) :]
        elif marker == 0xED and iptc_at is None:
            iptc_at = (pos + 4, length - 2)  # Photoshop resources (IPTC): read only if no Exif date
        elif marker == 0xE0 and length > 28 and src.read(pos + 4, 14) == _CIFF:
            ciff = src.read(pos + 4, length - 2)  # early Canon PowerShots: a CIFF heap in APP0, no Exif
        elif marker in _SOF and length >= 7:
            sof = head[pos + 5 : pos + 9] if pos + 9 <= in_head else src.read(pos + 5, 4)
            if len(sof) == 4:
                height, width = struct.unpack(">HH", sof)
                if width and height:
                    meta.width, meta.height = width, height  # the real pixels win over PixelX/YDimension
        pos = end
    else:
        meta.truncated = True
    if ciff is not None and tags is None:
        from gphotos_tui.exif.oldraw import apply_ciff  # rare: loaded only for these files

        apply_ciff(meta, ciff)
    if iptc_at is not None and (tags is None or not (tags.get("DateTimeOriginal") or tags.get("DateTimeDigitized"))):
        stamp = iptc_date(src.read(*iptc_at))
        if stamp:
            tags = tags or {}
            tags["_iptc"] = stamp
    if tags is not None or xmp is not None:
        tags = tags or {}
        if xmp is not None:
            tags["_xmp"] = xmp
        apply_exif(meta, tags)
    return meta


_RESYNC_MAX = 1 << 20


def _resync(src: Source, pos: int, limit: int) -> int:
    """The offset of the next 0xFF byte after ``pos`` (within 1 MiB), or -1."""
    stop = min(limit, pos + _RESYNC_MAX)
    while pos < stop:
        chunk = src.read(pos, min(65536, stop - pos))
        if not chunk:
            return -1
        at = chunk.find(b"\xff")
        if at >= 0:
            return pos + at
        pos += len(chunk)
    return -1


def iptc_date(irb: bytes) -> tuple[str, str | None] | None:
    """IPTC DateCreated (2:55) and TimeCreated (2:60) from Photoshop image resources (APP13), as exiftool's
    composite DateTimeOriginal: ("YYYY:MM:DD HH:MM:SS", "+HH:MM" or None); None without both."""
    if not irb.startswith(b"Photoshop 3.0\0"):
        return None
    pos = 14
    while pos + 12 <= len(irb) and irb[pos : pos + 4] == b"8BIM":
        ident = struct.unpack_from(">H", irb, pos + 4)[0]
        name = irb[pos + 6]
        at = pos + 6 + ((name + 2) & ~1)  # Pascal name, padded to an even length
        if at + 4 > len(irb):
            return None
        size = struct.unpack_from(">I", irb, at)[0]
        if ident == 0x0404:
            return _iptc_stamp(irb[at + 4 : at + 4 + size])
        pos = at + 4 + size + (size & 1)
    return None


def _iptc_stamp(data: bytes) -> tuple[str, str | None] | None:
    date = clock = None
    pos = 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, dataset, size = data[pos + 1], data[pos + 2], struct.unpack_from(">H", data, pos + 3)[0]
        if size & 0x8000:
            return None  # extended length: never used for these
        value = data[pos + 5 : pos + 5 + size]
        if record == 2 and dataset == 55:
            date = value
        elif record == 2 and dataset == 60:
            clock = value
        pos += 5 + size
    if not date or not clock or len(date) < 8 or len(clock) < 6 or not (date[:8] + clock[:6]).isdigit():
        return None
    d, t = date.decode("ascii"), clock.decode("ascii")
    offset = f"{t[6:9]}:{t[9:11]}" if len(t) >= 11 and t[6] in "+-" else None
    return f"{d[:4]}:{d[4:6]}:{d[6:8]} {t[:2]}:{t[2:4]}:{t[4:6]}", offset
