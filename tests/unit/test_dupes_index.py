"""The near-duplicate index against brute force, on inputs that reach every path of it."""

from __future__ import annotations

import numpy as np
import pytest

from gphotos_tui.analysis.duplicates import index
from gphotos_tui.analysis.duplicates.index import brute_force_pairs, near_pairs


@pytest.fixture(params=["items", "bitmap"])
def path(request, monkeypatch):
    """Both probing paths, whatever the size (the bitmap one normally starts at BITMAP_FROM hashes)."""
    monkeypatch.setattr(index, "BITMAP_FROM", 0 if request.param == "bitmap" else 10**12)
    return request.param


def _clustered(n: int, seed: int) -> np.ndarray:
    """Random hashes plus clusters: identical copies, near copies, and many hashes sharing their low 24 bits."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 2**64, n, dtype=np.uint64)
    for k in range(0, n // 3, 6):
        for copy in range(1, 6):  # a bucket of up to six: the layered and the crowded paths
            flipped = values[k]
            for bit in rng.choice(64, (k + copy) % 11, replace=False):
                flipped ^= np.uint64(1) << np.uint64(bit)
            values[k + copy] = flipped if copy % 2 else values[k]
    low = values[n // 2 : n // 2 + n // 8]
    values[n // 2 : n // 2 + n // 8] = (low & ~np.uint64(0xFFFFFF)) | np.uint64(0xABCDEF)
    return values.view(np.int64)


@pytest.mark.parametrize("n, seed", [(2, 1), (60, 2), (1500, 3), (4000, 4)])
@pytest.mark.parametrize("threshold", [0, 2, 5, 8, 12])
def test_index_finds_exactly_the_brute_force_pairs(path, n, seed, threshold):
    hashes = _clustered(n, seed)
    i, j, d = near_pairs(hashes, threshold)
    pairs = list(zip(i.tolist(), j.tolist()))
    assert len(pairs) == len(set(pairs))  # each pair once
    assert set(pairs) == brute_force_pairs(hashes, threshold)
    values = hashes.view(np.uint64)
    assert np.array_equal(d, np.bitwise_count(values[i] ^ values[j]).astype(np.int64))


def test_one_thread_and_many_give_the_same_pairs(monkeypatch):
    monkeypatch.setattr(index, "BITMAP_FROM", 0)
    hashes = _clustered(3000, 9)
    one = near_pairs(hashes, 8, threads=1)
    many = near_pairs(hashes, 8, threads=4)
    assert all(np.array_equal(a, b) for a, b in zip(one, many))
