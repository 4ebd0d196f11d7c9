"""The export-control premium: what working under chip export controls added to a model's cost, sample by sample.

A scenario that works under controls names, in its file, an ``unrestricted`` variant: the same lab without them
(no price premium on restricted chips, no compute lost to weaker interconnect, no staff time spent working
around them). Both runs use the same samples and seed, and every named input is drawn from its own stream, so
sample i of the two runs shares every input the variant leaves alone. The premium is therefore taken sample by
sample, and its interval is the premium's own, not the distance between two runs' intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fullcost import views
from fullcost.estimation import Estimate
from fullcost.scenario import Doc
from fullcost.summary import summarize

UNRESTRICTED = "unrestricted"  # the variant of a scenario file that is the same lab without export controls


@dataclass(frozen=True)
class Counterfactual:
    """The ``unrestricted`` variant to compare with, or why there is none (``missing``: the scenario works under
    controls but its file lacks the variant, which the reader should be told is missing, not inapplicable)."""

    doc: Doc | None
    reason: str = ""
    missing: bool = False


def counterfactual(doc: Doc) -> Counterfactual:
    """The scenario's ``unrestricted`` variant, when the premium can be measured against it."""
    from fullcost import scenario

    sc = doc.scenario
    ec = sc.export_controls
    if sc.variant == UNRESTRICTED:
        return Counterfactual(None, "this is the counterfactual without export controls itself; the premium belongs "
                                    "to the scenario it varies.")
    if ec is None or not ec.applies:
        return Counterfactual(None, "the scenario works under no export controls (it has no restricted hardware), "
                                    "so there is no premium to estimate.")
    if sc.variant is not None:
        base = scenario.variant_of(doc, None)
        if UNRESTRICTED in base.scenario.variants:
            return Counterfactual(None, f"this is the @{sc.variant} variant. The file's '{UNRESTRICTED}' variant "
                                        "takes the controls out of the base scenario, so against this variant the "
                                        "difference would mix in the variant's own changes; the premium belongs to "
                                        f"{base.scenario.name}.")
    if UNRESTRICTED not in sc.variants:
        return Counterfactual(None, f"the scenario works under export controls but has no '{UNRESTRICTED}' variant "
                                    "(the same lab without them) to compare with.", missing=True)
    return Counterfactual(scenario.variant_of(doc, UNRESTRICTED))  # the same file and overrides


def _by_step(est: Estimate) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for it in est.iceberg.development:
        s = views.step_of(it)
        out[s] = out.get(s, np.zeros(est.samples)) + it.usd
    return out


def premium(est: Estimate, free: Estimate) -> dict[str, Any]:
    """The premium of ``est`` (under controls) over ``free`` (its unrestricted variant, same samples and seed):
    development cost and, where both have one, the lab's annual cost; by bridge step; the share of the cost it
    is; and the probability that the controls raised the cost at all."""
    if (est.samples, est.seed) != (free.samples, free.seed):
        raise ValueError("the two runs must use the same samples and seed for a sample-wise difference")
    diff = est.development_total - free.development_total
    share = np.divide(diff, est.development_total, out=np.zeros(est.samples), where=est.development_total > 0)
    mine, theirs = _by_step(est), _by_step(free)
    steps = []
    for name, label in views.BRIDGE_STEPS:
        a = mine.get(name, np.zeros(est.samples))
        b = theirs.get(name, np.zeros(est.samples))
        d = a - b
        if np.any(d != 0):
            steps.append({"step": name, "label": label, "usd": summarize(d)})
    out: dict[str, Any] = {
        "scenario": est.doc.scenario.name, "variant": free.doc.scenario.name,
        "description": free.doc.scenario.description, "samples": est.samples, "seed": est.seed,
        "development": {"with_controls_usd": summarize(est.development_total),
                        "without_usd": summarize(free.development_total),
                        "premium_usd": summarize(diff), "share_of_cost": summarize(share),
                        "probability_positive": float(np.mean(diff > 0))},
        "by_step": steps, "lab_annual": None,
    }
    if est.lab_total is not None and free.lab_total is not None:
        ldiff = est.lab_total - free.lab_total
        out["lab_annual"] = {"with_controls_usd": summarize(est.lab_total), "without_usd": summarize(free.lab_total),
                             "premium_usd": summarize(ldiff), "probability_positive": float(np.mean(ldiff > 0))}
    return out
