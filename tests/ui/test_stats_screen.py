"""The Stats screen driven by the keyboard in the real app: every chart, filters, period, drill-down."""

from __future__ import annotations

import asyncio
import io
import json
from contextlib import redirect_stdout

from rich.text import Text
from textual.widgets import ContentSwitcher, DataTable, Static

from gphotos_tui.analysis.stats import compute_stats
from gphotos_tui.analysis.stats_charts import CHARTS
from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.catalog import Catalog
from gphotos_tui.cli import main
from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.charts import ColumnChart, Heatmap, RankedBars
from gphotos_tui.ui.modals.drill import DrillScreen
from gphotos_tui.ui.modals.filters import FilterScreen
from gphotos_tui.ui.screens.item_detail import ItemDetailScreen
from gphotos_tui.ui.screens.stats import StatsScreen
from tests.ui.conftest import UI_CATALOG_SIZE, settle

WIDGET_OF_KIND = {"columns": ColumnChart, "ranked": RankedBars, "grid": Heatmap, "text": Static}


async def _independent(path, filters=None):
    catalog = await Catalog.open(path, readonly=True)
    try:
        return (await compute_stats(catalog.reader, filters)).as_json()
    finally:
        await catalog.close()


def _without_timing(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "seconds"}


async def _open_stats(pilot) -> StatsScreen:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatsScreen)
    assert " items  ·  f: change" in str(screen.query_one("#stats-filters", Static).render())  # drawn
    return screen


