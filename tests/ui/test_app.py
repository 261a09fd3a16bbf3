"""Pilot tests: every mode driven by the keyboard on a small demo catalog."""

from __future__ import annotations

from textual.widgets import DataTable, Input, RichLog, Static

from gphotos_tui.progress import JobProgress, JobState
from gphotos_tui.ui.app import GPhotosApp, make_app
from gphotos_tui.ui.jobs import ProgressRelay
from gphotos_tui.ui.messages import JobProgressed
from gphotos_tui.ui.modals.help import HelpScreen
from gphotos_tui.ui.screens.album_items import AlbumItemsScreen
from gphotos_tui.ui.screens.albums import AlbumList, AlbumsScreen
from gphotos_tui.ui.screens.duplicates import DuplicatesScreen
from gphotos_tui.ui.screens.stats import StatsScreen
from gphotos_tui.ui.screens.sync import SyncScreen
from gphotos_tui.ui.widgets.item_list import ItemList
from gphotos_tui.ui.widgets.job_panel import JobPanel
from tests.ui.conftest import UI_CATALOG_SIZE, settle, wait_until


def album_rows(table: AlbumList) -> list:
    """Every row of the album list (the small test catalog's albums fit one window, read by now)."""
    rows = [table.row_at(i) for i in range(table.row_count)]
    assert None not in rows, "album rows still loading"
    return rows


