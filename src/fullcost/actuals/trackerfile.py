"""``fullcost ingest tracker FILE``: the JSON-lines records ``fullcost.track`` appends, keyed by record id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import jsondepth, textfile
from fullcost.actuals import rules as rl
from fullcost.actuals import schema as sch
from fullcost.actuals.fx import Fx
from fullcost.actuals.importer import Feed
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

    from fullcost.actuals.engine import Ledger

FIELDS = ("id", "model", "phase", "phase_label", "start", "end", "duration_s", "gpus", "gpu_energy_kwh",
          "slurm_job_id", "slurm_cluster", "host", "user", "command", "exit_code")


def read(path: Path) -> tuple[pa.Table, list[tuple[int, str]]]:
    import pyarrow as pa

    text = textfile.read_text(path, "the JSON-lines file `fullcost track` writes")
    rows: list[dict[str, Any]] = []
    bad: list[tuple[int, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = jsondepth.loads(line, str(path), n)
        except InputError as e:
            bad.append((n, e.message))
            continue
        if not isinstance(rec, dict):
            bad.append((n, "expected a JSON object"))
            continue
        row: dict[str, Any] = {"_line": n}
        try:
            for f in FIELDS:
                v = rec.get(f)
                row[f] = None if v is None else (json.dumps(v) if isinstance(v, dict | list) else str(v))
        except RecursionError:
            bad.append((n, jsondepth.TOO_DEEP))
            continue
        rows.append(row)
    table = pa.table({c: pa.array([r.get(c) for r in rows], type=pa.int64() if c == "_line" else pa.string())
                      for c in ("_line", *FIELDS)})
    return table, bad


def parse(raw: ir.Table, fx: Fx) -> ir.Table:
    import ibis

    null = ibis.null("string")
    phases = list(rl.PHASES)
    b = raw.mutate(ts=fx.any_time(raw.start), te=fx.any_time(raw.end), d=fx.number(raw.duration_s, sch.DEC_QTY),
                   g=fx.number(raw.gpus, "float64"), en=fx.number(raw.gpu_energy_kwh, sch.DEC_QTY),
                   job=fx.number(raw.slurm_job_id, "float64"), ec=fx.number(raw.exit_code, "float64"))

    def q(v: ir.StringValue) -> ir.StringValue:
        return "'" + v.fill_null("") + "'"

    err = ibis.cases(
        (raw.id.isnull() | (raw.id == ""), ibis.literal("id: required (every record has one)")),
        (raw.model.isnull() | (fx.trim(raw.model) == ""), ibis.literal("model: required")),
        (~raw.phase.isin(phases), "phase: expected one of " + ", ".join(phases) + ", got " + q(raw.phase)),
        (b.ts.isnull(), "start: expected a date-time, got " + q(raw.start)),
        (b.te.isnull(), "end: expected a date-time, got " + q(raw.end)),
        (b.te < b.ts, ibis.literal("end: before start")),
        (b.d.isnull() | (b.d < 0), "duration_s: expected seconds (0 or more), got " + q(raw.duration_s)),
        (fx.whole(b.g, 0, 1_000_000).isnull(), "gpus: expected a whole number from 0 to 1000000, got "
         + q(raw.gpus)),
        (raw.gpu_energy_kwh.notnull() & (b.en.isnull() | (b.en < 0)),
         "gpu_energy_kwh: expected kWh (0 or more), got " + q(raw.gpu_energy_kwh)),
        (raw.slurm_job_id.notnull() & fx.whole(b.job, 0, 2**53).isnull(),
         "slurm_job_id: expected a job number, got " + q(raw.slurm_job_id)),
        (raw.exit_code.notnull() & fx.whole(b.ec, -(2**31), 2**31).isnull(),
         "exit_code: expected a whole number, got " + q(raw.exit_code)),
        else_=null,
    )
    return b.select(
        record_id=b.id, model=fx.trim(b.model), phase=b.phase, phase_label=b.phase_label, start=b.ts, end=b.te,
        duration_s=b.d, gpus=fx.whole(b.g, 0, 1_000_000), gpu_energy_kwh=b.en, slurm_job_id=fx.whole(b.job, 0, 2**53),
        slurm_cluster=b.slurm_cluster, host=b.host, user=b.user, command=b.command,
        exit_code=fx.whole(b.ec, -(2**31), 2**31), _err=err, _skip=null, _line=b._line,
    )


# among records with one id: the one that ended last, then the longest
ORDER = (("end", True), ("duration_s", True))


def feed(led: Ledger, path: str | Path) -> Feed:
    p = Path(path)
    table, bad = read(p)
    return Feed(
        kind="tracker", spec=sch.TRACKER, file=p,
        raw=lambda path, numbered: led.arrow("_raw_tracker", table),
        parse=lambda raw: parse(raw, Fx(led.dialect)), order=ORDER,
        structural=lambda: list(bad),
    )
