"""The fake server's OAuth 2.0 stand-in: authorize, token (code + PKCE, refresh), revoke.

It checks what Google checks and a careless client gets wrong: the client id,
a loopback redirect URI that is identical at authorize and token time, the
S256 code challenge against the code verifier, single-use codes, and refresh
tokens that can be revoked (as Google does after 7 days for apps in Testing).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlparse

ALL_SCOPES = frozenset(
    {
        "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata",
        "https://www.googleapis.com/auth/photoslibrary.appendonly",
        "https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata",
        "https://www.googleapis.com/auth/photospicker.mediaitems.readonly",
    }
)


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status, self.error, self.description = status, error, description

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "error_description": self.description}


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    scopes: frozenset[str]
    challenge: str


@dataclass
class AccessToken:
    scopes: frozenset[str]
    expires_at: float


@dataclass
class OAuthState:
    client_id: str = "fake-desktop-client.apps.googleusercontent.com"
    client_secret: str = field(default_factory=lambda: "GOCSPX-" + secrets.token_urlsafe(18))
    static_token: str = field(default_factory=lambda: "ya29.static-" + secrets.token_urlsafe(24))
    token_lifetime_s: int = 3600
    codes: dict[str, Grant] = field(default_factory=dict)
    access: dict[str, AccessToken] = field(default_factory=dict)
    refresh: dict[str, frozenset[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.access[self.static_token] = AccessToken(ALL_SCOPES, float("inf"))

    # -- endpoints ---------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> str:
        """What the consent screen does once the user clicks Allow: the redirect target."""
        if query.get("client_id") != self.client_id:
            raise OAuthError(400, "invalid_client", "The OAuth client was not found.")
        redirect = query.get("redirect_uri", "")
        if urlparse(redirect).hostname not in ("127.0.0.1", "localhost", "::1") or urlparse(redirect).scheme != "http":
            raise OAuthError(400, "invalid_request", "redirect_uri must be a loopback address for a Desktop client")
        if (
            query.get("response_type") != "code"
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
        ):
            raise OAuthError(400, "invalid_request", "response_type=code with an S256 code_challenge is required")
        scopes = frozenset(query.get("scope", "").split())
        if not scopes or not scopes <= ALL_SCOPES:
            raise OAuthError(400, "invalid_scope", f"unknown or missing scopes: {sorted(scopes - ALL_SCOPES)}")
        code = "4/0A" + secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = Grant(self.client_id, redirect, scopes, query["code_challenge"])
        params = {"state": query.get("state", ""), "code": code, "scope": " ".join(sorted(scopes))}
        return f"{redirect}{'&' if '?' in redirect else '?'}{urlencode(params)}"

    def token(self, form: dict[str, str]) -> dict[str, Any]:
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            raise OAuthError(401, "invalid_client", "Unauthorized")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            with self.lock:
                grant = self.codes.pop(form.get("code", ""), None)  # codes are single use
            if grant is None:
                raise OAuthError(400, "invalid_grant", "Malformed auth code.")
            if form.get("redirect_uri") != grant.redirect_uri:
                raise OAuthError(400, "redirect_uri_mismatch", "Bad Request")
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if digest != grant.challenge:
                raise OAuthError(400, "invalid_grant", "Invalid code verifier.")
            refresh = "1//0" + secrets.token_urlsafe(32)
            with self.lock:
                self.refresh[refresh] = grant.scopes
            # Google adds refresh_token_expires_in for apps in Testing status (7 days)
            return self._issue(grant.scopes) | {"refresh_token": refresh, "refresh_token_expires_in": 604799}
        if grant_type == "refresh_token":
            with self.lock:
                scopes = self.refresh.get(form.get("refresh_token", ""))
            if scopes is None:
                raise OAuthError(400, "invalid_grant", "Token has been expired or revoked.")
            return self._issue(scopes)
        raise OAuthError(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def revoke(self, token: str) -> None:
        with self.lock:
            found = self.refresh.pop(token, None) is not None or self.access.pop(token, None) is not None
        if not found:
            raise OAuthError(400, "invalid_token", "Token expired or revoked")

    # -- checks and test controls --------------------------------------------------------

    def scopes_of(self, token: str) -> frozenset[str] | None:
        """The scopes of a live access token, or None when it is unknown or expired."""
        with self.lock:
            entry = self.access.get(token)
        if entry is None or entry.expires_at <= time.time():
            return None
        return entry.scopes

    def expire_access_tokens(self) -> None:
        """Every access token issued by the token endpoint stops working (static ones keep working)."""
        with self.lock:
            for entry in self.access.values():
                if entry.expires_at != float("inf"):
                    entry.expires_at = 0.0

    def revoke_refresh_tokens(self) -> None:
        """What happens to a Testing app's refresh tokens after 7 days."""
        with self.lock:
            self.refresh.clear()

    def grant_static(self, scopes: frozenset[str] = ALL_SCOPES) -> str:
        token = "ya29.static-" + secrets.token_urlsafe(24)
        with self.lock:
            self.access[token] = AccessToken(frozenset(scopes), float("inf"))
        return token

    def _issue(self, scopes: frozenset[str]) -> dict[str, Any]:
        token = "ya29.a0" + secrets.token_urlsafe(32)
        with self.lock:
            self.access[token] = AccessToken(scopes, time.time() + self.token_lifetime_s)
        return {
            "access_token": token,
            "expires_in": self.token_lifetime_s,
            "scope": " ".join(sorted(scopes)),
            "token_type": "Bearer",
        }
