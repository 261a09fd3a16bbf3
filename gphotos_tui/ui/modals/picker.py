"""Pick photos: the Picker link as a clickable URL and a QR code, with a countdown.

Shown while a Picker job waits for the user to pick in Google Photos (on a
phone, scan the code; over SSH, copy the link with OSC 52). Closing it leaves
the job running; it closes itself once the picked items are being read.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from gphotos_tui.google.qr import qr_text
from gphotos_tui.progress import JobProgress, JobState
from gphotos_tui.ui.modals.base import Modal
from gphotos_tui.ui.widgets.footer import SteadyFooter


def countdown(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class PickerScreen(Modal[None]):
    BINDINGS = [
        Binding("escape", "dismiss", "Close (keeps waiting)"),
        Binding("ctrl+y", "copy_link", "Copy link"),
        Binding("x", "app.stop_job", "Cancel pick"),
    ]

    def __init__(self, uri: str, expires_in: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.uri = uri
        self.clock = clock
        self.deadline = clock() + expires_in if expires_in else None
        self.status = "Waiting for you to pick photos…"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -page"):
            yield Static("Pick photos in Google Photos", id="title", classes="dialog-title")
            with VerticalScroll():
                yield Static(
                    "Open this link in a browser signed in to the same Google account, pick photos, then press Done.\n"
                    "On a phone, scan the code.",
                    id="intro",
                )
                yield Static(f'[link="{self.uri}"]{escape(self.uri)}[/link]', id="link")
                yield Static(qr_text(self.uri) or "", id="qr")  # None only with a max_width
                yield Static(id="status")
            yield SteadyFooter()

    def on_mount(self) -> None:
        self._tick()
        self.set_interval(1.0, self._tick, name="picker-countdown")

    def _tick(self) -> None:
        left = f"  Session expires in {countdown(self.deadline - self.clock())}." if self.deadline else ""
        self.query_one("#status", Static).update(escape(self.status) + left)

    def progressed(self, progress: JobProgress) -> None:
        self.status = progress.message or str(progress.state)
        self._tick()
        if progress.items or progress.state is not JobState.RUNNING:
            self.dismiss()

    def action_copy_link(self) -> None:
        self.app.copy_to_clipboard(self.uri)  # OSC 52: reaches the local terminal over SSH
        self.notify("Link copied to your clipboard")
