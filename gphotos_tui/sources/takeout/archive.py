"""Reading Takeout parts without extracting them: .zip, .tgz and extracted folders.

Each part is walked once, front to back; for every file entry the visitor
gets its name, declared size and a stream it reads as far as it needs (the
JSON in full, a media file's header, or to the end to hash it). Nothing is
written to disk, and no entry is held in memory whole, so memory does not
grow with the archive's size. Entry-level damage (unsafe or undecodable
names, absurd sizes, CRC errors, truncation) is reported through
``on_error`` and the walk goes on with the next entry or part.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, cast

from gphotos_tui.text import printable

MAX_ENTRY_BYTES = 1 << 40  # 1 TiB: more than any camera file; larger sizes are corrupt headers
MAX_RATIO = 1000  # a deflated photo never shrinks 1000x; zip bombs do
FINGERPRINT_SPAN = 1 << 20
_PREFETCH = 1 << 18  # zip entries up to this size are read together with their local header
_HEADER_SLACK = 1024  # the local header with room for its name and extra field (longer ones cost one more read)

_PART_NAME = re.compile(r"^(?P<set>.+?)-(?P<num>\d{3})\.(zip|tgz|tar\.gz)$", re.IGNORECASE)


class ArchiveError(Exception):
    """A part that cannot be read at all (the message names it and says why)."""


@dataclass(frozen=True, slots=True)
class Part:
    path: Path
    kind: str  # zip | tgz | dir
    size: int
    label: str = field(init=False, compare=False)  # the file name, shown in reports (computed once: used per entry)

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", self.path.name)


Visitor = Callable[[str, int, BinaryIO], None]  # (name, declared size, stream)
ErrorSink = Callable[[str, str], None]  # (where, message)


class Rejected(str):
    """An ErrorSink message about an entry refused by name or declared size (unsafe, impossible, not UTF-8).

    The importer reports these once; a backup walking the same part counts them
    as skipped rather than as failures, so a run that copied everything copyable
    exits 0. A plain ``str`` for every other caller.
    """


def open_parts(paths: Sequence[str | Path]) -> tuple[list[Part], list[str]]:
    """The parts to read, sorted by name, and problems with the set (missing parts)."""
    parts: list[Part] = []
    problems: list[str] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            parts.append(Part(path, "dir", 0))
            inner = _archives_in(path)
            if inner:
                problems.append(
                    f"{printable(str(path))} holds {len(inner)} Takeout archive(s) ({printable(inner[0])}...), "
                    "which are not read from inside a folder; give the parts themselves, e.g. "
                    f"{printable(str(path / '*.zip'))}"
                )
        elif path.is_file():
            name = path.name.lower()
            if name.endswith(".zip"):
                kind = "zip"
            elif name.endswith((".tgz", ".tar.gz")):
                kind = "tgz"
            else:
                problems.append(f"{path}: not a .zip, .tgz or folder; skipped")
                continue
            parts.append(Part(path, kind, path.stat().st_size))
        else:
            problems.append(f"{path}: no such file or folder")
    parts.sort(key=lambda p: p.path.name)
    problems += numbering_gaps([p.path.name for p in parts if p.kind != "dir"])
    return parts, problems


def _archives_in(folder: Path) -> list[str]:
    """Names of .zip/.tgz files directly in ``folder`` (a folder of downloaded parts given by mistake)."""
    try:
        with os.scandir(folder) as entries:
            return sorted(
                e.name for e in entries if e.name.lower().endswith((".zip", ".tgz", ".tar.gz")) and e.is_file()
            )
    except OSError:
        return []


def numbering_gaps(names: list[str]) -> list[str]:
    """'takeout-…-002.zip is missing' for every gap in each set's part numbers."""
    sets: dict[str, set[int]] = {}
    for name in names:
        match = _PART_NAME.match(name)
        if match:
            sets.setdefault(match.group("set"), set()).add(int(match.group("num")))
    problems = []
    for prefix, numbers in sorted(sets.items()):
        for missing in sorted(set(range(1, max(numbers) + 1)) - numbers):
            problems.append(
                f"part {missing:03d} of {prefix} is missing (have {', '.join(f'{n:03d}' for n in sorted(numbers))}); "
                "items and sidecars in it will be unmatched or absent"
            )
    return problems


