"""`dupes` writes its listings a page of kept groups at a time: byte for byte what the whole-list functions
(``groups_json``, ``groups_csv``, ``plan_json``, ``plan_csv``) give over every group ``scan`` returns, with
pages smaller than the group count (a page dropped or read twice changes the bytes), decisions stored
(keep/discard flipped, a group hidden as "not duplicates") and a filename a spreadsheet would run."""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import time

import pytest

from gphotos_tui.analysis.duplicates import Settings, incremental
from gphotos_tui.analysis.duplicates.actions import JsonList, PlanWriter, plan_csv, plan_json
from gphotos_tui.analysis.duplicates.scan import kept_group_pages, scan
from gphotos_tui.analysis.duplicates.store import save_decisions
from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.dupe_groups import read_present_group_counts
from gphotos_tui.commands.dupes import _scan_and_act, groups_csv, groups_json, listing_writer

MODES = {  # (format, plan) -> the whole-list output of the groups, as the command printed it before
    ("json", False): lambda gs: json.dumps(groups_json(gs), ensure_ascii=False, indent=1) + "\n",
    ("csv", False): groups_csv,
    ("json", True): lambda gs: plan_json(gs) + "\n",
    ("csv", True): plan_csv,
}
PAGES = (1, 7, 10_000)  # one group a page, several groups a page, everything in one page
ODD_NAME = '=HYPERLINK("x") naïve, "quoted"'  # a formula for a spreadsheet, a comma, quotes, non-ASCII


@pytest.fixture
async def catalog(dupes_demo_db, tmp_path):
    path = tmp_path / "catalog.sqlite"
    shutil.copy(dupes_demo_db, path)
    catalog = await Catalog.open(path)
    try:
        groups = (await scan(catalog)).groups
        exact = next(g for g in groups if g.kind == "exact")
        hidden, odd = [g for g in groups if g.kind != "exact"][:2]
        keeper = next(m for m in exact.members if m.id in exact.keep)
        other = next(m for m in exact.members if m.id not in exact.keep)
        await save_decisions(catalog.writer, exact.key, {keeper.id: "discard", other.id: "keep"})
        await save_decisions(catalog.writer, hidden.key, {m.id: "not_duplicate" for m in hidden.members})
        await catalog.writer.execute(
            "UPDATE items SET filename = ? || filename, updated_at = ? WHERE id = ?",
            (ODD_NAME, int(time.time()), next(m.id for m in odd.members if m.id not in odd.keep)),
        )
        await catalog.writer.commit()
        yield catalog
    finally:
        await catalog.close()


async def _streamed(catalog: Catalog, fmt: str, plan: bool, page_size: int) -> str:
    chunks: list[str] = []
    out = listing_writer(fmt, plan, chunks.append)
    async for page in kept_group_pages(catalog.reader, page_size):
        assert 0 < len(page) <= page_size
        out.add(page)
    out.close()
    return "".join(chunks)


async def test_every_listing_streamed_a_page_at_a_time_is_the_whole_list_byte_for_byte(catalog):
    result = await scan(catalog)
    groups = result.groups
    assert len(groups) > 3 * 7 and result.hidden >= 1  # several pages of 7; the hidden group is left out
    assert any(m.filename.startswith(ODD_NAME) for g in groups for m in g.members)
    assert any(g.decisions for g in groups)
    for (fmt, plan), whole in MODES.items():
        expected = whole(groups)
        for page_size in PAGES:
            assert await _streamed(catalog, fmt, plan, page_size) == expected, (fmt, plan, page_size)
    assert "'=HYPERLINK" in plan_csv(groups)  # the guard is in what was compared
    assert await read_present_group_counts(catalog.reader) == (len(groups), result.hidden)


async def test_the_command_streams_its_listings_and_says_the_same_summary(catalog, capsys):
    result = await scan(catalog)
    for (fmt, plan), whole in MODES.items():
        args = _args(fmt, plan)
        assert await _scan_and_act(args, catalog, page_size=5) == 0
        out, err = capsys.readouterr()
        assert out == whole(result.groups), (fmt, plan)
        assert (
            f"{len(result.groups):,} groups over {result.items:,} items "
            f"(0 newly hashed, {result.hidden:,} marked not duplicates)" in err
        )


async def test_no_groups_at_all_gives_the_empty_listings(tmp_path):
    catalog = await Catalog.open(tmp_path / "empty.sqlite")
    try:
        assert (await scan(catalog)).groups == []
        for (fmt, plan), whole in MODES.items():
            assert await _streamed(catalog, fmt, plan, 3) == whole([]), (fmt, plan)
        assert await read_present_group_counts(catalog.reader) == (0, 0)
        with pytest.raises(ValueError, match="at least 1"):
            await anext(kept_group_pages(catalog.reader, 0))
    finally:
        await catalog.close()


def test_a_json_list_written_in_parts_is_what_json_dumps_gives():
    entries = [{"a": [1, {"b": "x\ny"}], "c": "é"}, [], {}, "s", None, [[{"d": []}]]]
    for cut in range(len(entries) + 1):
        chunks: list[str] = []
        out = JsonList("groups", chunks.append)
        out.add(entries[:cut])
        out.add([])
        out.add(entries[cut:])
        out.close()
        assert "".join(chunks) == json.dumps({"groups": entries}, ensure_ascii=False, indent=1)
    with pytest.raises(ValueError, match="json or csv"):
        PlanWriter("xml", print)


def _args(fmt: str, plan: bool) -> argparse.Namespace:
    return argparse.Namespace(
        json=False,
        csv=fmt == "csv" and not plan,
        plan=fmt if plan else None,
        no_hash=True,
        rebuild=False,
        thumbnails=False,
        concurrency=4,
        near_threshold=None,
        trash=None,
        root=[],
        yes=False,
        undo=None,
        review_album=None,
    )


async def test_a_read_only_run_lists_current_kept_groups_as_grouping_in_memory_would(catalog, capsys):
    """`dupes --no-hash` opens the catalog read-only: with the kept groups current it streams them, and its
    output is what grouping the library in memory (the read-only path before) prints; once something was
    written after the groups were kept, it groups in memory again."""
    await scan(catalog)  # the kept groups brought up to date (the fixture renamed an item)
    # What was written in the second the groups were kept may have been missed: they count as current only
    # when kept in a later second than the last write.
    await asyncio.sleep(1.1)
    await scan(catalog)
    readonly = await Catalog.open(catalog.path, readonly=True)
    try:
        assert await incremental.is_current(readonly.reader)
        assert not await incremental.is_current(readonly.reader, Settings(near_threshold=3))
        in_memory = await scan(readonly)  # read-only: grouped in memory
        assert len(in_memory.groups) > 3 * 5 and in_memory.hidden >= 1
        for (fmt, plan), whole in MODES.items():
            assert await _scan_and_act(_args(fmt, plan), readonly, page_size=5) == 0
            out, err = capsys.readouterr()
            assert out == whole(in_memory.groups), (fmt, plan)
            assert f"{len(in_memory.groups):,} groups over {in_memory.items:,} items " in err
            assert f"{in_memory.hidden:,} marked not duplicates" in err
        await catalog.writer.execute("UPDATE items SET updated_at = ? WHERE id = 1", (int(time.time()) + 5,))
        await catalog.writer.commit()
        assert not await incremental.is_current(readonly.reader)
        assert await _scan_and_act(_args("json", False), readonly, page_size=5) == 0
        assert capsys.readouterr().out == MODES["json", False](in_memory.groups)
    finally:
        await readonly.close()
