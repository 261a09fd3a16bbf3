"""Near-duplicate lookup over 64-bit hashes by multi-index hashing, never all pairs.

A hash is cut into m chunks. If two hashes differ in at most t bits, some
chunk differs in at most t // m bits (pigeonhole), so every pair within t is
found by looking up, per chunk, the buckets of the chunk value with up to
t // m bits flipped; candidates are then checked on the full hash.

Small inputs probe item by item: each hash looks up its chunk ^ flips in a
dense count table. From BITMAP_FROM hashes on, probing works on an occupancy
bitmap of the buckets instead (2^22 bits = 512 KB, in cache): for one flip
mask, "bucket x and bucket x ^ flips are both occupied" is a few word
operations over the bitmap (whole-word moves for high bits, bit swaps inside
words for low bits), so a mask costs the bitmap size plus the hits, not a pass
over a million hashes. Hashes sorted by chunk make each bucket a run; the
first two hashes of every bucket sit in per-bucket tables, so a candidate is
checked with two lookups. The masks are shared out over threads.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from math import comb
from multiprocessing import get_context
from typing import Any

import numpy as np

_EMPTY = np.empty(0, np.int64)
BITMAP_FROM = 250_000  # below this many hashes probing item by item is cheaper than bitmap passes
_LAYERS = 2  # hashes per bucket looked up directly; most buckets hold one or two


def _chunk_widths(m: int) -> list[int]:
    base, extra = divmod(64, m)
    return [base + (1 if i < extra else 0) for i in range(m)]


def _cost(n: int, t: int, m: int) -> float:
    """Work of m chunks: per flip mask, a pass over the bucket bitmap plus the candidate bucket pairs."""
    cost = 0.0
    for width in _chunk_widths(m):
        masks = sum(comb(width, k) for k in range(1, t // m + 1))
        candidates = n * n / 2 ** (width + 1)
        cost += masks * (2**width / 32 + candidates) + candidates + n
    return cost


def _item_cost(n: int, t: int, m: int) -> float:
    """Work of m chunks when every hash probes every flip mask of its chunk."""
    return float(sum(sum(comb(w, k) for k in range(t // m + 1)) * n * (1 + n / 2**w) for w in _chunk_widths(m)))


def choose_chunks(n: int, t: int) -> int:
    """Chunks for the bitmap path at this size (3 chunks: at most 22 bits, a 512 KB bitmap)."""
    return min(range(3, 9), key=lambda m: _cost(n, t, m))


def choose_item_chunks(n: int, t: int) -> int:
    return min(range(3, 9), key=lambda m: _item_cost(n, t, m))


def near_pairs(
    hashes: np.ndarray, threshold: int, threads: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (i < j) whose hashes differ in at most ``threshold`` bits, and their distances."""
    values = np.ascontiguousarray(hashes, dtype=np.int64).view(np.uint64)
    n = len(values)
    if n < 2:
        return _EMPTY, _EMPTY, _EMPTY
    found = _bitmap_pairs(values, threshold, threads) if n >= BITMAP_FROM else _item_pairs(values, threshold)
    i = np.concatenate([f[0] for f in found])
    j = np.concatenate([f[1] for f in found])
    distance = np.concatenate([f[2] for f in found])
    # A pair can be found through several chunks (or layers): keep it once.
    key = np.unique(i * n + j, return_index=True)[1]
    return i[key], j[key], distance[key]


Pairs = tuple[np.ndarray, np.ndarray, np.ndarray]


def _bitmap_pairs(values: np.ndarray, threshold: int, threads: int | None = None) -> list[Pairs]:
    """Each chunk's flip masks shared out over worker processes (threads where processes cannot start).

    The probing is many numpy operations on arrays of some ten thousand words, with Python in
    between: threads hardly overlap (17.2 s on one thread, 14.5 s on two at 1M hashes), separate
    processes do.
    """
    m = choose_chunks(len(values), threshold)
    parts = max(1, threads or os.cpu_count() or 1)
    radius = threshold // m
    tasks, shift = [], 0
    for width in _chunk_widths(m):
        masks = _flip_masks(width, radius)
        tasks += [(values, shift, width, radius, threshold, masks[k::parts], k == 0) for k in range(parts)]
        shift += width
    found: list[Pairs] = []
    if parts == 1:
        for task in tasks:
            found += _chunk_task(task)
        return found
    pool: Executor | None = None
    try:
        # As in hashing: no worker processes where standard streams are not real files (a Textual app).
        pool = ProcessPoolExecutor(parts, mp_context=get_context("spawn"))
        results = list(pool.map(_chunk_task, tasks))
    except (OSError, ValueError, BrokenProcessPool):
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        pool = ThreadPoolExecutor(parts)
        results = list(pool.map(_chunk_task, tasks))
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    for part in results:
        found += part
    return found


