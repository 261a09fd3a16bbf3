"""Where a photo keeps small JPEG pictures of itself, found with seeks: what a preview decodes instead of the file.

``locate_previews(src)`` lists the embedded JPEGs of a file as (offset, length,
pixel size) and gives the main image's orientation, without reading image
data: a JPEG's Exif thumbnail (IFD1 ``JPEGInterchangeFormat``); a TIFF-based
RAW's previews (CR2, NEF, ARW, DNG, ORF, RW2, PEF...: every IFD of the chain
and the SubIFDs, JPEG strips and ``JpgFromRaw``, Olympus and Pentax maker-note
previews; lossless-JPEG raw data is recognised by its frame marker and skipped); a CR3's ``THMB`` and ``PRVW``
boxes; a RAF's JPEG at the offset its header gives (and that JPEG's own
thumbnail); a HEIC/AVIF's items of type ``jpeg`` (a Fujifilm HIF's previews)
and the Exif item's thumbnail, through ``iloc``. A HEIC's ``thmb`` item is
HEVC like the picture itself: it is not listed. Videos have none.

Each read is bounded (an IFD, a box header, a JPEG's markers up to its
frame header); the image data is never touched. ``PreviewPlan.best`` picks
the smallest JPEG that is at least the size asked, preferring those with the
picture's shape (cameras letterbox 160x120 thumbnails of 3:2 pictures).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

from gphotos_tui.exif.bmff import _item_locations, box_headers, boxes
from gphotos_tui.exif.source import Source

__all__ = ["EmbeddedJpeg", "PreviewPlan", "locate_previews"]

_CANON_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")  # moov/uuid: CMT1..4, THMB
_PRVW_UUID = bytes.fromhex("eaf42b5e1c984b88b9fbb7dc406e4d16")  # top-level uuid: PRVW
_MAX_IFDS = 16
_MAX_ENTRIES = 512
_MAX_SEGMENTS = 64  # markers walked in one JPEG before its frame header
_MAX_META = 4 * 1024 * 1024
_DECODABLE_SOF = {0xC0, 0xC1, 0xC2}  # baseline, extended, progressive Huffman: what Pillow decodes
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True, slots=True)
class EmbeddedJpeg:
    """One JPEG stored inside the file: ``length`` bytes at ``offset`` (from the start of the file)."""

    name: str  # exiftool's name for it: ThumbnailImage, PreviewImage, JpgFromRaw
    offset: int
    length: int
    width: int
    height: int


@dataclass(slots=True)
class PreviewPlan:
    """What a preview of one file can decode: its embedded JPEGs and the main image's orientation."""

    format: str | None  # the reader's format name (``exif.sniff``), None for bytes it does not know
    orientation: int = 1  # Exif orientation (1-8) of the main image: the JPEGs are stored as the sensor saw
    jpegs: list[EmbeddedJpeg] = field(default_factory=list)
    width: int | None = None  # the main image's stored size when known (a JPEG's frame), for its shape
    height: int | None = None

    def best(self, width: int, height: int, decodable: bool = True) -> EmbeddedJpeg | None:
        """The smallest embedded JPEG that fills a ``width`` x ``height`` box (display pixels).

        Only JPEGs with the picture's shape are taken when the file itself can be decoded
        (``decodable``: a letterboxed or stale thumbnail is no preview of the picture); otherwise
        any JPEG will do, and when none is large enough the largest, as a small picture beats none.
        """
        usable = [j for j in self.jpegs if j.width > 0 and j.height > 0]
        if not usable:
            return None
        ref = (self.width, self.height) if self.width and self.height else None
        if ref is None:
            big = max(usable, key=lambda j: j.width * j.height)  # the biggest preview is never letterboxed
            ref = (big.width, big.height)
        shaped = [j for j in usable if abs(j.width * ref[1] - j.height * ref[0]) <= 0.03 * j.height * ref[0]]
        swap = self.orientation >= 5

        def fills(j: EmbeddedJpeg) -> bool:  # fitted into the box, the picture is not enlarged
            w, h = (j.height, j.width) if swap else (j.width, j.height)
            return w >= width or h >= height

        for pool in (shaped, [] if decodable else usable):
            large = [j for j in pool if fills(j)]
            if large:
                return min(large, key=lambda j: j.width * j.height)
        if decodable:
            return None
        return max(shaped or usable, key=lambda j: j.width * j.height)


