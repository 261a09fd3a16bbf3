"""Small files that reproduce each container structure the reader follows (generated, never fetched).

Each builder returns the bytes of a file exiftool reads too: the reader's
tests compare the two field by field. Sizes are kept small, but structures
that matter (``moov`` after a large ``mdat``, an Exif item past the first
256 KiB) are reproduced at their real offsets.
"""

from __future__ import annotations

import struct
import zlib

ASCII, SHORT, LONG, RATIONAL, UNDEFINED, SLONG, SRATIONAL = 2, 3, 4, 5, 7, 9, 10
_SIZES = {ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, UNDEFINED: 1, SLONG: 4, SRATIONAL: 8, 1: 1}
EXIF_PTR, GPS_PTR, SUB_PTR = 0x8769, 0x8825, 0x014A


def _encode(e: str, typ: int, value) -> tuple[bytes, int]:
    if typ == ASCII:
        raw = value.encode() + b"\0"
        return raw, len(raw)
    if typ in (UNDEFINED, 1):
        return bytes(value), len(value)
    values = value if isinstance(value, list) else [value]
    if typ in (RATIONAL, SRATIONAL):
        code = "I" if typ == RATIONAL else "i"
        return b"".join(struct.pack(e + code * 2, *v) for v in values), len(values)
    code = {SHORT: "H", LONG: "I", SLONG: "i"}[typ]
    return struct.pack(e + code * len(values), *values), len(values)


def tiff(ifds: dict[str, list], e: str = "<", chain: tuple[str, ...] = ("ifd0",)) -> bytes:
    """A TIFF block. ``ifds`` maps a name to entries (tag, type, value); a value "@name" points to
    that IFD (a list of "@names" for SubIFDs). ``chain``: IFDs linked by next-IFD offsets."""
    names = list(ifds)
    layout: dict[str, int] = {}

    def build(offsets: dict[str, int]) -> bytes:
        out = bytearray(b"II*\0" if e == "<" else b"MM\0*")
        out += struct.pack(e + "I", offsets.get(names[0], 8))
        for name in names:
            start = len(out)
            layout[name] = start
            entries = sorted(ifds[name], key=lambda t: t[0])
            table = bytearray(struct.pack(e + "H", len(entries)))
            data = bytearray()
            data_at = start + 2 + 12 * len(entries) + 4
            for tag, typ, value in entries:
                if isinstance(value, str) and value.startswith("@"):
                    value = offsets.get(value[1:], 0)
                elif isinstance(value, list) and value and isinstance(value[0], str):
                    value = [offsets.get(v[1:], 0) for v in value]
                raw, count = _encode(e, typ, value)
                if len(raw) <= 4:
                    table += struct.pack(e + "HHI", tag, typ, count) + raw.ljust(4, b"\0")
                else:
                    table += struct.pack(e + "HHII", tag, typ, count, data_at + len(data))
                    data += raw + (b"\0" if len(raw) & 1 else b"")
            following = chain[chain.index(name) + 1] if name in chain and chain.index(name) + 1 < len(chain) else None
            table += struct.pack(e + "I", offsets.get(following, 0) if following else 0)
            out += table + data
        return bytes(out)

    build({})
    first = dict(layout)
    build(first)
    return build(dict(layout))


def exif_payload(ifd0: list, exif: list | None = None, gps: list | None = None, gps_type: int = LONG) -> bytes:
    ifds: dict[str, list] = {"ifd0": list(ifd0)}
    if exif:
        ifds["ifd0"].append((EXIF_PTR, LONG, "@exif"))
        ifds["exif"] = exif
    if gps:
        ifds["ifd0"].append((GPS_PTR, gps_type, "@gps"))
        ifds["gps"] = gps
    return tiff(ifds)


def gps_entries(lat: float, lon: float) -> list:
    def dms(v: float) -> list:
        v = abs(v)
        d = int(v)
        m = int((v - d) * 60)
        s = round(((v - d) * 60 - m) * 60 * 1000)
        return [(d, 1), (m, 1), (s, 1000)]

    return [
        (1, ASCII, "N" if lat >= 0 else "S"),
        (2, RATIONAL, dms(lat)),
        (3, ASCII, "E" if lon >= 0 else "W"),
        (4, RATIONAL, dms(lon)),
    ]


def xmp_packet(**dates: str) -> bytes:
    attrs = " ".join(f'{k}="{v}"' for k, v in dates.items())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        f"{attrs}/></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
    ).encode()


# -- JPEG --------------------------------------------------------------------------------


def jpeg(tiff_block: bytes | None, width: int = 64, height: int = 48, xmp: bytes | None = None) -> bytes:
    out = bytearray(b"\xff\xd8")
    if tiff_block is not None:
        body = b"Exif\0\0" + tiff_block
        out += b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    if xmp is not None:
        body = b"http://ns.adobe.com/xap/1.0/\0" + xmp
        out += b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    sof = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    out += b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof
    sos = b"\x01\x01\x00\x00\x3f\x00"
    out += b"\xff\xda" + struct.pack(">H", len(sos) + 2) + sos + b"\x00" * 16 + b"\xff\xd9"
    return bytes(out)


