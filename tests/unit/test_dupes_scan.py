"""The duplicates scan over a real catalog: public ids come from the first source that saw an item,
album counts from the album index."""

from __future__ import annotations

from gphotos_tui.analysis.duplicates.scan import scan
from gphotos_tui.catalog import Catalog
from gphotos_tui.model import AlbumRecord, MediaRecord, Membership, SourceKind


def _copy(external_id: str) -> MediaRecord:
    return MediaRecord(
        external_id, "IMG_0001.JPG", "image/jpeg", taken_at=1_600_000_000, size_bytes=2_000_000, width=4000, height=3000
    )


async def test_grouped_items_get_the_public_id_of_their_first_source(tmp_path):
    catalog = await Catalog.open(tmp_path / "catalog.sqlite")
    try:
        takeout = await catalog.ensure_source(SourceKind.TAKEOUT, "archive", "Takeout")
        library = await catalog.ensure_source(SourceKind.LIBRARY, "me", "Library")
        loner = MediaRecord("t-loner", "IMG_0002.JPG", "image/jpeg", taken_at=1_500_000_000, size_bytes=1_000)
        await catalog.write_batch(
            takeout,
            [_copy("t-a"), _copy("t-b"), loner],
            seen_at=100,
            albums=[AlbumRecord("trip", "Trip"), AlbumRecord("best", "Best")],
            memberships=[Membership("trip", "t-b"), Membership("best", "t-b"), Membership("trip", "t-loner")],
        )
        await catalog.write_batch(library, [_copy("l-a")], seen_at=200)  # merges into one of the copies
        result = await scan(catalog)
    finally:
        await catalog.close()
    [group] = [g for g in result.groups if g.kind == "exact"]
    assert sorted(m.public_id for m in group.members) == ["takeout:t-a", "takeout:t-b"]
    assert {m.public_id: m.albums for m in group.members} == {"takeout:t-a": 0, "takeout:t-b": 2}
    assert group.decision(next(m.id for m in group.members if m.albums)) == "keep"  # the copy in albums
    assert all(m.filename == "IMG_0001.JPG" for g in result.groups for m in g.members)
