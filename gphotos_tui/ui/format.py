"""Small formatters shared by the screens: always UTC, never relative to now."""

from __future__ import annotations

import datetime as dt

from gphotos_tui import units


def utc_datetime(seconds: int | None) -> str:
    """'2021-06-04 17:22' in UTC, or '—' when unknown."""
    if seconds is None:
        return "—"
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M")


def utc_date(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d")


def date_span(first: int | None, last: int | None) -> str:
    """'2019-03-01 → 2019-03-09', one date when both fall on the same day."""
    start, end = utc_date(first), utc_date(last)
    return start if start == end else f"{start} → {end}"


def human_size(size: int | None) -> str:
    """A size for a column of sizes ("7.0 MB"), "—" when unknown."""
    return units.size_bytes(size, fixed=True) or "—"


def rate(items_per_second: float) -> str:
    return f"{items_per_second:,.0f}/s" if items_per_second >= 10 else f"{items_per_second:.1f}/s"


def middle_ellipsis(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters in the middle, keeping both ends ("Takeout takeo…+ 1 more part")."""
    if len(text) <= width:
        return text
    head = (width - 1) // 2 + (width - 1) % 2
    return f"{text[:head]}…{text[len(text) - (width - 1 - head) :]}"
