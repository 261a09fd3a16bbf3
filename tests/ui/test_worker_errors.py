"""Failing background work is shown, never left as a "loading…" forever; app jobs take the catalog lock."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from gphotos_tui.catalog import queries
from gphotos_tui.engine.lock import CatalogBusy, CatalogLock
from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.screens.album_items import AlbumItemsScreen
from gphotos_tui.ui.widgets.item_list import ItemList
from tests.ui.conftest import settle, wait_until


def error_notes(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def rendered_rows(item_list: ItemList) -> list[str]:
    return [item_list.render_line(y).text for y in range(1, 4)]


async def test_failed_item_window_shows_the_error_in_its_rows_and_notifies(catalog_file, monkeypatch):
    async def broken_window(*args, **kwargs):
        raise OSError("disk I/O error (simulated)")

    monkeypatch.setattr(queries, "item_window", broken_window)
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")  # "All items"
        await settle(pilot)
        assert isinstance(app.screen, AlbumItemsScreen)
        item_list = app.screen.query_one(ItemList)
        assert await wait_until(lambda: error_notes(app))
        await settle(pilot)
        assert any("disk I/O error (simulated)" in note for note in error_notes(app))
        rows = rendered_rows(item_list)
        assert all("could not load: OSError: disk I/O error (simulated)" in row for row in rows), rows
        assert not any("loading…" in row for row in rows)
        assert sum("disk I/O error" in note for note in error_notes(app)) == 1  # one failure, not a retry loop


async def test_failed_duplicates_scan_notifies_and_clears_grouping(catalog_file, monkeypatch):
    from gphotos_tui.ui.screens import duplicates

    async def broken_scan(*args, **kwargs):
        raise RuntimeError("scan exploded (simulated)")

    monkeypatch.setattr(duplicates, "scan", broken_scan)
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        assert await wait_until(lambda: error_notes(app))
        await settle(pilot)
        assert any("scan exploded (simulated)" in note for note in error_notes(app))
        status = str(app.screen.query_one("#dupes-status", Static).render())
        assert "grouping\u2026" not in status and "Looking for duplicates" not in status
        assert "scan exploded (simulated)" in status


async def test_failed_statistics_notify_and_clear_computing(catalog_file, monkeypatch):
    from gphotos_tui.ui.screens import stats

    def broken_stats(*args, **kwargs):
        raise RuntimeError("stats exploded (simulated)")

    monkeypatch.setattr(stats, "load_stats", broken_stats)
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        assert await wait_until(lambda: error_notes(app))
        await settle(pilot)
        assert any("stats exploded (simulated)" in note for note in error_notes(app))
        for widget_id in ("#stats-status", "#chart-text"):
            text = str(app.screen.query_one(widget_id, Static).render())
            assert "Computing" not in text, (widget_id, text)
        assert "stats exploded (simulated)" in str(app.screen.query_one("#stats-status", Static).render())


async def test_app_job_refused_while_another_run_holds_the_catalog_lock(tmp_path):
    path = tmp_path / "demo.sqlite"
    app = make_app(path, 300, start_demo=False, demo_page_delay=0.3)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        with CatalogLock(path):  # a headless sync (cron, say) is writing this catalog
            await pilot.press("s")
            await pilot.pause()
            assert not app.job_running
            assert any("another gphotos-tui run" in note for note in error_notes(app))
            assert any("another gphotos-tui run" in entry.text and entry.error for entry in app.job_log)
        await pilot.press("s")  # released: the app's job runs, and holds the lock meanwhile
        await pilot.pause()
        assert app.job_running
        with pytest.raises(CatalogBusy):
            CatalogLock(path).acquire()
        assert await wait_until(lambda: not app.job_running)
        CatalogLock(path).acquire().release()  # released when the job ended


async def test_duplicates_plan_is_written_by_a_worker_and_announced(catalog_file):
    from gphotos_tui.paths import locations

    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        folder = locations().data_dir
        assert (folder / "duplicates-plan.json").read_text(encoding="utf-8").startswith('{\n "discard"')
        assert (folder / "duplicates-plan.csv").exists()
        assert any(f"plan written to {folder}" in n.message for n in app._notifications)
