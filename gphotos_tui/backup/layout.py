"""Where each backed-up file goes: ``YYYY/MM/<safe name>`` by local capture time."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from gphotos_tui.backup.names import NameAllocator, safe_component, split_ext

UNDATED = "undated"


@dataclass(slots=True)
class Target:
    """One file to write under DEST."""

    relpath: str  # "2019/07/IMG_0001.jpg", always "/"-separated
    taken_at: int | None  # UTC seconds: the file's mtime
    size: int | None  # expected bytes (Takeout declares them; the API does not)
    fidelity: str  # original | api_photo | api_video
    item_key: str  # "takeout:<external id>" or "<kind>:<external id>"
    albums: list[str] = field(default_factory=list)  # album titles
    item_id: int | None = None  # the catalog item, when the catalog has it
    match_key: str | None = None  # to find the catalog item when the archive was never imported


def month_folder(taken_at: int | None, utc_offset_min: int | None) -> str:
    """``YYYY/MM`` of the photographer's wall clock when the offset is known, else of UTC."""
    if taken_at is None:
        return UNDATED
    local = taken_at + (utc_offset_min or 0) * 60
    try:
        tm = time.gmtime(local)
    except (OverflowError, OSError, ValueError):
        return UNDATED
    if not 1900 <= tm.tm_year <= 9999:
        return UNDATED
    return f"{tm.tm_year:04d}/{tm.tm_mon:02d}"


def place(allocator: NameAllocator, folder: str, filename: str | None) -> str:
    """A fresh safe relative path in ``folder`` for ``filename``."""
    return f"{folder}/{allocator.claim(folder, safe_component(filename))}"


def companion_path(allocator: NameAllocator, owner_relpath: str, companion_name: str) -> str:
    """A live-photo video or motion part next to its photo, sharing the photo's stem when free."""
    folder, _, owner = owner_relpath.rpartition("/")
    ext = split_ext(safe_component(companion_name))[1]
    wanted = split_ext(owner)[0] + ext
    if allocator.reserve(folder, wanted):
        return f"{folder}/{wanted}"
    return place(allocator, folder, wanted)
