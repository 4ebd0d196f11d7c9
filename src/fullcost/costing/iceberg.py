"""The iceberg: every cost of developing a model, and of running the lab for a year, as cost items."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fullcost import catalog
from fullcost.arrays import sum_of
from fullcost.context import Context
from fullcost.costing.final_run import FinalRun
from fullcost.costing.fleet import A100, FleetCost, fleet_cost
from fullcost.costing.staff import role_cost
from fullcost.items import CostItem
from fullcost.quantity import Arr
from fullcost.summary import mean, median

PHASE_LABEL = {"final_run": "final run", "experiments": "experiments", "validation": "validation runs",
               "related_model": "related models", "failed": "failed runs"}


@dataclass(frozen=True)
class RatePart:
    category: str
    cash: bool
    usd_per_hour: Arr
    label: str


@dataclass(frozen=True)
class Iceberg:
    development: list[CostItem]
    lab_annual: list[CostItem] | None
    rate_kind: str
    fleet: FleetCost | None
    program_gpu_hours: Arr  # GPU-hours of the whole program, final run included


def rate_kind(ctx: Context) -> str:
    sc = ctx.sc
    kind = sc.program.rate if sc.program and sc.program.rate else ("fleet" if sc.fleet else "epoch")
    if kind == "fleet" and sc.fleet is None:
        raise ctx.error(("program", "rate"), "rate 'fleet' needs a fleet section")
    return kind


def rate_parts(ctx: Context, kind: str, fr: FinalRun, fleet: FleetCost | None, chip: catalog.Chip) -> list[RatePart]:
    """The lab's own cost of one GPU-hour of work on ``chip``, in parts."""
    peak = ctx.ref_peak(chip)
    if kind == "fleet":
        assert fleet is not None
        a100_peak = ctx.ref_peak(catalog.chip(A100))
        dep, energy, facility = fleet.per_used_hour(chip, peak, a100_peak)
        parts = [RatePart("hardware", False, dep, "depreciation of the owned fleet, idle time included"),
                 RatePart("energy", True, energy, "electricity incl. cooling (PUE)")]
        if ctx.sc.fleet and ctx.sc.fleet.facility_usd_per_kw_month is not None:
            parts.append(RatePart("facility", True, facility, "datacenter space and cooling"))
        return parts
    fr_peak = ctx.ref_peak(fr.chip)
    scale = peak / fr_peak  # other chips are priced by compute relative to the final run's
    if kind == "rental":
        return [RatePart("compute", True, fr.rate.usd_per_gpu_hour * scale, "rented GPU-hours")]
    energy = fr.own.energy_kwh_per_gpu_hour * fr.own.usd_per_kwh * scale
    hardware = (fr.own.epoch_hourly if kind == "epoch" else fr.own.straight_line_hourly) * scale
    label = ("amortized hardware (Epoch AI: value declining 0.14 OOM/yr)" if kind == "epoch"
             else "straight-line depreciation over the useful life")
    return [RatePart("hardware", False, hardware, label),
            RatePart("energy", True, energy, "electricity incl. cooling (PUE)")]


def _gpu_items(name: str, phase: str, hours: Arr, parts: list[RatePart], model: str, detail: str) -> list[CostItem]:
    return [CostItem(f"{name}: {p.category}", p.category, phase, hours * p.usd_per_hour, p.cash, "rnd", model,
                     f"{detail}; {p.label}") for p in parts]


