"""Plain records of the duplicates analysis: items, groups, settings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

#: Duplicate classes, in the order the review screen lists them.
KINDS: tuple[str, ...] = ("exact", "resized", "thumbnail", "raw_jpeg", "heic_jpeg", "edited", "burst", "near")

#: Perceptual hash algorithm used for near duplicates (64-bit DCT hash).
PHASH = "phash64"


@dataclass(slots=True)
class DupItem:
    """What the classes and keeper rules need to know about one catalog item."""

    id: int
    public_id: str
    filename: str
    mime_type: str | None = None
    taken_at: int | None = None
    width: int | None = None
    height: int | None = None
    size_bytes: int | None = None
    camera: str | None = None  # make + model, None when unknown
    content_hash: str | None = None
    favorite: bool = False
    albums: int = 0
    product_url: str | None = None
    phash: int | None = None  # signed 64-bit, as stored
    video: bool = False  # videos only take part in "exact"

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)


@dataclass(slots=True)
class Group:
    """Items that duplicate each other, why, and what to keep."""

    kind: str
    reason: str
    members: list[DupItem]
    keep: set[int] = field(default_factory=set)  # suggested keepers (item ids)
    decisions: dict[int, str] = field(default_factory=dict)  # item id -> keep | discard, stored by the user

    @property
    def key(self) -> str:
        return group_key(self.kind, [m.id for m in self.members])

    def suggested(self, item_id: int) -> str:
        return "keep" if item_id in self.keep else "discard"

    def decision(self, item_id: int) -> str:
        """The user's decision if there is one, else the suggestion."""
        return self.decisions.get(item_id) or self.suggested(item_id)


def group_key(kind: str, item_ids: list[int]) -> str:
    """Stable across rescans: depends only on the class and the member ids."""
    text = kind + ":" + ",".join(map(str, sorted(item_ids)))
    return hashlib.sha1(text.encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class Settings:
    """Tunable rules; the defaults are justified in the README (quality corpus)."""

    near_threshold: int = 8  # max pHash Hamming distance for "near"
    resized_hash_distance: int = 12  # a resized copy whose hash differs more is not the same picture
    time_tolerance_s: int = 2  # capture-time slack for copies of one shot
    burst_window_s: int = 4  # max gap between consecutive burst shots
    aspect_tolerance: float = 0.02
    thumbnail_max_side: int = 2048  # UUID-named files at most this big are thumbnails
    keep_format_raw_jpeg: str = "jpeg"  # jpeg | raw
    keep_format_heic_jpeg: str = "heic"  # heic | jpeg
    max_cluster: int = 64  # time clusters bigger than this are compared to neighbours only
