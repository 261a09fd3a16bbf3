"""Progress of a running job, as plain data the UI or a terminal can show."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class JobState(StrEnum):
    NEVER = "never run"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class JobProgress:
    job: str  # e.g. "library-media", "takeout", "demo"
    source_label: str
    state: JobState = JobState.RUNNING
    items: int = 0
    pages: int = 0
    total: int | None = None  # known only for some sources
    requests: int = 0
    retries: int = 0
    errors: int = 0
    started: float = field(default_factory=time.monotonic)
    message: str = ""
    quota_used: int | None = None  # requests used today against the API's daily quota
    quota_limit: int | None = None

    @property
    def elapsed(self) -> float:
        return max(1e-9, time.monotonic() - self.started)

    @property
    def rate(self) -> float:
        """Items per second since the job started."""
        return self.items / self.elapsed

    @property
    def eta(self) -> float | None:
        """Seconds left, when the total is known and work is moving."""
        if self.total is None or self.items <= 0:
            return None
        return max(0.0, (self.total - self.items) / self.rate)

    def advanced(self, **changes: Any) -> JobProgress:
        return replace(self, **changes)


ProgressCallback = Callable[[JobProgress], None]


def format_eta(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
