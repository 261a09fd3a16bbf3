"""Google JSON to catalog records: int64 strings, Duration strings, RFC 3339 with any fraction."""

import pytest

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.fakegoogle import shapes
from gphotos_tui.google import convert


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2021-06-01T12:00:00Z", 1622548800),
        ("2021-06-01T12:00:00.5Z", 1622548800),
        ("2021-06-01T12:00:00.123456789Z", 1622548800),
        ("2021-06-01T14:00:00+02:00", 1622548800),
        ("2021-06-01T07:30:00.000-04:30", 1622548800),
        ("1969-12-31T23:59:59Z", -1),
        ("not a time", None),
        ("2021-13-01T00:00:00Z", None),
        (None, None),
    ],
)
def test_parse_time(text, expected):
    assert convert.parse_time(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("0.008s", 0.008),
        ("1s", 1.0),
        ("0.000125s", 0.000125),
        ("30s", 30.0),
        ("0s", None),
        ("fast", None),
        ("", None),
        ("0.008", None),
    ],
)
def test_parse_duration(text, expected):
    assert convert.parse_duration_s(text) == expected


def test_library_item_with_missing_fields():
    record = convert.library_item({"id": "X", "mediaMetadata": {"photo": {}}})
    assert (record.external_id, record.filename, record.taken_at, record.width, record.exposure_s) == (
        "X",
        "X",
        None,
        None,
        None,
    )
    assert record.time_source is None and record.media_type == "photo"


def test_round_trip_through_google_shapes():
    """Every synthetic item survives fake-server JSON -> converter with the fields Google gives."""
    for item in SyntheticLibrary(300, seed=2).items():
        r = item.record
        lib = convert.library_item(shapes.media_item(item, "http://x/lr/1"))
        pick = convert.picked_item(shapes.picked_item(item, "http://x/lr/1"))
        for got in (lib, pick):
            assert (got.external_id, got.filename, got.mime_type, got.media_type) == (
                r.external_id,
                r.filename,
                r.mime_type,
                r.media_type,
            )
            assert (got.taken_at, got.width, got.height) == (r.taken_at, r.width, r.height)
            assert (got.camera_make, got.camera_model, got.iso, got.aperture_f) == (
                r.camera_make,
                r.camera_model,
                r.iso,
                r.aperture_f,
            )
            assert got.focal_length_mm == r.focal_length_mm
            assert got.exposure_s == pytest.approx(r.exposure_s, rel=1e-6) if r.exposure_s else got.exposure_s is None
            assert got.latitude is None and got.favorite is None  # the APIs never give these
        assert lib.description == r.description and pick.description is None
        assert lib.product_url and pick.product_url is None


def test_album_and_base_url():
    album = convert.album({"id": "A1", "title": "Rome 2019", "mediaItemsCount": "12"})
    assert (album.key, album.title) == ("A1", "Rome 2019")
    assert convert.base_url({"mediaFile": {"baseUrl": "u"}}) == "u" and convert.base_url({"baseUrl": "v"}) == "v"
