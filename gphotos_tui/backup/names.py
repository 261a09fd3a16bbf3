"""Safe file names inside the backup tree.

Names come from Takeout archives and Google's API, so they are untrusted:
no separators, no ``..``, no control characters, no absolute paths, at most
255 bytes. Collisions are numbered ``name (1).jpg`` comparing casefolded
names, so two items never share a file on case-insensitive filesystems.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_NAME_BYTES = 255 - len(".part")  # room for the temporary suffix while writing
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


class UnsafePath(ValueError):
    """A path that would land outside the backup folder."""


def safe_component(name: str | None, fallback: str = "unnamed") -> str:
    """One path component that is safe on Linux, macOS and Windows filesystems."""
    text = unicodedata.normalize("NFC", name or "")
    text = _UNSAFE.sub("_", text).strip().strip(".")  # leading dots: no hidden files, no "..", no "."
    if not text:
        text = fallback
    stem, ext = split_ext(text)
    if stem.casefold() in _RESERVED:
        stem = "_" + stem
    return _clip(stem, ext)


def split_ext(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        return name, ""
    return stem, "." + ext


def _clip(stem: str, ext: str, suffix: str = "") -> str:
    """``stem + suffix + ext`` cut (by whole characters) to fit MAX_NAME_BYTES of UTF-8."""
    budget = MAX_NAME_BYTES - len((suffix + ext).encode())
    raw = stem.encode()
    if len(raw) > budget:
        stem = raw[:budget].decode("utf-8", "ignore").rstrip() or "unnamed"
    return stem + suffix + ext


class NameAllocator:
    """Hands out distinct names per folder; the same request order gives the same names on every run."""

    def __init__(self) -> None:
        self._taken: dict[str, set[str]] = {}

    def claim(self, folder: str, name: str) -> str:
        taken = self._taken.setdefault(folder.casefold(), set())
        stem, ext = split_ext(name)
        candidate, n = name, 0
        while candidate.casefold() in taken:
            n += 1
            candidate = _clip(stem, ext, f" ({n})")
        taken.add(candidate.casefold())
        return candidate

    def reserve(self, folder: str, name: str) -> bool:
        """Claim exactly ``name`` (a companion that must match its photo); False when it is taken."""
        taken = self._taken.setdefault(folder.casefold(), set())
        if name.casefold() in taken:
            return False
        taken.add(name.casefold())
        return True


def inside(root: Path, relative: str) -> Path:
    """``root / relative`` after checking that it cannot leave ``root`` (even through symlinked folders)."""
    if os.path.isabs(relative) or any(part in ("", ".", "..") for part in relative.split("/")):
        raise UnsafePath(f"refusing unsafe backup path {relative!r}")
    target = root / relative
    real_root = os.path.realpath(root)
    real_parent = os.path.realpath(target.parent)
    if os.path.commonpath([real_root, real_parent]) != real_root:
        raise UnsafePath(f"{relative!r} resolves outside the backup folder {root}")
    return target
