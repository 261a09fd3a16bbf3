"""Photos Library API client (app-created items and albums only, since March 2025).

Blocking methods for worker threads; ``AsyncLibrary`` runs them with
``asyncio.to_thread`` so an event loop never waits on the network. Listing
is page by page (``Page``) so callers can checkpoint ``next_page_token``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ParamSpec, Protocol, TypeVar

from gphotos_tui.google.errors import PageTokenExpired, PageTokensKeepExpiring
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.threads import run_cancellable
from gphotos_tui.google.tokens import TokenSource
from gphotos_tui.google.transport import ApiCaller, RetryPolicy

MEDIA_PAGE_SIZE = 100  # documented maximum for mediaItems.list and search
ALBUM_PAGE_SIZE = 50
BATCH_LIMIT = 50  # batchGet and batchAddMediaItems
OLDEST_FIRST = "MediaMetadata.creation_time"
NEWEST_FIRST = "MediaMetadata.creation_time desc"


MAX_TOKEN_RESTARTS = 3  # restarts of one listing after expired page tokens; each restart lists it again


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_page_token: str | None


@dataclass(frozen=True)
class DateRange:
    """Inclusive capture-date range (the photographer's local date), as ``dateFilter.ranges`` takes it."""

    start: date
    end: date

    def body(self) -> dict[str, Any]:
        return {"startDate": _date(self.start), "endDate": _date(self.end)}


def split_dates(start: date, end: date, parts: int) -> list[DateRange]:
    """``parts`` contiguous, non-overlapping inclusive ranges covering ``start``..``end`` (parallel shards)."""
    if end < start or parts < 1:
        raise ValueError("need start <= end and at least one part")
    days = (end - start).days + 1
    parts = min(parts, days)
    bounds = [start + timedelta(days=days * i // parts) for i in range(parts + 1)]
    return [DateRange(bounds[i], bounds[i + 1] - timedelta(days=1)) for i in range(parts)]


def _date(d: date) -> dict[str, Any]:
    return {"year": d.year, "month": d.month, "day": d.day}


class LibraryClient:
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
            "photoslibrary_v1", tokens, api="library", root=root, usage=usage, policy=policy, **caller_options
        )

    # -- media items ---------------------------------------------------------------

    def list_media_page(self, page_token: str | None = None, page_size: int = MEDIA_PAGE_SIZE) -> Page:
        params = {"pageSize": min(page_size, MEDIA_PAGE_SIZE)} | ({"pageToken": page_token} if page_token else {})
        body = self.caller.call(
            "mediaItems.list", lambda s: s.mediaItems().list(**params), has_page_token=bool(page_token)
        )
        return Page(body.get("mediaItems", []), body.get("nextPageToken"))

    def search_page(
        self,
        *,
        ranges: list[DateRange] | None = None,
        dates: list[dict[str, Any]] | None = None,
        album_id: str | None = None,
        order_by: str | None = None,
        page_token: str | None = None,
        page_size: int = MEDIA_PAGE_SIZE,
    ) -> Page:
        body = search_body(ranges=ranges, dates=dates, album_id=album_id, order_by=order_by)
        body["pageSize"] = min(page_size, MEDIA_PAGE_SIZE)
        if page_token:
            body["pageToken"] = page_token
        result = self.caller.call(
            "mediaItems.search", lambda s: s.mediaItems().search(body=body), has_page_token=bool(page_token)
        )
        return Page(result.get("mediaItems", []), result.get("nextPageToken"))

    def get_media(self, media_id: str) -> dict[str, Any]:
        return self.caller.call("mediaItems.get", lambda s: s.mediaItems().get(mediaItemId=media_id))

    def batch_get(self, media_ids: list[str]) -> list[dict[str, Any]]:
        """``mediaItemResults`` for up to 50 unique ids, in request order (refreshes expired base URLs)."""
        if not 1 <= len(media_ids) <= BATCH_LIMIT or len(set(media_ids)) != len(media_ids):
            raise ValueError(f"batch_get takes 1 to {BATCH_LIMIT} unique ids, got {len(media_ids)}")
        body = self.caller.call("mediaItems.batchGet", lambda s: s.mediaItems().batchGet(mediaItemIds=list(media_ids)))
        results: list[dict[str, Any]] = body.get("mediaItemResults", [])
        return results

    # -- albums ----------------------------------------------------------------------

    def list_albums_page(self, page_token: str | None = None, page_size: int = ALBUM_PAGE_SIZE) -> Page:
        params = {"pageSize": min(page_size, ALBUM_PAGE_SIZE)} | ({"pageToken": page_token} if page_token else {})
        body = self.caller.call("albums.list", lambda s: s.albums().list(**params), has_page_token=bool(page_token))
        return Page(body.get("albums", []), body.get("nextPageToken"))

    def get_album(self, album_id: str) -> dict[str, Any]:
        return self.caller.call("albums.get", lambda s: s.albums().get(albumId=album_id))

    def create_album(self, title: str) -> dict[str, Any]:
        """Needs the photoslibrary.appendonly scope (ask for it only when the user wants a review album)."""
        if not 1 <= len(title.strip()) <= 500:
            raise ValueError("an album title must be 1 to 500 characters")
        return self.caller.call("albums.create", lambda s: s.albums().create(body={"album": {"title": title.strip()}}))

    def add_to_album(self, album_id: str, media_ids: list[str]) -> int:
        """Add items in calls of at most 50 ids; returns how many calls were made."""
        calls = 0
        for start in range(0, len(media_ids), BATCH_LIMIT):
            chunk = media_ids[start : start + BATCH_LIMIT]
            self.caller.call("albums.batchAddMediaItems", _add_items(album_id, chunk))
            calls += 1
        return calls

    # -- whole listings ----------------------------------------------------------------

    def iter_media(self, **search: Any) -> Iterator[Page]:
        """Every page of mediaItems.list (no arguments) or of a search (``search_page`` arguments)."""
        if not search:
            return iter_pages(self.list_media_page)
        return iter_pages(lambda token: self.search_page(page_token=token, **search))

    def iter_albums(self) -> Iterator[Page]:
        return iter_pages(self.list_albums_page)


def _add_items(album_id: str, media_ids: list[str]) -> Callable[[Any], Any]:
    return lambda s: s.albums().batchAddMediaItems(albumId=album_id, body={"mediaItemIds": media_ids})


def search_body(
    *,
    ranges: Sequence[DateRange] | None = None,
    dates: Sequence[dict[str, Any]] | None = None,
    album_id: str | None = None,
    order_by: str | None = None,
) -> dict[str, Any]:
    if album_id and (ranges or dates):
        raise ValueError("Google does not allow an album and a date filter in one search")
    if order_by and not (ranges or dates):
        raise ValueError("orderBy needs a date filter")
    if len(ranges or ()) > 5 or len(dates or ()) > 5:
        raise ValueError("a date filter takes at most 5 ranges and 5 dates")
    body: dict[str, Any] = {}
    if album_id:
        body["albumId"] = album_id
    if ranges or dates:
        date_filter = {}
        if ranges:
            date_filter["ranges"] = [r.body() for r in ranges]
        if dates:
            date_filter["dates"] = list(dates)
        body["filters"] = {"dateFilter": date_filter}
    if order_by:
        body["orderBy"] = order_by
    return body


def iter_pages(
    fetch: Callable[[str | None], Page],
    start_token: str | None = None,
    restart_on_expired: bool = True,
    key: str = "id",
) -> Iterator[Page]:
    """Follow ``nextPageToken`` to the end (it is the only reliable end marker; pages may be empty).

    When Google rejects a page token, the listing restarts from the first
    page and items already yielded are skipped, so nothing is lost or doubled.
    With ``restart_on_expired=False`` the ``PageTokenExpired`` is raised for
    the caller (e.g. a sync engine that checkpoints tokens) to act on.
    """
    seen: set[str | None] = set()
    token = start_token
    restarts = 0
    while True:
        try:
            page = fetch(token)
        except PageTokenExpired as exc:
            if not restart_on_expired or token is None:
                raise
            restarts += 1
            if restarts > MAX_TOKEN_RESTARTS:
                raise PageTokensKeepExpiring(
                    f"Google rejected this listing's page tokens {restarts} times ({exc}); stopped instead of "
                    "listing it again and again; try again later"
                ) from None
            token = None
            continue
        fresh = [item for item in page.items if item.get(key) not in seen]
        seen.update(item.get(key) for item in fresh)
        yield Page(fresh, page.next_page_token)
        if not page.next_page_token:
            return
        token = page.next_page_token


_P = ParamSpec("_P")
_T = TypeVar("_T")


class _HasCaller(Protocol):
    caller: ApiCaller


class ThreadedCalls:
    """A blocking client's calls for an event loop: each runs in a worker thread, then usage is flushed."""

    client: _HasCaller

    def __init__(self, client: _HasCaller) -> None:
        self.client = client

    async def _run(self, fn: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return await run_cancellable(fn, *args, **kwargs)
        finally:
            await self.client.caller.usage.flush()

    async def _pages(self, iterator: Iterator[Page]) -> AsyncIterator[Page]:
        """Each page of a blocking page iterator, fetched in a thread."""
        while True:
            page = await self._run(next, iterator, None)
            if page is None:
                return
            yield page


class AsyncLibrary(ThreadedCalls):
    client: LibraryClient

    async def list_media_page(self, page_token: str | None = None, page_size: int = MEDIA_PAGE_SIZE) -> Page:
        return await self._run(self.client.list_media_page, page_token, page_size)

    async def search_page(self, **kwargs: Any) -> Page:
        return await self._run(self.client.search_page, **kwargs)

    async def get_media(self, media_id: str) -> dict[str, Any]:
        return await self._run(self.client.get_media, media_id)

    async def batch_get(self, media_ids: list[str]) -> list[dict[str, Any]]:
        return await self._run(self.client.batch_get, media_ids)

    async def list_albums_page(self, page_token: str | None = None, page_size: int = ALBUM_PAGE_SIZE) -> Page:
        return await self._run(self.client.list_albums_page, page_token, page_size)

    async def get_album(self, album_id: str) -> dict[str, Any]:
        return await self._run(self.client.get_album, album_id)

    async def create_album(self, title: str) -> dict[str, Any]:
        return await self._run(self.client.create_album, title)

    async def add_to_album(self, album_id: str, media_ids: list[str]) -> int:
        return await self._run(self.client.add_to_album, album_id, media_ids)

    async def pages(self, **search: Any) -> AsyncIterator[Page]:
        """Async version of ``iter_media``: each page is fetched in a thread."""
        async for page in self._pages(self.client.iter_media(**search)):
            yield page


async def fresh_base_urls(library: AsyncLibrary, ids: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(id -> base URL, id -> why not) from batchGet, ≤50 ids per call.

    Base URLs expire after 60 minutes, so they are never stored: callers ask just before fetching.
    """
    urls: dict[str, str] = {}
    missing: dict[str, str] = {}
    for start in range(0, len(ids), BATCH_LIMIT):
        chunk = ids[start : start + BATCH_LIMIT]
        results = await library.batch_get(chunk)
        for media_id, result in zip(chunk, results):
            item = result.get("mediaItem") or {}
            if item.get("baseUrl"):
                urls[media_id] = item["baseUrl"]
            else:
                missing[media_id] = (result.get("status") or {}).get("message") or "no base URL returned"
    return urls, missing
