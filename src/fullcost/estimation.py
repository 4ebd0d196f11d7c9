"""Run a scenario: sample its inputs once, cost the final run, and shape the JSON contract."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fullcost import dollars as dollars_mod
from fullcost import labels, sanity, views
from fullcost.context import CentralSampler, Context
from fullcost.costing.final_run import FinalRun, final_run
from fullcost.costing.iceberg import Iceberg, build
from fullcost.dollars import Dollars
from fullcost.items import CostItem
from fullcost.quantity import Arr, Sampler
from fullcost.scenario import Doc
from fullcost.summary import mean, summarize

DEFAULT_SAMPLES = 10_000
DEFAULT_SEED = 0


@dataclass(frozen=True)
class Headline:
    usd: float
    gpu_hours: float
    usd_per_gpu_hour: float
    basis: str
    note: str


@dataclass
class Estimate:
    doc: Doc
    samples: int
    seed: int
    ctx: Context
    final: FinalRun
    headline: Headline
    iceberg: Iceberg
    development_total: Arr
    lab_total: Arr | None
    dollars: Dollars


def headline(doc: Doc) -> Headline:
    """The number as announced: GPU-hours at their central values times the quoted (or market) rate."""
    fr = final_run(Context(doc, CentralSampler()))
    hours = float(fr.gpu_hours[0])
    rate = float(fr.rate.usd_per_gpu_hour[0])
    return Headline(hours * rate, hours, rate, fr.rate.basis, fr.rate.note)


def run(doc: Doc, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED,
        dollars: int | str | None = None) -> Estimate:
    """Sample the scenario and cost it. ``dollars`` (a year, or YYYY-MM; default: the scenario's own ``dollars``,
    else nominal) states every amount in constant dollars of that year's December or that month."""
    ctx = Context(doc, Sampler(samples, seed))
    fr = final_run(ctx)
    sanity.check(ctx, fr)
    ice = build(ctx, fr)
    usd = which_dollars(doc, dollars, ctx.warnings)
    h = headline(doc)
    if usd.basis == "constant":
        fr, ice, h = restate(fr, ice, h, usd.factor)
    dev = views.total(ice.development, samples)
    lab = views.total(ice.lab_annual, samples) if ice.lab_annual is not None else None
    return Estimate(doc, samples, seed, ctx, fr, h, ice, dev, lab, usd)


def which_dollars(doc: Doc, spec: int | str | None, warnings: list[str] | None = None) -> Dollars:
    """The dollars an estimate is stated in: ``spec`` (the command line), else the scenario's ``dollars``, else
    nominal dollars of the release month."""
    sc = doc.scenario
    released = sc.released
    if spec is None and sc.dollars is None:
        return dollars_mod.nominal(released)
    where_spec = None if spec is not None else (lambda msg: doc.error(("dollars",), msg))
    target = spec if spec is not None else sc.dollars
    assert target is not None
    return dollars_mod.constant(target, released, where_spec,
                                lambda msg: doc.error(("released",), msg), warnings)


def restate(fr: FinalRun, ice: Iceberg, h: Headline, f: float) -> tuple[FinalRun, Iceberg, Headline]:
    """Every amount of an estimate multiplied by ``f`` (nominal to constant dollars); quantities stay."""

    def scaled(obj: Any, *fields: str) -> Any:
        return replace(obj, **{k: getattr(obj, k) * f for k in fields})

    def items(its: list[CostItem] | None) -> list[CostItem] | None:
        return None if its is None else [replace(it, usd=it.usd * f) for it in its]

    fr = replace(scaled(fr, "rental_usd", "amortized_hardware_usd", "amortized_interconnect_usd", "energy_usd",
                        "amortized_usd", "amortized_straight_line_usd", "acquisition_usd"),
                 rate=scaled(fr.rate, "usd_per_gpu_hour"),
                 own=scaled(fr.own, "capex_per_gpu", "epoch_hourly", "straight_line_hourly", "usd_per_kwh"))
    fleet = ice.fleet
    if fleet is not None:
        fleet = replace(scaled(fleet, "usd_per_kwh", "facility_usd_per_kw_hour", "capex", "depreciation_per_year",
                               "energy_usd_per_year", "facility_usd_per_year"),
                        groups=tuple(scaled(g, "capex_per_gpu") for g in fleet.groups))
    dev = items(ice.development)
    assert dev is not None
    ice = replace(ice, development=dev, lab_annual=items(ice.lab_annual), fleet=fleet)
    h = replace(h, usd=h.usd * f, usd_per_gpu_hour=h.usd_per_gpu_hour * f)
    return fr, ice, h


