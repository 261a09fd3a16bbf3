"""The base of the mode screens: data comes from the catalog, reloaded on change."""

from __future__ import annotations

import time

from textual import work
from textual.screen import Screen

from gphotos_tui.ui.context import AppAccess


class CatalogScreen(AppAccess, Screen[None]):
    """A screen that shows catalog data.

    ``reload`` is the one method that loads the screen's data; it runs in the screen's own
    "reload" worker (``refresh_data``) when the screen is shown and whenever the app learns
    that the catalog changed (throttled by the app, at most about once a second). A failure
    becomes a notification (see AppAccess), never a dead app.
    """

    async def reload(self) -> None:  # overridden by every catalog screen
        raise NotImplementedError

    @work(group="reload", exclusive=True, exit_on_error=False, description="reload")
    async def refresh_data(self) -> None:
        started = time.monotonic()
        try:
            await self.reload()
        finally:
            self.gphotos.reload_took(time.monotonic() - started)

    @property
    def reloading(self) -> bool:
        return any(w.node is self and w.group == "reload" and not w.is_finished for w in self.workers)

    _shown = False  # between a resume and the next suspend

    def on_screen_resume(self) -> None:
        # Textual resumes a mode's screen twice when it first switches to it (once as the mode's
        # stack is made, once as the mode becomes current): one reload is enough.
        if self._shown:
            return
        self._shown = True
        self.refresh_data()

    def on_screen_suspend(self) -> None:
        self._shown = False
