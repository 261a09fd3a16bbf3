"""The reader on generated files of every container structure, checked field by field against exiftool -n."""

from __future__ import annotations

import hashlib
import io
import random
import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from gphotos_tui.exif import MetadataError, read_file, read_metadata, read_path
from gphotos_tui.sources.takeout.archive import open_parts
from gphotos_tui.sources.takeout.catalogue import scan
from tests.benchmarks import reader as bench
from tests.unit import media_structures as ms
from tests.unit.media_structures import ASCII, LONG, RATIONAL, SHORT, SLONG, SRATIONAL

CAMERA = [(0x010F, ASCII, "Canon"), (0x0110, ASCII, "Canon EOS R5"), (0x0112, SHORT, 6)]
SHOT = [
    (0x829A, RATIONAL, (1, 250)),
    (0x829D, RATIONAL, (28, 10)),
    (0x8827, SHORT, 400),
    (0x9003, ASCII, "2023:07:14 18:30:05"),
    (0x9011, ASCII, "+02:00"),
    (0x920A, RATIONAL, (50, 1)),
    (0xA405, SHORT, 75),
    (0xA434, ASCII, "RF24-105mm F4 L IS USM"),
]
GPS = ms.gps_entries(48.858222, 2.2945)


def _files() -> dict[str, bytes]:
    exif = ms.exif_payload(CAMERA, SHOT, GPS)
    files = {
        "plain.jpg": ms.jpeg(exif, 640, 480),
        # small gaps: ShutterSpeedValue only, DateTimeDigitized only, the GPS IFD pointer stored as SLONG
        "gaps.jpg": ms.jpeg(
            ms.exif_payload(
                CAMERA,
                [(0x9201, SRATIONAL, (6643856, 1000000)), (0x9004, ASCII, "2021:01:02 03:04:05")],
                GPS,
                gps_type=SLONG,
            ),
            320,
            200,
        ),
        "xmpdate.jpg": ms.jpeg(
            ms.exif_payload(CAMERA),
            100,
            80,
            xmp=ms.xmp_packet(**{"exif:DateTimeOriginal": "2019-05-06T07:08:09+05:30"}),
        ),
        "exif.png": ms.png(40, 30, exif),
        "vp8x.webp": ms.webp_vp8x(120, 90, exif),
        "anim.gif": ms.gif(77, 33),
        "pic.bmp": ms.bmp(21, 13),
        "plain.tif": ms.tiff({"ifd0": [(0x100, SHORT, 300), (0x101, SHORT, 200), *CAMERA]}),
        "late.heic": ms.heif(exif, 4032, 3024),
        "still.avif": ms.heif(exif, 1920, 1080, brand=b"avif", pad=1000),
        "iphone.mov": ms.movie(
            ms.mvhd(1_689_352_205, 12.5)
            + ms.trak(1920, 1080)
            + ms.apple_keys(
                {
                    "com.apple.quicktime.creationdate": "2023-07-14T18:30:05+0200",
                    "com.apple.quicktime.make": "Apple",
                    "com.apple.quicktime.model": "iPhone 14 Pro",
                    "com.apple.quicktime.location.ISO6709": "+48.8582+002.2945+035.000/",
                }
            )
        ),
        "noftyp.mov": ms.movie(ms.mvhd(1_500_000_000, 3.0) + ms.trak(640, 480), brand=None),
        "android.mp4": ms.movie(
            ms.mvhd(1_600_000_000, 7.25) + ms.trak(1280, 720) + ms.udta_xyz("+37.4220-122.0841/"),
            brand=b"isom",
            moov_first=True,
            pad=1000,
        ),
        "clip.avi": ms.avi(320, 240, 250, 25),
        "clip.webm": ms.matroska(854, 480, 4.5, 1_650_000_000),
        "clip.mkv": ms.matroska(1920, 1080, 61.0, 1_650_000_000, doctype="matroska"),
    }
    raw_ifds = {
        "ifd0": [
            (0x00FE, LONG, 1),
            (0x100, SHORT, 160),
            (0x101, SHORT, 120),
            (0x010F, ASCII, "NIKON CORPORATION"),
            (0x0110, ASCII, "NIKON D850"),
            (0x0112, SHORT, 1),
            (ms.SUB_PTR, LONG, ["@raw"]),
            (ms.EXIF_PTR, LONG, "@exif"),
        ],
        "raw": [(0x00FE, LONG, 0), (0x100, LONG, 8256), (0x101, LONG, 5504)],
        "exif": SHOT,
    }
    files["camera.nef"] = ms.tiff(raw_ifds)
    files["camera.arw"] = ms.tiff(
        raw_ifds
        | {
            "ifd0": [
                (t, y, "SONY" if t == 0x010F else ("ILCE-7M4" if t == 0x0110 else v)) for t, y, v in raw_ifds["ifd0"]
            ]
        }
    )
    files["camera.dng"] = ms.tiff(raw_ifds | {"ifd0": [*raw_ifds["ifd0"], (0xC612, 1, b"\1\4\0\0")]})
    files.update(_more_videos())
    return files


