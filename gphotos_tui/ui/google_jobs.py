"""Google jobs for the app: Library sync and Picker sessions, live or against the demo's fake server.

In the demo the same engine talks to the project's loopback fake Google
server (serving the demo library), so a newcomer watches a real sync and a
simulated pick, with no account and nothing leaving the machine.
"""

from __future__ import annotations

from collections.abc import Callable

from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.engine.clients import google_clients
from gphotos_tui.engine.library import LibraryAlbumsJob, LibraryMediaJob
from gphotos_tui.engine.picker import PickerJob
from gphotos_tui.progress import JobProgress, ProgressCallback

DEMO_LATENCY_S = 0.05  # per request: slow enough to watch the sync happen
DEMO_POLL_S = 1.5  # the simulated user picks after a few polls


class GoogleAccess:
    """Builds clients for jobs; owns the demo's fake server, if any."""

    def __init__(self, demo_size: int | None = None, seed: int = 42):
        self.demo_size = demo_size
        self.seed = seed
        self._fake = None

    def clients(self, catalog: Catalog):
        if self.demo_size is None:
            return google_clients(catalog)
        if self._fake is None:
            from gphotos_tui.fakegoogle.server import FakeGoogle

            self._fake = FakeGoogle(
                SyntheticLibrary(self.demo_size, self.seed),
                polls_until_picked=3,
                poll_interval_s=DEMO_POLL_S,
                picked_count=min(40, self.demo_size),
            ).start()
            self._fake.faults.latency_s = DEMO_LATENCY_S
        return google_clients(catalog, root=self._fake.url, static_token=self._fake.static_token)

    def close(self) -> None:
        if self._fake is not None:
            self._fake.stop()
            self._fake = None


async def sync_library(access: GoogleAccess, catalog: Catalog, progress: ProgressCallback) -> JobProgress:
    """Library API media, then albums and their contents: one job as the user sees it."""
    library, _picker, usage = access.clients(catalog)
    try:
        media = await LibraryMediaJob(library, usage).run(catalog, progress)
        if media.state != "done":
            return media
        albums = await LibraryAlbumsJob(library, usage).run(catalog, progress)
        return albums.advanced(
            items=media.items,
            pages=media.pages + albums.pages,
            requests=media.requests + albums.requests,
            message=f"{media.message}; {albums.message}",
        )
    finally:
        await usage.flush()


async def pick_photos(
    access: GoogleAccess, catalog: Catalog, progress: ProgressCallback, on_link: Callable[[str, float | None], None]
) -> JobProgress:
    _library, picker, usage = access.clients(catalog)
    try:
        return await PickerJob(picker, on_link=on_link).run(catalog, progress)
    finally:
        await usage.flush()
