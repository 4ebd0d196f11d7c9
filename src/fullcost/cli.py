"""The ``fullcost`` command line. It parses arguments, calls the core and formats: no arithmetic here."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="The true cost of building an AI model: from the headline to the all-in figure.")


class Format(StrEnum):
    table = "table"
    json = "json"


@contextmanager
def guard() -> Iterator[None]:
    """Bad input: one line on stderr, exit code 2, never a traceback."""
    from fullcost.errors import InputError

    try:
        yield
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        raise typer.Exit(2) from None


def _emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, allow_nan=False) + "\n")


Samples = Annotated[int, typer.Option("--samples", "-n", min=1, max=10_000_000, help="Monte Carlo samples")]
Seed = Annotated[int, typer.Option("--seed", help="random seed; the same seed gives the same numbers")]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="output format")]


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
        _emit_json(out)
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
        _emit_json({"samples": samples, "seed": seed, "models": outs})
        return
    from fullcost.report.text import compare_table

    compare_table(outs)


@app.command()
def models(format: Fmt = Format.table) -> None:
    """The models in the built-in catalog."""
    with guard():
        from fullcost.report.listing import model_rows

        rows = model_rows()
    if format is Format.json:
        _emit_json(rows)
        return
    from fullcost.report.text import table

    table("Models", rows)


@app.command()
def hardware(format: Fmt = Format.table) -> None:
    """The accelerators in the built-in catalog, with peaks, power and prices."""
    with guard():
        from fullcost.report.listing import hardware_rows

        rows = hardware_rows()
    if format is Format.json:
        _emit_json(rows)
        return
    from fullcost.report.text import table

    table("Hardware", rows)


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (point your editor's YAML support at it)."""
    from fullcost.scenario import json_schema

    _emit_json(json_schema())


def main() -> None:
    app()


if __name__ == "__main__":
    main()
