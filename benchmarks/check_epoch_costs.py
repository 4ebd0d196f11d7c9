"""Check fullcost against Epoch AI's cost table: every model of model_costs.csv, by Epoch's own name.

    python benchmarks/check_epoch_costs.py [--reference DIR] [--samples N]

For each of the 82 rows of Epoch AI's ``model_costs.csv`` (commit e13599f, in
``../shared/reference/epoch-training-cost-trends-e13599f``), runs ``fullcost estimate "<Epoch's model name>"
--dollars 2024 --format json`` in-process and compares ``final_run.amortized_usd`` p50 with Epoch's
``Hardware_Capex_Energy_Cost`` (December 2024 dollars). Where the catalog entry carries Epoch's inputs the two
should agree within 1%; where it uses its own (a better-sourced figure, or a range where Epoch assumes a point),
the line says which input differs from Epoch's, by how much, and the entry's own reason. Prints every row, then
the median and worst absolute error against the issue's bounds (median <= 5%, worst <= 25%); exits 1 when a bound
is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "epoch-training-cost-trends-e13599f"
sys.path.insert(0, str(ROOT / "scripts"))

TOLERANCE = 0.01  # where the entry carries Epoch's inputs
MEDIAN_BOUND, WORST_BOUND = 0.05, 0.25


def run(name: str, samples: int) -> dict[str, Any]:
    from typer.testing import CliRunner

    from fullcost.cli import app

    r = CliRunner().invoke(app, ["estimate", name, "--dollars", "2024", "--format", "json", "--samples", str(samples)])
    if r.exit_code != 0:
        raise SystemExit(f"fullcost estimate {name!r} failed (exit {r.exit_code}): {r.stderr or r.stdout}")
    out: dict[str, Any] = json.loads(r.stdout)
    return out


def _why(d: Any) -> str:
    return "" if d is None else (d.note or "")


def differences(name: str, out: dict[str, Any], epoch: Any) -> list[str]:
    """Which of the entry's inputs differ from Epoch AI's, with the entry's reason."""
    from fullcost import catalog

    sc = catalog.load_scenario(name).scenario
    fr = out["final_run"]
    infl = epoch.inflation
    diffs = []
    hours = float(fr["gpu_hours"])
    if sc.final_run.mfu is not None and not sc.final_run.mfu.is_point:
        lo, hi = sc.final_run.mfu.interval()
        diffs.append(f"utilization {lo:.1%} to {hi:.1%} where Epoch assumes {epoch.utilization:.1%} (median "
                     f"kept: {_why(sc.final_run.mfu)[:90]}...)")
    elif abs(hours / epoch.chip_hours - 1) > 1e-6:
        field = sc.final_run.gpu_hours or sc.final_run.duration
        rel = hours / epoch.chip_hours - 1
        diffs.append(f"GPU-hours {hours:,.0f} where Epoch has {epoch.chip_hours:,.0f} ({rel:+.1%}): "
                     f"{_why(field) or (field.source if field else '')}")
    parts = fr["amortized_parts_usd"]
    hw = (parts["hardware"]["mean"] + parts["interconnect"]["mean"]) / hours
    epoch_hw = epoch.value_at_start * 0.14 * math.log(10) / 8766 / 0.81 * infl
    if abs(hw / epoch_hw - 1) > 1e-3:
        what = (f"hardware value at the start {fr['start']} (acquired {fr['acquired']}) where Epoch has "
                f"{epoch.start:%Y-%m-%d} (acquired {epoch.acquired})")
        diffs.append(f"hardware per GPU-hour {hw / epoch_hw - 1:+.1%}: {what}")
    en = parts["energy"]["mean"] / hours
    epoch_en = epoch.energy / epoch.chip_hours * infl
    if abs(en / epoch_en - 1) > 1e-3:
        diffs.append(f"energy per GPU-hour {en / epoch_en - 1:+.1%} (TDP, server power, PUE or electricity price)")
    return diffs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reference", type=Path, default=REFERENCE)
    ap.add_argument("--samples", type=int, default=10_000)
    args = ap.parse_args(argv)
    if not (args.reference / "model_costs.csv").is_file():
        print(f"skipped: Epoch AI's model_costs.csv is not at {args.reference} (the reference files are not "
              "part of the project)")
        return 0
    import epoch_method as em

    data = em.load(args.reference)
    modes = em.year_modes(data)
    rows = []
    print(f"{'model':34s} {'Epoch AI':>13s} {'fullcost p50':>13s} {'error':>8s}  inputs")
    for name, c in data.costs.items():
        epoch_usd = float(c["Hardware_Capex_Energy_Cost"])
        out = run(name, args.samples)
        p50 = float(out["final_run"]["amortized_usd"]["p50"])
        err = p50 / epoch_usd - 1
        inputs = em.inputs(data, name, modes)
        assert isinstance(inputs, em.Inputs)
        diffs = differences(name, out, inputs)
        basis = "Epoch's inputs" if not diffs else "own: " + "; ".join(diffs)
        flag = "" if diffs or abs(err) <= TOLERANCE else "  <-- outside 1% with Epoch's inputs"
        rows.append((name, epoch_usd, p50, err, diffs))
        print(f"{name[:34]:34s} {epoch_usd:13,.0f} {p50:13,.0f} {err:+8.2%}  {basis}{flag}")
    errs = [abs(r[3]) for r in rows]
    same = [r for r in rows if not r[4]]
    own = [r for r in rows if r[4]]
    med, worst = statistics.median(errs), max(rows, key=lambda r: abs(r[3]))
    within = sum(abs(r[3]) <= TOLERANCE for r in same)
    print()
    print(f"models: {len(rows)}; with Epoch's inputs: {len(same)} ({within} within 1%, worst "
          f"{max((abs(r[3]) for r in same), default=0.0):.3%}); with inputs of their own: {len(own)}")
    print(f"median absolute error: {med:.3%} (bound {MEDIAN_BOUND:.0%}): {'ok' if med <= MEDIAN_BOUND else 'MISSED'}")
    print(f"worst: {worst[0]} {worst[3]:+.2%} (bound {WORST_BOUND:.0%}): "
          f"{'ok' if abs(worst[3]) <= WORST_BOUND else 'MISSED'}; {'; '.join(worst[4]) or 'Epoch inputs'}")
    ok = med <= MEDIAN_BOUND and abs(worst[3]) <= WORST_BOUND and within == len(same)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
