"""The catalog check the app runs in a worker (issue 11): the writers' quick_check, its stamp, and a stop."""

from __future__ import annotations

import threading

from gphotos_tui.catalog import Catalog
from gphotos_tui.catalog.store import needs_check, quick_check
from gphotos_tui.model import MediaRecord, SourceKind


async def test_quick_check_passes_stops_on_request_and_is_skipped_after_a_checked_clean_close(tmp_path):
    path = tmp_path / "catalog.sqlite"
    assert not needs_check(path)  # nothing to check yet
    catalog = await Catalog.open(path)
    source = await catalog.ensure_source(SourceKind.FOLDER, "/p", "Pictures")
    await catalog.write_batch(source, [MediaRecord(f"/p/{n}.jpg", f"{n}.jpg", "image/jpeg") for n in range(50)])
    await catalog.close()  # opened without a check: vouches for nothing
    assert needs_check(path)
    assert quick_check(path) is True
    stop = threading.Event()
    assert quick_check(path, stop=stop) is True
    stop.set()
    assert quick_check(path, stop=stop) is False  # abandoned (the app quitting), not "damaged"

    catalog = await Catalog.open(path)
    catalog.mark_checked()  # what the app does when its check passed
    await catalog.close()
    assert not needs_check(path)
