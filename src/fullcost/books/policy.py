"""Accounting policies, as options: the standard, the depreciation method and life, owned or rented compute.

- ``us-gaap``: research and development is expensed as incurred (ASC 730).
- ``ifrs``: research is expensed, but development is capitalized once the IAS 38.57 criteria are met
  (technical feasibility, intention and ability to complete and use it, probable future benefits,
  resources, reliable measurement) and amortized over the model's useful life from its release. Only
  directly attributable costs are capitalized (IAS 38.66): the compute of the final run, and the R&D
  staff and data of the development window after the criteria date; never experiments, failed runs,
  related models, or selling and administrative overhead (IAS 38.67).
- ``depreciation``: straight-line, or sum-of-the-years'-digits (accelerated; continuous form
  1 - (1 - t/L)^2); ``useful_life_years`` overrides the scenario's life for every purchase (hyperscalers
  moved between 4, 5, 5.5 and 6 years; FACTS.md §6).
- ``compute``: ``owned`` books the fleet as PP&E; ``rented`` rents the same GPUs from the date of each
  purchase to the end of the last year at a rental price per GPU-hour, so there is no capex, no
  depreciation and no electricity bill, only cloud expense (and a lower EBITDA).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np

from fullcost.errors import InputError
from fullcost.quantity import Arr, QuantityError, check_size

Standard = Literal["us-gaap", "ifrs"]
Method = Literal["straight_line", "sum_of_years_digits"]
STANDARDS: tuple[Standard, ...] = ("us-gaap", "ifrs")
METHODS: tuple[Method, ...] = ("straight_line", "sum_of_years_digits")
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Policy:
    standard: Standard = "us-gaap"
    depreciation: Method | None = None  # None: the scenario's method
    useful_life_years: float | None = None  # None: the scenario's lives
    compute: Literal["owned", "rented"] = "owned"

    def __post_init__(self) -> None:
        if self.standard not in STANDARDS:
            raise ValueError(f"unknown accounting standard {self.standard!r} (expected us-gaap or ifrs)")
        if self.useful_life_years is not None and not self.useful_life_years > 0:
            raise ValueError("a useful life must be more than zero years")
        if self.useful_life_years is not None:
            try:
                check_size(self.useful_life_years, "years")  # finite, and neither vanishing nor beyond 1,000 years
            except QuantityError as e:
                raise InputError(f"useful life: {e}") from None

    @property
    def capitalizes_development(self) -> bool:
        return self.standard == "ifrs"

    def label(self) -> str:
        parts = ["US GAAP" if self.standard == "us-gaap" else "IFRS"]
        if self.depreciation:
            parts.append(self.depreciation.replace("_", "-"))
        if self.useful_life_years is not None:
            parts.append(f"{self.useful_life_years:g}-year life")
        if self.compute == "rented":
            parts.append("rented compute")
        return ", ".join(parts)


def years_between(a: dt.date, b: dt.date) -> float:
    return (b - a).days / DAYS_PER_YEAR


def consumed(method: str, start: dt.date, at: dt.date, life: Arr) -> Arr:
    """Share of an asset's cost depreciated (or amortized) by date ``at``, per sample."""
    t = np.clip(years_between(start, at) / life, 0.0, 1.0)
    if method == "sum_of_years_digits":
        return 1.0 - (1.0 - t) ** 2
    return t


def charge(method: str, start: dt.date, year: int, life: Arr) -> Arr:
    """Share of an asset's cost charged in calendar ``year``."""
    return consumed(method, start, dt.date(year + 1, 1, 1), life) - consumed(method, start, dt.date(year, 1, 1), life)


def overlap_days(a0: dt.date, a1: dt.date, b0: dt.date, b1: dt.date) -> int:
    return max(0, (min(a1, b1) - max(a0, b0)).days)


def year_share(start: dt.date, end: dt.date, year: int) -> float:
    """Share of the window [start, end) that falls in ``year`` (a point window counts where it lies)."""
    if end <= start:
        return 1.0 if start.year == year else 0.0
    return overlap_days(start, end, dt.date(year, 1, 1), dt.date(year + 1, 1, 1)) / (end - start).days


def days_in(year: int, start: dt.date, end: dt.date) -> int:
    """Days of ``year`` inside [start, end)."""
    return overlap_days(start, end, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
