"""The fake server's data: a synthetic library seen through the Library and Picker APIs.

Every synthetic item and album counts as *app-created* here, so the Library
API lists the whole synthetic library. A real account after 31 March 2025
lists only what this app uploaded itself; the fake is generous on purpose so
paging, search and album code is exercised at scale.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gphotos_tui.demo.generator import SyntheticItem, SyntheticLibrary
from gphotos_tui.fakegoogle import shapes
from gphotos_tui.model import AlbumRecord

LIBRARY_PAGE = (25, 100)  # (default, maximum) for mediaItems.list and search
ALBUM_PAGE = (20, 50)
PICKER_PAGE = (50, 100)


class ApiError(Exception):
    def __init__(self, code: int, status: str, message: str):
        super().__init__(message)
        self.code, self.status, self.message = code, status, message


def page_size(raw: Any, limits: tuple[int, int]) -> int:
    default, maximum = limits
    try:
        size = int(raw) if raw not in (None, "") else 0
    except (TypeError, ValueError):
        raise ApiError(400, "INVALID_ARGUMENT", f"Invalid value for pageSize: {raw!r}") from None
    if size < 0:
        raise ApiError(400, "INVALID_ARGUMENT", "pageSize must not be negative")
    return min(size or default, maximum)  # larger values are coerced, as documented


@dataclass
class Session:
    id: str
    max_items: int
    polls_left: int
    expire_at: float
    picked: list[str] = field(default_factory=list)


class FakeStore:
    def __init__(
        self,
        library: SyntheticLibrary,
        base_url: str,
        *,
        polls_until_picked: int = 3,
        poll_interval_s: float = 0.02,
        picked_count: int | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.lock = threading.Lock()
        self.items: list[SyntheticItem] = sorted(
            library.items(), key=lambda i: -(i.record.taken_at or 0)
        )  # newest first
        self.by_id = {i.record.external_id: i for i in self.items}
        self.albums: dict[str, AlbumRecord] = {}
        self.album_items: dict[str, list[str]] = {}
        for rec in library.albums():
            album_id = shapes.stable_id("AF1QipA", rec.key)
            self.albums[album_id] = rec
            self.album_items[album_id] = []
        key_to_id = {rec.key: aid for aid, rec in self.albums.items()}
        for item in sorted(self.items, key=lambda i: i.record.taken_at or 0):  # albums in capture order
            for key in item.album_keys:
                if key in key_to_id:
                    self.album_items[key_to_id[key]].append(item.record.external_id)
        self.polls_until_picked = polls_until_picked
        self.poll_interval_s = poll_interval_s
        self.picked_count = picked_count
        self.sessions: dict[str, Session] = {}
        self._media_json: dict[str, dict[str, Any]] = {}
        self._filtered: dict[str, tuple[list[Any], int, list[Any]]] = {}
        self.page_token_generation = 0  # bumping it expires every page token handed out

    # -- page tokens -------------------------------------------------------------

    def _token(self, offset: int, query: str) -> str:
        raw = json.dumps({"o": offset, "q": query, "g": self.page_token_generation}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _offset(self, token: str | None, query: str) -> int:
        if not token:
            return 0
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if data["q"] == query and data["g"] == self.page_token_generation:
                return int(data["o"])
        except (ValueError, KeyError, TypeError):
            pass
        raise ApiError(400, "INVALID_ARGUMENT", "Page token is invalid or has expired.")

    def _page(self, ids: list[Any], token: str | None, size: int, query: str) -> tuple[list[Any], str | None]:
        start = self._offset(token, query)
        chunk = ids[start : start + size]
        more = start + size < len(ids)
        return chunk, (self._token(start + size, query) if more else None)

    # -- Library API -------------------------------------------------------------

    def media_json(self, item: SyntheticItem) -> dict[str, Any]:
        # Cached: building the shape is most of a page's cost, and benchmarks measure the client.
        cached = self._media_json.get(item.record.external_id)
        if cached is None:
            cached = self._media_json[item.record.external_id] = shapes.media_item(
                item, f"{self.base_url}/lr/{item.record.external_id}"
            )
        return cached

    def list_media(self, token: str | None, size_raw: Any) -> dict[str, Any]:
        size = page_size(size_raw, LIBRARY_PAGE)
        chunk, nxt = self._page(self.items, token, size, "list")
        return _result("mediaItems", [self.media_json(i) for i in chunk], nxt)

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        size = page_size(body.get("pageSize"), LIBRARY_PAGE)
        album_id, filters, order = body.get("albumId"), body.get("filters"), body.get("orderBy")
        if album_id and filters:
            raise ApiError(400, "INVALID_ARGUMENT", "albumId and filters cannot both be set.")
        date_filter = (filters or {}).get("dateFilter")
        if order and not date_filter:
            raise ApiError(400, "INVALID_ARGUMENT", "orderBy is only supported with a dateFilter.")
        if album_id:
            if album_id not in self.albums:
                raise ApiError(404, "NOT_FOUND", "Requested entity was not found.")
            items = [self.by_id[i] for i in self.album_items[album_id]]
        else:
            items = self.items
            if date_filter:
                # Cached per filter (the store is read-only while serving), so paging a large
                # library costs the fake a dictionary lookup, not a scan of every item per page.
                key = json.dumps(date_filter, sort_keys=True)
                cached = self._filtered.get(key)
                if cached is None or cached[0] is not self.items or cached[1] != len(self.items):
                    match = _date_matcher(date_filter)
                    cached = self._filtered[key] = (
                        self.items,
                        len(self.items),
                        [i for i in items if match(shapes.local_date(i))],
                    )
                items = cached[2]
            if order == "MediaMetadata.creation_time":
                items = items[::-1]
            elif order not in (None, "", "MediaMetadata.creation_time desc"):
                raise ApiError(400, "INVALID_ARGUMENT", f"Invalid orderBy: {order}")
        query = hashlib.sha1(
            json.dumps({k: v for k, v in body.items() if k not in ("pageToken", "pageSize")}, sort_keys=True).encode()
        ).hexdigest()
        chunk, nxt = self._page(items, body.get("pageToken"), size, query)
        return _result("mediaItems", [self.media_json(i) for i in chunk], nxt)

    def get_media(self, media_id: str) -> dict[str, Any]:
        item = self.by_id.get(media_id)
        if item is None:
            raise ApiError(404, "NOT_FOUND", "Requested entity was not found.")
        return self.media_json(item)

    def batch_get(self, ids: list[str]) -> dict[str, Any]:
        if not 1 <= len(ids) <= 50 or len(set(ids)) != len(ids):
            raise ApiError(400, "INVALID_ARGUMENT", "mediaItemIds must hold 1 to 50 unique ids.")
        results = []
        for media_id in ids:
            item = self.by_id.get(media_id)
            results.append(
                {"mediaItem": self.media_json(item)}
                if item
                else {"status": {"code": 5, "message": "Requested entity was not found."}}
            )
        return {"mediaItemResults": results}

    def album_json(self, album_id: str) -> dict[str, Any]:
        members = self.album_items[album_id]
        cover = members[0] if members else None
        return shapes.album(
            self.albums[album_id], album_id, len(members), cover, f"{self.base_url}/lr/{cover}" if cover else None
        )

    def list_albums(self, token: str | None, size_raw: Any) -> dict[str, Any]:
        size = page_size(size_raw, ALBUM_PAGE)
        with self.lock:
            ids = list(self.albums)
        chunk, nxt = self._page(ids, token, size, "albums")
        return _result("albums", [self.album_json(a) for a in chunk], nxt)

    def get_album(self, album_id: str) -> dict[str, Any]:
        if album_id not in self.albums:
            raise ApiError(404, "NOT_FOUND", "Requested entity was not found.")
        return self.album_json(album_id)

    def create_album(self, body: dict[str, Any]) -> dict[str, Any]:
        title = ((body.get("album") or {}).get("title") or "").strip()
        if not title or len(title) > 500:
            raise ApiError(400, "INVALID_ARGUMENT", "album.title must be 1 to 500 characters.")
        album_id = shapes.stable_id("AF1QipN", secrets.token_hex(8))
        with self.lock:
            self.albums[album_id] = AlbumRecord(key=album_id, title=title, created_at=int(time.time()))
            self.album_items[album_id] = []
        return self.album_json(album_id)

    def add_to_album(self, album_id: str, body: dict[str, Any]) -> dict[str, Any]:
        ids = body.get("mediaItemIds") or []
        if album_id not in self.albums:
            raise ApiError(404, "NOT_FOUND", "Requested entity was not found.")
        if not 1 <= len(ids) <= 50:
            raise ApiError(400, "INVALID_ARGUMENT", "mediaItemIds must hold 1 to 50 ids.")
        if any(i not in self.by_id for i in ids):
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid media item id.")  # all or nothing
        with self.lock:
            members = self.album_items[album_id]
            members.extend(i for i in ids if i not in members)
        return {}

    # -- Picker API --------------------------------------------------------------

    def create_session(self, body: dict[str, Any]) -> dict[str, Any]:
        raw = (body.get("pickingConfig") or {}).get("maxItemCount")
        max_items = int(raw) if raw else 2000
        if not 1 <= max_items <= 2000:
            raise ApiError(400, "INVALID_ARGUMENT", "maxItemCount must be between 1 and 2000.")
        session = Session("fake-" + secrets.token_hex(8), max_items, self.polls_until_picked, time.time() + 3600)
        count = min(max_items, self.picked_count if self.picked_count is not None else max_items, len(self.items))
        session.picked = [i.record.external_id for i in self.items[:: max(1, len(self.items) // max(count, 1))][:count]]
        with self.lock:
            self.sessions[session.id] = session
        return self._session_json(session)

    def get_session(self, session_id: str) -> dict[str, Any]:
        session = self._session(session_id)
        with self.lock:
            if session.polls_left > 0:
                session.polls_left -= 1  # the simulated user picks while we poll
        return self._session_json(session)

    def delete_session(self, session_id: str) -> dict[str, Any]:
        self._session(session_id)
        with self.lock:
            del self.sessions[session_id]
        return {}

    def list_picked(self, session_id: str, token: str | None, size_raw: Any) -> dict[str, Any]:
        session = self._session(session_id)
        size = page_size(size_raw, PICKER_PAGE)
        if session.polls_left > 0:
            raise ApiError(400, "FAILED_PRECONDITION", "The user has not finished picking media items yet.")
        chunk, nxt = self._page(session.picked, token, size, "picked:" + session_id)
        return _result("mediaItems", [shapes.picked_item(self.by_id[i], f"{self.base_url}/lr/{i}") for i in chunk], nxt)

    def _session(self, session_id: str) -> Session:
        with self.lock:
            session = self.sessions.get(session_id)
        if session is None:
            raise ApiError(404, "NOT_FOUND", "Requested entity was not found.")
        return session

    def _session_json(self, s: Session) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": s.id,
            "pickerUri": f"{self.base_url}/picker/{s.id}",
            "expireTime": shapes.rfc3339(int(s.expire_at)),
            "pickingConfig": {"maxItemCount": str(s.max_items)},
        }
        if s.polls_left > 0:
            data["pollingConfig"] = {"pollInterval": shapes.duration(self.poll_interval_s), "timeoutIn": "1800s"}
        else:
            data["mediaItemsSet"] = True
        return data


def _result(key: str, values: list[Any], next_token: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {key: values} if values else {}  # empty lists are omitted (protobuf JSON)
    if next_token:
        out["nextPageToken"] = next_token
    return out


def _date_matcher(date_filter: dict[str, Any]) -> Callable[[tuple[int, int, int] | None], bool]:
    dates = date_filter.get("dates") or []
    ranges = date_filter.get("ranges") or []
    if len(dates) > 5 or len(ranges) > 5 or not (dates or ranges):
        raise ApiError(400, "INVALID_ARGUMENT", "dateFilter takes 1 to 5 dates or ranges.")

    def parts(d: dict[str, Any]) -> tuple[int, int, int]:
        y, m, day = int(d.get("year", 0)), int(d.get("month", 0)), int(d.get("day", 0))
        if (y, m, day) == (0, 0, 0) or (m == 0 and day != 0) or (y == 0 and day == 0):
            raise ApiError(400, "INVALID_ARGUMENT", f"Invalid date: {d}")
        return y, m, day

    def hits(pattern: tuple[int, int, int], date: tuple[int, int, int]) -> bool:
        return all(p == 0 or p == v for p, v in zip(pattern, date))

    def bound(pattern: tuple[int, int, int], high: bool) -> tuple[int, int, int]:
        y, m, d = pattern
        return (y, m or (12 if high else 1), d or (31 if high else 1))

    patterns = [parts(d) for d in dates]
    spans = [(bound(parts(r["startDate"]), False), bound(parts(r["endDate"]), True)) for r in ranges]

    def match(date: tuple[int, int, int] | None) -> bool:
        if date is None:
            return False  # items without a capture date never match a date filter
        return any(hits(p, date) for p in patterns) or any(lo <= date <= hi for lo, hi in spans)

    return match
