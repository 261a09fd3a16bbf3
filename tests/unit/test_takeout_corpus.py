"""The takeout.md §9 checklist, one case per line, through the real reader and matcher."""

import json
from collections import Counter

import pytest

from gphotos_tui.demo.takeout import write_folder, write_quirk_corpus
from gphotos_tui.sources.takeout import import_takeout
from gphotos_tui.sources.takeout.archive import open_parts
from gphotos_tui.sources.takeout.importer import plan
from gphotos_tui.sources.takeout.names import nfc


def _plan(paths):
    parts, problems = open_parts(paths)
    return plan(parts, "test", problems)


def _by_path(result):
    return {nfc(f"{m.media.folder}/{m.media.name}"): m for m in result.matches}


@pytest.fixture(scope="module", params=["zip", "tgz"])
def corpus(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"quirks-{request.param}")
    corpus = write_quirk_corpus(out, request.param)
    return corpus, _plan(corpus.paths)


def test_every_file_matches_by_the_expected_rule(corpus):
    corpus, result = corpus
    got = _by_path(result)
    wrong = []
    for expect in corpus.expected:
        match = got.get(nfc(expect.path))
        rule = match.rule if match else "missing"
        if rule != expect.rule:
            wrong.append(f"{expect.path}: expected {expect.rule}, got {rule}")
    assert not wrong, "\n".join(wrong)
    assert len(got) == len(corpus.expected)


def test_capture_time_source_and_title_of_each_item(corpus):
    corpus, result = corpus
    items_by_path = {p: b for b in result.built.values() for p in b.paths}
    wrong = []
    for expect in corpus.expected:
        built = items_by_path.get(nfc(expect.path))
        if built is None:
            continue  # companions are not items of their own
        if built.record.time_source != expect.time_source:
            wrong.append(f"{expect.path}: time from {built.record.time_source}, expected {expect.time_source}")
        if expect.title and built.record.filename != nfc(expect.title):
            wrong.append(f"{expect.path}: named {built.record.filename!r}, expected {expect.title!r}")
    assert not wrong, "\n".join(wrong)


def test_copies_collapse_into_one_item_with_all_album_links(corpus):
    corpus, result = corpus
    by_name = {}
    for built in result.built.values():
        by_name.setdefault(built.record.filename, []).append(built)
    for name, albums in corpus.memberships.items():
        assert len(by_name[name]) == 1, name
        assert by_name[name][0].albums == albums
    assert {k: a.title for k, a in result.albums.items()} == corpus.albums  # year and special folders are not albums


def test_companions_edits_flags_and_set_problems(corpus):
    corpus, result = corpus
    by_name = {b.record.filename: b for b in result.built.values()}
    assert by_name["IMG_5000.HEIC"].companions == ["Photos from 2020/IMG_5000.MOV"]
    assert len(by_name["PXL_20230505_101010101.MP.jpg"].companions) == 2
    assert by_name["IMG_5000.HEIC"].record.mime_type == "image/heif"
    assert by_name["IMG_6000.HEIC"].record.mime_type == "image/jpeg"  # data saver: really a JPEG
    edited = [b for k, b in result.built.items() if k.endswith("~edited")]
    assert len(edited) == 7 and all(b.record.time_source == "sidecar" for b in edited)
    assert by_name["IMG_TRAS.JPG"].record.trashed and by_name["IMG_PAPI.JPG"].record.trashed
    assert by_name["IMG_CORB.JPG"].record.trashed and by_name["IMG_ARCH.JPG"].record.archived
    zero = by_name["ZERO_TIME.jpg"].record
    assert (zero.latitude, zero.longitude) == (41.9, 12.5)  # geoDataExif wins over geoData 0,0
    assert zero.favorite is True and zero.time_source == "exif"
    assert "fromPartnerSharing" in zero.detail
    assert any("part 002" in p and "missing" in p for p in result.report.problems)
    assert [o["title"] for o in result.report.orphan_sidecars] == ["LOST_IN_PART_2.jpg"]
    assert any("photoTakenTime timestamp 0" in e["error"] for e in result.report.errors)
    video = by_name["VID_9002.mp4"].record
    assert video.media_type == "video" and video.duration_s == 7.5 and "failed" in video.detail


def test_extracted_folder_gives_the_same_matches(tmp_path):
    corpus = write_quirk_corpus(tmp_path / "zips", "zip", drop_part=None)
    import zipfile

    entries = []
    for path in corpus.paths:
        with zipfile.ZipFile(path) as z:
            entries += [(info.filename, z.read(info)) for info in z.infolist()]
    folder = write_folder(tmp_path / "extracted", entries) / "Takeout"
    from_zip = {k: m.rule for k, m in _by_path(_plan(corpus.paths)).items()}
    from_folder = {k: m.rule for k, m in _by_path(_plan([folder])).items()}
    assert from_folder == from_zip
    assert from_zip["Photos from 2020/LOST_IN_PART_2.jpg"] == "exact"  # nothing dropped this time


async def test_report_file_and_catalog_rows(tmp_path, catalog):
    corpus = write_quirk_corpus(tmp_path / "parts", "zip")
    report = await import_takeout(catalog, corpus.paths)
    report.write(tmp_path / "report.json")
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["items"] == report.items and data["matched_pct"] == report.matched_pct
    unmatched = Counter(u["time_source"] for u in data["unmatched_media"])
    assert unmatched == {"exif": 4, "filename": 1, "folder": 1}
    rows = await catalog.reader.execute_fetchall(
        "SELECT a.title, count(*) FROM album_items ai JOIN albums a ON a.id = ai.album_id GROUP BY a.title ORDER BY a.title"
    )
    assert dict(rows) == {
        "Best of 2020": 1,
        "No title yet": 1,
        "Summer in Rome": 2,
        "Trip to Italy": 1,
        "Untitled(1)": 1,
    }
    (count,) = (await catalog.reader.execute_fetchall("SELECT count(*) FROM items"))[0]
    assert count == report.items
