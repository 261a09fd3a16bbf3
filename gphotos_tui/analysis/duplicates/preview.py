"""Half-block previews: one terminal cell shows two pixels (upper half fg, lower half bg).

Works in any terminal with true colour, over SSH too. The UI turns the cells
into styled '▀' characters; this module finds what to decode and resizes.

The bytes go through the metadata reader's preview locator
(``exif.preview.locate_previews``) first: when the file holds an embedded
JPEG at least as large as the preview (a JPEG's Exif thumbnail, a RAW's
preview, a CR3's PRVW, a RAF's JPEG), only that JPEG is read (with seeks: a
local file or a zip member of a Takeout part in place) and decoded in
Pillow's draft mode, then turned as the main image is. Otherwise the file
itself is decoded (draft mode again: a JPEG is scaled down while it is
decoded). What neither can show (a HEIC without a JPEG preview: Pillow has
no HEVC decoder) raises :class:`NoPreview`, whose message says why in one line.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

from PIL import Image, ImageOps

from gphotos_tui.exif import sniff
from gphotos_tui.exif.preview import EmbeddedJpeg, PreviewPlan, locate_previews
from gphotos_tui.exif.source import MAX_READ, Source

RGB = tuple[int, int, int]
Cells = list[list[tuple[RGB, RGB]]]

# Formats Pillow decodes without plugins; HEIF/AVIF count when a plugin registered their extension.
_PILLOW = {"jpeg", "png", "gif", "webp", "bmp", "ico", "tiff", "bigtiff", None}  # None: Pillow may know it
_REGISTERED = {"heif": ".heic", "avif": ".avif"}
_VIDEOS = {"mp4", "mov", "m4v", "3gp", "3g2", "avi", "asf", "mkv", "mpeg", "m2ts"}
_TRANSPOSE = {  # Exif orientation -> what turns the stored picture upright
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


class NoPreview(Exception):
    """Nothing here can be drawn; ``str()`` says why in one line (shown in place of the picture), ``short``
    in a few words (a Duplicates card is 24 columns wide)."""

    def __init__(self, message: str, short: str) -> None:
        super().__init__(message)
        self.short = short


@dataclass(frozen=True, slots=True)
class Decoded:
    """The picture a preview shows, and where it came from (``embedded``: the JPEG used, None: the file)."""

    image: Image.Image
    embedded: EmbeddedJpeg | None
    plan: PreviewPlan


def halfblock_cells(data: bytes, cols: int, rows: int, name: str = "") -> Cells:
    """rows x cols cells of (top pixel, bottom pixel), the picture fitted inside and centred."""
    return cells_of(decode_preview(Source(data), cols, rows * 2, name).image, cols, rows)


def loader_cells(loader: Callable[[], bytes], cols: int, rows: int, name: str = "") -> Cells:
    """``halfblock_cells`` for a hash job's loader: local files and zip members are read with seeks."""
    with _opened(loader) as src:
        return cells_of(decode_preview(src, cols, rows * 2, name).image, cols, rows)


@contextmanager
def _opened(loader: Callable[[], bytes]) -> Iterator[Source]:
    opener = cast(Callable[[], tuple[BinaryIO, int]] | None, getattr(loader, "open", None))
    if opener is None:  # bytes made in memory (the demo renderer, a fetched thumbnail) or a .tgz member
        yield Source(loader())
        return
    fh, size = opener()
    try:
        yield Source.of_file(fh, size)
    finally:
        fh.close()


def decode_preview(src: Source, width: int, height: int, name: str = "") -> Decoded:
    """The picture to fit in ``width`` x ``height`` pixels: an embedded JPEG when one is large enough."""
    kind = sniff(src.head)
    plan = locate_previews(src, kind)
    decodable = kind in _PILLOW or (kind in _REGISTERED and _REGISTERED[kind] in _extensions())
    chosen = plan.best(width, height, decodable=decodable)
    if chosen is not None:
        data = _read_all(src, chosen.offset, chosen.length)
        try:
            embedded = Image.open(io.BytesIO(data))
            embedded.draft("RGB", (width * 2, height * 2))
            img = embedded.convert("RGB")
        except (OSError, ValueError, SyntaxError) as exc:
            if not decodable:
                label = _label(kind, name)
                raise NoPreview(f"{label}'s embedded JPEG is damaged ({exc})", f"{label}: damaged preview") from exc
        else:
            transpose = _TRANSPOSE.get(plan.orientation)
            return Decoded(img.transpose(transpose) if transpose else img, chosen, plan)
    if not decodable:
        raise _why(kind, name)
    boxed = _unboxed(src, plan, width, height)
    if boxed is not None:
        return boxed
    fh: Any = src.fh if src.fh is not None else io.BytesIO(src.head)
    fh.seek(0)
    try:
        opened = Image.open(fh)
        opened.draft("RGB", (width * 2, height * 2))
        whole = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, SyntaxError) as exc:
        if kind is None:
            raise _why(kind, name) from exc
        if kind == "tiff" and os.path.splitext(name)[1].casefold() not in ("", ".tif", ".tiff"):
            label = _label(kind, name)
            raise NoPreview(
                f"{label} holds no JPEG preview and its raw data needs a RAW decoder", f"{label}: no JPEG preview"
            ) from exc
        raise
    return Decoded(whole, None, plan)


