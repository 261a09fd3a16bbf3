"""Requests per Pacific day and API, counted locally and kept in the catalog's api_usage table.

Google publishes 10,000 Library API calls and 75,000 base-URL byte fetches
per project per day; the reset is assumed to be midnight Pacific time (not
confirmed by Google). Counting happens on the worker threads (``record``);
``flush`` writes the pending counts from the event loop so the catalog's
single writer is only used from there.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.usage import add_requests, requests_on

PACIFIC = ZoneInfo("America/Los_Angeles")

#: Daily quotas per API; the Picker's limits are per minute and too high to matter for one user.
DAILY_QUOTA: dict[str, int | None] = {"library": 10_000, "media": 75_000, "picker": None}


def pacific_day(now: datetime | None = None) -> str:
    return (now or datetime.now(PACIFIC)).astimezone(PACIFIC).strftime("%Y-%m-%d")


class UsageMeter:
    """Counts requests; ``catalog`` (optional) makes the counts persistent across runs."""

    def __init__(self, catalog: Catalog | None = None, *, clock: Callable[[], datetime] | None = None) -> None:
        self.catalog = catalog
        self._clock = clock or (lambda: datetime.now(PACIFIC))
        self._lock = threading.Lock()
        self._pending: Counter[tuple[str, str]] = Counter()
        self.session: Counter[str] = Counter()  # this process only, never reset

    def record(self, api: str, n: int = 1) -> None:
        if api not in DAILY_QUOTA:
            raise ValueError(f"unknown api {api!r}")
        with self._lock:
            self._pending[(pacific_day(self._clock()), api)] += n
            self.session[api] += n

    async def flush(self) -> None:
        if self.catalog is None:
            return
        with self._lock:
            pending, self._pending = self._pending, Counter()
        if not pending:
            return
        await add_requests(self.catalog, [(day, api, n) for (day, api), n in pending.items()])

    async def used(self, api: str) -> int:
        day = pacific_day(self._clock())
        with self._lock:
            pending = self._pending[(day, api)]
        if self.catalog is None:
            return pending  # nothing is flushed without a catalog
        return await requests_on(self.catalog.writer, day, api) + pending

    async def remaining(self, api: str) -> int | None:
        """Requests left today, or None for an API without a daily quota."""
        quota = DAILY_QUOTA[api]
        return None if quota is None else max(0, quota - await self.used(api))

    async def should_pause(self, api: str, reserve: int = 100) -> bool:
        """True when fewer than ``reserve`` requests are left today: stop before Google says 429."""
        left = await self.remaining(api)
        return left is not None and left < reserve
