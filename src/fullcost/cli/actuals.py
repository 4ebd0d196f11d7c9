"""`fullcost ledger`, `fullcost ingest` and `fullcost track`: a lab's own records."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fullcost.cli.app import Fmt, Format, app, emit_json, guard

if TYPE_CHECKING:
    from fullcost.actuals.importer import Feed, ImportReport

ledger_app = typer.Typer(no_args_is_help=True, help="A lab's ledger: its own records, allocated to models.")
ingest_app = typer.Typer(no_args_is_help=True, help="Import a lab's records into a ledger (idempotent, atomic).")
app.add_typer(ledger_app, name="ledger")
app.add_typer(ingest_app, name="ingest")

LedgerArg = Annotated[Path, typer.Argument(help="the ledger: a DuckDB file, or a directory for --engine spark")]
LedgerOpt = Annotated[Path, typer.Option("--ledger", "-l", help="the ledger to import into")]
FileArg = Annotated[Path, typer.Argument(help="the file to import")]
Strict = Annotated[bool, typer.Option("--strict", help="stop at the first bad row and import nothing")]
RulesOpt = Annotated[Path | None, typer.Option("--rules", help="rules file (default: the one stored in the ledger)")]
FleetOpt = Annotated[str | None, typer.Option("--fleet", help="fleet file or a scenario with a fleet section "
                                                                "(default: the one stored in the ledger)")]
StaffOpt = Annotated[Path | None, typer.Option("--staff", help="staff file (default: the one stored in the ledger)")]
IdleOpt = Annotated[str | None, typer.Option("--idle", help="idle capacity: weighted, even or none (kept apart)")]


def _num(v: float) -> str:
    return f"{v:,.2f}"


# ---- ledger ------------------------------------------------------------------------------------------------


@ledger_app.command("init")
def ledger_init(
    path: LedgerArg,
    engine: Annotated[str, typer.Option("--engine", help="duckdb (one file, the default) or spark (a directory "
                                                         "of Parquet, for job history on a cluster)")] = "duckdb",
) -> None:
    """Create an empty ledger."""
    with guard():
        from fullcost.actuals import engine as eng

        eng.init(path, engine).close()
    print(f"created {engine} ledger {path}")


@ledger_app.command("config")
def ledger_config(path: LedgerArg, rules: RulesOpt = None, fleet: FleetOpt = None, staff: StaffOpt = None) -> None:
    """Store the rules, fleet and staff files in the ledger (checked first), so later commands use them."""
    with guard():
        from fullcost import catalog
        from fullcost.actuals import engine as eng
        from fullcost.actuals import fleet as flt
        from fullcost.actuals import rules as rl
        from fullcost.actuals import staff as stf

        todo: list[tuple[str, str, str]] = []
        if rules is not None:
            rl.load(rules)
            todo.append(("rules", str(rules), _text(rules)))
        if fleet is not None:
            flt.load(fleet)
            if not Path(fleet).exists() and catalog.model_path(fleet) is not None:
                todo.append(("fleet", f"catalog:{fleet}", ""))
            else:
                todo.append(("fleet", str(fleet), _text(Path(fleet))))
        if staff is not None:
            stf.load(staff)
            todo.append(("staff", str(staff), _text(staff)))
        with eng.open_ledger(path) as led:
            for key, name, text in todo:
                led.set_config(key, name, text)
            shown = {k: (led.config(k) or ("(none)", ""))[0] for k in ("rules", "fleet", "staff")}
    for k, v in shown.items():
        print(f"{k}: {v}")


def _text(p: Path) -> str:
    from fullcost.errors import InputError

    try:
        return p.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", str(p)) from None


@ledger_app.command("usage")
def ledger_usage(
    path: LedgerArg,
    by: Annotated[str, typer.Option("--by", help="account, user, model, phase, state, partition, cluster, source "
                                                 "or month")] = "model",
    rules: RulesOpt = None,
    fleet: FleetOpt = None,
    format: Fmt = Format.table,
) -> None:
    """GPU-hours and their cost (at the fleet's rate per used GPU-hour) by account, user, model, phase or state."""
    with guard():
        from fullcost.actuals import allocate as al
        from fullcost.actuals import engine as eng
        from fullcost.actuals import usage as us
        from fullcost.errors import InputError

        if by not in us.USAGE_BY:
            raise InputError(f"--by: expected one of {', '.join(us.USAGE_BY)}, got '{by}'")
        with eng.open_ledger(path, read_only=True) as led:
            setup = al.resolve(led, rules, fleet)
            rows = us.collect(led, setup.rules, setup.fleet, by)
            out = us.report(rows, by, setup.fleet)
            warn = _rule_warnings(led, setup, rows) if by in ("model", "phase") else []
    if format is Format.json:
        emit_json(out)
    else:
        _table(f"Usage by {by}", ["key", "GPU-hours", "USD"],
               [[r["key"], _num(r["gpu_hours"]), _num(r["usd"])] for r in out["rows"]],
               ["total", _num(out["total"]["gpu_hours"]), _num(out["total"]["usd"])])
    for w in warn:
        print(f"warning: {w}", file=sys.stderr)


def _rule_warnings(led: Any, setup: Any, rows: list[Any]) -> list[str]:
    from fullcost.actuals import allocate as al
    from fullcost.actuals import focus as fo

    alloc = al.Allocation()
    for r in rows:
        if r.rule >= 0:
            alloc.rule_hits[r.rule] = 1
    return al.check_rules(alloc, setup.rules, fo.rule_hits(led, setup.rules))


@ledger_app.command("bills")
def ledger_bills(
    path: LedgerArg,
    by: Annotated[str, typer.Option("--by", help="a FOCUS column (ServiceCategory, SubAccountName, ...), "
                                                 "tags.KEY, or model/phase after the rules")] = "ServiceCategory",
    rules: RulesOpt = None,
    format: Fmt = Format.table,
) -> None:
    """Cloud bills (FOCUS): BilledCost and EffectiveCost by any column, or by model and phase after the rules."""
    with guard():
        from fullcost.actuals import allocate as al
        from fullcost.actuals import engine as eng
        from fullcost.actuals import focus as fo

        with eng.open_ledger(path, read_only=True) as led:
            setup = al.resolve(led, rules)
            out = fo.bills(led, by, setup.rules)
            warn: list[str] = []
            if by in ("model", "phase") and setup.rules.rules:
                hits = fo.rule_hits(led, setup.rules)
                bill_rules = setup.rules.for_source("focus")
                if bill_rules and not hits & {r.index for r in bill_rules}:
                    from fullcost.errors import InputError

                    first = bill_rules[0]
                    raise InputError(f"no rule matched any bill (rule {first.index + 1}: {first.describe()}); "
                                     "check the columns and values with `fullcost ledger bills --by COLUMN`",
                                     setup.rules.file, first.line)
                warn = [f"{setup.rules.file}:{r.line}: rule {r.index + 1} {r.describe()} matched no bill"
                        for r in bill_rules if r.index not in hits]
    if format is Format.json:
        emit_json(out)
    else:
        _table(f"Bills by {by}", ["key", "BilledCost", "EffectiveCost"],
               [[r["key"], _num(r["billed_cost"]), _num(r["effective_cost"])] for r in out["rows"]],
               ["total", _num(out["total"]["billed_cost"]), _num(out["total"]["effective_cost"])])
    for w in warn:
        print(f"warning: {w}", file=sys.stderr)


@ledger_app.command("costs")
def ledger_costs(path: LedgerArg, rules: RulesOpt = None, fleet: FleetOpt = None, staff: StaffOpt = None,
                 idle: IdleOpt = None, format: Fmt = Format.table) -> None:
    """Every model's full cost (owned GPUs, idle share, Kubernetes, cloud, staff), unattributed and the lab's
    own costs included; they add up to the fleet, the bills and the staff."""
    with guard():
        from fullcost.actuals import allocate as al
        from fullcost.actuals import engine as eng
        from fullcost.actuals import focus as fo

        with eng.open_ledger(path, read_only=True) as led:
            setup = al.resolve(led, rules, fleet, staff, idle)
            alloc = al.allocate(led, setup)
            warn = al.check_rules(alloc, setup.rules, fo.rule_hits(led, setup.rules))
        out = al.summary(alloc)
        out["warnings"] = out["warnings"] + warn
    if format is Format.json:
        emit_json(out)
        return
    _table(f"Costs by model (idle capacity: {setup.idle})", ["model", "GPU-hours", "USD"],
           [[r["model"], _num(r["gpu_hours"]), _num(r["usd"])] for r in out["rows"]],
           ["total", _num(out["total"]["gpu_hours"]), _num(out["total"]["usd"])])
    f = out["fleet"]
    if f["capacity_gpu_hours"]:
        print(f"fleet: {_num(f['capacity_gpu_hours'])} GPU-hours of capacity, {_num(f['used_gpu_hours'])} used, "
              f"{_num(f['idle_gpu_hours'])} idle; ${_num(f['usd'])}")
    if (line := al.energy_line(alloc)) is not None:
        print(line)
    for w in out["warnings"]:
        print(f"warning: {w}", file=sys.stderr)


@ledger_app.command("estimate")
def ledger_estimate(
    path: LedgerArg,
    model: Annotated[str, typer.Option("--model", "-m", help="the model (as the rules name it)")],
    rules: RulesOpt = None, fleet: FleetOpt = None, staff: StaffOpt = None, idle: IdleOpt = None,
    headline_rate: Annotated[float | None, typer.Option("--headline-rate", help="USD per GPU-hour for the "
                                                                                 "headline (default: the fleet's)")]
    = None,
    samples: Annotated[int, typer.Option("--samples", "-n", min=1, help="length of the sample arrays")] = 1,
    format: Fmt = Format.table,
) -> None:
    """A model's full cost from the ledger, in the shape of `fullcost estimate`: headline, items, bridge."""
    with guard():
        from fullcost.actuals import estimate as est

        out = est.to_json(est.run(path, model, samples=samples, rules=rules, fleet=fleet, staff=staff, idle=idle,
                                  headline_rate=headline_rate))
    if format is Format.json:
        emit_json(out)
    else:
        print_estimate(out)
    for w in out.get("warnings", []):
        print(f"warning: {w}", file=sys.stderr)


def print_estimate(out: dict[str, Any]) -> None:
    """The text view of an estimate from actuals (``fullcost estimate --ledger``): the headline, the GPU-hours by
    phase, then the same tables as an estimate (items, bridge, what the headline leaves out)."""
    from rich.console import Console
    from rich.markup import escape

    from fullcost import fmt
    from fullcost.report.text import _iceberg_tables

    c = Console()
    h, a = out["headline"], out["actuals"]
    c.print(f"[bold]{out['name']}[/bold]  (from the ledger {out['ledger']})")
    c.print(f"Headline: {fmt.usd(h['usd'])} = {fmt.num(h['gpu_hours'])} final-run GPU-hours x "
            f"${h['usd_per_gpu_hour']:g}/GPU-hour  " + escape(f"[{h['basis']}]"))
    c.print("GPU-hours by phase: " + ", ".join(f"{k} {fmt.num(v)}" for k, v in a["gpu_hours"].items()))
    if a["fleet"]:
        f = a["fleet"]
        c.print(f"Fleet: {fmt.num(f['capacity_gpu_hours'])} GPU-hours of capacity, {fmt.num(f['used_gpu_hours'])} "
                f"used, {fmt.num(f['idle_gpu_hours'])} idle (idle shared: {a['idle_policy']})")
    _iceberg_tables(out)


@ledger_app.command("imports")
def ledger_imports(path: LedgerArg, format: Fmt = Format.table) -> None:
    """The imports made into the ledger, with their counts."""
    with guard():
        from fullcost.actuals import engine as eng

        with eng.open_ledger(path, read_only=True) as led:
            t = led.table("imports")
            cols = list(t.columns)
            rows = [dict(zip(cols, r, strict=True)) for r in led.rows(t.order_by("import_id"))]
    for r in rows:
        r["at"] = r["at"].isoformat() if r["at"] is not None else None
    if format is Format.json:
        emit_json(rows)
        return
    _table("Imports", cols, [[str(r[c]) for c in cols] for r in rows], None)


def _table(title: str, head: list[str], rows: list[list[str]], total: list[str] | None) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title)
    for i, h in enumerate(head):
        t.add_column(h, justify="left" if i == 0 else "right")
    for r in rows:
        t.add_row(*r)
    if total:
        t.add_row(*[f"[bold]{x}[/bold]" for x in total])
    Console().print(t)


