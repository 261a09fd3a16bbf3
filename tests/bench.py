"""Benchmark runner: ``python -m tests.bench [NAME...] [--quick] [--output FILE]``.

Runs every module in ``tests/benchmarks/`` (or the NAMEs given); each exposes
``run(quick: bool) -> dict`` of JSON-able figures. Prints one JSON document:
``{"machine": {...}, "results": {name: figures}}``. A module that fails is
reported as ``{"error": "..."}`` so one broken benchmark never hides the rest.
Progress goes to stderr; stdout carries only the JSON.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import pkgutil
import platform
import sqlite3
import sys
import time
import traceback
from pathlib import Path

import tests.benchmarks as benchmarks


def available() -> list[str]:
    """Benchmark module names, in a stable order."""
    return sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_"))


def machine() -> dict:
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": _ram_gb(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "load_avg_1m": _load(),  # other work on the machine: read wall-clock figures with it
    }


def _cpu_times() -> list[int] | None:
    """The aggregate jiffies of /proc/stat (user nice system idle iowait irq softirq steal ...)."""
    try:
        return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None


def _steal_pct(start: list[int] | None, end: list[int] | None) -> float | None:
    """Share of CPU time the hypervisor gave to other guests while the benchmarks ran."""
    if not start or not end or len(start) < 8:
        return None
    delta = [b - a for a, b in zip(start, end)]
    total = sum(delta[:8])
    return round(100 * delta[7] / total, 1) if total else None


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        return None


def run_one(name: str, quick: bool) -> dict:
    """Import and run one benchmark module; any failure becomes {"error": ...}."""
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"tests.benchmarks.{name}")
        figures = module.run(quick)
        if not isinstance(figures, dict):
            raise TypeError(f"run() returned {type(figures).__name__}, expected a dict")
        json.dumps(figures)  # fail here, per module, if a figure is not JSON-able
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        print(f"[bench] {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return figures


def main(argv: list[str] | None = None) -> int:
    names = available()
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"benchmarks to run (default: all of {', '.join(names)})"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run that takes seconds")
    parser.add_argument("--output", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in names]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; available: {', '.join(names)}")
    report = {"machine": machine(), "results": {}}
    cpu_start = _cpu_times()
    for name in args.names or names:
        print(f"[bench] running {name}{' (quick)' if args.quick else ''} ...", file=sys.stderr)
        report["results"][name] = run_one(name, args.quick)
    report["machine"]["load_avg_1m_at_end"] = _load()
    report["machine"]["cpu_steal_pct"] = _steal_pct(cpu_start, _cpu_times())
    text = json.dumps(report, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
