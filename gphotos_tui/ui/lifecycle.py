"""Leaving cleanly over SSH: signals and a watchdog for a vanished terminal.

Textual installs no SIGHUP/SIGTERM handling, and after an abrupt SSH drop an
app can keep running with nobody to see it. Both paths end in ``app.exit()``,
so workers are cancelled and the catalog is closed the normal way (writes
are atomic per page, so a cancelled job leaves nothing half written).
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import sys
import termios
import threading
from typing import Any

from textual.app import App

#: Exit codes follow the shell convention 128 + signal number.
EXIT_SIGNALS = (signal.SIGHUP, signal.SIGTERM)
TERMINAL_GONE = 128 + signal.SIGHUP
#: A clean exit normally takes well under a second; a thread stuck on a dead terminal must not keep
#: the process alive (and spinning) forever. The catalog is consistent at any instant, so forcing is safe.
FORCE_EXIT_AFTER = 10.0


def request_exit(app: App[Any], return_code: int, *, force_after: float | None = FORCE_EXIT_AFTER) -> None:
    """Exit cleanly; if that has not finished after ``force_after`` seconds, end the process."""
    app.exit(return_code=return_code)
    if force_after is not None:
        timer = threading.Timer(force_after, os._exit, args=(return_code,))
        timer.daemon = True
        timer.start()


def install_signal_handlers(app: App[Any], *, force_after: float | None = FORCE_EXIT_AFTER) -> None:
    loop = asyncio.get_running_loop()
    for sig in EXIT_SIGNALS:
        loop.add_signal_handler(sig, functools.partial(request_exit, app, 128 + sig, force_after=force_after))


def terminal_alive(fd: int | None = None) -> bool:
    """True while ``fd`` (stdin by default) is still a working terminal."""
    try:
        fd = sys.__stdin__.fileno() if fd is None else fd  # type: ignore[union-attr]  # None: AttributeError
        if not os.isatty(fd):
            return False
        termios.tcgetattr(fd)  # fails with EIO once the terminal has hung up
    except (OSError, ValueError, AttributeError, termios.error):
        return False
    return True


def start_terminal_watchdog(app: App[Any], every: float = 3.0, *, force_after: float | None = FORCE_EXIT_AFTER) -> None:
    def check() -> None:
        if not terminal_alive():
            request_exit(app, TERMINAL_GONE, force_after=force_after)

    app.set_interval(every, check, name="terminal-watchdog")
