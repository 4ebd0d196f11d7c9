"""Run a scenario: sample its inputs once, cost the final run, and shape the JSON contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fullcost import views
from fullcost.context import CentralSampler, Context
from fullcost.costing.final_run import FinalRun, final_run
from fullcost.costing.iceberg import Iceberg, build
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


def headline(doc: Doc) -> Headline:
    """The number as announced: GPU-hours at their central values times the quoted (or market) rate."""
    fr = final_run(Context(doc, CentralSampler()))
    hours = float(fr.gpu_hours[0])
    rate = float(fr.rate.usd_per_gpu_hour[0])
    return Headline(hours * rate, hours, rate, fr.rate.basis, fr.rate.note)


def run(doc: Doc, samples: int = DEFAULT_SAMPLES, seed: int = DEFAULT_SEED) -> Estimate:
    ctx = Context(doc, Sampler(samples, seed))
    fr = final_run(ctx)
    ice = build(ctx, fr)
    dev = views.total(ice.development, samples)
    lab = views.total(ice.lab_annual, samples) if ice.lab_annual is not None else None
    return Estimate(doc, samples, seed, ctx, fr, headline(doc), ice, dev, lab)


def _lab(est: Estimate) -> dict[str, Any] | None:
    if est.lab_total is None or est.iceberg.lab_annual is None:
        return None
    out: dict[str, Any] = {"total_usd": summarize(est.lab_total),
                           "items": views.item_rows(est.iceberg.lab_annual, with_phase=False)}
    lab = est.doc.scenario.lab
    if lab is not None and lab.compare_to is not None:
        out["published_estimate"] = views.agreement(est.lab_total, lab.compare_to)
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
            "flops": mean(fr.flops),
            "implied_mfu": None if fr.implied_mfu is None else mean(fr.implied_mfu),
            "days": mean(fr.days),
            "energy_kwh": summarize(fr.energy_kwh),
            "rental_usd": summarize(fr.rental_usd),
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
        },
        "lab_annual": _lab(est),
        "bridge": [{"step": b.step, "label": b.label, "usd": b.usd}
                   for b in views.bridge(h.usd, est.iceberg.development, h.basis)],
        "coverage": views.coverage(h.usd, est.development_total, est.iceberg.development),
        "sensitivity": views.sensitivity(est.ctx.sampler.drawn, est.development_total),
        "warnings": list(est.ctx.warnings),
    }
