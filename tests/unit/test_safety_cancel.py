"""Issue 11: Ctrl-C or SIGTERM ends a job against a hung server within 2 s; expired page tokens are not retried forever."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.fakegoogle.server import FakeGoogle
from gphotos_tui.google.errors import PageTokenExpired, PageTokensKeepExpiring
from gphotos_tui.google.library import MAX_TOKEN_RESTARTS, Page, iter_pages


class HungServer:
    """Accepts connections and never answers: a server that hangs mid-request."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.accepted = threading.Event()
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)
            self.accepted.set()

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_ends_a_sync_against_a_hung_server_within_2_s(tmp_path, sig):
    server = HungServer()
    db = tmp_path / "c.sqlite"
    env = dict(
        os.environ,
        GPHOTOS_TUI_HOME=str(tmp_path),
        GPHOTOS_TUI_LIBRARY_API_ROOT=server.url,
        GPHOTOS_TUI_PICKER_API_ROOT=server.url,
        GPHOTOS_TUI_ACCESS_TOKEN="hung-test-token",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "gphotos_tui", "sync", "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.accepted.wait(60), "the sync never reached the server"
        time.sleep(0.3)  # the request is on the wire and unanswered
        started = time.monotonic()
        proc.send_signal(sig)
        proc.wait(timeout=30)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            proc.kill()
        server.close()
    err = proc.stderr.read()
    assert took < 2.0, f"took {took:.1f} s to stop"
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    with sqlite3.connect(db) as conn:
        assert [r[0] for r in conn.execute("SELECT state FROM sync_runs")] == ["cancelled"]


def test_page_token_restarts_are_bounded_in_a_listing():
    calls = []

    def fetch(token):
        calls.append(token)
        if token is not None:
            raise PageTokenExpired(400, "INVALID_ARGUMENT", "Page token is invalid or has expired.")
        return Page([{"id": "a"}], "next")

    with pytest.raises(PageTokensKeepExpiring, match="rejected"):
        list(iter_pages(fetch))
    assert len(calls) == 2 * (MAX_TOKEN_RESTARTS + 1)


def test_a_sync_whose_page_tokens_always_expire_stops_with_a_clear_message(tmp_path):
    with FakeGoogle(SyntheticLibrary(600, seed=3)) as fake:
        fake.faults.add("expired_page_token", every=1, times=None)
        env = dict(os.environ, **fake.environ(), GPHOTOS_TUI_HOME=str(tmp_path))
        result = subprocess.run(
            [sys.executable, "-m", "gphotos_tui", "sync", "--db", str(tmp_path / "c.sqlite")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        requests = len(fake.requests)
    assert result.returncode == 1
    assert "rejected its page tokens" in result.stderr and "Traceback" not in result.stderr
    assert requests < 400
