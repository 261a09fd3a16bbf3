"""The jobs the CLI and the app both run (Library sync, Picker, Takeout import), with their checkpoints,
the catalog lock, and typed progress for a console or the UI."""
