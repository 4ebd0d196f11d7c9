"""Slurm accounting: ``sacct --parsable2`` dumps, with or without a header, read as sacct writes them.

The header is the first line that is not blank (a UTF-8 BOM before it is fine) when it names ``JobID`` or
``JobIDRaw`` anywhere (``sacct -P --format ALL`` puts ``Account`` first); without one, the fields are
``DEFAULT_FIELDS`` or those ``--fields`` gives (XDMoD's own dumps, for instance). Lines may end in ``\\n`` or
``\\r\\n``; a job name in Latin-1 is read as such (``actuals.textfile``). How the rows are read is in
``actuals.slurmrows``: job ids parsed structurally (``J_T`` array tasks, ``J_[1-3]`` pending ranges, ``J+K``
heterogeneous components, ``J.batch``/``J.0`` steps), GPUs from ``AllocTRES`` or ``AllocGRES``, and every row a
person would call wrong reported with its reason.

Rows are keyed by (Cluster, job id, task, Submit), the identity Slurm's database gives a job (a requeued run gets
a new submit time); a dump without Submit keys its jobs without one (noted).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from fullcost.actuals import schema as sch
from fullcost.actuals import slurmrows as sr
from fullcost.actuals import textfile
from fullcost.actuals.fx import Fx
from fullcost.actuals.importer import Feed
from fullcost.errors import InputError

if TYPE_CHECKING:
    from fullcost.actuals.engine import Ledger

# The fields of the recommended dump, the order a headerless file is read in unless --fields says otherwise:
#   sacct --allusers --parsable2 --noheader --allocations --duplicates --format <these>
DEFAULT_FIELDS = ("JobID", "JobIDRaw", "JobName", "User", "Account", "Partition", "QOS", "Cluster", "Submit",
                  "Start", "End", "Elapsed", "ElapsedRaw", "State", "ExitCode", "NNodes", "NCPUS", "NodeList",
                  "AllocTRES", "ConsumedEnergyRaw")
ENDED, NOT_YET, FAILED, KNOWN, STEP_NOTE = sr.ENDED, sr.NOT_YET, sr.FAILED, sr.KNOWN, sr.STEP_NOTE


def _norm(name: str) -> str:
    return name.strip().lower()


_CANON = {_norm(f): f for f in (*DEFAULT_FIELDS, "ReqTRES", "Group", "GID", "UID", "Eligible", "Timelimit",
                                  "ReqMem", "ReqCPUS", "ReqGRES", "AllocGRES", "AllocNodes", "CPUTimeRAW",
                                  "TRESUsageInTot", "Comment", "WCKey", "Reservation", "SubmitLine", "WorkDir",
                                  "AllocCPUS", "Suspended", "TimelimitRaw", "Priority", "ReqNodes", "NTasks")}


def header_fields(first_line: str) -> list[str] | None:
    """The fields of a header line, or None when the line is a data row: a header names JobID or JobIDRaw
    somewhere, and every name is a word."""
    line = first_line.rstrip("\r\n")
    line = line[1:] if line.startswith(textfile.BOM) else line
    parts = line.split("|")
    names = [_norm(p) for p in parts]
    if not {"jobid", "jobidraw"} & set(names):
        return None
    if not all(n.replace("_", "").isalnum() for n in names if n):
        return None
    return [_CANON.get(n, p.strip()) for n, p in zip(names, parts, strict=True)]


def resolve_fields(path: Path, fields: str | None) -> tuple[list[str], str | None]:
    """The field names in file order, and the header line as the reader sees it (None when there is none)."""
    if path.is_dir():
        raise InputError("is a directory, expected a sacct dump", str(path))
    first = textfile.first_line(path, "a sacct dump")
    if first is None:
        raise InputError("empty file: expected `sacct --parsable2` output", str(path))
    lineno, text = first
    if "|" not in text:
        raise InputError("no '|' separators: expected `sacct --parsable2` output (-P)", str(path), lineno)
    head = header_fields(text)
    if head is not None:
        if len(set(head)) != len(head):
            dup = sorted({h for h in head if head.count(h) > 1})
            raise InputError(f"the header names {', '.join(dup)} more than once", str(path), lineno)
        seen = textfile.seen_line(path, "a sacct dump")
        return head, seen[1] if seen else text
    if fields:
        names = [_CANON.get(_norm(x), x.strip()) for x in fields.split(",") if x.strip()]
        if len(set(names)) != len(names):
            raise InputError("--fields names a field more than once")
    else:
        names = list(DEFAULT_FIELDS)
    n = len(text.split("|"))
    if n != len(names):
        how = "--fields" if fields else "the default field list (fullcost ingest slurm --help)"
        raise InputError(f"no header line and {n} fields, but {how} names {len(names)}: dump with a header "
                         "(drop --noheader) or give --fields as in `sacct --format`", str(path), lineno)
    return names, None


def _check_fields(path: Path, names: list[str]) -> list[str]:
    """Refuse a dump that cannot give GPU-hours; the notes for fields it lacks but can do without."""
    have = set(names)
    missing = []
    if not have & {"JobIDRaw", "JobID"}:
        missing.append("JobIDRaw (or JobID)")
    if "State" not in have:
        missing.append("State")
    if not have & {"ElapsedRaw", "Elapsed"}:
        missing.append("ElapsedRaw (or Elapsed)")
    if not have & {"AllocTRES", "AllocGRES"}:
        missing.append("AllocTRES (or AllocGRES)")
    if missing:
        raise InputError(f"the dump lacks {', '.join(missing)}: add them to `sacct --format`", str(path), 1)
    notes = []
    if "Submit" not in have:
        notes.append("no Submit field: jobs are keyed by cluster and job id alone (a requeued job's runs cannot "
                     "be told apart)")
    if "End" not in have:
        notes.append("no End field: ended jobs are dated Start + elapsed" if "Start" in have
                     else "no End or Start field: ended jobs cannot be dated and are reported")
    return notes


def feed(led: Ledger, path: str | Path, fields: str | None = None, cluster: str = "default") -> Feed:
    p = Path(path)
    names, header = resolve_fields(p, fields)
    notes = _check_fields(p, names)
    if "Cluster" not in names:
        notes.insert(0, f"no Cluster field: jobs are filed under cluster {cluster!r}")
    return Feed(
        kind="slurm", spec=sch.JOBS, file=p, text=True,
        raw=lambda path, numbered: led.lines("_raw_slurm", path, header, numbered),
        parse=lambda raw: sr.parse(raw, names, cluster, Fx(led.dialect)),
        lines=lambda path, idx, structural: led.line_numbers(path, idx),
        rank=sr.rank, order=sr.ORDER, notes=notes,
        fast=lambda raw, imp: sr.fast(raw, names, cluster, Fx(led.dialect), imp), skip_note=STEP_NOTE,
    )
