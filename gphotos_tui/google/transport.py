"""Calling a discovery-built Google API from worker threads, with retries and quota counting.

Each thread gets its own ``httplib2.Http`` and service object (neither is
thread-safe). ``ApiCaller.call`` sends one method call and handles what
Google's APIs do in practice: 429 and 5xx and dropped connections are
retried under the shared ``retry.RetryPolicy`` (exponential backoff with full
jitter, never sooner than ``Retry-After``); a 401 refreshes the token once; the
errors a caller must act on become typed exceptions (see ``errors``).
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

from gphotos_tui.google import errors
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.retry import RETRY_STATUSES, Attempts, RetryPolicy, parse_retry_after
from gphotos_tui.google.threads import check_cancelled, pause
from gphotos_tui.google.tokens import TokenSource

__all__ = ["RETRY_STATUSES", "ApiCaller", "RetryPolicy", "discovery_document"]

LIBRARY_ROOT_ENV = "GPHOTOS_TUI_LIBRARY_API_ROOT"
PICKER_ROOT_ENV = "GPHOTOS_TUI_PICKER_API_ROOT"
DEFAULT_ROOTS = {
    "photoslibrary_v1": "https://photoslibrary.googleapis.com/",
    "photospicker_v1": "https://photospicker.googleapis.com/",
}
ROOT_ENVS = {"photoslibrary_v1": LIBRARY_ROOT_ENV, "photospicker_v1": PICKER_ROOT_ENV}
if TYPE_CHECKING:  # the client libraries (httplib2, googleapiclient) load with the first call, not with the app
    from googleapiclient.errors import HttpError


def transport_errors() -> tuple[type[BaseException], ...]:
    """Failures of the connection itself (retried on a fresh connection)."""
    import httplib2

    return (OSError, http.client.HTTPException, httplib2.HttpLib2Error)


def discovery_document(name: str, root: str | None = None) -> dict[str, Any]:
    """A shipped discovery document with its root URL set (env var, then Google's default)."""
    doc: dict[str, Any] = json.loads(
        resources.files("gphotos_tui.google").joinpath(f"discovery/{name}.json").read_text()
    )
    root = root or os.environ.get(ROOT_ENVS[name]) or DEFAULT_ROOTS[name]
    root = root if root.endswith("/") else root + "/"
    doc["rootUrl"] = doc["baseUrl"] = root
    return doc


class ApiCaller:
    """One API (library or picker) for any number of threads."""

    def __init__(
        self,
        name: str,
        tokens: TokenSource,
        *,
        api: str,
        root: str | None = None,
        usage: UsageMeter | None = None,
        policy: RetryPolicy | None = None,
        timeout_s: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.document = discovery_document(name, root)
        self.root: str = self.document["rootUrl"]
        self.tokens = tokens
        self.api = api
        self.usage = usage or UsageMeter()
        self.policy = policy or RetryPolicy()
        self.timeout_s = timeout_s
        self.sleep = sleep
        self.retries = 0  # for progress displays
        self._local = threading.local()

    def service(self) -> _Resources:
        local = self._local
        if getattr(local, "service", None) is None:
            import httplib2
            from googleapiclient.discovery import build_from_document

            local.http = httplib2.Http(timeout=self.timeout_s)
            local.service = _Resources(build_from_document(self.document, http=local.http))
        service: _Resources = local.service
        return service

    def call(self, method: str, build: Callable[[Any], Any], *, has_page_token: bool = False) -> dict[str, Any]:
        """Run ``build(service)`` (an HttpRequest) until it succeeds or fails for good."""
        from googleapiclient.errors import HttpError

        failed_transport = transport_errors()
        refreshed = False
        attempts = Attempts(self.policy, method, self.api)
        while True:
            check_cancelled()
            token = self.tokens.token()
            request = build(self.service())
            request.headers["authorization"] = f"Bearer {token}"
            self.usage.record(self.api)
            try:
                result = request.execute(http=self._local.http)
            except HttpError as exc:
                status, code, message = _error_fields(exc)
                if status == 401 and not refreshed:  # a static token raises its own explanation here
                    refreshed = True
                    self.tokens.refresh(stale=token)
                    continue
                final = _final_error(status, code, message, method, has_page_token)
                if final is not None:
                    raise final from None
                self._pause(attempts.status_failed(status, _retry_after(exc), f"HTTP {status} {code} {message}"))
                continue
            except failed_transport as exc:
                self._local.service = None  # start over with a fresh connection
                self._pause(attempts.connection_failed(exc))
                continue
            if not isinstance(result, dict):  # googleapiclient hands back the raw text when it is not JSON
                self._pause(attempts.malformed())
                continue
            return result

    def _pause(self, delay: float) -> None:
        self.retries += 1
        # A cancelled job's call wakes at once (threads.pause); an injected sleep (tests) is used as given.
        pause(delay, None if self.sleep is time.sleep else self.sleep)


def _final_error(status: int, code: str, message: str, method: str, has_page_token: bool) -> errors.GoogleError | None:
    """The typed error for a response that retrying cannot fix, or None when it is retryable."""
    lowered = message.lower()
    if status == 401:
        return errors.AuthError(f"{method}: Google rejected the credentials (401 {code}: {message})")
    if status == 403 and "insufficient" in lowered and "scope" in lowered:
        return errors.InsufficientScopes(status, code, message, method)
    if status == 400 and has_page_token and "token" in lowered:
        return errors.PageTokenExpired(status, code, message, method)
    if code == "FAILED_PRECONDITION":
        return errors.PickerNotReady(status, code, message, method)
    if status not in RETRY_STATUSES:
        return errors.ApiError(status, code, message, method)
    return None


def _error_fields(exc: HttpError) -> tuple[int, str, str]:
    status = int(exc.resp.status)
    try:
        error = json.loads(exc.content).get("error", {})
        if isinstance(error, dict):
            return status, str(error.get("status", "")), str(error.get("message", ""))
    except (ValueError, AttributeError):
        pass
    return status, "", exc.resp.reason or ""


def _retry_after(exc: HttpError) -> float | None:
    value = exc.resp.get("retry-after")
    return parse_retry_after(None if value is None else str(value))


class _Resources:
    """A discovery service whose collections (``s.mediaItems()``) are built once per thread.

    googleapiclient builds every method of a collection on each call, which
    cost about a millisecond per request: a tenth of a page's client time.
    """

    def __init__(self, service: Any) -> None:
        self._service = service
        self._built: dict[str, object] = {}

    def __getattr__(self, name: str) -> Callable[[], Any]:
        service, built = self._service, self._built

        def collection() -> Any:
            resource = built.get(name)
            if resource is None:
                resource = built[name] = getattr(service, name)()
            return resource

        return collection