SONY_MDPM = [
    *ms.mdpm_date("2019:04:24 22:24:00", 120, dst=True),
    (0x7F, bytes.fromhex("0000320a")),  # Shutter (2610/28125 s), overridden by ExposureTime below
    (0xA0, ms.mdpm_rational((1, 50))),
    (0xA1, ms.mdpm_rational((63, 10))),
    (0xA9, ms.mdpm_rational((35, 1))),
    *ms.mdpm_gps(48.858222, -2.2945),
    (0xE0, b"\x01\x08\0\0"),  # Sony
    (0xE4, b"ILCE"),
    (0xE5, b"-7M3"),
    (0xE6, b"\0\0\0\0"),
]
CANON_MDPM = [
    *ms.mdpm_date("2008:12:31 23:16:24", -210),
    (0x7F, bytes.fromhex("0000f203")),  # Shutter 1010/28125 s
    (0xE0, b"\x10\x11\0\0"),  # Canon
    (0xE4, b"HFG3"),  # a model entry exiftool reads only for Sony: not read for Canon either
]


def _more_videos() -> dict[str, bytes]:
    return {
        "sony.mts": ms.m2ts(1920, 1080, SONY_MDPM, duration_s=12.5),
        "canon.m2ts": ms.m2ts(1920, 1080, CANON_MDPM, duration_s=61.04, interlaced=True, profile=77),
        "hdv.m2t": ms.m2ts(1440, 1080, None, duration_s=3.0, timecode=False, video="mpeg2"),
        "clip.mpg": ms.mpeg_ps(720, 576),
        # an iMovie export: the XMP packet after mdat carries the creation time with its offset
        "xmp.mp4": ms.movie(ms.mvhd(1_578_236_640, 1.5) + ms.trak(960, 540), brand=b"mp42", moov_first=True, pad=5000)
        + ms.xmp_uuid(ms.xmp_packet(**{"xmp:CreateDate": "2020-01-05T16:04:00+01:00", "tiff:Orientation": "1"})),
        "fuji.avi": ms.avi(
            640,
            480,
            300,
            30,
            strd=ms.avi_exif_strd(
                [(0x010F, ASCII, "FUJIFILM"), (0x0110, ASCII, "FinePix F31fd"), (0x0112, SHORT, 1)],
                [
                    (0x829A, RATIONAL, (1, 30)),
                    (0x829D, RATIONAL, (28, 10)),
                    (0x8827, SHORT, 400),
                    (0x9003, ASCII, "2007:08:09 10:11:12"),
                    (0x920A, RATIONAL, (80, 10)),
                ],
            ),
        ),
        "nikon.avi": ms.avi(
            640,
            480,
            150,
            30,
            extra=ms.nikon_avi_tags(
                {3: b"NIKON\0", 4: b"COOLPIX P7000\0", 7: struct.pack("<H", 1), 8: struct.pack("<II", 1, 60)}
                | {9: struct.pack("<II", 28, 10), 0x0F: struct.pack("<II", 60, 10), 0x13: b"2011:05:06 07:08:09\0"}
            ),
        ),
        "nikon.mov": ms.movie(
            ms.mvhd(1_250_000_000, 4.0)
            + ms.trak(640, 480)
            + ms.camera_tags(
                b"NIKON DIGITAL CAMERA",
                {0x18: b"S8000\0", 0x26: struct.pack("<I", 600), 0x2A: struct.pack("<II", 35, 10)}
                | {0x48: struct.pack("<II", 50, 10), 0xDF: struct.pack("<H", 200)},
            ),
            moov_first=True,
            pad=1000,
        ),
        "samsung.mp4": ms.movie(
            ms.mvhd(1_300_000_000, 2.0)
            + ms.trak(1280, 720)
            + ms.camera_tags(
                b"SAMSUNG DIGITAL CAMERA",
                {0x18: b"WB650\0", 0x2E: struct.pack("<I", 300), 0x32: struct.pack("<II", 33, 10)}
                | {0x6A: struct.pack("<I", 400)},
            ),
            brand=b"mp42",
            moov_first=True,
            pad=1000,
        ),
        "sanyo.mov": ms.movie(
            ms.mvhd(1_200_000_000, 2.0)
            + ms.trak(640, 480)
            + ms.camera_tags(
                b"SANYO DIGITAL CAMERA",
                {0x18: b"HD2000\0", 0x26: struct.pack("<I", 1250), 0x2A: struct.pack("<I", 28)}
                | {0x48: struct.pack("<I", 64)},
            ),
            moov_first=True,
            pad=1000,
        ),
        "pentax.mov": ms.movie(
            ms.mvhd(1_250_000_000, 4.0) + ms.trak(640, 480) + ms.pentax_tags(384, (40, 10), (189, 10), 50),
            moov_first=True,
            pad=1000,
        ),
    }


