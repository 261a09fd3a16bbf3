"""Duplicates over a demo catalog: every planted kind found in its class with the right keeper."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter, defaultdict

import pytest

from gphotos_tui.analysis.duplicates import scan
from gphotos_tui.analysis.duplicates.actions import plan_csv, plan_json, plan_rows
from gphotos_tui.analysis.duplicates.store import save_decisions
from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import DUPLICATE_KINDS, SyntheticLibrary
from gphotos_tui.demo.job import fill_demo
from gphotos_tui.engine.byte_sources import default_providers

SIZE, SEED = 1500, 42


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """A demo catalog scanned once (hashes stored), so later scans only regroup."""
    path = tmp_path_factory.mktemp("dupes") / "catalog.sqlite"

    async def build():
        catalog = await Catalog.open(path)
        try:
            await fill_demo(catalog, SIZE, SEED, page_size=500)
            result = await scan(catalog, providers=default_providers(), workers=2)
            assert result.hashed > 1000 and not result.hash_errors
        finally:
            await catalog.close()

    asyncio.run(build())
    return path


def truth():
    """external id -> SyntheticItem, and planted group -> set of external ids."""
    items = {i.record.external_id: i for i in SyntheticLibrary(SIZE, SEED).items()}
    groups = defaultdict(set)
    for ext, item in items.items():
        if item.group is not None:
            groups[item.group].add(ext)
    return items, groups


async def _scan(path, **kw):
    catalog = await Catalog.open(path)
    try:
        return await scan(catalog, **kw)
    finally:
        await catalog.close()


def test_every_planted_kind_found_with_the_right_keeper(demo_db):
    result = asyncio.run(_scan(demo_db))
    items, planted = truth()
    found = Counter()
    wrong_keeper = []
    for g in result.groups:
        exts = {m.public_id.removeprefix("demo:") for m in g.members}
        groups = {items[e].group for e in exts}
        if len(groups) != 1 or None in groups or planted[next(iter(groups))] != exts:
            continue
        kind = {items[e].planted for e in exts} - {None}
        if kind != {g.kind}:
            continue
        found[g.kind] += 1
        keeper = [m for m in g.members if g.suggested(m.id) == "keep"]
        if len(keeper) != 1 or items[keeper[0].public_id.removeprefix("demo:")].variant != "original":
            wrong_keeper.append(g)
    expected = Counter(
        {
            k: sum(1 for exts in planted.values() if {items[e].planted for e in exts} - {None} == {k})
            for k in DUPLICATE_KINDS
        }
    )
    assert not wrong_keeper
    for kind in DUPLICATE_KINDS:
        assert expected[kind] > 0, kind
        if kind == "near":  # found by pHash only: at the default threshold most, not all (README figures)
            assert found[kind] >= expected[kind] // 2, (kind, found[kind], expected[kind])
        else:
            assert found[kind] == expected[kind], (kind, found[kind], expected[kind])
    metadata = [g for g in result.groups if g.kind != "near"]
    exact_matches = sum(found[k] for k in DUPLICATE_KINDS if k != "near")
    assert exact_matches == len(metadata), "a metadata group that is not a planted group"


def test_decisions_survive_a_rescan_and_not_duplicates_never_come_back(demo_db):
    async def run():
        catalog = await Catalog.open(demo_db)
        try:
            first = await scan(catalog)
            exact = next(g for g in first.groups if g.kind == "exact")
            burst = next(g for g in first.groups if g.kind == "burst")
            flipped = {m.id: ("discard" if exact.suggested(m.id) == "keep" else "keep") for m in exact.members}
            await save_decisions(catalog.writer, exact.key, flipped)
            await save_decisions(catalog.writer, burst.key, {m.id: "not_duplicate" for m in burst.members})
            again = await scan(catalog, providers=default_providers())  # a rescan: nothing new to hash
            return first, again, exact, burst, flipped
        finally:
            await catalog.close()

    first, again, exact, burst, flipped = asyncio.run(run())
    assert again.hashed == 0
    keys = {g.key: g for g in again.groups}
    assert burst.key not in keys and again.hidden == first.hidden + 1
    assert keys[exact.key].decisions == flipped
    discards = {r["filename"] for r in plan_rows([keys[exact.key]])}
    assert discards == {m.filename for m in exact.members if flipped[m.id] == "discard"}


def test_plan_export_lists_each_discard_with_its_google_link(demo_db):
    groups = asyncio.run(_scan(demo_db)).groups
    rows = json.loads(plan_json(groups))["discard"]
    assert len(rows) == sum(len(g.members) - 1 for g in groups)
    assert all(r["google_url"].startswith("https://photos.google.com/") and r["reason"] and r["filename"] for r in rows)
    csv_lines = plan_csv(groups).splitlines()
    assert csv_lines[0] == "group,kind,reason,id,filename,google_url,keeper" and len(csv_lines) == len(rows) + 1


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
