"""FOCUS bills: the real sample, exports' quirks, versions, negative costs, Parquet, attribution by tags."""

from __future__ import annotations

import csv
from decimal import Decimal

import pytest

from fullcost.actuals import engine as eng
from fullcost.actuals import focus, importer
from fullcost.actuals import rules as rl
from fullcost.errors import InputError
from tests.actuals.conftest import FOCUS_SAMPLE, needs_focus_sample, write


def _import(path, file, version=None, strict=False):
    with eng.open_ledger(path) as led:
        return importer.run(led, focus.feed(led, file, version), strict)


def _bills(path, by, rules=rl.EMPTY):
    with eng.open_ledger(path) as led:
        return focus.bills(led, by, rules)


def _file_sums(path, by=None):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    out: dict[str, list[Decimal]] = {}
    for r in rows:
        k = r[by] if by else "all"
        a = out.setdefault(k if k != "NULL" else "(none)", [Decimal(0), Decimal(0)])
        a[0] += Decimal(r["BilledCost"])
        a[1] += Decimal(r["EffectiveCost"])
    return out


@needs_focus_sample
def test_the_real_sample_imports_with_the_file_s_own_totals(ledger):
    r = _import(ledger, FOCUS_SAMPLE)
    assert (r.rows, r.inserted, r.rejected) == (1000, 1000, 0)
    assert any("x_extra: Id" in n for n in r.notes) and any("FOCUS 1.0" in n for n in r.notes)
    want = _file_sums(FOCUS_SAMPLE)["all"]
    got = _bills(ledger, "ServiceCategory")
    assert Decimal(str(got["total"]["billed_cost"])) == want[0]
    assert Decimal(str(got["total"]["effective_cost"])) == want[1]
    per = _file_sums(FOCUS_SAMPLE, "ServiceCategory")
    for row in got["rows"]:
        assert row["billed_cost"] == pytest.approx(float(per[row["key"]][0]), abs=1e-12)
    again = _import(ledger, FOCUS_SAMPLE)
    assert (again.inserted, again.unchanged) == (0, 1000)
    assert _bills(ledger, "ServiceCategory") == got


@needs_focus_sample
def test_quirks_null_timestamps_extra_columns_and_tags(dledger):
    r = _import(dledger, FOCUS_SAMPLE)
    assert r.rejected == 0
    with eng.open_ledger(dledger) as led:
        b = led.table("bills")
        nulls, extra, start = led.rows(b.aggregate(
            n=b.AvailabilityZone.isnull().sum(), x=b.x_extra.max(), s=b.ChargePeriodStart.min()))[0]
    assert nulls == 893  # the literal NULL is read as NULL (893 rows of the sample)
    assert extra.startswith('{"Id": "') and start.year == 2024  # "2024-09-01 00:00:00": no T, no Z
    env = {x["key"]: x["billed_cost"] for x in _bills(dledger, "tags.environment")["rows"]}
    assert set(env) >= {"dev", "prod", "(none)"}
    rules = rl.loads("rules:\n  - match: {tags.environment: prod}\n    model: v4\n    phase: inference\n", "r.yaml")
    by_model = {x["key"]: x for x in _bills(dledger, "model", rules)["rows"]}
    assert by_model["v4"]["billed_cost"] == pytest.approx(env["prod"], abs=1e-12)
    assert set(by_model) == {"v4", "unattributed"}
    with pytest.raises(InputError, match=r"unknown column 'ServiceCategry'.*ServiceCategory"):
        _bills(dledger, "ServiceCategry")


HEAD12 = ("BilledCost,EffectiveCost,ListCost,ContractedCost,ChargeCategory,ChargeClass,ChargePeriodStart,"
          "ChargePeriodEnd,PricingQuantity,ServiceCategory,InvoiceId,Tags\n")


