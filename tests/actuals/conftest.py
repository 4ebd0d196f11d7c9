"""Fixtures for the actuals suite: a ledger on each engine, generated dumps and an independent reading of them.

The suite runs on DuckDB and on Spark (local mode, one session for the whole run) through the ``engine``
fixture; the Spark half carries the ``spark`` marker so that it can be selected (``-m spark``) or left out.
"""

from __future__ import annotations

import shutil
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "fullcost" / "actuals" / "data"
REFERENCE = ROOT.parent / "shared" / "reference"  # third-party files, read where they are, never copied here
FOCUS_SAMPLE = REFERENCE / "focus-1.0-sample" / "focus_sample.csv"  # the FinOps FOCUS 1.0 sample (CC BY 4.0)
REAL = REFERENCE / "real-records"
needs_focus_sample = pytest.mark.skipif(not FOCUS_SAMPLE.is_file(), reason=f"the FinOps FOCUS 1.0 sample is not at "
                                        f"{FOCUS_SAMPLE} (../shared/reference, beside the repository)")
needs_real_records = pytest.mark.skipif(not (REAL / "slurm" / "SOURCES.tsv").is_file(), reason=f"the real records "
                                        f"are not at {REAL} (../shared/reference, beside the repository)")
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_sacct import generate  # noqa: E402

ENDED = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE",
         "PREEMPTED", "REVOKED", "REQUEUED", "SPECIAL_EXIT"}


def pytest_configure(config):
    config.addinivalue_line("markers", "spark: runs on the Spark engine (PySpark local mode; needs Java)")


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine(request):
    return request.param


@pytest.fixture
def ledger(tmp_path, engine):
    from fullcost.actuals import engine as eng

    path = tmp_path / ("ledger.duckdb" if engine == "duckdb" else "ledger")
    eng.init(path, engine).close()
    yield path
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def dledger(tmp_path):
    """A DuckDB ledger, for tests of things no engine changes."""
    from fullcost.actuals import engine as eng

    path = tmp_path / "d.duckdb"
    eng.init(path).close()
    return path


@pytest.fixture
def dump(tmp_path):
    """A generated sacct dump: make(rows, **options) -> path."""
    def make(rows: int = 2000, name: str = "sacct.txt", **kw) -> Path:
        return generate(tmp_path / name, rows, **kw)

    return make


def gpus_of(tres: str) -> int:
    parts = [p for p in tres.split(",") if p]
    untyped = [p for p in parts if p.startswith("gres/gpu=")]
    if untyped:
        return int(untyped[0].split("=")[1])
    return sum(int(p.split("=")[1]) for p in parts if p.startswith("gres/gpu:"))


def read_sacct(path: Path) -> list[dict]:
    """An independent reading of a dump: the rows fullcost should count (ended jobs, once per key)."""
    with open(path, newline="") as f:
        lines = f.read().splitlines()
    head = lines[0].split("|")
    best: dict[tuple, tuple] = {}
    for line in lines[1:]:
        v = line.split("|")
        if len(v) != len(head):
            continue
        r = dict(zip(head, v, strict=True))
        if "." in r["JobIDRaw"]:
            continue
        try:
            el = int(r["ElapsedRaw"])
            g = gpus_of(r["AllocTRES"])
            int(r["JobIDRaw"])
        except ValueError:
            continue
        if r["Submit"] == "yesterday":
            continue
        state = r["State"].split(" ")[0]
        ended = state in ENDED and r["End"] != "Unknown"
        rank = 2 if ended else 0 if state == "PENDING" else 1
        key = (r["Cluster"], r["JobIDRaw"], r["Submit"])
        cand = (rank, r["End"] if r["End"] != "Unknown" else "", el, g, {**r, "state": state, "gpus": g,
                                                                          "elapsed": el, "ended": ended})
        if key not in best or cand[:4] > best[key][:4]:
            best[key] = cand
    return [c[4] for c in best.values() if c[4]["ended"]]


def totals(rows: list[dict], by: str) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for r in rows:
        out[r[by]] += r["gpus"] * r["elapsed"] / 3600.0
    return dict(out)


def write(tmp_path: Path, name: str, text: str) -> Path:
    import textwrap

    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip())
    return p
