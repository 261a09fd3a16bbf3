"""Sync and pick from the Sync screen, by keyboard, against the demo's loopback fake Google."""

from __future__ import annotations

from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.modals.picker import PickerScreen, countdown

from .conftest import wait_until


async def wait_for_jobs(pilot, seen=None) -> None:
    for _ in range(600):
        await pilot.pause(0.05)
        if seen is not None:
            seen.add(type(pilot.app.screen).__name__)
        if not pilot.app.job_running:
            return
    raise AssertionError("the job did not finish")


async def count(app, sql: str) -> int:
    return (await app.catalog.reader.execute_fetchall(sql))[0][0]


async def test_sync_then_pick_in_the_demo(tmp_path):
    app = make_app(tmp_path / "demo.sqlite", demo_size=250, start_demo=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await wait_for_jobs(pilot)
        assert await count(app, "SELECT count(*) FROM items") == 250
        assert await count(app, "SELECT count(*) FROM item_sources WHERE kind = 'library'") == 250
        assert await count(app, "SELECT count(*) FROM album_items") > 0
        assert app.current_job.quota_limit == 10_000 and app.current_job.quota_used > 0
        assert any("Library API sync" in e.text and "finished" in e.text for e in app.job_log)

        seen: set[str] = set()
        await pilot.press("p")
        await wait_for_jobs(pilot, seen)
        assert "PickerScreen" in seen  # the link and QR code were shown while waiting
        assert not isinstance(app.screen, PickerScreen)  # and closed once the pick was read
        picked = await count(app, "SELECT count(*) FROM item_sources WHERE kind = 'picker'")
        assert picked == 40
        # Picked items are the same photos: merged into existing items, not duplicated.
        assert await count(app, "SELECT count(*) FROM items") == 250


async def test_not_signed_in_explains_instead_of_failing(tmp_path, monkeypatch):
    monkeypatch.delenv("GPHOTOS_TUI_ACCESS_TOKEN", raising=False)
    app = make_app(tmp_path / "catalog.sqlite")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert not app.job_running
        assert any("gphotos-tui auth" in n.message for n in app._notifications)


def test_countdown_format():
    assert countdown(3599.4) == "59:59"
    assert countdown(-5) == "0:00"


async def test_takeout_import_from_the_sync_screen(tmp_path):
    from gphotos_tui.ui.modals.paths import PathsScreen
    from gphotos_tui.ui.modals.takeout_report import TakeoutReportScreen

    app = make_app(tmp_path / "demo.sqlite", demo_size=250, start_demo=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, PathsScreen)
        await pilot.press("enter")  # the demo suggests a Takeout it writes on this machine
        await wait_for_jobs(pilot)
        assert app.takeout_report is not None and app.takeout_report.items > 200
        assert await count(app, "SELECT count(*) FROM item_sources WHERE kind = 'takeout'") == app.takeout_report.items
        assert await count(app, "SELECT count(*) FROM albums WHERE kind = 'takeout'") > 0
        assert any("Google Takeout import: finished" in e.text for e in app.job_log)
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, TakeoutReportScreen)
        await pilot.press("escape")
        # The same parts again: nothing changes.
        before = await count(app, "SELECT count(*) FROM items")
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")
        await wait_for_jobs(pilot)
        assert app.takeout_report.already_imported
        assert await count(app, "SELECT count(*) FROM items") == before


async def test_backup_and_folder_scan_from_the_sync_screen(tmp_path):
    from textual.widgets import Static

    from gphotos_tui.ui.modals.paths import PathsScreen

    app = make_app(tmp_path / "demo.sqlite", demo_size=120, start_demo=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")  # import the demo Takeout first: the backup copies its originals
        await wait_for_jobs(pilot)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, PathsScreen)
        dest = tmp_path / "backup"
        field = app.screen.query_one("#paths")
        field.value = f"{dest} " + " ".join(app.takeout_parts)
        await pilot.press("enter")
        await wait_for_jobs(pilot)
        copied = [p for p in dest.rglob("*") if p.is_file() and not p.is_symlink() and "albums" not in p.parts]
        assert len(copied) >= app.takeout_report.items
        assert "Backup of originals: finished" in " ".join(e.text for e in app.job_log)
        # Scanning the backup links every file to its catalog item: the Albums screen says so.
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#paths").value = str(dest)
        await pilot.press("enter")
        await wait_for_jobs(pilot)
        await pilot.press("2")
        status = app.screen.query_one("#backup-status", Static)
        assert await wait_until(lambda: "Google items are on this machine" in str(status.render())), str(
            status.render()
        )


async def test_demo_catalog_with_google_sources_is_still_replaced_next_time(tmp_path):
    path = tmp_path / "demo.sqlite"
    app = make_app(path, demo_size=60, start_demo=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await wait_for_jobs(pilot)
    again = make_app(path, demo_size=60, start_demo=False)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.catalog is not None  # reset, not refused
        assert await count(again, "SELECT count(*) FROM items") == 0
