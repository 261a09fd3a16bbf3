"""PNG, GIF, BMP, WebP, TIFF and TIFF-based RAW, Fujifilm RAF, AVI, ASF/WMV and Matroska/WebM."""

from __future__ import annotations

import datetime
import struct
import zlib
from collections.abc import Iterator

from gphotos_tui.exif.jpeg import read_jpeg
from gphotos_tui.exif.metadata import Metadata, apply_exif, set_stamp
from gphotos_tui.exif.source import Source
from gphotos_tui.exif.tiff import EXIF_IFD, EXIF_TAGS, IFD0_TAGS, parse_tiff, read_blob
from gphotos_tui.units import rational

_MAX_CHUNKS = 20_000
_MAX_BLOCK = 4 * 1024 * 1024


def _tiff_block(data: bytes) -> bytes:
    return data[6:] if data.startswith(b"Exif\0") else data


# -- PNG, GIF, BMP, WebP -------------------------------------------------------------


def read_png(src: Source) -> Metadata:
    meta = Metadata("png", "image/png")
    head = src.read(8, 25)
    if len(head) >= 16 and head[:8] == b"\0\0\0\x0dIHDR":  # a damaged IHDR length: exiftool's "Corrupted PNG"
        width, height = struct.unpack_from(">II", head, 8)
        if width and height:
            meta.width, meta.height = width, height
    tags: dict[str, object] = {}
    pos = 8
    for _ in range(_MAX_CHUNKS):
        raw = src.read(pos, 8)
        if len(raw) < 8:
            meta.truncated = src.short
            break
        length, kind = struct.unpack(">I4s", raw)
        if kind == b"IEND":
            break
        if kind == b"eXIf" and length < _MAX_BLOCK and "Make" not in tags:
            tags.update(parse_tiff(_tiff_block(src.read(pos + 8, length))))
        elif kind in (b"iTXt", b"tEXt", b"zTXt") and length < _MAX_BLOCK:
            body = src.read(pos + 8, length)
            if body.startswith(b"XML:com.adobe.xmp\0"):
                tags["_xmp"] = _png_text(kind, body)
            elif body.startswith(b"Raw profile type ") and len(body) > 21:
                _raw_profile(body[17 : body.find(b"\0")], _png_text(kind, body), tags)
        pos += 12 + length
    if tags:
        width, height = meta.width, meta.height
        apply_exif(meta, tags)
        meta.width, meta.height = width, height
    return meta


_GIF_MAX = 64 * 1024 * 1024


def _png_text(kind: bytes, body: bytes) -> bytes:
    """The text of a tEXt/zTXt/iTXt chunk (inflated when compressed)."""
    key_end = body.find(b"\0")
    try:
        if kind == b"zTXt":
            return zlib.decompress(body[key_end + 2 :])
        if kind == b"iTXt":
            compressed = body[key_end + 1]
            rest = body[key_end + 3 :]
            rest = rest[rest.find(b"\0") + 1 :]  # language
            rest = rest[rest.find(b"\0") + 1 :]  # translated keyword
            return zlib.decompress(rest) if compressed else rest
    except (zlib.error, IndexError):
        return b""
    return body[key_end + 1 :]


def _raw_profile(name: bytes, text: bytes, tags: dict[str, object]) -> None:
    """ImageMagick's "Raw profile type <name>": a name, a length, then the block in hex. ``exif`` (and an
    ``APP1`` holding Exif) gives Exif tags, ``xmp`` (and an ``APP1`` holding XMP) an XMP packet, as exiftool reads."""
    if name not in (b"exif", b"APP1", b"xmp"):
        return
    parts = text.split(None, 2)
    if len(parts) < 3:
        return
    try:
        data = bytes.fromhex(parts[2].decode("ascii", "replace").replace("\n", "").replace(" ", ""))
    except ValueError:
        return
    if name == b"xmp" or (name == b"APP1" and not data.startswith((b"Exif\0", b"II", b"MM"))):
        if "_xmp" not in tags:
            tags["_xmp"] = data[data.find(b"<") :] if b"<" in data else data
    elif "Make" not in tags:
        tags.update(parse_tiff(_tiff_block(data)))


