"""Returning to a screen recomputes nothing that has not changed (issue 15: revisits under 100 ms at 1M items)."""

from __future__ import annotations

from gphotos_tui.analysis.duplicates import incremental
from gphotos_tui.catalog import queries
from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.screens import stats as stats_screen
from gphotos_tui.ui.screens.albums import AlbumList, AlbumsScreen
from gphotos_tui.ui.screens.duplicates import DuplicatesScreen, GroupList
from tests.ui.conftest import settle


async def test_returning_to_each_screen_recomputes_nothing(catalog_file, monkeypatch):
    counted: dict[str, int] = {"recount": 0, "find_groups": 0, "stats_computed": 0}

    def forbidden(*_args, **_kwargs):
        counted["recount"] += 1
        raise AssertionError("the Albums screen counted the items instead of reading the kept summaries")

    for name in ("albums", "pseudo_albums"):
        monkeypatch.setattr(queries, name, forbidden)
    original_find = incremental.find_groups

    def find_groups(*args, **kwargs):
        counted["find_groups"] += 1
        return original_find(*args, **kwargs)

    monkeypatch.setattr(incremental, "find_groups", find_groups)
    original_load = stats_screen.load_stats

    def load_stats(*args, **kwargs):
        stats, cached = original_load(*args, **kwargs)
        counted["stats_computed"] += not cached
        return stats, cached

    monkeypatch.setattr(stats_screen, "load_stats", load_stats)

    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screens = {}
        for key in "234":  # first visits: the duplicates are grouped once (nothing was kept yet)
            await pilot.press(key)
            await settle(pilot)
            screens[key] = app.screen
        albums = screens["2"]
        assert isinstance(albums, AlbumsScreen) and albums.loads == 1
        dupes = app.screen
        assert isinstance(dupes, DuplicatesScreen)
        while dupes.hashing:  # the demo's photos hash by themselves on the first visit, then regroup
            await settle(pilot)
        await settle(pilot)
        assert dupes.query_one("#dupes-groups", GroupList).row_count > 0
        scans, first = dupes.scans, dict(counted)
        # One full grouping (nothing was kept yet); the regrouping after the hashing is incremental.
        assert first["find_groups"] >= 1 and first["recount"] == 0 and scans >= 1
        for _ in range(2):  # returns: nothing changed, nothing is recomputed
            for key in "1234":
                await pilot.press(key)
                await settle(pilot)
        assert dupes.scans == scans, "a return to an unchanged catalog regrouped the duplicates"
        # The hashing and grouping of the first Duplicates visit wrote to the catalog after Albums was
        # shown: one reread on the first return, none after that.
        assert albums.loads == 2, f"Albums read its summaries {albums.loads} times; expected 2"
        assert counted == first, f"returns recomputed: before {first}, after {counted}"
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, AlbumsScreen)
        assert app.screen.query_one("#albums", AlbumList).row_count > 5


async def test_a_reload_cancelled_half_way_is_redone_by_the_next(catalog_file, monkeypatch):
    """A newer reload cancels the running one at any await; the next must not take the catalog as
    already read (it did: the version was recorded before the list and the backup line were shown, and the
    backup line stayed empty for good on a loaded machine)."""
    import asyncio

    from textual.widgets import Static

    original_show = AlbumsScreen._show
    slow = {"first": True}

    async def show(self):
        if slow.pop("first", False):
            await asyncio.sleep(0.5)  # the first load is still showing its list when the next starts
        await original_show(self)

    monkeypatch.setattr(AlbumsScreen, "_show", show)
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await pilot.pause(0.2)
        albums = app.screen
        assert isinstance(albums, AlbumsScreen) and not slow  # the first load is inside the slow _show
        albums.refresh_data()  # what the app does when it learns the catalog changed
        await settle(pilot)
        status = str(albums.query_one("#backup-status", Static).render())
        assert status.startswith("Backup:"), f"the backup line is {status!r} after a cancelled load"
        assert albums.query_one("#albums", AlbumList).row_count > 5


async def test_returning_to_sync_reads_the_sources_only_after_a_write(catalog_file):
    """The sources table counts each source's items (seconds at 1M) on the reader every screen shares:
    a return to an unchanged catalog must not count them again."""
    from gphotos_tui.model import SourceKind
    from gphotos_tui.ui.screens.sync import SyncScreen

    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        sync = app.screen
        assert isinstance(sync, SyncScreen) and sync.source_loads >= 1
        loads = sync.source_loads
        for _ in range(2):
            for key in "21":
                await pilot.press(key)
                await settle(pilot)
        assert sync.source_loads == loads, "a return to Sync counted the sources again"
        await app.catalog.ensure_source(SourceKind.TAKEOUT, "revisit-test", "Revisit test")
        for key in "21":
            await pilot.press(key)
            await settle(pilot)
        assert sync.source_loads == loads + 1
        assert "Revisit test" in [str(sync.query_one("#sources").get_row_at(i)[0]) for i in range(len(sync._sources))]