def fingerprint(parts: list[Part]) -> str:
    """Names, sizes and a hash of each part's first and last MiB: cheap, and stable per export."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(f"{part.kind}\0{part.path.name}\0{part.size}\0".encode("utf-8", "surrogateescape"))
        if part.kind == "dir":
            for root, dirs, files in os.walk(part.path):
                dirs.sort()
                for name in sorted(files):
                    full = os.path.join(root, name)
                    try:
                        size = os.lstat(full).st_size
                    except OSError:
                        continue
                    rel = os.path.relpath(full, part.path)
                    digest.update(f"{rel}\0{size}\0".encode("utf-8", "surrogateescape"))
            continue
        with open(part.path, "rb") as fh:
            digest.update(fh.read(FINGERPRINT_SPAN))
            if part.size > 2 * FINGERPRINT_SPAN:
                fh.seek(-FINGERPRINT_SPAN, os.SEEK_END)
                digest.update(fh.read(FINGERPRINT_SPAN))
    return digest.hexdigest()[:32]


def safe_name(name: str) -> tuple[str | None, str | None]:
    """(normalised posix name, None) or (None, reason) for names that escape the archive."""
    if not (name.startswith(("/", ".")) or "\\" in name or "/." in name or "//" in name or name[1:2] == ":"):
        return name, None  # the common case, without building a path object
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return None, "absolute path in archive entry name"
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if ".." in parts:
        return None, "entry name climbs out of the archive with '..'"
    if not parts:
        return None, "empty entry name"
    return "/".join(parts), None


def _repair_utf8(name: str) -> tuple[str, str | None]:
    """Names must be UTF-8; undecodable bytes are replaced (U+FFFD) and reported."""
    try:
        name.encode("utf-8")
        return name, None
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
        return raw.decode("utf-8", "replace"), "entry name is not valid UTF-8; undecodable bytes shown as \ufffd"


def walk_part(
    part: Part,
    visit: Visitor,
    on_error: ErrorSink,
    entries: tuple[int, int] | None = None,
    directory: list[ZipMember] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> None:
    """Visit every file of ``part``; of a zip only entries[0]:entries[1] of its central directory,
    which callers reading one part in slices pass in (``zip_directory``) so it is parsed once.
    ``on_note`` hears about members that are not files (tar links and devices), which are skipped."""
    if part.kind == "zip":
        _walk_zip(part, visit, on_error, entries, directory)
    elif part.kind == "tgz":
        _walk_tgz(part, visit, on_error, on_note)
    else:
        _walk_dir(part, visit, on_error)


def _checked(part: Part, raw: str, size: int, on_error: ErrorSink) -> str | None:
    name, problem = _repair_utf8(raw)
    if problem:
        on_error(f"{part.label}: {name}", Rejected(problem))
    safe, problem = safe_name(name)
    if problem:
        on_error(f"{part.label}: {name}", Rejected(f"{problem}; skipped"))
        return None
    if size < 0 or size > MAX_ENTRY_BYTES:
        on_error(f"{part.label}: {safe}", Rejected(f"declared size {size:,} bytes is impossible; skipped"))
        return None
    return safe


def zip_entry_count(part: Part) -> int | None:
    """Entries in a zip's central directory, from its end record alone (None when unreadable: walk_part says why)."""
    try:
        with open(part.path, "rb") as fh:
            # handles zip64; the same reader ZipFile itself uses (private: typeshed does not declare it)
            end = zipfile._EndRecData(fh)  # type: ignore[attr-defined]
    except OSError:
        return None
    return end[zipfile._ECD_ENTRIES_TOTAL] if end else None  # type: ignore[attr-defined]


@dataclass(slots=True)
class ZipMember:
    """What reading one zip entry needs from its central directory record."""

    filename: str
    flag_bits: int
    compress_type: int
    CRC: int
    compress_size: int
    file_size: int
    header_offset: int

    def is_dir(self) -> bool:
        return self.filename.endswith("/")


_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile's structCentralDir (46 bytes)


