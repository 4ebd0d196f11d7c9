"""Allocation: the ledger's usage, bills and staff turned into cost items per model, idle capacity included.

- Owned GPUs: each used GPU-hour costs its pool's depreciation, facility and energy (``actuals.fleet``). The
  energy is modelled (GPU-hours x the pool's energy per hour) except where the GPUs' energy was measured
  (tracker records with NVML energy, CodeCarbon runs: ``actuals.usage``): a row's energy is
  (GPU-seconds - measured GPU-seconds) / 3,600 x energy per hour + measured GPU-kWh x energy per GPU-kWh (server
  ratio x PUE x electricity price). The allocation counts the GPU-hours and GPU-kWh priced from measurement and
  the GPU-hours priced from the model. Depreciation, facility and idle capacity do not depend on it.
- Idle capacity: per pool and month, capacity hours less used hours, at depreciation + facility. Shared as
  OpenCost shares idle: ``weighted`` (in proportion to each model's used hours that month), ``even`` (equal
  parts to the models that used the pool that month) or ``none`` (kept apart, the lab's own item).
- Kubernetes: OpenCost's cost of each allocation; its ``__idle__`` cost shared by the same policy.
- Cloud: FOCUS EffectiveCost (amortized, after discounts) of the bills the rules attribute.
- Staff: the staff file's monthly shares.

What no rule attributes stays visible as the model "unattributed". Money is conserved: the items of every
model, "unattributed" and "lab" add up to the fleet's cost over the period, the bills and the staff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import focus as fo
from fullcost.actuals import period as pd
from fullcost.actuals import rules as rl
from fullcost.actuals import usage as us
from fullcost.actuals.engine import Ledger
from fullcost.errors import InputError

if TYPE_CHECKING:
    from fullcost.actuals.fleet import Fleet, Pool
    from fullcost.actuals.staff import Staff
    from fullcost.items import CostItem

LAB = "lab"
FLEET_SOURCES = ("jobs", "tracker", "energy", "k8s")  # what dates the owned fleet's period (bills do not)
LABEL = {"final_run": "final run", "experiments": "experiments", "validation": "validation runs",
         "related_model": "related models", "failed": "failed runs", "inference": "inference", "other": "other use"}


@dataclass(frozen=True)
class Setup:
    rules: rl.Rules
    fleet: Fleet | None
    staff: Staff | None
    idle: str
    period: pd.Period = pd.ALL


@dataclass
class Allocation:
    """Dollars by (model, phase, kind) and GPU-hours by (model, phase); "lab" holds idle kept apart."""

    usd: dict[tuple[str, str, str], float] = field(default_factory=dict)
    gpu_hours: dict[tuple[str, str], float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    months: list[int] = field(default_factory=list)
    capacity_hours: float = 0.0
    used_hours: float = 0.0
    idle_hours: float = 0.0
    fleet_usd: float = 0.0
    rule_hits: dict[int, int] = field(default_factory=dict)
    # owned GPU-hours the fleet priced, by how their energy was priced: measured (with the GPUs' measured kWh)
    # or modelled; and the measured part by (model, phase): (GPU-hours, GPU-kWh)
    measured_hours: float = 0.0
    measured_kwh: float = 0.0
    modelled_hours: float = 0.0
    measured: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    period: dict[str, Any] = field(default_factory=dict)  # period.to_json

    def price_used(self, r: us.Row, pool: Pool) -> None:
        """An owned row's depreciation, energy (measured where it was) and facility."""
        h = float(r.gpu_s) / 3600.0
        self.add(r.model, r.phase, "depreciation", h * pool.dep_per_hour)
        self.add(r.model, r.phase, "energy", us.energy_usd(r, pool))
        self.add(r.model, r.phase, "facility", h * pool.fac_per_hour)
        if not r.measured_s and not r.gpu_kwh:
            self.modelled_hours += h
            return
        mh, kwh = float(r.measured_s) / 3600.0, float(r.gpu_kwh)
        self.measured_hours += mh
        self.measured_kwh += kwh
        self.modelled_hours += float(r.modelled_s) / 3600.0
        k = (r.model, r.phase)
        a, b = self.measured.get(k, (0.0, 0.0))
        self.measured[k] = (a + mh, b + kwh)

    def add(self, model: str, phase: str, kind: str, usd: float) -> None:
        if usd:
            k = (model, phase, kind)
            self.usd[k] = self.usd.get(k, 0.0) + usd

    def models(self) -> list[str]:
        return sorted({m for m, _, _ in self.usd} | {m for m, _ in self.gpu_hours})

    def total(self, model: str | None = None) -> float:
        return sum(v for (m, _, _), v in self.usd.items() if model is None or m == model)


