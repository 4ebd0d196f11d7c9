"""A model's cost from a lab's own records, in the shape of an estimate: the headline, the items, the bridge.

``items_for(ledger, model)`` gives the cost items (``fullcost.items.CostItem``, point values); ``run`` adds the
headline a lab would announce (the final run's GPU-hours at a rental price) and ``to_json`` the same keys as
``fullcost estimate`` (headline, development, bridge, coverage), so the views, the statements and the report
read actuals as they read an estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fullcost import views
from fullcost.actuals import allocate as al
from fullcost.actuals import engine, focus
from fullcost.actuals import period as pd
from fullcost.errors import InputError
from fullcost.estimation import Headline
from fullcost.items import CostItem
from fullcost.quantity import Arr
from fullcost.summary import summarize


@dataclass
class ActualEstimate:
    model: str
    ledger: str
    samples: int
    headline: Headline
    items: list[CostItem]
    total: Arr
    gpu_hours: dict[str, float]  # by phase
    allocation: al.Allocation
    setup: al.Setup
    warnings: list[str]


def run(ledger: str | Path, model: str, *, samples: int = 1, rules: str | Path | None = None,
        fleet: str | Path | None = None, staff: str | Path | None = None, idle: str | None = None,
        headline_rate: float | None = None, period: pd.Period = pd.ALL) -> ActualEstimate:
    with engine.open_ledger(ledger, read_only=True) as led:
        setup = al.resolve(led, rules, fleet, staff, idle, period)
        alloc = al.allocate(led, setup)
        warnings = list(alloc.warnings) + al.check_rules(alloc, setup.rules,
                                                         focus.rule_hits(led, setup.rules, period))
    known = [m for m in alloc.models() if m not in (al.LAB,)]
    if model not in known:
        raise InputError(f"no usage, bills or staff in the ledger are attributed to model '{model}' "
                         f"(models: {', '.join(known) or 'none'}); see `fullcost ledger usage --by model`",
                         str(ledger))
    items = al.items(alloc, model, samples)
    hours = {ph: h for (m, ph), h in alloc.gpu_hours.items() if m == model}
    final_h = hours.get("final_run", 0.0)
    if headline_rate is not None:
        rate, basis = headline_rate, "given rate"
    elif setup.fleet is not None and setup.fleet.headline_rate is not None:
        rate, basis = setup.fleet.headline_rate, setup.fleet.headline_basis
    else:
        rate, basis = 0.0, "no rental price (give --headline-rate or a fleet file)"
    note = ("the final run's GPU-hours in the ledger at a rental price: the figure a lab announces"
            if final_h else "no usage is attributed to the final run (phase final_run), so the headline is 0")
    head = Headline(final_h * rate, final_h, rate, basis, note)
    total = views.total(items, samples)
    return ActualEstimate(model, str(ledger), samples, head, items, total, hours, alloc, setup, warnings)


def items_for(ledger: str | Path, model: str, **kw: Any) -> list[CostItem]:
    """The cost items of ``model`` from the ledger (keywords as ``run``)."""
    return run(ledger, model, **kw).items


def to_json(est: ActualEstimate) -> dict[str, Any]:
    h = est.headline
    a = est.allocation
    return {
        "name": est.model,
        "source": "ledger",
        "ledger": est.ledger,
        "period": a.period,
        "samples": est.samples,
        "seed": 0,
        "headline": {"usd": h.usd, "gpu_hours": h.gpu_hours, "usd_per_gpu_hour": h.usd_per_gpu_hour,
                     "basis": h.basis, "note": h.note},
        "actuals": {
            "gpu_hours": dict(sorted(est.gpu_hours.items())),
            "idle_policy": est.setup.idle,
            "fleet": None if est.setup.fleet is None else {
                "file": est.setup.fleet.file, "capacity_gpu_hours": a.capacity_hours,
                "used_gpu_hours": a.used_hours, "idle_gpu_hours": a.idle_hours,
                "months": [f"{m // 100}-{m % 100:02d}" for m in a.months], "energy": al.energy(a)},
            "rules": est.setup.rules.file or None,
            "staff": est.setup.staff.file if est.setup.staff else None,
        },
        "development": {
            "total_usd": summarize(est.total),
            "rate": "fleet" if est.setup.fleet else "none",
            "program_gpu_hours": summarize(sum(est.gpu_hours.values()) + 0.0 * est.total),
            "items": views.item_rows(est.items),
        },
        "bridge": [{"step": b.step, "label": b.label, "usd": b.usd} for b in views.bridge(h.usd, est.items)],
        "coverage": _coverage(h.usd, est),
        "sensitivity": [],
        "warnings": est.warnings,
    }


def _coverage(headline_usd: float, est: ActualEstimate) -> dict[str, Any]:
    import numpy as np

    if not np.all(est.total > 0):
        return {"headline_share": summarize(np.zeros_like(est.total)),
                "excluded": [{"name": n, "usd": summarize(a), "what": w} for n, a, w in views.excluded(est.items)]}
    return views.coverage(headline_usd, est.total, est.items)
