"""The "near" class: look-alikes by perceptual hash, found through the index."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gphotos_tui.analysis.duplicates.index import near_pairs
from gphotos_tui.analysis.duplicates.keeper import choose_keepers
from gphotos_tui.analysis.duplicates.model import DupItem, Group, Settings
from gphotos_tui.analysis.duplicates.unionfind import UnionFind


def near_groups(items: Sequence[DupItem], explained: UnionFind, settings: Settings = Settings()) -> list[Group]:
    """Groups of items whose hashes are within the threshold, leaving out pairs a metadata class explains."""
    hashed = [it for it in items if it.phash is not None]
    if len(hashed) < 2:
        return []
    values = np.fromiter((it.phash for it in hashed), dtype=np.int64, count=len(hashed))
    first, second, distance = near_pairs(values, settings.near_threshold)
    uf = UnionFind()
    worst: dict[int, int] = {}
    for i, j, d in zip(first.tolist(), second.tolist(), distance.tolist()):
        a, b = hashed[i].id, hashed[j].id
        if explained.connected(a, b):
            continue
        uf.union(a, b)
        worst[a] = max(worst.get(a, 0), d)
        worst[b] = max(worst.get(b, 0), d)
    by_id = {it.id: it for it in hashed}
    groups = []
    for ids in uf.components():
        d = max(worst[i] for i in ids)
        group = Group(
            "near",
            f"look alike: perceptual hash distance {d} (threshold {settings.near_threshold})",
            [by_id[i] for i in ids],
        )
        group.keep = choose_keepers(group, settings)
        groups.append(group)
    return groups
