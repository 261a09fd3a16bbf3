"""The header reader against exiftool, and against damaged input."""

import json
import shutil
import subprocess

import pytest

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.images import heic_bytes, jpeg_bytes, mov_bytes
from gphotos_tui.exif import MetadataError, read_metadata

TAGS = [
    "Make",
    "Model",
    "LensModel",
    "FocalLength",
    "FocalLengthIn35mmFormat",
    "FNumber",
    "ISO",
    "ExposureTime",
    "DateTimeOriginal",
    "OffsetTimeOriginal",
    "GPSLatitude",
    "GPSLongitude",
    "ImageWidth",
    "ImageHeight",
    "Orientation",
    "Duration",
]


@pytest.fixture(scope="module")
def samples():
    items = list(SyntheticLibrary(400, 11).items())
    photos = [i for i in items if i.record.media_type == "photo" and i.record.mime_type == "image/jpeg"]
    pick = [next(i for i in photos if i.record.camera_make == make) for make in ("Apple", "Google", "SONY", "FUJIFILM")]
    heic = next(i for i in items if i.record.mime_type == "image/heif")
    video = next(i for i in items if i.record.media_type == "video")
    return pick, heic, video


def _exiftool(path) -> dict:
    out = subprocess.run(
        ["exiftool", "-j", "-n", *(f"-{t}" for t in TAGS), str(path)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out)[0]


def _compare(meta, tool: dict) -> list[str]:
    pairs = [
        ("make", "Make"),
        ("model", "Model"),
        ("lens", "LensModel"),
        ("focal_length_mm", "FocalLength"),
        ("focal_length_35mm", "FocalLengthIn35mmFormat"),
        ("aperture_f", "FNumber"),
        ("iso", "ISO"),
        ("exposure_s", "ExposureTime"),
        ("orientation", "Orientation"),
        ("width", "ImageWidth"),
        ("height", "ImageHeight"),
        ("duration_s", "Duration"),
    ]
    wrong = []
    for ours, theirs in pairs:
        got, want = getattr(meta, ours), tool.get(theirs)
        if isinstance(want, (int, float)) and got is not None:
            ok = abs(float(got) - float(want)) < 1e-3
        else:
            ok = got == want
        if not ok:
            wrong.append(f"{ours}: {got!r} vs exiftool {theirs} {want!r}")
    if "DateTimeOriginal" in tool:
        if meta.taken_local != tool["DateTimeOriginal"].replace(":", "-", 2):
            wrong.append(f"taken {meta.taken_local} vs {tool['DateTimeOriginal']}")
        sign = "-" if meta.utc_offset_min < 0 else "+"
        offset = f"{sign}{abs(meta.utc_offset_min) // 60:02d}:{abs(meta.utc_offset_min) % 60:02d}"
        if offset != tool["OffsetTimeOriginal"]:
            wrong.append(f"offset {offset} vs {tool['OffsetTimeOriginal']}")
    for ours, theirs in (("latitude", "GPSLatitude"), ("longitude", "GPSLongitude")):
        want, got = tool.get(theirs), getattr(meta, ours)
        if (want is None) != (got is None) or (want is not None and abs(got - want) > 1e-5):
            wrong.append(f"{ours}: {got} vs {want}")
    return wrong


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool not installed")
@pytest.mark.subprocess
def test_jpeg_heic_and_mov_agree_with_exiftool(samples, tmp_path):
    photos, heic, video = samples
    files = [(f"p{n}.jpg", jpeg_bytes(item, 64)) for n, item in enumerate(photos)]
    files += [("h.heic", heic_bytes(heic)), ("v.mov", mov_bytes(video))]
    wrong = []
    for name, data in files:
        path = tmp_path / name
        path.write_bytes(data)
        wrong += [f"{name}: {w}" for w in _compare(read_metadata(data), _exiftool(path))]
    assert not wrong, "\n".join(wrong)


def test_values_match_the_camera_record(samples):
    photos, heic, video = samples
    for item in [*photos, heic]:
        r = item.record
        data = heic_bytes(item) if item is heic else jpeg_bytes(item, 48)
        meta = read_metadata(data)
        assert (meta.make, meta.model, meta.lens) == (r.camera_make, r.camera_model, r.lens_model)
        assert meta.taken_at == r.taken_at and meta.utc_offset_min == r.utc_offset_min
        assert (meta.aperture_f, meta.iso, meta.focal_length_35mm) == (r.aperture_f, r.iso, r.focal_length_35mm)
        assert meta.exposure_s == pytest.approx(r.exposure_s, rel=1e-4)
        if r.latitude is not None:
            assert meta.latitude == pytest.approx(r.latitude, abs=1e-5)
    assert (read_metadata(heic_bytes(heic)).width, read_metadata(heic_bytes(heic)).height) == (
        heic.record.width,
        heic.record.height,
    )
    meta = read_metadata(mov_bytes(video))
    assert meta.duration_s == pytest.approx(video.record.duration_s, abs=0.01)
    assert (meta.width, meta.height) == (video.record.width, video.record.height)


def test_moov_at_the_end_beyond_the_head_is_simply_unknown(samples):
    _, _, video = samples
    data = mov_bytes(video, moov_first=False)
    assert read_metadata(data).duration_s == pytest.approx(video.record.duration_s, abs=0.01)
    cut = read_metadata(data[:120])
    assert cut.format == "mov" and cut.duration_s is None


def test_truncated_headers_return_what_was_read(samples):
    photos, heic, _ = samples
    data = jpeg_bytes(photos[0], 64)
    for size in (3, 10, 40, 200, 600, len(data) // 2):
        meta = read_metadata(data[:size])  # never raises on a cut JPEG
        assert meta.format == "jpeg"
    assert read_metadata(data[:30]).truncated
    for size in range(12, len(heic_bytes(heic)), 37):
        assert read_metadata(heic_bytes(heic)[:size]).format == "heif"


def test_garbage_inside_a_valid_header_never_raises_anything_but_metadata_error(samples):
    import random

    photos, heic, video = samples
    rng = random.Random(5)
    for original in (jpeg_bytes(photos[1], 48), heic_bytes(heic), mov_bytes(video)):
        for _ in range(150):
            data = bytearray(original)
            for _ in range(rng.randint(1, 12)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                read_metadata(bytes(data))
            except MetadataError:
                pass


def test_unknown_and_empty_input_are_typed_errors():
    with pytest.raises(MetadataError, match="empty"):
        read_metadata(b"")
    with pytest.raises(MetadataError, match="not a photo or video"):
        read_metadata(b"hello, this is text")
    assert read_metadata(b"\x89PNG\r\n\x1a\n" + bytes(20)).mime_type == "image/png"
    cr3 = b"\0\0\0\x18ftypcrx \0\0\0\x01crx isom"
    assert read_metadata(cr3).format == "cr3"  # a Canon RAW is a photo, not an MP4