def _program(ctx: Context, kind: str, fr: FinalRun, fleet: FleetCost | None, model: str) -> tuple[list[CostItem], Arr]:
    items: list[CostItem] = []
    total = fr.gpu_hours
    prog = ctx.sc.program
    if prog is None:
        return items, total
    if prog.multiplier is not None:
        m = ctx.q(("program", "multiplier"), prog.multiplier, "multiplier")
        if (prog.multiplier.ref is None and prog.multiplier.interval()[0] < 1.0) or median(m) < 1.0:
            raise ctx.error(("program", "multiplier"),
                            f"'{prog.multiplier.text}' goes below 1, but the multiplier is total program compute "
                            "over the final run's, which includes the final run: use values of at least 1")
        hours = fr.gpu_hours * np.maximum(m - 1.0, 0.0)
        items += _gpu_items("experiments (program multiplier)", "experiments", hours,
                            rate_parts(ctx, kind, fr, fleet, fr.chip), model,
                            f"final-run GPU-hours x ({prog.multiplier.text} - 1)")
        total = total + hours
    for i, r in enumerate(prog.runs):
        p = ("program", "runs", i)
        chip = ctx.chip((*p, "hardware"), r.hardware) if r.hardware else fr.chip
        if r.runs is not None and r.gpu_hours_each is not None:
            hours = ctx.q((*p, "runs"), r.runs, "count") * ctx.q((*p, "gpu_hours_each"), r.gpu_hours_each, "hours")
            how = f"{r.runs.text} runs x {r.gpu_hours_each.text} GPU-hours"
        elif r.gpu_hours is not None:
            hours = ctx.q((*p, "gpu_hours"), r.gpu_hours, "hours")
            how = f"{r.gpu_hours.text} GPU-hours"
        else:
            assert r.share_of_final is not None
            hours = fr.gpu_hours * ctx.q((*p, "share_of_final"), r.share_of_final, "multiplier")
            how = f"{r.share_of_final.text} x the final run's GPU-hours"
        hours = hours * ctx.hours_factor() if r.share_of_final is None else hours
        items += _gpu_items(r.name, r.phase, hours, rate_parts(ctx, kind, fr, fleet, chip), model,
                            f"{how} on {chip.id}")
        total = total + hours
    return items, total


def _staff(ctx: Context, model: str) -> list[CostItem]:
    st = ctx.sc.staff
    if st is None:
        return []
    region = _region(ctx, st.region, ("staff", "region"))
    duration = ctx.q(("staff", "duration"), st.duration, "years") if st.duration is not None else None
    out = []
    for i, role in enumerate(st.roles):
        rc = role_cost(ctx, ("staff", "roles", i), role, region, duration)
        out.append(CostItem(f"staff: {role.role}", "staff", "overall", rc.usd, True, role.line, model,
                            rc.detail + (f" x {st.duration.text}" if role.duration is None and st.duration else "")))
    ec = ctx.sc.export_controls
    if ec is None or ec.staff_share is None or not out:
        return out
    share = ctx.q(("export_controls", "staff_share"), ec.staff_share, "fraction")
    rnd = [it for it in out if it.line == "rnd"]
    kept = [CostItem(it.name, it.category, it.phase, it.usd * (1.0 - share), it.cash, it.line, model,
                     it.detail + f", less {ec.staff_share.text} on export-control workarounds") for it in rnd]
    rest = [it for it in out if it.line != "rnd"]
    if not ec.applies:  # the counterfactual: that effort was never needed
        return kept + rest
    spent = sum_of((it.usd * share for it in rnd), ctx.const(0.0))
    workaround = CostItem("staff: export-control workarounds", "staff", "overall", spent, True, "rnd", model,
                          f"{ec.staff_share.text} of the research staff's effort on working around restricted parts")
    return [*kept, workaround, *rest]


def _region(ctx: Context, rid: str | None, path: tuple[str | int, ...]) -> catalog.Region:
    if rid is None:
        return ctx.region()
    try:
        return catalog.region(rid)
    except KeyError as e:
        raise ctx.error(path, str(e.args[0])) from None


def _overhead(ctx: Context, path: tuple[str | int, ...], base: Arr, model: str, what: str) -> list[CostItem]:
    ov = ctx.sc.overhead if path == ("overhead",) else (ctx.sc.lab.overhead if ctx.sc.lab else None)
    if ov is None:
        return []
    if ov.share is not None:
        share = ctx.q((*path, "share"), ov.share, "fraction")
        return [CostItem("overhead (SG&A)", "overhead", "overall", base * share, True, "sga", model,
                         f"{ov.share.text} of {what}")]
    assert ov.usd is not None
    return [CostItem("overhead (SG&A)", "overhead", "overall", ctx.q((*path, "usd"), ov.usd, "usd"), True, "sga",
                     model, f"{ov.usd.text}")]


