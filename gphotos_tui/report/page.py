"""The report page: one self-contained HTML file with every chart, an all-time summary and a year in review.

Pure functions of CatalogStats (``render``), so the page is testable without a
catalog. Nothing is fetched at view time: the styles and the one small script
are inline, the charts are inline SVG, and a Content-Security-Policy forbids
any request. Nothing personal beyond the figures: no file names, no catalog
path, places by name only (coordinates with ``precise``).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from html import escape

from gphotos_tui import __version__, units
from gphotos_tui.analysis.stats import WEEKDAYS, CatalogStats
from gphotos_tui.analysis.stats_charts import CHARTS, Bars, Built, Grid, ViewState, build, top_cameras, top_places
from gphotos_tui.report import svg
from gphotos_tui.report.svg import raw

#: Charts drawn per year in the year-in-review sections instead of once for all time.
PER_YEAR = ("calendar",)
BUSIEST = 5


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def render(
    stats: CatalogStats,
    yearly: dict[str, CatalogStats],
    *,
    scope: str,
    year: int | None = None,
    precise: bool = False,
    generated: date | None = None,
) -> str:
    """The whole page. ``yearly``: each year's statistics under the same filters; ``scope``: the filters in words."""
    generated = generated or date.today()
    title = f"{year} in review" if year else "A life in photos"
    body = [
        f'<header><h1>{_e(title)}</h1><p class="sub">{_e(scope)} · made {generated.isoformat()} by gphotos-tui '
        f"{_e(__version__)} from its local catalog</p></header>",
        _summary(stats),
        _all_charts(stats, precise),
        _years(stats, yearly),
        "<footer><p>This page is self-contained: it loads nothing from the network and can be kept, printed or "
        "sent as is. It holds counts only: no file names and "
        + ("the coordinates of each place (made with --precise)." if precise else "no coordinates (places by name).")
        + " Places are named offline after the biggest city within 25 km (GeoNames).</p></footer>",
    ]
    return _PAGE.format(title=_e(title), css=_CSS, script=_SCRIPT, body="\n".join(body))


# -- the summary -------------------------------------------------------------------


def _summary(s: CatalogStats) -> str:
    years = list(s.by_year)
    span = f"{years[0]}–{years[-1]}" if years else "no dated items"
    countries = len({p["country_code"] for p in s.places if p.get("country_code")})
    cards = [
        ("items", f"{s.total:,}", f"{s.photos:,} photos · {s.videos:,} videos"),
        ("favourites", f"{s.favorites:,}", f"{s.favorites / s.total:.1%} of all" if s.total else ""),
        ("years", span, f"{len(years)} years" + (f" · {s.undated:,} undated" if s.undated else "")),
        ("cameras", f"{len(s.cameras):,}", top_cameras(s)[0]["label"] if s.cameras else "none recorded"),
        ("places", f"{len(s.places):,}", f"in {countries} countries" if countries else "no GPS"),
        ("storage", units.size_bytes(s.storage_bytes) or "0 B", f"{s.storage_known:,} sizes known"),
    ]
    card_html = "".join(
        f'<div class="card" data-card="{name}"><div class="label">{name}</div><div class="big">{_e(big)}</div>'
        f'<div class="small">{_e(small)}</div></div>'
        for name, big, small in cards
    )
    sources = ", ".join(f"{kind} {n:,}" for kind, n in s.by_source.items()) or "none"
    facts = [
        ("Times", s.time_basis),
        ("Sources", f"{sources} (items seen by each source; an item may have several)"),
        ("With GPS", f"{s.with_gps:,} items"),
    ]
    fact_html = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    return (
        f'<section class="summary" data-chart="overview"><h2>All time</h2><div class="cards">{card_html}</div>'
        f'<dl class="facts">{fact_html}</dl></section>'
    )


# -- every chart -------------------------------------------------------------------


def _all_charts(s: CatalogStats, precise: bool) -> str:
    out, group = [], None
    for chart in CHARTS:
        if chart.id == "overview" or chart.id in PER_YEAR:
            continue
        if chart.group != group:
            if group is not None:
                out.append("</div>")
            group = chart.group
            out.append(f'<h2 class="group">{_e(group)}</h2><div class="charts">')
        built = build(chart.id, s, ViewState(period="year"))
        out.append(figure(chart.id, built, _table(chart.id, built, s, precise)))
    out.append("</div>")
    return "<section>" + "".join(out) + "</section>"


