"""The list windows (catalog.windows) equal the whole list filtered and sorted in Python, window by window:
albums by title filter (case folded as str.casefold) and each sort, duplicate groups by offset and by
keyset, with hidden groups left out and positions that point at the right row."""

from __future__ import annotations

import random
import sqlite3

import pytest

from gphotos_tui.catalog import Catalog, windows
from gphotos_tui.model import AlbumRecord, MediaRecord, Membership, SourceKind

TITLES = [
    "Straße 2019",
    "STRASSE am See",
    "Family",
    "family trip",
    "Été à Paris",
    "ÉTÉ",
    "Rome",
    "rome 2",
    "Zoo",
    "Ärger",
]


async def _albums_catalog(path, rng: random.Random) -> Catalog:
    catalog = await Catalog.open(path)
    source = await catalog.ensure_source(SourceKind.TAKEOUT, "t", "Takeout")
    items = [
        MediaRecord(external_id=str(n), filename=f"{n}.jpg", taken_at=rng.choice([None, 1_500_000_000 + n * 99]))
        for n in range(120)
    ]
    albums = [AlbumRecord(f"a{n}", title) for n, title in enumerate(TITLES)]
    members = [Membership(f"a{rng.randrange(len(TITLES) - 1)}", str(rng.randrange(120)), n) for n in range(200)]
    await catalog.write_batch(source, items, albums=albums, memberships=members)
    return catalog


def _dates_key(a):
    return (a.first_taken is None, a.first_taken or 0, a.title, a.id)


@pytest.mark.parametrize("seed", range(3))
async def test_album_windows_equal_the_python_filter_and_sorts(tmp_path, seed):
    catalog = await _albums_catalog(tmp_path / "c.sqlite", random.Random(seed))
    try:
        conn = catalog.reader
        everything = await windows.album_window(conn, [], "dates", 0, 1000)
        assert len(everything) == len(TITLES) == await windows.album_count(conn, [])
        orders = {
            "dates": _dates_key,
            "title": lambda a: (a.title.casefold(), *_dates_key(a)),
            "items": lambda a: (-a.items, *_dates_key(a)),
        }
        for words in ([], ["strasse"], ["été"], ["FAMILY".casefold()], ["rome", "2"], ["nothing"]):
            for sort, key in orders.items():
                expected = sorted((a for a in everything if all(w in a.title.casefold() for w in words)), key=key)
                assert await windows.album_count(conn, words) == len(expected)
                got = []
                for offset in range(0, len(expected) + 3, 3):
                    got += await windows.album_window(conn, words, sort, offset, 3)
                assert got == expected, (words, sort)
                for index, album in enumerate(expected):
                    assert await windows.album_position(conn, words, sort, album.id) == index
        # "ß" folds to "ss" as in Python (SQLite's lower() would miss it)
        found = await windows.album_window(conn, ["strasse"], "title", 0, 10)
        assert [a.title for a in found] == ["Straße 2019", "STRASSE am See"]
        hidden = next(a for a in everything if a.title == "Zoo")
        assert await windows.album_position(conn, ["rome"], "dates", hidden.id) is None
    finally:
        await catalog.close()


async def test_group_windows_by_offset_and_keyset_skip_hidden_groups(tmp_path):
    path = tmp_path / "c.sqlite"
    catalog = await Catalog.open(path)
    await catalog.close()
    rng = random.Random(5)
    with sqlite3.connect(path) as conn:
        groups = [
            (
                f"k{n:03d}",
                rng.choice(["exact", "burst", "near"]),
                rng.randrange(3),
                f"why {n}",
                rng.choice([0, 10, 20]),
                2,
            )
            for n in range(57)
        ]
        conn.executemany(
            "INSERT INTO dupe_groups (key, kind, rank, reason, first_taken, members) VALUES (?, ?, ?, ?, ?, ?)", groups
        )
    catalog = await Catalog.open(path)
    try:
        w = catalog.writer
        # decisions name items: two of them
        source = await catalog.ensure_source(SourceKind.TAKEOUT, "t", "Takeout")
        await catalog.write_batch(source, [MediaRecord(external_id=str(n), filename=f"{n}.jpg") for n in range(2)])
        item_ids = [r[0] for r in await w.execute_fetchall("SELECT id FROM items ORDER BY id")]
        hidden = {"k003", "k020", "k041"}
        decided = {"k004", "k030"}
        for key in hidden:
            await w.executemany(
                "INSERT INTO duplicate_decisions (group_key, item_id, decision, decided_at) VALUES (?, ?, 'not_duplicate', 0)",
                [(key, i) for i in item_ids],
            )
        for key in decided:
            await w.execute(
                "INSERT INTO duplicate_decisions (group_key, item_id, decision, decided_at) VALUES (?, ?, 'keep', 0)",
                (key, item_ids[0]),
            )
        await w.commit()
        conn = catalog.reader
        expected = sorted((g for g in groups if g[0] not in hidden), key=lambda g: (g[2], g[4], g[0]))
        assert await windows.shown_group_count(conn) == len(expected)
        by_offset, by_keyset, previous = [], [], None
        for offset in range(0, len(expected) + 7, 7):
            by_offset += await windows.shown_group_window(conn, offset, 7)
            window = await windows.shown_group_window(conn, offset, 7, after=previous)
            by_keyset += window
            previous = window[-1] if window else None
        assert [line.key for line in by_offset] == [g[0] for g in expected]
        assert by_keyset == by_offset
        assert {line.key for line in by_offset if line.decided} == decided
        for index, g in enumerate(expected):
            assert await windows.shown_group_position(conn, g[0]) == index
        assert await windows.shown_group_position(conn, "k003") is None  # hidden
        assert await windows.shown_group_position(conn, "nope") is None
    finally:
        await catalog.close()
