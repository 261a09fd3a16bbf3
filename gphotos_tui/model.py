"""Plain records that flow from sources into the catalog.

Sources (Takeout, Picker, Library API, local folders, the demo generator)
parse their input into these records; the catalog is the only place that
turns them into rows. Nothing here knows about SQL or Textual.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class SourceKind(StrEnum):
    TAKEOUT = "takeout"
    PICKER = "picker"
    LIBRARY = "library"
    FOLDER = "folder"
    DEMO = "demo"


#: What each source can and cannot give, in plain words (shown in the UI and README).
SOURCE_CAPABILITIES: dict[SourceKind, str] = {
    SourceKind.TAKEOUT: "Everything: original files, GPS, descriptions, albums, favourite/archive/trash flags. Manual export.",
    SourceKind.PICKER: "Only photos you pick (up to 2000 a session): camera and exposure, no albums, GPS, description or flags.",
    SourceKind.LIBRARY: "Only items this app uploaded, since Google's March 2025 change; downloads have GPS stripped.",
    SourceKind.FOLDER: "Files on this machine: EXIF, size and content hash; linked to Google items when they match.",
    SourceKind.DEMO: "A synthetic library generated on this machine, so every screen can be tried without an account.",
}


@dataclass(slots=True)
class MediaRecord:
    """One photo or video as one source saw it.

    ``external_id`` is the source's own identity for the item (Google media
    item id, Picker id, Takeout URL, local path); ``taken_at`` is Unix seconds
    in UTC and ``utc_offset_min`` the offset of the local wall-clock time when
    it is known (EXIF OffsetTimeOriginal, a time zone guess never fills it).
    Fields left ``None`` never overwrite what another source already knew.
    """

    external_id: str
    filename: str
    mime_type: str | None = None
    media_type: str = "photo"  # photo | video
    taken_at: int | None = None
    utc_offset_min: int | None = None
    width: int | None = None
    height: int | None = None
    size_bytes: int | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    lens_model: str | None = None
    focal_length_mm: float | None = None
    focal_length_35mm: float | None = None
    aperture_f: float | None = None
    iso: int | None = None
    exposure_s: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    description: str | None = None
    favorite: bool | None = None
    archived: bool | None = None
    trashed: bool | None = None
    product_url: str | None = None
    duration_s: float | None = None
    orientation: int | None = None
    content_hash: str | None = None
    time_source: str | None = None  # sidecar | exif | api | filename | folder | none
    detail: str | None = None  # source-specific note, e.g. the Takeout rule that matched

    @property
    def match_key(self) -> str | None:
        return match_key(self.filename, self.taken_at)


#: Column order shared by the catalog writer and the export.
MEDIA_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(MediaRecord))


@dataclass(slots=True)
class AlbumRecord:
    """An album as a source saw it; ``key`` is unique within the source kind."""

    key: str
    title: str
    description: str | None = None
    product_url: str | None = None
    created_at: int | None = None


@dataclass(slots=True)
class Membership:
    """Item ``item_external_id`` (of the same source) is in album ``album_key``."""

    album_key: str
    item_external_id: str
    position: int | None = None


@dataclass(slots=True)
class Checkpoint:
    """Where a listing stopped, written in the same transaction as its page."""

    shard: str
    page_token: str | None
    newest_seen: int | None = None
    done: bool = False
    state: dict[str, Any] = field(default_factory=dict)


def match_key(filename: str | None, taken_at: int | None) -> str | None:
    """The cross-source join key: original filename plus capture second.

    Google gives no common id across Takeout, Picker and the Library API, so
    (like immich-go) items are joined on name and capture time.
    """
    if not filename or taken_at is None:
        return None
    name = unicodedata.normalize("NFC", filename).casefold()
    return f"{name}|{taken_at}"
