"""The screens' small formatters."""

from __future__ import annotations

import pytest

from gphotos_tui.ui.format import middle_ellipsis


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("Demo library (synthetic)", 26, "Demo library (synthetic)"),  # fits: unchanged
        ("Takeout takeout-20240712T112341Z-001.zip + 1 more part", 26, "Takeout takeo… 1 more part"),
        ("abcdef", 5, "ab…ef"),
        ("abcdef", 2, "a…"),
        ("abcdef", 1, "…"),
    ],
)
def test_middle_ellipsis_keeps_both_ends_within_the_width(text, width, shown):
    assert middle_ellipsis(text, width) == shown
    assert len(shown) <= width