EXPECTED_FIELDS = {  # what each generated file holds, so a missing value fails as loudly as a wrong one
    "plain.jpg": {"make", "model", "lens", "iso", "exposure_s", "aperture_f", "taken", "offset", "latitude", "width"},
    "gaps.jpg": {"exposure_s", "taken", "latitude", "longitude"},
    "xmpdate.jpg": {"taken", "offset"},
    "exif.png": {"make", "taken", "latitude", "width"},
    "vp8x.webp": {"make", "taken", "width", "height"},
    "anim.gif": {"width", "height"},
    "pic.bmp": {"width", "height"},
    "plain.tif": {"make", "width", "height"},
    "late.heic": {"make", "model", "taken", "latitude", "width", "height", "mime"},
    "still.avif": {"make", "width", "mime"},
    "iphone.mov": {"make", "model", "taken", "offset", "latitude", "longitude", "width", "duration_s"},
    "noftyp.mov": {"taken", "width", "duration_s", "mime"},
    "android.mp4": {"taken", "latitude", "longitude", "width", "duration_s"},
    "clip.avi": {"width", "height", "duration_s"},
    "clip.webm": {"width", "height", "duration_s", "taken", "mime"},
    "clip.mkv": {"width", "height", "duration_s", "taken", "mime"},
    "camera.nef": {"make", "model", "width", "height", "mime", "iso"},
    "camera.arw": {"make", "width", "mime"},
    "camera.dng": {"make", "width", "mime"},
    "sony.mts": {"make", "model", "taken", "offset", "exposure_s", "aperture_f", "focal_length_35mm", "latitude"}
    | {"longitude", "width", "height", "duration_s", "mime"},
    "canon.m2ts": {"make", "taken", "offset", "exposure_s", "width", "height", "duration_s", "mime"},
    "hdv.m2t": {"width", "height", "duration_s", "mime"},
    "clip.mpg": {"width", "height", "duration_s", "mime"},
    "xmp.mp4": {"taken", "offset", "orientation", "width", "duration_s"},
    "pentax.mov": {"make", "exposure_s", "aperture_f", "focal_length_mm", "iso", "width", "taken"},
    "fuji.avi": {"make", "model", "exposure_s", "aperture_f", "iso", "focal_length_mm", "taken", "width"},
    "nikon.avi": {"make", "model", "exposure_s", "aperture_f", "focal_length_mm", "orientation", "width"},
    "nikon.mov": {"make", "model", "exposure_s", "aperture_f", "focal_length_mm", "iso", "width"},
    "samsung.mp4": {"make", "model", "exposure_s", "aperture_f", "iso", "width"},
    "sanyo.mov": {"make", "model", "exposure_s", "aperture_f", "focal_length_mm", "width"},
}


