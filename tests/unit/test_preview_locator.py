"""The preview locator on generated files of every structure that embeds a JPEG, checked against exiftool -b,
and the preview path that decodes the embedded JPEG (turned as the picture is) instead of the file."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from gphotos_tui.analysis.duplicates.preview import NoPreview, decode_preview, halfblock_cells, loader_cells
from gphotos_tui.analysis.duplicates.providers import FileLoader
from gphotos_tui.analysis.duplicates.takeout_bytes import ZipMemberLoader, close_parts
from gphotos_tui.exif import sniff
from gphotos_tui.exif.preview import EmbeddedJpeg, PreviewPlan, locate_previews
from gphotos_tui.exif.source import Source
from gphotos_tui.sources.takeout.archive import Part, zip_directory
from tests.unit import preview_structures as ps

THUMB = ps.picture(160, 120, (20, 200, 20))
PREVIEW = ps.picture(480, 320, (20, 20, 200))
BIG = ps.picture(640, 480, (200, 20, 20))

# name: (bytes, orientation exiftool reports, the JPEGs we must find as (width, height))
FILES = {
    "thumb.jpg": (ps.jpeg_with_thumbnail(1024, 768, THUMB, orientation=6), 6, {(160, 120)}),
    "cam.cr2": (ps.cr2(PREVIEW, ps.picture(160, 106), orientation=8), 8, {(480, 320), (160, 106)}),
    "cam.nef": (ps.nef(PREVIEW, orientation=3), 3, {(480, 320)}),
    "notes.nef": (ps.nef(BIG, note_preview=PREVIEW), 1, {(640, 480), (480, 320)}),
    "cam.arw": (ps.arw(PREVIEW, THUMB, orientation=6), 6, {(480, 320), (160, 120)}),
    "cam.dng": (ps.dng(PREVIEW), 1, {(480, 320)}),
    "cam.rw2": (ps.rw2(BIG, orientation=6), 6, {(640, 480)}),
    "cam.orf": (ps.orf(PREVIEW, orientation=6), 6, {(480, 320)}),
    "cam.pef": (ps.pef(PREVIEW, orientation=8), 8, {(480, 320)}),
    "cam.cr3": (ps.cr3(PREVIEW, THUMB, orientation=8), 8, {(480, 320), (160, 120)}),
    "cam.raf": (ps.raf(ps.jpeg_with_thumbnail(480, 320, THUMB, orientation=6)), 6, {(480, 320), (160, 120)}),
    "jpegitem.heic": (
        ps.heif([(b"jpeg", PREVIEW), (b"Exif", ps.heif_exif(ps.exif_with_thumbnail(THUMB, 6)))], 4032, 3024, irot=3),
        6,
        {(480, 320), (160, 120)},
    ),
    "hevcthumb.heic": (ps.heif([(b"hvc1", b"\0" * 300)], 4032, 3024, thmb_of=1), None, set()),
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("previews")
    for name, (data, _, _) in FILES.items():
        (root / name).write_bytes(data)
    return root


def _plan(path: Path) -> PreviewPlan:
    with open(path, "rb") as fh:
        src = Source.of_file(fh)
        return locate_previews(src, sniff(src.head))


def _bytes(path: Path, jpeg: EmbeddedJpeg) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(jpeg.offset)
        return fh.read(jpeg.length)


@pytest.mark.parametrize("name", sorted(FILES))
def test_locator_finds_each_embedded_jpeg_and_the_orientation(generated, name):
    plan = _plan(generated / name)
    _, orientation, sizes = FILES[name]
    assert {(j.width, j.height) for j in plan.jpegs} == sizes
    assert plan.orientation == (orientation or 1)
    for jpeg in plan.jpegs:
        with Image.open(io.BytesIO(_bytes(generated / name, jpeg))) as img:
            assert img.size == (jpeg.width, jpeg.height)


def test_locator_agrees_with_exiftool_byte_for_byte(generated):
    if shutil.which("exiftool") is None:
        pytest.skip("exiftool is not installed: the comparison with it cannot run (apt install libimage-exiftool-perl)")
    problems = []
    for name, (_, orientation, _) in FILES.items():
        path = generated / name
        theirs = set()
        for tag in ("ThumbnailImage", "PreviewImage", "JpgFromRaw", "OtherImage"):
            out = subprocess.run(["exiftool", "-b", f"-{tag}", str(path)], capture_output=True, check=True).stdout
            if out:
                theirs.add(out)
        plan = _plan(path)
        ours = {_bytes(path, j) for j in plan.jpegs}
        if ours != theirs:
            problems.append(f"{name}: ours {sorted(map(len, ours))} bytes, exiftool {sorted(map(len, theirs))}")
        told = subprocess.run(["exiftool", "-n", "-s3", "-Orientation", str(path)], capture_output=True, text=True)
        if orientation is not None and told.stdout.strip() != str(plan.orientation):
            problems.append(f"{name}: orientation ours {plan.orientation}, exiftool {told.stdout.strip()!r}")
    assert not problems, "\n".join(problems)


def test_lossless_raw_data_is_never_a_preview(generated):
    """CR2's IFD3 and DNG's raw SubIFD are lossless JPEG (SOF3): listed as nothing, not as a preview."""
    for name in ("cam.cr2", "cam.dng"):
        assert all(j.length != len(ps.LOSSLESS) for j in _plan(generated / name).jpegs), name


def test_best_takes_the_smallest_large_enough_with_the_pictures_shape():
    plan = PreviewPlan(
        "tiff",
        jpegs=[
            EmbeddedJpeg("ThumbnailImage", 10, 100, 160, 120),  # letterboxed 4:3 thumbnail of a 3:2 picture
            EmbeddedJpeg("PreviewImage", 200, 100, 1620, 1080),
            EmbeddedJpeg("JpgFromRaw", 400, 100, 6000, 4000),
        ],
    )
    assert plan.best(48, 32, decodable=False).name == "PreviewImage"  # the thumbnail's shape is not the picture's
    assert plan.best(2000, 1500, decodable=False).name == "JpgFromRaw"
    assert plan.best(9000, 9000, decodable=False).name == "JpgFromRaw"  # none large enough: the largest
    jpeg = PreviewPlan("jpeg", jpegs=[EmbeddedJpeg("ThumbnailImage", 10, 100, 160, 120)], width=4000, height=3000)
    assert jpeg.best(48, 32).name == "ThumbnailImage"
    assert jpeg.best(400, 300) is None  # too small: the file itself is decoded
    jpeg.width, jpeg.height = 6000, 4000
    assert jpeg.best(48, 32) is None  # a thumbnail of another shape (stale or letterboxed) is not used


def test_preview_decodes_the_embedded_jpeg_turned_upright(generated):
    """An ARW (whose raw data Pillow cannot decode) shows its preview, turned upright by orientation 6."""
    with open(generated / "cam.arw", "rb") as fh:
        decoded = decode_preview(Source.of_file(fh), 72, 56, "cam.arw")
    assert decoded.embedded is not None and decoded.embedded.name == "PreviewImage"
    assert decoded.image.height > decoded.image.width  # turned: the stored preview is landscape
    with open(generated / "thumb.jpg", "rb") as fh:
        decoded = decode_preview(Source.of_file(fh), 72, 56, "thumb.jpg")
    assert decoded.embedded is not None and decoded.embedded.name == "ThumbnailImage"
    assert decoded.image.size == (120, 160)
    # its green half (left, stored) is on top once turned by 90 degrees clockwise
    top, bottom = decoded.image.getpixel((60, 20)), decoded.image.getpixel((60, 140))
    assert top[1] > 150 and bottom[1] < 100


def test_a_heic_without_a_jpeg_preview_says_why(generated):
    with pytest.raises(NoPreview, match="HEIC needs an HEVC decoder") as raised:
        loader_cells(FileLoader(str(generated / "hevcthumb.heic")), 24, 8, "hevcthumb.heic")
    assert raised.value.short == "HEIC needs an HEVC decoder"  # what a 24-column Duplicates card shows
    cells = loader_cells(FileLoader(str(generated / "jpegitem.heic")), 24, 8, "jpegitem.heic")
    assert len(cells) == 8 and len(cells[0]) == 24


def test_videos_say_they_are_not_decoded():
    from tests.unit import media_structures as ms

    movie = ms.movie(ms.mvhd(1_600_000_000, 2.0) + ms.trak(640, 480), brand=b"isom", moov_first=True, pad=100)
    with pytest.raises(NoPreview, match="MP4 is a video"):
        halfblock_cells(movie, 24, 8, "clip.mp4")


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_takeout_zip_members_are_previewed_in_place(generated, tmp_path, method):
    archive = tmp_path / "takeout.zip"
    with zipfile.ZipFile(archive, "w", compression=method) as zf:
        for name in ("cam.cr3", "thumb.jpg"):
            zf.write(generated / name, f"Takeout/Google Photos/Photos from 2023/{name}")
    members = {m.filename.rsplit("/", 1)[1]: m for m in zip_directory(Part(archive, "zip", archive.stat().st_size))}
    try:
        for name in ("cam.cr3", "thumb.jpg"):
            from_zip = loader_cells(ZipMemberLoader(str(archive), members[name]), 24, 8, name)
            assert from_zip == loader_cells(FileLoader(str(generated / name)), 24, 8, name), name
    finally:
        close_parts()


def _letterboxed(fill_bars: bool) -> bytes:
    inner = Image.open(io.BytesIO(ps.picture(160, 107, (220, 180, 40))))
    canvas = Image.new("RGB", (160, 120), (90, 140, 200) if fill_bars else (0, 0, 0))
    canvas.paste(inner, (0, 6))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=95)
    return out.getvalue()


def test_a_letterboxed_thumbnail_is_cropped_to_the_picture_and_a_stale_one_is_not_used(tmp_path):
    """Cameras pad a 3:2 picture's thumbnail into 160x120 with black bars: the bars are cut. A thumbnail of
    another shape whose margins hold picture (the photo was cropped since) is no preview: the file is decoded."""
    boxed = tmp_path / "boxed.jpg"
    boxed.write_bytes(ps.jpeg_with_thumbnail(1500, 1000, _letterboxed(fill_bars=False)))
    with open(boxed, "rb") as fh:
        decoded = decode_preview(Source.of_file(fh), 36, 28, boxed.name)
    assert decoded.embedded is not None and decoded.embedded.name == "ThumbnailImage"
    assert decoded.image.size == (160, 107)
    stale = tmp_path / "stale.jpg"
    stale.write_bytes(ps.jpeg_with_thumbnail(1500, 1000, _letterboxed(fill_bars=True)))
    with open(stale, "rb") as fh:
        decoded = decode_preview(Source.of_file(fh), 36, 28, stale.name)
    assert decoded.embedded is None and decoded.image.width > decoded.image.height
