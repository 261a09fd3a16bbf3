"""Turns a job's plain progress callback into paced UI messages.

Jobs (the demo fill, later Google sync and Takeout import) report every page
through a ``ProgressCallback``. Posting a message per page would flood the
screen, and an SSH link, when pages are small and fast; the relay keeps
only the latest report and posts it at most ``1 / interval`` times a second.
Final states go out at once so the screen never ends on a stale figure.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.timer import Timer

from gphotos_tui.progress import JobProgress, JobState
from gphotos_tui.ui.messages import JobProgressed


class ProgressRelay:
    """A ``ProgressCallback`` for ``app``; safe to call from a worker thread."""

    def __init__(self, app: App[Any], interval: float = 0.25) -> None:
        self._app = app
        self._latest: JobProgress | None = None
        self._posted: JobProgress | None = None
        self._timer: Timer = app.set_interval(interval, self.flush, name="progress-relay")

    @property
    def latest(self) -> JobProgress | None:
        return self._latest

    def __call__(self, progress: JobProgress) -> None:
        self._latest = progress
        if progress.state is not JobState.RUNNING:
            self.flush()

    def flush(self) -> None:
        latest = self._latest
        if latest is not None and latest is not self._posted:
            self._posted = latest
            self._app.post_message(JobProgressed(latest))

    def finish(self, final: JobProgress) -> None:
        """Post the pending report, then ``final`` (e.g. cancelled), in that order."""
        self.flush()
        self._latest = self._posted = final
        self._app.post_message(JobProgressed(final))

    def stop(self) -> None:
        self._timer.stop()