def read_gif(src: Source) -> Metadata:
    """Screen size, and for animations the sum of the frame delays (a GIF has no index: the blocks are walked)."""
    meta = Metadata("gif", "image/gif")
    raw = src.read(6, 7)
    if len(raw) < 7:
        return meta
    meta.width, meta.height = struct.unpack_from("<HH", raw)
    if src.size > _GIF_MAX:
        return meta
    flags = raw[4]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    delay = frames = 0
    buf = _Chunked(src)
    try:
        while frames < 100_000:
            kind = buf.byte(pos)
            if kind == 0x21:  # extension
                label = buf.byte(pos + 1)
                if label == 0xF9 and buf.byte(pos + 2) == 4:
                    delay += buf.byte(pos + 4) | buf.byte(pos + 5) << 8
                pos = buf.skip_blocks(pos + 2)
            elif kind == 0x2C:  # image descriptor
                frames += 1
                packed = buf.byte(pos + 9)
                pos += 10 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
                pos = buf.skip_blocks(pos + 1)  # LZW minimum code size, then the data sub-blocks
            else:  # 0x3B trailer, or damage
                break
    except IndexError:
        pass
    if frames > 1 and delay:
        meta.duration_s = round(delay / 100, 3)
    return meta


class _Chunked:
    """Byte access through 64 KiB reads (for formats that must be walked block by block)."""

    def __init__(self, src: Source) -> None:
        self.src, self.start, self.data = src, 0, src.head

    def byte(self, pos: int) -> int:
        if not self.start <= pos < self.start + len(self.data):
            self.start, self.data = pos, self.src.read(pos, 65536)
            if not self.data:
                raise IndexError(pos)
        return self.data[pos - self.start]

    def skip_blocks(self, pos: int) -> int:
        while (size := self.byte(pos)) != 0:
            pos += size + 1
        return pos + 1


def read_bmp(src: Source) -> Metadata:
    meta = Metadata("bmp", "image/bmp")
    raw = src.read(14, 12)
    if len(raw) >= 8:
        if struct.unpack_from("<I", raw)[0] < 16:  # OS/2 1.x: 16-bit sizes
            meta.width, meta.height = struct.unpack_from("<HH", raw, 4)
        elif len(raw) == 12:
            width, height = struct.unpack_from("<ii", raw, 4)
            if width > 0:
                meta.width, meta.height = width, abs(height)  # negative height: rows stored top-down
    return meta


def read_webp(src: Source) -> Metadata:
    meta = Metadata("webp", "image/webp")
    tags: dict[str, object] = {}
    end = min(src.size, 8 + (src.u32(4, big=False) or 0))
    pos = 12
    for _ in range(_MAX_CHUNKS):
        raw = src.read(pos, 8)
        if len(raw) < 8 or pos >= end:
            break
        kind, length = raw[:4], struct.unpack_from("<I", raw, 4)[0]
        if kind == b"VP8X":
            body = src.read(pos + 8, 10)
            if len(body) == 10:
                meta.width = 1 + int.from_bytes(body[4:7], "little")
                meta.height = 1 + int.from_bytes(body[7:10], "little")
        elif kind == b"VP8 " and meta.width is None:
            body = src.read(pos + 8, 10)
            if len(body) == 10 and body[3:6] == b"\x9d\x01\x2a":
                width, height = struct.unpack_from("<HH", body, 6)
                meta.width, meta.height = width & 0x3FFF, height & 0x3FFF
        elif kind == b"VP8L" and meta.width is None:
            body = src.read(pos + 8, 5)
            if len(body) == 5 and body[0] == 0x2F:
                bits = int.from_bytes(body[1:5], "little")
                meta.width, meta.height = 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
        elif kind == b"ANMF":
            body = src.read(pos + 8 + 12, 3)
            if len(body) == 3:
                meta.duration_s = round((meta.duration_s or 0) + int.from_bytes(body, "little") / 1000, 3)
        elif kind == b"EXIF" and length < _MAX_BLOCK:
            tags.update(parse_tiff(_tiff_block(src.read(pos + 8, length))))
        elif kind == b"XMP " and length < _MAX_BLOCK:
            tags["_xmp"] = src.read(pos + 8, length)
        pos += 8 + length + (length & 1)
    if tags:
        width, height = meta.width, meta.height
        apply_exif(meta, tags)
        meta.width, meta.height = width, height
    return meta


