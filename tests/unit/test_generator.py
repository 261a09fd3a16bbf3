from collections import Counter
from datetime import UTC

from gphotos_tui.demo.generator import DUPLICATE_KINDS, SyntheticLibrary


def test_deterministic_and_exact_size():
    a = [i.record for i in SyntheticLibrary(300, seed=3).items()]
    b = [i.record for i in SyntheticLibrary(300, seed=3).items()]
    c = [i.record for i in SyntheticLibrary(300, seed=4).items()]
    assert a == b
    assert a != c
    assert len(a) == 300
    assert len({r.external_id for r in a}) == 300


def test_realistic_distributions():
    items = list(SyntheticLibrary(6000, seed=1).items())
    records = [i.record for i in items]
    videos = sum(r.media_type == "video" for r in records) / len(records)
    assert 0.05 < videos < 0.15
    assert len({r.camera_model for r in records if r.camera_model}) >= 5
    assert len({r.utc_offset_min for r in records if r.utc_offset_min is not None}) >= 3
    photos = [r for r in records if r.media_type == "photo" and r.aperture_f]
    assert all(r.iso and r.exposure_s and r.focal_length_mm for r in photos)
    # Weekends are busier than weekdays, afternoons busier than nights.
    from datetime import datetime

    local = [datetime.fromtimestamp(r.taken_at + (r.utc_offset_min or 0) * 60, UTC) for r in records]
    weekday = Counter(d.weekday() for d in local)
    assert weekday[5] > weekday[1]
    hours = Counter(d.hour for d in local)
    assert hours[17] > 5 * hours[3]
    assert any(r.latitude for r in records)
    assert 0.01 < sum(bool(r.favorite) for r in records) / len(records) < 0.1
    assert sum(1 for i in items if i.album_keys) > 100


def test_every_duplicate_kind_is_planted_with_its_original():
    items = list(SyntheticLibrary(8000, seed=2).items())
    planted = Counter(i.planted for i in items if i.planted)
    assert set(planted) == set(DUPLICATE_KINDS)
    originals = {i.group: i for i in items if i.group and i.planted is None}
    for item in items:
        if item.planted:
            assert item.group in originals
            o = originals[item.group].record
            if item.planted in ("exact", "resized", "thumbnail", "raw_jpeg", "heic_jpeg", "edited"):
                assert item.record.taken_at == o.taken_at
            if item.planted == "resized":
                assert item.record.width < o.width
            if item.planted == "edited":
                assert "-edited" in item.record.filename
            if item.planted == "thumbnail":
                assert len(item.record.filename.split(".")[0]) == 36
            if item.planted == "burst":
                assert 0 <= item.record.taken_at - o.taken_at <= 5
