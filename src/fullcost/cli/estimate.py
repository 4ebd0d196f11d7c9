"""`fullcost estimate` and `fullcost compare`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from fullcost.cli.app import app, emit_json, guard
from fullcost.cli.options import (
    DEFAULT_SAMPLES,
    Fmt,
    ModelSets,
    OutFormat,
    Samples,
    Seed,
    Sets,
    emit,
    warn,
)
from fullcost.cli.options import Dollars as Dollars  # the shared --dollars option (cli.frontier imports it here)

HEAVY = 250_000  # samples x models above which a terminal gets a spinner (about a second of work)


@contextlib.contextmanager
def working(what: str, heavy: bool) -> Iterator[None]:
    """A spinner on stderr for long work, shown on a terminal only."""
    if not heavy:
        yield
        return
    from rich.console import Console

    console = Console(stderr=True)
    if not console.is_terminal:
        yield
        return
    with console.status(what):
        yield


@app.command()
def estimate(
    scenario: Annotated[str | None, typer.Argument(help="a catalog model name or a scenario YAML file")] = None,
    ledger: Annotated[Path | None, typer.Option("--ledger", help="a lab ledger: the cost from its own records")] = None,
    model: Annotated[str | None, typer.Option("--model", help="with --ledger: the model as the rules name it")] = None,
    samples: Samples = DEFAULT_SAMPLES,
    seed: Seed = 0,
    set: Sets = None,
    dollars: Dollars = None,
    items: Annotated[bool, typer.Option("--items", help="list every cost item (the table shows categories)")] = False,
    format: Fmt = OutFormat.table,
) -> None:
    """The cost of a model: the headline, the final run three ways, the development cost and the lab's year.

    With --ledger and --model: the same views from a lab's own records (see `fullcost ingest`)."""
    if ledger is not None:
        _from_ledger(ledger, model, scenario, format)
        return
    with guard():
        from fullcost import api
        from fullcost.errors import InputError
        from fullcost.overrides import parse_all

        if scenario is None:
            raise InputError("give a catalog model name or a scenario file (or --ledger PATH --model NAME)")
        overrides = parse_all(set or [])
        with working(f"estimating {scenario} ({samples:,} samples)", samples >= HEAVY):
            result = api.estimate(scenario, overrides, samples, seed, dollars)
    warn(result.warnings)
    if emit(result, format):
        return
    from fullcost.report.text import estimate_table

    estimate_table(result.data, items=items, command=_reproduce("estimate", [scenario], samples, seed, set, dollars))


def _reproduce(command: str, names: list[str], samples: int, seed: int, sets: list[str] | None,
               dollars: int | str | None) -> str:
    """The command line that gives the same numbers."""
    import shlex

    parts = ["fullcost", command, *names, "--samples", str(samples), "--seed", str(seed)]
    for s in sets or []:
        parts += ["--set", s]
    if dollars is not None:
        parts += ["--dollars", str(dollars)]
    return " ".join(shlex.quote(p) for p in parts)


def _from_ledger(ledger: Path, model: str | None, scenario: str | None, format: OutFormat) -> None:
    from fullcost.cli.actuals import actuals_guard  # (a missing engine library is one line too)

    with actuals_guard():
        from fullcost.actuals import estimate as act
        from fullcost.errors import InputError

        if model is None:
            raise InputError("--ledger needs --model (the model as the rules name it)")
        if scenario is not None:
            raise InputError(f"give a scenario ('{scenario}') or --ledger, not both")
        out = act.to_json(act.run(ledger, model))  # records are facts: one sample (--samples is ignored)
    if format is OutFormat.json:
        emit_json(out)
        return
    if format is OutFormat.csv:
        from fullcost.results import Result

        sys.stdout.write(Result(out).to_csv())
        return
    from fullcost.cli.actuals import print_estimate

    print_estimate(out)
    for w in out.get("warnings", []):
        print(f"warning: {w}", file=sys.stderr)


@app.command()
def compare(
    scenarios: Annotated[list[str], typer.Argument(help="two or more catalog names (NAME or NAME@VARIANT) or files")],
    samples: Samples = DEFAULT_SAMPLES,
    seed: Seed = 0,
    set: ModelSets = None,
    dollars: Dollars = None,
    format: Fmt = OutFormat.table,
) -> None:
    """The same figures for several models side by side."""
    with guard():
        from fullcost import api
        from fullcost.overrides import parse_all

        if len(scenarios) < 2:
            from fullcost.errors import InputError

            raise InputError(f"compare needs two or more models (for one: fullcost estimate {scenarios[0]})")
        overrides = parse_all(set or [], scenarios)
        with working(f"estimating {len(scenarios)} models", samples * len(scenarios) >= HEAVY):
            result = api.compare(scenarios, overrides, samples, seed, dollars)
    for m in result.models:
        warn(m.warnings, f"{m.name}: ")
    if emit(result, format):
        return
    from fullcost.report.text import compare_table

    compare_table(result.data["models"])
