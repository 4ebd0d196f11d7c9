"""What a third party would spend to reproduce a model, by what was released (weights, code, data)."""

from __future__ import annotations

from typing import Any

import numpy as np

from fullcost import catalog, views
from fullcost.estimation import Estimate
from fullcost.quantity import Arr
from fullcost.summary import summarize

LEVELS = ("weights", "weights+code", "weights+code+data")
STEPS = ("experiments", "validation", "related_model", "failed", "staff", "data", "overhead")
COMPUTE_STEPS = ("experiments", "validation", "related_model", "failed")
_STAGES = ("weights", "code", "data")


def shares(est: Estimate) -> dict[str, dict[str, Arr]]:
    """Per step, the share of the original cost a replicator pays at each level (nested, so monotone)."""
    table = catalog.raw("replication")
    out: dict[str, dict[str, Arr]] = {}
    for step in STEPS:
        acc = est.ctx.const(1.0)
        out[step] = {}
        for stage, level in zip(_STAGES, LEVELS, strict=True):
            d = catalog.sourced(table[step][stage], "fraction")
            assert d is not None
            name = f"replication.{step}.{stage}"
            est.ctx.used[name] = d
            acc = acc * est.ctx.sampler.draw(name, d)
            out[step][level] = acc
    return out


def replicate(est: Estimate) -> dict[str, Any]:
    fr = est.final
    by_step: dict[str, Arr] = {}
    own_final = est.ctx.const(0.0)
    for it in est.iceberg.development:
        step = views.step_of(it)
        if step == "final_run":
            own_final = own_final + it.usd
        else:
            by_step[step] = by_step.get(step, est.ctx.const(0.0)) + it.usd
    # the original's program is priced at its own cost per GPU-hour; a third party rents
    to_rental = np.divide(fr.rental_usd, own_final, out=np.ones(est.samples), where=own_final > 0)
    sh = shares(est)
    levels = []
    for level in LEVELS:
        total = np.array(fr.rental_usd, dtype=np.float64)
        parts = [{"step": "final_run", "usd": summarize(fr.rental_usd)}]
        for step in STEPS:
            if step not in by_step:
                continue
            cost = by_step[step] * sh[step][level] * (to_rental if step in COMPUTE_STEPS else 1.0)
            total = total + cost
            parts.append({"step": step, "usd": summarize(cost)})
        levels.append({"openness": level, "usd": summarize(total), "parts": parts, "_samples": total})
    released = est.doc.scenario.openness
    return {
        "name": est.doc.scenario.name,
        "released": released,
        "levels": levels,
        "original_development_usd": summarize(est.development_total),
        "final_run_rental_usd": summarize(fr.rental_usd),
        "note": _note(released),
    }


def _note(released: str | None) -> str:
    if released is None:
        return "The scenario does not say what was released (openness)."
    if released == "closed":
        return ("Nothing was released: a replicator starts from published descriptions only, so even the "
                "weights-only level is a lower bound.")
    return f"The developer released: {released}. That level is what a replicator faces today."


def public(result: dict[str, Any]) -> dict[str, Any]:
    """The result without the raw sample arrays."""
    out = dict(result)
    out["levels"] = [{k: v for k, v in lv.items() if not k.startswith("_")} for lv in result["levels"]]
    return out
