"""Perceptual hashes from base-URL thumbnails, end to end against the loopback fake Google."""

from __future__ import annotations

import ipaddress
import json
import shutil
import socket
import sqlite3

import pytest

from gphotos_tui.analysis.duplicates.hashing import HashJob, run_job
from gphotos_tui.analysis.duplicates.providers import BytesLoader
from gphotos_tui.analysis.duplicates.scan import hash_missing
from gphotos_tui.analysis.duplicates.thumbnails import QUOTA_STOP, ThumbnailProvider
from gphotos_tui.catalog import Catalog
from gphotos_tui.cli import main
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.engine.byte_sources import default_providers
from gphotos_tui.engine.clients import google_clients
from gphotos_tui.fakegoogle import media
from gphotos_tui.fakegoogle.server import DAILY_QUOTA, FakeGoogle
from gphotos_tui.google.quota import pacific_day
from gphotos_tui.google.transport import RetryPolicy
from gphotos_tui.model import MediaRecord

from .synced import sync_from_fake

FAST = RetryPolicy(attempts=4, base_s=0.001, cap_s=0.01)
SIZE = 60
PICKER_ONLY = "picked-only-1"


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle(SyntheticLibrary(SIZE, seed=5)) as server:
        yield server


@pytest.fixture(scope="module")
def synced(fake, tmp_path_factory):
    """A catalog filled by a Library API sync from the fake, plus one photo only the Picker gave."""

    async def picked_only(catalog):
        picker = await catalog.ensure_source("picker", "session-1", "Picked")
        await catalog.write_batch(
            picker, [MediaRecord(PICKER_ONLY, "picked.jpg", "image/jpeg", taken_at=1_000_000_000)]
        )

    return sync_from_fake(fake, tmp_path_factory.mktemp("synced") / "catalog.sqlite", picked_only)


@pytest.fixture
def db(synced, tmp_path):
    """A private copy of the synced catalog: every test starts with no hashes."""
    copy = tmp_path / "catalog.sqlite"
    shutil.copy(synced, copy)
    return copy


