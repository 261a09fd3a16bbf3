"""Albums with pseudo-albums and sorting, and the item detail screen, by keyboard."""

from __future__ import annotations

import re

from textual.widgets import Static

from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.screens.album_items import AlbumItemsScreen
from gphotos_tui.ui.screens.albums import AlbumList
from gphotos_tui.ui.screens.item_detail import ItemDetailScreen
from gphotos_tui.ui.widgets.item_list import ItemList
from gphotos_tui.ui.widgets.preview import Preview

from .conftest import settle, wait_until


def titles(table: AlbumList) -> list[str]:
    rows = [table.row_at(i) for i in range(table.row_count)]  # one window: the small catalog's albums
    assert None not in rows, "album rows still loading"
    return [album.title for album in rows]


def text_of(widget: Static) -> str:
    """The widget's text as drawn (a table of fields, a picture in half blocks)."""
    return "\n".join(strip.text for strip in widget.render_lines(widget.region.reset_offset))


async def count(app, sql: str) -> int:
    return (await app.catalog.reader.execute_fetchall(sql))[0][0]


async def test_pseudo_albums_open_the_right_items(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#albums", AlbumList)
        assert titles(table)[:5] == ["All items", "Favorites", "Not in any album", "Archived", "Trash"]
        await pilot.press("down")  # Favorites
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AlbumItemsScreen)
        favorites = await count(app, "SELECT count(*) FROM items WHERE favorite = 1")
        assert app.screen.query_one(ItemList).row_count == favorites > 0
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "enter")  # Not in any album
        await settle(pilot)
        loose = await count(
            app, "SELECT count(*) FROM items i WHERE NOT EXISTS (SELECT 1 FROM album_items a WHERE a.item_id = i.id)"
        )
        assert app.screen.query_one(ItemList).row_count == loose > 0


async def test_sort_albums_by_title_and_size(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#albums", AlbumList)
        await pilot.press("o")  # by title
        await settle(pilot)
        real = titles(table)[5:]
        assert real == sorted(real, key=str.casefold)
        await pilot.press("o")  # by size
        await settle(pilot)
        sizes = [table.row_at(i).items for i in range(5, table.row_count)]
        assert sizes == sorted(sizes, reverse=True)
        assert "sorted by size" in text_of(app.screen.query_one("#album-summary", Static))


async def test_item_detail_shows_fields_sources_preview_and_link(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await settle(pilot)
        await pilot.press("2", "enter")  # All items
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        row = items.row_at(0)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ItemDetailScreen)
        await wait_until(lambda: "▀" in text_of(app.screen.query_one(Preview)))  # decoded in a worker
        fields = text_of(app.screen.query_one("#field-text", Static))
        assert row.filename in fields
        assert "Seen by" in fields and "demo:" in fields
        assert "photos.google.com" in fields
        assert re.search(r"ISO\s+\d", fields) and not re.search(r"ISO\s+ISO", fields)  # the label names the number
        assert "▀" in text_of(app.screen.query_one(Preview))
        await pilot.press("o")
        assert "█" in text_of(app.screen.query_one("#qr", Static))
        await pilot.press("c")  # OSC 52 copy: no error
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AlbumItemsScreen)


async def test_preview_of_a_library_only_item_comes_from_a_fresh_google_thumbnail(tmp_path):
    """No local copy, no demo renderer: the picture is fetched through a batchGet base URL."""
    from tests.ui.test_google_jobs import wait_for_jobs

    app = make_app(tmp_path / "demo.sqlite", demo_size=60, start_demo=False)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        await pilot.press("g")  # Library API sync from the demo's loopback fake: library sources only
        await wait_for_jobs(pilot)
        await pilot.press("2")
        await settle(pilot)  # the albums are read in a worker: Enter before they are shown opens nothing
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ItemDetailScreen)
        await wait_until(lambda: "▀" in text_of(app.screen.query_one(Preview)))
        assert "▀" in text_of(app.screen.query_one(Preview)), text_of(app.screen.query_one(Preview))
