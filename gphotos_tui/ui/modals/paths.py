"""Ask for paths (Takeout parts, a folder to scan, a backup destination), quoted like a shell."""

from __future__ import annotations

import shlex

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from gphotos_tui.ui.modals.base import Modal
from gphotos_tui.ui.widgets.footer import SteadyFooter


class PathsScreen(Modal[list[str] | None]):
    """Ask for one or more paths (quoted like a shell, ~ and globs expanded); Enter submits."""

    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, title: str, help_text: str, suggestion: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.heading, self.help_text = title, help_text
        self.suggestion, self.placeholder = suggestion, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"[b]{escape(self.heading)}[/b]\n{escape(self.help_text)}")
            yield Input(value=self.suggestion, placeholder=self.placeholder, id="paths")
            yield Static(id="error")
        yield SteadyFooter()

    @on(Input.Submitted, "#paths")
    def submitted(self, event: Input.Submitted) -> None:
        import glob
        import os

        try:
            words = shlex.split(event.value)
        except ValueError as exc:
            self.query_one("#error", Static).update(f"Could not read that: {escape(str(exc))}")
            return
        paths: list[str] = []
        for word in words:
            expanded = os.path.expanduser(word)
            paths += sorted(glob.glob(expanded)) or [expanded]
        if not paths:
            self.query_one("#error", Static).update("Give at least one path.")
            return
        self.dismiss(paths)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


def takeout_paths_screen(suggestion: str = "") -> PathsScreen:
    return PathsScreen(
        "Import a Google Takeout",
        "Give every part at once (items and their sidecars are often in different parts), separated "
        "by spaces; quote names with spaces. Enter imports.",
        suggestion,
        "~/Downloads/takeout-*-001.zip ~/Downloads/takeout-*-002.zip",
    )
