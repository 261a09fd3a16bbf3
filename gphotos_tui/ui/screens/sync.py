"""The Sync screen: every source, what it can give, and the live job."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, RichLog, Static

from gphotos_tui.catalog import queries, summaries
from gphotos_tui.model import SOURCE_CAPABILITIES, SourceKind
from gphotos_tui.progress import JobProgress
from gphotos_tui.ui.format import middle_ellipsis, utc_datetime
from gphotos_tui.ui.screens.base import CatalogScreen
from gphotos_tui.ui.widgets.footer import SteadyFooter
from gphotos_tui.ui.widgets.job_panel import JobPanel
from gphotos_tui.ui.widgets.mode_bar import ModeBar

#: The Source column's width: with Kind, State, Last run (UTC) and Items beside it, the table fits 80 columns.
SOURCE_WIDTH = 26

NO_SOURCES = (
    "No sources yet. Press g to sync the Library API or p to pick photos (after `gphotos-tui auth`), "
    "import a Takeout with `gphotos-tui import-takeout`, or try the demo: gphotos-tui --demo"
)


class SyncScreen(CatalogScreen):
    """Sources with their state and capabilities, a progress panel and a log."""

    BINDING_GROUP_TITLE = "Sync"
    AUTO_FOCUS = "#sources"
    BINDINGS = [
        Binding("s", "app.start_demo", "Start", id="sync.start", tooltip="Start or resume the demo fill"),
        Binding(
            "g", "app.sync_google", "Sync", id="sync.google", tooltip="Sync the Library API (items this app created)"
        ),
        Binding("p", "app.pick_photos", "Pick", id="sync.pick", tooltip="Pick photos in Google Photos (Picker API)"),
        Binding("i", "app.import_takeout", "Takeout", id="sync.takeout", tooltip="Import Google Takeout parts"),
        Binding("f", "app.scan_folder", "Folder", id="sync.folder", tooltip="Scan a local folder", show=False),
        Binding("b", "app.backup", "Backup", id="sync.backup", tooltip="Back up originals into a folder"),
        Binding(
            "u",
            "app.takeout_report",
            "Unmatched",
            id="sync.unmatched",
            tooltip="The last import's unmatched files",
            show=False,
        ),
        Binding("x", "app.stop_job", "Stop", id="sync.stop", tooltip="Stop the running job (it resumes later)"),
        Binding(
            "r",
            "app.restart_demo",
            "Restart",
            id="sync.restart",
            tooltip="Stop, then resume from the checkpoint",
            show=False,
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._sources: list[queries.SourceRow] = []
        self._last_runs: dict[int, tuple[str, int, int, int | None, int | None]] = {}
        self._loaded_version: int | None = None  # the reader's PRAGMA data_version the table was read at
        self.source_loads = 0  # how often the sources were read (tests check returns read nothing)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="sources", cursor_type="row", zebra_stripes=True)
        yield Static(id="source-help")
        yield JobPanel(id="job-panel")
        yield RichLog(id="sync-log", markup=True, wrap=True, max_lines=500)
        yield ModeBar()
        yield SteadyFooter()

    def on_mount(self) -> None:
        table = self.query_one("#sources", DataTable)
        table.add_column("Source", key="label")
        table.add_column("Kind", key="kind")
        table.add_column("State", key="state")
        table.add_column("Last run (UTC)", key="last_run")
        table.add_column("Items", key="items")
        log = self.query_one("#sync-log", RichLog)
        log.border_title = "Log"
        self._log_shown = 0

    async def reload(self) -> None:
        """The sources table, read again only when something committed since (``PRAGMA data_version``):
        counting each source's items walks its provenance rows (seconds at 1M), and every screen
        shares the one reader connection, so a recount on each return to Sync held up the next screen."""
        conn = self.catalog.reader
        version = await summaries.data_version(conn)
        table = self.query_one("#sources", DataTable)
        if version != self._loaded_version:
            rows = await queries.sources(conn)
            self._sources = rows
            self._last_runs = await queries.last_runs(conn)
            selected = table.cursor_row
            table.clear()
            for row in rows:
                state = row.last_state or "never run"
                table.add_row(
                    middle_ellipsis(row.label, SOURCE_WIDTH),  # Kind, State, Last run and Items stay in 80 columns
                    row.kind,
                    state,
                    utc_datetime(row.last_run_at),
                    Text(f"{row.items:,}", justify="right"),
                    key=str(row.id),
                )
            if rows:
                table.move_cursor(row=min(selected, len(rows) - 1))
            self._loaded_version = version
            self.source_loads += 1
        self._show_capabilities(table.cursor_row)
        self.job_changed(self.gphotos.current_job)
        self.show_new_log_entries()

    def _show_capabilities(self, index: int) -> None:
        rows = self._sources
        help_text = self.query_one("#source-help", Static)
        if not rows:
            help_text.update(NO_SOURCES)
            return
        row = rows[max(0, min(index, len(rows) - 1))]
        try:
            gives = SOURCE_CAPABILITIES[SourceKind(row.kind)]
        except ValueError:
            gives = "An unknown kind of source (written by a newer gphotos-tui?)."
        help_text.update(f"[b]{escape(row.kind.title())}[/b] gives: {escape(gives)}")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_capabilities(event.cursor_row)

    # -- called by the app ---------------------------------------------------

    def job_changed(self, progress: JobProgress | None) -> None:
        self.query_one(JobPanel).show(progress, self._idle_text())
        self.refresh_bindings()

    def _idle_text(self) -> str:
        lines = ["No job running." + ("  Press s to fill the demo library." if self.gphotos.demo else "")]
        runs = self._last_runs
        for source in self._sources:
            if source.id in runs:
                state, items, pages, _started, finished = runs[source.id]
                when = f" at {utc_datetime(finished)} UTC" if finished else ""
                lines.append(f"Last run of {escape(source.label)}: {state}{when}, {items:,} items in {pages:,} pages")
        return "\n".join(lines[:3])

    def show_new_log_entries(self) -> None:
        if not self.is_mounted:  # a line logged before the screen is up (the start-up catalog check): shown at reload
            return
        log = self.query_one("#sync-log", RichLog)
        for entry in self.gphotos.job_log:
            if entry.seq > self._log_shown:
                text = f"[b red]{escape(entry.text)}[/]" if entry.error else escape(entry.text)
                log.write(f"[dim]{entry.stamp}[/dim] {text}")
                self._log_shown = entry.seq
