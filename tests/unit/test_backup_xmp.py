"""XMP sidecars: generated text that exiftool reads back field by field."""

import shutil
import xml.dom.minidom
from dataclasses import replace

import pytest

from gphotos_tui.backup import xmp
from gphotos_tui.catalog.item_facts import ItemFacts, item_facts
from gphotos_tui.model import AlbumRecord, MediaRecord, Membership, SourceKind
from tests.unit.xmp_readback import differences, read_sidecars

needs_exiftool = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool not installed")

FULL = ItemFacts(
    1,
    "IMG_1.jpg",
    "photo",
    1_562_243_696,
    120,
    "sidecar",
    camera_make="Canon",
    camera_model="EOS 5D Mark IV",
    lens_model="EF 24-70mm f/2.8L II USM",
    focal_length_mm=35.0,
    focal_length_35mm=35.0,
    aperture_f=2.8,
    iso=400,
    exposure_s=0.004,
    latitude=48.858844,
    longitude=-2.294351,
    description='Café « Zoë » & <b>"quoted"</b>\nsecond line\r\nthird\ttabbed 🎉 日本語',
    favorite=True,
    archived=True,
    albums=("Trip | Paris", "Zoë’s <album>", "2019"),
    people=("Anne Dupont", "Jürgen Müller", "李小龍"),
)

VARIANTS = [
    FULL,
    replace(FULL, item_id=2, utc_offset_min=None),  # Google's UTC time: Z
    replace(FULL, item_id=3, utc_offset_min=-570, latitude=-33.865143, longitude=151.2099),  # -09:30
    replace(FULL, item_id=4, utc_offset_min=None, time_source="filename"),  # a wall clock: no zone
    replace(FULL, item_id=5, utc_offset_min=None, time_source="exif"),  # the file has it: no date
    replace(FULL, item_id=6, favorite=False, archived=False, trashed=True, albums=(), people=()),
    replace(FULL, item_id=7, latitude=0.0000005, longitude=179.9999999, description="a\x01b\x0bc\ufffe"),
    ItemFacts(8, "bare.mp4", "video", None, None, None),  # nothing known: a valid empty sidecar
    replace(FULL, item_id=9, exposure_s=2.5, aperture_f=1.8, focal_length_mm=4.25, iso=12800),
]


def test_sidecar_name_keeps_the_extension():
    assert xmp.sidecar_name("IMG_0001.HEIC") == "IMG_0001.HEIC.xmp"


def test_dates_by_what_the_catalog_knows():
    assert xmp.xmp_date(FULL) == "2019-07-04T14:34:56+02:00"
    assert xmp.xmp_date(VARIANTS[1]) == "2019-07-04T12:34:56Z"
    assert xmp.xmp_date(VARIANTS[2]) == "2019-07-04T03:04:56-09:30"
    assert xmp.xmp_date(VARIANTS[3]) == "2019-07-04T12:34:56"
    assert xmp.xmp_date(VARIANTS[4]) is None
    assert xmp.xmp_date(VARIANTS[7]) is None
    assert xmp.xmp_date(replace(FULL, taken_at=-(10**12))) is None  # before year 1: no date, no crash
    assert xmp.xmp_date(replace(FULL, taken_at=-2_000_000_000)) == "1906-08-16T22:26:40+02:00"


def test_gps_coordinates_in_xmp_form():
    assert xmp.gps_coordinate(48.858844, "N", "S") == "48,51.53064N"
    assert xmp.gps_coordinate(-2.294351, "E", "W") == "2,17.66106W"
    assert xmp.gps_coordinate(0.0, "N", "S") == "0,0N"
    assert xmp.gps_coordinate(-0.99999999999, "N", "S") == "1,0S"  # minutes rounding up to 60


def test_rationals():
    assert xmp.exposure_rational(0.004) == "1/250"
    assert xmp.exposure_rational(1 / 3) == "1/3"
    assert xmp.exposure_rational(2.5) == "5/2"
    assert xmp.rational(2.8, 1000) == "14/5"


def test_same_facts_same_bytes_and_well_formed_xml():
    for facts in VARIANTS:
        data = xmp.render(facts, camera=True)
        assert data == xmp.render(facts, camera=True)
        xml.dom.minidom.parseString(data)  # raises on anything malformed
        data.decode("utf-8")
    assert xmp.render(FULL) != xmp.render(replace(FULL, description="changed"))
    assert b"tiff:Make" not in xmp.render(FULL)  # camera fields only when asked


def test_markup_in_values_is_escaped():
    data = xmp.render(FULL).decode()
    assert "&lt;b&gt;&quot;quoted&quot;&lt;/b&gt;" in data
    assert "<b>" not in data
    assert "\x01" not in xmp.render(VARIANTS[6]).decode()


@needs_exiftool
def test_exiftool_reads_every_field_back(tmp_path):
    paths = {}
    for facts in VARIANTS:
        path = tmp_path / xmp.sidecar_name(f"{facts.item_id}.jpg")
        path.write_bytes(xmp.render(facts, camera=True))
        paths[str(path)] = facts
    read = read_sidecars([tmp_path / p for p in paths])
    wrong, checked = [], 0
    for path, facts in paths.items():
        found, count = differences(facts, read[path], camera=True)
        wrong += [f"item {facts.item_id}: {w}" for w in found]
        checked += count
    assert not wrong, "\n".join(wrong)
    assert checked > 100
    assert read[str(tmp_path / "1.jpg.xmp")]["XMP-dc:Description"].count("\n") == 2


async def test_item_facts_from_the_catalog(catalog):
    src = await catalog.ensure_source(SourceKind.TAKEOUT, "t", "Takeout")
    await catalog.write_batch(
        src,
        [
            MediaRecord(
                "x1",
                "IMG_1.jpg",
                "image/jpeg",
                taken_at=1_562_243_696,
                utc_offset_min=60,
                time_source="sidecar",
                latitude=1.5,
                longitude=2.5,
                description="caption",
                favorite=True,
                camera_make="SONY",
                detail='{"people":["Ann","Bob"],"rule":"exact"}',
            ),
            MediaRecord("x2", "IMG_2.jpg", "image/jpeg", trashed=True),
        ],
        albums=[AlbumRecord("b", "Beach"), AlbumRecord("a", "Alps")],
        memberships=[Membership("b", "x1"), Membership("a", "x1")],
    )
    ids = [row[0] for row in await catalog.reader.execute_fetchall("SELECT id FROM items ORDER BY filename")]
    facts = await item_facts(catalog, [*ids, 999])
    assert set(facts) == set(ids)
    one, two = facts[ids[0]], facts[ids[1]]
    assert one.albums == ("Alps", "Beach") and one.people == ("Ann", "Bob")
    assert one.favorite and one.description == "caption" and one.camera_make == "SONY"
    assert (one.taken_at, one.utc_offset_min, one.time_source) == (1_562_243_696, 60, "sidecar")
    assert two.trashed and two.albums == () and two.people == ()
    assert await item_facts(catalog, []) == {}
