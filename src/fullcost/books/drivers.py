"""What a lab's books rest on and what moves them: every input the run drew, with its 90% range and whether
``--set`` can change it, and a tornado of the year's adjusted EBITDA and net income over those inputs.

The run keeps each input it drew (``LabRun.inputs``: name -> distribution and samples, as the model engine's
sampler does). A name is the path ``--set`` takes for a lab (``fleet.utilization``, ``staff[0].headcount.2024``,
``inputs.NAME``, a catalog input such as ``regions.china.staff.researcher_salary_usd``), except the inputs of a
release whose program is a catalog model or a file (``releases[0].program.final_run.gpus`` with
``program: deepseek-v3``): those are set in the model's own scenario, so they are not ``settable`` here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fullcost.books.draw import LabRun
from fullcost.books.journal import Journal
from fullcost.books.run import Books
from fullcost.books.statements import addbacks, adjusted_ebitda, income_statement
from fullcost.overrides import CATALOG_ROOTS, catalog_input
from fullcost.quantity import Arr, Dist
from fullcost.summary import Summary, summarize
from fullcost.views import sensitivity

MEASURES = {"adjusted_ebitda": "adjusted EBITDA", "net_income": "net income"}
TOP = 12  # a tornado's rows
_PROGRAM = re.compile(r"releases\[(\d+)\]\.program\.")


@dataclass(frozen=True)
class LabInput:
    """One input the lab's run drew: its distribution, its 5th, 50th and 95th percentiles, where it belongs."""

    name: str
    dist: Dist
    low: float
    mid: float
    high: float
    origin: str  # "lab" (the lab file), "program" (a release's program) or "catalog"
    settable: bool  # `fullcost statements LAB --set NAME=VALUE` changes it
    release: int | None = None  # the release whose program drew it


def release_of(name: str) -> int | None:
    """The index of the release whose program drew ``name`` (None for the lab's own and the catalog's)."""
    m = _PROGRAM.match(name)
    return int(m.group(1)) if m else None


def settable(run: LabRun, name: str) -> bool:
    """Whether ``--set NAME=VALUE`` reaches this input of the lab: a catalog input the catalog lists, a path of the
    lab file, or a path inside an inline program (a program named by catalog or file is set in its own file)."""
    if name.split(".", 1)[0] in CATALOG_ROOTS:
        return catalog_input(name) is not None
    i = release_of(name)
    if i is not None:
        rel = run.lab.releases
        return i < len(rel) and isinstance(rel[i].program, dict)
    return True


def origin(name: str) -> str:
    if name.split(".", 1)[0] in CATALOG_ROOTS:
        return "catalog"
    return "program" if release_of(name) is not None else "lab"


def inputs(run: LabRun) -> list[LabInput]:
    """Every input of the run: the lab file's first, then the programs', then the catalog's, each in the order
    drawn."""
    out = []
    for name, (dist, arr) in run.inputs.items():
        if dist.is_point:
            lo = mid = hi = float(dist.params[0])
        else:
            s = summarize(arr)
            lo, mid, hi = s["p5"], s["p50"], s["p95"]
        out.append(LabInput(name, dist, lo, mid, hi, origin(name), settable(run, name), release_of(name)))
    order = {"lab": 0, "program": 1, "catalog": 2}
    out.sort(key=lambda x: order[x.origin])
    return out


def measures(j: Journal, year: int) -> dict[str, Arr]:
    """The year's adjusted EBITDA and net income, sample by sample (the statements' own figures)."""
    inc = income_statement(j, year)
    return {"adjusted_ebitda": adjusted_ebitda(inc["ebitda"], addbacks(j, year)), "net_income": inc["net_income"]}


@dataclass(frozen=True)
class Driver:
    """A tornado: the mean of ``measure`` in ``year`` with each input at its low and high tenth."""

    measure: str
    label: str
    year: int
    usd: Summary
    rows: list[dict[str, Any]]  # fullcost.views.sensitivity's rows, longest bar first


def drivers(b: Books, year: int | None = None, top: int = TOP) -> list[Driver]:
    """What moves the lab's adjusted EBITDA and net income in ``year`` (default: the last reported year)."""
    y = b.run.years[-1] if year is None else year
    return [Driver(key, MEASURES[key], y, summarize(arr), sensitivity(b.run.inputs, arr, top))
            for key, arr in measures(b.journal, y).items()]
