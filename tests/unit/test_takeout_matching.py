"""Sidecar matching cases from issue 13, with the names exactly as reported, and the rules behind them.

Each case runs with the folder's entries in both orders: Takeout does not fix
the order of entries in an archive, so neither may the result.
"""

import io
import json
import zipfile

import pytest

from gphotos_tui.sources.takeout.archive import open_parts
from gphotos_tui.sources.takeout.catalogue import Catalogue, Folder, JsonEntry, MediaEntry
from gphotos_tui.sources.takeout.importer import plan
from gphotos_tui.sources.takeout.matching import match_all, match_folder

Y = "Photos from 2023"


def _media(name: str, folder: str = Y) -> MediaEntry:
    return MediaEntry("p1.zip", f"Takeout/Google Photos/{folder}", folder, name, 10, None, f"sha-{folder}-{name}")


def _json(name: str, title: str, taken: int, folder: str = Y) -> JsonEntry:
    from gphotos_tui.sources.takeout.sidecar import Sidecar

    return JsonEntry("p1.zip", f"Takeout/Google Photos/{folder}", folder, name, Sidecar(title, taken, None))


def _pairs(media: list[str], sidecars: list[tuple[str, str, int]], reverse: bool) -> dict[str, tuple[str | None, str]]:
    folder = Folder(Y)
    folder.media = [_media(m) for m in media]
    folder.sidecars = [_json(*s) for s in sidecars]
    if reverse:
        folder.media.reverse()
        folder.sidecars.reverse()
    cat = Catalogue({Y: folder})
    matches, _orphans = match_all(cat)
    return {m.media.name: (m.sidecar.name if m.sidecar else None, m.rule) for m in matches}


ORDERS = pytest.mark.parametrize("reverse", [False, True], ids=["archive-order", "reversed"])


# -- the cases as reported -----------------------------------------------------------------------


@ORDERS
def test_numbered_file_with_clipped_name_keeps_its_own_numbered_sidecar(reverse):
    """immich-go #652: the (1) sidecar's suffix was clipped before the number."""
    got = _pairs(
        ["Screenshot_20231027_123303_Facebook.jpg", "Screenshot_20231027_123303_Facebook(1).jpg"],
        [
            ("Screenshot_20231027_123303_Facebook.jpg.supple.json", "Screenshot_20231027_123303_Facebook.jpg", 1),
            ("Screenshot_20231027_123303_Facebook.jpg.supple(1).json", "Screenshot_20231027_123303_Facebook.jpg", 2),
        ],
        reverse,
    )
    assert got["Screenshot_20231027_123303_Facebook.jpg"][0] == "Screenshot_20231027_123303_Facebook.jpg.supple.json"
    assert got["Screenshot_20231027_123303_Facebook(1).jpg"][0] == (
        "Screenshot_20231027_123303_Facebook.jpg.supple(1).json"
    )


@ORDERS
def test_numbered_file_whose_46_character_cut_loses_the_number(reverse):
    """The name itself is cut at 46, so the cut of the (1) file equals the plain file's sidecar name."""
    plain = "Screenshot_2024-08-31-00-53-48-647_com.snapchat.jpg"
    numbered = "Screenshot_2024-08-31-00-53-48-647_com.snapchat(1).jpg"
    got = _pairs(
        [plain, numbered],
        [
            ("Screenshot_2024-08-31-00-53-48-647_com.snapcha.json", plain, 1),
            ("Screenshot_2024-08-31-00-53-48-647_com.snapcha(1).json", plain, 2),
        ],
        reverse,
    )
    assert got[plain][0] == "Screenshot_2024-08-31-00-53-48-647_com.snapcha.json"
    assert got[numbered][0] == "Screenshot_2024-08-31-00-53-48-647_com.snapcha(1).json"


@ORDERS
def test_edited_copy_of_an_original_uploaded_without_extension(reverse):
    got = _pairs(
        ["2234089303984509579-edited.jpg"],
        [("2234089303984509579.supplemental-metadata.json", "2234089303984509579", 1)],
        reverse,
    )
    assert got["2234089303984509579-edited.jpg"] == ("2234089303984509579.supplemental-metadata.json", "edited")


