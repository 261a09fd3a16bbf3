"""The Duplicates screen's summary counts, read through the catalog's public async function (not the reader's
private ``_execute``): the same as the synchronous definition, with "not duplicates" groups counted apart."""

from __future__ import annotations

from gphotos_tui.catalog import dupe_groups
from gphotos_tui.model import MediaRecord, SourceKind


async def test_read_shown_group_counts_matches_the_sync_definition(catalog):
    source = await catalog.ensure_source(SourceKind.FOLDER, "/p", "Pictures")
    await catalog.write_batch(
        source, [MediaRecord(f"/p/{n}.jpg", f"{n}.jpg", "image/jpeg", taken_at=1_600_000_000 + n) for n in range(6)]
    )
    ids = [r[0] for r in await catalog.reader.execute_fetchall("SELECT id FROM items ORDER BY id")]
    groups = [
        ("g1", "exact", 0, "same bytes", 1, [(ids[0], True), (ids[1], False)]),
        ("g2", "exact", 0, "same bytes", 2, [(ids[2], True), (ids[3], False)]),
        ("g3", "near", 1, "looks alike", 3, [(ids[4], True), (ids[5], False)]),
    ]
    await catalog.run_on_writer(dupe_groups.replace_groups, None, groups, {})
    await catalog.writer.execute(
        "INSERT INTO duplicate_decisions (group_key, item_id, decision, decided_at) VALUES ('g2', ?, 'not_duplicate', 1)",
        (ids[2],),
    )
    await catalog.writer.commit()

    counts = await dupe_groups.read_shown_group_counts(catalog.reader)
    assert counts == ({"exact": 1, "near": 1}, 1)
    assert counts == await catalog.run_on_writer(dupe_groups.shown_group_counts)