def cell_texts(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def static_text(widget: Static) -> str:
    return str(widget.render())


async def test_opens_on_sync_with_sources_and_catalog_in_header(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert app.catalog is not None
        assert app.sub_title.endswith("catalog.sqlite")
        rows = cell_texts(app.screen.query_one("#sources", DataTable))
        assert rows == [["Demo library (synthetic)", "demo", "done", "2025-06-15 15:06", f"{UI_CATALOG_SIZE}"]]
        assert "synthetic library" in static_text(app.screen.query_one("#source-help", Static))
        panel = static_text(app.screen.query_one("#job-text", Static))
        assert f"done at 2025-06-15 15:06 UTC, {UI_CATALOG_SIZE} items in 3 pages" in panel
    assert app.catalog is None  # closed on exit


async def test_number_keys_switch_every_mode_and_q_quits(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, screen_type, title in (
            ("2", AlbumsScreen, "Albums"),
            ("3", StatsScreen, "Stats"),
            ("4", DuplicatesScreen, "Duplicates"),
            ("1", SyncScreen, "Sync"),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_type)
            assert app.screen.title == f"gphotos-tui · {title}"
        assert app.current_mode == "sync"
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_each_visit_reloads_a_mode_screen_once(catalog_file, monkeypatch):
    """Textual resumes a mode's new screen twice; at a million items a reload is seconds."""
    reloads = []
    original = AlbumsScreen.reload

    async def counted(screen):
        reloads.append(screen)
        await original(screen)

    monkeypatch.setattr(AlbumsScreen, "reload", counted)
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert len(reloads) == 1
        await pilot.press("1", "2")  # away and back: the catalog may have changed meanwhile
        await settle(pilot)
        assert len(reloads) == 2


async def test_mode_keys_are_in_view_on_every_screen_at_80x24(catalog_file):
    """The footer cut the mode keys off at 80 columns ("1 Sync 2 Alb"); the mode bar keeps them all in view."""
    from gphotos_tui.ui.widgets.mode_bar import ModeBar

    app = make_app(catalog_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, current in (("1", "1 Sync"), ("2", "2 Albums"), ("3", "3 Stats"), ("4", "4 Dupes"), ("2", "")):
            await pilot.press(key)
            await settle(pilot)
            if not current:  # into an album: the mode keys stay in view there too
                await pilot.press("enter")
                await settle(pilot)
            bar = app.screen.query_one(ModeBar)
            assert bar.region.right <= 80 and bar.region.bottom <= 24 and bar.region.height == 1
            shown = "".join(segment.text for segment in app.screen._compositor.render_strips()[bar.region.y])
            for words in ("1 Sync", "2 Albums", "3 Stats", "4 Dupes", "? Help", "q Quit"):
                assert words in shown, (type(app.screen).__name__, shown)
        await pilot.press("1")  # and they switch modes
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        bar = app.screen.query_one(ModeBar)
        shown = "".join(segment.text for segment in app.screen._compositor.render_strips()[bar.region.y])
        await pilot.click(ModeBar, offset=(shown.index("3 Stats") + 2, 0))  # or a click on one
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)


async def test_help_lists_app_and_screen_keys_and_closes(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        listed = {(k.where, k.description) for k in app.screen.keys}
        assert {("App", "Quit"), ("App", "Sync"), ("App", "Dupes"), ("App", "Help")} <= listed
        assert ("Albums", "Filter") in listed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AlbumsScreen)


async def test_command_palette_switches_mode(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Sync screen", "Albums screen", "Stats screen", "Duplicates screen"} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"albums screen")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AlbumsScreen)


async def test_albums_filter_by_typing(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#albums", AlbumList)
        everything = table.row_count
        assert everything > 3
        first = table.row_at(0)
        assert (first.title, first.items) == ("All items", UI_CATALOG_SIZE)
        assert table.render_line(1).text.split()[:3] == ["All", "items", f"{UI_CATALOG_SIZE}"]
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"family")
        await settle(pilot)
        titles = [album.title for album in album_rows(table)]
        assert titles and all("family" in t.lower() for t in titles)
        assert "match" in static_text(app.screen.query_one("#album-summary", Static))
        await pilot.press("escape")
        await settle(pilot)
        assert table.row_count == everything
        assert app.focused is table


async def test_open_album_scroll_items_and_go_back(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")  # the first row: All items
        await settle(pilot)
        assert isinstance(app.screen, AlbumItemsScreen)
        items = app.screen.query_one(ItemList)
        assert items.row_count == UI_CATALOG_SIZE
        assert items.loaded_windows == 1  # only the visible window was fetched
        first = items.row_at(0)
        await pilot.press("down", "down")
        assert items.cursor == 2
        await pilot.press("end")
        await settle(pilot)
        assert items.cursor == UI_CATALOG_SIZE - 1
        assert items.scroll_offset.y > 0
        last = items.row_at(UI_CATALOG_SIZE - 1)
        assert last is not None and first is not None
        assert (first.taken_at, first.id) < (last.taken_at, last.id)
        status = static_text(app.screen.query_one("#item-status", Static))
        assert status.startswith(f"{UI_CATALOG_SIZE} / {UI_CATALOG_SIZE}") and last.filename in status
        await pilot.press("pageup", "home")
        await settle(pilot)
        assert items.cursor == 0 and items.scroll_offset.y == 0
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AlbumsScreen)


async def test_a_real_album_lists_only_its_items(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#albums", AlbumList)
        expected = album_rows(table)[1].items
        await pilot.press("down", "enter")
        await settle(pilot)
        items = app.screen.query_one(ItemList)
        assert items.row_count == expected < UI_CATALOG_SIZE
        assert all(items.row_at(i) is not None for i in range(expected))


async def test_demo_fill_live_stop_and_resume(tmp_path):
    db = tmp_path / "demo" / "demo-catalog.sqlite"
    db.parent.mkdir()
    db.write_bytes(b"")  # an old, empty demo cache file is replaced
    size = 1000  # ten pages: room to stop in the middle even on a slow machine
    app = make_app(db, demo_size=size, demo_page_delay=1.0)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(lambda: app.current_job is not None and app.current_job.items >= 100)
        await pilot.press("x")  # stop
        assert await wait_until(lambda: app.current_job.state == "cancelled")
        stopped_at = app.current_job.items
        assert 100 <= stopped_at < size
        assert not app.job_running
        app.demo_page_delay = 0  # resume at full speed
        await pilot.press("s")  # resume from the checkpoint
        assert await wait_until(lambda: app.current_job.state == "done")
        assert app.current_job.items == size
        await settle(pilot)
        log = "\n".join(line.text for line in app.screen.query_one("#sync-log", RichLog).lines)
        assert "started" in log and "stopped at" in log and "finished" in log
        assert "done" in static_text(app.screen.query_one(JobPanel).query_one("#job-text", Static))
        count = await (await app.catalog.reader.execute("SELECT count(*) FROM items")).fetchone()
        assert count[0] == size
        runs = await app.catalog.reader.execute_fetchall("SELECT state FROM sync_runs ORDER BY id")
        assert [r[0] for r in runs] == ["cancelled", "done"]


async def test_demo_restart_key_resumes_and_start_is_disabled_while_running(tmp_path):
    app = make_app(tmp_path / "demo.sqlite", demo_size=UI_CATALOG_SIZE, demo_page_delay=2.0)
    async with app.run_test(size=(100, 30)) as pilot:
        assert await wait_until(lambda: app.current_job is not None and app.current_job.items >= 100)
        assert app.check_action("start_demo", ()) is None  # greyed out while running
        assert app.check_action("stop_job", ()) is True
        await pilot.press("r")
        assert await wait_until(lambda: app.current_job.state == "done")
        assert app.current_job.items == UI_CATALOG_SIZE
        said = [entry.text.split(": ", 1)[1].split()[0].rstrip(",:") for entry in app.job_log]
        assert said == ["started", "stopped", "started", "finished"]


async def test_progress_reports_are_coalesced_and_final_states_go_out_at_once(tmp_path):
    """A burst of 1,000 page reports reaches the UI as one message; a final state is not held back."""
    seen = []
    app = make_app(tmp_path / "c.sqlite")
    async with app.run_test(size=(100, 30), message_hook=seen.append) as pilot:
        await settle(pilot)
        relay = ProgressRelay(app, interval=0.2)
        report = JobProgress("burst", "Burst", total=1000)
        for n in range(1, 1001):
            report = report.advanced(items=n, pages=n)
            relay(report)
        await pilot.pause(0.5)
        progressed = [m.progress for m in seen if isinstance(m, JobProgressed) and m.progress.job == "burst"]
        assert [p.items for p in progressed] == [1000]
        relay(report.advanced(state=JobState.DONE))
        await pilot.pause()
        assert app.current_job.state is JobState.DONE
        relay.stop()


async def test_no_demo_keys_outside_demo_mode(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.check_action("start_demo", ()) is False
        await pilot.press("s")
        await settle(pilot)
        assert not app.job_running and app.current_job is None


def test_make_app_defaults_animations_off(monkeypatch, tmp_path):
    monkeypatch.delenv("TEXTUAL_ANIMATIONS", raising=False)
    assert make_app(tmp_path / "c.sqlite").animation_level == "none"
    assert isinstance(make_app(tmp_path / "c.sqlite"), GPhotosApp)


async def test_the_end_of_a_job_shows_on_sync_at_once_even_after_slow_reloads(tmp_path, monkeypatch):
    import gphotos_tui.ui.app as app_module

    # Every reload counts as very slow (as one queued behind a long read on the shared connection):
    # the throttle holds every later catalog-changed reload back for good...
    monkeypatch.setattr(app_module, "RELOAD_COST_FACTOR", 10_000.0)
    app = make_app(tmp_path / "demo.sqlite", demo_size=UI_CATALOG_SIZE, demo_page_delay=0.3)
    async with app.run_test(size=(100, 30)):
        assert await wait_until(lambda: app.current_job is not None and app.current_job.state == "done")
        table = app.screen.query_one("#sources", DataTable)
        # ... except the one that shows a job's end: the final state and count, not "running".
        assert await wait_until(
            lambda: "done" in str(table.get_row_at(0)) and f"{UI_CATALOG_SIZE:,}" in str(table.get_row_at(0)),
            seconds=15,
        )
