"""Base-URL bytes: ``=w{W}-h{H}`` scaled JPEGs, ``=d`` (EXIF without GPS), ``=dv`` (a stand-in video)."""

from __future__ import annotations

import dataclasses
import hashlib
import re

from gphotos_tui.demo.generator import SyntheticItem
from gphotos_tui.demo.images import jpeg_bytes
from gphotos_tui.fakegoogle.store import ApiError

SIZE = re.compile(r"=w(\d+)-h(\d+)(-c)?(-no)?\Z")
MAX_RENDER = 512  # keep the fake fast: pictures are drawn small whatever size is asked


def render(item: SyntheticItem, params: str) -> tuple[bytes, str]:
    video = item.record.media_type == "video"
    if params == "=dv":
        if not video:
            raise ApiError(400, "INVALID_ARGUMENT", "=dv is only for videos.")
        return fake_video(item), "video/mp4"
    if params == "=d":
        if video:
            return jpeg_bytes(item, exif=False), "image/jpeg"  # a still, as Google gives for a video
        no_gps = dataclasses.replace(item, record=dataclasses.replace(item.record, latitude=None, longitude=None))
        return jpeg_bytes(no_gps), "image/jpeg"  # "all the Exif metadata except the location"
    match = SIZE.match(params)
    if params and not match:
        raise ApiError(400, "INVALID_ARGUMENT", f"Unsupported base URL parameters {params!r}.")
    side = min(MAX_RENDER, max(int(match.group(1)), int(match.group(2)))) if match else 256
    return jpeg_bytes(item, max_side=max(8, side), exif=False), "image/jpeg"  # resized and re-encoded


def fake_video(item: SyntheticItem) -> bytes:
    """A deterministic MP4-looking blob (an ftyp box and filler): enough to test streaming to disk."""
    seed = hashlib.sha256(item.record.external_id.encode()).digest()
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + seed * 2048
