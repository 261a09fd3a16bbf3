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
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import ContentSwitcher, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerError, get_current_worker

from gphotos_tui.analysis.stats import CatalogStats
from gphotos_tui.analysis.stats_cache import stats_for_catalog
from gphotos_tui.analysis.stats_charts import CHARTS, Bars, Built, Grid, ViewState, build, years_of
from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.ui.charts import ColumnChart, Heatmap, RankedBars
from gphotos_tui.ui.modals.drill import DrillScreen
from gphotos_tui.ui.modals.filters import FilterScreen
from gphotos_tui.ui.screens.base import CatalogScreen
from gphotos_tui.ui.widgets.footer import SteadyFooter
from gphotos_tui.ui.widgets.mode_bar import ModeBar

if TYPE_CHECKING:
    from gphotos_tui.report import Written

KIND_WIDGET = {"columns": "chart-columns", "ranked": "chart-ranked", "grid": "chart-grid", "text": "chart-text"}


def load_stats(
    path: Path, filters: Filters, fresh: bool = False, stop: threading.Event | None = None
) -> tuple[CatalogStats, bool]:
    """Blocking (for a thread worker): compute or reuse the statistics on read connections of our own."""
    return asyncio.run(stats_for_catalog(path, filters, fresh=fresh, stop=stop))


