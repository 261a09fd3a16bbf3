"""Leaving cleanly: signals, a vanished terminal, and the demo cache that is never a real catalog."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from gphotos_tui.catalog import Catalog, CatalogError
from gphotos_tui.demo.catalog import holds_only_demo_data, reset_demo_catalog
from gphotos_tui.model import SourceKind
from gphotos_tui.ui import lifecycle
from gphotos_tui.ui.app import make_app
from tests.ui.conftest import build_demo_catalog, settle, wait_until


async def test_sigterm_exits_the_app_and_closes_the_catalog(catalog_file):
    app = make_app(catalog_file)
    loop = asyncio.get_running_loop()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            lifecycle.install_signal_handlers(app, force_after=None)
            os.kill(os.getpid(), signal.SIGTERM)
            await wait_until(lambda: not app.is_running)
    finally:
        for sig in lifecycle.EXIT_SIGNALS:
            loop.remove_signal_handler(sig)
    assert app.return_code == 128 + signal.SIGTERM
    assert app.catalog is None


async def test_watchdog_exits_when_the_terminal_is_gone(catalog_file, monkeypatch):
    monkeypatch.setattr(lifecycle, "terminal_alive", lambda fd=None: False)
    app = make_app(catalog_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lifecycle.start_terminal_watchdog(app, every=0.05, force_after=None)
        await wait_until(lambda: not app.is_running)
    assert app.return_code == lifecycle.TERMINAL_GONE
    assert app.catalog is None


def test_terminal_alive_only_for_a_working_terminal():
    read_end, write_end = os.pipe()
    master, slave = os.openpty()
    try:
        assert not lifecycle.terminal_alive(read_end)
        assert lifecycle.terminal_alive(slave)
    finally:
        for fd in (read_end, write_end, master, slave):
            os.close(fd)
    assert not lifecycle.terminal_alive(slave)  # closed


async def test_exit_during_a_live_fill_leaves_a_consistent_resumable_catalog(tmp_path):
    db = tmp_path / "demo.sqlite"
    app = make_app(db, demo_size=1000, demo_page_delay=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(1200):
            await pilot.pause(0.05)
            if app.current_job is not None and app.current_job.items >= 100:
                break
        else:
            raise AssertionError("the demo fill did not start")
        app.exit()
    catalog = await Catalog.open(db)
    try:
        conn = catalog.reader
        (items,) = await (await conn.execute("SELECT count(*) FROM items")).fetchone()
        (token,) = await (await conn.execute("SELECT page_token FROM sync_checkpoints")).fetchone()
        states = [r[0] for r in await conn.execute_fetchall("SELECT state FROM sync_runs")]
    finally:
        await catalog.close()
    assert items == int(token) and 100 <= items < 1000  # every committed page has its checkpoint
    assert states == ["cancelled"]


async def test_demo_reset_deletes_an_old_demo_catalog(tmp_path):
    db = tmp_path / "demo.sqlite"
    await build_demo_catalog(db, 100)
    assert holds_only_demo_data(db)
    reset_demo_catalog(db)
    assert not db.exists()
    assert not db.with_name("demo.sqlite-wal").exists()


async def test_demo_refuses_to_replace_a_real_catalog(tmp_path):
    db = tmp_path / "mine.sqlite"
    catalog = await Catalog.open(db)
    await catalog.ensure_source(SourceKind.TAKEOUT, "archive-1", "My Takeout")
    await catalog.close()
    with pytest.raises(CatalogError, match="refuses to replace"):
        reset_demo_catalog(db)
    app = make_app(db, demo_size=100)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 1
    assert db.exists()


async def test_unreadable_catalog_exits_with_a_message(tmp_path):
    db = tmp_path / "not-a-catalog.sqlite"
    db.write_bytes(b"this is not sqlite" * 100)
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
    assert app.return_code == 1
