"""One recompute of a model, this checkout against a git ref (default: main), side by side in one run.

    python benchmarks/bench_engine.py [--ref main] [--model deepseek-v3] [--samples 100000] [--rounds 12]
                                      [--check] [--check-samples 10000]

The ref's ``src/`` is extracted into a temporary folder; two worker processes (the ref's code and this
checkout's) run the same recompute in turns, in alternating order, so that a shared machine's noise falls on
both alike. Each recompute is what ``fullcost serve`` does for one request: load the model with one override
(a new value each time), run it, shape the JSON, build the report's data, render the page's fragment. Printed:
the median of each step, milliseconds, for both, and their ratio (of which: the summaries and the tornado).
A run keeps its draws for the next (``quantity.DRAWS``: only the input that changed is drawn again) and the
summaries of the arrays it made (``summary.SEEN``: found again by content); the "cold" lines are the same
recompute with none kept, as a first request or a new seed or sample count meets it.

``--check`` compares the outputs of the two: every catalog model's estimate JSON (``--check-samples``, seed 0)
and the report's data (assumption ranges, histogram), and the benchmarked model at ``--samples``; it prints how
many are identical to the bit and the largest relative difference of any number otherwise (the golden files
compare at 12 significant digits).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SALARY = "regions.china.staff.researcher_salary_usd"
# "  ..." lines: of which, in the step above (the summaries of each step apart)
STEPS = ("load", "run", "json", "  summaries", "  tornado", "report data", "  summaries ", "html", "total",
         "run, cold", "total, cold")


# --- the worker: runs in each code version's process --------------------------------------------------------

class Clock:
    """Time spent in one function, wherever the modules that call it imported it."""

    def __init__(self, modules: list[Any], name: str) -> None:
        self.spent = 0.0
        self.calls = 0
        for mod in modules:
            fn = getattr(mod, name, None)
            if fn is not None:
                setattr(mod, name, self.wrap(fn))

    def wrap(self, fn: Any) -> Any:
        def timed(*args: Any, **kw: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                self.spent += time.perf_counter() - t
                self.calls += 1
        return timed


def worker() -> None:
    from fullcost import api, estimation, quantity, summary, views
    from fullcost.overrides import parse_all
    from fullcost.report import assumptions
    from fullcost.report.model import model_report

    try:
        from fullcost.web.pages import model_fragment
        from fullcost.web.state import State
        from fullcost.web.work import ModelView, Source, dumps
        web = True
    except ImportError:
        web = False
    summaries = Clock([views, estimation, assumptions], "summarize")
    tornado = Clock([views], "sensitivity")

    def recompute(model: str, samples: int, i: int, cold: bool) -> dict[str, float]:
        if cold and hasattr(quantity, "DRAWS"):
            quantity.DRAWS.clear()  # no draw kept from the last run: every input drawn again
        if cold and hasattr(summary, "SEEN"):
            summary.SEEN.clear()  # no summary kept either
        summaries.spent = tornado.spent = 0.0
        t0 = time.perf_counter()
        doc = api.load(model, parse_all([f"{SALARY}={150_000 + 137 * i}"]))
        t1 = time.perf_counter()
        est = api.run(doc, samples, 0)
        t2 = time.perf_counter()
        out = api.to_json(est)
        t3 = time.perf_counter()
        s_json, t_json = summaries.spent, tornado.spent
        m = model_report(est, out)
        t4 = time.perf_counter()
        if web:
            model_fragment(ModelView(Source("model", model), State(), out, dumps(out), m))
        t5 = time.perf_counter()
        return {"load": t1 - t0, "run": t2 - t1, "json": t3 - t2, "  summaries": s_json, "  tornado": t_json,
                "report data": t4 - t3, "  summaries ": summaries.spent - s_json, "html": t5 - t4, "total": t5 - t0}

    def outputs(model: str, samples: int) -> dict[str, Any]:
        est = api.run(api.load(model), samples, 0)
        out = api.to_json(est)
        m = model_report(est, out)
        return {"json": out, "assumptions": [[a.name, a.low, a.mid, a.high] for a in m.assumptions],
                "histogram": [list(m.hist.edges), list(m.hist.counts), m.hist.above]}

    for line in sys.stdin:
        cmd = json.loads(line)
        if cmd["do"] == "time":
            ans: Any = recompute(cmd["model"], cmd["samples"], cmd["i"], cmd.get("cold", False))
        elif cmd["do"] == "models":
            ans = [r["name"] for r in api.models().data["models"]]
        else:
            try:
                ans = outputs(cmd["model"], cmd["samples"])
            except Exception as e:  # an error is an output too: both versions should give the same
                ans = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(ans) + "\n")
        sys.stdout.flush()


# --- the driver -----------------------------------------------------------------------------------------------

class Worker:
    def __init__(self, src: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
        self.p = subprocess.Popen([sys.executable, __file__, "--worker"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, env=env, cwd=src.parent)

    def ask(self, **cmd: Any) -> Any:
        assert self.p.stdin is not None and self.p.stdout is not None
        self.p.stdin.write(json.dumps(cmd) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise SystemExit("a worker stopped (see its error above)")
        return json.loads(line)

    def close(self) -> None:
        assert self.p.stdin is not None
        self.p.stdin.close()
        self.p.wait(timeout=60)


def extract(ref: str, into: Path) -> Path:
    archive = into / "src.tar"
    with archive.open("wb") as f:
        subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], stdout=f, check=True)
    with tarfile.open(archive) as t:
        t.extractall(into, filter="data")
    return into / "src"


def diff(a: Any, b: Any, path: str, worst: list[tuple[float, str]]) -> bool:
    """True where ``a`` and ``b`` are identical; the relative differences of numbers collected in ``worst``."""
    if isinstance(a, dict) and isinstance(b, dict):
        same = a.keys() == b.keys()
        if not same:
            worst.append((math.inf, f"{path}: keys {sorted(a.keys() ^ b.keys())}"))
        return all([diff(a[k], b[k], f"{path}.{k}", worst) for k in a.keys() & b.keys()]) and same
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            worst.append((math.inf, f"{path}: {len(a)} entries against {len(b)}"))
            return False
        return all([diff(x, y, f"{path}[{i}]", worst) for i, (x, y) in enumerate(zip(a, b, strict=True))])
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        if a == b or (math.isnan(a) and math.isnan(b)):
            return True
        worst.append((abs(a - b) / max(abs(a), abs(b)), path))
        return False
    if a != b:
        worst.append((math.inf, f"{path}: {a!r} against {b!r}"))
        return False
    return True


def check(base: Worker, new: Worker, model: str, samples: int, check_samples: int) -> None:
    names = base.ask(do="models")
    runs = [(m, check_samples) for m in names] + [(model, samples)]
    same = 0
    worst: list[tuple[float, str, str, int]] = []
    for m, n in runs:
        w: list[tuple[float, str]] = []
        if diff(base.ask(do="outputs", model=m, samples=n), new.ask(do="outputs", model=m, samples=n), "", w):
            same += 1
        worst += [(r, p, m, n) for r, p in w]
    print(f"\noutputs: {same} of {len(runs)} runs identical to the bit ({len(names)} catalog models at "
          f"{check_samples:,} samples, {model} at {samples:,})")
    if worst:
        worst.sort(key=lambda x: -x[0])
        print(f"  {len(worst)} numbers differ; the largest relative differences:")
        for r, p, m, n in worst[:8]:
            print(f"  {r:9.2e}  {m}{p} ({n:,} samples)")
        fields = sorted({re.sub(r"\[\d+\]", "[]", p[1:]) for _, p, _, _ in worst})
        print(f"  the fields that differ: {', '.join(fields)}")
    print(f"  within 12 significant digits: {'yes' if not worst or worst[0][0] < 5e-13 else 'NO'}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", default="main", help="the git ref to measure against (default: main)")
    ap.add_argument("--model", default="deepseek-v3")
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=12, help="recomputes by each version")
    ap.add_argument("--check", action="store_true", help="compare the two versions' outputs")
    ap.add_argument("--check-samples", type=int, default=10_000)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.worker:
        worker()
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        base, new = Worker(extract(a.ref, Path(tmp))), Worker(ROOT / "src")
        try:
            for w in (base, new):
                w.ask(do="time", model=a.model, samples=1000, i=0)  # the catalog's caches warm, as in a server
            times: dict[str, dict[str, list[float]]] = {"ref": {}, "new": {}}
            for i in range(a.rounds):
                for who in (("ref", "new") if i % 2 == 0 else ("new", "ref")):
                    w = base if who == "ref" else new
                    for k, v in w.ask(do="time", model=a.model, samples=a.samples, i=i + 1).items():
                        times[who].setdefault(k, []).append(v)
                    cold = w.ask(do="time", model=a.model, samples=a.samples, i=i + 1, cold=True)
                    for k in ("run", "total"):
                        times[who].setdefault(f"{k}, cold", []).append(cold[k])
            print(f"one recompute of {a.model} at {a.samples:,} samples, median of {a.rounds} each, in turns; "
                  f"{os.cpu_count()} CPU cores, shared")
            print(f"  {'step':<14} {a.ref[:12]:>12} {'this tree':>12} {'ratio':>8}")
            for k in STEPS:
                r, n = statistics.median(times["ref"][k]) * 1e3, statistics.median(times["new"][k]) * 1e3
                ratio = f"{r / n:7.1f}x" if n > 0.05 else "       -"
                print(f"  {k:<14} {r:10.0f}ms {n:10.0f}ms {ratio}")
            if a.check:
                check(base, new, a.model, a.samples, a.check_samples)
        finally:
            base.close()
            new.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
