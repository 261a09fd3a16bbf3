"""The pieces of the duplicates analysis: names, index, hashing, keeper, trash with undo."""

from __future__ import annotations

import io
import json
import os

import numpy as np
import pytest

from gphotos_tui.analysis.duplicates.actions import TrashError, dry_run, execute, plan_csv, plan_trash, undo
from gphotos_tui.analysis.duplicates.classes import hash_distance, metadata_groups
from gphotos_tui.analysis.duplicates.hashing import HashJob, hash_jobs, phash_bytes
from gphotos_tui.analysis.duplicates.index import brute_force_pairs, near_pairs
from gphotos_tui.analysis.duplicates.model import DupItem, Group, Settings, group_key
from gphotos_tui.analysis.duplicates.names import edit_base, file_format, is_uuid_name
from gphotos_tui.analysis.duplicates.preview import halfblock_cells
from gphotos_tui.analysis.duplicates.providers import BytesLoader
from gphotos_tui.demo.images import render_scene


@pytest.mark.parametrize(
    "name, base",
    [
        ("img_0001-edited", ("img_0001", "-edited")),
        ("pxl_1-modifié", ("pxl_1", "-modifié")),
        ("foto-bearbeitet(1)", ("foto", "-bearbeitet")),
        ("写真-編集済み", ("写真", "-編集済み")),
        ("img_0001", None),
        ("-edited", None),
    ],
)
def test_edit_suffixes_in_any_language(name, base):
    assert edit_base(name) == base


def test_formats_and_uuid_names():
    assert (
        file_format("DSC00001.ARW") == "raw" and file_format("IMG_1.HEIC") == "heic" and file_format("a.JPG") == "jpeg"
    )
    assert is_uuid_name("3F2504E0-4F89-41D3-9A0C-0305E82C3301.dng") and not is_uuid_name("IMG_0001.jpg")


def test_group_keys_depend_only_on_class_and_members():
    assert group_key("exact", [3, 1, 2]) == group_key("exact", [1, 2, 3]) != group_key("burst", [1, 2, 3])


def _item(i, name, t=1000, w=4000, h=3000, **kw):
    return DupItem(
        i, f"demo:{i}", name, None, t, w, h, kw.pop("size", 1000 + i), kw.pop("camera", "Canon EOS 6D"), **kw
    )


def test_metadata_classes_and_keepers_on_handmade_items():
    items = [
        _item(1, "IMG_1.JPG"),
        _item(2, "IMG_1.CR2", size=9000),  # raw_jpeg: keep the JPEG by default
        _item(3, "IMG_2.JPG", t=2000),
        _item(4, "IMG_2-bearbeitet.JPG", t=2000, w=3800, h=2850),  # edited
        _item(5, "IMG_3.JPG", t=3000),
        _item(6, "IMG_3.JPG", t=3001, w=1000, h=750),  # resized
        _item(7, "IMG_4.JPG", t=4000),
        _item(8, "IMG_4.JPG", t=4000, size=1007, favorite=True),  # exact: the favourite
        _item(9, "IMG_0100.JPG", t=9000, size=5000),
        _item(10, "IMG_0101.JPG", t=9002, size=5000),
        _item(11, "IMG_0102.JPG", t=9003, size=5000),
        _item(12, "IMG_0500.JPG", t=20000),
        _item(13, "IMG_0900.JPG", t=20001),  # same second, far-apart numbers
    ]
    groups = {g.kind: g for g in metadata_groups(items)}
    assert set(groups) == {"raw_jpeg", "edited", "resized", "exact", "burst"}
    keep = {k: next(iter(g.keep)) for k, g in groups.items()}
    assert keep == {"raw_jpeg": 1, "edited": 3, "resized": 5, "exact": 8, "burst": 9}
    assert {m.id for m in groups["burst"].members} == {9, 10, 11}
    raw_first = {g.kind: next(iter(g.keep)) for g in metadata_groups(items, Settings(keep_format_raw_jpeg="raw"))}
    assert raw_first["raw_jpeg"] == 2


def test_near_index_finds_exactly_the_brute_force_pairs():
    rng = np.random.default_rng(7)
    hashes = rng.integers(-(2**63), 2**63 - 1, 2000, dtype=np.int64)
    values = hashes.view(np.uint64)
    for k in range(0, 300, 2):  # plant pairs at every distance 0..12
        flipped = values[k]
        for bit in rng.choice(64, k % 13, replace=False):
            flipped ^= np.uint64(1) << np.uint64(bit)
        values[k + 1] = flipped
    for threshold in (0, 3, 5, 8, 10):
        i, j, d = near_pairs(hashes, threshold)
        assert set(zip(i.tolist(), j.tolist())) == brute_force_pairs(hashes, threshold)
        assert all(hash_distance(int(hashes[a]), int(hashes[b])) == dist for a, b, dist in zip(i, j, d))


