"""The sign-in modal completes by loopback redirect or by paste-back, and cancels cleanly."""

import asyncio

import httpx
import pytest
from textual.app import App

from gphotos_tui.fakegoogle import FakeGoogle
from gphotos_tui.google.auth import load_client_secret
from gphotos_tui.google.tokens import StoredTokens
from gphotos_tui.paths import locations
from gphotos_tui.ui.modals.signin import SignInScreen


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle() as server:
        yield server


class Host(App):
    def __init__(self, client):
        super().__init__()
        self.client = client
        self.results = []

    def on_mount(self) -> None:
        self.push_screen(SignInScreen(self.client), self.results.append)


async def until(pilot, condition, seconds=10.0):
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


async def test_paste_back(fake, tmp_path):
    app = Host(load_client_secret(fake.client_secret_json(tmp_path / "c.json")))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SignInScreen)
        await until(pilot, lambda: screen.attempt is not None)
        url = screen.attempt.authorization_url
        assert "code_challenge" in str(screen.query_one("#url").render())
        assert "▀" in str(screen.query_one("#qr").render()) or "▄" in str(screen.query_one("#qr").render())
        screen.query_one("#paste").value = "http://127.0.0.1:1/?state=wrong&code=x"
        await pilot.press("enter")
        await pilot.pause()
        assert "state mismatch" in str(screen.query_one("#status").render())
        resp = await asyncio.to_thread(httpx.get, url, follow_redirects=False)
        screen.query_one("#paste").value = resp.headers["location"]
        await pilot.press("enter")
        shots = [app.export_screenshot()]
        await until(pilot, lambda: app.results)
        shots.append(app.export_screenshot())
    stored = app.results[0]
    for shot in shots:  # nothing on screen ever shows a token
        assert stored.access_token not in shot and stored.refresh_token not in shot
    assert isinstance(stored, StoredTokens) and fake.oauth.scopes_of(stored.access_token)
    assert StoredTokens.load(locations().tokens).access_token == stored.access_token


async def test_loopback_redirect_and_cancel(fake, tmp_path):
    client = load_client_secret(fake.client_secret_json(tmp_path / "c.json"))
    app = Host(client)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.attempt is not None)
        await asyncio.to_thread(httpx.get, screen.attempt.authorization_url, follow_redirects=True)
        await until(pilot, lambda: app.results)
    assert isinstance(app.results[0], StoredTokens)

    app = Host(client)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.screen.attempt is not None)
        attempt = app.screen.attempt
        await pilot.press("escape")
        await until(pilot, lambda: app.results)
    assert app.results == [None] and attempt.finished
