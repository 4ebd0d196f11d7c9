"""`fullcost serve`: the interactive web app (``fullcost.web``) under uvicorn."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from fullcost.cli.app import app, guard

LOCAL = ("127.0.0.1", "localhost", "::1")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="the address to listen on (default: this machine only)")] =
    "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="the port to listen on")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="server processes (each answers any "
                                                                          "request: the state is in the URL)")] = 1,
) -> None:
    """The web app: every catalog model with controls that recompute it, comparisons, a lab's statements, uploaded
    scenarios, and a JSON API returning what the CLI prints (docs at /docs)."""
    with guard():
        from fullcost.errors import InputError

        try:
            import uvicorn

            import fullcost.web.app  # noqa: F401  (FastAPI present)
        except ImportError as e:
            raise InputError(f"the web app needs its packages: pip install 'fullcost[serve]' ({e.name} is missing)"
                             ) from None
    import os
    import shutil
    import tempfile

    from fullcost.web.names import ENV_DIR

    where = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    if host in LOCAL:
        print(f"fullcost serve: {where} (this machine only; --host 0.0.0.0 to serve others)", file=sys.stderr)
    else:
        print(f"fullcost serve: {where} — listening on {host}, reachable from other machines as you asked "
              "(no authentication: put it behind a reverse proxy with TLS for anything public)", file=sys.stderr)
    uploads = tempfile.mkdtemp(prefix="fullcost-serve-")
    os.environ[ENV_DIR] = uploads  # every worker keeps uploads in this one temporary folder
    try:
        uvicorn.run("fullcost.web.app:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level="warning", proxy_headers=True, server_header=False, timeout_keep_alive=5)
    finally:
        shutil.rmtree(uploads, ignore_errors=True)
