"""`fullcost models`, `fullcost hardware`, `fullcost schema`: the built-in catalog."""

from __future__ import annotations

from fullcost.cli.app import Fmt, Format, app, emit_json, guard


@app.command()
def models(format: Fmt = Format.table) -> None:
    """The models in the built-in catalog."""
    with guard():
        from fullcost.report.listing import model_rows

        rows = model_rows()
    if format is Format.json:
        emit_json(rows)
        return
    from fullcost.report.text import table

    table("Models (all fields: --format json)", rows,
          {"name": "name", "developer": "developer", "released": "released", "params_active": "active params",
           "tokens": "tokens", "hardware": "hardware"})


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
