"""Sidecar matching: which JSON describes which media file (takeout.md §6, §8).

Per folder, rules run from strictest to loosest and each rule is tried on
every media file before the next one starts (immich-go), so strict matches
claim their sidecars first:

1. ``exact``        GPTH-style probes: ``name.supplemental-metadata.json``, ``name.json``
2. ``numbered``     ``IMG(1).JPG`` -> ``IMG.JPG(1).json``, ``IMG.JPG.supplemental-metadata(1).json``,
                    ``IMG.JPG(1).supplemental-metadata.json`` (the *last* (N) is the marker)
3. ``clipped``      the suffix cut to any prefix (``.supplemental-met.json``, ``.s.json``, 51-53 chars)
                    or the name itself cut to 46 code points / bytes
4. ``truncated``    immich-go predicate for leftovers: one name a prefix of the other (>= 40 chars)
   ``clipped`` again, for leftovers only: a numbered file whose 46-character cut lost its ``(N)``
                    (``original_<uuid>_P(1).jpg`` against ``original_<uuid>_.json``), and only when no
                    file of the folder bears the unnumbered name (that file's sidecar it would be)
5. ``forgotten-duplicate``  ``original_<uuid>_P(1).jpg`` against ``original_<uuid>_.json``
6. ``edited`` / ``edited-truncated``  ``X-bearbeitet.jpg`` shares ``X.jpg``'s sidecar (or that of ``X``,
   an original uploaded without an extension)
7. ``live-photo`` / ``motion-photo``  ``IMG.MOV`` shares ``IMG.HEIC``'s, ``X.MP`` shares ``X.MP.jpg``'s
8. ``cross-folder`` (run over all folders): an unmatched file whose bytes or name+time equal a matched
   copy elsewhere takes that copy's sidecar

Rules 1-4 claim a sidecar for one file; 5-8 share one that another file uses.

``(N)`` agreement: a sidecar that carries a number (``X.jpg(2).json``, ``X.jpg.supple(2).json``) is
only ever used for a file with that same number, by every rule; a file's ``(N)`` that a 46-character
cut removed is kept out of the strict rules, so the result does not depend on the order of entries
in the archive (Takeout does not fix it). The one exception is rule 8's byte-identical copy: equal
bytes are the same photo whatever each folder numbered it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from gphotos_tui.sources.takeout import names
from gphotos_tui.sources.takeout.catalogue import Catalogue, Folder, JsonEntry, MediaEntry

SUFFIX = ".supplemental-metadata"
SUFFIX_PREFIXES = tuple(SUFFIX[:n] for n in range(len(SUFFIX), 1, -1))  # ".supplemental-metadata" .. ".s"
PHOTO_EXTS = (".HEIC", ".heic", ".JPG", ".jpg", ".jpeg", ".JPEG")
MOTION_EXTS = {".mp", ".mv", ".mp~2", ".cover"}
CLAIMING = ("exact", "numbered", "clipped", "truncated")
COMPANION_RULES = ("live-photo", "motion-photo")
EDITED_RULES = ("edited", "edited-truncated")


@dataclass(slots=True)
class Match:
    media: MediaEntry
    sidecar: JsonEntry | None = None
    rule: str = "none"

    @property
    def role(self) -> str:
        if self.rule in EDITED_RULES:
            return "edited"
        if self.rule in COMPANION_RULES:
            return "companion"
        return "primary"


def match_all(cat: Catalogue) -> tuple[list[Match], list[JsonEntry]]:
    """Every media entry's match, and the sidecars no file used (orphans)."""
    matches: list[Match] = []
    for folder in cat.folders.values():
        matches += match_folder(folder)
    _cross_folder(matches, cat)
    used = {id(m.sidecar) for m in matches if m.sidecar is not None}
    orphans = [j for f in cat.folders.values() for j in f.sidecars if id(j) not in used]
    return matches, orphans


def match_folder(folder: Folder) -> list[Match]:
    by_name = {j.name: j for j in folder.sidecars}
    claimed: set[int] = set()
    matches = [Match(m) for m in folder.media]
    for rule, finder in (("exact", _exact), ("numbered", _numbered), ("clipped", _clipped)):
        for match in matches:
            if match.sidecar is None:
                found = finder(match.media.name, by_name, claimed)
                if found is not None:
                    match.sidecar, match.rule = found, rule
                    claimed.add(id(found))
    leftovers = [j for j in folder.sidecars if id(j) not in claimed]
    if leftovers:
        keys = [(_json_key(j.name), j) for j in leftovers]
        for match in matches:
            if match.sidecar is None and names.strip_edit_suffix(names.split_ext(match.media.name)[0])[1] is None:
                found = _truncated(match.media.name, keys, claimed)
                if found is not None:
                    match.sidecar, match.rule = found, "truncated"
                    claimed.add(id(found))
        plain_names = {
            _unnumbered(m.media.name)
            for m in matches
            if names.strip_number(names.split_ext(m.media.name)[0])[1] is None
        }
        for match in matches:
            if match.sidecar is None and _unnumbered(match.media.name) not in plain_names:
                found = _clipped_number_lost(match.media.name, by_name, claimed)
                if found is not None:
                    match.sidecar, match.rule = found, "clipped"
                    claimed.add(id(found))
        for match in matches:
            if match.sidecar is None and _unnumbered(match.media.name) not in plain_names:
                found = _forgotten_duplicate(match.media.name, leftovers)
                if found is not None:
                    match.sidecar, match.rule = found, "forgotten-duplicate"
    _shared(matches, by_name)
    return matches


