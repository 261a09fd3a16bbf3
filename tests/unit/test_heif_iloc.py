"""The HEIF ``iloc`` parser's fixed-size fast path gives exactly what the field-by-field parser gives."""

from __future__ import annotations

import random
import struct

import pytest

from gphotos_tui.exif import bmff


def _generic(data: bytes, start: int, end: int, monkeypatch: pytest.MonkeyPatch) -> dict:
    with monkeypatch.context() as m:
        m.setattr(bmff, "_ILOC_CODES", {})  # no size qualifies: the field-by-field parser runs
        return bmff._item_locations(data, start, end)


def _iloc(rng: random.Random) -> bytes:
    version = rng.choice([0, 1, 2, 3])
    offset, length, base, index = (rng.choice([0, 4, 8]) for _ in range(4))
    body = bytes([version, 0, 0, 0, (offset << 4) | length, (base << 4) | index])
    wide = version >= 2
    items = rng.randint(0, 5)
    body += struct.pack(">I" if wide else ">H", items if rng.random() < 0.9 else rng.randint(0, 65535))
    for _ in range(items):
        body += struct.pack(">I" if wide else ">H", rng.randint(0, 99))
        if version in (1, 2):
            body += struct.pack(">H", rng.randint(0, 3))
        body += b"\0\0" + rng.randbytes(base)
        extents = rng.randint(0, 3)
        body += struct.pack(">H", extents)
        body += rng.randbytes(extents * ((index if version in (1, 2) else 0) + offset + length))
    return body


def test_fast_iloc_matches_the_generic_parser_on_whole_and_cut_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(17)
    found = 0
    for _ in range(3000):
        body = _iloc(rng)
        data = rng.randbytes(rng.randint(0, 3))
        start = len(data)
        data += body + rng.randbytes(rng.randint(0, 10))
        end = start + len(body) - (rng.randint(0, 12) if rng.random() < 0.3 else 0)
        expected = _generic(data, start, end, monkeypatch)
        assert bmff._item_locations(data, start, end) == expected
        found += bool(expected)
    assert found > 1000  # the boxes were real enough to hold items


def test_real_sizes_take_the_fast_path() -> None:
    body = bytes([1, 0, 0, 0, 0x44, 0x00]) + struct.pack(">HHHHH", 1, 7, 0, 0, 1) + struct.pack(">II", 1234, 56)
    assert bmff._item_locations(body, 0, len(body)) == {7: (0, [(1234, 56)])}