def zip_directory(part: Part) -> list[ZipMember]:
    """A zip part's central directory (raises zipfile.BadZipFile or OSError).

    zipfile's own parser builds a full ZipInfo per entry (a third of the cost
    of merely listing a Takeout); this keeps what ``_ZipEntry`` needs, with
    the same end-record handling (zip64, data before the archive).
    """
    with open(part.path, "rb") as fh:
        end = zipfile._EndRecData(fh)  # type: ignore[attr-defined]
        if not end:
            raise zipfile.BadZipFile("File is not a zip file")
        size, offset = end[zipfile._ECD_SIZE], end[zipfile._ECD_OFFSET]  # type: ignore[attr-defined]
        concat = end[zipfile._ECD_LOCATION] - size - offset  # type: ignore[attr-defined]
        if end[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:  # type: ignore[attr-defined]
            concat -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator  # type: ignore[attr-defined]
        if offset + concat < 0:
            raise zipfile.BadZipFile("Bad offset for central directory")
        fh.seek(offset + concat)
        data = fh.read(size)
    if len(data) != size:
        raise zipfile.BadZipFile("Truncated central directory")
    members = []
    pos = 0
    unpack = _CENTRAL.unpack_from
    while pos < size:
        if pos + 46 > size:
            raise zipfile.BadZipFile("Truncated central directory")
        record = unpack(data, pos)
        if record[0] != b"PK\x01\x02":
            raise zipfile.BadZipFile("Bad magic number for central directory")
        flags, method, crc, csize, usize, name_len, extra_len, comment_len = record[5:7] + record[9:15]
        local = record[18]
        start = pos + 46
        raw = data[start : start + name_len]
        # Flagged UTF-8 or not, Takeout names are UTF-8 bytes; bad bytes are kept as surrogates (_checked reports them).
        name = raw.decode("utf-8", "surrogateescape")
        if "\0" in name:
            name = name[: name.index("\0")]  # as zipfile does
        if csize == 0xFFFFFFFF or usize == 0xFFFFFFFF or local == 0xFFFFFFFF:
            usize, csize, local = _zip64_extra(
                data[start + name_len : start + name_len + extra_len], usize, csize, local
            )
        members.append(ZipMember(name, flags, method, crc, csize, usize, local + concat))
        pos = start + name_len + extra_len + comment_len
    return members


def _zip64_extra(extra: bytes, usize: int, csize: int, local: int) -> tuple[int, int, int]:
    """The real sizes and offset of a zip64 entry (only the fields saturated in the record are present)."""
    while len(extra) >= 4:
        kind, length = struct.unpack_from("<HH", extra)
        if length + 4 > len(extra):
            raise zipfile.BadZipFile(f"Corrupt extra field {kind:04x} (size={length})")
        if kind == 0x0001:
            values = extra[4 : 4 + length]
            try:
                if usize == 0xFFFFFFFF:
                    usize, values = struct.unpack_from("<Q", values)[0], values[8:]
                if csize == 0xFFFFFFFF:
                    csize, values = struct.unpack_from("<Q", values)[0], values[8:]
                if local == 0xFFFFFFFF:
                    local = struct.unpack_from("<Q", values)[0]
            except struct.error:
                raise zipfile.BadZipFile("Corrupt zip64 extra field") from None
        extra = extra[length + 4 :]
    return usize, csize, local


def _walk_zip(
    part: Part,
    visit: Visitor,
    on_error: ErrorSink,
    entries: tuple[int, int] | None = None,
    infos: list[ZipMember] | None = None,
) -> None:
    label = part.label
    try:
        if infos is None:
            infos = zip_directory(part)
        raw_file = open(part.path, "rb", buffering=0)
    except (zipfile.BadZipFile, OSError, ValueError, UnicodeDecodeError) as exc:
        on_error(label, f"cannot read the zip's central directory (truncated or not a zip): {exc}; part skipped")
        return
    with raw_file:
        fd = raw_file.fileno()
        for info in infos[entries[0] : entries[1]] if entries else infos:
            if info.is_dir():
                continue
            name = _checked(part, info.filename, info.file_size, on_error)
            if name is None:
                continue
            if info.compress_size > part.size or (
                info.file_size > 100 * 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size)
            ):
                on_error(
                    f"{label}: {name}", f"declared size {info.file_size:,} bytes does not fit the archive; skipped"
                )
                continue
            try:
                visit(name, info.file_size, cast(BinaryIO, _ZipEntry(fd, info)))  # file-like: read, seek, tell
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, struct.error) as exc:
                on_error(f"{label}: {name}", f"damaged entry: {exc}")


