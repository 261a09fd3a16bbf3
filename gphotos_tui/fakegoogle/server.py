"""A loopback fake of Google's Photos Library, Picker, base-URL and OAuth endpoints.

Real sockets on 127.0.0.1 (port 0 by default), so google-api-python-client,
httplib2 and httpx are exercised end to end. Use it as a context manager::

    with FakeGoogle(SyntheticLibrary(500, seed=1)) as fake:
        fake.url          # root of both APIs, the OAuth endpoints and the bytes
        fake.static_token # a bearer token with every scope that never expires
        fake.faults.add("429", every=3, times=5)
        fake.requests     # what was asked, without any header (tokens stay out)
"""

from __future__ import annotations

import base64
import json
import re
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlsplit

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.fakegoogle import media, shapes
from gphotos_tui.fakegoogle.faults import Faults, Rule
from gphotos_tui.fakegoogle.oauth import OAuthError, OAuthState
from gphotos_tui.fakegoogle.store import ApiError, FakeStore

SCOPE = "https://www.googleapis.com/auth/"
READ = {SCOPE + "photoslibrary.readonly.appcreateddata"}
WRITE = {SCOPE + "photoslibrary.appendonly", SCOPE + "photoslibrary.edit.appcreateddata"}
PICK = {SCOPE + "photospicker.mediaitems.readonly"}

Query = dict[str, list[str]]  # a parsed query string
Body = dict[str, Any] | None  # a parsed JSON request body (POST routes always have one, {} when empty)

# (method, path regex, API for quota counting, scopes of which one is needed, handler name)
ROUTES: tuple[tuple[str, re.Pattern[str], str, set[Any], str], ...] = tuple(
    (m, re.compile(p + r"\Z"), api, scopes, h)
    for m, p, api, scopes, h in (
        ("GET", r"/v1/mediaItems", "library", READ, "media_list"),
        ("POST", r"/v1/mediaItems:search", "library", READ, "media_search"),
        ("GET", r"/v1/mediaItems:batchGet", "library", READ, "media_batch_get"),
        ("GET", r"/v1/mediaItems/(?P<id>[^/:]+)", "library", READ, "media_get"),
        ("GET", r"/v1/albums", "library", READ, "albums_list"),
        ("POST", r"/v1/albums", "library", WRITE, "albums_create"),
        ("GET", r"/v1/albums/(?P<id>[^/:]+)", "library", READ, "albums_get"),
        ("POST", r"/v1/albums/(?P<id>[^/:]+):batchAddMediaItems", "library", WRITE, "albums_add"),
        ("POST", r"/v1/sessions", "picker", PICK, "session_create"),
        ("GET", r"/v1/sessions/(?P<id>[^/]+)", "picker", PICK, "session_get"),
        ("DELETE", r"/v1/sessions/(?P<id>[^/]+)", "picker", PICK, "session_delete"),
        ("GET", r"/lr/(?P<id>[^/=]+)(?P<params>=[^/]*)?", "media", READ | PICK, "bytes"),
    )
)
DAILY_QUOTA = {"library": 10_000, "media": 75_000, "picker": 10**12}


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: dict[str, Any] | None
    status: int
    api: str | None


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a client that went away (killed, or timed out) is normal for a server
        super().handle_error(request, client_address)


class FakeGoogle:
    def __init__(
        self,
        library: SyntheticLibrary | None = None,
        *,
        port: int = 0,
        polls_until_picked: int = 3,
        poll_interval_s: float = 0.02,
        picked_count: int | None = None,
    ):
        self.library = library or SyntheticLibrary(200, seed=7)
        self._http = _QuietServer(("127.0.0.1", port), _Handler)
        self._http.fake = self  # type: ignore[attr-defined]
        self.port = self._http.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.store = FakeStore(
            self.library,
            self.url,
            polls_until_picked=polls_until_picked,
            poll_interval_s=poll_interval_s,
            picked_count=picked_count,
        )
        self.oauth = OAuthState()
        self.faults = Faults()
        self.quota = dict(DAILY_QUOTA)
        self.usage = dict.fromkeys(DAILY_QUOTA, 0)
        self.requests: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> FakeGoogle:
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), name="fake-google", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeGoogle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- conveniences for tests, benchmarks and the demo ---------------------------------

    @property
    def static_token(self) -> str:
        return self.oauth.static_token

    @property
    def auth_uri(self) -> str:
        return self.url + "o/oauth2/auth"

    @property
    def token_uri(self) -> str:
        return self.url + "token"

    @property
    def revoke_uri(self) -> str:
        return self.url + "revoke"

    def client_secret_json(self, path: Path) -> Path:
        """Write a Desktop client secret file (as Cloud Console does) that points at this server."""
        path.write_text(
            json.dumps(
                {
                    "installed": {
                        "client_id": self.oauth.client_id,
                        "project_id": "fake-project",
                        "client_secret": self.oauth.client_secret,
                        "auth_uri": self.auth_uri,
                        "token_uri": self.token_uri,
                        "revoke_uri": self.revoke_uri,
                        "redirect_uris": ["http://localhost"],
                    }
                }
            )
        )
        return path

    def environ(self) -> dict[str, str]:
        """Environment that points gphotos-tui's clients at this server with the static token."""
        return {
            "GPHOTOS_TUI_LIBRARY_API_ROOT": self.url,
            "GPHOTOS_TUI_PICKER_API_ROOT": self.url,
            "GPHOTOS_TUI_ACCESS_TOKEN": self.static_token,
        }

    def reset_quota(self) -> None:
        with self._log_lock:
            self.usage = dict.fromkeys(DAILY_QUOTA, 0)

    def clear_log(self) -> None:
        with self._log_lock:
            self.requests.clear()

    def log(self, entry: LoggedRequest) -> None:
        with self._log_lock:
            self.requests.append(entry)

    def count(self, api: str) -> bool:
        """Count one request against the daily quota; False once it is spent."""
        with self._log_lock:
            if self.usage[api] >= self.quota[api]:
                return False
            self.usage[api] += 1
            return True


