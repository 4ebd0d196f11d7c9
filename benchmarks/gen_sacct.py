"""Synthetic Slurm accounting dumps (`sacct --parsable2`), for the benchmark and the scale tests.

    python benchmarks/gen_sacct.py OUT.txt --rows 1000000 [--seed 1] [--no-header] [--steps]
           [--bad-every K] [--dup-every K]

Rows look like what ``sacct --allusers --parsable2 --allocations --format FIELDS`` prints: plain, array
(``123_4``) and, with ``--steps``, step rows (``123.batch``, ``123.0``); every state Slurm writes
(``CANCELLED by 1234``, ``End=Unknown`` for running jobs, ``None assigned`` and an empty ``AllocTRES`` for
pending ones); GPUs as ``gres/gpu=N``, typed ``gres/gpu:h100=N`` (with and without the untyped total),
several types, ``gres/gpumem``/``gres/shard`` that are not GPUs, and jobs without GPUs. ``--bad-every K``
damages every K-th row (a non-numeric ElapsedRaw, a truncated line, a bad GPU count, a bad timestamp);
``--dup-every K`` repeats the row before it. DuckDB writes the file, so ten million rows take seconds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

FIELDS = ("JobID", "JobIDRaw", "JobName", "User", "Account", "Partition", "QOS", "Cluster", "Submit", "Start",
          "End", "Elapsed", "ElapsedRaw", "State", "ExitCode", "NNodes", "NCPUS", "NodeList", "AllocTRES",
          "ConsumedEnergyRaw")

ACCOUNTS = ("frontier", "research", "applied", "infra", "eval")
PARTITIONS = ("h100", "a100", "debug")
JOB_NAMES = ("v4-pretrain", "v4-ablation-lr", "v4-ablation-moe", "v4-eval", "v3-sft", "r1-distill", "jupyter",
             "preprocess", "v4-scaling-7b", "misc")
BASE_EPOCH = 1735689600  # 2025-01-01T00:00:00Z


def _pick(values: tuple[str, ...], h: str) -> str:
    items = ", ".join(f"'{v}'" for v in values)
    return f"[{items}][1 + ({h}) % {len(values)}]"


def query(rows: int, seed: int, header: bool, steps: bool, bad_every: int, dup_every: int) -> str:
    """One SELECT that yields the dump as a single text column, one line per row."""
    dup = f"(i % {dup_every} = {dup_every - 1} AND i > 0)" if dup_every > 0 else "false"
    step = f"((hash(j, {seed}, 9) >> 2)::BIGINT % 25 = 0 AND j > 0)" if steps else "false"
    bad = f"(i % {bad_every} = {bad_every - 1})" if bad_every > 0 else "false"
    name = "|".join(FIELDS) if header else "line"
    return f"""
