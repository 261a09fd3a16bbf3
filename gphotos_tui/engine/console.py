"""Progress lines for headless runs: one updating line on a terminal, plain lines otherwise.

Paced (4 Hz on a terminal, every 5 s in a log) so cron mails and SSH links
are not flooded, and every state change is printed.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from gphotos_tui.progress import JobProgress, JobState, format_eta


def describe(p: JobProgress) -> str:
    parts = [f"{p.source_label}: {p.state}", f"{p.items:,} items"]
    if p.total:
        parts[-1] += f" of {p.total:,}"
    parts.append(f"{p.pages:,} pages")
    parts.append(f"{p.rate:,.0f} items/s")
    if p.eta is not None:
        parts.append(f"ETA {format_eta(p.eta)}")
    parts.append(f"{p.requests:,} requests")
    if p.retries:
        parts.append(f"{p.retries} retries")
    if p.errors:
        parts.append(f"{p.errors} errors")
    line = ", ".join(parts)
    return f"{line} — {p.message}" if p.message else line


def progress_bar(done: int, total: int, width: int = 20) -> str:
    """``[#######-------------]  35%``: for a terminal line when the total is known."""
    share = min(1.0, max(0.0, done / total)) if total > 0 else 0.0
    filled = round(share * width)
    return f"[{'#' * filled}{'-' * (width - filled)}] {share:4.0%}"


class ConsoleProgress:
    def __init__(self, stream: TextIO | None = None, *, interval: float | None = None):
        self.stream = stream or sys.stderr  # looked up now: tests and redirections replace sys.stderr
        self.tty = self.stream.isatty()
        self.interval = interval if interval is not None else (0.25 if self.tty else 5.0)
        self._last = 0.0
        self._last_state: JobState | None = None
        self._last_message: str | None = None
        self._open_line = False

    def __call__(self, p: JobProgress) -> None:
        now = time.monotonic()
        changed = p.state != self._last_state or (p.message != self._last_message and not self.tty)
        if not changed and now - self._last < self.interval:
            return
        self._last, self._last_state, self._last_message = now, p.state, p.message
        text = describe(p)
        if self.tty:
            if p.total:
                text = progress_bar(p.items, p.total) + " " + text
            self.stream.write("\r\x1b[2K" + text[:200])
            self._open_line = True
            if p.state not in ("running",):
                self.stream.write("\n")
                self._open_line = False
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self._open_line:
            self.stream.write("\n")
            self.stream.flush()
            self._open_line = False

    def note(self, text: str) -> None:
        self.close()
        self.stream.write(text + "\n")
        self.stream.flush()
