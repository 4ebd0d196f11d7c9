"""The Typer app and what every command shares: options, output, and the bad-input guard."""

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


def emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, allow_nan=False) + "\n")


Samples = Annotated[int, typer.Option("--samples", "-n", min=1, max=2_000_000,
                                           help="Monte Carlo samples (at most 2 million: ~1.5 GB)")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="random seed; the same seed gives the same numbers")]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="output format")]
