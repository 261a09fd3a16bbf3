"""What file names say: formats, edit suffixes in Google's languages, UUID names."""

from __future__ import annotations

import re
import unicodedata

from gphotos_tui.exif import formats
from gphotos_tui.sources.takeout.names import EDIT_SUFFIXES as TAKEOUT_EDIT_SUFFIXES

# The RAW extensions of the one list (exif.formats), without the dot, plus Panasonic's old ".raw": a name
# that says RAW pairs with its JPEG even though the scanners do not pick every ".raw" file up.
RAW_EXTENSIONS = frozenset(ext.lstrip(".") for ext in formats.RAW_EXTENSIONS) | {"raw"}
HEIC_EXTENSIONS = frozenset(("heic", "heif", "hif"))
JPEG_EXTENSIONS = frozenset(("jpg", "jpeg", "jpe"))

# Google Takeout's localized "-edited" suffixes (reference/takeout.md 6.5) and its creations
# (effects, animations, collages ...), longest first so "-ha editado" wins over "-editado".
EDIT_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        (*TAKEOUT_EDIT_SUFFIXES, "-effects", "-motion", "-animation", "-smile", "-collage", "-mix"),
        key=len,
        reverse=True,
    )
)

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# "name-editat(1)": the index comes after the suffix; longest suffix first in the alternation.
_EDITED = re.compile("(" + "|".join(map(re.escape, EDIT_SUFFIXES)) + r")(?:\(\d+\))?$")


def split_name(filename: str) -> tuple[str, str]:
    """('IMG_0001', 'jpg'): NFC, casefolded stem and lower-case extension."""
    name = unicodedata.normalize("NFC", filename).casefold()
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot else (name, "")


def file_format(filename: str, mime_type: str | None = None) -> str:
    """raw | heic | jpeg | other."""
    ext = split_name(filename)[1]
    if ext in RAW_EXTENSIONS:
        return "raw"
    if ext in HEIC_EXTENSIONS or mime_type in ("image/heif", "image/heic"):
        return "heic"
    if ext in JPEG_EXTENSIONS or mime_type == "image/jpeg":
        return "jpeg"
    return "other"


def edit_base(stem: str) -> tuple[str, str] | None:
    """For an edited copy's stem, the original's stem and the suffix found; else None."""
    match = _EDITED.search(stem)
    if match is None or match.start() == 0:
        return None
    return stem[: match.start()], match.group(1)


def is_uuid_name(filename: str) -> bool:
    return bool(_UUID.match(split_name(filename)[0]))
