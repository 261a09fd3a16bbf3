"""A small union-find over item ids, used to merge pairs into groups."""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def connected(self, a: int, b: int) -> bool:
        return self.find(a) == self.find(b)

    def union_all(self, ids: Iterable[int]) -> None:
        it = iter(ids)
        first = next(it, None)
        if first is None:
            return
        for other in it:
            self.union(first, other)

    def components(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return [sorted(c) for c in out.values() if len(c) > 1]
