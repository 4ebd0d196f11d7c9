"""Benchmark: import and allocate a sacct dump, against DuckDB's bare read + group-by and the obvious pandas code.

    python benchmarks/bench_actuals.py [--rows 3000000] [--file DUMP] [--threads N] [--skip-pandas] [--repeat N]

Runs over the same generated file (``gen_sacct.py``), each in its own process so that its peak memory is its own,
side by side in one run. "seconds" and "CPU s" exclude interpreter start-up and imports (duckdb's; fullcost's with
the ibis and sqlglot modules it loads; pandas'); "process s" is the whole of each, start-up and imports included:

- duckdb: ``SELECT Account, sum(gpus x ElapsedRaw) / 3600 FROM read_csv(FILE) GROUP BY Account`` (GPUs from
  ``AllocTRES`` by a regular expression), the least any tool can do with the file;
- fullcost: ``ledger init`` + ``ingest slurm`` (validated, keyed, stored in a DuckDB ledger, one transaction) +
  allocation (rules and a fleet: cost per model and phase, idle capacity shared). "seconds" from one Python
  process that calls the library; "process s" and "peak MB" from the three commands a user runs
  (``fullcost ledger init``, ``fullcost ingest slurm``, ``fullcost ledger costs --rules --fleet``), each a whole
  process, their times summed and their peak the largest;
- duckdb to a file: the least any ledger can do: DuckDB's typed CSV reader (times as sacct writes them, ``Unknown``
  read as NULL), GPUs as in the first, the 12 columns of fullcost's ``jobs`` table inserted into a new database
  file, no check of any kind: the floor under ``ingest slurm`` on this machine;
- pandas: ``read_csv`` of the needed columns, GPUs by ``str.extract``, ended jobs, rules by ``str.match``,
  ``groupby().sum()``.

"proc CPU s" is each whole process's CPU time (user + system, all threads): on a shared machine, where the wall
clock depends on what else runs, it is the steadier comparison. fullcost's modules are byte-compiled first, as
``pip install`` does (an editable install under ``PYTHONDONTWRITEBYTECODE`` would compile them in every process).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "src" / "fullcost" / "actuals" / "data"

DUCKDB = r"""
import json, resource, sys, time
import duckdb
path, threads = sys.argv[1], int(sys.argv[2])
con = duckdb.connect()
con.execute(f"SET threads = {threads}")
con.execute("SET enable_progress_bar = false")
ru0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = ru0.ru_utime + ru0.ru_stime
t = time.perf_counter()
rows = con.execute(f'''
  SELECT Account, sum(CAST(coalesce(nullif(regexp_extract(AllocTRES, 'gres/gpu=(\d+)', 1), ''), '0') AS BIGINT)
                      * ElapsedRaw) / 3600.0 AS gpu_hours
  FROM read_csv('{path}', delim = '|', header = true) GROUP BY Account''').fetchall()
secs = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": secs, "cpu": ru.ru_utime + ru.ru_stime - cpu0, "rss_mb": ru.ru_maxrss / 1024,
                  "gpu_hours": sum(r[1] for r in rows)}))
"""

FLOOR = r"""
import json, resource, sys, time
import duckdb
path, threads, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
con = duckdb.connect(db, config={"threads": threads})
con.execute("SET enable_progress_bar = false")
con.execute("SET preserve_insertion_order = false")
con.execute('CREATE TABLE jobs (cluster VARCHAR, job_id BIGINT, task VARCHAR, submit TIMESTAMP, job_name VARCHAR, '
            '"user" VARCHAR, account VARCHAR, partition VARCHAR, state VARCHAR, "end" TIMESTAMP, elapsed BIGINT, '
            'gpus BIGINT, import_id BIGINT)')
typed = {"JobIDRaw": "BIGINT", "Submit": "TIMESTAMP", "Start": "TIMESTAMP", "End": "TIMESTAMP", "ElapsedRaw": "BIGINT"}
with open(path) as f:  # the columns in the file's order, by its header
    types = {c: typed.get(c, "VARCHAR") for c in f.readline().rstrip("\n").split("|")}
