"""Start-up of the headless command, side by side with a bare interpreter, in one run.

* ``gphotos-tui --help`` (as ``python -m gphotos_tui --help``) and an argument
  error (``stats --no-such-option``), each in a fresh process;
* ``python -c pass``: the interpreter's own start-up, the floor under both;
* what ``--help`` imports: the count of modules and whether any heavy library
  (numpy, pyarrow, pandas, httpx, the Google clients, Textual, Rich) is among them.

Runs alternate so all see the same machine load; best of N (the machine is shared).
Target: ``--help`` under 0.15 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "pyarrow", "pandas", "httpx", "google", "googleapiclient", "google_auth_oauthlib", "textual", "rich")

_IMPORTS = r"""
import json, sys
from gphotos_tui.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def run(quick: bool) -> dict:
    runs = 5 if quick else 15
    cases = {
        "python_pass": [sys.executable, "-c", "pass"],
        "help": [sys.executable, "-m", "gphotos_tui", "--help"],
        "argument_error": [sys.executable, "-m", "gphotos_tui", "stats", "--no-such-option"],
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    load_before = round(os.getloadavg()[0], 2)
    for _ in range(runs):
        for name, cmd in cases.items():
            started = time.perf_counter()
            subprocess.run(cmd, cwd=REPO, capture_output=True, check=False)
            times[name].append(time.perf_counter() - started)
    modules = json.loads(
        subprocess.run([sys.executable, "-c", _IMPORTS], cwd=REPO, capture_output=True, text=True).stdout.splitlines()[
            -1
        ]
    )
    heavy = sorted({m.split(".")[0] for m in modules} & set(HEAVY))
    best = {name: min(values) for name, values in times.items()}
    return {
        "help_s": round(best["help"], 3),
        "argument_error_s": round(best["argument_error"], 3),
        "python_pass_s": round(best["python_pass"], 3),
        "help_over_python_pass": round(best["help"] / best["python_pass"], 2),
        "help_target_s": 0.15,
        "help_modules_imported": len(modules),
        "help_heavy_imports": heavy,
        "load_avg": [load_before, round(os.getloadavg()[0], 2)],
        "runs": runs,
        "all_s": {name: [round(v, 3) for v in values] for name, values in times.items()},
    }
