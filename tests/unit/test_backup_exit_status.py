"""Entries the importer rejected (unsafe or undecodable names) are skipped by backup, not failures: exit 0."""

import pytest

from gphotos_tui.backup.run import run_backup
from gphotos_tui.cli import main
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.images import jpeg_bytes
from gphotos_tui.demo.takeout import PartSet, sidecar_json
from gphotos_tui.sources.takeout import import_takeout

ROOT = "Takeout/Google Photos/Photos from 2021"


def _parts(out, fmt):
    photos = [i for i in SyntheticLibrary(30, 4).items() if i.record.mime_type == "image/jpeg"][:3]
    good, other, weird = photos
    parts = PartSet(out, 1, fmt)
    parts.add(f"{ROOT}/good.jpg", jpeg_bytes(good, 32), 0)
    parts.add(f"{ROOT}/good.jpg.json", sidecar_json(good.record, title="good.jpg"), 0)
    parts.add(f"{ROOT}/other.jpg", jpeg_bytes(other, 32), 0)
    parts.add("../../evil.jpg", jpeg_bytes(good, 16), 0)
    parts.add("/etc/evil.jpg", jpeg_bytes(good, 16), 0)
    parts.add(f"{ROOT}/weird.jpg", jpeg_bytes(weird, 32), 0, raw_name=f"{ROOT}/caf\xe9-weird.jpg".encode("latin-1"))
    return parts.close()


@pytest.mark.parametrize("fmt", ["zip", "tgz"])
async def test_rejected_entries_are_skipped_not_errors(tmp_path, catalog, fmt):
    paths = _parts(tmp_path / "parts", fmt)
    imported = await import_takeout(catalog, paths)
    assert imported.errors  # the importer said why
    report = await run_backup(catalog, tmp_path / "dest", takeout=paths)
    assert report.errors == [], report.errors
    assert report.rejected == 3  # two unsafe names skipped, one name not UTF-8 (copied under a repaired name)
    assert report.copied == 3
    assert "3 rejected entries skipped" in report.one_line()


def test_backup_command_exits_0_when_only_rejected_entries_were_left(tmp_path, capsys):
    paths = _parts(tmp_path / "parts", "zip")
    db = str(tmp_path / "c.sqlite")
    assert main(["import-takeout", "--db", db, *map(str, paths)]) in (0, 1)
    capsys.readouterr()
    status = main(
        ["backup", "--db", db, "--no-download", "--from-takeout", *map(str, paths), "--", str(tmp_path / "d")]
    )
    out = capsys.readouterr()
    assert status == 0, out.err
    assert "rejected entries skipped" in out.out
