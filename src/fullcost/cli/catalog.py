"""`fullcost models`, `hardware`, `schema`, `fields`, `show` and `new`: the built-in catalog, and scenario files."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from fullcost.cli.app import app, emit_json, guard, write_atomic
from fullcost.cli.options import Fmt, OutFormat, Sets, emit


class ModelsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    wide_csv = "wide-csv"


@app.command()
def models(
    format: Annotated[ModelsFormat, typer.Option(
        "--format", "-f", help="output format: csv is the long format of every view; wide-csv one row per model")
    ] = ModelsFormat.table,
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
    if format is ModelsFormat.csv:  # the long format every view shares (model, view, item, statistic, ...)
        from fullcost import tidy

        sys.stdout.write(tidy.to_csv(tidy.listing_rows("models", flat, "name")))
        return
    if format is ModelsFormat.wide_csv:  # one row per model, one column per fact
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
def hardware(format: Fmt = OutFormat.table) -> None:
    """The accelerators in the built-in catalog, with peaks, power and prices."""
    with guard():
        from fullcost import api

        result = api.hardware()
    if format is OutFormat.json:
        emit_json(result.data["hardware"])
        return
    if emit(result, format):
        return
    from fullcost.report.text import table

    table("Hardware: dense peaks in TFLOP/s (TOP/s for INT8); all fields: --format json", result.data["hardware"],
          {"id": "id", "bf16_tflops": "BF16", "fp8_tflops": "FP8", "tf32_tflops": "TF32", "fp32_tflops": "FP32",
           "int8_tops": "INT8", "tdp_w": "TDP W", "memory_gb": "GB", "purchase_usd": "price $",
           "rental_usd_per_hour": "$/h"})


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files (point your editor's YAML support at it)."""
    from fullcost.scenario import json_schema

    emit_json(json_schema())


class FieldsFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


FieldsFmt = Annotated[FieldsFormat, typer.Option("--format", "-f", help="table, json or markdown (docs/scenario.md)")]


@app.command()
def fields(format: FieldsFmt = FieldsFormat.table) -> None:
    """Every field of a scenario file: its type, unit, default and an example."""
    from dataclasses import asdict

    from fullcost import reference as fmod

    if format is FieldsFormat.markdown:
        sys.stdout.write(fmod.markdown())
        return
    rows = [asdict(f) for f in fmod.fields()]
    if format is FieldsFormat.json:
        emit_json(rows)
        return
    from fullcost.report.text import table

    table("Scenario fields (docs/scenario.md has the same with the rules for extends and --set)", rows,
          {"path": "field", "type": "type", "default": "default", "example": "example"})


@app.command()
def show(
    scenario: Annotated[str, typer.Argument(help="a catalog model (NAME or NAME@VARIANT) or a scenario file")],
    set: Sets = None,
    inputs: Annotated[bool, typer.Option("--inputs", help="list the inputs a run draws instead: every name "
                                                          "--set takes, with its value and source")] = False,
) -> None:
    """Print a scenario as it resolves (extends, variant and --set applied), as YAML with its sources: a starting
    point to copy."""
    with guard():
        from fullcost import api
        from fullcost.overrides import parse_all

        doc = api.load(scenario, parse_all(set or []))
        if inputs:
            rows = _inputs(doc)
        else:
            text = _yaml(doc, scenario)
    if inputs:
        from fullcost.report.text import table

        table(f"Inputs of {doc.scenario.name} (each takes --set NAME=VALUE)", rows,
              {"name": "name", "value": "value", "source": "source"})
        return
    sys.stdout.write(text)


def _inputs(doc: Any) -> list[dict[str, Any]]:
    from fullcost import api

    est = api.run(doc, 200, 0)
    rows = []
    for name, d in est.ctx.used.items():
        src = d.source or ""
        rows.append({"name": name, "value": d.text or f"{d.central():g}", "source": src[:80]})
    return rows


