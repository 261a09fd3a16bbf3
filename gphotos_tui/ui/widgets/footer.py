"""The footer every screen shows."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class SteadyFooter(Footer):
    """A Footer that recomposes only when the keys it shows changed.

    Textual's Footer rebuilds all its keys on every bindings update (twice per
    visit: on resume and on focus), about 0.1-0.2 s on a small VM for the same
    keys; skipping identical rebuilds is most of what makes a mode switch fast.
    """

    _shown: tuple[object, ...] | None = None  # what the mounted keys show

    def __init__(self, *, compact: bool = False, show_command_palette: bool = False) -> None:
        # ^p is on the ModeBar, with the mode keys: the footer's 80 columns go to the screen's keys.
        super().__init__(compact=compact, show_command_palette=show_command_palette)

    def _keys(self) -> tuple[object, ...]:
        palette = self.app.COMMAND_PALETTE_BINDING
        return (
            self.compact,
            self.show_command_palette,
            tuple(
                (key, active.binding, active.enabled, active.tooltip)
                for key, active in self.screen.active_bindings.items()
                if active.binding.show or key == palette
            ),
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys() if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen[Any]) -> None:  # Footer.bindings_changed, checked when due
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if not self.is_attached:  # its screen went away before the refresh
            return
        if self._shown is None or self._keys() != self._shown:
            await self.recompose()
