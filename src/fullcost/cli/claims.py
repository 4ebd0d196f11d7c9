"""`fullcost claim`, `replicate`, `trend` and `premium`: check a claim, price a replication, project costs forward,
measure what export controls cost."""

from __future__ import annotations

from typing import Annotated

import typer

from fullcost.cli.app import app, guard
from fullcost.cli.options import DEFAULT_SAMPLES, Dollars, Fmt, OutFormat, Samples, Seed, Sets, emit, footer, warn


def _amount(option: str, text: str, dim: str = "usd") -> float:
    from fullcost.api import amount

    return amount(option, text, dim)


@app.command()
def claim(
    scenario: Annotated[str, typer.Argument(help="a catalog model name or a scenario YAML file")],
    usd: Annotated[str, typer.Option("--usd", help="the claimed cost, e.g. 5.5M or $100M")],
    tolerance: Annotated[str, typer.Option(help="how close counts as a match")] = "25%",
    gpu_hours: Annotated[str | None, typer.Option("--gpu-hours", help="GPU-hours stated with the claim")] = None,
    flops: Annotated[str | None, typer.Option("--flops", help="training FLOPs stated with the claim")] = None,
    samples: Samples = DEFAULT_SAMPLES,
    seed: Seed = 0,
    set: Sets = None,
    dollars: Dollars = None,
    format: Fmt = OutFormat.table,
) -> None:
    """Which cost a claimed figure describes, what it leaves out, and whether its GPU-hours are plausible."""
    with guard():
        from fullcost import api

        result = api.claim(scenario, usd, tolerance, gpu_hours, flops, _sets(set), samples, seed, dollars)
    warn(result.data["warnings"])
    if emit(result, format):
        return
    from fullcost.report.text import claim_table

    claim_table(result.data)
    footer(result)


def _sets(items: list[str] | None):  # type: ignore[no-untyped-def]
    from fullcost.overrides import parse_all

    return parse_all(items or [])


LEVELS = ("weights", "weights+code", "weights+code+data")


@app.command()
def replicate(
    scenario: Annotated[str, typer.Argument(help="a catalog model name or a scenario YAML file")],
    level: Annotated[str | None, typer.Option(help="show one openness level: " + ", ".join(LEVELS))] = None,
    samples: Samples = DEFAULT_SAMPLES,
    seed: Seed = 0,
    set: Sets = None,
    dollars: Dollars = None,
    format: Fmt = OutFormat.table,
) -> None:
    """What a third party would spend to reproduce the model, by what was released."""
    with guard():
        from fullcost import api

        result = api.replicate(scenario, level, _sets(set), samples, seed, dollars)
    if emit(result, format):
        return
    from fullcost.report.text import replicate_table

    replicate_table(result.data)
    footer(result)


@app.command()
def trend(
    scenario: Annotated[str, typer.Argument(help="a catalog model name or a scenario YAML file")],
    until: Annotated[int | None, typer.Option(help="last year to project (default: ten years on)")] = None,
    below: Annotated[str, typer.Option(help="the threshold to cross, e.g. 10M")] = "10M",
    hardware_oom: Annotated[float | None, typer.Option(
        "--hardware-oom",
        help="hardware price-performance, orders of magnitude a year (default 0.14, Epoch AI)")] = None,
    algorithmic_oom: Annotated[float | None, typer.Option(
        "--algorithmic-oom", help="algorithmic efficiency, orders of magnitude a year (default: halving every "
                                  "5 to 14 months, Ho et al. 2024)")] = None,
    other_oom: Annotated[float, typer.Option(
        "--other-oom", help="assumed decline of staff, data and overhead, orders of magnitude a year")] = 0.0,
    samples: Samples = DEFAULT_SAMPLES,
    seed: Seed = 0,
    set: Sets = None,
    dollars: Dollars = None,
    format: Fmt = OutFormat.table,
) -> None:
    """The development cost of a model of the same capability, year by year, and when it falls below a figure."""
    with guard():
        from fullcost import api

        result = api.trend(scenario, below, until, hardware_oom, algorithmic_oom, other_oom, _sets(set), samples, seed,
                           dollars)
    if emit(result, format):
        return
    from fullcost.report.text import trend_table

    trend_table(result.data)
    footer(result)


@app.command()
def premium(
    scenario: Annotated[str, typer.Argument(help="a catalog model name or a scenario YAML file with an "
                                                 "'unrestricted' variant")],
    samples: Samples = DEFAULT_SAMPLES,
    seed: Seed = 0,
    set: Sets = None,
    dollars: Dollars = None,
    format: Fmt = OutFormat.table,
) -> None:
    """What working under chip export controls added to the cost: the scenario against its 'unrestricted'
    variant, sample by sample."""
    with guard():
        from fullcost import api

        result = api.premium(scenario, _sets(set), samples, seed, dollars)
    if emit(result, format):
        return
    from fullcost.report.text import premium_table

    premium_table(result.data)
    footer(result)
