"""The Duplicates screen by keyboard: review, decide, hide, accept a class; decisions reach the catalog."""

from __future__ import annotations

import sqlite3

from textual.widgets import DataTable, Static

from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.screens.duplicates import ConfirmAccept, DuplicatesScreen
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
        table = screen.query_one("#dupes-groups", DataTable)
        assert table.row_count == len(screen.groups) > 3
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
        assert hidden.key not in {g.key for g in screen.groups}
        assert first.key in {g.key for g in screen.groups}


async def test_accept_class_asks_with_a_count_first(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        kind = screen.group.kind
        undecided = [g for g in screen.groups if g.kind == kind]
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
    from gphotos_tui.ui.screens.duplicates import LinkModal

    app = make_app(catalog_file)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        member = app.screen.group.members[0]
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LinkModal) and app.screen.url == member.product_url
        assert "\u2580" in str(app.screen.query_one("#link-qr", Static).render()) or "\u2584" in str(
            app.screen.query_one("#link-qr", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DuplicatesScreen)
