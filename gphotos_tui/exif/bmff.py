"""ISO base media files: HEIC/HEIF (Exif item, ispe size) and MP4/MOV (mvhd, tkhd).

Boxes are walked in the bytes we were given; the Exif item of a HEIC is
usually inside the first few KiB, a video's ``moov`` may sit at the end of
the file, in which case duration and size are simply not known.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from gphotos_tui.exif.metadata import Metadata, apply_exif
from gphotos_tui.exif.tiff import parse_tiff

_CONTAINERS = {b"moov", b"trak", b"mdia", b"iprp", b"ipco", b"dinf"}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis"}
_MOV_BRANDS = {b"qt  "}


def boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int, bool]]:
    """(type, payload start, payload end, complete) for each box in data[start:end]."""
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                return
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        complete = pos + size <= end
        yield kind, pos + header, min(pos + size, end), complete
        if not complete:
            return
        pos += size


def sniff_bmff(head: bytes) -> str | None:
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(len(head), struct.unpack_from(">I", head)[0]), 4)}
    if b"crx " in brands:
        return "cr3"  # Canon RAW: an ISO box file, but neither HEIF nor a movie
    if brands & _HEIF_BRANDS:
        return "heif"
    if brands & _MOV_BRANDS:
        return "mov"
    return "mp4"


def read_bmff(head: bytes, kind: str) -> Metadata:
    mime = {"heif": "image/heif", "mov": "video/quicktime", "mp4": "video/mp4"}[kind]
    meta = Metadata(kind, mime)
    for box, start, end, complete in boxes(head, 0, len(head)):
        if not complete and box != b"mdat":
            meta.truncated = True
        if box == b"meta" and kind == "heif":
            _read_heif_meta(head, start + 4, end, meta)  # meta is a full box: skip version/flags
        elif box == b"moov":
            _read_moov(head, start, end, meta)
    return meta


# -- HEIF -------------------------------------------------------------------------


def _read_heif_meta(data: bytes, start: int, end: int, meta: Metadata) -> None:
    exif_items: list[int] = []
    locations: dict[int, list[tuple[int, int]]] = {}
    sizes: list[tuple[int, int]] = []
    primary = None
    associations: dict[int, list[int]] = {}
    for box, s, e, complete in boxes(data, start, end):
        if not complete:
            meta.truncated = True
            continue
        if box == b"pitm":
            primary = struct.unpack_from(">H" if data[s] == 0 else ">I", data, s + 4)[0]
        elif box == b"iinf":
            exif_items = list(_exif_item_ids(data, s, e))
        elif box == b"iloc":
            locations = _item_locations(data, s, e)
        elif box == b"iprp":
            sizes, associations = _properties(data, s, e)
    if primary is not None and sizes:
        for index in associations.get(primary, []):
            if 0 < index <= len(sizes) and sizes[index - 1][0]:
                meta.width, meta.height = sizes[index - 1]
                break
    if meta.width is None and sizes:
        meta.width, meta.height = max(sizes, key=lambda wh: wh[0] * wh[1])
    for item in exif_items:
        extents = locations.get(item)
        if not extents:
            continue
        offset, length = extents[0]
        if offset + length > len(data):
            meta.truncated = True
            continue
        payload = data[offset : offset + length]
        if len(payload) < 4:
            continue
        skip = struct.unpack_from(">I", payload)[0]  # exif_tiff_header_offset
        tiff = payload[4 + skip :] if 4 + skip < len(payload) else b""
        if not tiff.startswith((b"II", b"MM")):
            at = payload.find(b"Exif\0\0")
            tiff = payload[at + 6 :] if at >= 0 else b""
        width, height = meta.width, meta.height
        apply_exif(meta, parse_tiff(tiff))
        if width:
            meta.width, meta.height = width, height  # ispe describes the real image
        return


def _exif_item_ids(data: bytes, start: int, end: int) -> Iterator[int]:
    version = data[start]
    pos = start + 4 + (2 if version == 0 else 4)
    for box, s, e, complete in boxes(data, pos, end):
        if box != b"infe" or not complete or e - s < 12:
            continue
        infe_version = data[s]
        if infe_version < 2:
            continue
        item_id, id_len = (
            (struct.unpack_from(">H", data, s + 4)[0], 2)
            if infe_version == 2
            else (struct.unpack_from(">I", data, s + 4)[0], 4)
        )
        item_type = data[s + 4 + id_len + 2 : s + 4 + id_len + 6]
        if item_type == b"Exif":
            yield item_id


def _item_locations(data: bytes, start: int, end: int) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    version = data[start]
    pos = start + 4
    if pos + 2 > end:
        return out
    offset_size, length_size = data[pos] >> 4, data[pos] & 15
    base_size, index_size = data[pos + 1] >> 4, (data[pos + 1] & 15 if version in (1, 2) else 0)
    pos += 2

    def number(size: int) -> int:
        nonlocal pos
        if size == 0:
            return 0
        if pos + size > end:
            raise IndexError
        value = int.from_bytes(data[pos : pos + size], "big")
        pos += size
        return value

    try:
        count = number(2 if version < 2 else 4)
        for _ in range(min(count, 4096)):
            item = number(2 if version < 2 else 4)
            if version in (1, 2):
                number(2)  # construction method: 0 (file offset) is all HEIC cameras write
            number(2)  # data reference index
            base = number(base_size)
            extents = []
            for _ in range(min(number(2), 64)):
                number(index_size)
                extents.append((base + number(offset_size), number(length_size)))
            out[item] = extents
    except IndexError:
        pass
    return out


def _properties(data: bytes, start: int, end: int) -> tuple[list[tuple[int, int]], dict[int, list[int]]]:
    sizes: list[tuple[int, int]] = []
    associations: dict[int, list[int]] = {}
    for box, s, e, complete in boxes(data, start, end):
        if box == b"ipco" and complete:
            for prop, ps, pe, ok in boxes(data, s, e):
                if prop == b"ispe" and ok and pe - ps >= 12:
                    sizes.append(struct.unpack_from(">II", data, ps + 4))
                else:
                    sizes.append((0, 0))  # keep property indexes aligned
        elif box == b"ipma" and complete and e - s >= 8:
            version, flags = data[s], int.from_bytes(data[s + 1 : s + 4], "big")
            pos = s + 4
            count = struct.unpack_from(">I", data, pos)[0]
            pos += 4
            for _ in range(min(count, 4096)):
                if pos + (2 if version < 1 else 4) + 1 > e:
                    break
                item = struct.unpack_from(">H" if version < 1 else ">I", data, pos)[0]
                pos += 2 if version < 1 else 4
                n = data[pos]
                pos += 1
                wide = flags & 1
                indexes = []
                for _ in range(n):
                    if pos + (2 if wide else 1) > e:
                        break
                    raw = struct.unpack_from(">H", data, pos)[0] & 0x7FFF if wide else data[pos] & 0x7F
                    pos += 2 if wide else 1
                    indexes.append(raw)
                associations[item] = indexes
    return sizes, associations


# -- MP4 / MOV ------------------------------------------------------------------------


def _read_moov(data: bytes, start: int, end: int, meta: Metadata) -> None:
    for box, s, e, complete in boxes(data, start, end):
        if not complete:
            meta.truncated = True
            continue
        if box == b"mvhd" and e - s >= 20:
            if data[s] == 1 and e - s >= 32:
                timescale, duration = struct.unpack_from(">IQ", data, s + 20)
            else:
                timescale, duration = struct.unpack_from(">II", data, s + 12)
            if timescale and duration != 0xFFFFFFFF:
                meta.duration_s = round(duration / timescale, 3)
        elif box == b"trak":
            for inner, ts, te, ok in boxes(data, s, e):
                if inner == b"tkhd" and ok:
                    at = ts + (88 if data[ts] == 1 else 76)
                    if at + 8 <= te:
                        width, height = (v >> 16 for v in struct.unpack_from(">II", data, at))
                        if width and height and meta.width is None:
                            meta.width, meta.height = width, height
