"""`gphotos-tui stats`: JSON with the documented keys, the same filters as the screen, and the result cache."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from datetime import date

import pytest

from gphotos_tui.analysis import stats_cache
from gphotos_tui.analysis.stats import compute_stats
from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.catalog import Catalog
from gphotos_tui.cli import main
from gphotos_tui.demo.job import fill_demo
from gphotos_tui.model import MediaRecord, SourceKind

REQUIRED_KEYS = {
    "total",
    "photos",
    "videos",
    "by_year",
    "by_month",
    "by_hour",
    "by_weekday",
    "cameras",
    "lenses",
    "focal_lengths",
    "apertures",
    "isos",
    "exposures",
    "mime_types",
    "time_basis",
}


async def _build(path):
    catalog = await Catalog.open(path)
    try:
        await fill_demo(catalog, 400, seed=3, page_size=200)
        # Make the last write old enough to be cached (writes in the current second never are).
        await catalog.writer.execute("UPDATE sources SET last_run_at = last_run_at - 60")
    finally:
        await catalog.close()


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "catalog.sqlite"
    asyncio.run(_build(path))
    return path


async def _direct(path, filters):
    catalog = await Catalog.open(path, readonly=True)
    try:
        return (await compute_stats(catalog.reader, filters)).as_json()
    finally:
        await catalog.close()


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main(["stats", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _same(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "seconds"} == {k: v for k, v in b.items() if k != "seconds"}


def test_json_has_the_documented_keys_and_matches_the_library(demo_db, capsys):
    code, out, err = _run(capsys, "--db", str(demo_db), "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= REQUIRED_KEYS
    assert len(data["by_hour"]) == 24 and len(data["by_weekday"]) == 7
    assert data["total"] == 400 == data["photos"] + data["videos"]
    assert all(set(b) == {"bucket", "count"} for key in ("exposures", "apertures", "isos") for b in data[key])
    assert _same(data, asyncio.run(_direct(demo_db, Filters())))
    assert "computed in" in err


def test_filters_on_the_command_line(demo_db, capsys):
    code, out, _ = _run(
        capsys,
        "--db",
        str(demo_db),
        "--json",
        "--from",
        "2020-01-01",
        "--to",
        "2022-12-31",
        "--camera",
        "pixel",
        "--type",
        "photo",
        "--source",
        "demo",
    )
    assert code == 0
    data = json.loads(out)
    want = Filters(date(2020, 1, 1), date(2022, 12, 31), camera="pixel", media_type="photo", source="demo")
    assert _same(data, asyncio.run(_direct(demo_db, want)))
    assert data["videos"] == 0 and set(data["by_year"]) <= {"2020", "2021", "2022"}
    assert [c["model"] for c in data["cameras"]] == ["Pixel 3"]


def test_text_summary_and_bad_input(demo_db, capsys):
    code, out, _ = _run(capsys, "--db", str(demo_db))
    assert code == 0 and out.startswith("400 items:") and "cameras:" in out
    code, _, err = _run(capsys, "--db", str(demo_db), "--source", "flickr")
    assert code == 1 and "unknown source kind 'flickr'" in err
    with pytest.raises(SystemExit):
        main(["stats", "--db", str(demo_db), "--from", "2020-02-30"])
    assert "not a date" in capsys.readouterr().err


def test_cache_is_reused_until_the_catalog_changes(demo_db, capsys):
    _, first, err = _run(capsys, "--db", str(demo_db), "--json")
    assert "computed" in err
    _, second, err = _run(capsys, "--db", str(demo_db), "--json")
    assert "cached" in err and _same(json.loads(first), json.loads(second))
    _, _, err = _run(capsys, "--db", str(demo_db), "--json", "--type", "video")
    assert "computed" in err  # other filters, other entry

    async def add_item():
        catalog = await Catalog.open(demo_db)
        try:
            source = await catalog.ensure_source(SourceKind.FOLDER, "/p", "Pictures")
            await catalog.write_batch(
                source, [MediaRecord("/p/new.jpg", "new.jpg", "image/jpeg", taken_at=1_600_000_000)]
            )
        finally:
            await catalog.close()

    asyncio.run(add_item())
    _, third, err = _run(capsys, "--db", str(demo_db), "--json")
    assert "computed" in err and json.loads(third)["total"] == 401
    # Written this very second: not cached, because another write could still land in the same second.
    _, _, err = _run(capsys, "--db", str(demo_db), "--json")
    assert "computed" in err
    assert stats_cache.cache_file(demo_db).exists()


def test_a_stop_request_interrupts_the_scan(demo_db, monkeypatch):
    monkeypatch.setattr(stats_cache, "STOP_CHECK_EVERY", 100)
    stop = threading.Event()
    stop.set()
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        asyncio.run(stats_cache.stats_for_catalog(demo_db, fresh=True, stop=stop))
    stats, cached = asyncio.run(stats_cache.stats_for_catalog(demo_db, fresh=True, stop=threading.Event()))
    assert stats.total == 400 and not cached


#: What a new process's `stats --json` must not import: never (pandas, Google clients, Textual), or not when the
#: result is cached (numpy, pyarrow, asyncio and the catalog's async connections).
NEVER = ("pandas", "httpx", "googleapiclient", "google_auth_oauthlib", "textual", "rich")
NOT_WHEN_CACHED = ("numpy", "pyarrow", "asyncio", "aiosqlite")
_CHILD = (
    "import sys\n"
    "if '--fresh' in sys.argv:\n"
    "    from gphotos_tui.analysis import stats_snapshot\n"
    "    stats_snapshot.ARROW_FROM_ITEMS = 1  # the Arrow reader even for this small catalog\n"
    "from gphotos_tui.cli import main\n"
    "code = main(['stats', '--json', *sys.argv[1:]])\n"
    "print(sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr)\n"
    "raise SystemExit(code)\n"
)


@pytest.mark.subprocess
def test_a_new_process_imports_only_what_its_path_needs(demo_db):
    import ast
    import subprocess
    import sys

    def run(*args: str) -> tuple[dict, set[str], str]:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, "--db", str(demo_db), *args], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        *notes, modules = done.stderr.strip().splitlines()
        return json.loads(done.stdout), set(ast.literal_eval(modules)), "\n".join(notes)

    computed, modules, note = run("--fresh")
    assert "computed" in note
    assert {"numpy", "pyarrow"} <= modules  # the scan (through Arrow here) and the aggregates
    assert not modules & set(NEVER), f"the scan imported {sorted(modules & set(NEVER))}"
    cached, modules, note = run()
    assert "cached" in note and _same(cached, computed)
    assert not modules & {*NEVER, *NOT_WHEN_CACHED}, f"a cached answer imported {modules & {*NEVER, *NOT_WHEN_CACHED}}"
    other, _, note = run("--type", "video")  # no cached result for these filters: the full path
    assert "computed" in note and other["total"] == computed["videos"]
