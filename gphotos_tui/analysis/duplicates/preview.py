"""Half-block previews: one terminal cell shows two pixels (upper half fg, lower half bg).

Works in any terminal with true colour, over SSH too. The UI turns the cells
into styled '▀' characters; this module only decodes and resizes.
"""

from __future__ import annotations

import io
from typing import Any, cast

from PIL import Image, ImageOps

RGB = tuple[int, int, int]


def halfblock_cells(data: bytes, cols: int, rows: int) -> list[list[tuple[RGB, RGB]]]:
    """rows x cols cells of (top pixel, bottom pixel), the picture fitted inside and centred."""
    opened = Image.open(io.BytesIO(data))
    opened.draft("RGB", (cols * 2, rows * 4))
    img = ImageOps.exif_transpose(opened).convert("RGB")
    img.thumbnail((cols, rows * 2), Image.Resampling.BOX)
    canvas = Image.new("RGB", (cols, rows * 2))
    canvas.paste(img, ((cols - img.width) // 2, (rows * 2 - img.height) // 2))
    px = canvas.load()
    assert px is not None  # an RGB image in memory always has pixel access
    return [[(_rgb(px[x, 2 * y]), _rgb(px[x, 2 * y + 1])) for x in range(cols)] for y in range(rows)]


def _rgb(pixel: Any) -> RGB:
    """An RGB image's pixel (a 3-tuple of ints)."""
    return cast(RGB, pixel)