def figure(chart_id: str, built: Built, table: str, *, title: str | None = None) -> str:
    chart = built.chart
    assert not isinstance(chart, str)
    caption = _e(title or chart.title)
    if built.kind == "grid":
        assert isinstance(chart, Grid)
        picture = svg.heatmap(chart)
    elif built.kind == "ranked":
        assert isinstance(chart, Bars)
        picture = svg.ranked(chart, unit=chart.unit)
    else:
        assert isinstance(chart, Bars)
        picture = svg.columns(chart, unit=chart.unit)
    empty = not (chart.values if isinstance(chart, Bars) else any(v for r in chart.cells for v in r if v))
    note = '<p class="empty">No items with this information.</p>' if empty else ""
    return (
        f'<figure class="chart{" wide" if built.kind == "grid" else ""}" data-chart="{chart_id}">'
        f"<figcaption>{caption}</figcaption>{note}{picture}"
        f"<details><summary>Values</summary>{table}</details></figure>"
    )


def _rows_table(headers: Sequence[str], rows: Sequence[tuple[str, float, Sequence[str]]]) -> str:
    """A table whose rows carry the exact value (data-label, data-value) for readers and tests."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        f'<tr data-label="{_e(label)}" data-value="{raw(value)}">'
        + "".join(f"<td>{_e(c)}</td>" for c in cells)
        + "</tr>"
        for label, value, cells in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _table(chart_id: str, built: Built, s: CatalogStats, precise: bool) -> str:
    """The exact values behind a chart; ranked lists complete (the chart shows the top few and "other")."""
    if chart_id == "cameras":
        return _rows_table(
            ("camera", "items"), [(c["label"], c["count"], (c["label"], f"{c['count']:,}")) for c in s.cameras]
        )
    if chart_id == "lenses":
        return _rows_table(
            ("lens", "items"), [(c["lens"], c["count"], (c["lens"], f"{c['count']:,}")) for c in s.lenses]
        )
    if chart_id == "places":
        headers = ("place", "items", "latitude", "longitude") if precise else ("place", "items")
        rows = []
        for p in s.places:
            cells = [p["label"], f"{p['count']:,}"]
            if precise:
                cells += [f"{p['latitude']:.4f}", f"{p['longitude']:.4f}"]
            rows.append((p["label"], p["count"], cells))
        return _rows_table(headers, rows)
    if chart_id == "storage":
        return _rows_table(
            ("year", "bytes", "size"),
            [(y, b, (y, f"{b:,}", units.size_bytes(b))) for y, b in s.storage_by_year.items()],
        )
    chart = built.chart
    if isinstance(chart, Grid):
        head = "".join(f"<th>{_e(c)}</th>" for c in (chart.xlabel, *_grid_columns(chart_id, chart, s)))
        body = "".join(
            f"<tr><th>{_e(label)}</th>" + "".join(f"<td>{'' if v is None else v}</td>" for v in row) + "</tr>"
            for label, row in zip(chart.row_labels, chart.cells)
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    assert isinstance(chart, Bars)
    return _rows_table(
        (chart.xlabel or "", chart.ylabel),
        [(label, v, (label, chart.value_text(v))) for label, v in zip(chart.labels, chart.values)],
    )


def _grid_columns(chart_id: str, chart: Grid, s: CatalogStats) -> list[str]:
    if chart_id == "hour_weekday":
        return [f"{h:02d}" for h in range(24)]
    if chart_id == "camera_years":
        return [y for y in s.camera_share_by_year if y != "undated"]
    return list(chart.column_labels)


# -- the year in review ------------------------------------------------------------


def _years(s: CatalogStats, yearly: dict[str, CatalogStats]) -> str:
    if not yearly:
        return ""
    parts = ['<section class="years"><h2>Year in review</h2>']
    for year in sorted(yearly, reverse=True):
        parts.append(year_section(year, yearly[year]))
    parts.append("</section>")
    return "".join(parts)


def year_section(year: str, y: CatalogStats) -> str:
    days = sorted(y.by_day.items(), key=lambda kv: (-kv[1], kv[0]))
    busiest = "".join(
        f'<li data-label="{d}" data-value="{n}">{_e(_day_text(d))}: {n:,} items</li>' for d, n in days[:BUSIEST]
    )
    places = "".join(
        f'<li data-label="{_e(p["label"])}" data-value="{p["count"]}">{_e(p["label"])}: {p["count"]:,}</li>'
        for p in top_places(y)[:BUSIEST]
        if p["label"] != "other"
    )
    cameras = "".join(
        f'<li data-label="{_e(c["label"])}" data-value="{c["count"]}">{_e(c["label"])}: {c["count"]:,}</li>'
        for c in y.cameras[:BUSIEST]
    )
    lists = [("Busiest days", busiest), ("Places", places), ("Cameras", cameras)]
    list_html = "".join(
        f'<div class="card list" data-list="{_e(name.lower().replace(" ", "-"))}"><div class="label">{_e(name)}</div>'
        + (f"<ol>{items}</ol>" if items else '<p class="small">none recorded</p>')
        + "</div>"
        for name, items in lists
    )
    view = ViewState(period="month", year=int(year))
    months = build("timeline", y, view)
    calendar_built = build("calendar", y, view)
    calendar_keys = [[k.key if k is not None else None for k in row] for row in calendar_built.keys]
    assert isinstance(calendar_built.chart, Grid)
    grid = calendar_built.chart
    calendar_svg = svg.heatmap(grid, keys=calendar_keys, cell=13, label_w=34)
    active = sum(1 for n in y.by_day.values() if n)
    return (
        f'<article class="year" data-year="{year}"><h3>{year}</h3><div class="cards year-cards">'
        f'<div class="card" data-card="items"><div class="label">items</div><div class="big">{y.total:,}</div>'
        f'<div class="small">{y.photos:,} photos · {y.videos:,} videos · {y.favorites:,} favourites · '
        f'{active:,} days with photos</div></div>{list_html}</div><div class="charts">'
        f'<figure class="chart" data-chart="calendar"><figcaption>Calendar {year}: {y.total:,} items'
        f"</figcaption>{calendar_svg}</figure>"
        + figure("months", months, _table("months", months, y, False), title=f"Items per month, {year}")
        + "</div></article>"
    )


def _day_text(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{WEEKDAYS[d.weekday()]} {d.day} {calendar.month_abbr[d.month]} {d.year}"


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gphotos-tui">
<title>{title}</title><style>{css}</style></head>
<body><main>
{body}
</main><script>{script}</script></body></html>
"""

