"""Album folders: ``DEST/albums/<title>/`` of relative symlinks, or a manifest where links fail."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from gphotos_tui.backup.copier import ensure_folder, write_error
from gphotos_tui.backup.layout import Target
from gphotos_tui.backup.names import NameAllocator, inside, safe_component

ALBUMS = "albums"
MANIFEST = "album-manifest.txt"
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS}


def link_albums(dest: Path, targets: list[Target]) -> tuple[int, int]:
    """Make every album folder; returns (links, manifests written)."""
    by_album: dict[str, list[Target]] = {}
    for target in targets:
        for title in target.albums:
            by_album.setdefault(title, []).append(target)
    folders = NameAllocator()
    links = manifests = 0
    for title in sorted(by_album):
        folder_name = folders.claim(ALBUMS, safe_component(title, "untitled album"))
        folder = inside(dest, f"{ALBUMS}/{folder_name}/x").parent
        ensure_folder(folder)
        names = NameAllocator()
        fallback: list[str] = []
        for target in sorted(by_album[title], key=lambda t: t.relpath):
            if not (dest / target.relpath).is_file():
                continue  # not copied (damaged, stopped early): no dangling link
            name = names.claim("", target.relpath.rpartition("/")[2])
            link = folder / name
            relative = os.path.relpath(dest / target.relpath, folder)
            try:
                if os.path.islink(link) and os.readlink(link) == relative:
                    links += 1
                    continue
                if os.path.lexists(link):
                    os.unlink(link)
                os.symlink(relative, link)
                links += 1
            except OSError as exc:
                if exc.errno not in _NO_LINKS:
                    raise write_error(exc, link) from exc
                fallback.append(relative)  # e.g. FAT/exFAT drives: list the files instead
        if fallback:
            try:
                (folder / MANIFEST).write_text("\n".join(fallback) + "\n", encoding="utf-8")
            except OSError as exc:
                raise write_error(exc, folder) from exc
            manifests += 1
    return links, manifests
