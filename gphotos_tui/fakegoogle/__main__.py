"""Run the fake Google server by hand: ``python -m gphotos_tui.fakegoogle --size 2000``.

Prints the environment that points gphotos-tui at it (static token included:
it is a throwaway token of this local fake, never a Google credential).
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.fakegoogle.server import FakeGoogle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gphotos_tui.fakegoogle", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="items in the synthetic library (default 2000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--latency", type=float, default=0.0, metavar="S", help="added to every request")
    parser.add_argument(
        "--client-secret", metavar="FILE", help="also write a Desktop client secret JSON for `gphotos-tui auth`"
    )
    args = parser.parse_args(argv)
    with FakeGoogle(SyntheticLibrary(args.size, args.seed), port=args.port) as fake:
        fake.faults.latency_s = args.latency
        for key, value in fake.environ().items():
            print(f"export {key}={value}")
        if args.client_secret:
            print(f"# wrote {fake.client_secret_json(Path(args.client_secret))} for `gphotos-tui auth --client-secret`")
        print(f"# serving {args.size} items at {fake.url}; Ctrl+C to stop", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
