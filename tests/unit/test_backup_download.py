"""API downloads through fresh base URLs against the loopback fake: faults, fidelity, resume, quota."""

import hashlib
import shutil

import pytest

from gphotos_tui.backup.run import run_backup
from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.item_facts import item_facts
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.fakegoogle import FakeGoogle
from gphotos_tui.fakegoogle.media import render
from gphotos_tui.google import convert
from gphotos_tui.google.library import AsyncLibrary, LibraryClient
from gphotos_tui.google.quota import UsageMeter, pacific_day
from gphotos_tui.google.tokens import StaticToken
from gphotos_tui.model import SourceKind
from tests.unit.xmp_readback import differences, read_sidecars

N = 24


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle(SyntheticLibrary(N, seed=5)) as server:
        yield server


async def _catalog(fake, path):
    catalog = await Catalog.open(path)
    source = await catalog.ensure_source(SourceKind.LIBRARY, "library", "Library API")
    await catalog.write_batch(source, [convert.library_item(fake.store.media_json(i)) for i in fake.store.items])
    return catalog


async def _backup(fake, catalog, dest, **kw):
    tokens = StaticToken(fake.static_token)
    library = AsyncLibrary(LibraryClient(tokens, root=fake.url))
    return await run_backup(catalog, dest, library=library, tokens=tokens, usage=UsageMeter(catalog), **kw)


def expected_bytes(fake, external_id):
    item = fake.store.by_id[external_id]
    return render(item, "=dv" if item.record.media_type == "video" else "=d")[0]


async def test_library_items_download_with_faults_then_rerun_skips(fake, tmp_path):
    fake.faults.clear()
    for kind in ("429", "503", "drop"):
        fake.faults.add(kind, every=4, times=2, path="/lr/")
    catalog = await _catalog(fake, tmp_path / "c.sqlite")
    fake.clear_log()
    report = await _backup(fake, catalog, tmp_path / "dest", concurrency=3)
    assert report.errors == [] and report.stopped is None
    assert report.downloaded == report.planned_downloads == N
    batch_calls = [r for r in fake.requests if r.path.endswith(":batchGet")]
    assert len(batch_calls) == 1  # 24 ids: one batchGet of ≤50 for fresh base URLs
    rows = await (
        await catalog.reader.execute(
            "SELECT f.path, f.size_bytes, f.sha256, f.fidelity, s.external_id, i.media_type FROM local_files f "
            "JOIN item_sources s ON s.item_id = f.item_id AND s.kind = 'library' JOIN items i ON i.id = f.item_id"
        )
    ).fetchall()
    assert len(rows) == N
    for path, size, sha, fidelity, external_id, media_type in rows:
        data = expected_bytes(fake, external_id)
        with open(path, "rb") as fh:
            got = fh.read()
        assert got == data and size == len(data) and sha == hashlib.sha256(data).hexdigest()
        assert fidelity == ("api_video" if media_type == "video" else "api_photo")
    fake.faults.clear()
    fake.clear_log()
    again = await _backup(fake, catalog, tmp_path / "dest")
    assert (again.downloaded, again.skipped) == (0, N)
    assert not [r for r in fake.requests if r.path.startswith("/lr/")]
    await catalog.close()


async def test_partial_download_is_restarted_to_identical_bytes(fake, tmp_path):
    fake.faults.clear()
    catalog = await _catalog(fake, tmp_path / "c.sqlite")
    ref = await _backup(fake, catalog, tmp_path / "ref")
    await catalog.close()
    catalog = await _catalog(fake, tmp_path / "c2.sqlite")
    first = sorted((tmp_path / "ref").rglob("*.*"))[0]
    partial = tmp_path / "dest" / first.relative_to(tmp_path / "ref")
    partial.parent.mkdir(parents=True)
    partial.with_name(partial.name + ".part").write_bytes(b"garbage from a killed run")
    report = await _backup(fake, catalog, tmp_path / "dest")
    assert report.downloaded == ref.downloaded == N
    assert partial.read_bytes() == first.read_bytes()
    assert not list((tmp_path / "dest").rglob("*.part"))
    await catalog.close()


