"""Photos Picker API client: the official way to reach a user's existing photos since March 2025.

Flow: ``create_session`` -> show ``pickerUri`` (URL and QR code) -> ``wait_until_picked``
polls ``sessions.get`` at the server's ``pollInterval`` until ``mediaItemsSet``
(or ``timeoutIn`` runs out) -> page ``list_picked_page`` -> fetch the bytes
within 60 minutes -> ``delete_session``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

from gphotos_tui.google.errors import PickerTimeout
from gphotos_tui.google.library import Page, ThreadedCalls, iter_pages
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.tokens import TokenSource
from gphotos_tui.google.transport import ApiCaller, RetryPolicy

PICKED_PAGE_SIZE = 100
DEFAULT_POLL_S = 5.0


def parse_duration(text: str | None, default: float) -> float:
    """A protobuf Duration string ("3.5s") in seconds."""
    if not text:
        return default
    try:
        return float(text.removesuffix("s"))
    except ValueError:
        return default


class PickerClient:
    def __init__(
        self,
        tokens: TokenSource,
        *,
        root: str | None = None,
        usage: UsageMeter | None = None,
        policy: RetryPolicy | None = None,
        **caller_options: Any,
    ) -> None:
        self.caller = ApiCaller(
            "photospicker_v1", tokens, api="picker", root=root, usage=usage, policy=policy, **caller_options
        )

    def create_session(self, max_items: int | None = None) -> dict[str, Any]:
        body = {"pickingConfig": {"maxItemCount": str(max_items)}} if max_items else {}
        return self.caller.call("sessions.create", lambda s: s.sessions().create(body=body))

    def get_session(self, session_id: str) -> dict[str, Any]:
        return self.caller.call("sessions.get", lambda s: s.sessions().get(sessionId=session_id))

    def delete_session(self, session_id: str) -> None:
        self.caller.call("sessions.delete", lambda s: s.sessions().delete(sessionId=session_id))

    def wait_until_picked(
        self,
        session: dict[str, Any],
        *,
        on_poll: Callable[[dict[str, Any]], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> dict[str, Any]:
        """Poll at the server's interval until ``mediaItemsSet``; PickerTimeout after ``timeoutIn``."""
        started = clock()
        while not session.get("mediaItemsSet"):
            polling = session.get("pollingConfig") or {}
            timeout = parse_duration(polling.get("timeoutIn"), 3600.0)
            if clock() - started >= timeout or cancelled():
                raise PickerTimeout("the picking session ended before any photos were picked; start a new one")
            sleep(parse_duration(polling.get("pollInterval"), DEFAULT_POLL_S))
            session = self.get_session(session["id"])
            if on_poll:
                on_poll(session)
        return session

    def list_picked_page(
        self, session_id: str, page_token: str | None = None, page_size: int = PICKED_PAGE_SIZE
    ) -> Page:
        params = {"sessionId": session_id, "pageSize": min(page_size, PICKED_PAGE_SIZE)}
        if page_token:
            params["pageToken"] = page_token
        body = self.caller.call(
            "mediaItems.list", lambda s: s.mediaItems().list(**params), has_page_token=bool(page_token)
        )
        return Page(body.get("mediaItems", []), body.get("nextPageToken"))

    def iter_picked(self, session_id: str) -> Iterator[Page]:
        return iter_pages(lambda token: self.list_picked_page(session_id, token))


class AsyncPicker(ThreadedCalls):
    client: PickerClient

    async def create_session(self, max_items: int | None = None) -> dict[str, Any]:
        return await self._run(self.client.create_session, max_items)

    async def delete_session(self, session_id: str) -> None:
        await self._run(self.client.delete_session, session_id)

    async def wait_until_picked(
        self, session: dict[str, Any], on_poll: Callable[[dict[str, Any]], None] | None = None
    ) -> dict[str, Any]:
        """Polls without holding a thread while sleeping (asyncio.sleep between polls)."""
        started = time.monotonic()
        while not session.get("mediaItemsSet"):
            polling = session.get("pollingConfig") or {}
            if time.monotonic() - started >= parse_duration(polling.get("timeoutIn"), 3600.0):
                raise PickerTimeout("the picking session ended before any photos were picked; start a new one")
            await asyncio.sleep(parse_duration(polling.get("pollInterval"), DEFAULT_POLL_S))
            session = await self._run(self.client.get_session, session["id"])
            if on_poll:
                on_poll(session)
        return session

    async def pages(self, session_id: str) -> AsyncIterator[Page]:
        async for page in self._pages(self.client.iter_picked(session_id)):
            yield page
