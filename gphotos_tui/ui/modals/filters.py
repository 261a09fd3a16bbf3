"""The Stats filters: dates, camera, album, type and source."""

from __future__ import annotations

from datetime import date

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.model import SourceKind
from gphotos_tui.ui.modals.base import Modal


class FilterScreen(Modal[Filters | None]):
    """Edit the filters; Enter or Apply applies them to every chart at once."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="filter.cancel")]

    def __init__(self, filters: Filters) -> None:
        super().__init__()
        self.filters = filters

    def compose(self) -> ComposeResult:
        f = self.filters
        with Vertical(classes="dialog"):
            yield Static("[b]Filters[/b] (empty = any; dates are local capture days)")
            for name, label, value, placeholder in (
                ("from", "From", f.date_from, "YYYY-MM-DD"),
                ("to", "To", f.date_to, "YYYY-MM-DD"),
                ("camera", "Camera", f.camera, "make or model contains"),
                ("album", "Album", f.album, "title contains"),
            ):
                with Horizontal():
                    yield Label(label)
                    yield Input(str(value) if value else "", placeholder=placeholder, id=f"filter-{name}")
            with Horizontal():
                yield Label("Type")
                yield Select(
                    [("photos", "photo"), ("videos", "video")],
                    value=f.media_type or Select.NULL,
                    prompt="any",
                    id="filter-type",
                )
            with Horizontal():
                yield Label("Source")
                yield Select(
                    [(k.value, k.value) for k in SourceKind],
                    value=f.source or Select.NULL,
                    prompt="any",
                    id="filter-source",
                )
            yield Static("", id="filter-error")
            with Horizontal(id="filter-buttons"):
                yield Button("Apply", variant="primary", id="filter-apply")
                yield Button("Clear all", id="filter-clear")
                yield Button("Cancel", id="filter-cancel")

    def on_mount(self) -> None:
        self.query_one("#filter-from", Input).focus()

    def _read(self) -> Filters:
        def text(name: str) -> str | None:
            return self.query_one(f"#filter-{name}", Input).value.strip() or None

        def day(name: str) -> date | None:
            value = text(name)
            if value is None:
                return None
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None

        def choice(name: str) -> str | None:
            value = self.query_one(f"#filter-{name}", Select).value
            return None if value is Select.NULL else str(value)

        return Filters(day("from"), day("to"), text("camera"), text("album"), choice("type"), choice("source"))

    def _apply(self) -> None:
        try:
            self.dismiss(self._read())
        except ValueError as exc:
            self.query_one("#filter-error", Static).update(escape(str(exc)))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._apply()

    @on(Button.Pressed, "#filter-apply")
    def _apply_pressed(self) -> None:
        self._apply()

    @on(Button.Pressed, "#filter-clear")
    def _clear_pressed(self) -> None:
        self.dismiss(Filters())

    @on(Button.Pressed, "#filter-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
