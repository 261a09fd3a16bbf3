"""Picture bytes for synthetic items.

A ``scene`` number always draws the same picture, so an original and its
planted copies (resized, edited, burst frames, near-duplicates) really look
alike to a perceptual hash, while different scenes do not. Images are drawn
small (their real pixel size is in the record) to keep generated Takeouts
and fake-server downloads fast.
"""

from __future__ import annotations

import io
import random
import struct
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw, ImageEnhance

from gphotos_tui.demo.generator import SyntheticItem

DEFAULT_MAX_SIDE = 320


def render_scene(scene: int, width: int, height: int, shift: float = 0.0) -> Image.Image:
    """Draw scene ``scene`` at ``width`` x ``height``; ``shift`` moves the subjects (burst frames)."""
    rng = random.Random(scene)
    top = tuple(rng.randrange(256) for _ in range(3))
    bottom = tuple(rng.randrange(256) for _ in range(3))
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _ in range(rng.randint(3, 7)):
        cx, cy = rng.random() + shift, rng.random()
        rx, ry = rng.uniform(0.05, 0.3), rng.uniform(0.05, 0.3)
        box = [(cx - rx) * width, (cy - ry) * height, (cx + rx) * width, (cy + ry) * height]
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    return img


def picture(item: SyntheticItem, max_side: int = DEFAULT_MAX_SIDE) -> Image.Image:
    """The picture of ``item`` as its variant would look, at most ``max_side`` pixels."""
    r = item.record
    w, h = r.width or 4, r.height or 3
    scale = min(1.0, max_side / max(w, h))
    size = (max(8, round(w * scale)), max(8, round(h * scale)))
    shift = 0.0
    if item.variant == "burst":
        shift = (int(r.external_id[-4:], 16) % 7 + 1) * 0.004
    img = render_scene(item.scene, *size, shift=shift)
    if item.variant == "edited":
        img = ImageEnhance.Contrast(img).enhance(1.25)
    if item.variant == "near":
        cw, ch = img.size
        img = img.crop((int(cw * 0.03), int(ch * 0.03), int(cw * 0.97), int(ch * 0.97))).resize(size)
    return img


def jpeg_bytes(item: SyntheticItem, max_side: int = DEFAULT_MAX_SIDE, *, exif: bool = True) -> bytes:
    """JPEG bytes for ``item`` with camera EXIF from its record (as a camera would write it)."""
    img = picture(item, max_side)
    out = io.BytesIO()
    quality = 60 if item.variant == "near" else 85
    img.save(out, "JPEG", quality=quality, exif=exif_block(item).tobytes() if exif else b"")
    return out.getvalue()


def exif_block(item: SyntheticItem) -> Image.Exif:
    r = item.record
    ex = Image.Exif()
    if r.camera_make:
        ex[0x010F] = r.camera_make
    if r.camera_model:
        ex[0x0110] = r.camera_model
    ex[0x0112] = r.orientation or 1
    sub = ex.get_ifd(0x8769)
    if r.taken_at is not None and r.utc_offset_min is not None:
        local = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=r.taken_at + r.utc_offset_min * 60)
        stamp = local.strftime("%Y:%m:%d %H:%M:%S")
        ex[0x0132] = stamp
        sub[0x9003] = stamp  # DateTimeOriginal
        sign = "-" if r.utc_offset_min < 0 else "+"
        sub[0x9011] = f"{sign}{abs(r.utc_offset_min) // 60:02d}:{abs(r.utc_offset_min) % 60:02d}"  # OffsetTimeOriginal
    if r.exposure_s:
        sub[0x829A] = r.exposure_s
    if r.aperture_f:
        sub[0x829D] = r.aperture_f
    if r.iso:
        sub[0x8827] = r.iso
    if r.focal_length_mm:
        sub[0x920A] = r.focal_length_mm
    if r.focal_length_35mm:
        sub[0xA405] = int(r.focal_length_35mm)
    if r.lens_model:
        sub[0xA434] = r.lens_model
    if r.width and r.height:
        sub[0xA002] = r.width
        sub[0xA003] = r.height
    if r.latitude is not None and r.longitude is not None:
        gps = ex.get_ifd(0x8825)
        gps[1] = "N" if r.latitude >= 0 else "S"
        gps[2] = _dms(abs(r.latitude))
        gps[3] = "E" if r.longitude >= 0 else "W"
        gps[4] = _dms(abs(r.longitude))
    return ex


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