ru0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = ru0.ru_utime + ru0.ru_stime
t = time.perf_counter()
con.execute("SET VARIABLE fullcost_bench_path = ?", [path])
con.execute(f'''
  INSERT INTO jobs SELECT Cluster, JobIDRaw, '', Submit, JobName, "User", Account, Partition, State, "End", ElapsedRaw,
    CAST(coalesce(nullif(regexp_extract(AllocTRES, 'gres/gpu=(\d+)', 1), ''), '0') AS BIGINT), 1
  FROM read_csv(getvariable('fullcost_bench_path'), delim = '|', header = true, quote = '', escape = '',
                auto_detect = false, nullstr = ['Unknown', 'None', ''], columns = {types})''')
con.close()
secs = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": secs, "cpu": ru.ru_utime + ru.ru_stime - cpu0, "rss_mb": ru.ru_maxrss / 1024,
                  "gpu_hours": 0.0}))
"""

FOCUS = r"""
import json, os, resource, sys, time
path, threads, ledger = sys.argv[1:4]
os.environ["FULLCOST_THREADS"] = threads
from fullcost.actuals import engine, focus, importer
from fullcost.actuals import rules as rl
t = time.perf_counter()
led = engine.init(ledger)
rep = importer.run(led, focus.feed(led, path))
total = focus.bills(led, "ServiceCategory", rl.EMPTY)["total"]["billed_cost"]
led.close()
secs = time.perf_counter() - t
print(json.dumps({"seconds": secs, "rows": rep.rows, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                  / 1024, "billed": total}))
"""

FULLCOST = r"""
import json, os, resource, sys, time
path, threads, ledger, rules, fleet = sys.argv[1:6]
os.environ["FULLCOST_THREADS"] = threads
from fullcost.actuals import allocate, engine, importer, slurm
import fullcost.costing.fleet, fullcost.scenario  # imports, not timed
from fullcost.actuals import compiler
compiler.compiler("duckdb")
ru0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = ru0.ru_utime + ru0.ru_stime
t = time.perf_counter()
led = engine.init(ledger)
rep = importer.run(led, slurm.feed(led, path))
t_import = time.perf_counter() - t
setup = allocate.resolve(led, rules, fleet)
alloc = allocate.allocate(led, setup)
led.close()
secs = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": secs, "import_seconds": t_import, "allocate_seconds": secs - t_import,
                  "cpu": ru.ru_utime + ru.ru_stime - cpu0, "rss_mb": ru.ru_maxrss / 1024, "rows": rep.rows,
                  "rejected": rep.rejected, "gpu_hours": sum(alloc.gpu_hours.values()), "usd": alloc.total()}))
"""

PANDAS = r"""
import json, resource, sys, time
import pandas as pd
path = sys.argv[1]
ru0 = resource.getrusage(resource.RUSAGE_SELF)
cpu0 = ru0.ru_utime + ru0.ru_stime
t = time.perf_counter()
df = pd.read_csv(path, sep="|", usecols=["JobIDRaw", "JobName", "Account", "State", "End", "ElapsedRaw", "AllocTRES"],
                 dtype=str, keep_default_na=False)
df = df[~df["JobIDRaw"].str.contains(".", regex=False)]
df["state"] = df["State"].str.split(" ").str[0]
ended = ["COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "BOOT_FAIL", "DEADLINE",
         "PREEMPTED", "REVOKED", "REQUEUED", "SPECIAL_EXIT"]
df = df[df["state"].isin(ended) & (df["End"] != "Unknown")]
df = df.drop_duplicates(subset=["JobIDRaw"])
gpus = pd.to_numeric(df["AllocTRES"].str.extract(r"gres/gpu=(\d+)")[0], errors="coerce").fillna(0)
df["gpu_hours"] = gpus * pd.to_numeric(df["ElapsedRaw"]) / 3600.0
df["month"] = df["End"].str[:7]
model = pd.Series("unattributed", index=df.index)
phase = pd.Series("other", index=df.index)
for pat, m, p in [("v4-pretrain", "v4", "final_run"), ("v4-ablation-|v4-scaling-", "v4", "experiments"),
                  ("v4-eval$", "v4", "validation"), ("r1-distill$", "v4", "related_model"),
                  ("v3-sft$", "v3", "experiments")]:
    hit = (model == "unattributed") & df["JobName"].str.match(pat)
    model[hit] = m
    phase[hit] = p
