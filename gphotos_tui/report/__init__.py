"""A shareable report: the Stats screen's charts as one self-contained HTML page (no Textual, no network).

``write_report`` is what ``gphotos-tui report`` and the Stats screen's key run:
the statistics come from the stats cache (stats_cache.py: the snapshot and the
cached results), each year's from the same snapshot, and page.py draws them as
inline SVG.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from gphotos_tui.analysis.stats import CatalogStats
from gphotos_tui.analysis.stats_filters import Filters

DEFAULT_NAME = "gphotos-report.html"


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    bytes: int
    items: int
    years: int
    seconds: float

    @property
    def url(self) -> str:
        return self.path.resolve().as_uri()


def year_filters(filters: Filters, year: int) -> Filters:
    """``filters`` narrowed to one calendar year (local capture days); ValueError if they do not overlap."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    low = max(first, filters.date_from) if filters.date_from else first
    high = min(last, filters.date_to) if filters.date_to else last
    if low > high:
        raise ValueError(
            f"{year} is outside the filters' dates ({filters.date_from or 'any day'} to {filters.date_to or 'any day'})"
        )
    return replace(filters, date_from=low, date_to=high)


async def gather(
    catalog_path: Path, filters: Filters, *, year: int | None = None, fresh: bool = False
) -> tuple[CatalogStats, dict[str, CatalogStats]]:
    """(the statistics the report covers, each year's under the same filters)."""
    from gphotos_tui.analysis.stats_cache import stats_for_catalog, stats_for_years

    scope = year_filters(filters, year) if year is not None else filters
    stats, _ = await stats_for_catalog(catalog_path, scope, fresh=fresh)
    years = [int(y) for y in stats.by_year if stats.by_year[y]]
    per_year = await stats_for_years(catalog_path, {y: year_filters(filters, y) for y in years})
    return stats, {str(y): per_year[y] for y in years}


def render_report(
    stats: CatalogStats,
    yearly: dict[str, CatalogStats],
    filters: Filters,
    *,
    year: int | None = None,
    precise: bool = False,
    generated: date | None = None,
) -> str:
    from gphotos_tui.report.page import render

    scope = year_filters(filters, year).describe() if year is not None else filters.describe()
    return render(stats, yearly, scope=scope, year=year, precise=precise, generated=generated)


def write_report(
    catalog_path: Path,
    output: Path,
    filters: Filters | None = None,
    *,
    year: int | None = None,
    precise: bool = False,
    fresh: bool = False,
) -> Written:
    """Blocking: compute (or reuse) the statistics and write the page to ``output`` (replaced whole)."""
    started = time.perf_counter()
    filters = filters or Filters()
    stats, yearly = asyncio.run(gather(catalog_path, filters, year=year, fresh=fresh))
    html = render_report(stats, yearly, filters, year=year, precise=precise)
    output = Path(output).expanduser()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.{os.getpid()}.partial")
    data = html.encode("utf-8")
    try:
        partial.write_bytes(data)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return Written(output, len(data), stats.total, len(yearly), round(time.perf_counter() - started, 3))


def default_output(catalog_path: Path) -> Path:
    """Where the app writes a report: a ``reports`` folder beside the catalog, one file per day."""
    return Path(catalog_path).resolve().parent / "reports" / f"gphotos-report-{date.today().isoformat()}.html"
