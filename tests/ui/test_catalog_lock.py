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
