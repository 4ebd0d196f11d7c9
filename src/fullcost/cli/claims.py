"""`fullcost claim`, `replicate`, `trend` and `premium`: check a claim, price a replication, project costs forward,
measure what export controls cost."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from fullcost.cli.app import Fmt, Format, Samples, Seed, app, emit_json, guard
from fullcost.errors import InputError


def _amount(option: str, text: str, dim: str = "usd") -> float:
    from fullcost.quantity import QuantityError, parse

    try:
        d = parse(text, dim)
    except QuantityError as e:
        raise InputError(f"{option}: {e}") from None
    if not d.is_point:
        raise InputError(f"{option}: give one figure, not a range ('{text}')")
    if d.central() <= 0:
        raise InputError(f"{option}: must be positive, got '{text}'")
    return d.central()


def _estimate(scenario: str, samples: int, seed: int):  # type: ignore[no-untyped-def]
    from fullcost import catalog, estimation

    return estimation.run(catalog.load_scenario(scenario), samples, seed)


@app.command()
def claim(
    scenario: Annotated[str, typer.Argument(help="a catalog model name or a scenario YAML file")],
    usd: Annotated[str, typer.Option("--usd", help="the claimed cost, e.g. 5.5M or $100M")],
    tolerance: Annotated[str, typer.Option(help="how close counts as a match")] = "25%",
    gpu_hours: Annotated[str | None, typer.Option("--gpu-hours", help="GPU-hours stated with the claim")] = None,
    flops: Annotated[str | None, typer.Option("--flops", help="training FLOPs stated with the claim")] = None,
    samples: Samples = 10_000,
    seed: Seed = 0,
    format: Fmt = Format.table,
) -> None:
    """Which cost a claimed figure describes, what it leaves out, and whether its GPU-hours are plausible."""
    with guard():
        from fullcost.analysis.claim import check

        amount = _amount("--usd", usd)
        tol = _amount("--tolerance", tolerance, "fraction")
        hours = _amount("--gpu-hours", gpu_hours, "hours") if gpu_hours else None
        fl = _amount("--flops", flops, "flop") if flops else None
        out = check(_estimate(scenario, samples, seed), amount, tol, hours, fl)
    for w in out["warnings"]:
        print(f"warning: {w}", file=sys.stderr)
    if format is Format.json:
        emit_json(out)
        return
    from fullcost.report.text import claim_table

    claim_table(out)


LEVELS = ("weights", "weights+code", "weights+code+data")


@app.command()
def replicate(
    scenario: Annotated[str, typer.Argument(help="a catalog model name or a scenario YAML file")],
    level: Annotated[str | None, typer.Option(help="show one openness level: " + ", ".join(LEVELS))] = None,
    samples: Samples = 10_000,
    seed: Seed = 0,
    format: Fmt = Format.table,
) -> None:
    """What a third party would spend to reproduce the model, by what was released."""
    with guard():
        from fullcost.analysis.replicate import public
        from fullcost.analysis.replicate import replicate as run_replicate

        if level is not None and level not in LEVELS:
            raise InputError(f"--level: no openness level '{level}' (expected one of: {', '.join(LEVELS)})")
        out = public(run_replicate(_estimate(scenario, samples, seed)))
        if level is not None:
            out["levels"] = [lv for lv in out["levels"] if lv["openness"] == level]
    if format is Format.json:
        emit_json(out)
        return
    from fullcost.report.text import replicate_table

    replicate_table(out)


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
    samples: Samples = 10_000,
    seed: Seed = 0,
    format: Fmt = Format.table,
) -> None:
    """The development cost of a model of the same capability, year by year, and when it falls below a figure."""
    with guard():
        from fullcost.analysis.trend import Rates
        from fullcost.analysis.trend import trend as run_trend

        for name, v in (("--hardware-oom", hardware_oom), ("--algorithmic-oom", algorithmic_oom),
                        ("--other-oom", other_oom)):
            if v is not None and v < 0:
                raise InputError(f"{name}: a rate of progress cannot be negative, got {v:g}")
        threshold = _amount("--below", below)
        out = run_trend(_estimate(scenario, samples, seed), threshold, until,
                        Rates(hardware_oom, algorithmic_oom, other_oom))
    if format is Format.json:
        emit_json(out)
        return
    from fullcost.report.text import trend_table

    trend_table(out)


@app.command()
def premium(
    scenario: Annotated[str, typer.Argument(help="a catalog model name or a scenario YAML file with an "
                                                 "'unrestricted' variant")],
    samples: Samples = 10_000,
    seed: Seed = 0,
    format: Fmt = Format.table,
) -> None:
    """What working under chip export controls added to the cost: the scenario against its 'unrestricted'
    variant, sample by sample."""
    with guard():
        from fullcost import catalog, estimation
        from fullcost.analysis.premium import counterfactual
        from fullcost.analysis.premium import premium as run_premium

        doc = catalog.load_scenario(scenario)
        cf = counterfactual(doc)
        if cf.doc is None:
            raise InputError(f"no export-control premium for {doc.scenario.name}: {cf.reason}")
        out = run_premium(estimation.run(doc, samples, seed), estimation.run(cf.doc, samples, seed))
    if format is Format.json:
        emit_json(out)
        return
    from fullcost.report.text import premium_table

    premium_table(out)