async def test_every_chart_is_reachable_by_keyboard_and_matches_stats_json(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_stats(pilot)
        assert screen.stats.total == UI_CATALOG_SIZE
        await pilot.press("home")  # the chart list has focus: first chart
        seen = []
        for _ in CHARTS:  # Down skips the group headings of the list
            await pilot.pause()
            seen.append(screen.chart_id)
            switcher = screen.query_one("#stats-switcher", ContentSwitcher)
            visible = screen.query_one(f"#{switcher.current}")
            assert isinstance(visible, WIDGET_OF_KIND[screen.built.kind]), screen.chart_id
            assert str(screen.query_one("#stats-status", Static).render()).strip(), screen.chart_id
            await pilot.press("down")
        assert seen == [c.id for c in CHARTS]
        on_screen = _without_timing(screen.stats.as_json())

    def stats_json() -> dict:  # the headless command, in a thread: it runs its own event loop
        out = io.StringIO()
        with redirect_stdout(out):
            assert main(["stats", "--db", str(catalog_file), "--json", "--fresh"]) == 0
        return json.loads(out.getvalue())

    assert _without_timing(await asyncio.to_thread(stats_json)) == on_screen


async def test_filter_dialog_filters_every_chart_and_clear_restores(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_stats(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        await pilot.press("tab", "tab", *"iphone", "enter")  # From, To, then Camera
        await settle(pilot)
        assert app.screen is screen
        expected = await _independent(catalog_file, Filters(camera="iphone"))
        assert screen.filters == Filters(camera="iphone")
        assert _without_timing(screen.stats.as_json()) == _without_timing(expected)
        assert 0 < screen.stats.total < UI_CATALOG_SIZE
        assert "camera ~ iphone" in str(screen.query_one("#stats-filters", Static).render())
        # Every chart follows: the camera list now holds iPhones only.
        screen._show_chart("cameras")
        await settle(pilot)
        ranked = screen.query_one(RankedBars).bars
        assert ranked.labels and all("iPhone" in label for label in ranked.labels)
        assert sum(ranked.values) == screen.stats.total - screen.stats.camera_unknown
        await pilot.press("x")
        await settle(pilot)
        assert screen.filters == Filters() and screen.stats.total == UI_CATALOG_SIZE


async def test_bad_date_in_filter_dialog_is_explained(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_stats(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press(*"2020-13-01", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        assert "not a date" in str(app.screen.query_one("#filter-error", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen) and app.screen.filters == Filters()


async def test_period_switch_and_drill_down_into_a_bar(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_stats(pilot)
        assert screen.chart_id == "timeline"
        years = list(screen.stats.by_year)
        assert screen.query_one(ColumnChart).bars.labels == years
        await pilot.press("p")  # per month, one year at a time
        await settle(pilot)
        bars = screen.query_one(ColumnChart).bars
        assert len(bars.labels) == 12 and bars.labels[0] == f"Jan {years[-1]}"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.query_one(ColumnChart).bars.labels[0] == f"Jan {years[-2]}"
        await pilot.press("p", "enter")  # back to years; Enter in the chart list focuses the chart
        await settle(pilot)
        await pilot.press("left")  # the year before the last one
        await settle(pilot)
        year = years[-2]
        assert str(screen.query_one("#stats-status", Static).render()).startswith(f"{year}: ")
        await pilot.press("enter")
        await settle(pilot)
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        assert drill.total == screen.stats.by_year[year]
        table = drill.query_one(DataTable)
        assert table.row_count == min(500, drill.total)
        assert all(str(table.get_row_at(i)[0]).startswith(year) for i in range(table.row_count))
        assert f"{drill.total:,} items" in str(drill.query_one("#drill-heading", Static).render())
        await pilot.press("enter")  # the item detail of the first row
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ItemDetailScreen) and detail.item_id == drill.rows[0].id
        fields = dict(detail.lines)
        assert fields["File"].startswith(drill.rows[0].filename) and fields["Taken (local)"].startswith(year)
        assert fields["Seen by"].startswith("demo:")
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is screen


async def test_heatmap_cell_drill_down(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_stats(pilot)
        screen._show_chart("hour_weekday")
        await settle(pilot)
        screen.query_one("#stats-pane").focus()
        row, col = screen.cursors["hour_weekday"]
        await pilot.press("right", "down")
        await settle(pilot)
        row, col = min(row + 1, 6), min(col + 1, 23)
        assert screen.cursors["hour_weekday"] == (row, col)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.total == screen.stats.hour_weekday[row][col]


async def test_empty_catalog_every_chart_survives_keys(tmp_path):
    catalog = await Catalog.open(tmp_path / "empty.sqlite")
    await catalog.close()
    app = make_app(tmp_path / "empty.sqlite")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open_stats(pilot)
        assert screen.stats.total == 0
        for chart in CHARTS:
            screen._show_chart(chart.id)
            screen.query_one("#stats-pane").focus()
            await pilot.press("right", "down", "enter")
            await settle(pilot)
            assert app.screen is screen, chart.id  # nothing to list: no drill-down opens
        assert "No items" in str(screen.query_one("#stats-status", Static).render())


async def test_coming_back_to_an_unchanged_catalog_keeps_the_drawn_charts(catalog_file):
    app = make_app(catalog_file)
    computed: list[StatsScreen.Computed] = []

    def hook(message) -> None:
        if isinstance(message, StatsScreen.Computed):
            computed.append(message)

    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        screen = await _open_stats(pilot)
        built, before = screen.built, len(computed)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert len(computed) == before + 1 and screen.built is built  # computed again, same figures: not redrawn
        screen.filters = Filters(media_type="video")
        screen.compute()
        await settle(pilot)
        assert screen.built is not built and screen.stats.photos == 0 and screen.stats.videos > 0


async def test_footer_follows_the_focused_keys_and_is_kept_when_they_are_the_same(catalog_file):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_stats(pilot)

        def footer_keys():
            return list(screen.query("Footer FooterKey"))

        assert "screen.drill" not in [key.action for key in footer_keys()]  # the chart list has focus
        await pilot.press("enter")  # into the chart: its keys appear
        await settle(pilot)
        assert screen.focused is screen.query_one("#stats-pane")
        assert "screen.drill" in [key.action for key in footer_keys()]
        shown = footer_keys()
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        assert footer_keys() == shown  # the same keys: the footer was not rebuilt
        await pilot.press("shift+tab")
        await settle(pilot)
        assert "screen.drill" not in [key.action for key in footer_keys()]


async def test_first_visit_shows_the_chart_drawn_ahead_off_screen(catalog_file, monkeypatch):
    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)  # the app has built the Stats screen and drawn the statistics off screen
        builds = []
        figure = type(ColumnChart().plt)
        build = figure.build
        monkeypatch.setattr(figure, "build", lambda self: builds.append(1) or build(self))
        screen = await _open_stats(pilot)
        chart = screen.query_one(ColumnChart)
        assert screen.built.kind == "columns" and chart.size.area and chart.region.area
        assert builds == []  # shown as drawn ahead, at the size it got
        ahead = chart.render()
        chart.show(screen.built.chart, screen.cursors[screen.chart_id])  # the same inputs again: kept
        assert builds == [] and chart.render() is ahead
        assert Text.from_ansi(chart.plt.build()).plain == ahead.plain  # what a fresh build at this size shows


async def test_e_writes_the_report_with_the_screens_filters_and_says_where(catalog_file):
    from tests.ui.conftest import wait_until

    app = make_app(catalog_file)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open_stats(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("tab", "tab", *"iphone", "enter")
        await settle(pilot)
        await pilot.press("e")
        assert await wait_until(lambda: screen.last_report is not None)
        written = screen.last_report
        assert written.path.parent == catalog_file.resolve().parent / "reports" and written.path.exists()
        assert written.items == screen.stats.total < UI_CATALOG_SIZE  # the screen's filters
        assert "camera ~ iphone" in written.path.read_text("utf-8")
        assert await wait_until(lambda: any(written.url in n.message for n in app._notifications))
