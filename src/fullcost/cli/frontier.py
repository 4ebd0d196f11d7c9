"""`fullcost frontier`: the headline, amortized final run and development cost of every frontier model over time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fullcost.cli.app import Fmt, Format, Seed, app, emit_json, guard, write_atomic
from fullcost.cli.estimate import Dollars


@app.command()
def frontier(
    from_year: Annotated[int | None, typer.Option("--from", min=1900, max=2200,
                                                  help="only models published in this year or later")] = None,
    dollars: Dollars = None,
    top: Annotated[int, typer.Option("--top", min=1, max=20, help="Epoch AI's top-n frontier selection")] = 10,
    samples: Annotated[int, typer.Option("--samples", "-n", min=100, max=100_000,
                                         help="Monte Carlo samples per model")] = 1000,
    seed: Seed = 0,
    format: Fmt = Format.table,
    html: Annotated[Path | None, typer.Option("--html", "-o", help="also write the section as an HTML page")] = None,
    figures: Annotated[Path | None, typer.Option("--figures", help="write the chart as SVG and PNG here")] = None,
) -> None:
    """Every frontier model's headline, amortized final run and development cost over time, with the fitted growth
    rate of each (Epoch AI reports ~2.4x a year for amortized hardware + energy) and the all-in figure over the
    headline."""
    with guard():
        from fullcost.analysis.frontier import frontier as run_frontier

        year: int | str | None = int(dollars) if dollars is not None and dollars.isdigit() else dollars
        out = run_frontier(top=top, since=from_year, dollars=year, samples=samples, seed=seed)
        if not out["models"]:
            from fullcost.errors import InputError

            raise InputError(f"no frontier model (top {top}) was published in {from_year} or later")
        if html is not None or figures is not None:
            from fullcost.report.frontier import write_figures, write_page

            if html is not None:
                write_atomic(html, write_page(out).encode())
            if figures is not None:
                write_figures(out, figures)
    if format is Format.json:
        emit_json(out)
        return
    from fullcost.report.frontier import frontier_table

    frontier_table(out)
