"""Library and Picker clients against the fake server, under every injected fault."""

import itertools
import re
from datetime import date

import pytest

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.fakegoogle import FakeGoogle
from gphotos_tui.google import errors
from gphotos_tui.google.library import NEWEST_FIRST, OLDEST_FIRST, AsyncLibrary, DateRange, LibraryClient
from gphotos_tui.google.picker import AsyncPicker, PickerClient
from gphotos_tui.google.tokens import OAuthTokens, StaticToken, StoredTokens
from gphotos_tui.google.transport import RetryPolicy

FAST = RetryPolicy(attempts=8, base_s=0.001, cap_s=0.005)
SIZE = 260

# Every fault except expiring tokens (needs OAuth tokens, tested below) and missing scopes (not retryable).
FAULTS = [
    ("429", {"every": 2, "times": 4}),
    ("500", {"every": 3, "times": 3}),
    ("503", {"every": 2, "times": 3}),
    ("drop", {"every": 2, "times": 3}),
    ("malformed", {"every": 2, "times": 3}),
    ("expired_page_token", {"every": 2, "times": 2}),
]


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle(SyntheticLibrary(SIZE, seed=11), polls_until_picked=3, poll_interval_s=0.001) as server:
        yield server


@pytest.fixture
def library(fake):
    fake.faults.clear()
    fake.clear_log()
    fake.reset_quota()
    return LibraryClient(StaticToken(fake.static_token), root=fake.url, policy=FAST, sleep=lambda s: None)


@pytest.fixture
def picker(fake):
    fake.faults.clear()
    return PickerClient(StaticToken(fake.static_token), root=fake.url, policy=FAST, sleep=lambda s: None)


def all_ids(pages):
    return [item["id"] for page in pages for item in page.items]


def expected_ids(fake):
    return [i.record.external_id for i in fake.store.items]


@pytest.mark.parametrize("kind,rule", FAULTS, ids=[f[0] for f in FAULTS])
def test_library_listing_complete_under_fault(library, fake, kind, rule):
    fake.faults.add(kind, **rule)
    ids = all_ids(library.iter_media())
    assert ids == expected_ids(fake)  # nothing lost, nothing doubled, order kept
    assert fake.faults.fired.get(kind, 0) >= 1


@pytest.mark.parametrize("kind,rule", FAULTS, ids=[f[0] for f in FAULTS])
def test_picker_listing_complete_under_fault(picker, fake, kind, rule):
    session = picker.wait_until_picked(picker.create_session(max_items=250))
    fake.faults.add(kind, path="/v1/mediaItems", **rule)
    ids = all_ids(picker.iter_picked(session["id"]))
    assert len(ids) == len(set(ids)) == 250
    assert set(ids) == set(fake.store.sessions[session["id"]].picked)
    picker.delete_session(session["id"])


def test_faults_together_with_latency(library, fake):
    fake.faults.latency_s = 0.001
    for kind, rule in FAULTS:
        fake.faults.add(kind, **rule)
    assert all_ids(library.iter_media()) == expected_ids(fake)
    assert library.caller.retries >= 5


def test_request_log_shows_only_documented_calls(library, picker, fake):
    all_ids(library.iter_media())
    all_ids(library.iter_media(ranges=[DateRange(date(2019, 1, 1), date(2020, 6, 30))], order_by=OLDEST_FIRST))
    albums = [a for page in library.iter_albums() for a in page.items]
    all_ids(library.iter_media(album_id=albums[0]["id"]))
    library.get_album(albums[0]["id"])
    ids = expected_ids(fake)
    library.batch_get(ids[:50])
    library.get_media(ids[0])
    review = library.create_album("Duplicates to review")
    assert library.add_to_album(review["id"], ids[:120]) == 3
    session = picker.wait_until_picked(picker.create_session(max_items=120))
    all_ids(picker.iter_picked(session["id"]))
    picker.delete_session(session["id"])
    documented = [
        ("GET", r"/v1/mediaItems"),
        ("POST", r"/v1/mediaItems:search"),
        ("GET", r"/v1/mediaItems:batchGet"),
        ("GET", r"/v1/mediaItems/[^/:]+"),
        ("GET", r"/v1/albums"),
        ("GET", r"/v1/albums/[^/:]+"),
        ("POST", r"/v1/albums"),
        ("POST", r"/v1/albums/[^/:]+:batchAddMediaItems"),
        ("POST", r"/v1/sessions"),
        ("GET", r"/v1/sessions/[^/]+"),
        ("DELETE", r"/v1/sessions/[^/]+"),
    ]
    for r in fake.requests:
        assert any(r.method == m and re.fullmatch(p, r.path) for m, p in documented), (r.method, r.path)
        assert r.status == 200
        size = int((r.query.get("pageSize") or [(r.body or {}).get("pageSize", 0)])[0])
        limit = 50 if r.path == "/v1/albums" else 100
        assert size <= limit
        if (r.path == "/v1/mediaItems" and "sessionId" not in r.query) or r.path == "/v1/mediaItems:search":
            assert size == 100
        if r.path == "/v1/albums" and r.method == "GET":
            assert size == 50
        if r.path.endswith(":batchAddMediaItems"):
            assert 1 <= len(r.body["mediaItemIds"]) <= 50
        if r.path.endswith(":batchGet"):
            assert 1 <= len(r.query["mediaItemIds"]) <= 50
    searches = [r.body for r in fake.requests if r.path == "/v1/mediaItems:search"]
    assert any("albumId" in b and "filters" not in b for b in searches)
    assert any(b.get("orderBy") == OLDEST_FIRST and b["filters"]["dateFilter"]["ranges"] for b in searches)


