"""After `import-takeout` alone, near duplicates are found from the bytes in the parts (zip, tgz, folder)."""

import io
import json
import os
import tarfile
import zipfile

import numpy as np
import pytest
from PIL import Image

from gphotos_tui.analysis.duplicates import scan
from gphotos_tui.analysis.duplicates.takeout_bytes import TakeoutPartsProvider, close_parts
from gphotos_tui.catalog.takeout_parts import all_parts
from gphotos_tui.cli import main
from gphotos_tui.engine.byte_sources import default_providers, provider_notes
from gphotos_tui.sources.takeout import import_takeout

ROOT = "Takeout/Google Photos/Photos from 2021/"


def _photo(seed: int, size=(320, 240), quality=92) -> Image.Image:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (6, 8, 3), dtype=np.uint8)
    return Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)


def _jpeg(img: Image.Image, quality=92) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _side(title: str, taken: int) -> bytes:
    return json.dumps({"title": title, "photoTakenTime": {"timestamp": str(taken)}}).encode()


def _entries() -> list[tuple[str, bytes]]:
    """Four photos, each with a resized and recompressed look-alike under another name and time."""
    entries = []
    for n in range(4):
        img = _photo(n)
        entries.append((f"{ROOT}PHOTO_{n}.jpg", _jpeg(img)))
        entries.append((f"{ROOT}PHOTO_{n}.jpg.supplemental-metadata.json", _side(f"PHOTO_{n}.jpg", 1_600_000_000 + n)))
        entries.append((f"{ROOT}shared_{n}.jpg", _jpeg(img.resize((200, 150)), quality=70)))
        entries.append((f"{ROOT}shared_{n}.jpg.json", _side(f"shared_{n}.jpg", 1_610_000_000 + 977 * n)))
    return entries


def _write(tmp_path, fmt: str):
    entries = _entries()
    if fmt == "zip":
        path = tmp_path / "takeout-20240101T000000Z-001.zip"
        with zipfile.ZipFile(path, "w") as z:
            for name, data in entries:
                z.writestr(name, data)
    elif fmt == "tgz":
        path = tmp_path / "takeout-20240101T000000Z-001.tgz"
        with tarfile.open(path, "w:gz") as t:
            for name, data in entries:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    else:
        path = tmp_path / "Takeout"
        for name, data in entries:
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return path


@pytest.fixture(autouse=True)
def _closed():
    yield
    close_parts()


@pytest.mark.parametrize("fmt", ["zip", "tgz", "dir"])
async def test_near_groups_from_the_imported_parts(tmp_path, catalog, fmt):
    path = _write(tmp_path, fmt)
    await import_takeout(catalog, [path])
    (record,) = await all_parts(catalog.reader)
    assert (record.path, record.kind) == (str(path.resolve()), fmt)
    assert record.size == (os.path.getsize(path) if fmt != "dir" else 0) and record.mtime
    providers = default_providers()
    result = await scan(catalog, providers=providers, workers=1)
    assert result.hashed == 8 and not result.hash_errors
    near = sorted(sorted(m.filename for m in g.members) for g in result.groups if g.kind == "near")
    assert near == [[f"PHOTO_{n}.jpg", f"shared_{n}.jpg"] for n in range(4)]
    origins = await catalog.reader.execute_fetchall("SELECT DISTINCT origin FROM perceptual_hashes")
    assert origins == [("takeout",)]
    assert provider_notes(providers) == []


async def test_zip_jobs_come_in_archive_order_and_each_part_is_opened_once(tmp_path, catalog, monkeypatch):
    path = _write(tmp_path, "zip")
    await import_takeout(catalog, [path])
    rows = await catalog.reader.execute_fetchall("SELECT item_id, kind, external_id FROM item_sources")
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda p, *a, **k: opened.append(p) or real_open(p, *a, **k))
    jobs = await TakeoutPartsProvider().jobs(catalog.reader, [tuple(r) for r in rows])
    offsets = [job.load.member.header_offset for job in jobs]
    assert len(jobs) == 8 and offsets == sorted(offsets)
    data = [job.load() for job in jobs]
    assert all(d.startswith(b"\xff\xd8") for d in data)
    assert opened == [str(path.resolve())]


async def test_moved_parts_are_reported_with_how_to_point_at_them(tmp_path, catalog):
    path = _write(tmp_path, "zip")
    await import_takeout(catalog, [path])
    moved = tmp_path / "elsewhere" / path.name
    moved.parent.mkdir()
    path.rename(moved)
    providers = default_providers()
    result = await scan(catalog, providers=providers, workers=1)
    assert result.hashed == 0
    (note,) = provider_notes(providers)
    assert "8 photos could not be hashed" in note and str(path.resolve()) in note
    assert "gphotos-tui import-takeout" in note
    await import_takeout(catalog, [moved])  # already imported: only the new place is recorded
    (record,) = await all_parts(catalog.reader)
    assert record.path == str(moved.resolve())
    providers = default_providers()
    result = await scan(catalog, providers=providers, workers=1)
    assert result.hashed == 8 and provider_notes(providers) == []


def test_dupes_command_after_import_alone_shows_near_groups(tmp_path, capsys):
    path = _write(tmp_path, "zip")
    db = str(tmp_path / "c.sqlite")
    assert main(["import-takeout", "--db", db, str(path)]) == 0
    capsys.readouterr()
    assert main(["dupes", "--db", db, "--json"]) == 0
    out = capsys.readouterr()
    kinds = [g["kind"] for g in json.loads(out.out)["groups"]]
    assert kinds.count("near") == 4, out.err
    assert "8 newly hashed" in out.err
