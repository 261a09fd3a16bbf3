"""ISO base media files: HEIC/HEIF/AVIF (Exif item, ispe size), MP4/MOV/3GP and Canon CR3.

Boxes are followed with seeks wherever they sit: a HEIC's ``meta`` box and
its Exif item may lie anywhere (Samsung puts the Exif item at the end), a
video's ``moov`` often comes after ``mdat``. Only the boxes we decode are
read; a movie's sample tables (``stbl``, megabytes for a long video) are
skipped by their size.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

from gphotos_tui.exif.metadata import Metadata, apply_exif, apply_xmp, set_stamp
from gphotos_tui.exif.source import Source
from gphotos_tui.exif.tiff import EXIF_TAGS, GPS_TAGS, IMAGE_TAGS, parse_tiff, parse_tiff_ifd
from gphotos_tui.units import rational

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}
_QT_TOP = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_MAX_META = 4 * 1024 * 1024
_EPOCH_1904 = 2082844800  # seconds from 1904-01-01 to 1970-01-01
_CANON_UUID = bytes.fromhex("85c0b687820f11e08111f4ce462b6a48")
_XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")  # Adobe's XMP box in MP4/MOV
_ISO6709 = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)")

_MIME = {
    "heif": "image/heif",
    "avif": "image/avif",
    "mov": "video/quicktime",
    "mp4": "video/mp4",
    "m4v": "video/x-m4v",
    "3gp": "video/3gpp",
    "3g2": "video/3gpp2",
    "cr3": "image/x-canon-cr3",
}


def box_headers(src: Source, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) for each box in [start, end) of the file, by seeks."""
    pos = start
    while pos + 8 <= end:
        raw = src.read(pos, 16)
        if len(raw) < 8:
            return
        size, kind = struct.unpack_from(">I4s", raw)
        header = 8
        if size == 1:
            if len(raw) < 16:
                return
            size = struct.unpack_from(">Q", raw, 8)[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        stop = pos + size
        if stop > src.size:
            src.short = True  # the box runs past what we can read: more may follow it
        yield kind, pos + header, stop if stop < end else end
        pos = stop


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
    if len(head) < 12:
        return None
    if head[4:8] != b"ftyp":
        if head[4:8] in _QT_TOP:
            return "mov"  # an old QuickTime movie: no ftyp box
        return None
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, min(len(head), struct.unpack_from(">I", head)[0]), 4)}
    if major == b"crx " or b"crx " in brands:
        return "cr3"  # Canon RAW: an ISO box file, but neither HEIF nor a movie
    if major in _AVIF_BRANDS:
        return "avif"
    if major in _HEIF_BRANDS:
        return "heif"
    if major == b"qt  ":
        return "mov"
    if major.startswith((b"3gp", b"3ge", b"3gg")):
        return "3gp"
    if major.startswith(b"3g2"):
        return "3g2"
    if major in (b"M4V ", b"M4VH", b"M4VP"):
        return "m4v"
    if brands & _AVIF_BRANDS and not brands & {b"heic", b"heix"}:
        return "avif"
    if brands & _HEIF_BRANDS and not brands & {b"isom", b"mp41", b"mp42"}:
        return "heif"
    if b"qt  " in brands:
        return "mov"
    return "mp4"


def read_bmff(src: Source, kind: str) -> Metadata:
    fmt = {"m4v": "mp4", "3g2": "3gp"}.get(kind, kind)
    meta = Metadata(fmt, _MIME[kind])
    done = False  # the box holding the metadata was read whole: what lies past the head does not matter
    xmp = None
    for box, start, end in box_headers(src, 0, src.size):
        if box == b"meta" and kind in ("heif", "avif"):
            src.short = False
            _read_heif_meta(src, start, end, meta)
            done = not src.short
        elif box == b"moov":
            src.short = False
            xmp = _read_moov(src, start, end, meta, kind) or xmp
            done = not src.short
        elif (box == b"uuid" and kind not in ("heif", "avif") and 16 < end - start < _MAX_META) and src.read(
            start, 16
        ) == _XMP_UUID:
            xmp = src.read(start + 16, end - start - 16)
    if xmp:
        _movie_xmp(meta, xmp)
    if src.short and not done:
        meta.truncated = True
    return meta


