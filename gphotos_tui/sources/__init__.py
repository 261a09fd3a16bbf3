"""Sources: Google Takeout archives and local folders, each turned into catalog records.

The Google APIs are not a source here: ``google/`` talks to them and the engine's jobs write what they list.
"""
