"""`fullcost ingest SOURCE FILE --ledger L` and `fullcost track ... -- CMD`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fullcost.cli.actuals import actuals_guard, cell, ingest_app
from fullcost.cli.app import Fmt, Format, app, emit_json

if TYPE_CHECKING:
    from fullcost.actuals.importer import Feed, ImportReport

LedgerOpt = Annotated[Path, typer.Option("--ledger", "-l", help="the ledger to import into")]
FileArg = Annotated[Path, typer.Argument(help="the file to import")]
Strict = Annotated[bool, typer.Option("--strict", help="stop at the first bad row and import nothing")]
Wait = Annotated[float, typer.Option("--wait", min=0, max=86_400, help="seconds to wait while another import "
                                                                       "writes to the ledger (default: none)")]


def _ingest(ledger: Path, make: Any, strict: bool, format: Format, wait: float) -> None:
    with actuals_guard():
        from fullcost.actuals import engine as eng
        from fullcost.actuals import importer

        with eng.open_ledger(ledger, wait=wait) as led:
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
    wait: Wait = 0.0, format: Fmt = Format.table,
) -> None:
    """Slurm accounting: `sacct --parsable2` output, with or without a header.

    Recommended: sacct --allusers --parsable2 --allocations --duplicates --format
    JobID,JobIDRaw,JobName,User,Account,Partition,QOS,Cluster,Submit,Start,End,Elapsed,ElapsedRaw,State,ExitCode,NNodes,NCPUS,NodeList,AllocTRES,ConsumedEnergyRaw
    """

    def make(led: Any) -> Feed:
        from fullcost.actuals import slurm
        from fullcost.errors import InputError

        if not cluster.strip() or len(cluster) > 200 or not cluster.isprintable():
            raise InputError(f"--cluster: expected a cluster name (printable, up to 200 characters), got "
                             f"{cell(cluster)!r}")
        return slurm.feed(led, file, fields, cluster)

    _ingest(ledger, make, strict, format, wait)


@ingest_app.command("focus")
def ingest_focus(
    file: FileArg, ledger: LedgerOpt, strict: Strict = False,
    focus_version: Annotated[str | None, typer.Option("--focus-version", help="1.0, 1.1 or 1.2 (default: from "
                                                                              "the columns)")] = None,
    wait: Wait = 0.0, format: Fmt = Format.table,
) -> None:
    """Cloud bills: a FinOps FOCUS 1.0-1.2 export, CSV or Parquet."""

    def make(led: Any) -> Feed:
        from fullcost.actuals import focus

        return focus.feed(led, file, focus_version)

    _ingest(ledger, make, strict, format, wait)


@ingest_app.command("codecarbon")
def ingest_codecarbon(file: FileArg, ledger: LedgerOpt, strict: Strict = False, wait: Wait = 0.0,
                      format: Fmt = Format.table) -> None:
    """CodeCarbon's emissions.csv (2020 to v3): duration, energy, GPU power and count."""

    def make(led: Any) -> Feed:
        from fullcost.actuals import codecarbon

        return codecarbon.feed(led, file)

    _ingest(ledger, make, strict, format, wait)


@ingest_app.command("opencost")
def ingest_opencost(file: FileArg, ledger: LedgerOpt, strict: Strict = False, wait: Wait = 0.0,
                    format: Fmt = Format.table) -> None:
    """Kubernetes: an OpenCost allocation export (the API's JSON, or the CSV export)."""

    def make(led: Any) -> Feed:
        from fullcost.actuals import opencost

        return opencost.feed(led, file)

    _ingest(ledger, make, strict, format, wait)


@ingest_app.command("tracker")
def ingest_tracker(file: FileArg, ledger: LedgerOpt, strict: Strict = False, wait: Wait = 0.0,
                   format: Fmt = Format.table) -> None:
    """Run records written by `fullcost track` / `fullcost.track()`."""

    def make(led: Any) -> Feed:
        from fullcost.actuals import trackerfile

        return trackerfile.feed(led, file)

    _ingest(ledger, make, strict, format, wait)


# ---- track -------------------------------------------------------------------------------------------------


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def track(
    ctx: typer.Context,
    model: Annotated[str, typer.Option("--model", "-m", help="the model this run is for")],
    phase: Annotated[str, typer.Option("--phase", "-p", help="final_run, experiments (ablation), validation, "
                                                             "related_model, inference, other")] = "experiments",
    gpus: Annotated[int | None, typer.Option("--gpus", min=0, max=1_000_000,
                                             help="GPUs used (default: NVML, CUDA_VISIBLE_DEVICES)")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="records file (default: $FULLCOST_TRACKER_FILE "
                                                                 "or fullcost-runs.jsonl)")] = None,
) -> None:
    """Run a command and record its model, phase, GPUs, time and GPU energy: fullcost track --model v4 -- CMD.

    The command runs even where its record cannot be written; that failure is then one line on stderr and exit
    status 2 (or the command's own status, where it failed)."""
    argv = [a for a in ctx.args if a != "--"] if ctx.args[:1] == ["--"] else list(ctx.args)
    with actuals_guard():
        from fullcost.errors import InputError
        from fullcost.tracker import run_command

        if not argv:
            raise InputError("give the command to run after --, e.g. fullcost track --model v4 -- python train.py")
        try:
            code, failure = run_command(argv, model, phase, gpus, out)
        except ValueError as e:
            raise InputError(str(e)) from None
        except OSError as e:
            raise InputError(f"cannot run {cell(argv[0])}: {e.strerror}") from None
    if failure is not None:
        print(f"error: {failure}", file=sys.stderr)
        raise typer.Exit(code or 2)
    raise typer.Exit(code)
