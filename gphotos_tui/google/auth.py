"""OAuth 2.0 sign-in for a Desktop client, made to work over SSH.

One ``SignIn`` offers three ways to finish, all with ``state`` and PKCE (S256):

1. a local browser reaches the loopback listener on 127.0.0.1 (free port);
2. a remote browser reaches it through ``ssh -L PORT:127.0.0.1:PORT`` (fixed ``port``);
3. the user pastes the final ``http://127.0.0.1:PORT/?state=..&code=..`` address
   from the browser's address bar (``submit_pasted_url``) while the listener
   keeps waiting in parallel; whichever arrives first wins.

google-auth-oauthlib's ``Flow`` builds the authorization URL (our random
state, a fresh PKCE verifier) and exchanges the code; it sends codes only over
https, so the tests (loopback OAuth stand-in) set OAUTHLIB_INSECURE_TRANSPORT
for themselves and the app never does. Token refresh stays in ``tokens.py``.
The endpoints come from the client secret JSON (``auth_uri``, ``token_uri``),
as Cloud Console writes them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from gphotos_tui.google.errors import AuthError
from gphotos_tui.google.tokens import StoredTokens

SCOPE = "https://www.googleapis.com/auth/"
PICKER_SCOPE = SCOPE + "photospicker.mediaitems.readonly"
LIBRARY_READ_SCOPE = SCOPE + "photoslibrary.readonly.appcreateddata"
#: What sign-in asks for by default: pick photos, and read what this app created.
DEFAULT_SCOPES = (PICKER_SCOPE, LIBRARY_READ_SCOPE)
#: Asked for only when the user wants gphotos-tui to create a review album for duplicates.
REVIEW_ALBUM_SCOPES = (SCOPE + "photoslibrary.appendonly", SCOPE + "photoslibrary.edit.appcreateddata")
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"
SSH_PORT = 53682  # a conventional fixed port for ssh -L (rclone's)


# requests-oauthlib logs the token response ("Obtained token {...}") at DEBUG: tokens are never
# logged, whatever level the user turns on.
for _name in ("requests_oauthlib", "oauthlib"):
    logging.getLogger(_name).setLevel(logging.WARNING)


class SignInError(AuthError):
    pass


@dataclass(frozen=True)
class ClientConfig:
    client_id: str
    client_secret: str
    auth_uri: str
    token_uri: str
    revoke_uri: str = GOOGLE_REVOKE_URI

    def __repr__(self) -> str:
        return f"ClientConfig(client_id={self.client_id!r}, client_secret=[redacted], token_uri={self.token_uri!r})"


def load_client_secret(path: Path) -> ClientConfig:
    """Read the ``client_secret_….json`` downloaded from Cloud Console (a Desktop app client)."""
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise SignInError(
            f"no client secret file at {path}; download it from Google Cloud Console "
            "(Credentials > OAuth client ID > Desktop app) and pass --client-secret"
        ) from None
    except ValueError:
        raise SignInError(
            f"{path} is not JSON; it should be the client_secret_….json file from Cloud Console"
        ) from None
    if "installed" not in data:
        kind = next(iter(data), "unknown") if isinstance(data, dict) else "unknown"
        raise SignInError(f'{path} is a {kind!r} client; create an OAuth client of type "Desktop app" instead')
    c = data["installed"]
    missing = [k for k in ("client_id", "client_secret", "auth_uri", "token_uri") if not c.get(k)]
    if missing:
        raise SignInError(f"{path} lacks {', '.join(missing)}; download the file again from Cloud Console")
    return ClientConfig(
        c["client_id"], c["client_secret"], c["auth_uri"], c["token_uri"], c.get("revoke_uri") or GOOGLE_REVOKE_URI
    )


class SignIn:
    """One sign-in attempt: a loopback listener plus paste-back, then the code exchange."""

    def __init__(
        self, client: ClientConfig, scopes: Iterable[str] = DEFAULT_SCOPES, *, port: int = 0, timeout_s: float = 30.0
    ) -> None:
        self.client = client
        self.scopes = tuple(scopes)
        self.state = secrets.token_urlsafe(24)
        self._timeout_s = timeout_s
        self._done = threading.Event()
        self._code: str | None = None
        self._error: str | None = None
        self._lock = threading.Lock()
        try:
            server = HTTPServer(("127.0.0.1", port), _make_handler(self))
        except OSError as exc:
            raise SignInError(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); choose another --port") from None
        self._server: HTTPServer | None = server
        self.port = server.server_address[1]
        self.redirect_uri = f"http://127.0.0.1:{self.port}/"
        # google-auth-oauthlib builds the request: PKCE (S256, a fresh verifier) and our random state.
        # Imported here: it brings requests and oauthlib (0.5 s or more), which no other command needs.
        from google_auth_oauthlib.flow import Flow

        self._flow = Flow.from_client_config(
            {
                "installed": {
                    "client_id": client.client_id,
                    "client_secret": client.client_secret,
                    "auth_uri": client.auth_uri,
                    "token_uri": client.token_uri,
                }
            },
            scopes=list(self.scopes),
            redirect_uri=self.redirect_uri,
            autogenerate_code_verifier=True,
        )
        self.authorization_url, _ = self._flow.authorization_url(
            state=self.state, access_type="offline", prompt="consent"
        )
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="oauth-loopback", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"SignIn(port={self.port}, scopes={self.scopes!r})"

    # -- the code arrives (listener thread, or paste-back) -------------------------------

    def accept(self, query: dict[str, str]) -> str:
        """Take a redirect's query; returns a message for the browser or the user."""
        if query.get("state") != self.state:
            raise SignInError(
                "that address belongs to a different sign-in attempt (state mismatch); use the link printed by this run"
            )
        with self._lock:
            if self._done.is_set():
                return "already signed in"
            if query.get("error"):
                self._error = query["error"]
            elif query.get("code"):
                self._code = query["code"]
            else:
                raise SignInError("the address has no code; copy the whole address after Google redirected")
            self._done.set()
        return "declined" if self._error else "ok"

    def submit_pasted_url(self, text: str) -> str:
        """Paste-back: the browser's final address (http://127.0.0.1:PORT/?state=…&code=…)."""
        text = text.strip()
        if not text:
            raise SignInError("nothing pasted")
        query = urlsplit(text).query if "://" in text else text.lstrip("?/")
        return self.accept({k: v[0] for k, v in parse_qs(query).items()})

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    # -- exchange ------------------------------------------------------------------------

    def wait(self, timeout_s: float | None = None) -> StoredTokens:
        """Block until the code arrives (either way), then exchange it; closes the listener."""
        try:
            if not self._done.wait(timeout_s):
                raise SignInError("sign-in timed out; run `gphotos-tui auth` again")
            if self._error == "cancelled":
                raise SignInError("sign-in cancelled")
            if self._error:
                raise SignInError(
                    f"Google reported {self._error!r}: access was not granted"
                    + (" (you clicked Cancel or Deny)" if self._error == "access_denied" else "")
                )
            assert self._code is not None  # done with neither an error nor a code cannot happen
            return self._exchange(self._code)
        finally:
            self.close()

    async def wait_async(self, timeout_s: float | None = None) -> StoredTokens:
        return await asyncio.to_thread(self.wait, timeout_s)

    def cancel(self) -> None:
        """Give up (the user closed the dialog): a pending ``wait`` returns at once with SignInError."""
        with self._lock:
            if not self._done.is_set():
                self._error = "cancelled"
                self._done.set()
        self.close()

    def close(self) -> None:
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()

    def _exchange(self, code: str) -> StoredTokens:
        """Code + PKCE verifier for tokens, through google-auth-oauthlib (it insists on https)."""
        import requests
        from oauthlib.oauth2.rfc6749.errors import InsecureTransportError, OAuth2Error

        try:
            self._flow.fetch_token(code=code)
        except InsecureTransportError:
            raise SignInError(
                f"the token endpoint {self.client.token_uri} is not https; refusing to send the code"
            ) from None
        except (OAuth2Error, requests.RequestException) as exc:
            detail = getattr(exc, "error", None) or type(exc).__name__
            raise SignInError(f"the token endpoint refused the code or could not be reached ({detail})") from None
        creds = self._flow.credentials
        token = self._flow.oauth2session.token
        granted = list(getattr(creds, "granted_scopes", None) or token.get("scope") or self.scopes)
        refresh_left = token.get("refresh_token_expires_in")
        expiry = token.get("expires_at") or time.time() + float(token.get("expires_in", 3600))
        return StoredTokens(
            access_token=creds.token,
            refresh_token=creds.refresh_token,
            expiry=float(expiry),
            token_uri=self.client.token_uri,
            client_id=self.client.client_id,
            client_secret=self.client.client_secret,
            scopes=granted,
            revoke_uri=self.client.revoke_uri,
            refresh_expiry=time.time() + float(refresh_left) if refresh_left else None,
        )


