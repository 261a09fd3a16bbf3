"""The base of the four mode screens: data comes from the catalog, reloaded on change."""

from __future__ import annotations

from textual.screen import Screen


class CatalogScreen(Screen):
    """A mode screen that shows catalog data.

    ``reload`` is called when the screen is shown and whenever the app learns
    that the catalog changed (throttled by the app, at most about once a second).
    Queries go through ``self.app.catalog.reader`` (an aiosqlite connection).
    """

    async def reload(self) -> None:  # overridden by every mode screen
        raise NotImplementedError

    _shown = False  # between a resume and the next suspend

    async def on_screen_resume(self) -> None:
        # Textual resumes a mode's screen twice when it first switches to it (once as the mode's
        # stack is made, once as the mode becomes current): one reload is enough.
        if self._shown:
            return
        self._shown = True
        await self.reload()

    def on_screen_suspend(self) -> None:
        self._shown = False