# -- TIFF and TIFF-based RAW ---------------------------------------------------------

# (format, MIME) as exiftool names them, by the file's extension (TIFF-based RAW files carry no other mark)
_RAW_BY_EXT = {
    ".nef": ("nef", "image/x-nikon-nef"),
    ".nrw": ("nrw", "image/x-nikon-nrw"),
    ".arw": ("arw", "image/x-sony-arw"),
    ".srf": ("srf", "image/x-sony-srf"),
    ".sr2": ("sr2", "image/x-sony-sr2"),
    ".pef": ("pef", "image/x-pentax-pef"),
    ".srw": ("srw", "image/x-samsung-srw"),
    ".dng": ("dng", "image/x-adobe-dng"),
    ".iiq": ("iiq", "image/x-raw"),
    ".3fr": ("3fr", "image/x-hasselblad-3fr"),
    ".erf": ("erf", "image/x-epson-erf"),
    ".kdc": ("kdc", "image/x-kodak-kdc"),
    ".dcr": ("dcr", "image/x-kodak-dcr"),
    ".mos": ("mos", "image/x-raw"),
    ".mef": ("mef", "image/x-mamiya-mef"),
    ".rwl": ("rwl", "image/x-leica-rwl"),
}
_RW2_MAGIC = bytes.fromhex("88e774d8f8251d4d947a6e77822b5d6a")
_RAW_BY_MAKE = {"NIKON": ".nef", "SONY": ".arw", "SAMSUNG": ".srw", "PENTAX": ".pef", "RICOH": ".pef"}


def read_tiff(src: Source, ext: str = "") -> Metadata:
    head = src.head
    endian_big = head[:2] == b"MM"
    magic = int.from_bytes(head[2:4], "big" if endian_big else "little")
    tags = parse_tiff(head, src, images=True)
    if magic in (0x4F52, 0x5352):
        fmt, mime = "orf", "image/x-olympus-orf"
    elif magic == 0x55:
        if head[8:24] != _RW2_MAGIC:
            fmt, mime = "raw", "image/x-raw"  # the older Panasonic RAW
        else:
            fmt, mime = ("rwl", "image/x-leica-rwl") if ext == ".rwl" else ("rw2", "image/x-panasonic-rw2")
    elif head[8:11] == b"CR\x02":
        fmt, mime = "cr2", "image/x-canon-cr2"
    elif "DNGVersion" in tags:
        fmt, mime = "dng", "image/x-adobe-dng"
    elif ext in _RAW_BY_EXT:
        fmt, mime = _RAW_BY_EXT[ext]
    elif ext in (".tif", ".tiff", ""):
        fmt, mime = "tiff", "image/tiff"
    else:
        make = str(tags.get("Make") or "").upper().split(" ")[0]
        fmt, mime = _RAW_BY_EXT.get(_RAW_BY_MAKE.get(make, ""), ("tiff", "image/tiff"))
    meta = Metadata(fmt, mime)
    if "XMP" in tags:
        xmp = read_blob(head, tags["XMP"], src)
        if xmp:
            tags["_xmp"] = xmp
    if fmt in ("rw2", "rwl", "raw"):
        _panasonic(meta, tags, src)
    else:
        apply_exif(meta, tags)
    width, height = _main_size(fmt, tags)
    if width and height:
        meta.width, meta.height = width, height
    if src.short:
        meta.truncated = True
    return meta


