"""Drawing a lab's inputs: each by its path in the lab file, ``{ref: NAME}`` resolved, errors at their lines.

``Inputs`` is to a lab file what ``fullcost.context.Context`` is to a model scenario: it draws every input
once through the run's one ``Sampler`` and turns bad values into ``InputError``s naming file, line and field.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import numpy.typing as npt

from fullcost import catalog
from fullcost.books.lab import LabDoc, LabScenario
from fullcost.books.policy import days_in
from fullcost.context import SharedInputs, with_overrides
from fullcost.errors import InputError
from fullcost.quantity import Arr, Dist, Sampler

YearArr = dict[int, Arr]
WARN_SHARE = 0.05  # warn about a condition that holds in at least this share of samples (outside a 90% interval)


def add_years(d: dt.date, years: float) -> dt.date:
    """``d`` plus a term in years: whole years by the calendar, the rest in days."""
    whole = int(years)
    try:
        base = d.replace(year=d.year + whole)
    except ValueError:  # 29 February
        base = d.replace(year=d.year + whole, day=28)
    return base + dt.timedelta(days=round((years - whole) * 365.25))


def share_text(mask: npt.NDArray[np.bool_]) -> str:
    """The share of samples where ``mask`` holds, as a person would say it ("<1%", "35%")."""
    m = float(np.mean(mask))
    return "<1%" if 0 < m < 0.005 else f"{m:.0%}"


def year_days(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


class Inputs:
    """The lab's inputs drawn by path, ``{ref: NAME}`` resolved, errors pointing at lines."""

    def __init__(self, doc: LabDoc, sampler: Sampler) -> None:
        self.doc = doc
        self.sampler = with_overrides(sampler, getattr(doc, "catalog", None), getattr(doc, "hits", None))
        self.n = sampler.n
        self.warnings: list[str] = []
        self.shared = SharedInputs(self.sampler, dict(doc.lab.inputs), self.error)

    @property
    def lab(self) -> LabScenario:
        return self.doc.lab

    def error(self, path: tuple[str | int, ...], message: str) -> InputError:
        return self.doc.error(path, message)

    def q(self, path: tuple[str | int, ...], dist: Dist, dim: str = "number") -> Arr:
        return self.shared.draw(path, dist, dim)

    def opt(self, path: tuple[str | int, ...], dist: Dist | None, default: Dist | None, default_name: str,
            dim: str = "number", what: str = "") -> Arr:
        if dist is not None:
            return self.q(path, dist, dim)
        if default is None:
            raise self.error(path, f"no default in the catalog for {what or path[-1]}: give it here")
        return self.sampler.draw(default_name, default)

    def const(self, v: float) -> Arr:
        return self.sampler.const(v)

    def check_date(self, path: tuple[str | int, ...], d: dt.date, what: str) -> None:
        lab = self.lab
        if d < lab.founded:
            raise self.error(path, f"{what} is dated {d.isoformat()}, before the lab exists (founded "
                                   f"{lab.founded.isoformat()})")
        if d >= lab.end:
            raise self.error(path, f"{what} is dated {d.isoformat()}, after the last reported year "
                                   f"({lab.last_year}): raise last_year or drop it")

    def check_year(self, path: tuple[str | int, ...], year: int) -> None:
        if year not in self.lab.years:
            raise self.error(path, f"year {year} is outside the lab's years ({self.lab.founded.year} to "
                                   f"{self.lab.last_year})")

    def positive(self, path: tuple[str | int, ...], a: Arr, what: str) -> Arr:
        if np.any(a <= 0):
            raise self.error(path, f"{what} must be more than zero, got {float(np.min(a)):g}")
        return a


def lookup_chip(ctx: Inputs, path: tuple[str | int, ...], name: str) -> catalog.Chip:
    try:
        return catalog.chip(name)
    except KeyError as e:
        raise ctx.error(path, str(e.args[0])) from None


def lookup_region(ctx: Inputs) -> catalog.Region:
    try:
        return catalog.region(ctx.lab.region)
    except KeyError as e:
        raise ctx.error(("region",), str(e.args[0])) from None


def window_years(ctx: Inputs, start: dt.date, end: dt.date, per_year: Arr) -> YearArr:
    out: YearArr = {}
    for y in ctx.lab.years:
        d = days_in(y, start, end)
        if d:
            out[y] = per_year * d / year_days(y)
    return out
