"""Duplicates over a demo catalog: every planted kind found in its class with the right keeper."""

from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict

import pytest

from gphotos_tui.analysis.duplicates import scan
from gphotos_tui.analysis.duplicates.actions import plan_csv, plan_json, plan_rows
from gphotos_tui.analysis.duplicates.store import save_decisions
from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import DUPLICATE_KINDS, SyntheticLibrary
from gphotos_tui.engine.byte_sources import default_providers

SIZE, SEED = 1500, 42


@pytest.fixture
def demo_db(dupes_demo_db):
    """A demo catalog scanned once per session (hashes stored), so later scans only regroup."""
    return dupes_demo_db


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
