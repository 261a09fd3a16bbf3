"""Reusable widgets of the gphotos-tui app."""