def _walk_tgz(part: Part, visit: Visitor, on_error: ErrorSink, on_note: Callable[[str], None] | None = None) -> None:
    last = "the start"
    try:
        # gzip (not tarfile's own stream) raises EOFError on a cut file instead of ending quietly.
        with gzip.open(part.path, "rb") as raw, tarfile.open(fileobj=raw, mode="r|") as archive:
            for member in archive:
                if not member.isfile():
                    if on_note is not None and not member.isdir():
                        kind = "link" if member.issym() or member.islnk() else "device or special file"
                        on_note(f"{part.label}: {printable(member.name)} is a {kind}, not a file; skipped")
                    continue
                name = _checked(part, member.name, member.size, on_error)
                if name is None:
                    continue
                last = name
                stream = archive.extractfile(member)
                if stream is not None:
                    visit(name, member.size, cast(BinaryIO, stream))
    except (tarfile.TarError, zlib.error, EOFError, OSError) as exc:  # gzip.BadGzipFile is an OSError
        on_error(part.label, f"archive is truncated or damaged after {last}: {exc}; the rest of this part is lost")


def _walk_dir(part: Part, visit: Visitor, on_error: ErrorSink) -> None:
    base = part.path.parent
    for root, dirs, files in os.walk(part.path):
        dirs.sort()
        for filename in sorted(files):
            full = os.path.join(root, filename)
            rel = os.path.relpath(full, base).replace(os.sep, "/")
            try:
                info = os.lstat(full)
                if not stat.S_ISREG(info.st_mode):
                    continue  # symlinks and devices are not Takeout files
                name = _checked(part, rel, info.st_size, on_error)
                if name is None:
                    continue
                with open(full, "rb") as stream:
                    visit(name, info.st_size, stream)
            except OSError as exc:
                on_error(f"{part.label}: {rel}", f"cannot read: {exc}")