WITH a AS (
  SELECT i, CASE WHEN {dup} THEN i - 1 ELSE i END AS j FROM range({rows}) t(i)
), b AS (
  SELECT i, j,
    (hash(j, {seed}, 1) >> 2)::BIGINT % 1000 AS hs,
    [0, 0, 1, 1, 1, 1, 1, 3, 4, 5][1 + (hash(j, {seed}, 2) >> 2)::BIGINT % 10] AS form0,
    (hash(j, {seed}, 7) >> 2)::BIGINT % 30 = 0 AS typed_only,
    [1, 1, 2, 4, 8, 8, 16, 32, 64][1 + (hash(j, {seed}, 3) >> 2)::BIGINT % 9] AS n,
    CAST((((hash(j, {seed}, 4) >> 2)::BIGINT % 1000) ^ 2) / 1000000.0 * 172800 AS BIGINT) + 30 AS dur,
    (hash(j, {seed}, 5) >> 2)::BIGINT % 3600 AS wait,
    (hash(j, {seed}, 6) >> 2)::BIGINT AS hx,
    {step} AS is_step
  FROM a
), b2 AS (
  SELECT *, CASE WHEN typed_only THEN 2 ELSE form0 END AS form FROM b
), c AS (
  SELECT *,
    {BASE_EPOCH} + j * 3 AS submit_s,
    CASE WHEN hs < 700 THEN 'COMPLETED' WHEN hs < 780 THEN 'FAILED'
         WHEN hs < 840 THEN 'CANCELLED by ' || (1000 + hx % 500)::VARCHAR WHEN hs < 880 THEN 'TIMEOUT'
         WHEN hs < 900 THEN 'OUT_OF_MEMORY' WHEN hs < 910 THEN 'NODE_FAIL' WHEN hs < 920 THEN 'PREEMPTED'
         WHEN hs < 960 THEN 'COMPLETED' WHEN hs < 980 THEN 'RUNNING' WHEN hs < 990 THEN 'PENDING'
         ELSE 'CANCELLED by 0' END AS state,
    hs >= 960 AND hs < 980 AS running,
    hs >= 980 AS unstarted,
    hs >= 990 AS cancelled_pending
  FROM b2
), e AS (
  SELECT *, CASE WHEN form = 3 OR form = 5 THEN 0 ELSE n END AS gpus
  FROM c
), f AS (
  SELECT *,
    CASE WHEN unstarted THEN 0 ELSE dur END AS elapsed,
    submit_s + wait AS start_s,
    greatest(1, gpus // 8) AS nodes,
    greatest(4, gpus * 8) AS cpus
  FROM e
), g AS (
  SELECT *,
    CASE WHEN is_step THEN (1000000 + j - 1)::VARCHAR || ['.batch', '.0', '.extern'][1 + hx % 3]
         WHEN hx % 10 = 0 THEN (1000000 + j - (j % 7))::VARCHAR || '_' || (j % 7)::VARCHAR
         ELSE (1000000 + j)::VARCHAR END AS jobid,
    CASE WHEN is_step THEN (1000000 + j - 1)::VARCHAR || ['.batch', '.0', '.extern'][1 + hx % 3]
         ELSE (1000000 + j)::VARCHAR END AS jobidraw,
    CASE WHEN unstarted THEN ''
         WHEN form = 0 THEN 'billing=' || cpus || ',cpu=' || cpus || ',gres/gpu=' || n || ',mem=' || n * 100
                            || 'G,node=' || nodes
         WHEN form = 1 THEN 'billing=' || cpus || ',cpu=' || cpus || ',gres/gpu:h100=' || n || ',gres/gpu=' || n
                            || ',mem=' || n * 100 || 'G,node=' || nodes
         WHEN form = 2 THEN 'cpu=' || cpus || ',gres/gpu:a100=' || (n // 2) || ',gres/gpu:v100=' || (n - n // 2)
                            || ',mem=' || n * 64 || 'G,node=' || nodes
         WHEN form = 3 THEN 'billing=4,cpu=4,mem=16G,node=1'
         WHEN form = 4 THEN 'cpu=' || cpus || ',gres/gpu=' || n || ',gres/gpumem=' || n * 80 || 'G,mem='
                            || n * 100 || 'G,node=' || nodes
         ELSE 'cpu=8,gres/shard=' || n || ',mem=32G,node=1' END AS alloctres
  FROM f
), h AS (
  SELECT *,
    strftime(make_timestamp(submit_s * 1000000), '%Y-%m-%dT%H:%M:%S') AS submit,
    CASE WHEN unstarted AND NOT cancelled_pending THEN 'Unknown'
         ELSE strftime(make_timestamp(start_s * 1000000), '%Y-%m-%dT%H:%M:%S') END AS start,
    CASE WHEN (unstarted AND NOT cancelled_pending) OR running THEN 'Unknown'
         ELSE strftime(make_timestamp((start_s + elapsed) * 1000000), '%Y-%m-%dT%H:%M:%S') END AS "end",
    CASE WHEN elapsed >= 86400 THEN (elapsed // 86400)::VARCHAR || '-' ELSE '' END
      || lpad(((elapsed % 86400) // 3600)::VARCHAR, 2, '0') || ':'
      || lpad(((elapsed % 3600) // 60)::VARCHAR, 2, '0')
      || ':' || lpad((elapsed % 60)::VARCHAR, 2, '0') AS elapsed_txt
  FROM g
), fields AS (
  SELECT i, [
    jobid, jobidraw, {_pick(JOB_NAMES, 'hx // 7')}, 'user' || lpad((hx // 11 % 200)::VARCHAR, 3, '0'),
    {_pick(ACCOUNTS, 'hx // 13')}, {_pick(PARTITIONS, 'hx // 17')}, 'normal', 'alpha', submit, start, "end",
    elapsed_txt, elapsed::VARCHAR, state,
    CASE WHEN state IN ('COMPLETED', 'RUNNING', 'PENDING') THEN '0:0' WHEN state LIKE 'CANCELLED%' THEN '0:15'
         ELSE '1:0' END,
    nodes::VARCHAR, cpus::VARCHAR,
    CASE WHEN unstarted THEN 'None assigned' ELSE 'gpu' || lpad((hx // 19 % 500)::VARCHAR, 3, '0') END,
    alloctres, CASE WHEN unstarted THEN '0' ELSE (elapsed * gpus * 500)::VARCHAR END
  ] AS v
  FROM h
), damaged AS (
  SELECT i, CASE WHEN NOT {bad} THEN v
    WHEN (i // {max(bad_every, 1)}) % 4 = 0 THEN list_concat(v[1:12], ['12x'], v[14:])
    WHEN (i // {max(bad_every, 1)}) % 4 = 1 THEN v[1:6]
    WHEN (i // {max(bad_every, 1)}) % 4 = 2 THEN list_concat(v[1:18], ['cpu=8,gres/gpu=eight,node=1'], v[20:])
    ELSE list_concat(v[1:8], ['yesterday'], v[10:]) END AS v
  FROM fields
)
SELECT array_to_string(v, '|') AS "{name}" FROM damaged
"""


def generate(out: str | Path, rows: int, seed: int = 1, header: bool = True, steps: bool = False,
             bad_every: int = 0, dup_every: int = 0) -> Path:
    import duckdb

    out = Path(out)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    sql = query(rows, seed, header, steps, bad_every, dup_every)
    target = str(out).replace("'", "''")
    con.execute(f"COPY ({sql}) TO '{target}' (FORMAT csv, DELIMITER '\t', QUOTE '', HEADER {str(header).lower()})")
    con.close()
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-header", action="store_true")
    ap.add_argument("--steps", action="store_true", help="include job step rows (123.batch, 123.0)")
    ap.add_argument("--bad-every", type=int, default=0, help="damage every K-th row")
    ap.add_argument("--dup-every", type=int, default=0, help="repeat the previous row as every K-th row")
    a = ap.parse_args(argv)
    p = generate(a.out, a.rows, a.seed, not a.no_header, a.steps, a.bad_every, a.dup_every)
    print(f"wrote {a.rows:,} rows to {p}", file=sys.stderr)


if __name__ == "__main__":
    main()
