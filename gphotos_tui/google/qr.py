"""QR codes as terminal text, so a phone can open a sign-in or picker link shown over SSH."""

from __future__ import annotations

import io

import segno


def qr_text(data: str, max_width: int | None = None) -> str | None:
    """segno's compact terminal rendering (half blocks, no colour codes; fits a Textual Static too).

    The quiet zone shrinks from 4 modules to 1 to fit ``max_width`` columns
    (a sign-in link makes a 77-module code); None when even that is too wide.
    """
    code = segno.make(data, error="l")
    modules = code.symbol_size(border=0)[0]
    for border in (4, 3, 2, 1):
        if max_width is None or modules + 2 * border <= max_width:
            out = io.StringIO()
            code.terminal(out=out, compact=True, border=border)
            return out.getvalue().rstrip("\n")
    return None
