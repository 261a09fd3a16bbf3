"""scan-folder: local files join Google items; rescans re-read only changed files; backup status lists."""

import os

from gphotos_tui.backup.status import backup_status, status_lists
from gphotos_tui.catalog import Catalog
from gphotos_tui.commands import scan_folder as scan_command
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.images import jpeg_bytes
from gphotos_tui.model import SourceKind
from gphotos_tui.sources.folder import scan_folder


def photos(n=12):
    return [i for i in SyntheticLibrary(60, seed=9).items() if i.record.media_type == "photo"][:n]


async def test_scan_links_local_files_and_rescans_incrementally(tmp_path):
    items = photos()
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    google = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")
    await catalog.write_batch(google, [i.record for i in items])
    root = tmp_path / "pics"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    for item in items[:8]:
        (root / "sub" / item.record.filename).write_bytes(jpeg_bytes(item))
    other = SyntheticLibrary(5, seed=99).items().__next__()
    (root / "mine_only.jpg").write_bytes(jpeg_bytes(other))
    (root / "._sub.jpg").write_bytes(b"AppleDouble")
    (root / ".hidden" / items[9].record.filename).write_bytes(jpeg_bytes(items[9]))
    (tmp_path / "outside.jpg").write_bytes(jpeg_bytes(items[10]))
    (root / "link.jpg").symlink_to(tmp_path / "outside.jpg")
    (root / "notes.txt").write_text("not media")

    report = await scan_folder(catalog, root)
    assert (report.files, report.hashed, report.linked) == (9, 9, 8)
    status = await backup_status(catalog)
    assert (
        status.google_items,
        status.google_local,
        status.google_original,
        status.google_missing,
        status.local_only,
    ) == (12, 8, 8, 4, 1)
    lists = await status_lists(catalog)
    assert {r.filename for r in lists["google_missing"]} == {i.record.filename for i in items[8:]}
    assert [os.path.basename(r.path) for r in lists["local_only"]] == ["mine_only.jpg"]
    assert all(r.fidelity == "original" for r in lists["google_local"])
    assert (
        len(await status_lists(catalog, limit=3)) == 3
        and len((await status_lists(catalog, limit=3))["google_local"]) == 3
    )

    again = await scan_folder(catalog, root)
    assert (again.files, again.hashed, again.unchanged, again.removed, again.linked) == (9, 0, 9, 0, 8)
    changed = root / "sub" / items[0].record.filename
    changed.write_bytes(jpeg_bytes(items[0]) + b"\0")
    (root / "mine_only.jpg").unlink()
    third = await scan_folder(catalog, root)
    assert (third.files, third.hashed, third.removed) == (8, 1, 1)
    sha = await (
        await catalog.reader.execute("SELECT sha256, size_bytes FROM local_files WHERE path = ?", (str(changed),))
    ).fetchone()
    import hashlib

    assert sha == (hashlib.sha256(changed.read_bytes()).hexdigest(), changed.stat().st_size)
    assert (await backup_status(catalog)).local_only == 0
    await catalog.close()


def test_scan_folder_command(tmp_path, capsys):
    import argparse

    root = tmp_path / "pics"
    root.mkdir()
    for item in photos(3):
        (root / item.record.filename).write_bytes(jpeg_bytes(item))
    args = argparse.Namespace(path=str(root), list=5, db=str(tmp_path / "c.sqlite"))
    assert scan_command.run(args) == 0
    out = capsys.readouterr().out
    assert "3 media files" in out and "0 of 0 Google items" in out and "local files not in Google" in out
    args.path = str(tmp_path / "missing")
    assert scan_command.run(args) == 1
    assert "no such folder" in capsys.readouterr().err


async def test_status_counts_items_not_files(tmp_path):
    """Two copies of one item count once; an item counts as kept as an original if any copy is one."""
    items = photos(3)
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    try:
        google = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")
        await catalog.write_batch(google, [i.record for i in items])
        ids = [row[0] for row in await catalog.reader.execute_fetchall("SELECT id FROM items ORDER BY id")]
        copies = [
            ("a-api.jpg", ids[0], "api_photo"),
            ("a.jpg", ids[0], "original"),
            ("b-api.jpg", ids[1], "api_photo"),
            ("mine.jpg", None, "original"),
        ]
        await catalog.write_rows(
            "INSERT INTO local_files (path, size_bytes, item_id, fidelity, seen_at) VALUES (?, 1, ?, ?, 0)", copies
        )
        status = await backup_status(catalog)
    finally:
        await catalog.close()
    assert (
        status.google_items,
        status.google_local,
        status.google_original,
        status.google_missing,
        status.local_files,
        status.local_only,
    ) == (3, 2, 1, 1, 4, 1)