# ---- ingest ------------------------------------------------------------------------------------------------


def _ingest(ledger: Path, make: Any, strict: bool, format: Format) -> None:
    with guard():
        from fullcost.actuals import engine as eng
        from fullcost.actuals import importer

        with eng.open_ledger(ledger) as led:
            feed: Feed = make(led)
            report = importer.run(led, feed, strict)
    if format is Format.json:
        emit_json(report.to_json())
        return
    _print_report(report, str(ledger))


def _print_report(r: ImportReport, ledger: str) -> None:
    parts = [f"{r.inserted:,} new"]
    if r.updated:
        parts.append(f"{r.updated:,} updated (ended since the last import)")
    parts.append(f"{r.unchanged:,} already in the ledger")
    if r.duplicates:
        parts.append(f"{r.duplicates:,} repeated in the file (counted once)")
    if r.skipped:
        parts.append(f"{r.skipped:,} skipped")
    parts.append(f"{r.rejected:,} rejected")
    print(f"imported {r.file} into {ledger} ({r.kind}, import {r.import_id}): {r.rows:,} rows read; "
          + ", ".join(parts))
    for n in r.notes:
        print(f"  note: {n}")
    for x in r.rejects:
        print(f"rejected {x.text(r.file)}")
    if r.rejected > len(r.rejects):
        print(f"  ... and {r.rejected - len(r.rejects):,} more rejected rows")


