"""Takeout JSON: media sidecars and album metadata, classified by content (takeout.md §4, §5)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from gphotos_tui.text import valid_utf8


class SidecarError(ValueError):
    """A JSON file that cannot be used, with the reason."""


@dataclass(slots=True)
class Sidecar:
    title: str | None
    taken_at: int | None  # photoTakenTime; None when missing, "0" or negative
    uploaded_at: int | None
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    people: tuple[str, ...] = ()
    favorite: bool = False
    archived: bool = False
    trashed: bool = False
    origin: str | None = None  # mobileUpload:ANDROID_PHONE, fromPartnerSharing, webUpload ...
    url: str | None = None
    notes: tuple[str, ...] = ()  # what was wrong with it (most have nothing)

    @property
    def photo_id(self) -> str | None:
        """The id at the end of the Google URL: stable across exports of the same item."""
        if not self.url:
            return None
        tail = self.url.rstrip("/").rsplit("/", 1)[-1]
        return tail if len(tail) >= 8 else None


@dataclass(slots=True)
class AlbumMeta:
    title: str
    description: str | None = None
    created_at: int | None = None


def parse_json(data: bytes) -> dict[str, Any]:
    if not data.strip():
        raise SidecarError("empty JSON file")
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SidecarError(f"malformed JSON: {exc}") from None
    except RecursionError:
        raise SidecarError("JSON nested too deeply to be a sidecar") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise SidecarError(f"unusable JSON: {str(exc)[:120]}") from None
    if not isinstance(value, dict):
        raise SidecarError(f"JSON is a {type(value).__name__}, not an object")
    if b"\\ud" in data or b"\\uD" in data:  # an escaped surrogate, maybe a lone one: no text that SQLite refuses
        value = _valid_text(value)
    return cast("dict[str, Any]", value)


def _valid_text(value: Any) -> Any:
    if isinstance(value, str):
        return valid_utf8(value)
    if isinstance(value, dict):
        return {valid_utf8(k): _valid_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid_text(v) for v in value]
    return value


def is_media_sidecar(doc: dict[str, Any]) -> bool:
    """immich-go's rule: media JSON has photoTakenTime; album JSON does not."""
    return "photoTakenTime" in doc


def _timestamp(value: object, notes: list[str], what: str) -> int | None:
    if not isinstance(value, dict):
        return None
    raw = value.get("timestamp")
    try:
        stamp = int(str(raw).strip())
    except (TypeError, ValueError):
        notes.append(f"{what} timestamp {raw!r} is not a number")
        return None
    if stamp <= 0:
        notes.append(f"{what} timestamp {stamp} means unknown")
        return None
    if stamp > 4_102_444_800:  # 2100-01-01
        notes.append(f"{what} timestamp {stamp} is after 2100")
        return None
    return stamp


def _geo(value: object) -> tuple[float, float] | None:
    if not isinstance(value, dict):
        return None
    try:
        lat, lon = float(value.get("latitude", 0)), float(value.get("longitude", 0))
    except (TypeError, ValueError):
        return None
    if (lat == 0 and lon == 0) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return round(lat, 6), round(lon, 6)


def _origin(value: object) -> str | None:
    if not isinstance(value, dict) or not value:
        return None
    kind: str = next(iter(value))
    detail = value[kind]
    if isinstance(detail, dict) and isinstance(detail.get("deviceType"), str):
        return f"{kind}:{detail['deviceType']}"
    return kind


def media_sidecar(doc: dict[str, Any]) -> Sidecar:
    notes: list[str] = []
    geo = _geo(doc.get("geoDataExif")) or _geo(doc.get("geoData"))
    title = doc.get("title")
    people = tuple(p["name"] for p in doc.get("people") or () if isinstance(p, dict) and isinstance(p.get("name"), str))
    description = doc.get("description")
    return Sidecar(
        title=title if isinstance(title, str) and title else None,
        taken_at=_timestamp(doc.get("photoTakenTime"), notes, "photoTakenTime"),
        uploaded_at=_timestamp(doc.get("creationTime"), notes, "creationTime"),
        description=description if isinstance(description, str) and description else None,
        latitude=geo[0] if geo else None,
        longitude=geo[1] if geo else None,
        people=people,
        favorite=doc.get("favorited") is True,
        archived=doc.get("archived") is True,
        trashed=doc.get("trashed") is True,
        origin=_origin(doc.get("googlePhotosOrigin")),
        url=doc["url"] if isinstance(doc.get("url"), str) else None,
        notes=tuple(notes),
    )


def album_metadata(doc: dict[str, Any]) -> AlbumMeta:
    """All three shapes: newer flat, older ``albumData``-wrapped, 2025 minimal ``{title}``."""
    if isinstance(doc.get("albumData"), dict):
        doc = doc["albumData"]
    title: str = doc["title"] if isinstance(doc.get("title"), str) else ""
    description = doc.get("description") if isinstance(doc.get("description"), str) else None
    return AlbumMeta(title.strip(), description or None, _timestamp(doc.get("date"), [], "date"))
