"""The ``fullcost`` command line. It parses arguments, calls the core and formats: no arithmetic here.

Each module of this package adds its commands to the one Typer ``app``.
"""

from fullcost.cli import (  # noqa: F401  (each module registers its commands)
    actuals,
    catalog,
    claims,
    estimate,
    frontier,
    report,
    serve,
    statements,
)
from fullcost.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    import sys

    for stream in (sys.stdout, sys.stderr):  # a terminal that cannot show "×" or "–" gets "?", not a traceback
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    app()
