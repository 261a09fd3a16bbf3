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
from datetime import datetime, timedelta, timezone

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
        local = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=r.taken_at + r.utc_offset_min * 60)
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