def _main_size(fmt: str, tags: dict[str, object]) -> tuple[int | None, int | None]:
    """The pixel size exiftool reports: the full-resolution IFD (NewSubfileType 0), Exif's for CR2."""
    if fmt == "cr2":
        w, h = tags.get("PixelXDimension"), tags.get("PixelYDimension")
        if isinstance(w, int) and isinstance(h, int):
            return w, h
    if fmt == "iiq":
        return None, None  # Phase One keeps the picture's size in its own directory, not read
    if fmt in ("rw2", "rwl", "raw"):
        try:
            return (
                int(tags["SensorRightBorder"]) - int(tags["SensorLeftBorder"]),  # type: ignore[call-overload]
                int(tags["SensorBottomBorder"]) - int(tags["SensorTopBorder"]),  # type: ignore[call-overload]
            )
        except (KeyError, TypeError, ValueError):
            return None, None
    images = tags.get("_images")
    if not isinstance(images, list):
        return None, None
    # exiftool: the first IFD that says it is the full-resolution image, else the first size read
    for full, w, h in images:
        if full and isinstance(w, int) and isinstance(h, int):
            return w, h
    for _, w, h in images:
        if isinstance(w, int) and isinstance(h, int):
            return w, h
    return None, None


def _panasonic(meta: Metadata, tags: dict[str, object], src: Source) -> None:
    """RW2: camera tags sit in IFD0, the Exif in the embedded JPEG (JpgFromRaw)."""
    jpeg = read_blob(src.head, tags.get("JpgFromRaw"), src)
    if jpeg and jpeg[:2] == b"\xff\xd8":
        inner = read_jpeg(Source(jpeg), Metadata("rw2"))
        for field in Metadata.__slots__:
            if field not in ("format", "mime_type", "width", "height", "truncated", "note"):
                setattr(meta, field, getattr(inner, field))
    base = {k: v for k, v in tags.items() if k in ("Make", "Model", "Orientation")}
    for key, value in base.items():
        if key == "Orientation":
            meta.orientation = value if isinstance(value, int) and 1 <= value <= 8 else meta.orientation
        elif isinstance(value, str) and value:
            setattr(meta, key.lower(), value)


def read_ico(src: Source) -> Metadata:
    meta = Metadata("ico", "image/x-icon")
    raw = src.read(6, 2)
    if len(raw) == 2:
        meta.width, meta.height = raw[0] or 256, raw[1] or 256  # the first image; 0 means 256
    return meta


