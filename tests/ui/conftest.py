"""Fixtures for the Pilot and snapshot tests: one small demo catalog, built once."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerError

from gphotos_tui.catalog import Catalog, store
from gphotos_tui.demo.job import fill_demo

UI_CATALOG_SIZE = 300
FIXED_NOW = 1_750_000_000  # 2025-06-15 15:06:40 UTC: "last run" times never depend on the clock


async def build_demo_catalog(path: Path, size: int) -> None:
    catalog = await Catalog.open(path)
    try:
        await fill_demo(catalog, size, 42, page_size=100)
    finally:
        await catalog.close()


def build_fixed_demo_catalog(path: Path, size: int) -> Path:
    """A demo catalog whose stored times are all FIXED_NOW, so screens render the same every run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store, "_now", lambda: FIXED_NOW)
        asyncio.run(build_demo_catalog(path, size))
    return path


@pytest.fixture(scope="session")
def prebuilt_catalog(tmp_path_factory) -> Path:
    return build_fixed_demo_catalog(tmp_path_factory.mktemp("ui-catalog") / "catalog.sqlite", UI_CATALOG_SIZE)


@pytest.fixture
def catalog_file(prebuilt_catalog: Path, tmp_path: Path) -> Path:
    """A private copy of the prebuilt catalog (the app may write to it)."""
    path = tmp_path / "catalog.sqlite"
    shutil.copy(prebuilt_catalog, path)
    return path


async def settle(pilot: Pilot) -> None:
    """Wait until no worker runs (reloads, item windows) and the screen has repainted."""
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        busy = [w for w in app.workers if not w.is_finished and w.group != "sync"]
        if not busy:
            break
        try:
            await app.workers.wait_for_complete(busy)
        except WorkerError:
            pass
    await pilot.pause()


async def wait_until(condition, seconds: float = 30.0) -> bool:
    """Pause until ``condition()`` holds; False after ``seconds``.

    Generous on purpose: a loaded CI machine can take many times longer than a desk, and a
    condition that holds returns at once."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.05)  # not pilot.pause(): the condition may be that the app has exited
    return True
