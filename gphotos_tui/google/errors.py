"""Typed errors of the Google clients, with messages a user can act on.

Messages are built from Google's error body and our own words only; they
never carry a request's headers, so no access or refresh token can leak into
a log line or a traceback. ``redact`` is a second safety net for text that
came from elsewhere.
"""

from __future__ import annotations

import re

SCOPES_EXPLAINED = (
    "Google refused the request: the signed-in account did not grant the needed permission "
    '("insufficient authentication scopes"). Since 31 March 2025 the Library API only lists photos and '
    "albums this app uploaded itself, and the old whole-library scopes were removed; your existing photos "
    "are reachable through the Picker (pick them by hand) or a Google Takeout export. If you declined a "
    "permission on the consent screen, run `gphotos-tui auth` again and allow everything it asks for."
)

INVALID_GRANT_EXPLAINED = (
    "Google no longer accepts the saved sign-in (invalid_grant). Apps in Testing status get refresh "
    "tokens that expire after 7 days, and revoking access in your Google account has the same effect; "
    "run `gphotos-tui auth` again to sign in (your catalog and sync state are kept)."
)

_SECRETS = re.compile(r"(ya29\.[\w.-]+|1//[\w.-]+|4/0A[\w.-]+|GOCSPX-[\w-]+|(?i:bearer)\s+[\w.~+/-]+=*)")


def redact(text: str) -> str:
    """Replace anything shaped like an OAuth token, code or client secret."""
    return _SECRETS.sub("[redacted]", text)


class GoogleError(Exception):
    """Base of every error the Google clients raise."""

    def __init__(self, message: str):
        super().__init__(redact(message))


class ApiError(GoogleError):
    def __init__(self, http_status: int, status: str, message: str, method: str = ""):
        self.http_status, self.status, self.method = http_status, status, method
        where = f"{method}: " if method else ""
        super().__init__(f"{where}HTTP {http_status} {status}: {message}")


class InsufficientScopes(ApiError):
    def __init__(self, http_status: int, status: str, message: str, method: str = ""):
        super().__init__(http_status, status, f"{message} {SCOPES_EXPLAINED}", method)


class PageTokenExpired(ApiError):
    """The page token was rejected: restart this listing from its first page."""


class PickerNotReady(ApiError):
    """FAILED_PRECONDITION: the user has not finished picking (keep polling the session)."""


class PickerTimeout(GoogleError):
    """The picking session's ``timeoutIn`` ran out before the user finished."""


class QuotaExhausted(GoogleError):
    """Google keeps answering 429: treat the daily quota as spent, keep the cursor, resume later."""

    def __init__(self, api: str, detail: str = ""):
        self.api = api
        super().__init__(
            f"the {api} quota looks spent for today ({detail or 'repeated 429 responses'}); "
            "the position is kept, try again after midnight Pacific time"
        )


class RetriesExhausted(GoogleError):
    """A transient failure (5xx, dropped connection, malformed JSON) outlasted every retry."""


class PageTokensKeepExpiring(GoogleError):
    """A listing whose page tokens Google rejected again after every restart (bounded: each restart re-lists)."""


class MalformedResponse(GoogleError):
    """Google answered 200 with a body that is not the JSON object the method returns."""


class AuthError(GoogleError):
    """Not signed in, or the credentials were rejected."""


class InvalidGrant(AuthError):
    def __init__(self) -> None:
        super().__init__(INVALID_GRANT_EXPLAINED)