def read_bigtiff(src: Source) -> Metadata:
    """BigTIFF: IFD0's size, camera and orientation (64-bit offsets, 20-byte entries)."""
    meta = Metadata("tiff", "image/x-tiff-big")
    e = "<" if src.head[:2] == b"II" else ">"
    first = src.read(8, 8)
    if len(first) < 8:
        return meta
    offset = struct.unpack(e + "Q", first)[0]
    raw = src.read(offset, 8)
    if len(raw) < 8:
        return meta
    count = min(struct.unpack(e + "Q", raw)[0], 512)
    block = src.read(offset + 8, 20 * count)
    codes = {3: ("H", 2), 4: ("I", 4), 16: ("Q", 8)}
    for i in range(len(block) // 20):
        tag, typ, n = struct.unpack_from(e + "HHQ", block, 20 * i)
        inline = block[20 * i + 12 : 20 * i + 20]
        if tag in (0x100, 0x101, 0x112) and typ in codes and n == 1:
            value = struct.unpack_from(e + codes[typ][0], inline)[0]
            if tag == 0x100:
                meta.width = value
            elif tag == 0x101:
                meta.height = value
            elif 1 <= value <= 8:
                meta.orientation = value
        elif tag in (0x10F, 0x110) and typ == 2 and 0 < n < 256:
            text = (inline[:n] if n <= 8 else src.read(struct.unpack(e + "Q", inline)[0], n)).split(b"\0")[0]
            setattr(meta, "make" if tag == 0x10F else "model", text.decode("utf-8", "replace").strip() or None)
    return meta


# -- Fujifilm RAF --------------------------------------------------------------------


def read_raf(src: Source) -> Metadata:
    meta = Metadata("raf", "image/x-fujifilm-raf")
    header = src.read(84, 16)
    if len(header) < 16:
        meta.truncated = True
        return meta
    jpeg_at, _jpeg_len, dir_at, dir_len = struct.unpack(">IIII", header)
    if src.read(jpeg_at, 2) == b"\xff\xd8":
        read_jpeg(src, meta, jpeg_at)
        meta.width = meta.height = None  # the preview's size, not the picture's
    directory = src.read(dir_at, min(dir_len, 65536))
    if len(directory) >= 4:
        count = struct.unpack_from(">I", directory)[0]
        pos = 4
        for _ in range(min(count, 256)):
            if pos + 4 > len(directory):
                break
            tag, size = struct.unpack_from(">HH", directory, pos)
            if tag == 0x0111 and size == 4:  # RawImageCroppedSize: height, width
                meta.height, meta.width = struct.unpack_from(">HH", directory, pos + 4)
            pos += 4 + size
    return meta


# -- AVI, ASF/WMV, Matroska/WebM -------------------------------------------------------


def read_avi(src: Source) -> Metadata:
    meta = Metadata("avi", "video/x-msvideo")
    end = min(src.size, 8 + (src.u32(4, big=False) or 0))
    _riff_list(src, 12, end, meta, 0)
    return meta


def _riff_list(src: Source, start: int, end: int, meta: Metadata, depth: int) -> None:
    pos = start
    for _ in range(_MAX_CHUNKS):
        raw = src.read(pos, 12)
        if len(raw) < 8 or pos >= end:
            return
        kind, length = raw[:4], struct.unpack_from("<I", raw, 4)[0]
        if kind == b"LIST" and raw[8:12] in (b"hdrl", b"strl") and depth < 3:
            _riff_list(src, pos + 12, pos + 8 + length, meta, depth + 1)
        elif kind == b"avih" and length >= 40:
            body = src.read(pos + 8, 40)
            usec, frames = struct.unpack_from("<I", body)[0], struct.unpack_from("<I", body, 16)[0]
            meta.width, meta.height = struct.unpack_from("<II", body, 32)
            if usec and frames:
                meta.duration_s = round(frames * usec / 1e6, 3)
        elif kind == b"strh" and length >= 36:
            body = src.read(pos + 8, 36)
            if body[:4] == b"vids":
                scale, rate, _start, count = struct.unpack_from("<IIII", body, 20)
                if rate and scale and count:
                    meta.duration_s = round(count * scale / rate, 3)
        elif kind == b"LIST" and raw[8:12] == b"ncdt" and length < 1 << 20 and depth < 3:
            _riff_list(src, pos + 12, pos + 8 + length, meta, depth + 1)  # Nikon's metadata LIST
        elif kind == b"nctg" and length < 65536:
            _nikon_avi_tags(src.read(pos + 8, length), meta)
        elif kind == b"strd" and 12 < length < 1 << 20:
            data = src.read(pos + 8, length)
            if data[:4] == b"AVIF":  # Exif of Fujifilm, Pentax and other compacts' AVIs
                tags: dict[str, object] = {}
                _bare_ifd(data, 8, 8, IFD0_TAGS, tags, 0)
                if "DateTimeOriginal" not in tags and "DateTimeDigitized" not in tags:
                    tags.pop("DateTime", None)  # a modify date: the IDIT capture date comes first
                if tags:
                    apply_exif(meta, tags)
        elif kind == b"IDIT" and length < 64:
            _idit(src.read(pos + 8, length).decode("latin-1").strip("\0\n "), meta)
        elif kind == b"LIST" and raw[8:12] == b"movi":
            return
        pos += 8 + length + (length & 1)


_IFD_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8}


