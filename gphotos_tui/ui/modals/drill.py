"""The items behind one Stats bar or cell; Enter opens an item in full."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static
from textual.worker import Worker

from gphotos_tui import units
from gphotos_tui.analysis.stats import ItemRow, drill_down
from gphotos_tui.analysis.stats_filters import Filters, Selection
from gphotos_tui.ui.context import AppAccess
from gphotos_tui.ui.modals.base import Modal
from gphotos_tui.ui.screens.item_detail import ItemDetailScreen

DRILL_LIMIT = 500


class DrillScreen(AppAccess, Modal[None]):
    """The items behind one bar or cell (the first 500, said so), with the highlighted one described."""

    BINDINGS = [Binding("escape", "dismiss", "Back", id="drill.back")]

    def __init__(self, filters: Filters, selection: Selection, label: str) -> None:
        super().__init__()
        self.filters, self.selection, self.label = filters, selection, label
        self.total: int | None = None
        self.rows: list[ItemRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -page"):
            yield Static(f"[b]{escape(self.label)}[/b]  ·  loading...", id="drill-heading")
            yield DataTable(id="drill-table", cursor_type="row", zebra_stripes=True)
            yield Static(" ", id="drill-detail")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Taken (local)", "Filename", "Type", "Camera", "Size")
        table.focus()
        self._load()

    @work(group="stats-drill", exclusive=True, exit_on_error=False, description="Listing the items")
    async def _load(self) -> None:
        total, rows = await drill_down(self.catalog.reader, self.filters, self.selection, DRILL_LIMIT)
        self.total, self.rows = total, rows
        table = self.query_one(DataTable)
        for row in rows:
            table.add_row(
                row.taken_local or "undated",
                row.filename,
                row.media_type,
                row.camera or "-",
                units.size_bytes(row.size_bytes) or "-",
                key=str(row.id),
            )
        shown = f"first {len(rows):,} of {total:,} items" if total > len(rows) else f"{total:,} items"
        self.query_one("#drill-heading", Static).update(
            f"[b]{escape(self.label)}[/b]  ·  {shown}  ·  filters: {escape(self.filters.describe())}  ·  "
            "Enter: details  ·  Esc: back"
        )

    def work_failed(self, worker: Worker[Any]) -> None:
        self.query_one("#drill-heading", Static).update(
            f"[b]{escape(self.label)}[/b]  ·  could not list the items: {escape(str(worker.error))}  ·  Esc: back"
        )

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            self.app.push_screen(ItemDetailScreen(self.rows[event.cursor_row].id))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = event.cursor_row
        if 0 <= index < len(self.rows):
            row = self.rows[index]
            self.query_one("#drill-detail", Static).update(
                f"{escape(row.filename)}  ·  {row.media_type}  ·  {row.taken_local or 'undated'}  ·  "
                f"{escape(row.camera or 'unknown camera')}  ·  {units.size_bytes(row.size_bytes) or 'size unknown'}  ·  item {row.id}"
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
