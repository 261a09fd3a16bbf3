"""Demo items' pictures, drawn again from the synthetic library's seed (nothing is stored)."""

from __future__ import annotations

import re
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from gphotos_tui.demo.generator import SyntheticItem

_REF = re.compile(r"^seed-(\d+)-size-(\d+)$")


def demo_source_ref(seed: int, size: int) -> str:
    """The demo source's ref in the catalog: enough to draw any of its items again."""
    return f"seed-{seed}-size-{size}"


def parse_demo_ref(ref: str) -> tuple[int, int] | None:
    """(seed, size) of a demo source ref, or None."""
    match = _REF.match(ref)
    return (int(match[1]), int(match[2])) if match else None


def demo_picture(seed: int, size: int, external_id: str) -> bytes:
    """The JPEG the demo renderer draws for this item (videos: a poster frame)."""
    from gphotos_tui.demo.images import jpeg_bytes

    width, height, scene, variant = _demo_pictures(seed, size)[external_id]
    record = SimpleNamespace(external_id=external_id, width=width, height=height)
    # Only the fields the renderer reads: a whole SyntheticItem per picture would cost a million items' memory.
    item = cast("SyntheticItem", SimpleNamespace(record=record, scene=scene, variant=variant))
    return jpeg_bytes(item, exif=False)


@lru_cache(maxsize=2)
def _demo_pictures(seed: int, size: int) -> dict[str, tuple[Any, ...]]:
    """What the renderer needs per demo item (not whole items: a million of those fill gigabytes)."""
    from gphotos_tui.demo.generator import SyntheticLibrary

    return {
        i.record.external_id: (i.record.width, i.record.height, i.scene, i.variant)
        for i in SyntheticLibrary(size, seed).items()
    }
