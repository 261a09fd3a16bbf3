"""One item's Google Photos link: clickable, and as a QR code for a phone."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from gphotos_tui.google.qr import qr_text
from gphotos_tui.ui.modals.base import Modal


class LinkModal(Modal[None]):
    """The selected item's Google Photos link as a clickable hyperlink and a QR code for a phone."""

    BINDINGS = [Binding("escape,o,q", "dismiss", "Close")]

    def __init__(self, filename: str, url: str) -> None:
        super().__init__()
        self.filename, self.url = filename, url

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text.assemble((self.filename + "\n", "bold"), (self.url, Style(link=self.url, underline=True)))
            )
            yield Static(
                qr_text(self.url, max_width=self.app.size.width - 6) or "(terminal too narrow for the QR code)",
                id="link-qr",
            )
