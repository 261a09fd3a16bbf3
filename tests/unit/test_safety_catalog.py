"""Issue 11, the catalog: one writer at a time, damage refused with advice, one-line errors, --db anywhere,
stale runs closed, private files at rest."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from gphotos_tui.catalog import Catalog
from gphotos_tui.cli import main
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.takeout import write_takeout
from gphotos_tui.engine.lock import CatalogLock


@pytest.fixture(scope="module")
def part(tmp_path_factory) -> Path:
    return write_takeout(SyntheticLibrary(40, 9), tmp_path_factory.mktemp("parts"), parts=1, fmt="zip").paths[0]


@pytest.fixture
def imported(part, tmp_path) -> Path:
    db = tmp_path / "c.sqlite"
    assert main(["import-takeout", "--db", str(db), str(part)]) == 0
    return db


@pytest.mark.parametrize(
    "argv",
    [
        ["import-takeout", "{part}", "--force"],
        ["scan-folder", "{tmp}"],
        ["backup", "{tmp}/dest", "--from-takeout", "{part}"],
        ["demo-catalog", "--size", "10"],
    ],
)
def test_every_writer_takes_the_catalog_lock(imported, part, tmp_path, capsys, monkeypatch, argv):
    monkeypatch.delenv("GPHOTOS_TUI_ACCESS_TOKEN", raising=False)
    capsys.readouterr()
    argv = [a.format(part=part, tmp=tmp_path) for a in argv]
    with CatalogLock(imported, "sync"):
        code = main([argv[0], "--db", str(imported), *argv[1:]])
    err = capsys.readouterr().err
    assert code == 1
    assert f"another gphotos-tui run (pid {os.getpid()}, sync) is using this catalog" in err
    assert "Traceback" not in err


def test_a_damaged_catalog_is_refused_by_writers_with_recovery_advice(imported, part, capsys):
    with sqlite3.connect(imported) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    raw = bytearray(imported.read_bytes())
    for n in range(pages // 2, pages - 1):  # damage the middle of the file, not its header
        raw[n * page + 8 : n * page + 400] = b"\xa5" * 392
    imported.write_bytes(bytes(raw))
    before = hashlib.sha256(imported.read_bytes()).hexdigest()
    capsys.readouterr()
    code = main(["import-takeout", "--db", str(imported), str(part), "--force"])
    err = capsys.readouterr().err
    assert code == 1 and "damaged" in err and "to recover" in err and "Traceback" not in err
    assert hashlib.sha256(imported.read_bytes()).hexdigest() == before
    for argv in (["export", "--db", str(imported)], ["stats", "--db", str(imported)]):
        code = main(argv)
        err = capsys.readouterr().err
        assert code in (0, 1) and "Traceback" not in err
        if code:
            assert len(err.strip().splitlines()) == 1


def test_sqlite_errors_reaching_the_cli_are_one_line(part, tmp_path, capsys, monkeypatch):
    import gphotos_tui.sources.takeout as takeout

    async def disk_full(*_a, **_k):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(takeout, "import_takeout", disk_full)
    code = main(["import-takeout", "--db", str(tmp_path / "c.sqlite"), str(part)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "database or disk is full" in err


def test_a_newer_schema_gets_upgrade_advice_in_read_only_commands(imported, capsys):
    with sqlite3.connect(imported) as conn:
        conn.execute("PRAGMA user_version = 999")
    capsys.readouterr()
    assert main(["export", "--db", str(imported)]) == 1
    err = capsys.readouterr().err
    assert "newer than this gphotos-tui" in err and "upgrade" in err and "without read-only" not in err


def test_runs_left_running_by_a_kill_are_marked_interrupted(imported, tmp_path):
    async def leave_running():
        catalog = await Catalog.open(imported)
        source = await catalog.ensure_source("takeout", "takeout:x", "x")
        await catalog.start_run(source, "takeout")
        await catalog.close()

    asyncio.run(leave_running())
    (tmp_path / "empty").mkdir()
    assert main(["scan-folder", "--db", str(imported), str(tmp_path / "empty")]) == 0
    with sqlite3.connect(imported) as conn:
        states = [r[0] for r in conn.execute("SELECT state FROM sync_runs")]
    assert "running" not in states and "interrupted" in states


@pytest.mark.parametrize("before", [True, False])
def test_db_before_or_after_the_subcommand_means_the_same(part, tmp_path, monkeypatch, before):
    monkeypatch.setenv("GPHOTOS_TUI_HOME", str(tmp_path / "home"))
    db = tmp_path / "x.sqlite"
    argv = ["--db", str(db), "import-takeout", str(part)] if before else ["import-takeout", str(part), "--db", str(db)]
    assert main(argv) == 0
    assert db.exists() and not (tmp_path / "home" / "data" / "catalog.sqlite").exists()


def test_data_folders_and_catalog_are_private_and_tightened(part, tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("GPHOTOS_TUI_HOME", str(home))
    for name in ("data", "config", "cache"):
        (home / name).mkdir(parents=True, mode=0o755)
        os.chmod(home / name, 0o755)
    db = home / "data" / "catalog.sqlite"
    sqlite3.connect(db).close()
    os.chmod(db, 0o644)
    assert main(["import-takeout", str(part)]) == 0
    for name in ("data", "config", "cache"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o700
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    fresh = tmp_path / "fresh"
    monkeypatch.setenv("GPHOTOS_TUI_HOME", str(fresh))
    assert main(["import-takeout", str(part)]) == 0
    assert stat.S_IMODE((fresh / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((fresh / "data" / "catalog.sqlite").stat().st_mode) == 0o600


def test_quick_check_is_skipped_only_for_a_file_left_as_a_checked_writer_closed_it(imported, tmp_path, monkeypatch):
    from gphotos_tui.catalog import store

    checks = []
    real = store._check_file
    monkeypatch.setattr(store, "_check_file", lambda path: (checks.append(path), real(path)))
    (tmp_path / "empty").mkdir()
    assert main(["scan-folder", "--db", str(imported), str(tmp_path / "empty")]) == 0
    assert main(["scan-folder", "--db", str(imported), str(tmp_path / "empty")]) == 0
    assert len(checks) == 0  # the import that made it checked it and closed it cleanly
    with sqlite3.connect(imported) as conn:  # someone else wrote to it
        conn.execute("CREATE TABLE IF NOT EXISTS x (a)")
    assert main(["scan-folder", "--db", str(imported), str(tmp_path / "empty")]) == 0
    assert len(checks) == 1
