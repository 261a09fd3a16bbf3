"""Google jobs: Library sync and Picker sessions, run alike by the app and the headless commands.

In the demo the same engine talks to the project's loopback fake Google
server (serving the demo library), so a newcomer watches a real sync and a
simulated pick, with no account and nothing leaving the machine.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from gphotos_tui.analysis.duplicates.incremental import refresh_if_kept
from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.engine.clients import Clients, google_clients
from gphotos_tui.engine.library import LibraryAlbumsJob, LibraryMediaJob, SyncSettings
from gphotos_tui.engine.picker import PickerJob
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback

if TYPE_CHECKING:
    from gphotos_tui.fakegoogle.server import FakeGoogle

DEMO_LATENCY_S = 0.05  # per request: slow enough to watch the sync happen
DEMO_POLL_S = 1.5  # the simulated user picks after a few polls


class GoogleAccess:
    """Builds clients for jobs; owns the demo's fake server, if any."""

    def __init__(self, demo_size: int | None = None, seed: int = 42):
        self.demo_size = demo_size
        self.seed = seed
        self._fake: FakeGoogle | None = None

    def clients(self, catalog: Catalog) -> Clients:
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


async def sync_library(
    clients: Clients,
    catalog: Catalog,
    progress: ProgressCallback,
    *,
    settings: SyncSettings | None = None,
    full: bool = False,
    albums: bool = True,
) -> JobProgress:
    """Library API media, then albums and their contents: one job as the user sees it.

    The one definition the app's Sync screen and ``gphotos-tui sync`` both run.
    """
    library, _picker, usage = clients
    settings = settings or SyncSettings()
    try:
        media = await LibraryMediaJob(library, usage, settings, full=full).run(catalog, progress)
        if media.state != JobState.DONE or not albums:
            await refresh_if_kept(catalog)
            return media
        listed = await LibraryAlbumsJob(library, usage, settings).run(catalog, progress)
        await refresh_if_kept(catalog)  # the stored duplicate groups: only what this sync touched
        return listed.advanced(
            source_label=media.source_label,  # the summary speaks for the whole sync, not its album step
            items=media.items,
            pages=media.pages + listed.pages,
            requests=media.requests + listed.requests,
            message=f"{media.message}; {listed.message}",
        )
    finally:
        await usage.flush()


async def pick_photos(
    clients: Clients,
    catalog: Catalog,
    progress: ProgressCallback,
    on_link: Callable[[str, float | None], None],
    *,
    max_items: int | None = None,
) -> JobProgress:
    """A Picker session: show the link, wait while the user picks, then page the picked items in."""
    _library, picker, usage = clients
    try:
        picked = await PickerJob(picker, max_items=max_items, on_link=on_link).run(catalog, progress)
        await refresh_if_kept(catalog)
        return picked
    finally:
        await usage.flush()