class ChartPane(Vertical, can_focus=True):
    """The chart in view; arrows move the selected bar or cell, Enter lists its items."""

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
        self.last_report: Written | None = None  # where the last "e" wrote the report

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
        yield ModeBar()
        yield SteadyFooter()

    def on_mount(self) -> None:
        chart_list = self.query_one("#stats-charts", OptionList)
        chart_list.highlighted = chart_list.get_option_index(self.chart_id)
        chart_list.focus()

    # -- data --------------------------------------------------------------------

    class Computed(Message, bubble=False):
        """Statistics for ``filters`` are ready (posted from the computing thread)."""

        def __init__(self, filters: Filters, stats: CatalogStats, cached: bool) -> None:
            super().__init__()
            self.filters, self.stats, self.cached = filters, stats, cached

    async def reload(self) -> None:
        """Compute the statistics for the current filters and wait for them (the app paces reloads by this)."""
        worker = self.compute()
        try:
            await worker.wait()
        except WorkerError:  # cancelled by newer filters, or failed (shown by work_failed)
            pass

    def compute(self, fresh: bool = False) -> Worker[None]:
        """Aggregate off the UI thread; a newer request cancels the running one (exclusive)."""
        if self.stats is None:
            self.query_one("#stats-status", Static).update("Computing statistics...")
        return self._compute(self.catalog.path, self.filters, fresh)

    @work(thread=True, group="stats", exclusive=True, exit_on_error=False, description="Statistics")
    def _compute(self, path: Path, filters: Filters, fresh: bool) -> None:
        worker = get_current_worker()
        try:
            stats, cached = load_stats(path, filters, fresh, worker.cancelled_event)
        except Exception:
            if worker.is_cancelled:
                return  # interrupted on purpose
            raise
        if not worker.is_cancelled:
            self.post_message(self.Computed(filters, stats, cached))

    def work_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "stats":
            message = f"Statistics failed: {escape(str(worker.error))}"
            self.query_one("#stats-status", Static).update(message)
            if self.stats is None:
                self.query_one("#chart-text", Static).update(message)

    def on_stats_screen_computed(self, message: Computed) -> None:
        if message.filters != self.filters:
            return  # computed for filters changed since
        stats = message.stats
        if self.stats is not None and replace(stats, seconds=self.stats.seconds) == self.stats:
            return  # the same figures (coming back to an unchanged catalog): already on screen
        self.stats = stats
        years = years_of(stats)
        if years and (self.view.year is None or self.view.year not in years):
            self.view.year = years[-1]
        self.query_one("#stats-filters", Static).update(
            f"Filters: {escape(self.filters.describe())}  ·  {stats.total:,} items  ·  f: change"
        )
        self.draw()

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
            self.query_one("#chart-columns", ColumnChart).show(
                cast(Bars, built.chart), cast("int | None", cursor), pane.content_size
            )
        elif built.kind == "ranked":
            self.query_one("#chart-ranked", RankedBars).show(cast(Bars, built.chart), cast("int | None", cursor))
        elif built.kind == "grid":
            self.query_one("#chart-grid", Heatmap).show(cast(Grid, built.chart), cast("tuple[int, int] | None", cursor))
        else:
            self.query_one("#chart-text", Static).update(cast(str, built.chart))
        self.query_one("#stats-status", Static).update(self._describe(built, cursor))

    def _cursor(self, built: Built) -> Cursor:
        """The selected bar (or (row, column) cell) of this chart, kept in range."""
        cursor = self.cursors.get(self.chart_id)
        if built.kind == "grid":
            grid = cast(Grid, built.chart)
            rows, cols = len(built.keys), len(built.keys[0]) if built.keys else 0
            if not rows or not cols:
                cursor = None
            elif not isinstance(cursor, tuple):
                cursor = _busiest_cell(grid.cells)
            if cursor is not None:
                cell = cast("tuple[int, int]", cursor)
                cursor = (max(0, min(cell[0], rows - 1)), max(0, min(cell[1], cols - 1)))
        elif built.keys:
            n = len(built.keys)
            if not isinstance(cursor, int):
                cursor = n - 1 if self.chart_id in ("timeline", "storage") else 0
            cursor = max(0, min(cursor, n - 1))
        else:
            cursor = None
        self.cursors[self.chart_id] = cursor
        return cursor

    def _describe(self, built: Built, cursor: Cursor) -> str:
        hint = "  ·  Enter: list items"
        if built.kind == "text":
            return "Tab: chart  ·  f: filter  ·  p: year/month  ·  [ ]: year"
        if cursor is None:
            return "No items with this information" + (" for these filters" if self.filters.active else "")
        if built.kind == "grid":
            r, c = _cell(cursor)
            grid = cast(Grid, built.chart)
            key, captions = built.keys[r][c], grid.captions
            if grid.cells[r][c] is None:
                return "outside the year"
            caption = captions[r][c] if captions else f"{grid.cells[r][c]:,}"
            return caption + (hint if key is not None else "")
        bars = cast(Bars, built.chart)
        cursor = _bar(cursor)
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
            cell = _cell(cursor)
            self.cursors[self.chart_id] = (cell[0] + dy, cell[1] + dx)
        else:
            self.cursors[self.chart_id] = _bar(cursor) + dx + dy
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
        value: float | None
        if built.kind == "grid":
            cell = _cell(cursor)
            key, value = built.keys[cell[0]][cell[1]], cast(Grid, built.chart).cells[cell[0]][cell[1]]
        else:
            key, value = built.keys[_bar(cursor)], cast(Bars, built.chart).values[_bar(cursor)]
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
        self.notify(f"Writing the report ({escape(self.filters.describe())})...")
        self._write_report(self.catalog.path, self.filters)

    @work(thread=True, group="stats-report", exclusive=True, exit_on_error=False, description="Stats report")
    def _write_report(self, path: Path, filters: Filters) -> None:
        from gphotos_tui.report import default_output, write_report

        self.post_message(self.ReportWritten(write_report(path, default_output(path), filters)))

    class ReportWritten(Message, bubble=False):
        def __init__(self, written: Written) -> None:
            super().__init__()
            self.written = written

    def on_stats_screen_report_written(self, message: ReportWritten) -> None:
        written = self.last_report = message.written
        self.notify(
            f"Report written ({written.bytes / 1e6:.1f} MB): {escape(str(written.path))}\n"
            f"[link={written.url}]{escape(written.url)}[/link]",
            title="Report",
            timeout=30,
        )


#: The selected bar of a bar chart, or (row, column) of a grid; None for an empty chart.
Cursor = int | tuple[int, int] | None


def _bar(cursor: Cursor) -> int:
    """``cursor`` of a bar chart (typing only: the chart kind says which shape it has)."""
    return cast(int, cursor)


def _cell(cursor: Cursor) -> tuple[int, int]:
    """``cursor`` of a grid (typing only: the chart kind says which shape it has)."""
    return cast("tuple[int, int]", cursor)


def _busiest_cell(cells: Sequence[Sequence[int | None]]) -> tuple[int, int]:
    best, where = -1, (0, 0)
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if value is not None and value > best:
                best, where = value, (r, c)
    return where