def _bare_ifd(data: bytes, base: int, at: int, wanted: dict[int, str], out: dict[str, object], depth: int) -> None:
    """A little-endian IFD at ``at`` whose offsets count from ``base`` (exiftool's AVI ``strd`` AVIF:
    IFD0 eight bytes in, without a TIFF header), and its Exif IFD."""
    if at + 2 > len(data):
        return
    for i in range(min(struct.unpack_from("<H", data, at)[0], 512)):
        entry = at + 2 + 12 * i
        if entry + 12 > len(data):
            return
        tag, typ, count = struct.unpack_from("<HHI", data, entry)
        size = _IFD_SIZES.get(typ, 0) * count
        if not size or (tag not in wanted and tag != EXIF_IFD):
            continue
        where = entry + 8 if size <= 4 else base + struct.unpack_from("<I", data, entry + 8)[0]
        raw = data[where : where + size]
        if len(raw) < size:
            continue
        if tag == EXIF_IFD:
            if depth == 0 and typ in (4, 9):
                _bare_ifd(data, base, base + struct.unpack_from("<I", raw)[0], EXIF_TAGS, out, depth + 1)
            continue
        if typ == 2:
            out[wanted[tag]] = raw.split(b"\0", 1)[0].decode("latin-1").strip()
        elif count == 1 and typ in (3, 4, 9):
            out[wanted[tag]] = struct.unpack_from({3: "<H", 4: "<I", 9: "<i"}[typ], raw)[0]
        elif count == 1 and typ in (5, 10):
            num, den = struct.unpack_from("<II" if typ == 5 else "<ii", raw)
            if den:
                out[wanted[tag]] = num / den


def _nikon_avi_tags(data: bytes, meta: Metadata) -> None:
    """Nikon AVI ``nctg`` records (exiftool's Nikon::AVITags): tag and size as little-endian 16-bit
    numbers, then the value."""
    pos = 0
    while pos + 4 <= len(data):
        tag, size = struct.unpack_from("<HH", data, pos)
        pos += 4
        if pos + size > len(data):
            break
        value = data[pos : pos + size]
        pos += size
        if tag in (0x03, 0x04):
            text = value.split(b"\0", 1)[0].decode("latin-1").strip()
            if text:
                if tag == 0x03:
                    meta.make = meta.make or text
                else:
                    meta.model = meta.model or text
        elif tag == 0x07 and size >= 2:
            orientation = struct.unpack_from("<H", value)[0]
            meta.orientation = orientation if 1 <= orientation <= 8 else meta.orientation
        elif tag in (0x08, 0x09, 0x0F) and size >= 8:
            num, den = struct.unpack_from("<II", value)
            if num and den:
                field = {0x08: "exposure_s", 0x09: "aperture_f", 0x0F: "focal_length_mm"}[tag]
                setattr(meta, field, rational(num / den))
        elif tag == 0x13 and meta.taken_local is None:
            set_stamp(meta, value.split(b"\0", 1)[0].decode("latin-1"))


def _idit(text: str, meta: Metadata) -> None:
    if meta.taken_local is not None:  # an Exif DateTimeOriginal (strd AVIF) was read already
        return
    for form in ("%a %b %d %H:%M:%S %Y", "%Y:%m:%d %H:%M:%S", "%Y/%m/%d %H:%M:%S"):
        try:
            when = datetime.datetime.strptime(" ".join(text.split()), form)
        except ValueError:
            continue
        set_stamp(meta, when.strftime("%Y:%m:%d %H:%M:%S"))
        return


_ASF_FILE_PROPERTIES = bytes.fromhex("a1dcab8c47a9cf118ee400c00c205365")
_ASF_STREAM_PROPERTIES = bytes.fromhex("9107dcb7b7a9cf118ee600c00c205365")
_ASF_VIDEO = bytes.fromhex("c0ef19bc4d5bcf11a8fd00805f5c442b")


def read_asf(src: Source) -> Metadata:
    meta = Metadata("wmv", "video/x-ms-wmv")
    count = src.u32(24, big=False) or 0
    pos = 30
    for _ in range(min(count, 256)):
        raw = src.read(pos, 24)
        if len(raw) < 24:
            break
        guid, size = raw[:16], struct.unpack_from("<Q", raw, 16)[0]
        if size < 24:
            break
        if guid == _ASF_FILE_PROPERTIES:
            body = src.read(pos + 24, 80)
            if len(body) >= 80:
                filetime = struct.unpack_from("<Q", body, 24)[0]
                play = struct.unpack_from("<Q", body, 40)[0]
                if play:
                    meta.duration_s = round(play / 1e7, 3)  # as exiftool reports it (the preroll included)
                if filetime // 10_000_000 > 11644473600:  # not 0, nor the Unix epoch (exiftool's "no date")
                    meta.taken_utc = filetime // 10_000_000 - 11644473600
        elif guid == _ASF_STREAM_PROPERTIES and meta.width is None:
            body = src.read(pos + 24, 62)
            if body[:16] == _ASF_VIDEO and len(body) >= 62:
                meta.width, meta.height = struct.unpack_from("<II", body, 54)
        pos += size
    return meta


