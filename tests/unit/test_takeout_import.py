"""A generated library through import_takeout: values, repeat imports, incremental exports, the command."""

import json

import pytest

from gphotos_tui.cli import main
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.takeout import write_takeout
from gphotos_tui.progress import JobState
from gphotos_tui.sources.takeout import import_takeout


def _photo_id(record):
    return record.product_url.rsplit("/", 1)[-1]


async def _items(catalog):
    cur = await catalog.reader.execute(
        "SELECT s.external_id, i.filename, i.taken_at, i.utc_offset_min, i.camera_model, i.lens_model, i.aperture_f, "
        "i.iso, i.latitude, i.favorite, i.description, i.time_source FROM items i JOIN item_sources s ON s.item_id = i.id"
    )
    rows = await cur.fetchall()
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize("fmt", ["zip", "tgz"])
async def test_generated_takeout_imports_every_item_with_its_values(tmp_path, catalog, fmt):
    library = SyntheticLibrary(240, 7)
    layout = write_takeout(library, tmp_path / "parts", parts=3, fmt=fmt)
    updates = []
    report = await import_takeout(catalog, layout.paths, progress=updates.append)
    assert report.items == layout.items
    assert report.media_files == layout.media
    assert report.errors == [] and report.problems == []
    assert updates[-1].state is JobState.DONE and updates[-1].items == report.items
    assert report.matched_files + len(report.unmatched_media) == report.media_files
    assert all("/received_" in u["path"] for u in report.unmatched_media)  # only the files written without JSON
    assert report.companions == layout.companions and report.by_rule["edited"] == layout.edited
    rows = await _items(catalog)
    checked = 0
    for item in library.items():
        r = item.record
        if item.variant == "edited" or item.variant == "near":
            continue
        got = rows[_photo_id(r)]
        assert got[0] in (r.filename, r.filename[:-4] + ".MP.jpg") and got[1] == r.taken_at
        if r.media_type == "video":
            continue  # the generated movies carry duration and size only, no camera tags
        assert got[1:8] == (r.taken_at, r.utc_offset_min, r.camera_model, r.lens_model, r.aperture_f, r.iso, r.latitude)
        assert bool(got[8]) == r.favorite and got[10] == "sidecar"
        checked += 1
    assert checked > 200
    albums = await catalog.reader.execute_fetchall("SELECT count(*) FROM albums WHERE kind = 'takeout'")
    assert albums[0][0] == report.albums > 0
    links = await catalog.reader.execute_fetchall("SELECT count(*) FROM album_items")
    assert links[0][0] == report.memberships == sum(len(i.album_keys) for i in library.items() if not i.record.trashed)


async def test_repeat_import_is_a_no_op_and_force_changes_nothing(tmp_path, catalog):
    layout = write_takeout(SyntheticLibrary(120, 3), tmp_path / "parts", parts=2)
    first = await import_takeout(catalog, layout.paths)
    assert first.inserted == first.items
    again = await import_takeout(catalog, layout.paths)
    assert again.already_imported and again.items == first.items and again.inserted == 0
    forced = await import_takeout(catalog, layout.paths, force=True)
    assert (forced.inserted, forced.updated, forced.unchanged) == (0, 0, first.items)
    sources = await catalog.reader.execute_fetchall("SELECT count(*) FROM sources WHERE kind = 'takeout'")
    assert sources[0][0] == 1


async def test_a_later_incremental_export_merges(tmp_path, catalog):
    library = SyntheticLibrary(150, 9)
    items = [i for i in library.items() if i.variant == "original" and not i.record.trashed and not i.record.archived]
    first, deleted, changed, new = items[:100], items[100], items[101], items[102]
    await import_takeout(catalog, write_takeout(library, tmp_path / "one", items=[*first, deleted, changed]).paths)
    before = await _items(catalog)
    # Two months later: one new photo, one with a new caption and an -edited copy; the deleted one is absent.
    changed.record.description = "Edited in Google Photos"
    changed.record.favorite = True
    edited = type(changed)(changed.record, [], changed.scene, "edited", "edited", 1)
    changed.group = 1
    second = write_takeout(library, tmp_path / "two", stamp="20240912T080000Z", items=[changed, edited, new])
    report = await import_takeout(catalog, second.paths)
    assert (report.inserted, report.updated) == (2, 1)
    after = await _items(catalog)
    assert set(after) - set(before) == {_photo_id(new.record), _photo_id(changed.record) + "~edited"}
    assert after[_photo_id(changed.record)][9] == "Edited in Google Photos"
    assert after[_photo_id(changed.record)][8] == 1
    assert _photo_id(deleted.record) in after  # deletions are not in incremental exports
    (count,) = (await catalog.reader.execute_fetchall("SELECT count(*) FROM items"))[0]
    assert count == len(before) + 2


def test_command_prints_summary_and_writes_the_report(tmp_path, capsys):
    layout = write_takeout(SyntheticLibrary(60, 4), tmp_path / "parts", parts=2)
    db, report = tmp_path / "c.sqlite", tmp_path / "report.json"
    assert main(["import-takeout", "--db", str(db), *map(str, layout.paths), "--report", str(report)]) == 0
    out = capsys.readouterr()
    assert f"{layout.items} items ({layout.items} new" in out.out
    assert "matched:" in out.out and "by rule: exact" in out.out and "errors: 0" in out.out
    assert json.loads(report.read_text())["items"] == layout.items
    assert main(["import-takeout", "--db", str(db), *map(str, layout.paths)]) == 0
    assert "already imported" in capsys.readouterr().out


def test_command_without_parts_is_a_clear_error(tmp_path, capsys):
    assert main(["import-takeout", "--db", str(tmp_path / "c.sqlite"), str(tmp_path / "nothing.zip")]) == 1
    assert "no such file" in capsys.readouterr().err


async def test_reading_happens_off_the_event_loop(tmp_path, catalog):
    """Progress arrives on the loop while the parts are read in a worker thread."""
    import asyncio
    import threading

    layout = write_takeout(SyntheticLibrary(80, 2), tmp_path / "parts", parts=2)
    threads = set()
    await import_takeout(catalog, layout.paths, progress=lambda p: threads.add(threading.get_ident()))
    assert threads == {threading.get_ident()}
    assert asyncio.get_running_loop().is_running()


async def test_cancelling_during_reading_writes_nothing_and_records_the_run(tmp_path, catalog):
    import asyncio

    layout = write_takeout(SyntheticLibrary(300, 2), tmp_path / "parts", parts=2)
    task = None

    def progress(p):
        if p.message.startswith("reading") and not task.cancelled():
            task.cancel()

    task = asyncio.create_task(import_takeout(catalog, layout.paths, progress=progress))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await catalog.reader.execute_fetchall("SELECT count(*) FROM items"))[0][0] == 0
    assert (await catalog.reader.execute_fetchall("SELECT state FROM sync_runs"))[0][0] == "cancelled"
