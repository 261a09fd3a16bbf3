"""Access tokens: a static one from the environment, or stored OAuth tokens refreshed on demand.

The token file (``locations().tokens``) is JSON, mode 0600 in a 0700
directory, and holds what a refresh needs (client id and secret, token URI)
so the client secret file is only needed to sign in. Tokens are never
printed or logged: every repr here is redacted.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gphotos_tui.google.errors import AuthError, InvalidGrant
from gphotos_tui.paths import locations, private_dir

if TYPE_CHECKING:  # httpx loads with the first token refresh, not with the app
    import httpx

ACCESS_TOKEN_ENV = "GPHOTOS_TUI_ACCESS_TOKEN"
REFRESH_MARGIN_S = 60  # refresh a little before Google would answer 401
TESTING_REFRESH_DAYS = 7


class TokenSource(Protocol):
    """Where a client gets its bearer token (``StaticToken`` or ``OAuthTokens``)."""

    @property
    def can_refresh(self) -> bool: ...

    def token(self) -> str: ...

    def refresh(self, stale: str | None = None) -> str: ...


class StaticToken:
    """A bearer token given from outside (``GPHOTOS_TUI_ACCESS_TOKEN``): no OAuth, no refresh."""

    can_refresh = False

    def __init__(self, value: str):
        if not value.strip():
            raise AuthError(f"{ACCESS_TOKEN_ENV} is set but empty")
        self._value = value.strip()

    def token(self) -> str:
        return self._value

    def refresh(self, stale: str | None = None) -> str:
        raise AuthError(
            f"Google rejected the token from {ACCESS_TOKEN_ENV} (401); set a fresh one or unset it "
            "and run `gphotos-tui auth`"
        )

    def __repr__(self) -> str:
        return "StaticToken([redacted])"


@dataclass
class StoredTokens:
    access_token: str
    refresh_token: str | None
    expiry: float  # Unix seconds
    token_uri: str
    client_id: str
    client_secret: str
    scopes: list[str]
    issued_at: float = field(default_factory=time.time)  # when the refresh token was granted
    revoke_uri: str = "https://oauth2.googleapis.com/revoke"
    refresh_expiry: float | None = None  # Google sends refresh_token_expires_in for apps in Testing (7 days)

    def __repr__(self) -> str:
        return (
            f"StoredTokens(client_id={self.client_id!r}, scopes={self.scopes!r}, expiry={self.expiry:.0f}, "
            "access_token=[redacted], refresh_token=[redacted])"
        )

    __str__ = __repr__

    @property
    def refresh_age_days(self) -> float:
        return (time.time() - self.issued_at) / 86400

    @property
    def refresh_days_left(self) -> float | None:
        return None if self.refresh_expiry is None else (self.refresh_expiry - time.time()) / 86400

    def save(self, path: Path | None = None) -> Path:
        path = path or locations().tokens
        private_dir(path.parent)
        tmp = path.with_name(path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(asdict(self), out, indent=1)
        os.chmod(tmp, 0o600)  # in case it existed with a wider mode
        os.replace(tmp, path)
        return path

    @classmethod
    def load(cls, path: Path | None = None) -> StoredTokens:
        path = path or locations().tokens
        try:
            data = json.loads(path.read_text())
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except FileNotFoundError:
            raise AuthError(
                "not signed in to Google: run `gphotos-tui auth` (or set GPHOTOS_TUI_ACCESS_TOKEN)"
            ) from None
        except (ValueError, TypeError) as exc:
            raise AuthError(
                f"the token file {path} is damaged ({type(exc).__name__}); run `gphotos-tui auth` again"
            ) from None


class OAuthTokens:
    """Stored OAuth tokens, refreshed automatically and thread-safely, saved after each refresh."""

    can_refresh = True

    def __init__(self, stored: StoredTokens, path: Path | None = None, *, timeout: float = 30.0):
        self.stored = stored
        self.path = path
        self._timeout = timeout
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if self.stored.expiry - REFRESH_MARGIN_S > time.time():
                return self.stored.access_token
        return self.refresh()

    def refresh(self, stale: str | None = None) -> str:
        with self._lock:
            if stale is not None and stale != self.stored.access_token:
                return self.stored.access_token  # another thread refreshed meanwhile
            if not self.stored.refresh_token:
                raise AuthError("the saved sign-in has no refresh token; run `gphotos-tui auth` again")
            import httpx

            try:
                resp = httpx.post(
                    self.stored.token_uri,
                    timeout=self._timeout,
                    data={
                        "grant_type": "refresh_token",
                        "refresh_token": self.stored.refresh_token,
                        "client_id": self.stored.client_id,
                        "client_secret": self.stored.client_secret,
                    },
                )
            except httpx.HTTPError as exc:
                raise AuthError(
                    f"could not reach Google's token endpoint to refresh the sign-in: {type(exc).__name__}"
                ) from None
            body = _json(resp)
            if resp.status_code != 200 or "access_token" not in body:
                if body.get("error") == "invalid_grant":
                    raise InvalidGrant()
                raise AuthError(
                    f"token refresh failed: HTTP {resp.status_code} {body.get('error', '')} "
                    f"{body.get('error_description', '')}".strip()
                )
            self.stored.access_token = body["access_token"]
            self.stored.expiry = time.time() + float(body.get("expires_in", 3600))
            if body.get("refresh_token"):
                self.stored.refresh_token = body["refresh_token"]
            if self.path is not None:
                self.stored.save(self.path)
            return self.stored.access_token

    def __repr__(self) -> str:
        return f"OAuthTokens({self.stored!r})"


def _json(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def token_source(env: Mapping[str, str] | None = None, path: Path | None = None) -> TokenSource:
    """The token to use: ``GPHOTOS_TUI_ACCESS_TOKEN`` when set, else the stored sign-in."""
    if env is None:
        env = os.environ
    if env.get(ACCESS_TOKEN_ENV):
        return StaticToken(env[ACCESS_TOKEN_ENV])
    path = path or locations().tokens
    return OAuthTokens(StoredTokens.load(path), path)
