"""Benchmark: staff drawn person by person (``per_person: true``) against the samples x people matrix.

    python benchmarks/bench_per_person.py [--samples 1000000] [--people 284]

Epoch AI's development-cost notebook draws each contributor's pay and share of time as a (samples x people)
matrix and sums it; for GPT-4's 284 contributors and a million samples one such matrix is 2.27 GB, and it
takes several. fullcost accumulates the sum one person at a time. Each run is its own process, so its peak
memory (max RSS) is its own:

- fullcost: ``estimation.run`` of a small scenario whose one role is ``per_person: true``;
- matrix: the same distributions drawn as Epoch AI's notebook draws its inputs, (samples x people) arrays
  summed over people (run at a tenth of the samples unless ``--full-matrix``: at a million samples it needs
  about 7 GB).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

SCENARIO = """
name: bench
released: '2024-06-01'
model: {{params_active: 1B, tokens: 100B}}
final_run: {{hardware: h100-sxm, gpus: 64, gpu_hours: 10K, usd_per_gpu_hour: 2.5, start: '2024-03-01'}}
ownership: {{purchase_usd_per_gpu: 30000, purchase_basis: dgx, acquired: '2024-01-01', pue: 1.2,
            electricity_usd_per_kwh: 0.1}}
staff:
  duration: 1 year
  roles:
    - {{role: contributors, headcount: {people}, salary_usd: 140K to 265K, overhead: 1.25 to 1.4,
        equity_usd: 35K to 502K, share: 5% to 80%, per_person: true}}
"""

FULLCOST = r"""
import json, resource, sys, time
from fullcost import estimation
from fullcost.scenario import loads
samples, people = int(sys.argv[1]), int(sys.argv[2])
doc = loads(sys.argv[3], "bench.yaml")
t = time.perf_counter()
est = estimation.run(doc, samples, 0)
secs = time.perf_counter() - t
staff = [it for it in est.iceberg.development if it.category == "staff"][0].usd
print(json.dumps({"seconds": secs, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "staff_mean": float(staff.mean())}))
"""

MATRIX = r"""
import json, resource, sys, time
import numpy as np
from fullcost.quantity import parse
samples, people = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
def draw(text, dim):  # the same distributions as the scenario's, drawn as one (samples x people) matrix
    return parse(text, dim).sample(rng, samples * people).reshape(samples, people)
t = time.perf_counter()
comp = draw("140K to 265K", "usd") * draw("1.25 to 1.4", "multiplier")
comp += draw("35K to 502K", "usd")
comp *= draw("5% to 80%", "fraction")
total = comp.sum(axis=1)
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "staff_mean": float(total.mean())}))
"""


def run(code: str, *args: str) -> dict[str, float]:
    p = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return dict(json.loads(p.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=1_000_000)
    ap.add_argument("--people", type=int, default=284)
    ap.add_argument("--full-matrix", action="store_true")
    a = ap.parse_args()
    matrix_samples = a.samples if a.full_matrix else max(a.samples // 10, 1)
    fc = run(FULLCOST, str(a.samples), str(a.people), SCENARIO.format(people=a.people))
    mx = run(MATRIX, str(matrix_samples), str(a.people))
    one = a.samples * a.people * 8 / 1e9
    print(f"{a.people} people, staff cost per person and sample (means agree when both draw the same inputs)")
    print(f"{'':24} {'samples':>10} {'seconds':>9} {'max RSS':>10} {'mean staff $':>14}")
    print(f"{'fullcost (per person)':24} {a.samples:>10,} {fc['seconds']:>9.2f} {fc['rss_mb']:>8.0f}MB "
          f"{fc['staff_mean']:>14,.0f}")
    print(f"{'matrix (Epoch notebook)':24} {matrix_samples:>10,} {mx['seconds']:>9.2f} {mx['rss_mb']:>8.0f}MB "
          f"{mx['staff_mean']:>14,.0f}")
    print(f"one (samples x people) float64 matrix at {a.samples:,} samples: {one:.2f} GB")


if __name__ == "__main__":
    main()