# kind -> (category, cash, item name suffix)
KINDS = {
    "depreciation": ("hardware", False, "owned GPUs, depreciation"),
    "energy": ("energy", True, "owned GPUs, energy"),
    "facility": ("facility", True, "owned GPUs, datacenter facility"),
    "idle_depreciation": ("hardware", False, "idle capacity share, depreciation"),
    "idle_facility": ("facility", True, "idle capacity share, facility"),
    "kubernetes": ("compute", True, "Kubernetes (OpenCost)"),
    "kubernetes_idle": ("compute", True, "Kubernetes idle share (OpenCost)"),
    "cloud": ("compute", True, "cloud bills (FOCUS EffectiveCost)"),
}


def _share(policy: str, weights: dict[str, float]) -> dict[str, float]:
    """Fractions of an idle cost per model: by weight, evenly, or none (kept apart)."""
    tot = sum(weights.values())
    if policy == "none" or not weights or tot <= 0:
        return {}
    if policy == "even":
        return {m: 1.0 / len(weights) for m in weights}
    return {m: w / tot for m, w in weights.items()}


def _fleet_span(led: Ledger, setup: Setup) -> tuple[dt.datetime, dt.datetime] | None:
    """The fleet's capacity period: --from/--to where given, else from the first day of the month of the first
    record of owned usage (not bills) to the last."""
    p = setup.period
    span = pd.span(led, p, FLEET_SOURCES)
    if span is None and not (p.start and p.end):
        return None
    first = p.start or (span[0] if span else None)
    last = p.end or (span[1] if span else None)
    if first is None or last is None:
        return None
    return (first if p.start else dt.datetime(first.year, first.month, 1)), last


def allocate(led: Ledger, setup: Setup) -> Allocation:
    rows = us.collect(led, setup.rules, setup.fleet, period=setup.period)
    out = Allocation()
    fleet = setup.fleet
    everything = pd.span(led, setup.period)
    out.period = pd.to_json(setup.period, *(everything or (None, None)))
    out.warnings += pd.outliers(led, setup.period)
    owned = [r for r in rows if r.pool != -2]
    for r in rows:
        if not r.idle:
            k = (r.model, r.phase)
            out.gpu_hours[k] = out.gpu_hours.get(k, 0.0) + float(r.gpu_s) / 3600.0
        if r.rule >= 0:
            out.rule_hits[r.rule] = out.rule_hits.get(r.rule, 0) + 1
    unpriced = sum(float(r.gpu_s) for r in owned if r.pool < 0) / 3600.0
    if unpriced > 0:
        why = "no fleet is configured" if fleet is None else "they match no pool of the fleet"
        out.warnings.append(f"{unpriced:,.0f} GPU-hours on owned GPUs are not priced: {why} "
                            "(give --fleet, or pools that match their cluster and partition)")
    if fleet is not None:
        span = _fleet_span(led, setup)
        if span is not None:
            first, last = span
            if setup.period.given:  # the period asked for, to the end of the last record's day without --to
                end = last.date() if setup.period.end else last.date() + dt.timedelta(days=1)
                fleet = dataclasses.replace(fleet, period=(first.date(), end))
            months = fleet.months(first, last)
            out.months = months
            for pi, pool in enumerate(fleet.pools):
                for month in months:
                    cap = fleet.capacity_hours(pool, month, first, last)
                    here = [r for r in owned if r.pool == pi and r.month == month]
                    used = sum(float(r.gpu_s) for r in here) / 3600.0
                    out.capacity_hours += cap
                    out.used_hours += used
                    for r in here:
                        out.price_used(r, pool)
                    if used > cap * (1 + 1e-9) and cap >= 0:
                        out.warnings.append(
                            f"pool '{pool.name}' {month // 100}-{month % 100:02d}: {used:,.0f} GPU-hours used but "
                            f"only {cap:,.0f} of capacity (missing GPUs in the fleet file, or jobs that ran across "
                            "months are counted in the month they ended)")
                    idle = max(cap - used, 0.0)
                    out.idle_hours += idle
                    out.fleet_usd += cap * pool.idle_rate + sum(us.energy_usd(r, pool) for r in here)
                    _spread(out, setup.idle, [(r.model, r.phase, float(r.gpu_s)) for r in here],
                            {"idle_depreciation": idle * pool.dep_per_hour, "idle_facility": idle * pool.fac_per_hour})
            # usage outside the period (or its pools' service dates) is priced as used, without capacity
            inside = {(pi, m) for pi in range(len(fleet.pools)) for m in months}
            for r in owned:
                if r.pool >= 0 and (r.pool, r.month) not in inside:
                    out.price_used(r, fleet.pools[r.pool])
    _kubernetes(out, setup.idle, [r for r in rows if r.pool == -2])
    for model, phase, _billed, effective in (fo.attributed(led, setup.rules, setup.period)
                                             if us.has_rows(led, led.table("bills")) else []):
        out.add(model, phase, "cloud", float(effective))
    if setup.staff is not None:
        inside = _staff_months(setup.period)
        for s in setup.staff.shares:
            if inside(s.month):
                out.add(s.model, "other", f"staff:{s.who}:{s.line}", s.usd)
        for who, m, usd in setup.staff.unallocated:
            if inside(m):
                out.add(LAB, "other", f"staff:{who}:rnd", usd)
    return out


