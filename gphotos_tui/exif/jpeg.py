"""JPEG headers: walk the markers up to the image data, reading Exif (APP1) and SOF."""

from __future__ import annotations

import struct

from gphotos_tui.exif.metadata import Metadata, apply_exif
from gphotos_tui.exif.tiff import parse_tiff

# Start-of-frame markers carry the pixel size (not DHT C4, JPG C8 or DAC CC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


_SEGMENT = struct.Struct(">BBH")  # 0xFF, marker, length


def read_jpeg(head: bytes) -> Metadata:
    meta = Metadata("jpeg", "image/jpeg")
    pos = 2
    n = len(head)
    while pos + 4 <= n:
        sync, marker, length = _SEGMENT.unpack_from(head, pos)
        if sync != 0xFF:
            return meta  # lost sync: garbage after the last good segment
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan: no more headers
            return meta
        end = pos + 2 + length
        if length < 2:
            return meta
        if end > n:
            meta.truncated = True
            return meta
        if marker == 0xE1:
            if head.startswith(b"Exif\0", pos + 4, end) and meta.make is None and meta.taken_local is None:
                apply_exif(meta, parse_tiff(head[pos + 10 : end]))
        elif marker in _SOF and length >= 7:
            height, width = struct.unpack_from(">HH", head, pos + 5)
            if width and height:
                meta.width, meta.height = width, height  # the real pixels win over PixelX/YDimension
        pos = end
    meta.truncated = True
    return meta
