"""The frontier over time: the headline, the amortized final run and the development cost of every frontier model
of Epoch AI's selection, each series with its fitted growth rate, and how the all-in figure compares with the
headline.

The frontier is Epoch AI's top-n selection (``frontier_systems_by_top_n.json``: models among the n largest by
training compute when published; Epoch's cost study uses n = 10). Growth rates are least-squares fits of log10(cost)
on the publication date (a year as a decimal), as Epoch AI fits them; the 90% interval of a rate is from the
slope's standard error (normal approximation).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from fullcost import catalog, model_index
from fullcost.summary import summarize

Z90 = 1.6448536269514722
SERIES = ("headline", "amortized", "development")
ESSAY_ALL_IN_USD = (5e6, 10e6)  # "In a few years, frontier models might genuinely cost $5-10 million all-in"


@dataclass(frozen=True)
class Fit:
    """log10(y) = a + b * year: the factor a year is 10**b."""

    n: int
    slope: float
    intercept: float
    se: float

    @property
    def per_year(self) -> float:
        return float(10 ** self.slope)

    def interval(self) -> tuple[float, float]:
        return float(10 ** (self.slope - Z90 * self.se)), float(10 ** (self.slope + Z90 * self.se))

    def at(self, year: float) -> float:
        return float(10 ** (self.intercept + self.slope * year))

    def to_json(self) -> dict[str, Any]:
        lo, hi = self.interval()
        return {"models": self.n, "per_year": self.per_year, "per_year_p5": lo, "per_year_p95": hi,
                "log10_slope": self.slope, "log10_intercept": self.intercept, "slope_se": self.se}


def decimal_year(d: dt.date) -> float:
    start = dt.date(d.year, 1, 1)
    days = (dt.date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / days


def fit(years: list[float], values: list[float]) -> Fit | None:
    """Ordinary least squares of log10(value) on the year; None with fewer than three positive points."""
    pts = [(x, math.log10(y)) for x, y in zip(years, values, strict=True) if y > 0 and math.isfinite(y)]
    if len(pts) < 3:
        return None
    x = np.array([p[0] for p in pts])
    y = np.array([p[1] for p in pts])
    xm, ym = x.mean(), y.mean()
    sxx = float(((x - xm) ** 2).sum())
    if sxx == 0:
        return None
    b = float(((x - xm) * (y - ym)).sum() / sxx)
    a = float(ym - b * xm)
    resid = y - (a + b * x)
    se = math.sqrt(float((resid ** 2).sum()) / (len(pts) - 2) / sxx) if len(pts) > 2 else 0.0
    return Fit(len(pts), b, a, se)


def members(top: int = 10, since: int | None = None) -> list[dict[str, Any]]:
    """The index rows of Epoch AI's top-``top`` frontier models, oldest first."""
    out = [r for r in model_index.rows() if r["frontier_rank"] is not None and r["frontier_rank"] <= top
           and r["released"] and (since is None or int(r["released"][:4]) >= since)]
    return sorted(out, key=lambda r: (r["released"], r["name"]))


def point(row: dict[str, Any], samples: int, seed: int, dollars: int | str | None) -> dict[str, Any]:
    """One frontier model: its headline, amortized final run and development cost, and their ratio."""
    from fullcost import estimation

    est = estimation.run(catalog.load_scenario(row["name"]), samples, seed, dollars=dollars)
    dev = summarize(est.development_total)
    amort = summarize(est.final.amortized_usd)
    head = est.headline.usd
    ratio = np.asarray(est.development_total) / head if head > 0 else None
    epoch = row["facts"].get("epoch_amortized_usd")
    return {
        "name": row["name"], "title": row["title"], "developer": row["developer"], "released": row["released"],
        "year": decimal_year(dt.date.fromisoformat(row["released"])), "frontier_rank": row["frontier_rank"],
        "hardware": est.final.chip.id, "headline_usd": head, "headline_basis": est.headline.basis,
        "amortized_usd": amort, "development_usd": dev,
        "all_in_over_headline": None if ratio is None else summarize(ratio),
        "epoch_amortized_usd_2024": None if epoch is None else epoch["value"],
        "final_run_only": row["final_run_only"],
    }


def frontier(top: int = 10, since: int | None = None, dollars: int | str | None = None, samples: int = 1000,
             seed: int = 0) -> dict[str, Any]:
    """Every frontier model's three figures and each series' fitted growth rate."""
    rows = members(top, since)
    points = [point(r, samples, seed, dollars) for r in rows]
    years = [p["year"] for p in points]
    series = {
        "headline": [p["headline_usd"] for p in points],
        "amortized": [p["amortized_usd"]["p50"] for p in points],
        "development": [p["development_usd"]["p50"] for p in points],
    }
    fits = {k: fit(years, v) for k, v in series.items()}
    table = [(p["year"], p["epoch_amortized_usd_2024"]) for p in points if p["epoch_amortized_usd_2024"]]
    epoch_fit = fit([t[0] for t in table], [t[1] for t in table])
    ratios = [p["all_in_over_headline"]["p50"] for p in points if p["all_in_over_headline"] is not None]
    growth = catalog.defaults().get("frontier_cost_growth_per_year")
    return {
        "selection": {"top_n": top, "since": since, "models": len(points),
                      "source": "Epoch AI, frontier_systems_by_top_n.json (commit e13599f)"},
        "dollars": dollars if dollars is not None else "nominal (each model's release month)",
        "samples": samples, "seed": seed,
        "models": points,
        "growth": {k: (f.to_json() if f is not None else None) for k, f in fits.items()},
        "epoch_table_growth": None if epoch_fit is None else {
            **epoch_fit.to_json(), "what": "Epoch AI's own amortized hardware + energy figures for these models "
                                           "(model_costs.csv, December 2024 dollars)"},
        "epoch_reported_growth": None if growth is None else {
            "per_year": growth.central(), "p5": growth.interval()[0], "p95": growth.interval()[1],
            "what": "amortized hardware + energy of frontier training runs", "source": growth.source,
            "published": growth.published},
        "all_in_over_headline": None if not ratios else {
            "median": float(np.median(ratios)), "min": float(min(ratios)), "max": float(max(ratios)),
            "below_one": sum(r < 1 for r in ratios)},
        "essay": essay_check(points, fits.get("development")),
    }


def essay_check(points: list[dict[str, Any]], dev: Fit | None) -> dict[str, Any]:
    """The essay's "frontier models might cost $5-10M all-in" against the frontier's development costs."""
    lo, hi = ESSAY_ALL_IN_USD
    under = [p for p in points if p["development_usd"]["p50"] <= hi]
    last_under = max((p["released"] for p in under), default=None)
    latest = points[-1] if points else None
    out: dict[str, Any] = {"claim_usd": [lo, hi], "models_at_or_under": len(under), "last_at_or_under": last_under,
                           "latest": None if latest is None else {"name": latest["name"],
                                                                   "released": latest["released"],
                                                                   "development_p50": latest["development_usd"]["p50"]}}
    if dev is not None and latest is not None:
        out["fitted_development_at_latest"] = dev.at(latest["year"])
        out["fitted_growth_per_year"] = dev.per_year
    return out