_CSS = """
:root { --ink:#1d2433; --muted:#5b6578; --line:#d9dee7; --bar:#3b6fd8; --bg:#f6f7fa; --card:#fff;
  --h0:#e8ebf0; --h1:#cfe0fb; --h2:#9cc0f5; --h3:#5f97ea; --h4:#2f6ad3; --h5:#173f91; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1400px; margin: 0 auto; padding: 16px; }
h1 { margin: 8px 0 0; font-size: 2rem; } h2 { margin: 28px 0 10px; } h3 { margin: 0 0 10px; font-size: 1.5rem; }
.sub, .small, footer { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 160px), 1fr)); gap: 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .label { text-transform: uppercase; font-size: .75rem; letter-spacing: .05em; color: var(--muted); }
.card .big { font-size: 1.6rem; font-weight: 650; }
.card ol { margin: 4px 0 0; padding-left: 1.3em; }
.year-cards { grid-template-columns: repeat(auto-fill, minmax(min(100%, 240px), 1fr)); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 12px 0 0; }
.facts dt { font-weight: 600; } .facts dd { margin: 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); gap: 14px; }
figure.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px;
  overflow-x: auto; break-inside: avoid; }
figure.wide { grid-column: 1 / -1; }
figcaption { font-weight: 600; margin-bottom: 6px; }
svg { display: block; width: 100%; height: auto; font-size: 12px; }
svg text { fill: var(--ink); } svg .tick, svg .axis-label { fill: var(--muted); font-size: 11px; }
svg .grid { stroke: var(--line); } svg .axis { stroke: var(--muted); }
svg .bar { fill: var(--bar); } svg .bar:hover, svg rect[data-value]:hover { stroke: #e0383e; stroke-width: 2; }
.h0 { fill: var(--h0); } .h1 { fill: var(--h1); } .h2 { fill: var(--h2); } .h3 { fill: var(--h3); }
.h4 { fill: var(--h4); } .h5 { fill: var(--h5); }
details { margin-top: 6px; } summary { cursor: pointer; color: var(--muted); }
table { border-collapse: collapse; font-size: .85rem; margin-top: 4px; }
td, th { border-bottom: 1px solid var(--line); padding: 2px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; }
.empty { color: var(--muted); font-style: italic; }
article.year { background: #eef1f6; border-radius: 10px; padding: 12px; margin: 12px 0; }
article.year figure { margin-top: 10px; }
footer { margin: 30px 0 10px; font-size: .85rem; }
@media (max-width: 600px) { main { padding: 10px; } figure.chart { padding: 6px; } .card .big { font-size: 1.3rem; } }
@media print { body { background: #fff; } main { max-width: none; padding: 0; }
  figure.chart, article.year .cards { break-inside: avoid; } summary { display: none; } }
"""

# Tables open for printing, closed again after.
_SCRIPT = """
addEventListener('beforeprint', () => document.querySelectorAll('details').forEach(d => { d.dataset.was = d.open; d.open = true; }));
addEventListener('afterprint', () => document.querySelectorAll('details').forEach(d => { d.open = d.dataset.was === 'true'; }));
"""