def _movie_xmp(meta: Metadata, xmp: bytes) -> None:
    """A movie's XMP (Adobe's uuid box, QuickTime's udta/XMP_): its capture time, as a wall clock with its
    offset, before the container's UTC creation time (exiftool's order); a Keys date still wins."""
    taken_utc = meta.taken_utc
    apply_xmp(meta, xmp, dates=meta.taken_local is None)
    meta.taken_utc = taken_utc


# -- HEIF -------------------------------------------------------------------------


def _read_heif_meta(src: Source, start: int, end: int, meta: Metadata) -> None:
    if end - start > _MAX_META:
        meta.note = f"HEIF meta box of {end - start:,} bytes skipped"
        return
    data = src.read(start, end - start)
    if len(data) < end - start:
        meta.truncated = True
    exif_items: list[int] = []
    xmp_items: list[int] = []
    locations: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    sizes: list[tuple[int, int]] = []
    primary = None
    idat = None
    associations: dict[int, list[int]] = {}
    for box, s, e, complete in boxes(data, 4, len(data)):  # meta is a full box: skip version/flags
        if not complete:
            meta.truncated = True
            continue
        if box == b"pitm":
            primary = struct.unpack_from(">H" if data[s] == 0 else ">I", data, s + 4)[0]
        elif box == b"iinf":
            exif_items, xmp_items = _item_ids(data, s, e)
        elif box == b"iloc":
            locations = _item_locations(data, s, e)
        elif box == b"iprp":
            sizes, associations = _properties(data, s, e)
        elif box == b"idat":
            idat = start + s
    if primary is not None and sizes:
        for index in associations.get(primary, []):
            if 0 < index <= len(sizes) and sizes[index - 1][0]:
                meta.width, meta.height = sizes[index - 1]
                break
    if meta.width is None and sizes:
        found = {wh for wh in sizes if wh[0]}
        if len(found) == 1:  # primary not associated (damage): only an unambiguous size
            meta.width, meta.height = found.pop()
    xmp = None
    for item in xmp_items:
        xmp = _item_bytes(src, locations.get(item), idat)
        if xmp:
            break
    for item in exif_items:
        payload = _item_bytes(src, locations.get(item), idat)
        if not payload or len(payload) < 4:
            continue
        skip = struct.unpack_from(">I", payload)[0]  # exif_tiff_header_offset
        tiff = payload[4 + skip :] if 4 + skip < len(payload) else b""
        if not tiff.startswith((b"II", b"MM")):
            at = payload.find(b"Exif\0\0")
            tiff = payload[at + 6 :] if at >= 0 else b""
        width, height = meta.width, meta.height
        tags = parse_tiff(tiff)
        if xmp:
            tags["_xmp"] = xmp
        apply_exif(meta, tags)
        if width:
            meta.width, meta.height = width, height  # ispe describes the real image
        return
    if xmp:
        apply_exif(meta, {"_xmp": xmp})


def _item_bytes(src: Source, location: tuple[int, list[tuple[int, int]]] | None, idat: int | None) -> bytes | None:
    if not location:
        return None
    method, extents = location
    if method == 1:
        if idat is None:
            return None
        extents = [(idat + offset, length) for offset, length in extents]
    elif method != 0:
        return None
    parts = []
    total = 0
    for offset, length in extents:
        if length == 0:  # "to the end of the file"
            length = src.size - offset
        total += length
        if total > _MAX_META:
            return None
        part = src.read(offset, length)
        if len(part) < length:
            return None
        parts.append(part)
    return b"".join(parts)


def _item_ids(data: bytes, start: int, end: int) -> tuple[list[int], list[int]]:
    exif: list[int] = []
    xmp: list[int] = []
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
        at = s + 4 + id_len + 2
        item_type = data[at : at + 4]
        if item_type == b"Exif":
            exif.append(item_id)
        elif item_type == b"mime":
            rest = data[at + 4 : e]
            if b"application/rdf+xml" in rest:
                xmp.append(item_id)
    return exif, xmp


def _item_locations(data: bytes, start: int, end: int) -> dict[int, tuple[int, list[tuple[int, int]]]]:
    out: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    version = data[start]
    pos = start + 4
    if pos + 2 > end:
        return out
    offset_size, length_size = data[pos] >> 4, data[pos] & 15
    base_size, index_size = data[pos + 1] >> 4, (data[pos + 1] & 15 if version in (1, 2) else 0)
    pos += 2
    codes = _ILOC_CODES
    if offset_size in codes and length_size in codes and base_size in codes and index_size in codes:
        return _item_locations_fixed(data, pos, end, version, offset_size, length_size, base_size, index_size)

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
        for _ in range(min(count, 65536)):
            item = number(2 if version < 2 else 4)
            method = number(2) & 15 if version in (1, 2) else 0
            number(2)  # data reference index
            base = number(base_size)
            extents = []
            for _ in range(min(number(2), 256)):
                number(index_size)
                extents.append((base + number(offset_size), number(length_size)))
            out[item] = (method, extents)
    except IndexError:
        pass
    return out


