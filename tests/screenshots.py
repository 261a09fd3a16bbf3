"""Regenerate screenshots/*.svg and the HTML report's PNGs from a demo library: ``python -m tests.screenshots``.

Deterministic: a 2,000-item demo library (seed 42) written with a fixed
clock, drawn at 120x36 (one at 80x24) with no live job, no cursor blink and no animation.
The report (``gphotos-tui report``) is rendered by headless Chromium, offline,
at a desktop and a phone width (skipped, saying so, without Chromium).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from unittest import mock

SIZE = (120, 36)
LIBRARY_SIZE = 2000
FIXED_NOW = 1_750_000_000  # 2025-06-15 15:06:40 UTC
OUT = Path(__file__).resolve().parent.parent / "screenshots"

#: screenshot name -> keys pressed from the Sync screen
SHOTS: dict[str, tuple[str, ...]] = {
    "sync": (),
    "albums": ("2",),
    "album-items": ("2", "down", "down", "down", "enter", "down", "down"),
    "stats": ("3",),
    "duplicates": ("4",),
    "help": ("2", "question_mark"),
    "item-detail": ("2", "down", "down", "down", "enter", "down", "down", "enter"),
    "duplicates-80x24": ("4",),
}
#: shots taken at another size than SIZE (an 80x24 terminal over SSH keeps the mode keys in view)
SIZES: dict[str, tuple[int, int]] = {"duplicates-80x24": (80, 24)}


async def build_library(path: Path) -> None:
    from gphotos_tui.catalog import Catalog, store
    from gphotos_tui.demo.job import fill_demo

    with mock.patch.object(store, "_now", lambda: FIXED_NOW):
        catalog = await Catalog.open(path)
        try:
            await fill_demo(catalog, LIBRARY_SIZE, 42, page_size=500)
        finally:
            await catalog.close()


async def settle(pilot) -> None:
    from textual.worker import WorkerError

    for _ in range(50):
        await pilot.pause()
        busy = [w for w in pilot.app.workers if not w.is_finished]
        if not busy:
            break
        try:
            await pilot.app.workers.wait_for_complete(busy)
        except WorkerError:
            pass
    await pilot.pause()


async def shoot(db: Path, name: str, keys: tuple[str, ...]) -> Path:
    from gphotos_tui.ui.app import make_app

    app = make_app(db, label="demo")
    async with app.run_test(size=SIZES.get(name, SIZE)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        return Path(app.save_screenshot(f"{name}.svg", str(OUT)))


async def main() -> int:
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GPHOTOS_TUI_HOME"] = tmp  # never the user's own directories
        db = Path(tmp) / "screenshots.sqlite"
        await build_library(db)
        for name, keys in SHOTS.items():
            print(await shoot(db, name, keys))
        for path in await shoot_report(db, Path(tmp)):
            print(path)
    return 0


#: report screenshot name -> browser window (width, height)
REPORT_SHOTS = {"report": (1280, 1700), "report-phone": (412, 1500)}


async def shoot_report(db: Path, tmp: Path) -> list[Path]:
    from gphotos_tui.analysis.stats_filters import Filters
    from gphotos_tui.report import gather, render_report
    from tests.unit.test_report_browser import chromium

    browser = chromium()
    if browser is None:
        print("Chromium not found: the report's screenshots are not regenerated", file=sys.stderr)
        return []
    stats, yearly = await gather(db, Filters())
    page = tmp / "report.html"
    page.write_text(render_report(stats, yearly, Filters(), generated=date(2025, 6, 15)), "utf-8")
    return await asyncio.to_thread(_browser_shots, browser, page, tmp)


def _browser_shots(browser: str, page: Path, tmp: Path) -> list[Path]:
    from tests.unit.test_report_browser import OFFLINE_FLAGS

    shots = []
    for name, (width, height) in REPORT_SHOTS.items():
        target = OUT / f"{name}.png"
        subprocess.run(
            [
                browser,
                *OFFLINE_FLAGS,
                f"--user-data-dir={tmp / 'chromium'}",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--screenshot={target}",
                page.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            env={**os.environ, "HOME": str(tmp)},
            check=True,
        )
        shots.append(target)
    return shots


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