# -- PNG, WebP, GIF, BMP ----------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, tiff_block: bytes | None = None) -> bytes:
    out = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    if tiff_block is not None:
        out += _png_chunk(b"eXIf", tiff_block)
    raw = b"".join(b"\0" + b"\x80" * width for _ in range(height))
    return out + _png_chunk(b"IDAT", zlib.compress(raw)) + _png_chunk(b"IEND", b"")


def _riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\0" if len(data) & 1 else b"")


def webp_vp8x(width: int, height: int, tiff_block: bytes) -> bytes:
    vp8x = bytes([0x08, 0, 0, 0]) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    bits = (width - 1) | ((height - 1) << 14)
    vp8l = b"\x2f" + bits.to_bytes(4, "little") + b"\0" * 8
    body = b"WEBP" + _riff_chunk(b"VP8X", vp8x) + _riff_chunk(b"VP8L", vp8l) + _riff_chunk(b"EXIF", tiff_block)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0) + b",\0\0\0\0\1\0\1\0\0\2\2D\1\0;"


def bmp(width: int, height: int) -> bytes:
    row = (width * 3 + 3) & ~3
    pixels = b"\0" * row * height
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54) + info + pixels


# -- ISO boxes: HEIC/AVIF, MOV/MP4 ------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def full_box(kind: bytes, payload: bytes, version: int = 0, flags: int = 0) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def heif(tiff_block: bytes, width: int, height: int, brand: bytes = b"heic", pad: int = 300_000) -> bytes:
    """A HEIF still whose Exif item sits after ``pad`` bytes of image data, past the first 256 KiB."""
    codec = b"av01" if brand == b"avif" else b"hvc1"
    ftyp = box(b"ftyp", brand + b"\0\0\0\0" + b"mif1" + brand + (b"miaf" if brand == b"avif" else b"heix"))
    exif = b"\0\0\0\6" + b"Exif\0\0" + tiff_block

    def meta(image_at: int, exif_at: int) -> bytes:
        hdlr = full_box(b"hdlr", b"\0" * 4 + b"pict" + b"\0" * 12 + b"\0")
        pitm = full_box(b"pitm", struct.pack(">H", 1))
        infe1 = full_box(b"infe", struct.pack(">HH", 1, 0) + codec + b"\0", version=2)
        infe2 = full_box(b"infe", struct.pack(">HH", 2, 0) + b"Exif" + b"\0", version=2)
        iinf = full_box(b"iinf", struct.pack(">H", 2) + infe1 + infe2)
        iloc_body = bytes([0x44, 0x00]) + struct.pack(">H", 2)
        iloc_body += struct.pack(">HHHII", 1, 0, 1, image_at, pad)
        iloc_body += struct.pack(">HHHII", 2, 0, 1, exif_at, len(exif))
        iloc = full_box(b"iloc", iloc_body)
        ispe = full_box(b"ispe", struct.pack(">II", width, height))
        ipco = box(b"ipco", ispe)
        ipma = full_box(b"ipma", struct.pack(">IHB", 1, 1, 1) + bytes([0x81]))
        return full_box(b"meta", hdlr + pitm + iinf + iloc + box(b"iprp", ipco + ipma))

    size = len(meta(0, 0))
    image_at = len(ftyp) + size + 8
    exif_at = image_at + pad
    mdat = box(b"mdat", b"\0" * pad + exif)
    return ftyp + meta(image_at, exif_at) + mdat


EPOCH_1904 = 2082844800


def mvhd(created_utc: int, duration_s: float, timescale: int = 600) -> bytes:
    when = created_utc + EPOCH_1904
    body = struct.pack(">IIII", when, when, timescale, int(duration_s * timescale))
    body += struct.pack(">IH", 0x00010000, 0x0100) + b"\0" * 10
    body += struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000) + b"\0" * 24 + struct.pack(">I", 2)
    return full_box(b"mvhd", body)


def trak(width: int, height: int, duration: int = 0) -> bytes:
    body = struct.pack(">IIIII", 0, 0, 1, 0, duration) + b"\0" * 8 + struct.pack(">HHHH", 0, 0, 0, 0)
    body += struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    body += struct.pack(">II", width << 16, height << 16)
    return box(b"trak", full_box(b"tkhd", body, flags=3))


def apple_keys(entries: dict[str, str]) -> bytes:
    hdlr = full_box(b"hdlr", b"\0" * 4 + b"mdta" + b"\0" * 12 + b"\0")
    keys = struct.pack(">I", len(entries)) + b"".join(
        struct.pack(">I", 8 + len(k)) + b"mdta" + k.encode() for k in entries
    )
    items = b"".join(
        box(struct.pack(">I", i + 1), box(b"data", struct.pack(">II", 1, 0) + v.encode()))
        for i, v in enumerate(entries.values())
    )
    return box(b"meta", hdlr + full_box(b"keys", keys) + box(b"ilst", items))


