"""`fullcost serve` started on a free port in a subprocess, for the browser test, the screenshots and the
benchmark; stopped (by its own process id) when done."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(workers: int = 1, env: dict[str, str] | None = None, timeout: float = 60.0
            ) -> Iterator[tuple[str, int]]:
    """Yields (the server's base URL, its process id)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "fullcost.cli", "serve", "--port", str(port), "--workers",
                             str(workers)], env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(base + "/upload", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"fullcost serve exited: {proc.stderr.read() if proc.stderr else ''}")
            if time.monotonic() > deadline:
                raise RuntimeError("fullcost serve did not start in time")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
