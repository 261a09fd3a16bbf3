"""The Picker job: the user picks photos in Google's web UI; we page them into the catalog.

The session (id, picker link, expiry) is kept in a checkpoint, so an
interrupted run picks up the same session until Google expires it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from gphotos_tui.catalog import Catalog
from gphotos_tui.google import convert
from gphotos_tui.google.convert import parse_time
from gphotos_tui.google.errors import PickerTimeout
from gphotos_tui.google.picker import AsyncPicker
from gphotos_tui.model import Checkpoint, SourceKind
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback

SESSION = "picker:session"
PICKER_SOURCE_REF = "picker"
PICKER_LABEL = "Picker API (photos you pick)"


class PickerJob:
    name = "picker"

    def __init__(
        self,
        picker: AsyncPicker,
        *,
        max_items: int | None = None,
        on_link: Callable[[str, float | None], None] | None = None,
    ):
        self.picker = picker
        self.max_items = max_items
        self.on_link = on_link  # (picker URI, seconds until the session expires)

    async def run(self, catalog: Catalog, progress: ProgressCallback | None = None) -> JobProgress:
        # One Picker source for all sessions: picked ids are stable across sessions.
        source = await catalog.ensure_source(SourceKind.PICKER, PICKER_SOURCE_REF, PICKER_LABEL)
        report = JobProgress(self.name, PICKER_LABEL, message="creating a picking session")

        def emit(**changes: Any) -> None:
            nonlocal report
            report = report.advanced(**changes)
            if progress:
                progress(report)

        emit()
        saved = await catalog.checkpoint(source, SESSION)
        session = None
        if saved and saved.state.get("id") and (saved.state.get("expires") or 0) > time.time() + 60:
            session = {
                "id": saved.state["id"],
                "pickerUri": saved.state["uri"],
                "mediaItemsSet": saved.state.get("set", False),
            }
        if session is None:
            session = await self.picker.create_session(self.max_items)
            expires = parse_time(session.get("expireTime"))
            await catalog.write_batch(
                source,
                checkpoint=Checkpoint(
                    SESSION, None, state={"id": session["id"], "uri": session["pickerUri"], "expires": expires}
                ),
            )
        run_id = await catalog.start_run(source, self.name)
        expires = (
            parse_time(session.get("expireTime"))
            if session.get("expireTime")
            else (saved.state.get("expires") if saved else None)
        )
        if self.on_link:
            self.on_link(session["pickerUri"], (expires - time.time()) if expires else None)
        emit(
            state=JobState.RUNNING,
            message="waiting for you to pick photos in the browser",
            requests=report.requests + 1,
        )
        try:
            if not session.get("mediaItemsSet"):
                polls = 0

                def on_poll(s: dict[str, Any]) -> None:
                    nonlocal polls
                    polls += 1
                    emit(requests=report.requests + 1, message=f"waiting for your pick (checked {polls} times)")

                session = await self.picker.wait_until_picked(session, on_poll=on_poll)
                await catalog.write_batch(
                    source,
                    checkpoint=Checkpoint(
                        SESSION,
                        None,
                        state={
                            "id": session["id"],
                            "uri": session.get("pickerUri", ""),
                            "expires": expires,
                            "set": True,
                        },
                    ),
                )
            emit(message="picked; reading the items")
            inserted = updated = 0
            async for page in self.picker.pages(session["id"]):
                records = [convert.picked_item(item) for item in page.items]
                result = await catalog.write_batch(source, records)
                inserted += result.inserted
                updated += result.updated
                emit(items=report.items + len(records), pages=report.pages + 1, requests=report.requests + 1)
            await self.picker.delete_session(session["id"])  # Google asks apps to clean up
            await catalog.clear_checkpoints(source)
        except PickerTimeout as exc:
            await catalog.clear_checkpoints(source)
            await catalog.finish_run(run_id, "failed", str(exc))
            emit(state=JobState.FAILED, message=str(exc))
            raise
        except Exception as exc:
            await catalog.finish_run(run_id, "failed", str(exc), items=report.items)
            emit(state=JobState.FAILED, message=str(exc))
            raise
        message = f"{report.items:,} picked items ({inserted:,} new, {updated:,} updated)"
        await catalog.finish_run(
            run_id, "done", message, items=report.items, pages=report.pages, requests=report.requests
        )
        emit(state=JobState.DONE, message=message)
        return report


def expiry_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return datetime.fromtimestamp(time.time() + seconds, UTC).strftime("%H:%M UTC")
