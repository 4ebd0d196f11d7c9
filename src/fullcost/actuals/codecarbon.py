"""CodeCarbon ``emissions.csv`` (v2 and v3), columns by name: duration, energy, GPU power and count.

CodeCarbon writes no money and no job id. Each row is stored (keyed by a hash of the row and its occurrence);
usage counts a run's last row (rows of one run are cumulative flushes) as GPUs x duration, unless the run's
project name is the id of a Slurm job in the ledger (``CODECARBON_PROJECT_NAME=$SLURM_JOB_ID``), which the job
already counts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import schema as sch
from fullcost.actuals.focus import _csv_header, fx_hash
from fullcost.actuals.fx import Fx
from fullcost.actuals.importer import Feed
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from fullcost.actuals.engine import Ledger

REQUIRED = ("timestamp", "duration", "energy_consumed")
NUMBERS = {"duration": "duration_s", "energy_consumed": "energy_kwh", "gpu_energy": "gpu_energy_kwh",
           "gpu_power": "gpu_power_w", "emissions": "emissions_kg"}
TEXTS = {"project_name": "project_name", "run_id": "run_id", "experiment_id": "experiment_id",
         "gpu_model": "gpu_model", "codecarbon_version": "codecarbon_version"}


def parse(raw: ir.Table, header: list[str], fx: Fx) -> ir.Table:
    import ibis

    by = {h.strip().lower(): h for h in header}
    null = ibis.null("string")

    def txt(name: str) -> ir.StringValue:
        h = by.get(name)
        if h is None:
            return null
        v = fx.trim(raw[h])
        return ibis.cases((v.isnull() | (v == "") | v.lower().isin(["nan", "null", "none"]), null), else_=v)

    a = raw.select("_line", _hash=fx_hash([raw[h] for h in header]), _ts=txt("timestamp"), _gc=txt("gpu_count"),
                   **{f"_{k}": txt(k) for k in NUMBERS}, **{v: txt(k) for k, v in TEXTS.items()})
    b = a.mutate(timestamp=fx.any_time(a._ts), gpu_count_d=a._gc.try_cast(sch.DEC_QTY),
                 **{v: a[f"_{k}"].try_cast(sch.DEC_QTY) for k, v in NUMBERS.items()})

    def q(v: ir.StringValue) -> ir.StringValue:
        return "'" + v.fill_null("") + "'"

    checks: list[tuple[Any, Any]] = [
        (b._ts.isnull(), ibis.literal("timestamp: required, but empty")),
        (b.timestamp.isnull(), "timestamp: expected a date-time like 2025-01-31T12:00:00, got " + q(b._ts)),
    ]
    for k, col in NUMBERS.items():
        if k in REQUIRED:
            checks.append((b[f"_{k}"].isnull(), ibis.literal(f"{k}: required, but empty")))
        checks.append((b[f"_{k}"].notnull() & b[col].isnull(), f"{k}: expected a number, got " + q(b[f"_{k}"])))
        checks.append((b[col] < 0, f"{k}: " + b[f"_{k}"] + " is negative, expected 0 or more"))
    checks.append((b._gc.notnull() & b.gpu_count_d.isnull(), "gpu_count: expected a number, got " + q(b._gc)))
    checks.append((b.gpu_count_d < 0, "gpu_count: " + b._gc + " is negative, expected 0 or more"))
    err = ibis.cases(*checks, else_=null)
    occ = ibis.row_number().over(group_by=b._hash, order_by=b._hash)
    return b.select(
        row_hash=b._hash, occurrence=occ.cast("int64"), timestamp=b.timestamp, project_name=b.project_name,
        run_id=b.run_id, experiment_id=b.experiment_id, duration_s=b.duration_s, energy_kwh=b.energy_kwh,
        gpu_energy_kwh=b.gpu_energy_kwh, gpu_power_w=b.gpu_power_w,
        gpu_count=b.gpu_count_d.round(0).cast("int64"), gpu_model=b.gpu_model, emissions_kg=b.emissions_kg,
        codecarbon_version=b.codecarbon_version, _err=err, _skip=null, _line=b._line,
    )


def feed(led: Ledger, path: str | Path) -> Feed:
    p = Path(path)
    if not p.exists():
        raise InputError("file not found", str(p))
    header = _csv_header(p)
    have = {h.strip().lower() for h in header}
    missing = [c for c in REQUIRED if c not in have]
    if missing:
        raise InputError(f"not a CodeCarbon emissions.csv: no {', '.join(missing)} column", str(p), 1)
    notes = [] if "gpu_count" in have else ["no gpu_count column: these runs add energy but no GPU-hours"]
    return Feed(
        kind="codecarbon", spec=sch.ENERGY, file=p,
        raw=lambda numbered: led.csv("_raw_codecarbon", p, header, numbered),
        parse=lambda raw: parse(raw, header, Fx(led.dialect)),
        structural=led.csv_rejects, lines=led.csv_lines, notes=notes,
    )
