"""backup --verify: recorded files re-read by size and SHA-256; missing, changed and stray reported."""

import io
import os
import subprocess
import sys

import pytest

from gphotos_tui.backup.run import run_backup
from gphotos_tui.backup.verify import verify_backup
from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.takeout import write_takeout
from gphotos_tui.engine.console import ConsoleProgress, progress_bar
from gphotos_tui.progress import JobProgress, JobState
from gphotos_tui.sources.takeout import import_takeout


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    return write_takeout(SyntheticLibrary(40, 3), tmp_path_factory.mktemp("parts"), parts=2).paths


async def test_verify_finds_corruption_missing_and_stray(parts, tmp_path):
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    try:
        await import_takeout(catalog, parts)
        dest = tmp_path / "dest"
        backup = await run_backup(catalog, dest, takeout=parts)
        assert backup.errors == []
        seen = []
        clean = await verify_backup(catalog, dest, progress=seen.append)
        assert clean.ok and clean.exit_status() == 0, clean.one_line()
        media = clean.checked - clean.sidecars
        assert media == backup.copied and clean.fidelity == {"original": backup.copied}
        assert clean.stray == [] and clean.missing == [] and clean.changed == []
        assert seen[0].total == clean.checked and seen[-1].state == JobState.DONE

        rows = sorted(p for p in dest.rglob("*") if p.is_file() and not p.is_symlink() and p.suffix != ".xmp")
        corrupt, gone, shorter = rows[0], rows[1], rows[2]
        data = bytearray(corrupt.read_bytes())
        data[len(data) // 2] ^= 0xFF  # same size, one byte flipped
        corrupt.write_bytes(bytes(data))
        gone.unlink()
        shorter.write_bytes(shorter.read_bytes()[:-1])
        (dest / "2019").mkdir(exist_ok=True)
        (dest / "2019" / "notes.txt").write_text("mine")
        (dest / "leftover.jpg.part").write_bytes(b"x")

        found = await verify_backup(catalog, dest)
        assert found.exit_status() == 1 and not found.ok
        rel = lambda p: os.path.relpath(p, dest)  # noqa: E731
        assert found.missing == [rel(gone)]
        assert sorted(found.changed) == sorted(
            [
                f"{rel(corrupt)}: same size, different SHA-256",
                f"{rel(shorter)}: {shorter.stat().st_size:,} bytes, {shorter.stat().st_size + 1:,} recorded",
            ]
        )
        assert sorted(found.stray) == ["2019/notes.txt", "leftover.jpg.part"]
        assert "1 missing, 2 changed, 2 stray" in found.one_line()
    finally:
        await catalog.close()


async def test_verify_without_a_recorded_backup_is_status_2(tmp_path):
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    try:
        absent = await verify_backup(catalog, tmp_path / "nowhere")
        assert absent.exit_status() == 2 and "not a folder" in absent.one_line()
        (tmp_path / "empty").mkdir()
        empty = await verify_backup(catalog, tmp_path / "empty")
        assert empty.exit_status() == 2 and "no backup recorded" in empty.one_line()
    finally:
        await catalog.close()


async def test_a_file_recorded_without_hash_gets_one(parts, tmp_path):
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    try:
        dest = tmp_path / "dest"
        await run_backup(catalog, dest, takeout=parts)
        await catalog.writer.execute("UPDATE local_files SET sha256 = NULL")
        first = await verify_backup(catalog, dest)
        assert first.ok and first.size_only == first.checked - first.sidecars > 0
        ((unhashed,),) = await catalog.reader.execute_fetchall("SELECT count(*) FROM local_files WHERE sha256 IS NULL")
        assert unhashed == 0
        again = await verify_backup(catalog, dest)
        assert again.ok and again.size_only == 0
    finally:
        await catalog.close()


def _cli(home, *args):
    env = dict(os.environ, GPHOTOS_TUI_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "gphotos_tui", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_cli_verify_exit_status(parts, tmp_path):
    db, dest = str(tmp_path / "c.sqlite"), tmp_path / "dest"
    assert _cli(tmp_path, "backup", "--verify", "--db", db, str(dest)).returncode == 2
    made = _cli(tmp_path, "backup", "--db", db, "--no-download", "--from-takeout", *map(str, parts), "--", str(dest))
    assert made.returncode == 0, made.stderr
    ok = _cli(tmp_path, "backup", "--verify", "--db", db, str(dest))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 missing, 0 changed, 0 stray" in ok.stdout and "\r" not in ok.stderr
    victim = next(p for p in sorted(dest.rglob("*.jpg")) if not p.is_symlink())
    victim.unlink()
    bad = _cli(tmp_path, "backup", "--verify", "--db", db, str(dest))
    assert bad.returncode == 1
    assert f"missing: {victim.relative_to(dest)}" in bad.stdout


def test_progress_bar_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert progress_bar(0, 10) == "[--------------------]   0%"
    assert progress_bar(5, 10, width=10) == "[#####-----]  50%"
    assert progress_bar(12, 10, width=4) == "[####] 100%"
    stream = Tty()
    ConsoleProgress(stream)(JobProgress("backup-verify", "Verify", total=4, items=1))
    assert "[#####---------------]  25%" in stream.getvalue()
