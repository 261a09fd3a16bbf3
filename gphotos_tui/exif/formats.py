"""The file types Google Photos accepts, by extension: the one list scanners and importers use.

From Google Photos Help "File types you can upload" (photos: JPG, PNG, HEIC/HEIF, AVIF,
WebP, GIF, BMP, TIFF, ICO and the RAW files of supported cameras; videos: 3GP, 3G2, ASF,
AVI, DIVX, M2T, M2TS, M4V, MKV, MMV, MOD, MOV, MP4, MPG, MTS, TOD, WMV), plus WebM, which
phones record and Photos plays. A file's real format comes from its bytes, never from
this list: it only decides what is looked at.
"""

from __future__ import annotations

RAW_EXTENSIONS = frozenset(
    {
        ".dng", ".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".orf", ".rw2", ".rwl",
        ".raf", ".pef", ".srw", ".x3f", ".iiq", ".3fr", ".erf", ".kdc", ".dcr", ".mrw", ".mos", ".mef",
    }
)  # fmt: skip
PHOTO_EXTENSIONS = (
    frozenset({".jpg", ".jpeg", ".jpe", ".jfif", ".heic", ".heif", ".hif", ".avif", ".png", ".gif", ".webp"})
    | frozenset({".bmp", ".tif", ".tiff", ".ico"})
    | RAW_EXTENSIONS
)
VIDEO_EXTENSIONS = frozenset(
    {
        ".mp4", ".m4v", ".mov", ".qt", ".3gp", ".3g2", ".avi", ".divx", ".mkv", ".webm", ".mts", ".m2ts",
        ".m2t", ".ts", ".tod", ".mod", ".mmv", ".wmv", ".asf", ".mpg", ".mpeg",
    }
)  # fmt: skip
MEDIA_EXTENSIONS = PHOTO_EXTENSIONS | VIDEO_EXTENSIONS
