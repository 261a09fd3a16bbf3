"""Snapshots of the Stats and Duplicates modes (their screens are owned by other helpers;
the lead regenerates these at integration with ``pytest tests/ui/test_snapshots_analysis.py --snapshot-update``)."""

from __future__ import annotations

from gphotos_tui.ui.app import make_app
from tests.ui.conftest import settle

SIZE = (100, 30)


async def _open_mode(pilot, key: str) -> None:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


def test_stats_mode(snap_compare, catalog_file):
    app = make_app(catalog_file, label="fixture catalog")
    assert snap_compare(app, terminal_size=SIZE, run_before=lambda p: _open_mode(p, "3"))


def test_duplicates_mode(snap_compare, catalog_file):
    app = make_app(catalog_file, label="fixture catalog")
    assert snap_compare(app, terminal_size=SIZE, run_before=lambda p: _open_mode(p, "4"))


def test_stats_mode_80x24(snap_compare, catalog_file):
    app = make_app(catalog_file, label="fixture catalog")
    assert snap_compare(app, terminal_size=(80, 24), run_before=lambda p: _open_mode(p, "3"))


def test_duplicates_mode_80x24(snap_compare, catalog_file):
    app = make_app(catalog_file, label="fixture catalog")
    assert snap_compare(app, terminal_size=(80, 24), run_before=lambda p: _open_mode(p, "4"))