def missing_scopes(stored: StoredTokens, wanted: Iterable[str] = DEFAULT_SCOPES) -> list[str]:
    """Scopes the user unticked on Google's consent screen."""
    return [s for s in wanted if s not in stored.scopes]


def revoke(stored: StoredTokens, timeout_s: float = 30.0) -> None:
    import httpx  # here: the app imports this module with its sign-in screen

    token = stored.refresh_token or stored.access_token
    try:
        resp = httpx.post(stored.revoke_uri, data={"token": token}, timeout=timeout_s)
    except httpx.HTTPError as exc:
        raise AuthError(f"could not reach {stored.revoke_uri} to revoke: {type(exc).__name__}") from None
    if resp.status_code not in (200, 400):  # 400: already expired or revoked, which is fine
        raise AuthError(f"revoking failed: HTTP {resp.status_code}")


PAGE = """<!doctype html><meta charset="utf-8"><title>gphotos-tui</title>
<body style="font-family:sans-serif;margin:3em"><h1>{title}</h1><p>{text}</p></body>"""


def _make_handler(sign_in: SignIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # the query holds the code: never log it
            pass

        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            if "state" not in query:
                return self._reply(404, "Nothing here", "This is gphotos-tui's sign-in listener.")
            try:
                outcome = sign_in.accept(query)
            except SignInError as exc:
                return self._reply(400, "Sign-in failed", str(exc))
            if outcome == "declined":
                return self._reply(200, "Access not granted", "Return to the terminal.")
            self._reply(200, "Signed in", "gphotos-tui received the sign-in; you can close this tab.")

        def _reply(self, status: int, title: str, text: str) -> None:
            data = PAGE.format(title=title, text=text).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
