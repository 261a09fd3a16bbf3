"""The review album end to end against the loopback fake Google: CLI, Library ids only, plain errors."""

from __future__ import annotations

import asyncio
import json

import pytest

from gphotos_tui.analysis.duplicates import scan
from gphotos_tui.analysis.duplicates.review_album import (
    MISSING_SCOPE,
    ReviewAlbumError,
    create_review_album,
    review_plan,
)
from gphotos_tui.catalog import Catalog
from gphotos_tui.cli import main
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.job import fill_demo
from gphotos_tui.fakegoogle.server import FakeGoogle
from gphotos_tui.google.library import AsyncLibrary, LibraryClient
from gphotos_tui.google.tokens import StaticToken
from gphotos_tui.google.transport import RetryPolicy

from .synced import sync_from_fake

SIZE = 400


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle(SyntheticLibrary(SIZE, seed=3)) as server:
        yield server


@pytest.fixture(scope="module")
def synced(fake, tmp_path_factory):
    """A catalog filled by a Library API sync from the fake (every item has a library: id)."""
    return sync_from_fake(fake, tmp_path_factory.mktemp("synced") / "catalog.sqlite")


@pytest.fixture
def env(fake, monkeypatch):
    for name, value in fake.environ().items():
        monkeypatch.setenv(name, value)
    fake.faults.clear()
    yield fake
    fake.faults.clear()


async def _discard_ids(db) -> tuple[set[str], int]:
    catalog = await Catalog.open(db, readonly=True)
    try:
        plan = await review_plan(catalog.reader, (await scan(catalog)).groups)
    finally:
        await catalog.close()
    return set(plan.media_ids), plan.discards


def test_cli_puts_every_library_discard_into_a_new_album(env, synced, capsys):
    expected, discards = asyncio.run(_discard_ids(synced))
    assert expected and len(expected) == discards  # a synced library: every discard has a Library id
    assert main(["dupes", "--db", str(synced), "--no-hash", "--review-album", "Dupes to check"]) == 0
    out = json.loads(capsys.readouterr().out)
    album_id = out["album"]["id"]
    assert out["album"]["added"] == len(expected) and out["not_addressable"] == 0
    assert env.store.albums[album_id].title == "Dupes to check"
    assert set(env.store.album_items[album_id]) == expected
    assert any(r.path.endswith(":batchAddMediaItems") for r in env.requests)


def test_items_from_other_sources_are_counted_and_explained(env, tmp_path, capsys):
    db = tmp_path / "demo.sqlite"

    async def fill():
        catalog = await Catalog.open(db)
        try:
            await fill_demo(catalog, 300, 42, page_size=100)
        finally:
            await catalog.close()

    asyncio.run(fill())
    albums_before = len(env.store.albums)
    assert main(["dupes", "--db", str(db), "--no-hash", "--review-album"]) == 1
    err = capsys.readouterr().err
    assert "0 of " in err and "31 March 2025" in err and "no album created" in err
    assert len(env.store.albums) == albums_before  # no empty album


def test_missing_album_permission_says_how_to_get_it(env, synced, monkeypatch, capsys):
    read_only = env.oauth.grant_static(
        frozenset({"https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata"})
    )
    monkeypatch.setenv("GPHOTOS_TUI_ACCESS_TOKEN", read_only)
    assert main(["dupes", "--db", str(synced), "--no-hash", "--review-album", "x"]) == 1
    err = capsys.readouterr().err
    assert MISSING_SCOPE in err and "gphotos-tui auth --review-album" in err
    assert read_only not in err


def test_spent_quota_is_reported_plainly(env, synced, capsys):
    env.faults.add("429", times=None, path="/v1/albums", retry_after=3600)  # "come back tomorrow"
    assert main(["dupes", "--db", str(synced), "--no-hash", "--review-album", "x"]) == 1
    err = capsys.readouterr().err
    assert "quota looks spent for today" in err and "could not create the album" in err


def test_network_failure_and_partial_add_are_explained(env, synced):
    fast = RetryPolicy(attempts=3, base_s=0.001, cap_s=0.002)
    library = AsyncLibrary(
        LibraryClient(StaticToken(env.static_token), root=env.url, policy=fast, sleep=lambda s: None)
    )
    ids, _ = asyncio.run(_discard_ids(synced))
    from gphotos_tui.analysis.duplicates.review_album import ReviewPlan

    plan = ReviewPlan(sorted(ids), len(ids))
    env.faults.add("drop", times=None, path="/v1/albums")
    with pytest.raises(ReviewAlbumError, match="Google could not be reached"):
        asyncio.run(create_review_album(library, "x", plan))
    env.faults.clear()
    env.faults.add("drop", times=None, path="/v1/albums/", every=1)  # creating works, adding does not
    with pytest.raises(ReviewAlbumError, match=f"was created, but only 0 of {len(ids)}"):
        asyncio.run(create_review_album(library, "y", plan))
