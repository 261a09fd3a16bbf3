"""A Google Photos album of the discards, to review (and delete by hand) in Google Photos.

Since 31 March 2025 the Library API only touches media items this app
created: it can add an item to an album only by the id it got from the
Library API (a ``library`` source). Photos known from Takeout, the Picker
or local folders cannot be added by any app; they stay in the plan (CSV or
JSON with links). Creating the album needs the photoslibrary.appendonly
scope, which sign-in asks for only with ``gphotos-tui auth --review-album``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import aiosqlite

from gphotos_tui.analysis.duplicates.model import Group
from gphotos_tui.catalog.queries import first_external_ids
from gphotos_tui.google import errors
from gphotos_tui.google.library import BATCH_LIMIT, AsyncLibrary

#: Source kinds whose ids the Library API accepts (the demo's fake server also serves the demo's ids).
LIBRARY_KINDS = ("library",)

NOT_ADDRESSABLE_WHY = (
    "Google's Library API only lets an app add photos that app uploaded itself (a change of 31 March 2025); "
    "photos known from Takeout, the Picker or local folders cannot be put in an album by any app. "
    "They are in the plan (e key) with their links."
)

MISSING_SCOPE = (
    "Google refused to create the album: the sign-in does not include the album permission "
    "(photoslibrary.appendonly). Run `gphotos-tui auth --review-album` and allow it, then try again."
)


def default_title(today: dt.date | None = None) -> str:
    return f"Duplicates to review {(today or dt.date.today()).isoformat()}"


@dataclass(frozen=True, slots=True)
class ReviewPlan:
    media_ids: list[str]  # Library API ids of the discards it can address
    discards: int  # every item to discard

    @property
    def not_addressable(self) -> int:
        return self.discards - len(self.media_ids)

    def describe(self) -> str:
        text = f"{len(self.media_ids):,} of {self.discards:,} discards can go into a Google Photos album"
        if self.not_addressable:
            text += f"; {self.not_addressable:,} cannot: {NOT_ADDRESSABLE_WHY}"
        return text


@dataclass(frozen=True, slots=True)
class ReviewAlbum:
    title: str
    album_id: str
    url: str | None
    added: int
    plan: ReviewPlan

    def describe(self) -> str:
        text = f'album "{self.title}" has {self.added:,} discards to review'
        if self.url:
            text += f": {self.url}"
        if self.plan.not_addressable:
            text += f". {self.plan.not_addressable:,} other discards could not be added: {NOT_ADDRESSABLE_WHY}"
        return text


async def review_plan(
    conn: aiosqlite.Connection, groups: Iterable[Group], kinds: Sequence[str] = LIBRARY_KINDS
) -> ReviewPlan:
    """The discards (the user's decision, else the suggestion) and the Library ids of those that have one."""
    discards = list(dict.fromkeys(m.id for g in groups for m in g.members if g.decision(m.id) == "discard"))
    if not discards:
        return ReviewPlan([], 0)
    media_id = await first_external_ids(conn, discards, kinds)
    return ReviewPlan([media_id[i] for i in discards if i in media_id], len(discards))


async def create_review_album(
    library: AsyncLibrary, title: str, plan: ReviewPlan, progress: Callable[[int, int], None] | None = None
) -> ReviewAlbum:
    """Create the album and add the addressable discards, 50 per call. Raises ReviewAlbumError."""
    if not plan.media_ids:
        raise ReviewAlbumError(f"no album created: {plan.describe()}")
    try:
        album = await library.create_album(title)
    except ValueError as exc:  # a bad title
        raise ReviewAlbumError(str(exc)) from None
    except Exception as exc:
        raise ReviewAlbumError(explain(exc, "create the album")) from exc
    added = 0
    try:
        for start in range(0, len(plan.media_ids), BATCH_LIMIT):
            chunk = plan.media_ids[start : start + BATCH_LIMIT]
            await library.add_to_album(album["id"], chunk)
            added += len(chunk)
            if progress:
                progress(added, len(plan.media_ids))
    except Exception as exc:
        raise ReviewAlbumError(
            f'album "{title}" was created, but only {added:,} of {len(plan.media_ids):,} '
            f"discards were added: {explain(exc, 'add the discards')}"
        ) from exc
    return ReviewAlbum(title, album["id"], album.get("productUrl"), added, plan)


class ReviewAlbumError(Exception):
    """Why the review album could not be made, in words a user can act on."""


def explain(exc: BaseException, doing: str) -> str:
    """A plain message for what went wrong talking to Google."""
    if isinstance(exc, errors.InsufficientScopes) or (isinstance(exc, errors.ApiError) and exc.http_status == 403):
        return MISSING_SCOPE
    if isinstance(exc, errors.QuotaExhausted):
        return f"could not {doing}: {exc}"
    if isinstance(exc, errors.AuthError):
        return f"could not {doing}: {exc} (sign in with `gphotos-tui auth --review-album`)"
    if isinstance(exc, (errors.RetriesExhausted, OSError)):
        return f"could not {doing}: Google could not be reached ({exc}); check the network and try again"
    if isinstance(exc, errors.GoogleError):
        return f"could not {doing}: {exc}"
    return f"could not {doing}: {type(exc).__name__}: {exc}"