failed = df["state"] != "COMPLETED"
phase[failed & (model != "unattributed") & (phase != "final_run")] = "failed"
out = df.assign(model=model, phase=phase).groupby(["model", "phase", "month"])["gpu_hours"].sum()
secs = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": secs, "cpu": ru.ru_utime + ru.ru_stime - cpu0, "rss_mb": ru.ru_maxrss / 1024,
                  "gpu_hours": float(out.sum())}))
"""


def _process(argv: list[str]) -> tuple[float, float, str, float]:
    """Wall seconds, peak resident MB, stdout and CPU seconds (user + system, every thread) of one whole process."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t = time.perf_counter()
        p = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        secs = time.perf_counter() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if p.returncode != 0:
            raise SystemExit(f"benchmark step failed: {' '.join(argv)}\n{err.read()}")
        return secs, ru.ru_maxrss / 1024, out.read(), ru.ru_utime + ru.ru_stime


def _child(code: str, *args: str) -> dict[str, float]:
    secs, _, out, cpu = _process([sys.executable, "-c", code, *args])
    res: dict[str, float] = json.loads(out.strip().replace("\r", "\n").splitlines()[-1])
    res["process"] = secs  # the whole process: start-up and imports too
    res["process_cpu"] = cpu
    return res


def _cli(path: Path, ledger: Path, threads: int) -> dict[str, float]:
    """The three commands a user runs, each a whole process: their seconds summed, their largest peak."""
    os.environ["FULLCOST_THREADS"] = str(threads)
    fc = [sys.executable, "-m", "fullcost.cli"]
    steps = [[*fc, "ledger", "init", str(ledger)], [*fc, "ingest", "slurm", str(path), "--ledger", str(ledger)],
             [*fc, "ledger", "costs", str(ledger), "--rules", str(DATA / "rules.yaml"), "--fleet",
              str(DATA / "fleet.yaml"), "--format", "json"]]
    total, peak, out, cpu = 0.0, 0.0, "", 0.0
    each = []
    for argv in steps:
        secs, mb, out, c = _process(argv)
        total, peak, cpu = total + secs, max(peak, mb), cpu + c
        each.append(secs)
    costs = json.loads(out)
    return {"process": total, "rss_mb": peak, "process_cpu": cpu, "init_s": each[0], "ingest_s": each[1],
            "costs_s": each[2], "gpu_hours": costs["total"]["gpu_hours"], "usd": costs["total"]["usd"]}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=3_000_000, help="rows of the generated dump")
    ap.add_argument("--file", help="an existing sacct dump instead of a generated one")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--repeat", type=int, default=1, help="runs of each (the fastest counts)")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--focus-rows", type=int, default=200_000, help="rows of a generated FOCUS export to import "
                                                                      "too (0: none)")
    a = ap.parse_args(argv)
    import compileall

    import fullcost

    compileall.compile_dir(str(Path(fullcost.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory(prefix="fullcost-bench-") as tmp:
        if a.file:
            path = Path(a.file)
        else:
            sys.path.insert(0, str(HERE))
            from gen_sacct import generate

            path = Path(tmp) / "sacct.txt"
            t = time.perf_counter()
            generate(path, a.rows)
            print(f"generated {a.rows:,} rows ({path.stat().st_size / 1e9:.2f} GB) in "
                  f"{time.perf_counter() - t:.1f}s", file=sys.stderr)
        res: dict[str, dict[str, float]] = {}

        def keep(name: str, r: dict[str, float], key: str) -> None:
            if name not in res or r[key] < res[name][key]:
                res[name] = r

        for i in range(a.repeat):
            led = Path(tmp) / f"ledger{i}.duckdb"
            keep("duckdb", _child(DUCKDB, str(path), str(a.threads)), "seconds")
            keep("duckdb to a file", _child(FLOOR, str(path), str(a.threads), str(Path(tmp) / f"floor{i}.duckdb")),
                 "seconds")
            _drop(tmp, i, "floor")
            keep("fullcost", _child(FULLCOST, str(path), str(a.threads), str(led), str(DATA / "rules.yaml"),
                                    str(DATA / "fleet.yaml")), "seconds")
            _drop(tmp, i)
            keep("fullcost CLI", _cli(path, led, a.threads), "process")
            _drop(tmp, i)
            if not a.skip_pandas:
                keep("pandas", _child(PANDAS, str(path)), "seconds")
        d, fc, cli = res["duckdb"], res["fullcost"], res["fullcost CLI"]
        print(f"{'':10s} {'seconds':>9s} {'x duckdb':>9s} {'CPU s':>9s} {'x duckdb':>9s} {'process s':>10s} "
              f"{'x duckdb':>9s} {'proc CPU s':>10s} {'x duckdb':>9s} {'peak MB':>9s}   ({fc['rows']:,.0f} rows, "
              f"{a.threads} threads, best of {a.repeat})")
        rows = [("duckdb", d), ("to a file", res["duckdb to a file"]),
                ("fullcost", {**fc, "process": cli["process"], "process_cpu": cli["process_cpu"],
                              "rss_mb": cli["rss_mb"]})]
        rows += [("pandas", res["pandas"])] if "pandas" in res else []
        for name, r in rows:
            print(f"{name:10s} {r['seconds']:9.2f} {r['seconds'] / d['seconds']:9.2f} {r['cpu']:9.2f} "
                  f"{r['cpu'] / d['cpu']:9.2f} {r['process']:10.2f} {r['process'] / d['process']:9.2f} "
                  f"{r['process_cpu']:10.2f} {r['process_cpu'] / d['process_cpu']:9.2f} {r['rss_mb']:9.0f}")
        print(f"fullcost: import {fc['import_seconds']:.2f}s + allocation {fc['allocate_seconds']:.2f}s in-process; "
              f"the commands as processes: ledger init {cli['init_s']:.2f}s + ingest slurm {cli['ingest_s']:.2f}s + "
              f"ledger costs {cli['costs_s']:.2f}s = {cli['process']:.2f}s; {int(fc['rows']):,} rows, "
              f"{int(fc['rejected']):,} rejected")
        if "pandas" in res:
            p = res["pandas"]
            print(f"fullcost is {p['process'] / cli['process']:.1f}x faster than pandas as whole processes "
                  f"({p['process_cpu'] / cli['process_cpu']:.1f}x in CPU seconds, {p['seconds'] / fc['seconds']:.1f}x "
                  f"without start-up), {cli['process'] / d['process']:.2f}x DuckDB's bare read "
                  f"({cli['process_cpu'] / d['process_cpu']:.2f}x in CPU seconds)")
        fl = res["duckdb to a file"]
        print(f"the floor (DuckDB's typed read into a file, no checks): {fl['process']:.2f}s as a process; fullcost's "
              f"ingest slurm takes {cli['ingest_s']:.2f}s, {cli['ingest_s'] / fl['process']:.2f}x that")
        gh = {k: v["gpu_hours"] for k, v in res.items() if k != "duckdb to a file"}
        print("GPU-hours: " + ", ".join(f"{k} {v:,.1f}" for k, v in gh.items()))
        print("  (they differ by design: the DuckDB query counts every row, running and pending jobs too, and the\n"
              "  pandas code ended jobs; both read only an untyped gres/gpu=N, not gres/gpu:h100=N alone. fullcost\n"
              "  counts ended jobs once per key with typed GPUs, as the independent reading in tests/actuals does.)")
        if a.focus_rows:
            sys.path.insert(0, str(HERE))
            from gen_focus import generate as gen_focus

            f = gen_focus(Path(tmp) / "focus.csv", a.focus_rows, quirks=True)
            r = _child(FOCUS, str(f), str(a.threads), str(Path(tmp) / "bills.duckdb"))
            print(f"FOCUS: {int(r['rows']):,} rows (with quirks) imported and totalled in {r['seconds']:.2f}s "
                  f"({r['rows'] / r['seconds']:,.0f} rows/s), peak {r['rss_mb']:.0f} MB")


def _drop(tmp: str, i: int, stem: str = "ledger") -> None:
    for f in Path(tmp).glob(f"{stem}{i}.duckdb*"):
        if f.is_file():
            f.unlink()


if __name__ == "__main__":
    main()