@ingest_app.command("slurm")
def ingest_slurm(
    file: FileArg, ledger: LedgerOpt, strict: Strict = False,
    fields: Annotated[str | None, typer.Option("--fields", help="for a dump without header: its fields in order, "
                                                                "as given to `sacct --format`")] = None,
    cluster: Annotated[str, typer.Option("--cluster", help="cluster name when the dump has no Cluster field")]
    = "default",
    format: Fmt = Format.table,
) -> None:
    """Slurm accounting: `sacct --parsable2` output, with or without a header.

    Recommended: sacct --allusers --parsable2 --allocations --duplicates --format
    JobID,JobIDRaw,JobName,User,Account,Partition,QOS,Cluster,Submit,Start,End,Elapsed,ElapsedRaw,State,ExitCode,NNodes,NCPUS,NodeList,AllocTRES,ConsumedEnergyRaw
    """

    def make(led: Any) -> Feed:
        from fullcost.actuals import slurm

        return slurm.feed(led, file, fields, cluster)

    _ingest(ledger, make, strict, format)


@ingest_app.command("focus")
def ingest_focus(
    file: FileArg, ledger: LedgerOpt, strict: Strict = False,
    focus_version: Annotated[str | None, typer.Option("--focus-version", help="1.0, 1.1 or 1.2 (default: from "
                                                                              "the columns)")] = None,
    format: Fmt = Format.table,
) -> None:
    """Cloud bills: a FinOps FOCUS 1.0-1.2 export, CSV or Parquet."""

    def make(led: Any) -> Feed:
        from fullcost.actuals import focus

        return focus.feed(led, file, focus_version)

    _ingest(ledger, make, strict, format)


