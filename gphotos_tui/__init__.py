"""gphotos-tui: a local SQLite catalog of a Google Photos library, and a terminal app to explore it."""

__version__ = "0.1.0"