@ORDERS
def test_title_fallback_never_takes_a_sidecar_with_another_number(reverse):
    """IMG_3479(3).JPG has no sidecar of its own; IMG_3479.JPG(2).json (whose file is in a part not given)
    is another photo's, with another photo's date."""
    got = _pairs(["IMG_3479(3).JPG"], [("IMG_3479.JPG(2).json", "IMG_3479.JPG", 200)], reverse)
    assert got["IMG_3479(3).JPG"] == (None, "none")
    got = _pairs(
        ["IMG_3479.JPG", "IMG_3479(2).JPG", "IMG_3479(3).JPG"],
        [("IMG_3479.JPG.json", "IMG_3479.JPG", 100), ("IMG_3479.JPG(2).json", "IMG_3479.JPG", 200)],
        reverse,
    )
    assert got["IMG_3479.JPG"][0] == "IMG_3479.JPG.json"
    assert got["IMG_3479(2).JPG"][0] == "IMG_3479.JPG(2).json"
    assert got["IMG_3479(3).JPG"] == (None, "none")


# -- the general rules -----------------------------------------------------------------------------


LONG_NAMES = [
    "IMG_20230101_123456789_HDR_PANORAMA_NIGHT.jpg",  # 45 characters: the suffix is clipped
    "Screenshot_20230101-123456_Some_Long_Application_Name.png",  # over 46: the name itself is cut
    "PXL_20230101_123456789_BURST_01.jpg",
    "東京タワーの夜景と富士山の朝焼けと桜並木と川沿いの散歩道の写真.jpg",
]


def _clip(media_name: str, number: int | None) -> str:
    """Google's 51-character rule: '<name>.supplemental-metadata' cut to 46, then '(N)' and '.json'."""
    n = f"({number})" if number else ""
    return (media_name + ".supplemental-metadata")[:46] + n + ".json"


@ORDERS
@pytest.mark.parametrize("name", LONG_NAMES)
def test_numbered_and_clipped_names_match_by_number_in_either_order(name, reverse):
    stem, ext = name.rsplit(".", 1)
    files = [name] + [f"{stem}({n}).{ext}" for n in (1, 2)]
    sidecars = [(_clip(name, n), name, 1000 + (n or 0)) for n in (None, 1, 2)]
    got = _pairs(files, sidecars, reverse)
    assert got[name][0] == _clip(name, None)
    for n in (1, 2):
        assert got[f"{stem}({n}).{ext}"][0] == _clip(name, n), (n, got)


@ORDERS
def test_a_missing_numbered_sidecar_leaves_the_file_unmatched_rather_than_wrong(reverse):
    name = "Screenshot_20230101-123456_Some_Long_Application_Name.png"
    got = _pairs([name, name.replace(".png", "(1).png")], [(_clip(name, None), name, 1)], reverse)
    assert got[name][0] == _clip(name, None)
    assert got[name.replace(".png", "(1).png")] == (None, "none")


@ORDERS
@pytest.mark.parametrize("suffix", ["-edited", "-bearbeitet", "-modifié"])
@pytest.mark.parametrize("scheme", [".supplemental-metadata.json", ".json", ".supplemental-me.json"])
def test_edited_copies_of_extensionless_originals(suffix, scheme, reverse):
    original = "5526317480099284417"
    got = _pairs([f"{original}{suffix}.jpg", "IMG_1.jpg"], [(original + scheme, original, 1)], reverse)
    assert got[f"{original}{suffix}.jpg"] == (original + scheme, "edited")
    assert got["IMG_1.jpg"] == (None, "none")


def test_numbered_edited_copy_of_an_extensionless_original():
    got = _pairs(
        ["777-edited.jpg", "777-edited(1).jpg"],
        [("777.supplemental-metadata.json", "777", 1), ("777.supplemental-metadata(1).json", "777", 2)],
        False,
    )
    assert got["777-edited.jpg"][0] == "777.supplemental-metadata.json"
    assert got["777-edited(1).jpg"][0] == "777.supplemental-metadata(1).json"


def test_title_fallback_uses_other_folders_only_and_agreeing_numbers():
    album = "Trip"
    year = Folder(Y)
    year.sidecars = [_json("IMG_9.JPG.json", "IMG_9.JPG", 5), _json("IMG_9.JPG(1).json", "IMG_9.JPG", 6)]
    trip = Folder(album)
    trip.media = [_media("IMG_9(1).JPG", album), _media("IMG_9(4).JPG", album)]
    lonely = Folder("Photos from 2024")
    lonely.media = [_media("IMG_9(2).JPG", "Photos from 2024")]
    same = Folder("Same")
    same.media = [_media("IMG_5(1).JPG", "Same")]
    same.sidecars = [_json("IMG_5.JPG.json", "IMG_5.JPG", 9)]
    matches, _ = match_all(Catalogue({Y: year, album: trip, "Photos from 2024": lonely, "Same": same}))
    got = {m.media.name: (m.sidecar.name if m.sidecar else None, m.rule) for m in matches}
    assert got["IMG_9(1).JPG"] == ("IMG_9.JPG(1).json", "cross-folder")  # the number agrees
    assert got["IMG_9(4).JPG"] == (None, "none")  # no sidecar carries (4)
    assert got["IMG_9(2).JPG"] == (None, "none")
    assert got["IMG_5(1).JPG"] == (None, "none")  # same folder: IMG_5.JPG.json is some other photo's