def locate_previews(src: Source, kind: str | None) -> PreviewPlan:
    """The embedded JPEGs of the file behind ``src``, whose format ``kind`` is ``exif.sniff``'s name.

    Damaged structures give what was found before the damage, never an exception.
    """
    plan = PreviewPlan(kind)
    try:
        if kind == "jpeg":
            _jpeg(src, 0, src.size, plan, main=True)
        elif kind == "tiff":
            plan.orientation = _tiff(src, 0, plan, chain_names=("PreviewImage", "ThumbnailImage")) or 1
        elif kind == "raf":
            _raf(src, plan)
        elif kind == "cr3":
            _cr3(src, plan)
        elif kind in ("heif", "avif"):
            _heif(src, plan)
    except (IndexError, ValueError, KeyError, struct.error, OverflowError):
        pass  # damaged: keep what was found
    seen: set[int] = set()
    unique = []
    for j in plan.jpegs:
        if j.offset not in seen and j.offset + j.length <= src.size:
            seen.add(j.offset)
            unique.append(j)
    plan.jpegs = unique
    return plan


# -- JPEG ------------------------------------------------------------------------------------


def _segments(src: Source, start: int, end: int) -> Iterator[tuple[int, int, bytes, int]]:
    """(position, marker, the segment's first 10 bytes, length) of each marker segment of the JPEG at
    ``start``, up to its scan; a damaged marker or length ends the walk."""
    pos = start + 2
    for _ in range(_MAX_SEGMENTS):
        raw = src.read(pos, 10)
        if len(raw) < 4 or raw[0] != 0xFF or pos + 4 > end:
            return
        marker = raw[1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):
            return
        length = struct.unpack_from(">H", raw, 2)[0]
        if length < 2:
            return
        yield pos, marker, raw, length
        pos += 2 + length


def _jpeg_frame(src: Source, start: int, end: int) -> tuple[int, int, int] | None:
    """(width, height, SOF marker) of the JPEG in [start, end), from its markers up to the frame header."""
    if src.read(start, 2) != b"\xff\xd8":
        return None
    for _pos, marker, raw, length in _segments(src, start, end):
        if marker in _SOF:
            if len(raw) < 9 or length < 7:
                return None
            height, width = struct.unpack_from(">HH", raw, 5)
            return width, height, marker
    return None


def _add_jpeg(src: Source, plan: PreviewPlan, name: str, offset: int, length: int) -> None:
    if length < 64 or offset < 0:  # a stub (exiftool's test files hold 26-byte "JPEGs")
        return
    frame = _jpeg_frame(src, offset, offset + length)
    if frame is None or frame[2] not in _DECODABLE_SOF or not frame[0] or not frame[1]:
        return  # not a JPEG, or lossless JPEG (raw sensor data): nothing Pillow shows
    plan.jpegs.append(EmbeddedJpeg(name, offset, length, frame[0], frame[1]))


def _jpeg(src: Source, start: int, end: int, plan: PreviewPlan, main: bool) -> None:
    """The Exif thumbnail (and, for the file itself, orientation and frame size) of the JPEG at ``start``."""
    exif_at = None
    for pos, marker, raw, length in _segments(src, start, end):
        if marker == 0xE1 and exif_at is None and raw[4:10] == b"Exif\0\0":
            exif_at = pos + 10
        elif marker == 0xE0 and main and raw[4:10] == b"JFXX\0\x10" and length > 8:  # JFIF's JPEG thumbnail
            _add_jpeg(src, plan, "ThumbnailImage", pos + 10, length - 8)
        elif marker in _SOF and main and len(raw) >= 9:
            plan.height, plan.width = struct.unpack_from(">HH", raw, 5)
            break
    if exif_at is not None:
        orientation = _tiff(src, exif_at, plan, chain_names=("", "ThumbnailImage"), follow_sub=False)
        if main and orientation:
            plan.orientation = orientation


