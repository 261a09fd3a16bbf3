"""SVG snapshots of the Sync and Albums modes and the help screen on a fixed catalog.

Deterministic: a prebuilt catalog whose stored times are fixed (no live fill),
no clock in the header, no blinking cursor, animations off, and every worker
finished before the picture is taken. Regenerate with
``pytest tests/ui --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from gphotos_tui.ui.app import make_app
from tests.ui.conftest import settle

SIZE = (100, 30)


def fixture_app(catalog_file):
    return make_app(catalog_file, label="fixture catalog")


async def _open_mode(pilot, *keys: str) -> None:
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def test_sync_mode(snap_compare, catalog_file):
    assert snap_compare(fixture_app(catalog_file), terminal_size=SIZE, run_before=_open_mode)


def test_albums_mode(snap_compare, catalog_file):
    assert snap_compare(fixture_app(catalog_file), terminal_size=SIZE, run_before=lambda p: _open_mode(p, "2"))


def test_albums_filtered(snap_compare, catalog_file):
    keys = ("2", "slash", *"new york")
    assert snap_compare(fixture_app(catalog_file), terminal_size=SIZE, run_before=lambda p: _open_mode(p, *keys))


def test_album_items(snap_compare, catalog_file):
    keys = ("2", "enter", "down", "down", "down")
    assert snap_compare(fixture_app(catalog_file), terminal_size=SIZE, run_before=lambda p: _open_mode(p, *keys))


def test_help(snap_compare, catalog_file):
    keys = ("question_mark",)
    assert snap_compare(fixture_app(catalog_file), terminal_size=SIZE, run_before=lambda p: _open_mode(p, *keys))


def test_sync_mode_80x24(snap_compare, catalog_file):
    assert snap_compare(fixture_app(catalog_file), terminal_size=(80, 24), run_before=_open_mode)


def test_album_items_80x24(snap_compare, catalog_file):
    keys = ("2", "enter", "end")
    assert snap_compare(fixture_app(catalog_file), terminal_size=(80, 24), run_before=lambda p: _open_mode(p, *keys))


def test_albums_mode_80x24(snap_compare, catalog_file):
    assert snap_compare(fixture_app(catalog_file), terminal_size=(80, 24), run_before=lambda p: _open_mode(p, "2"))


def test_item_detail_80x24(snap_compare, catalog_file):
    keys = ("2", "enter", "enter")
    assert snap_compare(fixture_app(catalog_file), terminal_size=(80, 24), run_before=lambda p: _open_mode(p, *keys))
