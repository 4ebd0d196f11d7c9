"""The environment variables the actuals read, each checked before it is used, never pasted into SQL.

- ``FULLCOST_THREADS``: DuckDB threads, a whole number from 1 to 1024 (default: the machine's cores);
- ``FULLCOST_MEMORY_LIMIT``: DuckDB's memory limit, a size such as ``4GB`` or ``512MiB`` (default 1GB);
- ``FULLCOST_SPARK_MASTER``: Spark's master in local mode (``local``, ``local[4]``, ``local[*]``, ``spark://HOST:PORT``,
  ``yarn``, ``k8s://URL``; default ``local[2]``);
- ``FULLCOST_SPARK_MEMORY``: Spark's driver memory (``2g``, ``512m``; default ``2g``).

A bad value is one line naming the variable, what was expected and what was given (exit code 2), so that a
typo never reaches an engine and text such as ``1GB'; DROP TABLE jobs; --`` is refused, not run.
"""

from __future__ import annotations

import os
import re

from fullcost.errors import InputError

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)
_SPARK_SIZE = re.compile(r"^\d+[kmgt]b?$", re.IGNORECASE)
_MASTER = re.compile(r"^(local(\[(\d+|\*)(,\d+)?\])?|yarn|spark://[A-Za-z0-9.\-]+:\d+|k8s://https?://[A-Za-z0-9.\-]+(:\d+)?)$")
MAX_THREADS = 1024


def _shown(v: str) -> str:
    v = v if len(v) <= 60 else v[:57] + "..."
    return repr(v)


def threads() -> int:
    """DuckDB threads: FULLCOST_THREADS, else the machine's cores."""
    v = os.environ.get("FULLCOST_THREADS")
    if v is None or v.strip() == "":
        return max(1, min(os.cpu_count() or 2, MAX_THREADS))
    s = v.strip()
    if not s.isdigit() or not 1 <= int(s) <= MAX_THREADS:
        raise InputError(f"FULLCOST_THREADS: expected a whole number of threads from 1 to {MAX_THREADS}, "
                         f"got {_shown(v)}")
    return int(s)


def memory_limit() -> str:
    """DuckDB's memory limit, as DuckDB spells it (``4GB``, ``512MiB``)."""
    v = os.environ.get("FULLCOST_MEMORY_LIMIT")
    if v is None or v.strip() == "":
        return "1GB"
    m = _SIZE.match(v)
    if m is None or float(m.group(1)) <= 0:
        raise InputError(f"FULLCOST_MEMORY_LIMIT: expected a size such as 4GB or 512MiB, got {_shown(v)}")
    unit = m.group(2).upper().replace("I", "i")
    return f"{m.group(1)}{unit}"


def spark_master() -> str:
    v = os.environ.get("FULLCOST_SPARK_MASTER")
    if v is None or v.strip() == "":
        return "local[2]"
    if not _MASTER.match(v.strip()):
        raise InputError("FULLCOST_SPARK_MASTER: expected local, local[N], local[*], spark://HOST:PORT, yarn or "
                         f"k8s://URL, got {_shown(v)}")
    return v.strip()


def spark_memory() -> str:
    v = os.environ.get("FULLCOST_SPARK_MEMORY")
    if v is None or v.strip() == "":
        return "2g"
    if not _SPARK_SIZE.match(v.strip()):
        raise InputError(f"FULLCOST_SPARK_MEMORY: expected a size such as 2g or 512m, got {_shown(v)}")
    return v.strip()
