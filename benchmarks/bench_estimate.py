"""Speed of the estimate, printed side by side with squigglepy sampling the same model's inputs.

    python benchmarks/bench_estimate.py [--model deepseek-v3] [--repeat 5]

Prints, each as the best of N runs on this machine (compare ratios, not absolute seconds, on a shared one):
- `fullcost --help` as a whole process (target < 0.3 s);
- `fullcost estimate MODEL --samples 100000 --format json` as a whole process (target < 1 s);
- the estimate in-process with every view (development, lab year, bridge, footnotes, tornado) at 100,000
  and 1,000,000 samples (targets < 0.2 s and < 2 s);
- squigglepy drawing the same uncertain inputs (same distributions, same sample counts), if installed
  (`pip install squigglepy`, or `make bench`).
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from fullcost import catalog, estimation
from fullcost.quantity import Dist

FULLCOST = str(Path(sys.executable).with_name("fullcost"))


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def proc(args: list[str]) -> Callable[[], object]:
    env = dict(os.environ, COLUMNS="120")
    return lambda: subprocess.run(args, check=True, capture_output=True, env=env)


def squiggle_model(drawn: dict[str, tuple[Dist, object]]) -> Callable[[int], object] | None:
    try:
        import squigglepy as sq  # type: ignore[import-not-found]
    except ImportError:
        return None
    dists = []
    for d, _ in drawn.values():
        k, p = d.kind, d.params
        if k == "lognormal":
            dists.append(sq.lognorm(math.exp(p[0] - 1.6448536 * p[1]), math.exp(p[0] + 1.6448536 * p[1])))
        elif k == "normal":
            dists.append(sq.norm(mean=p[0], sd=p[1]))
        elif k == "uniform":
            dists.append(sq.uniform(p[0], p[1]))
        elif k == "pert":
            dists.append(sq.pert(p[0], p[1], p[2]))
        elif k == "logitnormal":  # no logit-normal in squigglepy: the same-cost lognormal stands in
            dists.append(sq.lognorm(0.2, 0.8))
        elif k == "choice":
            dists.append(sq.discrete(dict(zip(p, d.weights, strict=True))))

    def sample(n: int) -> object:
        return [sq.sample(x, n=n) for x in dists]

    return sample


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="deepseek-v3")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    doc = catalog.load_scenario(a.model)

    rows: list[tuple[str, float, str]] = []
    rows.append(("fullcost --help (process)", best(proc([FULLCOST, "--help"]), a.repeat), "< 0.3 s"))
    rows.append((f"fullcost estimate {a.model} -n 100000 --format json (process)",
                 best(proc([FULLCOST, "estimate", a.model, "-n", "100000", "--format", "json"]), a.repeat),
                 "< 1 s"))
    for n, target in ((100_000, "< 0.2 s"), (1_000_000, "< 2 s")):
        rows.append((f"estimate + all views, {n:,} samples (in-process)",
                     best(lambda n=n: estimation.to_json(estimation.run(doc, n, 0)), a.repeat), target))
    est = estimation.run(doc, 1000, 0)
    uncertain = {k: v for k, v in est.ctx.sampler.drawn.items() if not v[0].is_point}
    sq = squiggle_model(uncertain)
    print(f"model: {a.model}; {len(uncertain)} uncertain inputs; best of {a.repeat} runs")
    width = max(len(r[0]) for r in rows) + 2
    for name, secs, target in rows:
        print(f"{name:<{width}} {secs:8.3f} s   target {target}")
    if sq is None:
        print("squigglepy: not installed (pip install squigglepy) — no side-by-side figure")
        return
    for n in (100_000, 1_000_000):
        ours = best(lambda n=n: estimation.run(doc, n, 0), a.repeat)
        theirs = best(lambda n=n: sq(n), a.repeat)
        print(f"sampling the same {len(uncertain)} inputs, {n:,} samples: fullcost (whole model) {ours:.3f} s, "
              f"squigglepy (inputs only) {theirs:.3f} s, ratio {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
