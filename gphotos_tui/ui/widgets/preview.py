"""A picture drawn with half-block characters: two pixels per cell, works over SSH in any terminal."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

RGB = tuple[int, int, int]


def halfblock_text(cells: list[list[tuple[RGB, RGB]]]) -> Text:
    """Rows of (top, bottom) pixel pairs as '▀' with the top pixel as foreground, the bottom as background."""
    text = Text(no_wrap=True)
    styles: dict[tuple[RGB, RGB], Style] = {}
    for y, row in enumerate(cells):
        if y:
            text.append("\n")
        for pair in row:
            style = styles.get(pair)
            if style is None:
                style = styles[pair] = Style(color=f"rgb{pair[0]}", bgcolor=f"rgb{pair[1]}")
            text.append("\u2580", style)
    return text


class Preview(Static):
    """Shows a message until ``show_cells`` gets the decoded picture."""

    DEFAULT_CSS = "Preview { width: auto; height: auto; }"

    def show_cells(self, cells: list[list[tuple[RGB, RGB]]]) -> None:
        self.update(halfblock_text(cells))