def _jpeg(img, quality=85):
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def test_phash_survives_resizing_and_recompression_but_tells_scenes_apart():
    big = render_scene(1234, 1600, 1200)
    base = phash_bytes(_jpeg(big))
    assert hash_distance(base, phash_bytes(_jpeg(big.resize((400, 300)), 50))) <= 4
    others = [phash_bytes(_jpeg(render_scene(s, 400, 300))) for s in range(20)]
    assert min(hash_distance(base, o) for o in others) > Settings().near_threshold


def test_hash_jobs_in_worker_processes_match_inline_and_report_bad_bytes():
    jobs = [HashJob(i, BytesLoader(_jpeg(render_scene(i, 320, 240)))) for i in range(40)]
    jobs.append(HashJob(99, BytesLoader(b"not an image")))
    inline = hash_jobs(jobs, workers=1)
    pooled = hash_jobs(jobs, workers=2, inline_below=0)
    assert [r.hash for r in inline] == [r.hash for r in pooled]
    assert inline[-1].hash is None and "UnidentifiedImageError" in inline[-1].error


def test_halfblock_preview_has_the_requested_cells():
    cells = halfblock_cells(_jpeg(render_scene(5, 640, 480)), 20, 6)
    assert len(cells) == 6 and all(len(row) == 20 for row in cells)
    assert all(len(top) == 3 and len(bottom) == 3 for row in cells for top, bottom in row)


def _group(tmp_path, names):
    members = [
        DupItem(i, f"folder:{i}", n, product_url=f"https://photos.google.com/lr/photo/{i}") for i, n in enumerate(names)
    ]
    return Group("exact", "same content hash", members, keep={0})


def test_trash_moves_only_confirmed_files_inside_the_roots_and_undo_restores_them(tmp_path):
    root, outside, trash = tmp_path / "backup", tmp_path / "elsewhere", tmp_path / "trash"
    (root / "2020").mkdir(parents=True)
    outside.mkdir()
    hostile = ["keep.jpg", "-rf $(touch pwned).jpg", "new\nline.jpg", "..\u202eevil.jpg"]
    paths = {}
    for i, name in enumerate(hostile):
        p = root / "2020" / name
        p.write_bytes(f"photo {i}".encode())
        paths[i] = [str(p)]
    (outside / "x.jpg").write_bytes(b"x")
    paths[3].append(str(outside / "x.jpg"))  # a copy outside the chosen folder: never touched
    link = root / "link.jpg"
    link.symlink_to(outside / "x.jpg")
    paths[2].append(str(link))
    group = _group(tmp_path, hostile)
    moves, skipped = plan_trash([group], paths, [root], trash)
    assert len(moves) == 3 and len(skipped) == 2
    assert all("\n" not in line for line in dry_run(moves))
    assert all((root / "2020" / n).exists() for n in hostile)  # the plan moved nothing
    log = tmp_path / "undo.jsonl"
    assert execute(moves, trash, log) == 3
    assert sorted(p.name for p in (trash / "backup" / "2020").iterdir()) == sorted(hostile[1:])
    assert (root / "2020" / "keep.jpg").exists() and (outside / "x.jpg").exists() and not (tmp_path / "pwned").exists()
    assert [json.loads(line)["item_id"] for line in log.read_text().splitlines()] == [1, 2, 3]
    restored, problems = undo(log)
    assert restored == 3 and not problems
    assert all((root / "2020" / n).read_bytes() == f"photo {i}".encode() for i, n in enumerate(hostile))


def test_trash_never_overwrites(tmp_path):
    root, trash = tmp_path / "r", tmp_path / "t"
    root.mkdir()
    (root / "a.jpg").write_bytes(b"a")
    (root / "b.jpg").write_bytes(b"b")
    group = _group(tmp_path, ["b.jpg", "a.jpg"])
    moves, _ = plan_trash([group], {1: [str(root / "a.jpg")]}, [root], trash)
    os.makedirs(moves[0].target.parent)
    moves[0].target.write_bytes(b"already here")
    with pytest.raises(TrashError, match="overwrite"):
        execute(moves, trash, tmp_path / "log")
    assert (root / "a.jpg").read_bytes() == b"a"


def test_plan_csv_neutralises_spreadsheet_formulas(tmp_path):
    text = plan_csv([_group(tmp_path, ["keep.jpg", "=HYPERLINK(1).jpg"])])
    assert ",'=HYPERLINK(1).jpg," in text


def test_hash_jobs_stop_early_when_asked():
    import threading

    stop = threading.Event()
    stop.set()
    jobs = [HashJob(i, BytesLoader(_jpeg(render_scene(i, 64, 48)))) for i in range(50)]
    assert len(hash_jobs(jobs, workers=2, inline_below=100, stop=stop)) == 1
    assert len(hash_jobs(jobs, workers=1)) == 50
