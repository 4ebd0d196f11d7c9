"""The Typer app and what every command shares: options, output, and the bad-input guard."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core


class OneLineGroup(typer.core.TyperGroup):
    """A bad option or argument gets one line on stderr (and exit code 2), not a usage box."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        try:  # typer >= 0.26 carries its own copy of click
            from typer._click import exceptions as cx
        except ImportError:  # pragma: no cover
            from click import exceptions as cx  # type: ignore[no-redef]

        prog_name = prog_name or "fullcost"  # also under `python -m fullcost.cli`
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except cx.NoArgsIsHelpError as e:
            e.show()
            sys.exit(e.exit_code)
        except cx.ClickException as e:
            where = ""
            ctx = getattr(e, "ctx", None)
            if ctx is not None and ctx.command_path:
                where = f"{ctx.command_path}: "
            msg = " ".join(e.format_message().split())
            hint = f" (see `{ctx.command_path} --help`)" if isinstance(e, cx.UsageError) and ctx is not None else ""
            print(f"error: {where}{msg}{hint}", file=sys.stderr)
            sys.exit(e.exit_code)
        except typer.Abort:
            print("Aborted.", file=sys.stderr)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(cls=OneLineGroup, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="The true cost of building an AI model: from the headline to the all-in figure.")


def _version(value: bool) -> None:
    if value:
        from fullcost import __version__

        print(f"fullcost {__version__}")
        raise typer.Exit()


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="print the version and exit")] = False) -> None:
    """The true cost of building an AI model: from the headline to the all-in figure."""


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
    """Print JSON; a non-finite number (which JSON cannot hold) is refused with one line, never printed."""
    from fullcost.errors import nonfinite

    where = nonfinite(obj)
    if where is not None:
        print(f"error: the result holds a non-finite number at {where}: an input is out of range", file=sys.stderr)
        raise typer.Exit(2)
    sys.stdout.write(json.dumps(obj, indent=2, allow_nan=False) + "\n")


Samples = Annotated[int, typer.Option("--samples", "-n", min=1, max=2_000_000,
                                           help="Monte Carlo samples (at most 2 million: ~1.5 GB)")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="random seed; the same seed gives the same numbers")]
Fmt = Annotated[Format, typer.Option("--format", "-f", help="output format")]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename: all or nothing."""
    from fullcost.errors import InputError

    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise InputError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
