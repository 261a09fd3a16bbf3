"""The Duplicates screen by keyboard: review, decide, hide, accept a class; decisions reach the catalog."""

from __future__ import annotations

import sqlite3
import time

from textual.widgets import Static

from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.modals.confirm import ConfirmAccept
from gphotos_tui.ui.screens.duplicates import DuplicatesScreen, GroupList
from tests.ui.conftest import settle


def _decisions(path):
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT group_key, item_id, decision FROM duplicate_decisions ORDER BY 1, 2").fetchall()


async def test_review_by_keyboard_persists_decisions(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DuplicatesScreen)
        table = screen.query_one("#dupes-groups", GroupList)
        assert table.row_count == len(await screen.all_groups()) > 3
        assert "groups (" in str(screen.query_one("#dupes-status", Static).render())
        first = screen.group
        cards = list(screen.query(".member"))
        assert len(cards) == len(first.members)
        assert "\u2580" in str(cards[0].render())  # the half-block preview arrived

        await pilot.press("a")  # accept the suggestion
        await settle(pilot)
        stored = {(item, d) for key, item, d in _decisions(catalog_file) if key == first.key}
        assert stored == {(m.id, first.suggested(m.id)) for m in first.members}

        await pilot.press("space")  # toggle the selected (first) member
        await settle(pilot)
        member = first.members[0]
        flipped = "discard" if first.suggested(member.id) == "keep" else "keep"
        assert (first.key, member.id, flipped) in _decisions(catalog_file)

        await pilot.press("n")
        await settle(pilot)
        hidden = screen.group
        assert hidden is not first
        await pilot.press("x")  # not duplicates: gone now and after a rescan
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        shown = {g.key for g in await screen.all_groups()}
        assert hidden.key not in shown and first.key in shown


async def test_accept_class_asks_with_a_count_first(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        kind = screen.group.kind
        undecided = [g for g in await screen.all_groups() if g.kind == kind]
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmAccept)
        assert f"all {len(undecided)} undecided {kind} groups" in app.screen.message
        await pilot.press("n")
        await settle(pilot)
        assert _decisions(catalog_file) == []
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert {key for key, _, _ in _decisions(catalog_file)} == {g.key for g in undecided}


async def test_link_of_the_selected_item_with_qr_code(catalog_file):
    from gphotos_tui.ui.modals.link import LinkModal

    app = make_app(catalog_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        member = app.screen.group.members[0]
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LinkModal) and app.screen.url == member.product_url
        assert "\u2580" in str(app.screen.query_one("#link-qr", Static).render()) or "\u2584" in str(
            app.screen.query_one("#link-qr", Static).render()
        )
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DuplicatesScreen)


