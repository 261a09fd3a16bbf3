"""A pure-Python metadata reader for the first bytes of a photo or video.

``read_metadata(head)`` takes the start of a file (256 KiB is plenty for
every camera we know; a video's ``moov`` at the end is simply missed) and
returns a :class:`Metadata`. The format is detected from magic bytes, never
from the file name ("data saver" HEICs are really JPEGs). Damaged or
truncated headers give whatever was read before the damage; bytes that are
no known format at all raise :class:`MetadataError`.
"""

from __future__ import annotations

import struct

from gphotos_tui.exif.bmff import read_bmff, sniff_bmff
from gphotos_tui.exif.jpeg import read_jpeg
from gphotos_tui.exif.metadata import Metadata, MetadataError, apply_exif
from gphotos_tui.exif.tiff import parse_tiff

__all__ = ["HEAD_BYTES", "Metadata", "MetadataError", "read_metadata", "sniff"]

HEAD_BYTES = 256 * 1024

_SIMPLE = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
    (b"II*\0", "tiff", "image/tiff"),
    (b"MM\0*", "tiff", "image/tiff"),
)


def sniff(head: bytes) -> str | None:
    """The format name the magic bytes say, or None."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    kind = sniff_bmff(head)
    if kind:
        return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for magic, name, _ in _SIMPLE:
        if head.startswith(magic):
            return name
    return None


def read_metadata(head: bytes) -> Metadata:
    """Metadata from the first bytes of a file; raises MetadataError for unknown formats."""
    kind = sniff(head)
    try:
        if kind == "jpeg":
            return read_jpeg(head)
        if kind in ("heif", "mp4", "mov"):
            return read_bmff(head, kind)
    except (IndexError, ValueError, KeyError, struct.error) as exc:  # a damaged header: what survived is lost too
        raise MetadataError(f"damaged {kind} header: {exc}") from exc
    if kind == "cr3":
        return Metadata("cr3", "image/x-canon-cr3")
    if kind == "webp":
        return Metadata("webp", "image/webp")
    if kind == "tiff":
        meta = Metadata("tiff", "image/tiff")
        apply_exif(meta, parse_tiff(head))
        return meta
    for magic, name, mime in _SIMPLE:
        if head.startswith(magic):
            return Metadata(name, mime)
    if not head:
        raise MetadataError("empty file")
    raise MetadataError(f"not a photo or video this reader knows (starts with {head[:8].hex(' ')})")
