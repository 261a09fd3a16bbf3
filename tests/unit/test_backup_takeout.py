"""Backups from Takeout archives: the tree, links, mtimes, incremental reruns, interruptions, disk full."""

import errno
import hashlib
import os
from pathlib import Path

import pytest

from gphotos_tui.backup import copier
from gphotos_tui.backup import takeout as backup_takeout
from gphotos_tui.backup.links import ALBUMS
from gphotos_tui.backup.run import run_backup
from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.takeout import write_takeout
from gphotos_tui.sources.takeout import import_takeout


def tree(root: Path) -> dict[str, str]:
    """relative path -> sha256 of files, or '-> target' of links."""
    out = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            out[rel] = "-> " + os.readlink(path) if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    out = tmp_path_factory.mktemp("parts")
    return {fmt: write_takeout(SyntheticLibrary(80, 11), out / fmt, parts=3, fmt=fmt).paths for fmt in ("zip", "tgz")}


@pytest.mark.parametrize("fmt", ["zip", "tgz"])
async def test_backup_tree_links_mtimes_and_incremental_rerun(parts, tmp_path, fmt):
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    await import_takeout(catalog, parts[fmt])
    dest = tmp_path / "dest"
    report = await run_backup(catalog, dest, takeout=parts[fmt])
    assert report.errors == [] and report.stopped is None
    assert report.copied == report.planned > 80  # items plus live-photo companions
    files = [p for p in dest.rglob("*") if p.is_file() and not p.is_symlink() and p.suffix != ".xmp"]
    assert len(files) == report.copied
    # Each copied file has its XMP sidecar beside it (NAME.EXT.xmp), and nothing else is there.
    assert sorted(dest.rglob("*.xmp")) == sorted(f.with_name(f.name + ".xmp") for f in files)
    assert report.sidecars.written == report.copied
    assert not list(dest.rglob("*.part"))
    # One file per item however many folders held it: no two files with the same bytes and name stem.
    rows = await (
        await catalog.reader.execute(
            "SELECT f.path, f.size_bytes, f.sha256, f.fidelity, i.taken_at, i.utc_offset_min FROM local_files f "
            "JOIN items i ON i.id = f.item_id"
        )
    ).fetchall()
    assert len(rows) == report.copied
    for path, size, sha, fidelity, taken_at, offset in rows:
        p = Path(path)
        assert fidelity == "original" and p.stat().st_size == size
        assert hashlib.sha256(p.read_bytes()).hexdigest() == sha
        if taken_at is not None:
            assert int(p.stat().st_mtime) == taken_at
            year, month = p.parent.parent.name, p.parent.name
            import time

            local = time.gmtime(taken_at + (offset or 0) * 60)
            assert (int(year), int(month)) == (local.tm_year, local.tm_mon)
    # Album folders hold relative links that resolve to files inside DEST.
    links = [p for p in (dest / ALBUMS).rglob("*") if p.is_symlink()]
    assert len(links) == report.album_links > 0
    for link in links:
        assert not os.path.isabs(os.readlink(link))
        assert link.resolve().is_file() and dest.resolve() in link.resolve().parents
    # Live-photo videos sit next to their photo with the same stem.
    stems = {}
    for f in files:
        stems.setdefault((f.parent, f.stem), []).append(f.suffix.lower())
    assert any(".mov" in sfx and len(sfx) > 1 for sfx in stems.values())
    before = tree(dest)
    again = await run_backup(catalog, dest, takeout=parts[fmt])
    assert (again.copied, again.skipped, again.errors) == (0, report.copied, [])
    assert tree(dest) == before
    await catalog.close()


class Killed(BaseException):
    """Stands in for SIGKILL: nothing after it runs, the half-written .part stays behind."""


async def test_interrupted_backup_resumes_to_identical_tree(parts, tmp_path, monkeypatch):
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    reference = await run_backup(catalog, tmp_path / "ref", takeout=parts["zip"])
    real = backup_takeout.copy_stream
    calls = [0]

    def dying(stream, dest, size, mtime):
        calls[0] += 1
        if calls[0] == 20:
            dest.parent.mkdir(parents=True, exist_ok=True)
            copier.part_path(dest).write_bytes(stream.read(max(1, size // 2)))
            raise Killed()
        return real(stream, dest, size, mtime)

    monkeypatch.setattr(backup_takeout, "copy_stream", dying)
    with pytest.raises(Killed):
        await run_backup(catalog, tmp_path / "dest", takeout=parts["zip"])
    assert calls[0] == 20
    assert list((tmp_path / "dest").rglob("*.part"))
    monkeypatch.setattr(backup_takeout, "copy_stream", real)
    resumed = await run_backup(catalog, tmp_path / "dest", takeout=parts["zip"])
    assert resumed.skipped == 19 and resumed.copied == reference.copied - 19
    assert tree(tmp_path / "dest") == tree(tmp_path / "ref")
    await catalog.close()


async def test_disk_full_stops_cleanly_and_keeps_finished_files(parts, tmp_path, monkeypatch):
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    budget = [60_000]

    class FullDisk:
        def __init__(self, fh):
            self.fh = fh

        def write(self, data):
            budget[0] -= len(data)
            if budget[0] < 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.fh.write(data)

        def __getattr__(self, name):
            return getattr(self.fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    monkeypatch.setattr(copier, "open", lambda path, mode, **kw: FullDisk(open(path, mode, **kw)), raising=False)
    dest = tmp_path / "dest"
    report = await run_backup(catalog, dest, takeout=parts["zip"])
    assert report.stopped and "No space left on device" in report.stopped
    assert 0 < report.copied < report.planned
    assert not list(dest.rglob("*.part"))
    rows = await (await catalog.reader.execute("SELECT path, sha256 FROM local_files")).fetchall()
    assert len(rows) == report.copied
    for path, sha in rows:
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == sha
    monkeypatch.undo()
    rest = await run_backup(catalog, dest, takeout=parts["zip"])
    assert rest.stopped is None and rest.skipped == report.copied and rest.copied == report.planned - report.copied
    await catalog.close()


async def test_dry_run_writes_nothing(parts, tmp_path):
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await run_backup(catalog, tmp_path / "dest", takeout=parts["tgz"], dry_run=True)
    assert report.planned > 80 and not (tmp_path / "dest").exists()
    assert "dry run" in report.one_line()
    await catalog.close()


async def test_permission_denied_stops_with_message(parts, tmp_path, monkeypatch):
    def denied(path, mode, **kw):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(copier, "open", denied, raising=False)
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await run_backup(catalog, tmp_path / "dest", takeout=parts["zip"])
    assert report.copied == 0 and "Permission denied" in report.stopped
    assert "STOPPED" in report.one_line()
    await catalog.close()


def test_backup_command(parts, tmp_path, capsys, monkeypatch):
    import argparse

    from gphotos_tui.commands import backup as backup_command

    monkeypatch.delenv("GPHOTOS_TUI_ACCESS_TOKEN", raising=False)
    args = argparse.Namespace(
        dest=str(tmp_path / "dest"),
        from_takeout=[str(p) for p in parts["zip"]],
        dry_run=True,
        no_download=False,
        concurrency=4,
        db=str(tmp_path / "c.sqlite"),
    )
    assert backup_command.run(args) == 0
    assert "dry run: would write" in capsys.readouterr().out and not (tmp_path / "dest").exists()
    args.dry_run = False
    assert backup_command.run(args) == 0
    assert "copied" in capsys.readouterr().out
    args.from_takeout = [str(tmp_path / "nothing.zip")]
    assert backup_command.run(args) == 1
    assert "no Takeout parts" in capsys.readouterr().err
