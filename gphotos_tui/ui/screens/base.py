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

    async def on_screen_resume(self) -> None:
        await self.reload()
