"""`fullcost estimate` and `fullcost compare`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from fullcost.cli.app import Fmt, Format, Samples, Seed, app, emit_json, guard

Dollars = Annotated[str | None, typer.Option(
    "--dollars", metavar="YEAR", help="constant dollars of YEAR (its December, as Epoch AI) or of a month YYYY-MM, "
                                      "via the US PPI series PCU518210518210; default: nominal")]


@app.command()
def estimate(
    scenario: Annotated[str | None, typer.Argument(help="a catalog model name or a scenario YAML file")] = None,
    ledger: Annotated[Path | None, typer.Option("--ledger", help="a lab ledger: the cost from its own records")] = None,
    model: Annotated[str | None, typer.Option("--model", help="with --ledger: the model as the rules name it")] = None,
    samples: Samples = 10_000,
    seed: Seed = 0,
    format: Fmt = Format.table,
    dollars: Dollars = None,
) -> None:
    """The cost of a model: the headline, the final run three ways, the development cost and the lab's year.

    With --ledger and --model: the same views from a lab's own records (see `fullcost ingest`)."""
    if ledger is not None:
        _from_ledger(ledger, model, scenario, format)
        return
    with guard():
        from fullcost.errors import InputError

        if scenario is None:
            raise InputError("give a catalog model name or a scenario file (or --ledger PATH --model NAME)")
        from fullcost import catalog
        from fullcost import estimation as est_mod

        doc = catalog.load_scenario(scenario)
        out = est_mod.to_json(est_mod.run(doc, samples, seed, dollars))
    if format is Format.json:
        emit_json(out)
        return
    from fullcost.report.text import estimate_table

    estimate_table(out)
    for w in out.get("warnings", []):
        print(f"warning: {w}", file=sys.stderr)


def _from_ledger(ledger: Path, model: str | None, scenario: str | None, format: Format) -> None:
    with guard():
        from fullcost.actuals import estimate as act
        from fullcost.errors import InputError

        if model is None:
            raise InputError("--ledger needs --model (the model as the rules name it)")
        if scenario is not None:
            raise InputError(f"give a scenario ('{scenario}') or --ledger, not both")
        out = act.to_json(act.run(ledger, model))  # records are facts: one sample (--samples is ignored)
    if format is Format.json:
        emit_json(out)
        return
    from fullcost.cli.actuals import print_estimate

    print_estimate(out)
    for w in out.get("warnings", []):
        print(f"warning: {w}", file=sys.stderr)


@app.command()
def compare(
    scenarios: Annotated[list[str], typer.Argument(help="two or more catalog names (NAME or NAME@VARIANT) or files")],
    samples: Samples = 10_000,
    seed: Seed = 0,
    format: Fmt = Format.table,
    dollars: Dollars = None,
) -> None:
    """The same figures for several models side by side."""
    with guard():
        from fullcost import catalog
        from fullcost import estimation as est_mod

        outs = [est_mod.to_json(est_mod.run(catalog.load_scenario(s), samples, seed, dollars)) for s in scenarios]
    if format is Format.json:
        emit_json({"samples": samples, "seed": seed, "models": outs})
        return
    from fullcost.report.text import compare_table

    compare_table(outs)
