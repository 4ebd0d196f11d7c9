#!/usr/bin/env python3
"""How long the DeepSeek-V3 report takes with 100,000 samples, and how big it is (budget: 3 s, 5 MB).

    .venv/bin/python benchmarks/bench_report.py [--samples 100000] [--model deepseek-v3] [--repeat 3]

Prints the in-process time of each step (best of --repeat; the analyses beyond the headline once, as they
draw their inputs into the estimate they are given), the whole command as a person runs it
(`fullcost report`, interpreter start and imports included), the file size, and the same with --figures
and --xlsx. Exits 1 when the command or the file is over budget.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

BUDGET_S = 3.0
BUDGET_BYTES = 5 * 1024 * 1024


def best(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    times = []
    for _ in range(max(repeat, 1)):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--model", default="deepseek-v3")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    from fullcost import catalog, estimation
    from fullcost.cli.report import analyse
    from fullcost.report import html, xlsx

    doc = catalog.load_scenario(a.model)
    t_est, est = best(lambda: estimation.run(doc, a.samples, 0), a.repeat)
    t_json, out = best(lambda: estimation.to_json(est), a.repeat)
    t_beyond, beyond = best(lambda: analyse(est, out, a.samples, 0, None, 10e6, 2025), 1)
    t_model, m = best(lambda: html.model_report(est, out, beyond=beyond), a.repeat)
    t_html, _page = best(lambda: html.render([m], "2025-01-01").encode("utf-8"), a.repeat)
    t_fig, _ = best(lambda: [(c.svg(n, True), c.png()) for n, c in html.figures([m])], 1)
    t_xlsx, _ = best(lambda: xlsx.workbook([m], "2025-01-01"), 1)

    print(f"fullcost report {a.model}, {a.samples:,} samples (in-process, best of {a.repeat})")
    for label, t in (("estimate (sample and cost)", t_est), ("to_json (summaries, sensitivity)", t_json),
                     ("beyond: claim, replicate, trend, variant", t_beyond),
                     ("report model (assumptions, histogram)", t_model), ("render HTML", t_html),
                     ("figures, SVG + PNG", t_fig), ("workbook", t_xlsx)):
        print(f"  {label:<40} {t:7.3f} s")

    with tempfile.TemporaryDirectory() as tmp:
        base = [sys.executable, "-m", "fullcost.cli", "report", a.model, "--samples", str(a.samples)]
        runs = []
        for extra in ([], ["--figures", str(Path(tmp) / "figs"), "--xlsx", str(Path(tmp) / "r.xlsx")]):
            f = Path(tmp) / "report.html"
            times = []
            for _ in range(a.repeat):
                t = time.perf_counter()
                subprocess.run([*base, "-o", str(f), *extra], check=True, stdout=subprocess.DEVNULL)
                times.append(time.perf_counter() - t)
            runs.append((min(times), f.stat().st_size))
    (t_cmd, size), (t_all, _) = runs
    print("the command, as a person runs it (interpreter start and imports included):")
    print(f"  fullcost report {a.model} --samples {a.samples:,}        {t_cmd:7.3f} s   (budget {BUDGET_S:.0f} s)")
    print(f"  ... with --figures and --xlsx                  {t_all:7.3f} s")
    print(f"  report size                                    {size / 1024:7.0f} KB  (budget "
          f"{BUDGET_BYTES / 1024 / 1024:.0f} MB)")
    ok = t_cmd < BUDGET_S and size < BUDGET_BYTES
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
