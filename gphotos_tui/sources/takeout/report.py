"""What an import found: counts, rules, unmatched files with their nearest candidates, errors."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from gphotos_tui.model import AlbumRecord
from gphotos_tui.sources.takeout.catalogue import Catalogue, JsonEntry
from gphotos_tui.sources.takeout.items import Built
from gphotos_tui.sources.takeout.matching import Match, nearest


@dataclass(slots=True)
class ImportReport:
    parts: list[str]
    fingerprint: str
    problems: list[str] = field(default_factory=list)  # set-level: missing parts, unreadable paths
    entries: int = 0
    media_files: int = 0
    sidecars: int = 0
    items: int = 0
    albums: int = 0
    memberships: int = 0
    matched_files: int = 0
    companions: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    time_sources: dict[str, int] = field(default_factory=dict)
    unmatched_media: list[dict[str, Any]] = field(default_factory=list)
    orphan_sidecars: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    already_imported: bool = False

    @property
    def matched_pct(self) -> float:
        return round(100.0 * self.matched_files / self.media_files, 1) if self.media_files else 100.0

    def summary(self) -> dict[str, Any]:
        """The small part, kept in the catalog's checkpoint so a repeat import can say it again."""
        keys = (
            "entries",
            "media_files",
            "sidecars",
            "items",
            "albums",
            "memberships",
            "matched_files",
            "companions",
            "by_rule",
            "time_sources",
            "inserted",
            "updated",
            "unchanged",
        )
        out = {k: getattr(self, k) for k in keys}
        out.update(
            matched_pct=self.matched_pct,
            unmatched=len(self.unmatched_media),
            orphans=len(self.orphan_sidecars),
            error_count=len(self.errors),
        )
        return out

    @classmethod
    def from_summary(cls, summary: dict[str, Any], parts: list[str], fp: str, problems: list[str]) -> ImportReport:
        report = cls(parts, fp, problems, already_imported=True)
        for key, value in summary.items():
            if key in (
                "entries",
                "media_files",
                "sidecars",
                "items",
                "albums",
                "memberships",
                "matched_files",
                "companions",
                "by_rule",
                "time_sources",
            ):
                setattr(report, key, value)
        return report

    def one_line(self) -> str:
        return (
            f"{self.items:,} items, {self.albums:,} albums, {self.matched_pct}% of files matched, "
            f"{len(self.errors):,} errors"
        )

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["matched_pct"] = self.matched_pct
        return data

    def write(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")


def diagnostics(
    cat: Catalogue,
    matches: list[Match],
    orphans: list[JsonEntry],
    built: dict[str, Built],
    albums: dict[str, AlbumRecord],
    parts: list[str],
    fp: str,
    problems: Sequence[str],
) -> ImportReport:
    report = ImportReport(parts, fp, list(problems))
    report.entries = cat.entries
    report.bytes_read = cat.bytes_read
    report.media_files = len(matches)
    report.sidecars = sum(len(f.sidecars) for f in cat.folders.values())
    report.items = len(built)
    report.albums = len(albums)
    report.memberships = sum(len(b.albums) for b in built.values())
    report.matched_files = sum(1 for m in matches if m.sidecar is not None)
    report.companions = sum(1 for m in matches if m.role == "companion")
    report.by_rule = dict(Counter(m.rule for m in matches).most_common())
    report.time_sources = dict(Counter(b.time_source for b in built.values()).most_common())
    report.errors = list(cat.errors)
    items_by_path = {p: b for b in built.values() for p in b.paths}
    for m in matches:
        if m.sidecar is not None:
            continue
        folder = cat.folders[m.media.folder]
        item = items_by_path.get(f"{m.media.folder}/{m.media.name}")
        report.unmatched_media.append(
            {
                "path": f"{m.media.part}: {m.media.path}",
                "time_source": item.time_source if item else None,
                "nearest_sidecars": nearest(m.media.name, [j.name for j in folder.sidecars]),
            }
        )
    for j in orphans:
        folder = cat.folders[j.folder]
        report.orphan_sidecars.append(
            {
                "path": f"{j.part}: {j.path}",
                "title": j.sidecar.title,
                "nearest_media": nearest(j.name[:-5], [m.name for m in folder.media]),
            }
        )
    return report