_ILOC_CODES = {0: "", 4: "I", 8: "Q"}  # the field sizes ISO/IEC 14496-12 allows


def _item_locations_fixed(
    data: bytes, pos: int, end: int, version: int, offset_size: int, length_size: int, base_size: int, index_size: int
) -> dict[int, tuple[int, list[tuple[int, int]]]]:
    """``_item_locations`` with one struct unpack per item and per extent (the sizes every writer uses)."""
    out: dict[int, tuple[int, list[tuple[int, int]]]] = {}
    codes = _ILOC_CODES
    wide = version >= 2
    item_fmt = struct.Struct(
        ">" + ("I" if wide else "H") + ("H" if version in (1, 2) else "") + "H" + codes[base_size] + "H"
    )
    extent_fmt = struct.Struct(">" + codes[index_size] + codes[offset_size] + codes[length_size])
    has_method = version in (1, 2)
    item_size, extent_size = item_fmt.size, extent_fmt.size
    if pos + (4 if wide else 2) > end:
        return out
    count = struct.unpack_from(">I" if wide else ">H", data, pos)[0]
    pos += 4 if wide else 2
    for _ in range(min(count, 65536)):
        if pos + item_size > end:
            break
        fields = item_fmt.unpack_from(data, pos)
        pos += item_size
        item = fields[0]
        method = fields[1] & 15 if has_method else 0
        base = fields[-2] if base_size else 0
        extents = []
        cut = False
        for _ in range(min(fields[-1], 256)):
            if pos + extent_size > end:
                cut = True
                break
            values = extent_fmt.unpack_from(data, pos)
            pos += extent_size
            if index_size:
                values = values[1:]
            offset = values[0] if offset_size else 0
            length = values[-1] if length_size else 0
            extents.append((base + offset, length))
        if cut:
            break
        out[item] = (method, extents)
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
            for _ in range(min(count, 65536)):
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
                associations.setdefault(item, indexes)
    return sizes, associations


# -- MP4 / MOV / CR3 ----------------------------------------------------------------


def _read_moov(src: Source, start: int, end: int, meta: Metadata, kind: str) -> bytes | None:
    """Reads moov's boxes into ``meta``; returns its XMP packet (udta/XMP_) if any, applied by the caller."""
    keys_meta: tuple[int, int] | None = None
    xmp = None
    for box, s, e in box_headers(src, start, end):
        if box == b"mvhd":
            data = src.read(s, min(e - s, 120))
            _mvhd(data, meta)
        elif box == b"trak" and meta.width is None:
            _trak(src, s, e, meta)
        elif box == b"udta":
            xmp = _udta(src, s, e, meta, kind) or xmp
        elif box == b"meta":
            keys_meta = (s, e)
        elif box == b"uuid" and kind == "cr3":
            _canon_uuid(src, s, e, meta)
    if keys_meta is not None:
        _apple_keys(src, *keys_meta, meta)
    return xmp


def _mvhd(data: bytes, meta: Metadata) -> None:
    if len(data) < 20:
        return
    if data[0] == 1 and len(data) >= 32:
        created, _modified, timescale, duration = struct.unpack_from(">QQIQ", data, 4)
    else:
        created, _modified, timescale, duration = struct.unpack_from(">IIII", data, 4)
    if timescale and duration not in (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):
        meta.duration_s = round(duration / timescale, 3)
    if created > _EPOCH_1904 and meta.taken_utc is None:
        meta.taken_utc = created - _EPOCH_1904  # QuickTime times are UTC


def _trak(src: Source, start: int, end: int, meta: Metadata) -> None:
    for box, s, e in box_headers(src, start, end):
        if box == b"tkhd":
            data = src.read(s, min(e - s, 100))
            at = 84 if data[:1] == b"\x01" else 72  # width/height: the last 8 bytes of tkhd
            if len(data) >= at + 12:
                width, height = (v >> 16 for v in struct.unpack_from(">II", data, at + 4))
                if width and height:
                    meta.width, meta.height = width, height
            return


