"""Every chart the app draws, in one module: the single plotext adapter.

Only this module touches textual-plotext / plotext, so moving to plotext 6 or
another chart library changes one file. Columns over an ordered axis (years,
hours, stops) are plotext figures, one per widget: an
update clears the data, plots again and refreshes the widget (refreshing the
app alone does not redraw a plot). Ranked lists with long names (cameras,
lenses, places) and heatmaps are drawn as text rows, which stay exact and
legible at 80x24 where plotext's horizontal bars blur neighbouring rows.

Every chart takes a plain, Textual-free description (``Bars`` or ``Grid``
from analysis/stats_charts.py) and a selected index, drawn in the
accent colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget
from textual_plotext import PlotextPlot

from gphotos_tui.analysis.stats_charts import Bars, Grid


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 to at least ``top`` (1, 2, 2.5 or 5 times a power of ten)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if step >= 1:
        step = math.ceil(step)
    return [i * step for i in range(math.ceil(top / step) + 1)]


def tick_text(value: float) -> str:
    if value >= 1_000_000:
        return f"{value / 1e6:g}M"
    if value >= 10_000:
        return f"{value / 1e3:g}k"
    return f"{value:g}"


def _rgb(color: str) -> tuple[int, int, int]:
    c = Color.parse(color)
    return (c.r, c.g, c.b)


class _ThemedPlot(PlotextPlot):
    """A plotext figure whose series take the app theme's primary and accent colours."""

    DEFAULT_CSS = "_ThemedPlot { height: 1fr; width: 1fr; }"

    def _colors(self) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
        variables = self.app.theme_variables
        return _rgb(variables.get("primary", "#0178D4")), _rgb(variables.get("accent", "#ffa62b"))

    def on_resize(self) -> None:
        self.redraw()  # tick density depends on the width

    def redraw(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class ColumnChart(_ThemedPlot):
    """Columns over an ordered axis, the selected one in the accent colour.

    Building a plotext figure costs tens of milliseconds, so the figure is
    planned again only when its inputs change, and its text is kept per size
    and theme. A chart updated while not laid out yet (its screen off screen)
    is drawn ahead at the size it will get, so showing it is only a copy.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bars: Bars | None = None
        self.selected: int | None = None
        self._planned: tuple[object, ...] | None = None  # the inputs of the figure now in self.plt
        self._drawn: tuple[tuple[object, ...], Content] | None = None  # (size, theme, plan) and the figure as text

    def show(self, bars: Bars, selected: int | None = None, expected: Size | None = None) -> None:
        """Chart ``bars``; ``expected`` is the size a chart not laid out yet will get."""
        self.bars, self.selected = bars, selected
        self.redraw(expected)

    def redraw(self, expected: Size | None = None) -> None:
        size = self.size if self.size.area or expected is None else expected
        plan = (self.bars, self.selected, size.width, self._colors())
        if plan != self._planned:
            self._plan(size.width)
            self._planned = plan
        if not self.size.area and size.area:
            self._draw(size)
        self.refresh()

    def render(self) -> Content:
        return self._draw(self.size)

    def _draw(self, size: Size) -> Content:
        """The figure as text at ``size`` (what PlotextPlot.render does, kept until an input changes)."""
        theme = self._get_plotext_theme_name(self.app.theme)
        key = (size.width, size.height, theme, self._planned)
        if self._drawn is None or self._drawn[0] != key:
            plt = self.plt
            plt.plotsize(size.width, size.height)
            plt._set_size(size.width, size.height)  # as PlotextPlot.render: plotsize alone does not resize
            plt.theme(theme)
            self._drawn = (key, Content.from_rich_text(Text.from_ansi(plt.build()), console=self.app.console))
        return self._drawn[1]

    def _plan(self, width: int) -> None:
        plt, bars = self.plt, self.bars
        plt.clear_data()
        plt.clear_figure()
        if bars is None:
            return
        plt.title(bars.title)
        plt.xlabel(bars.xlabel)
        plt.ylabel(bars.ylabel)
        n = len(bars.values)
        if n:
            primary, accent = self._colors()
            positions = list(range(1, n + 1))
            plt.bar(positions, list(bars.values), color=primary, width=0.7, reset_ticks=False)
            if self.selected is not None and 0 <= self.selected < n:
                plt.bar([self.selected + 1], [bars.values[self.selected]], color=accent, width=0.7, reset_ticks=False)
            top = max(bars.values) or 1
            ticks = nice_ticks(top)
            plt.ylim(0, ticks[-1])
            plt.yticks(ticks, [tick_text(t) for t in ticks])
            plt.xlim(0.4, n + 0.6)
            short = list(bars.short_labels or bars.labels)
            room = max(width - 10, 10)
            widest = max(len(s) for s in short) + 1
            step = max(1, math.ceil(n * widest / room))
            shown = [i for i in range(n) if i % step == 0]
            plt.xticks([i + 1 for i in shown], [short[i] for i in shown])


class RankedBars(Widget):
    """A ranked list: name, a bar in eighths of a cell, the exact value and share."""

    DEFAULT_CSS = "RankedBars { height: 1fr; width: 1fr; padding: 0 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bars: Bars | None = None
        self.selected: int | None = None

    def show(self, bars: Bars, selected: int | None = None) -> None:
        self.bars, self.selected = bars, selected
        self.refresh()

    def render(self) -> Text:
        bars = self.bars
        if bars is None:
            return Text("")
        variables = self.app.theme_variables
        bar_style = Style(color=variables.get("primary", "blue"))
        accent = Style(color=variables.get("accent", "yellow"), bold=True)
        width = self.size.width
        text = Text(bars.title, style="bold", justify="left", no_wrap=True, overflow="crop")
        text.append("\n")
        if not bars.values:
            text.append("nothing to show for these filters", style="dim")
            return text
        total = sum(bars.values) or 1
        name_width = min(max(len(label) for label in bars.labels), max(8, width * 9 // 20))
        value_texts = [f"{bars.value_text(v)} {v / total:>4.0%}" for v in bars.values]
        value_width = max(len(v) for v in value_texts)
        bar_width = max(4, width - name_width - value_width - 3)
        top = max(bars.values) or 1
        visible = max(1, self.size.height - 2)
        first = 0
        if self.selected is not None and self.selected >= visible:
            first = self.selected - visible + 1
        for i in range(first, min(len(bars.values), first + visible)):
            label = bars.labels[i]
            if len(label) > name_width:  # keep both ends: lens names differ at the end
                head = (name_width - 1) // 2
                label = label[:head] + "~" + label[len(label) - (name_width - 1 - head) :]
            eighths = round(bars.values[i] / top * bar_width * 8)
            bar = "\u2588" * (eighths // 8) + (
                " \u258f\u258e\u258d\u258c\u258b\u258a\u2589"[eighths % 8] if eighths % 8 else ""
            )
            selected = i == self.selected
            marker = ">" if selected else " "
            text.append(f"{marker}{label:<{name_width}} ", style=accent if selected else "")
            text.append(f"{bar:<{bar_width}}", style=accent if selected else bar_style)
            text.append(f" {value_texts[i]:>{value_width}}\n", style=accent if selected else "")
        footer = bars.ylabel
        if len(bars.values) > visible:
            footer += f"  ({len(bars.values)} rows; move to scroll)"
        text.append(footer, style="dim")
        return text


class Heatmap(Widget):
    """A grid of shaded cells (4 levels plus empty), the selected cell reversed; exact value in the caption."""

    DEFAULT_CSS = "Heatmap { height: 1fr; width: 1fr; padding: 0 1; }"
    SHADES = (" ", "\u2591", "\u2592", "\u2593", "\u2588")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid: Grid | None = None
        self.selected: tuple[int, int] | None = None

    def show(self, grid: Grid, selected: tuple[int, int] | None = None) -> None:
        self.grid, self.selected = grid, selected
        self.refresh()

    @staticmethod
    def levels(values: Sequence[int]) -> list[int]:
        """Upper bounds of shade levels 1-4 (quartiles of the non-zero values)."""
        positive = sorted(v for v in values if v)
        if not positive:
            return [0, 0, 0, 0]
        return [positive[min(len(positive) - 1, math.ceil(q * len(positive)) - 1)] for q in (0.25, 0.5, 0.75, 1.0)]

    def render(self) -> Text:
        grid = self.grid
        if grid is None:
            return Text("")
        color = Style(color=self.app.theme_variables.get("primary", "blue"))
        text = Text(grid.title, style="bold", no_wrap=True, overflow="crop")
        text.append("\n")
        flat = [v for row in grid.cells for v in row if v is not None]
        bounds = self.levels(flat)
        label_width = max((len(r) for r in grid.row_labels), default=0) + 1
        w = grid.cell_width
        header = [" "] * (len(grid.column_labels) * w + 4)
        free_from = 0
        for c, label in enumerate(grid.column_labels):  # a label may run on over unlabelled columns
            if label and c * w >= free_from:
                header[c * w : c * w + len(label)] = label
                free_from = c * w + len(label) + 1
        text.append(" " * label_width + "".join(header).rstrip() + "\n", style="dim")
        for r, row in enumerate(grid.cells):
            text.append(grid.row_labels[r].ljust(label_width), style="dim")
            for c, value in enumerate(row):
                if value is None:
                    text.append(" " * w)
                    continue
                level = 0 if value == 0 else 1 + next(i for i, b in enumerate(bounds) if value <= b)
                cell = self.SHADES[level] * w if level else "\u00b7".ljust(w)
                style = color + Style(reverse=True) if (r, c) == self.selected else color
                text.append(cell, style=style)
            text.append("\n")
        legend = "  ".join(
            f"{self.SHADES[i + 1] * 2} <={bounds[i]:,}"
            for i in range(4)
            if bounds[i] and (i == 0 or bounds[i] != bounds[i - 1])
        )
        text.append(f"{grid.xlabel}   \u00b7 0  {legend} {grid.legend_unit}\n", style="dim")
        return text
