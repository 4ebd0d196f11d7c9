"""``FULLCOST_PROFILE=1``: the time of each statement of a DuckDB import, on stderr."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from typing import Any


def trace(led: Any) -> None:
    execute, fetch = led.execute, led.fetch

    def timed(f: Callable[..., Any]) -> Callable[..., Any]:
        def run(sql: str, params: Any = None) -> Any:
            r0 = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.perf_counter()
            out = f(sql, params)
            r1 = resource.getrusage(resource.RUSAGE_SELF)
            cpu = r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime
            print(f"[{time.perf_counter() - t0:7.2f}s {cpu:7.2f}cpu] {' '.join(sql.split())[:110]}", file=sys.stderr)
            return out
        return run

    led.execute = timed(execute)
    led.fetch = timed(fetch)
    led._traced = True
