"""Issue 11, import: one hostile entry is that entry's error, text reaches the catalog valid and the terminal escaped."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.takeout import write_takeout
from gphotos_tui.sources.takeout import import_takeout
from gphotos_tui.text import printable, valid_utf8

FOLDER = "Takeout/Google Photos/Photos from 2020"


@pytest.fixture(scope="module")
def part(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parts")
    return write_takeout(SyntheticLibrary(20, 3), out, parts=1, fmt="zip").paths[0]


def crafted(part: Path, out: Path, extra: dict[str, bytes], change=None) -> Path:
    """A copy of ``part`` with entries added, and each entry's bytes passed through ``change(name, data)``."""
    with zipfile.ZipFile(part) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, change(info.filename, data) if change else data)
        for name, data in extra.items():
            zout.writestr(name, data)
    return out


async def items(catalog: Catalog) -> int:
    return (await (await catalog.reader.execute("SELECT count(*) FROM items")).fetchone())[0]


async def test_hostile_sidecars_are_entry_errors_and_the_import_goes_on(part, tmp_path):
    bad = crafted(
        part,
        tmp_path / "takeout-20260101T000000Z-001.zip",
        {
            f"{FOLDER}/deep.jpg.json": b"[" * 100_000,
            f"{FOLDER}/huge.jpg.json": b'{"photoTakenTime": {"timestamp": ' + b"7" * 5000 + b"}}",
            f"{FOLDER}/deepobj.json": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        },
    )
    reference = await Catalog.open(tmp_path / "ref.sqlite")
    await import_takeout(reference, [part], workers=1)
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await import_takeout(catalog, [bad], workers=1)
    where = {e["entry"]: e["error"] for e in report.errors}
    assert any(w.endswith("deep.jpg.json") and bad.name in w for w in where)
    assert any(w.endswith("huge.jpg.json") for w in where)
    assert any(w.endswith("deepobj.json") for w in where)
    assert await items(catalog) == await items(reference) > 0
    await catalog.close()
    await reference.close()


async def test_a_lone_surrogate_title_reaches_the_catalog_as_valid_text(part, tmp_path):
    changed = []

    def poison(name: str, data: bytes) -> bytes:
        if name.endswith(".json") and not changed and b'"photoTakenTime"' in data:
            doc = json.loads(data)
            doc["description"] = "caf\udce9 \ud800 end"
            changed.append(name)
            return json.dumps(doc).encode()
        return data

    bad = crafted(part, tmp_path / "takeout-20260101T000000Z-001.zip", {}, poison)
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    await import_takeout(catalog, [bad], workers=1)
    rows = await (
        await catalog.reader.execute("SELECT description FROM items WHERE description LIKE '%end'")
    ).fetchall()
    assert rows == [("caf\ufffd \ufffd end",)]
    await catalog.close()


def test_backup_of_hostile_sidecars_goes_on(part, tmp_path, monkeypatch, capsys):
    from gphotos_tui.cli import main

    monkeypatch.delenv("GPHOTOS_TUI_ACCESS_TOKEN", raising=False)
    bad = crafted(part, tmp_path / "takeout-20260101T000000Z-001.zip", {f"{FOLDER}/deep.jpg.json": b"[" * 100_000})
    code = main(["backup", "--db", str(tmp_path / "c.sqlite"), str(tmp_path / "dest"), "--from-takeout", str(bad)])
    out = capsys.readouterr()
    assert code in (0, 1) and "copied" in out.out and "Traceback" not in out.err


def test_entry_names_are_shown_escaped(part, tmp_path, monkeypatch, capsys):
    from gphotos_tui.cli import main

    monkeypatch.delenv("GPHOTOS_TUI_ACCESS_TOKEN", raising=False)
    name = f"{FOLDER}/\x1b[2J\x1b]0;pwned\x07.jpg"
    with pytest.warns(UserWarning):
        bad = crafted(part, tmp_path / "takeout-20260101T000000Z-001.zip", {name: b"one", name + " ": b""})
        with zipfile.ZipFile(bad, "a") as z:
            z.writestr(name, b"two")
    main(["backup", "--db", str(tmp_path / "c.sqlite"), str(tmp_path / "dest"), "--from-takeout", str(bad)])
    err = capsys.readouterr().err
    assert "\\x1b[2J" in err and "\x1b" not in err and "\x07" not in err


def test_a_folder_of_zip_parts_gets_a_hint(part, tmp_path, capsys):
    from gphotos_tui.cli import main

    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / part.name).write_bytes(part.read_bytes())
    assert main(["import-takeout", "--db", str(tmp_path / "c.sqlite"), str(folder)]) == 0
    err = capsys.readouterr().err
    assert "give the parts themselves" in err and part.name in err


def test_text_helpers():
    assert valid_utf8("ok") == "ok"
    assert valid_utf8("a\ud800b") == "a\ufffdb"
    assert printable("x\x1b[31m\x9b\u202ey") == "x\\x1b[31m\\x9b\\u202ey"
    printable("\ud800").encode("utf-8")


def test_a_folder_scan_reports_a_file_name_that_is_not_utf8_and_goes_on(tmp_path, capsys):
    from gphotos_tui.cli import main

    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "ok.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.jpg"), "wb") as fh:
        fh.write(b"\xff\xd8\xff\xd9")
    code = main(["scan-folder", "--db", str(tmp_path / "c.sqlite"), str(folder)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "not valid UTF-8" in captured.err
    assert code in (0, 1)
    assert "1 read" in captured.out or "1 media" in captured.out
