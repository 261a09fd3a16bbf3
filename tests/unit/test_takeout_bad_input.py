"""Damaged archives and entries: each is an error for that entry, the import goes on."""

import os
import struct
import zipfile

import pytest

from gphotos_tui.cli import main
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.images import jpeg_bytes
from gphotos_tui.demo.takeout import PartSet, sidecar_json, write_takeout
from gphotos_tui.sources.takeout import import_takeout

ROOT = "Takeout/Google Photos/Photos from 2021"


@pytest.fixture(scope="module")
def photos():
    return [
        i
        for i in SyntheticLibrary(60, 8).items()
        if i.record.media_type == "photo" and i.record.mime_type == "image/jpeg"
    ][:6]


def _bad_set(out_dir, fmt, photos):
    good, garbage, badjson, emptyjson, negative, weird = photos
    parts = PartSet(out_dir, 2, fmt)
    parts.add(f"{ROOT}/good.jpg", jpeg_bytes(good, 32), 0)
    parts.add(f"{ROOT}/good.jpg.json", sidecar_json(good.record, title="good.jpg"), 1)
    parts.add(f"{ROOT}/garbage.jpg", b"this is not a picture at all", 0)
    parts.add(f"{ROOT}/garbage.jpg.json", sidecar_json(garbage.record, title="garbage.jpg"), 0)
    parts.add(f"{ROOT}/badjson.jpg", jpeg_bytes(badjson, 32), 0)
    parts.add(f"{ROOT}/badjson.jpg.json", b'{"title": "badjson.jpg", "photoTakenTime": {', 0)
    parts.add(f"{ROOT}/emptyjson.jpg", jpeg_bytes(emptyjson, 32), 0)
    parts.add(f"{ROOT}/emptyjson.jpg.json", b"", 0)
    negative.record.taken_at = -5
    parts.add(f"{ROOT}/negative.jpg", jpeg_bytes(photos[0], 32)[:200], 0)  # and a truncated image
    parts.add(f"{ROOT}/negative.jpg.json", sidecar_json(negative.record, title="negative.jpg"), 0)
    parts.add("../../evil.jpg", jpeg_bytes(good, 16), 0)
    parts.add("/etc/evil.jpg", jpeg_bytes(good, 16), 0)
    parts.add(f"{ROOT}/weird.jpg", jpeg_bytes(weird, 32), 0, raw_name=f"{ROOT}/caf\xe9-weird.jpg".encode("latin-1"))
    parts.add(f"{ROOT}/huge.jpg", jpeg_bytes(good, 16), 1)
    return parts.close()


def _patch_zip_size(path, name: str, size: int) -> None:
    """Claim an absurd uncompressed size for ``name`` in the central directory."""
    data = bytearray(path.read_bytes())
    at = data.rfind(name.encode())
    header = data.rfind(b"PK\x01\x02", 0, at)
    data[header + 24 : header + 28] = struct.pack("<I", size)
    path.write_bytes(bytes(data))


def _errors(report):
    return {e["entry"].split(": ", 1)[-1].rsplit("/", 1)[-1]: e["error"] for e in report.errors}


@pytest.mark.parametrize("fmt", ["zip", "tgz"])
async def test_bad_entries_are_reported_and_the_rest_imported(tmp_path, catalog, photos, fmt):
    paths = _bad_set(tmp_path / "parts", fmt, photos)
    if fmt == "zip":
        _patch_zip_size(paths[1], f"{ROOT}/huge.jpg", 0xFFFFFFF0)
    before = set(os.listdir(tmp_path))
    report = await import_takeout(catalog, paths)
    errors = _errors(report)
    assert "not a photo or video" in errors["garbage.jpg"]
    assert "malformed JSON" in errors["badjson.jpg.json"]
    assert "empty JSON" in errors["emptyjson.jpg.json"]
    assert "photoTakenTime timestamp -5 means unknown" in errors["negative.jpg.json"]
    assert "'..'" in errors["evil.jpg"] or "absolute" in errors["evil.jpg"]
    assert sum("evil.jpg" in e["entry"] for e in report.errors) == 2
    assert any("not valid UTF-8" in e["error"] and "caf\ufffd-weird.jpg" in e["entry"] for e in report.errors)
    if fmt == "zip":
        assert "does not fit the archive" in errors["huge.jpg"]
    rows = dict(await catalog.reader.execute_fetchall("SELECT filename, time_source FROM items"))
    assert rows["good.jpg"] == "sidecar" and rows["garbage.jpg"] == "sidecar"  # the sidecar still dates it
    assert rows["badjson.jpg"] == "exif" and rows["emptyjson.jpg"] == "exif"
    assert "caf\ufffd-weird.jpg" in rows and "evil.jpg" not in rows
    assert set(os.listdir(tmp_path)) == before  # nothing extracted next to the archives
    assert not (tmp_path.parent / "evil.jpg").exists()


async def test_truncated_zip_part_is_skipped_with_a_clear_error(tmp_path, catalog):
    layout = write_takeout(SyntheticLibrary(80, 5), tmp_path / "parts", parts=2)
    cut = layout.paths[1]
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    report = await import_takeout(catalog, layout.paths)
    assert any("central directory" in e["error"] and e["entry"] == cut.name for e in report.errors)
    assert 0 < report.items < layout.items


async def test_truncated_tgz_keeps_what_came_before_the_damage(tmp_path, catalog):
    layout = write_takeout(SyntheticLibrary(80, 5), tmp_path / "parts", parts=2, fmt="tgz")
    cut = layout.paths[0]
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size * 2 // 3])
    report = await import_takeout(catalog, layout.paths)
    assert any("truncated or damaged" in e["error"] for e in report.errors)
    assert report.items > 0


async def test_corrupt_entry_bytes_fail_the_crc(tmp_path, catalog, photos):
    parts = PartSet(tmp_path / "parts", 1, "zip")
    data = jpeg_bytes(photos[0], 64)
    parts.add(f"{ROOT}/crc.jpg", data, 0)
    parts.add(f"{ROOT}/fine.jpg", jpeg_bytes(photos[1], 32), 0)
    (path,) = parts.close()
    raw = bytearray(path.read_bytes())
    at = raw.find(data[-100:])
    raw[at + 10] ^= 0xFF
    path.write_bytes(bytes(raw))
    report = await import_takeout(catalog, [path])
    assert "damaged entry" in _errors(report)["crc.jpg"]
    assert report.items == 1


def test_command_exits_zero_with_the_error_count(tmp_path, capsys, photos):
    paths = _bad_set(tmp_path / "parts", "zip", photos)
    code = main(["import-takeout", "--db", str(tmp_path / "c.sqlite"), *map(str, paths)])
    out = capsys.readouterr().out
    assert code == 0
    assert "errors: " in out and "errors: 0" not in out


def test_zip_entries_read_never_extracts(tmp_path, photos):
    """zipfile is only opened for reading: the archive is byte-identical afterwards."""
    paths = _bad_set(tmp_path / "parts", "zip", photos)
    before = [p.read_bytes() for p in paths]
    assert main(["import-takeout", "--db", str(tmp_path / "c.sqlite"), *map(str, paths)]) == 0
    assert [p.read_bytes() for p in paths] == before
    with zipfile.ZipFile(paths[0]) as z:
        assert any(i.filename.endswith("evil.jpg") for i in z.infolist())
