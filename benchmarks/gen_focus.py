"""Synthetic FinOps FOCUS billing exports (CSV or Parquet), for the benchmark and the scale tests.

    python benchmarks/gen_focus.py OUT.csv --rows 1000000 [--seed 1] [--version 1.0|1.2] [--quirks]
           [--parquet] [--bad-every K]

Rows mix Usage, Purchase, Tax, Credit and Adjustment charges of GPU instances, storage and networking across
providers, with ``Tags`` as JSON (``{"project": "v4", "team": "pretraining"}``, or none). Costs have up to
eleven decimals, as real exports do; credits are negative, and a share of usage rows are reversals (negative
cost and quantity). ``--quirks`` writes what real exports write: the literal ``NULL``, timestamps without
``T``/``Z`` and an extra ``Id`` column. ``--version 1.2`` adds the 1.1/1.2 columns (ServiceSubcategory,
InvoiceId, ...). ``--bad-every K`` damages every K-th row (a non-numeric cost, a negative usage cost).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SERVICES = (("Compute", "Amazon Elastic Compute Cloud", "p5.48xlarge", "AWS"),
            ("AI and Machine Learning", "Azure Machine Learning", "ND H100 v5", "Microsoft"),
            ("Compute", "Compute Engine", "a3-highgpu-8g", "Google Cloud"),
            ("Storage", "Amazon Simple Storage Service", "Standard", "AWS"),
            ("Networking", "Amazon Virtual Private Cloud", "DataTransfer-Out", "AWS"),
            ("Databases", "Cloud SQL", "db-custom-8", "Google Cloud"))
PROJECTS = ("v4", "v4", "v3", "r1", "infra", "")


def _pick(values: tuple[str, ...], h: str) -> str:
    items = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"[{items}][1 + ({h}) % {len(values)}]"


def query(rows: int, seed: int, version: str, quirks: bool, bad_every: int) -> str:
    null = "'NULL'" if quirks else "NULL"

    def ts(expr: str) -> str:
        fmt = "%Y-%m-%d %H:%M:%S" if quirks else "%Y-%m-%dT%H:%M:%SZ"
        return f"strftime({expr}, '{fmt}')"

    bad = f"(i % {bad_every} = {bad_every - 1})" if bad_every > 0 else "false"
    newer = ""
    if version == "1.2":
        newer = (", CASE svc_cat WHEN 'Compute' THEN 'Virtual Machines' WHEN 'Storage' THEN 'Object Storage' "
                 "WHEN 'Networking' THEN 'Network Connectivity' WHEN 'Databases' THEN 'Relational Databases' "
                 "ELSE 'AI Platforms' END AS ServiceSubcategory, 'INV-' || (1 + month_i) AS InvoiceId, "
                 f"'USD' AS PricingCurrency, {null} AS CapacityReservationId")
    extra = ", i AS Id" if quirks else ""
    return f"""
