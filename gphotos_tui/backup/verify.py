"""``backup DEST --verify``: re-read every file the catalog recorded in DEST.

Each recorded file (originals, downloads and XMP sidecars) is checked for
presence, size and SHA-256; files in DEST the catalog never recorded are
listed as stray (album links and manifests excepted: the backup makes them).
Read-only on DEST. A recorded file without a hash (none was known when it
was recorded) is checked by size and its hash stored for next time.

Exit status for scripts (:meth:`VerifyReport.exit_status`): 0 every recorded
file is there and unchanged (strays are listed but do not fail it), 1 some
are missing or changed, 2 nothing to verify (DEST absent or never backed up
with this catalog).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from gphotos_tui.backup.copier import CHUNK
from gphotos_tui.backup.links import ALBUMS, MANIFEST
from gphotos_tui.catalog import Catalog, xmp_sidecars
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback

JOB = "backup-verify"
_SIDECAR = "xmp sidecar"


@dataclass(slots=True)
class VerifyReport:
    dest: str
    checked: int = 0
    bytes_read: int = 0
    sidecars: int = 0  # of ``checked``
    size_only: int = 0  # had no recorded hash: checked by size, hash now recorded
    missing: list[str] = field(default_factory=list)  # relative paths
    changed: list[str] = field(default_factory=list)  # "path: why"
    stray: list[str] = field(default_factory=list)
    fidelity: dict[str, int] = field(default_factory=dict)  # media files by fidelity
    problem: str | None = None  # why nothing could be verified

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.missing and not self.changed

    def exit_status(self) -> int:
        if self.problem is not None:
            return 2
        return 0 if self.ok else 1

    def one_line(self) -> str:
        if self.problem:
            return f"verify: {self.problem}"
        kinds = ", ".join(f"{n:,} {k}" for k, n in sorted(self.fidelity.items()))
        text = (
            f"verified {self.checked:,} files ({self.checked - self.sidecars:,} media: {kinds or 'none'}; "
            f"{self.sidecars:,} sidecars; {self.bytes_read / 1e6:,.1f} MB read): "
            f"{len(self.missing):,} missing, {len(self.changed):,} changed, {len(self.stray):,} stray"
        )
        if self.size_only:
            text += f"; {self.size_only:,} had no recorded hash (size checked, hash recorded)"
        return text


def _sha256(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _walk(dest: Path) -> list[str]:
    """Every regular file under DEST as an absolute path (album links and manifests left out)."""
    found: list[str] = []
    for root, dirs, files in os.walk(dest):
        dirs.sort()
        in_albums = Path(root).relative_to(dest).parts[:1] == (ALBUMS,)
        for name in sorted(files):
            path = os.path.join(root, name)
            if in_albums and (os.path.islink(path) or name == MANIFEST):
                continue
            found.append(path)
    return found


def _check(path: Path, size: int, sha256: str | None) -> tuple[str, int, str | None]:
    """("ok" | "missing" | "changed: why", bytes read, hash when there was none to compare)."""
    try:
        if path.is_symlink() or not path.is_file():
            return "missing", 0, None
        got_size, got_sha = _sha256(path)
    except FileNotFoundError:
        return "missing", 0, None
    except OSError as exc:
        return f"changed: cannot read it ({exc.strerror or exc})", 0, None
    if got_size != size:
        return f"changed: {got_size:,} bytes, {size:,} recorded", got_size, None
    if sha256 is None:
        return "ok", got_size, got_sha
    if got_sha != sha256:
        return "changed: same size, different SHA-256", got_size, None
    return "ok", got_size, None


async def verify_backup(catalog: Catalog, dest: str | Path, progress: ProgressCallback | None = None) -> VerifyReport:
    dest = Path(os.path.abspath(dest))
    report = VerifyReport(str(dest))
    notify = progress or (lambda _p: None)
    prefix = str(dest) + os.sep
    files = await xmp_sidecars.recorded_files(catalog, prefix)
    sidecars = await xmp_sidecars.known_sidecars(catalog, prefix)
    if not dest.is_dir():
        report.problem = f"{dest} is not a folder"
        return report
    if not files and not sidecars:
        report.problem = f"the catalog has no backup recorded in {dest}"
        return report
    wanted = [(path, size, sha, fidelity or "unknown") for path, size, sha, fidelity in files]
    wanted += [(r.path, r.size, r.sha256, _SIDECAR) for r in sorted(sidecars.values(), key=lambda r: r.path)]
    total_bytes = sum(w[1] for w in wanted)
    state = JobProgress(JOB, f"Verify {dest}", total=len(wanted), message="reading")
    notify(state)
    new_hashes: dict[str, str] = {}
    for n, (path, size, sha, fidelity) in enumerate(wanted, 1):
        outcome, read, first_hash = await asyncio.to_thread(_check, Path(path), size, sha)
        report.checked += 1
        report.bytes_read += read
        if fidelity is _SIDECAR:
            report.sidecars += 1
        else:
            report.fidelity[fidelity] = report.fidelity.get(fidelity, 0) + 1
        relpath = path[len(prefix) :]
        if outcome == "missing":
            report.missing.append(relpath)
        elif outcome != "ok":
            report.changed.append(f"{relpath}: {outcome.removeprefix('changed: ')}")
        elif first_hash is not None:
            new_hashes[path] = first_hash
            report.size_only += 1
        if n % 50 == 0 or n == len(wanted):
            state = state.advanced(
                items=n,
                errors=len(report.missing) + len(report.changed),
                message=f"{report.bytes_read / 1e6:,.0f} of {total_bytes / 1e6:,.0f} MB",
            )
            notify(state)
    await xmp_sidecars.record_hashes(catalog, new_hashes)
    recorded = {w[0] for w in wanted}
    report.stray = [p[len(prefix) :] for p in await asyncio.to_thread(_walk, dest) if p not in recorded]
    final = JobState.DONE if report.ok else JobState.FAILED
    notify(state.advanced(state=final, message=report.one_line()))
    return report