def _staff_months(p: pd.Period) -> Any:
    """Which months of the staff file the period covers (all, without --from/--to)."""
    lo = p.start.year * 100 + p.start.month if p.start else 0
    last = p.end - dt.timedelta(days=1) if p.end else None
    hi = last.year * 100 + last.month if last else 999999
    return lambda m: lo <= m <= hi


def _spread(out: Allocation, policy: str, weights: list[tuple[str, str, float]], amounts: dict[str, float]) -> None:
    """Share ``amounts`` (item kind -> dollars) over models by the idle policy, and within a model over its
    phases by weight; with nobody to share them with, they stay the lab's own."""
    by_model: dict[str, float] = {}
    by_phase: dict[tuple[str, str], float] = {}
    for m, ph, w in weights:
        by_model[m] = by_model.get(m, 0.0) + w
        by_phase[(m, ph)] = by_phase.get((m, ph), 0.0) + w
    shares = _share(policy, {m: w for m, w in by_model.items() if w > 0})
    if not shares:
        for kind, usd in amounts.items():
            out.add(LAB, "other", kind, usd)
        return
    for (m, ph), w in by_phase.items():
        if m in shares and by_model[m] > 0:
            f = shares[m] * w / by_model[m]
            for kind, usd in amounts.items():
                out.add(m, ph, kind, usd * f)


def _kubernetes(out: Allocation, policy: str, rows: list[us.Row]) -> None:
    for r in rows:
        if not r.idle:
            out.add(r.model, r.phase, "kubernetes", float(r.usd))
    for month in sorted({r.month for r in rows if r.idle}):
        idle = sum(float(r.usd) for r in rows if r.idle and r.month == month)
        here = [(r.model, r.phase, float(r.usd)) for r in rows if not r.idle and r.month == month]
        _spread(out, policy, here, {"kubernetes_idle": idle})


def items(alloc: Allocation, model: str, n: int = 1) -> list[CostItem]:
    """Cost items of one model (or "unattributed", or "lab"), point values as arrays of ``n``."""
    import numpy as np

    from fullcost.items import CostItem

    out = []
    for (m, phase, kind), usd in sorted(alloc.usd.items(), key=lambda kv: (kv[0][1], kv[0][2])):
        if m != model:
            continue
        item_phase = "overall" if phase == "other" else phase
        if kind.startswith("staff:"):
            _, who, line = kind.split(":", 2)
            out.append(CostItem(f"staff: {who}", "staff", "overall", np.full(n, usd), True, line, model,
                                "the staff file's monthly shares x loaded cost"))
            continue
        cat, cash, what = KINDS[kind]
        hours = alloc.gpu_hours.get((m, phase), 0.0)
        mh, kwh = alloc.measured.get((m, phase), (0.0, 0.0))
        detail = (f"{hours - mh:,.0f} GPU-hours x the pool's modelled energy per hour + {kwh:,.1f} GPU-kWh measured "
                  f"on {mh:,.0f} GPU-hours x server power ratio x PUE x electricity price"
                  if kind == "energy" and (mh or kwh)
                  else f"{hours:,.0f} GPU-hours x the pool's rate" if kind in ("depreciation", "energy", "facility")
                  else "idle GPU-hours x depreciation and facility, shared by policy" if kind.startswith("idle")
                  else "OpenCost's cost of the allocations" if kind.startswith("kubernetes")
                  else "EffectiveCost of the bills the rules attribute")
        out.append(CostItem(f"{LABEL.get(phase, phase)}: {what}", cat, item_phase, np.full(n, usd), cash, "rnd",
                            model, detail))
    return out


