"""Fault injection for the fake Google server, changeable while it runs.

A rule fires on every ``every``-th request whose path starts with ``path``,
at most ``times`` times (None: forever). Tests use small deterministic rules
("every 3rd request gets a 429, five times") rather than random ones, so a
failure always reproduces.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = (
    "429",  # 429 RESOURCE_EXHAUSTED with a Retry-After header
    "500",  # 500 INTERNAL
    "503",  # 503 UNAVAILABLE
    "drop",  # close the connection without answering
    "malformed",  # 200 with a truncated JSON body
    "expired_page_token",  # 400 INVALID_ARGUMENT for a request that carries a page token
    "expire_token",  # every access token issued so far stops working (401 until refreshed)
    "insufficient_scope",  # 403 PERMISSION_DENIED as after Google's March 2025 change
)


@dataclass
class Rule:
    kind: str
    every: int = 1
    times: int | None = 1
    path: str = "/"
    retry_after: float = 0.01
    seen: int = 0


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[Rule] = []
        self.latency_s = 0.0  # added to every request
        self.fired: dict[str, int] = {}

    def add(
        self, kind: str, *, every: int = 1, times: int | None = 1, path: str = "/", retry_after: float = 0.01
    ) -> Rule:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose from {', '.join(KINDS)}")
        if every < 1:
            raise ValueError("every must be at least 1")
        rule = Rule(kind, every, times, path, retry_after)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self.latency_s = 0.0

    def pick(self, path: str, has_page_token: bool) -> Rule | None:
        """The rule that fires for this request, if any (each matching rule counts the request)."""
        chosen = None
        with self._lock:
            for rule in self._rules:
                if not path.startswith(rule.path) or rule.times == 0:
                    continue
                if rule.kind == "expired_page_token" and not has_page_token:
                    continue
                rule.seen += 1
                if chosen is None and rule.seen % rule.every == 0:
                    chosen = rule
                    if rule.times is not None:
                        rule.times -= 1
                    self.fired[rule.kind] = self.fired.get(rule.kind, 0) + 1
        return chosen
