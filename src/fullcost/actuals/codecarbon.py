"""CodeCarbon ``emissions.csv`` (2020 to v3), columns by name: duration, energy, GPU power and count.

CodeCarbon writes no money and no job id. Each row is stored (keyed by a hash of the row and its occurrence);
usage counts a run's last row (rows of one run are cumulative flushes) as GPUs x duration, unless the run's
project name is the id of a Slurm job in the ledger (``CODECARBON_PROJECT_NAME=$SLURM_JOB_ID``), which the job
already counts. Files as real versions wrote them: a pandas index column with an empty name, trailing empty
columns, a BOM, ``\\r\\n`` endings. A row with an empty ``energy_consumed`` (a flush cut short) keeps its
GPU-hours; its energy is then modelled, not measured, and the import says how many rows that was. A timestamp
that is not a date (``26:11.7``, as a spreadsheet saves a time) is reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import csvfile
from fullcost.actuals import schema as sch
from fullcost.actuals.focus import fx_hash
from fullcost.actuals.fx import PLAUSIBLE, Fx
from fullcost.actuals.importer import Feed
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from fullcost.actuals.engine import Ledger

WHAT = "a CodeCarbon emissions.csv"
REQUIRED = ("timestamp", "duration", "energy_consumed")
NUMBERS = {"duration": "duration_s", "energy_consumed": "energy_kwh", "gpu_energy": "gpu_energy_kwh",
           "gpu_power": "gpu_power_w", "emissions": "emissions_kg"}
TEXTS = {"project_name": "project_name", "run_id": "run_id", "experiment_id": "experiment_id",
         "gpu_model": "gpu_model", "codecarbon_version": "codecarbon_version"}
ROW_REQUIRED = ("timestamp", "duration")


def parse(raw: ir.Table, header: list[str], fx: Fx) -> ir.Table:
    import ibis

    pos = csvfile.named(header)
    null = ibis.null("string")

    def txt(name: str) -> ir.StringValue:
        i = pos.get(name)
        if i is None:
            return null
        v = fx.trim(raw[csvfile.col(i)])
        return ibis.cases((v.isnull() | (v == "") | v.lower().isin(["nan", "null", "none"]), null), else_=v)

    a = raw.select("_line", _hash=fx_hash([raw[csvfile.col(i)] for i in range(len(header))]), _ts=txt("timestamp"),
                   _gc=txt("gpu_count"), **{f"_{k}": txt(k) for k in NUMBERS}, **{v: txt(k) for k, v in TEXTS.items()})
    b = a.mutate(timestamp=fx.any_time(a._ts), gpu_count_d=fx.number(a._gc, sch.DEC_QTY),
                 **{v: fx.number(a[f"_{k}"], sch.DEC_QTY) for k, v in NUMBERS.items()})

    def q(v: ir.StringValue) -> ir.StringValue:
        return "'" + v.fill_null("").substr(0, 200) + "'"

    checks: list[tuple[Any, Any]] = [
        (b._ts.isnull(), ibis.literal("timestamp: required, but empty")),
        (b.timestamp.isnull(), f"timestamp: expected a date-time like 2025-01-31T12:00:00 {PLAUSIBLE}, got "
         + q(b._ts)),
    ]
    for k, col in NUMBERS.items():
        if k in ROW_REQUIRED:
            checks.append((b[f"_{k}"].isnull(), ibis.literal(f"{k}: required, but empty")))
        checks.append((b[f"_{k}"].notnull() & b[col].isnull(), f"{k}: expected a number, got " + q(b[f"_{k}"])))
        checks.append((b[col] < 0, f"{k}: " + b[f"_{k}"] + " is negative, expected 0 or more"))
    checks.append((b._gc.notnull() & b.gpu_count_d.isnull(), "gpu_count: expected a number, got " + q(b._gc)))
    checks.append((b.gpu_count_d < 0, "gpu_count: " + b._gc + " is negative, expected 0 or more"))
    checks.append((b.gpu_count_d > 1_000_000, "gpu_count: " + b._gc + " is not a plausible number of GPUs"))
    err = ibis.cases(*checks, else_=null)
    occ = ibis.row_number().over(group_by=b._hash, order_by=b._hash)
    return b.select(
        row_hash=b._hash, occurrence=occ.cast("int64"), timestamp=b.timestamp, project_name=b.project_name,
        run_id=b.run_id, experiment_id=b.experiment_id, duration_s=b.duration_s, energy_kwh=b.energy_kwh,
        gpu_energy_kwh=b.gpu_energy_kwh, gpu_power_w=b.gpu_power_w,
        gpu_count=fx.whole(b.gpu_count_d.round(0), 0, 1_000_000), gpu_model=b.gpu_model, emissions_kg=b.emissions_kg,
        codecarbon_version=b.codecarbon_version, _err=err, _skip=null, _line=b._line,
    )


def _partial(led: Ledger, t: ir.Table) -> list[str]:
    """A note on the rows stored without their energy."""
    n, g = led.rows(t.aggregate(n=t.energy_kwh.isnull().sum(),
                                g=(t.energy_kwh.isnull() & (t.gpu_count.fill_null(0) > 0)).sum()))[0]
    if not n:
        return []
    return [f"{int(n):,} row{'s' if n != 1 else ''} without energy_consumed (a flush cut short): "
            + (f"{int(g):,} with GPUs keep their GPU-hours, their energy modelled, not measured" if g
               else "no GPUs, so no GPU-hours")]


def feed(led: Ledger, path: str | Path) -> Feed:
    p = Path(path)
    header = csvfile.header(p, WHAT)
    pos = csvfile.named(header)
    missing = [c for c in REQUIRED if c not in pos]
    if missing:
        raise InputError(f"not {WHAT}: no {', '.join(missing)} column", str(p), 1)
    dup = [d for d in csvfile.duplicates(header) if d.lower() in {*REQUIRED, *NUMBERS, *TEXTS, "gpu_count"}]
    if dup:
        raise InputError(f"the header names {', '.join(dup)} more than once", str(p), 1)
    notes = [] if "gpu_count" in pos else ["no gpu_count column: these runs add energy but no GPU-hours"]
    unnamed = [i + 1 for i, h in enumerate(header) if not h.strip()]
    if unnamed:
        notes.append(f"{len(unnamed)} column{'s' if len(unnamed) > 1 else ''} without a name (a pandas index, "
                     "empty trailing columns) left out")
    return Feed(
        kind="codecarbon", spec=sch.ENERGY, file=p, text=True,
        raw=lambda path, numbered: led.csv("_raw_codecarbon", path, len(header), numbered),
        parse=lambda raw: parse(raw, header, Fx(led.dialect)),
        structural=led.csv_rejects, lines=lambda path, idx, structural: led.csv_lines(idx, structural),
        notes=notes, counted_notes=_partial,
    )