class _Handler(BaseHTTPRequestHandler):
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle plus the client's
    # delayed ACK adds ~40 ms to every response on loopback.
    disable_nagle_algorithm = True
    protocol_version = "HTTP/1.1"
    server_version = "FakeGoogle/1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet (and token-free)
        pass

    @property
    def fake(self) -> FakeGoogle:
        fake: FakeGoogle = self.server.fake  # type: ignore[attr-defined]
        return fake

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # -- dispatch ----------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query, keep_blank_values=True)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if method == "POST" and self.headers.get("X-HTTP-Method-Override", "").upper() == "GET":
            # googleapiclient turns GETs with URLs over 2 KB (batchGet of 50 ids) into this, as Google allows
            query = query | parse_qs(raw.decode(), keep_blank_values=True)
            method, raw = "GET", b""
        self._status, self._api, self._logged = 0, None, False
        self._entry: tuple[str, str, Query, Body] = (method, path, query, None)
        body = None
        try:
            if self.fake.faults.latency_s:
                time.sleep(self.fake.faults.latency_s)
            if path in ("/o/oauth2/auth", "/token", "/revoke"):
                return self._oauth(method, path, query, raw)
            body = self._json_body(raw) if method == "POST" else None
            self._entry = (method, path, query, body)
            route, match = self._route(method, path)
            self._api = route[2]
            has_token = bool(query.get("pageToken") or (body or {}).get("pageToken"))
            rule = self.fake.faults.pick(path, has_token)
            if rule is not None and self._fault(rule):
                return
            self._authorize(route[3])
            if not self.fake.count(route[2]):
                raise ApiError(
                    429,
                    "RESOURCE_EXHAUSTED",
                    f"Quota exceeded for quota metric '{route[2]} requests' and limit 'per day'.",
                )
            handler = getattr(self, "_h_" + route[4])
            handler(query, body, **match.groupdict())
        except ApiError as exc:
            self._send_json(exc.code, shapes.error(exc.code, exc.status, exc.message))
        except OAuthError as exc:
            self._send_json(exc.status, exc.body())
        finally:
            self._record()  # when nothing was sent (a dropped connection or a crash)

    def _route(self, method: str, path: str) -> tuple[tuple[str, re.Pattern[str], str, set[Any], str], re.Match[str]]:
        allowed = False
        for route in ROUTES:
            match = route[1].match(path)
            if match:
                if route[0] == method:
                    return route, match
                allowed = True
        if allowed:
            raise ApiError(405, "INVALID_ARGUMENT", f"Method {method} is not allowed on {path}.")
        raise ApiError(404, "NOT_FOUND", f"The requested URL {path} was not found on this server.")

    def _json_body(self, raw: bytes) -> dict[str, Any]:
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "INVALID_ARGUMENT", "Invalid JSON payload received: expected an object.")
        return body

    def _authorize(self, needed: set[Any]) -> None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise ApiError(401, "UNAUTHENTICATED", "Request is missing required authentication credential.")
        scopes = self.fake.oauth.scopes_of(header[len("Bearer ") :])
        if scopes is None:
            raise ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
        if not scopes & needed:
            raise ApiError(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")

    def _fault(self, rule: Rule) -> bool:
        """Apply ``rule``; True when the request has been answered (or dropped)."""
        kind = rule.kind
        if kind == "429":
            self._send_json(
                429,
                shapes.error(429, "RESOURCE_EXHAUSTED", "Too many requests."),
                {"Retry-After": f"{rule.retry_after:g}"},
            )
        elif kind in ("500", "503"):
            status = "INTERNAL" if kind == "500" else "UNAVAILABLE"
            self._send_json(int(kind), shapes.error(int(kind), status, "The service is currently unavailable."))
        elif kind == "drop":
            self._status = -1
            self.close_connection = True
        elif kind == "malformed":
            self._send_raw(200, b'{"mediaItems": [{"id": "trunc', "application/json")
        elif kind == "expired_page_token":
            raise ApiError(400, "INVALID_ARGUMENT", "Page token is invalid or has expired.")
        elif kind == "insufficient_scope":
            raise ApiError(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
        elif kind == "expire_token":
            self.fake.oauth.expire_access_tokens()
            return False  # the request itself now fails authorization
        return True

    # -- OAuth -------------------------------------------------------------------

    def _oauth(self, method: str, path: str, query: dict[str, Any], raw: bytes) -> None:
        flat = {k: v[0] for k, v in query.items()}
        if path == "/o/oauth2/auth" and method == "GET":
            self._status = 302
            self._record()
            location = self.fake.oauth.authorize(flat)
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if method != "POST":
            raise OAuthError(405, "invalid_request", "POST required")
        form = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()} | flat
        basic = self.headers.get("Authorization", "")
        if basic.startswith("Basic "):  # client_secret_basic, as requests-oauthlib sends it; Google takes both
            try:
                user, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                form.setdefault("client_id", unquote_plus(user))
                form.setdefault("client_secret", unquote_plus(secret))
            except ValueError:
                pass
        if path == "/token":
            self._send_json(200, self.fake.oauth.token(form))
        else:
            self.fake.oauth.revoke(form.get("token", ""))
            self._send_json(200, {})

    # -- handlers ------------------------------------------------------------------

    def _h_media_list(self, query: Query, body: Body) -> None:
        if "sessionId" in query:  # the Picker's mediaItems.list shares the path
            self._api = "picker"
            return self._send_json(
                200,
                self.fake.store.list_picked(query["sessionId"][0], _one(query, "pageToken"), _one(query, "pageSize")),
            )
        self._send_json(200, self.fake.store.list_media(_one(query, "pageToken"), _one(query, "pageSize")))

    def _h_media_search(self, query: Query, body: Body) -> None:
        self._send_json(200, self.fake.store.search(body or {}))

    def _h_media_batch_get(self, query: Query, body: Body) -> None:
        self._send_json(200, self.fake.store.batch_get(query.get("mediaItemIds", [])))

    def _h_media_get(self, query: Query, body: Body, id: str) -> None:
        self._send_json(200, self.fake.store.get_media(id))

    def _h_albums_list(self, query: Query, body: Body) -> None:
        self._send_json(200, self.fake.store.list_albums(_one(query, "pageToken"), _one(query, "pageSize")))

    def _h_albums_create(self, query: Query, body: Body) -> None:
        self._send_json(200, self.fake.store.create_album(body or {}))

    def _h_albums_get(self, query: Query, body: Body, id: str) -> None:
        self._send_json(200, self.fake.store.get_album(id))

    def _h_albums_add(self, query: Query, body: Body, id: str) -> None:
        self._send_json(200, self.fake.store.add_to_album(id, body or {}))

    def _h_session_create(self, query: Query, body: Body) -> None:
        self._send_json(200, self.fake.store.create_session(body or {}))

    def _h_session_get(self, query: Query, body: Body, id: str) -> None:
        self._send_json(200, self.fake.store.get_session(id))

    def _h_session_delete(self, query: Query, body: Body, id: str) -> None:
        self._send_json(200, self.fake.store.delete_session(id))

    def _h_bytes(self, query: Query, body: Body, id: str, params: str | None) -> None:
        item = self.fake.store.by_id.get(id)
        if item is None:
            raise ApiError(404, "NOT_FOUND", "Not found.")
        data, content_type = media.render(item, params or "")
        self._send_raw(200, data, content_type)

    # -- output ------------------------------------------------------------------

    def _send_json(self, status: int, payload: dict[str, Any], headers: dict[str, Any] | None = None) -> None:
        self._send_raw(status, json.dumps(payload).encode(), "application/json; charset=UTF-8", headers)

    def _record(self) -> None:
        """Log the request once, before its answer goes out, so a client never sees a reply before its entry."""
        if not self._logged:
            self._logged = True
            self.fake.log(LoggedRequest(*self._entry, self._status, self._api))

    def _send_raw(self, status: int, data: bytes, content_type: str, headers: dict[str, Any] | None = None) -> None:
        self._status = status
        self._record()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _one(query: dict[str, Any], key: str) -> str | None:
    values = query.get(key)
    return values[0] if values else None
