"""`fullcost models`, `fullcost hardware`, `fullcost schema`: the built-in catalog."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from fullcost.cli.app import Fmt, Format, app, emit_json, guard


class ModelsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command()
def models(
    format: Annotated[ModelsFormat, typer.Option("--format", "-f", help="output format")] = ModelsFormat.table,
    org: Annotated[str | None, typer.Option("--org", help="only models whose developer contains this text")] = None,
    from_year: Annotated[int | None, typer.Option("--from", min=1900, max=2200,
                                                  help="only models released in this year or later")] = None,
    frontier: Annotated[bool, typer.Option("--frontier", help="only Epoch AI's frontier models (see --top)")] = False,
    top: Annotated[int, typer.Option("--top", min=1, max=20,
                                     help="with --frontier: among the N largest by compute when published")] = 10,
) -> None:
    """The models in the built-in catalog, with their sourced facts (every fact in --format json)."""
    with guard():
        from fullcost.report.listing import model_rows, model_table_rows

        rows = model_rows(org=org, since=from_year, top=top if frontier else None)
    if format is ModelsFormat.json:
        emit_json(rows)
        return
    flat = model_table_rows(rows)
    if format is ModelsFormat.csv:
        from fullcost.report.listing import write_csv

        write_csv(flat, sys.stdout)
        return
    from fullcost.report.listing import plain_table

    what = f"{len(rows)} models" + (f", top {top} frontier" if frontier else "")
    plain_table(f"Models ({what}; every fact with its source: --format json)", flat,
                {"name": "name", "developer": "developer", "released": "released", "params": "params",
                 "compute_flop": "compute (FLOP)", "hardware": "hardware", "frontier_rank": "top-n",
                 "openness": "openness"}, sys.stdout)


@app.command()
def hardware(format: Fmt = Format.table) -> None:
    """The accelerators in the built-in catalog, with peaks, power and prices."""
    with guard():
        from fullcost.report.listing import hardware_rows

        rows = hardware_rows()
    if format is Format.json:
        emit_json(rows)
        return
    from fullcost.report.text import table

    table("Hardware: dense peaks in TFLOP/s (TOP/s for INT8); all fields: --format json", rows,
          {"id": "id", "bf16_tflops": "BF16", "fp8_tflops": "FP8", "tf32_tflops": "TF32", "fp32_tflops": "FP32",
           "int8_tops": "INT8", "tdp_w": "TDP W", "memory_gb": "GB", "purchase_usd": "price $",
           "rental_usd_per_hour": "$/h"})


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (point your editor's YAML support at it)."""
    from fullcost.scenario import json_schema

    emit_json(json_schema())
