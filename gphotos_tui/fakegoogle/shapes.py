"""Synthetic items rendered in Google's JSON shapes (Library MediaItem, Album, Picker PickedMediaItem).

Shapes follow the discovery document and the Picker reference: int64 values
as strings (Library width/height/mediaItemsCount), plain integers in the
Picker, Duration strings ("0.008s"), RFC 3339 times with 0, 3, 6 or 9
fractional digits, and optional fields left out rather than set to null.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from gphotos_tui.demo.generator import SyntheticItem
from gphotos_tui.model import AlbumRecord

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def rfc3339(ts: int, digits: int = 0) -> str:
    """``ts`` as Z-normalised RFC 3339; ``digits`` fraction digits (0/3/6/9), all zero like Google's."""
    stamp = (EPOCH + timedelta(seconds=ts)).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{'0' * digits}Z" if digits else f"{stamp}Z"


def duration(seconds: float) -> str:
    """A protobuf Duration string: ``0.008s``, ``1s``, at most 9 decimals."""
    text = f"{seconds:.9f}".rstrip("0").rstrip(".")
    return f"{text}s"


def stable_id(prefix: str, key: str) -> str:
    return prefix + hashlib.blake2b(key.encode(), digest_size=18).hexdigest()


def local_date(item: SyntheticItem) -> tuple[int, int, int] | None:
    """The capture date on the photographer's clock (what Google's date filters match)."""
    r = item.record
    if r.taken_at is None:
        return None
    local = EPOCH + timedelta(seconds=r.taken_at + (r.utc_offset_min or 0) * 60)
    return (local.year, local.month, local.day)


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != {}}


def media_item(item: SyntheticItem, base_url: str) -> dict[str, Any]:
    """A Library API ``MediaItem``."""
    r = item.record
    digits = (0, 3, 6, 9)[int(r.external_id[-1], 16) % 4]  # exercise every fraction length
    meta: dict[str, Any] = {}
    if r.taken_at is not None:
        meta["creationTime"] = rfc3339(r.taken_at, digits)
    if r.width and r.height:
        meta["width"], meta["height"] = str(r.width), str(r.height)
    if r.media_type == "video":
        meta["video"] = _drop_none(
            {"cameraMake": r.camera_make, "cameraModel": r.camera_model, "fps": 30.0, "status": "READY"}
        )
    else:  # may stay {}: Google sends "photo": {} for screenshots and edits
        meta["photo"] = _drop_none(
            {
                "cameraMake": r.camera_make,
                "cameraModel": r.camera_model,
                "focalLength": r.focal_length_mm,
                "apertureFNumber": r.aperture_f,
                "isoEquivalent": r.iso,
                "exposureTime": duration(r.exposure_s) if r.exposure_s else None,
            }
        )
    return _drop_none(
        {
            "id": r.external_id,
            "description": r.description,
            "productUrl": f"https://photos.google.com/lr/photo/{r.external_id}",
            "baseUrl": base_url,
            "mimeType": r.mime_type,
            "filename": r.filename,
            "mediaMetadata": meta,
        }
    )


def picked_item(item: SyntheticItem, base_url: str) -> dict[str, Any]:
    """A Picker API ``PickedMediaItem`` (no description, location, albums or product URL)."""
    r = item.record
    video = r.media_type == "video"
    meta = _drop_none(
        {"width": r.width, "height": r.height, "cameraMake": r.camera_make, "cameraModel": r.camera_model}
    )
    if video:
        meta["videoMetadata"] = {"fps": 30.0, "processingStatus": "READY"}
    else:
        photo = _drop_none(
            {
                "focalLength": r.focal_length_mm,
                "apertureFNumber": r.aperture_f,
                "isoEquivalent": r.iso,
                "exposureTime": duration(r.exposure_s) if r.exposure_s else None,
            }
        )
        if photo:
            meta["photoMetadata"] = photo
    return {
        "id": r.external_id,
        "createTime": rfc3339(r.taken_at, 3) if r.taken_at is not None else rfc3339(0),
        "type": "VIDEO" if video else "PHOTO",
        "mediaFile": {"baseUrl": base_url, "mimeType": r.mime_type, "filename": r.filename, "mediaFileMetadata": meta},
    }


def album(
    record: AlbumRecord, album_id: str, count: int, cover_id: str | None, cover_url: str | None
) -> dict[str, Any]:
    return _drop_none(
        {
            "id": album_id,
            "title": record.title,
            "productUrl": f"https://photos.google.com/lr/album/{album_id}",
            "isWriteable": True,  # every fake album counts as app-created
            "mediaItemsCount": str(count) if count else None,
            "coverPhotoBaseUrl": cover_url,
            "coverPhotoMediaItemId": cover_id,
        }
    )


def error(code: int, status: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status}}
