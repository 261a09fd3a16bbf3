"""Demo items' pictures, drawn again from what the catalog keeps of them (nothing else is stored).

The demo job writes each item's picture recipe (size, scene, variant) into its
provenance row's ``detail``; a preview or a hash draws from that. Catalogs
written before the recipe was kept replay the generator from the seed once.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from gphotos_tui.demo.generator import SyntheticItem

_REF = re.compile(r"^seed-(\d+)-size-(\d+)$")

#: (width, height, scene, variant): all the renderer reads of an item.
Recipe = tuple[int, int, int, str]


def demo_source_ref(seed: int, size: int) -> str:
    """The demo source's ref in the catalog: enough to draw any of its items again."""
    return f"seed-{seed}-size-{size}"


def parse_demo_ref(ref: str) -> tuple[int, int] | None:
    """(seed, size) of a demo source ref, or None."""
    match = _REF.match(ref)
    return (int(match[1]), int(match[2])) if match else None


def recipe_detail(item: SyntheticItem) -> str:
    """The provenance ``detail`` the demo job writes: the item's picture recipe."""
    r = item.record
    return json.dumps({"picture": [r.width or 4, r.height or 3, item.scene, item.variant]}, separators=(",", ":"))


def parse_recipe(detail: str | None) -> Recipe | None:
    """The recipe in a demo provenance ``detail``, or None (older catalogs, anything malformed)."""
    if not detail:
        return None
    try:
        w, h, scene, variant = json.loads(detail)["picture"]
    except (ValueError, KeyError, TypeError):
        return None
    if not all(isinstance(v, int) for v in (w, h, scene)) or not isinstance(variant, str):
        return None
    return (w, h, scene, variant)


def demo_picture(seed: int, size: int, external_id: str, recipe: Recipe | None = None) -> bytes:
    """The JPEG the demo renderer draws for this item (videos: a poster frame)."""
    from gphotos_tui.demo.images import jpeg_bytes

    width, height, scene, variant = recipe or _replayed_recipes(seed, size)[external_id]
    record = SimpleNamespace(external_id=external_id, width=width, height=height)
    # Only the fields the renderer reads: a whole SyntheticItem per picture would cost a million items' memory.
    item = cast("SyntheticItem", SimpleNamespace(record=record, scene=scene, variant=variant))
    return jpeg_bytes(item, exif=False)


@lru_cache(maxsize=2)
def _replayed_recipes(seed: int, size: int) -> dict[str, tuple[Any, ...]]:
    """Every item's recipe by replaying the generator: only for catalogs without recipes (seconds at 1M)."""
    from gphotos_tui.demo.generator import SyntheticLibrary

    return {
        i.record.external_id: (i.record.width, i.record.height, i.scene, i.variant)
        for i in SyntheticLibrary(size, seed).items()
    }
