"""The rows of a sacct dump: fields split and typed once, then checked (written once as Ibis, for both engines).

- Job ids, structurally: the job number is the digits before any ``_``, ``+`` or ``.`` of ``JobIDRaw`` (else
  ``JobID``); the task is what ``JobID`` adds before a step: ``_T`` (an array task), ``_[1-3]`` (a pending range),
  ``+K`` (a heterogeneous component), or nothing. ``J.batch``, ``J.0`` are job steps: skipped, counted (the
  allocation row carries the job's GPUs). Text casts never read ``4103947_100`` as the number 4103947100.
- GPUs: ``AllocTRES``'s untyped ``gres/gpu=N`` if present, else its typed ``gres/gpu:TYPE=N`` summed
  (``gres/gpumem``, ``gres/shard`` are not GPUs), else ``AllocGRES``'s ``gpu:N`` / ``gpu:TYPE:N`` (older dumps).
  A count that is not a whole number of 0 or more (``gres/gpu=-8``) is reported, never subtracted.
- States as Slurm writes them: ``CANCELLED by 1234`` is CANCELLED. Failed, cancelled, timed-out and out-of-memory
  jobs consumed their GPU-hours (failed work); running and pending jobs are stored but not counted until a
  later dump shows them ended. An ended job with ``End=Unknown`` (cancelled while Slurm lost track) and a known
  elapsed time counts that time, dated Start + elapsed (or Submit + elapsed where it never started).
- Reported: an End before its Start or Submit, a Start before its Submit, an elapsed time longer than Start..End
  (``ElapsedRaw`` of 11.5 days for a two-hour job), and any time outside the plausible years (``fx.YEARS``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fullcost.actuals import schema as sch
from fullcost.actuals.fx import PLAUSIBLE, Fx, out_of_years

if TYPE_CHECKING:
    import ibis.expr.types as ir

# sacct.1: states that mean the job is over (its GPU-hours are spent) and those that do not yet
ENDED = ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE",
         "PREEMPTED", "REVOKED", "REQUEUED", "SPECIAL_EXIT")
NOT_YET = ("PENDING", "RUNNING", "SUSPENDED", "RESIZING", "REQUEUE_HOLD", "REQUEUE_FED", "COMPLETING",
           "CONFIGURING", "STAGE_OUT", "SIGNALING", "STOPPED")
FAILED = tuple(s for s in ENDED if s != "COMPLETED")  # failed work: the GPU-hours were spent all the same
KNOWN = ENDED + NOT_YET
STEP_NOTE = "job step rows (the job's allocation row carries its GPU-hours)"
# among rows with one key: the one that ended last, then the most elapsed time, then the most GPUs
ORDER = (("end", True), ("elapsed", True), ("gpus", True))
SKIP_OFFSET = 1 << 40
BAD_OFFSET = 2 << 40

_ELAPSED = r"^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)(?:\.\d+)?$"
_TASK = r"^(_\d+|_\[[0-9,%\-]+\]|\+\d+)$"
_BAD = -(1 << 40)


def _quoted(v: ir.StringValue) -> ir.StringValue:
    return "'" + v.fill_null("").substr(0, 200) + "'"


def _id_number(s: ir.StringValue) -> ir.IntegerValue:
    """The digits before any ``_``, ``+`` or ``.`` as a number; NULL when they are not all digits (engines' casts
    differ on ``1e3``, `` 12``, ``0x1F``)."""
    import ibis

    base = ibis.cases((s.contains("_") | s.contains("+") | s.contains("."), s.re_extract(r"^([^_+.]*)", 1)),
                      else_=s)
    return ibis.cases((base.re_search(r"^[0-9]{1,18}$"), base.try_cast("int64")), else_=ibis.null("int64"))


def _task(s: ir.StringValue) -> ir.StringValue:
    """What a JobID adds to its job number before a step: ``_5``, ``_[1-3]``, ``+1``, or ''."""
    import ibis

    return ibis.cases((s.contains("_") | s.contains("+"), s.re_extract(r"^[^_+.]*([_+][^.]*)", 1)), else_="")


def _gpu_entries(tres: ir.StringValue, fx: Fx, prefix: str, sep: str) -> ir.IntegerValue:
    """Entries starting with ``prefix`` summed (the count after the last ``sep``; in AllocGRES, before any
    ``(IDX:...)``); NULL when a count is not a whole number of 0 or more."""
    import ibis

    def count(e: ir.StringValue) -> ir.IntegerValue:
        n = fx.split(fx.split(e, "(")[0], sep) if sep == ":" else fx.split(e, sep)
        v = (n[n.length() - 1] if sep == ":" else n[1]).try_cast("int64")
        return ibis.cases((v >= 0, v), else_=ibis.literal(_BAD, "int64"))

    total = fx.split(tres, ",").filter(lambda e: e.startswith(prefix)).map(count).sums()
    return ibis.greatest(total, -1).nullif(-1)  # one bad count makes the sum negative: NULL


def _fields(raw: ir.Table, names: list[str], cluster: str, fx: Fx) -> ir.Table:
    """The fields of each line, split once: raw texts (``_jid``, ``_end``, ...) and the text columns."""
    import ibis

    idx = {n: i for i, n in enumerate(names)}
    null = ibis.null("string")
    a = raw.select("line", "_line", _f=fx.split(raw.line, "|"))

    def fld(name: str) -> ir.StringValue:
        return a._f[idx[name]] if name in idx else null

    raw_id = fld("JobIDRaw") if "JobIDRaw" in idx else fld("JobID")
    tres = fld("AllocTRES")
    return a.select(
        "line", "_line", _n=a._f.length(), _rid=raw_id, _jid=fld("JobID") if "JobID" in idx else raw_id,
        _submit=fld("Submit"), _start=fld("Start"), _end=fld("End"),
        _el=fld("ElapsedRaw" if "ElapsedRaw" in idx else "Elapsed"), _state=fld("State"), _tres=tres,
        _gres=fld("AllocGRES"),
        cluster=fld("Cluster") if "Cluster" in idx else ibis.literal(cluster),
        job_name=fld("JobName"), user=fld("User"), account=fld("Account"), partition=fld("Partition"),
        # the untyped gres/gpu=N if present (the total Slurm records)
        _gu=ibis.cases((tres.contains("gres/gpu="), fx.split(fx.split(tres, "gres/gpu=")[1], ",")[0]), else_=null),
    )


def _stages(raw: ir.Table, names: list[str], cluster: str, fx: Fx) -> ir.Table:
    """The typed columns, with the raw texts kept for messages."""
    import ibis

    b = _fields(raw, names, cluster, fx)
    if "ElapsedRaw" in names:
        elapsed = ibis.cases((b._el.re_search(r"^[0-9]{1,12}$"), b._el.try_cast("int64")), else_=ibis.null("int64"))
    else:
        g = [b._el.re_extract(_ELAPSED, i).nullif("").try_cast("int64").fill_null(0) for i in (1, 2, 3, 4)]
        elapsed = ibis.cases((b._el.re_search(_ELAPSED), g[0] * 86400 + g[1] * 3600 + g[2] * 60 + g[3]),
                             else_=ibis.null("int64"))
    gpus = ibis.cases(
        (b._gu.notnull(), ibis.cases((b._gu.re_search(r"^[0-9]{1,9}$"), b._gu.try_cast("int64")),
                                     else_=ibis.null("int64"))),
        (b._tres.contains("gres/gpu:"), _gpu_entries(b._tres, fx, "gres/gpu:", "=")),
        (b._gres.contains("gpu"), _gpu_entries(b._gres, fx, "gpu", ":")),
        else_=ibis.literal(0, "int64"))
    c = b.mutate(
        job_id=_id_number(b._rid), task=_task(b._jid),
        submit=fx.iso_time(b._submit), _start_t=fx.iso_time(b._start), _end_t=fx.iso_time(b._end),
        elapsed=elapsed,
        state=ibis.cases((b._state.contains(" "), fx.split(b._state, " ")[0]), else_=b._state),  # CANCELLED by N
        gpus=gpus,
    )
    # an ended job whose End is Unknown: dated Start (or Submit) + elapsed
    lost = c._end_t.isnull() & c.state.isin(list(ENDED)) & c.elapsed.notnull() & (c.elapsed >= 0) & (
        (c._end.fill_null("Unknown") == "Unknown") | (c._end == ""))
    since = c._start_t.fill_null(c.submit)
    end = ibis.cases((lost & since.notnull(), since + c.elapsed.as_interval("s")), else_=c._end_t)
    return c.mutate(end=end)


def value_checks(t: ir.Table, names: list[str]) -> list[tuple[ir.BooleanValue, ir.StringValue]]:
    """What makes a well-formed line a bad row, with its message."""
    import ibis

    jid = "JobIDRaw" if "JobIDRaw" in names else "JobID"
    el = "ElapsedRaw" if "ElapsedRaw" in names else "Elapsed"
    ended = [s for s in ENDED if s != "REQUEUED"]
    when = f"a time like 2025-01-31T12:00:00 {PLAUSIBLE}"
    span = (t._end_t.epoch_seconds() - t._start_t.epoch_seconds())
    gpu_src = "AllocTRES" if "AllocTRES" in names else "AllocGRES"
    out: list[tuple[ir.BooleanValue, ir.StringValue]] = [
        (t.job_id.isnull(), f"{jid}: expected a job number, got " + _quoted(t._rid)),
        (ibis.cases((t.task != "", ~t.task.re_search(_TASK)), else_=False),
         "JobID: expected a job id such as 123, 123_4, 123_[1-3], 123+1 or 123.batch, got " + _quoted(t._jid)),
        (~t.state.isin(list(KNOWN)), "State: unknown Slurm state " + _quoted(t._state)),
        (t.elapsed.isnull() | (t.elapsed < 0),
         f"{el}: expected " + ("whole seconds" if el == "ElapsedRaw" else "[days-]hours:minutes:seconds")
         + ", got " + _quoted(t._el)),
        (t.gpus.isnull(), f"{gpu_src}: a GPU count that is not a whole number of 0 or more in "
         + _quoted(ibis.cases((t._tres.contains("gres/gpu"), t._tres), else_=t._gres))),
    ]
    if "Submit" in names:
        out.append((t.submit.isnull(), f"Submit: expected {when}, got " + _quoted(t._submit)))
        out.append((out_of_years(t.submit), f"Submit: expected {when}, got " + _quoted(t._submit)))
    done = t.state.isin(ended)  # (a running job's End, where a dump gives one, is not its end)
    out += [
        (t.end.isnull() & done, f"End: expected the end time of an ended job ({when}), got " + _quoted(t._end)),
        (out_of_years(t._end_t), f"End: expected {when}, got " + _quoted(t._end)),
        (out_of_years(t._start_t), f"Start: expected {when}, got " + _quoted(t._start)),
        (done & (t._end_t < t.submit), "End: " + _quoted(t._end) + " is before Submit " + _quoted(t._submit)),
        (done & (t._end_t < t._start_t), "End: " + _quoted(t._end) + " is before Start " + _quoted(t._start)),
        (t._start_t < t.submit, "Start: " + _quoted(t._start) + " is before Submit " + _quoted(t._submit)),
        (done & t._end_t.notnull() & t._start_t.notnull() & (t.elapsed > span + 1),
         f"{el}: " + t.elapsed.cast("string") + " s, longer than Start..End ("
         + span.round(0).cast("int64").cast("string") + " s)"),
    ]
    return out


def _structural(c: ir.Table, nf: int, fx: Fx) -> list[tuple[ir.BooleanValue, ir.StringValue]]:
    import ibis

    return [
        (c.line.isnull() | (fx.trim(c.line) == ""), ibis.literal("a line of spaces only")),
        (c._n < nf, "truncated line: " + c._n.cast("string") + f" of {nf} fields"),
        (c._n > nf, c._n.cast("string") + f" fields, expected {nf} (a '|' inside a field such as JobName?)"),
    ]


def _is_step(c: ir.Table) -> ir.BooleanValue:
    return c._rid.contains(".") | c._jid.contains(".")


def parse(raw: ir.Table, names: list[str], cluster: str, fx: Fx) -> ir.Table:
    """sacct text rows -> typed jobs with ``_err`` (why a row is bad) and ``_skip`` (job steps)."""
    import ibis

    c = _stages(raw, names, cluster, fx)
    null = ibis.null("string")
    step = _is_step(c)
    cases = [*_structural(c, len(names), fx), (step, null), *value_checks(c, names)]
    err = ibis.cases(*cases, else_=null)
    skip = ibis.cases((step & (c._n == len(names)), ibis.literal(STEP_NOTE)), else_=null)
    return c.select(*sch.JOBS.data_columns, _err=err, _skip=skip, _line=c._line)


def fast(raw: ir.Table, names: list[str], cluster: str, fx: Fx, imp: int) -> ir.Table:
    """The same rows for a fast import, without messages: ``import_id`` is -imp for a malformed line,
    -imp - SKIP_OFFSET for a job step and -imp - BAD_OFFSET for a bad value (``_err``'s other conditions)."""
    import ibis

    c = _stages(raw, names, cluster, fx)
    bad = c._n.fill_null(0) != len(names)  # blank, truncated or with extra fields: see _structural
    value_bad: Any = ibis.literal(False)
    for cond, _ in value_checks(c, names):
        value_bad = value_bad | cond
    tag = ibis.cases((bad, -imp), (_is_step(c), -imp - SKIP_OFFSET), (value_bad, -imp - BAD_OFFSET),
                     else_=imp).cast("int64")
    return c.select(*sch.JOBS.data_columns, import_id=tag)


def rank(t: ir.Table) -> ir.IntegerValue:
    """2: ended (counted); 1: started, not ended; 0: pending."""
    import ibis

    return ibis.cases((t.state.isin(list(ENDED)) & t.end.notnull(), 2), (t.state == "PENDING", 0), else_=1)
