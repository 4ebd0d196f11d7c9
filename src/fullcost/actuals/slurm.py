"""Slurm accounting: ``sacct --parsable2`` dumps, with or without a header.

Rows are keyed by (Cluster, JobIDRaw, Submit), the identity Slurm's database gives a job (a requeued run gets
a new submit time). GPUs come from ``AllocTRES``: the untyped ``gres/gpu=N`` if present, else the typed
``gres/gpu:TYPE=N`` entries summed (``gres/gpumem``, ``gres/shard`` are not GPUs). GPU-hours = GPUs x
ElapsedRaw / 3600. Job steps (``123.batch``, ``123.0``) are skipped, counted: the allocation row carries the
job's GPUs. States as Slurm writes them: ``CANCELLED by 1234`` is CANCELLED; ``End=Unknown`` is a job still
running; failed, cancelled, timed-out and out-of-memory jobs consumed their GPU-hours (failed work); running
and pending jobs are stored but not counted until a later dump shows them ended.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from fullcost.actuals import schema as sch
from fullcost.actuals.fx import Fx
from fullcost.actuals.importer import Feed
from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from fullcost.actuals.engine import Ledger

# The fields of the recommended dump, the order a headerless file is read in unless --fields says otherwise:
#   sacct --allusers --parsable2 --noheader --allocations --duplicates --format <these>
DEFAULT_FIELDS = ("JobID", "JobIDRaw", "JobName", "User", "Account", "Partition", "QOS", "Cluster", "Submit",
                  "Start", "End", "Elapsed", "ElapsedRaw", "State", "ExitCode", "NNodes", "NCPUS", "NodeList",
                  "AllocTRES", "ConsumedEnergyRaw")

# sacct.1: states that mean the job is over (its GPU-hours are spent) and those that do not yet
ENDED = ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE",
         "PREEMPTED", "REVOKED", "REQUEUED", "SPECIAL_EXIT")
NOT_YET = ("PENDING", "RUNNING", "SUSPENDED", "RESIZING", "REQUEUE_HOLD", "REQUEUE_FED", "COMPLETING",
           "CONFIGURING", "STAGE_OUT", "SIGNALING", "STOPPED")
FAILED = tuple(s for s in ENDED if s != "COMPLETED")  # failed work: the GPU-hours were spent all the same
KNOWN = ENDED + NOT_YET
STEP_NOTE = "job step rows (the job's allocation row carries its GPU-hours)"

_ELAPSED = r"^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)(?:\.\d+)?$"


def _norm(name: str) -> str:
    return name.strip().lower()


_CANON = {_norm(f): f for f in (*DEFAULT_FIELDS, "ReqTRES", "Group", "GID", "UID", "Eligible", "Timelimit",
                                  "ReqMem", "ReqCPUS", "ReqGRES", "AllocGRES", "AllocNodes", "CPUTimeRAW",
                                  "TRESUsageInTot", "Comment", "WCKey", "Reservation", "SubmitLine", "WorkDir",
                                  "AllocCPUS", "Suspended", "TimelimitRaw", "Priority", "ReqNodes", "NTasks")}


def header_fields(first_line: str) -> list[str] | None:
    """The fields of a header line, or None when the first line is a data row."""
    parts = first_line.rstrip("\r\n").split("|")
    names = [_norm(p) for p in parts]
    if names and names[0] in ("jobid", "jobidraw") and all(n.replace("_", "").isalnum() for n in names if n):
        return [_CANON.get(n, p.strip()) for n, p in zip(names, parts, strict=True)]
    return None


def resolve_fields(path: Path, fields: str | None) -> tuple[list[str], bool]:
    """The field names in file order and whether line 1 is a header."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            first = f.readline()
    except FileNotFoundError:
        raise InputError("file not found", str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a sacct dump", str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", str(path)) from None
    if not first.strip():
        raise InputError("empty file, or a blank first line: expected `sacct --parsable2` output", str(path), 1)
    if "|" not in first:
        raise InputError("no '|' separators: expected `sacct --parsable2` output (-P)", str(path), 1)
    head = header_fields(first)
    if head is not None:
        return head, True
    if fields:
        names = [_CANON.get(_norm(x), x.strip()) for x in fields.split(",") if x.strip()]
    else:
        names = list(DEFAULT_FIELDS)
    n = len(first.rstrip("\r\n").split("|"))
    if n != len(names):
        how = "--fields" if fields else "the default field list (fullcost ingest slurm --help)"
        raise InputError(f"no header line and {n} fields, but {how} names {len(names)}: dump with a header "
                         "(drop --noheader) or give --fields as in `sacct --format`", str(path), 1)
    return names, False


