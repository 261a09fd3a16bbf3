"""Where duplicate hashing and previews get an item's bytes, in order of preference.

Analysis defines the providers that read what the catalog records (local
files, Takeout archive members); the engine adds the demo library's renderer,
so analysis never depends on the demo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from gphotos_tui.analysis.duplicates.hashing import HashJob
from gphotos_tui.analysis.duplicates.providers import ByteProvider, LocalFileProvider
from gphotos_tui.analysis.duplicates.takeout_bytes import TakeoutPartsProvider
from gphotos_tui.catalog.queries import source_refs
from gphotos_tui.demo.pictures import Recipe, demo_picture, parse_demo_ref, parse_recipe


@dataclass(frozen=True, slots=True)
class DemoLoader:
    """Renders a demo item's picture inside a hashing worker (picklable: seed, size, id and recipe)."""

    seed: int
    size: int
    external_id: str
    recipe: Recipe | None = None

    def __call__(self) -> bytes:
        return demo_picture(self.seed, self.size, self.external_id, self.recipe)


class DemoProvider:
    origin = "demo"

    async def jobs(self, conn: aiosqlite.Connection, wanted: Sequence[tuple[int, str, str]]) -> list[HashJob]:
        demo = [w for w in wanted if w[1] == "demo"]
        if not demo:
            return []
        ref_of = await source_refs(conn, "demo", [w[2] for w in demo])
        jobs = []
        for item_id, _kind, external_id in demo:
            ref, detail = ref_of.get(external_id, ("", None))
            parsed = parse_demo_ref(ref)
            if parsed:
                jobs.append(HashJob(item_id, DemoLoader(*parsed, external_id, parse_recipe(detail))))
        return jobs


def default_providers() -> list[ByteProvider]:
    """Local copies first, then the imported Takeout parts still in place (originals too), then the demo renderer.

    Each call gives fresh providers: the Takeout one remembers which parts it found missing (its ``notes``).
    """
    return [LocalFileProvider(), TakeoutPartsProvider(), DemoProvider()]


def provider_notes(providers: Sequence[object]) -> list[str]:
    """What providers found worth telling the user after a hashing (e.g. Takeout parts that moved)."""
    return [note for p in providers for note in getattr(p, "notes", ())]
