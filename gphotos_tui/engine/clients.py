"""Google clients for the engine, built from the environment (API roots, token)."""

from __future__ import annotations

from gphotos_tui.catalog import Catalog
from gphotos_tui.google.library import AsyncLibrary, LibraryClient
from gphotos_tui.google.picker import AsyncPicker, PickerClient
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.tokens import StaticToken, token_source

Clients = tuple[AsyncLibrary, AsyncPicker, UsageMeter]


def google_clients(catalog: Catalog, *, root: str | None = None, static_token: str | None = None) -> Clients:
    """Library and Picker clients sharing one token source and one request meter.

    By default the API roots and the token come from the environment (or the
    stored sign-in); the demo passes its loopback fake server's instead.
    """
    tokens = StaticToken(static_token) if static_token else token_source()
    usage = UsageMeter(catalog)
    return (
        AsyncLibrary(LibraryClient(tokens, root=root, usage=usage)),
        AsyncPicker(PickerClient(tokens, root=root, usage=usage)),
        usage,
    )
