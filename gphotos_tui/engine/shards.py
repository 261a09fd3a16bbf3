"""Date shards for listing the Library API in parallel, split while they run.

Google gives no counts, so the first plan is coarse (recent half-years, then
wider spans) and the pool rebalances itself: a worker with nothing left to do
takes the older half of the running shard with the most work left. Listings
run newest first, so a running shard has covered everything newer than the
oldest item it has seen; the split-off half covers the dates below a day
``m`` and the running shard stops as soon as a page reaches items older than
midnight UTC of ``m`` (any later item has a local date of at most ``m``: no
time zone is more than a day ahead). A split costs about one request (the
overlapping last page), and nothing can fall between the halves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

PAGE = 100  # items per mediaItems.search page


@dataclass(frozen=True)
class Shard:
    name: str
    start: date
    end: date

    def as_state(self) -> list[Any]:
        return [self.name, self.start.isoformat(), self.end.isoformat()]

    @classmethod
    def from_state(cls, state: list[Any]) -> Shard:
        return cls(state[0], date.fromisoformat(state[1]), date.fromisoformat(state[2]))


def full_plan(today: date, first_year: int) -> list[Shard]:
    """Coarse shards for a complete listing, most recent (and usually busiest) first.

    Half-years for the last three years, then one shard for the three years
    before and one for everything older (down to ``first_year`` and below);
    splitting while they run balances whatever the library really holds.
    Future-dated items never match a date filter, so no shard looks past today.
    """
    shards = []
    for year in range(today.year, today.year - 3, -1):
        shards.append(Shard(f"media:{year}-H2", date(year, 7, 1), date(year, 12, 31)))
        shards.append(Shard(f"media:{year}-H1", date(year, 1, 1), date(year, 6, 30)))
    older = today.year - 3
    middle = max(older - 3, first_year)
    if middle < older:
        shards.append(Shard(f"media:{middle + 1}-{older}", date(middle + 1, 1, 1), date(older, 12, 31)))
    shards.append(Shard(f"media:<={middle}", date(1, 1, 1), date(middle, 12, 31)))
    return shards


def incremental_plan(newest: int, today: date, overlap_days: int) -> list[Shard]:
    # Capture dates are the photographer's local dates: a day of margin covers any time zone.
    start = datetime.fromtimestamp(newest, UTC).date() - timedelta(days=overlap_days + 1)
    return [Shard("media:new", start, today + timedelta(days=2))]


def _midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


@dataclass
class Listing:
    """A shard being listed: how far down it has come, and where it may stop."""

    shard: Shard
    low: date  # the shard covers local dates from here up; raised when its older part is split off
    token: str | None = None  # where an interrupted listing resumes
    oldest: int | None = None  # capture time of the oldest item listed so far (UTC seconds)
    items: int = 0

    def listed(self, taken: list[int], items: int) -> None:
        self.items += items
        if taken:
            low = min(taken)
            self.oldest = low if self.oldest is None else min(self.oldest, low)

    @property
    def stop_before(self) -> int:
        """Items older than this (UTC seconds) belong to the split-off shards below ``low``."""
        return _midnight(self.low - timedelta(days=1))

    @property
    def finished(self) -> bool:
        """The listing has reached items that belong to a split-off shard: nothing more is its own."""
        return self.low > self.shard.start and self.oldest is not None and self.oldest < self.stop_before

    def remaining_days(self) -> int:
        if self.oldest is None:
            return 0
        top = datetime.fromtimestamp(self.oldest, UTC).date()
        return (top - self.low).days

    def remaining_items(self, today: date) -> float:
        """Estimated from the density of what has been listed so far."""
        if self.oldest is None or self.items == 0:
            return 0.0
        top = min(self.shard.end, today)
        oldest_day = datetime.fromtimestamp(self.oldest, UTC).date()
        covered = max((top - oldest_day).days + 1, 1)
        return self.items / covered * self.remaining_days()

    def split(self) -> Shard:
        """Hand the older half of what is left to a new shard; this one stops above it."""
        middle = self.low + timedelta(days=self.remaining_days() // 2 - 1)
        child = Shard(f"{self.shard.name}<{middle.isoformat()}", self.low, middle)
        self.low = middle + timedelta(days=1)
        return child


def pick_split(running: list[Listing], today: date, min_pages: float) -> Listing | None:
    """The running shard with the most work left, if splitting it is worth a request."""
    best, best_items = None, min_pages * PAGE
    for listing in running:
        if listing.remaining_days() < 2:
            continue
        left = listing.remaining_items(today)
        if left >= best_items:
            best, best_items = listing, left
    return best
