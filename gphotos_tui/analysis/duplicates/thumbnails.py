"""Hash bytes for photos with no local copy: small thumbnails through Google base URLs.

Library API items get fresh base URLs from ``mediaItems.batchGet`` (at most
50 ids per call; base URLs last 60 minutes, so each batch asks just before
fetching), then ``=w256-h256`` thumbnails through ``MediaDownloader``
(bounded concurrency, retries on 429/5xx, every fetch counted in the daily
"media" quota). When the quota is spent the provider stops fetching and
says why; hashes already made are stored as usual, so the next run goes on
from there. Picker items are skipped: the catalog keeps no base URL for
them, and a Picker base URL only works while its picking session lasts.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiosqlite

from gphotos_tui.analysis.duplicates.hashing import HashJob
from gphotos_tui.analysis.duplicates.providers import BytesLoader
from gphotos_tui.google import errors
from gphotos_tui.google.library import AsyncLibrary, fresh_base_urls
from gphotos_tui.google.media import MediaDownloader, sized
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.tokens import TokenSource
from gphotos_tui.google.transport import RetryPolicy
from gphotos_tui.paths import locations, private_dir

THUMB_SIDE = 256  # plenty for a 32x32 pHash, a few kB per photo
QUOTA_STOP = (
    "the daily media quota is nearly spent; the hashes made so far are kept — "
    "run again after midnight Pacific time to fetch the rest"
)


@dataclass(slots=True)
class ThumbnailReport:
    fetched: int = 0
    requested: int = 0  # photos asked of Google (batchGet), this run
    skipped: Counter[str] = field(default_factory=Counter)  # photos with no fetchable source, by source kind
    errors: list[str] = field(default_factory=list)
    left: int = 0  # photos not fetched because fetching stopped
    stopped: str | None = None  # why fetching stopped early (quota, sign-in)

    def one_line(self) -> str:
        text = f"thumbnails: {self.fetched:,} fetched of {self.requested:,} asked"
        if self.skipped["picker"]:
            text += (
                f"; {self.skipped['picker']:,} Picker photos skipped (their base URLs expire with the picking "
                "session and are not kept: give a local copy or Takeout to hash them)"
            )
        others = sum(n for kind, n in self.skipped.items() if kind != "picker")
        if others:
            text += f"; {others:,} photos have no local bytes and no Library API source"
        if self.errors:
            text += f"; {len(self.errors):,} failed"
        if self.stopped:
            text += f"; STOPPED with {self.left:,} left: {self.stopped}"
        return text


class ThumbnailProvider:
    """A ``ByteProvider`` that fetches thumbnails of Library API items; use as an async context manager."""

    origin = "thumbnail"

    def __init__(
        self,
        library: AsyncLibrary,
        tokens: TokenSource,
        usage: UsageMeter,
        *,
        concurrency: int = 4,
        policy: RetryPolicy | None = None,
        side: int = THUMB_SIDE,
    ) -> None:
        self.library = library
        self.usage = usage
        self.side = side
        self.report = ThumbnailReport()
        self._limit = asyncio.Semaphore(max(1, concurrency))
        self._downloader = MediaDownloader(tokens, usage=usage, concurrency=max(1, concurrency), policy=policy)
        # Scratch files for the downloader (it streams to disk) stay inside the app's cache dir.
        self._tmp = tempfile.TemporaryDirectory(prefix="thumbs-", dir=private_dir(locations().cache_dir))
        self._seq = 0

    async def __aenter__(self) -> ThumbnailProvider:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._downloader.aclose()  # also writes the request counts to the catalog
        self._tmp.cleanup()

    @property
    def retries(self) -> int:
        return self._downloader.retries

    async def jobs(self, conn: aiosqlite.Connection, wanted: Sequence[tuple[int, str, str]]) -> list[HashJob]:
        item_of: dict[str, int] = {}  # Library media id -> item id
        kinds: dict[int, set[str]] = {}
        for item_id, kind, external_id in wanted:
            kinds.setdefault(item_id, set()).add(kind)
            if kind == "library":
                item_of.setdefault(external_id, item_id)
        for seen in kinds.values():
            if "library" not in seen:
                self.report.skipped["picker" if "picker" in seen else sorted(seen)[0]] += 1
        if item_of and not self.report.stopped and await self.usage.should_pause("media", reserve=len(item_of)):
            self.report.stopped = QUOTA_STOP
        if not item_of or self.report.stopped:
            self.report.left += len(item_of)
            return []
        try:
            jobs = await self._fetch_all(item_of)
        finally:
            await self.usage.flush()
        return jobs

    async def _fetch_all(self, item_of: dict[str, int]) -> list[HashJob]:
        self.report.requested += len(item_of)
        try:
            urls, missing = await fresh_base_urls(self.library, list(item_of))
        except errors.GoogleError as exc:  # quota, sign-in, scopes, Google down: no base URLs this run
            self._stop(exc)
            self.report.left += len(item_of)
            return []
        self.report.errors += [f"{media_id}: no base URL ({why})" for media_id, why in missing.items()]
        ids = list(urls)
        results = await asyncio.gather(
            *(self._one(media_id, urls[media_id]) for media_id in ids), return_exceptions=True
        )
        jobs = []
        for media_id, result in zip(ids, results):
            if isinstance(result, bytes):
                self.report.fetched += 1
                jobs.append(HashJob(item_of[media_id], BytesLoader(result)))
            elif isinstance(result, (errors.QuotaExhausted, errors.AuthError)):
                self.report.left += 1
            elif isinstance(result, Exception):
                self.report.errors.append(f"{media_id}: {result}")
            elif result is None:
                self.report.left += 1
            else:  # CancelledError and the like
                raise result
        return jobs

    def _stop(self, exc: errors.GoogleError) -> None:
        if not self.report.stopped:
            media_quota = isinstance(exc, errors.QuotaExhausted) and exc.api == "media"
            self.report.stopped = QUOTA_STOP if media_quota else str(exc)  # e.g. the Library quota (batchGet)

    async def _one(self, media_id: str, base_url: str) -> bytes | None:
        """The thumbnail's bytes; None when fetching stopped before its turn came."""
        async with self._limit:
            if self.report.stopped:
                return None
            self._seq += 1
            dest = Path(self._tmp.name) / f"{self._seq}.jpg"  # media ids are not promised to be file-safe
            try:
                await self._downloader.fetch(sized(base_url, self.side, self.side), dest)
            except (errors.QuotaExhausted, errors.AuthError) as exc:
                self._stop(exc)  # at once: the fetches still waiting for their turn do not start
                raise
            except errors.ApiError as exc:
                if exc.http_status != 403:
                    raise
                urls, missing = await fresh_base_urls(self.library, [media_id])  # expired since batchGet: once more
                if media_id not in urls:
                    raise RuntimeError(f"base URL expired and no fresh one: {missing.get(media_id)}") from None
                await self._downloader.fetch(sized(urls[media_id], self.side, self.side), dest)
            try:
                return dest.read_bytes()
            finally:
                dest.unlink(missing_ok=True)
