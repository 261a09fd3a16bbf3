"""The help screen: every key of the app and of the screen it was opened from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from gphotos_tui.ui.modals.base import Modal

INTRO = "Keys work everywhere unless a text box has the focus. Ctrl+P opens the command palette with the same actions."


#: Words for Textual's own bindings that come without a description.
BUILTIN_DESCRIPTIONS = {
    "help_quit": "Tells how to quit",
    "command_palette": "Command palette",
    "quit": "Quit",
}


@dataclass(frozen=True, slots=True)
class KeyHelp:
    where: str
    keys: str
    description: str


def collect_bindings(screen: Screen[Any]) -> list[KeyHelp]:
    """Every binding active on ``screen`` (focused widget, screen, app), hidden ones included."""
    app = screen.app
    seen: set[tuple[str, str]] = set()
    result: list[KeyHelp] = []
    for node, bindings in screen._modal_binding_chain:
        where = _where(node, app)
        grouped: dict[tuple[str, str], list[str]] = {}
        for _key, binding in bindings:
            if app._check_action_state(binding.action, node) is False:
                continue
            description = (
                binding.description
                or BUILTIN_DESCRIPTIONS.get(binding.action)
                or binding.tooltip
                or binding.action.replace("_", " ")
            )
            grouped.setdefault((binding.action, description), []).append(app.get_key_display(binding))
        for (action, description), keys in grouped.items():
            if (where, action) in seen:
                continue
            seen.add((where, action))
            result.append(KeyHelp(where, ", ".join(dict.fromkeys(keys)), description))
    # The app's keys first, then the screen's, then those of the focused widget.
    screen_title = _where(screen, app)
    return sorted(result, key=lambda k: 0 if k.where == "App" else 1 if k.where == screen_title else 2)


def _where(node: object, app: object) -> str:
    if node is app:
        return "App"
    title = getattr(node, "BINDING_GROUP_TITLE", None)
    return title or type(node).__name__


class HelpScreen(Modal[None]):
    """A scrollable table of keys; Escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, keys: list[KeyHelp]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog") as scroll:
            scroll.border_title = "Keys"
            yield Static(INTRO, id="help-intro")
            yield Static(self._table(), id="help-keys")

    def _table(self) -> Table:
        table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
        table.add_column("Where", style="dim", no_wrap=True)
        table.add_column("Keys", style="bold", no_wrap=True)
        table.add_column("Does")
        for key in self.keys:
            table.add_row(key.where, Text(key.keys), key.description)
        return table

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
