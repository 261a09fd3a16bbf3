"""Benchmark modules for ``python -m tests.bench``: each exposes ``run(quick: bool) -> dict``."""
