"""Options every view shares: ``--samples`` (one default everywhere, ``100K`` accepted), ``--seed``, ``--set``,
``--format table|json|csv``, ``--dollars``; and how a view's output is written in each format."""

from __future__ import annotations

import re
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

DEFAULT_SAMPLES = 10_000  # = fullcost.api.DEFAULT_SAMPLES (a test keeps them equal; importing it here is slow)
MAX_SAMPLES = 2_000_000


class OutFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def parse_samples(value: Any) -> int:
    """``10000``, ``10,000``, ``100K``, ``1M`` -> a whole number of samples (1 to 2 million)."""
    if isinstance(value, int):
        n = value
    else:
        m = re.fullmatch(r"\s*(\d+(?:[.,]\d+)*)\s*([kKmM]?)\s*", str(value))
        if not m:
            raise typer.BadParameter(f"'{value}' is not a sample count (e.g. 10000, 100K, 1M)")
        digits, suffix = m.groups()
        base = float(digits.replace(",", "")) if "," in digits else float(digits)
        n_f = base * {"": 1, "k": 1e3, "m": 1e6}[suffix.lower()]
        if not n_f <= MAX_SAMPLES:  # 401 digits read as infinity, which no integer holds
            raise typer.BadParameter(f"'{value[:40]}' is not between 1 and {MAX_SAMPLES:,} (2 million samples take "
                                     "~1.5 GB)")
        if n_f != int(n_f):
            raise typer.BadParameter(f"'{value}' is not a whole number of samples")
        n = int(n_f)
    if not 1 <= n <= MAX_SAMPLES:
        raise typer.BadParameter(f"{n:,} is not between 1 and {MAX_SAMPLES:,} (2 million samples take ~1.5 GB)")
    return n


Samples = Annotated[int, typer.Option("--samples", "-n", parser=parse_samples, metavar="N",
                                      help="Monte Carlo samples, e.g. 10000, 100K, 1M (at most 2 million)")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="random seed; the same seed gives the same numbers")]
Fmt = Annotated[OutFormat, typer.Option("--format", "-f", help="output format: table, json, or csv (long format: "
                                                               "model, view, item, statistic, value, unit, dollars)")]
Sets = Annotated[list[str] | None, typer.Option(
    "--set", metavar="PATH=VALUE",
    help="change one assumption (repeatable): a scenario path (final_run.usd_per_gpu_hour=2.5, "
         "'staff.roles[0].share=30% to 60%') or a catalog input (hardware.h800.tdp_w=700, "
         "regions.china.staff.researcher_salary_usd=300K)")]
ModelSets = Annotated[list[str] | None, typer.Option(
    "--set", metavar="[MODEL:]PATH=VALUE",
    help="change one assumption (repeatable), for every model or, as MODEL:PATH=VALUE, for one")]
Dollars = Annotated[str | None, typer.Option(
    "--dollars", metavar="YEAR",
    help="constant dollars of YEAR (its December) or of a month YYYY-MM, via the US PPI series PCU518210518210; "
         "default: nominal")]


def warn(warnings: list[str], prefix: str = "") -> None:
    for w in warnings:
        print(f"warning: {prefix}{w}", file=sys.stderr)


def emit(result: Any, format: OutFormat) -> bool:
    """Write ``result`` (a ``fullcost.results.Result``) as JSON or CSV; False when the format is a table."""
    if format is OutFormat.json:
        from fullcost.cli.app import emit_json

        emit_json(result.data)
        return True
    if format is OutFormat.csv:
        sys.stdout.write(result.to_csv())
        return True
    return False


def footer(result: Any) -> None:
    """Below a table: the overrides the run used."""
    for o in result.data.get("overrides") or []:
        print(f"with --set {o}")
