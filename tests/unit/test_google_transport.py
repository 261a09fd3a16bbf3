"""Root URLs from the environment, Retry-After, the Pacific quota day, scope errors from a fault."""

from datetime import UTC, datetime

import pytest

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.fakegoogle import FakeGoogle
from gphotos_tui.google import errors
from gphotos_tui.google.library import LibraryClient
from gphotos_tui.google.quota import UsageMeter, pacific_day
from gphotos_tui.google.tokens import StaticToken
from gphotos_tui.google.transport import RetryPolicy, discovery_document


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle(SyntheticLibrary(60, seed=9)) as server:
        yield server


def test_roots_default_to_google_and_follow_the_environment(monkeypatch):
    monkeypatch.delenv("GPHOTOS_TUI_LIBRARY_API_ROOT", raising=False)
    assert discovery_document("photoslibrary_v1")["rootUrl"] == "https://photoslibrary.googleapis.com/"
    assert discovery_document("photospicker_v1")["rootUrl"] == "https://photospicker.googleapis.com/"
    monkeypatch.setenv("GPHOTOS_TUI_LIBRARY_API_ROOT", "http://127.0.0.1:9")
    monkeypatch.setenv("GPHOTOS_TUI_PICKER_API_ROOT", "http://127.0.0.1:8/")
    assert discovery_document("photoslibrary_v1")["rootUrl"] == "http://127.0.0.1:9/"
    assert discovery_document("photospicker_v1")["baseUrl"] == "http://127.0.0.1:8/"


def test_shipped_discovery_scopes_are_the_2025_ones():
    doc = discovery_document("photoslibrary_v1")
    scopes = {s for r in doc["resources"].values() for m in r["methods"].values() for s in m["scopes"]}
    assert not any(s.endswith(("/photoslibrary", "/photoslibrary.readonly", "/photoslibrary.sharing")) for s in scopes)


def test_client_uses_env_root_and_token(fake, monkeypatch):
    for key, value in fake.environ().items():
        monkeypatch.setenv(key, value)
    from gphotos_tui.google.tokens import token_source

    client = LibraryClient(token_source(), policy=RetryPolicy(base_s=0.001, cap_s=0.001))
    assert client.list_media_page().items


def test_retry_after_is_waited_for(fake):
    fake.faults.clear()
    fake.faults.add("429", times=2, retry_after=0.25)
    slept = []
    client = LibraryClient(
        StaticToken(fake.static_token), root=fake.url, policy=RetryPolicy(base_s=0.001, cap_s=0.001), sleep=slept.append
    )
    assert client.list_albums_page().items
    assert slept == [0.25, 0.25]


def test_long_retry_after_means_quota_spent(fake):
    fake.faults.clear()
    fake.faults.add("429", times=1, retry_after=3600)
    client = LibraryClient(StaticToken(fake.static_token), root=fake.url, policy=RetryPolicy(), sleep=lambda s: None)
    with pytest.raises(errors.QuotaExhausted):
        client.list_albums_page()


def test_insufficient_scope_fault(fake):
    fake.faults.clear()
    fake.faults.add("insufficient_scope")
    client = LibraryClient(StaticToken(fake.static_token), root=fake.url, sleep=lambda s: None)
    with pytest.raises(errors.InsufficientScopes, match="Takeout"):
        client.list_albums_page()


def test_pacific_day_boundary():
    assert pacific_day(datetime(2026, 3, 8, 7, 59, tzinfo=UTC)) == "2026-03-07"  # 23:59 PST
    assert pacific_day(datetime(2026, 3, 8, 8, 0, tzinfo=UTC)) == "2026-03-08"
    assert pacific_day(datetime(2026, 7, 1, 6, 59, tzinfo=UTC)) == "2026-06-30"  # PDT


async def test_usage_persists_across_meters(catalog):
    first = UsageMeter(catalog)
    for _ in range(5):
        first.record("library")
    first.record("media", 7)
    await first.flush()
    await first.flush()  # nothing pending: no double count
    second = UsageMeter(catalog)
    second.record("library")
    assert await second.used("library") == 6
    assert await second.remaining("media") == 75_000 - 7
    with pytest.raises(ValueError):
        second.record("drive")
