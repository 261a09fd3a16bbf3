"""Names, sidecar parsing, part sets and fingerprints, and the multi-process reader."""

import json
import zipfile

import pytest

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.takeout import album_json, sidecar_name, write_takeout
from gphotos_tui.sources.takeout import names
from gphotos_tui.sources.takeout.archive import (
    fingerprint,
    numbering_gaps,
    open_parts,
    safe_name,
    walk_part,
    zip_directory,
)
from gphotos_tui.sources.takeout.catalogue import scan
from gphotos_tui.sources.takeout.sidecar import SidecarError, album_metadata, media_sidecar, parse_json


def test_folder_kinds():
    assert names.folder_kind("Photos from 2019", False) == ("year", 2019)
    assert names.folder_kind("Fotos von 2019", False) == ("year", 2019)
    assert names.folder_kind("Zdjęcia z 2018", False) == ("year", 2018)  # unknown language, no album JSON
    assert names.folder_kind("Rome 2018", True) == ("album", None)  # has album JSON: an album
    assert names.folder_kind("PAPIERKORB", False)[0] == "trash"
    assert names.folder_kind("Archivio", False)[0] == "archive"
    assert names.folder_kind("Locked Folder", False)[0] == "locked"
    assert names.folder_kind("Untitled(3)", False)[0] == "untitled"
    assert names.folder_kind("Failed Videos", False)[0] == "failed"


def test_numbers_and_edit_suffixes():
    assert names.strip_number("X (10)(1)") == ("X (10)", 1)
    assert names.strip_number("IMG") == ("IMG", None)
    assert names.strip_edit_suffix("IMG_1-Bearbeitet") == ("IMG_1", "-bearbeitet")
    assert names.strip_partial_edit_suffix("IMG_1-modifi") == ("IMG_1", "-modifi")
    assert names.strip_partial_edit_suffix("IMG_1") == ("IMG_1", None)
    assert not names.is_media_name("._IMG_1.JPG") and names.is_media_name("X.mp~2")


def test_sidecar_names_follow_the_51_character_rule():
    assert sidecar_name("IMG_1.JPG") == "IMG_1.JPG.supplemental-metadata.json"
    assert sidecar_name("IMG_1.JPG", scheme="legacy", number=2) == "IMG_1.JPG(2).json"
    assert sidecar_name("IMG_20230101_123456789_HDR_X.jpg") == "IMG_20230101_123456789_HDR_X.jpg.supplemental-.json"
    assert sidecar_name("IMG_20230101_123456789_HDR.jpg") == "IMG_20230101_123456789_HDR.jpg.supplemental-me.json"  # 51
    assert len(sidecar_name("A" * 60 + ".jpg")) == 51


def test_sidecar_fields_and_tolerance():
    doc = parse_json(
        json.dumps(
            {
                "title": "a.jpg",
                "photoTakenTime": {"timestamp": "1600000000"},
                "creationTime": {"timestamp": "1600003600"},
                "geoData": {"latitude": 0.0, "longitude": 0.0},
                "geoDataExif": {"latitude": 1.5, "longitude": 2.5},
                "people": [{"name": "Ann"}, {"x": 1}],
                "favorited": True,
                "url": "https://photos.google.com/photo/AF1QipXYZ123",
                "googlePhotosOrigin": {"mobileUpload": {"deviceType": "IOS_PHONE"}},
                "brandNew": [1, 2],
            }
        ).encode()
    )
    s = media_sidecar(doc)
    assert (s.taken_at, s.uploaded_at, s.latitude, s.longitude) == (1600000000, 1600003600, 1.5, 2.5)
    assert s.people == ("Ann",) and s.favorite and not s.archived and s.photo_id == "AF1QipXYZ123"
    assert s.origin == "mobileUpload:IOS_PHONE"
    assert media_sidecar({"photoTakenTime": {"timestamp": "abc"}}).taken_at is None
    with pytest.raises(SidecarError, match="not an object"):
        parse_json(b"[1, 2]")


def test_album_json_shapes():
    assert album_metadata(json.loads(album_json("Rome", 1600000000))).title == "Rome"
    wrapped = album_metadata(json.loads(album_json("Rome", 1600000000, "wrapped")))
    assert (wrapped.title, wrapped.created_at) == ("Rome", 1600000000)
    assert album_metadata(json.loads(album_json("Trip", shape="minimal"))).title == "Trip"
    assert album_metadata({"title": ""}).title == ""


def test_part_gaps_and_unsafe_names(tmp_path):
    gaps = numbering_gaps(["takeout-20240712T112341Z-001.zip", "takeout-20240712T112341Z-004.tgz"])
    assert [g.split(" of ")[0] for g in gaps] == ["part 002", "part 003"]
    assert numbering_gaps(["takeout-X-001.zip", "takeout-X-002.zip"]) == []
    assert safe_name("a/../../b.jpg")[0] is None and safe_name("/etc/x")[0] is None
    assert safe_name("C:/x.jpg")[0] is None and safe_name("a\\..\\b.jpg")[0] is None
    assert safe_name("./Takeout//a.jpg") == ("Takeout/a.jpg", None)
    parts, problems = open_parts([tmp_path / "missing.zip", tmp_path])
    assert len(parts) == 1 and "no such file" in problems[0]


def test_fingerprint_is_stable_and_changes_with_content(tmp_path):
    layout = write_takeout(SyntheticLibrary(30, 1), tmp_path / "a", parts=2)
    parts, _ = open_parts(layout.paths)
    assert fingerprint(parts) == fingerprint(open_parts(list(reversed(layout.paths)))[0])
    other = write_takeout(SyntheticLibrary(30, 2), tmp_path / "b", parts=2)
    assert fingerprint(open_parts(other.paths)[0]) != fingerprint(parts)


def test_parallel_reader_gives_the_same_catalogue(tmp_path):
    layout = write_takeout(SyntheticLibrary(150, 6), tmp_path / "p", parts=3)
    parts, _ = open_parts(layout.paths)
    one = scan(parts)
    two = scan(parts, workers=2, parallel_min=1)

    def shape(cat):
        return {
            k: ([(m.name, m.sha256, m.meta) for m in f.media], [j.name for j in f.sidecars], f.album)
            for k, f in cat.folders.items()
        }

    assert shape(two) == shape(one) and two.entries == one.entries


def test_own_zip_directory_reader_agrees_with_zipfile_including_zip64(tmp_path, monkeypatch):
    path = tmp_path / "takeout-20240101T000000Z-001.zip"
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 64)  # entries past 64 bytes get zip64 sizes and offsets
    with zipfile.ZipFile(path, "w") as archive:
        for n in range(5):
            archive.writestr(
                f"Takeout/Google Photos/Photos from 2020/é{n}.jpg",
                bytes([n]) * (100 * n + 10),
                compress_type=zipfile.ZIP_DEFLATED if n % 2 else zipfile.ZIP_STORED,
            )
    monkeypatch.undo()
    part = open_parts([path])[0][0]

    def fields(m):
        return m.filename, m.flag_bits, m.CRC, m.compress_size, m.file_size, m.header_offset

    assert [fields(m) for m in zip_directory(part)] == [fields(i) for i in zipfile.ZipFile(path).infolist()]
    read = {}
    walk_part(part, lambda name, size, stream: read.setdefault(name, stream.read()), pytest.fail)
    assert [len(v) for v in read.values()] == [100 * n + 10 for n in range(5)]
