"""JPEG headers: walk the markers up to the image data, reading Exif (APP1) and SOF."""

from __future__ import annotations

import struct

from gphotos_tui.exif.metadata import Metadata, apply_exif
from gphotos_tui.exif.tiff import parse_tiff

# Start-of-frame markers carry the pixel size (not DHT C4, JPG C8 or DAC CC).
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def read_jpeg(head: bytes) -> Metadata:
    meta = Metadata("jpeg", "image/jpeg")
    pos = 2
    n = len(head)
    while pos + 4 <= n:
        if head[pos] != 0xFF:
            return meta  # lost sync: garbage after the last good segment
        marker = head[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan: no more headers
            return meta
        length = struct.unpack_from(">H", head, pos + 2)[0]
        end = pos + 2 + length
        if length < 2:
            return meta
        if end > n:
            meta.truncated = True
            return meta
        body = head[pos + 4:end]
        if marker == 0xE1 and body.startswith(b"Exif\0") and meta.make is None and meta.taken_local is None:
            apply_exif(meta, parse_tiff(body[6:]))
        elif marker in _SOF and len(body) >= 5:
            height, width = struct.unpack_from(">HH", body, 1)
            if width and height:
                meta.width, meta.height = width, height  # the real pixels win over PixelX/YDimension
        pos = end
    meta.truncated = True
    return meta