# -- TIFF and TIFF-based RAW ----------------------------------------------------------------


def _tiff(
    src: Source, base: int, plan: PreviewPlan, chain_names: tuple[str, ...], follow_sub: bool = True
) -> int | None:
    """Add the JPEGs of the TIFF block at ``base``; returns IFD0's orientation.

    ``chain_names[i]``: what the JPEG of the i-th IFD of the chain is called ("" skips it, the last name
    serves the rest); SubIFD JPEGs are previews.
    """
    head = src.read(base, 8)
    if len(head) < 8 or head[:2] not in (b"II", b"MM"):
        return None
    e = "<" if head[:2] == b"II" else ">"
    magic, first = struct.unpack_from(e + "HI", head, 2)
    if magic not in (42, 0x4F52, 0x5352, 0x55):  # TIFF, Olympus ORF, Panasonic RW2
        return None
    orientation = None
    cr2 = src.read(base + 8, 2) == b"CR"
    queue: list[tuple[int, str, int]] = [(first, chain_names[0], 0)]  # (offset, name, place in the chain)
    seen: set[int] = set()
    while queue and len(seen) < _MAX_IFDS:
        offset, name, index = queue.pop(0)
        if offset < 8 or offset in seen:
            continue
        seen.add(offset)
        tags, following = _ifd(src, base, offset, e)
        if following and index >= 0:
            queue.append((following, chain_names[min(index + 1, len(chain_names) - 1)], index + 1))
        if orientation is None and len(seen) == 1:
            value = tags.get(0x0112)
            orientation = value[0] if value and 1 <= value[0] <= 8 else None
            if follow_sub and 0x8769 in tags:  # a RAW file: Olympus and Pentax keep the preview in the maker note
                exif, _ = _ifd(src, base, tags[0x8769][0], e, frozenset({0x927C}))
                if 0x927C in exif:
                    _maker_note(src, base, exif[0x927C][0], plan)
        if follow_sub:
            queue.extend((sub, "sub", -1) for sub in tags.get(0x014A, ()))
        label = "PreviewImage" if name == "sub" else name
        if not label:
            continue
        # A reduced-resolution IFD, IFD0/IFD1 or a SubIFD holds previews; the other pages of a multi-page
        # TIFF are other pictures, and a full-resolution JPEG strip is the picture itself (CR2's IFD0 aside).
        reduced = bool(tags.get(0x00FE, (0,))[0] & 1)
        if 0x0201 in tags and 0x0202 in tags and (reduced or index <= 1):
            _add_jpeg(src, plan, label, base + tags[0x0201][0], tags[0x0202][0])
        compression = tags.get(0x0103, (0,))[0]
        strips, counts = tags.get(0x0111, ()), tags.get(0x0117, ())
        if compression in (6, 7) and len(strips) == 1 and len(counts) == 1 and (reduced or (cr2 and index == 0)):
            _add_jpeg(src, plan, label, base + strips[0], counts[0])
        if 0x002E in tags:  # Panasonic's JpgFromRaw: (offset, length) of an UNDEFINED blob
            at, length = tags[0x002E]
            _add_jpeg(src, plan, "JpgFromRaw", base + at, length)
    return orientation


_WANTED = frozenset({0x00FE, 0x0100, 0x0101, 0x0103, 0x0111, 0x0112, 0x0117, 0x0201, 0x0202, 0x014A, 0x002E, 0x8769})
_BLOBS = frozenset({0x002E, 0x927C})  # UNDEFINED blobs kept as (offset, length): JpgFromRaw, MakerNote
_NUMBER = {3: "H", 4: "I", 9: "i", 13: "I"}


