"""`fullcost serve` under load: recompute latency for one user and for 20 at once, and the server's memory.

    python benchmarks/bench_serve.py [--model deepseek-v3] [--samples 100000] [--single 30] [--users 20]
                                     [--seconds 60] [--workers 1]

From one run, side by side:
- the engine alone, in this process: the same recompute (load with one override, run, JSON, the report's data),
  step by step, so that the served latency can be read against it (the baseline);
- one user: a control moved to a new value each time (no cache hit), `GET /api/page/m/MODEL?set=...&samples=N`, the
  request the page's script makes; p50 and p95 (target p95 < 300 ms);
- USERS users at once, each changing a control every second for SECONDS seconds (a user waits for its answer; every
  value new): p50, p95 (target < 2 s), errors, answers a second;
- the server's peak memory (resident, all its processes), sampled every 0.2 s.
The machine is shared and has 2 cores: read the latencies against the engine's own time measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import psutil

from fullcost.web.local import serving

SALARY = "regions.china.staff.researcher_salary_usd"


def pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def engine(model: str, samples: int, n: int) -> dict[str, list[float]]:
    """The recompute's steps in this process (what the server does for one request, without HTTP)."""
    from fullcost import api
    from fullcost.overrides import parse_all
    from fullcost.report.model import model_report
    from fullcost.web.pages import model_fragment
    from fullcost.web.state import State
    from fullcost.web.work import ModelView, Source, dumps

    api.estimate(model, samples=1000)  # warm the catalog caches, as a running server has them
    steps: dict[str, list[float]] = {k: [] for k in ("load", "run", "json", "report data", "html", "total")}
    for i in range(n):
        t0 = time.perf_counter()
        doc = api.load(model, parse_all([f"{SALARY}={150_000 + 137 * i}"]))
        t1 = time.perf_counter()
        est = api.run(doc, samples, 0)
        t2 = time.perf_counter()
        out = api.to_json(est)
        t3 = time.perf_counter()
        m = model_report(est, out)
        t4 = time.perf_counter()
        model_fragment(ModelView(Source("model", model), State(), out, dumps(out), m))
        t5 = time.perf_counter()
        for k, a, b in (("load", t0, t1), ("run", t1, t2), ("json", t2, t3), ("report data", t3, t4),
                        ("html", t4, t5), ("total", t0, t5)):
            steps[k].append(b - a)
    return steps


def get(url: str, timeout: float = 60.0) -> tuple[float, int]:
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            code = r.status
    except urllib.error.HTTPError as e:
        code = e.code
    except OSError:
        code = 0
    return time.perf_counter() - t, code


class Memory(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                rss = sum(p.memory_info().rss for p in [self.proc, *self.proc.children(recursive=True)])
            except psutil.Error:
                rss = 0
            self.peak = max(self.peak, rss)
            time.sleep(0.2)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="deepseek-v3")
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--single", type=int, default=30, help="one user's recomputes")
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--workers", type=int, default=1)
    a = ap.parse_args()
    print(f"fullcost serve benchmark: {a.model}, {a.samples:,} samples; {os.cpu_count()} CPU cores "
          f"(shared with others), {a.workers} worker process(es)")

    steps = engine(a.model, a.samples, max(5, a.single // 3))
    print("\nthe engine alone, in process (baseline), median of the steps of one recompute:")
    for k, xs in steps.items():
        print(f"  {k:<12} {statistics.median(xs) * 1000:7.0f} ms")

    with serving(workers=a.workers) as (base, pid):
        mem = Memory(pid)
        mem.start()
        page = f"{base}/api/page/m/{a.model}?"
        get(page + urlencode({"samples": a.samples}))  # the first request loads the catalog
        lat = []
        for i in range(a.single):
            dt, code = get(page + urlencode({"set": f"{SALARY}={160_000 + 113 * i}", "samples": a.samples}))
            if code == 200:
                lat.append(dt)
        print(f"\none user, {a.single} recomputes at {a.samples:,} samples (every value new):")
        print(f"  p50 {pct(lat, 50) * 1000:7.0f} ms   p95 {pct(lat, 95) * 1000:7.0f} ms   (target p95 < 300 ms)   "
              f"engine alone p50 {statistics.median(steps['total']) * 1000:.0f} ms; "
              f"errors {a.single - len(lat)}")

        results: list[tuple[float, int]] = []
        lock = threading.Lock()
        start = time.perf_counter() + 0.5

        def user(u: int) -> None:
            for k in range(a.seconds):
                wait = start + k - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                elif wait < -1:
                    continue  # still waiting for the last answer: this second's change is skipped (debounced)
                v = 120_000 + u * 3001 + k * 17
                r = get(page + urlencode({"set": f"{SALARY}={v}", "samples": a.samples}))
                with lock:
                    results.append(r)

        threads = [threading.Thread(target=user, args=(u,)) for u in range(a.users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - start
        mem.stop.set()
        mem.join()
        ok = [dt for dt, code in results if code == 200]
        errors = [code for _, code in results if code != 200]
        print(f"\n{a.users} users, each changing a control every second for {a.seconds} s "
              f"({len(results)} requests sent in {took:.0f} s; a user waits for its answer):")
        print(f"  p50 {pct(ok, 50):6.2f} s   p95 {pct(ok, 95):6.2f} s   (target p95 < 2 s)   errors {len(errors)}"
              + (f" (HTTP {sorted(set(errors))})" if errors else "")
              + f"   answers/s {len(ok) / took:.2f}   asked/s {a.users:.0f}")
        print(f"  capacity: {1 / statistics.median(steps['total']):.1f} recomputes/s per core from the engine's "
              f"own time, so {a.users} users a second need ~{a.users * statistics.median(steps['total']):.0f} cores")
        print(f"\nserver peak memory (resident, all processes): {mem.peak / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
