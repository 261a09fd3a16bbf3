"""The app's jobs take the catalog lock like every other writer (issue 11)."""

from __future__ import annotations

import asyncio
import os

from gphotos_tui.engine.lock import CatalogLock
from gphotos_tui.progress import JobProgress, JobState
from gphotos_tui.ui.app import make_app


async def test_a_job_while_another_run_holds_the_catalog_is_refused_with_the_holder(tmp_path):
    app = make_app(tmp_path / "demo.sqlite", demo_size=50, start_demo=False)
    ran = []

    async def job(progress):
        ran.append(True)
        return JobProgress("t", "test", state=JobState.DONE)

    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        with CatalogLock(tmp_path / "demo.sqlite", "import-takeout"):
            assert app.start_job("t", "Test job", job) is None
        assert ran == []
        assert any(f"pid {os.getpid()}, import-takeout" in e.text for e in app.job_log)
        worker = app.start_job("t", "Test job", job)
        assert worker is not None
        for _ in range(100):
            await pilot.pause(0.02)
            if not app.job_running:
                break
        assert ran == [True]
        with CatalogLock(tmp_path / "demo.sqlite", "sync"):  # released when the job ended
            await asyncio.sleep(0)


def _notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_duplicate_decisions_take_the_catalog_lock_and_are_refused_while_another_run_holds_it(
    catalog_file, monkeypatch
):
    """Issue 11: the Duplicates screen's keep/delete marks are catalog writes like any other: written under
    the catalog lock, and refused (with the holder named, nothing stored) while another run holds it."""
    import sqlite3

    from gphotos_tui.engine.lock import CatalogBusy
    from gphotos_tui.ui.screens import duplicates
    from gphotos_tui.ui.screens.duplicates import DuplicatesScreen
    from tests.ui.conftest import settle

    def stored() -> list[tuple]:
        with sqlite3.connect(catalog_file) as conn:
            return conn.execute("SELECT group_key, item_id, decision FROM duplicate_decisions").fetchall()

    held_while_saving: list[bool] = []
    original = duplicates.save_decisions

    async def save_and_probe(conn, key, decisions):
        try:
            CatalogLock(catalog_file, "probe").acquire().release()
            held_while_saving.append(False)
        except CatalogBusy:
            held_while_saving.append(True)
        await original(conn, key, decisions)

    monkeypatch.setattr(duplicates, "save_decisions", save_and_probe)
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DuplicatesScreen) and screen.group is not None
        first = screen.group
        with CatalogLock(catalog_file, "import-takeout"):
            await pilot.press("a")  # accept the suggestion: refused
            await settle(pilot)
            await pilot.press("x")  # not duplicates: refused, the group stays
            await settle(pilot)
        assert stored() == [] and held_while_saving == [] and not first.decisions
        assert screen.group is not None and screen.group.key == first.key  # still listed
        refused = [n for n in _notes(app) if "duplicate decisions not saved" in n]
        assert len(refused) == 2 and f"pid {os.getpid()}, import-takeout" in refused[0], _notes(app)

        await pilot.press("a")  # nobody else holds it now: stored, under the lock
        await settle(pilot)
        assert {(k, i) for k, i, _ in stored()} == {(first.key, m.id) for m in first.members}
        assert held_while_saving == [True]
        with CatalogLock(catalog_file, "sync"):  # released after the write
            pass


async def test_the_app_checks_the_catalog_in_the_background_and_reports_damage(catalog_file):
    """Issue 11: the app runs the writers' quick_check when it opens a catalog (in a worker, so start-up does
    not wait), says clearly when the catalog is damaged and refuses jobs that would write into it; a catalog
    the app checked and closed cleanly is not checked again (the writers' ``<catalog>.checked`` stamp)."""
    import sqlite3

    from tests.ui.conftest import settle

    def checks(app) -> list:
        return [w for w in app.workers if w.group == "catalog-check"]

    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert len(checks(app)) <= 1  # (finished workers may already be gone)
        assert app.catalog_damage is None and not [n for n in _notes(app) if "damaged" in n]
    assert (catalog_file.parent / (catalog_file.name + ".checked")).exists()

    checked = []
    app = make_app(catalog_file)
    original = app._check_catalog
    app._check_catalog = lambda path: checked.append(path) or original(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
    assert checked == []  # stamped by the clean close above: nothing to check

    with sqlite3.connect(catalog_file) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    raw = bytearray(catalog_file.read_bytes())
    for n in range(pages // 2, pages - 1):  # damage the middle of the file, not its header
        raw[n * page + 8 : n * page + 400] = b"\xa5" * 392
    catalog_file.write_bytes(bytes(raw))

    ran = []

    async def job(progress):
        ran.append(True)
        return JobProgress("t", "test", state=JobState.DONE)

    app = make_app(catalog_file)
    checked.clear()
    original = app._check_catalog
    app._check_catalog = lambda path: checked.append(path) or original(path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(200):
            if app.catalog_damage is not None:
                break
            await pilot.pause(0.02)
        assert checked == [catalog_file]
        assert app.catalog_damage is not None and "damaged" in app.catalog_damage
        assert "to recover" in app.catalog_damage
        assert any("damaged" in n and "refused" in n for n in _notes(app)), "\n".join(_notes(app))
        assert app.start_job("t", "Test job", job) is None and ran == []