# -- containers Pillow cannot write: a minimal HEIF and a QuickTime movie ----------


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _full_box(kind: bytes, version: int, payload: bytes, flags: int = 0) -> bytes:
    return _box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def heic_bytes(item: SyntheticItem) -> bytes:
    """A minimal valid HEIF container (ftyp, meta with an hvc1 image item and an Exif item).

    The image item's data is a placeholder, not decodable HEVC: the catalog
    only reads headers, and exiftool reads this file like a camera's HEIC.
    """
    r = item.record
    exif = b"\0\0\0\x06Exif\0\0" + exif_block(item).tobytes()[6:]
    image = b"\0\0\0\x10" + bytes(range(16))  # placeholder coded image
    ftyp = _box(b"ftyp", b"heic" + b"\0\0\0\0" + b"mif1heic")
    hdlr = _full_box(b"hdlr", 0, b"\0\0\0\0pict" + b"\0" * 12 + b"\0")
    pitm = _full_box(b"pitm", 0, struct.pack(">H", 1))
    infe1 = _full_box(b"infe", 2, struct.pack(">HH", 1, 0) + b"hvc1" + b"\0")
    infe2 = _full_box(b"infe", 2, struct.pack(">HH", 2, 0) + b"Exif" + b"\0")
    iinf = _full_box(b"iinf", 0, struct.pack(">H", 2) + infe1 + infe2)
    ispe = _full_box(b"ispe", 0, struct.pack(">II", r.width or 4032, r.height or 3024))
    ipco = _box(b"ipco", ispe)
    ipma = _full_box(b"ipma", 0, struct.pack(">IHB", 1, 1, 1) + bytes([0x81]))
    iprp = _box(b"iprp", ipco + ipma)

    def iloc(base: int) -> bytes:
        entries = struct.pack(">HHH", 1, 0, 1) + struct.pack(">II", base, len(image))
        entries += struct.pack(">HHH", 2, 0, 1) + struct.pack(">II", base + len(image), len(exif))
        return _full_box(b"iloc", 0, bytes([0x44, 0x00]) + struct.pack(">H", 2) + entries)

    def meta(base: int) -> bytes:
        return _full_box(b"meta", 0, hdlr + pitm + iloc(base) + iinf + iprp)

    head_len = len(ftyp) + len(meta(0)) + 8  # offsets point into mdat's payload
    return ftyp + meta(head_len) + _box(b"mdat", image + exif)


def mov_bytes(item: SyntheticItem, *, brand: bytes = b"qt  ", moov_first: bool = True) -> bytes:
    """A small QuickTime/MP4 file whose moov says the item's duration and frame size."""
    r = item.record
    timescale = 600
    duration = int((r.duration_s or 3.0) * timescale)
    ftyp = _box(b"ftyp", brand + b"\0\0\0\0" + brand + b"isom")
    mvhd = _full_box(b"mvhd", 0, struct.pack(">IIII", 0, 0, timescale, duration) + b"\0" * 80)
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    tkhd = _full_box(
        b"tkhd",
        0,
        struct.pack(">IIIII", 0, 0, 1, 0, duration)
        + b"\0" * 8
        + struct.pack(">hhhH", 0, 0, 0, 0)
        + matrix
        + struct.pack(">II", (r.width or 1920) << 16, (r.height or 1080) << 16),
        flags=3,
    )
    moov = _box(b"moov", mvhd + _box(b"trak", tkhd))
    mdat = _box(b"mdat", bytes(64))
    return ftyp + (moov + mdat if moov_first else mdat + moov)
