"""What to do with decided groups: export a plan, or move local discards to a trash folder.

Google offers no delete API, so the plan (CSV or JSON, every discard with its
Google link) is what a person works through. For local copies, discards are
moved, never deleted: only files inside the chosen roots, only into the
chosen trash folder, never over an existing file, each move written to an
undo log before the next one starts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gphotos_tui.analysis.duplicates.model import Group

PLAN_FIELDS = ("group", "kind", "reason", "id", "filename", "google_url", "keeper")


def plan_rows(groups: Iterable[Group]) -> list[dict[str, Any]]:
    """One row per item to discard (the user's decision, else the suggestion)."""
    rows = []
    for g in groups:
        keepers = [m.filename for m in g.members if g.decision(m.id) == "keep"]
        for m in g.members:
            if g.decision(m.id) == "discard":
                rows.append(
                    {
                        "group": g.key,
                        "kind": g.kind,
                        "reason": g.reason,
                        "id": m.public_id,
                        "filename": m.filename,
                        "google_url": m.product_url or "",
                        "keeper": "; ".join(keepers),
                    }
                )
    return rows


def plan_json(groups: Iterable[Group]) -> str:
    return json.dumps({"discard": plan_rows(groups)}, ensure_ascii=False, indent=1)


def plan_csv(groups: Iterable[Group]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, PLAN_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(map(_spreadsheet_safe, plan_rows(groups)))
    return out.getvalue()


def _spreadsheet_safe(row: dict[str, Any]) -> dict[str, Any]:
    """A leading =, +, - or @ would run as a formula in a spreadsheet."""
    return {k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v) for k, v in row.items()}


class JsonList:
    """``{name: [entries]}`` written a part at a time, byte for byte what ``json.dumps(..., ensure_ascii=False,
    indent=1)`` gives for the whole list (the list's entries one level deeper: two spaces before each of
    their lines; a JSON string never holds a raw newline). ``close`` writes the end."""

    def __init__(self, name: str, write: Callable[[str], object]):
        self._write = write
        self._empty = True
        write("{\n " + json.dumps(name, ensure_ascii=False) + ": [")

    def add(self, entries: Iterable[Any]) -> None:
        for entry in entries:
            text = json.dumps(entry, ensure_ascii=False, indent=1).replace("\n", "\n  ")
            self._write(("\n  " if self._empty else ",\n  ") + text)
            self._empty = False

    def close(self) -> None:
        self._write("]\n}" if self._empty else "\n ]\n}")


class PlanWriter:
    """The discard plan of groups given a page at a time: ``plan_json(all) + "\\n"`` (``"json"``) or
    ``plan_csv(all)`` (``"csv"``), byte for byte, never held whole."""

    def __init__(self, fmt: str, write: Callable[[str], object]):
        if fmt not in ("json", "csv"):
            raise ValueError(f"unknown plan format {fmt!r}; expected json or csv")
        self._write = write
        self._json = JsonList("discard", write) if fmt == "json" else None
        if self._json is None:
            out = io.StringIO()
            csv.DictWriter(out, PLAN_FIELDS, lineterminator="\n").writeheader()
            write(out.getvalue())

    def add(self, groups: Iterable[Group]) -> None:
        rows = plan_rows(groups)
        if self._json is not None:
            self._json.add(rows)
            return
        out = io.StringIO()
        csv.DictWriter(out, PLAN_FIELDS, lineterminator="\n").writerows(map(_spreadsheet_safe, rows))
        self._write(out.getvalue())

    def close(self) -> None:
        if self._json is not None:
            self._json.close()
            self._write("\n")


def write_plan(groups: Iterable[Group], folder: Path) -> Path:
    """Write the discard plan as ``folder``/duplicates-plan.json and .csv; returns ``folder``."""
    groups = list(groups)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "duplicates-plan.json").write_text(plan_json(groups), encoding="utf-8")
    (folder / "duplicates-plan.csv").write_text(plan_csv(groups), encoding="utf-8")
    return folder


