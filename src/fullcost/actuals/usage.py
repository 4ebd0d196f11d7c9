"""Usage: every GPU-hour the ledger knows, by model and phase, from each source, without counting any twice.

Sources and how they meet:

- Slurm jobs that have ended (running and pending jobs wait for a later dump). Failed, cancelled, timed-out
  and out-of-memory jobs count as failed work of their model (unless the rule says ``failed: keep``).
- Tracker records name their model and phase. One that carries ``SLURM_JOB_ID`` attributes that job's
  GPU-hours (split by the records' GPU-time when several share a job; any rest goes by the rules) and adds no
  hours of its own; one without a job in the ledger counts its own GPUs x duration.
- CodeCarbon runs count GPUs x duration of their last row, unless their project name is a Slurm job id in the
  ledger (the usual ``CODECARBON_PROJECT_NAME=$SLURM_JOB_ID``), which the job already counts.
- OpenCost allocations count their GPU-hours at OpenCost's own cost; its ``__idle__`` rows are idle capacity.

Measured GPU energy: where a run's GPUs were metered, a row carries the GPUs' own energy (``gpu_kwh``) and the
GPU-seconds that measurement covers (``measured_s``), and the allocation prices that part from the measurement
(``actuals.fleet``) and only the rest from the model. Tracker records with ``gpu_energy_kwh`` (NVML's energy
counter; NULL where there was no NVML) measure the GPU-time they give: a linked record's energy goes with its
part of the job (scaled down with it where a job's records name more GPU-time than the job had), a standalone
record's with its own GPUs x duration. CodeCarbon runs with a ``gpu_energy`` above 0 measure their GPUs x
duration (CodeCarbon writes 0 where it saw no GPU). Sacct jobs without a record, the rest of a job its records
leave, and OpenCost (priced at its own cost) are unmeasured: both fields 0.

All aggregation is Ibis (the same on DuckDB and Spark); GPU-time and energy are summed exactly (integer seconds
or decimals), so both engines give the same figures. Rules are applied to the aggregate, not to each job.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fullcost.actuals import period as pd
from fullcost.actuals import rules as rl
from fullcost.actuals import slurmrows as sl
from fullcost.actuals.engine import Ledger

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from fullcost.actuals.fleet import Fleet, Pool

NONE_KEY = "(none)"
KWH = "decimal(38, 12)"  # measured energy, as stored (schema.DEC_QTY)
SECS = "decimal(38, 6)"  # GPU-seconds, where not whole
USAGE_BY = ("account", "user", "model", "phase", "state", "partition", "cluster", "source", "month")


@dataclass(frozen=True)
class Row:
    source: str  # slurm | tracker | codecarbon | opencost
    key: Any  # the value of the "by" field (None where a source has no such field)
    model: str
    phase: str
    month: int  # YYYYMM
    pool: int  # index of the fleet pool; -1 none matched; -2 priced by its source (OpenCost)
    gpu_s: Decimal  # GPU-seconds
    usd: Decimal  # the source's own cost (OpenCost); 0 for owned GPUs (priced by the fleet)
    rule: int  # the rule that matched, -1 none, -2 named by a tracker record
    idle: bool = False  # OpenCost idle capacity
    gpu_kwh: Decimal = Decimal(0)  # measured energy of the GPUs themselves (tracker NVML, CodeCarbon); 0 if none
    measured_s: Decimal = Decimal(0)  # the GPU-seconds of gpu_s that gpu_kwh covers; 0 where nothing was measured

    @property
    def modelled_s(self) -> Decimal:
        """GPU-seconds whose energy is modelled (not measured)."""
        return self.gpu_s - self.measured_s


def _month(ts: ir.TimestampValue) -> ir.IntegerValue:
    return (ts.year() * 100 + ts.month()).cast("int64")


def pool_index(t: ir.Table, fleet: Fleet | None, has: set[str]) -> ir.IntegerValue:
    """The first pool whose match the row meets (a pool without match takes anything); -1 for none."""
    import ibis

    if fleet is None:
        return ibis.literal(-1, "int64")
    cases = []
    for i, p in enumerate(fleet.pools):
        cond: ir.BooleanValue = ibis.literal(True)
        for f, pats in p.match.items():
            if f not in has:
                cond = ibis.literal(False)
                break
            rule = rl.Rule(0, {f: pats}, "", "other", False, None)
            cond = cond & rl.condition(t, rule)
        cases.append((cond, i))
    return ibis.cases(*cases, else_=-1).cast("int64")


def _finish(source: str, rows: list[tuple[Any, ...]], rules: rl.Rules) -> list[Row]:
    """(key, failed, month, rule, pool, model, phase, gpu_s, usd, idle[, gpu_kwh, measured_s]) -> Rows with model
    and phase named (without the last two, nothing was measured)."""
    out = []
    for row in rows:
        key, failed, month, rule, pool, model, phase, gpu_s, usd, idle = row[:10]
        kwh, mes = row[10:] if len(row) > 10 else (0, 0)
        rule = int(rule)
        if model is None:
            r = rules.rules[rule] if rule >= 0 else None
            model = r.model if r else rl.UNATTRIBUTED
            phase = r.phase if r else "other"
            keep = r.keep_phase_on_failure if r else False
        else:
            keep = False
        if failed and not keep:
            phase = "failed"
        out.append(Row(source, key, str(model), str(phase), int(month), int(pool), Decimal(gpu_s or 0),
                       Decimal(usd or 0), rule, bool(idle), Decimal(kwh or 0), Decimal(mes or 0)))
    return out


def _agg(led: Ledger, t: ir.Table, source: str, by: str | None, group: list[str], rules: rl.Rules,
         fleet: Fleet | None, pool_fields: set[str]) -> list[Row]:
    """Group ``t`` (columns: group fields, failed, month, gpu_s, usd, idle, model, phase; gpu_kwh and measured_s
    where a source measures energy) and name each group."""
    import ibis

    src_rules = rules.for_source(source)
    pool_used = {f for p in (fleet.pools if fleet else ()) for f in p.match} & pool_fields
    needed = sorted(({by} if by else set()) | rl.fields_used(src_rules) | (pool_used & set(t.columns))
                    | set(group))
    needed = [c for c in needed if c in t.columns]
    measured = "gpu_kwh" in t.columns  # without: the plain sacct query, as it always was
    extra = ({"gpu_kwh": t.gpu_kwh.sum(), "measured_s": t.measured_s.sum()} if measured else {})
    if "usd" in t.columns:
        g = t.group_by([*needed, "failed", "month", "model", "phase", "idle"]).aggregate(
            gpu_s=t.gpu_s.sum(), usd=t.usd.sum(), **extra)
    else:  # owned GPUs: no cost of their own (the fleet prices them), and whole GPU-seconds summed as integers
        g = t.group_by([*needed, "failed", "month", "model", "phase", "idle"]).aggregate(gpu_s=t.gpu_s.sum(),
                                                                                           **extra)
        g = g.mutate(usd=ibis.literal(0, "decimal(38, 18)"))
    g = g.mutate(_rule=ibis.cases((g.model.isnull(), rl.rule_index(g, src_rules)), else_=-2).cast("int64"),
                 _pool=pool_index(g, fleet, set(needed)))
    key = g[by].cast("string") if by and by in g.columns else ibis.null("string")
    extra = ({"gpu_kwh": g.gpu_kwh.sum(), "measured_s": g.measured_s.sum()} if measured else {})
    out = g.group_by(_key=key, failed=g.failed, month=g.month, _rule=g._rule, _pool=g._pool, model=g.model,
                     phase=g.phase, idle=g.idle).aggregate(gpu_s=g.gpu_s.sum(), usd=g.usd.sum(), **extra)
    rows = led.rows(out.select("_key", "failed", "month", "_rule", "_pool", "model", "phase", "gpu_s", "usd",
                               "idle", *extra))
    return _finish(source, rows, rules)


def has_rows(led: Ledger, t: ir.Table) -> bool:
    """Whether a table (or query) has a row; remembered until the next import (a stored table by its name: a
    command asks of the same few tables a dozen times, and compiling each question costs more than asking it)."""
    import ibis.expr.operations as ops

    op = t.op()
    key = f"table {op.name}" if isinstance(op, ops.UnboundTable) else led.sql(t)
    memo = led.memo
    if key not in memo:
        memo[key] = bool(led.scalar(t.limit(1).count()))
    return bool(memo[key])


def _slurm(led: Ledger, by: str | None, rules: rl.Rules, fleet: Fleet | None, period: pd.Period) -> list[Row]:
    import ibis

    jobs = pd.records(led, "jobs", period)
    ended = jobs.filter(jobs.state.isin(list(sl.ENDED)) & jobs.end.notnull())
    j = ended.mutate(failed=ended.state.isin(list(sl.FAILED)), month=_month(ended.end),
                     gpu_s=ended.gpus * ended.elapsed, idle=ibis.literal(False),
                     model=ibis.null("string"), phase=ibis.null("string"))
    attrs = ["cluster", "account", "partition", "user", "job_name", "state"]
    j = j.select(*attrs, "job_id", "failed", "month", "gpu_s", "idle", "model", "phase")
    tr = led.table("tracker")
    linked = tr.filter(tr.slurm_job_id.notnull())
    if not has_rows(led, linked):
        return _agg(led, j.drop("job_id"), "slurm", by, [], rules, fleet, {"cluster", "partition"})
    j = j.mutate(gpu_s=j.gpu_s.cast(SECS), usd=ibis.literal(0, "decimal(38, 18)"), gpu_kwh=ibis.literal(0, KWH),
                 measured_s=ibis.literal(0, SECS))
    # tracker records name the model and phase of the job they ran in: split its GPU-time among them, records
    # that measured their GPUs' energy (NVML) apart from those that did not
    parts = linked.group_by(job_id=linked.slurm_job_id, t_model=linked.model, t_phase=linked.phase,
                            t_measured=linked.gpu_energy_kwh.notnull()).aggregate(
        ts=(linked.gpus.cast("decimal(38, 12)") * linked.duration_s).sum(), te=linked.gpu_energy_kwh.sum())
    tot = parts.group_by("job_id").aggregate(tt=parts.ts.sum())
    jp = j.join(tot, "job_id").join(parts, "job_id")
    denom = ibis.greatest(jp.tt.cast("float64"), jp.gpu_s.cast("float64"))
    share = (jp.gpu_s.cast("float64") * jp.ts.cast("float64") / denom).floor().cast(SECS)
    part_s = ibis.cases((denom > 0, share), else_=ibis.literal(0, SECS))
    # the energy goes with the GPU-time: all of it (exact) where the records fit in the job; where they name more
    # GPU-time than the job had (every rank recording every GPU of its node), scaled down as the time is, to the
    # nearest micro-kWh (a whole number of micro-kWh casts to the same decimal on both engines)
    scaled = ((jp.te.cast("float64") * jp.gpu_s.cast("float64") / denom * 1e6).round().cast("float64") / 1e6).cast(
        "decimal(38, 6)").cast(KWH)
    kwh = ibis.cases((jp.tt > jp.gpu_s, scaled), else_=jp.te.cast(KWH))
    named = jp.mutate(gpu_s=part_s, model=jp.t_model, phase=jp.t_phase,
                      gpu_kwh=ibis.cases((jp.t_measured, kwh), else_=ibis.literal(0, KWH)),
                      measured_s=ibis.cases((jp.t_measured, part_s), else_=ibis.literal(0, SECS))
                      ).select(*j.columns)
    given = named.group_by("job_id").aggregate(given=named.gpu_s.sum())
    rest = j.join(given, "job_id", how="left")
    rest = rest.filter(rest.given.isnull() | (rest.gpu_s > rest.given))  # a job its records cover entirely
    rest = rest.mutate(gpu_s=rest.gpu_s - rest.given.fill_null(0)).select(*j.columns)
    allrows = named.union(rest)
    return _agg(led, allrows.drop("job_id"), "slurm", by, [], rules, fleet, {"cluster", "partition"})


def _tracker(led: Ledger, by: str | None, rules: rl.Rules, fleet: Fleet | None, period: pd.Period) -> list[Row]:
    import ibis

    if not has_rows(led, led.table("tracker")):
        return []
    tr = pd.records(led, "tracker", period)
    jobs = led.table("jobs")
    alone = tr.filter(tr.slurm_job_id.isnull() | ~tr.slurm_job_id.isin(jobs.job_id))
    failed = alone.exit_code.notnull() & (alone.exit_code != 0)
    t = alone.mutate(
        cluster=alone.slurm_cluster.fill_null(alone.host), account=ibis.null("string"), partition=ibis.null("string"),
        job_name=ibis.null("string"), state=ibis.cases((failed, "FAILED"), else_="COMPLETED"),
        failed=failed, month=_month(alone.end),
        gpu_s=(alone.gpus.cast("decimal(38, 12)") * alone.duration_s).cast(SECS),
        usd=ibis.literal(0, "decimal(38, 18)"), idle=ibis.literal(False),
        gpu_kwh=alone.gpu_energy_kwh.fill_null(0).cast(KWH))
    t = t.mutate(measured_s=ibis.cases((t.gpu_energy_kwh.notnull(), t.gpu_s), else_=ibis.literal(0, SECS)))
    t = t.select("cluster", "account", "partition", "user", "job_name", "state", "failed", "month", "gpu_s", "usd",
                 "idle", "model", "phase", "gpu_kwh", "measured_s")
    return _agg(led, t, "tracker", by, [], rules, fleet, {"cluster"})


def _codecarbon(led: Ledger, by: str | None, rules: rl.Rules, fleet: Fleet | None, period: pd.Period) -> list[Row]:
    import ibis

    e = led.table("energy")
    if not has_rows(led, e):
        return []
    # a run's rows (flushes) are cumulative: its last row is the run; rows without a run id stand alone
    run = e.run_id.fill_null(e.row_hash + ":" + e.occurrence.cast("string"))
    rn = ibis.row_number().over(group_by=run, order_by=[ibis.desc(e.timestamp), ibis.desc(e.duration_s),
                                                          e.row_hash, e.occurrence])
    last = pd.within(e.mutate(_rn=rn).filter(lambda x: x._rn == 0).drop("_rn"), "energy", period)
    jobs = led.table("jobs")
    last = last.filter(~last.project_name.fill_null("").try_cast("int64").isin(jobs.job_id)
                       | last.project_name.fill_null("").try_cast("int64").isnull())
    # CodeCarbon writes gpu_energy 0 where it saw no GPU: only energy above 0 is a measurement, and only in a row
    # whose flush completed (a row without energy_consumed keeps its GPU-hours, its energy modelled)
    metered = (last.gpu_energy_kwh.fill_null(0) > 0) & last.energy_kwh.notnull()
    t = last.mutate(failed=ibis.literal(False), month=_month(last.timestamp),
                    gpu_s=(last.gpu_count.fill_null(0).cast("decimal(38, 12)") * last.duration_s).cast(SECS),
                    gpu_kwh=ibis.cases((metered, last.gpu_energy_kwh.cast(KWH)), else_=ibis.literal(0, KWH)),
                    usd=ibis.literal(0, "decimal(38, 18)"), idle=ibis.literal(False), model=ibis.null("string"),
                    phase=ibis.null("string"), user=ibis.null("string"), account=ibis.null("string"),
                    state=ibis.literal("COMPLETED"), partition=ibis.null("string"), cluster=ibis.null("string"))
    t = t.mutate(measured_s=ibis.cases((t.gpu_kwh > 0, t.gpu_s), else_=ibis.literal(0, SECS)))
    t = t.select("project_name", "experiment_id", "run_id", "user", "account", "state", "partition", "cluster",
                 "failed", "month", "gpu_s", "usd", "idle", "model", "phase", "gpu_kwh", "measured_s")
    return _agg(led, t, "codecarbon", by, [], rules, fleet, {"cluster"})


def _opencost(led: Ledger, by: str | None, rules: rl.Rules, fleet: Fleet | None, period: pd.Period) -> list[Row]:
    import ibis

    if not has_rows(led, led.table("k8s")):
        return []
    k = pd.records(led, "k8s", period)
    t = k.mutate(failed=ibis.literal(False), month=_month(k.window_start),
                 gpu_s=(k.gpu_hours * 3600).cast("decimal(38, 6)"), usd=k.total_cost.cast("decimal(38, 18)"),
                 model=ibis.null("string"), phase=ibis.null("string"), user=ibis.null("string"),
                 account=ibis.null("string"), state=ibis.literal("COMPLETED"), partition=ibis.null("string"))
    t = t.select("cluster", "node", "namespace", "controller_kind", "controller", "pod", "container", "labels", "user",
                 "account", "state", "partition", "failed", "month", "gpu_s", "usd", "idle", "model", "phase")
    rows = _agg(led, t, "opencost", by, [], rules, None, set())
    return [Row(r.source, r.key, r.model, r.phase, r.month, -2, r.gpu_s, r.usd, r.rule, r.idle) for r in rows]


def collect(led: Ledger, rules: rl.Rules, fleet: Fleet | None, by: str | None = None,
            period: pd.Period = pd.ALL) -> list[Row]:
    """All usage in the period, aggregated by (by-key, model, phase, month, pool)."""
    field = by if by in ("account", "user", "state", "partition", "cluster") else None
    out: list[Row] = []
    for f in (_slurm, _tracker, _codecarbon, _opencost):
        out += f(led, field, rules, fleet, period)
    # one order whatever the engine returns, so that sums of floats come out the same to the last bit
    out.sort(key=lambda r: (r.source, str(r.key), r.model, r.phase, r.month, r.pool, r.rule, r.idle, r.gpu_s, r.usd,
                            r.gpu_kwh, r.measured_s))
    return out


def key_of(r: Row, by: str) -> str:
    v: Any = {"model": r.model, "phase": r.phase, "source": r.source, "month": f"{r.month // 100}-{r.month % 100:02d}"
              }.get(by, r.key)
    return NONE_KEY if v is None or v == "" else str(v)


def energy_usd(r: Row, pool: Pool) -> float:
    """The energy of an owned row: modelled GPU-hours at the pool's rate per hour, measured GPU-kWh at its rate
    per GPU-kWh (``actuals.fleet``)."""
    return float(r.modelled_s) / 3600.0 * pool.energy_per_hour + float(r.gpu_kwh) * pool.energy_per_gpu_kwh


def priced_usd(r: Row, fleet: Fleet | None) -> float:
    """Used cost: owned GPU-hours at their pool's rate (depreciation + facility + energy, measured where it was),
    or the source's cost."""
    if r.pool == -2:
        return float(r.usd)
    if fleet is None or r.pool < 0:
        return 0.0
    pool = fleet.pools[r.pool]
    if not r.measured_s and not r.gpu_kwh:
        return float(r.gpu_s) / 3600.0 * pool.used_rate  # as always, to the last bit
    return float(r.gpu_s) / 3600.0 * pool.idle_rate + energy_usd(r, pool)


def report(rows: list[Row], by: str, fleet: Fleet | None) -> dict[str, Any]:
    """The ``ledger usage`` contract: {"rows": [{"key", "gpu_hours", "usd"}], "total": {"gpu_hours", "usd"}}."""
    acc: dict[str, list[Any]] = {}
    for r in rows:
        if r.idle:
            continue
        a = acc.setdefault(key_of(r, by), [Decimal(0), 0.0])
        a[0] += r.gpu_s
        a[1] += priced_usd(r, fleet)
    out = [{"key": k, "gpu_hours": float(v[0] / 3600), "usd": v[1]} for k, v in sorted(acc.items())]
    tot_s = sum((v[0] for v in acc.values()), Decimal(0))
    return {"rows": out, "total": {"gpu_hours": float(tot_s / 3600), "usd": sum(v[1] for v in acc.values())}}
