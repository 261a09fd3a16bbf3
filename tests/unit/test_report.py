"""gphotos-tui report: one self-contained page with every chart, the years in review, nothing personal."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from gphotos_tui.analysis.stats_charts import CHARTS
from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.catalog import Catalog
from gphotos_tui.cli import main
from gphotos_tui.demo.job import fill_demo
from gphotos_tui.report import year_filters
from gphotos_tui.report.svg import nice_ticks, shade


async def _build(path):
    catalog = await Catalog.open(path)
    try:
        await fill_demo(catalog, 400, seed=3, page_size=200)
        await catalog.writer.execute("UPDATE sources SET last_run_at = last_run_at - 60")
        filenames = [r[0] for r in await catalog.reader.execute_fetchall("SELECT filename FROM items")]
    finally:
        await catalog.close()
    return filenames


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "catalog.sqlite"
    return path, asyncio.run(_build(path))


class _Parsed(HTMLParser):
    """Every tag and attribute, and the text outside script and style."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _report(demo, tmp_path, capsys, *args, stats_args=None) -> tuple[str, dict]:
    path, _ = demo
    out = tmp_path / "r.html"
    assert main(["report", "--db", str(path), "--output", str(out), *args]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    stats_args = [a for a in args if a != "--precise"] if stats_args is None else stats_args
    assert main(["stats", "--db", str(path), "--json", *stats_args]) == 0
    return out.read_text("utf-8"), json.loads(capsys.readouterr().out)


def test_the_page_is_self_contained_and_has_every_chart(demo, tmp_path, capsys):
    html, stats = _report(demo, tmp_path, capsys)
    parsed = _Parsed()
    parsed.feed(html)
    charts = {a.get("data-chart") for _, a in parsed.tags if a.get("data-chart")}
    assert {c.id for c in CHARTS} <= charts
    # Nothing is loaded from anywhere: no src or href to another resource, and a CSP that forbids it.
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, tag
        assert tag != "link", attrs
        assert attrs.get("href", "#").startswith("#"), attrs
    assert "default-src 'none'" in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "@import" not in html and "url(" not in html
    years = [a["data-year"] for t, a in parsed.tags if t == "article"]
    assert years == sorted(stats["by_year"], reverse=True)
    # The cameras table is complete and equals stats --json.
    text = "".join(parsed.text)
    assert all(c["label"] in text for c in stats["cameras"]) and stats["time_basis"] in text


def test_nothing_personal_unless_precise(demo, tmp_path, capsys):
    path, filenames = demo
    html, stats = _report(demo, tmp_path, capsys)
    assert not any(name in html for name in filenames)
    assert str(path) not in html and str(path.parent) not in html
    for place in stats["places"]:
        assert place["label"] in html
        assert f"{place['latitude']:.4f}" not in html and f"{place['longitude']:.4f}" not in html
    precise, _ = _report(demo, tmp_path, capsys, "--precise")
    assert all(f"{p['latitude']:.4f}" in precise for p in stats["places"])
    assert not any(name in precise for name in filenames)


def test_a_year_and_filters_narrow_the_report(demo, tmp_path, capsys):
    html, stats = _report(
        demo,
        tmp_path,
        capsys,
        "--year",
        "2020",
        "--type",
        "photo",
        stats_args=["--from", "2020-01-01", "--to", "2020-12-31", "--type", "photo"],
    )
    assert "2020 in review" in html and "2020-01-01..2020-12-31, media type = photo" in html
    assert list(stats["by_year"]) == ["2020"]
    assert re.findall(r'<article class="year" data-year="(\d+)"', html) == ["2020"]
    assert f'<div class="big">{stats["total"]:,}</div>' in html


def test_year_filters_intersect_the_date_range():
    f = Filters(date_from=date(2019, 6, 1), media_type="video")
    assert year_filters(f, 2019) == Filters(date(2019, 6, 1), date(2019, 12, 31), media_type="video")
    assert year_filters(f, 2020).date_from == date(2020, 1, 1)
    with pytest.raises(ValueError, match="2018 is outside the filters' dates \\(2019-06-01 to any day\\)"):
        year_filters(f, 2018)


def test_chart_helpers():
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(950) == [0, 250, 500, 750, 1000]
    assert nice_ticks(7)[-1] >= 7
    assert [shade(v, 100) for v in (0, None, 1, 25, 100)] == [0, 0, 1, 3, 5]


def test_a_bad_year_is_refused(demo, capsys):
    with pytest.raises(SystemExit):
        main(["report", "--year", "20x0"])
    assert "not a year" in capsys.readouterr().err


@pytest.mark.parametrize("base", [Filters(), Filters(camera="iphone", album="best of"), Filters(media_type="video")])
def test_each_years_statistics_equal_the_stats_of_that_year(demo, base):
    """The report's years come from the snapshot split by year; they equal stats for that year's dates."""
    from gphotos_tui.analysis.stats_cache import stats_for_catalog, stats_for_years

    path, _ = demo
    whole, _ = asyncio.run(stats_for_catalog(path, base))
    years = [int(y) for y in whole.by_year]
    assert len(years) >= 3
    per_year = asyncio.run(stats_for_years(path, {y: year_filters(base, y) for y in years}))
    for year in years:
        alone, _ = asyncio.run(stats_for_catalog(path, year_filters(base, year), fresh=True))
        got, want = per_year[year].as_json(), alone.as_json()
        got.pop("seconds"), want.pop("seconds")
        assert got == want, year
    with pytest.raises(ValueError, match="within 2020"):
        asyncio.run(stats_for_years(path, {2020: base}))


def test_an_empty_catalog_gives_a_page_that_says_so(tmp_path, capsys):
    async def empty():
        catalog = await Catalog.open(tmp_path / "empty.sqlite")
        await catalog.close()

    asyncio.run(empty())
    out = tmp_path / "empty.html"
    assert main(["report", "--db", str(tmp_path / "empty.sqlite"), "--output", str(out)]) == 0
    html = out.read_text("utf-8")
    assert '<div class="big">0</div>' in html and "No items with this information." in html
    assert "<article" not in html and "over 0 years" in capsys.readouterr().err
