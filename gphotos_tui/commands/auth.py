"""gphotos-tui auth: sign in to Google (works over SSH), show the sign-in status, or revoke it."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import threading
import time
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

from gphotos_tui.google.errors import AuthError
from gphotos_tui.paths import locations, private_dir

if TYPE_CHECKING:
    from gphotos_tui.google.auth import SignIn

# The Google client libraries (httpx, google-auth, segno) are imported by the functions that use them, so
# `gphotos-tui auth --help` and argument errors stay instant. Kept equal to google.auth.SSH_PORT by a test.
SSH_PORT = 53682

NAME = "auth"
HELP = "sign in to Google Photos (browser, ssh -L tunnel or paste-back), show --status or --revoke"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--client-secret",
        metavar="FILE",
        help="the Desktop client secret JSON from Google Cloud Console (kept in the config dir for next time)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        metavar="N",
        help=f"fixed loopback port, for `ssh -L N:127.0.0.1:N` (e.g. {SSH_PORT}); default: any free port",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not try to open a browser here (print the link and a QR code)"
    )
    parser.add_argument(
        "--review-album",
        action="store_true",
        help="also allow creating an album of duplicates to review (asks for the appendonly and edit scopes)",
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, metavar="S", help="give up after S seconds (default 600)"
    )
    parser.add_argument("--status", action="store_true", help="show whether you are signed in (never shows tokens)")
    parser.add_argument("--revoke", action="store_true", help="revoke the sign-in at Google and delete the token file")


# Seams for tests: how the link is shown, how a browser is opened, how a pasted line is read.
def show_url(url: str) -> None:
    from gphotos_tui.google.qr import qr_text

    print(f"\nOpen this link in a browser signed in to your Google account:\n\n  {url}\n")
    qr = qr_text(url, shutil.get_terminal_size().columns)
    print(qr if qr else "(widen the terminal to at least 80 columns to get a QR code for a phone)")


def open_browser(url: str) -> bool:
    return webbrowser.open(url)


def read_line() -> str:
    return sys.stdin.readline()


def run(args: argparse.Namespace) -> int:
    if args.status:
        return status()
    if args.revoke:
        return revoke_sign_in()
    return sign_in(args)


def client_secret_path(given: str | None) -> Path:
    from gphotos_tui.google.auth import SignInError, load_client_secret

    stored = locations().config_dir / "client_secret.json"
    if given:
        source = Path(given).expanduser()
        load_client_secret(source)  # fail early with a clear message
        private_dir(stored.parent)
        if source.resolve() != stored.resolve():
            shutil.copyfile(source, stored)
            os.chmod(stored, 0o600)
        return stored
    if not stored.exists():
        raise SignInError(
            "no client secret yet: pass --client-secret client_secret_….json "
            "(see the README: Google Cloud Console > Credentials > Desktop app)"
        )
    return stored


def sign_in(args: argparse.Namespace) -> int:
    from gphotos_tui.google.auth import DEFAULT_SCOPES, REVIEW_ALBUM_SCOPES, SignIn, load_client_secret, missing_scopes
    from gphotos_tui.google.tokens import TESTING_REFRESH_DAYS

    try:
        client = load_client_secret(client_secret_path(args.client_secret))
        scopes = DEFAULT_SCOPES + (REVIEW_ALBUM_SCOPES if args.review_album else ())
        attempt = SignIn(client, scopes, port=args.port)
    except AuthError as exc:
        print(f"gphotos-tui: {exc}", file=sys.stderr)
        return 1
    show_url(attempt.authorization_url)
    if args.port:
        print(
            f"Over SSH: connect with `ssh -L {attempt.port}:127.0.0.1:{attempt.port} HOST` and open the link "
            "in your local browser."
        )
    if not args.no_browser and open_browser(attempt.authorization_url):
        print("A browser window was opened.")
    print(
        "Waiting for Google's redirect. If the browser ends on an address starting with "
        f"{attempt.redirect_uri} that does not load, paste that whole address here and press Enter:"
    )
    threading.Thread(target=_paste_loop, args=(attempt,), daemon=True).start()
    try:
        stored = attempt.wait(args.timeout)
    except AuthError as exc:
        print(f"gphotos-tui: {exc}", file=sys.stderr)
        return 1
    path = stored.save()
    print(f"Signed in. Token saved to {path} (readable only by you).")
    missing = missing_scopes(stored, scopes)
    if missing:
        print(
            "Note: you did not allow "
            + ", ".join(s.rsplit("/", 1)[-1] for s in missing)
            + "; features that need it will ask you to sign in again."
        )
    print(
        f"Apps left in Testing status get refresh tokens that expire after {TESTING_REFRESH_DAYS} days; "
        "run `gphotos-tui auth` again then."
    )
    return 0


def _paste_loop(attempt: SignIn) -> None:
    from gphotos_tui.google.auth import SignInError

    while not attempt.finished:
        line = read_line()
        if not line:
            if attempt.finished:
                return
            time.sleep(0.05)
            continue
        try:
            attempt.submit_pasted_url(line)
        except SignInError as exc:
            print(f"{exc}; try again:", file=sys.stderr)


def status() -> int:
    from gphotos_tui.google.tokens import ACCESS_TOKEN_ENV, TESTING_REFRESH_DAYS, StoredTokens

    if os.environ.get(ACCESS_TOKEN_ENV):
        print(f"Using a static access token from {ACCESS_TOKEN_ENV} (OAuth is skipped).")
        return 0
    path = locations().tokens
    try:
        stored = StoredTokens.load(path)
    except AuthError as exc:
        print(str(exc))
        return 1
    left = stored.expiry - time.time()
    print(f"Signed in (token file {path}, mode {oct(path.stat().st_mode & 0o777)}).")
    print("Scopes: " + ", ".join(s.rsplit("/", 1)[-1] for s in stored.scopes))
    print(
        f"Access token: {'valid for ' + str(int(left // 60)) + ' min' if left > 0 else 'expired (refreshed on next use)'}."
    )
    age, left_days = stored.refresh_age_days, stored.refresh_days_left
    print(f"Signed in {age:.1f} days ago.", end=" ")
    if left_days is not None:
        print(
            f"Google says this sign-in expires in {max(left_days, 0):.1f} days (apps in Testing status: "
            f"{TESTING_REFRESH_DAYS} days); run `gphotos-tui auth` again then."
        )
    elif age >= TESTING_REFRESH_DAYS - 1:
        print(
            f"If your Google Cloud app is in Testing status, the sign-in expires after {TESTING_REFRESH_DAYS} days: "
            "run `gphotos-tui auth` again soon."
        )
    else:
        print(f"(Apps in Testing status must sign in again every {TESTING_REFRESH_DAYS} days.)")
    return 0


def revoke_sign_in() -> int:
    from gphotos_tui.google.auth import revoke
    from gphotos_tui.google.tokens import StoredTokens

    path = locations().tokens
    try:
        stored = StoredTokens.load(path)
    except AuthError as exc:
        print(str(exc))
        return 1
    try:
        revoke(stored)
    except AuthError as exc:
        print(f"gphotos-tui: {exc}; the token file was kept", file=sys.stderr)
        return 1
    path.unlink()
    print("Signed out: Google revoked the sign-in and the token file was deleted.")
    return 0
