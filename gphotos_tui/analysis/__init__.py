"""Analyses over the catalog, Textual-free: shooting statistics (stats*) and duplicates."""
