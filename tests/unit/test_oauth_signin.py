"""`gphotos-tui auth`: the three ways to finish sign-in, token storage, status, revoke, no token leaks.

The browser is simulated with httpx against the fake server's OAuth stand-in:
it follows the authorize redirect to the loopback listener (local browser or
``ssh -L`` tunnel), or stops at the final address for paste-back.
"""

import logging
import queue
import socket
import stat
import threading

import httpx
import pytest

from gphotos_tui.cli import main
from gphotos_tui.commands import auth as auth_command
from gphotos_tui.fakegoogle import FakeGoogle
from gphotos_tui.google.auth import SignIn, SignInError, load_client_secret
from gphotos_tui.google.tokens import StoredTokens, token_source
from gphotos_tui.paths import locations


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle() as server:
        yield server


@pytest.fixture
def secret(fake, tmp_path):
    return fake.client_secret_json(tmp_path / "client_secret_123.json")


def follow(url: str) -> None:
    """A browser that completes the consent screen and lands on the loopback listener."""
    resp = httpx.get(url, follow_redirects=True, timeout=5)
    assert resp.status_code == 200 and "Signed in" in resp.text


def final_address(url: str) -> str:
    """A browser on another machine: the last redirect goes nowhere; the user copies the address."""
    resp = httpx.get(url, follow_redirects=False, timeout=5)
    assert resp.status_code == 302
    return resp.headers["location"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def in_background(fn, *args):
    threading.Thread(target=fn, args=args, daemon=True).start()


def assert_signed_in(fake, capsys):
    path = locations().tokens
    stored = StoredTokens.load(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert fake.oauth.scopes_of(stored.access_token) is not None
    assert stored.refresh_token in fake.oauth.refresh
    out = capsys.readouterr()
    for secret_value in (stored.access_token, stored.refresh_token, fake.oauth.client_secret):
        assert secret_value not in out.out + out.err
    return stored


def test_local_browser_path(fake, secret, monkeypatch, capsys):
    opened = []
    monkeypatch.setattr(
        auth_command, "open_browser", lambda url: (opened.append(url), in_background(follow, url))[0] is None
    )
    monkeypatch.setattr(auth_command, "read_line", lambda: "")
    assert main(["auth", "--client-secret", str(secret), "--timeout", "10"]) == 0
    assert opened and "code_challenge_method=S256" in opened[0] and "state=" in opened[0]
    assert_signed_in(fake, capsys)
    saved = locations().config_dir / "client_secret.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


def test_ssh_tunnel_path_with_fixed_port(fake, secret, monkeypatch, capsys):
    port = free_port()
    monkeypatch.setattr(auth_command, "show_url", lambda url: in_background(follow, url))
    monkeypatch.setattr(auth_command, "open_browser", lambda url: pytest.fail("--no-browser opened a browser"))
    monkeypatch.setattr(auth_command, "read_line", lambda: "")
    assert main(["auth", "--client-secret", str(secret), "--port", str(port), "--no-browser", "--timeout", "10"]) == 0
    out = capsys.readouterr().out
    assert f"ssh -L {port}:127.0.0.1:{port}" in out
    capsys.readouterr()
    assert_signed_in(fake, capsys)


def test_paste_back_path(fake, secret, monkeypatch, capsys):
    pasted: queue.Queue[str] = queue.Queue()
    monkeypatch.setattr(
        auth_command, "show_url", lambda url: pasted.put("not a url\n") or pasted.put(final_address(url) + "\n")
    )
    monkeypatch.setattr(auth_command, "read_line", lambda: pasted.get(timeout=10))
    assert main(["auth", "--client-secret", str(secret), "--no-browser", "--timeout", "10"]) == 0
    err = capsys.readouterr().err
    assert "try again" in err  # the bad paste was explained, and the next one accepted
    assert_signed_in(fake, capsys)


def test_state_mismatch_and_declined(fake, secret):
    client = load_client_secret(secret)
    attempt, stranger = SignIn(client), SignIn(client)
    other = final_address(stranger.authorization_url)
    stranger.cancel()
    with pytest.raises(SignInError, match="state mismatch"):
        attempt.submit_pasted_url(other)
    attempt.submit_pasted_url(f"{attempt.redirect_uri}?state={attempt.state}&error=access_denied")
    with pytest.raises(SignInError, match="Deny"):
        attempt.wait(1)


def test_pkce_verifier_is_what_the_token_endpoint_checks(fake, secret):
    attempt = SignIn(load_client_secret(secret))
    attempt._flow.code_verifier = "tampered-" * 6
    follow(attempt.authorization_url)
    with pytest.raises(SignInError, match="invalid_grant"):
        attempt.wait(5)


def test_client_secret_errors(tmp_path):
    web = tmp_path / "web.json"
    web.write_text('{"web": {"client_id": "x"}}')
    with pytest.raises(SignInError, match="Desktop app"):
        load_client_secret(web)
    with pytest.raises(SignInError, match="Cloud Console"):
        load_client_secret(tmp_path / "missing.json")
    assert main(["auth"]) == 1  # no client secret stored yet: a message, not a traceback


def test_status_and_revoke(fake, secret, monkeypatch, capsys):
    monkeypatch.setattr(auth_command, "open_browser", lambda url: in_background(follow, url) or True)
    monkeypatch.setattr(auth_command, "read_line", lambda: "")
    assert main(["auth", "--client-secret", str(secret), "--timeout", "10"]) == 0
    stored = StoredTokens.load()
    capsys.readouterr()
    assert main(["auth", "--status"]) == 0
    out = capsys.readouterr().out
    assert "Signed in" in out and "photospicker.mediaitems.readonly" in out and "7 days" in out
    assert "expires in 7.0 days" in out  # from refresh_token_expires_in, as Google sends it for Testing apps
    assert stored.access_token not in out and stored.refresh_token not in out
    assert main(["auth", "--revoke"]) == 0
    assert not locations().tokens.exists()
    assert stored.refresh_token not in fake.oauth.refresh
    assert main(["auth", "--status"]) == 1


def test_static_token_skips_oauth(monkeypatch, capsys):
    monkeypatch.setenv("GPHOTOS_TUI_ACCESS_TOKEN", "ya29.from-env")
    assert token_source().token() == "ya29.from-env"
    assert "ya29" not in repr(token_source())
    assert main(["auth", "--status"]) == 0 and "GPHOTOS_TUI_ACCESS_TOKEN" in capsys.readouterr().out


def test_no_token_in_logs_exceptions_or_files(fake, secret, tmp_path, monkeypatch, caplog, capsys):
    """Grep everything a sign-in and a failing refresh leave behind for the tokens."""
    from gphotos_tui.google import errors
    from gphotos_tui.google.library import LibraryClient
    from gphotos_tui.google.tokens import OAuthTokens
    from gphotos_tui.google.transport import RetryPolicy

    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(auth_command, "open_browser", lambda url: in_background(follow, url) or True)
    monkeypatch.setattr(auth_command, "read_line", lambda: "")
    assert main(["auth", "--client-secret", str(secret), "--timeout", "10"]) == 0
    stored = StoredTokens.load()
    tokens = OAuthTokens(stored, locations().tokens)
    client = LibraryClient(tokens, root=fake.url, policy=RetryPolicy(attempts=2, base_s=0.001, cap_s=0.001))
    client.list_media_page()
    fake.oauth.revoke_refresh_tokens()
    fake.oauth.expire_access_tokens()
    with pytest.raises(errors.InvalidGrant) as caught:
        client.list_media_page()
    secrets_ = [stored.access_token, stored.refresh_token, fake.oauth.client_secret]
    texts = [
        str(caught.value),
        repr(caught.value),
        repr(tokens),
        repr(stored),
        str(stored),
        repr(fake.requests),
        caplog.text,
        "".join(capsys.readouterr()),
    ]
    home = locations()
    for path in [*home.config_dir.rglob("*"), *home.data_dir.rglob("*"), *home.cache_dir.rglob("*")]:
        if path.is_file() and path != home.tokens and path.name != "client_secret.json":
            texts.append(path.read_text(errors="replace"))
    for text in texts:
        for value in secrets_:
            assert value not in text
    assert errors.redact(f"Bearer {stored.access_token} and {stored.refresh_token}").count("[redacted]") == 2