def _ifd(
    src: Source, base: int, offset: int, e: str, wanted: frozenset[int] = _WANTED
) -> tuple[dict[int, tuple[int, ...]], int]:
    """The wanted tags of one IFD as tuples of numbers (blobs: their offset and length); the next IFD."""
    raw = src.read(base + offset, 2)
    if len(raw) < 2:
        return {}, 0
    count = struct.unpack(e + "H", raw)[0]
    if not 0 < count <= _MAX_ENTRIES:
        return {}, 0
    block = src.read(base + offset + 2, 12 * count + 4)
    if len(block) < 12 * count:
        return {}, 0
    following = struct.unpack_from(e + "I", block, 12 * count)[0] if len(block) == 12 * count + 4 else 0
    tags: dict[int, tuple[int, ...]] = {}
    for tag, typ, n, inline in struct.iter_unpack(e + "HHI4s", block[: 12 * count]):
        if tag not in wanted:
            continue
        if tag in _BLOBS:
            if typ in (1, 7) and n > 4:
                tags[tag] = (struct.unpack(e + "I", inline)[0], n)
            continue
        code = _NUMBER.get(typ)
        if code is None or not 0 < n <= 64:
            continue
        size = struct.calcsize(code) * n
        data = inline[:size] if size <= 4 else src.read(base + struct.unpack(e + "I", inline)[0], size)
        if len(data) == size:
            tags[tag] = struct.unpack(e + code * n, data)
    return tags, following


def _maker_note(src: Source, base: int, at: int, plan: PreviewPlan) -> None:
    """The preview of an Olympus (CameraSettings 0x101/0x102, from the maker note's start), Nikon (PreviewIFD,
    from the note's own TIFF header) or Pentax (0x0004/0x0003, from the file's TIFF header) maker note."""
    head = src.read(base + at, 16)
    for prefix, skip in ((b"OLYMPUS\0", 12), (b"OM SYSTEM\0", 16)):
        if head.startswith(prefix):
            note = base + at
            me = "<" if head[skip - 4 : skip - 2] == b"II" else ">"
            main, _ = _ifd(src, note, skip, me, frozenset({0x2020}))
            if 0x2020 in main:
                settings, _ = _ifd(src, note, main[0x2020][0], me, frozenset({0x0101, 0x0102}))
                if 0x0101 in settings and 0x0102 in settings:
                    _add_jpeg(src, plan, "PreviewImage", note + settings[0x0101][0], settings[0x0102][0])
            return
    if head.startswith(b"Nikon\0\x02"):  # a TIFF header of its own at +10; PreviewIFD (0x11) holds the preview
        note = base + at + 10
        inner = src.read(note, 8)
        if len(inner) == 8 and inner[:2] in (b"II", b"MM"):
            me = "<" if inner[:2] == b"II" else ">"
            main, _ = _ifd(src, note, struct.unpack_from(me + "I", inner, 4)[0], me, frozenset({0x0011}))
            if 0x0011 in main:
                preview, _ = _ifd(src, note, main[0x0011][0], me, frozenset({0x0201, 0x0202}))
                if 0x0201 in preview and 0x0202 in preview:
                    _add_jpeg(src, plan, "PreviewImage", note + preview[0x0201][0], preview[0x0202][0])
        return
    if head.startswith(b"AOC\0"):
        me = {b"II": "<", b"MM": ">"}.get(head[4:6], ">")
        tags, _ = _ifd(src, base + at, 6, me, frozenset({0x0003, 0x0004}))
        if 0x0003 in tags and 0x0004 in tags:
            _add_jpeg(src, plan, "PreviewImage", base + tags[0x0004][0], tags[0x0003][0])


