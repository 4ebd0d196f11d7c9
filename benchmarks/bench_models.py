"""Speed of the model catalog: the listing and one entry, side by side with what they would cost without the index.

    python benchmarks/bench_models.py [--repeat 5]

Prints, each the best of N runs on this machine (compare ratios, not seconds, on a shared one):
- `fullcost --help` as a whole process (the floor every command pays);
- `fullcost models` and `fullcost models --format json` as whole processes (target < 1 s);
- in-process: reading the index, against parsing and validating every model file (what the listing did before);
- in-process: resolving and loading one entry by Epoch AI's name, against parsing every model file to find it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def proc(*args: str) -> Callable[[], object]:
    return lambda: subprocess.run([sys.executable, "-m", "fullcost.cli", *args], check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    from fullcost import catalog, model_index, scenario

    files = sorted(Path(catalog.MODELS).glob("*.yaml"))
    n = args.repeat
    help_s = best(proc("--help"), n)
    table_s = best(proc("models"), n)
    json_s = best(proc("models", "--format", "json"), n)
    print(f"catalog: {len(files)} model files")
    print(f"process  fullcost --help                 {help_s:6.3f} s  (floor)")
    print(f"process  fullcost models                 {table_s:6.3f} s  (target < 1 s; {table_s / help_s:.1f}x --help)")
    print(f"process  fullcost models --format json   {json_s:6.3f} s  ({json_s / help_s:.1f}x --help)")

    def index() -> object:
        model_index.clear()
        return model_index.rows()

    def parse_all() -> object:
        return [scenario.load(p) for p in files]

    idx = best(index, n)
    full = best(parse_all, max(1, n // 2))
    print(f"in-process  index of every model     {idx * 1e3:8.1f} ms  vs parsing every file {full * 1e3:8.1f} ms  "
          f"({full / idx:.0f}x)")

    def one() -> object:
        model_index.clear()
        return catalog.load_scenario("PaLM (540B)")

    def one_by_scan() -> object:
        return next(d for d in (scenario.load(p) for p in files) if d.scenario.title == "PaLM (540B)")

    o = best(one, n)
    scan = best(one_by_scan, max(1, n // 2))
    print(f"in-process  one entry by Epoch's name {o * 1e3:8.1f} ms  vs scanning the files   {scan * 1e3:8.1f} ms  "
          f"({scan / o:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