def test_forgotten_duplicates_still_match_and_never_take_numbered_sidecars():
    folder = Folder(Y)
    folder.media = [_media("original_0b9a1c7e_P(1).jpg")]
    folder.sidecars = [_json("original_0b9a1c7e_(2).json", "x", 1), _json("original_0b9a1c7e_.json", "x", 2)]
    got = {m.media.name: (m.sidecar.name if m.sidecar else None, m.rule) for m in match_folder(folder)}
    assert got["original_0b9a1c7e_P(1).jpg"] == ("original_0b9a1c7e_.json", "forgotten-duplicate")


# -- through the archive reader: entry order in a real zip, extensionless files, AVI members ------------


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()


def _side(title: str, taken: int) -> bytes:
    return json.dumps({"title": title, "photoTakenTime": {"timestamp": str(taken)}}).encode()


@pytest.mark.parametrize("reverse", [False, True], ids=["plain-first", "numbered-first"])
def test_zip_entry_order_does_not_change_the_matches(tmp_path, reverse):
    plain = "Screenshot_2024-08-31-00-53-48-647_com.snapchat.jpg"
    numbered = "Screenshot_2024-08-31-00-53-48-647_com.snapchat(1).jpg"
    root = f"Takeout/Google Photos/{Y}/"
    entries = [
        (root + numbered, _jpeg()),
        (root + "Screenshot_2024-08-31-00-53-48-647_com.snapcha(1).json", _side(plain, 1_600_000_002)),
        (root + plain, _jpeg()),
        (root + "Screenshot_2024-08-31-00-53-48-647_com.snapcha.json", _side(plain, 1_600_000_001)),
        (root + "2234089303984509579", _jpeg()),  # the original, uploaded without an extension
        (root + "2234089303984509579-edited.jpg", _jpeg()),
        (root + "2234089303984509579.supplemental-metadata.json", _side("2234089303984509579", 1_600_000_003)),
        (root + "CLIP0001.AVI", b"RIFF\x24\x00\x00\x00AVI LIST" + bytes(64)),
        (root + "CLIP0001.AVI.supplemental-metadata.json", _side("CLIP0001.AVI", 1_600_000_004)),
        (root + "README", b"not a photo"),
    ]
    if not reverse:
        entries.reverse()
    path = tmp_path / "takeout-20240101T000000Z-001.zip"
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries:
            z.writestr(name, data)
    parts, problems = open_parts([path])
    work = plan(parts, "t", problems)
    got = {m.media.name: (m.sidecar.name if m.sidecar else None, m.rule) for m in work.matches}
    assert got[plain][0] == "Screenshot_2024-08-31-00-53-48-647_com.snapcha.json"
    assert got[numbered][0] == "Screenshot_2024-08-31-00-53-48-647_com.snapcha(1).json"
    assert got["2234089303984509579"] == ("2234089303984509579.supplemental-metadata.json", "exact")
    assert got["2234089303984509579-edited.jpg"] == ("2234089303984509579.supplemental-metadata.json", "edited")
    assert got["CLIP0001.AVI"][1] == "exact"
    assert "README" not in got  # extensionless, and not media by its bytes
    assert not [e for e in work.report.errors if "header" in e["error"]], work.report.errors
    times = {b.record.filename: b.record.taken_at for b in work.built.values()}
    assert times["CLIP0001.AVI"] == 1_600_000_004
    assert {b.record.mime_type for b in work.built.values() if b.record.filename == "CLIP0001.AVI"} == {
        "video/x-msvideo"
    }


def test_a_damaged_jpeg_header_is_still_reported(tmp_path):
    path = tmp_path / "takeout-20240101T000000Z-001.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(f"Takeout/Google Photos/{Y}/BROKEN.jpg", b"this is not a jpeg at all" * 4)
    parts, problems = open_parts([path])
    work = plan(parts, "t", problems)
    assert any("unreadable media header" in e["error"] for e in work.report.errors)
