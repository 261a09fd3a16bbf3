"""Metadata classes of duplicates, found in linear time.

Nothing here compares all pairs: items are bucketed by keys (content hash,
name + size + time, stem + time) or swept in (camera, capture time) order,
and only the few items inside one short time cluster are compared.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from gphotos_tui.analysis.duplicates.keeper import choose_keepers
from gphotos_tui.analysis.duplicates.model import DupItem, Group, Settings
from gphotos_tui.analysis.duplicates.names import (
    HEIC_EXTENSIONS,
    JPEG_EXTENSIONS,
    RAW_EXTENSIONS,
    edit_base,
    is_uuid_name,
    split_name,
)
from gphotos_tui.analysis.duplicates.unionfind import UnionFind

_MASK64 = (1 << 64) - 1
_TRAILING_NUMBER = re.compile(r"\d{1,12}$")
_NO_TIME = -(1 << 62)
_EPOCH_OFFSET = 1 << 34  # capture times before 1970 stay positive in the sort key


def hash_distance(a: int, b: int) -> int:
    return ((a ^ b) & _MASK64).bit_count()


def _names(items: Sequence[DupItem]) -> list[tuple[str, str]]:
    """(stem, ext) per item, casefolded; NFC only where a name is not ASCII (rare, done apart)."""
    return names_of([it.filename for it in items])


def names_of(filenames: Sequence[str]) -> list[tuple[str, str]]:
    """(stem, ext) per file name, as the classes compare them."""
    parts = [name.casefold().rpartition(".") for name in filenames]
    names = [(stem, ext) if dot else (ext, "") for stem, dot, ext in parts]
    for index in [i for i, name in enumerate(filenames) if not name.isascii()]:
        names[index] = split_name(filenames[index])
    return names


def _repeated(keys: list[Any]) -> set[Any]:
    """Keys seen more than once (counted in C: most items have no duplicate and cost no Python code)."""
    return {k for k, n in Counter(keys).items() if n > 1}


def metadata_groups(items: Sequence[DupItem], settings: Settings = Settings()) -> list[Group]:
    """All metadata classes (everything but "near"), keepers chosen.

    Every class but a shared content hash needs capture times within a few
    seconds, so one sort by time picks the few items that have a neighbour in
    time; all name and size rules then run on those alone.
    """
    near_in_time = [items[i] for i in _time_neighbours(items, max(settings.burst_window_s, settings.time_tolerance_s))]
    names = _names(near_in_time)
    groups = exact_groups(near_in_time, hash_items=items)
    groups += format_pair_groups(near_in_time, names)
    groups += edited_groups(near_in_time, names, settings)
    paired = UnionFind()
    for g in groups:
        paired.union_all(m.id for m in g.members)
    groups += time_cluster_groups(near_in_time, names, settings, paired)
    for g in groups:
        g.keep = choose_keepers(g, settings)
    return groups


def _time_neighbours(items: Sequence[DupItem], gap: int) -> list[int]:
    """Indices of items with another item at most ``gap`` seconds away, plus items without a time."""
    times = np.fromiter(
        (_NO_TIME if it.taken_at is None else it.taken_at for it in items), dtype=np.int64, count=len(items)
    )
    order = np.argsort(times, kind="stable")
    close = np.diff(times[order]) <= gap
    keep = np.zeros(len(items), dtype=bool)
    keep[1:] |= close
    keep[:-1] |= close
    keep |= times[order] == _NO_TIME
    kept: list[int] = np.sort(order[keep]).tolist()
    return kept


def exact_groups(items: Sequence[DupItem], hash_items: Sequence[DupItem] | None = None) -> list[Group]:
    """Same content hash (looked for in ``hash_items``, default all), or same name, size and time."""
    uf = UnionFind()
    hash_items = items if hash_items is None else hash_items
    hashes = [it.content_hash for it in hash_items]
    shared_hash = _repeated(hashes) - {None, ""}
    metas = [(it.size_bytes, it.taken_at) if it.size_bytes and it.taken_at is not None else None for it in items]
    shared_meta = _repeated(metas) - {None}
    hashed: set[int] = set()
    by_hash: dict[str, list[DupItem]] = defaultdict(list)
    by_meta: dict[tuple[Any, ...], list[DupItem]] = defaultdict(list)
    for index, h in enumerate(hashes):
        if h is not None and h in shared_hash:
            by_hash[h].append(hash_items[index])
    for index, m in enumerate(metas):
        if m is not None and m in shared_meta:
            by_meta[(*m, items[index].filename.casefold())].append(items[index])
    by_id: dict[int, DupItem] = {}
    for members in (*by_hash.values(), *by_meta.values()):
        if len(members) > 1:
            uf.union_all(m.id for m in members)
            by_id.update((m.id, m) for m in members)
    for members in by_hash.values():
        hashed.update(m.id for m in members)
    groups = []
    for ids in uf.components():
        reason = "same content hash" if hashed.issuperset(ids) else "same name, size and capture time"
        groups.append(Group("exact", reason, [by_id[i] for i in ids]))
    return groups


def format_pair_groups(items: Sequence[DupItem], names: list[tuple[str, str]]) -> list[Group]:
    """raw_jpeg and heic_jpeg: one shot saved in two formats (same stem, same capture second)."""
    other = RAW_EXTENSIONS | HEIC_EXTENSIONS
    keys = {
        (names[i][0], it.taken_at)
        for i, it in enumerate(items)
        if names[i][1] in other and it.taken_at is not None and not it.video
    }
    if not keys:
        return []
    buckets: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    wanted = other | JPEG_EXTENSIONS
    for index in [i for i, it in enumerate(items) if (names[i][0], it.taken_at) in keys and names[i][1] in wanted]:
        buckets[(names[index][0], items[index].taken_at)].append(index)
    groups = []
    for indices in buckets.values():
        if len(indices) < 2:
            continue
        exts = {names[i][1] for i in indices}
        jpeg = exts & JPEG_EXTENSIONS
        for kind, family, label in (("raw_jpeg", RAW_EXTENSIONS, "RAW"), ("heic_jpeg", HEIC_EXTENSIONS, "HEIC")):
            found = exts & family
            if jpeg and found:
                members = [items[i] for i in indices if names[i][1] in found or names[i][1] in jpeg]
                shown = "/".join(sorted(e.upper() for e in found))
                groups.append(
                    Group(kind, f"same shot saved as {label} ({shown}) and JPEG: same name and capture second", members)
                )
    return groups


def edited_groups(items: Sequence[DupItem], names: list[tuple[str, str]], settings: Settings) -> list[Group]:
    """An "-edited" (any language) copy and the original of the same name and capture time."""
    edits: dict[int, tuple[str, str]] = {}
    for index in [i for i, (stem, _ext) in enumerate(names) if "-" in stem]:
        base = edit_base(names[index][0])
        if base is not None:
            edits[index] = base
    if not edits:
        return []
    wanted = {base for base, _ in edits.values()}
    originals: dict[str, list[int]] = defaultdict(list)
    for index in [i for i, (stem, _ext) in enumerate(names) if stem in wanted]:
        if index not in edits:
            originals[names[index][0]].append(index)
    uf = UnionFind()
    suffix_of: dict[int, str] = {}
    for index, (stem, suffix) in edits.items():
        edit = items[index]
        candidates = [i for i in originals.get(stem, ()) if _same_time(items[i], edit, settings.time_tolerance_s)]
        if not candidates:
            continue
        original = min(candidates, key=lambda i: abs((items[i].taken_at or 0) - (edit.taken_at or 0)))
        uf.union(items[original].id, edit.id)
        suffix_of[edit.id] = suffix
    by_id = {items[i].id: items[i] for i in edits} | {items[i].id: items[i] for ids in originals.values() for i in ids}
    groups = []
    for ids in uf.components():
        suffixes = sorted({suffix_of[i] for i in ids if i in suffix_of})
        groups.append(
            Group(
                "edited",
                f"edited copy (\u201c{', '.join(suffixes)}\u201d) of the original with the same name and time",
                [by_id[i] for i in ids],
            )
        )
    return groups


def _same_time(a: DupItem, b: DupItem, tolerance: int) -> bool:
    if a.taken_at is None or b.taken_at is None:
        return True  # Takeout edits share the original's sidecar; a missing time does not rule them out
    return abs(a.taken_at - b.taken_at) <= tolerance


def time_cluster_groups(
    items: Sequence[DupItem], names: list[tuple[str, str]], settings: Settings, paired: UnionFind
) -> list[Group]:
    """resized, thumbnail and burst: sort by (camera, time), compare only within short clusters."""
    cameras: dict[str, int] = {}
    # One integer per item: camera number in the high bits, capture time (offset to stay positive) below.
    keys = np.fromiter(
        (
            (cameras.setdefault(it.camera, len(cameras)) << 36) | (it.taken_at + _EPOCH_OFFSET)
            if it.camera and it.taken_at is not None and not it.video
            else -1
            for it in items
        ),
        dtype=np.int64,
        count=len(items),
    )
    order = np.argsort(keys, kind="stable")
    order = order[keys[order] >= 0]
    gap = max(settings.burst_window_s, settings.time_tolerance_s)
    close = np.diff(keys[order]) <= gap  # a camera change jumps by 2**36
    # Runs of "close" neighbours are the clusters; most items are in none.
    edges = np.diff(np.concatenate(([0], close.view(np.int8), [0])))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0] + 1
    classes = {"resized": UnionFind(), "thumbnail": UnionFind(), "burst": UnionFind()}
    for start, end in zip(starts.tolist(), ends.tolist()):
        _classify_cluster(items, names, order[start:end].tolist(), settings, paired, classes)
    by_id = {it.id: it for it in items} if any(uf.parent for uf in classes.values()) else {}
    groups = []
    for kind, uf in classes.items():
        for ids in uf.components():
            members = [by_id[i] for i in ids]
            groups.append(Group(kind, _cluster_reason(kind, members, settings), members))
    return groups


def _classify_cluster(
    items: Sequence[DupItem],
    names: list[tuple[str, str]],
    indices: list[int],
    settings: Settings,
    paired: UnionFind,
    classes: dict[str, UnionFind],
) -> None:
    uuid_named = {i: is_uuid_name(items[i].filename) for i in indices}
    limit = settings.max_cluster
    for pos, i in enumerate(indices):
        a = items[i]
        for j in indices[pos + 1 : pos + 1 + limit]:
            b = items[j]
            if paired.connected(a.id, b.id):
                continue
            kind = _pair_kind(a, b, uuid_named[i], uuid_named[j], names[i], names[j], settings)
            if kind:
                classes[kind].union(a.id, b.id)


def _pair_kind(
    a: DupItem,
    b: DupItem,
    a_uuid: bool,
    b_uuid: bool,
    a_name: tuple[str, str],
    b_name: tuple[str, str],
    settings: Settings,
) -> str | None:
    dt = abs((a.taken_at or 0) - (b.taken_at or 0))
    if dt <= settings.time_tolerance_s:
        if a_uuid != b_uuid:
            small = a if a_uuid else b
            other = b if a_uuid else a
            if max(small.width or 0, small.height or 0) <= settings.thumbnail_max_side and small.pixels <= other.pixels:
                return "thumbnail"
        if (
            a.pixels
            and b.pixels
            and a.pixels != b.pixels
            and _same_aspect(a, b, settings.aspect_tolerance)
            and (
                a.phash is None or b.phash is None or hash_distance(a.phash, b.phash) <= settings.resized_hash_distance
            )
        ):
            return "resized"
    if (
        dt <= settings.burst_window_s
        and not a_uuid
        and not b_uuid
        and a_name != b_name
        and (a.width, a.height) == (b.width, b.height)
        and a_name[1] == b_name[1]
        and _consecutive(a_name[0], b_name[0])
    ):
        return "burst"
    return None


def _consecutive(a_stem: str, b_stem: str, max_step: int = 20) -> bool:
    """Burst frames carry nearby file numbers (DSC00412, DSC00413); names without numbers pass.

    Only the last three digits count, modulo 1000, so counters that wrap
    (DSC09999, DSC00000) or sit after a timestamp still compare.
    """
    a, b = _TRAILING_NUMBER.search(a_stem), _TRAILING_NUMBER.search(b_stem)
    if a is None or b is None:
        return True
    step = abs(int(a.group()[-3:]) - int(b.group()[-3:]))
    return min(step, 1000 - step) <= max_step


def _same_aspect(a: DupItem, b: DupItem, tolerance: float) -> bool:
    assert a.width is not None and a.height is not None and b.width is not None and b.height is not None
    ra = a.width / a.height
    rb = b.width / b.height
    return abs(ra - rb) <= tolerance * max(ra, rb)


def _cluster_reason(kind: str, members: list[DupItem], settings: Settings) -> str:
    camera = members[0].camera
    if kind == "burst":
        times = [m.taken_at for m in members if m.taken_at is not None]  # a burst is grouped by capture time
        return f"{len(members)} shots by {camera} within {max(times) - min(times)} s, same size"
    largest = max(m.pixels for m in members)
    smallest = min(m.pixels for m in members)
    share = f"{smallest / largest:.0%}" if largest else "fewer"
    hashed = [m.phash for m in members if m.phash is not None]
    evidence = ""
    if len(hashed) == len(members):
        evidence = f"; hash distance \u2264 {max(hash_distance(hashed[0], h) for h in hashed)}"
    if kind == "thumbnail":
        return f"UUID-named small copy ({share} of the pixels) by the same camera ({camera}) at the same time{evidence}"
    return (
        f"same capture time and camera ({camera}), same aspect ratio, smaller copy has {share} of the pixels{evidence}"
    )