class _ZipEntry:
    """One zip entry read straight from the part file (stored or deflated), CRC-checked at its end.

    zipfile's own reader costs more per entry than the EXIF parse; Takeout
    entries are plain stored or deflated files, so a direct reader is enough.
    A small entry comes with its local header in one ``pread`` (most entries
    of a Takeout are small sidecars), a big one is streamed in chunks.
    """

    def __init__(self, fd: int, info: ZipMember, verify: bool = True):
        if info.flag_bits & 1:
            raise NotImplementedError("encrypted entry")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise NotImplementedError(f"compression method {info.compress_type} is not supported")
        size = info.compress_size
        block = os.pread(fd, _HEADER_SLACK + (size if size <= _PREFETCH else 0), info.header_offset)
        if len(block) < 30 or block[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile("bad local file header")
        name_len, extra_len = struct.unpack_from("<HH", block, 26)
        start = 30 + name_len + extra_len
        self._pending = block[start : start + size]  # compressed bytes already read
        self._fd = fd
        self._pos = info.header_offset + start + len(self._pending)  # next unread byte in the file
        self._left = size - len(self._pending)  # compressed bytes still in the file
        self._size = info.file_size
        self._expected_crc = info.CRC
        self._crc = 0
        if not verify:
            self._verify = False  # the size is still checked, the CRC-32 is not computed
        self._produced = 0
        self._z = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        self._done = False
        self._data_at = info.header_offset + start  # the entry's first compressed byte in the part
        self._csize = size

    # Class-level defaults, so the ~3 entries per item of an import do not each store them.
    _verify = True
    _at: int | None = None  # set by seek(): random access for the metadata reader
    _rz: Any = None  # its own inflater (deflated entries), at uncompressed position _rpos
    _rpos = 0
    _rraw = 0

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        """Nothing to release: the part's descriptor belongs to whoever opened it."""

    def seek(self, offset: int, whence: int = 0) -> int:
        """Random access for the metadata reader (a video's moov after mdat): stored entries are read
        in place, deflated ones are inflated again from the start up to the offset (a bounded second read).
        """
        base = {0: 0, 1: self._at or 0, 2: self._size}[whence]
        self._at = max(0, min(base + offset, self._size))
        return self._at

    def tell(self) -> int:
        return self._at if self._at is not None else self._produced

    def _read_at(self, n: int) -> bytes:
        at = self._at or 0
        n = min(n, self._size - at)
        if n <= 0:
            return b""
        if self._z is None:
            data = os.pread(self._fd, n, self._data_at + at)
        else:
            if self._rz is None or at < self._rpos:
                self._rz, self._rpos, self._rraw = zlib.decompressobj(-15), 0, 0
            while self._rpos < at:  # inflate and drop what lies before the offset
                source = self._rz.unconsumed_tail or self._raw_at()
                if not source:
                    break
                self._rpos += len(self._rz.decompress(source, min(1 << 20, at - self._rpos)))
            chunks = []
            got = 0
            while got < n and self._rpos >= at:
                source = self._rz.unconsumed_tail or self._raw_at()
                if not source:
                    break
                out = self._rz.decompress(source, n - got)
                chunks.append(out)
                got += len(out)
            self._rpos += got
            data = b"".join(chunks)
        self._at = at + len(data)
        return data

    def _raw_at(self) -> bytes:
        left = self._csize - self._rraw
        if left <= 0:
            return b""
        data = os.pread(self._fd, min(1 << 16, left), self._data_at + self._rraw)
        self._rraw += len(data)
        return data

    def _raw(self, limit: int) -> bytes:
        """Up to ``limit`` more compressed bytes: the prefetched ones first, then from the file."""
        if self._pending:
            data = self._pending[:limit]
            self._pending = self._pending[len(data) :]
            return data
        if not self._left:
            return b""
        data = os.pread(self._fd, min(limit, self._left), self._pos)
        if not data:
            raise EOFError("zip entry is cut short")
        self._pos += len(data)
        self._left -= len(data)
        return data

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = 1 << 62
        if self._at is not None:
            return self._read_at(n)
        chunks = []
        while n > 0 and not self._done:
            if self._z is None:
                data = self._raw(min(n, 1 << 22))
                exhausted = not self._left and not self._pending
            else:
                source = self._z.unconsumed_tail or self._raw(1 << 16)
                data = self._z.decompress(source, n)
                exhausted = not self._left and not self._pending and not self._z.unconsumed_tail
                if exhausted:
                    data += self._z.flush()
            if data:
                if self._verify:
                    self._crc = zlib.crc32(data, self._crc)
                self._produced += len(data)
                if self._produced > self._size:
                    self._done = True
                    raise zipfile.BadZipFile(f"the entry holds more than the {self._size:,} bytes it declares")
                n -= len(data)
                chunks.append(data)
            if exhausted:
                self._done = True
                if self._produced != self._size or (self._verify and self._crc != self._expected_crc):
                    raise zipfile.BadZipFile("bad CRC-32 or size: the entry's bytes are damaged")
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def open_zip_member(fd: int, member: ZipMember) -> BinaryIO:
    """One zip entry as a seekable binary file (stored: read in place; deflated: inflated again up to an
    offset, a bounded second read), for the metadata reader and previews; ``close`` leaves ``fd`` open."""
    return cast(BinaryIO, _ZipEntry(fd, member, verify=False))


def read_zip_member(fd: int, member: ZipMember, verify: bool = True) -> bytes:
    """One zip entry's bytes, read with ``pread`` from an open part (thread-safe).

    The size is always checked; ``verify=False`` skips the CRC-32 (2% of hashing a photo, whose
    bytes the import already checked, and which a decoder reads anyway).
    """
    return _ZipEntry(fd, member, verify).read()


class TarCursor:
    """A .tgz part read front to back, once, for members asked for in archive order.

    A gzip stream cannot seek: asking for a member behind the cursor starts
    one more pass from the beginning (``passes`` counts them).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.passes = 0
        self._raw: gzip.GzipFile | None = None
        self._tar: tarfile.TarFile | None = None

    def close(self) -> None:
        for handle in (self._tar, self._raw):
            if handle is not None:
                handle.close()
        self._raw = self._tar = None

    def _open(self) -> tarfile.TarFile:
        self.close()
        self._raw = gzip.open(self.path, "rb")
        self._tar = tarfile.open(fileobj=self._raw, mode="r|")
        self.passes += 1
        return self._tar

    def read(self, member: str) -> bytes:
        tar, from_start = (self._tar, False) if self._tar is not None else (self._open(), True)
        while True:
            while (info := tar.next()) is not None:
                tar.members.clear()  # type: ignore[attr-defined]  # keep nothing of the entries walked past
                if info.isfile() and safe_name(_repair_utf8(info.name)[0])[0] == member:
                    stream = tar.extractfile(info)
                    if stream is not None:
                        return stream.read()
            if from_start:
                raise FileNotFoundError(f"{member} is not in {self.path}")
            tar, from_start = self._open(), True  # it was behind the cursor
