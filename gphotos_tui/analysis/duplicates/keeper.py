"""Which member of a group to keep.

The rules favour what a person would keep by hand: the original over an
edit or a copy, the preferred format of a RAW/HEIC pair, more pixels,
favourites and items in albums; ties go to the item seen first.
"""

from __future__ import annotations

from typing import Any

from gphotos_tui.analysis.duplicates.model import DupItem, Group, Settings
from gphotos_tui.analysis.duplicates.names import edit_base, file_format, is_uuid_name, split_name


def choose_keepers(group: Group, settings: Settings) -> set[int]:
    """The suggested keeper(s): one item per group."""
    best = max(group.members, key=lambda m: _rank(group.kind, m, settings))
    return {best.id}


def _rank(kind: str, m: DupItem, settings: Settings) -> tuple[Any, ...]:
    return (
        _class_preference(kind, m, settings),
        m.favorite,
        m.albums > 0,
        m.pixels,
        m.size_bytes or 0,
        -(m.taken_at or 0),
        -m.id,
    )


def _class_preference(kind: str, m: DupItem, settings: Settings) -> int:
    """1 for the member this class's rule prefers (original format, not an edit, not a UUID copy)."""
    if kind == "raw_jpeg":
        return int(file_format(m.filename, m.mime_type) == settings.keep_format_raw_jpeg)
    if kind == "heic_jpeg":
        return int(file_format(m.filename, m.mime_type) == settings.keep_format_heic_jpeg)
    if kind == "edited":
        return int(edit_base(split_name(m.filename)[0]) is None)
    if kind == "thumbnail":
        return int(not is_uuid_name(m.filename))
    if kind == "near":
        return int(m.camera is not None)  # the camera original still has its EXIF; shared copies lose it
    return 0


def explain_keeper(group: Group) -> str:
    """A short line for the review screen: why this one is suggested."""
    kind = group.kind
    return {
        "exact": "identical: keep a favourite / one in albums, else the first seen",
        "resized": "keep the largest",
        "thumbnail": "keep the original, not the UUID-named thumbnail",
        "raw_jpeg": "keep the preferred format (setting)",
        "heic_jpeg": "keep the preferred format (setting)",
        "edited": "keep the original (the edit can be redone in Google Photos)",
        "burst": "keep a favourite / one in albums, else the first shot",
        "near": "keep the camera original with the most pixels",
    }[kind]