def _with_garbage(jpeg: bytes) -> bytes:
    at = jpeg.index(b"\xff\xc0")
    return jpeg[:at] + b"\0\x17" + jpeg[at:]


def _reader_rule_files() -> dict[str, bytes]:
    """Structures where exiftool follows a rule of its own: the reader must give its value or none."""
    page = [(0x0103, SHORT, 1), (0x0106, SHORT, 1)]
    return {
        # pages flagged as pages (SubfileType 2), then the full-resolution image: exiftool's size is the latter's
        "pages.tif": ms.tiff(
            {
                "ifd0": [(0x00FE, LONG, 2), (0x100, SHORT, 1646), (0x101, SHORT, 2332), *page, *CAMERA],
                "p2": [(0x00FE, LONG, 2), (0x100, SHORT, 1653), (0x101, SHORT, 2333), *page],
                "p3": [(0x00FE, LONG, 0), (0x100, SHORT, 1641), (0x101, SHORT, 2317), *page],
            },
            chain=("ifd0", "p2", "p3"),
        ),
        # Adobe's XMP uuid box after mdat: its CreateDate (UTC, "Z") and orientation
        "xmp.mp4": ms.movie(ms.mvhd(1_578_236_640, 1.0) + ms.trak(640, 360), brand=b"mp42", moov_first=True, pad=500)
        + ms.xmp_uuid(ms.xmp_with({"xmp:CreateDate": "2020-01-05T15:04Z", "tiff:Orientation": "1"})),
        # stray bytes between two segments: exiftool skips to the next 0xFF and reads on (the SOF's size)
        "garbage.jpg": _with_garbage(ms.jpeg(ms.exif_payload(CAMERA), 130, 51)),
        # ISO kept only in a maker note: an older Nikon's, a Canon's moved by an editor (its footer says where)
        "nikon.jpg": ms.jpeg(ms.nikon_exif(200), 64, 48),
        "canon-moved.jpg": ms.jpeg(ms.canon_moved_exif(17), 64, 48),
        # Casio (Type1: a bare IFD, big-endian in little-endian Exif; Type2: "QVC\0" + IFD) and Pentax Optio 330
        "casio1.jpg": ms.jpeg(ms.maker_note_exif("CASIO", "QV-3000EX", ms.inline_ifd([(0x0014, 64)])), 64, 48),
        "casio2.jpg": ms.jpeg(
            ms.maker_note_exif("CASIO COMPUTER CO.,LTD", "EX-Z3", b"QVC\0\0\0" + ms.inline_ifd([(0x3014, 50)], e="<")),
            64,
            48,
        ),
        "optio.jpg": ms.jpeg(
            ms.maker_note_exif("Asahi Optical Co.,Ltd", "PENTAX Optio 330", ms.inline_ifd([(0x0014, 100)])), 64, 48
        ),
        "kodak.jpg": ms.jpeg(ms.maker_note_exif("EASTMAN KODAK COMPANY", "KODAK DX4900", ms.kodak_note(108)), 64, 48),
        # lens names: Olympus's maker note (Equipment IFD), XMP's exifEX:LensModel
        "olympus.jpg": ms.jpeg(
            ms.maker_note_exif("OLYMPUS IMAGING CORP.", "E-P3", ms.olympus_note("OLYMPUS M.17mm F1.8")), 64, 48
        ),
        "xmplens.jpg": ms.jpeg(
            ms.exif_payload(CAMERA),
            64,
            48,
            xmp=ms.xmp_with(
                {"xmlns:exifEX": "http://cipa.jp/exif/1.0/", "exifEX:LensModel": "Samsung Galaxy S9+ Rear Camera"}
            ),
        ),
        # an early Canon PowerShot JPEG: a CIFF heap in APP0 instead of Exif
        "powershot.jpg": ms.jpeg_ciff("Canon", "Canon PowerShot A5", 5, 4.875, 4.5, 1024, 768),
        # a scanner's TIFF: Exif tags in IFD0 itself, the model only in the second page's IFD
        "scanner.tif": ms.tiff(
            {
                "ifd0": [(0x100, SHORT, 246), (0x101, SHORT, 300), (0x829D, RATIONAL, (31, 10)), (0x8827, SHORT, 320)],
                "p2": [(0x100, SHORT, 1748), (0x101, SHORT, 2000), (0x0110, ASCII, "CanoScan N650U/N656U")],
            },
            chain=("ifd0", "p2"),
        ),
        # IFD0 at the end of a truncated file (its next-IFD pointer cut short): its entries still count
        "cut.tif": ms.tiff_ifd_at_end([(0x100, LONG, 1754), (0x101, LONG, 2481), (0x0112, SHORT, 1)]),
        # no Exif: the date from IPTC DateCreated + TimeCreated (with its offset) in Photoshop's APP13
        "iptc.jpg": ms.jpeg_iptc("20061029", "062751-0500"),
        # RAW that is not TIFF underneath
        "minolta.mrw": ms.mrw(
            ms.tiff(
                {
                    "ifd0": [*CAMERA, (ms.EXIF_PTR, LONG, "@exif"), (ms.GPS_PTR, LONG, "@gps")],
                    "exif": SHOT,
                    "gps": GPS,
                },
                e=">",
            ),
            3264,
            2448,
        ),
        "canon.crw": ms.crw("Canon", "Canon EOS 10D", 1_068_485_966, 3072, 2048, 24, 116, 189),
        "sd14.x3f": ms.x3f(2640, 1760, SIGMA_PROPS),
        "dp2.x3f": ms.x3f(2640, 1760, SIGMA_PROPS, ms.jpeg(ms.exif_payload(CAMERA, SHOT, GPS), 2640, 1760)),
        # an XMP packet whose RDF namespace is damaged is not XMP (exiftool reads no date from it)
        "badrdf.jpg": ms.jpeg(
            ms.exif_payload(CAMERA),
            100,
            80,
            xmp=ms.xmp_with({"exif:DateTimeOriginal": "2008-06-12T11:14:04-07:00"}, rdf="http:/\nwww.w3.org/"),
        ),
    }