def _check_fields(path: Path, names: list[str]) -> None:
    have = set(names)
    missing = []
    if not have & {"JobIDRaw", "JobID"}:
        missing.append("JobIDRaw (or JobID)")
    for f in ("Submit", "End", "State", "AllocTRES"):
        if f not in have:
            missing.append(f)
    if not have & {"ElapsedRaw", "Elapsed"}:
        missing.append("ElapsedRaw (or Elapsed)")
    if missing:
        raise InputError(f"the dump lacks {', '.join(missing)}: add them to `sacct --format`", str(path), 1)


def _time_shaped(s: ir.StringValue) -> ir.BooleanValue:
    """Looks like YYYY-MM-DDTHH:MM:SS (a cheap check for a field that is not stored)."""
    return (s.length() == 19) & s.contains("T") & s.contains(":")


def _quoted(v: ir.StringValue) -> ir.StringValue:
    return "'" + v.fill_null("") + "'"


def _stages(raw: ir.Table, names: list[str], cluster: str, fx: Fx) -> ir.Table:
    """The fields of each line, split and cast once: raw texts (``_jid``, ``_end``, ...) and typed columns."""
    import ibis

    idx = {n: i for i, n in enumerate(names)}
    null = ibis.null("string")
    a = raw.select("line", "_line", _f=fx.split(raw.line, "|"))

    def fld(name: str) -> ir.StringValue:
        return a._f[idx[name]] if name in idx else null

    jid_name = "JobIDRaw" if "JobIDRaw" in idx else "JobID"
    el_name = "ElapsedRaw" if "ElapsedRaw" in idx else "Elapsed"
    tres = fld("AllocTRES")
    b = a.select(
        "line", "_line",
        _n=a._f.length(),
        _jid=fld(jid_name), _submit=fld("Submit"), _end=fld("End"), _el=fld(el_name), _state=fld("State"),
        _tres=tres,
        cluster=fld("Cluster") if "Cluster" in idx else ibis.literal(cluster),
        job_name=fld("JobName"), user=fld("User"), account=fld("Account"), partition=fld("Partition"),
        # GPUs: the untyped gres/gpu=N if present (the total Slurm records), else the typed gres/gpu:TYPE=N summed
        _gu=ibis.cases((tres.contains("gres/gpu="), fx.split(fx.split(tres, "gres/gpu=")[1], ",")[0]), else_=null),
    )
    if el_name == "ElapsedRaw":
        elapsed = b._el.try_cast("int64")
    else:
        g = [b._el.re_extract(_ELAPSED, i).nullif("").try_cast("int64").fill_null(0) for i in (1, 2, 3, 4)]
        elapsed = ibis.cases((b._el.re_search(_ELAPSED), g[0] * 86400 + g[1] * 3600 + g[2] * 60 + g[3]),
                             else_=ibis.null("int64"))
    return b.select(
        "line", "_line", "_n", "_jid", "_submit", "_end", "_el", "_state", "_tres",
        "cluster", "job_name", "user", "account", "partition",
        job_id=b._jid.try_cast("int64"),
        submit=fx.iso_time(b._submit),
        end=fx.iso_time(b._end),
        elapsed=elapsed,
        state=ibis.cases((b._state.contains(" "), fx.split(b._state, " ")[0]), else_=b._state),  # CANCELLED by N
        # NULL when a count is not a whole number: the row is then reported (see value_checks)
        gpus=ibis.cases((b._gu.notnull(), b._gu.try_cast("int64")),
                        (b._tres.contains("gres/gpu:"), _typed_gpus(b._tres, fx)),
                        else_=ibis.literal(0, "int64")),
    )


def _typed_gpus(tres: ir.StringValue, fx: Fx) -> ir.IntegerValue:
    """The typed entries (gres/gpu:a100=2,gres/gpu:v100=1) summed; NULL if a count is not a whole number."""
    import ibis

    bad = -(1 << 40)
    total = (fx.split(tres, ",").filter(lambda e: e.startswith("gres/gpu:"))
             .map(lambda e: fx.split(e, "=")[1].try_cast("int64").fill_null(bad)).sums())
    return ibis.greatest(total, -1).nullif(-1)  # one bad count makes the sum negative: NULL