def _udta(src: Source, start: int, end: int, meta: Metadata, kind: str = "mov") -> bytes | None:
    xmp = None
    for box, s, e in box_headers(src, start, end):
        if box == b"XMP_" and e - s < _MAX_META:
            xmp = src.read(s, e - s)
        elif box == b"loci" and e - s < 4096 and meta.latitude is None:
            _loci(src.read(s, e - s), meta)
        elif box == b"TAGS" and e - s < 65536:
            _camera_tags(src.read(s, e - s), meta, kind)
        elif box in (b"\xa9xyz", b"\xa9mak", b"\xa9mod") and e - s < 4096:
            data = src.read(s, e - s)
            if len(data) < 4:
                continue
            length = struct.unpack_from(">H", data)[0]
            text = data[4 : 4 + length].decode("utf-8", "replace").strip("\0 ")
            if box == b"\xa9xyz":
                _iso6709(text, meta)
            elif box == b"\xa9mak" and text:
                meta.make = meta.make or text
            elif box == b"\xa9mod" and text:
                meta.model = meta.model or text
    return xmp


# udta/TAGS of compact cameras' movies: little-endian binary data whose first bytes name the maker
# (exiftool's FujiFilm, Kodak, Minolta, Nikon, Pentax, Samsung and Sanyo MOV tables). Per maker: the
# make's length, then (offset, length) of the model, (offset, numerator) of the exposure time
# (numerator / value), (offset, "r" rational64u or "d" int32u tenths) of the f-number and of the
# focal length, (offset, size, minimum) of the ISO; None where the maker writes none.
_CAMERA_TAGS = (
    (b"FUJIFILM DIGITAL CAMERA\0", 24, (0x18, 16), (0x2E, 1), (0x32, "r"), None, None),
    (b"EASTMAN KODAK COMPANY", 21, (0x16, 42), (0x4E, 10), (0x52, "r"), (0x70, "r"), None),
    (b"KONICA MINOLTA DIGITAL CAMERA", 32, None, (0x2E, 10), (0x32, "r"), (0x50, "r"), None),
    (b"MINOLTA DIGITAL CAMERA", 32, None, (0x26, 10), (0x2A, "r"), (0x48, "r"), None),
    (b"NIKON DIGITAL CAMERA\0", 24, (0x18, 8), (0x26, 10), (0x2A, "r"), (0x48, "r"), (0xDF, 2, 50)),
    (b"PENTAX DIGITAL CAMERA\0", 24, None, (0x26, 10), (0x2A, "r"), (0x48, "r"), (0xAF, 2, 1)),
    (b"SAMSUNG DIGITAL CAMERA\0", 24, (0x18, 16), (0x2E, 10), (0x32, "r"), None, (0x6A, 4, 1)),
    (b"SANYO DIGITAL CAMERA\0", 24, (0x18, 8), (0x26, 10), (0x2A, "d"), (0x48, "d"), None),  # MOV only
)


def _camera_tags(data: bytes, meta: Metadata, kind: str) -> None:
    spec = next((tags for tags in _CAMERA_TAGS if data.startswith(tags[0])), None)
    if spec is None:
        return
    prefix, make_len, model, exposure, fnumber, focal, iso = spec
    if prefix.startswith(b"SANYO") and kind != "mov":
        return  # Sanyo's MP4 TAGS are laid out differently
    meta.make = meta.make or _c_string(data[:make_len])
    if model and len(data) >= model[0] + model[1]:
        meta.model = meta.model or _c_string(data[model[0] : model[0] + model[1]])
    if len(data) >= exposure[0] + 4:
        value = struct.unpack_from("<I", data, exposure[0])[0]
        if value:
            meta.exposure_s = rational(exposure[1] / value)
    for where, field in ((fnumber, "aperture_f"), (focal, "focal_length_mm")):
        if where is None or len(data) < where[0] + (8 if where[1] == "r" else 4):
            continue
        if where[1] == "r":
            num, den = struct.unpack_from("<II", data, where[0])
            value = num / den if den else 0
        else:
            value = struct.unpack_from("<I", data, where[0])[0] / 10
        if value > 0:
            setattr(meta, field, rational(value))
    if iso and len(data) >= iso[0] + iso[1]:
        value = int.from_bytes(data[iso[0] : iso[0] + iso[1]], "little")
        if value >= iso[2]:
            meta.iso = value


