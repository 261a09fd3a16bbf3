"""The report in a real browser: headless Chromium, networking disabled, every chart drawn, numbers equal stats --json.

The page is loaded from a file with a proxy that leads nowhere and every host
name unresolvable, so any request would fail and show up in the resource list
or as a CSP violation. A script added to a copy of the page (not to the report
itself) reads back what the browser laid out and writes it into the DOM, which
``--dump-dom`` prints.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess

import pytest

from gphotos_tui.analysis.stats_charts import CHARTS
from gphotos_tui.catalog import Catalog
from gphotos_tui.cli import main
from gphotos_tui.demo.job import fill_demo

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    return None


#: No network: every name unresolvable and a proxy on a closed port for anything that gets past that.
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)

PROBE = r"""<script>
window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.blockedURI || e.violatedDirective));
addEventListener('load', () => {
  const out = {charts: {}, years: {}, cards: {}, resources: [], violations: window.__violations};
  for (const fig of document.querySelectorAll('figure[data-chart]')) {
    const svg = fig.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    const marks = svg ? [...svg.querySelectorAll('rect[data-value]')] : [];
    const drawn = marks.filter(r => { const b = r.getBoundingClientRect(); return b.width > 0 || b.height > 0; });
    const entry = {
      width: box.width, height: box.height, marks: marks.length, drawn: drawn.length,
      visible: svg ? getComputedStyle(svg).display !== 'none' && getComputedStyle(svg).visibility !== 'hidden' : false,
      rows: [...fig.querySelectorAll('tbody tr[data-label]')].map(tr => [tr.dataset.label, +tr.dataset.value]),
      cells: marks.map(r => [r.dataset.label || null, +r.dataset.value]),
    };
    const art = fig.closest('article[data-year]');
    if (art) { (out.years[art.dataset.year] ||= {})[fig.dataset.chart] = entry; }
    else { out.charts[fig.dataset.chart] = entry; }
  }
  for (const card of document.querySelectorAll('section.summary [data-card]')) {
    out.cards[card.dataset.card] = card.querySelector('.big').textContent;
  }
  for (const art of document.querySelectorAll('article[data-year]')) {
    (out.years[art.dataset.year] ||= {}).items = art.querySelector('[data-card=items] .big').textContent;
  }
  out.resources = performance.getEntriesByType('resource').map(e => e.name);
  const pre = document.createElement('pre');
  pre.id = 'browser-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


async def _build(path):
    catalog = await Catalog.open(path)
    try:
        await fill_demo(catalog, 600, seed=11, page_size=300)
        await catalog.writer.execute("UPDATE sources SET last_run_at = last_run_at - 60")
    finally:
        await catalog.close()


def render_in_browser(page: str, tmp_path, width: int = 1280) -> dict:
    """Load ``page`` (HTML text) offline in headless Chromium; what the probe read back."""
    browser = chromium()
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("<head>", "<head>" + PROBE, 1), "utf-8")
    run = subprocess.run(
        [
            browser,
            *OFFLINE_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--window-size={width},2000",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    found = re.search(r'<pre id="browser-result">(.*?)</pre>', run.stdout, re.S)
    assert found, f"the page's probe did not run (exit {run.returncode}): {run.stderr[-2000:]}"
    import html

    return json.loads(html.unescape(found.group(1)))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if chromium() is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it): "
            "the report's browser test cannot run"
        )
    tmp_path = tmp_path_factory.mktemp("browser")
    db = tmp_path / "catalog.sqlite"
    asyncio.run(_build(db))
    out = tmp_path / "report.html"
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["report", "--db", str(db), "--output", str(out)]) == 0
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["stats", "--db", str(db), "--json"]) == 0
    stats = json.loads(buffer.getvalue())
    yearly = {}
    for year in stats["by_year"]:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert main(["stats", "--db", str(db), "--json", "--from", f"{year}-01-01", "--to", f"{year}-12-31"]) == 0
        yearly[year] = json.loads(buffer.getvalue())
    return render_in_browser(out.read_text("utf-8"), tmp_path), stats, yearly


def test_it_loads_with_the_network_off_and_requests_nothing(rendered):
    result, _, _ = rendered
    assert result["resources"] == [] and result["violations"] == []


def test_every_chart_is_drawn(rendered):
    result, _, _ = rendered
    wanted = {c.id for c in CHARTS} - {"overview", "calendar"}
    assert wanted <= set(result["charts"])
    for chart_id, chart in result["charts"].items():
        assert chart["visible"] and chart["width"] > 200 and chart["height"] > 15, chart_id
        assert chart["drawn"] == chart["marks"] > 0, chart_id
    for year, charts in result["years"].items():
        for chart_id in ("calendar", "months"):
            chart = charts[chart_id]
            assert chart["visible"] and chart["width"] > 200 and chart["drawn"] == chart["marks"] > 0, (year, chart_id)


def _rows(result, chart_id):
    return result["charts"][chart_id]["rows"]


def test_its_numbers_are_those_of_stats_json(rendered):
    result, s, yearly = rendered
    assert result["cards"]["items"] == f"{s['total']:,}"
    assert _rows(result, "timeline") == [[y, n] for y, n in s["by_year"].items()]
    assert [n for _, n in _rows(result, "hours")] == s["by_hour"]
    assert [n for _, n in _rows(result, "weekdays")] == s["by_weekday"]
    assert [v for _, v in result["charts"]["hour_weekday"]["cells"]] == [n for row in s["hour_weekday"] for n in row]
    assert _rows(result, "cameras") == [[c["label"], c["count"]] for c in s["cameras"]]  # complete, like the JSON
    assert _rows(result, "lenses") == [[c["lens"], c["count"]] for c in s["lenses"]]
    assert _rows(result, "places") == [[p["label"], p["count"]] for p in s["places"]]
    for chart_id, series in (
        ("focal", "focal_lengths"),
        ("focal_35mm", "focal_lengths_35mm"),
        ("apertures", "apertures"),
        ("isos", "isos"),
        ("exposures", "exposures"),
        ("megapixels", "megapixels"),
    ):
        assert _rows(result, chart_id) == [[b["bucket"], b["count"]] for b in s[series]], chart_id
    assert _rows(result, "media") == [["photos", s["photos"]], ["videos", s["videos"]], ["favourites", s["favorites"]]]
    assert dict(_rows(result, "mime_types")) == s["mime_types"]
    assert dict(_rows(result, "orientation")) == s["orientation"]
    assert dict(_rows(result, "sources")) == s["by_source"]
    assert dict(_rows(result, "storage")) == s["storage_by_year"]
    # Each year in review: its count, and every day of its calendar.
    assert sorted(result["years"]) == sorted(s["by_year"])
    for year, charts in result["years"].items():
        y = yearly[year]
        assert charts["items"] == f"{s['by_year'][year]:,}" == f"{y['total']:,}"
        days = dict(charts["calendar"]["cells"])
        assert {d: n for d, n in days.items() if n} == y["by_day"], year
        assert sum(n for _, n in charts["months"]["rows"]) == y["total"]