def test_date_range_search_matches_local_dates(library, fake):
    from gphotos_tui.fakegoogle.shapes import local_date

    rng = DateRange(date(2021, 3, 1), date(2021, 8, 31))
    got = all_ids(library.iter_media(ranges=[rng], order_by=NEWEST_FIRST))
    want = [i.record.external_id for i in fake.store.items if (2021, 3, 1) <= local_date(i) <= (2021, 8, 31)]
    assert got == want and got


def test_expired_page_token_is_typed_when_not_restarting(library, fake):
    from gphotos_tui.google.library import iter_pages

    fake.faults.add("expired_page_token")
    pages = iter_pages(library.list_media_page, restart_on_expired=False)
    next(pages)
    with pytest.raises(errors.PageTokenExpired):
        next(pages)


def test_quota_exhaustion_is_typed_and_resumable(library, fake):
    fake.quota["library"] = 2
    try:
        first = library.list_media_page()
        second = library.list_media_page(first.next_page_token)
        with pytest.raises(errors.QuotaExhausted) as caught:
            library.list_media_page(second.next_page_token)
        assert "midnight Pacific" in str(caught.value)
        fake.reset_quota()  # the next day: resume from the kept cursor
        third = library.list_media_page(second.next_page_token)
        assert third.items[0]["id"] == expected_ids(fake)[200]
    finally:
        fake.quota["library"] = 10_000


def test_insufficient_scopes_explained(fake):
    token = fake.oauth.grant_static(frozenset({"https://www.googleapis.com/auth/photospicker.mediaitems.readonly"}))
    client = LibraryClient(StaticToken(token), root=fake.url, policy=FAST, sleep=lambda s: None)
    with pytest.raises(errors.InsufficientScopes) as caught:
        client.list_media_page()
    message = str(caught.value)
    assert "31 March 2025" in message and "Picker" in message and "gphotos-tui auth" in message


def test_static_token_rejected_is_plain_auth_error(fake):
    client = LibraryClient(StaticToken("ya29.not-a-real-one"), root=fake.url, policy=FAST, sleep=lambda s: None)
    with pytest.raises(errors.AuthError) as caught:
        client.list_media_page()
    assert "GPHOTOS_TUI_ACCESS_TOKEN" in str(caught.value) and "ya29" not in str(caught.value)


def oauth_tokens(fake, tmp_path):
    """Tokens obtained through the stand-in's real code flow (no shortcut)."""
    import httpx

    from gphotos_tui.google.auth import SignIn, load_client_secret

    client = load_client_secret(fake.client_secret_json(tmp_path / "client.json"))
    attempt = SignIn(client)
    httpx.get(attempt.authorization_url, follow_redirects=True)
    stored = attempt.wait(5)
    return OAuthTokens(stored, tmp_path / "token.json")


def test_expiring_access_token_is_refreshed_once(fake, tmp_path):
    fake.faults.clear()
    tokens = oauth_tokens(fake, tmp_path)
    client = LibraryClient(tokens, root=fake.url, policy=FAST, sleep=lambda s: None)
    before = tokens.stored.access_token
    fake.faults.add("expire_token", every=2, times=2)
    assert all_ids(client.iter_media()) == expected_ids(fake)
    assert tokens.stored.access_token != before
    assert StoredTokens.load(tmp_path / "token.json").access_token == tokens.stored.access_token


