"""Album folders: ``DEST/albums/<title>/`` of relative symlinks, or a manifest where links fail.

A name in an album folder that is taken by anything but the very link wanted
(a user's file, another link) is left alone and the link gets the next free
``name (n).ext``; nothing there is replaced or deleted.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

from gphotos_tui.backup.copier import UnsafeTemp, close_part, open_part, part_path, write_all, write_error
from gphotos_tui.backup.destination import Destination
from gphotos_tui.backup.layout import Target
from gphotos_tui.backup.names import NameAllocator, UnsafePath, safe_component

ALBUMS = "albums"
MANIFEST = "album-manifest.txt"
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


def link_albums(
    dest: Path, targets: list[Target], on_error: Callable[[str, str], None] | None = None
) -> tuple[int, int]:
    """Make every album folder; returns (links, manifests written). Albums that cannot be made go to ``on_error``."""
    where = Destination(dest)
    by_album: dict[str, list[Target]] = {}
    for target in targets:
        for title in target.albums:
            by_album.setdefault(title, []).append(target)
    folders = NameAllocator()
    links = manifests = 0
    for title in sorted(by_album):
        try:
            made, manifest = _album(where, folders, title, by_album[title])
        except (UnsafePath, UnsafeTemp) as exc:
            if on_error is None:
                raise
            on_error(f"album {title!r}", f"{exc}; no album folder made")
            continue
        links += made
        manifests += manifest
    return links, manifests


def _album(where: Destination, folders: NameAllocator, title: str, targets: list[Target]) -> tuple[int, int]:
    dest = where.root
    while True:
        folder_name = folders.claim(ALBUMS, safe_component(title, "untitled album"))
        folder = f"{ALBUMS}/{folder_name}"
        if not os.path.lexists(dest / folder) or (os.path.isdir(dest / folder) and not os.path.islink(dest / folder)):
            break  # a file (or a link) of the user's where the album folder would go: the next name
    folder_path = where.path(f"{folder}/x").parent
    names = NameAllocator()
    fallback: list[str] = []
    links = 0
    for target in sorted(targets, key=lambda t: t.relpath):
        if not (dest / target.relpath).is_file():
            continue  # not copied (damaged, stopped early): no dangling link
        relative = os.path.relpath(dest / target.relpath, folder_path)
        try:
            while True:
                link = folder_path / names.claim("", target.relpath.rpartition("/")[2])
                if os.path.islink(link) and os.readlink(link) == relative:
                    break  # made by an earlier run
                try:
                    os.symlink(relative, link)
                    break
                except FileExistsError:
                    continue  # taken by something else: never replaced, the next name instead
            links += 1
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise write_error(exc, folder_path) from exc
            fallback.append(relative)  # e.g. FAT/exFAT drives: list the files instead
    if not fallback:
        return links, 0
    manifest = folder_path / MANIFEST
    if os.path.lexists(manifest) and not (os.path.isfile(manifest) and not os.path.islink(manifest)):
        raise UnsafePath(f"{manifest} is taken by a link or folder")
    part = part_path(manifest)
    out = open_part(part)
    failing = True
    try:
        write_all(out, ("\n".join(fallback) + "\n").encode("utf-8", "replace"), manifest)
        failing = False
    finally:
        close_part(out, manifest, failing)
    try:
        os.replace(part, manifest)  # a regular file of the same name: this run's manifest replaces an earlier run's
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise write_error(exc, manifest) from exc
    return links, 1
