import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import bench

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.subprocess
def test_quick_catalog_run_prints_machine_and_figures(tmp_path):
    env = {**os.environ, "GPHOTOS_BENCH_CACHE": str(tmp_path / "cache")}
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.bench", "catalog", "--quick", "--output", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert json.loads(out.read_text()) == report
    assert set(report["machine"]) >= {"cpu", "cores", "ram_gb", "python", "sqlite", "date"}
    assert list(report["results"]) == ["catalog"]
    figures = report["results"]["catalog"]
    errors = {name: f["error"] for name, f in figures.items() if "error" in f}
    assert not errors
    for name in ("ingest_1k", "ingest_5k"):
        assert figures[name]["wall_items_per_s"] > 0 and figures[name]["cpu_items_per_s"] > 0
    assert 0 < figures["cold_start_first_paint_5k"]["seconds"] < 120
    assert figures["peak_rss_tui_5k"]["peak_rss_mb_first_paint"] > 0


def test_a_failing_module_is_reported_not_raised():
    result = bench.run_one("no_such_benchmark", quick=True)
    assert result["error"].startswith("ModuleNotFoundError")


def test_unknown_name_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["no_such_benchmark"])
    assert exit_info.value.code == 2
    assert "unknown benchmark no_such_benchmark" in capsys.readouterr().err
