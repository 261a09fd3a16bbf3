"""The mode keys, always in view: one line that fits 80 columns, the current mode highlighted.

The footer lists the keys of the focused widget and the screen, and at 80 columns it cut off
the app's mode keys; this bar keeps "1 Sync 2 Albums 3 Stats 4 Dupes ? Help q Quit" on every
screen (each entry can be clicked too).
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.widget import Widget

#: (key, mode or action, label); a mode is switched to with ``app.mode``.
ENTRIES = (
    ("1", "sync", "Sync"),
    ("2", "albums", "Albums"),
    ("3", "stats", "Stats"),
    ("4", "duplicates", "Dupes"),
)
TAIL = (("?", "app.help", "Help"), ("q", "app.quit", "Quit"), ("^p", "app.command_palette", "Palette"))


class ModeBar(Widget):
    """One line of mode keys; the app's current mode is shown highlighted."""

    DEFAULT_CSS = """
    ModeBar { height: 1; width: 1fr; background: $panel; color: $foreground; }
    ModeBar > .mode-bar--key { color: $text-accent; text-style: bold; }
    ModeBar > .mode-bar--current { background: $accent; color: $text; text-style: bold; }
    """
    COMPONENT_CLASSES = {"mode-bar--key", "mode-bar--current"}

    def render(self) -> Text:
        current = getattr(self.app, "current_mode", None)
        key_style = self.get_component_rich_style("mode-bar--key")
        current_style = self.get_component_rich_style("mode-bar--current")
        text = Text(no_wrap=True, overflow="crop")
        for key, mode, label in ENTRIES:
            text.append(" ")
            if mode == current:
                text.append(f"{key} {label} ", current_style)
            else:
                text.append(key, key_style)
                text.append(f" {label} ")
        text.append(" │")
        for key, _action, label in TAIL:
            text.append(" ")
            text.append(key, key_style)
            text.append(f" {label}")
        return text

    async def on_click(self, event: Click) -> None:
        """Clicking an entry runs its key's action."""
        x, position = event.x, 0
        for key, mode, label in ENTRIES:
            width = 1 + len(key) + len(label) + 2
            if position <= x < position + width:
                await self.run_action(f"app.mode('{mode}')")
                return
            position += width
        position += 2
        for key, action, label in TAIL:
            width = 1 + len(key) + 1 + len(label)
            if position <= x < position + width:
                await self.run_action(action)
                return
            position += width
