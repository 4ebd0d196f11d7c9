"""`fullcost statements`, `fullcost export beancount` and `fullcost labs`: the books of a lab."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from fullcost.cli.app import app, emit_json, guard, write_atomic
from fullcost.cli.options import DEFAULT_SAMPLES, Fmt, OutFormat, Samples, Seed, Sets, emit

export_app = typer.Typer(no_args_is_help=True, help="Write a lab's books in another tool's format.")
app.add_typer(export_app, name="export")


class BooksFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Standard(StrEnum):
    us_gaap = "us-gaap"
    ifrs = "ifrs"


class Method(StrEnum):
    straight_line = "straight-line"
    sum_of_years_digits = "sum-of-years-digits"


class Presentation(StrEnum):
    function = "function"
    nature = "nature"


class Compute(StrEnum):
    owned = "owned"
    rented = "rented"


Lab = Annotated[str, typer.Argument(help="a catalog lab (NAME or NAME@VARIANT, see `fullcost labs`) or a lab file")]
PolicyOpt = Annotated[Standard, typer.Option("--policy", help="accounting standard: R&D expensed (us-gaap) or "
                                                              "development capitalized (ifrs)")]
LifeOpt = Annotated[float | None, typer.Option("--useful-life", help="depreciation life of every GPU purchase, "
                                                                     "in years (default: the scenario's)")]
MethodOpt = Annotated[Method | None, typer.Option("--depreciation", help="depreciation method "
                                                                         "(default: the scenario's)")]
ComputeOpt = Annotated[Compute, typer.Option("--compute", help="own the fleet (PP&E) or rent the same GPUs")]


def _policy(policy: Standard, life: float | None, method: Method | None, compute: Compute):  # type: ignore[no-untyped-def]
    from fullcost.books.policy import Policy
    from fullcost.errors import InputError

    if life is not None and not life > 0:
        raise InputError(f"--useful-life must be more than zero years, got {life:g}")
    dep = None if method is None else ("straight_line" if method is Method.straight_line else "sum_of_years_digits")
    return Policy(policy.value, dep, life, compute.value)  # type: ignore[arg-type]


@app.command()
def statements(
    lab: Lab,
    year: Annotated[int | None, typer.Option("--year", help="one year only")] = None,
    policy: PolicyOpt = Standard.us_gaap,
    format: Annotated[BooksFormat, typer.Option("--format", "-f", help="output format")] = BooksFormat.table,
    versus: Annotated[Standard | None, typer.Option("--versus", help="also show the difference from this "
                                                                     "policy, line by line")] = None,
    useful_life: LifeOpt = None,
    depreciation: MethodOpt = None,
    compute: ComputeOpt = Compute.owned,
    presentation: Annotated[Presentation, typer.Option(
        "--presentation", help="the income statement's expenses by function (cost of revenue, R&D and SG&A each "
                               "with its depreciation; EBITDA adds it back) or by nature (depreciation and "
                               "amortization as one line below EBITDA)")] = Presentation.function,
    samples: Samples = DEFAULT_SAMPLES,
    seed: Seed = 0,
    set: Sets = None,
) -> None:
    """A lab's income statement, adjusted EBITDA, balance sheet and cash flow, year by year."""
    with guard():
        from fullcost import api
        from fullcost.overrides import parse_all

        out = api.statements(lab, year, policy.value, versus.value if versus is not None else None, useful_life,
                             depreciation.value if depreciation is not None else None, compute.value,
                             parse_all(set or []), samples, seed, presentation.value).data
    if format is BooksFormat.json:
        emit_json(out)
    elif format is BooksFormat.csv:
        from fullcost.books.render import to_csv

        sys.stdout.write(to_csv(out))
    else:
        from fullcost.books.render import tables

        tables(out)
        for o in out.get("overrides") or []:
            print(f"with --set {o}")
    for w in out["warnings"]:
        print(f"warning: {w}", file=sys.stderr)


@export_app.command("beancount")
def export_beancount(
    lab: Lab,
    output: Annotated[Path, typer.Option("--output", "-o", help="the ledger file to write")],
    at: Annotated[str, typer.Option("--at", help="mean (every posting's mean) or a percentile of cumulative net "
                                                 "income (p5, p50, p95): one whole sample")] = "mean",
    policy: PolicyOpt = Standard.us_gaap,
    useful_life: LifeOpt = None,
    depreciation: MethodOpt = None,
    compute: ComputeOpt = Compute.owned,
    samples: Samples = DEFAULT_SAMPLES,
    seed: Seed = 0,
    set: Sets = None,
) -> None:
    """Write a lab's journal as a beancount ledger (check it with bean-check, browse it with Fava)."""
    with guard():
        from fullcost import api
        from fullcost.books.beancount import ledger, pick
        from fullcost.errors import InputError
        from fullcost.overrides import parse_all

        b = api.books(lab, policy.value, useful_life, depreciation.value if depreciation is not None else None,
                      compute.value, parse_all(set or []), samples, seed)
        doc = b.run.doc
        try:
            pick(b.journal, at)
        except ValueError as e:
            raise InputError(str(e), None, None, ("--at",)) from None
        write_atomic(output, ledger(b.journal, at, doc.lab.title).encode("utf-8"))
    print(f"wrote {output} ({len(b.journal.transactions)} transactions, {at})", file=sys.stderr)
    for w in b.journal.warnings:
        print(f"warning: {w}", file=sys.stderr)


@app.command()
def labs(schema: Annotated[bool, typer.Option("--schema", help="print the JSON Schema of lab files instead")] = False,
         format: Fmt = OutFormat.table) -> None:
    """The labs in the built-in catalog (for `fullcost statements`)."""
    if schema:
        from fullcost.books.lab import json_schema

        emit_json(json_schema())
        return
    with guard():
        from fullcost import api

        result = api.labs()
    if format is OutFormat.json:
        emit_json(result.data["labs"])
        return
    if emit(result, format):
        return
    from fullcost.report.text import table

    table("Labs", result.data["labs"])
