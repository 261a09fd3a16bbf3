"""Media bytes from base URLs: httpx.AsyncClient, bearer token, bounded concurrency, streamed to disk.

Each file is written to ``<name>.part`` and renamed when complete, so a
crash never leaves a truncated file under the final name. Every fetch counts
against the 75,000 per day "media" quota.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

from gphotos_tui.google import errors
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.retry import RETRY_STATUSES, Attempts, RetryPolicy, parse_retry_after
from gphotos_tui.google.tokens import TokenSource


def sized(base_url: str, width: int, height: int) -> str:
    """Scaled to fit ``width`` x ``height`` (re-encoded, EXIF dropped)."""
    return f"{base_url}=w{int(width)}-h{int(height)}"


def download_url(base_url: str, video: bool) -> str:
    """``=dv`` for videos (transcoded), ``=d`` for images (EXIF kept except location)."""
    return f"{base_url}={'dv' if video else 'd'}"


@dataclass(frozen=True)
class Fetched:
    url: str
    path: Path
    size: int


class MediaDownloader:
    def __init__(
        self,
        tokens: TokenSource,
        *,
        usage: UsageMeter | None = None,
        concurrency: int = 4,
        policy: RetryPolicy | None = None,
        timeout_s: float = 60.0,
        chunk: int = 65536,
    ) -> None:
        self.tokens = tokens
        self.usage = usage or UsageMeter()
        self.policy = policy or RetryPolicy()
        import httpx  # here: the app's Duplicates screen imports this module for its thumbnails

        self._limit = asyncio.Semaphore(concurrency)
        self._transport_error = httpx.TransportError
        self._client = httpx.AsyncClient(timeout=timeout_s, follow_redirects=True)
        self._chunk = chunk
        self.retries = 0

    async def __aenter__(self) -> MediaDownloader:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()
        await self.usage.flush()

    async def fetch(self, url: str, dest: Path) -> Fetched:
        """Download ``url`` (a base URL with its parameters) to ``dest``."""
        async with self._limit:
            return await self._fetch(url, Path(dest))

    async def fetch_all(self, jobs: list[tuple[str, Path]]) -> list[Fetched | BaseException]:
        """Download many; a failure is returned in its slot rather than stopping the others."""
        return await asyncio.gather(*(self.fetch(u, d) for u, d in jobs), return_exceptions=True)

    async def _fetch(self, url: str, dest: Path) -> Fetched:
        refreshed = False
        attempts = Attempts(self.policy, "download", "media")
        part = dest.with_name(dest.name + ".part")
        dest.parent.mkdir(parents=True, exist_ok=True)
        while True:
            token = await asyncio.to_thread(self.tokens.token)
            self.usage.record("media")
            try:
                async with self._client.stream("GET", url, headers={"Authorization": f"Bearer {token}"}) as resp:
                    if resp.status_code == 200:
                        size = 0
                        with open(part, "wb") as out:
                            async for block in resp.aiter_bytes(self._chunk):
                                out.write(block)
                                size += len(block)
                        os.replace(part, dest)
                        return Fetched(url, dest, size)
                    status, retry_after = resp.status_code, parse_retry_after(resp.headers.get("retry-after"))
                    await resp.aread()
            except self._transport_error as exc:
                part.unlink(missing_ok=True)
                await self._pause(attempts.connection_failed(exc))
                continue
            if status == 401 and not refreshed:
                refreshed = True
                await asyncio.to_thread(self.tokens.refresh, token)
                continue
            if status in RETRY_STATUSES:
                await self._pause(attempts.status_failed(status, retry_after))
                continue
            if status == 403:
                raise errors.ApiError(
                    403,
                    "PERMISSION_DENIED",
                    "the base URL is expired or not yours; "
                    "refresh it with mediaItems.batchGet (base URLs last 60 minutes)",
                )
            raise errors.ApiError(status, "", "download failed")

    async def _pause(self, delay: float) -> None:
        self.retries += 1
        await asyncio.sleep(delay)