# -- RAF, CR3 -------------------------------------------------------------------------------


def _raf(src: Source, plan: PreviewPlan) -> None:
    """A RAF's header gives its JPEG preview's offset and length at byte 84; that JPEG has a thumbnail too."""
    header = src.read(84, 8)
    if len(header) < 8:
        return
    at, length = struct.unpack(">II", header)
    _add_jpeg(src, plan, "PreviewImage", at, length)
    if plan.jpegs:
        inner = PreviewPlan("jpeg")
        _jpeg(src, at, at + length, inner, main=True)
        plan.orientation = inner.orientation
        plan.jpegs += inner.jpegs


def _cr3(src: Source, plan: PreviewPlan) -> None:
    """CR3: moov/uuid(Canon) holds CMT1 (IFD0: orientation) and THMB; a top-level uuid holds PRVW."""
    for box, start, end in box_headers(src, 0, src.size):
        if box == b"moov":
            for inner, s, e in box_headers(src, start, end):
                if inner == b"uuid" and src.read(s, 16) == _CANON_UUID:
                    for child, cs, ce in box_headers(src, s + 16, e):
                        if child == b"CMT1":
                            orientation = _ifd_orientation(src, cs)
                            if orientation:
                                plan.orientation = orientation
                        elif child == b"THMB":  # version/flags, width, height, JPEG length, 4 reserved bytes
                            _boxed_jpeg(src, plan, "ThumbnailImage", cs + 8, cs + 16, ce)
        elif box == b"uuid" and src.read(start, 16) == _PRVW_UUID:
            for child, cs, ce in box_headers(src, start + 24, end):  # the uuid, then 8 bytes (0, 1)
                if child == b"PRVW":  # 4 reserved bytes, 1, width, height, 1, JPEG length
                    _boxed_jpeg(src, plan, "PreviewImage", cs + 12, cs + 16, ce)


def _boxed_jpeg(src: Source, plan: PreviewPlan, name: str, length_at: int, start: int, end: int) -> None:
    raw = src.read(length_at, 4)
    declared = struct.unpack(">I", raw)[0] if len(raw) == 4 else 0
    length = declared if 0 < declared <= end - start else end - start
    _add_jpeg(src, plan, name, start, length)


def _ifd_orientation(src: Source, base: int) -> int | None:
    head = src.read(base, 8)
    if len(head) < 8 or head[:2] not in (b"II", b"MM"):
        return None
    e = "<" if head[:2] == b"II" else ">"
    tags, _ = _ifd(src, base, struct.unpack_from(e + "I", head, 4)[0], e)
    value = tags.get(0x0112)
    return value[0] if value and 1 <= value[0] <= 8 else None


# -- HEIF / AVIF ----------------------------------------------------------------------------

# Stored-to-display transforms as 2x2 matrices on (x, y), y down: Exif orientations and HEIF's irot/imir.
_ORIENTATIONS: dict[tuple[int, ...], int] = {
    (1, 0, 0, 1): 1,
    (-1, 0, 0, 1): 2,
    (-1, 0, 0, -1): 3,
    (1, 0, 0, -1): 4,
    (0, 1, 1, 0): 5,
    (0, -1, 1, 0): 6,
    (0, -1, -1, 0): 7,
    (0, 1, -1, 0): 8,
}
_IROT = {0: (1, 0, 0, 1), 1: (0, 1, -1, 0), 2: (-1, 0, 0, -1), 3: (0, -1, 1, 0)}  # angle x 90 anti-clockwise
_IMIR = {0: (-1, 0, 0, 1), 1: (1, 0, 0, -1)}  # mirror about the vertical / the horizontal axis


def _then(first: tuple[int, ...], second: tuple[int, ...]) -> tuple[int, ...]:
    a, b, c, d = second
    p, q, r, s = first
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s)


