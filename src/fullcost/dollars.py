"""Constant dollars: nominal amounts restated with the price index Epoch AI uses (catalog/data/deflator.yaml).

A scenario's amounts are nominal US dollars of the month the model was released (``released``), Epoch AI's
convention (its costs are dated by the publication date). ``--dollars 2024`` (or a scenario's ``dollars: 2024``)
multiplies every amount by index(December 2024) / index(release month), as Epoch AI's ``inflation.py`` does for
"2024 dollars"; ``--dollars 2024-06`` picks a month. The series is the US PPI for data processing, hosting and
related services (BLS series PCU518210518210), monthly from December 2000.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from fullcost import catalog
from fullcost.errors import InputError

Month = tuple[int, int]


@dataclass(frozen=True)
class Series:
    id: str
    title: str
    source: str
    values: dict[Month, float]

    @property
    def first(self) -> Month:
        return min(self.values)

    @property
    def last(self) -> Month:
        return max(self.values)

    def span(self) -> str:
        return f"{_iso(self.first)} to {_iso(self.last)}"


@cache
def series() -> Series:
    """The deflator series of the catalog, month by month."""
    raw = catalog.raw("deflator")
    index = raw["index"]
    values: dict[Month, float] = {}
    for year, months in index["value"].items():
        for i, v in enumerate(months):
            if v is not None:
                values[(int(year), i + 1)] = float(v)
    src = catalog.sources().get(index["source"], {})
    source = f"{src.get('title', index['source'])} ({src.get('url', '')})"
    return Series(str(raw["series"]), str(raw["title"]), source, values)


def _iso(m: Month) -> str:
    return f"{m[0]:04d}-{m[1]:02d}"


@dataclass(frozen=True)
class Dollars:
    """Which dollars an estimate's amounts are in, and the factor that took them there from nominal."""

    basis: str  # "nominal" | "constant"
    year: int | None  # the target year (constant dollars)
    month: str | None  # the target month, YYYY-MM: the index value used
    nominal_month: str | None  # the month the scenario's nominal amounts are taken to be in (its release)
    factor: float  # constant = nominal x factor
    note: str

    @property
    def label(self) -> str:
        if self.basis == "nominal":
            return "nominal US dollars" + (f" of {self.nominal_month}" if self.nominal_month else "")
        return f"{self.year} US dollars" + (f" ({self.month})" if self.month != f"{self.year}-12" else "")

    def to_json(self) -> dict[str, Any]:
        s = series()
        return {"basis": self.basis, "year": self.year, "month": self.month, "nominal_month": self.nominal_month,
                "factor": self.factor, "label": self.label, "note": self.note,
                "series": None if self.basis == "nominal" else s.id,
                "source": None if self.basis == "nominal" else s.source}


def target_month(spec: int | str, where: Any = None) -> Month:
    """The month a ``dollars`` setting names: a year means its December (Epoch AI's '2024-12-01'), or YYYY-MM.
    ``where(message)`` makes the error (a scenario line, or the command line)."""
    fail = where or (lambda msg: InputError(f"--dollars: {msg}"))
    s = series()
    text = str(spec).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text)
    if m is None or not 1 <= int(m.group(2) or 12) <= 12:
        raise fail(f"expected a year such as 2024 or a month such as 2024-06, got {text!r}")
    year, month = int(m.group(1)), int(m.group(2) or 12)
    if (year, month) in s.values:
        return year, month
    if m.group(2) is None and s.first[0] <= year <= s.last[0]:
        raise fail(f"December {year} is not in the {s.id} series yet (it runs {s.span()}): give a month, "
                   f"e.g. {_iso(s.last)}, or an earlier year")
    raise fail(f"{text} is outside the {s.id} deflator series ({s.span()})")


def nominal(released: dt.date | None) -> Dollars:
    month = _iso((released.year, released.month)) if released else None
    return Dollars("nominal", None, None, month, 1.0,
                   "amounts as priced: nominal US dollars of the model's release month, not adjusted for inflation")


def constant(spec: int | str, released: dt.date | None, where_spec: Any = None,
             where_released: Any = None, warnings: list[str] | None = None) -> Dollars:
    """Dollars of the month ``spec`` names, from nominal dollars of the release month."""
    s = series()
    to = target_month(spec, where_spec)
    if released is None:
        fail = where_released or (lambda msg: InputError(msg))
        raise fail("constant dollars need the release date: a scenario's amounts are in dollars of the month the "
                   "model was released")
    frm = (released.year, released.month)
    note = ""
    if frm < s.first:
        fail = where_released or (lambda msg: InputError(msg))
        raise fail(f"{_iso(frm)} is before the {s.id} deflator series starts ({_iso(s.first)}): "
                   "its dollars cannot be converted")
    if frm > s.last:
        note = (f"; released {_iso(frm)}, after the series' last month: its dollars are taken as of "
                f"{_iso(s.last)}")
        if warnings is not None:
            warnings.append(f"the model was released {_iso(frm)}, after the {s.id} deflator series ends "
                            f"({_iso(s.last)}): its dollars are converted as if of {_iso(s.last)}")
        frm = s.last
    factor = s.values[to] / s.values[frm]
    return Dollars("constant", to[0], _iso(to), _iso((released.year, released.month)), factor,
                   f"nominal US dollars of the release month x {s.id} index {_iso(to)} ({s.values[to]:g}) / "
                   f"index {_iso(frm)} ({s.values[frm]:g}) = x{factor:.6g}, as Epoch AI adjusts for inflation"
                   + note)
