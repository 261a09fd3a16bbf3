"""Near-duplicate lookup over 64-bit hashes by multi-index hashing, never all pairs.

A hash is cut into m chunks. If two hashes differ in at most t bits, some
chunk differs in at most t // m bits (pigeonhole), so every pair within t is
found by looking up, per chunk, the buckets of the chunk value with up to
t // m bits flipped; candidates are then checked on the full hash. Buckets
are dense count tables over sorted arrays (numpy), so a million hashes cost a few vectorised passes.
m is picked to balance probes against candidates for the data size.
"""

from __future__ import annotations

import itertools
from math import comb

import numpy as np


def _chunk_widths(m: int) -> list[int]:
    base, extra = divmod(64, m)
    return [base + (1 if i < extra else 0) for i in range(m)]


def _cost(n: int, t: int, m: int) -> float:
    cost = 0.0
    for width in _chunk_widths(m):
        probes = sum(comb(width, k) for k in range(t // m + 1))
        cost += probes * n * (1 + n / 2**width)
    return cost


def choose_chunks(n: int, t: int) -> int:
    return min(range(3, 9), key=lambda m: _cost(n, t, m))  # chunks of at most 22 bits keep the tables small


def near_pairs(hashes: np.ndarray, threshold: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i < j) whose hashes differ in at most ``threshold`` bits, and their distances."""
    values = np.ascontiguousarray(hashes, dtype=np.int64).view(np.uint64)
    n = len(values)
    empty = np.empty(0, np.int64)
    if n < 2:
        return empty, empty, empty
    m = choose_chunks(n, threshold)
    radius = threshold // m
    found_i, found_j, found_d = [], [], []
    shift = 0
    for width in _chunk_widths(m):
        chunk = ((values >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)
        shift += width
        order = np.argsort(chunk, kind="stable")
        sizes = np.bincount(chunk, minlength=1 << width)  # dense bucket table: chunks are at most 32 bits
        starts = np.cumsum(sizes) - sizes
        # Buckets a and a ^ flips meet once: probed from the side where the top flipped bit is 0.
        zero_at = [np.nonzero((chunk & (1 << bit)) == 0)[0] for bit in range(width)] if radius else []
        chunk_at = [chunk[side] for side in zero_at]
        everyone = np.arange(n)
        for flips in _flip_masks(width, radius):
            if flips:
                top = flips.bit_length() - 1
                side, probe = zero_at[top], chunk_at[top] ^ flips
            else:
                side, probe = everyone, chunk
            counts = sizes[probe]
            hit = np.nonzero(counts)[0]
            if not len(hit):
                continue
            reps = counts[hit]
            queries = np.repeat(side[hit], reps)
            offsets = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
            partners = order[np.repeat(starts[probe[hit]], reps) + offsets]
            if not flips:
                keep = queries < partners
                queries, partners = queries[keep], partners[keep]
            else:
                queries, partners = np.minimum(queries, partners), np.maximum(queries, partners)
            distance = np.bitwise_count(values[queries] ^ values[partners])
            close = distance <= threshold  # verify at once: memory holds hits, not candidates
            found_i.append(queries[close])
            found_j.append(partners[close])
            found_d.append(distance[close].astype(np.int64))
    if not found_i:
        return empty, empty, empty
    i = np.concatenate(found_i)
    j = np.concatenate(found_j)
    distance = np.concatenate(found_d)
    # A pair can be found through several chunks: keep it once.
    key = np.unique(i * n + j, return_index=True)[1]
    return i[key], j[key], distance[key]


def _flip_masks(width: int, radius: int) -> list[int]:
    masks = [0]
    for k in range(1, radius + 1):
        for bits in itertools.combinations(range(width), k):
            masks.append(sum(1 << b for b in bits))
    return masks


def brute_force_pairs(hashes: np.ndarray, threshold: int) -> set[tuple[int, int]]:
    """All pairs within ``threshold``, the slow way: for tests of the index on small inputs."""
    values = np.ascontiguousarray(hashes, dtype=np.int64).view(np.uint64)
    out = set()
    for i in range(len(values)):
        d = np.bitwise_count(values[i] ^ values[i + 1:])
        out.update((i, i + 1 + int(j)) for j in np.nonzero(d <= threshold)[0])
    return out
