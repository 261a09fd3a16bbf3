"""Backups of originals into a plain folder tree, and the local backup status.

``run_backup`` (run.py) copies Takeout entries and downloads API items into
``DEST/YYYY/MM/`` with album folders of relative links; ``backup_status``
(status.py) answers which catalog items have a local copy.
"""