def _heif(src: Source, plan: PreviewPlan) -> None:
    for box, start, end in box_headers(src, 0, src.size):
        if box == b"meta":
            if end - start <= _MAX_META:
                _heif_meta(src, start, src.read(start, end - start), plan)
            return


def _heif_meta(src: Source, start: int, data: bytes, plan: PreviewPlan) -> None:
    types: dict[int, bytes] = {}
    locations: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    props: list[tuple[bytes, int]] = []  # (type, value) per property index: irot angle, imir axis
    associations: dict[int, list[int]] = {}
    primary = None
    for box, s, e, complete in boxes(data, 4, len(data)):
        if not complete:
            continue
        if box == b"pitm":
            primary = struct.unpack_from(">H" if data[s] == 0 else ">I", data, s + 4)[0]
        elif box == b"iinf":
            types = _item_types(data, s, e)
        elif box == b"iloc":
            locations = _item_locations(data, s, e)
        elif box == b"iprp":
            props, associations = _transforms(data, s, e)
    matrix: tuple[int, ...] = (1, 0, 0, 1)
    transformed = False
    for index in associations.get(primary, []) if primary is not None else []:
        if 0 < index <= len(props):
            kind, value = props[index - 1]
            if kind == b"irot":
                matrix, transformed = _then(matrix, _IROT[value & 3]), True
            elif kind == b"imir":
                matrix, transformed = _then(matrix, _IMIR[value & 1]), True
    for item, kind in types.items():
        where = locations.get(item)
        if where is None or where[0] != 0 or len(where[1]) != 1:
            continue  # in idat or in pieces: not one run of the file
        offset, length = where[1][0]
        if kind == b"jpeg":
            _add_jpeg(src, plan, "PreviewImage", offset, length)
        elif kind == b"Exif" and length > 8:
            skip = src.u32(offset)
            if skip is not None and skip < length:
                orientation = _tiff(src, offset + 4 + skip, plan, ("", "ThumbnailImage"), follow_sub=False)
                if orientation and not transformed:
                    plan.orientation = orientation
    if transformed:
        plan.orientation = _ORIENTATIONS.get(matrix, 1)


def _item_types(data: bytes, start: int, end: int) -> dict[int, bytes]:
    out: dict[int, bytes] = {}
    pos = start + 4 + (2 if data[start] == 0 else 4)
    for box, s, e, complete in boxes(data, pos, end):
        if box != b"infe" or not complete or e - s < 12 or data[s] < 2:
            continue
        if data[s] == 2:
            item, at = struct.unpack_from(">H", data, s + 4)[0], s + 8
        else:
            item, at = struct.unpack_from(">I", data, s + 4)[0], s + 10
        out[item] = data[at : at + 4]
    return out


def _transforms(data: bytes, start: int, end: int) -> tuple[list[tuple[bytes, int]], dict[int, list[int]]]:
    props: list[tuple[bytes, int]] = []
    associations: dict[int, list[int]] = {}
    for box, s, e, complete in boxes(data, start, end):
        if box == b"ipco" and complete:
            for prop, ps, pe, ok in boxes(data, s, e):
                props.append((prop, data[ps] if ok and pe > ps else 0))
        elif box == b"ipma" and complete and e - s >= 8:
            version, flags = data[s], data[s + 3]
            count = struct.unpack_from(">I", data, s + 4)[0]
            pos = s + 8
            id_size, index_size = (2 if version < 1 else 4), (2 if flags & 1 else 1)
            for _ in range(min(count, 65536)):
                if pos + id_size + 1 > e:
                    break
                item = int.from_bytes(data[pos : pos + id_size], "big")
                n = data[pos + id_size]
                pos += id_size + 1
                indexes = []
                for _ in range(n):
                    if pos + index_size > e:
                        break
                    raw = int.from_bytes(data[pos : pos + index_size], "big")
                    indexes.append(raw & (0x7FFF if index_size == 2 else 0x7F))
                    pos += index_size
                associations.setdefault(item, indexes)
    return props, associations
