"""From matched files to catalog records: one item per photo, all its album links.

Identity (``external_id``), in order of preference:

- ``<photo id>`` from the sidecar's Google URL: the only id that survives
  renames, ``(N)`` numbering and re-exports, so incremental Takeouts update
  the same item;
- ``t:<title>|<photoTakenTime>``: immich-go's key, when a sidecar has no URL;
- ``sha256:<hash>`` of the bytes, for files without any sidecar (year and
  album copies are byte-identical, so they still collapse);
- ``path:<folder>/<name>`` only when hashing was turned off.

Edited copies get ``<id>~edited`` (the edit is its own picture); live-photo
videos and motion-photo parts are companions of their photo, not items.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field

from gphotos_tui.model import AlbumRecord, MediaRecord
from gphotos_tui.sources.takeout import names
from gphotos_tui.sources.takeout.catalogue import Catalogue, MediaEntry
from gphotos_tui.sources.takeout.matching import Match
from gphotos_tui.sources.takeout.sidecar import Sidecar

_FILENAME_TIME = re.compile(
    r"(?<!\d)((?:19|20)\d{2})-?(\d{2})-?(\d{2})[_\-T ]?(\d{2})[.:\-]?(\d{2})[.:\-]?(\d{2})(?!\d{3,})"
)
_MIME_BY_EXT = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".heic": "image/heif",
    ".heif": "image/heif",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
    ".m4v": "video/mp4",
    ".3gp": "video/3gpp",
    ".dng": "image/x-adobe-dng",
    ".mp": "video/mp4",
    ".avi": "video/x-msvideo",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".wmv": "video/x-ms-wmv",
    ".mpg": "video/mpeg",
    ".mts": "video/mp2t",
    ".m2ts": "video/mp2t",
}


@dataclass(slots=True)
class Built:
    """One item: the copy that defines it, plus what its other copies add.

    The MediaRecord is made on demand (``record``), so an import holds one
    batch of records at a time rather than all of them.
    """

    key: str
    match: Match
    albums: frozenset[str] = frozenset()  # album keys (most items have none: no set each)
    paths: list[str] = field(default_factory=list)
    companions: list[str] = field(default_factory=list)
    rule: str = "none"
    content_hash: str | None = None  # the first copy that has one
    in_trash: bool = False  # some copy sits in a Trash / Archive folder
    in_archive: bool = False

    @property
    def record(self) -> MediaRecord:
        record = _record(self.key, self.match)
        record.content_hash = record.content_hash or self.content_hash
        if self.in_trash:
            record.trashed = True
        if self.in_archive:
            record.archived = True
        return record

    @property
    def time_source(self) -> str:
        match = self.match
        return _capture_time(match.media, match.sidecar.sidecar if match.sidecar else None)[1]


def album_records(cat: Catalogue) -> dict[str, AlbumRecord]:
    """Album folders (and untitled ones) by folder key; year and special folders are not albums."""
    albums = {}
    for key, folder in cat.folders.items():
        if not key or "/" in key:
            continue
        kind, _ = names.folder_kind(key, folder.album is not None)
        if kind in ("album", "untitled"):
            meta = folder.album
            title = meta.title if meta and meta.title else key  # empty JSON titles: show the folder name
            albums[key] = AlbumRecord(
                key, title, meta.description if meta else None, created_at=meta.created_at if meta else None
            )
    return albums


def external_id(match: Match) -> str:
    sidecar = match.sidecar.sidecar if match.sidecar else None
    if sidecar is not None:
        if sidecar.photo_id:
            key = sidecar.photo_id
        elif sidecar.title and sidecar.taken_at:
            key = f"t:{names.nfc(sidecar.title)}|{sidecar.taken_at}"
        else:
            assert match.sidecar is not None  # it holds ``sidecar``
            key = f"j:{match.sidecar.folder}/{match.sidecar.name}"
        return key + ("~edited" if match.role == "edited" else "")
    if match.media.sha256:
        return f"sha256:{match.media.sha256}"
    return f"path:{match.media.folder}/{match.media.name}"


def build_items(matches: list[Match], cat: Catalogue, albums: dict[str, AlbumRecord]) -> dict[str, Built]:
    built: dict[str, Built] = {}
    companions: list[Match] = []
    for match in matches:
        if match.role == "companion":
            companions.append(match)
            continue
        _add(built, external_id(match), match, albums)
    for match in companions:
        owner = external_id(Match(match.media, match.sidecar, "exact"))
        if owner in built:
            built[owner].companions.append(f"{match.media.folder}/{match.media.name}")
        else:  # the photo half is missing: keep the video as an item of its own
            _add(built, owner + "~" + names.split_ext(match.media.name)[1].lstrip(".").lower(), match, albums)
    return built


def _add(built: dict[str, Built], key: str, match: Match, albums: dict[str, AlbumRecord]) -> None:
    entry = match.media
    item = built.get(key)
    if item is None:
        item = built[key] = Built(key, match, rule=match.rule)
    if item.content_hash is None and entry.sha256:
        item.content_hash = entry.sha256
    item.paths.append(f"{entry.folder}/{entry.name}")
    top = entry.folder.split("/", 1)[0]
    if top in albums and top not in item.albums:
        item.albums |= {top}
    kind, _ = names.folder_kind(top, top in albums)
    if kind == "trash":
        item.in_trash = True
    elif kind == "archive":
        item.in_archive = True
    if item.rule == "none" and match.rule != "none":
        item.rule = match.rule


def _record(key: str, match: Match) -> MediaRecord:
    entry, meta = match.media, match.media.meta
    sidecar = match.sidecar.sidecar if match.sidecar else None
    stem, ext = names.split_ext(entry.name)
    plain_name = names.strip_number(stem)[0] + ext
    filename = sidecar.title if sidecar and sidecar.title and match.role == "primary" else plain_name
    is_video = (meta is not None and meta.is_video) or names.is_video_name(entry.name)
    record = MediaRecord(
        external_id=key,
        filename=names.nfc(filename),
        mime_type=(meta.mime_type if meta and meta.mime_type else _MIME_BY_EXT.get(ext.casefold())),
        media_type="video" if is_video else "photo",
        size_bytes=entry.size,
        content_hash=entry.sha256,
    )
    if meta is not None:
        record.width, record.height = meta.width, meta.height
        record.camera_make, record.camera_model, record.lens_model = meta.make, meta.model, meta.lens
        record.focal_length_mm, record.focal_length_35mm = meta.focal_length_mm, meta.focal_length_35mm
        record.aperture_f, record.iso, record.exposure_s = meta.aperture_f, meta.iso, meta.exposure_s
        record.orientation, record.duration_s = meta.orientation, meta.duration_s
        record.utc_offset_min = meta.utc_offset_min
        record.latitude, record.longitude = meta.latitude, meta.longitude
    if sidecar is not None:
        if sidecar.latitude is not None:
            record.latitude, record.longitude = sidecar.latitude, sidecar.longitude
        record.description = sidecar.description
        record.favorite, record.archived, record.trashed = sidecar.favorite, sidecar.archived, sidecar.trashed
        record.product_url = sidecar.url
    record.taken_at, record.time_source = _capture_time(entry, sidecar)
    notes: dict[str, object] = {"rule": match.rule, "path": f"{entry.part}: {entry.path}"}
    folder_kind = names.folder_kind(entry.folder.split("/", 1)[0], True)[0]
    if folder_kind in ("trash", "archive", "locked", "failed"):
        notes["folder"] = folder_kind  # "failed": a video Google could not process
    if sidecar is not None:
        assert match.sidecar is not None  # it holds ``sidecar``
        notes["sidecar"] = f"{match.sidecar.part}: {match.sidecar.path}"
        if sidecar.people:
            notes["people"] = list(sidecar.people)
        if sidecar.origin:
            notes["origin"] = sidecar.origin
        if sidecar.uploaded_at:
            notes["uploaded_at"] = sidecar.uploaded_at
    if record.time_source == "exif" and record.utc_offset_min is None:
        notes["time"] = "camera wall clock read as UTC: the file has no time-zone offset"
    record.detail = json.dumps(notes, ensure_ascii=False, separators=(",", ":"))
    return record


def _capture_time(entry: MediaEntry, sidecar: Sidecar | None) -> tuple[int | None, str]:
    """Sidecar first (it holds the user's corrections), then EXIF, the file name, the folder year."""
    if sidecar is not None and sidecar.taken_at:
        return sidecar.taken_at, "sidecar"
    meta = entry.meta
    if meta is not None:
        exact = meta.taken_at
        if exact is not None:
            return exact, "exif"
        if meta.local_epoch is not None:
            return meta.local_epoch, "exif"
    match = _FILENAME_TIME.search(entry.name)
    if match:
        y, mo, d, h, mi, s = (int(g) for g in match.groups())
        if 1990 <= y <= 2100 and 1 <= mo <= 12 and 1 <= d <= 31 and h < 24 and mi < 60 and s < 61:
            return calendar.timegm((y, mo, d, h, mi, s, 0, 0, 0)), "filename"
    kind, year = names.folder_kind(entry.folder.split("/", 1)[0], False)
    if kind == "year" and year:
        return calendar.timegm((year, 1, 1, 0, 0, 0, 0, 0, 0)), "folder"
    return None, "none"
