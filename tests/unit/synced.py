"""A catalog filled by a Library API sync from the loopback fake, for tests that need library: ids."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from gphotos_tui.catalog import Catalog
from gphotos_tui.engine.clients import google_clients
from gphotos_tui.engine.library import LibraryMediaJob


def sync_from_fake(fake, db: Path, then: Callable[[Catalog], Awaitable[None]] | None = None) -> Path:
    async def fill() -> None:
        catalog = await Catalog.open(db)
        try:
            library, _picker, usage = google_clients(catalog, root=fake.url, static_token=fake.static_token)
            await LibraryMediaJob(library, usage).run(catalog, lambda progress: None)
            await usage.flush()
            if then is not None:
                await then(catalog)
        finally:
            await catalog.close()

    asyncio.run(fill())
    return db