def check_rules(alloc: Allocation, rules: rl.Rules, bill_hits: set[int]) -> list[str]:
    """Rules that matched nothing, each named with its line; a file where no rule matched anything is an error."""
    if not rules.rules:
        return []
    hit = set(alloc.rule_hits) | bill_hits
    unused = [r for r in rules.rules if r.index not in hit]
    if len(unused) == len(rules.rules):
        first = unused[0]
        raise InputError(f"no rule matched any usage or bill in the ledger (rule {first.index + 1}: "
                         f"{first.describe()}); check the fields and values against `fullcost ledger usage` "
                         "and `fullcost ledger bills`", rules.file, first.line)
    return [f"{rules.file}:{r.line}: rule {r.index + 1} {r.describe()} matched nothing"
            for r in unused]


def resolve(led: Ledger, rules: str | Path | None = None, fleet: str | Path | None = None,
            staff: str | Path | None = None, idle: str | None = None, period: pd.Period = pd.ALL) -> Setup:
    """Files given here, else those stored in the ledger (``fullcost ledger config``)."""
    from fullcost.actuals import fleet as flt
    from fullcost.actuals import staff as stf

    def stored(key: str) -> tuple[str, str] | None:
        return led.config(key)

    if rules is not None:
        rs = rl.load(rules)
    elif (c := stored("rules")) is not None:
        rs = rl.loads(c[1], c[0])
    else:
        rs = rl.EMPTY
    fl: Fleet | None
    if fleet is not None:
        fl = flt.load(fleet)
    elif (c := stored("fleet")) is not None:
        fl = flt.load(c[0][len("catalog:"):]) if c[0].startswith("catalog:") else flt.loads(c[1], c[0])
    else:
        fl = None
    st: Staff | None
    if staff is not None:
        st = stf.load(staff)
    elif (c := stored("staff")) is not None:
        st = stf.loads(c[1], c[0])
    else:
        st = None
    policy = idle or (fl.idle if fl else "weighted")
    if policy not in ("weighted", "even", "none"):
        raise InputError(f"--idle: unknown policy '{policy}' (known: weighted, even, none)")
    return Setup(rs, fl, st, policy, period)


def energy(alloc: Allocation) -> dict[str, Any]:
    """How the owned GPU-hours' energy was priced: from measured GPU energy, or from the model."""
    return {"measured_gpu_hours": alloc.measured_hours, "measured_gpu_kwh": alloc.measured_kwh,
            "modelled_gpu_hours": alloc.modelled_hours}


def energy_line(alloc: Allocation) -> str | None:
    """A sentence on measured vs modelled energy, where anything was priced."""
    if not alloc.measured_hours and not alloc.measured_kwh and not alloc.modelled_hours:
        return None
    return (f"energy: {alloc.measured_hours:,.0f} GPU-hours priced from measured GPU energy "
            f"({alloc.measured_kwh:,.1f} kWh at the GPUs), {alloc.modelled_hours:,.0f} GPU-hours from the model")


def summary(alloc: Allocation) -> dict[str, Any]:
    """``ledger costs``: every model's total (unattributed and the lab's own included), by kind of cost."""
    rows = []
    for m in alloc.models():
        kinds: dict[str, float] = {}
        for (mm, _, kind), v in alloc.usd.items():
            if mm == m:
                k = "staff" if kind.startswith("staff:") else kind
                kinds[k] = kinds.get(k, 0.0) + v
        hours = sum(h for (mm, _), h in alloc.gpu_hours.items() if mm == m)
        rows.append({"model": m, "gpu_hours": hours, "usd": alloc.total(m), "by_kind": kinds})
    return {"rows": rows, "total": {"usd": alloc.total(), "gpu_hours": sum(alloc.gpu_hours.values())},
            "period": alloc.period,
            "fleet": {"capacity_gpu_hours": alloc.capacity_hours, "used_gpu_hours": alloc.used_hours,
                      "idle_gpu_hours": alloc.idle_hours, "usd": alloc.fleet_usd,
                      "months": [f"{m // 100}-{m % 100:02d}" for m in alloc.months], "energy": energy(alloc)},
            "warnings": alloc.warnings}