def _yaml(doc: Any, ref: str) -> str:
    import datetime as dt

    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def date(dumper: yaml.SafeDumper, d: dt.date) -> yaml.Node:
        return dumper.represent_scalar("tag:yaml.org,2002:str", d.isoformat())

    Dumper.add_representer(dt.date, date)
    head = [f"# {doc.scenario.name}: {ref} as it resolves (file {Path(doc.file).name}"
            + (f", extends {doc.scenario.extends}" if doc.scenario.extends else "") + ").",
            "# Copy it as a starting point, or write a short file that starts `extends: " + ref + "` and changes "
            "only what differs.",
            "# Fields left out take their defaults (fullcost fields lists them; fullcost show NAME --inputs shows "
            "the values a run uses)."]
    for o in doc.overrides:
        head.append(f"# with --set {o}")
    body = yaml.dump(doc.data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(head) + "\n" + body


RENTED = """\
# A model trained on rented GPUs. Run it: fullcost estimate {file}
# A number may be a range ("250K to 350K" is a 90% interval) and carry its source:
#   usd_per_gpu_hour: {{value: $2.50, source: https://example.com/invoice, published: "$2.50 per GPU-hour"}}
# Every field: fullcost fields (or docs/scenario.md). To start from a catalog model instead: extends: deepseek-v3
name: {name}
released: 2025-06
model:
  params_total: 7B            # parameters (a mixture of experts: params_active, the ones used per token)
  tokens: 2T                  # pre-training tokens
final_run:
  hardware: h100-sxm          # an id from `fullcost hardware`
  gpus: 256
  gpu_hours: 250K to 350K     # or duration: 45 days
  usd_per_gpu_hour: $2.50     # what the provider charged
"""

OWNED = """\
# A model trained on GPUs the lab owns. Run it: fullcost estimate {file}
# A number may be a range ("30 to 45 days" is a 90% interval) and carry its source:
#   purchase_usd_per_gpu: {{value: $30K, source: https://example.com/po, published: "$240K per 8-GPU server"}}
# Every field: fullcost fields (or docs/scenario.md). To start from a catalog model instead: extends: deepseek-v3
name: {name}
released: 2025-06
region: us                    # pay, electricity and PUE come from the region (`fullcost show NAME --inputs`)
model:
  params_total: 70B
  tokens: 8T
final_run:
  hardware: h100-sxm
  gpus: 2048
  duration: 40 to 60 days     # wall-clock; GPU-hours = GPUs x duration
ownership:
  purchase_usd_per_gpu: $25K to $35K   # what the lab paid per GPU (the catalog's price if left out)
  acquired: 2024-09
staff:
  duration: 6 to 12 months
  roles:
    - role: research
      headcount: 40
      share: 30% to 80%       # of their time on this model
"""


@app.command()
def new(
    file: Annotated[Path, typer.Argument(help="the scenario file to write")],
    owned: Annotated[bool, typer.Option("--owned", help="the lab owns its GPUs (ownership, staff)")] = False,
    rented: Annotated[bool, typer.Option("--rented", help="a final run on rented GPUs (the default)")] = False,
    force: Annotated[bool, typer.Option("--force", help="replace the file if it exists")] = False,
) -> None:
    """Write a short, commented scenario template; a note at its end says which catalog defaults applied."""
    with guard():
        from fullcost import api
        from fullcost.errors import InputError

        if owned and rented:
            raise InputError("give --owned or --rented, not both")
        if file.exists() and not force:
            raise InputError(f"{file} exists: choose another name, or --force to replace it")
        if file.is_dir():
            raise InputError(f"{file} is a folder: give a file name")
        if not (file.parent if str(file.parent) else Path(".")).is_dir():
            raise InputError(f"cannot write {file}: the folder {file.parent} does not exist")
        name = "".join(c if c.isalnum() or c in "-_." else "-" for c in file.stem.lower()).strip("-.") or "my-model"
        if not name[0].isalnum():
            name = "m" + name
        text = (OWNED if owned else RENTED).format(file=file, name=name)
        from fullcost.resolve import from_data
        from fullcost.yamlio import loads

        data, pos = loads(text, str(file))
        doc = from_data(data, str(file), pos=pos)
        est = api.run(doc, 1000, 0)
        notes = [f"#   {k} = {d.text or f'{d.central():g}'}" for k, d in est.ctx.used.items()
                 if k.split(".")[0] in ("hardware", "regions", "defaults")]
        text += ("\n# Defaults that applied (from the catalog, each with its source: fullcost show "
                 f"{file} --inputs).\n# Change one with a field above, or in a `set:` section: "
                 "set: {defaults.useful_life_years: 5}\n" + "\n".join(notes) + "\n")
        write_atomic(file, text.encode("utf-8"))
    print(f"wrote {file}: fullcost estimate {file}", file=sys.stderr)