SIGMA_PROPS = {
    "CAMMANUF": "SIGMA",
    "CAMMODEL": "SIGMA SD14",
    "ISO": "200",
    "SHUTTER": "0.004",
    "APERTURE": "5.6",
    "FLENGTH": "30",
    "FLEQ35MM": "51",
    "TIME": "1230000000",
}
_SHOT_FIELDS = {"make", "model", "focal_length_mm", "aperture_f", "iso", "exposure_s", "width", "height", "mime"}

EXPECTED_FIELDS |= {
    "minolta.mrw": _SHOT_FIELDS | {"taken", "latitude", "longitude", "focal_length_35mm", "lens", "orientation"},
    "canon.crw": _SHOT_FIELDS,
    "sd14.x3f": _SHOT_FIELDS | {"focal_length_35mm"},
    "dp2.x3f": _SHOT_FIELDS | {"taken", "latitude", "longitude", "focal_length_35mm"},
    "pages.tif": {"make", "width", "height", "mime"},
    "xmp.mp4": {"taken", "offset", "orientation", "width", "duration_s"},
    "badrdf.jpg": {"make", "width"},
    "garbage.jpg": {"make", "width", "height"},
    "nikon.jpg": {"make", "iso", "exposure_s"},
    "casio1.jpg": {"make", "iso"},
    "casio2.jpg": {"make", "iso"},
    "optio.jpg": {"make", "iso"},
    "kodak.jpg": {"make", "iso"},
    "iptc.jpg": {"taken", "offset", "width"},
    "scanner.tif": {"model", "aperture_f", "iso", "width", "height"},
    "cut.tif": {"width", "height", "orientation"},
    "powershot.jpg": {"make", "model", "focal_length_mm", "aperture_f", "exposure_s", "width"},
    "olympus.jpg": {"make", "lens"},
    "xmplens.jpg": {"make", "lens"},
    "magick-xmp.png": {"taken", "offset", "orientation", "width"},
    "magick-exif.png": {"make", "taken", "iso", "width"},
    "canon-moved.jpg": {"make", "iso", "exposure_s"},
}