def test_focus_1_2_negative_costs_and_bad_rows(ledger, tmp_path):
    f = write(tmp_path, "f12.csv", HEAD12 + (
        '10.5,9.5,12,10,Usage,,2025-01-01T00:00:00Z,2025-01-01T01:00:00Z,1,Compute,I-1,"{""project"": ""v4""}"\n'
        "-3,-3,-3,-3,Credit,,2025-01-01T00:00:00Z,2025-02-01T00:00:00Z,,Compute,I-1,\n"
        "-1,-1,-1,-1,Usage,,2025-01-01T00:00:00Z,2025-01-01T01:00:00Z,-2,Storage,I-1,\n"
        "-5,-5,-5,-5,Usage,,2025-01-01T00:00:00Z,2025-01-01T01:00:00Z,4,Compute,I-2,\n"
        "abc,1,1,1,Usage,,2025-01-01T00:00:00Z,2025-01-01T01:00:00Z,1,Compute,I-2,\n"
        "1,1,1,1,Usage,,2025-01-01T00:00:00Z,2025-01-01T01:00:00Z,1,Compute\n"
        "2,2,2,2,Usage,,not a date,2025-01-01T01:00:00Z,1,Compute,I-2,\n"
        "2,2,2,2,Usage,,2025-01-01T00:00:00Z,2025-01-01T01:00:00Z,1,Compute,I-2,project=v4\n"))
    r = _import(ledger, f)
    assert any("FOCUS 1.2" in n for n in r.notes)
    bad = {x.line: x.reason for x in r.rejects}
    assert bad[5].startswith("BilledCost: -5 is negative, expected 0 or more for a Usage charge")
    assert bad[6] == "BilledCost: expected a number, got 'abc'"
    assert bad[7].startswith("truncated row")
    assert bad[8].startswith("ChargePeriodStart: expected a date-time") and "'not a date'" in bad[8]
    assert bad[9].startswith("Tags: expected a JSON object")
    assert set(bad) == {5, 6, 7, 8, 9} and r.inserted == 3
    # a credit and a reversal (negative quantity) are accepted: 10.5 - 3 - 1
    assert _bills(ledger, "InvoiceId")["total"]["billed_cost"] == pytest.approx(6.5)


@needs_focus_sample
def test_versions(dledger, tmp_path):
    newer = write(tmp_path, "f13.csv", "BilledCost,EffectiveCost,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,"
                  "ServiceProviderName,HostProviderName\n1,1,2025-01-01,2025-01-02,Usage,A,B\n")
    with pytest.raises(InputError, match=r"unknown FOCUS version.*ServiceProviderName.*1.0, 1.1, 1.2"):
        _import(dledger, newer)
    old = write(tmp_path, "f05.csv", "BilledCost,AmortizedCost,ChargePeriodStart,ChargePeriodEnd,ChargeCategory\n")
    with pytest.raises(InputError, match=r"FOCUS 0.5"):
        _import(dledger, old)
    with pytest.raises(InputError, match=r"unknown FOCUS version '0.9'"):
        _import(dledger, FOCUS_SAMPLE, version="0.9")
    assert _import(dledger, FOCUS_SAMPLE, version="1.1").inserted == 1000
    notfocus = write(tmp_path, "x.csv", "a,b\n1,2\n")
    with pytest.raises(InputError, match=r"not a FOCUS 1.0-1.2 export: no BilledCost, EffectiveCost"):
        _import(dledger, notfocus)


@needs_focus_sample
def test_parquet_gives_the_same_totals(dledger, tmp_path):
    import duckdb

    pq = tmp_path / "sample.parquet"
    duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{FOCUS_SAMPLE}', all_varchar = true, nullstr = 'NULL')) "
                             f"TO '{pq}' (FORMAT parquet)")
    r = _import(dledger, pq)
    assert (r.inserted, r.rejected) == (1000, 0)
    want = _file_sums(FOCUS_SAMPLE)["all"]
    assert Decimal(str(_bills(dledger, "ProviderName")["total"]["billed_cost"])) == want[0]
