"""Where costs are heading: a model of fixed capability gets cheaper; frontier spending keeps growing.

The compute part of the development cost (compute, hardware, energy, facility) falls each year by hardware
price-performance (Epoch AI: 0.14 orders of magnitude a year) times algorithmic efficiency (the compute
needed for a fixed capability halves every 5 to 14 months, Ho et al. 2024). Staff, data and overhead are
held at today's level in real terms: no sourced trend says how fast a team for a fixed capability shrinks,
so the projection does not invent one (``other_decline_oom`` lets a user assume one).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from fullcost import catalog
from fullcost.errors import InputError
from fullcost.estimation import Estimate
from fullcost.quantity import Arr
from fullcost.summary import summarize

COMPUTE_CATEGORIES = ("compute", "hardware", "energy", "facility")
LAST_YEAR = 2100  # projections further out than this say nothing a reader can use
MAX_OOM = 10.0  # orders of magnitude a year: far beyond any measured rate of progress (~0.1 to 0.5)


@dataclass(frozen=True)
class Rates:
    """Progress rates in orders of magnitude a year; ``None`` means the sourced default."""

    hardware_oom: float | None = None
    algorithmic_oom: float | None = None
    other_oom: float = 0.0

    def __post_init__(self) -> None:
        for flag, v in (("--hardware-oom", self.hardware_oom), ("--algorithmic-oom", self.algorithmic_oom),
                        ("--other-oom", self.other_oom)):
            if v is not None and not 0 <= v <= MAX_OOM:  # also refuses nan and inf
                raise InputError(f"{flag}: expected a rate from 0 to {MAX_OOM:g} orders of magnitude a year, got {v:g}")


def _split(est: Estimate) -> tuple[Arr, Arr]:
    comp = est.ctx.const(0.0)
    other = est.ctx.const(0.0)
    for it in est.iceberg.development:
        if it.category in COMPUTE_CATEGORIES:
            comp = comp + it.usd
        else:
            other = other + it.usd
    return comp, other


def _rates(est: Estimate, rates: Rates) -> tuple[Arr, Arr]:
    d = catalog.defaults()
    ctx = est.ctx
    if rates.hardware_oom is None:
        hw = ctx.opt((), None, d["hardware_price_performance_oom_per_year"], "defaults.hardware_price_performance")
    else:
        hw = ctx.const(rates.hardware_oom)
    if rates.algorithmic_oom is None:
        halving = ctx.opt((), None, d["algorithmic_halving_months"], "defaults.algorithmic_halving_months")
        algo = math.log10(2.0) * 12.0 / halving
    else:
        algo = ctx.const(rates.algorithmic_oom)
    return hw, algo


def base_year(est: Estimate) -> int:
    sc = est.doc.scenario
    return sc.released.year if sc.released else dt.date.today().year


def trend(est: Estimate, below_usd: float = 10e6, until: int | None = None, rates: Rates = Rates(),
          this_year: int | None = None) -> dict[str, Any]:
    now = this_year or dt.date.today().year
    until = until if until is not None else max(now, base_year(est)) + 10
    if until < now:
        raise InputError(f"--until {until} is in the past: give a year from {now} on")
    if until > LAST_YEAR:
        raise InputError(f"--until {until} is too far out: give a year up to {LAST_YEAR}")
    if below_usd <= 0:
        raise InputError(f"--below must be a positive amount, got {below_usd:g}")
    y0 = base_year(est)
    comp, other = _split(est)
    hw, algo = _rates(est, rates)
    decline = hw + algo  # OOM a year for the compute part
    years = list(range(y0, until + 1))
    rows = []
    prob: dict[str, float] = {}
    for y in years:
        t = y - y0
        usd = comp * np.power(10.0, -decline * t) + other * 10.0 ** (-rates.other_oom * t)
        rows.append({"year": y, "usd": summarize(usd)})
        prob[str(y)] = float(np.mean(usd < below_usd))
    crossing = _crossing_year(comp, other, decline, rates.other_oom, below_usd, y0)
    finite = crossing[np.isfinite(crossing)]
    p50 = None
    if finite.size * 2 > crossing.size:
        p50 = int(np.ceil(np.median(crossing)))
    growth_d = catalog.defaults()["frontier_cost_growth_per_year"]
    g = est.ctx.opt((), None, growth_d, "defaults.frontier_cost_growth_per_year")
    anchor_d = catalog.defaults()["frontier_anchor_usd"]
    anchor_year = int(catalog.raw("defaults")["frontier_anchor_usd"]["year"])
    anchor = est.ctx.opt((), None, anchor_d, "defaults.frontier_anchor_usd")
    frontier = [{"year": y, "usd": summarize(anchor * np.power(g, y - anchor_year))} for y in years]
    return {
        "name": est.doc.scenario.name,
        "base_year": y0,
        "years": rows,
        "below_usd": below_usd,
        "year_p50": p50,
        "never_share": float(np.mean(~np.isfinite(crossing))),
        "probability_by_year": prob,
        "compute_part_usd": summarize(comp),
        "other_part_usd": summarize(other),
        "decline_oom_per_year": summarize(decline),
        "frontier": frontier,
        "frontier_note": (f"the most expensive frontier run's amortized cost ({anchor_d.text} in {anchor_year}, "
                          f"Epoch AI) growing at Epoch AI's {growth_d.text}x a year"),
    }


def _crossing_year(comp: Arr, other: Arr, decline: Arr, other_oom: float, below: float, y0: int,
                   horizon: int = 500) -> Arr:
    """The first whole year at which the projected total is below ``below`` (inf where it never is).

    The total only falls with time, so a bisection over whole years finds the first one, per sample.
    """
    def total(t: Arr) -> Arr:
        return comp * np.power(10.0, -decline * t) + other * np.power(10.0, -other_oom * t)

    n = comp.shape[0]
    lo = np.zeros(n)
    hi = np.full(n, float(horizon))
    never = total(hi) >= below
    done = total(lo) < below
    while True:
        open_ = (hi - lo > 1) & ~never & ~done
        if not open_.any():
            break
        mid = np.floor((lo + hi) / 2)
        below_mid = total(mid) < below
        hi = np.where(open_ & below_mid, mid, hi)
        lo = np.where(open_ & ~below_mid, mid, lo)
    first = np.where(done, 0.0, hi)
    first[never] = np.inf
    return first + y0
