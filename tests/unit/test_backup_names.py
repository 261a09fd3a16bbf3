"""Untrusted names never leave DEST: traversal, absolute paths, control chars, long names, case collisions."""

import json

import pytest

from gphotos_tui.backup.names import MAX_NAME_BYTES, NameAllocator, UnsafePath, inside, safe_component
from gphotos_tui.backup.run import run_backup
from gphotos_tui.catalog import Catalog


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("/etc/shadow", "_etc_shadow"),
        ("..", "unnamed"),
        (".hidden.jpg", "hidden.jpg"),
        ("a\x00b\x1b[31m.jpg", "a_b_[31m.jpg"),
        ("C:\\Windows\\x.jpg", "C__Windows_x.jpg"),
        ("CON.jpg", "_CON.jpg"),
        ("", "unnamed"),
    ],
)
def test_safe_component(raw, expected):
    assert safe_component(raw) == expected


def test_long_names_are_clipped_keeping_the_extension():
    name = safe_component("é" * 300 + ".jpeg")
    assert len(name.encode()) <= MAX_NAME_BYTES and name.endswith(".jpeg")


def test_case_collisions_are_numbered():
    names = NameAllocator()
    assert [names.claim("2020/01", n) for n in ("IMG.jpg", "img.JPG", "Img.jpg")] == [
        "IMG.jpg",
        "img (1).JPG",
        "Img (2).jpg",
    ]
    assert names.claim("2020/02", "img.jpg") == "img.jpg"


def test_inside_refuses_escapes(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "2020").symlink_to(tmp_path / "out")
    for bad in ("../x", "/abs", "a/../../x", "2020/x.jpg"):
        with pytest.raises(UnsafePath):
            inside(tmp_path / "dest", bad)
    assert inside(tmp_path / "dest", "2021/01/x.jpg") == tmp_path / "dest" / "2021/01/x.jpg"


def _sidecar(title: str, photo_id: str, ts: int) -> bytes:
    return json.dumps(
        {"title": title, "photoTakenTime": {"timestamp": str(ts)}, "url": f"https://photos.google.com/photo/{photo_id}"}
    ).encode()


async def test_malicious_takeout_titles_stay_inside_dest(tmp_path):
    folder = tmp_path / "Takeout" / "Google Photos" / "Photos from 2020"
    folder.mkdir(parents=True)
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    titles = ["../../../evil.jpg", "/etc/evil2.jpg", "bell\x07.jpg", "Same.jpg", "same.JPG", "x" * 400 + ".jpg"]
    for n, title in enumerate(titles):
        (folder / f"f{n}.jpg").write_bytes(jpeg + bytes([n]))
        (folder / f"f{n}.jpg.json").write_bytes(_sidecar(title, f"AF1Qid{n}", 1_590_000_000))
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    dest = tmp_path / "dest"
    report = await run_backup(catalog, dest, takeout=[tmp_path / "Takeout"])
    await catalog.close()
    assert report.copied == len(titles) and report.errors == []
    written = sorted(p.name for p in (dest / "2020" / "05").iterdir())
    assert len(written) == len(titles)
    assert len({n.casefold() for n in written}) == 6
    assert "Same.jpg" in written and "same (1).JPG" in written
    assert all("\x07" not in n and "/" not in n and len(n.encode()) <= 250 for n in written)
    assert not (tmp_path / "evil.jpg").exists() and not list(tmp_path.glob("**/evil2.jpg"))[1:]
    assert all(dest in p.parents for p in dest.rglob("*"))