# -- rules 1-3: probes ------------------------------------------------------------------


def _first(candidates: Iterable[str], by_name: dict[str, JsonEntry], claimed: set[int]) -> JsonEntry | None:
    for candidate in candidates:
        found = by_name.get(candidate)
        if found is not None and id(found) not in claimed:
            return found
    return None


def _exact(name: str, by_name: dict[str, JsonEntry], claimed: set[int]) -> JsonEntry | None:
    return _first((name + SUFFIX + ".json", name + ".json"), by_name, claimed)


def _numbered(name: str, by_name: dict[str, JsonEntry], claimed: set[int]) -> JsonEntry | None:
    stem, ext = names.split_ext(name)
    base, number = names.strip_number(stem)
    if number is None:
        return None
    b, n = base + ext, f"({number})"
    return _first((f"{b}{SUFFIX}{n}.json", f"{b}{n}{SUFFIX}.json", f"{b}{n}.json"), by_name, claimed)


def _cuts(name: str, length: int = 46) -> list[str]:
    """``name`` cut to ``length`` code points, UTF-8 bytes and UTF-16 units (Google's unit is unknown)."""
    cuts = [name[:length], name.encode()[:length].decode("utf-8", "ignore")]
    cuts.append(name.encode("utf-16-le")[: 2 * length].decode("utf-16-le", "ignore"))
    return list(dict.fromkeys(cuts))


def _unnumbered(name: str) -> str:
    """'IMG(1).JPG' -> 'IMG.JPG' (casefolded, for comparing names within a folder)."""
    stem, ext = names.split_ext(name)
    return (names.strip_number(stem)[0] + ext).casefold()


def _keeps_number(cut: str, base: str, number: int | None) -> bool:
    """Whether a cut of ``<base>(N).ext`` still holds the whole ``(N)`` (always, for unnumbered names)."""
    return number is None or len(cut) >= len(base) + len(f"({number})")


def _clipped(name: str, by_name: dict[str, JsonEntry], claimed: set[int]) -> JsonEntry | None:
    """Clipped forms that keep the file's ``(N)``: a cut that drops it would take the unnumbered file's sidecar."""
    stem, ext = names.split_ext(name)
    base, number = names.strip_number(stem)
    forms = [(name, "")] + ([(base + ext, f"({number})")] if number is not None else [])
    candidates = []
    for b, n in forms:
        candidates += [f"{b}{prefix}{n}.json" for prefix in SUFFIX_PREFIXES[1:]]
        candidates += [f"{cut}{n}.json" for cut in _cuts(b) if n or _keeps_number(cut, base, number)]
    return _first(candidates, by_name, claimed)


def _clipped_number_lost(name: str, by_name: dict[str, JsonEntry], claimed: set[int]) -> JsonEntry | None:
    """A numbered file's 46-character cut without its ``(N)``, to an unnumbered sidecar (leftovers only)."""
    stem = names.split_ext(name)[0]
    base, number = names.strip_number(stem)
    if number is None:
        return None
    found = _first([f"{cut}.json" for cut in _cuts(name) if not _keeps_number(cut, base, number)], by_name, claimed)
    return found if found is not None and _json_key(found.name)[1] is None else None


# -- rules 4-5: predicates for leftovers ---------------------------------------------------


def _json_key(json_name: str) -> tuple[str, int | None]:
    """'IMG.JPG.supplemental-me(1).json' -> ('IMG.JPG', 1)."""
    base, number = names.strip_number(json_name[:-5])
    head, dot, tail = base.rpartition(".")
    if dot and len(tail) >= 1 and SUFFIX[1:].startswith(tail) and tail[0] == "s":
        base = head
    return base, number


def _long(text: str) -> bool:
    return len(text) >= 40 or len(text.encode()) >= 40


def _truncated(name: str, keys: list[tuple[tuple[str, int | None], JsonEntry]], claimed: set[int]) -> JsonEntry | None:
    stem, ext = names.split_ext(name)
    base, number = names.strip_number(stem)
    full = base + ext
    for (jbase, jnumber), entry in keys:
        if id(entry) in claimed or jnumber != number:
            continue
        if jbase == full or (_long(jbase) and (full.startswith(jbase) or (jbase.startswith(base) and _long(base)))):
            return entry
    return None