def _hash_count(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM perceptual_hashes").fetchone()[0]


def _photo_count(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM items WHERE media_type = 'photo'").fetchone()[0]


async def test_big_catalogs_hash_only_on_the_key_and_near_groups_follow(catalog_file, monkeypatch):
    from gphotos_tui.ui.screens import duplicates

    monkeypatch.setattr(duplicates, "AUTO_HASH_LIMIT", 10)  # the 300-item catalog now counts as big
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        status = str(screen.query_one("#dupes-status", Static).render())
        assert _hash_count(catalog_file) == 0
        assert f"{_photo_count(catalog_file):,} photos without a hash: press c" in status
        groups = await screen.all_groups()
        assert groups and not any("hash" in g.reason for g in groups)  # metadata classes right away

        await pilot.press("c")
        await settle(pilot)
        assert _hash_count(catalog_file) == _photo_count(catalog_file)
        assert any("hash distance" in g.reason for g in await screen.all_groups())  # regrouped with the new hashes
        assert "without a hash" not in str(screen.query_one("#dupes-status", Static).render())


async def test_hashing_stops_on_the_key_and_keeps_what_finished(catalog_file, monkeypatch):
    import importlib

    from gphotos_tui.ui.screens import duplicates

    monkeypatch.setattr(duplicates, "AUTO_HASH_LIMIT", 10)
    monkeypatch.setattr(importlib.import_module("gphotos_tui.analysis.duplicates.scan"), "HASH_BATCH", 4)
    from gphotos_tui.analysis.duplicates.hashing import HashPool

    unhurried = HashPool.hash

    def slow_batch(self, jobs, stop=None):  # a slow disk: time to press the key mid-run
        time.sleep(0.1)
        return unhurried(self, jobs, stop)

    monkeypatch.setattr(HashPool, "hash", slow_batch)
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("c")
        for _ in range(400):  # until the first batches are stored
            await pilot.pause(0.02)
            if _hash_count(catalog_file) >= 8:
                break
        await pilot.press("c")  # stop
        await settle(pilot)
        kept = _hash_count(catalog_file)
        assert 8 <= kept < _photo_count(catalog_file)
        assert not app.screen.hashing
        status = str(app.screen.query_one("#dupes-status", Static).render())
        assert f"{_photo_count(catalog_file) - kept:,} photos without a hash" in status

        await pilot.press("c")  # resumes with the rest only
        await settle(pilot)
        assert _hash_count(catalog_file) == _photo_count(catalog_file)


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_review_album_key_without_app_created_items_explains_why(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, DuplicatesScreen)  # nothing to confirm
        assert any(m.startswith("no album: 0 of ") and "31 March 2025" in m for m in _messages(app))


async def test_review_album_key_creates_the_album_through_the_library_api(catalog_file):
    from gphotos_tui.engine.google_jobs import GoogleAccess

    app = make_app(catalog_file)
    app.google = GoogleAccess(300, seed=42)  # the demo's fake Google, serving the catalog's library
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        discards = {
            m.public_id.removeprefix("demo:")
            for g in await screen.all_groups()
            for m in g.members
            if g.decision(m.id) == "discard"
        }
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmAccept) and f"with {len(discards):,} discards" in app.screen.message
        await pilot.press("y")
        await settle(pilot)
        store = app.google._fake.store
        (album_id,) = [a for a, album in store.albums.items() if album.title.startswith("Duplicates to review")]
        assert set(store.album_items[album_id]) == discards
        assert any(f"has {len(discards):,} discards to review" in m for m in _messages(app))


async def test_groups_are_read_a_window_at_a_time_in_the_stored_order(catalog_file, monkeypatch):
    """Issue 15: the group list shows the kept groups a window at a time (the line-windowed list, as the
    item list): only the window on screen is read, the next one when the cursor gets there, every group
    only for the actions over all of them; the rows are the stored groups in their order, the cursor
    comes back to its group after a rescan, and the keys act on the group under the cursor."""
    from gphotos_tui.analysis.duplicates import store
    from gphotos_tui.catalog import Catalog, windows

    monkeypatch.setattr(GroupList, "WINDOW_ROWS", 2)
    reads: list[int] = []
    original = windows.shown_group_window

    async def counted(conn, offset, limit, after=None):
        reads.append(offset)
        return await original(conn, offset, limit, after=after)

    monkeypatch.setattr(windows, "shown_group_window", counted)
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DuplicatesScreen)
        while screen.hashing or screen.reloading:
            await settle(pilot)
        await settle(pilot)
        table = screen.query_one("#dupes-groups", GroupList)
        catalog = await Catalog.open(catalog_file)
        try:
            everything, _count = await store.stored_groups(catalog.reader)
        finally:
            await catalog.close()
        assert len(everything) > 4 and table.row_count == len(everything)
        status = str(screen.query_one("#dupes-status", Static).render())
        assert status.startswith(f"{len(everything):,} groups ("), status
        on_screen = min(table.row_count, table.scrollable_content_region.height - 1)
        assert set(reads) <= set(range(0, on_screen + 1, 2)) and table.loaded_windows <= on_screen // 2 + 1, reads
        assert screen.group is not None and screen.group.key == everything[0].key

        for _ in range(3):  # the keys move the cursor group by group; each group's members are read
            await pilot.press("n")
            await settle(pilot)
        assert table.cursor == 3 and screen.group.key == everything[3].key
        [table.row_at(i) for i in range(table.row_count)]  # asks for every window
        await settle(pilot)
        rows = [table.row_at(i) for i in range(table.row_count)]
        assert [r.key for r in rows] == [g.key for g in everything]
        assert [r.reason for r in rows] == [g.reason for g in everything]
        assert [g.key for g in await screen.all_groups()] == [g.key for g in everything]  # what "A", "e", "g" read

        chosen = screen.group
        await pilot.press("a")  # a decision writes to the catalog: the return regroups and rereads
        await settle(pilot)
        assert {item for key, item, _ in _decisions(catalog_file) if key == chosen.key} == {
            m.id for m in chosen.members
        }
        assert table.row_at(3).decided and "yes" in table.render_line(4).text
        reads.clear()
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        assert 2 in reads, f"the return did not reread the changed groups (windows read: {reads})"
        assert table.cursor == 3 and screen.group.key == chosen.key
        assert screen.group.decisions, "the reread group lost its decisions"