def _lab(est: Estimate) -> dict[str, Any] | None:
    if est.lab_total is None or est.iceberg.lab_annual is None:
        return None
    out: dict[str, Any] = {"total_usd": summarize(est.lab_total),
                           "items": views.item_rows(est.iceberg.lab_annual, with_phase=False)}
    lab = est.doc.scenario.lab
    if lab is not None and lab.compare_to is not None:
        # the published figure is nominal: compare in nominal dollars, then state its bounds in the estimate's
        f = est.dollars.factor
        agree = views.agreement(est.lab_total / f, lab.compare_to)
        out["published_estimate"] = agree | {"low_usd": agree["low_usd"] * f, "high_usd": agree["high_usd"] * f}
    return out


def to_json(est: Estimate) -> dict[str, Any]:
    fr, h = est.final, est.headline
    return {
        "name": est.doc.scenario.name,
        "samples": est.samples,
        "seed": est.seed,
        "headline": {"usd": h.usd, "gpu_hours": h.gpu_hours, "usd_per_gpu_hour": h.usd_per_gpu_hour,
                     "basis": h.basis, "note": h.note},
        "final_run": {
            "hardware": fr.chip.id,
            "precision": fr.precision,
            "peak_tflops": mean(fr.peak_tflops),
            "gpus": mean(fr.gpus),
            "gpu_hours": mean(fr.gpu_hours),
            "flops": None if fr.flops is None else mean(fr.flops),
            "flops_basis": fr.flops_basis,
            "gpus_basis": fr.gpus_basis,
            "implied_mfu": None if fr.implied_mfu is None else mean(fr.implied_mfu),
            "days": mean(fr.days),
            "energy_kwh": summarize(fr.energy_kwh),
            "rental_usd": summarize(fr.rental_usd),
            "own_cost_usd": summarize(views.own_cost(est.iceberg.development, est.samples)),
            "amortized_usd": summarize(fr.amortized_usd),
            "amortized_straight_line_usd": summarize(fr.amortized_straight_line_usd),
            "acquisition_usd": summarize(fr.acquisition_usd),
            "amortized_parts_usd": {
                "hardware": summarize(fr.amortized_hardware_usd),
                "interconnect": summarize(fr.amortized_interconnect_usd),
                "energy": summarize(fr.energy_usd),
            },
            "acquired": fr.own.acquired.isoformat(),
            "start": fr.own.start.isoformat(),
        },
        "development": {
            "total_usd": summarize(est.development_total),
            "rate": est.iceberg.rate_kind,
            "program_gpu_hours": summarize(est.iceberg.program_gpu_hours),
            "items": views.item_rows(est.iceberg.development),
            "by_category": views.by_category(est.iceberg.development, est.samples),
        },
        "lab_annual": _lab(est),
        "bridge": [{"step": b.step, "label": b.label, "usd": b.usd}
                   for b in views.bridge(h.usd, est.iceberg.development, h.basis)],
        "coverage": views.coverage(h.usd, est.development_total, est.iceberg.development, h.gpu_hours, h.basis,
                                   est.samples),
        "sensitivity": labels.label_rows(views.sensitivity(est.ctx.sampler.drawn, est.development_total),
                                         est.doc.scenario),
        "warnings": list(est.ctx.warnings),
        "dollars": est.dollars.to_json(),
        "overrides": [str(o) for o in getattr(est.doc, "overrides", ())],
    }