async def test_stops_before_the_media_quota_runs_out(fake, tmp_path):
    fake.faults.clear()
    catalog = await _catalog(fake, tmp_path / "c.sqlite")
    await catalog.writer.execute(
        "INSERT INTO api_usage (day, api, requests) VALUES (?, 'media', 74990)", (pacific_day(),)
    )
    report = await _backup(fake, catalog, tmp_path / "dest")
    assert report.downloaded == 0 and "quota" in report.stopped
    await catalog.close()


async def test_without_sign_in_downloads_are_explained_not_attempted(fake, tmp_path):
    catalog = await _catalog(fake, tmp_path / "c.sqlite")
    report = await run_backup(catalog, tmp_path / "dest")
    assert report.downloaded == 0 and "sign in" in report.notes[0]
    await catalog.close()


async def test_expired_base_url_is_refreshed_through_batch_get(fake, tmp_path):
    fake.faults.clear()
    fake.faults.add("insufficient_scope", every=1, times=1, path="/lr/")  # a 403, as for an expired base URL
    catalog = await _catalog(fake, tmp_path / "c.sqlite")
    fake.clear_log()
    report = await _backup(fake, catalog, tmp_path / "dest", concurrency=1)
    fake.faults.clear()
    assert report.errors == [] and report.downloaded == N
    assert len([r for r in fake.requests if r.path.endswith(":batchGet")]) == 2
    await catalog.close()


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool not installed")
async def test_downloads_get_sidecars_with_camera_fields(fake, tmp_path):
    """API downloads may have lost EXIF: their sidecars carry the camera fields the catalog has."""
    fake.faults.clear()
    catalog = await _catalog(fake, tmp_path / "c.sqlite")
    report = await _backup(fake, catalog, tmp_path / "dest")
    assert report.errors == [] and report.sidecars.written == N
    assert set(report.fidelity) <= {"api_photo", "api_video"} and sum(report.fidelity.values()) == N
    rows = await catalog.reader.execute_fetchall("SELECT path, item_id FROM local_files ORDER BY path")
    facts = await item_facts(catalog, [r[1] for r in rows])
    tags = read_sidecars([f"{p}.xmp" for p, _ in rows])
    wrong = []
    for path, item_id in rows:
        found, _ = differences(facts[item_id], tags[f"{path}.xmp"], camera=True)
        wrong += [f"{path}: {w}" for w in found]
    assert not wrong, "\n".join(wrong)
    assert any(t.get("XMP-tiff:Model") for t in tags.values())
    await catalog.close()


async def test_downloads_never_replace_a_users_file_nor_write_through_a_planted_link(fake, tmp_path):
    """Issue 11: the download path follows the same rules as Takeout copies."""
    import os

    fake.faults.clear()
    reference = await _catalog(fake, tmp_path / "r.sqlite")
    await _backup(fake, reference, tmp_path / "ref")
    await reference.close()
    files = sorted(
        p for p in (tmp_path / "ref").rglob("*") if p.is_file() and not p.is_symlink() and p.suffix != ".xmp"
    )
    taken, linked = files[0].relative_to(tmp_path / "ref"), files[1].relative_to(tmp_path / "ref")
    dest = tmp_path / "dest"
    (dest / taken).parent.mkdir(parents=True, exist_ok=True)
    (dest / taken).write_bytes(b"mine")
    (dest / linked).parent.mkdir(parents=True, exist_ok=True)
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    os.symlink(victim, dest / linked.with_name(linked.name + ".part"))
    catalog = await _catalog(fake, tmp_path / "c.sqlite")
    report = await _backup(fake, catalog, dest)
    assert (dest / taken).read_bytes() == b"mine"
    stem, ext = os.path.splitext(taken.name)
    assert (dest / taken).with_name(f"{stem} (1){ext}").read_bytes() == (tmp_path / "ref" / taken).read_bytes()
    assert victim.read_bytes() == b"precious"
    assert len(report.errors) == 1 and "not written through" in report.errors[0]
    assert report.downloaded == N - 1
    await catalog.close()
