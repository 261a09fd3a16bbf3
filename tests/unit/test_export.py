import csv
import io
import json

from gphotos_tui.catalog.export import EXPORT_KEYS, export_catalog
from gphotos_tui.demo.job import fill_demo
from gphotos_tui.model import AlbumRecord, MediaRecord, Membership, SourceKind


async def test_jsonl_keys_and_values(catalog):
    src = await catalog.ensure_source(SourceKind.TAKEOUT, "a", "Takeout")
    await catalog.write_batch(
        src,
        [
            MediaRecord(
                "x1",
                "IMG_1.JPG",
                "image/jpeg",
                taken_at=1_556_719_380,
                utc_offset_min=120,
                aperture_f=2.8,
                exposure_s=0.004,
                favorite=True,
                camera_make="SONY",
                camera_model="ILCE-7M3",
            )
        ],
        albums=[AlbumRecord("b", "Beach"), AlbumRecord("a", "Alps")],
        memberships=[Membership("b", "x1"), Membership("a", "x1")],
    )
    out = io.StringIO()
    assert await export_catalog(catalog.reader, out, "jsonl") == 1
    row = json.loads(out.getvalue())
    assert tuple(row) == EXPORT_KEYS
    assert row["id"] == "takeout:x1"
    assert row["sources"] == ["takeout"]
    assert row["taken_at"] == "2019-05-01T14:03:00Z"
    assert row["taken_at_local"] == "2019-05-01T16:03:00"
    assert row["utc_offset"] == "+02:00"
    assert row["albums"] == ["Alps", "Beach"]
    assert row["favorite"] is True and row["archived"] is False
    assert row["aperture_f"] == 2.8


async def test_csv_round_trip_of_demo(catalog):
    await fill_demo(catalog, 300, seed=5, page_size=64)
    out = io.StringIO()
    assert await export_catalog(catalog.reader, out, "csv") == 300
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 300
    assert set(rows[0]) == set(EXPORT_KEYS)
    assert all(r["sources"] == "demo" for r in rows)