def test_raw_without_tiff_underneath(generated):
    """MRW, CRW and X3F carry their own structures: camera, exposure, time and size all come through."""
    crw = read_path(generated / "canon.crw")
    assert (crw.make, crw.model, crw.width, crw.iso) == ("Canon", "Canon EOS 10D", 3072, 100)
    assert crw.taken_local == "2003-11-10 17:39:26"  # exiftool prints the CIFF time stamp as UTC: the wall clock
    sd14 = read_path(generated / "sd14.x3f")
    assert (sd14.model, sd14.taken_local, sd14.width) == ("SIGMA SD14", "2008-12-23 02:40:00", 2640)
    assert read_path(generated / "dp2.x3f").model == "Canon EOS R5"  # the embedded JPEG's Exif wins, as in exiftool
    assert read_path(generated / "minolta.mrw").mime_type == "image/x-minolta-mrw"


def test_damaged_xmp_gives_no_date(generated):
    assert read_path(generated / "badrdf.jpg").taken_local is None
    assert read_path(generated / "pages.tif").width == 1641


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("structures")
    for name, data in {**_files(), **_reader_rule_files()}.items():
        (root / name).write_bytes(data)
    return root


def test_every_structure_agrees_with_exiftool(generated):
    if shutil.which("exiftool") is None:
        pytest.skip("exiftool is not installed: the comparison with it cannot run (apt install libimage-exiftool-perl)")
    tool = bench._exiftool(sorted(generated.iterdir()))
    problems = []
    for path in sorted(generated.iterdir()):
        doc = tool[str(path)]
        want, got = bench.expected(doc), bench.ours(read_path(path))
        for field in EXPECTED_FIELDS[path.name]:
            if field not in want:
                problems.append(f"{path.name}: exiftool has no {field} (the generator is wrong)")
        for field, value in want.items():
            if field not in got:
                problems.append(f"{path.name}: {field} missing, exiftool says {value!r}")
            elif not bench.same(field, got[field], value):
                problems.append(f"{path.name}: {field} ours {got[field]!r}, exiftool {value!r}")
    assert not problems, "\n".join(problems)


def test_metadata_past_the_head_needs_seeks(generated):
    """Given only the first 256 KiB, the late Exif item and the trailing moov are flagged, not invented."""
    for name in ("late.heic", "iphone.mov"):
        data = (generated / name).read_bytes()
        head_only = read_metadata(data[: 256 * 1024], name)
        assert head_only.truncated, name
        assert head_only.make is None, name
        assert read_path(generated / name).make in ("Canon", "Apple")


def test_raw_mime_types_follow_exiftool_names(generated):
    assert read_path(generated / "camera.nef").mime_type == "image/x-nikon-nef"
    assert read_path(generated / "camera.arw").mime_type == "image/x-sony-arw"
    assert read_path(generated / "camera.dng").mime_type == "image/x-adobe-dng"
    assert read_path(generated / "still.avif").mime_type == "image/avif"
    assert read_path(generated / "camera.nef").width == 8256  # the main image, not IFD0's thumbnail


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_takeout_members_with_metadata_past_the_head_get_a_second_read(generated, tmp_path, method):
    archive = tmp_path / f"takeout-{method}.zip"
    with zipfile.ZipFile(archive, "w", compression=method) as zf:
        for name in ("late.heic", "iphone.mov", "android.mp4", "plain.jpg", "sony.mts"):
            zf.write(generated / name, f"Takeout/Google Photos/Photos from 2023/{name}")
    parts, problems = open_parts([archive])
    assert not problems
    cat = scan(parts, workers=1)
    media = {m.name: m for folder in cat.folders.values() for m in folder.media}
    assert set(media) == {"late.heic", "iphone.mov", "android.mp4", "plain.jpg", "sony.mts"}
    assert not cat.errors
    for name in media:
        want = read_path(generated / name)
        got = media[name].meta
        assert got is not None and not got.truncated, name
        assert (got.make, got.taken_at, got.width, got.latitude, got.duration_s) == (
            want.make,
            want.taken_at,
            want.width,
            want.latitude,
            want.duration_s,
        ), name
        assert media[name].sha256 == hashlib.sha256((generated / name).read_bytes()).hexdigest(), name