@pytest.fixture(autouse=True)
def clean_fake(fake):
    fake.faults.clear()
    fake.quota = dict(DAILY_QUOTA)
    fake.reset_quota()
    fake.clear_log()
    yield


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Any connection beyond 127.0.0.1 fails the test."""
    real_connect = socket.socket.connect

    def connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not ipaddress.ip_address(address[0]).is_loopback:
            raise AssertionError(f"network access beyond loopback: {address}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def library_photos(db) -> dict[int, str]:
    """item id -> Library media id of every photo the sync stored."""
    with sqlite3.connect(db) as conn:
        return dict(
            conn.execute(
                "SELECT s.item_id, s.external_id FROM item_sources s JOIN items i ON i.id = s.item_id "
                "WHERE s.kind = 'library' AND i.media_type = 'photo'"
            ).fetchall()
        )


def stored(db) -> dict[int, tuple[int, str]]:
    with sqlite3.connect(db) as conn:
        return {i: (h, o) for i, h, o in conn.execute("SELECT item_id, hash, origin FROM perceptual_hashes")}


async def hash_with_thumbnails(db, fake, **options):
    catalog = await Catalog.open(db)
    try:
        library, _picker, usage = google_clients(catalog, root=fake.url, static_token=fake.static_token)
        async with ThumbnailProvider(library, library.client.caller.tokens, usage, policy=FAST, **options) as thumbs:
            hashed, errors = await hash_missing(catalog, [*default_providers(), thumbs], workers=1)
        return hashed, errors, thumbs
    finally:
        await catalog.close()


def thumbnail_fetches(fake, status: int | None = 200) -> list:
    return [r for r in fake.requests if r.path.startswith("/lr/") and (status is None or r.status == status)]


async def test_thumbnails_are_hashed_and_stored_with_their_origin(db, fake):
    photos = library_photos(db)
    hashed, errors, thumbs = await hash_with_thumbnails(db, fake)
    assert hashed == len(photos) > 30 and not errors and not thumbs.report.errors
    hashes = stored(db)
    assert set(hashes) == set(photos)  # the Picker-only photo is skipped, not guessed
    assert {origin for _hash, origin in hashes.values()} == {"thumbnail"}
    assert thumbs.report.skipped["picker"] == 1 and "Picker photos skipped" in thumbs.report.one_line()
    fetches = thumbnail_fetches(fake)
    assert len(fetches) == len(photos) and all(r.path.endswith("=w256-h256") for r in fetches)
    batch_gets = [r for r in fake.requests if r.path == "/v1/mediaItems:batchGet"]
    assert batch_gets and all(len(r.query["mediaItemIds"]) <= 50 for r in batch_gets)
    item_id, media_id = next(iter(photos.items()))
    data, _type = media.render(fake.store.by_id[media_id], "=w256-h256")
    assert hashes[item_id][0] == run_job(HashJob(item_id, BytesLoader(data))).hash  # the bytes Google served


async def test_a_rerun_fetches_nothing_new(db, fake):
    await hash_with_thumbnails(db, fake)
    fake.clear_log()
    hashed, _errors, thumbs = await hash_with_thumbnails(db, fake)
    assert hashed == 0 and thumbs.report.requested == 0
    assert fake.requests == []


async def test_429_and_500_on_thumbnails_are_retried(db, fake):
    fake.faults.add("429", every=3, times=2, path="/lr/")
    fake.faults.add("500", every=5, times=2, path="/lr/")
    hashed, _errors, thumbs = await hash_with_thumbnails(db, fake)
    assert fake.faults.fired == {"429": 2, "500": 2}
    assert thumbs.retries == 4 and hashed == len(library_photos(db))
    assert not thumbs.report.stopped and not thumbs.report.errors


async def test_spent_quota_stops_fetching_and_keeps_finished_hashes(db, fake):
    photos = library_photos(db)
    fake.quota["media"] = 10  # Google answers 429 from the 11th thumbnail on
    hashed, _errors, thumbs = await hash_with_thumbnails(db, fake, concurrency=3)
    assert thumbs.report.stopped == QUOTA_STOP and "STOPPED" in thumbs.report.one_line()
    assert hashed == 10 == len(stored(db)) and thumbs.report.left == len(photos) - 10
    assert len(thumbnail_fetches(fake, None)) < 10 + 3 * FAST.attempts + 1  # in-flight ones give up, no more start
    fake.quota = dict(DAILY_QUOTA)
    fake.reset_quota()
    fake.clear_log()
    hashed, _errors, thumbs = await hash_with_thumbnails(db, fake)
    assert hashed == len(photos) - 10 == len(thumbnail_fetches(fake)) and not thumbs.report.stopped
    assert set(stored(db)) == set(photos)


def test_cli_thumbnails_flag(db, fake, monkeypatch, capsys):
    for name, value in fake.environ().items():
        monkeypatch.setenv(name, value)
    assert main(["dupes", "--db", str(db), "--thumbnails", "--concurrency", "2"]) == 0
    captured = capsys.readouterr()
    assert "groups" in json.loads(captured.out)
    photos = library_photos(db)
    assert f"thumbnails: {len(photos)} fetched of {len(photos)} asked" in captured.err
    assert set(stored(db)) == set(photos)
    with sqlite3.connect(db) as conn:  # base-URL fetches counted in the media bucket
        assert conn.execute("SELECT requests FROM api_usage WHERE api = 'media'").fetchone()[0] == len(photos)


def test_cli_stops_before_google_says_429_when_the_quota_is_used(db, fake, monkeypatch, capsys):
    for name, value in fake.environ().items():
        monkeypatch.setenv(name, value)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO api_usage (day, api, requests) VALUES (?, 'media', ?)",
            (pacific_day(), DAILY_QUOTA["media"] - 5),
        )
    assert main(["dupes", "--db", str(db), "--thumbnails"]) == 75
    captured = capsys.readouterr()
    assert "groups" in json.loads(captured.out)  # the groups of what is hashed still come out
    assert "thumbnails stopped" in captured.err and "midnight Pacific" in captured.err
    assert thumbnail_fetches(fake, None) == []


def test_cli_thumbnails_needs_sign_in_and_hashing(db, monkeypatch, capsys):
    monkeypatch.delenv("GPHOTOS_TUI_ACCESS_TOKEN", raising=False)
    assert main(["dupes", "--db", str(db), "--thumbnails"]) == 1
    assert "--thumbnails needs Google" in capsys.readouterr().err
    assert main(["dupes", "--db", str(db), "--thumbnails", "--no-hash"]) == 2
    assert main(["dupes", "--db", str(db), "--thumbnails", "--concurrency", "0"]) == 2


async def test_duplicates_screen_c_fetches_thumbnails_but_opening_it_does_not(db, fake, monkeypatch):
    from gphotos_tui.ui.app import make_app
    from gphotos_tui.ui.screens.duplicates import DuplicatesScreen
    from tests.ui.conftest import settle

    for name, value in fake.environ().items():
        monkeypatch.setenv(name, value)
    app = make_app(db)
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, DuplicatesScreen)
        assert stored(db) == {} and fake.requests == []  # the automatic hashing spends no quota
        await pilot.press("c")
        await settle(pilot)
    hashes = stored(db)
    assert set(hashes) == set(library_photos(db)) and {o for _h, o in hashes.values()} == {"thumbnail"}
    assert all(r.path.endswith("=w256-h256") for r in thumbnail_fetches(fake))