def test_revoked_refresh_token_explains_seven_days(fake, tmp_path):
    fake.faults.clear()
    tokens = oauth_tokens(fake, tmp_path)
    client = LibraryClient(tokens, root=fake.url, policy=FAST, sleep=lambda s: None)
    fake.oauth.revoke_refresh_tokens()
    fake.oauth.expire_access_tokens()
    with pytest.raises(errors.InvalidGrant) as caught:
        client.list_media_page()
    assert "7 days" in str(caught.value) and "gphotos-tui auth" in str(caught.value)


def test_transient_failure_outlasting_retries_is_an_error_not_a_crash(library, fake):
    fake.faults.add("malformed", times=None)
    with pytest.raises(errors.MalformedResponse):
        library.list_media_page()
    fake.faults.clear()
    fake.faults.add("503", times=None)
    with pytest.raises(errors.RetriesExhausted):
        library.list_media_page()


def test_retry_after_is_honoured():
    policy = RetryPolicy(base_s=0.001, cap_s=0.002)
    assert policy.delay(0, retry_after=3.0) == 3.0
    assert 0 <= policy.delay(5) <= 0.002


def test_batch_limits_checked_before_calling(library):
    with pytest.raises(ValueError):
        library.batch_get([f"id{i}" for i in range(51)])
    with pytest.raises(ValueError):
        library.batch_get(["a", "a"])
    with pytest.raises(ValueError):
        library.search_page(album_id="x", ranges=[DateRange(date(2020, 1, 1), date(2020, 1, 2))])


def test_picker_timeout(picker, fake):
    session = picker.create_session(max_items=5)
    session["pollingConfig"]["timeoutIn"] = "0s"
    with pytest.raises(errors.PickerTimeout):
        picker.wait_until_picked(session)
    with pytest.raises(errors.PickerNotReady):
        picker.list_picked_page(session["id"])


async def test_async_wrappers_and_usage_in_catalog(fake, catalog):
    from gphotos_tui.google.quota import UsageMeter, pacific_day

    fake.faults.clear()
    fake.reset_quota()
    usage = UsageMeter(catalog)
    lib = AsyncLibrary(LibraryClient(StaticToken(fake.static_token), root=fake.url, usage=usage, policy=FAST))
    ids = [i["id"] async for page in lib.pages() for i in page.items]
    assert ids == expected_ids(fake)
    pick = AsyncPicker(PickerClient(StaticToken(fake.static_token), root=fake.url, usage=usage, policy=FAST))
    session = await pick.wait_until_picked(await pick.create_session(10))
    picked = [i["id"] async for page in pick.pages(session["id"]) for i in page.items]
    await pick.delete_session(session["id"])
    assert len(picked) == 10
    rows = await (await catalog.reader.execute("SELECT day, api, requests FROM api_usage ORDER BY api")).fetchall()
    day = pacific_day()
    assert rows == [(day, "library", 3), (day, "picker", 1 + 3 + 1 + 1)]
    assert await usage.remaining("library") == 10_000 - 3
    assert await usage.should_pause("library", reserve=9_998)
    assert not await usage.should_pause("library", reserve=100)
    assert await usage.remaining("picker") is None


def test_parallel_date_shards_from_threads(library, fake):
    """Several threads share one client (each gets its own HTTP object) and cover every dated item once."""
    from concurrent.futures import ThreadPoolExecutor

    from gphotos_tui.google.library import split_dates

    shards = split_dates(date(2015, 12, 30), date(2026, 1, 2), 7)
    assert shards[0].start == date(2015, 12, 30) and shards[-1].end == date(2026, 1, 2)
    assert all((b.start - a.end).days == 1 for a, b in itertools.pairwise(shards))  # no gap, no overlap
    fake.faults.add("503", every=4, times=6)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda r: all_ids(library.iter_media(ranges=[r], order_by=OLDEST_FIRST)), shards))
    ids = [i for shard in results for i in shard]
    assert len(ids) == len(set(ids)) and set(ids) == set(expected_ids(fake))
    with pytest.raises(ValueError):
        split_dates(date(2020, 1, 2), date(2020, 1, 1), 2)