def value_checks(t: ir.Table, names: list[str]) -> list[tuple[ir.BooleanValue, ir.StringValue | None]]:
    """What makes a well-formed line a bad row, on the typed columns (so a stored row can be checked too), with
    the message when the raw texts are at hand (``_jid``, ``_submit``, ... in ``t``)."""
    import ibis

    raw = "_jid" in t.columns
    jid_name = "JobIDRaw" if "JobIDRaw" in names else "JobID"
    el_name = "ElapsedRaw" if "ElapsedRaw" in names else "Elapsed"

    def msg(text: str, col: str | None = None) -> ir.StringValue | None:
        if not raw:
            return None
        return ibis.literal(text) if col is None else text + _quoted(t[col])

    ended = [s for s in ENDED if s != "REQUEUED"]
    return [
        (t.job_id.isnull(), msg(f"{jid_name}: expected a job number, got ", "_jid")),
        (t.submit.isnull(), msg("Submit: expected a time like 2025-01-31T12:00:00, got ", "_submit")),
        (~t.state.isin(list(KNOWN)), msg("State: unknown Slurm state ", "_state")),
        (t.end.isnull() & t.state.isin(ended),
         msg("End: expected the end time of an ended job (like 2025-01-31T12:00:00), got ", "_end")),
        (t.elapsed.isnull() | (t.elapsed < 0),
         msg(f"{el_name}: expected " + ("whole seconds" if el_name == "ElapsedRaw"
                                         else "[days-]hours:minutes:seconds") + ", got ", "_el")),
        (t.gpus.isnull(), msg("AllocTRES: a GPU count that is not a whole number in ", "_tres")),
    ]


def value_bad(t: ir.Table, names: list[str]) -> ir.BooleanValue:
    import ibis

    out: ir.BooleanValue = ibis.literal(False)
    for cond, _ in value_checks(t, names):
        out = out | cond
    return out


def _structural(c: ir.Table, nf: int) -> list[tuple[ir.BooleanValue, ir.StringValue]]:
    import ibis

    return [
        (c.line.isnull() | (c.line == ""), ibis.literal("blank line")),
        (c._n < nf, "truncated line: " + c._n.cast("string") + f" of {nf} fields"),
        (c._n > nf, c._n.cast("string") + f" fields, expected {nf} (a '|' inside a field such as JobName?)"),
    ]


def _is_step(c: ir.Table) -> ir.BooleanValue:
    return c._jid.contains(".")


def parse(raw: ir.Table, names: list[str], cluster: str, fx: Fx) -> ir.Table:
    """sacct text rows -> typed jobs with ``_err`` (why a row is bad) and ``_skip`` (job steps)."""
    import ibis

    c = _stages(raw, names, cluster, fx)
    null = ibis.null("string")
    step = _is_step(c)
    cases = [*_structural(c, len(names)), (step, null)]
    cases += [(cond, m) for cond, m in value_checks(c, names) if m is not None]
    err = ibis.cases(*cases, else_=null)
    skip = ibis.cases((step & (c._n == len(names)), ibis.literal(STEP_NOTE)), else_=null)
    return c.select(*sch.JOBS.data_columns, _err=err, _skip=skip, _line=c._line)


def fast(raw: ir.Table, names: list[str], cluster: str, fx: Fx, imp: int) -> ir.Table:
    """The same rows for a fast import, without messages: ``import_id`` is -imp for a malformed line,
    -imp - SKIP_OFFSET for a job step and -imp - BAD_OFFSET for a bad value (``_err``'s other conditions)."""
    import ibis

    c = _stages(raw, names, cluster, fx)
    bad = c._n.fill_null(0) != len(names)  # blank, truncated or with extra fields: see _structural
    tag = ibis.cases((bad, -imp), (_is_step(c), -imp - SKIP_OFFSET), (value_bad(c, names), -imp - BAD_OFFSET),
                     else_=imp).cast("int64")
    return c.select(*sch.JOBS.data_columns, import_id=tag)


SKIP_OFFSET = 1 << 40
BAD_OFFSET = 2 << 40


def rank(t: ir.Table) -> ir.IntegerValue:
    """2: ended (counted); 1: started, not ended; 0: pending."""
    import ibis

    return ibis.cases((t.state.isin(list(ENDED)) & t.end.notnull(), 2), (t.state == "PENDING", 0), else_=1)


def order(t: ir.Table) -> list[Any]:
    import ibis

    return [ibis.desc(t.end), ibis.desc(t.elapsed), ibis.desc(t.gpus)]


def feed(led: Ledger, path: str | Path, fields: str | None = None, cluster: str = "default") -> Feed:
    p = Path(path)
    names, has_header = resolve_fields(p, fields)
    _check_fields(p, names)
    notes = [] if "Cluster" in names else [f"no Cluster field: jobs are filed under cluster '{cluster}'"]
    return Feed(
        kind="slurm", spec=sch.JOBS, file=p,
        raw=lambda numbered: led.lines("_raw_slurm", p, has_header, numbered),
        parse=lambda raw: parse(raw, names, cluster, Fx(led.dialect)),
        rank=rank, order=order, notes=notes,
        fast=lambda raw, imp: fast(raw, names, cluster, Fx(led.dialect), imp), skip_note=STEP_NOTE,
    )
