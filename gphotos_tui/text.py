"""Text from archives and servers made safe: valid UTF-8 for the catalog, printable for the terminal.

Archive names and sidecar titles may hold lone surrogates (undecodable bytes
or a JSON ``"\\ud800"``) that SQLite and the terminal refuse, and control
characters that an unprepared terminal runs as escape sequences.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def valid_utf8(text: str) -> str:
    """``text`` with every lone surrogate (an undecodable byte or a JSON ``"\\ud800"``) replaced by U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)


def printable(text: str) -> str:
    """Valid UTF-8 with control and bidi-override characters shown as escapes (``\\x1b``), for terminals."""
    return _CONTROL.sub(lambda m: _escape(m.group()), valid_utf8(text))


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
