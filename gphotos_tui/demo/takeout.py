"""Synthetic Google Takeout exports, for the demo, the tests and the benchmark.

``write_takeout(library, out_dir)`` lays a SyntheticLibrary out the way
Google does (takeout.md §3): year folders and album folders holding copies,
a sidecar per copy under the legacy or the new name (clipped at 51), ``(N)``
numbering for clashing names, ``-edited`` copies sharing the original's
JSON, live-photo MOVs and Pixel ``.MP`` files without sidecars, trash and
archive folders, and some media with no JSON at all, spread over several
``.zip`` or ``.tgz`` parts so that media and sidecars land in different
parts. Pictures are real JPEG/HEIC/MOV headers carrying the item's EXIF.

``write_quirk_corpus(out_dir)`` writes one hand-made case per line of the
takeout.md §9 checklist and returns what the importer should make of each.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import tarfile
import time
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

from gphotos_tui.demo.generator import SyntheticItem, SyntheticLibrary
from gphotos_tui.demo.images import exif_block, heic_bytes, jpeg_bytes, mov_bytes, render_scene
from gphotos_tui.model import MediaRecord

SUFFIX = ".supplemental-metadata"
STAMP = "20240712T112341Z"

LANGUAGES = {  # root, year prefix, album metadata, trash, archive
    "en": ("Google Photos", "Photos from", "metadata.json", "Trash", "Archive"),
    "de": ("Google Fotos", "Fotos von", "Metadaten.json", "Papierkorb", "Archiv"),
    "it": ("Google Foto", "Foto da", "metadati.json", "Cestino", "Archivio"),
    "fr": ("Google Photos", "Photos from", "métadonnées.json", "Corbeille", "Archiver"),
    "ru": ("Google Фото", "Photos from", "метаданные.json", "Корзина", "Архив"),
}


# -- writing parts ----------------------------------------------------------------------


class _RawNameInfo(zipfile.ZipInfo):
    """A zip entry whose name is stored as given bytes, without the UTF-8 flag (for bad-name tests)."""

    raw_name: bytes = b""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.raw_name, self.flag_bits & ~0x800


class PartSet:
    """N archive parts written side by side; ``add`` puts each entry into one of them."""

    def __init__(self, out_dir: Path, parts: int = 3, fmt: str = "zip", stamp: str = STAMP):
        if fmt not in ("zip", "tgz"):
            raise ValueError("fmt must be zip or tgz")
        out_dir.mkdir(parents=True, exist_ok=True)
        self.fmt = fmt
        self.paths = [out_dir / f"takeout-{stamp}-{n + 1:03d}.{fmt}" for n in range(parts)]
        if fmt == "zip":
            self._zips = [zipfile.ZipFile(p, "w") for p in self.paths]
        else:
            self._tars = [
                tarfile.open(
                    p, "w:gz", compresslevel=1, format=tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape"
                )
                for p in self.paths
            ]
        self.mtime = calendar.timegm((2024, 7, 12, 11, 23, 41, 0, 0, 0))

    def part_of(self, name: str) -> int:
        return hashlib.blake2b(name.encode("utf-8", "surrogateescape"), digest_size=2).digest()[0] % len(self.paths)

    def add(self, name: str, data: bytes, part: int | None = None, *, raw_name: bytes | None = None) -> None:
        index = self.part_of(name) if part is None else part
        if self.fmt == "zip":
            info: zipfile.ZipInfo
            if raw_name:
                info = raw_info = _RawNameInfo(name, date_time=(2024, 7, 12, 11, 23, 41))
                raw_info.raw_name = raw_name
            else:
                info = zipfile.ZipInfo(name, (2024, 7, 12, 11, 23, 41))
            info.compress_type = zipfile.ZIP_DEFLATED if name.endswith(".json") else zipfile.ZIP_STORED
            self._zips[index].writestr(info, data)
        else:
            member = tarfile.TarInfo(raw_name.decode("utf-8", "surrogateescape") if raw_name else name)
            member.size, member.mtime = len(data), self.mtime
            self._tars[index].addfile(member, io.BytesIO(data))

    def close(self) -> list[Path]:
        for archive in getattr(self, "_zips", []) + getattr(self, "_tars", []):
            archive.close()
        return self.paths


def write_folder(root: Path, entries: Iterable[tuple[str, bytes]]) -> Path:
    """An extracted Takeout (what a user gets after unzipping), for folder-input tests."""
    for name, data in entries:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


# -- sidecars ---------------------------------------------------------------------------------


def sidecar_name(media_name: str, *, scheme: str = "new", number: int | None = None, limit: int | None = 51) -> str:
    """The sidecar name Google gives ``media_name``: suffix clipped so the name fits ``limit`` characters."""
    tail = f"({number})" if number is not None else ""
    suffix = SUFFIX if scheme == "new" else ""
    if limit is None:
        return f"{media_name}{suffix}{tail}.json"
    room = limit - len(".json") - len(media_name)
    if room >= len(suffix):
        return f"{media_name}{suffix}{tail}.json"
    if room >= 2:
        return f"{media_name}{suffix[:room]}{tail}.json"
    return f"{media_name[: limit - len('.json')]}{tail}.json"


def _formatted(stamp: int) -> str:
    return time.strftime("%d %b %Y, %H:%M:%S UTC", time.gmtime(stamp))


def sidecar_json(record: MediaRecord, *, title: str | None = None, uploaded: int | None = None, **extra: Any) -> bytes:
    taken = record.taken_at or 0
    uploaded = uploaded or taken + 3600
    doc: dict[str, Any] = {
        "title": title or record.filename,
        "description": record.description or "",
        "imageViews": "3",
        "creationTime": {"timestamp": str(uploaded), "formatted": _formatted(uploaded)},
        "photoTakenTime": {"timestamp": str(taken), "formatted": _formatted(taken)},
    }
    geo = {
        "latitude": record.latitude or 0.0,
        "longitude": record.longitude or 0.0,
        "altitude": 0.0,
        "latitudeSpan": 0.0,
        "longitudeSpan": 0.0,
    }
    doc["geoData"] = geo
    doc["geoDataExif"] = geo
    if record.product_url:
        doc["url"] = record.product_url.replace("/lr/photo/", "/photo/")
    for flag, value in (("favorited", record.favorite), ("archived", record.archived), ("trashed", record.trashed)):
        if value:
            doc[flag] = True
    device = "IOS_PHONE" if record.camera_make == "Apple" else "ANDROID_PHONE"
    doc["googlePhotosOrigin"] = {"mobileUpload": {"deviceFolder": {"localFolderName": ""}, "deviceType": device}}
    doc.update(extra)
    return json.dumps(doc, ensure_ascii=False, indent=2).encode()


def album_json(title: str, created: int | None = None, shape: str = "new") -> bytes:
    body = {
        "title": title,
        "description": "",
        "access": "protected",
        "date": {"timestamp": str(created or 0), "formatted": _formatted(created or 0)},
    }
    if shape == "wrapped":
        return json.dumps({"albumData": body}).encode()
    if shape == "minimal":
        return json.dumps(
            {
                "title": title,
                "enrichments": [
                    {
                        "locationEnrichment": {
                            "location": [{"name": title, "latitudeE7": 416000000, "longitudeE7": 125000000}]
                        }
                    }
                ],
            }
        ).encode()
    return json.dumps(body, ensure_ascii=False).encode()


# -- media bytes ----------------------------------------------------------------------------------


class PixelPool:
    """A few pre-encoded pictures with each item's own EXIF spliced in: big libraries in seconds."""

    def __init__(self, size: int = 16, side: int = 96):
        self._bodies = []
        for scene in range(size):
            out = io.BytesIO()
            render_scene(scene, side, side * 3 // 4).save(out, "JPEG", quality=80)
            data = out.getvalue()
            app0_end = 4 + int.from_bytes(data[4:6], "big") if data[2:4] == b"\xff\xe0" else 2
            self._bodies.append((data[:app0_end], data[app0_end:]))

    def jpeg(self, item: SyntheticItem) -> bytes:
        head, rest = self._bodies[item.scene % len(self._bodies)]
        exif = exif_block(item).tobytes()
        return head + b"\xff\xe1" + (len(exif) + 2).to_bytes(2, "big") + exif + rest


def media_bytes(item: SyntheticItem, pool: PixelPool | None, max_side: int) -> bytes:
    r = item.record
    if r.media_type == "video":
        return mov_bytes(item, brand=b"qt  " if r.filename.upper().endswith(".MOV") else b"mp42")
    if r.mime_type == "image/heif":
        return heic_bytes(item)
    if pool is not None:
        return pool.jpeg(item)
    return jpeg_bytes(item, max_side)


# -- a whole library ---------------------------------------------------------------------------------


@dataclass(slots=True)
class TakeoutLayout:
    """What was written, for tests: counts by kind of file."""

    paths: list[Path]
    media: int = 0
    sidecars: int = 0
    items: int = 0
    album_copies: int = 0
    companions: int = 0
    without_json: int = 0
    edited: int = 0


def _local(record: MediaRecord) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
        seconds=(record.taken_at or 0) + (record.utc_offset_min or 0) * 60
    )