WITH a AS (
  SELECT i, (hash(i, {seed}, 1) >> 2)::BIGINT AS h1, (hash(i, {seed}, 2) >> 2)::BIGINT AS h2,
         (hash(i, {seed}, 3) >> 2)::BIGINT AS h3, (i * 7 // 3) % 12 AS month_i
  FROM range({rows}) t(i)
), b AS (
  SELECT *,
    CASE WHEN h1 % 100 < 88 THEN 'Usage' WHEN h1 % 100 < 93 THEN 'Purchase' WHEN h1 % 100 < 96 THEN 'Tax'
         WHEN h1 % 100 < 98 THEN 'Credit' ELSE 'Adjustment' END AS cat,
    h2 % 100 < 3 AS reversal,
    round((h3 % 100000000) / 1e6 * (1 + h1 % 7), 11) AS amount,
    TIMESTAMP '2025-01-01' + to_months(month_i::INTEGER) + to_hours((h2 % 700)::INTEGER) AS start
  FROM a
), c AS (
  SELECT *, {_pick(tuple(s[0] for s in SERVICES), 'h3 // 7')} AS svc_cat,
    CASE WHEN cat = 'Credit' OR (cat = 'Usage' AND reversal) THEN -amount ELSE amount END AS billed,
    {_pick(PROJECTS, 'h2 // 11')} AS project
  FROM b
)
SELECT
  CASE WHEN {bad} AND (i // {max(bad_every, 1)}) % 2 = 0 THEN 'n/a'
       WHEN {bad} THEN '-' || abs(billed)::VARCHAR ELSE billed::VARCHAR END AS BilledCost,
  (CASE WHEN cat = 'Purchase' THEN 0 ELSE round(billed * 0.8, 11) END)::VARCHAR AS EffectiveCost,
  (CASE WHEN cat IN ('Credit', 'Tax', 'Adjustment') THEN billed ELSE round(abs(billed) * 1.25, 11)
        * sign(billed) END)::VARCHAR AS ListCost,
  billed::VARCHAR AS ContractedCost,
  '1234567890' AS BillingAccountId, 'Lab' AS BillingAccountName, 'USD' AS BillingCurrency,
  {ts("date_trunc('month', start)")} AS BillingPeriodStart,
  {ts("date_trunc('month', start) + INTERVAL 1 MONTH")} AS BillingPeriodEnd,
  {ts('start')} AS ChargePeriodStart, {ts('start + INTERVAL 1 HOUR')} AS ChargePeriodEnd,
  cat AS ChargeCategory, {null} AS ChargeClass,
  cat || ' of ' || svc_cat AS ChargeDescription, 'Usage-Based' AS ChargeFrequency,
  CASE WHEN cat = 'Usage' THEN (CASE WHEN reversal THEN -1 ELSE 1 END * (1 + h3 % 8))::VARCHAR
       ELSE {null} END AS PricingQuantity,
  'Hours' AS PricingUnit, 'Hours' AS ConsumedUnit,
  CASE WHEN cat = 'Usage' THEN (CASE WHEN reversal THEN -1 ELSE 1 END * (1 + h3 % 8))::VARCHAR
       ELSE {null} END AS ConsumedQuantity,
  {_pick(tuple(s[3] for s in SERVICES), 'h3 // 7')} AS ProviderName,
  {_pick(tuple(s[3] for s in SERVICES), 'h3 // 7')} AS PublisherName,
  {_pick(tuple(s[3] for s in SERVICES), 'h3 // 7')} AS InvoiceIssuerName,
  svc_cat AS ServiceCategory, {_pick(tuple(s[1] for s in SERVICES), 'h3 // 7')} AS ServiceName,
  'us-east-1' AS RegionId, 'i-' || lpad((h2 % 100000)::VARCHAR, 8, '0') AS ResourceId,
  'ca-' || (h1 % 30) AS SubAccountId, 'team-' || (h1 % 30) AS SubAccountName,
  CASE WHEN project = '' THEN {null}
       ELSE '{{"project": "' || project || '", "team": "' || {_pick(("pretraining", "eval", "infra"), 'h1 // 13')}
            || '"}}' END AS Tags
  {newer}{extra}
FROM c
"""


def generate(out: str | Path, rows: int, seed: int = 1, version: str = "1.0", quirks: bool = False,
             parquet: bool = False, bad_every: int = 0) -> Path:
    import duckdb

    out = Path(out)
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    sql = query(rows, seed, version, quirks, bad_every)
    target = str(out).replace("'", "''")
    fmt = "(FORMAT parquet)" if parquet else "(FORMAT csv, HEADER true)"
    con.execute(f"COPY ({sql}) TO '{target}' {fmt}")
    con.close()
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--version", choices=("1.0", "1.2"), default="1.0")
    ap.add_argument("--quirks", action="store_true", help="literal NULL, timestamps without T/Z, an extra column")
    ap.add_argument("--parquet", action="store_true")
    ap.add_argument("--bad-every", type=int, default=0)
    a = ap.parse_args(argv)
    p = generate(a.out, a.rows, a.seed, a.version, a.quirks, a.parquet, a.bad_every)
    print(f"wrote {a.rows:,} rows to {p}", file=sys.stderr)


if __name__ == "__main__":
    main()