def _unboxed(src: Source, plan: PreviewPlan, width: int, height: int) -> Decoded | None:
    """A thumbnail letterboxed to another shape (cameras pad 3:2 and 16:9 pictures into 160x120), cropped to
    the picture when its bars are black; None when there is none or its margins hold picture (a stale one)."""
    if not plan.width or not plan.height:
        return None
    for jpeg in sorted(plan.jpegs, key=lambda j: j.width * j.height):
        scale = min(jpeg.width / plan.width, jpeg.height / plan.height)
        inner_w, inner_h = round(plan.width * scale), round(plan.height * scale)
        if abs(inner_w - jpeg.width) <= 2 and abs(inner_h - jpeg.height) <= 2:
            continue  # the picture's shape: best() would have taken it
        shown_w, shown_h = (inner_h, inner_w) if plan.orientation >= 5 else (inner_w, inner_h)
        if shown_w < width and shown_h < height:
            continue  # once the bars are cut, too small
        try:
            img = Image.open(io.BytesIO(_read_all(src, jpeg.offset, jpeg.length))).convert("RGB")
        except (OSError, ValueError, SyntaxError):
            continue
        left, top = (img.width - inner_w) // 2, (img.height - inner_h) // 2
        box = (left, top, left + inner_w, top + inner_h)
        grey = img.convert("L")
        margins = (
            (0, 0, img.width, top - 1),
            (0, box[3] + 1, img.width, img.height),
            (0, 0, left - 1, img.height),
            (box[2] + 1, 0, img.width, img.height),
        )
        bars = [grey.crop(m) for m in margins if m[2] > m[0] and m[3] > m[1]]
        if not bars or any(cast(tuple[int, int], bar.getextrema())[1] > 48 for bar in bars):
            return None  # no bars, or picture in them: not a letterboxed copy of this picture
        transpose = _TRANSPOSE.get(plan.orientation)
        cropped = img.crop(box)
        return Decoded(cropped.transpose(transpose) if transpose else cropped, jpeg, plan)
    return None


def _read_all(src: Source, offset: int, length: int) -> bytes:
    """``length`` bytes at ``offset``, in reads the Source allows (a full-size JpgFromRaw may pass its cap)."""
    parts = []
    while length > 0:
        part = src.read(offset, min(length, MAX_READ))
        if not part:
            break
        parts.append(part)
        offset += len(part)
        length -= len(part)
    return b"".join(parts)


def cells_of(picture: Image.Image, cols: int, rows: int) -> Cells:
    img = picture.copy()
    img.thumbnail((cols, rows * 2), Image.Resampling.BOX)
    canvas = Image.new("RGB", (cols, rows * 2))
    canvas.paste(img, ((cols - img.width) // 2, (rows * 2 - img.height) // 2))
    px = canvas.load()
    assert px is not None  # an RGB image in memory always has pixel access
    return [[(_rgb(px[x, 2 * y]), _rgb(px[x, 2 * y + 1])) for x in range(cols)] for y in range(rows)]


def _extensions() -> dict[str, str]:
    Image.init()
    return Image.registered_extensions()


def _label(kind: str | None, name: str) -> str:
    ext = os.path.splitext(name)[1].lstrip(".").upper()
    return ext or (kind or "this file").upper()


def _why(kind: str | None, name: str) -> NoPreview:
    label = _label(kind, name)
    if kind == "heif":
        return NoPreview(
            f"{label} needs an HEVC decoder (not installed) and holds no JPEG preview; open the original",
            f"{label} needs an HEVC decoder",
        )
    if kind == "avif":
        return NoPreview(
            f"{label} needs an AV1 decoder (not installed) and holds no JPEG preview; open the original",
            f"{label} needs an AV1 decoder",
        )
    if kind in _VIDEOS:
        return NoPreview(f"{label} is a video: frames are not decoded here", f"{label} is a video")
    if kind is None:
        return NoPreview("not a picture this app can read", "unknown format")
    return NoPreview(
        f"{label} holds no JPEG preview and its picture needs a decoder this app does not have",
        f"{label}: no JPEG preview",
    )


def _rgb(pixel: Any) -> RGB:
    """An RGB image's pixel (a 3-tuple of ints)."""
    return cast(RGB, pixel)