def write_takeout(
    library: SyntheticLibrary,
    out_dir: str | Path,
    *,
    parts: int = 3,
    fmt: str = "zip",
    lang: str = "en",
    stamp: str = STAMP,
    max_side: int = 96,
    pooled: bool = False,
    pool: PixelPool | None = None,
    items: Iterable[SyntheticItem] | None = None,
) -> TakeoutLayout:
    """Write ``library`` as a multi-part Takeout into ``out_dir``."""
    root_name, year_prefix, album_meta, trash, archive = LANGUAGES[lang]
    root = f"Takeout/{root_name}"
    out = PartSet(Path(out_dir), parts, fmt, stamp)
    layout = TakeoutLayout(out.paths)
    pool = pool or (PixelPool() if pooled else None)
    titles = {a.key: a for a in library.albums()}
    used_names: dict[tuple[str, str], int] = {}
    albums_written: set[str] = set()
    originals: dict[int, tuple[str, str]] = {}  # planted group -> original's (folder, name), for -edited copies

    def place(folder: str, name: str) -> tuple[str, int | None]:
        """The name Google gives the next file called ``name`` in ``folder``: name, name(1), name(2)..."""
        key = (folder, name.casefold())
        if key not in used_names:
            used_names[key] = 1
            return name, None
        stem, _, ext = name.rpartition(".")
        number = used_names[key]
        while (folder, f"{stem}({number}).{ext}".casefold()) in used_names:
            number += 1  # a file really named "IMG(1).MOV" already holds that name
        used_names[key] = number + 1
        final = f"{stem}({number}).{ext}"
        used_names[(folder, final.casefold())] = 1
        return final, number

    def companion(folder: str, name: str) -> bool:
        """Claim ``name`` for a sidecar-less companion file, unless another file already has it."""
        if (folder, name.casefold()) in used_names:
            return False
        used_names[(folder, name.casefold())] = 1
        layout.companions += 1
        layout.media += 1
        return True

    def emit(folder: str, item: SyntheticItem, title: str, data: bytes, *, with_json: bool, scheme: str) -> str:
        name, number = place(folder, title)
        out.add(f"{root}/{folder}/{name}", data)
        layout.media += 1
        if with_json:
            out.add(
                f"{root}/{folder}/{sidecar_name(title, scheme=scheme, number=number)}",
                sidecar_json(item.record, title=title),
            )
            layout.sidecars += 1
        return name

    for index, item in enumerate(items if items is not None else library.items()):
        r = item.record
        layout.items += 1
        data = media_bytes(item, pool, max_side)
        year = _local(r).year
        home = trash if r.trashed else archive if r.archived else f"{year_prefix} {year}"
        scheme = "legacy" if index % 3 == 0 else "new"
        if item.variant == "edited" and item.group in originals:
            folder, original = originals[item.group]
            stem, _, ext = original.rpartition(".")
            out.add(f"{root}/{folder}/{stem}-edited.{ext}", data)  # shares the original's sidecar
            layout.media += 1
            layout.edited += 1
            continue
        with_json = not (item.variant == "near" and index % 2 == 0)  # some received files come without JSON
        title = r.filename
        if title.startswith("PXL_") and r.media_type == "photo" and index % 4 == 0:
            title = title[:-4] + ".MP.jpg"  # a motion photo: its video part is X.MP, without a sidecar
            if companion(home, title[:-4]):
                out.add(f"{root}/{home}/{title[:-4]}", mov_bytes(item, brand=b"mp42"))
        name = emit(home, item, title, data, with_json=with_json, scheme=scheme)
        layout.without_json += not with_json
        if item.group is not None and item.variant == "original":
            originals[item.group] = (home, name)
        if r.mime_type == "image/heif" and index % 3 == 0 and companion(home, name.rpartition(".")[0] + ".MOV"):
            out.add(f"{root}/{home}/{name.rpartition('.')[0]}.MOV", mov_bytes(item))  # Live Photo video, no sidecar
        if r.trashed:
            continue
        for key in item.album_keys:
            album = titles.get(key)
            if album is None:
                continue
            folder = album.title
            if folder not in albums_written:
                out.add(f"{root}/{folder}/{album_meta}", album_json(album.title, album.created_at))
                albums_written.add(folder)
            emit(folder, item, title, data, with_json=with_json, scheme=scheme)
            layout.album_copies += 1
    out.close()
    return layout


