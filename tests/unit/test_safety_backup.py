"""Issue 11, backup: never clobber, never write outside DEST, bounded reads, clean stops, notes for odd entries."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from gphotos_tui.backup import copier
from gphotos_tui.backup.links import ALBUMS
from gphotos_tui.backup.run import run_backup
from gphotos_tui.catalog import Catalog
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.takeout import write_takeout


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def parts(tmp_path_factory):
    out = tmp_path_factory.mktemp("parts")
    return write_takeout(SyntheticLibrary(30, 5), out / "zip", parts=1, fmt="zip").paths


@pytest.fixture(scope="module")
def reference(parts, tmp_path_factory):
    """A clean backup of ``parts``: relpath -> sha256 of every real file."""
    root = tmp_path_factory.mktemp("ref")

    async def backup():
        catalog = await Catalog.open(root / "c.sqlite")
        try:
            return await run_backup(catalog, root / "dest", takeout=parts)
        finally:
            await catalog.close()

    report = asyncio.run(backup())
    assert report.errors == [] and report.copied > 30
    files = {}
    for p in (root / "dest").rglob("*"):
        if p.is_file() and not p.is_symlink():
            files[str(p.relative_to(root / "dest"))] = sha(p)
    return files


def photo(reference: dict[str, str]) -> str:
    return sorted(r for r in reference if not r.startswith(ALBUMS) and r.lower().endswith((".jpg", ".jpeg")))[0]


async def test_a_different_file_already_there_is_kept_and_the_copy_gets_a_numbered_name(parts, reference, tmp_path):
    dest = tmp_path / "dest"
    rel = photo(reference)
    mine = dest / rel
    mine.parent.mkdir(parents=True)
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    ref_dest = tmp_path / "ref-size"
    report0 = await run_backup(catalog, ref_dest, takeout=parts)
    wanted_size = (ref_dest / rel).stat().st_size
    # Same size as the original, different bytes: the case the old size check took for "already there".
    mine.write_bytes(b"M" * wanted_size)
    report = await run_backup(catalog, dest, takeout=parts)
    assert report.stopped is None and report.errors == []
    assert mine.read_bytes() == b"M" * wanted_size  # the user's file is untouched
    stem, ext = os.path.splitext(mine.name)
    numbered = mine.with_name(f"{stem} (1){ext}")
    assert sha(numbered) == reference[rel]
    assert report.copied == report0.copied
    rows = dict(await (await catalog.reader.execute("SELECT path, sha256 FROM local_files")).fetchall())
    assert str(mine) not in rows and rows[str(numbered)] == reference[rel]
    # A second run neither touches the user's file nor writes another copy.
    again = await run_backup(catalog, dest, takeout=parts)
    assert again.copied == 0 and again.errors == []
    assert mine.read_bytes() == b"M" * wanted_size and not mine.with_name(f"{stem} (2){ext}").exists()
    await catalog.close()


async def test_an_identical_file_already_there_is_adopted_after_its_hash_matches(parts, reference, tmp_path):
    dest = tmp_path / "dest"
    rel = photo(reference)
    ref_catalog = await Catalog.open(tmp_path / "r.sqlite")
    await run_backup(ref_catalog, tmp_path / "ref", takeout=parts)
    await ref_catalog.close()
    (dest / rel).parent.mkdir(parents=True)
    (dest / rel).write_bytes((tmp_path / "ref" / rel).read_bytes())
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await run_backup(catalog, dest, takeout=parts)
    assert report.skipped == 1 and report.errors == []
    stem, ext = os.path.splitext(rel)
    assert not (dest / f"{stem} (1){ext}").exists()
    rows = dict(await (await catalog.reader.execute("SELECT path, sha256 FROM local_files")).fetchall())
    assert rows[str(dest / rel)] == reference[rel]
    await catalog.close()


async def test_album_links_never_replace_a_users_file(parts, reference, tmp_path):
    albums = sorted({r.split("/")[1] for r in reference if r.startswith(ALBUMS + "/")})
    if not albums:  # links are not files: find an album folder from a clean run instead
        catalog = await Catalog.open(tmp_path / "r.sqlite")
        await run_backup(catalog, tmp_path / "ref", takeout=parts)
        await catalog.close()
        links = sorted(p for p in (tmp_path / "ref" / ALBUMS).rglob("*") if p.is_symlink())
        assert links
        rel_link = links[0].relative_to(tmp_path / "ref")
    dest = tmp_path / "dest"
    user_file = dest / rel_link
    user_file.parent.mkdir(parents=True)
    user_file.write_text("my own notes")
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await run_backup(catalog, dest, takeout=parts)
    assert report.stopped is None and report.errors == []
    assert not user_file.is_symlink() and user_file.read_text() == "my own notes"
    stem, ext = os.path.splitext(user_file.name)
    assert user_file.with_name(f"{stem} (1){ext}").is_symlink()
    await catalog.close()


async def test_a_planted_link_at_the_part_name_is_never_written_through(parts, reference, tmp_path):
    rel = photo(reference)
    dest = tmp_path / "dest"
    victim = tmp_path / "victim"
    victim.write_text("precious")
    (dest / rel).parent.mkdir(parents=True)
    os.symlink(victim, copier.part_path(dest / rel))
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await run_backup(catalog, dest, takeout=parts)
    assert victim.read_text() == "precious"
    assert report.stopped is None
    assert any("not written through" in e for e in report.errors)
    assert os.path.islink(copier.part_path(dest / rel))  # not deleted either
    await catalog.close()


async def test_a_planted_link_to_a_folder_outside_dest_is_refused(parts, reference, tmp_path):
    rel = photo(reference)
    dest = tmp_path / "dest"
    outside = tmp_path / "outside"
    outside.mkdir()
    year = rel.split("/")[0]
    dest.mkdir()
    os.symlink(outside, dest / year)
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await run_backup(catalog, dest, takeout=parts)
    assert list(outside.rglob("*")) == []
    assert any("outside the backup folder" in e for e in report.errors)
    await catalog.close()


class FullDisk(io.RawIOBase):
    """A file on a disk that fills after ``budget`` bytes; like a buffered file, close() fails too."""

    budget = [0]

    def __init__(self, fh):
        self.fh = fh
        self.failed = False

    def writable(self):
        return True

    def write(self, data):
        FullDisk.budget[0] -= len(data)
        if FullDisk.budget[0] < 0:
            self.failed = True
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.fh.write(data)

    def close(self):
        self.fh.close()
        if self.failed:
            raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


async def test_disk_full_is_one_stop_even_when_close_fails_too(parts, tmp_path, monkeypatch):
    FullDisk.budget[0] = 10_000
    monkeypatch.setattr(copier, "open", lambda path, mode, **kw: FullDisk(open(path, mode, **kw)), raising=False)
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await run_backup(catalog, tmp_path / "dest", takeout=parts)
    assert report.stopped and "No space left on device" in report.stopped
    assert report.errors == []  # not one "damaged entry" per following file
    await catalog.close()


def test_backup_command_exits_2_on_disk_full(parts, tmp_path, monkeypatch, capsys):
    from gphotos_tui.cli import main

    monkeypatch.delenv("GPHOTOS_TUI_ACCESS_TOKEN", raising=False)
    FullDisk.budget[0] = 10_000
    monkeypatch.setattr(copier, "open", lambda path, mode, **kw: FullDisk(open(path, mode, **kw)), raising=False)
    code = main(
        ["backup", "--db", str(tmp_path / "c.sqlite"), str(tmp_path / "dest"), "--from-takeout", *map(str, parts)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "No space left on device" in err and "damaged entry" not in err


def test_a_file_where_dest_should_be_is_one_clear_error(parts, tmp_path, monkeypatch, capsys):
    from gphotos_tui.cli import main

    monkeypatch.delenv("GPHOTOS_TUI_ACCESS_TOKEN", raising=False)
    (tmp_path / "dest").write_text("not a folder")
    code = main(
        ["backup", "--db", str(tmp_path / "c.sqlite"), str(tmp_path / "dest"), "--from-takeout", *map(str, parts)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "is not a folder" in err and "error:" not in err
    assert (tmp_path / "dest").read_text() == "not a folder"


def test_reads_stop_just_past_the_declared_size(tmp_path):
    class Endless(io.RawIOBase):
        served = 0

        def readable(self):
            return True

        def readinto(self, buffer):
            if self.served >= 50 << 20:
                return 0
            n = len(buffer)
            buffer[:n] = b"\0" * n
            self.served += n
            return n

    stream = Endless()
    with pytest.raises(copier.EntryDamaged, match="more bytes"):
        copier.copy_stream(stream, tmp_path / "a.jpg", 1000, None)
    assert stream.served <= 1001
    assert list(tmp_path.iterdir()) == []


def _rewrite_zip(src: Path, out: Path, extra: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        for name, data in extra:
            zout.writestr(name, data)


async def test_duplicate_zip_entry_names_get_a_note(parts, tmp_path):
    with zipfile.ZipFile(parts[0]) as z:
        media = next(n for n in z.namelist() if n.lower().endswith((".jpg", ".jpeg")))
    crafted = tmp_path / "takeout-20260101T000000Z-001.zip"
    with pytest.warns(UserWarning):
        _rewrite_zip(parts[0], crafted, [(media, b"a second, different body")])
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await run_backup(catalog, tmp_path / "dest", takeout=[crafted])
    assert any("more than once" in n and media.rpartition("/")[2] in n for n in report.notes)
    await catalog.close()


async def test_tar_links_and_devices_get_a_note(parts, tmp_path):
    tgz = tmp_path / "takeout-20260101T000000Z-001.tgz"
    with zipfile.ZipFile(parts[0]) as z, tarfile.open(tgz, "w:gz") as tar:
        for info in z.infolist():
            data = z.read(info)
            member = tarfile.TarInfo(info.filename)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
        link = tarfile.TarInfo("Takeout/Google Photos/evil.jpg")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
        dev = tarfile.TarInfo("Takeout/Google Photos/dev.jpg")
        dev.type = tarfile.CHRTYPE
        tar.addfile(dev)
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    report = await run_backup(catalog, tmp_path / "dest", takeout=[tgz])
    assert any("evil.jpg is a link" in n for n in report.notes)
    assert any("dev.jpg is a device" in n for n in report.notes)
    await catalog.close()


def test_a_zip_entry_that_holds_more_than_it_declares_is_cut_off_early(tmp_path):
    from gphotos_tui.sources.takeout.archive import Part, walk_part

    path = tmp_path / "lying.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("Takeout/Google Photos/big.jpg", b"\0" * (8 << 20))
    raw = bytearray(path.read_bytes())
    central = raw.rindex(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (1000).to_bytes(4, "little")  # the central directory's uncompressed size
    path.write_bytes(bytes(raw))
    produced, errors = [], []

    def visit(name, size, stream):
        assert size == 1000
        while chunk := stream.read(1 << 16):
            produced.append(len(chunk))

    walk_part(Part(path, "zip", path.stat().st_size), visit, lambda where, why: errors.append(why))
    assert sum(produced) <= 1000 + (1 << 16)
    assert errors and "more than the 1,000 bytes it declares" in errors[0]
