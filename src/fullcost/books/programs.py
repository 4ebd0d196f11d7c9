"""A release's development program: the model scenario behind it, run on the lab's sampler, allocated to years.

The program is a catalog model (``deepseek-v3``), a scenario file next to the lab file, or an inline
scenario. It runs through the core (``final_run`` and the iceberg's ``build``) with a ``_Scoped`` view of the
lab's sampler: the program's own inputs under ``releases[I].program.``, catalog values shared with the lab.
Its development items are then placed in time: the final run's compute over the final run's dates, staff
and data over the development window, and the parts IFRS would capitalize (after ``capitalize_from``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from fullcost import catalog, scenario
from fullcost.books.inputs import Inputs, YearArr
from fullcost.books.policy import overlap_days, year_share
from fullcost.context import Context
from fullcost.costing.final_run import final_run
from fullcost.costing.iceberg import build
from fullcost.errors import InputError
from fullcost.estimation import headline
from fullcost.quantity import Arr, Dist, Sampler
from fullcost.scenario import Source

SHARED = ("hardware", "regions", "defaults")
DEFAULT_MODEL_LIFE = 2.0  # years, when a release gives none


class _Scoped(Sampler):
    """A program's view of the run's sampler: its own inputs under a prefix, catalog values shared."""

    def __init__(self, parent: Sampler, prefix: str) -> None:
        super().__init__(parent.n, parent.seed)
        self.parent = parent
        self.prefix = prefix

    def draw(self, name: str, dist: Dist) -> Arr:
        shared = name.split(".", 1)[0] in SHARED
        return self.parent.draw(name if shared else self.prefix + name, dist)

    def get(self, name: str) -> Arr:
        return self.parent.get(name)



@dataclass(frozen=True)
class Program:
    """A release's development program, allocated to years (program prices, not the lab's)."""

    release: str
    program: str
    released: dt.date
    useful_life: Arr
    development_start: dt.date
    capitalize_from: dt.date
    final_run: tuple[dt.date, dt.date]
    final_run_compute: YearArr
    cap_compute: YearArr
    staff: YearArr
    cap_staff: YearArr
    data: YearArr
    cap_data: YearArr
    development_usd: Arr
    headline_usd: float
    sources: dict[str, Source] = field(default_factory=dict)  # the program scenario's own sources (by id)



def program_doc(ctx: Inputs, i: int) -> tuple[scenario.Doc, bool]:
    rel = ctx.lab.releases[i]
    path: tuple[str | int, ...] = ("releases", i, "program")
    prog = rel.program
    if isinstance(prog, dict):
        data = {"released": rel.released.isoformat(), **prog}  # an inline program is released with its release
        try:
            return scenario.from_data(data, ctx.doc.file, ctx.doc.sub_positions(path)), True
        except InputError as e:
            raise InputError(e.message, e.file, e.line, (*path, *e.path)) from None
    assert isinstance(prog, str)
    base = prog.partition("@")[0]
    here = Path(ctx.doc.file).parent / base
    if Path(base).suffix in (".yaml", ".yml") and here.is_file():
        return scenario.load(here, prog.partition("@")[2] or None), False
    try:
        return catalog.load_scenario(prog), False
    except InputError as e:
        if e.file in (prog, base) or e.message.startswith("no variant"):  # the name is wrong: the lab's line
            raise ctx.error(path, e.message) from None
        raise


def program(ctx: Inputs, i: int) -> Program:
    lab = ctx.lab
    rel = lab.releases[i]
    path: tuple[str | int, ...] = ("releases", i)
    ctx.check_date((*path, "released"), rel.released, f"release '{rel.name}'")
    pdoc, inline = program_doc(ctx, i)
    pctx = Context(pdoc, _Scoped(ctx.sampler, f"releases[{i}].program."))
    try:
        fr = final_run(pctx)
        ice = build(pctx, fr)
        head = headline(pdoc).usd
    except InputError as e:
        if inline:
            raise InputError(e.message, e.file, e.line, (*path, "program", *e.path)) from None
        raise
    released = rel.released
    fr_days = float(np.mean(fr.days))
    fr_end = min(fr.own.start + dt.timedelta(days=fr_days), released)
    fr_start = min(fr.own.start, fr_end - dt.timedelta(days=max(fr_days, 1.0)))
    st = pdoc.scenario.staff
    dur = st.duration.central() if st is not None and st.duration is not None else 1.0
    dev_start = rel.development_start or released - dt.timedelta(days=dur * 365.25)
    dev_start = min(dev_start, fr_start)
    if dev_start < lab.founded:
        ctx.warnings.append(f"release '{rel.name}': development from {dev_start.isoformat()} starts before the lab "
                         f"was founded; the books take only what falls after {lab.founded.isoformat()}")
    cap_from = rel.capitalize_from or fr_start
    if not dev_start <= cap_from <= released:
        raise ctx.error((*path, "capitalize_from"),
                        f"{cap_from.isoformat()} is outside the development window ({dev_start.isoformat()} to "
                        f"{released.isoformat()})")
    life = ctx.positive((*path, "useful_life"), ctx.q((*path, "useful_life"), rel.useful_life, "years"),
                        "a useful life") if rel.useful_life is not None else ctx.const(DEFAULT_MODEL_LIFE)

    n = ctx.n
    fr_usd, staff_usd, data_cap_usd, data_other_usd, total = (np.zeros(n) for _ in range(5))
    for it in ice.development:
        total = total + it.usd
        if it.phase == "final_run" and it.category in ("hardware", "energy", "facility", "compute"):
            fr_usd = fr_usd + it.usd
        elif it.category == "staff" and it.line == "rnd":
            staff_usd = staff_usd + it.usd
        elif it.category == "data":
            if it.phase in ("overall", "final_run"):
                data_cap_usd = data_cap_usd + it.usd
            else:
                data_other_usd = data_other_usd + it.usd
    fr_len = max((fr_end - fr_start).days, 1)
    fr_cap_share = overlap_days(fr_start, fr_end, cap_from, released) / fr_len
    dev_len = max((released - dev_start).days, 1)
    dev_cap_share = (released - cap_from).days / dev_len

    def spread(total_usd: Arr, a: dt.date, b: dt.date) -> YearArr:
        return {y: total_usd * year_share(a, b, y) for y in lab.years if year_share(a, b, y) > 0}

    cap_start = max(cap_from, fr_start)
    data_all = data_cap_usd + data_other_usd
    return Program(
        release=rel.name, program=pdoc.scenario.name, released=released, useful_life=life,
        development_start=dev_start, capitalize_from=cap_from, final_run=(fr_start, fr_end),
        final_run_compute=spread(fr_usd, fr_start, fr_end),
        cap_compute=spread(fr_usd * fr_cap_share, cap_start, fr_end) if fr_cap_share > 0 else {},
        staff=spread(staff_usd, dev_start, released),
        cap_staff=spread(staff_usd * dev_cap_share, cap_from, released),
        data=spread(data_all, dev_start, released),
        cap_data=spread(data_cap_usd * dev_cap_share, cap_from, released),
        development_usd=total, headline_usd=head, sources=dict(pdoc.scenario.sources),
    )
