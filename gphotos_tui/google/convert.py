"""Google's JSON (Library MediaItem, Picker PickedMediaItem, Album) to catalog records."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from gphotos_tui.model import AlbumRecord, MediaRecord

_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?([Zz]|[+-]\d\d:\d\d)\Z")


def parse_time(text: str | None) -> int | None:
    """RFC 3339 with 0 to 9 fraction digits and Z or an offset -> Unix seconds (fraction dropped)."""
    if not text:
        return None
    if len(text) == 20 and text[-1] == "Z":  # "2024-05-01T12:34:56Z", by far the most common form
        try:
            return int(datetime.fromisoformat(text).timestamp())
        except ValueError:
            pass
    m = _RFC3339.match(text.strip())
    if not m:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
    zone = m.group(8)
    offset = 0 if zone in ("Z", "z") else (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 60 + int(zone[4:6]))
    try:
        stamp = datetime(y, mo, d, h, mi, s, tzinfo=UTC).timestamp()
    except ValueError:
        return None
    return int(stamp) - offset * 60


def parse_duration_s(text: str | None) -> float | None:
    """A protobuf Duration ("0.008s", "1s") in seconds."""
    if not text or not text.endswith("s"):
        return None
    try:
        value = float(text[:-1])
    except ValueError:
        return None
    return value if value > 0 else None


def _int(value: Any) -> int | None:
    """int64 values arrive as strings ("4032"); Picker sizes as plain integers."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _media_type(mime: str | None, hint: str | None = None) -> str:
    if hint == "VIDEO" or (mime or "").startswith("video/"):
        return "video"
    return "photo"


def library_item(item: dict[str, Any]) -> MediaRecord:
    """A Library API MediaItem (fields may be missing; ``photo: {}`` is common)."""
    meta = item.get("mediaMetadata") or {}
    details = meta.get("photo") or meta.get("video") or {}
    video = "video" in meta or (item.get("mimeType") or "").startswith("video/")
    return MediaRecord(
        external_id=item["id"],
        filename=item.get("filename") or item["id"],
        mime_type=item.get("mimeType"),
        media_type="video" if video else "photo",
        taken_at=parse_time(meta.get("creationTime")),
        width=_int(meta.get("width")),
        height=_int(meta.get("height")),
        camera_make=details.get("cameraMake"),
        camera_model=details.get("cameraModel"),
        focal_length_mm=_float(details.get("focalLength")),
        aperture_f=_float(details.get("apertureFNumber")),
        iso=_int(details.get("isoEquivalent")),
        exposure_s=parse_duration_s(details.get("exposureTime")),
        description=item.get("description"),
        product_url=item.get("productUrl"),
        time_source="api" if meta.get("creationTime") else None,
    )


def picked_item(item: dict[str, Any]) -> MediaRecord:
    """A Picker PickedMediaItem (no description, location, albums, favourite flag or product URL)."""
    media_file = item.get("mediaFile") or {}
    meta = media_file.get("mediaFileMetadata") or {}
    photo = meta.get("photoMetadata") or {}
    return MediaRecord(
        external_id=item["id"],
        filename=media_file.get("filename") or item["id"],
        mime_type=media_file.get("mimeType"),
        media_type=_media_type(media_file.get("mimeType"), item.get("type")),
        taken_at=parse_time(item.get("createTime")),
        width=_int(meta.get("width")),
        height=_int(meta.get("height")),
        camera_make=meta.get("cameraMake"),
        camera_model=meta.get("cameraModel"),
        focal_length_mm=_float(photo.get("focalLength")),
        aperture_f=_float(photo.get("apertureFNumber")),
        iso=_int(photo.get("isoEquivalent")),
        exposure_s=parse_duration_s(photo.get("exposureTime")),
        time_source="api" if item.get("createTime") else None,
    )


def album(album: dict[str, Any]) -> AlbumRecord:
    return AlbumRecord(key=album["id"], title=album.get("title") or "(untitled)", product_url=album.get("productUrl"))


def base_url(item: dict[str, Any]) -> str | None:
    """The (60-minute) base URL of a Library or Picker item."""
    return item.get("baseUrl") or (item.get("mediaFile") or {}).get("baseUrl")
