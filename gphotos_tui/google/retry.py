"""One retry policy for every call to Google: API calls (``transport``), media bytes (``media``) and
backup downloads (``backup.download``).

A call counts its failures in an ``Attempts``; each failure either returns how long to wait before the
next try (exponential backoff with full jitter, never sooner than ``Retry-After``) or raises the typed
error that ends the call: ``QuotaExhausted`` for a 429 that outlasts the budget (or a Retry-After long
enough to mean "come back tomorrow"), ``RetriesExhausted`` otherwise.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gphotos_tui.google import errors

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8  # tries per call, the first included
    base_s: float = 0.5
    cap_s: float = 32.0
    max_retry_after_s: float = 120.0  # a longer Retry-After means "come back tomorrow"

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        backoff = random.uniform(0, min(self.cap_s, self.base_s * 2**attempt))
        return max(backoff, retry_after or 0.0)


@dataclass
class Attempts:
    """The failures of one call so far. ``what`` names the call in messages; ``api`` is its quota."""

    policy: RetryPolicy
    what: str
    api: str
    failures: int = 0

    def connection_failed(self, exc: BaseException) -> float:
        """A dropped connection (or a short body): the delay before the next try, or RetriesExhausted."""
        self.failures += 1
        if self.failures >= self.policy.attempts:
            raise errors.RetriesExhausted(
                f"{self.what}: connection failed {self.failures} times ({type(exc).__name__})"
            ) from None
        return self.policy.delay(self.failures - 1)

    def status_failed(self, status: int, retry_after: float | None = None, detail: str = "") -> float:
        """A retryable HTTP status (``RETRY_STATUSES``): the delay before the next try, or the typed error."""
        self.failures += 1
        detail = detail or f"HTTP {status}"
        if status == 429 and (
            self.failures >= self.policy.attempts or (retry_after or 0) > self.policy.max_retry_after_s
        ):
            raise errors.QuotaExhausted(self.api, f"{self.what}: {detail} on {self.failures} tries") from None
        if self.failures >= self.policy.attempts:
            raise errors.RetriesExhausted(f"{self.what}: {detail} after {self.failures} tries") from None
        return self.policy.delay(self.failures - 1, retry_after)

    def malformed(self) -> float:
        """A response that is not what the API returns (not JSON): retried like a transient failure."""
        self.failures += 1
        if self.failures >= self.policy.attempts:
            raise errors.MalformedResponse(f"{self.what}: the response was not JSON after {self.failures} tries")
        return self.policy.delay(self.failures - 1)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header; None when absent or an HTTP date (our own backoff then)."""
    try:
        return float(value) if value else None
    except ValueError:
        return None
