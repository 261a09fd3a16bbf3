"""Headless sync and pick as a person runs them: subprocesses, kill -9, locks, exit codes."""

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.engine.lock import CatalogBusy, CatalogLock
from gphotos_tui.fakegoogle.server import FakeGoogle

# Every test here runs the command line in a child process.
pytestmark = pytest.mark.subprocess

SIZE = 1200


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle(SyntheticLibrary(SIZE, seed=5), polls_until_picked=2, poll_interval_s=0.01) as server:
        yield server


def gphotos(fake, home, *args, timeout=120):
    env = dict(os.environ, **fake.environ(), GPHOTOS_TUI_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "gphotos_tui", *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def export(fake, home, db):
    out = gphotos(fake, home, "export", "--db", str(db)).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    return sorted(rows, key=lambda r: r["id"])


def test_sync_summary_progress_and_exit_code(fake, tmp_path):
    result = gphotos(fake, tmp_path, "sync", "--db", str(tmp_path / "c.sqlite"))
    assert result.returncode == 0, result.stderr
    assert f"{SIZE:,} items listed" in result.stdout
    assert "albums" in result.stdout
    assert "items/s" in result.stderr  # progress lines go to stderr, plain text when not a terminal
    assert "\r" not in result.stderr
    assert fake.static_token not in result.stdout + result.stderr


@pytest.mark.slow  # about 30 s: twenty kills at random points, then a resume
def test_killed_at_random_points_resumes_to_the_same_catalog(fake, tmp_path):
    clean = tmp_path / "clean.sqlite"
    assert gphotos(fake, tmp_path, "sync", "--db", str(clean)).returncode == 0
    reference = export(fake, tmp_path, clean)
    assert len(reference) == SIZE

    db = tmp_path / "killed.sqlite"
    env = dict(os.environ, **fake.environ(), GPHOTOS_TUI_HOME=str(tmp_path))
    rng = random.Random(1234)
    fake.faults.latency_s = 0.02  # long enough that kills land in the middle of a listing
    kills = runs = 0
    try:
        while kills < 20 and runs < 60:
            # --full makes every run do real listing work (a killed run's plan is resumed first).
            proc = subprocess.Popen(
                [sys.executable, "-m", "gphotos_tui", "sync", "--full", "--db", str(db)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            runs += 1
            time.sleep(rng.uniform(0.3, 2.5))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait()
    finally:
        fake.faults.latency_s = 0
    assert kills >= 20
    final = gphotos(fake, tmp_path, "sync", "--db", str(db))
    assert final.returncode == 0, final.stderr
    assert export(fake, tmp_path, db) == reference


def test_two_runs_cannot_write_one_catalog(tmp_path):
    db = tmp_path / "c.sqlite"
    with CatalogLock(db), pytest.raises(CatalogBusy, match="another gphotos-tui run"):
        CatalogLock(db).acquire()
    with CatalogLock(db):  # released: usable again
        pass


def test_not_signed_in_is_a_clear_message(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GPHOTOS_TUI_")}
    env["GPHOTOS_TUI_HOME"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "gphotos_tui", "sync", "--db", str(tmp_path / "c.sqlite")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "gphotos-tui auth" in result.stderr
    assert "Traceback" not in result.stderr


def test_pick_shows_link_and_catalogs_the_picked_items(fake, tmp_path):
    db = tmp_path / "c.sqlite"
    result = gphotos(fake, tmp_path, "pick", "--db", str(db), "--max-items", "50")
    assert result.returncode == 0, result.stderr
    assert "pick your photos" in result.stderr
    assert "http://127.0.0.1" in result.stderr
    assert "▀" in result.stderr or "▄" in result.stderr  # the QR code, for a phone
    assert "picked items" in result.stdout
    rows = export(fake, tmp_path, db)
    assert rows and all(r["sources"] == ["picker"] for r in rows)
    assert all(r["latitude"] is None for r in rows)  # the Picker never gives locations


def test_pick_rejects_more_than_googles_cap(fake, tmp_path):
    result = gphotos(fake, tmp_path, "pick", "--db", str(tmp_path / "c.sqlite"), "--max-items", "5000")
    assert result.returncode == 2
    assert "2000" in result.stderr
