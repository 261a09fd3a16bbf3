"""App-level messages and the jobs log entries shown on the Sync screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from gphotos_tui.progress import JobProgress


class JobProgressed(Message):
    """The latest progress of a job; a newer one for the same job replaces it in the queue."""

    def __init__(self, progress: JobProgress) -> None:
        super().__init__()
        self.progress = progress

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobProgressed) and message.progress.job == self.progress.job


@dataclass(frozen=True, slots=True)
class LogEntry:
    """A line of the jobs log in plain words; ``seq`` lets a screen show only what is new."""

    seq: int
    stamp: str
    text: str
    error: bool = False
