"""A loopback fake of Google's Photos APIs for tests, benchmarks and the demo (never the real network)."""

from gphotos_tui.fakegoogle.faults import KINDS as FAULT_KINDS
from gphotos_tui.fakegoogle.faults import Faults
from gphotos_tui.fakegoogle.server import FakeGoogle, LoggedRequest

__all__ = ["FAULT_KINDS", "FakeGoogle", "Faults", "LoggedRequest"]
