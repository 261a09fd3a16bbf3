"""The live progress of any job (demo fill, sync, import) from its JobProgress."""

from __future__ import annotations

import time

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import ProgressBar, Static

from gphotos_tui.progress import JobProgress, JobState, format_eta
from gphotos_tui.ui.format import rate


def describe(progress: JobProgress, items_per_second: float | None = None) -> str:
    """Up to three short lines in plain words; fits 76 columns. Counters a job does not use (a Takeout
    import makes no requests, a backup's figures are in its message) are left out rather than shown as 0."""
    running = progress.state is JobState.RUNNING
    total = f" of {progress.total:,}" if progress.total is not None else ""
    head = f"[b]{escape(progress.source_label)}[/b]: {progress.state.value}"
    lines = [head + (f" — {escape(progress.message)}" if progress.message else "")]
    counts = []
    if progress.items or progress.total is not None or running:
        counts.append(f"Items {progress.items:,}{total}")
    if progress.pages:
        counts.append(f"Pages {progress.pages:,}")
    if running:
        if items_per_second:
            left = (progress.total - progress.items) / items_per_second if progress.total is not None else None
            counts.append(f"{rate(items_per_second)}   ETA {format_eta(left)}")
        else:
            counts.append("measuring speed…")
    if counts:
        lines.append("   ".join(counts))
    network = []
    if progress.requests or progress.retries:
        network += [f"Requests {progress.requests:,}", f"Retries {progress.retries:,}"]
    if progress.errors or network:
        network.append(f"Errors {progress.errors:,}")
    if progress.quota_limit:
        network.append(f"Quota today {progress.quota_used or 0:,}/{progress.quota_limit:,}")
    if network:
        lines.append("   ".join(network))
    return "\n".join(lines)


class JobPanel(Vertical):
    """Shows one job's progress; a bar appears when the total is known."""

    DEFAULT_CSS = """
    JobPanel { height: auto; border: round $primary; border-title-color: $text-accent; padding: 0 1; }
    JobPanel > #job-text { height: auto; }
    JobPanel > ProgressBar { display: none; }
    JobPanel.-has-total > ProgressBar { display: block; }
    JobPanel Bar { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Progress"
        self.progress: JobProgress | None = None
        self._run: tuple[str, float] | None = None
        self._first_seen: tuple[float, int] = (0.0, 0)

    def compose(self) -> ComposeResult:
        yield Static("No job running.", id="job-text")
        yield ProgressBar(show_eta=False, id="job-bar")

    def show(self, progress: JobProgress | None, idle: str = "No job running.") -> None:
        self.progress = progress
        text = self.query_one("#job-text", Static)
        bar = self.query_one("#job-bar", ProgressBar)
        if progress is None:
            text.update(idle)
            self.remove_class("-has-total")
            return
        text.update(describe(progress, self._observed_rate(progress)))
        has_total = bool(progress.total)
        self.set_class(has_total, "-has-total")
        if has_total and progress.total is not None:
            bar.update(total=progress.total, progress=min(progress.items, progress.total))

    def _observed_rate(self, progress: JobProgress) -> float | None:
        """Items/s measured since this panel first saw the run.

        A resumed job counts the items of earlier runs in ``progress.items``,
        so its own average would overstate the speed; the panel measures.
        """
        now = time.monotonic()
        run = (progress.job, progress.started)
        if run != self._run:
            self._run, self._first_seen = run, (now, progress.items)
            return None
        since, items = self._first_seen
        if now - since < 0.2 or progress.items <= items:
            return None
        return (progress.items - items) / (now - since)