_SEGMENT, _INFO, _TRACKS, _CLUSTER = 0x18538067, 0x1549A966, 0x1654AE6B, 0x1F43B675
_UNKNOWN = -1
_MKV_EPOCH = 978307200  # 2001-01-01 UTC


def _vint(data: bytes, pos: int, strip: bool) -> tuple[int, int]:
    """(value, length) of an EBML variable-length number at data[pos]."""
    first = data[pos]
    length = 1
    mask = 0x80
    while length <= 8 and not first & mask:
        mask >>= 1
        length += 1
    if length > 8 or pos + length > len(data):
        raise ValueError("bad EBML number")
    value = first & (mask - 1) if strip else first
    for b in data[pos + 1 : pos + length]:
        value = (value << 8) | b
    if strip and value == (1 << (7 * length)) - 1:
        value = _UNKNOWN
    return value, length


def _elements(src: Source, start: int, end: int) -> Iterator[tuple[int, int, int]]:
    pos = start
    for _ in range(_MAX_CHUNKS):
        if pos >= end:
            return
        raw = src.read(pos, 12)
        if len(raw) < 2:
            return
        ident, a = _vint(raw, 0, strip=False)
        size, b = _vint(raw, a, strip=True)
        yield ident, pos + a + b, (end if size == _UNKNOWN else pos + a + b + size)
        if size == _UNKNOWN:
            return
        pos += a + b + size


def read_matroska(src: Source) -> Metadata:
    meta = Metadata("mkv", "video/x-matroska")
    try:
        for ident, start, end in _elements(src, 0, src.size):
            if ident == 0x1A45DFA3:
                if b"webm" in src.read(start, min(end - start, 64)):
                    meta.format, meta.mime_type = "webm", "video/webm"
            elif ident == _SEGMENT:
                _segment(src, start, end, meta)
                break
    except ValueError:
        meta.note = "damaged Matroska element"
    return meta


def _segment(src: Source, start: int, end: int, meta: Metadata) -> None:
    scale, duration, seen = 1_000_000, None, 0
    for ident, s, e in _elements(src, start, end):
        if ident == _INFO and e - s < 65536:
            data = src.read(s, e - s)
            for inner, a, b in _elements(Source(data), 0, len(data)):
                value = data[a:b]
                if inner == 0x2AD7B1:
                    scale = int.from_bytes(value, "big") or scale
                elif inner == 0x4489 and len(value) in (4, 8):
                    duration = struct.unpack(">f" if len(value) == 4 else ">d", value)[0]
                elif inner == 0x4461 and len(value) == 8:
                    meta.taken_utc = _MKV_EPOCH + struct.unpack(">q", value)[0] // 1_000_000_000
            seen |= 1
        elif ident == _TRACKS and e - s < 1 << 20:
            data = src.read(s, e - s)
            _tracks(Source(data), meta)
            seen |= 2
        elif ident == _CLUSTER or seen == 3:
            break
    if duration:
        meta.duration_s = round(duration * scale / 1e9, 3)


def _tracks(src: Source, meta: Metadata) -> None:
    for ident, s, e in _elements(src, 0, src.size):
        if ident != 0xAE:
            continue
        for inner, a, b in _elements(src, s, e):
            if inner != 0xE0:
                continue
            sizes = {k: int.from_bytes(src.read(x, y - x), "big") for k, x, y in _elements(src, a, b)}
            if sizes.get(0xB0) and sizes.get(0xBA):
                meta.width, meta.height = sizes[0xB0], sizes[0xBA]
                return
