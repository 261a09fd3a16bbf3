"""Takeout with every kind of sidecar field -> import -> backup -> exiftool reads the XMP sidecars back.

Dates differing from the EXIF by days, GPS only in Google's JSON, captions with
Unicode, markup and newlines, favourites, archived/trashed, several albums per
photo and people: every field is compared with the catalog's own export (and
with its facts for what the export leaves out), then a rerun changes nothing,
a catalog change rewrites exactly the sidecars it touches, and a sidecar a
photo manager edited, or one the backup never wrote, is left alone.
"""

import asyncio
import copy
import hashlib
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime

import pytest

from gphotos_tui.backup.run import run_backup
from gphotos_tui.catalog.export import export_rows
from gphotos_tui.catalog.item_facts import item_facts
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.images import jpeg_bytes
from gphotos_tui.demo.takeout import PartSet, album_json, sidecar_json
from gphotos_tui.sources.takeout import import_takeout
from tests.unit.xmp_readback import differences, read_sidecars

pytestmark = pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool not installed")

ROOT = "Takeout/Google Photos"
ALBUMS = ["Été 2019 — Provence", "Family & <Friends>", "Trip | Rome", "日本"]
PEOPLE = ["Anne Dupont", "Jürgen Müller", 'O\'Brien "Bob"', "李小龍"]
DAY = 86_400


def _takeout(out):
    photos = [
        i
        for i in SyntheticLibrary(200, 21).items()
        if i.record.mime_type == "image/jpeg" and i.record.utc_offset_min is not None and i.variant == "original"
    ][:16]
    assert len(photos) == 16
    parts = PartSet(out, 2, "zip")
    originals = {}
    for n, item in enumerate(photos):
        in_file = copy.deepcopy(item)
        if n % 2:
            in_file.record.latitude = in_file.record.longitude = None  # GPS only in Google
        data = jpeg_bytes(in_file, 24)
        google = copy.deepcopy(item.record)
        google.taken_at = item.record.taken_at + (n + 1) * DAY + 3600 * (n % 5)  # corrected in Google, days off
        if google.latitude is None:
            google.latitude, google.longitude = 45.0 + n / 7, -(7.0 + n / 3)
        google.description = f"Légende n°{n} & <b>ça</b>\nsecond line — 🎉 日本語" if n % 4 else None
        google.favorite = n % 3 == 0
        google.archived = n == 5
        google.trashed = n == 6
        name = f"IMG_{n:04d}.jpg"
        people = [{"name": p} for p in PEOPLE[: n % 5]]
        meta = sidecar_json(google, title=name, people=people) if people else sidecar_json(google, title=name)
        year = f"Photos from {datetime.fromtimestamp(google.taken_at, UTC).year}"
        parts.add(f"{ROOT}/{year}/{name}", data, n % 2)
        parts.add(f"{ROOT}/{year}/{name}.supplemental-metadata.json", meta, n % 2)
        for a, title in enumerate(ALBUMS):
            if (n + a) % 3 == 0:  # each photo in up to two albums
                parts.add(f"{ROOT}/{title}/{name}", data, a % 2)
                parts.add(f"{ROOT}/{title}/{name}.supplemental-metadata.json", meta, a % 2)
        originals[name] = (hashlib.sha256(data).hexdigest(), item.record.taken_at)
    for a, title in enumerate(ALBUMS):
        parts.add(f"{ROOT}/{title}/metadata.json", album_json(title, 1_500_000_000), a % 2)
    return parts.close(), originals


def _file_dates(paths: list[str]) -> str:
    """exiftool's JSON of the originals' own DateTimeOriginal."""
    cmd = ["exiftool", "-j", "-n", "-DateTimeOriginal", *paths]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def _utc(exif_date: str) -> tuple[str, str]:
    """exiftool's '2019:07:04 14:34:56+02:00' -> ('2019-07-04T12:34:56Z', '+02:00')."""
    when = datetime.strptime(exif_date.replace(":", "-", 2), "%Y-%m-%d %H:%M:%S%z")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), exif_date[-6:]