def _forgotten_duplicate(name: str, leftovers: list[JsonEntry]) -> JsonEntry | None:
    stem = names.split_ext(name)[0]
    for entry in leftovers:
        jbase = entry.name[:-5]
        if _json_key(entry.name)[1] is not None:
            continue  # a numbered sidecar is some numbered file's, never a forgotten duplicate's
        if len(jbase) >= 8 and stem.startswith(jbase) and len(stem) - len(jbase) < 10:
            return entry
    return None


# -- rules 6-7: files sharing another file's sidecar ------------------------------------------


def _shared(matches: list[Match], by_name: dict[str, JsonEntry]) -> None:
    by_media = {m.media.name: m for m in matches if m.sidecar is not None}
    by_stem: dict[str, Match] = {}
    for m in matches:
        if m.sidecar is not None and names.split_ext(m.media.name)[1] in PHOTO_EXTS:
            by_stem.setdefault(names.split_ext(m.media.name)[0].casefold(), m)
    for match in matches:
        if match.sidecar is not None:
            continue
        stem, ext = names.split_ext(match.media.name)
        base, number = names.strip_number(stem)
        tail = f"({number})" if number is not None else ""
        for rule, strip in (("edited", names.strip_edit_suffix), ("edited-truncated", names.strip_partial_edit_suffix)):
            original, suffix = strip(base)
            if suffix is None:
                continue
            found = _original_sidecar(f"{original}{tail}{ext}", by_media, by_name)
            if found is None and names.split_ext(original)[1] == "":  # uploaded without an extension
                found = _original_sidecar(f"{original}{tail}", by_media, by_name)
            if found is not None:
                match.sidecar, match.rule = found, rule
                break
        if match.sidecar is not None:
            continue
        low_ext = ext.casefold()
        if names.is_video_name(match.media.name) and low_ext not in MOTION_EXTS:
            partner = by_stem.get(stem.casefold())
            found = partner.sidecar if partner else _first((f"{stem}{e}.json" for e in PHOTO_EXTS), by_name, set())
            found = found or _first((f"{stem}{e}{SUFFIX}.json" for e in PHOTO_EXTS), by_name, set())
            if found is not None:
                match.sidecar, match.rule = found, "live-photo"
        elif low_ext in MOTION_EXTS:
            for candidate in (f"{stem}.MP.jpg", f"{stem}.MP.JPG", f"{stem}.mp.jpg", f"{stem}.jpg", f"{stem}{ext}.jpg"):
                partner = by_media.get(candidate)
                if partner is not None:
                    match.sidecar, match.rule = partner.sidecar, "motion-photo"
                    break


def _original_sidecar(original: str, by_media: dict[str, Match], by_name: dict[str, JsonEntry]) -> JsonEntry | None:
    partner = by_media.get(original)
    if partner is not None:
        return partner.sidecar
    none: set[int] = set()
    return _exact(original, by_name, none) or _numbered(original, by_name, none) or _clipped(original, by_name, none)


# -- rule 8: across folders ------------------------------------------------------------------


def _cross_folder(matches: list[Match], cat: Catalogue) -> None:
    unmatched = [m for m in matches if m.sidecar is None]
    if not unmatched:
        return
    by_hash = {
        m.media.sha256: m.sidecar for m in matches if m.sidecar is not None and m.media.sha256 and m.role == "primary"
    }
    by_title: dict[str, list[JsonEntry]] = {}
    for folder in cat.folders.values():
        for j in folder.sidecars:
            if j.sidecar.title:
                by_title.setdefault(names.nfc(j.sidecar.title).casefold(), []).append(j)
    for match in unmatched:
        found = by_hash.get(match.media.sha256) if match.media.sha256 else None
        if found is None:
            stem, ext = names.split_ext(match.media.name)
            base, number = names.strip_number(stem)
            # Other folders only (in its own folder a same-titled sidecar is another photo's: numbered
            # duplicates share a title), and the sidecar's (N) must agree with the file's.
            candidates = [
                j
                for j in by_title.get((base + ext).casefold(), [])
                if j.folder != match.media.folder and _json_key(j.name)[1] == number
            ]
            meta = match.media.meta
            exif_time = meta.taken_at if meta else None
            times = {j.sidecar.taken_at for j in candidates}
            if len(times) == 1:
                found = candidates[0]
            elif exif_time is not None:
                found = next((j for j in candidates if j.sidecar.taken_at == exif_time), None)
        if found is not None:
            match.sidecar, match.rule = found, "cross-folder"


def nearest(name: str, pool: list[str], n: int = 3, limit: int = 300) -> list[str]:
    """The closest names in ``pool``, for the report of unmatched files.

    Only names sharing the first three characters are compared (at most
    ``limit``), so a folder of 30,000 files does not make the report quadratic.
    """
    prefix = name[:3].casefold()
    candidates = [c for c in pool if c[:3].casefold() == prefix][:limit]
    return difflib.get_close_matches(name, candidates, n=n, cutoff=0.5)