def _chunk_task(task: tuple[Any, ...]) -> list[Pairs]:
    return _chunk_pairs(*task)


def _item_pairs(values: np.ndarray, threshold: int) -> list[Pairs]:
    """Small inputs: every hash probes every flip mask of its chunk in a dense count table."""
    n = len(values)
    m = choose_item_chunks(n, threshold)
    radius = threshold // m
    found, shift = [], 0
    for width in _chunk_widths(m):
        chunk = ((values >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int64)
        shift += width
        order = np.argsort(chunk, kind="stable")
        sizes = np.bincount(chunk, minlength=1 << width)
        starts = np.cumsum(sizes) - sizes
        zero_at = [np.nonzero((chunk & (1 << bit)) == 0)[0] for bit in range(width)] if radius else []
        for flips in [0, *_flip_masks(width, radius)]:
            top = flips.bit_length() - 1
            side = zero_at[top] if flips else np.arange(n)  # bucket pairs meet once, from the top-bit-0 side
            probe = chunk[side] ^ flips
            hit = np.nonzero(sizes[probe])[0]
            reps = sizes[probe[hit]]
            queries = np.repeat(side[hit], reps)
            partners = order[np.repeat(starts[probe[hit]], reps) + _ranks(reps)]
            keep = queries != partners
            queries, partners = np.minimum(queries[keep], partners[keep]), np.maximum(queries[keep], partners[keep])
            distance = np.bitwise_count(values[queries] ^ values[partners])
            close = distance <= threshold
            found.append((queries[close], partners[close], distance[close].astype(np.int64)))
    return found


def _chunk_pairs(
    values: np.ndarray, shift: int, width: int, radius: int, threshold: int, masks: list[int], same_bucket: bool
) -> list[Pairs]:
    """Pairs within ``threshold`` whose chunk at ``shift`` differs by one of ``masks`` (and, when
    ``same_bucket``, not at all)."""
    n = len(values)
    chunk = ((values >> np.uint64(shift)) & np.uint64((1 << width) - 1)).astype(np.int32)
    order = np.argsort(chunk, kind="stable")
    chunk = chunk[order]
    ordered = values[order]
    sizes = np.bincount(chunk, minlength=1 << width).astype(np.int32)
    starts = (np.cumsum(sizes) - sizes).astype(np.int32)

    def verified(queries: np.ndarray, partners: np.ndarray) -> Pairs:
        """Sorted positions -> input indexes of the pairs within the threshold."""
        distance = np.bitwise_count(ordered[queries] ^ ordered[partners])
        close = distance <= threshold
        a, b = order[queries[close]], order[partners[close]]
        return np.minimum(a, b), np.maximum(a, b), distance[close].astype(np.int64)

    # Flips 0: pairs inside one bucket, a run of equal chunk values: each member with the later ones.
    found = []
    if same_bucket:
        later = ((starts + sizes)[chunk] - np.arange(1, n + 1, dtype=np.int32)).astype(np.int64)
        queries = np.repeat(np.arange(n), later)
        found.append(verified(queries, queries + 1 + _ranks(later)))
    if not radius or not masks:
        return found
    # Layer k holds the k-th hash of each bucket: a bucket pair is checked layer against layer with
    # two lookups per candidate. Buckets with more hashes than layers (rare) take the general path.
    rank = np.arange(n) - starts[chunk]
    layers = []
    for k in range(_LAYERS):
        value = np.zeros(len(sizes), np.uint64)
        value[chunk[rank == k]] = ordered[rank == k]
        layers.append((_bitmap(sizes > k), value))
    occupied, crowded = layers[0][0], _bitmap(sizes > _LAYERS)
    word_index = np.arange(len(occupied))

    def probe(masks: list[int]) -> list[Pairs]:
        out = []
        for flips in masks:
            # Buckets a and a ^ flips meet once: from the side where the top flipped bit is 0.
            side = _side_mask(flips.bit_length() - 1, word_index)
            there_bits = [_flip_bitmap(bits, flips, word_index) for bits, _ in layers]
            for a, (here_bits, here_value) in enumerate(layers):
                for b, (_, there_value) in enumerate(layers):
                    here = _set_bits(here_bits & there_bits[b] & side)
                    close = here[np.bitwise_count(here_value[here] ^ there_value[here ^ flips]) <= threshold]
                    if len(close):
                        out.append(verified(starts[close] + a, starts[close ^ flips] + b))
            crowded_there = _flip_bitmap(crowded, flips, word_index)
            here = _set_bits((crowded & there_bits[0] | occupied & crowded_there) & side)
            if len(here):  # every item of one bucket against every item of the other (found twice is fine)
                a, b = sizes[here].astype(np.int64), sizes[here ^ flips].astype(np.int64)
                offset = _ranks(a * b)
                out.append(
                    verified(
                        np.repeat(starts[here], a * b) + offset // np.repeat(b, a * b),
                        np.repeat(starts[here ^ flips], a * b) + offset % np.repeat(b, a * b),
                    )
                )
        return out

    return found + probe(masks)


# Bit k of a word position is 0 at these bits: flipping bit k of a bucket swaps them with their neighbours.
_LOW_BITS = [
    np.uint64(m)
    for m in (
        0x5555555555555555,
        0x3333333333333333,
        0x0F0F0F0F0F0F0F0F,
        0x00FF00FF00FF00FF,
        0x0000FFFF0000FFFF,
        0x00000000FFFFFFFF,
    )
]
_ALL = np.uint64(2**64 - 1)


def _bitmap(flags: np.ndarray) -> np.ndarray:
    return np.packbits(flags, bitorder="little").view("<u8")


def _flip_bitmap(words: np.ndarray, flips: int, word_index: np.ndarray) -> np.ndarray:
    """The bitmap x -> bit (x ^ flips): high flips move whole words, low flips swap bits inside words."""
    out = words[word_index ^ (flips >> 6)] if flips >> 6 else words
    for k in range(6):
        if flips >> k & 1:
            shift, low = np.uint64(1 << k), _LOW_BITS[k]
            out = ((out >> shift) & low) | ((out & low) << shift)
    return out


def _side_mask(bit: int, word_index: np.ndarray) -> np.ndarray | np.uint64:
    """Bits of the buckets whose ``bit`` is 0."""
    if bit < 6:
        return _LOW_BITS[bit]
    return np.where(word_index & (1 << (bit - 6)), np.uint64(0), _ALL)


def _set_bits(words: np.ndarray) -> np.ndarray:
    """Positions of the set bits of a bitmap (bit i of word w is position 64 w + i), lowest bit first per word."""
    at = np.flatnonzero(words)
    remaining, base = words[at], at * 64
    out = []
    while len(remaining):
        lowest = remaining & (~remaining + np.uint64(1))
        out.append(base + np.bitwise_count(lowest - np.uint64(1)).astype(np.int64))
        remaining = remaining ^ lowest
        keep = remaining != 0
        remaining, base = remaining[keep], base[keep]
    return np.concatenate(out) if out else _EMPTY


def _ranks(reps: np.ndarray) -> np.ndarray:
    """0..r-1 for each r in ``reps``, concatenated: the offsets of repeated items."""
    reps = reps.astype(np.int64)
    ranks: np.ndarray = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    return ranks


def _flip_masks(width: int, radius: int) -> list[int]:
    masks = []
    for k in range(1, radius + 1):
        for bits in itertools.combinations(range(width), k):
            masks.append(sum(1 << b for b in bits))
    return masks


def brute_force_pairs(hashes: np.ndarray, threshold: int) -> set[tuple[int, int]]:
    """All pairs within ``threshold``, the slow way: for tests of the index on small inputs."""
    values = np.ascontiguousarray(hashes, dtype=np.int64).view(np.uint64)
    out: set[tuple[int, int]] = set()
    for i in range(len(values)):
        d = np.bitwise_count(values[i] ^ values[i + 1 :])
        out.update((i, i + 1 + int(j)) for j in np.nonzero(d <= threshold)[0])
    return out
