"""The period a ledger's figures cover: the records' own span, or the one ``--from``/``--to`` sets.

Each source's records are dated by one time: Slurm jobs and tracker records by their end, CodeCarbon rows by
their timestamp, OpenCost allocations by their window's start, bills by ChargePeriodStart. With ``--from`` and
``--to`` only records dated in [from, to) count, and the owned fleet's capacity is that period's; without, the
period runs from the first record to the last. Every ``ledger`` table and JSON output states it.

A record dated far from all the others (one tracker record months after the rest stretches the fleet's period,
and with it the idle capacity the models are charged) gets a warning naming it: the first or last months that
hold records, when they hold a small part of them and are set apart from the rest by at least ``GAP_MONTHS``
months without any.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fullcost.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from fullcost.actuals.engine import Ledger

GAP_MONTHS = 2  # empty months that set a record apart
FEW = 0.01  # ... when it holds at most this share of the records (and at most MAX_NAMED of them)
MAX_NAMED = 5
# table -> (the column that dates a record, how a record is named)
DATED = {"jobs": "end", "tracker": "end", "energy": "timestamp", "k8s": "window_start", "bills": "ChargePeriodStart"}
NAMED_BY = {"jobs": ("cluster", "job_id", "task"), "tracker": ("record_id", "model"),
            "energy": ("run_id", "project_name", "row_hash"), "k8s": ("namespace", "pod", "row_hash"),
            "bills": ("ServiceName", "ChargeDescription", "row_hash")}
SOURCE = {"jobs": "Slurm job", "tracker": "tracker record", "energy": "CodeCarbon row", "k8s": "OpenCost allocation",
          "bills": "bill row"}


@dataclass(frozen=True)
class Period:
    start: dt.datetime | None = None  # inclusive
    end: dt.datetime | None = None  # exclusive

    @property
    def given(self) -> bool:
        return self.start is not None or self.end is not None


ALL = Period()


def parse_day(text: str | None, option: str) -> dt.datetime | None:
    if text is None or text == "":
        return None
    s = text.strip()
    try:
        d = dt.date.fromisoformat(s + "-01" if len(s) == 7 else s)
    except ValueError:
        raise InputError(f"{option}: expected a date like 2025-01-01 (or a month, 2025-01), got {s[:40]!r}") from None
    from fullcost.actuals.fx import YEARS

    if not YEARS[0] <= d.year <= YEARS[1]:
        raise InputError(f"{option}: expected a year from {YEARS[0]} to {YEARS[1]}, got {s[:40]!r}")
    return dt.datetime(d.year, d.month, d.day)


def from_options(start: str | None, end: str | None) -> Period:
    """``--from`` (inclusive) and ``--to`` (exclusive: ``--to 2025-04-01`` ends with March)."""
    p = Period(parse_day(start, "--from"), parse_day(end, "--to"))
    if p.start is not None and p.end is not None and p.end <= p.start:
        raise InputError(f"--to: {p.end.date()} is not after --from {p.start.date()}")
    return p


def dated(t: ir.Table, name: str) -> ir.TimestampValue:
    return t[DATED[name]]


def within(t: ir.Table, name: str, period: Period) -> ir.Table:
    """The records of ``t`` (a table of ``name``'s columns) dated inside the period."""
    if not period.given:
        return t
    d = dated(t, name)
    cond = d.notnull()
    if period.start is not None:
        cond = cond & (d >= period.start)
    if period.end is not None:
        cond = cond & (d < period.end)
    return t.filter(cond)


def records(led: Ledger, name: str, period: Period) -> ir.Table:
    """A ledger table with only the records the period covers."""
    return within(led.table(name), name, period)


def _counted(led: Ledger, name: str) -> ir.Table:
    """The records of a table that count toward usage and cost (ended jobs; every row of the others)."""
    t = led.table(name)
    if name == "jobs":
        from fullcost.actuals.slurmrows import ENDED

        return t.filter(t.state.isin(list(ENDED)) & t.end.notnull())
    return t


def months(led: Ledger, period: Period) -> dict[int, int]:
    """Records per month (YYYYMM), every source together, inside the period."""
    from fullcost.actuals import usage as us

    out: dict[int, int] = {}
    for name in DATED:
        t = _counted(led, name)
        if not us.has_rows(led, led.table(name)):
            continue
        t = within(t, name, period)
        t = t.filter(dated(t, name).notnull())
        d = dated(t, name)
        g = t.group_by(m=(d.year() * 100 + d.month()).cast("int64")).aggregate(n=t.count())
        for m, n in led.rows(g):
            out[int(m)] = out.get(int(m), 0) + int(n)
    return out


def span(led: Ledger, period: Period, names: tuple[str, ...] = tuple(DATED)) -> tuple[dt.datetime, dt.datetime] | None:
    """The first and last record time inside the period (of the tables ``names``)."""
    from fullcost.actuals import usage as us

    lo: list[dt.datetime] = []
    hi: list[dt.datetime] = []
    for name in names:
        if not us.has_rows(led, led.table(name)):
            continue
        t = within(_counted(led, name), name, period)
        last = t.window_end if name == "k8s" else dated(t, name)
        a, b = led.rows(dated(t, name).min().as_table().cross_join(last.max().as_table()))[0]
        if a is not None:
            lo.append(a)
            hi.append(b)
    if not lo:
        return None
    return min(lo), max(hi)


def _index(m: int) -> int:
    return (m // 100) * 12 + m % 100 - 1


def outlying_months(counts: dict[int, int]) -> list[int]:
    """Months at either end holding few records, set apart from the rest by GAP_MONTHS or more empty months."""
    ms = sorted(counts)
    total = sum(counts.values())
    out: list[int] = []
    for seq in (ms, ms[::-1]):
        taken: list[int] = []
        for a, b in itertools.pairwise(seq):
            taken.append(a)
            n = sum(counts[m] for m in taken)
            if (n > max(FEW * total, 0) and n > MAX_NAMED) or len(taken) >= len(seq) / 2:
                break
            if abs(_index(b) - _index(a)) - 1 >= GAP_MONTHS:
                out += taken
                break
    return sorted(set(out))


def _name(name: str, r: dict[str, Any]) -> str:
    if name == "jobs":
        return f"job {r['cluster']}/{r['job_id']}{r['task'] or ''}"
    if name == "tracker":
        return f"record {r['record_id']} (model {r['model']})"
    if name == "energy":
        return f"run {r['run_id'] or r['project_name'] or r['row_hash'][:12]}"
    if name == "k8s":
        return f"{r['namespace'] or ''}/{r['pod'] or ''}".strip("/") or r["row_hash"][:12]
    return f"{r['ServiceName'] or r['ChargeDescription'] or r['row_hash'][:12]}"


def outliers(led: Ledger, period: Period) -> list[str]:
    """Warnings naming the records dated far from all the others."""
    counts = months(led, period)
    far = outlying_months(counts)
    if not far:
        return []
    rest = [m for m in counts if m not in far]
    lo, hi = min(rest), max(rest)
    out = []
    imports = led.table("imports")
    files = {int(i): f for i, f in led.rows(imports.select("import_id", "file"))}
    for name in DATED:
        from fullcost.actuals import usage as us

        if not us.has_rows(led, led.table(name)):
            continue
        t = within(_counted(led, name), name, period)
        d = dated(t, name)
        cols = [*NAMED_BY[name], DATED[name], "import_id"]
        sel = (t.filter((d.year() * 100 + d.month()).cast("int64").isin(far)).order_by(DATED[name]).select(*cols)
               .limit(MAX_NAMED))
        for row in led.rows(sel):
            r = dict(zip(cols, row, strict=True))
            when = r[DATED[name]]
            file = files.get(int(r["import_id"]), "?")
            out.append(f"{SOURCE[name]} {_name(name, r)} from {file} is dated {when:%Y-%m-%d}, apart from the other "
                       f"records ({lo // 100}-{lo % 100:02d} to {hi // 100}-{hi % 100:02d}): it stretches the "
                       "period and the fleet's idle capacity; correct it, or set the period with --from/--to")
    return out


def to_json(p: Period, first: dt.datetime | None, last: dt.datetime | None) -> dict[str, Any]:
    """``{"from", "to", "basis"}``: the period given, else the records' span."""
    if p.given:
        return {"from": p.start.date().isoformat() if p.start else (first.date().isoformat() if first else None),
                "to": p.end.date().isoformat() if p.end else (last.date().isoformat() if last else None),
                "basis": "given with --from/--to"}
    return {"from": first.date().isoformat() if first else None, "to": last.date().isoformat() if last else None,
            "basis": "the records' span" if first else "no records"}


def line(j: dict[str, Any]) -> str:
    """The sentence under a table."""
    if j["from"] is None:
        return "Period: no records yet"
    end = "" if j["basis"].startswith("given") else "; set it with --from/--to"
    return f"Period: {j['from']} to {j['to']} ({j['basis']}{end})"
