"""Originals of Picker/Library items through base URLs, resumable and size-checked.

Base URLs are not stored (they expire after 60 minutes): each slice of at
most 50 items gets fresh ones from ``mediaItems.batchGet`` just before its
downloads start, and a 403 (expired URL) refreshes that item once. A
``.part`` left by an interrupted run is continued with a Range request when
the server honours it, else started again; the file is renamed into place
only when its length matches Content-Length.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import httpx

from gphotos_tui.backup.copier import close_part, open_part, part_path, write_all, write_error
from gphotos_tui.backup.destination import Destination
from gphotos_tui.google import errors
from gphotos_tui.google.media import download_url
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.retry import RETRY_STATUSES, Attempts, RetryPolicy, parse_retry_after
from gphotos_tui.google.tokens import TokenSource

CHUNK = 1 << 16


@dataclass(slots=True)
class Wanted:
    media_id: str  # the Google media item id (batchGet key)
    relpath: str  # the planned place inside DEST
    video: bool
    mtime: int | None


@dataclass(slots=True)
class Got:
    wanted: Wanted
    size: int
    sha256: str
    resumed: bool
    relpath: str  # where it ended up (the planned name, or "name (n).ext" when that was taken)
    adopted: bool  # an identical file was already there


class ExpiredUrl(Exception):
    pass


class Fetcher:
    """One httpx client, a concurrency limit, and the media quota meter."""

    def __init__(
        self,
        tokens: TokenSource,
        usage: UsageMeter,
        dest: Destination,
        *,
        concurrency: int = 4,
        policy: RetryPolicy | None = None,
        timeout_s: float = 60.0,
    ):
        self.tokens = tokens
        self.usage = usage
        self.dest = dest
        self.policy = policy or RetryPolicy()
        self.limit = asyncio.Semaphore(concurrency)
        self.client = httpx.AsyncClient(timeout=timeout_s, follow_redirects=True)
        self.retries = 0

    async def aclose(self) -> None:
        await self.client.aclose()

    async def fetch(self, wanted: Wanted, base_url: str) -> Got:
        async with self.limit:
            return await self._fetch(wanted, download_url(base_url, wanted.video))

    async def _fetch(self, wanted: Wanted, url: str) -> Got:
        final = await asyncio.to_thread(self.dest.path, wanted.relpath)
        part = part_path(final)
        attempts = Attempts(self.policy, "download", "media")
        refreshed = False
        while True:
            have = _resumable(part)
            headers = {"Authorization": f"Bearer {await asyncio.to_thread(self.tokens.token)}"}
            if have:
                headers["Range"] = f"bytes={have}-"
            self.usage.record("media")
            try:
                async with self.client.stream("GET", url, headers=headers) as resp:
                    if resp.status_code in (200, 206):
                        return await self._save(resp, wanted, part, have if resp.status_code == 206 else 0)
                    status, retry_after = resp.status_code, parse_retry_after(resp.headers.get("retry-after"))
                    await resp.aread()
            except (httpx.TransportError, _ShortBody) as exc:
                await self._pause(attempts.connection_failed(exc))
                continue
            if status == 401 and not refreshed and self.tokens.can_refresh:
                refreshed = True
                await asyncio.to_thread(self.tokens.refresh, stale=headers["Authorization"][7:])
                continue
            if status == 416:
                part.unlink(missing_ok=True)  # the partial file is longer than the original: start again
                continue
            if status in RETRY_STATUSES:
                await self._pause(attempts.status_failed(status, retry_after))
                continue
            if status == 403:
                raise ExpiredUrl()
            raise errors.ApiError(status, "", "download failed")

    async def _save(self, resp: httpx.Response, wanted: Wanted, part: Path, offset: int) -> Got:
        expected = resp.headers.get("content-length")
        total = offset + int(expected) if expected and expected.isdigit() else None
        digest = hashlib.sha256()
        if offset:
            await asyncio.to_thread(_hash_file, part, digest)
        out = open_part(part, append=bool(offset))
        size = offset
        failing = True
        try:
            async for block in resp.aiter_bytes(CHUNK):
                digest.update(block)
                size += len(block)
                write_all(out, block, part)
            failing = False
        finally:
            close_part(out, part, failing)
        if total is not None and size != total:
            raise _ShortBody()  # kept as .part: the next try resumes from here
        sha = digest.hexdigest()
        if wanted.mtime is not None:
            try:
                os.utime(part, (wanted.mtime, wanted.mtime), follow_symlinks=False)
            except OSError as exc:
                raise write_error(exc, part) from exc
        placed = await asyncio.to_thread(self.dest.place, part, wanted.relpath, sha, size)
        return Got(wanted, size, sha, bool(offset), placed.relpath, placed.adopted)

    async def _pause(self, delay: float) -> None:
        self.retries += 1
        await asyncio.sleep(delay)


class _ShortBody(Exception):
    """The connection ended before Content-Length bytes arrived."""


def _resumable(part: Path) -> int:
    """Bytes of an earlier run's ``.part`` to continue from (0 when there is none, or it is not a regular file)."""
    try:
        info = os.lstat(part)
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


def _hash_file(path: Path, digest: hashlib._Hash) -> None:
    with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
