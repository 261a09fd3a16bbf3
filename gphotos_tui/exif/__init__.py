"""A pure-Python metadata reader for photos and videos that follows each container's structure.

``read_file(fh)`` / ``read_path(path)`` read a seekable file: the first
64 KiB once, then seeks to wherever the container keeps its metadata (a
HEIC's Exif item at the end, a movie's ``moov`` after ``mdat``, a RAW's
Exif IFD megabytes in), never the whole file. ``read_metadata(head)`` reads
only the bytes it is given (a Takeout member that cannot seek); what lies
beyond them is reported as ``truncated``. The format comes from magic bytes,
never from the file name ("data saver" HEICs are really JPEGs); the name's
extension only tells TIFF-based RAW files apart, as exiftool does. Damaged
input gives whatever was read before the damage; bytes that are no known
format at all raise :class:`MetadataError`.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from typing import BinaryIO

from gphotos_tui.exif.bmff import read_bmff, sniff_bmff
from gphotos_tui.exif.formats import MEDIA_EXTENSIONS, PHOTO_EXTENSIONS, RAW_EXTENSIONS, VIDEO_EXTENSIONS
from gphotos_tui.exif.jpeg import read_jpeg
from gphotos_tui.exif.metadata import Metadata, MetadataError
from gphotos_tui.exif.source import HEAD, Source

__all__ = [
    "HEAD_BYTES",
    "MEDIA_EXTENSIONS",
    "PHOTO_EXTENSIONS",
    "RAW_EXTENSIONS",
    "VIDEO_EXTENSIONS",
    "Metadata",
    "MetadataError",
    "Source",
    "read_file",
    "read_metadata",
    "read_path",
    "read_source",
    "sniff",
]

HEAD_BYTES = 256 * 1024  # what streaming callers read first: all the metadata of nearly every photo

_ASF = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")


def sniff(head: bytes) -> str | None:
    """The format name the magic bytes say, or None."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    kind = sniff_bmff(head)
    if kind:
        return kind
    if head[:4] == b"RIFF":
        return {b"WEBP": "webp", b"AVI ": "avi"}.get(head[8:12])
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\0", b"MM\0*", b"IIRO", b"IIRS", b"MMOR", b"IIU\0"):
        return "tiff"
    if head[:16] == b"FUJIFILMCCD-RAW ":
        return "raf"
    if head[:2] == b"BM" and len(head) >= 18 and 12 <= struct.unpack_from("<I", head, 14)[0] <= 255:
        return "bmp"
    if head[:8] in (b"II+\0\x08\0\0\0", b"MM\0+\0\x08\0\0"):  # exiftool's BigTIFF test: all 8 bytes
        return "bigtiff"
    if head[:4] in (b"II+\0", b"MM\0+"):
        return "tiff"  # a damaged BigTIFF header: a TIFF whose IFD0 cannot be read
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "mkv"
    if head[:16] == _ASF:
        return "asf"
    if head[:3] == b"\0\0\1" and len(head) > 3 and 0xB0 <= head[3] <= 0xBF:  # exiftool's MPEG test
        return "mpeg"
    if len(head) > 196 and head[4] == 0x47 and head[196] == 0x47:
        return "m2ts"
    if len(head) > 188 and head[0] == 0x47 and head[188] == 0x47:
        return "m2ts"
    if head[6:14] == b"HEAPCCDR":
        return "crw"
    if head[:4] == b"FOVb":
        return "x3f"
    if head[:4] == b"\0MRM":
        return "mrw"
    if head[:4] == b"\0\0\1\0":
        return "ico"
    return None


def read_source(src: Source, name: str = "") -> Metadata:
    """Metadata of the file behind ``src``; ``name`` (its file name) only tells TIFF-based RAW apart."""
    head = src.head
    kind = sniff(head)
    try:
        if kind == "jpeg":
            return read_jpeg(src)
        if kind in ("heif", "avif", "mp4", "mov", "m4v", "3gp", "3g2", "cr3"):
            return read_bmff(src, kind)
        if kind in _LONG_TAIL:  # loaded on first use: a Takeout of JPEGs, HEICs and movies never compiles them
            from gphotos_tui.exif import others

            if kind == "tiff":  # the extension only matters here: not on the JPEG/HEIC hot path
                return others.read_tiff(src, os.path.splitext(name)[1].casefold())
            reader: Callable[[Source], Metadata] = getattr(others, _LONG_TAIL[kind])
            return reader(src)
        if kind in _OLD_RAW:  # RAW that is not TIFF underneath: loaded on first use too
            from gphotos_tui.exif import oldraw

            old: Callable[[Source], Metadata] = getattr(oldraw, _OLD_RAW[kind])
            return old(src)
        if kind in ("m2ts", "mpeg"):  # loaded on first use, like the long tail
            from gphotos_tui.exif import mpeg

            return mpeg.read_m2ts(src) if kind == "m2ts" else mpeg.read_mpeg(src)
    except MetadataError:
        raise
    except (IndexError, ValueError, KeyError, struct.error, OverflowError) as exc:  # damaged structure
        raise MetadataError(f"damaged {kind} header: {exc}") from exc
    except OSError:
        raise
    except Exception as exc:  # a reader bug must cost one file's metadata, never the scan or the import
        raise MetadataError(f"{kind} header not read ({type(exc).__name__}: {exc})") from exc
    if not head:
        raise MetadataError("empty file")
    raise MetadataError(f"not a photo or video this reader knows (starts with {head[:8].hex(' ')})")


_LONG_TAIL = {  # format: its reader in gphotos_tui.exif.others
    "tiff": "read_tiff",
    "png": "read_png",
    "gif": "read_gif",
    "bmp": "read_bmp",
    "webp": "read_webp",
    "raf": "read_raf",
    "avi": "read_avi",
    "asf": "read_asf",
    "mkv": "read_matroska",
    "ico": "read_ico",
    "bigtiff": "read_bigtiff",
}


_OLD_RAW = {"mrw": "read_mrw", "crw": "read_crw", "x3f": "read_x3f"}  # format: its reader in exif.oldraw


def read_metadata(head: bytes, name: str = "") -> Metadata:
    """Metadata from the bytes given (the start of a file); raises MetadataError for unknown formats."""
    return read_source(Source(head), name)


def read_file(fh: BinaryIO, name: str = "", size: int | None = None, head: bytes | None = None) -> Metadata:
    """Metadata of a seekable binary file (``head``: its first bytes, when the caller already read them)."""
    if head is None:
        fh.seek(0)
        head = fh.read(HEAD)
    return read_source(Source(head, fh, size), name)


def read_path(path: str | os.PathLike[str]) -> Metadata:
    with open(path, "rb") as fh:
        return read_file(fh, os.fspath(path))