def test_transport_streams_are_read_by_a_few_bounded_reads(tmp_path):
    """A 30 MB AVCHD clip: the head, the first packets and one step back from the end, not the whole file."""
    path = tmp_path / "long.mts"
    path.write_bytes(ms.m2ts(1920, 1080, SONY_MDPM, duration_s=1234.5, filler=160_000))
    read = 0

    class Counting(io.FileIO):
        def read(self, n=-1):
            nonlocal read
            data = super().read(n)
            read += len(data)
            return data

    with Counting(str(path), "rb") as fh:
        meta = read_file(fh, str(path))
    assert (meta.duration_s, meta.make, meta.width, meta.taken_local) == (1234.5, "Sony", 1920, "2019-04-24 22:24:00")
    assert path.stat().st_size > 30_000_000 and read < 1_000_000, read


def test_a_transport_stream_head_alone_is_flagged_for_the_end():
    """Given only its head (a Takeout member that cannot seek), the clip keeps the camera data and says the
    duration lies beyond, instead of measuring the head."""
    data = ms.m2ts(1920, 1080, SONY_MDPM, duration_s=600.0, filler=5000)
    head = read_metadata(data[: 256 * 1024], "clip.mts")
    assert head.truncated and head.duration_s is None
    assert (head.make, head.model, head.utc_offset_min) == ("Sony", "ILCE-7M3", 120)


@pytest.mark.timeout(120)
def test_damaged_mpeg_streams_give_what_was_read_or_a_clear_error(tmp_path):
    """Cut and bit-flipped transport and program streams: never a crash or a hang, at most a MetadataError."""
    rng = random.Random(17)
    samples = [
        ms.m2ts(1920, 1080, SONY_MDPM, duration_s=5.0, filler=50),
        ms.m2ts(1440, 1080, None, timecode=False, video="mpeg2", filler=50),
        ms.mpeg_ps(720, 576, size=20_000),
    ]
    for index, data in enumerate(samples):
        variants = [data[:cut] for cut in range(0, len(data), max(1, len(data) // 97))]
        variants += [data[rng.randrange(1, 400) :] for _ in range(20)]  # not starting on a packet
        variants += [data[rng.randrange(1, 400) : rng.randrange(len(data) // 2, len(data))] for _ in range(20)]
        for _ in range(150):
            damaged = bytearray(data)
            for _ in range(rng.randrange(1, 40)):
                damaged[rng.randrange(len(damaged))] = rng.randrange(256)
            variants.append(bytes(damaged))
        for n, variant in enumerate(variants):
            path = tmp_path / f"v{index}-{n}.mts"
            path.write_bytes(variant)
            for whole in (True, False):
                try:
                    meta = read_path(path) if whole else read_metadata(variant, path.name)
                except MetadataError:
                    continue
                assert meta.width is None or 0 < meta.width <= 4096, (index, n)


def test_raw_located_from_the_end_waits_for_the_whole_file(generated):
    """CRW and X3F find their directory from the file's last bytes: from a head alone (a Takeout member
    that cannot seek) nothing is guessed and the item is flagged for the second read."""
    for name, data in (
        ("big.crw", ms.crw("Canon", "Canon EOS 10D", 1_068_485_966, 3072, 2048, 24, 116, 189, raw=400_000)),
        ("big.x3f", ms.x3f(2640, 1760, SIGMA_PROPS, pad=400_000)),
    ):
        head = read_metadata(data[: 256 * 1024], name)
        assert head.truncated and head.make is None, name
        whole = read_file(io.BytesIO(data), name)  # the second read, by seeks
        assert whole.make in ("Canon", "SIGMA") and not whole.truncated, name