def _snapshot(dest):
    return {
        str(p.relative_to(dest)): (p.stat().st_mtime_ns, p.stat().st_ino, hashlib.sha256(p.read_bytes()).hexdigest())
        for p in dest.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


async def test_sidecars_carry_everything_google_knew(tmp_path, catalog):
    paths, originals = _takeout(tmp_path / "parts")
    imported = await import_takeout(catalog, paths)
    assert not imported.errors, imported.errors
    dest = tmp_path / "dest"
    report = await run_backup(catalog, dest, takeout=paths)
    assert report.errors == [] and report.stopped is None
    assert report.sidecars.written == report.copied == len(originals) and report.fidelity == {"original": 16}

    rows = await catalog.reader.execute_fetchall("SELECT path, item_id, sha256 FROM local_files ORDER BY path")
    facts = await item_facts(catalog, [r[1] for r in rows])
    export = {}
    async for row in export_rows(catalog.reader):
        export[row["filename"]] = row
    tags = read_sidecars([f"{p}.xmp" for p, _, _ in rows])
    exif = json.loads(await asyncio.to_thread(_file_dates, [p for p, _, _ in rows]))
    file_dates = {e["SourceFile"]: e.get("DateTimeOriginal") for e in exif}

    wrong, checked, shifted = [], 0, 0
    for path, item_id, sha in rows:
        name = os.path.basename(path)
        # The original is byte-identical to what the Takeout held.
        assert sha == originals[name][0] == hashlib.sha256(open(path, "rb").read()).hexdigest()
        got = tags[f"{path}.xmp"]
        found, count = differences(facts[item_id], got, camera=False)
        wrong += [f"{name}: {w}" for w in found]
        checked += count
        # Against the catalog's export, read independently of the writer's own helpers.
        want = export[name]
        utc, offset = _utc(got["XMP-exif:DateTimeOriginal"])
        checked += 6
        if (utc, offset) != (want["taken_at"], want["utc_offset"]):
            wrong.append(f"{name}: sidecar time {utc} {offset}, export {want['taken_at']} {want['utc_offset']}")
        if round(got["XMP-exif:GPSLatitude"], 6) != want["latitude"]:
            wrong.append(f"{name}: latitude {got['XMP-exif:GPSLatitude']} vs {want['latitude']}")
        if round(got["XMP-exif:GPSLongitude"], 6) != want["longitude"]:
            wrong.append(f"{name}: longitude {got['XMP-exif:GPSLongitude']} vs {want['longitude']}")
        if got.get("XMP-dc:Description") != want["description"]:
            wrong.append(f"{name}: description {got.get('XMP-dc:Description')!r} vs {want['description']!r}")
        if (got.get("XMP-xmp:Rating") == 5) != want["favorite"]:
            wrong.append(f"{name}: rating {got.get('XMP-xmp:Rating')} vs favourite {want['favorite']}")
        subjects = got.get("XMP-dc:Subject") or []
        if sorted([subjects] if isinstance(subjects, str) else subjects) != want["albums"]:
            wrong.append(f"{name}: subjects {subjects} vs albums {want['albums']}")
        label = {"Archived": "archived", "Trashed": "trashed"}.get(got.get("XMP-xmp:Label"))
        if label != ("trashed" if want["trashed"] else "archived" if want["archived"] else None):
            wrong.append(f"{name}: label {got.get('XMP-xmp:Label')}")
        own = datetime.strptime(file_dates[path], "%Y:%m:%d %H:%M:%S").replace(tzinfo=UTC)
        local_sidecar = datetime.strptime(got["XMP-exif:DateTimeOriginal"][:19], "%Y:%m:%d %H:%M:%S").replace(
            tzinfo=UTC
        )
        shifted += (local_sidecar - own).days >= 1  # the sidecar's time, not the camera's
    assert not wrong, "\n".join(wrong)
    assert shifted == len(rows)
    assert checked > 16 * 12
    # What the test set plants, so the comparison is not vacuous.
    assert sum(bool(f.people) for f in facts.values()) >= 10 and sum(len(f.albums) > 1 for f in facts.values()) >= 4
    assert any("\n" in (f.description or "") for f in facts.values())

    # A second run touches nothing.
    before = _snapshot(dest)
    again = await run_backup(catalog, dest, takeout=paths)
    assert (again.copied, again.sidecars.written, again.sidecars.unchanged) == (0, 0, 16)
    assert _snapshot(dest) == before

    # The catalog learns a new caption and a favourite: only those sidecars change.
    first, second = rows[0], rows[1]
    await catalog.writer.execute("UPDATE items SET description = 'nouvelle légende\n2' WHERE id = ?", (first[1],))
    await catalog.writer.execute("UPDATE items SET favorite = 1 - favorite WHERE id = ?", (second[1],))
    third = await run_backup(catalog, dest, takeout=paths)
    assert (third.sidecars.written, third.sidecars.unchanged) == (2, 14)
    after = _snapshot(dest)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {os.path.relpath(first[0], dest) + ".xmp", os.path.relpath(second[0], dest) + ".xmp"}
    assert read_sidecars([f"{first[0]}.xmp"])[f"{first[0]}.xmp"]["XMP-dc:Description"] == "nouvelle légende\n2"

    # A sidecar a photo manager edited is left alone even when the catalog changes again.
    edited = f"{rows[2][0]}.xmp"
    with open(edited, "ab") as fh:
        fh.write(b"<!-- digiKam was here -->\n")
    await catalog.writer.execute("UPDATE items SET description = 'x' WHERE id = ?", (rows[2][1],))
    fourth = await run_backup(catalog, dest, takeout=paths)
    assert fourth.sidecars.written == 0 and any("edited since" in n for n in fourth.notes)
    assert open(edited, "rb").read().endswith(b"digiKam was here -->\n")


async def test_no_xmp_writes_no_sidecars_and_a_foreign_one_is_kept(tmp_path, catalog):
    paths, _ = _takeout(tmp_path / "parts")
    await import_takeout(catalog, paths)
    dest = tmp_path / "dest"
    plain = await run_backup(catalog, dest, takeout=paths, xmp=False)
    assert plain.sidecars is None and not list(dest.rglob("*.xmp"))
    victim = next(p for p in sorted(dest.rglob("*.jpg")) if not p.is_symlink())
    foreign = victim.with_name(victim.name + ".xmp")
    foreign.write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'/>")  # the user's own, e.g. from darktable
    report = await run_backup(catalog, dest, takeout=paths)
    assert report.sidecars.written == 15 and len(report.sidecars.left_alone) == 1
    assert foreign.read_text() == "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>"