def _check_fleet(ctx: Context, fr: FinalRun, fleet: FleetCost) -> None:
    """The lab must own at least the cluster that ran the final run: an error when it is smaller in most
    samples, a warning when only in some."""
    ratio = fr.chip.reference_peak()[1].central() / catalog.chip(A100).reference_peak()[1].central()
    need = fr.gpus * ratio
    short = float(np.mean(fleet.a100_equivalents < need * (1 - 1e-12)))
    what = (f"the fleet ({median(fleet.a100_equivalents):,.0f} A100-equivalents at its median) is smaller "
            f"than the final run's cluster ({mean(fr.gpus):,.0f} x {fr.chip.id} = {mean(need):,.0f} "
            "A100-equivalents)")
    if short > 0.5:
        raise ctx.error(("fleet", "gpus"), what)
    if short > 0:
        ctx.warnings.append(f"{what} in {short:.0%} of samples")


def build(ctx: Context, fr: FinalRun) -> Iceberg:
    sc = ctx.sc
    model = sc.name
    kind = rate_kind(ctx)
    fleet = fleet_cost(ctx, sc.fleet) if sc.fleet is not None else None
    if fleet is not None:
        _check_fleet(ctx, fr, fleet)
    if sc.program is None and sc.staff is None and not sc.data and sc.overhead is None:
        ctx.warnings.append("the scenario gives no research program, staff, data or overhead: its development "
                            "cost is the final run alone, priced at the lab's own rate")
    dev = _gpu_items("final run at the lab's own cost", "final_run", fr.gpu_hours,
                     rate_parts(ctx, kind, fr, fleet, fr.chip), model, "final-run GPU-hours")
    prog_items, prog_hours = _program(ctx, kind, fr, fleet, model)
    dev += prog_items
    dev += _staff(ctx, model)
    for i, dc in enumerate(sc.data):
        dev.append(CostItem(f"data: {dc.name}", "data", dc.phase, ctx.q(("data", i, "usd"), dc.usd, "usd"), True,
                            "rnd", model, dc.usd.text))
    before = sum_of((it.usd for it in dev), ctx.const(0.0))
    dev += _overhead(ctx, ("overhead",), before, model, "the development cost before overhead")
    return Iceberg(dev, _lab_annual(ctx, fleet), kind, fleet, prog_hours)


def _lab_annual(ctx: Context, fleet: FleetCost | None) -> list[CostItem] | None:
    sc = ctx.sc
    lab = sc.lab
    if lab is None and fleet is None:
        return None
    who = (lab.name if lab and lab.name else sc.developer) or "lab"
    items: list[CostItem] = []
    if fleet is not None:
        items += [
            CostItem("fleet depreciation", "hardware", "overall", fleet.depreciation_per_year, False, "rnd", who,
                     "fleet capex / useful life"),
            CostItem("fleet energy", "energy", "overall", fleet.energy_usd_per_year, True, "rnd", who,
                     "working GPU-hours x power x PUE x electricity price"),
        ]
        if sc.fleet and sc.fleet.facility_usd_per_kw_month is not None:
            items.append(CostItem("datacenter facility", "facility", "overall", fleet.facility_usd_per_year, True,
                                  "rnd", who, "IT load x colocation price"))
    if lab is not None:
        if lab.cloud_usd_per_year is not None:
            items.append(CostItem("cloud compute", "compute", "overall",
                                  ctx.q(("lab", "cloud_usd_per_year"), lab.cloud_usd_per_year, "usd"), True, "rnd",
                                  who, lab.cloud_usd_per_year.text))
        region = ctx.region()
        for i, role in enumerate(lab.staff):
            rc = role_cost(ctx, ("lab", "staff", i), role, region, ctx.const(1.0), full_time=True)
            items.append(CostItem(f"staff: {role.role}", "staff", "overall", rc.usd, True, role.line, who, rc.detail))
        for i, o in enumerate(lab.other):
            items.append(CostItem(o.name, o.category, "overall",
                                  ctx.q(("lab", "other", i, "usd_per_year"), o.usd_per_year, "usd"), True,
                                  "sga" if o.category == "overhead" else "rnd", who, o.usd_per_year.text))
        base = sum_of((it.usd for it in items), ctx.const(0.0))
        items += _overhead(ctx, ("lab", "overhead"), base, who, "the lab's other annual costs")
    return items
