"""Takeout's folder and file naming: localized folders, (N) numbering, edit suffixes.

Every list here is open-ended (takeout.md §3.1, §6.5); folders are matched
case-insensitively and names compared in NFC, because archives extracted on
macOS come back decomposed.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from gphotos_tui.exif import formats

ROOTS = {"google photos", "google foto", "google fotos", "fotky google", "google фото", "google снимки"}
ALBUM_METADATA = {
    "metadata.json",
    "métadonnées.json",
    "metadatos.json",
    "metadades.json",
    "metadati.json",
    "metadáta.json",
    "metadaten.json",
    "метаданные.json",
    "метаданни.json",
}
TRASH = {
    "trash",
    "papelera",
    "lixeira",
    "cestino",
    "corbeille",
    "papierkorb",
    "prullenbak",
    "корзина",
    "kosz",
    "回收站",
    "ゴミ箱",
    "paperera",
}
ARCHIVE = {
    "archive",
    "archivo",
    "arquivo",
    "archivio",
    "archiver",
    "archiv",
    "archivieren",
    "archief",
    "archiveren",
    "архив",
    "archiwum",
    "档案",
    "アーカイブ",
    "arxiu",
}
LOCKED = {"locked folder", "carpeta privada"}
FAILED = {"failed videos"}
UNTITLED = re.compile(
    r"^(untitled|unknown|sin título|desconocido|sem título|senza nome|sans titre|inconnu|unbenannt|ohne titel|"
    r"naamloos|без названия|bez tytułu|无标题|無題|不明|sense títol)\s*(\(\d+\))?$",
    re.IGNORECASE,
)
YEAR_FOLDER = re.compile(
    r"^(photos from|fotos del|fotos von|foto da|foto_s van|fotos de|photos de)\s+(\d{4})$", re.IGNORECASE
)
TRAILING_YEAR = re.compile(r"^\D*\s(\d{4})$")

EDIT_SUFFIXES = (
    "-edited",
    "-bearbeitet",
    "-modifié",
    "-modificato",
    "-editado",
    "-editada",
    "-ha editado",
    "-editat",
    "-bewerkt",
    "-edytowane",
    "-編集済み",
    "-编辑",
    "-отредактировано",
    "-편집됨",
    "-muokattu",
    "-відредаговано",
    "-redigeret",
    "-upravené",
)

# Google's motion-photo and cover artefacts, on top of every extension Google Photos accepts (one list: exif.formats)
TAKEOUT_VIDEO_EXTRAS = frozenset({".mp", ".mv", ".mp~2"})
MEDIA_EXTENSIONS = formats.MEDIA_EXTENSIONS | TAKEOUT_VIDEO_EXTRAS | {".cover"}
VIDEO_EXTENSIONS = formats.VIDEO_EXTENSIONS | TAKEOUT_VIDEO_EXTRAS

_NUMBER = re.compile(r"^(.*)\((\d+)\)$")


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)  # ASCII is already NFC


def split_ext(name: str) -> tuple[str, str]:
    """('IMG_1', '.JPG'); names without a dot have an empty extension."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, "." + ext


def strip_number(stem: str) -> tuple[str, int | None]:
    """('IMG', 1) for 'IMG(1)': the *last* (N) is the duplicate marker, earlier ones are the real name."""
    match = _NUMBER.match(stem)
    if not match:
        return stem, None
    return match.group(1), int(match.group(2))


def strip_edit_suffix(stem: str) -> tuple[str, str | None]:
    """('IMG_1', '-edited') for 'IMG_1-edited'; localized suffixes compare case-insensitively."""
    low = stem.casefold()
    for suffix in EDIT_SUFFIXES:
        if low.endswith(suffix):
            return stem[: -len(suffix)], suffix
    return stem, None


def strip_partial_edit_suffix(stem: str) -> tuple[str, str | None]:
    """Edit suffixes clipped by truncation ('-ed', '-modifi'): at least 3 characters must remain."""
    low = stem.casefold()
    if not low.endswith(_PARTIAL_SUFFIXES):  # the common case: one C-level test instead of ~80 slices
        return stem, None
    for partial in _PARTIAL_SUFFIXES:  # same order as before: suffix by suffix, longest cut first
        if low.endswith(partial):
            return stem[: -len(partial)], partial
    return stem, None


_PARTIAL_SUFFIXES = tuple(suffix[:cut] for suffix in EDIT_SUFFIXES for cut in range(len(suffix) - 1, 2, -1))


def is_media_name(name: str) -> bool:
    low = name.casefold()
    if low.startswith("._"):
        return False
    stem, dot, ext = low.rpartition(".")
    return bool(dot and stem) and "." + ext in MEDIA_EXTENSIONS


# Extensions whose bytes the metadata reader (gphotos_tui.exif) parses: every one Google Photos accepts
# (exif.formats, the one list). A header it cannot read in one of these is damage worth reporting; Google's
# motion-photo artefacts (.MP, .MV, .cover) are not read for metadata, their dates come from the sidecar.
READER_EXTENSIONS = formats.MEDIA_EXTENSIONS


def reader_knows(name: str) -> bool:
    return split_ext(name.casefold())[1] in READER_EXTENSIONS


def maybe_extensionless_media(name: str) -> bool:
    """A name with no extension at all (an upload that had none): media if its magic bytes say so."""
    return "." not in name and not name.startswith("._")


def is_video_name(name: str) -> bool:
    return split_ext(name.casefold())[1] in VIDEO_EXTENSIONS


@functools.lru_cache(maxsize=4096)  # asked for every item; a library has a few hundred folders
def folder_kind(folder: str, has_album_json: bool) -> tuple[str, int | None]:
    """('year', 2019) | ('trash'|'archive'|'locked'|'failed'|'untitled'|'album', None)."""
    low = nfc(folder).casefold().strip()
    match = YEAR_FOLDER.match(low)
    if match:
        return "year", int(match.group(2))
    if low in TRASH:
        return "trash", None
    if low in ARCHIVE:
        return "archive", None
    if low in LOCKED:
        return "locked", None
    if low in FAILED:
        return "failed", None
    if UNTITLED.match(low):
        return "untitled", None
    match = TRAILING_YEAR.match(low)
    if match and not has_album_json and 1900 <= int(match.group(1)) <= 2100:
        return "year", int(match.group(1))  # an unknown language's "Photos from 2019"
    return "album", None


def photos_root(parts: list[str]) -> int | None:
    """Index of the Google Photos root folder in a path's parts, if any."""
    for i, part in enumerate(parts[:-1]):
        if nfc(part).casefold() in ROOTS:
            return i
    return None
