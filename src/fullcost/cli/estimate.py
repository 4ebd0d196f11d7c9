"""`fullcost estimate` and `fullcost compare`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from fullcost.cli.app import Fmt, Format, Samples, Seed, app, emit_json, guard


@app.command()
def estimate(
    scenario: Annotated[str, typer.Argument(help="a catalog model name or a scenario YAML file")],
    samples: Samples = 10_000,
    seed: Seed = 0,
    format: Fmt = Format.table,
) -> None:
    """The cost of a model: the headline and the final run three ways."""
    with guard():
        from fullcost import catalog
        from fullcost import estimate as est_mod

        doc = catalog.load_scenario(scenario)
        out = est_mod.to_json(est_mod.run(doc, samples, seed))
    if format is Format.json:
        emit_json(out)
        return
    from fullcost.report.text import estimate_table

    estimate_table(out)
    for w in out.get("warnings", []):
        print(f"warning: {w}", file=sys.stderr)


@app.command()
def compare(
    scenarios: Annotated[list[str], typer.Argument(help="two or more catalog names (NAME or NAME@VARIANT) or files")],
    samples: Samples = 10_000,
    seed: Seed = 0,
    format: Fmt = Format.table,
) -> None:
    """The same figures for several models side by side."""
    with guard():
        from fullcost import catalog
        from fullcost import estimate as est_mod

        outs = [est_mod.to_json(est_mod.run(catalog.load_scenario(s), samples, seed)) for s in scenarios]
    if format is Format.json:
        emit_json({"samples": samples, "seed": seed, "models": outs})
        return
    from fullcost.report.text import compare_table

    compare_table(outs)