def udta_xyz(iso6709: str) -> bytes:
    text = iso6709.encode()
    return box(b"udta", box(b"\xa9xyz", struct.pack(">HH", len(text), 0x15C7) + text))


def movie(moov_children: bytes, brand: bytes | None = b"qt  ", moov_first: bool = False, pad: int = 300_000) -> bytes:
    ftyp = box(b"ftyp", brand + b"\0\0\0\0" + brand) if brand else b""
    moov = box(b"moov", moov_children)
    mdat = box(b"mdat", b"\0" * pad)
    wide = box(b"wide", b"")
    return ftyp + (moov + mdat if moov_first else wide + mdat + moov)


# -- AVI, Matroska ----------------------------------------------------------------------------


def avi(width: int, height: int, frames: int, fps: int, extra: bytes = b"", strd: bytes = b"") -> bytes:
    avih = struct.pack("<14I", 1_000_000 // fps, 0, 0, 0x10, frames, 0, 1, 0, width, height, 0, 0, 0, 0)
    strh = b"vids" + b"MJPG" + struct.pack("<IHHIIIIIIIi", 0, 0, 0, 0, 1, fps, 0, frames, 0, 0, -1)
    strh += struct.pack("<hhhh", 0, 0, width, height)
    strl_body = b"strl" + _riff_chunk(b"strh", strh) + strd
    strl = b"LIST" + struct.pack("<I", len(strl_body)) + strl_body
    hdrl_body = b"hdrl" + _riff_chunk(b"avih", avih) + strl
    hdrl = b"LIST" + struct.pack("<I", len(hdrl_body)) + hdrl_body
    movi = b"LIST" + struct.pack("<I", 4) + b"movi"
    body = b"AVI " + hdrl + extra + movi
    return b"RIFF" + struct.pack("<I", len(body)) + body


def nikon_avi_tags(records: dict[int, bytes]) -> bytes:
    """Nikon's ``LIST ncdt`` of an AVI with one ``nctg`` chunk of (tag, size, value) records."""
    nctg = b"".join(struct.pack("<HH", tag, len(value)) + value for tag, value in records.items())
    body = b"ncdt" + _riff_chunk(b"nctg", nctg)
    return b"LIST" + struct.pack("<I", len(body)) + body


def _ebml(ident: int, payload: bytes) -> bytes:
    size = len(payload)
    return ident.to_bytes((ident.bit_length() + 7) // 8, "big") + (0x01 << 56 | size).to_bytes(8, "big") + payload


def matroska(width: int, height: int, duration_s: float, date_utc: int, doctype: str = "webm") -> bytes:
    header = _ebml(0x1A45DFA3, _ebml(0x4282, doctype.encode()) + _ebml(0x4287, b"\4") + _ebml(0x4285, b"\2"))
    ns = (date_utc - 978307200) * 1_000_000_000
    info = _ebml(
        0x1549A966,
        _ebml(0x2AD7B1, (1_000_000).to_bytes(3, "big"))
        + _ebml(0x4489, struct.pack(">d", duration_s * 1000))
        + _ebml(0x4461, struct.pack(">q", ns))
        + _ebml(0x4D80, b"test"),
    )
    video = _ebml(0xE0, _ebml(0xB0, width.to_bytes(2, "big")) + _ebml(0xBA, height.to_bytes(2, "big")))
    tracks = _ebml(0x1654AE6B, _ebml(0xAE, _ebml(0xD7, b"\1") + _ebml(0x83, b"\1") + video))
    return header + _ebml(0x18538067, info + tracks)


# -- the reader's exiftool rules (multi-page TIFF, a movie's XMP) -------------------------------

XMP_UUID = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")


def xmp_with(attrs: dict[str, str], rdf: str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#") -> bytes:
    """An XMP packet with these attributes on one rdf:Description (``rdf``: the RDF namespace written)."""
    body = " ".join(f'{k}="{v}"' for k, v in attrs.items())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        f'<rdf:RDF xmlns:rdf="{rdf}"><rdf:Description rdf:about="" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
        'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" '
        f"{body}/></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
    ).encode()


def xmp_uuid(xmp: bytes) -> bytes:
    """Adobe's top-level XMP box of an MP4 (after mdat, where Premiere and Lightroom put it)."""
    return box(b"uuid", XMP_UUID + xmp)


# -- RAW that is not TIFF underneath: Minolta MRW, Canon CRW (CIFF), Sigma X3F -----------------


def mrw(tiff_block: bytes, width: int, height: int, pad: int = 4096) -> bytes:
    """MRW: a header, a PRD block (the picture's size), a TTW block (a big-endian TIFF), then the raw data."""
    prd = b"21860002" + struct.pack(">HHHHBBBB", height + 8, width + 8, height, width, 12, 12, 0x59, 0) + b"\0" * 4
    blocks = b"\0PRD" + struct.pack(">I", len(prd)) + prd
    blocks += b"\0TTW" + struct.pack(">I", len(tiff_block)) + tiff_block
    return b"\0MRM" + struct.pack(">I", len(blocks)) + blocks + b"\0" * pad


def _ciff_heap(entries: list[tuple[int, bytes | list]]) -> bytes:
    """A CIFF heap: the values (nested heaps for tags of type 0x28/0x30), then the directory, then its offset.
    A tag with 0x4000 set holds its 8-byte value in the entry itself."""
    values = bytearray()
    table = bytearray(struct.pack("<H", len(entries)))
    for tag, value in entries:
        if isinstance(value, list):
            value = _ciff_heap(value)
        if tag & 0x4000:
            table += struct.pack("<H", tag) + bytes(value).ljust(8, b"\0")
        else:
            table += struct.pack("<HII", tag, len(value), len(values))
            values += value + (b"\0" if len(value) & 1 else b"")
    return bytes(values) + bytes(table) + struct.pack("<I", len(values))


def crw(
    make: str,
    model: str,
    taken_unix: int,
    width: int,
    height: int,
    focal_mm: int,
    fnumber_ev: int,
    exposure_ev: int,
    raw: int = 64,
) -> bytes:
    """A Canon CRW: make/model, time stamp and image info in nested heaps; focal length, f-number and exposure
    in Canon's ShotInfo/FocalLength records (EV codes in 1/32 steps), ISO from CameraSettings."""
    settings = [0] * 46
    settings[0], settings[16], settings[25] = 92, 17, 1  # size, ISO code 17 = ISO 100, FocalUnits 1/mm
    shot = [0] * 30
    shot[0], shot[21], shot[22] = 60, fnumber_ev, exposure_ev
    exif = [
        (0x5029, struct.pack("<4H", 2, focal_mm, 914, 610)),
        (0x102A, struct.pack("<30h", *shot)),
        (0x102D, struct.pack("<46H", *settings)),
    ]
    make_model = make.encode().ljust(6, b"\0") + model.encode() + b"\0"
    props = [
        (0x1810, struct.pack("<IIfiIII", width, height, 1.0, 0, 8, 24, 257)),
        (0x180E, struct.pack("<III", taken_unix, 0, 0)),
        (0x2807, [(0x080A, make_model)]),  # CameraObject
        (0x300B, exif),  # ExifInformation
    ]
    header = b"II" + struct.pack("<I", 26) + b"HEAPCCDR" + struct.pack("<I", 0x00010002) + b"\0" * 8
    return header + _ciff_heap([(0x2005, b"\0" * raw), (0x300A, props)])  # RawData, ImageProps


def x3f(width: int, height: int, props: dict[str, str], jpeg_data: bytes | None = None, pad: int = 0) -> bytes:
    """A Sigma X3F (version 2.2 header, as the SD10 writes): a PROP section, optionally an IMA2 section holding a JPEG with Exif
    (newer cameras), then the directory, whose offset ends the file."""
    header = b"FOVb" + struct.pack("<I", 0x00020002) + b"\x11" * 16 + struct.pack("<IIII", 0, width, height, 0)
    header += b"Auto".ljust(32, b"\0") + b"\0" * 160  # white balance, then the extended header (unused)
    chars = bytearray()
    pairs = []
    for name, value in props.items():
        pairs.append(len(chars) // 2)
        chars += name.encode("utf-16-le") + b"\0\0"
        pairs.append(len(chars) // 2)
        chars += value.encode("utf-16-le") + b"\0\0"
    prop = b"SECp" + struct.pack("<IIIII", 0x00020000, len(props), 0, 0, len(chars) // 2)
    prop += struct.pack(f"<{len(pairs)}I", *pairs) + bytes(chars)
    sections = [(b"PROP", prop)]
    if jpeg_data is not None:
        image = b"SECi\0\0\x02\0\x02\0\0\0\x12\0\0\0" + struct.pack("<III", width, height, 0) + jpeg_data
        sections.append((b"IMA2", image))
    body = bytearray(header + b"\0" * pad)  # pad: image data before the sections
    directory = bytearray()
    for kind, data in sections:
        directory += struct.pack("<II", len(body), len(data)) + kind
        body += data + b"\0" * (-len(data) % 4)
    at = len(body)
    body += b"SECd" + struct.pack("<II", 0x00020000, len(sections)) + directory
    return bytes(body) + struct.pack("<I", at)


# -- maker notes the reader follows for ISO -----------------------------------------------------


def nikon_exif(iso: int) -> bytes:
    """An older Nikon's Exif: no ISO tag; the maker note ("Nikon\\0\\2" + its own TIFF header) holds (0, ISO)."""
    note = b"Nikon\0\x02\x10\0\0" + tiff({"ifd0": [(0x0001, UNDEFINED, b"0210"), (0x0002, SHORT, [0, iso])]}, e=">")
    return tiff(
        {
            "ifd0": [(0x010F, ASCII, "NIKON CORPORATION"), (0x0110, ASCII, "NIKON D70"), (EXIF_PTR, LONG, "@exif")],
            "exif": [(0x829A, RATIONAL, (1, 125)), (0x927C, UNDEFINED, note)],
        }
    )


def canon_moved_exif(iso_code: int, moved_by: int = 256) -> bytes:
    """A Canon Exif whose maker note an editor moved by ``moved_by`` bytes without rewriting its offsets:
    its footer ("II*\\0" + the original offset) says where the camera wrote it. CameraSettings[16] is the ISO
    code (17 = ISO 100)."""
    settings = [0] * 46
    settings[0], settings[16] = 92, iso_code

    def note(original: int) -> bytes:
        ifd = struct.pack("<HHHII", 1, 0x0001, SHORT, 46, original + 18) + struct.pack("<I", 0)
        return ifd + struct.pack("<46H", *settings) + b"II*\0" + struct.pack("<I", original)

    def build(blob: bytes) -> bytes:
        return tiff(
            {
                "ifd0": [
                    (0x010E, ASCII, "an editor's description, written before the maker note " * 6),
                    (0x010F, ASCII, "Canon"),
                    (0x0110, ASCII, "Canon PowerShot A85"),
                    (EXIF_PTR, LONG, "@exif"),
                ],
                "exif": [(0x829A, RATIONAL, (1, 160)), (0x927C, UNDEFINED, blob)],
            }
        )

    marker = b"\xaa" * len(note(0))
    where = build(marker).index(marker)
    return build(note(where - moved_by))


# -- MPEG transport streams (AVCHD) and program streams ---------------------------------------


class _BitWriter:
    def __init__(self) -> None:
        self.bits: list[int] = []

    def put(self, value: int, n: int) -> None:
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]

    def ue(self, value: int) -> None:
        code = value + 1
        self.put(0, code.bit_length() - 1)
        self.put(code, code.bit_length())

    def rbsp(self) -> bytes:
        self.put(1, 1)  # rbsp_stop_one_bit, then zeros to the byte
        bits = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8))


def _escape(rbsp: bytes) -> bytes:
    """H.264 emulation prevention: 00 00 followed by 00-03 gets an 03 between."""
    out, zeros = bytearray(), 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def h264_sps(width: int, height: int, profile: int = 100, interlaced: bool = False) -> bytes:
    """A sequence parameter set NAL (start code included) for a picture of ``width`` x ``height``."""
    w = _BitWriter()
    w.put(profile, 8)
    w.put(0, 8)
    w.put(40, 8)  # level 4.0
    w.ue(0)
    if profile >= 100:
        w.ue(1)  # 4:2:0
        w.ue(0)
        w.ue(0)
        w.put(0, 1)
        w.put(0, 1)  # no scaling matrices
    w.ue(0)  # log2_max_frame_num_minus4
    w.ue(0)  # pic_order_cnt_type
    w.ue(2)
    w.ue(4)  # num_ref_frames
    w.put(0, 1)
    mbs_w, map_h = -(-width // 16), -(-height // (32 if interlaced else 16))
    w.ue(mbs_w - 1)
    w.ue(map_h - 1)
    w.put(0 if interlaced else 1, 1)  # frame_mbs_only_flag
    if interlaced:
        w.put(0, 1)
    w.put(1, 1)  # direct_8x8_inference_flag
    crop_w, crop_h = mbs_w * 16 - width, map_h * (32 if interlaced else 16) - height
    w.put(1 if crop_w or crop_h else 0, 1)
    if crop_w or crop_h:
        unit = 4 if interlaced else 2
        w.ue(0)
        w.ue(crop_w // 2)
        w.ue(0)
        w.ue(crop_h // unit)
    w.put(0, 1)  # no VUI
    return b"\0\0\0\1\x67" + _escape(w.rbsp())


def mdpm_sei(entries: list[tuple[int, bytes]]) -> bytes:
    """An SEI NAL whose user data unregistered message is an AVCHD MDPM with ``entries`` (tag, 4 bytes)."""
    body = bytes.fromhex("17ee8c60f84d11d98cd60800200c9a66") + b"MDPM" + bytes([len(entries)])
    body += b"".join(bytes([tag]) + value for tag, value in entries)
    payload = bytes([5, len(body)]) + body + b"\x80"
    return b"\0\0\0\1\x06" + _escape(payload)


def mdpm_date(stamp: str, offset_min: int, dst: bool = False) -> list[tuple[int, bytes]]:
    """MDPM tags 0x18/0x19: the time zone byte then the stamp in BCD ("2019:04:24 22:24:00")."""
    digits = stamp.replace(":", "").replace(" ", "")
    bcd = bytes.fromhex(digits)
    tz = (0x20 if offset_min < 0 else 0) | ((abs(offset_min) // 60) << 1) | (1 if abs(offset_min) % 60 else 0)
    tz |= 0x40 if dst else 0
    raw = bytes([tz]) + bcd
    return [(0x18, raw[:4]), (0x19, raw[4:])]


def mdpm_rational(*values: tuple[int, int]) -> bytes:
    return b"".join(struct.pack(">HH", n, d) for n, d in values)


def mdpm_gps(lat: float, lon: float) -> list[tuple[int, bytes]]:
    def dms(value: float) -> list[bytes]:
        value = abs(value)
        d = int(value)
        m = int((value - d) * 60)
        s = round(((value - d) * 60 - m) * 60 * 100)
        return [mdpm_rational((d, 1)), mdpm_rational((m, 1)), mdpm_rational((s, 100))]

    la, lo = dms(lat), dms(lon)
    return [
        (0xB0, b"\2\2\0\0"),
        (0xB1, (b"S" if lat < 0 else b"N") + b"\0\0\0"),
        (0xB2, la[0]),
        (0xB3, la[1]),
        (0xB4, la[2]),
        (0xB5, (b"W" if lon < 0 else b"E") + b"\0\0\0"),
        (0xB6, lo[0]),
        (0xB7, lo[1]),
        (0xB8, lo[2]),
    ]


def _crc32_mpeg(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc


def _psi(table_id: int, ident: int, body: bytes) -> bytes:
    section = bytes([table_id]) + struct.pack(">H", 0xB000 | (len(body) + 9)) + struct.pack(">HBBB", ident, 0xC1, 0, 0)
    section += body
    return b"\0" + section + struct.pack(">I", _crc32_mpeg(section))


def _ts_packets(pid: int, payload: bytes, counter: list[int], pcr: int | None = None) -> list[bytes]:
    """``payload`` (a PES packet or a PSI section) cut into 188-byte packets; ``pcr`` in the first one."""
    packets = []
    first = True
    while first or payload:
        adaptation = b""
        if first and pcr is not None:
            base, ext = divmod(pcr, 300)
            adaptation = bytes([0x10]) + struct.pack(">IH", base >> 1, ((base & 1) << 15) | 0x7E00 | ext)
        room = 184 - (len(adaptation) + 1 if adaptation else 0)
        if len(payload) < room:  # stuff the adaptation field so the packet ends with the payload
            fill = 183 - len(payload)  # the adaptation field's length byte counts the rest
            if adaptation:
                adaptation += b"\xff" * (fill - len(adaptation))
            else:
                adaptation = (b"\0" + b"\xff" * (fill - 1)) if fill else b""
            room = len(payload)
        part, payload = payload[:room], payload[room:]
        stuffed = len(part) == 183 and not adaptation and not payload  # one byte short: a bare length byte
        control = 0x30 if adaptation or stuffed else 0x10
        header = struct.pack(">BHB", 0x47, (0x4000 if first else 0) | pid, control | (counter[0] & 0x0F))
        counter[0] += 1
        body = (bytes([len(adaptation)]) + adaptation if adaptation or stuffed else b"") + part
        packet = header + body
        assert len(packet) == 188, len(packet)
        packets.append(packet)
        first = False
    return packets


def _pes(stream_id: int, es: bytes, pts: int = 0) -> bytes:
    stamp = bytes(
        [0x21 | ((pts >> 29) & 0x0E), (pts >> 22) & 0xFF, 0x01 | ((pts >> 14) & 0xFE), (pts >> 7) & 0xFF]
    ) + bytes([0x01 | ((pts << 1) & 0xFE)])
    return b"\0\0\1" + bytes([stream_id]) + b"\0\0" + b"\x80\x80\x05" + stamp + es


def mpeg2_sequence_header(width: int, height: int, rate_code: int = 3, bitrate: int = 25_000_000) -> bytes:
    """00 00 01 B3: 12-bit width and height, aspect 4:3, frame rate code, bit rate in 400 bit/s."""
    word = (width << 20) | (height << 8) | (2 << 4) | rate_code
    rate = bitrate // 400
    return b"\0\0\1\xb3" + struct.pack(">I", word) + struct.pack(">I", (rate << 14) | 0x2000 | (112 << 3))


MPEG_AUDIO_FRAME = b"\xff\xfd\xa4\x00"  # MPEG-1 Layer II, 192 kbit/s (index 10), 44.1 kHz


def m2ts(
    width: int,
    height: int,
    mdpm: list[tuple[int, bytes]] | None = None,
    duration_s: float = 2.0,
    timecode: bool = True,
    video: str = "h264",
    filler: int = 2000,
    interlaced: bool = False,
    profile: int = 100,
) -> bytes:
    """An AVCHD-like transport stream: PAT, PMT, the video PES (SPS + SEI MDPM, or an MPEG-2 sequence
    header), ``filler`` null packets, a last packet with a clock reference ``duration_s`` after the first.
    ``timecode``: 192-byte BDAV packets (.mts/.m2ts) rather than 188 (.m2t/.ts)."""
    video_pid, audio_pid, pcr_pid, pmt_pid = 0x1011, 0x1100, 0x1001, 0x0100
    counter = [0]
    start_pcr = 27_000_000 * 600
    streams = struct.pack(">BHH", 0x1B if video == "h264" else 0x02, 0xE000 | video_pid, 0xF000)
    if video != "h264":
        streams += struct.pack(">BHH", 0x03, 0xE000 | audio_pid, 0xF000)
    packets = _ts_packets(0, _psi(0, 1, struct.pack(">HH", 1, 0xE000 | pmt_pid)), counter)
    packets += _ts_packets(pmt_pid, _psi(2, 1, struct.pack(">HH", 0xE000 | pcr_pid, 0xF000) + streams), counter)
    packets += _ts_packets(pcr_pid, b"", counter, pcr=start_pcr)
    if video == "h264":
        es = b"\0\0\0\1\x09\xf0" + h264_sps(width, height, profile, interlaced) + b"\0\0\0\1\x68\xee\x3c\x80"
        es += mdpm_sei(mdpm or []) + b"\0\0\0\1\x65" + bytes(range(16, 256)) * 8
    else:
        es = mpeg2_sequence_header(width, height) + b"\0\0\1\xb8" + bytes(range(16, 256)) * 4
    packets += _ts_packets(video_pid, _pes(0xE0, es), counter)
    if video != "h264":
        packets += _ts_packets(audio_pid, _pes(0xC0, MPEG_AUDIO_FRAME + bytes(400)), counter)
    null = struct.pack(">BHB", 0x47, 0x1FFF, 0x10) + b"\xff" * 184
    packets += [null] * filler
    packets += _ts_packets(pcr_pid, b"", counter, pcr=start_pcr + round(duration_s * 27_000_000))
    packets += [null] * 3
    if not timecode:
        return b"".join(packets)
    return b"".join(struct.pack(">I", i * 1000 & 0x3FFFFFFF) + p for i, p in enumerate(packets))


def mpeg_ps(width: int, height: int, size: int = 300_000) -> bytes:
    """An MPEG-2 program stream: pack header, a video PES with the sequence header, an audio PES with an
    MPEG-1 Layer II frame, padded to ``size`` (exiftool's duration is size x 8 / both bit rates)."""
    pack = b"\0\0\1\xba\x44\0\4\0\4\1" + struct.pack(">I", (20000 << 10) | 0x3F8)[1:] + b"\xf8"
    video = _pes(0xE0, mpeg2_sequence_header(width, height, rate_code=4, bitrate=8_000_000) + bytes(64))
    audio = _pes(0xC0, MPEG_AUDIO_FRAME + bytes(200))
    body = pack + video + pack + audio
    padding = size - len(body) - 6
    return body + b"\0\0\1\xbe" + struct.pack(">H", min(padding, 0xFFFF)) + bytes(padding)


def png_raw_profile(width: int, height: int, name: str, payload: bytes) -> bytes:
    """A PNG with ImageMagick's "Raw profile type <name>" zTXt chunk (the payload in hex), after IDAT."""
    hexed = payload.hex()
    lines = "\n".join(hexed[i : i + 72] for i in range(0, len(hexed), 72))
    text = f"\n{name}\n{len(payload):8d}\n{lines}\n".encode()
    chunk = _png_chunk(b"zTXt", f"Raw profile type {name}".encode() + b"\0\0" + zlib.compress(text))
    plain = png(width, height)
    return plain[:-12] + chunk + plain[-12:]  # before IEND


def inline_ifd(entries: list[tuple[int, int]], e: str = ">") -> bytes:
    """A bare IFD of SHORT values (all inline): a maker note that needs no offsets."""
    body = b"".join(
        struct.pack(e + "HHI", tag, SHORT, 1) + struct.pack(e + "H", value) + b"\0\0" for tag, value in entries
    )
    return struct.pack(e + "H", len(entries)) + body + b"\0\0\0\0"


def maker_note_exif(make: str, model: str, note: bytes) -> bytes:
    """Exif without an ISO tag whose maker note (``note``) holds it."""
    return tiff(
        {
            "ifd0": [(0x010F, ASCII, make), (0x0110, ASCII, model), (EXIF_PTR, LONG, "@exif")],
            "exif": [(0x829A, RATIONAL, (1, 60)), (0x927C, UNDEFINED, note)],
        }
    )


def kodak_note(iso: int) -> bytes:
    """A Kodak DC/DX maker note: "KDK INFO", then a big-endian binary record with ISO at 0x60."""
    record = bytearray(0x80)
    struct.pack_into(">H", record, 0x60, iso)
    return b"KDK INFO" + bytes(record)


def olympus_note(lens: str) -> bytes:
    """An Olympus maker note ("OLYMPUS\\0II\\3\\0"): IFD at +12 whose Equipment (0x2010) sub-IFD holds
    LensModel (0x0203); offsets count from the maker note's start."""
    text = lens.encode() + b"\0"
    main_at = 12
    equipment_at = main_at + 2 + 12 + 4
    text_at = equipment_at + 2 + 12 + 4
    main = struct.pack("<HHHII", 1, 0x2010, 13, 1, equipment_at) + struct.pack("<I", 0)
    equipment = struct.pack("<HHHII", 1, 0x0203, ASCII, len(text), text_at) + struct.pack("<I", 0)
    return b"OLYMPUS\0II\x03\0" + main + equipment + text


def jpeg_ciff(make: str, model: str, focal_mm: int, tv: float, av: float, width: int, height: int) -> bytes:
    """An early Canon PowerShot JPEG: no Exif, a CIFF heap in APP0 ("II" + header + "HEAPJPGM") with the
    camera, focal length and ExposureInfo (APEX shutter and aperture as floats)."""
    heap = _ciff_heap(
        [
            (0x2807, [(0x080A, make.encode().ljust(6, b"\0") + model.encode() + b"\0")]),
            (0x5029, struct.pack("<4H", 1, focal_mm, 0, 0)),
            (0x1818, struct.pack("<fff", 0.0, tv, av)),
        ]
    )
    body = b"II" + struct.pack("<I", 26) + b"HEAPJPGM" + struct.pack("<I", 0x00010001) + b"\0" * 8 + heap
    plain = jpeg(None, width, height)
    return plain[:2] + b"\xff\xe0" + struct.pack(">H", len(body) + 2) + body + plain[2:]


def tiff_ifd_at_end(entries: list[tuple[int, int, int]], pad: int = 4096, cut: int = 2) -> bytes:
    """A little-endian TIFF whose IFD0 (inline SHORT/LONG values only) comes after the image data, at the
    very end, with the last ``cut`` bytes of its next-IFD pointer missing (a truncated file)."""
    at = 8 + pad
    table = struct.pack("<H", len(entries))
    for tag, typ, value in sorted(entries):
        table += struct.pack("<HHI", tag, typ, 1) + (
            struct.pack("<H", value) + b"\0\0" if typ == SHORT else struct.pack("<I", value)
        )
    table += b"\0\0\0\0"
    return (b"II*\0" + struct.pack("<I", at) + b"\0" * pad + table)[: -cut or None]


def jpeg_iptc(date: str, clock: str, width: int = 64, height: int = 48) -> bytes:
    """A JPEG without Exif whose Photoshop APP13 holds IPTC DateCreated (2:55 "YYYYMMDD") and
    TimeCreated (2:60 "HHMMSS+HHMM"), as Photo Mechanic writes."""
    records = b"".join(
        b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(value)) + value
        for dataset, value in ((0, b"\0\4"), (55, date.encode()), (60, clock.encode()))
    )
    irb = b"8BIM" + struct.pack(">H", 0x0404) + b"\0\0" + struct.pack(">I", len(records)) + records
    irb += b"\0" * (len(records) & 1)
    body = b"Photoshop 3.0\0" + irb
    plain = jpeg(None, width, height)
    return plain[:2] + b"\xff\xed" + struct.pack(">H", len(body) + 2) + body + plain[2:]


def pentax_tags(exposure: int, fnumber: tuple[int, int], focal: tuple[int, int], iso: int) -> bytes:
    """udta/TAGS of a Pentax movie (little-endian binary data, as exiftool's Pentax::MOV table reads it)."""
    return camera_tags(
        b"PENTAX DIGITAL CAMERA",
        {0x26: struct.pack("<I", exposure), 0x2A: struct.pack("<II", *fnumber)}
        | {0x48: struct.pack("<II", *focal), 0xAF: struct.pack("<H", iso)},
    )


def camera_tags(make: bytes, fields: dict[int, bytes], size: int = 256) -> bytes:
    """udta/TAGS of a compact camera's movie: the make at 0, then ``fields`` (offset: little-endian bytes)."""
    data = bytearray(make.ljust(24, b"\0") + bytes(size - 24))
    for at, raw in fields.items():
        data[at : at + len(raw)] = raw
    return box(b"udta", box(b"TAGS", bytes(data)))


def avi_exif_strd(ifd0: list, exif: list) -> bytes:
    """An AVI ``strd`` chunk holding Exif as Fujifilm and other compacts write it: "AVIF", four bytes,
    then a little-endian IFD0 (and its Exif IFD) whose offsets count from the IFD's own start."""

    def layout(entries: list, at: int, pointer: int | None) -> bytes:
        items = sorted(entries + ([(EXIF_PTR, LONG, pointer)] if pointer is not None else []), key=lambda t: t[0])
        table = bytearray(struct.pack("<H", len(items)))
        data = bytearray()
        data_at = at + 2 + 12 * len(items) + 4
        for tag, typ, value in items:
            raw, count = _encode("<", typ, value)
            if len(raw) <= 4:
                table += struct.pack("<HHI", tag, typ, count) + raw.ljust(4, b"\0")
            else:
                table += struct.pack("<HHII", tag, typ, count, data_at + len(data))
                data += raw + (b"\0" if len(raw) & 1 else b"")
        return bytes(table + b"\0\0\0\0" + data)

    size0 = len(layout(ifd0, 0, 0))  # the Exif IFD follows IFD0 and its values
    body = b"AVIF" + b"\0" * 4 + layout(ifd0, 0, size0) + layout(exif, size0, None)
    return _riff_chunk(b"strd", body)
