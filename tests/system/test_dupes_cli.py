"""The dupes command as a person runs it: a child process over a demo catalog, its JSON and CSV, and the
trash dry run, move and undo."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

from gphotos_tui.analysis.duplicates import scan
from gphotos_tui.catalog import Catalog

pytestmark = pytest.mark.subprocess


@pytest.fixture
def demo_db(dupes_demo_db):
    return dupes_demo_db


async def _scan(path, **kw):
    catalog = await Catalog.open(path)
    try:
        return await scan(catalog, **kw)
    finally:
        await catalog.close()


def test_dupes_command_json_shape_matches_the_scan(demo_db):
    out = subprocess.run(
        [sys.executable, "-m", "gphotos_tui", "dupes", "--json", "--no-hash", "--db", str(demo_db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    groups = asyncio.run(_scan(demo_db)).groups
    assert [g["kind"] for g in data["groups"]] == [g.kind for g in groups]
    for entry in data["groups"]:
        assert set(entry) >= {"kind", "reason", "items"}
        assert sum(i["suggested"] == "keep" for i in entry["items"]) == 1
        for item in entry["items"]:
            assert set(item) == {"id", "filename", "suggested"} and item["id"].startswith("demo:AF1Qip")
    csv_out = subprocess.run(
        [sys.executable, "-m", "gphotos_tui", "dupes", "--csv", "--no-hash", "--db", str(demo_db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert csv_out.stdout.count("\n") == 1 + sum(len(g["items"]) for g in data["groups"])


def test_dupes_command_trash_dry_run_then_move_then_undo(demo_db, tmp_path):
    import shutil
    import sqlite3

    db = tmp_path / "catalog.sqlite"
    shutil.copy(demo_db, db)
    groups = asyncio.run(_scan(db)).groups
    group = next(g for g in groups if g.kind == "resized")
    root, trash = tmp_path / "backup", tmp_path / "trash"
    root.mkdir()
    with sqlite3.connect(db) as conn:
        for m in group.members:
            path = root / _local_name(m)  # copies of one shot often share a name: keep files apart
            path.write_bytes(m.filename.encode())
            conn.execute(
                "INSERT INTO local_files (path, size_bytes, item_id, seen_at) VALUES (?, ?, ?, 0)",
                (str(path), path.stat().st_size, m.id),
            )
    discard = next(m for m in group.members if group.suggested(m.id) == "discard")
    base = [
        sys.executable,
        "-m",
        "gphotos_tui",
        "dupes",
        "--no-hash",
        "--db",
        str(db),
        "--trash",
        str(trash),
        "--root",
        str(root),
    ]
    dry = subprocess.run(base, capture_output=True, text=True, timeout=120)
    assert dry.returncode == 0 and "dry run: 1 file(s) would move" in dry.stderr, dry.stderr
    assert (root / _local_name(discard)).exists() and not trash.exists()
    moved = subprocess.run([*base, "--yes"], capture_output=True, text=True, timeout=120)
    assert moved.returncode == 0 and not (root / _local_name(discard)).exists(), moved.stderr
    assert (trash / "backup" / _local_name(discard)).read_bytes() == discard.filename.encode()
    undone = subprocess.run(
        [sys.executable, "-m", "gphotos_tui", "dupes", "--undo", str(trash / "undo-log.jsonl")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert undone.returncode == 0 and (root / _local_name(discard)).exists(), undone.stderr
    refused = subprocess.run(
        [sys.executable, "-m", "gphotos_tui", "dupes", "--db", str(db), "--trash", str(trash)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2 and "--root" in refused.stderr


def _local_name(member) -> str:
    return f"{member.id}_{member.filename}"


def test_rebuild_without_hashing_keeps_the_groups(demo_db):
    """`dupes --rebuild --no-hash` regroups with the stored hashes and keeps the result (it ran read-only
    before: the groups were computed and thrown away, and an older catalog was refused, not migrated)."""
    import sqlite3

    with sqlite3.connect(demo_db) as conn:
        conn.execute("DELETE FROM dupe_groups")
    out = subprocess.run(
        [sys.executable, "-m", "gphotos_tui", "dupes", "--rebuild", "--no-hash", "--db", str(demo_db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    shown = len(json.loads(out.stdout)["groups"])
    with sqlite3.connect(demo_db) as conn:
        kept = conn.execute("SELECT count(*) FROM dupe_groups").fetchone()[0]
    assert shown > 0 and kept >= shown