@ingest_app.command("codecarbon")
def ingest_codecarbon(file: FileArg, ledger: LedgerOpt, strict: Strict = False, format: Fmt = Format.table) -> None:
    """CodeCarbon's emissions.csv (v2 or v3): duration, energy, GPU power."""

    def make(led: Any) -> Feed:
        from fullcost.actuals import codecarbon

        return codecarbon.feed(led, file)

    _ingest(ledger, make, strict, format)


@ingest_app.command("opencost")
def ingest_opencost(file: FileArg, ledger: LedgerOpt, strict: Strict = False, format: Fmt = Format.table) -> None:
    """Kubernetes: an OpenCost allocation export (the API's JSON, or the CSV export)."""

    def make(led: Any) -> Feed:
        from fullcost.actuals import opencost

        return opencost.feed(led, file)

    _ingest(ledger, make, strict, format)


@ingest_app.command("tracker")
def ingest_tracker(file: FileArg, ledger: LedgerOpt, strict: Strict = False, format: Fmt = Format.table) -> None:
    """Run records written by `fullcost track` / `fullcost.track()`."""

    def make(led: Any) -> Feed:
        from fullcost.actuals import trackerfile

        return trackerfile.feed(led, file)

    _ingest(ledger, make, strict, format)


# ---- track -------------------------------------------------------------------------------------------------


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def track(
    ctx: typer.Context,
    model: Annotated[str, typer.Option("--model", "-m", help="the model this run is for")],
    phase: Annotated[str, typer.Option("--phase", "-p", help="final_run, experiments (ablation), validation, "
                                                             "related_model, inference, other")] = "experiments",
    gpus: Annotated[int | None, typer.Option("--gpus", help="GPUs used (default: NVML, CUDA_VISIBLE_DEVICES)")]
    = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="records file (default: $FULLCOST_TRACKER_FILE "
                                                                 "or fullcost-runs.jsonl)")] = None,
) -> None:
    """Run a command and record its model, phase, GPUs, time and GPU energy: fullcost track --model v4 -- CMD."""
    argv = [a for a in ctx.args if a != "--"] if ctx.args[:1] == ["--"] else list(ctx.args)
    with guard():
        from fullcost.errors import InputError
        from fullcost.tracker import run_command

        if not argv:
            raise InputError("give the command to run after --, e.g. fullcost track --model v4 -- python train.py")
        try:
            code = run_command(argv, model, phase, gpus, out)
        except ValueError as e:
            raise InputError(str(e)) from None
        except OSError as e:
            raise InputError(f"cannot run {argv[0]}: {e.strerror}") from None
    raise typer.Exit(code)
