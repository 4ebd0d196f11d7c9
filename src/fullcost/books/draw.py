"""Draw a lab scenario's inputs once, into the policy-independent facts its journal is posted from.

One ``Sampler`` serves the whole run: the lab's own inputs are drawn under their paths
(``fleet.purchases[0].count``), each release's program under ``releases[I].program.<path>``, and catalog
values (``hardware.*``, ``regions.*``, ``defaults.*``) under their catalog names, so an H800's price or a
Chinese researcher's pay is one array shared by the lab's fleet, its staff and every program.

What the journal takes from where (the double-counting rule):

- The lab's own fleet, cloud, staff and running costs are its books: they are booked as they are drawn
  here, year by year.
- A release's program (``fullcost.estimate``'s development items) is booked only where the lab has
  nothing of its own: its data purchases. Its compute (``hardware`` depreciation, ``energy``,
  ``facility``, rented ``compute``) ran on the lab's fleet or cloud, and its staff are the lab's staff:
  those are never booked again. They measure instead which share of the lab's research compute and R&D
  staff went into the final run and the development window, for the IFRS capitalization and the
  "one-time training run" add-back; that share is capped at 100% of what the lab spent in the year.
- Program overhead (an SG&A share) and SG&A staff are never booked from a program: the lab's SG&A is its
  own; neither is ever capitalized (IAS 38.67).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from fullcost import catalog, compute
from fullcost.books import accounts as acc
from fullcost.books.inputs import (
    WARN_SHARE,
    Inputs,
    YearArr,
    add_years,
    lookup_chip,
    lookup_region,
    share_text,
    window_years,
    year_days,
)
from fullcost.books.lab import LabDoc, LabScenario, Purchase
from fullcost.books.policy import days_in
from fullcost.books.programs import Program, program
from fullcost.costing import hardware as hw
from fullcost.quantity import Arr, Dist, Sampler

__all__ = ["WARN_SHARE", "Asset", "LabRun", "Program", "YearArr", "draw", "share_text"]


@dataclass(frozen=True)
class Asset:
    """One fleet purchase: its capex in parts, its life, its GPU-hours and electricity per year."""

    name: str
    path: tuple[str | int, ...]
    chip: str
    date: dt.date
    count: Arr
    gpus_usd: Arr
    servers_usd: Arr
    network_usd: Arr
    life: Arr
    contributed_by: str | None
    capacity_hours: YearArr  # GPU-hours in service per year
    energy_usd: YearArr  # electricity for the working share of those hours
    rental_usd_per_gpu_hour: Arr | None

    @property
    def capex(self) -> Arr:
        return self.gpus_usd + self.servers_usd + self.network_usd


@dataclass(frozen=True)
class StaffLine:
    role: str
    line: str  # rnd | sga | cogs
    cash: YearArr
    sbc: YearArr


@dataclass(frozen=True)
class Flow:
    """A named amount per year for one account (a running cost, a revenue line)."""

    name: str
    account: str
    usd: YearArr
    excluded: bool = False


@dataclass(frozen=True)
class CloudLine:
    name: str
    provider: str | None
    research: YearArr
    serving: YearArr


@dataclass(frozen=True)
class Round:
    name: str
    date: dt.date
    kind: str
    usd: Arr
    investors: str | None
    rate: Arr | None
    maturity: dt.date | None


@dataclass(frozen=True)
class ServingYear:
    year: int
    gpu_hours: Arr  # owned GPU-hours serving
    tokens: Arr  # tokens served in the year (billed or not)
    revenue: Arr  # billed API revenue
    list_revenue: Arr  # revenue if every token were billed at list price
    chip: str | None  # the fleet's GPUs that serve (None: the whole fleet)


@dataclass(frozen=True)
class LabRun:
    doc: LabDoc
    n: int
    seed: int
    assets: tuple[Asset, ...]
    utilization: Arr
    method: str
    staff: tuple[StaffLine, ...]
    costs: tuple[Flow, ...]
    cloud: tuple[CloudLine, ...]
    revenue: tuple[Flow, ...]
    rounds: tuple[Round, ...]
    serving: dict[int, ServingYear]
    programs: tuple[Program, ...]
    tax_rate: Arr
    loss_carryforward: bool
    warnings: list[str] = field(default_factory=list)
    # every input the run drew, by name (a path of the lab file, ``inputs.NAME``, a program's
    # ``releases[I].program.<path>`` or a catalog name), with its distribution and its samples, in the order drawn
    inputs: dict[str, tuple[Dist, Arr]] = field(default_factory=dict)

    @property
    def lab(self) -> LabScenario:
        return self.doc.lab

    @property
    def years(self) -> tuple[int, ...]:
        return self.lab.years


def _asset(ctx: Inputs, i: int, p: Purchase, util: Arr, life_default: Arr, pue: Arr,
           elec: dict[int, Arr]) -> Asset:
    lab = ctx.lab
    path: tuple[str | int, ...] = ("fleet", "purchases", i)
    fl = lab.fleet
    assert fl is not None
    ctx.check_date((*path, "date"), p.date, "the purchase")
    chip = lookup_chip(ctx, (*path, "hardware"), p.hardware)
    count = ctx.q((*path, "count"), p.count, "count")
    ref = chip.reference_price()
    if p.price_usd is not None:
        price = ctx.q((*path, "price_usd"), p.price_usd, "usd")
        basis: str = p.price_basis or "single"
    elif ref is not None:
        price = ctx.sampler.draw(f"hardware.{chip.id}.purchase.reference", ref.usd)
        basis = p.price_basis or ref.basis
    else:
        raise ctx.error((*path, "price_usd"), f"the catalog has no price for {chip.id}: give price_usd")
    if p.contributed_by is not None and p.price_usd is None:
        raise ctx.error((*path, "price_usd"), "a contribution in kind needs its value: give price_usd per GPU")
    if p.premium is not None:
        price = price * (1.0 + ctx.q((*path, "premium"), p.premium, "fraction"))
    overhead = ctx.sampler.draw(f"hardware.{chip.id}.server_overhead", chip.server_overhead)
    share = ctx.opt(("fleet", "interconnect_share"), fl.interconnect_share,
                    catalog.defaults().get("interconnect_share"), "defaults.interconnect_share", "fraction")
    single = basis == "single"
    server = hw.server_price_per_gpu(price, overhead, single)
    per_gpu = hw.cluster_capex_per_gpu(server, share)
    gpu_part = price if single else price / overhead
    life = ctx.positive((*path, "useful_life"), ctx.q((*path, "useful_life"), p.useful_life, "years"),
                        "a useful life") if p.useful_life is not None else life_default
    tdp = ctx.sampler.draw(f"hardware.{chip.id}.tdp_w", chip.tdp_w)
    ratio = ctx.sampler.draw(f"hardware.{chip.id}.server_power_ratio", chip.server_power_ratio)
    frac = ctx.sampler.draw(f"hardware.{chip.id}.power_fraction", chip.power_fraction)
    kwh = compute.energy_kwh(ctx.const(1.0), tdp, ratio, frac, pue)
    capacity: YearArr = {}
    energy: YearArr = {}
    for y in lab.years:
        hours = count * days_in(y, p.date, lab.end) * 24.0
        capacity[y] = hours
        energy[y] = hours * util * kwh * elec[y]
    if p.rental_usd_per_gpu_hour is not None:
        rent: Arr | None = ctx.q((*path, "rental_usd_per_gpu_hour"), p.rental_usd_per_gpu_hour, "usd_per_hour")
    else:
        rr = chip.reference_rate()
        rent = ctx.sampler.draw(f"hardware.{chip.id}.rental.reference", rr.usd_per_hour) if rr else None
    return Asset(p.name or f"{chip.name} ({p.date.isoformat()})", path, chip.id, p.date, count, count * gpu_part,
                 count * (server - gpu_part), count * (per_gpu - server), life, p.contributed_by, capacity, energy,
                 rent)


def _fleet(ctx: Inputs, region: catalog.Region) -> tuple[tuple[Asset, ...], Arr, str]:
    lab = ctx.lab
    fl = lab.fleet
    if fl is None:
        return (), ctx.const(0.0), "straight_line"
    util = ctx.q(("fleet", "utilization"), fl.utilization, "fraction")
    ctx.positive(("fleet", "utilization"), util, "utilization")
    life = ctx.opt(("fleet", "useful_life"), fl.useful_life, catalog.defaults().get("useful_life_years"),
                   "defaults.useful_life_years", "years")
    ctx.positive(("fleet", "useful_life"), life, "a useful life")
    pue = ctx.opt(("fleet", "pue"), fl.pue, region.pue, f"regions.{region.id}.pue", "multiplier", "PUE")
    elec: dict[int, Arr] = {}
    for y in lab.years:
        d = region.electricity_for(y)
        elec[y] = ctx.opt(("fleet", "electricity_usd_per_kwh"), fl.electricity_usd_per_kwh, d,
                          f"regions.{region.id}.electricity.{y}", "usd_per_kwh", "the electricity price")
    assets = tuple(_asset(ctx, i, p, util, life, pue, elec) for i, p in enumerate(fl.purchases))
    return assets, util, fl.depreciation


def _staff(ctx: Inputs, region: catalog.Region) -> tuple[StaffLine, ...]:
    lab = ctx.lab
    rp = f"regions.{region.id}.staff"
    out = []
    for i, r in enumerate(lab.staff):
        path: tuple[str | int, ...] = ("staff", i)
        pay = r.pay or "researcher"
        salary = ctx.opt((*path, "salary_usd"), r.salary_usd, region.staff.get(f"{pay}_salary_usd"),
                         f"{rp}.{pay}_salary_usd", "usd", f"{pay} pay in region '{region.id}' (salary_usd)")
        over_d = region.staff.get("benefits_overhead")
        overhead = ctx.opt((*path, "overhead"), r.overhead, over_d, f"{rp}.benefits_overhead", "multiplier") \
            if (r.overhead is not None or over_d is not None) else ctx.const(1.0)
        eq_d = region.staff.get("equity_usd") if pay in ("researcher", "engineer") else None
        sbc = ctx.opt((*path, "stock_comp_usd"), r.stock_comp_usd, eq_d, f"{rp}.equity_usd", "usd") \
            if (r.stock_comp_usd is not None or eq_d is not None) else ctx.const(0.0)
        cash: YearArr = {}
        stock: YearArr = {}
        for y, hc in r.headcount.items():
            ctx.check_year((*path, "headcount", str(y)), y)
            head = ctx.q((*path, "headcount", str(y)), hc, "count")
            active = days_in(y, lab.founded, lab.end) / year_days(y)
            cash[y] = head * salary * overhead * active
            stock[y] = head * sbc * active
        out.append(StaffLine(r.role, r.line, cash, stock))
    return tuple(out)


def _costs(ctx: Inputs) -> tuple[Flow, ...]:
    lab = ctx.lab
    out = []
    for i, c in enumerate(lab.costs):
        path: tuple[str | int, ...] = ("costs", i)
        start = c.start or lab.founded
        ctx.check_date((*path, "start"), start, f"cost '{c.name}'")
        end = min(c.end or lab.end, lab.end)
        if end <= start:
            raise ctx.error((*path, "end"), "end must come after start")
        usd = ctx.q((*path, "usd_per_year"), c.usd_per_year, "usd")
        out.append(Flow(c.name, acc.COST_KINDS[c.kind], window_years(ctx, start, end, usd),
                        c.exclude_from_adjusted_ebitda))
    return tuple(out)


def _cloud(ctx: Inputs) -> tuple[CloudLine, ...]:
    lab = ctx.lab
    out = []
    for i, c in enumerate(lab.cloud):
        path: tuple[str | int, ...] = ("cloud", i)
        ctx.check_date((*path, "start"), c.start, f"cloud commitment '{c.name}'")
        usd = ctx.q((*path, "usd_per_year"), c.usd_per_year, "usd")
        share = ctx.q((*path, "serving_share"), c.serving_share, "fraction") if c.serving_share is not None \
            else ctx.const(0.0)
        per = window_years(ctx, c.start, min(c.end or lab.end, lab.end), usd)
        out.append(CloudLine(c.name, c.provider, {y: v * (1 - share) for y, v in per.items()},
                             {y: v * share for y, v in per.items()}))
    return tuple(out)


def _revenue(ctx: Inputs) -> tuple[Flow, ...]:
    out = []
    for i, r in enumerate(ctx.lab.revenue):
        usd: YearArr = {}
        for y, d in r.usd.items():
            ctx.check_year(("revenue", i, "usd", str(y)), y)
            usd[y] = ctx.q(("revenue", i, "usd", str(y)), d, "usd")
        out.append(Flow(r.name, acc.REVENUE_KINDS[r.kind], usd))
    return tuple(out)


def _rounds(ctx: Inputs) -> tuple[Round, ...]:
    out = []
    for i, f in enumerate(ctx.lab.funding):
        path: tuple[str | int, ...] = ("funding", i)
        ctx.check_date((*path, "date"), f.date, f"funding round '{f.name}'")
        usd = ctx.q((*path, "usd"), f.usd, "usd")
        rate = maturity = None
        if f.kind == "debt":
            if f.interest_rate is None:
                raise ctx.error((*path, "interest_rate"), "debt needs its interest_rate (0% if interest-free)")
            rate = ctx.q((*path, "interest_rate"), f.interest_rate, "fraction")
            if f.term is not None:
                term = ctx.positive((*path, "term"), ctx.q((*path, "term"), f.term, "years"), "a term")
                maturity = add_years(f.date, float(np.median(term)))
        out.append(Round(f.name, f.date, f.kind, usd, f.investors, rate, maturity))
    return tuple(out)


def _serving(ctx: Inputs, assets: tuple[Asset, ...], util: Arr) -> dict[int, ServingYear]:
    lab = ctx.lab
    out: dict[int, ServingYear] = {}
    for i, s in enumerate(lab.serving):
        path: tuple[str | int, ...] = ("serving", i)
        ctx.check_year((*path, "year"), s.year)
        if s.year in out:
            raise ctx.error((*path, "year"), f"year {s.year} is served twice: one serving entry per year")
        share = ctx.q((*path, "share_of_year"), s.share_of_year, "fraction") if s.share_of_year is not None \
            else ctx.const(1.0)
        days = days_in(s.year, lab.founded, lab.end) * share
        tokens = ctx.const(0.0)
        listed = ctx.const(0.0)
        for kind in ("input_cached", "input", "output"):
            t = getattr(s.tokens_per_day, kind)
            if t is None:
                continue
            per_day = ctx.q((*path, "tokens_per_day", kind), t, "count")
            tokens = tokens + per_day * days
            if s.usd_per_million is not None:
                price_d = getattr(s.usd_per_million, kind)
                if price_d is None:
                    raise ctx.error((*path, "usd_per_million"),
                                    f"no price for {kind} tokens: give usd_per_million.{kind} (0 if free)")
                listed = listed + per_day * days * ctx.q((*path, "usd_per_million", kind), price_d, "usd") / 1e6
        billed = ctx.q((*path, "billed_share"), s.billed_share, "fraction") if s.billed_share is not None \
            else ctx.const(1.0)
        if s.gpus is not None:
            if not assets:
                raise ctx.error((*path, "gpus"), "serving GPUs need a fleet: without one, serve from a cloud "
                                                 "commitment with a serving_share")
            gpu_hours = ctx.q((*path, "gpus"), s.gpus, "count") * days * 24.0
            chip = None
            if s.hardware is not None:
                chip = lookup_chip(ctx, (*path, "hardware"), s.hardware).id
                if not any(a.chip == chip for a in assets):
                    raise ctx.error((*path, "hardware"), f"the fleet has no {chip}: serving GPUs come from the fleet")
            working = ctx.const(0.0)
            for a in assets:
                if chip is None or a.chip == chip:
                    working = working + a.capacity_hours[s.year] * util
            over = gpu_hours > working
            if np.mean(over) >= WARN_SHARE:
                ctx.warnings.append(f"serving {s.year}: the serving GPUs exceed the working GPU-hours of the GPUs "
                                    f"that serve in {share_text(over)} of samples; capped at all of them")
                gpu_hours = np.minimum(gpu_hours, working)
        else:
            gpu_hours, chip = ctx.const(0.0), None
        out[s.year] = ServingYear(s.year, gpu_hours, tokens, listed * billed, listed, chip)
    return out


def draw(doc: LabDoc, samples: int, seed: int) -> LabRun:
    """Every input of the lab drawn once (one sampler for the lab and all its programs)."""
    sampler = Sampler(samples, seed)
    ctx = Inputs(doc, sampler)
    lab = doc.lab
    region = lookup_region(ctx)
    assets, util, method = _fleet(ctx, region)
    staff = _staff(ctx, region)
    costs = _costs(ctx)
    cloud = _cloud(ctx)
    revenue = _revenue(ctx)
    rounds = _rounds(ctx)
    serving = _serving(ctx, assets, util)
    programs = tuple(program(ctx, i) for i in range(len(lab.releases)))
    names = [p.release for p in programs]
    for i, nm in enumerate(names):
        if nm in names[:i]:
            raise ctx.error(("releases", i, "name"), f"release '{nm}' is listed twice")
    tax = ctx.q(("tax", "rate"), lab.tax.rate, "fraction")
    return LabRun(doc, samples, seed, assets, util, method, staff, costs, cloud, revenue, rounds, serving, programs,
                  tax, lab.tax.loss_carryforward, ctx.warnings, sampler.drawn)
