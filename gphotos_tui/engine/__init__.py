"""The sync engine: runs every source as a job and reports typed progress."""
