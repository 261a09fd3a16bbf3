"""The Stats screen: charts of shooting habits, with filters and drill-down, by keyboard.

Aggregation runs in a thread worker on its own read connections, so the UI
never waits on a million-row scan: the first visit scans the catalog once into
a columnar snapshot (kept in memory and in the cache dir while the catalog is
unchanged), after which every filter change is milliseconds of numpy. Every
chart is drawn from the same CatalogStats that ``stats --json`` prints.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, ContentSwitcher, DataTable, Header, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from gphotos_tui import units
from gphotos_tui.analysis.stats import CatalogStats, drill_down, item_detail
from gphotos_tui.analysis.stats_cache import stats_for_catalog
from gphotos_tui.analysis.stats_charts import CHARTS, Built, ViewState, build, years_of
from gphotos_tui.analysis.stats_filters import Filters, Selection
from gphotos_tui.model import SourceKind
from gphotos_tui.ui.charts import ColumnChart, Heatmap, RankedBars
from gphotos_tui.ui.screens.base import CatalogScreen
from gphotos_tui.ui.widgets.footer import SteadyFooter

DRILL_LIMIT = 500
KIND_WIDGET = {"columns": "chart-columns", "ranked": "chart-ranked", "grid": "chart-grid", "text": "chart-text"}


def load_stats(
    path: Path, filters: Filters, fresh: bool = False, stop: threading.Event | None = None
) -> tuple[CatalogStats, bool]:
    """Blocking (for a thread worker): compute or reuse the statistics on read connections of our own."""
    return asyncio.run(stats_for_catalog(path, filters, fresh=fresh, stop=stop))


class ChartPane(Vertical, can_focus=True):
    """The chart in view; arrows move the selected bar or cell, Enter lists its items."""

    DEFAULT_CSS = "ChartPane { width: 1fr; height: 1fr; } ChartPane:focus { background: $boost; }"
    BINDINGS = [
        Binding("left,h", "screen.move(-1, 0)", "Prev bar", show=False),
        Binding("right,l", "screen.move(1, 0)", "Next bar", show=False),
        Binding("up,k", "screen.move(0, -1)", "Up", show=False),
        Binding("down,j", "screen.move(0, 1)", "Down", show=False),
        Binding("home", "screen.move(-10000, 0)", "First", show=False),
        Binding("end", "screen.move(10000, 0)", "Last", show=False),
        Binding("enter", "screen.drill", "List items", id="stats.drill", tooltip="The items behind the selected bar"),
    ]


class StatsScreen(CatalogScreen):
    """Charts over the whole catalog (or the filtered part of it)."""

    BINDING_GROUP_TITLE = "Stats"
    DEFAULT_CSS = """
    StatsScreen #stats-filters { height: 1; padding: 0 1; background: $boost; }
    StatsScreen #stats-body { height: 1fr; }
    StatsScreen #stats-charts { width: 20; height: 1fr; scrollbar-size-vertical: 1; }
    StatsScreen #chart-text { padding: 1 2; }
    StatsScreen #stats-status { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("f", "filter", "Filter", id="stats.filter", tooltip="Date range, camera, album, type, source"),
        Binding("x", "clear_filters", "Clear", id="stats.clear", tooltip="Show the whole catalog again"),
        Binding("p", "period", "Year/month", id="stats.period", tooltip="Timeline per year or per month"),
        Binding("left_square_bracket", "year(-1)", "Prev year", id="stats.prev_year", show=False),
        Binding("right_square_bracket", "year(1)", "Next year", id="stats.next_year", show=False),
        Binding("r", "recompute", "Recompute", id="stats.recompute", show=False, tooltip="Ignore the stats cache"),
        Binding(
            "e",
            "report",
            "Report",
            id="stats.report",
            show=False,
            tooltip="Write these charts as a self-contained HTML page to share",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters = Filters()
        self.view = ViewState()
        self.stats: CatalogStats | None = None
        self.chart_id = "timeline"
        self.cursors: dict[str, object] = {}
        self.built: Built | None = None
        self.drawn = 0  # how many times a finished computation was drawn (tests and benchmarks wait on it)
        self._generation = 0
        self._busy: Filters | None = None  # the filters being computed right now
        self._again = False  # asked again meanwhile: recompute once (cheap when nothing changed)
        self._stop = threading.Event()  # set to abort the running scan
        self.last_report = None  # the report.Written of the last "e", for tests

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Filters: all items", id="stats-filters")
        with Horizontal(id="stats-body"):
            options: list[Option | None] = []
            group = None
            for chart in CHARTS:
                if chart.group != group:
                    group = chart.group
                    options.append(Option(group.upper(), disabled=True))
                options.append(Option(f" {chart.name}", id=chart.id))
            yield OptionList(*options, id="stats-charts")
            with ChartPane(id="stats-pane"), ContentSwitcher(initial="chart-text", id="stats-switcher"):
                yield ColumnChart(id="chart-columns")
                yield RankedBars(id="chart-ranked")
                yield Heatmap(id="chart-grid")
                yield Static("Computing statistics...", id="chart-text")
        yield Static(" ", id="stats-status")
        yield SteadyFooter()

    def on_unmount(self) -> None:
        self._stop.set()  # quitting never waits for a scan

    def on_mount(self) -> None:
        chart_list = self.query_one("#stats-charts", OptionList)
        chart_list.highlighted = chart_list.get_option_index(self.chart_id)
        chart_list.focus()

    # -- data --------------------------------------------------------------------

    async def reload(self) -> None:
        self.compute()

    def compute(self, fresh: bool = False) -> None:
        """Aggregate off the UI thread; the newest request wins."""
        catalog = getattr(self.app, "catalog", None)
        if catalog is None:
            return
        if self._busy == self.filters and not fresh:
            self._again = True  # reloads while a scan runs collapse into one more run
            return
        self._stop.set()  # a scan for other filters is no longer wanted
        self._stop = stop = threading.Event()
        self._busy = self.filters
        self._generation += 1
        generation, filters, path = self._generation, self.filters, catalog.path
        if self.stats is None:
            self.query_one("#stats-status", Static).update("Computing statistics...")

        def work() -> None:
            try:
                stats, cached = load_stats(path, filters, fresh, stop)
            except Exception as exc:  # shown, never fatal
                if stop.is_set():
                    return  # interrupted on purpose
                self.app.call_from_thread(self._failed, generation, exc)
                return
            self.app.call_from_thread(self._computed, generation, stats, cached)

        self.app.run_worker(work, name="stats", group="stats", thread=True, exit_on_error=False)

    def _finished(self, generation: int) -> bool:
        """True if this result is the newest request's; starts the queued rerun, if any."""
        if generation != self._generation:
            return False  # a newer request (other filters) is on its way
        self._busy = None
        if self._again:
            self._again = False
            self.compute()
        return True

    def _failed(self, generation: int, exc: Exception) -> None:
        if self._finished(generation):
            self.query_one("#stats-status", Static).update(f"Statistics failed: {escape(str(exc))}")

    def _computed(self, generation: int, stats: CatalogStats, cached: bool) -> None:
        if not self._finished(generation):
            return
        if self.stats is not None and replace(stats, seconds=self.stats.seconds) == self.stats:
            self.drawn += 1  # the same figures (coming back to an unchanged catalog): already on screen
            return
        self.stats = stats
        years = years_of(stats)
        if years and (self.view.year is None or self.view.year not in years):
            self.view.year = years[-1]
        self.query_one("#stats-filters", Static).update(
            f"Filters: {escape(self.filters.describe())}  ·  {stats.total:,} items  ·  f: change"
        )
        self.draw()
        self.drawn += 1

    # -- drawing -------------------------------------------------------------------

    def draw(self) -> None:
        if self.stats is None:
            return
        built = build(self.chart_id, self.stats, self.view)
        self.built = built
        self.query_one("#stats-switcher", ContentSwitcher).current = KIND_WIDGET[built.kind]
        cursor = self._cursor(built)
        if built.kind == "columns":  # it fills the pane: off screen, it is drawn ahead at that size
            pane = self.query_one("#stats-pane", ChartPane)
            self.query_one("#chart-columns", ColumnChart).show(built.chart, cursor, pane.content_size)
        elif built.kind == "ranked":
            self.query_one("#chart-ranked", RankedBars).show(built.chart, cursor)
        elif built.kind == "grid":
            self.query_one("#chart-grid", Heatmap).show(built.chart, cursor)
        else:
            self.query_one("#chart-text", Static).update(built.chart)
        self.query_one("#stats-status", Static).update(self._describe(built, cursor))

    def _cursor(self, built: Built):
        """The selected bar (or (row, column) cell) of this chart, kept in range."""
        cursor = self.cursors.get(self.chart_id)
        if built.kind == "grid":
            rows, cols = len(built.keys), len(built.keys[0]) if built.keys else 0
            if not rows or not cols:
                cursor = None
            elif not isinstance(cursor, tuple):
                cursor = _busiest_cell(built.chart.cells)
            if cursor is not None:
                cursor = (max(0, min(cursor[0], rows - 1)), max(0, min(cursor[1], cols - 1)))
        elif built.keys:
            n = len(built.keys)
            if not isinstance(cursor, int):
                cursor = n - 1 if self.chart_id in ("timeline", "storage") else 0
            cursor = max(0, min(cursor, n - 1))
        else:
            cursor = None
        self.cursors[self.chart_id] = cursor
        return cursor

    def _describe(self, built: Built, cursor) -> str:
        hint = "  ·  Enter: list items"
        if built.kind == "text":
            return "Tab: chart  ·  f: filter  ·  p: year/month  ·  [ ]: year"
        if cursor is None:
            return "No items with this information" + (" for these filters" if self.filters.active else "")
        if built.kind == "grid":
            r, c = cursor
            key, captions = built.keys[r][c], built.chart.captions
            if built.chart.cells[r][c] is None:
                return "outside the year"
            caption = captions[r][c] if captions else f"{built.chart.cells[r][c]:,}"
            return caption + (hint if key is not None else "")
        bars = built.chart
        value = bars.values[cursor]
        total = sum(bars.values) or 1
        share = f" ({value / total:.0%})" if bars.unit == "items" else ""
        unit = f" {bars.unit}" if bars.unit else ""
        return f"{bars.labels[cursor]}: {bars.value_text(value)}{unit}{share}" + (hint if built.keys[cursor] else "")

    # -- keys ------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#stats-charts")
    def _chart_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.chart_id:
            self.chart_id = event.option.id
            self.draw()

    @on(OptionList.OptionSelected, "#stats-charts")
    def _chart_entered(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#stats-pane", ChartPane).focus()

    def action_move(self, dx: int, dy: int) -> None:
        built = self.built
        if built is None or built.kind == "text":
            return
        cursor = self._cursor(built)
        if cursor is None:
            return  # an empty chart
        if built.kind == "grid":
            self.cursors[self.chart_id] = (cursor[0] + dy, cursor[1] + dx)
        else:
            self.cursors[self.chart_id] = cursor + dx + dy
        self.draw()

    def action_period(self) -> None:
        self.view.period = "month" if self.view.period == "year" else "year"
        if self.chart_id != "timeline":
            self._show_chart("timeline")
        else:
            self.draw()

    def action_year(self, delta: int) -> None:
        years = years_of(self.stats) if self.stats else []
        if not years or self.view.year is None:
            return
        index = years.index(self.view.year) if self.view.year in years else len(years) - 1
        self.view.year = years[max(0, min(index + delta, len(years) - 1))]
        self.draw()

    def _show_chart(self, chart_id: str) -> None:
        chart_list = self.query_one("#stats-charts", OptionList)
        self.chart_id = chart_id
        chart_list.highlighted = chart_list.get_option_index(chart_id)
        self.draw()

    def action_drill(self) -> None:
        built = self.built
        if built is None or built.kind == "text":
            return
        cursor = self._cursor(built)
        if cursor is None:
            return
        if built.kind == "grid":
            key, value = built.keys[cursor[0]][cursor[1]], built.chart.cells[cursor[0]][cursor[1]]
        else:
            key, value = built.keys[cursor], built.chart.values[cursor]
        if key is None or not value:
            self.notify("No items to list here", severity="warning")
            return
        self.app.push_screen(DrillScreen(self.filters, key, self._describe(built, cursor).split("  ·  ")[0]))

    def action_filter(self) -> None:
        def apply(filters: Filters | None) -> None:
            if filters is not None and filters != self.filters:
                self.filters = filters
                self.compute()

        self.app.push_screen(FilterScreen(self.filters), apply)

    def action_clear_filters(self) -> None:
        if self.filters.active:
            self.filters = Filters()
            self.compute()

    def action_recompute(self) -> None:
        self.compute(fresh=True)

    def action_report(self) -> None:
        """Write the HTML report with this screen's filters, off the UI thread; say where, with a file:// link."""
        catalog = getattr(self.app, "catalog", None)
        if catalog is None:
            return
        from gphotos_tui.report import default_output, write_report

        path, filters = catalog.path, self.filters
        self.notify(f"Writing the report ({escape(filters.describe())})...")

        def work() -> None:
            try:
                written = write_report(path, default_output(path), filters)
            except Exception as exc:  # shown, never fatal
                self.app.call_from_thread(self.notify, f"Report failed: {escape(str(exc))}", severity="error")
                return
            self.last_report = written
            message = (
                f"Report written ({written.bytes / 1e6:.1f} MB): {escape(str(written.path))}\n"
                f"[link={written.url}]{escape(written.url)}[/link]"
            )
            self.app.call_from_thread(self.notify, message, title="Report", timeout=30)

        self.app.run_worker(work, name="report", group="stats-report", thread=True, exclusive=True, exit_on_error=False)


def _busiest_cell(cells) -> tuple[int, int]:
    best, where = -1, (0, 0)
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if value is not None and value > best:
                best, where = value, (r, c)
    return where


class FilterScreen(ModalScreen[Filters | None]):
    """Edit the filters; Enter or Apply applies them to every chart at once."""

    DEFAULT_CSS = """
    FilterScreen { align: center middle; }
    FilterScreen > Vertical { width: 64; height: auto; max-height: 100%; border: thick $accent; background: $surface; padding: 0 1; }
    FilterScreen Horizontal { height: auto; }
    FilterScreen Label { width: 10; padding: 1 0 0 0; }
    FilterScreen Input, FilterScreen Select { width: 1fr; }
    FilterScreen #filter-error { color: $error; height: auto; }
    FilterScreen #filter-buttons { height: auto; align-horizontal: right; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="filter.cancel")]

    def __init__(self, filters: Filters) -> None:
        super().__init__()
        self.filters = filters

    def compose(self) -> ComposeResult:
        f = self.filters
        with Vertical():
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


class DrillScreen(ModalScreen[None]):
    """The items behind one bar or cell (the first 500, said so), with the highlighted one described."""

    DEFAULT_CSS = """
    DrillScreen { align: center middle; }
    DrillScreen > Vertical { width: 100%; height: 100%; border: thick $accent; background: $surface; }
    DrillScreen #drill-heading, DrillScreen #drill-detail { height: auto; padding: 0 1; }
    DrillScreen DataTable { height: 1fr; }
    """
    BINDINGS = [Binding("escape", "dismiss", "Back", id="drill.back")]

    def __init__(self, filters: Filters, selection: Selection, label: str) -> None:
        super().__init__()
        self.filters, self.selection, self.label = filters, selection, label
        self.total: int | None = None
        self.rows: list = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]{escape(self.label)}[/b]  ·  loading...", id="drill-heading")
            yield DataTable(id="drill-table", cursor_type="row", zebra_stripes=True)
            yield Static(" ", id="drill-detail")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Taken (local)", "Filename", "Type", "Camera", "Size")
        table.focus()
        self.run_worker(self._load(), group="stats-drill", exclusive=True, exit_on_error=False)

    async def _load(self) -> None:
        total, rows = await drill_down(self.app.catalog.reader, self.filters, self.selection, DRILL_LIMIT)
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

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)


class ItemDetailScreen(ModalScreen[None]):
    """Everything the catalog knows about one item."""

    DEFAULT_CSS = """
    ItemDetailScreen { align: center middle; }
    ItemDetailScreen > Static { width: 90%; max-width: 100; height: auto; max-height: 100%;
                                border: thick $accent; background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,enter", "dismiss", "Back", id="detail.back")]

    def __init__(self, item_id: int) -> None:
        super().__init__()
        self.item_id = item_id
        self.lines: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Static("loading...", id="detail-text")

    async def on_mount(self) -> None:
        self.lines = await item_detail(self.app.catalog.reader, self.item_id)
        width = max(len(label) for label, _ in self.lines)
        text = "\n".join(f"[b]{label:<{width}}[/b]  {escape(value)}" for label, value in self.lines)
        self.query_one("#detail-text", Static).update(text + "\n[dim]Esc: back[/dim]")

    async def action_dismiss(self, result=None) -> None:
        self.dismiss(None)
