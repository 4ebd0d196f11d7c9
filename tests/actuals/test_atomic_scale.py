"""An import killed at any moment leaves the ledger as it was; a large dump imports with exact totals."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from fullcost.actuals import engine as eng
from fullcost.actuals import importer, slurm, usage
from fullcost.actuals import rules as rl
from tests.actuals.conftest import ROOT


def _totals(path) -> tuple[int, dict[str, float]]:
    with eng.open_ledger(path) as led:
        n = int(led.scalar(led.table("jobs").count()))
        rep = usage.report(usage.collect(led, rl.EMPTY, None, "account"), "account", None)
    return n, {r["key"]: round(r["gpu_hours"], 6) for r in rep["rows"]}


def _ingest(path, file) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "FULLCOST_THREADS": "2"}
    return subprocess.Popen([sys.executable, "-m", "fullcost.cli", "ingest", "slurm", str(file), "--ledger",
                             str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def test_sigkill_at_random_moments_never_leaves_a_partial_import(tmp_path, dump):
    """Kill `fullcost ingest slurm` at random moments, many times: the ledger is always as it was before the
    import or as it is after it, never in between (and a kill while the process starts is harmless)."""
    import shutil

    first = dump(50_000, name="a.txt", seed=1)
    second = dump(150_000, name="b.txt", seed=2, bad_every=5000, dup_every=700)
    pristine = tmp_path / "pristine.duckdb"
    eng.init(pristine).close()
    with eng.open_ledger(pristine) as led:
        importer.run(led, slurm.feed(led, first))
    before = _totals(pristine)
    probe = tmp_path / "probe.duckdb"
    shutil.copy(pristine, probe)
    t = time.perf_counter()  # a whole import, start-up included, to aim the kills
    p = _ingest(probe, second)
    assert p.wait(timeout=120) == 0
    full = time.perf_counter() - t
    after = _totals(probe)
    assert after[0] > before[0] and after[1] != before[1]
    path = tmp_path / "kill.duckdb"
    rnd = random.Random(6)
    seen = []
    for _ in range(10):
        for f in tmp_path.glob("kill.duckdb*"):
            shutil.rmtree(f) if f.is_dir() else f.unlink()
        shutil.copy(pristine, path)
        p = _ingest(path, second)
        time.sleep(rnd.uniform(0.05, full * 1.15))
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=60)
        now = _totals(path)
        assert now in (before, after)
        seen.append("before" if now == before else "after")
    assert "before" in seen  # some kills did land inside an import


@pytest.mark.parametrize("rows", [1_000_000])
def test_a_large_dump_has_exact_totals(tmp_path, dump, rows):
    """The scale test: a million generated rows against DuckDB's own reading of the file."""
    import duckdb

    f = dump(rows, name="big.txt", seed=3)
    path = tmp_path / "big.duckdb"
    eng.init(path).close()
    with eng.open_ledger(path) as led:
        rep = importer.run(led, slurm.feed(led, f))
        got = usage.report(usage.collect(led, rl.EMPTY, None, "account"), "account", None)
    assert (rep.rows, rep.inserted, rep.rejected) == (rows, rows, 0)
    ended = ("'COMPLETED','FAILED','CANCELLED','TIMEOUT','OUT_OF_MEMORY','NODE_FAIL','BOOT_FAIL','DEADLINE',"
             "'PREEMPTED','REVOKED','REQUEUED','SPECIAL_EXIT'")
    want = dict(duckdb.connect().execute(f"""
        SELECT Account, sum(g * ElapsedRaw::BIGINT) / 3600.0 FROM (
          SELECT Account, ElapsedRaw, split_part(State, ' ', 1) AS st, "End",
            CASE WHEN regexp_matches(AllocTRES, 'gres/gpu=')
                 THEN regexp_extract(AllocTRES, 'gres/gpu=(\\d+)', 1)::BIGINT
                 ELSE coalesce(list_sum(list_transform(regexp_extract_all(AllocTRES, 'gres/gpu:[^=,]+=(\\d+)', 1),
                                                       lambda x: x::BIGINT)), 0) END AS g
          FROM read_csv('{f}', delim = '|', header = true, all_varchar = true))
        WHERE st IN ({ended}) AND "End" <> 'Unknown' GROUP BY Account""").fetchall())
    assert {r["key"]: r["gpu_hours"] for r in got["rows"]} == pytest.approx({k: float(v) for k, v in want.items()},
                                                                              rel=1e-12)


def test_a_large_focus_export_has_the_file_s_totals(tmp_path):
    """The scale test for bills: 300,000 generated FOCUS rows with real exports' quirks, CSV and Parquet."""
    from decimal import Decimal

    import duckdb
    from gen_focus import generate as gen_focus

    from fullcost.actuals import focus

    csv_f = gen_focus(tmp_path / "f.csv", 300_000, seed=4, quirks=True)
    pq_f = gen_focus(tmp_path / "f.parquet", 300_000, seed=5, version="1.2", parquet=True)
    want = Decimal(0)
    con = duckdb.connect()
    for f, extra in ((csv_f, ", nullstr = 'NULL', all_varchar = true"), (pq_f, "")):
        reader = f"read_csv('{f}'{extra})" if f.suffix == ".csv" else f"read_parquet('{f}')"
        want += con.execute(f"SELECT sum(BilledCost::DECIMAL(38, 18)) FROM {reader}").fetchone()[0]
    path = tmp_path / "bills.duckdb"
    eng.init(path).close()
    with eng.open_ledger(path) as led:
        reports = [importer.run(led, focus.feed(led, f)) for f in (csv_f, pq_f)]
        got = focus.bills(led, "ProviderName", rl.EMPTY)
        exact = led.scalar(led.table("bills").BilledCost.sum())
    assert [(r.inserted, r.rejected) for r in reports] == [(300_000, 0), (300_000, 0)]
    assert exact == want  # decimals, to the last digit
    assert got["total"]["billed_cost"] == float(want)
