"""Generated files holding embedded JPEG previews where each format keeps them (exiftool extracts them too).

Real JPEGs (Pillow-encoded, each a different colour) inside: a JPEG's Exif
IFD1 thumbnail; TIFF-based RAW with IFD0/IFD1/SubIFD JPEGs and lossless-JPEG
raw data that is not a preview (CR2-, NEF-, ARW-, DNG-like, Panasonic RW2's
JpgFromRaw, ORF- and PEF-like maker-note previews); a CR3-like file
(moov/uuid THMB, top-level uuid PRVW); a RAF-like file (header offset to a
JPEG that has its own thumbnail); HEIFs with a JPEG item and an Exif
thumbnail, or with only an HEVC ``thmb`` item.
"""

from __future__ import annotations

import io
import struct

from PIL import Image

from tests.unit import media_structures as ms
from tests.unit.media_structures import ASCII, LONG, SHORT, UNDEFINED

LOSSLESS = (
    b"\xff\xd8\xff\xc3\x00\x0b\x0c" + struct.pack(">HH", 40, 60) + b"\x01\x01\x11\x00" + b"\0" * 200 + b"\xff\xd9"
)


def picture(width: int, height: int, colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A real baseline JPEG: left half ``colour``, right half its complement (orientation shows)."""
    img = Image.new("RGB", (width, height), colour)
    img.paste(tuple(255 - c for c in colour), (width // 2, 0, width, height))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def tiff_with_blobs(ifds: dict[str, list], blobs: dict[str, bytes], e: str = "<", chain=("ifd0",)) -> bytes:
    """``ms.tiff`` whose entries may name a blob: value "&name" is its offset, "#name" its length.

    The blobs follow the IFDs, in order (their offsets do not change the IFDs' size).
    """

    def resolve(offsets: dict[str, int]) -> dict[str, list]:
        out = {}
        for name, entries in ifds.items():
            fixed = []
            for tag, typ, value in entries:
                if isinstance(value, str) and value[:1] in "&#":
                    value = offsets.get(value[1:], 0) if value[0] == "&" else len(blobs[value[1:]])
                fixed.append((tag, typ, value))
            out[name] = fixed
        return out

    size = len(ms.tiff(resolve({}), e, chain))
    offsets, at = {}, size
    for name, blob in blobs.items():
        offsets[name] = at
        at += len(blob) + (len(blob) & 1)
    block = ms.tiff(resolve(offsets), e, chain)
    assert len(block) == size
    return block + b"".join(blob + (b"\0" if len(blob) & 1 else b"") for blob in blobs.values())


def exif_with_thumbnail(thumb: bytes, orientation: int = 1, make: str = "Canon") -> bytes:
    """An Exif TIFF block: IFD0 (make, orientation) linked to IFD1 holding ``thumb``."""
    return tiff_with_blobs(
        {
            "ifd0": [(0x010F, ASCII, make), (0x0112, SHORT, orientation)],
            "ifd1": [(0x0103, SHORT, 6), (0x0201, LONG, "&thumb"), (0x0202, LONG, "#thumb")],
        },
        {"thumb": thumb},
        chain=("ifd0", "ifd1"),
    )


def jpeg_with_thumbnail(width: int, height: int, thumb: bytes, orientation: int = 1) -> bytes:
    """A real JPEG of ``width`` x ``height`` whose Exif holds ``thumb`` as its IFD1 thumbnail."""
    main = picture(width, height, (30, 90, 200))
    body = b"Exif\0\0" + exif_with_thumbnail(thumb, orientation)
    return main[:2] + b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body + main[2:]


def cr2(preview: bytes, thumb: bytes, orientation: int = 1) -> bytes:
    """CR2-like: IFD0's strip is the big JPEG, IFD1 the thumbnail, IFD3 lossless-JPEG raw data."""
    block = tiff_with_blobs(
        {
            "pad": [(0x00FE, LONG, 0)],  # 18 bytes, never pointed to: room for CR2's header fields
            "ifd0": [
                (0x0103, SHORT, 6),
                (0x010F, ASCII, "Canon"),
                (0x0110, ASCII, "Canon EOS 5D Mark IV"),
                (0x0112, SHORT, orientation),
                (0x0111, LONG, "&preview"),
                (0x0117, LONG, "#preview"),
            ],
            "ifd1": [(0x0103, SHORT, 6), (0x0201, LONG, "&thumb"), (0x0202, LONG, "#thumb")],
            "ifd2": [(0x0103, SHORT, 1), (0x0100, SHORT, 8), (0x0101, SHORT, 8)],
            "ifd3": [(0x0103, SHORT, 6), (0x0111, LONG, "&raw"), (0x0117, LONG, "#raw")],
        },
        {"preview": preview, "thumb": thumb, "raw": LOSSLESS},
        chain=("ifd0", "ifd1", "ifd2", "ifd3"),
    )
    # IFD0 follows the 18-byte pad at 8; bytes 8-15 become CR2's magic and raw-IFD offset
    return block[:4] + struct.pack("<I", 26) + b"CR\x02\0" + struct.pack("<I", 0) + block[16:]


def nef(preview: bytes, orientation: int = 1, note_preview: bytes | None = None) -> bytes:
    """NEF-like: IFD0 is a tiny RGB thumbnail, SubIFD0 the JPEG preview, SubIFD1 the raw data; with
    ``note_preview``, the Nikon maker note's PreviewIFD (offsets from the note's own TIFF header) holds it."""
    exif = []
    if note_preview is not None:
        inner = tiff_with_blobs(
            {"main": [(0x0011, LONG, "@pv")], "pv": [(0x0201, LONG, "&jpg"), (0x0202, LONG, "#jpg")]},
            {"jpg": note_preview},
        )
        exif = [(0x927C, UNDEFINED, b"Nikon\0\x02\x10\0\0" + inner)]
    return tiff_with_blobs(
        {
            "ifd0": [
                (0x00FE, LONG, 1),
                (0x0100, SHORT, 4),
                (0x0101, SHORT, 2),
                (0x0103, SHORT, 1),
                (0x010F, ASCII, "NIKON CORPORATION"),
                (0x0110, ASCII, "NIKON D850"),
                (0x0112, SHORT, orientation),
                (0x0111, LONG, "&rgb"),
                (0x0117, LONG, "#rgb"),
                (ms.SUB_PTR, LONG, ["@sub0", "@sub1"]),
                *([(ms.EXIF_PTR, LONG, "@exif")] if exif else []),
            ],
            **({"exif": exif} if exif else {}),
            "sub0": [(0x00FE, LONG, 1), (0x0103, SHORT, 6), (0x0201, LONG, "&preview"), (0x0202, LONG, "#preview")],
            "sub1": [(0x00FE, LONG, 0), (0x0103, SHORT, 34713), (0x0111, LONG, "&raw"), (0x0117, LONG, "#raw")],
        },
        {"rgb": b"\x80" * 24, "preview": preview, "raw": b"\0" * 256},
    )


def arw(preview: bytes, thumb: bytes, orientation: int = 1) -> bytes:
    """ARW-like: IFD0's JPEGInterchangeFormat is the preview, IFD1's the thumbnail."""
    return tiff_with_blobs(
        {
            "ifd0": [
                (0x00FE, LONG, 1),
                (0x0103, SHORT, 6),
                (0x010F, ASCII, "SONY"),
                (0x0110, ASCII, "ILCE-7M4"),
                (0x0112, SHORT, orientation),
                (0x0201, LONG, "&preview"),
                (0x0202, LONG, "#preview"),
            ],
            "ifd1": [(0x0103, SHORT, 6), (0x0201, LONG, "&thumb"), (0x0202, LONG, "#thumb")],
        },
        {"preview": preview, "thumb": thumb},
        chain=("ifd0", "ifd1"),
    )


def dng(preview: bytes, orientation: int = 1) -> bytes:
    """DNG-like: IFD0 an RGB thumbnail, a SubIFD with a JPEG (compression 7) strip, a lossless raw SubIFD."""
    return tiff_with_blobs(
        {
            "ifd0": [
                (0x00FE, LONG, 1),
                (0x0100, SHORT, 4),
                (0x0101, SHORT, 2),
                (0x0103, SHORT, 1),
                (0x010F, ASCII, "Canon"),
                (0x0110, ASCII, "Canon EOS R5"),
                (0x0112, SHORT, orientation),
                (0x0111, LONG, "&rgb"),
                (0x0117, LONG, "#rgb"),
                (0xC612, 1, b"\1\4\0\0"),
                (ms.SUB_PTR, LONG, ["@raw", "@preview"]),
            ],
            "raw": [(0x00FE, LONG, 0), (0x0103, SHORT, 7), (0x0111, LONG, "&raw"), (0x0117, LONG, "#raw")],
            "preview": [
                (0x00FE, LONG, 1),
                (0x0103, SHORT, 7),
                (0x0106, SHORT, 6),
                (0x0111, LONG, "&preview"),
                (0x0117, LONG, "#preview"),
            ],
        },
        {"rgb": b"\x80" * 24, "raw": LOSSLESS, "preview": preview},
    )


def rw2(big: bytes, orientation: int = 1) -> bytes:
    """RW2-like: magic 0x55, IFD0's JpgFromRaw (an UNDEFINED blob, tag 0x2E)."""
    block = tiff_with_blobs(
        {
            "ifd0": [
                (0x0001, UNDEFINED, b"0310"),
                (0x010F, ASCII, "Panasonic"),
                (0x0110, ASCII, "DC-GH5"),
                (0x0112, SHORT, orientation),
                (0x002E, UNDEFINED, b"\0" * 8),
            ],
        },
        {"big": big},
    )
    # a placeholder entry: make it (length, offset) of the blob after the IFD, as RW2 does
    out = bytearray(block)
    out[2:4] = struct.pack("<H", 0x55)
    count = struct.unpack_from("<H", out, 8)[0]
    for i in range(count):
        at = 10 + 12 * i
        if struct.unpack_from("<H", out, at)[0] == 0x002E:
            offset = len(block) - len(big) - (len(big) & 1)
            struct.pack_into("<HHII", out, at, 0x002E, UNDEFINED, len(big), offset)
    return bytes(out)


def orf(preview: bytes, orientation: int = 1) -> bytes:
    """ORF-like: magic IIRO; the preview's offset (from the maker note's start) in CameraSettings (0x2020)."""
    note = bytearray(b"OLYMPUS\0II\x03\0")  # the IFD follows at 12; offsets count from the note's start
    note += struct.pack("<HHHII", 1, 0x2020, 13, 1, 30) + struct.pack("<I", 0)  # 12..30
    note += struct.pack("<H", 3)  # CameraSettings at 30: PreviewImageValid, Start, Length
    note += struct.pack("<HHII", 0x0100, LONG, 1, 1) + struct.pack("<HHII", 0x0101, LONG, 1, 72)
    note += struct.pack("<HHII", 0x0102, LONG, 1, len(preview)) + struct.pack("<I", 0)
    assert len(note) == 72
    block = ms.tiff(
        {
            "ifd0": [
                (0x010F, ASCII, "OLYMPUS CORPORATION"),
                (0x0110, ASCII, "E-M1MarkII"),
                (0x0112, SHORT, orientation),
                (ms.EXIF_PTR, LONG, "@exif"),
            ],
            "exif": [(0x927C, UNDEFINED, bytes(note) + preview)],
        }
    )
    return block[:2] + b"RO" + block[4:]


def pef(preview: bytes, orientation: int = 1) -> bytes:
    """PEF-like: a Pentax maker note ("AOC\0") whose PreviewImageStart counts from the TIFF header."""
    note = b"AOC\0MM" + struct.pack(">H", 2)
    note += struct.pack(">HHII", 0x0003, LONG, 1, len(preview)) + struct.pack(">HHII", 0x0004, LONG, 1, 0)
    note += struct.pack(">I", 0)
    block = bytearray(
        ms.tiff(
            {
                "ifd0": [
                    (0x010F, ASCII, "PENTAX"),
                    (0x0110, ASCII, "PENTAX K-1"),
                    (0x0112, SHORT, orientation),
                    (ms.EXIF_PTR, LONG, "@exif"),
                ],
                "exif": [(0x927C, UNDEFINED, note + preview)],
            }
        )
    )
    at = bytes(block).index(b"AOC\0MM")
    struct.pack_into(">I", block, at + 28, at + len(note))  # the second entry's value: the JPEG, from the header
    return bytes(block)


def cr3(preview: bytes, thumb: bytes, orientation: int = 1) -> bytes:
    """CR3-like: ftyp crx; moov/uuid(Canon) with CMT1 (IFD0) and THMB; a top-level uuid with PRVW; mdat."""
    cmt1 = ms.tiff({"ifd0": [(0x010F, ASCII, "Canon"), (0x0110, ASCII, "Canon EOS R6"), (0x0112, SHORT, orientation)]})
    w, h = _size(thumb)
    thmb = ms.box(b"THMB", b"\0\0\0\0" + struct.pack(">HHIHH", w, h, len(thumb), 1, 0) + thumb)
    canon = ms.box(b"uuid", bytes.fromhex("85c0b687820f11e08111f4ce462b6a48") + ms.box(b"CMT1", cmt1) + thmb)
    moov = ms.box(b"moov", canon)
    w, h = _size(preview)
    prvw = ms.box(b"PRVW", struct.pack(">IHHHHI", 0, 1, w, h, 1, len(preview)) + preview)
    uuid = ms.box(b"uuid", bytes.fromhex("eaf42b5e1c984b88b9fbb7dc406e4d16") + struct.pack(">II", 0, 1) + prvw)
    ftyp = ms.box(b"ftyp", b"crx \0\0\0\1crx isom")
    return ftyp + moov + uuid + ms.box(b"mdat", b"\0" * 1024)


def raf(jpeg: bytes) -> bytes:
    """RAF-like: the 0x5c-byte header says where the JPEG (with its own Exif thumbnail) lies."""
    header = b"FUJIFILMCCD-RAW 0201FF383501" + b"X-T4".ljust(32, b"\0") + b"0100" + b"\0" * 20
    assert len(header) == 84
    at = 0x100
    header += struct.pack(">II", at, len(jpeg))
    return header.ljust(at, b"\0") + jpeg + b"\0" * 64


def _size(jpeg: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(jpeg)) as img:
        return img.size


def heif(items: list[tuple[bytes, bytes]], width: int, height: int, thmb_of: int | None = None, irot: int = 0) -> bytes:
    """A HEIF whose item 1 is an HEVC picture and items 2.. are (type, payload) after it in mdat.

    ``thmb_of``: item 2 is a ``thmb`` of item 1 (iref); ``irot``: the primary's rotation (x 90 anti-clockwise).
    """
    coded = [(b"hvc1", b"\0" * 2000), *items]
    ftyp = ms.box(b"ftyp", b"heic\0\0\0\0mif1heic")

    def meta(data_at: int) -> bytes:
        hdlr = ms.full_box(b"hdlr", b"\0" * 4 + b"pict" + b"\0" * 12 + b"\0")
        pitm = ms.full_box(b"pitm", struct.pack(">H", 1))
        infes = b"".join(
            ms.full_box(b"infe", struct.pack(">HH", i + 1, 0) + kind + b"\0", version=2)
            for i, (kind, _) in enumerate(coded)
        )
        iinf = ms.full_box(b"iinf", struct.pack(">H", len(coded)) + infes)
        iloc_body = bytes([0x44, 0x00]) + struct.pack(">H", len(coded))
        at = data_at
        for i, (_, payload) in enumerate(coded):
            iloc_body += struct.pack(">HHHII", i + 1, 0, 1, at, len(payload))
            at += len(payload)
        iloc = ms.full_box(b"iloc", iloc_body)
        ispe = ms.full_box(b"ispe", struct.pack(">II", width, height))
        props = ispe + ms.box(b"irot", bytes([irot & 3]))
        ipma = ms.full_box(b"ipma", struct.pack(">IHB", 1, 1, 2) + bytes([0x81, 0x82]))
        iref = b""
        if thmb_of is not None:
            iref = ms.full_box(b"iref", ms.box(b"thmb", struct.pack(">HHH", 2, 1, thmb_of)))
        return ms.full_box(b"meta", hdlr + pitm + iinf + iloc + iref + ms.box(b"iprp", ms.box(b"ipco", props) + ipma))

    data_at = len(ftyp) + len(meta(0)) + 8
    return ftyp + meta(data_at) + ms.box(b"mdat", b"".join(p for _, p in coded))


def heif_exif(tiff_block: bytes) -> bytes:
    """A HEIF Exif item's payload: the offset to the TIFF header, then "Exif\\0\\0" and the TIFF block."""
    return b"\0\0\0\6Exif\0\0" + tiff_block
