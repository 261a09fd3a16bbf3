"""Charts as inline SVG: columns, ranked bars and heatmaps, from the Stats screen's own chart descriptions.

Written directly (no charting library): the charts are simple shapes, SVG text
is a few hundred bytes a bar, it needs no script to appear, prints as vectors,
and scales to any width through its viewBox. Every mark carries a ``<title>``
(the exact value on hover) and ``data-label``/``data-value`` attributes (what
the browser test reads back).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

from gphotos_tui.analysis.stats_charts import Bars, Grid

WIDTH = 640
FONT = 12
#: Heatmap shades: class h0 (empty) to h5 (busiest).
SHADES = 5


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def raw(value: float) -> str:
    """A value exactly, for data-value: integers whole (``:g`` would round 580617105 to 5.80617e+08)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _num(value: float) -> str:
    """Coordinates with at most one decimal (smaller files)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """0 and round steps up to at least ``top`` (1, 2, 2.5, 5 x 10^n)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _tick_text(value: float, value_text: Callable[[float], str]) -> str:
    if value_text.__name__ == "count_text":
        if value >= 1_000_000:
            return f"{value / 1e6:g}M"
        if value >= 10_000:
            return f"{value / 1e3:g}k"
    return value_text(value)


def columns(bars: Bars, *, height: int = 240, unit: str = "items") -> str:
    """Vertical columns over an ordered axis, with a y axis, grid lines and thinned x labels."""
    n = len(bars.values)
    left, right, top, bottom = 52, 8, 10, 38
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    ticks = nice_ticks(max(bars.values, default=0))
    scale = plot_h / ticks[-1] if ticks[-1] else 0
    parts = [_open(WIDTH, height, bars.title)]
    for t in ticks:
        y = top + plot_h - t * scale
        parts.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH - right}" y1="{_num(y)}" y2="{_num(y)}"/>'
            f'<text class="tick" x="{left - 4}" y="{_num(y + 4)}" text-anchor="end">'
            f"{_e(_tick_text(t, bars.value_text))}</text>"
        )
    short = list(bars.short_labels or bars.labels)
    slot = plot_w / max(n, 1)
    every = max(1, math.ceil(n / max(1, plot_w // 34)))  # about one label per 34 px
    for i, (label, value) in enumerate(zip(bars.labels, bars.values)):
        x = left + i * slot
        h = value * scale
        text = f"{label}: {bars.value_text(value)}{' ' + unit if unit else ''}"
        parts.append(
            f'<rect class="bar" x="{_num(x + slot * 0.1)}" y="{_num(top + plot_h - h)}" width="{_num(slot * 0.8)}" '
            f'height="{_num(h)}" data-label="{_e(label)}" data-value="{raw(value)}"><title>{_e(text)}</title></rect>'
        )
        if i % every == 0:
            parts.append(
                f'<text class="tick" x="{_num(x + slot / 2)}" y="{top + plot_h + 14}" text-anchor="middle">'
                f"{_e(short[i])}</text>"
            )
    parts.append(f'<line class="axis" x1="{left}" x2="{WIDTH - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    if bars.xlabel:
        parts.append(
            f'<text class="axis-label" x="{left + plot_w / 2:g}" y="{height - 4}" text-anchor="middle">'
            f"{_e(bars.xlabel)}</text>"
        )
    parts.append(
        f'<text class="axis-label" transform="rotate(-90)" x="{-(top + plot_h / 2):g}" y="12" '
        f'text-anchor="middle">{_e(bars.ylabel)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def ranked(bars: Bars, *, unit: str = "items") -> str:
    """One row per name: the name, a bar as long as its share of the largest, the exact value."""
    row, label_w, value_w = 22, 230, 78
    height = max(1, len(bars.values)) * row + 6
    biggest = max(bars.values, default=0) or 1
    bar_w = WIDTH - label_w - value_w - 8
    parts = [_open(WIDTH, height, bars.title)]
    for i, (label, value) in enumerate(zip(bars.labels, bars.values)):
        y = 3 + i * row
        w = bar_w * value / biggest
        name = label if len(label) <= 32 else label[:31] + "…"  # the full name is in the title and the table
        text = f"{label}: {bars.value_text(value)}{' ' + unit if unit else ''}"
        parts.append(
            f'<text class="name" x="{label_w - 6}" y="{y + 15}" text-anchor="end">{_e(name)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{_num(max(w, 1 if value else 0))}" height="{row - 6}" '
            f'data-label="{_e(label)}" data-value="{raw(value)}"><title>{_e(text)}</title></rect>'
            f'<text class="value" x="{_num(label_w + w + 4)}" y="{y + 15}">{_e(bars.value_text(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def shade(value: int | None, biggest: int) -> int:
    """The heatmap class of a value: 0 for none, then 1..SHADES on a square-root scale."""
    if not value or biggest <= 0:
        return 0
    return max(1, min(SHADES, math.ceil(SHADES * math.sqrt(value / biggest))))


def heatmap(
    grid: Grid,
    *,
    keys: Sequence[Sequence[str | None]] | None = None,
    cell: int = 0,
    label_w: int = 0,
) -> str:
    """Rows x columns of shaded cells (None: no cell), row labels on the left, column labels on top.

    ``keys`` name each cell for ``data-label`` (e.g. the calendar's ISO day)."""
    rows, cols = len(grid.cells), max((len(r) for r in grid.cells), default=0)
    label_w = label_w or min(170, 8 + 7 * max((len(r) for r in grid.row_labels), default=1))
    cell = cell or max(8, min(28, (WIDTH - label_w - 4) // max(cols, 1)))
    top = 18
    width = label_w + cols * cell + 4
    height = top + rows * cell + 26
    values = [v for r in grid.cells for v in r if v is not None]
    biggest = max(values, default=0)
    parts = [_open(width, height, grid.title)]
    for c, text in enumerate(grid.column_labels):
        if text:
            parts.append(f'<text class="tick" x="{label_w + c * cell}" y="{top - 5}">{_e(text)}</text>')
    for r, label in enumerate(grid.row_labels):
        y = top + r * cell
        parts.append(
            f'<text class="name" x="{label_w - 4}" y="{_num(y + cell / 2 + 4)}" text-anchor="end">{_e(label)}</text>'
        )
        for c, value in enumerate(grid.cells[r]):
            if value is None:
                continue
            caption = grid.captions[r][c] if grid.captions else f"{value:,}"
            key = keys[r][c] if keys else None
            parts.append(
                f'<rect class="h{shade(value, biggest)}" x="{label_w + c * cell}" y="{y}" width="{cell - 1}" '
                f'height="{cell - 1}" data-value="{value}"' + (f' data-label="{_e(key)}"' if key else "") + "><title>"
                f"{_e(caption)}</title></rect>"
            )
    # Legend: the five shades and what the busiest cell holds.
    y = top + rows * cell + 8
    parts.append(f'<text class="tick" x="{label_w}" y="{y + 10}">less</text>')
    for i in range(SHADES + 1):
        parts.append(f'<rect class="h{i}" x="{label_w + 30 + i * 13}" y="{y}" width="12" height="12"/>')
    parts.append(
        f'<text class="tick" x="{label_w + 34 + (SHADES + 1) * 13}" y="{y + 10}">more (max {biggest:,} '
        f"{_e(grid.legend_unit)})</text></svg>"
    )
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'style="max-width:{width}px" aria-label="{_e(title)}">'
    )
