"""Check a claimed cost: which definition it matches, with what probability, and what it leaves out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fullcost import catalog, compute, fmt, views
from fullcost.estimation import Estimate
from fullcost.quantity import Arr
from fullcost.summary import summarize

DEFAULT_TOLERANCE = 0.25  # headline figures are rounded ("$5.5M", "about $6M"): within 25% counts as the same


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    usd: Arr


def definitions(est: Estimate) -> list[Definition]:
    fr = est.final
    defs = [
        Definition("final_run_rental", "the final run at rental rates", fr.rental_usd),
        Definition("final_run_amortized", "the final run on owned hardware, amortized (Epoch AI's method)",
                   fr.amortized_usd),
        Definition("final_run_straight_line", "the final run on owned hardware, straight-line depreciation",
                   fr.amortized_straight_line_usd),
        Definition("acquisition", "buying the cluster that ran the final run", fr.acquisition_usd),
        Definition("development", "the full development cost of the model", est.development_total),
    ]
    if est.lab_total is not None:
        defs.append(Definition("lab_annual", "the lab's cost for a year", est.lab_total))
    return defs


def match_probability(claim: float, usd: Arr, tolerance: float) -> float:
    """Share of samples in which the claim lies within a factor (1 + tolerance) of the definition's value."""
    with np.errstate(divide="ignore"):  # a definition worth $0 in a sample matches no claim there
        ratio = claim / np.asarray(usd)
    return float(np.mean((ratio <= 1 + tolerance) & (ratio >= 1 / (1 + tolerance))))


def check(est: Estimate, claim_usd: float, tolerance: float = DEFAULT_TOLERANCE,
          gpu_hours: float | None = None, flops: float | None = None) -> dict[str, Any]:
    fr = est.final
    defs = definitions(est)
    matches: list[dict[str, Any]] = [
        {"definition": d.key, "label": d.label, "probability": match_probability(claim_usd, d.usd, tolerance)}
        for d in defs]
    matches.sort(key=lambda m: -m["probability"])
    best = matches[0] if matches[0]["probability"] > 0 else None
    # definitions the claim fits (nearly) as well as the best: the claim alone cannot tell them apart
    also = [m for m in matches[1:] if best is not None and m["probability"] > 0.5
            and m["probability"] >= best["probability"] - 0.05]
    excluded: list[dict[str, Any]] = []
    if best is not None and str(best["definition"]).startswith("final_run"):
        excluded = [{"name": n, "usd": summarize(a), "what": w} for n, a, w in views.excluded(est.iceberg.development)]
    hours = gpu_hours if gpu_hours is not None else float(np.mean(fr.pretraining_gpu_hours))
    fl = flops if flops is not None else (None if fr.flops is None else float(np.mean(fr.flops)))
    mfu: float | None = None
    if hours > 0 and fl is not None:
        mfu = float(np.mean(compute.implied_mfu(np.asarray(fl), np.asarray(hours), fr.peak_tflops)))
    lo, hi = catalog.defaults()["mfu_plausible"].interval()
    return {
        "claim_usd": claim_usd,
        "tolerance": tolerance,
        "matches": matches,
        "best": best["definition"] if best else None,
        "also_matches": [m["definition"] for m in also],
        "warnings": ([f"a claim of {fmt.usd(claim_usd)} is tiny for a training cost: did you mean "
                      f"{claim_usd:g}M?"] if claim_usd < 1000 else []),
        "coverage": views.headline_share(claim_usd, est.development_total),
        "excluded": excluded,
        "implied_mfu": mfu,
        "mfu_plausible": None if mfu is None else lo <= mfu <= hi,
        "mfu_range": [lo, hi],
        "precision": fr.precision,
        "summary": sentence(claim_usd, best, also, excluded, mfu, (lo, hi), fr.precision),
    }


def sentence(claim: float, best: dict[str, Any] | None, also: list[dict[str, Any]],
             excluded: list[dict[str, Any]], mfu: float | None,
             rng: tuple[float, float], precision: str) -> str:
    if best is None:
        text = f"{fmt.usd(claim)} matches none of the cost definitions under this scenario."
    else:
        text = f"This matches {best['label']} (probability {best['probability']:.0%})."
        if also:
            text += " It fits " + " and ".join(m["label"] for m in also) + " about as well."
        if excluded:
            parts = [f"{e['name']} (~{fmt.usd(e['usd']['mean'])})" for e in excluded]
            text += " It excludes " + ", ".join(parts) + "."
    if mfu is None:
        return text + " No pre-training phase: the MFU check does not apply."
    ok = rng[0] <= mfu <= rng[1]
    text += (f" The stated GPU-hours imply {mfu:.0%} MFU of the {precision.upper()} peak, "
             + ("within" if ok else "OUTSIDE") + f" what large runs achieve ({rng[0]:.0%} to {rng[1]:.0%}).")
    return text