def _c_string(raw: bytes) -> str | None:
    return raw.split(b"\0", 1)[0].decode("latin-1").strip() or None


def _loci(data: bytes, meta: Metadata) -> None:
    """3GPP location (udta/loci): a name, a role, then longitude, latitude, altitude as signed 16.16."""
    pos = 6  # version/flags, language
    if data[pos : pos + 2] in (b"\xfe\xff", b"\xff\xfe"):  # UTF-16 name
        while pos + 1 < len(data) and data[pos : pos + 2] != b"\0\0":
            pos += 2
        pos += 2
    else:
        end = data.find(b"\0", pos)
        if end < 0:
            return
        pos = end + 1
    pos += 1  # role
    if pos + 8 > len(data):
        return
    lon, lat = (v / 65536 for v in struct.unpack_from(">ii", data, pos))
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        meta.latitude, meta.longitude = round(lat, 6), round(lon, 6)


def _iso6709(text: str, meta: Metadata) -> None:
    match = _ISO6709.match(text)
    if not match:
        return
    lat, lon = float(match.group(1)), float(match.group(2))
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        meta.latitude, meta.longitude = round(lat, 6), round(lon, 6)


def _apple_keys(src: Source, start: int, end: int, meta: Metadata) -> None:
    """moov/meta with a ``keys`` box (Apple): creation date with its offset, make, model, location."""
    if end - start > _MAX_META:
        return
    data = src.read(start, end - start)
    pos = 0 if data[4:8] in (b"hdlr", b"keys", b"ilst") else 4  # QuickTime's meta is a plain box, MP4's a full one
    names: list[str] = []
    values: dict[int, bytes] = {}
    for box, s, e, complete in boxes(data, pos, len(data)):
        if not complete:
            break
        if box == b"keys" and e - s >= 8:
            count = struct.unpack_from(">I", data, s + 4)[0]
            at = s + 8
            for _ in range(min(count, 1024)):
                if at + 8 > e:
                    break
                size = struct.unpack_from(">I", data, at)[0]
                if size < 8:
                    break
                names.append(data[at + 8 : at + size].decode("utf-8", "replace"))
                at += size
        elif box == b"ilst":
            for item, s2, e2, ok in boxes(data, s, e):
                if not ok:
                    break
                index = int.from_bytes(item, "big")
                for inner, s3, e3, ok3 in boxes(data, s2, e2):
                    if inner == b"data" and ok3 and e3 - s3 >= 8:
                        values[index] = data[s3 + 8 : e3]
                        break
    found = {names[i - 1]: v for i, v in values.items() if 0 < i <= len(names)}
    text = {k: v.decode("utf-8", "replace").strip("\0 ") for k, v in found.items()}
    if make := text.get("com.apple.quicktime.make"):
        meta.make = make
    if model := text.get("com.apple.quicktime.model"):
        meta.model = model
    if where := text.get("com.apple.quicktime.location.ISO6709"):
        _iso6709(where, meta)
    stamp = text.get("com.apple.quicktime.creationdate")
    if stamp:
        offset = None
        tail = re.search(r"(Z|[+-]\d{2}:?\d{2})$", stamp[19:])
        if tail:
            offset = tail.group(1)
            if offset != "Z" and ":" not in offset:
                offset = offset[:3] + ":" + offset[3:]
        set_stamp(meta, stamp, offset)


def _canon_uuid(src: Source, start: int, end: int, meta: Metadata) -> None:
    """CR3: the Canon uuid box holds CMT1 (IFD0), CMT2 (Exif IFD) and CMT4 (GPS IFD) as TIFF blocks."""
    if src.read(start, 16) != _CANON_UUID:
        return
    tags: dict[str, object] = {}
    for box, s, e in box_headers(src, start + 16, end):
        if box in (b"CMT1", b"CMT2", b"CMT4") and e - s < _MAX_META:
            data = src.read(s, e - s)
            wanted = {b"CMT1": IMAGE_TAGS, b"CMT2": EXIF_TAGS, b"CMT4": GPS_TAGS}[box]
            tags.update(parse_tiff_ifd(data, wanted))
    if tags:
        apply_exif(meta, tags)
        width, height = tags.get("ImageWidth"), tags.get("ImageHeight")
        if isinstance(width, int) and isinstance(height, int) and width and height:
            meta.width, meta.height = width, height
