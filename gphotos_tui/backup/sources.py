"""Which Takeout parts a backup copies from when none are named: the imported ones still in place."""

from __future__ import annotations

import asyncio

from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.takeout_parts import all_parts


async def recorded_takeout_parts(catalog: Catalog) -> tuple[list[str], list[str]]:
    """(paths of the imported parts still where they were imported from, a note per part that is not).

    Parts of every import are given together (oldest import first), as one set.
    """
    records = await all_parts(catalog.reader)
    states = await asyncio.to_thread(lambda: [r.state() for r in records])
    paths, notes = [], []
    for record, state in zip(records, states, strict=True):
        if state == "present":
            paths.append(record.path)
        elif state == "changed":
            notes.append(
                f"Takeout part {record.path} is not the file imported (its size changed): skipped; "
                "name the right parts with --from-takeout"
            )
        else:
            notes.append(
                f"Takeout part {record.path} is no longer there: its originals are not copied; "
                "if you moved it, name it with --from-takeout PATH (or import it again from there)"
            )
    return paths, notes
