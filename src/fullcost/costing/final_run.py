"""The final training run, three ways: rental (the headline), amortized ownership, and acquisition."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from fullcost import compute
from fullcost.catalog import Chip
from fullcost.context import Context, days, years_between
from fullcost.costing import hardware as hw
from fullcost.plausible import MAX_RUN_YEARS, start_warning
from fullcost.quantity import Arr, Dist
from fullcost.summary import median


@dataclass(frozen=True)
class Rate:
    usd_per_gpu_hour: Arr
    basis: str  # "quoted" (by the lab) | "market" (a dated catalog rate)
    note: str


@dataclass(frozen=True)
class Ownership:
    """The hardware that ran the job, valued per GPU and per GPU-hour."""

    capex_per_gpu: Arr  # server-adjusted price per GPU, interconnect included
    epoch_hourly: Arr  # Epoch AI: depreciated value x 0.14 OOM/yr, per GPU-hour, interconnect included
    straight_line_hourly: Arr  # capex / (useful life in hours)
    energy_kwh_per_gpu_hour: Arr
    usd_per_kwh: Arr
    interconnect_share: Arr
    acquired: dt.date
    start: dt.date


@dataclass(frozen=True)
class FinalRun:
    chip: Chip
    precision: str
    peak_tflops: Arr
    gpus: Arr
    gpu_hours: Arr
    pretraining_gpu_hours: Arr
    flops: Arr | None  # None when neither 6·N·D nor a reported figure is known (a run given by its hours)
    flops_basis: str  # "6ND" | "reported" | "unknown"
    implied_mfu: Arr | None  # None when no phase is pre-training (an RL or fine-tuning run), or FLOPs are unknown
    gpus_basis: str  # "given" | "GPU-hours / duration" | "GPU-hours / Epoch AI's median training time"
    days: Arr
    energy_kwh: Arr
    rate: Rate
    own: Ownership
    rental_usd: Arr
    amortized_hardware_usd: Arr
    amortized_interconnect_usd: Arr
    energy_usd: Arr
    amortized_usd: Arr
    amortized_straight_line_usd: Arr
    acquisition_usd: Arr


def _flops(ctx: Context) -> tuple[Arr | None, str]:
    """Training FLOPs: 6·N·D where parameters and tokens are known, else the reported figure, else unknown.
    Where both are known and differ by more than 2x, a warning says so."""
    m = ctx.sc.model
    n_active = m.params_active if m.params_active is not None else m.params_total
    reported = ctx.q(("model", "reported_flops"), m.reported_flops, "flop") if m.reported_flops is not None else None
    if n_active is None or m.tokens is None:
        return reported, "reported" if reported is not None else "unknown"
    active_path = ("model", "params_active" if m.params_active is not None else "params_total")
    flops = compute.training_flops(ctx.q(active_path, n_active, "count"), ctx.q(("model", "tokens"), m.tokens, "count"))
    if reported is not None:
        ratio = median(flops) / median(reported)
        if not 0.5 <= ratio <= 2.0:
            ctx.warnings.append(
                f"6·N·D gives {median(flops):.3g} FLOP, {max(ratio, 1 / ratio):,.3g}x "
                f"{'above' if ratio > 1 else 'below'} model.reported_flops ({median(reported):.3g}): the "
                "run uses 6·N·D; check the parameters and tokens, or leave them out to use the reported figure")
    return flops, "6ND"


def _hours(ctx: Context, peak: Arr, flops: Arr | None, gpus: Arr | None) -> tuple[Arr, Arr, Arr, Arr, str]:
    """Total GPU-hours, the pre-training part of them, wall-clock days, the GPUs and how they are known."""
    fr = ctx.sc.final_run
    base = ("final_run",)
    if fr.phases:
        assert gpus is not None  # the scenario requires gpus with phases
        total, pre, wall = ctx.const(0.0), ctx.const(0.0), ctx.const(0.0)
        for i, ph in enumerate(fr.phases):
            p = (*base, "phases", i)
            ph_gpus = ctx.q((*p, "gpus"), ph.gpus, "count") if ph.gpus is not None else gpus
            if ph.gpu_hours is not None:
                h = ctx.q((*p, "gpu_hours"), ph.gpu_hours, "hours")
            else:
                assert ph.duration is not None
                h = ctx.q((*p, "duration"), ph.duration, "hours") * ph_gpus
            total = total + h
            wall = wall + compute.wall_days(h, ph_gpus)
            if ph.pretraining:
                pre = pre + h
        return total, pre, wall, gpus, "given"
    duration = ctx.q((*base, "duration"), fr.duration, "hours") if fr.duration is not None else None
    if fr.gpu_hours is not None:
        h = ctx.q((*base, "gpu_hours"), fr.gpu_hours, "hours")
    elif duration is not None and gpus is not None:
        h = duration * gpus
    else:
        assert fr.mfu is not None
        if flops is None:
            raise ctx.error((*base, "mfu"), "GPU-hours from an MFU need the training FLOPs: give model.params_total "
                                            "(or params_active) and model.tokens, or model.reported_flops")
        h = compute.gpu_hours_for(flops, peak, ctx.q((*base, "mfu"), fr.mfu, "fraction"))
    if gpus is not None:
        return h, h, compute.wall_days(h, gpus), gpus, "given"
    if duration is not None:
        return h, h, duration / 24.0, h / duration, "GPU-hours / duration"
    d = ctx.default("training_days_when_unknown")
    wall = ctx.opt((), None, d, "defaults.training_days_when_unknown", "days")
    days_ = median(wall)
    ctx.warnings.append(f"final_run.gpus not given: the run is taken to last Epoch AI's median training time "
                        f"({days_:.4g} days), so the cluster is GPU-hours / {days_ * 24:,.1f} h = "
                        f"{median(h) / (days_ * 24):,.0f} GPUs (this sets the training start and the "
                        "acquisition cost; give gpus or duration to say otherwise)")
    return h, h, wall, h / (wall * 24.0), "GPU-hours / Epoch AI's median training time"


def _rate(ctx: Context, chip: Chip) -> Rate:
    fr = ctx.sc.final_run
    if fr.usd_per_gpu_hour is not None:
        r = ctx.q(("final_run", "usd_per_gpu_hour"), fr.usd_per_gpu_hour, "usd_per_hour")
        if np.any(r <= 0):
            raise ctx.error(("final_run", "usd_per_gpu_hour"), "a quoted price must be above zero")
        src = f" ({fr.usd_per_gpu_hour.source})" if fr.usd_per_gpu_hour.source else ""
        return Rate(r, "quoted", f"the lab's own price: ${fr.usd_per_gpu_hour.central():g}/GPU-hour{src}")
    if fr.market_usd_per_gpu_hour is not None:
        r = ctx.q(("final_run", "market_usd_per_gpu_hour"), fr.market_usd_per_gpu_hour, "usd_per_hour")
        if np.any(r <= 0):
            raise ctx.error(("final_run", "market_usd_per_gpu_hour"), "a market rate must be above zero")
        src = f" ({fr.market_usd_per_gpu_hour.source})" if fr.market_usd_per_gpu_hour.source else ""
        return Rate(r, "market", f"no price quoted by the lab; market rate "
                                 f"${fr.market_usd_per_gpu_hour.central():g}/GPU-hour{src} (scenario)")
    ref = chip.reference_rate()
    if ref is None:
        raise ctx.error(("final_run", "usd_per_gpu_hour"),
                        f"no rental price quoted and the catalog has none for {chip.id}: give usd_per_gpu_hour "
                        "(the lab's own) or market_usd_per_gpu_hour")
    r = ctx.q((f"hardware.{chip.id}.rental.reference",), ref.usd_per_hour, "usd_per_hour")
    note = (f"no price quoted by the lab; market rate {ref.provider} {ref.terms} "
            f"${ref.usd_per_hour.central():g}/GPU-hour on {ref.date.isoformat()} (catalog)")
    return Rate(r, "market", note)


def _ownership(ctx: Context, chip: Chip, wall_days: float) -> Ownership:
    sc, own = ctx.sc, ctx.sc.ownership
    path = ("ownership",)
    ref_price = chip.reference_price()
    if own.purchase_usd_per_gpu is None and ref_price is None:
        raise ctx.error((*path, "purchase_usd_per_gpu"), f"the catalog has no price for {chip.id}: give one")
    if own.purchase_usd_per_gpu is not None:
        price = ctx.q((*path, "purchase_usd_per_gpu"), own.purchase_usd_per_gpu, "usd")
        basis = own.purchase_basis or "single"
        price_date = own.purchase_date or (ref_price.date if ref_price else None)
    else:
        assert ref_price is not None
        price = ctx.q((f"hardware.{chip.id}.purchase.reference",), ref_price.usd, "usd")
        basis = own.purchase_basis or ref_price.basis
        price_date = own.purchase_date or ref_price.date
    d = ctx.default
    overhead = ctx.opt((*path, "server_overhead"), own.server_overhead, chip.server_overhead,
                       f"hardware.{chip.id}.server_overhead")
    share = ctx.opt((*path, "interconnect_share"), own.interconnect_share, d("interconnect_share"),
                    "defaults.interconnect_share")
    oom = ctx.opt((*path, "price_performance_oom_per_year"), own.price_performance_oom_per_year,
                  d("price_performance_oom_per_year"), "defaults.price_performance_oom_per_year")
    life = ctx.opt((*path, "useful_life_years"), own.useful_life_years, d("useful_life_years"),
                   "defaults.useful_life_years", "years")
    server_price = hw.server_price_per_gpu(price, overhead, basis == "single")
    capex = hw.cluster_capex_per_gpu(server_price, share)

    released = chip.released or price_date or dt.date(2000, 1, 1)
    lag = chip.acquisition_lag_days if chip.acquisition_lag_days is not None else d("acquisition_lag_days")
    acquired = own.acquired or max(price_date or released, released + days(lag))
    start = sc.final_run.start
    if start is None and sc.released is not None:
        start = sc.released - dt.timedelta(days=wall_days) - days(d("training_start_lag_days"))
    start = start or acquired
    value = hw.depreciated_value(server_price, years_between(acquired, start), oom)
    hourly = hw.epoch_hourly(value, oom)
    epoch_hourly = hourly + hw.interconnect_addon(hourly, share)

    region = ctx.region()
    tdp = (ctx.q(("final_run", "tdp_w"), sc.final_run.tdp_w, "watts") if sc.final_run.tdp_w is not None
           else ctx.q((f"hardware.{chip.id}.tdp_w",), chip.tdp_w, "watts"))
    ratio = ctx.opt((*path, "server_power_ratio"), own.server_power_ratio, chip.server_power_ratio,
                    f"hardware.{chip.id}.server_power_ratio")
    frac = ctx.opt((*path, "power_fraction"), own.power_fraction, chip.power_fraction,
                   f"hardware.{chip.id}.power_fraction")
    if own.pue is None and region.pue is None:
        raise ctx.error((*path, "pue"), f"region '{region.id}' has no typical PUE: give ownership.pue")
    pue = ctx.opt((*path, "pue"), own.pue, region.pue, f"regions.{region.id}.pue")  # type: ignore[arg-type]
    elec_default = region.electricity_for(start.year)
    if own.electricity_usd_per_kwh is None and elec_default is None:
        raise ctx.error((*path, "electricity_usd_per_kwh"),
                        f"region '{region.id}' has no electricity price: give ownership.electricity_usd_per_kwh")
    elec = ctx.opt((*path, "electricity_usd_per_kwh"), own.electricity_usd_per_kwh, elec_default,  # type: ignore[arg-type]
                   f"regions.{region.id}.electricity.{start.year}")
    kwh_per_hour = compute.energy_kwh(ctx.const(1.0), tdp, ratio, frac, pue)
    return Ownership(capex, epoch_hourly, hw.straight_line_hourly(capex, life), kwh_per_hour, elec, share,
                     acquired, start)


def final_run(ctx: Context) -> FinalRun:
    sc = ctx.sc
    chip = ctx.chip(("final_run", "hardware"), sc.final_run.hardware)
    precision = sc.model.precision
    if sc.final_run.peak_tflops is not None:
        peak = ctx.q(("final_run", "peak_tflops"), sc.final_run.peak_tflops)
    else:
        peak_d: Dist | None = chip.peak_tflops(precision)
        if peak_d is None:
            raise ctx.error(("model", "precision"), f"{chip.name} has no {precision.upper()} tensor peak "
                                                    "(give final_run.peak_tflops)")
        peak = ctx.q((f"hardware.{chip.id}.{precision}_tflops",), peak_d)
    flops, flops_basis = _flops(ctx)
    gpus: Arr | None = None
    if sc.final_run.gpus is not None:
        gpus = ctx.q(("final_run", "gpus"), sc.final_run.gpus, "count")
        if np.any(gpus <= 0):
            raise ctx.error(("final_run", "gpus"), "must be at least 1 GPU")
    gpu_hours, pre_hours, wall, gpus, gpus_basis = _hours(ctx, peak, flops, gpus)
    factor = ctx.hours_factor()
    gpu_hours, pre_hours, wall = gpu_hours * factor, pre_hours * factor, wall * factor
    if np.any(gpu_hours <= 0):
        raise ctx.error(("final_run",), "the final run has no GPU-hours")
    rate = _rate(ctx, chip)
    if not float(np.mean(wall)) <= MAX_RUN_YEARS * 365.25:  # also refuses a non-finite duration
        raise ctx.error(("final_run",), f"the final run would last {float(np.mean(wall)) / 365.25:.3g} years of "
                                        f"wall-clock time (at most {MAX_RUN_YEARS}): check its GPU-hours and GPUs")
    if (late := start_warning(sc)) is not None:
        ctx.warnings.append(late)
    own = _ownership(ctx, chip, float(np.mean(wall)))
    energy_kwh = gpu_hours * own.energy_kwh_per_gpu_hour
    energy_usd = energy_kwh * own.usd_per_kwh
    hardware_usd = gpu_hours * own.epoch_hourly
    interconnect = hardware_usd * own.interconnect_share
    return FinalRun(
        chip=chip, precision=precision, peak_tflops=peak, gpus=gpus, gpu_hours=gpu_hours,
        pretraining_gpu_hours=pre_hours, flops=flops, flops_basis=flops_basis,
        implied_mfu=compute.implied_mfu(flops, pre_hours, peak) if flops is not None and np.all(pre_hours > 0)
        else None,
        gpus_basis=gpus_basis,
        days=wall, energy_kwh=energy_kwh,
        rate=rate, own=own, rental_usd=hw.rental(gpu_hours, rate.usd_per_gpu_hour),
        amortized_hardware_usd=hardware_usd - interconnect, amortized_interconnect_usd=interconnect,
        energy_usd=energy_usd, amortized_usd=hardware_usd + energy_usd,
        amortized_straight_line_usd=gpu_hours * own.straight_line_hourly + energy_usd,
        acquisition_usd=gpus * own.capex_per_gpu,
    )