# -- the §9 quirk corpus ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Expect:
    """What the importer should make of one media file of the corpus."""

    path: str  # folder/name below the Google Photos root
    rule: str  # the matching rule, or "none"
    time_source: str = "sidecar"
    title: str | None = None  # the item's filename, when it must come from the sidecar


@dataclass(slots=True)
class QuirkCorpus:
    paths: list[Path]
    expected: list[Expect]
    albums: dict[str, str]  # folder -> expected title
    memberships: dict[str, set[str]]  # item filename -> album folders
    problems: list[str]  # substrings expected among set-level problems


def _tiny(item: SyntheticItem, exif: bool = True) -> bytes:
    img = Image.new("RGB", (8, 8), (item.scene * 37 % 256, item.scene * 91 % 256, item.scene * 53 % 256))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70, exif=exif_block(item).tobytes() if exif else b"")
    return out.getvalue()


def write_quirk_corpus(out_dir: str | Path, fmt: str = "zip", *, drop_part: int | None = 2) -> QuirkCorpus:
    """One case per takeout.md §9 line, over 4 parts (part ``drop_part`` deleted to make a gap)."""
    base = next(i for i in SyntheticLibrary(40, 3).items() if i.record.media_type == "photo" and i.record.camera_make)
    counter = iter(range(1, 10_000))
    entries: list[tuple[str, bytes, int | None]] = []
    expected: list[Expect] = []
    t0 = 1_600_000_000

    def item(name: str, *, exif: bool = True, taken: int | None = None, **changes: Any) -> SyntheticItem:
        n = next(counter)
        rec = MediaRecord(**{f: getattr(base.record, f) for f in base.record.__slots__})
        rec.filename, rec.taken_at = name, taken if taken is not None else t0 + n * 3600
        rec.external_id = f"AF1QipQuirk{n:06d}"
        rec.product_url = f"https://photos.google.com/photo/{rec.external_id}"
        rec.favorite = rec.archived = rec.trashed = False
        for key, value in changes.items():
            setattr(rec, key, value)
        return SyntheticItem(rec, [], scene=n)

    def media(
        path: str,
        it: SyntheticItem,
        rule: str,
        time_source: str = "sidecar",
        part: int | None = None,
        data: bytes | None = None,
        title: str | None = None,
    ) -> None:
        entries.append((path, data if data is not None else _tiny(it), part))
        expected.append(Expect(path, rule, time_source, title))

    def side(path: str, it: SyntheticItem, part: int | None = None, **extra: Any) -> None:
        entries.append((path, sidecar_json(it.record, **extra), part))

    Y = "Photos from 2020"
    # Archive structure: media and sidecar in different parts.
    a = item("IMG_0001.JPG")
    media(f"{Y}/IMG_0001.JPG", a, "exact", part=0)
    side(f"{Y}/IMG_0001.JPG.supplemental-metadata.json", a, part=2)
    # Legacy and new schemes mixed.
    a = item("IMG_0002.JPG")
    media(f"{Y}/IMG_0002.JPG", a, "exact")
    side(f"{Y}/IMG_0002.JPG.json", a)
    # Clipped at 51: .supplemental-met.json, .supple.json, .s.json
    for name in (
        "IMG_20230101_123456789_HDR_X.jpg",
        "PXL_20230101_123456789_NIGHT_A1.jpg",
        "PXL_20230101_123456789.PORTRAIT_B22.jpg",
    ):
        a = item(name)
        sc = sidecar_name(name)
        assert sc != name + SUFFIX + ".json" and len(sc) == 51, sc
        media(f"{Y}/{name}", a, "clipped")
        side(f"{Y}/{sc}", a)
    # Name itself cut: <46 chars>.json
    long_name = "Screenshot_20230101-123456_Some_Long_Application_Name.png"
    a = item(long_name)
    media(f"{Y}/{long_name}", a, "clipped", title=long_name)
    side(f"{Y}/{long_name[:46]}.json", a)
    # Media name truncated one character shorter than the JSON base.
    full = "WhatsApp Image 2023-01-01 at 12.34.56 (very long caption).jpeg"
    a = item(full)
    short_media = full[:42] + ".jpeg"
    media(f"{Y}/{short_media}", a, "truncated", title=full)
    side(f"{Y}/{full[:46]}.json", a)
    # Unclipped long sidecar (2026) and a 53-character one.
    name = "IMG_20260101_101010_unclipped_sidecar_name.jpg"
    a = item(name)
    media(f"{Y}/{name}", a, "exact")
    side(f"{Y}/{name}{SUFFIX}.json", a)
    name = "IMG_20260101_101010_fifty_three.jpg"
    a = item(name)
    media(f"{Y}/{name}", a, "clipped")
    side(f"{Y}/{sidecar_name(name, limit=53)}", a)
    # Non-ASCII long names around 46: accents, CJK, emoji.
    for name in (
        "Été à la plage avec les enfants, très joli soleil.jpg",
        "東京タワーの夜景と富士山の朝焼けと桜並木と川沿いの散歩道の写真.jpg",
        "🎉🎂 Birthday party at grandma's house with everyone 🎈.jpg",
    ):
        a = item(name)
        media(f"{Y}/{name}", a, "clipped", title=name)
        side(f"{Y}/{sidecar_name(name)}", a)
    # Numbering: IMG(1).JPG with IMG.JPG(1).json; .supplemental-metadata(1).json; middle form.
    for number, sc in (
        (1, "IMG_3479.JPG(1).json"),
        (2, "IMG_3479.JPG.supplemental-metadata(2).json"),
        (3, "IMG_3479.JPG(3).supplemental-metadata.json"),
    ):
        a = item("IMG_3479.JPG")
        media(f"{Y}/IMG_3479({number}).JPG", a, "numbered", title="IMG_3479.JPG")
        side(f"{Y}/{sc}", a)
    a = item("IMG_3479.JPG")
    media(f"{Y}/IMG_3479.JPG", a, "exact")
    side(f"{Y}/IMG_3479.JPG.json", a)
    # Stacked (1)(1), original name ending in (1), plus its edited copies.
    a = item("Negative0-36-35(1).jpg")
    media(f"{Y}/Negative0-36-35(1).jpg", a, "exact")
    side(f"{Y}/Negative0-36-35(1).jpg{SUFFIX}.json", a)
    media(f"{Y}/Negative0-36-35(1)-editat.jpg", a, "edited")
    b = item("Negative0-36-35(1).jpg")
    media(f"{Y}/Negative0-36-35(1)(1).jpg", b, "numbered", title="Negative0-36-35(1).jpg")
    side(f"{Y}/Negative0-36-35(1).jpg{SUFFIX}(1).json", b)
    media(f"{Y}/Negative0-36-35(1)-editat(1).jpg", b, "edited")
    # A real name containing (10) plus a duplicate marker.
    a = item("Käfersteige (10).jpg")
    media(f"{Y}/Käfersteige (10)(1).jpg", a, "numbered", title="Käfersteige (10).jpg")
    side(f"{Y}/Käfersteige (10).jpg{SUFFIX}(1).json", a)
    # A numbered sidecar whose suffix was clipped before the (N).
    name = "IMG_20230101_123456789_BURST_01.jpg"
    a = item(name)
    media(f"{Y}/IMG_20230101_123456789_BURST_01(1).jpg", a, "clipped", title=name)
    side(f"{Y}/{sidecar_name(name, number=1)}", a)
    # Edits: -edited and localized variants share the original's JSON; truncated -ed; special suffixes.
    for suffix in ("-edited", "-bearbeitet", "-modifié", "-編集済み"):
        name = f"EDIT{suffix.strip('-')[:3]}.jpg"
        a = item(name)
        media(f"{Y}/{name}", a, "exact")
        side(f"{Y}/{name}.json", a)
        media(f"{Y}/{name[:-4]}{suffix}.jpg", a, "edited")
    name = "PXL_20230101_123456789_LONG_EDITTEST.jpg"
    a = item(name)
    media(f"{Y}/{name}", a, "clipped")
    side(f"{Y}/{sidecar_name(name)}", a)
    media(f"{Y}/{name[:-4]}-ed.jpg", a, "edited-truncated")
    for suffix in ("-collage", "-animation", "-effects"):
        a = item(f"SPECIAL{suffix}.jpg")
        media(f"{Y}/SPECIAL{suffix}.jpg", a, "none", "exif")
    # NFD names as extracted on macOS.
    nfc_name = "Crème brûlée.jpg"
    a = item(nfc_name)
    media(f"{Y}/{unicodedata.normalize('NFD', nfc_name)}", a, "exact")
    side(f"{Y}/{unicodedata.normalize('NFD', nfc_name)}.json", a)
    # Live photo and Pixel motion photo.
    a = item("IMG_5000.HEIC")
    media(f"{Y}/IMG_5000.HEIC", a, "exact", data=heic_bytes(a))
    side(f"{Y}/IMG_5000.HEIC{SUFFIX}.json", a)
    media(f"{Y}/IMG_5000.MOV", a, "live-photo", data=mov_bytes(a))
    a = item("PXL_20230505_101010101.MP.jpg")
    media(f"{Y}/PXL_20230505_101010101.MP.jpg", a, "exact")
    side(f"{Y}/PXL_20230505_101010101.MP.jpg.json", a)
    media(f"{Y}/PXL_20230505_101010101.MP", a, "motion-photo", data=mov_bytes(a, brand=b"mp42"))
    media(f"{Y}/PXL_20230505_101010101.mp~2", a, "motion-photo", data=mov_bytes(a, brand=b"mp42"))
    # The same photo in a year folder and two albums (new and albumData-wrapped album JSON).
    shared = item("IMG_7777.JPG")
    data = _tiny(shared)
    for folder in (Y, "Summer in Rome", "Best of 2020"):
        media(f"{folder}/IMG_7777.JPG", shared, "exact", data=data)
        side(f"{folder}/IMG_7777.JPG.json", shared)
    entries.append(("Summer in Rome/métadonnées.json", album_json("Summer in Rome", t0), None))
    entries.append(("Best of 2020/Metadaten.json", album_json("Best of 2020", t0, "wrapped"), None))
    # Album-only item in a minimal-JSON album; an album with an empty title.
    a = item("IMG_8888.JPG")
    media("Trip/IMG_8888.JPG", a, "exact")
    side("Trip/IMG_8888.JPG.json", a)
    entries.append(("Trip/метаданные.json", album_json("Trip to Italy", shape="minimal"), None))
    a = item("IMG_8889.JPG")
    media("No title yet/IMG_8889.JPG", a, "exact")
    side("No title yet/IMG_8889.JPG.json", a)
    entries.append(("No title yet/metadata.json", album_json(""), None))
    # Merged untitled albums, failed videos, trash/archive/locked in two languages.
    a = item("IMG_9001.JPG")
    media("Untitled(1)/IMG_9001.JPG", a, "exact")
    side("Untitled(1)/IMG_9001.JPG.json", a)
    v = item("VID_9002.mp4", media_type="video", duration_s=7.5, width=1920, height=1080)
    media("Failed Videos/VID_9002.mp4", v, "exact", data=mov_bytes(v, brand=b"mp42"))
    side("Failed Videos/VID_9002.mp4.json", v)
    for folder, flag in (
        ("Trash", "trashed"),
        ("Papierkorb", "trashed"),
        ("Archive", "archived"),
        ("Corbeille", "trashed"),
        ("Locked Folder", None),
    ):
        a = item(f"IMG_{folder[:4].upper()}.JPG")
        media(f"{folder}/IMG_{folder[:4].upper()}.JPG", a, "exact")
        side(f"{folder}/IMG_{folder[:4].upper()}.JPG.json", a, **({flag: True} if flag else {}))
    # Localized year folders.
    for folder in ("Fotos von 2019", "Foto da 2019"):
        a = item(f"IMG_{folder[:4]}.JPG")
        media(f"{folder}/IMG_{folder[:4]}.JPG", a, "exact")
        side(f"{folder}/IMG_{folder[:4]}.JPG.json", a)
    # No JSON: EXIF, then file name, then folder year.
    a = item("NOJSON_EXIF.jpg")
    media(f"{Y}/NOJSON_EXIF.jpg", a, "none", "exif")
    a = item("Screenshot_20210304-101112.png", camera_make=None)
    media(f"{Y}/Screenshot_20210304-101112.png", a, "none", "filename", data=_tiny(a, exif=False))
    a = item("scan.jpg")
    media("Photos from 2005/scan.jpg", a, "none", "folder", data=_tiny(a, exif=False))
    # Forgotten duplicates: with a full uuid it is the 46-character cut; shorter names need the predicate.
    a = item("original_0b9a1c7e-1234-4d7a-9a1b-1234567890ab_.jpg")
    side(f"{Y}/original_0b9a1c7e-1234-4d7a-9a1b-1234567890ab_.json", a)
    media(f"{Y}/original_0b9a1c7e-1234-4d7a-9a1b-1234567890ab_P(1).jpg", a, "clipped")
    a = item("original_0b9a1c7e_.jpg")
    side(f"{Y}/original_0b9a1c7e_.json", a)
    media(f"{Y}/original_0b9a1c7e_P(1).jpg", a, "forgotten-duplicate")
    # Sidecar edge values: "0" time, geo 0,0 with geoDataExif, partner sharing, French dates, unknown fields.
    a = item("ZERO_TIME.jpg")
    media(f"{Y}/ZERO_TIME.jpg", a, "exact", "exif")
    side(
        f"{Y}/ZERO_TIME.jpg.json",
        a,
        photoTakenTime={"timestamp": "0", "formatted": "1 janv. 1970, 00:00:00 UTC"},
        geoData={"latitude": 0.0, "longitude": 0.0},
        geoDataExif={"latitude": 41.9, "longitude": 12.5},
        googlePhotosOrigin={"fromPartnerSharing": {}},
        somethingNew={"x": 1},
        favorited=True,
    )
    # Data-saver .HEIC that is a JPEG; AppleDouble junk.
    a = item("IMG_6000.HEIC")
    media(f"{Y}/IMG_6000.HEIC", a, "exact")
    side(f"{Y}/IMG_6000.HEIC.json", a)
    entries.append((f"{Y}/._IMG_6000.HEIC", b"\0\5\26\7Mac OS X        ", None))
    # Cross-folder repair: an album copy whose own sidecar is missing.
    a = item("IMG_4242.JPG")
    data = _tiny(a)
    media(f"{Y}/IMG_4242.JPG", a, "exact", data=data)
    side(f"{Y}/IMG_4242.JPG.json", a)
    media("Summer in Rome/IMG_4242.JPG", a, "cross-folder", data=data)
    # Localized roots: the same kind of export under three languages' roots, in part 3.
    roots = {"Google Foto": "IT_ROOT.jpg", "Google Fotos": "DE_ROOT.jpg", "Google Фото": "RU_ROOT.jpg"}

    out = PartSet(Path(out_dir), 4, fmt)
    for path, data, part in entries:
        p = part if part is not None else out.part_of(path) % 2 * 2  # parts 001 and 003
        out.add(f"Takeout/Google Photos/{path}", data, p)
    for root, name in roots.items():
        a = item(name)
        out.add(f"Takeout/{root}/{Y}/{name}", _tiny(a), 3)
        out.add(f"Takeout/{root}/{Y}/{name}.json", sidecar_json(a.record), 3)
        expected.append(Expect(f"{Y}/{name}", "exact"))
    # The file in the part that goes missing: its sidecar stays, so it is reported as an orphan.
    lost = item("LOST_IN_PART_2.jpg")
    out.add(f"Takeout/Google Photos/{Y}/LOST_IN_PART_2.jpg", _tiny(lost), 1)
    out.add(f"Takeout/Google Photos/{Y}/LOST_IN_PART_2.jpg.json", sidecar_json(lost.record), 0)
    paths = out.close()
    problems = []
    if drop_part is not None:
        paths[drop_part - 1].unlink()
        paths = [p for i, p in enumerate(paths) if i != drop_part - 1]
        problems.append(f"part {drop_part:03d}")
    albums = {
        "Summer in Rome": "Summer in Rome",
        "Best of 2020": "Best of 2020",
        "Trip": "Trip to Italy",
        "No title yet": "No title yet",
        "Untitled(1)": "Untitled(1)",
    }
    memberships = {
        "IMG_7777.JPG": {"Summer in Rome", "Best of 2020"},
        "IMG_8888.JPG": {"Trip"},
        "IMG_4242.JPG": {"Summer in Rome"},
    }
    return QuirkCorpus(paths, expected, albums, memberships, problems)