class TrashError(Exception):
    """A move that is refused, explained."""


@dataclass(frozen=True, slots=True)
class Move:
    item_id: int
    source: Path
    target: Path


def plan_trash(
    groups: Iterable[Group], paths: dict[int, list[str]], roots: Sequence[Path], trash: Path
) -> tuple[list[Move], list[str]]:
    """Moves of local copies of discards into ``trash``, keeping their path below their root; plus skipped reasons."""
    roots = [Path(r).resolve() for r in roots]
    trash = Path(trash).resolve()
    moves, skipped = [], []
    taken: set[Path] = set()
    for g in groups:
        for m in g.members:
            if g.decision(m.id) != "discard":
                continue
            for raw in paths.get(m.id, ()):
                path = Path(raw)
                if path.is_symlink() or not path.is_file():
                    skipped.append(f"{raw!r}: not a regular file")
                    continue
                resolved = path.resolve()
                root = next((r for r in roots if resolved.is_relative_to(r)), None)
                if root is None:
                    skipped.append(f"{raw!r}: outside the chosen folders")
                    continue
                if resolved.is_relative_to(trash):
                    continue  # already in the trash
                target = _free_name(trash / root.name / resolved.relative_to(root), taken)
                taken.add(target)
                moves.append(Move(m.id, resolved, target))
    return moves, skipped


def _free_name(target: Path, taken: set[Path]) -> Path:
    candidate, n = target, 1
    while candidate in taken or candidate.exists():
        candidate = target.with_name(f"{target.stem} ({n}){target.suffix}")
        n += 1
    return candidate


def dry_run(moves: Sequence[Move]) -> list[str]:
    return [f"move {m.source!s:s} -> {m.target!s:s}".encode("unicode_escape").decode("ascii") for m in moves]


def execute(moves: Sequence[Move], trash: Path, undo_log: Path) -> int:
    """Move each file, logging it first; never overwrite, never leave the trash folder."""
    trash = Path(trash).resolve()
    moved = 0
    with open(undo_log, "a", encoding="utf-8") as log:
        for m in moves:
            if not m.target.resolve().is_relative_to(trash):
                raise TrashError(f"refusing to move outside the trash folder: {m.target!r}")
            if m.target.exists():
                raise TrashError(f"refusing to overwrite {m.target!r}")
            m.target.parent.mkdir(parents=True, exist_ok=True)
            log.write(
                json.dumps({"item_id": m.item_id, "from": str(m.source), "to": str(m.target), "at": int(time.time())})
                + "\n"
            )
            log.flush()
            os.fsync(log.fileno())
            _move(m.source, m.target)
            moved += 1
    return moved


def _move(source: Path, target: Path) -> None:
    """A rename on one file system; across file systems, copy (with times) and only then remove."""
    if source.stat().st_dev == target.parent.stat().st_dev:
        os.replace(source, target)
    else:
        shutil.copy2(source, target)
        os.remove(source)


def undo(undo_log: Path) -> tuple[int, list[str]]:
    """Move every logged file back, newest first; a file whose old place is taken again stays put."""
    entries = [json.loads(line) for line in Path(undo_log).read_text(encoding="utf-8").splitlines() if line.strip()]
    restored, problems = 0, []
    for entry in reversed(entries):
        source, target = Path(entry["from"]), Path(entry["to"])
        if not target.exists():
            problems.append(f"{str(target)!r} is no longer in the trash")
            continue
        if source.exists():
            problems.append(f"{str(source)!r} exists again: left {str(target)!r} in the trash")
            continue
        source.parent.mkdir(parents=True, exist_ok=True)
        _move(target, source)
        restored += 1
    done = Path(undo_log).with_name(Path(undo_log).name + ".undone")
    os.replace(undo_log, done)  # an undo log is used once
    return restored, problems
