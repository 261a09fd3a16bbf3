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
