"""Sign in to Google from the app: the link, a QR code for a phone, paste-back, and status.

A standalone modal (``push_screen(SignInScreen(client), callback)``) that
dismisses with the saved ``StoredTokens`` or ``None`` when cancelled. The
loopback listener waits in a worker while the user may paste the final
``http://127.0.0.1:PORT/?state=…&code=…`` address instead (useful over SSH).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from gphotos_tui.google.auth import DEFAULT_SCOPES, ClientConfig, SignIn, SignInError
from gphotos_tui.google.errors import AuthError
from gphotos_tui.google.qr import qr_text
from gphotos_tui.google.tokens import StoredTokens
from gphotos_tui.ui.modals.base import Modal


class SignInScreen(Modal[StoredTokens | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+y", "copy_link", "Copy link"),
    ]

    def __init__(
        self, client: ClientConfig, scopes: Sequence[str] = DEFAULT_SCOPES, *, port: int = 0, save: bool = True
    ) -> None:
        super().__init__()
        self.client = client
        self.scopes = tuple(scopes)
        self.port = port
        self.save = save
        self.attempt: SignIn | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -page"):
            yield Label(
                "[b]Sign in to Google Photos[/b]  (Esc cancels, Ctrl+Y copies the link)",
                id="title",
                classes="dialog-title",
            )
            with VerticalScroll():
                yield Static("Open this link in a browser signed in to your Google account (or scan the code):")
                yield Static("", id="url", markup=False)
                yield Static("", id="qr", markup=False)
                yield Static(
                    "If the browser ends on a page that does not load (another machine, over SSH), "
                    "copy that page's whole address and paste it here:"
                )
                yield Input(placeholder="http://127.0.0.1:…/?state=…&code=…", id="paste")
                yield Label("Waiting for Google…", id="status")

    def on_mount(self) -> None:
        try:
            self.attempt = SignIn(self.client, self.scopes, port=self.port)
        except AuthError as exc:
            self._status(str(exc), "-error")
            return
        self.query_one("#paste", Input).focus()
        self.query_one("#url", Static).update(self.attempt.authorization_url)
        qr = qr_text(self.attempt.authorization_url, min(self.app.size.width, 100) - 1)  # the QR needs ~79 columns
        self.query_one("#qr", Static).update(qr or "(make the terminal wider to get a QR code for a phone)")
        self.run_worker(self._wait(), group="signin", exclusive=True, exit_on_error=False)

    async def _wait(self) -> None:
        assert self.attempt is not None
        try:
            stored = await self.attempt.wait_async()
        except AuthError as exc:
            if self.is_attached:
                self._status(str(exc), "-error")
            return
        if self.save:
            stored.save()
        self._status("Signed in.", "-ok")
        self.dismiss(stored)

    @on(Input.Submitted, "#paste")
    def _pasted(self, event: Input.Submitted) -> None:
        if self.attempt is None:
            return
        try:
            self.attempt.submit_pasted_url(event.value)
        except SignInError as exc:
            self._status(str(exc), "-error")
            return
        self._status("Address accepted; finishing sign-in…", "")

    def on_unmount(self) -> None:
        if self.attempt is not None:
            self.attempt.cancel()  # release the listener and the waiting thread

    def action_copy_link(self) -> None:
        if self.attempt is not None:
            self.app.copy_to_clipboard(self.attempt.authorization_url)  # OSC 52: reaches the local clipboard over SSH
            self.notify("Link copied to the clipboard")

    def action_cancel(self) -> None:
        if self.attempt is not None:
            self.attempt.cancel()
        self.dismiss(None)

    def _status(self, text: str, css_class: str) -> None:
        label = self.query_one("#status", Label)
        label.update(text)
        label.set_classes(css_class)
