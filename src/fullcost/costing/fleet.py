"""The fleet a lab owns: capex, depreciation, idle capacity, energy and facility, and its cost per GPU-hour."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fullcost import catalog, compute
from fullcost.context import Context
from fullcost.costing import hardware as hw
from fullcost.quantity import Arr
from fullcost.scenario import Fleet

A100 = "a100-80gb"  # the unit of "A100-equivalents": dense BF16 peak of an A100 (312 TFLOP/s)


@dataclass(frozen=True)
class Group:
    chip: catalog.Chip
    count: Arr
    capex_per_gpu: Arr  # price x premium x server overhead, grossed up for interconnect
    kwh_per_hour: Arr  # facility energy per working GPU-hour
    it_kw: Arr  # IT load per GPU (server power share), for facility pricing


@dataclass(frozen=True)
class FleetCost:
    """One year of the fleet, and the same per GPU-hour of work done (idle capacity spread over the work)."""

    groups: tuple[Group, ...]
    utilization: Arr
    life_years: Arr
    usd_per_kwh: Arr
    facility_usd_per_kw_hour: Arr
    capex: Arr
    depreciation_per_year: Arr
    energy_usd_per_year: Arr
    facility_usd_per_year: Arr
    capacity_gpu_hours: Arr  # GPU-hours a year the fleet could deliver
    a100_equivalents: Arr
    # per_used_hour's answers, by chip and peaks (a run asks for each of its program's groups)
    _rates: dict[tuple[Any, ...], tuple[tuple[Arr, Arr, Arr], Arr, Arr]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def per_used_hour(self, chip: catalog.Chip, peak: Arr, a100_peak: Arr) -> tuple[Arr, Arr, Arr]:
        """Depreciation, energy and facility per GPU-hour of work on ``chip`` (read-only arrays).

        Depreciation and facility run whether a GPU works or idles, so they are spread over the working hours
        (divided by utilization); energy is drawn by working hours. For a chip not in the fleet, the fleet's
        average per A100-equivalent hour, scaled by the chip's dense BF16 peak.
        """
        key = (chip.id, _same(peak), _same(a100_peak))
        hit = self._rates.get(key)
        if hit is not None:
            return hit[0]
        out = self._per_used_hour(chip, peak, a100_peak)
        for a in out:
            a.setflags(write=False)
        self._rates[key] = (out, peak, a100_peak)  # the peaks kept alive with it: their ids stay theirs
        return out

    def _per_used_hour(self, chip: catalog.Chip, peak: Arr, a100_peak: Arr) -> tuple[Arr, Arr, Arr]:
        for g in self.groups:
            if g.chip.id == chip.id:
                hours = self.life_years * compute.HOURS_PER_YEAR * self.utilization
                return (g.capex_per_gpu / hours, g.kwh_per_hour * self.usd_per_kwh,
                        g.it_kw * self.facility_usd_per_kw_hour / self.utilization)
        a100_hours = self.a100_equivalents * compute.HOURS_PER_YEAR * self.utilization
        scale = peak / a100_peak
        return (self.depreciation_per_year / a100_hours * scale, self.energy_usd_per_year / a100_hours * scale,
                self.facility_usd_per_year / a100_hours * scale)


def _same(a: Arr) -> Any:
    """What tells ``a`` from another array: a value given once (a point input) by that value, any other by its
    id (the array is kept with the answer, so no other array takes its id)."""
    if a.strides == (0,):
        return (a.size, a.flat[0].tobytes())
    return id(a)


def _total_count(groups: tuple[Group, ...]) -> Arr:
    out = groups[0].count
    for g in groups[1:]:
        out = out + g.count
    return out


def fleet_cost(ctx: Context, fleet: Fleet) -> FleetCost:
    base = ("fleet",)
    d = ctx.default
    region = ctx.region()
    share = ctx.opt((*base, "interconnect_share"), fleet.interconnect_share, d("interconnect_share"),
                    "defaults.interconnect_share")
    life = ctx.opt((*base, "useful_life_years"), fleet.useful_life_years, d("useful_life_years"),
                   "defaults.useful_life_years", "years")
    util = ctx.q((*base, "utilization"), fleet.utilization, "fraction")
    if np.any(util <= 0):
        raise ctx.error((*base, "utilization"), "must be above 0%: a fleet that does no work has no cost per hour")
    if fleet.pue is None and region.pue is None:
        raise ctx.error((*base, "pue"), f"region '{region.id}' has no typical PUE: give fleet.pue")
    pue = ctx.opt((*base, "pue"), fleet.pue, region.pue, f"regions.{region.id}.pue")  # type: ignore[arg-type]
    year = ctx.sc.released.year if ctx.sc.released else 2024
    elec_d = region.electricity_for(year)
    if fleet.electricity_usd_per_kwh is None and elec_d is None:
        raise ctx.error((*base, "electricity_usd_per_kwh"), f"region '{region.id}' has no electricity price")
    elec = ctx.opt((*base, "electricity_usd_per_kwh"), fleet.electricity_usd_per_kwh, elec_d,  # type: ignore[arg-type]
                   f"regions.{region.id}.electricity.{year}")
    a100_peak = ctx.ref_peak(catalog.chip(A100))

    groups: list[Group] = []
    capex = ctx.const(0.0)
    energy = ctx.const(0.0)
    a100e = ctx.const(0.0)
    for i, g in enumerate(fleet.gpus):
        p = (*base, "gpus", i)
        chip = ctx.chip((*p, "hardware"), g.hardware)
        peak = ctx.ref_peak(chip)
        if g.count is not None:
            count = ctx.q((*p, "count"), g.count, "count")
        else:
            assert g.a100_equivalents is not None
            count = ctx.q((*p, "a100_equivalents"), g.a100_equivalents, "count") * a100_peak / peak
        ref = chip.reference_price()
        if g.price_usd is not None:
            price = ctx.q((*p, "price_usd"), g.price_usd, "usd")
            basis: str = g.price_basis or "single"
        elif ref is not None:
            price = ctx.q((f"hardware.{chip.id}.purchase.reference",), ref.usd, "usd")
            basis = g.price_basis or ref.basis
        else:
            raise ctx.error((*p, "price_usd"), f"the catalog has no price for {chip.id}: give price_usd")
        if g.premium is not None and not ctx.controls_lifted:
            price = price * (1.0 + ctx.q((*p, "premium"), g.premium, "number"))
        overhead = ctx.q((f"hardware.{chip.id}.server_overhead",), chip.server_overhead)
        per_gpu = hw.cluster_capex_per_gpu(hw.server_price_per_gpu(price, overhead, basis == "single"), share)
        tdp = ctx.q((f"hardware.{chip.id}.tdp_w",), chip.tdp_w, "watts")
        ratio = ctx.q((f"hardware.{chip.id}.server_power_ratio",), chip.server_power_ratio)
        frac = ctx.q((f"hardware.{chip.id}.power_fraction",), chip.power_fraction)
        k = compute.energy_kwh(ctx.const(1.0), tdp, ratio, frac, pue)
        groups.append(Group(chip, count, per_gpu, k, tdp / 1000.0 * ratio))
        capex = capex + count * per_gpu
        energy = energy + count * compute.HOURS_PER_YEAR * util * k * elec
        a100e = a100e + count * peak / a100_peak
    gtuple = tuple(groups)
    capacity = _total_count(gtuple) * compute.HOURS_PER_YEAR
    if fleet.facility_usd_per_kw_month is not None:
        fac_rate = ctx.q((*base, "facility_usd_per_kw_month"), fleet.facility_usd_per_kw_month, "usd")
        facility = ctx.const(0.0)
        for grp in gtuple:
            facility = facility + grp.count * grp.it_kw * fac_rate * 12.0
        fac_per_kw_hour = fac_rate * 12.0 / compute.HOURS_PER_YEAR
    else:
        facility = ctx.const(0.0)
        fac_per_kw_hour = ctx.const(0.0)
    return FleetCost(gtuple, util, life, elec, fac_per_kw_hour, capex, capex / life, energy, facility, capacity,
                     a100e)
