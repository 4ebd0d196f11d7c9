"""What `--set` costs: `estimate` with five overrides against the same estimate without, side by side.

    python benchmarks/bench_overrides.py [--model deepseek-v3] [--samples 100000] [--repeat 7]

Both are timed in one run, alternating, best of N (the machine is shared: compare the ratio, not the seconds):
- in-process, `fullcost.estimate(MODEL, samples=N)` with and without five overrides (two scenario paths, three
  catalog inputs), loading the scenario included;
- as whole processes, `fullcost estimate MODEL --samples N --format json` with and without the five `--set`.
The target: with overrides within 10% of without.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import fullcost

FULLCOST = str(Path(sys.executable).with_name("fullcost"))
FIVE = {
    "final_run.usd_per_gpu_hour": "$3",
    "staff.roles[0].share": "30% to 60%",
    "regions.china.staff.researcher_salary_usd": "300K",
    "hardware.h800.tdp_w": "650",
    "defaults.useful_life_years": "5",
}


def best_pair(a: Callable[[], object], b: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best of ``repeat`` runs of each, alternating so that both see the same machine load."""
    ta, tb = [], []
    for _ in range(repeat):
        for fn, out in ((a, ta), (b, tb)):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
    return min(ta), min(tb)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="deepseek-v3")
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    n = args.samples
    fullcost.estimate(args.model, samples=1000)  # imports and catalog caches warm for both
    plain, sets = best_pair(lambda: fullcost.estimate(args.model, samples=n),
                            lambda: fullcost.estimate(args.model, samples=n, set=FIVE), args.repeat)
    env = dict(os.environ, COLUMNS="120")
    cmd = [FULLCOST, "estimate", args.model, "--samples", str(n), "--format", "json"]
    flags = [x for k, v in FIVE.items() for x in ("--set", f"{k}={v}")]
    p_plain, p_sets = best_pair(lambda: subprocess.run(cmd, check=True, capture_output=True, env=env),
                                lambda: subprocess.run(cmd + flags, check=True, capture_output=True, env=env),
                                max(3, args.repeat // 2))
    print(f"estimate {args.model}, {n:,} samples, best of {args.repeat} (processes: {max(3, args.repeat // 2)})")
    print(f"{'':38}{'without':>10}{'5 x --set':>12}{'ratio':>8}")
    print(f"{'in-process (load + run + JSON)':38}{plain:>9.3f}s{sets:>11.3f}s{sets / plain:>8.3f}")
    print(f"{'whole process (fullcost estimate)':38}{p_plain:>9.3f}s{p_sets:>11.3f}s{p_sets / p_plain:>8.3f}")
    print("target: ratio <= 1.10")


if __name__ == "__main__":
    main()
